"""The embedded store: one SQLite file (WAL, one transaction per batch), no server needed."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from graphsvc.errors import StoreUnavailable
from graphsvc.identity.resolver import conflict_keys
from graphsvc.names import fold
from graphsvc.store.base import AuthorCandidate, Batch, PaperCandidate
from graphsvc.store.search import edit_distance_at_most

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS authors (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    papers INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS author_ids (
    kind TEXT NOT NULL, value TEXT NOT NULL, author_id INTEGER NOT NULL,
    PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS author_ids_author ON author_ids (author_id);
CREATE TABLE IF NOT EXISTS variants (
    author_id INTEGER NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL,
    key TEXT NOT NULL, sig TEXT NOT NULL, initials_only INTEGER NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (author_id, name, source)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS variants_key ON variants (key);
CREATE INDEX IF NOT EXISTS variants_sig ON variants (sig);
CREATE TABLE IF NOT EXISTS name_tokens (
    token TEXT NOT NULL, author_id INTEGER NOT NULL, PRIMARY KEY (token, author_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vocabulary (token TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS vocabulary_trigrams USING fts5(token, tokenize='trigram');
CREATE TABLE IF NOT EXISTS papers (
    id INTEGER PRIMARY KEY,
    title TEXT, title_key TEXT NOT NULL, year INTEGER, venue TEXT, doi TEXT,
    n_authors INTEGER NOT NULL, counted INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS papers_title ON papers (title_key, year);
CREATE TABLE IF NOT EXISTS paper_ids (
    kind TEXT NOT NULL, value TEXT NOT NULL, paper_id INTEGER NOT NULL, PRIMARY KEY (kind, value)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS paper_ids_paper ON paper_ids (paper_id);
CREATE TABLE IF NOT EXISTS provenance (
    paper_id INTEGER NOT NULL, source_ref TEXT NOT NULL, PRIMARY KEY (paper_id, source_ref)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS authorships (
    paper_id INTEGER NOT NULL, position INTEGER NOT NULL, author_id INTEGER NOT NULL,
    raw_name TEXT NOT NULL, PRIMARY KEY (paper_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS authorships_author ON authorships (author_id, paper_id);
CREATE TABLE IF NOT EXISTS coauthors (
    a INTEGER NOT NULL, b INTEGER NOT NULL, papers INTEGER NOT NULL, weight REAL NOT NULL,
    first_year INTEGER, last_year INTEGER, PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS coauthors_b ON coauthors (b, a);
CREATE TABLE IF NOT EXISTS evidence (
    author_id INTEGER NOT NULL, variant TEXT NOT NULL, rule TEXT NOT NULL, detail TEXT NOT NULL,
    PRIMARY KEY (author_id, variant, rule)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS duplicates (
    a INTEGER NOT NULL, b INTEGER NOT NULL, reason TEXT NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ingest_runs (
    id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, paths TEXT NOT NULL,
    status TEXT NOT NULL, report TEXT
);
CREATE TABLE IF NOT EXISTS skipped (
    run_id INTEGER NOT NULL, source_ref TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL
);
"""

_UPSERT_EDGE = """
INSERT INTO coauthors (a, b, papers, weight, first_year, last_year) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (a, b) DO UPDATE SET
    papers = papers + excluded.papers,
    weight = weight + excluded.weight,
    first_year = CASE WHEN first_year IS NULL THEN excluded.first_year
                      WHEN excluded.first_year IS NULL THEN first_year
                      ELSE min(first_year, excluded.first_year) END,
    last_year = CASE WHEN last_year IS NULL THEN excluded.last_year
                     WHEN excluded.last_year IS NULL THEN last_year
                     ELSE max(last_year, excluded.last_year) END
"""


def _tokens(name: str) -> list[str]:
    return [t for t in fold(name).split() if t]


def key_tokens(key: str) -> list[str]:
    """Search tokens of a match key (``"o heigeartaigh|sean#0001"`` → o, heigeartaigh, sean).

    They equal the folded tokens of the name, without parsing the name a second time.
    """
    return key.split("#", 1)[0].replace("|", " ").split()


