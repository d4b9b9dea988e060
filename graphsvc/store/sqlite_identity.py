"""The embedded store's identity write transaction: one manual merge, split or undo."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from graphsvc.store.base import RESERVED_AUTHOR_ID, Mention, VariantRow

if TYPE_CHECKING:
    from graphsvc.store.sqlite import SQLiteStore

_OVERRIDE_COLUMNS = (
    'id, kind, subject, object, payload, who, "when", why, active, undone_who, undone_when, '
    "undone_why"
)
_BUMP_GENERATION = (
    "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT "
    "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)
_RESERVED = RESERVED_AUTHOR_ID


def _override(r: Sequence[Any]) -> dict[str, Any]:
    return {
        "id": int(r[0]), "kind": r[1], "subject": int(r[2]), "object": int(r[3]),
        "payload": json.loads(r[4]), "who": r[5], "when": r[6], "why": r[7],
        "active": bool(r[8]),
        "undone": None if r[9] is None else {"who": r[9], "when": r[10], "why": r[11]},
    }


class SQLiteIdentityTx:
    """``IdentityTx`` inside the embedded store's open transaction."""

    def __init__(self, store: SQLiteStore) -> None:
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
        self.db.executemany(
            "UPDATE authorships SET author_id = ? WHERE paper_id = ? AND position = ?",
            [(target, m.paper, m.position) for m in rows],
        )

    def add_variants(self, author: int, rows: Sequence[VariantRow]) -> None:
        self.db.executemany(
            "INSERT INTO variants (author_id, name, source, key, sig, initials_only, count) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + "
            "excluded.count",
            [(author, v.name, v.source, v.key, v.sig, int(v.initials_only), v.n) for v in rows],
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
            f"WHERE s.author_id = authors.id) WHERE id IN ({marks})",
            ids,
        )
        db.execute(f"DELETE FROM name_tokens WHERE author_id IN ({marks})", ids)
        self.store._index_pairs({
            (int(a), str(k or n)) for a, n, k in db.execute(
                f"SELECT author_id, name, key FROM variants WHERE author_id IN ({marks})", ids)
        })
        db.execute(f"DELETE FROM coauthors WHERE a IN ({marks}) OR b IN ({marks})", ids * 2)
        db.execute(
            f"""
            INSERT INTO coauthors (a, b, papers, weight, first_year, last_year)
            SELECT x.author_id, y.author_id, count(DISTINCT p.id),
                   sum(1.0 / (p.n_authors - 1)), min(p.year), max(p.year)
            FROM papers p
            JOIN authorships x ON x.paper_id = p.id
            JOIN authorships y ON y.paper_id = p.id AND x.author_id < y.author_id
            WHERE p.counted
              AND p.id IN (SELECT paper_id FROM authorships WHERE author_id IN ({marks}))
              AND (x.author_id IN ({marks}) OR y.author_id IN ({marks}))
            GROUP BY x.author_id, y.author_id
            """,
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
