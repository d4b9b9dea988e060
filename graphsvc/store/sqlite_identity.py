"""The embedded store's side of identity: the ``IdentityStore`` reads and the write transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from graphsvc.names.parse import spell_of_key
from graphsvc.store.base import RESERVED_AUTHOR_ID, IdentityTx, Mention, T, VariantRow
from graphsvc.store.sqlite_lock import exclusive
from graphsvc.store.sqlite_rewrites import record_rewrite
from graphsvc.store.sqlite_schema import edges_from_papers
from graphsvc.store.sqlite_written import WrittenRows

_OVERRIDE_COLUMNS = (
    'id, kind, subject, object, payload, who, "when", why, active, undone_who, undone_when, '
    "undone_why"
)
_BUMP_GENERATION = (
    "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT "
    "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)
_RESERVED = RESERVED_AUTHOR_ID
#: author ids whose variant keys ``name_keys`` reads per query (a few MB of rows)
NAME_KEY_CHUNK = 50_000


def _override(r: Sequence[Any]) -> dict[str, Any]:
    return {
        "id": int(r[0]), "kind": r[1], "subject": int(r[2]), "object": int(r[3]),
        "payload": json.loads(r[4]), "who": r[5], "when": r[6], "why": r[7],
        "active": bool(r[8]),
        "undone": None if r[9] is None else {"who": r[9], "when": r[10], "why": r[11]},
    }


class SQLiteIdentityQueries:
    """Mixin of ``SQLiteStore``: the ``IdentityStore`` half (overrides, explanations, duplicates,
    the identity rules' look-ups), over ``self.db``."""

    db: sqlite3.Connection
    _vocabulary: set[str] | None
    _written: WrittenRows | None

    if TYPE_CHECKING:  # what the host class, ``SQLiteStore``, provides
        def get_meta(self, key: str) -> str | None: ...
        def set_meta(self, key: str, value: str) -> None: ...
        def _index_pairs(self, pairs: set[tuple[int, str]]) -> None: ...
        def _rows_in(self, sql: str, ids: Iterable[int],
                     prefix: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]: ...

    # -- identity: overrides, explanations, duplicates -----------------------------------------
    @exclusive("change an author's identity")
    def identity_write(self, work: Callable[[IdentityTx], T]) -> T:
        """Run one manual merge, split or undo in a single transaction."""
        db = self.db
        if self._written is not None:
            self._written.clear()  # a merge or split deletes and moves such rows
        db.execute("BEGIN IMMEDIATE")
        try:
            out = work(SQLiteIdentityTx(self))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled back already (disk full)
                db.execute("ROLLBACK")
            self._vocabulary = None
            raise
        return out

    def overrides(
        self, *, author: int | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """Manual overrides, newest first (all, or those about one author)."""
        where, args = ("", ()) if author is None else (
            "WHERE subject = ? OR object = ?", (author, author))
        total = int(self.db.execute(f"SELECT count(*) FROM overrides {where}", args).fetchone()[0])
        rows = self.db.execute(
            f"SELECT {_OVERRIDE_COLUMNS} FROM overrides {where} ORDER BY id DESC LIMIT ? OFFSET ?",
            (*args, limit, offset),
        ).fetchall()
        return total, [_override(r) for r in rows]

    def override(self, override_id: int) -> dict[str, Any] | None:
        return SQLiteIdentityTx(self).override(override_id)

    def alias_rows(self) -> list[tuple[int, int]]:
        """(merged-away or undone split-off author, where it went), oldest override first."""
        return [
            (int(a), int(b))
            for a, b in self.db.execute(
                "SELECT subject, object FROM overrides WHERE (kind = 'merge' AND active) "
                "OR (kind = 'split' AND NOT active) ORDER BY id"
            )
        ]

    def evidence(self, author: int) -> list[tuple[str, str, str]]:
        return SQLiteIdentityTx(self).evidence(author)

    def authorships(self, author: int) -> list[Mention]:
        return SQLiteIdentityTx(self).authorships(author)

    def name_keys(self) -> Iterator[tuple[int, str, bool]]:
        """Every (author, variant match key, initials only) once, by author and key.

        Read by ranges of ``NAME_KEY_CHUNK`` author ids (a primary-key range each), each range
        read whole before it is handed out (no cursor stays open between two steps: a store
        shared between threads may be used in between), so that a scan of millions of
        variants holds one range at a time (``duplicates``, the conflation check). A writer
        committing between two ranges shows in the later ranges only, as it would between
        the reader's other queries.
        """
        top = self.db.execute("SELECT max(author_id) FROM variants").fetchone()[0]
        for low in range(0, int(top or 0), NAME_KEY_CHUNK):
            rows = self.db.execute(
                "SELECT author_id, key, min(initials_only) FROM variants "
                "WHERE author_id > ? AND author_id <= ? AND key != '' "
                "GROUP BY author_id, key ORDER BY author_id, key",
                (low, low + NAME_KEY_CHUNK),
            ).fetchall()
            for aid, key, init in rows:
                yield int(aid), str(key), bool(init)

    def spelling_groups(self) -> list[list[int]]:
        """The authors of each full-name spelling key held by two or more authors, each group
        in id order: a key counts for an author when none of its variants with that key is
        initials-only (as ``name_keys`` reads it). The spellings held by two or more authors
        come from one scan of the ``spell`` index (at 3M authors under a CPU second, where
        reading every key into Python took ~25 s), and only their rows are grouped."""
        rows = self.db.execute(
            "SELECT group_concat(DISTINCT author_id) FROM ("
            " SELECT author_id, max(spell) AS spell FROM variants WHERE key != '' AND spell IN ("
            "  SELECT spell FROM variants WHERE spell != '' GROUP BY spell"
            "  HAVING count(DISTINCT author_id) > 1)"
            " GROUP BY author_id, key HAVING min(initials_only) = 0"
            ") GROUP BY spell HAVING count(DISTINCT author_id) > 1"
        ).fetchall()
        return [sorted(int(a) for a in str(ids).split(",")) for (ids,) in rows]

    def author_name_keys(self, author: int) -> list[tuple[str, bool]]:
        return [
            (str(k), bool(i))
            for k, i in self.db.execute(
                "SELECT key, min(initials_only) FROM variants WHERE author_id = ? AND key != '' "
                "GROUP BY key ORDER BY key",
                (author,),
            )
        ]

    def stored_duplicates(self, author: int | None = None) -> list[tuple[int, int, str, float]]:
        sql = "SELECT a, b, reason, score FROM duplicates"
        args: tuple[int, ...] = ()
        if author is not None:
            sql += " WHERE a = ? OR b = ?"
            args = (author, author)
        return [(int(a), int(b), str(r), float(sc)) for a, b, r, sc in self.db.execute(
            sql + " ORDER BY a, b", args)]

    def coauthor_sets(self, authors: Sequence[int]) -> dict[int, set[int]]:
        out: dict[int, set[int]] = {int(a): set() for a in authors}
        for a, b in self._rows_in("SELECT a, b FROM coauthors WHERE a IN", out):
            out[int(a)].add(int(b))
        for a, b in self._rows_in("SELECT b, a FROM coauthors WHERE b IN", out):
            out[int(a)].add(int(b))
        return out

    def venue_sets(self, authors: Sequence[int]) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {int(a): set() for a in authors}
        for a, v in self._rows_in(
            "SELECT s.author_id, p.venue FROM authorships s JOIN papers p ON p.id = s.paper_id "
            "WHERE p.venue IS NOT NULL AND s.author_id IN", out
        ):
            out[int(a)].add(str(v))
        return out

    def external_id_sets(self, authors: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        out: dict[int, list[tuple[str, str]]] = {int(a): [] for a in authors}
        for a, k, v in self._rows_in(
            "SELECT author_id, kind, value FROM author_ids WHERE author_id IN", out
        ):
            out[int(a)].append((str(k), str(v)))
        for v in out.values():
            v.sort()
        return out

    def author_summaries(self, authors: Sequence[int]) -> dict[int, dict[str, Any]]:
        return {
            int(a): {"id": int(a), "name": str(n), "papers": int(p)}
            for a, n, p in self._rows_in("SELECT id, name, papers FROM authors WHERE id IN",
                                         set(authors))
        }

    def paper_coauthors(
        self, author: int
    ) -> list[tuple[int, int | None, str | None, bool, list[int]]]:
        """The author's papers: (paper, year, venue, counted, the other authors)."""
        papers: dict[int, tuple[int | None, str | None, bool]] = {}
        others: dict[int, list[int]] = {}
        for pid, year, venue, counted, other in self.db.execute(
            "SELECT p.id, p.year, p.venue, p.counted, o.author_id FROM authorships s "
            "JOIN papers p ON p.id = s.paper_id "
            "LEFT JOIN authorships o ON o.paper_id = s.paper_id AND o.author_id != s.author_id "
            "WHERE s.author_id = ? ORDER BY p.id, o.position",
            (author,),
        ):
            papers[int(pid)] = (year, venue, bool(counted))
            got = others.setdefault(int(pid), [])
            if other is not None:
                got.append(int(other))
        return [(p, y, v, c, others[p]) for p, (y, v, c) in papers.items()]

    def people(self) -> set[frozenset[tuple[str, int]]]:
        """Every author as the set of its authorships, a paper named by its first source: the
        store's identity decisions without its ids, so stores filled in different orders or
        runs compare equal exactly when they made the same people."""
        paper = dict(self.db.execute(
            "SELECT paper_id, min(source_ref) FROM provenance GROUP BY paper_id").fetchall())
        by_author: dict[int, set[tuple[str, int]]] = {}
        for p, pos, a in self.db.execute("SELECT paper_id, position, author_id FROM authorships"):
            by_author.setdefault(a, set()).add((paper[p], pos))
        return {frozenset(v) for v in by_author.values()}

    def prolific_authors(self, min_papers: int, limit: int) -> list[int]:
        return [
            int(r[0])
            for r in self.db.execute(
                "SELECT id FROM authors WHERE papers >= ? ORDER BY papers DESC, id LIMIT ?",
                (min_papers, limit),
            )
        ]


class SQLiteIdentityTx:
    """``IdentityTx`` inside the embedded store's open transaction."""

    def __init__(self, store: SQLiteIdentityQueries) -> None:
        self.store = store
        self.db = store.db

    # -- reads ---------------------------------------------------------------------------------
    def author_row(self, author: int) -> tuple[int, str, str] | None:
        r = self.db.execute("SELECT id, name, key FROM authors WHERE id = ?", (author,)).fetchone()
        return None if r is None else (int(r[0]), str(r[1]), str(r[2]))

    def authorships(self, author: int) -> list[Mention]:
        rows = self.db.execute(
            "SELECT paper_id, position, raw_name, source FROM authorships WHERE author_id = ? "
            "ORDER BY paper_id, position",
            (author,),
        ).fetchall()
        fallback: dict[str, str] = {}
        if any(r[3] is None for r in rows):
            # authorships written before the source was kept: the name's most used source
            for name, src in self.db.execute(
                "SELECT name, source FROM variants WHERE author_id = ? ORDER BY count, source",
                (author,),
            ):
                fallback[str(name)] = str(src)
        return [
            Mention(int(p), int(pos), str(raw), str(src) if src is not None
                    else fallback.get(str(raw), "unknown"))
            for p, pos, raw, src in rows
        ]

    def variants(self, author: int) -> list[VariantRow]:
        return [
            VariantRow(str(n), str(src), str(k), str(sg), bool(i), int(c))
            for n, src, k, sg, i, c in self.db.execute(
                "SELECT name, source, key, sig, initials_only, count FROM variants "
                "WHERE author_id = ? ORDER BY name, source",
                (author,),
            )
        ]

    def external_ids(self, author: int) -> list[tuple[str, str]]:
        return [
            (str(k), str(v))
            for k, v in self.db.execute(
                "SELECT kind, value FROM author_ids WHERE author_id = ? ORDER BY kind, value",
                (author,),
            )
        ]

    def evidence(self, author: int) -> list[tuple[str, str, str]]:
        return [
            (str(v), str(r), str(d))
            for v, r, d in self.db.execute(
                "SELECT variant, rule, detail FROM evidence WHERE author_id = ? "
                "ORDER BY variant, rule",
                (author,),
            )
        ]

    def duplicates(self, author: int) -> list[tuple[int, int, str, float]]:
        return self.store.stored_duplicates(author)

    def shared_papers(self, a: int, b: int) -> list[int]:
        return [
            int(r[0])
            for r in self.db.execute(
                "SELECT x.paper_id FROM authorships x JOIN authorships y "
                "ON y.paper_id = x.paper_id AND y.author_id = ? WHERE x.author_id = ? "
                "ORDER BY x.paper_id",
                (b, a),
            )
        ]

    def max_paper_id(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0])

    def next_author_id(self) -> int:
        top = int(self.db.execute("SELECT coalesce(max(id), 0) FROM authors").fetchone()[0])
        return max(top, int(self.store.get_meta(_RESERVED) or 0)) + 1

    def override(self, override_id: int) -> dict[str, Any] | None:
        r = self.db.execute(
            f"SELECT {_OVERRIDE_COLUMNS} FROM overrides WHERE id = ?", (override_id,)
        ).fetchone()
        return None if r is None else _override(r)

    def later_overrides(self, override_id: int, authors: Sequence[int]) -> list[int]:
        ids = sorted(set(authors))
        marks = ",".join("?" * len(ids))
        return [
            int(r[0])
            for r in self.db.execute(
                f"SELECT id FROM overrides WHERE id > ? AND active AND "
                f"(subject IN ({marks}) OR object IN ({marks})) ORDER BY id",
                (override_id, *ids, *ids),
            )
        ]

    # -- writes --------------------------------------------------------------------------------
    def create_author(self, author: int, name: str, key: str) -> None:
        self.db.execute("INSERT INTO authors (id, name, key) VALUES (?, ?, ?)", (author, name, key))

    def move_authorships(self, rows: Sequence[Mention], target: int) -> None:
        # the graph index appends this only when every moved row is of a paper it lacks
        record_rewrite(self.db, (m.paper for m in rows))
        self.db.executemany(
            "UPDATE authorships SET author_id = ? WHERE paper_id = ? AND position = ?",
            [(target, m.paper, m.position) for m in rows],
        )

    def add_variants(self, author: int, rows: Sequence[VariantRow]) -> None:
        self.db.executemany(
            "INSERT INTO variants (author_id, name, source, key, sig, initials_only, count, spell) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + "
            "excluded.count",
            [(author, v.name, v.source, v.key, v.sig, int(v.initials_only), v.n,
              spell_of_key(v.key)) for v in rows],
        )
        self.db.execute("DELETE FROM variants WHERE author_id = ? AND count <= 0", (author,))

    def move_ids(self, ids: Sequence[tuple[str, str]], target: int) -> None:
        self.db.executemany(
            "UPDATE author_ids SET author_id = ? WHERE kind = ? AND value = ?",
            [(target, k, v) for k, v in ids],
        )

    def add_evidence(self, author: int, rows: Sequence[tuple[str, str, str]]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO evidence (author_id, variant, rule, detail) "
            "VALUES (?, ?, ?, ?)",
            [(author, v, r, d) for v, r, d in rows],
        )

    def drop_evidence(self, author: int, keys: Sequence[tuple[str, str]]) -> None:
        self.db.executemany(
            "DELETE FROM evidence WHERE author_id = ? AND variant = ? AND rule = ?",
            [(author, v, r) for v, r in keys],
        )

    def add_duplicates(self, rows: Sequence[tuple[int, int, str, float]]) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO duplicates (a, b, reason, score) VALUES (?, ?, ?, ?)", rows
        )

    def drop_duplicates(self, author: int) -> None:
        self.db.execute("DELETE FROM duplicates WHERE a = ? OR b = ?", (author, author))

    def delete_author(self, author: int) -> None:
        record_rewrite(self.db, author=author)
        for table, col in (("variants", "author_id"), ("evidence", "author_id"),
                           ("name_tokens", "author_id"), ("authors", "id")):
            self.db.execute(f"DELETE FROM {table} WHERE {col} = ?", (author,))

    def refresh(self, authors: Sequence[int]) -> None:
        """Paper counts, search tokens and every co-author edge of these authors, recomputed
        from the authorships (the same sums as ``rebuild_edges``)."""
        ids = sorted(set(authors))
        marks = ",".join("?" * len(ids))
        db = self.db
        db.execute(
            f"UPDATE authors SET papers = (SELECT count(DISTINCT s.paper_id) FROM authorships s "
            f"JOIN papers p ON p.id = s.paper_id "
            f"WHERE s.author_id = authors.id AND p.tie IS NULL) WHERE id IN ({marks})",
            ids,
        )
        db.execute(f"DELETE FROM name_tokens WHERE author_id IN ({marks})", ids)
        self.store._index_pairs({
            (int(a), str(k or n)) for a, n, k in db.execute(
                f"SELECT author_id, name, key FROM variants WHERE author_id IN ({marks})", ids)
        })
        db.execute(f"DELETE FROM coauthors WHERE a IN ({marks}) OR b IN ({marks})", ids * 2)
        db.execute(
            edges_from_papers(
                f"AND p.id IN (SELECT paper_id FROM authorships WHERE author_id IN ({marks})) "
                f"AND (x.author_id IN ({marks}) OR y.author_id IN ({marks}))"
            ),
            ids * 3,
        )
        db.execute(_BUMP_GENERATION)

    def reserve(self, author: int) -> None:
        if author > int(self.store.get_meta(_RESERVED) or 0):
            self.store.set_meta(_RESERVED, str(author))

    def add_override(
        self, kind: str, subject: int, object: int, payload: str, who: str, when: str, why: str
    ) -> int:
        cur = self.db.execute(
            'INSERT INTO overrides (kind, subject, object, payload, who, "when", why) '
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, subject, object, payload, who, when, why),
        )
        return int(cur.lastrowid or 0)

    def set_override_undone(self, override_id: int, who: str, when: str, why: str) -> None:
        self.db.execute(
            "UPDATE overrides SET active = 0, undone_who = ?, undone_when = ?, undone_why = ? "
            "WHERE id = ?",
            (who, when, why, override_id),
        )