class SQLiteStore:
    """Papers, authors, variants, authorships, co-author edges and ingest runs in one file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._vocabulary: set[str] | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(f"cannot open the embedded store at {self.path}: {exc}") from exc
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=OFF")
        self.db.execute("PRAGMA cache_size=-200000")
        self.db.executescript(SCHEMA)
        if self.get_meta("schema_version") is None:
            self.set_meta("schema_version", SCHEMA_VERSION)

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
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
        out = []
        for aid, key, init in rows:
            ids = conflict_keys(
                self.db.execute("SELECT kind, value FROM author_ids WHERE author_id = ?", (aid,))
            )
            out.append(AuthorCandidate(int(aid), str(key), bool(init), ids))
        return out

    def authors_by_key(self, key: str) -> list[AuthorCandidate]:
        return self._candidates("key", key)

    def authors_by_signature(self, sig: str) -> list[AuthorCandidate]:
        return self._candidates("sig", sig)

    def shared_coauthors(self, author: int, others: Sequence[int]) -> list[int]:
        if not others:
            return []
        marks = ",".join("?" * len(others))
        rows = self.db.execute(
            f"SELECT b FROM coauthors WHERE a = ? AND b IN ({marks}) "
            f"UNION SELECT a FROM coauthors WHERE b = ? AND a IN ({marks})",
            (author, *others, author, *others),
        ).fetchall()
        return sorted(int(r[0]) for r in rows)

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
    def apply_batch(self, batch: Batch) -> None:
        """Write one batch in a single transaction: a crash leaves the store as before it."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "INSERT INTO authors (id, name, key) VALUES (?, ?, ?)", batch.new_authors
            )
            db.executemany(
                "INSERT OR IGNORE INTO author_ids (kind, value, author_id) VALUES (?, ?, ?)",
                batch.author_ids,
            )
            db.executemany(
                "INSERT INTO variants (author_id, name, source, key, sig, initials_only, count) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET count = count + "
                "excluded.count",
                [
                    (a, n, src, k, s, int(i), c)
                    for (a, n, k, s, src, i), c in Counter(batch.variants).items()
                ],
            )
            self._index_names(batch)
            db.executemany(
                "INSERT INTO papers (id, title, title_key, year, venue, doi, n_authors, counted) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                batch.new_papers,
            )
            db.executemany(
                "INSERT OR IGNORE INTO paper_ids (kind, value, paper_id) VALUES (?, ?, ?)",
                batch.paper_ids,
            )
            db.executemany(
                "INSERT INTO authorships (paper_id, position, author_id, raw_name) "
                "VALUES (?, ?, ?, ?)",
                batch.authorships,
            )
            db.executemany(
                "UPDATE authors SET papers = papers + ? WHERE id = ?",
                _count_by_author(batch.authorships),
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
            db.executemany(
                "INSERT OR IGNORE INTO evidence (author_id, variant, rule, detail) "
                "VALUES (?, ?, ?, ?)",
                batch.evidence,
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
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            self._vocabulary = None  # may hold tokens of the rolled-back batch
            raise

    def _index_names(self, batch: Batch) -> None:
        """Keep the search tables (tokens per author, vocabulary, trigrams) up to date."""
        pairs = {(a, k or n) for a, n, k, _s, _src, _i in batch.variants}
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
            db.execute(
                """
                INSERT INTO coauthors (a, b, papers, weight, first_year, last_year)
                SELECT x.author_id, y.author_id, count(DISTINCT p.id),
                       sum(1.0 / (p.n_authors - 1)), min(p.year), max(p.year)
                FROM papers p
                JOIN authorships x ON x.paper_id = p.id
                JOIN authorships y ON y.paper_id = p.id AND x.author_id < y.author_id
                WHERE p.counted
                GROUP BY x.author_id, y.author_id
                """
            )
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
            db.execute("ROLLBACK")
            raise

    # -- ingest runs -------------------------------------------------------------------------
    def start_run(self, paths: Sequence[str], started: str) -> int:
        cur = self.db.execute(
            "INSERT INTO ingest_runs (started, paths, status) VALUES (?, ?, 'running')",
            (started, "\n".join(paths)),
        )
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, finished: str, status: str, report_json: str) -> None:
        self.db.execute(
            "UPDATE ingest_runs SET finished = ?, status = ?, report = ? WHERE id = ?",
            (finished, status, report_json, run_id),
        )

    def record_skipped(self, run_id: int, rows: Iterable[tuple[str, str, str]]) -> None:
        self.db.executemany(
            "INSERT INTO skipped (run_id, source_ref, reason, detail) VALUES (?, ?, ?, ?)",
            [(run_id, *r) for r in rows],
        )

    # -- reads ---------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        q = self.db.execute
        return {
            "authors": int(q("SELECT count(*) FROM authors").fetchone()[0]),
            "papers": int(q("SELECT count(*) FROM papers").fetchone()[0]),
            "edges": int(q("SELECT count(*) FROM coauthors").fetchone()[0]),
            "excluded_papers": int(
                q("SELECT count(*) FROM papers WHERE NOT counted AND n_authors >= 2").fetchone()[0]
            ),
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
                "ORDER BY count DESC, name",
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
        token, for type-ahead) or within a small edit distance (typos); results are ranked by
        how exact the match was, then by number of papers.
        """
        tokens = _tokens(query)
        if not tokens:
            return []
        per_token: list[dict[int, float]] = []
        for i, tok in enumerate(tokens):
            cands = self._token_candidates(tok, prefix=i == len(tokens) - 1)
            scores: dict[int, float] = {}
            for cand, score in cands.items():
                for (aid,) in self.db.execute(
                    "SELECT author_id FROM name_tokens WHERE token = ? LIMIT 5000", (cand,)
                ):
                    if scores.get(aid, -1.0) < score:
                        scores[aid] = score
            per_token.append(scores)
        common = set(per_token[0])
        for s in per_token[1:]:
            common &= set(s)
        if not common:
            return []
        total = {a: sum(s[a] for s in per_token) for a in common}
        info = {}
        wanted = sorted(tokens)
        for a, n, p, k in self._rows_in(
            "SELECT id, name, papers, key FROM authors WHERE id IN", common
        ):
            info[int(a)] = (str(n), int(p))
            if sorted(key_tokens(str(k))) == wanted:
                total[int(a)] += 0.5  # the whole name, not just some of its words
        ranked = sorted(common, key=lambda a: (-total[a], -info[a][1], info[a][0], a))
        return [
            {"id": a, "name": info[a][0], "papers": info[a][1], "score": round(total[a], 3)}
            for a in ranked[offset : offset + limit]
        ]

    def _rows_in(self, sql: str, ids: Iterable[int]) -> Iterator[tuple[Any, ...]]:
        ids = list(ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            yield from self.db.execute(f"{sql} ({','.join('?' * len(chunk))})", chunk)

    def _token_candidates(self, tok: str, prefix: bool) -> dict[str, float]:
        out: dict[str, float] = {}
        if self.db.execute("SELECT 1 FROM vocabulary WHERE token = ?", (tok,)).fetchone():
            out[tok] = 1.0
        if prefix:
            for (t,) in self.db.execute(
                "SELECT token FROM vocabulary WHERE token > ? AND token < ? LIMIT 50",
                (tok, tok + "\uffff"),
            ):
                out.setdefault(t, 0.8)
        if len(tok) >= 4 and not out:
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
        """All authorships as arrays (for ``graph.csr.Memberships``), in two streaming scans."""
        author_ids = np.fromiter(
            (r[0] for r in self.db.execute("SELECT id FROM authors ORDER BY id")), dtype=np.int64
        )
        n_papers = int(self.db.execute("SELECT count(*) FROM papers").fetchone()[0])
        paper_ids = np.empty(n_papers, dtype=np.int64)
        paper_year = np.empty(n_papers, dtype=np.int32)
        for i, (pid, year) in enumerate(self.db.execute("SELECT id, year FROM papers ORDER BY id")):
            paper_ids[i] = pid
            paper_year[i] = year or 0
        n_ship = int(self.db.execute("SELECT count(*) FROM authorships").fetchone()[0])
        ship_paper = np.empty(n_ship, dtype=np.int64)
        ship_author = np.empty(n_ship, dtype=np.int64)
        for i, (pid, aid) in enumerate(
            self.db.execute(
                "SELECT paper_id, author_id FROM authorships ORDER BY paper_id, position"
            )
        ):
            ship_paper[i] = pid
            ship_author[i] = aid
        return {
            "author_ids": author_ids,
            "paper_ids": paper_ids,
            "paper_year": paper_year,
            "ship_paper": ship_paper,
            "ship_author": ship_author,
        }


def _count_by_author(authorships: list[tuple[int, int, int, str]]) -> list[tuple[int, int]]:
    counts: dict[int, int] = {}
    for _p, _pos, a, _raw in authorships:
        counts[a] = counts.get(a, 0) + 1
    return [(c, a) for a, c in counts.items()]
