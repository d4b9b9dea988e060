"""The embedded store: one SQLite file (WAL, one transaction per batch), no server needed."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import re
import sqlite3
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from graphsvc.errors import StoreBusy, StoreUnavailable
from graphsvc.identity.resolver import conflict_keys
from graphsvc.names import fold
from graphsvc.names.parse import spell_of_key
from graphsvc.store.base import AuthorCandidate, Batch, PaperCandidate
from graphsvc.store.search import SearchMemo, edit_distance_at_most, key_tokens, query_tokens
from graphsvc.store.sqlite_errors import store_error
from graphsvc.store.sqlite_identity import SQLiteIdentityQueries
from graphsvc.store.sqlite_lock import WriteLock, exclusive
from graphsvc.store.sqlite_rewrites import record_rewrite
from graphsvc.store.sqlite_runs import SQLiteIngestRuns
from graphsvc.store.sqlite_scan import (
    author_id_column,
    authorship_columns,
    paper_columns,
)
from graphsvc.store.sqlite_schema import (
    _DEFERRABLE,
    SCHEMA,
    SCHEMA_VERSION,
    SPELL_INDEX,
    add_foreign_keys,
    edges_from_papers,
)
from graphsvc.store.sqlite_written import WrittenRows

log = logging.getLogger("graphsvc.store")
#: meta key set while a bulk load has the secondary indexes dropped
_DEFERRED_FLAG = "indexes_deferred"
#: pages of WAL (4 KB each) after which a commit checkpoints them into the database file
WAL_CHECKPOINT_PAGES = 16384
#: a search reads at most this many authors per word of its rarest token
_FIRST_TOKEN_ROWS = 5000
#: a first count of each token's rows stops here
_FEW_ROWS = 400
#: a seek of one (word, author) pair costs about as much as scanning this many rows
_SEEK_COST = 4


def _needs_upgrade(db: sqlite3.Connection, have: set[str]) -> bool:
    """Whether an existing store lacks an index, a column or its foreign keys."""
    wanted = {m.group(1) for m in re.finditer(r"CREATE (?:TABLE|INDEX|VIRTUAL TABLE) IF NOT "
                                              r"EXISTS (\w+)", SCHEMA)}
    if (wanted | {"variants_spell"}) - have:
        return True
    for table, column in (("authorships", "source"), ("papers", "tie"), ("variants", "spell")):
        if column not in {r[1] for r in db.execute(f"PRAGMA table_info({table})")}:
            return True
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return row is None or row[0] != SCHEMA_VERSION


def _read_only_place(path: Path) -> bool:
    """Whether the store file exists but it or its directory cannot be written, or its disk is
    full (SQLite then cannot create the WAL index file it needs even to read)."""
    if not path.is_file():
        return False
    if not (os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)):
        return True
    return _disk_full(path)


def _disk_full(path: Path) -> bool:
    try:
        st = os.statvfs(path.parent)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 1 << 20


def _cannot_write(exc: sqlite3.Error) -> bool:
    low = str(exc).lower()
    return "readonly" in low or "read-only" in low or "full" in low

# an edge known only from ties (0 papers) takes the weight of its first joint papers instead
BUMP_REWRITES = (
    "INSERT INTO meta (key, value) VALUES ('rewrites', '1') ON CONFLICT "
    "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
)
_UPSERT_EDGE = """
INSERT INTO coauthors (a, b, papers, weight, first_year, last_year) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (a, b) DO UPDATE SET
    papers = papers + excluded.papers,
    weight = CASE WHEN papers = 0 THEN excluded.weight ELSE weight + excluded.weight END,
    first_year = CASE WHEN first_year IS NULL THEN excluded.first_year
                      WHEN excluded.first_year IS NULL THEN first_year
                      ELSE min(first_year, excluded.first_year) END,
    last_year = CASE WHEN last_year IS NULL THEN excluded.last_year
                     WHEN excluded.last_year IS NULL THEN last_year
                     ELSE max(last_year, excluded.last_year) END
"""

# a tie never adds to an edge with papers, and a pair's ties count once (the strongest)
_UPSERT_TIE = """
INSERT INTO coauthors (a, b, papers, weight, first_year, last_year) VALUES (?, ?, 0, ?, NULL, NULL)
ON CONFLICT (a, b) DO UPDATE SET
    weight = CASE WHEN papers = 0 THEN max(weight, excluded.weight) ELSE weight END
