"""Fault catalogue, concurrency: many writers on one embedded store never corrupt it.

Each test runs real writers at once (processes, or threads with their own connections) and ends
with ``graphsvc check`` finding nothing. The writers serialise on the store's writer lock
(``graphsvc/store/sqlite_lock.py``); the result is compared, without store ids, with the same
work done one writer after the other.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from graphsvc.errors import StoreBusy
from graphsvc.identity import overrides
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore
from graphsvc.store.sqlite_check import check_store
from tests.test_crash import generate

STORE_FILE = "graphsvc.sqlite3"
N = 8_000

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs flock")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two dblp files of distinct papers by one community of (overlapping) names."""
    d = tmp_path_factory.mktemp("conc")
    a, b = d / "a.xml", d / "b.xml"
    generate(a, N, seed=1)
    generate(b, N, seed=2)
    b.write_text(b.read_text().replace('key="conf/crash/P', 'key="conf/crash/Q'))
    return a, b


def canonical(db: Path) -> dict[str, Any]:
    """Authors, papers, authorships and edges of a store, without its ids."""
    con = sqlite3.connect(db)
    try:
        q = con.execute
        names = dict(q("SELECT id, name FROM authors").fetchall())
        authors = sorted(q("SELECT name, key, papers FROM authors").fetchall())
        papers = sorted(q("SELECT title, year, venue, n_authors, counted FROM papers").fetchall())
        ships = sorted(
            (t, pos, names.get(a, f"<missing {a}>")) for t, pos, a in q(
                "SELECT p.title, s.position, s.author_id FROM authorships s "
                "JOIN papers p ON p.id = s.paper_id"))
        edges = sorted(
            (*sorted((names.get(a, f"<missing {a}>"), names.get(b, f"<missing {b}>"))), n,
             round(w, 9), f, la)
            for a, b, n, w, f, la in q("SELECT a, b, papers, weight, first_year, last_year "
                                       "FROM coauthors"))
        return {"authors": authors, "papers": papers, "authorships": ships, "edges": edges}
    finally:
        con.close()


def sequential(tmp: Path, paths: list[Path]) -> dict[str, Any]:
    store = SQLiteStore(tmp / STORE_FILE)
    try:
        for p in paths:
            ingest(store, [p])
    finally:
        store.close()
    return canonical(tmp / STORE_FILE)


def cli(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "graphsvc", "--data-dir", str(data_dir), *args]


