"""Crash safety of the embedded store: SIGKILL during ``graphsvc ingest``, and reads during one.

DESIGN.md ("Bad input"): a crash or kill during ingest leaves the store as it was before the
unfinished batch; re-running finishes the job. A generated dblp file of 30,000 records (real
author names from ``tests/data/dblp-ppopp-socc-100.xml``, recombined; distinct keys) is big
enough for an ingest of several batches taking a few seconds.
"""

from __future__ import annotations

import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from graphsvc.graph.service import GraphService, memberships_from_arrays
from graphsvc.ingest import ingest, ingest_records
from graphsvc.model import RawAuthor, Record
from graphsvc.store.sqlite import SQLiteStore
from graphsvc.store.sqlite_check import check_store

SAMPLE = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"
RECORDS = 30_000
STORE_FILE = "graphsvc.sqlite3"  # what ``--data-dir D`` opens

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")


def generate(path: Path, n: int, seed: int = 7) -> None:
    """``n`` dblp records whose authors are real names and recombinations of their parts."""
    rnd = random.Random(seed)
    names = sorted(set(re.findall(r"<author[^>]*>([^<]+)</author>", SAMPLE.read_text())))
    parts = [x.split() for x in names if len(x.split()) >= 2 and not x.split()[-1].isdigit()]
    given = sorted({p[0] for p in parts})
    family = sorted({p[-1] for p in parts})
    pool = names + [f"{g} {f}" for g in given for f in family]
    rnd.shuffle(pool)
    pool = pool[:12_000]
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<dblp>\n')
        for i in range(n):
            k = rnd.choice((1, 2, 2, 3, 3, 3, 4, 4, 5, 6))
            authors = rnd.sample(pool[: 2000 + i // 4], k)  # the community grows over time
            f.write(
                f'<inproceedings key="conf/crash/P{i}">'
                + "".join(f"<author>{escape(a)}</author>" for a in authors)
                + f"<title>Paper number {i} on {rnd.choice(family)}.</title>"
                f"<year>{1990 + i % 35}</year><booktitle>CRASH</booktitle></inproceedings>\n"
            )
        f.write("</dblp>\n")


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash") / "big-dblp.xml"
    generate(path, RECORDS)
    return path


@pytest.fixture(scope="module")
def reference(big: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    """A clean single run over the big file."""
    store = SQLiteStore(tmp_path_factory.mktemp("clean") / STORE_FILE)
    rep = ingest(store, [big])
    assert rep.papers == RECORDS and rep.skipped == 0
    yield store
    store.close()


def cli(data_dir: Path, big: Path) -> list[str]:
    return [sys.executable, "-m", "graphsvc", "--data-dir", str(data_dir), "ingest", str(big),
            "--no-progress"]


def count_papers(db: Path) -> int:
    if not db.exists():
        return 0
    con = sqlite3.connect(db, timeout=10)
    try:
        return int(con.execute("SELECT count(*) FROM papers").fetchone()[0])
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0
    finally:
        con.close()


EXPECTED_EDGES = """
SELECT x.author_id, y.author_id, count(DISTINCT p.id), sum(1.0 / (p.n_authors - 1)),
       min(p.year), max(p.year)
FROM papers p
JOIN authorships x ON x.paper_id = p.id
JOIN authorships y ON y.paper_id = p.id AND x.author_id < y.author_id
WHERE p.counted
GROUP BY x.author_id, y.author_id
"""


def check_consistent(db: Path) -> dict[str, int]:
    """Everything the store holds agrees with itself, read in one snapshot; returns counts."""
    con = sqlite3.connect(db, timeout=10, isolation_level=None)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        con.execute("BEGIN")
        q = con.execute
        zero = (0,)
        # every paper has all its authorships, and every authorship its paper and author
        assert q("SELECT count(*) FROM papers p WHERE n_authors != "
                 "(SELECT count(*) FROM authorships s WHERE s.paper_id = p.id)").fetchone() == zero
        assert q("SELECT count(*) FROM authorships s LEFT JOIN papers p ON p.id = s.paper_id "
                 "WHERE p.id IS NULL").fetchone() == zero
        assert q("SELECT count(*) FROM authorships s LEFT JOIN authors a ON a.id = s.author_id "
                 "WHERE a.id IS NULL").fetchone() == zero
        assert q("SELECT count(*) FROM authors a WHERE papers != "
                 "(SELECT count(*) FROM authorships s WHERE s.author_id = a.id)").fetchone() == zero
        # every paper is reachable by its dblp key and has provenance
        assert q("SELECT count(*) FROM papers p WHERE NOT EXISTS (SELECT 1 FROM paper_ids i "
                 "WHERE i.paper_id = p.id AND i.kind = 'dblp')").fetchone() == zero
        assert q("SELECT count(*) FROM papers p WHERE NOT EXISTS "
                 "(SELECT 1 FROM provenance v WHERE v.paper_id = p.id)").fetchone() == zero
        # the counted flag follows the team-size cap
        (cap,) = q("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'max_team_size'").fetchone()
        assert q("SELECT count(*) FROM papers WHERE counted != "
                 "(n_authors >= 2 AND (? = 0 OR n_authors <= ?))", (cap, cap)).fetchone() == zero
        # co-author edges are exactly what the authorships of counted papers give
        stored = {(a, b): (n, w, f, ly) for a, b, n, w, f, ly in q(
            "SELECT a, b, papers, weight, first_year, last_year FROM coauthors")}
        expected = {(a, b): (n, w, f, ly) for a, b, n, w, f, ly in q(EXPECTED_EDGES)}
        assert stored.keys() == expected.keys()
        for key, (n, w, f, ly) in expected.items():
            sn, sw, sf, sl = stored[key]
            assert (sn, sf, sl) == (n, f, ly), key
            assert abs(sw - w) < 1e-9, key
        counts = {
            "papers": q("SELECT count(*) FROM papers").fetchone()[0],
            "authors": q("SELECT count(*) FROM authors").fetchone()[0],
            "edges": len(stored),
        }
        con.execute("COMMIT")
        return counts
    finally:
        con.close()


def _no_ids(x: Any) -> Any:
    """An answer without store ids (which a resumed run need not hand out identically)."""
    if isinstance(x, dict):
        return {k: _no_ids(v) for k, v in x.items() if k != "id"}
    if isinstance(x, list):
        return [_no_ids(v) for v in x]
    return x


def answers(store: SQLiteStore, names: list[str]) -> dict[str, Any]:
    """A fixed set of queries, answered by name."""
    svc = GraphService(store)
    out: dict[str, Any] = {"counts": store.counts(), "stats": svc.stats()}
    for name in names:
        out[f"collaborators {name}"] = _no_ids(svc.collaborators(name, limit=50))
        out[f"collaborators {name} 2000-2010"] = _no_ids(
            svc.collaborators(name, year_from=2000, year_to=2010, limit=50))
    out["path"] = _no_ids(svc.path(names[0], names[-1], all=True, limit=5))
    papers: dict[str, list[str]] = {}
    for title, author in store.db.execute(
        "SELECT p.title, a.name FROM papers p JOIN authorships s ON s.paper_id = p.id "
        "JOIN authors a ON a.id = s.author_id ORDER BY p.id, s.position"
    ):
        papers.setdefault(title, []).append(author)
    out["papers"] = papers
    out["edges"] = sorted(
        (min(x, y), max(x, y), n, round(w, 9), f, ly)
        for x, y, n, w, f, ly in store.db.execute(
            "SELECT a1.name, a2.name, c.papers, c.weight, c.first_year, c.last_year "
            "FROM coauthors c JOIN authors a1 ON a1.id = c.a JOIN authors a2 ON a2.id = c.b")
    )
    return out


def query_names(store: SQLiteStore) -> list[str]:
    """Three prolific authors and one from the far end of the list."""
    rows = [n for (n,) in store.db.execute("SELECT name FROM authors ORDER BY papers DESC, id")]
    return [rows[0], rows[1], rows[2], rows[len(rows) // 2]]


def test_sigkill_during_ingest_then_rerun_equals_a_clean_run(
    big: Path, reference: SQLiteStore, tmp_path: Path
) -> None:
    data_dir = tmp_path / "killed"
    db = data_dir / STORE_FILE
    rnd = random.Random(20240601)
    killed_at: list[int] = []
    for _ in range(3):
        before = count_papers(db)
        proc = subprocess.Popen(cli(data_dir, big), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        # wait for this run's first committed batch, then kill at a random later moment
        deadline = time.monotonic() + 60
        while count_papers(db) <= before and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(rnd.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err.decode()[-2000:]
        counts = check_consistent(db)
        # only the bulk load's deferred indexes may be missing after a kill (the next open
        # rebuilds them), nothing else
        assert {p.check for p in check_store(db)} <= {"indexes"}
        assert before < counts["papers"] < RECORDS
        killed_at.append(counts["papers"])
    assert len(set(killed_at)) == 3  # three different points
    done = subprocess.run(cli(data_dir, big), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert check_consistent(db)["papers"] == RECORDS
    assert check_store(db) == []
    resumed = SQLiteStore(db)
    try:
        names = query_names(reference)
        assert answers(resumed, names) == answers(reference, names)
    finally:
        resumed.close()


def test_reads_during_an_ingest_never_see_a_half_written_batch(
    big: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "busy"
    db = data_dir / STORE_FILE
    SQLiteStore(db).close()  # the schema exists before the writer starts
    proc = subprocess.Popen(cli(data_dir, big), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    seen: list[int] = []
    errors: list[BaseException] = []

    def read_while_writing() -> None:
        store = SQLiteStore(db)
        try:
            svc = GraphService(store)
            while proc.poll() is None:
                con = store.db
                con.execute("BEGIN")  # one snapshot for the checks below
                try:
                    half = con.execute(
                        "SELECT count(*) FROM papers p WHERE n_authors != "
                        "(SELECT count(*) FROM authorships s WHERE s.paper_id = p.id)"
                    ).fetchone()[0]
                    # each counted paper of n authors adds n(n-1)/2 joint papers to its edges
                    pairs, joint = con.execute(
                        "SELECT (SELECT coalesce(sum(n_authors * (n_authors - 1) / 2), 0) "
                        "FROM papers WHERE counted), "
                        "(SELECT coalesce(sum(papers), 0) FROM coauthors)"
                    ).fetchone()
                    (papers,) = con.execute("SELECT count(*) FROM papers").fetchone()
                finally:
                    con.execute("COMMIT")
                assert half == 0, f"{half} half-written papers among {papers}"
                assert pairs == joint, (pairs, joint)
                if papers:
                    top = store.db.execute(
                        "SELECT id FROM authors ORDER BY papers DESC, id LIMIT 1").fetchone()[0]
                    got = svc.collaborators(top, limit=5)
                    assert got["total"] >= len(got["collaborators"])
                    stats = svc.stats()
                    assert stats["papers"] <= RECORDS
                seen.append(papers)
        except BaseException as exc:  # reported in the test thread below
            errors.append(exc)
        finally:
            store.close()

    reader = threading.Thread(target=read_while_writing)
    reader.start()
    _, err = proc.communicate(timeout=180)
    reader.join(timeout=60)
    assert proc.returncode == 0, err.decode()[-2000:]
    if errors:
        raise errors[0]
    during = [n for n in seen if 0 < n < RECORDS]
    assert len(set(during)) >= 2, f"reads did not overlap the ingest: {sorted(set(seen))}"
    assert check_consistent(db)["papers"] == RECORDS


class _Interleaved:
    """A connection that runs ``action`` (another connection's commit) right after the first
    statement containing ``marker``: a batch landing in the middle of a multi-statement read."""

    def __init__(self, con: sqlite3.Connection, marker: str, action: Any) -> None:
        self._con = con
        self._marker = marker
        self._action = action

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
        cur = self._con.execute(sql, *args)
        if self._action is not None and self._marker in sql:
            action, self._action = self._action, None
            action()
        return cur

    def __getattr__(self, name: str) -> Any:
        return getattr(self._con, name)


def _paper(title: str, *authors: str) -> Record:
    return Record(title, [RawAuthor(a) for a in authors], f"inline#{title}", 2001)


def test_graph_arrays_are_read_from_one_snapshot(tmp_path: Path) -> None:
    """The graph engine's arrays come from several SELECTs: a batch committed between them
    must not give authorships of papers or authors the arrays do not hold."""
    path = tmp_path / STORE_FILE
    reader = SQLiteStore(path)
    writer = SQLiteStore(path)
    try:
        ingest_records(reader, [_paper("First", "Ada Lovelace", "Charles Babbage")])

        def commit_a_batch() -> None:
            ingest_records(writer, [_paper("Second", "Mary Somerville", "Emmy Noether")])

        reader.db = _Interleaved(reader.db, "FROM authors", commit_a_batch)  # type: ignore[assignment]
        mem = memberships_from_arrays(reader.memberships_arrays())
        mem.validate()
        assert (mem.n_authors, mem.n_papers, len(mem.paper_members)) == (2, 1, 2)
    finally:
        writer.close()
        reader.close()