"""


def _tokens(name: str) -> list[str]:
    return [t for t in fold(name).split() if t]



class SQLiteStore(SQLiteIdentityQueries, SQLiteIngestRuns):
    """Papers, authors, variants, authorships, co-author edges and ingest runs in one file."""

    def __init__(self, path: Path, *, write_wait: float | None = None) -> None:
        self.path = Path(path)
        self._vocabulary: set[str] | None = None
        #: rows per word and candidate words per token, while the tables are unchanged
        self._search_memo = SearchMemo()
        #: during an ingest run: the evidence and search rows it committed (``WrittenRows``)
        self._written: WrittenRows | None = None
        self._run_lock: BinaryIO | None = None
        #: seconds a write waits for another writer's lock before ``StoreBusy`` (None: no limit)
        self.write_wait = write_wait
        self.write_lock = WriteLock(self.path, memory=str(self.path) == ":memory:")
        #: False when the file cannot be written (read-only file or directory, full disk)
        self.writable = True
        self._read_only_why = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot create the data directory {self.path.parent}: {exc.strerror}") from exc
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc
        try:
            self._open()
        except sqlite3.Error as exc:
            self.db.close()
            if not _read_only_place(self.path):
                raise store_error(exc, self.path) from exc
            self._open_read_only(exc)

    def _open_read_only(self, why: sqlite3.Error) -> None:
        """A store on a read-only or full disk, or in a read-only directory, opened to read.

        SQLite cannot open a WAL database there the usual way (it needs to create the -shm
        file); nobody can write to it either, so it is opened as immutable.
        """
        try:
            self.db = sqlite3.connect(f"file:{self.path}?immutable=1", uri=True,
                                      isolation_level=None, check_same_thread=False)
            self.db.execute("SELECT count(*) FROM authorships").fetchone()
        except sqlite3.Error as exc:
            raise store_error(why, self.path) from exc
        self.writable = False
        self._read_only_why = (
            f"the disk holding {self.path} is full: free some space and run the command again"
            if _disk_full(self.path) else
            f"{self.path} is in a read-only place: the file and its directory must be writable "
            "to change the store"
        )
        log.info("%s: opened for reading only", self._read_only_why)

    def _open(self) -> None:
        db = self.db
        db.execute("PRAGMA foreign_keys=OFF")  # a migration may rebuild tables first
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA cache_size=-200000")
        # a checkpoint copies the WAL's pages into the database file and syncs it; at SQLite's
        # default (every 1000 pages, 4 MB) an ingest checkpointed at nearly every batch and
        # wrote its hot pages (edges, variants) once per batch. Every 64 MB, each is written
        # once for many batches; the WAL is cut back to that size after a checkpoint. Crash
        # safety is SQLite's either way: a commit is in the WAL, whatever was checkpointed.
        db.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        db.execute(f"PRAGMA journal_size_limit={WAL_CHECKPOINT_PAGES * 4096}")
        have = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        if "authorships" not in have:  # a new store
            with self.writing("create the store"):
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(SCHEMA)
                db.execute(SPELL_INDEX)
                self.set_meta("schema_version", SCHEMA_VERSION)
        elif _needs_upgrade(db, have):
            # indexes a bulk load that never finished left dropped, or an older schema; not
            # while another writer (a bulk load) holds the store: it restores them itself
            try:
                with self.write_lock.held("upgrade the store", 0):
                    self._upgrade()
            except StoreBusy:
                pass
            except sqlite3.OperationalError as exc:
                if not _cannot_write(exc):
                    raise
                # a read-only or full disk: the data is all there, reads work (some slower)
                self.writable = False
                log.warning("%s", store_error(exc, self.path))
        db.execute("PRAGMA foreign_keys=ON")

    def _upgrade(self) -> None:
        db = self.db
        if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            db.execute("PRAGMA journal_mode=WAL")
        db.executescript(SCHEMA)
        columns = {r[1] for r in db.execute("PRAGMA table_info(authorships)")}
        if "source" not in columns:  # a store written before authorships kept their source
            db.execute("ALTER TABLE authorships ADD COLUMN source TEXT")
        columns = {r[1] for r in db.execute("PRAGMA table_info(papers)")}
        if "tie" not in columns:  # a store written before ties were told from papers
            db.execute("ALTER TABLE papers ADD COLUMN tie REAL")
        if "spell" not in {r[1] for r in db.execute("PRAGMA table_info(variants)")}:
            # a store written before variants kept their spelling key: computed from the keys
            db.execute("ALTER TABLE variants ADD COLUMN spell TEXT NOT NULL DEFAULT ''")
            db.executemany(
                "UPDATE variants SET spell = ? WHERE key = ?",
                [(spell_of_key(k), k) for (k,) in db.execute(
                    "SELECT DISTINCT key FROM variants").fetchall()],
            )
        db.execute(SPELL_INDEX)
        add_foreign_keys(db)
        self.set_meta("schema_version", SCHEMA_VERSION)
        if self.get_meta("store_token") is None:  # the persisted graph index's key
            self.set_meta("store_token", uuid.uuid4().hex)
        db.execute("DELETE FROM meta WHERE key = ?", (_DEFERRED_FLAG,))

    def writing(self, what: str) -> AbstractContextManager[None]:
        """Hold the store's writer lock while the block runs (see ``sqlite_lock``)."""
        if not self.writable:
            raise StoreUnavailable(f"cannot {what}: {self._read_only_why}")
        return self._writing(what)

    @contextlib.contextmanager
    def _writing(self, what: str) -> Iterator[None]:
        with self.write_lock.held(what, self.write_wait):
            if self.write_lock.outermost:
                # another process may have added search words since this one last wrote: a
                # remembered vocabulary would insert one of them again (a primary key)
                self._vocabulary = None
            yield

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self._release_run_lock()
        self.db.close()

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def generation(self) -> int:
        """A number that changes whenever the graph data changes (used to refresh caches)."""
        return int(self.get_meta("generation") or 0)

    # -- identity look-ups -------------------------------------------------------------------
    def next_ids(self) -> tuple[int, int]:
        a = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM authors").fetchone()[0]
        p = self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM papers").fetchone()[0]
        return int(a), int(p)

    def author_by_external(self, kind: str, value: str) -> int | None:
        row = self.db.execute(
            "SELECT author_id FROM author_ids WHERE kind = ? AND value = ?", (kind, value)
        ).fetchone()
        return None if row is None else int(row[0])

    def _candidates(self, where: str, arg: str) -> list[AuthorCandidate]:
        rows = self.db.execute(
            f"SELECT DISTINCT v.author_id, a.key, min(v.initials_only) FROM variants v "
            f"JOIN authors a ON a.id = v.author_id WHERE v.{where} = ? GROUP BY v.author_id "
            f"ORDER BY v.author_id",
            (arg,),
        ).fetchall()
        held: dict[int, list[tuple[str, str]]] = {}
        for aid, kind, value in self._rows_in(
            "SELECT author_id, kind, value FROM author_ids WHERE author_id IN",
            [r[0] for r in rows],
        ):
            held.setdefault(int(aid), []).append((str(kind), str(value)))
        keys: dict[int, list[tuple[str, bool]]] = {}
        if where == "sig":
            for aid, key, init in self.db.execute(
                "SELECT author_id, key, min(initials_only) FROM variants WHERE sig = ? "
                "GROUP BY author_id, key ORDER BY author_id, key", (arg,)
            ):
                keys.setdefault(int(aid), []).append((str(key), bool(init)))
        return [
            AuthorCandidate(
                int(aid), str(key), bool(init), conflict_keys(sorted(held.get(aid, []))),
                tuple(keys.get(aid, ())),
            )
            for aid, key, init in rows
        ]

    def authors_by_key(self, key: str) -> list[AuthorCandidate]:
        return self._candidates("key", key)

    def authors_by_signature(self, sig: str) -> list[AuthorCandidate]:
        return self._candidates("sig", sig)

    def authors_by_spell(self, spell: str) -> list[AuthorCandidate]:
        return self._candidates("spell", spell)

    def shared_coauthors(self, author: int, others: Sequence[int]) -> list[int]:
        found: set[int] = set()
        ids = list(others)
        # in chunks: a paper of 50,000 authors would pass SQLite's limit of bound variables
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(int(r[0]) for r in self.db.execute(
                f"SELECT b FROM coauthors WHERE a = ? AND b IN ({marks}) "
                f"UNION SELECT a FROM coauthors WHERE b = ? AND a IN ({marks})",
                (author, *chunk, author, *chunk),
            ))
        return sorted(found)

    def paper_by_external(self, kind: str, value: str) -> int | None:
        row = self.db.execute(
            "SELECT paper_id FROM paper_ids WHERE kind = ? AND value = ?", (kind, value)
        ).fetchone()
        return None if row is None else int(row[0])

    def papers_by_title(self, title_key: str, year: int | None) -> list[PaperCandidate]:
        rows = self.db.execute(
            "SELECT id FROM papers WHERE title_key = ? AND year IS ? ORDER BY id", (title_key, year)
        ).fetchall()
        out = []
        for (pid,) in rows:
            ids = dict(
                self.db.execute(
                    "SELECT kind, value FROM paper_ids WHERE paper_id = ?", (pid,)
                ).fetchall()
            )
            sigs = [
                r[0]
                for r in self.db.execute(
                    "SELECT v.sig FROM authorships s JOIN variants v ON v.author_id = s.author_id "
                    "AND v.name = s.raw_name WHERE s.paper_id = ? GROUP BY s.position",
                    (pid,),
                )
            ]
            out.append(PaperCandidate(int(pid), ids, sigs))
        return out

    # -- writes --------------------------------------------------------------------------------
    @exclusive("write a batch")
    def apply_batch(self, batch: Batch) -> None:
        """Write one batch in a single transaction: a crash leaves the store as before it."""
        db = self.db
        ties = {row[0] for row in batch.new_papers if row[8] is not None}
        papers = _count_by_author(
            [s for s in batch.authorships if s[0] not in ties] if ties else batch.authorships
        )
        db.execute("BEGIN IMMEDIATE")
        try:
            # a new author's paper count is all in this batch: written with the row
            db.executemany(
                "INSERT INTO authors (id, name, key, papers) VALUES (?, ?, ?, ?)",
                [(a, n, k, papers.pop(a, 0)) for a, n, k in batch.new_authors],
            )
            db.executemany(
                "INSERT OR IGNORE INTO author_ids (kind, value, author_id) VALUES (?, ?, ?)",
                batch.author_ids,
            )
            db.executemany(
                "INSERT INTO variants (author_id, name, source, key, sig, initials_only, count, "
                "spell) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + "
                "excluded.count",
                [
                    (a, n, src, k, s, int(i), c, spell_of_key(k))
                    for (a, n, k, s, src, i), c in Counter(batch.variants).items()
                ],
            )
            self._index_names(batch)
            db.executemany(
                "INSERT INTO papers (id, title, title_key, year, venue, doi, n_authors, counted, "
                "tie) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch.new_papers,
            )
            db.executemany(
                "INSERT OR IGNORE INTO paper_ids (kind, value, paper_id) VALUES (?, ?, ?)",
                batch.paper_ids,
            )
            db.executemany(
                "INSERT INTO authorships (paper_id, position, author_id, raw_name, source) "
                "VALUES (?, ?, ?, ?, ?)",
                [(*row, src) for row, src in zip(
                    batch.authorships, batch.authorship_sources(), strict=True)],
            )
            db.executemany(
                "UPDATE authors SET papers = papers + ? WHERE id = ?",
                [(c, a) for a, c in papers.items()],
            )
            db.executemany(
                "INSERT OR IGNORE INTO provenance (paper_id, source_ref) VALUES (?, ?)",
                batch.provenance,
            )
            db.executemany(
                _UPSERT_EDGE,
                [
                    (a, b, int(v[0]), v[1], int(v[2]) or None, int(v[3]) or None)
                    for (a, b), v in batch.edges.items()
                ],
            )
            db.executemany(_UPSERT_TIE, [(a, b, w) for (a, b), w in batch.ties.items()])
            db.executemany(
                "INSERT OR IGNORE INTO evidence (author_id, variant, rule, detail) "
                "VALUES (?, ?, ?, ?)",
                self._fresh_evidence(batch.evidence),
            )
            db.executemany(
                "INSERT OR REPLACE INTO duplicates (a, b, reason, score) VALUES (?, ?, ?, ?)",
                batch.duplicates,
            )
            db.executemany(
                "UPDATE authors SET name = ? WHERE id = ?", [(n, a) for a, n in batch.renames]
            )
            if batch.new_papers or batch.authorships:
                db.execute(
                    "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT "
                    "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
                )
            new = {p[0] for p in batch.new_papers}
            grown = [s[0] for s in batch.authorships if s[0] not in new]
            if grown:  # authors added to stored papers: not an append for the graph index
                record_rewrite(db, grown)
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled back already (disk full)
                db.execute("ROLLBACK")
            self._vocabulary = None  # may hold tokens of the rolled-back batch
            if self._written is not None:
                self._written.rolled_back()
            raise
        if self._written is not None:
            self._written.committed()

    def _fresh_evidence(
        self, rows: list[tuple[int, str, str, str]]
    ) -> list[tuple[int, str, str, str]]:
        """The evidence rows an insert-or-ignore would not ignore as committed by this run
        (the first of a key wins, as in the table)."""
        if self._written is None:
            return rows
        first: dict[tuple[int, str, str], tuple[int, str, str, str]] = {}
        for row in rows:
            first.setdefault(row[:3], row)
        return [first[k] for k in self._written.fresh("evidence", first)]

    def _index_names(self, batch: Batch) -> None:
        """Keep the search tables (tokens per author, vocabulary, trigrams) up to date."""
        pairs = {(a, k or n) for a, n, k, _s, _src, _i in batch.variants}
        if self._written is not None:
            pairs = set(self._written.fresh("names", pairs))
        self._index_pairs(pairs)

    def _index_pairs(self, pairs: set[tuple[int, str]]) -> None:
        # names without a key (edge-list node ids such as "123") are searchable as written
        seen = {(tok, a) for a, k in pairs for tok in (key_tokens(k) if "|" in k else _tokens(k))}
        if not seen:
            return
        self.db.executemany(
            "INSERT OR IGNORE INTO name_tokens (token, author_id) VALUES (?, ?)", sorted(seen)
        )
        if self._vocabulary is None:
            self._vocabulary = {r[0] for r in self.db.execute("SELECT token FROM vocabulary")}
        new = sorted({t for t, _ in seen} - self._vocabulary)
        self._vocabulary.update(new)
        self.db.executemany("INSERT INTO vocabulary (token) VALUES (?)", [(t,) for t in new])
        self.db.executemany(
            "INSERT INTO vocabulary_trigrams (token) VALUES (?)", [(t,) for t in new if len(t) >= 3]
        )

    @exclusive("start a bulk load")
    def defer_indexes(self) -> bool:
        """Drop the secondary indexes if the store is empty, for a bulk load; True if dropped.

        ``restore_indexes`` builds them again at the end of the load (one sort each, cheaper
        than keeping them up to date row by row). A load killed half-way leaves them missing
        only until the store is opened again: the schema creates any missing index.
        """
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            empty = db.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM papers) AND NOT EXISTS (SELECT 1 FROM authors)"
            ).fetchone()[0]
            if empty:
                for name in _DEFERRABLE:
                    db.execute(f"DROP INDEX IF EXISTS {name}")
                # ``graphsvc check`` tells a load in progress (or killed) by this flag
                self.set_meta(_DEFERRED_FLAG, "1")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled back already (disk full)
                db.execute("ROLLBACK")
            raise
        return bool(empty)

    @exclusive("index the papers")
    def index_papers(self) -> None:
        """Build the paper indexes of a bulk load now (by title, by paper id): the load looks
        papers of its earlier batches up from here on (``Ingestor._spill_papers``)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for name in ("papers_title", "paper_ids_paper"):
                db.execute(_DEFERRABLE[name])
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled back already (disk full)
                db.execute("ROLLBACK")
            raise

    @exclusive("restore the indexes")
    def restore_indexes(self) -> None:
        """Create the secondary indexes ``defer_indexes`` dropped (no-op if they exist)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for sql in _DEFERRABLE.values():
                db.execute(sql)
            db.execute("DELETE FROM meta WHERE key = ?", (_DEFERRED_FLAG,))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled back already (disk full)
                db.execute("ROLLBACK")
            raise

    @exclusive("rebuild the co-author edges")
    def rebuild_edges(self, max_team_size: int) -> None:
        """Recompute ``papers.counted`` and every co-author edge for a new team-size cap."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                "UPDATE papers SET counted = (n_authors >= 2 AND (? = 0 OR n_authors <= ?))",
                (max_team_size, max_team_size),
            )
            db.execute("DELETE FROM coauthors")
            db.execute(edges_from_papers())
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('max_team_size', ?) "
                "ON CONFLICT DO UPDATE SET value = excluded.value",
                (str(max_team_size),),
            )
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('generation', '1') ON CONFLICT "
                "DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite may have rolled back already (disk full)
                db.execute("ROLLBACK")
            raise

    # -- reads ---------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        q = self.db.execute
        # one scan of papers for its three counts (7M papers: ~0.4 CPU s a scan)
        papers, ties, excluded = q(
            "SELECT count(*) - count(tie), coalesce(sum(tie IS NOT NULL AND n_authors = 2), 0), "
            "coalesce(sum(NOT counted AND n_authors >= 2), 0) FROM papers"
        ).fetchone()
        return {
            "authors": int(q("SELECT count(*) FROM authors").fetchone()[0]),
            "papers": int(papers),
            "ties": int(ties),
            "edges": int(q("SELECT count(*) FROM coauthors").fetchone()[0]),
            "excluded_papers": int(excluded),
        }

    def author(self, author_id: int) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT id, name, key, papers FROM authors WHERE id = ?", (author_id,)
        ).fetchone()
        if row is None:
            return None
        variants = [
            {"name": n, "source": s, "count": c}
            for n, s, c in self.db.execute(
                "SELECT name, source, count FROM variants WHERE author_id = ? "
                "ORDER BY count DESC, name, source",
                (author_id,),
            )
        ]
        ids = [
            {"kind": k, "value": v}
            for k, v in self.db.execute(
                "SELECT kind, value FROM author_ids WHERE author_id = ? ORDER BY kind, value",
                (author_id,),
            )
        ]
        return {
            "id": row[0],
            "name": row[1],
            "key": row[2],
            "papers": row[3],
            "variants": variants,
            "ids": ids,
        }

    def author_names(self, author_ids: Iterable[int]) -> dict[int, str]:
        ids = list(author_ids)
        out: dict[int, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                (int(a), str(n))
                for a, n in self.db.execute(
                    f"SELECT id, name FROM authors WHERE id IN ({marks})", chunk
                )
            )
        return out

    def papers(self, paper_ids: Iterable[int]) -> list[dict[str, Any]]:
        ids = list(paper_ids)
        rows: dict[int, dict[str, Any]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for pid, title, year, venue, doi in self.db.execute(
                f"SELECT id, title, year, venue, doi FROM papers WHERE id IN ({marks})", chunk
            ):
                rows[int(pid)] = {
                    "id": pid,
                    "title": title,
                    "year": year,
                    "venue": venue,
                    "doi": doi,
                    "source_id": None,
                }
            for pid, kind, value in self.db.execute(
                f"SELECT paper_id, kind, value FROM paper_ids WHERE paper_id IN ({marks}) "
                f"AND kind != 'doi' ORDER BY kind",
                chunk,
            ):
                r = rows.get(int(pid))
                if r is not None and r["source_id"] is None:
                    r["source_id"] = f"{kind}:{value}"
        return [rows[i] for i in ids if i in rows]

    def author_papers(self, author_id: int) -> list[int]:
        return [
            int(r[0])
            for r in self.db.execute(
                "SELECT paper_id FROM authorships WHERE author_id = ? ORDER BY paper_id",
                (author_id,),
            )
        ]

    def authors_by_name(self, text: str) -> list[dict[str, Any]]:
        """Authors whose variants have exactly this match key, with dblp homonyms of that key."""
        from graphsvc.names import parse_name

        key = parse_name(text).key
        if not key:
            return []
        base = key.split("#", 1)[0]
        rows = self.db.execute(
            "SELECT DISTINCT a.id, a.name, a.papers FROM variants v JOIN authors a "
            "ON a.id = v.author_id WHERE v.key = ? OR (? = ? AND v.key >= ? AND v.key < ?) "
            "ORDER BY a.papers DESC, a.id",
            (key, key, base, base + "#", base + "#\uffff"),
        ).fetchall()
        return [{"id": int(a), "name": str(n), "papers": int(p)} for a, n, p in rows]

    def search_authors(self, query: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Accent-, case- and order-insensitive, typo-tolerant author search.

        Every query token must match a name token of the author exactly, as a prefix (the last
        token, for type-ahead) or within a small edit distance (typos); a one-letter token is
        an initial and matches any name word it starts ("J. Vitek" finds "Jan Vitek"). A token
        that is some name's word is read as typed first; when that finds nobody, every token
        may be a typo (so "vazquez-sancho" finds "Vásquez-Sancho" although "vazquez" is
        another author's word). Results are ranked by how exact the match was, then by number
        of papers.

        The authors of the most selective token (fewest rows in ``name_tokens``) are read first
        (at most 5,000 per word); the other tokens are only checked against those authors,
        inside SQLite, so a short last-word prefix ("Smith Jo") or a common given name does not
        pull every "Jo…" or "Wei" author into Python.
        """
        tokens = query_tokens(query)
        if not tokens:
            return []
        self._search_memo.check(self.db)
        return self._search(tokens, False, limit, offset) or self._search(
            tokens, True, limit, offset)

    def _search(self, tokens: list[str], typos: bool, limit: int,
                offset: int) -> list[dict[str, Any]]:
        """``search_authors`` of folded tokens; ``typos``: look for typos of every token, not
        only of those that are no name's word."""
        last = len(tokens) - 1
        # initials are checked last, against the authors the words found (a letter alone
        # would pull in every name starting with it)
        initials = [i for i, t in enumerate(tokens) if len(t) == 1 and t.isalpha()]
        if len(initials) == len(tokens):
            initials = []
        words = [i for i in range(len(tokens)) if i not in initials]
        cands = {i: self._token_candidates(tokens[i], prefix=i == last, typos=typos)
                 for i in words}
        if not all(cands.values()):
            return []
        order = sorted(words, key=lambda i: (len(cands[i]), -len(tokens[i]), i))
        # the authors of the rarest token are read first (its words' rows, counted in SQLite,
        # each count stopping at the smallest so far): a full name whose given name is common
        # reads its surname's few hundred authors, not 5,000 rows of the given name (and no
        # longer loses its author past those 5,000); ties keep ``order``
        # (a first pass counts at most a few hundred rows each: a full name's surname is
        # found without counting its common given name to 5,000)
        for cap in (_FEW_ROWS, _FIRST_TOKEN_ROWS + 1):
            first, fewest = order[0], cap
            for i in order:
                n = self._count_rows(list(cands[i]), fewest)
                if n < fewest:
                    first, fewest = i, n
            if fewest < cap:
                break
        # per token, each author's best score; summed in ``order`` (then initials) as before,
        # so equal scores stay equal to the last bit
        scores_of: dict[int, dict[int, float]] = {}
        best: dict[int, float] = {}
        for cand, score in cands[first].items():
            for (aid,) in self.db.execute(
                f"SELECT author_id FROM name_tokens WHERE token = ? LIMIT {_FIRST_TOKEN_ROWS}",
                (cand,),
            ):
                if best.get(aid, -1.0) < score:
                    best[aid] = score
        scores_of[first] = best
        alive = set(best)
        for i in [j for j in order if j != first] + initials:
            if not alive:
                return []
            best = {}
            rows: Iterable[tuple[Any, ...]]
            if i in cands and self._by_author(alive, list(cands[i])):
                # the authors' own tokens (``name_tokens_author``): one seek per author,
                # however many words a prefix stands for ("Tamaseni Kir": 25 words, 22,000
                # rows at 3M authors, against 300 authors)
                rows = self._rows_in(
                    f"SELECT token, author_id FROM name_tokens WHERE +token IN "
                    f"({','.join('?' * len(cands[i]))}) AND author_id IN", alive,
                    prefix=list(cands[i]))
                scores = cands[i]
            elif i in cands:
                # ``author_id + 0``: look a candidate word up by token and test the author
                # against the list (2x faster than seeking every (word, author) pair), unless
                # the word has far more rows than there are authors to seek (a common given
                # name after its surname, or among a prefix's words)
                many = self._words_with_rows(list(cands[i]), len(alive) * _SEEK_COST)
                rows = itertools.chain.from_iterable(
                    self._rows_in(
                        f"SELECT token, author_id FROM name_tokens WHERE token IN "
                        f"({','.join('?' * len(ws))}) AND author_id {'' if seek else '+ 0 '}IN",
                        alive, prefix=ws)
                    for seek, ws in ((True, [w for w in cands[i] if w in many]),
                                     (False, [w for w in cands[i] if w not in many])) if ws
                )
                scores = cands[i]
            else:
                # an initial: every word it starts, so the authors' own tokens when indexed
                t = tokens[i]
                by_author = self._author_index()
                rows = self._rows_in(
                    f"SELECT token, author_id FROM name_tokens WHERE {'+' if by_author else ''}"
                    f"token >= ? AND {'+' if by_author else ''}token < ? AND author_id "
                    f"{'' if by_author else '+ 0 '}IN", alive, prefix=[t, t + "\uffff"],
                )
                scores = {t: 1.0}
            for t, aid in rows:
                score = scores.get(t, 0.8)  # an initial of a whole word
                if best.get(aid, -1.0) < score:
                    best[aid] = score
            scores_of[i] = best
            alive &= best.keys()
        total: dict[int, float] = {}
        for a in alive:
            s = scores_of[order[0]][a]
            for i in order[1:] + initials:
                s += scores_of[i][a]
            total[a] = s
        if not total:
            return []
        info = {}
        wanted = sorted(tokens)
        for a, n, p, k in self._rows_in(
            "SELECT id, name, papers, key FROM authors WHERE id IN", total
        ):
            info[int(a)] = (str(n), int(p))
            if sorted(key_tokens(str(k))) == wanted:
                total[int(a)] += 0.5  # the whole name, not just some of its words
        ranked = sorted(total, key=lambda a: (-total[a], -info[a][1], info[a][0], a))
        return [
            {"id": a, "name": info[a][0], "papers": info[a][1], "score": round(total[a], 3)}
            for a in ranked[offset : offset + limit]
        ]

    def _author_index(self) -> bool:
        """Whether ``name_tokens`` is indexed by author (not during a bulk load)."""
        found: bool = self._search_memo.remember("name_tokens_author", lambda: self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'name_tokens_author'"
        ).fetchone() is not None)
        return found

    def _by_author(self, alive: set[int], words: list[str]) -> bool:
        """Whether reading the tokens of each of ``alive`` costs less than reading ``words``'
        rows (each word by token, or by seeking every author when it has many more rows)."""
        if not self._author_index():
            return False
        per_author = len(alive) * _SEEK_COST
        counted = self._search_memo.word_rows(self.db, words, per_author)
        return per_author < sum(counted.values())

    def _words_with_rows(self, words: list[str], rows: int) -> set[str]:
        """Those of ``words`` with more than ``rows`` rows in ``name_tokens``."""
        counted = self._search_memo.word_rows(self.db, words, rows + 1)
        return {w for w in words if counted[w] > rows}

    def _count_rows(self, words: list[str], cap: int) -> int:
        """Rows of ``name_tokens`` for ``words``, counted up to ``cap``."""
        return min(cap, sum(self._search_memo.word_rows(self.db, set(words), cap).values()))

    def _rows_in(self, sql: str, ids: Iterable[int],
                 prefix: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        ids = list(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            yield from self.db.execute(f"{sql} ({','.join('?' * len(chunk))})",
                                       [*prefix, *chunk])

    def _token_candidates(self, tok: str, prefix: bool, typos: bool = False) -> dict[str, float]:
        """Words of the vocabulary ``tok`` may stand for, with their scores (remembered)."""
        found: dict[str, float] = self._search_memo.remember(
            (tok, prefix, typos), lambda: self._find_candidates(tok, prefix, typos))
        return found

    def _find_candidates(self, tok: str, prefix: bool, typos: bool) -> dict[str, float]:
        out: dict[str, float] = {}
        if self.db.execute("SELECT 1 FROM vocabulary WHERE token = ?", (tok,)).fetchone():
            out[tok] = 1.0
        if prefix:
            for (t,) in self.db.execute(
                "SELECT token FROM vocabulary WHERE token > ? AND token < ? LIMIT 50",
                (tok, tok + "\uffff"),
            ):
                out.setdefault(t, 0.8)
        # with ``typos``, also when the token is a word of some name: a misspelt name can be
        # another author's word ("vazquez" for "Vásquez")
        if len(tok) >= 4 and (typos or not out):
            budget = 1 if len(tok) < 8 else 2
            grams = {tok[i : i + 3] for i in range(len(tok) - 2)}
            expr = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
            for (t,) in self.db.execute(
                "SELECT token FROM vocabulary_trigrams WHERE vocabulary_trigrams MATCH ? "
                "LIMIT 2000",
                (expr,),
            ):
                if abs(len(t) - len(tok)) <= budget and edit_distance_at_most(tok, t, budget):
                    out.setdefault(t, 0.6)
        return out

    # -- export for the graph engine -----------------------------------------------------------
    def memberships_arrays(self) -> dict[str, np.ndarray]:
        """All authorships as arrays (for ``graph.csr.Memberships``), from one snapshot.

        The scans run in one read transaction, so a batch committed meanwhile by an ingest is
        either wholly in the arrays or not at all (WAL readers see a fixed snapshot).
        """
        return self.graph_snapshot()[1]

    def graph_snapshot(
        self, after_paper: int = 0, after_author: int = 0
    ) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """What the persisted graph index needs, from one read transaction.

        Returns the snapshot's ``generation``, ``rewrites`` (bumped by anything that changes
        existing authorships, so an index can tell an append from a rewrite), ``token`` (this
        store file's identity) and ``authors_upto`` (authors with id <= ``after_author``), and
        the membership arrays of the papers with id > ``after_paper`` and the authors with
        id > ``after_author`` (everything by default).
        """
        if self.get_meta("store_token") is None:  # a store written before tokens existed
            # a writer holding the lock means no token (and no persisted index) this time
            with contextlib.suppress(sqlite3.OperationalError):
                self.db.execute(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES ('store_token', ?)",
                    (uuid.uuid4().hex,),
                )
        own = not self.db.in_transaction  # inside one already: that is the snapshot
        if own:
            self.db.execute("BEGIN")
        try:
            q = self.db.execute
            meta = {
                "generation": self.generation(),
                "rewrites": int(self.get_meta("rewrites") or 0),
                "rewrite_marks": self.get_meta("rewrite_marks"),
                "token": self.get_meta("store_token") or "",
                "authors_upto": int(
                    q("SELECT count(*) FROM authors WHERE id <= ?", (after_author,)).fetchone()[0]
                ) if after_author else 0,
            }
            return meta, self._memberships_arrays(after_paper, after_author)
        finally:
            if own:
                self.db.execute("COMMIT")

    def _memberships_arrays(
        self, after_paper: int = 0, after_author: int = 0
    ) -> dict[str, np.ndarray]:
        # chunks of rows as one text per column, parsed by numpy (sqlite_scan's docstring). A
        # full scan reads each page once: at the store's cache size SQLite would keep 200 MB of
        # them (in the process's memory) for nothing, so the cache is small while it runs
        size = int(self.db.execute("PRAGMA cache_size").fetchone()[0])
        self.db.execute("PRAGMA cache_size=-8000")
        try:
            author_ids = author_id_column(self.db, after_author)
            paper_ids, paper_year, paper_tie = paper_columns(self.db, after_paper)
            ship_paper, ship_author = authorship_columns(self.db, paper_ids, after_paper)
        finally:
            self.db.execute(f"PRAGMA cache_size={size}")
        return {
            "author_ids": author_ids,
            "paper_ids": paper_ids,
            "paper_year": paper_year,
            "paper_tie": paper_tie,
            "ship_paper": ship_paper,
            "ship_author": ship_author,
        }


def _count_by_author(authorships: list[tuple[int, int, int, str]]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for _p, _pos, a, _raw in authorships:
        counts[a] = counts.get(a, 0) + 1
    return counts