def run_order(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return [Path(p).name for (p,) in con.execute("SELECT paths FROM ingest_runs ORDER BY id")]
    finally:
        con.close()


def test_two_ingest_processes_into_one_data_dir_equal_one_after_the_other(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = files
    data = tmp_path / "shared"
    procs = [subprocess.Popen(cli(data, "ingest", str(p), "--no-progress"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for p in (a, b)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-2000:]
        assert "Traceback" not in err
    assert any("waiting for another write" in err for _o, err in outs)  # they did overlap
    db = data / STORE_FILE
    assert check_store(db) == []
    order = run_order(db)
    assert sorted(order) == ["a.xml", "b.xml"]
    first = [a, b] if order[0] == "a.xml" else [b, a]
    assert canonical(db) == sequential(tmp_path / "seq", first)


def _wait_for_papers(db: Path, more_than: int, proc_alive: Any) -> None:
    deadline = time.monotonic() + 120
    while proc_alive():
        try:
            con = sqlite3.connect(db, timeout=10)
            try:
                n = con.execute("SELECT count(*) FROM papers").fetchone()[0]
            finally:
                con.close()
        except sqlite3.OperationalError:
            n = 0
        if n > more_than:
            return
        assert time.monotonic() < deadline
        time.sleep(0.01)


def _busiest_pair(db: Path) -> tuple[int, int]:
    """Two authors with papers in the store: the merge's target and source."""
    con = sqlite3.connect(db)
    try:
        rows = con.execute("SELECT id FROM authors ORDER BY papers DESC, id LIMIT 2").fetchall()
        return int(rows[0][0]), int(rows[1][0])
    finally:
        con.close()


def test_a_merge_during_an_ingest_leaves_nothing_on_the_merged_away_author(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    """The reported bug: the ingest holds the merged-away id in its caches and kept writing
    authorships and edges on it. Now the merge waits for the ingest (threads, own stores)."""
    a, b = files
    db = tmp_path / "live" / STORE_FILE
    first = SQLiteStore(db)
    ingest(first, [a])
    first.close()
    target, source = _busiest_pair(db)
    before = sqlite3.connect(db).execute("SELECT count(*) FROM papers").fetchone()[0]
    done = threading.Event()
    errors: list[BaseException] = []
    ended: list[float] = []

    def run_ingest() -> None:
        store = SQLiteStore(db)
        try:
            ingest(store, [b])  # b's papers name the same people: source gets new papers
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            ended.append(time.monotonic())
            store.close()
            done.set()

    t = threading.Thread(target=run_ingest)
    t.start()
    _wait_for_papers(db, before, lambda: not done.is_set())
    assert not done.is_set(), "the ingest ended before the merge could start"
    merger = SQLiteStore(db)
    try:
        got = overrides.merge(merger, target, source, who="test", why="concurrent")
        merged_at = time.monotonic()
    finally:
        merger.close()
    t.join()
    assert not errors, errors
    assert got["kind"] == "merge"
    assert merged_at >= ended[0]  # the merge waited for the ingest's last batch
    assert check_store(db) == []
    con = sqlite3.connect(db)
    for table, col in (("authorships", "author_id"), ("coauthors", "a"), ("coauthors", "b"),
                       ("variants", "author_id"), ("author_ids", "author_id")):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE {col} = ?",
                           (source,)).fetchone() == (0,), table
    con.close()
    # the same as ingesting both files and then merging
    ref_db = tmp_path / "ref" / STORE_FILE
    ref = SQLiteStore(ref_db)
    try:
        ingest(ref, [a])
        ingest(ref, [b])
        overrides.merge(ref, target, source, who="test", why="after")
    finally:
        ref.close()
    assert canonical(db) == canonical(ref_db)


def test_a_cli_merge_during_a_cli_ingest_waits_and_succeeds(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = files
    data = tmp_path / "cli"
    db = data / STORE_FILE
    assert subprocess.run(cli(data, "ingest", str(a), "--no-progress"),
                          capture_output=True, timeout=300).returncode == 0
    target, source = _busiest_pair(db)
    before = sqlite3.connect(db).execute("SELECT count(*) FROM papers").fetchone()[0]
    ing = subprocess.Popen(cli(data, "ingest", str(b), "--no-progress"),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _wait_for_papers(db, before, lambda: ing.poll() is None)
    merge = subprocess.run(cli(data, "merge", str(target), str(source), "--why", "test"),
                           capture_output=True, text=True, timeout=300)
    _out, err = ing.communicate(timeout=300)
    assert ing.returncode == 0, err[-2000:]
    assert merge.returncode == 0, merge.stderr[-2000:]
    assert "Traceback" not in merge.stderr + err
    assert check_store(db) == []
    assert sqlite3.connect(db).execute("SELECT count(*) FROM authorships WHERE author_id = ?",
                                       (source,)).fetchone() == (0,)
    check = subprocess.run(cli(data, "check"), capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_writer_that_cannot_wait_gets_a_one_line_busy_error(tmp_path: Path) -> None:
    """The API waits a bounded time for the lock and answers 503 store-busy, never a hang."""
    db = tmp_path / STORE_FILE
    holder, other = SQLiteStore(db), SQLiteStore(db, write_wait=0.2)
    try:
        with holder.writing("a long ingest"):
            started = time.monotonic()
            with pytest.raises(StoreBusy, match="busy with another write") as info:
                overrides.merge(other, 1, 2)
            assert time.monotonic() - started < 5
            assert "\n" not in str(info.value) and "a long ingest" in str(info.value)
    finally:
        holder.close()
        other.close()


def test_two_threads_ingesting_with_their_own_stores_serialise(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    a, b = files
    db = tmp_path / "threads" / STORE_FILE
    SQLiteStore(db).close()
    errors: list[BaseException] = []

    def run(p: Path) -> None:
        store = SQLiteStore(db)
        try:
            ingest(store, [p])
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            store.close()

    threads = [threading.Thread(target=run, args=(p,)) for p in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert check_store(db) == []
    order = run_order(db)
    first = [a, b] if order[0] == "a.xml" else [b, a]
    assert canonical(db) == sequential(tmp_path / "seq", first)


def test_a_store_of_schema_1_gains_foreign_keys_and_keeps_every_row(tmp_path: Path) -> None:
    """Stores written before the foreign keys are rebuilt with them on first open; a row left
    on a deleted author by the old concurrent-writer bug is kept, and ``check`` names it."""
    import re

    from graphsvc.store.sqlite_schema import SCHEMA

    src = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"
    new = SQLiteStore(tmp_path / "new" / STORE_FILE)
    ingest(new, [src])
    new.close()
    old_db = tmp_path / "old" / STORE_FILE
    old_db.parent.mkdir()
    con = sqlite3.connect(old_db)
    con.executescript(re.sub(r" REFERENCES \w+ \(id\) DEFERRABLE INITIALLY DEFERRED", "",
                             SCHEMA))
    con.execute("ATTACH ? AS n", (str(tmp_path / "new" / STORE_FILE),))
    for (t,) in con.execute("SELECT name FROM n.sqlite_master WHERE type = 'table' AND name "
                            "NOT LIKE 'vocabulary_trigrams%' AND name NOT LIKE 'sqlite%'"
                            ).fetchall():
        con.execute(f"INSERT INTO main.{t} SELECT * FROM n.{t}")
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.execute("INSERT INTO authorships VALUES (1, 999, 987654, 'Ghost', 'dblp')")  # the bug
    con.commit()
    con.execute("DETACH n")
    assert con.execute("PRAGMA foreign_key_list(authorships)").fetchall() == []
    con.close()
    before = canonical(old_db)
    store = SQLiteStore(old_db)
    try:
        assert store.get_meta("schema_version") == "2"
        fks = store.db.execute("PRAGMA foreign_key_list(authorships)").fetchall()
        assert {r[2] for r in fks} == {"authors", "papers"}
        with pytest.raises(sqlite3.IntegrityError):  # new orphans are refused from now on
            store.db.execute("BEGIN")
            try:
                store.db.execute("INSERT INTO coauthors VALUES (1, 987655, 1, 1.0, NULL, NULL)")
                store.db.execute("COMMIT")
            finally:
                if store.db.in_transaction:
                    store.db.execute("ROLLBACK")
    finally:
        store.close()
    assert canonical(old_db) == before
    problems = check_store(old_db)
    # the ghost row, the paper whose author count it breaks, the edges it would add
    assert [p.check for p in problems] == ["references", "papers", "edges"]
    assert "missing author(s) by author_id: 987654" in problems[0].message


def test_an_api_merge_during_an_api_ingest_job_answers_busy_then_works(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    """Over HTTP the merge does not hold a request thread for the whole job: it waits a
    bounded time, answers 503 store-busy with Retry-After, and works once the job is done."""
    from fastapi.testclient import TestClient

    from graphsvc.api.app import create_app
    from graphsvc.config import Settings

    a, b = files
    data = tmp_path / "api"
    first = SQLiteStore(data / STORE_FILE)
    ingest(first, [a])
    first.close()
    target, source = _busiest_pair(data / STORE_FILE)
    key = "k" * 32
    auth = {"Authorization": f"Bearer {key}"}
    app = create_app(Settings(data_dir=data, api_key=key, extra={"write_wait": 0.3}))
    with TestClient(app) as c:
        r = c.post("/ingest", files={"file": ("b.xml", b.read_bytes())}, headers=auth)
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        deadline = time.monotonic() + 60
        # "running" is set before the job's ingest takes the writer lock: wait until the lock
        # file names the ingest as its holder, or the merge may simply go first
        lock = data / (STORE_FILE + "-write.lock")
        while "ingest" not in (lock.read_text() if lock.exists() else ""):
            assert time.monotonic() < deadline
            assert c.get(f"/jobs/{job_id}").json()["state"] in ("queued", "running")
            time.sleep(0.01)
        busy = c.post("/authors/merge", json={"target": target, "source": source}, headers=auth)
        while (job := c.get(f"/jobs/{job_id}").json())["state"] in ("queued", "running"):
            assert time.monotonic() < deadline + 120
            time.sleep(0.05)
        assert job["state"] == "done", job
        if busy.status_code != 200:  # the job was still writing: refused, nothing changed
            assert busy.status_code == 503, busy.text
            assert busy.json()["type"] == "store-busy" and busy.headers["Retry-After"]
            done = c.post("/authors/merge", json={"target": target, "source": source},
                          headers=auth)
            assert done.status_code == 200, done.text
    assert busy.status_code == 503  # 8,000 records take longer than 0.3 s
    assert check_store(data / STORE_FILE) == []
    con = sqlite3.connect(data / STORE_FILE)
    assert con.execute("SELECT count(*) FROM authorships WHERE author_id = ?",
                       (source,)).fetchone() == (0,)
    con.close()


def _dblp(path: Path, key: str, *authors: str) -> Path:
    names = "".join(f"<author>{a}</author>" for a in authors)
    path.write_text(
        f'<?xml version="1.0"?><dblp><article key="journals/vocab/{key}">{names}'
        f"<title>Paper {key}.</title><year>2020</year><journal>J</journal></article></dblp>"
    )
    return path


def test_a_store_held_open_writes_words_another_process_added_meanwhile(tmp_path: Path) -> None:
    """A server's store object outlives the CLI ingests beside it: what it remembers of the
    search vocabulary is forgotten when it takes the writer lock again."""
    db = tmp_path / STORE_FILE
    server, cli = SQLiteStore(db), SQLiteStore(db)
    try:
        ingest(server, [_dblp(tmp_path / "1.xml", "1", "Ada Zyxwv", "Bob Lee")])
        ingest(cli, [_dblp(tmp_path / "2.xml", "2", "Quentin Plumtree", "Bob Lee")])
        report = ingest(server, [_dblp(tmp_path / "3.xml", "3", "Rosa Plumtree", "Ada Zyxwv")])
        assert report.records == 1
        found = {h["name"] for h in server.search_authors("plumtree")}
        assert {"Quentin Plumtree", "Rosa Plumtree"} <= found
    finally:
        server.close()
        cli.close()
