"""Bulk-load speed-ups of the ingest give the same store as the plain path.

Reading records in a forked process (``graphsvc.sources.prefetch``) and deferring secondary
indexes during a load into an empty store are only ways of doing the same work: the store
answers identically with and without them, the fallback (no fork possible) is the plain path,
and errors of the reader are raised in the ingest.
"""

from __future__ import annotations

import functools
import gzip
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import graphsvc.ingest
from graphsvc.errors import GraphsvcError
from graphsvc.ingest import ingest
from graphsvc.model import RawAuthor, Record
from graphsvc.sources import prefetch
from graphsvc.store.sqlite import SQLiteStore
from graphsvc.store.sqlite_schema import _DEFERRABLE

DATA = Path(__file__).parent / "data"
FILES = [DATA / "dblp-ppopp-socc-100.xml", DATA / "ca-GrQc.first500.txt.gz",
         DATA / "paperscape-pscp-1991.first50.csv"]

ROOT = Path(__file__).resolve().parents[1]
#: set in the fresh process that runs this module's fork tests for a process with threads
CHILD = "GRAPHSVC_PREFETCH_TEST_CHILD"
_child_outcomes: dict[str, str] = {}


def needs_fork(test: Callable[..., None]) -> Callable[..., None]:
    """Run ``test`` where forking is safe: here when this process has no other thread, else
    in a fresh Python process (once for the whole module) whose outcome it reports.

    In a full run other test modules have started threads (a TestClient's portal, a query
    pool) by the time this module runs, and ``prefetch.available()`` is rightly False then; a
    ``skipif`` evaluated at collection skipped these tests in every full run. Only a platform
    without ``fork`` skips them now.
    """
    if sys.platform != "linux" or "fork" not in multiprocessing.get_all_start_methods():
        return pytest.mark.skip(reason="no fork on this platform")(test)

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        if prefetch.available():
            test(*args, **kwargs)
            return
        if os.environ.get(CHILD):
            pytest.fail(f"threads in a fresh process: {[t.name for t in threading.enumerate()]}")
        node = os.environ["PYTEST_CURRENT_TEST"].rsplit(" ", 1)[0]
        outcome = _outcomes_in_a_fresh_process().get(node, "NOT RUN")
        assert outcome == "PASSED", f"{node}: {outcome} in a fresh process\n" + \
            _child_outcomes.get("output", "")

    return run


def _outcomes_in_a_fresh_process() -> dict[str, str]:
    """``{node id: PASSED|FAILED|...}`` of this module run by pytest in a new process."""
    if not _child_outcomes:
        here = Path(__file__).resolve().relative_to(ROOT).as_posix()
        r = subprocess.run(
            [sys.executable, "-m", "pytest", here, "-rA", "-p", "no:cacheprovider",
             "-o", "addopts=", "-W", "ignore::DeprecationWarning"],
            cwd=ROOT, env={**os.environ, CHILD: "1"}, capture_output=True, text=True,
            timeout=900, check=False,
        )
        _child_outcomes["output"] = (r.stdout + r.stderr)[-6000:]
        for line in r.stdout.splitlines():
            word, _, node = line.partition(" ")
            if word in ("PASSED", "FAILED", "ERROR", "SKIPPED") and node.startswith(here):
                _child_outcomes[node.split(" - ", 1)[0]] = word
    return _child_outcomes


