"""``graphsvc check``: verify an embedded store, one line per problem found.

What is checked, in order (a store that is not a database at all stops at the first):

* the file: exists, is an SQLite database, and SQLite's own ``integrity_check`` (or
  ``quick_check``) passes: truncated files and damaged pages show here;
* references: no authorship, co-author edge, variant, external id, evidence, duplicate, name
  token, paper id or provenance row points at a missing author or paper;
* derived data: each paper's author count and ``counted`` flag, each author's paper count, and
  every co-author edge (papers, weight, years) equal what the authorships give under the store's
  team-size cap (ties from edge lists are papers of their own, so they count the same way);
* a bulk load's deferred indexes: none missing, no load left half-way.

The store is opened read-only: checking never changes it.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from graphsvc.store.sqlite_schema import SCHEMA, edges_from_papers

#: (table, column, parent table) of every row that names an author or a paper
REFERENCES = (
    ("authorships", "author_id", "authors"),
    ("authorships", "paper_id", "papers"),
    ("coauthors", "a", "authors"),
    ("coauthors", "b", "authors"),
    ("variants", "author_id", "authors"),
    ("author_ids", "author_id", "authors"),
    ("evidence", "author_id", "authors"),
    ("duplicates", "a", "authors"),
    ("duplicates", "b", "authors"),
    ("name_tokens", "author_id", "authors"),
    ("paper_ids", "paper_id", "papers"),
    ("provenance", "paper_id", "papers"),
)
_HEADER = b"SQLite format 3\x00"
#: problems listed per kind before the rest is only counted
_SHOWN = 5


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a store: which check found it, how many rows, and what it means."""

    check: str
    count: int
    message: str


def check_store(path: Path, *, quick: bool = False) -> list[Problem]:
    """Every problem of the embedded store at ``path`` (empty: the store is sound).

    ``quick`` runs SQLite's ``quick_check`` instead of the full ``integrity_check`` (it skips
    comparing each index with its table: minutes faster on a multi-GB store).
    """
    path = Path(path)
    head = _header(path)
    if isinstance(head, Problem):
        return [head]
    try:
        db = _connect(path)
    except sqlite3.Error as exc:
        return [Problem("open", 1, f"{path}: cannot open the store: {exc}")]
    try:
        db.execute("PRAGMA temp_store=MEMORY")
        problems = _integrity(db, path, quick)
        if problems and any(p.check == "integrity" for p in problems):
            # a damaged file: the checks below would only repeat its errors (or crash on them)
            return problems
        try:
            db.execute("BEGIN")  # one snapshot: a concurrent ingest's batch is in or out
            problems += _references(db)
            problems += _derived(db)
            problems += _indexes(db, path)
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            problems.append(Problem("integrity", 1, f"{path}: reading the store failed: {exc}"))
        return problems
    finally:
        db.close()