def snapshot(db: Path) -> dict[str, Any]:
    con = sqlite3.connect(db)
    try:
        q = con.execute
        return {
            "authors": q("SELECT id, name, key, papers FROM authors ORDER BY id").fetchall(),
            "papers": q("SELECT * FROM papers ORDER BY id").fetchall(),
            "authorships": q("SELECT * FROM authorships ORDER BY paper_id, position").fetchall(),
            "variants": q("SELECT * FROM variants ORDER BY 1, 2, 3").fetchall(),
            "edges": q("SELECT * FROM coauthors ORDER BY a, b").fetchall(),
            "evidence": q("SELECT * FROM evidence ORDER BY 1, 2, 3, 4").fetchall(),
            "duplicates": q("SELECT * FROM duplicates ORDER BY 1, 2").fetchall(),
            "indexes": sorted(r[0] for r in q(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")),
        }
    finally:
        con.close()


def load(tmp: Path, name: str, read_ahead: bool, twice: bool = False) -> dict[str, Any]:
    db = tmp / f"{name}.sqlite3"
    store = SQLiteStore(db)
    try:
        rep = ingest(store, FILES, read_ahead=read_ahead)
        assert rep.records > 500
        if twice:
            again = ingest(store, FILES, read_ahead=read_ahead)
            assert again.papers == 0
    finally:
        store.close()
    return snapshot(db)


@needs_fork
def test_read_ahead_gives_the_same_store(tmp_path: Path) -> None:
    plain = load(tmp_path, "plain", read_ahead=False)
    ahead = load(tmp_path, "ahead", read_ahead=True)
    assert ahead == plain
    # the indexes a bulk load deferred are all back
    assert set(_DEFERRABLE) <= set(plain["indexes"])


@needs_fork
def test_read_ahead_reingest_changes_nothing(tmp_path: Path) -> None:
    assert load(tmp_path, "a", read_ahead=True, twice=True) == load(
        tmp_path, "b", read_ahead=True)


def test_no_fork_falls_back_to_reading_in_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = load(tmp_path, "plain", read_ahead=False)

    def no_fork(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("forked although unavailable")

    monkeypatch.setattr(prefetch, "available", lambda: False)
    monkeypatch.setattr(prefetch, "read_ahead", no_fork)
    assert load(tmp_path, "fallback", read_ahead=True) == plain


@pytest.mark.parametrize("load, forks", [(0.2, True), (1.8, False)])
@needs_fork
def test_by_default_reads_ahead_only_with_a_spare_core(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, load: float, forks: bool
) -> None:
    forked: list[bool] = []
    real = prefetch.read_ahead

    def spy(*args: Any, **kwargs: Any) -> Any:
        forked.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(prefetch, "available", lambda: True)
    monkeypatch.setattr(prefetch, "read_ahead", spy)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(graphsvc.ingest, "READ_AHEAD_BYTES", 0)
    store = SQLiteStore(tmp_path / "s.sqlite3")
    try:
        ingest(store, FILES[:1])
    finally:
        store.close()
    assert bool(forked) == forks


def test_not_available_with_threads_running() -> None:
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not prefetch.available()
    finally:
        stop.set()
        t.join()


@needs_fork
def test_reader_errors_are_raised_in_the_ingest() -> None:
    def items() -> Any:
        yield Record("T", [RawAuthor("A B")], "x:1")
        raise ValueError("broken input")

    got = prefetch.read_ahead(items, lambda chunk: len(chunk), lambda n: None)
    with pytest.raises(ValueError, match="broken input"):
        list(got)


@needs_fork
def test_reader_sends_records_and_preparation_in_order() -> None:
    n = prefetch.CHUNK * 2 + 7
    seen: list[int] = []

    def items() -> Any:
        for i in range(n):
            yield Record(f"T{i}", [RawAuthor(f"A{i} B", ids={"orcid": str(i)})], f"x:{i}",
                         year=2000 + i % 3, source="test")

    out = []
    for rec in prefetch.read_ahead(items, lambda chunk: len(chunk), seen.append):
        assert isinstance(rec, Record)
        out.append(rec)
    assert [r.title for r in out] == [f"T{i}" for i in range(n)]
    assert out[5].authors[0].ids == {"orcid": "5"} and out[5].year == 2002
    assert sum(seen) == n


@needs_fork
def test_a_stopped_ingest_stops_the_reader() -> None:
    def items() -> Any:
        for i in range(100_000):
            yield Record(f"T{i}", [RawAuthor("A B")], f"x:{i}")

    it = prefetch.read_ahead(items, lambda chunk: None, lambda _: None)
    next(it)
    it.close()  # the reader is terminated and joined


def test_truncated_input_gives_the_same_outcome_either_way(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml.gz"
    with gzip.open(bad, "wb") as f:
        shutil.copyfileobj((DATA / "dblp-ppopp-socc-100.xml").open("rb"), f)
    bad.write_bytes(bad.read_bytes()[:3000])  # a truncated gzip stream
    outcomes = []
    for read_ahead in (False, True):
        store = SQLiteStore(tmp_path / f"s{read_ahead}.sqlite3")
        try:
            rep = ingest(store, [bad], read_ahead=read_ahead)
            outcomes.append(("done", rep.records, rep.papers, rep.skipped))
        except (GraphsvcError, EOFError, OSError) as exc:
            outcomes.append(("error", type(exc).__name__, str(exc), store.counts()))
        finally:
            store.close()
    assert outcomes[0] == outcomes[1]


def test_records_cross_the_pipe_whole() -> None:
    """Every field of a Record and its authors survives the trip from the reader process."""
    import dataclasses

    rec = Record("T", [RawAuthor("Ada Lovelace", "Lovelace", "Ada", "Jr", {"orcid": "1"})],
                 "f:1", year=1843, venue="V", doi="10.1/x", ids={"edge": "1"}, source="gml",
                 tie=2.5)
    assert prefetch._decode(prefetch._encode(rec)) == rec
    assert len(prefetch._encode(rec)) == len(dataclasses.fields(Record))