def _connect(path: Path) -> sqlite3.Connection:
    """Read-only; immutable where SQLite cannot open the WAL (a read-only or full disk)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        db.close()
    return sqlite3.connect(f"file:{path}?immutable=1", uri=True, isolation_level=None)


def report(path: Path, problems: list[Problem]) -> dict[str, Any]:
    """The JSON form of a check (``graphsvc check --json``)."""
    return {"store": str(path), "ok": not problems,
            "problems": [asdict(p) for p in problems]}


def _header(path: Path) -> Problem | None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except FileNotFoundError:
        return Problem("open", 1, f"{path}: no store here (run `graphsvc ingest` first, or "
                                  "point GRAPHSVC_DATA_DIR / --data-dir at the data directory)")
    except OSError as exc:
        return Problem("open", 1, f"{path}: cannot read the store: {exc.strerror}")
    if len(head) < 100 or not head.startswith(_HEADER):
        what = "empty" if not head else "truncated" if _HEADER.startswith(head[:16]) and \
            len(head) < 100 else "not an SQLite database"
        return Problem("open", 1, f"{path}: the file is {what}: restore it from a backup, or "
                                  "move it away and ingest the sources again")
    size = path.stat().st_size
    page = int.from_bytes(head[16:18], "big") or 65536
    pages = int.from_bytes(head[28:32], "big")
    if pages and size < pages * page and not _has_wal(path):
        return Problem("open", 1, f"{path}: the file is truncated ({size} bytes of the "
                                  f"{pages * page} its header announces): restore it from a "
                                  "backup, or move it away and ingest the sources again")
    return None


def _has_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    return wal.exists() and wal.stat().st_size > 0


def _integrity(db: sqlite3.Connection, path: Path, quick: bool) -> list[Problem]:
    pragma = "quick_check" if quick else "integrity_check"
    try:
        rows = [str(r[0]) for r in db.execute(f"PRAGMA {pragma}(1000)")]
    except sqlite3.DatabaseError as exc:
        return [Problem("integrity", 1, f"{path}: SQLite cannot read the file ({exc}): restore "
                                        "it from a backup, or move it away and ingest again")]
    if rows == ["ok"]:
        return []
    shown = "; ".join(rows[:_SHOWN]) + (f"; … {len(rows) - _SHOWN} more" if len(rows) > _SHOWN
                                        else "")
    return [Problem("integrity", len(rows), f"{path}: damaged pages ({len(rows)} errors: "
                                            f"{shown}): restore it from a backup, or move it "
                                            "away and ingest the sources again")]


def _references(db: sqlite3.Connection) -> list[Problem]:
    out = []
    for table, col, parent in REFERENCES:
        rows = db.execute(
            f"SELECT {col}, count(*) FROM {table} t WHERE NOT EXISTS "
            f"(SELECT 1 FROM {parent} p WHERE p.id = t.{col}) GROUP BY {col} ORDER BY {col}"
        ).fetchall()
        if rows:
            n = sum(int(c) for _, c in rows)
            ids = ", ".join(str(r[0]) for r in rows[:_SHOWN]) + (" …" if len(rows) > _SHOWN
                                                                   else "")
            what = "author" if parent == "authors" else "paper"
            out.append(Problem("references", n, f"{n} {table} row(s) point at {len(rows)} "
                                                f"missing {what}(s) by {col}: {ids}"))
    return out


def _derived(db: sqlite3.Connection) -> list[Problem]:
    out = []
    cap_row = db.execute("SELECT value FROM meta WHERE key = 'max_team_size'").fetchone()
    cap = int(cap_row[0]) if cap_row else 100
    bad = db.execute(
        "SELECT p.id FROM papers p LEFT JOIN (SELECT paper_id, count(*) n FROM authorships "
        "GROUP BY paper_id) s ON s.paper_id = p.id WHERE p.n_authors != coalesce(s.n, 0) "
        "ORDER BY p.id").fetchall()
    if bad:
        out.append(Problem("papers", len(bad), f"{len(bad)} paper(s) whose author count is not "
                                               f"their number of authorships: {_ids(bad)}"))
    bad = db.execute(
        "SELECT id FROM papers WHERE counted != (n_authors >= 2 AND (? = 0 OR n_authors <= ?)) "
        "ORDER BY id", (cap, cap)).fetchall()
    if bad:
        out.append(Problem("papers", len(bad), f"{len(bad)} paper(s) counted or not against the "
                                               f"team-size cap {cap}: {_ids(bad)}"))
    # ties (edge lists, GML) are rows of papers marked with their weight: not papers
    ties = "tie" in {r[1] for r in db.execute("PRAGMA table_info(papers)")}
    bad = db.execute(
        "SELECT a.id FROM authors a LEFT JOIN (SELECT s.author_id, count(DISTINCT s.paper_id) n "
        "FROM authorships s JOIN papers p ON p.id = s.paper_id "
        f"{'WHERE p.tie IS NULL' if ties else ''} GROUP BY s.author_id) s "
        "ON s.author_id = a.id WHERE a.papers != coalesce(s.n, 0) ORDER BY a.id").fetchall()
    if bad:
        out.append(Problem("authors", len(bad), f"{len(bad)} author(s) whose paper count is not "
                                                f"their number of papers: {_ids(bad)}"))
    db.execute("DROP TABLE IF EXISTS temp.expected")
    db.execute("CREATE TEMP TABLE expected (a INTEGER, b INTEGER, papers INTEGER, weight REAL, "
               "first_year INTEGER, last_year INTEGER, PRIMARY KEY (a, b)) WITHOUT ROWID")
    db.execute(edges_from_papers().replace("INSERT INTO coauthors", "INSERT INTO temp.expected"))
    missing = db.execute(
        "SELECT e.a, e.b FROM temp.expected e WHERE NOT EXISTS (SELECT 1 FROM coauthors c "
        "WHERE c.a = e.a AND c.b = e.b) ORDER BY e.a, e.b").fetchall()
    extra = db.execute(
        "SELECT c.a, c.b FROM coauthors c WHERE NOT EXISTS (SELECT 1 FROM temp.expected e "
        "WHERE c.a = e.a AND c.b = e.b) ORDER BY c.a, c.b").fetchall()
    differ = db.execute(
        "SELECT c.a, c.b FROM coauthors c JOIN temp.expected e ON c.a = e.a AND c.b = e.b "
        "WHERE c.papers != e.papers OR abs(c.weight - e.weight) > 1e-6 * max(1.0, e.weight) "
        "OR c.first_year IS NOT e.first_year OR c.last_year IS NOT e.last_year "
        "ORDER BY c.a, c.b").fetchall()
    db.execute("DROP TABLE temp.expected")
    for rows, what in ((missing, "missing: the authorships give them"),
                       (extra, "without a joint counted paper"),
                       (differ, "with papers, weight or years unlike their joint papers")):
        if rows:
            pairs = ", ".join(f"{a}–{b}" for a, b in rows[:_SHOWN]) + (
                " …" if len(rows) > _SHOWN else "")
            out.append(Problem("edges", len(rows),
                               f"{len(rows)} co-author edge(s) {what}: {pairs}"))
    return out


def _indexes(db: sqlite3.Connection, path: Path) -> list[Problem]:
    have = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    wanted = [n for n in _index_names() if n not in have]
    flag = db.execute("SELECT 1 FROM meta WHERE key = 'indexes_deferred'").fetchone()
    if not wanted and flag is None:
        return []
    what = ", ".join(wanted) or "none missing"
    return [Problem("indexes", len(wanted) or 1,
                    f"{path}: a bulk load is running or did not finish (indexes: {what}): when "
                    "no ingest runs, any graphsvc command that opens the store rebuilds them")]


def _index_names() -> list[str]:
    return [m.group(1) for m in re.finditer(r"CREATE INDEX IF NOT EXISTS (\w+)", SCHEMA)]


def _ids(rows: list[Any]) -> str:
    return ", ".join(str(r[0]) for r in rows[:_SHOWN]) + (" …" if len(rows) > _SHOWN else "")
