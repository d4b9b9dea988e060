"""Ingest hardening (issue 8): huge author lists, terminal escapes in names, runs left running."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

import graphsvc.ingest
from graphsvc.cli import main
from graphsvc.ingest import ingest, ingest_records
from graphsvc.model import RawAuthor, Record
from graphsvc.store.sqlite import SQLiteStore

STORE_FILE = "graphsvc.sqlite3"  # what ``--data-dir D`` opens


@pytest.fixture
def store(tmp_path: Path) -> Any:
    s = SQLiteStore(tmp_path / STORE_FILE)
    yield s
    s.close()


# -- a 50,000-author paper -------------------------------------------------------------------


def test_huge_author_list_is_resolved_without_sorting_per_mention(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The co-authors resolved so far are evidence for each next mention; they must not be
    re-sorted for every mention (50,000 sorts of up to 50,000 ids)."""
    n = 50_000
    sorted_items = [0]

    def counting_sorted(items: Iterable[Any], **kwargs: Any) -> list[Any]:
        out = sorted(items, **kwargs)
        sorted_items[0] += len(out)
        return out

    monkeypatch.setattr(graphsvc.ingest, "sorted", counting_sorted, raising=False)
    people = [RawAuthor(f"Given{i} Family{i}") for i in range(n)]
    rep = ingest_records(store, [
        Record("Observation of everything", people, "atlas.jsonl:1", 2012),
        Record("Notes", [RawAuthor("Ada Lovelace"), RawAuthor("G. Family7")], "atlas.jsonl:2"),
    ])
    assert (rep.papers, rep.authors, rep.excluded_papers) == (2, n + 2, 1)
    assert store.db.execute("SELECT count(*) FROM authorships").fetchone() == (n + 2,)
    assert sorted_items[0] <= 10 * n, sorted_items[0]


# -- control characters ------------------------------------------------------------------------

EVIL = "\x1b[31mEvil\x1b[0m Name"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out + err


def test_terminal_escapes_are_never_stored_or_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "evil.jsonl"
    path.write_text(
        json.dumps({"title": "Escapes", "authors": [EVIL, "Ada Lovelace"], "year": 2020}) + "\n"
        + json.dumps({"title": "Escapes again", "authors": ["Ada Lovelace", EVIL],
                      "year": 2021}) + "\n"
    )
    d = str(tmp_path / "store")
    out = _cli(capsys, "--data-dir", d, "ingest", str(path), "--no-progress")
    # an id a source gives with escapes is not stored raw either
    s = SQLiteStore(tmp_path / "store" / STORE_FILE)
    try:
        ingest_records(s, [Record("Ids", [RawAuthor(EVIL, ids={"s2": "\x1b]0;pwned\x0742"}),
                                          RawAuthor("Ada Lovelace")], "inline:1", 2022)])
    finally:
        s.close()
    db = sqlite3.connect(tmp_path / "store" / STORE_FILE)
    try:
        tables = [t for (t,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%'"
            " AND name NOT LIKE 'vocabulary_trigrams_%'")]
        stored = 0
        for table in tables:
            for row in db.execute(f"SELECT * FROM {table}"):
                for value in row:
                    assert "\x1b" not in str(value) and "\x07" not in str(value), (table, row)
                    stored += "Evil" in str(value)
        assert stored  # the name itself is kept, without its escapes
        raw = {r for (r,) in db.execute("SELECT raw_name FROM authorships")}
        assert "Evil Name" in raw  # the whole escape sequence goes, not only its ESC
        (aid,) = db.execute("SELECT DISTINCT author_id FROM authorships "
                            "WHERE raw_name LIKE '%Evil%'").fetchone()
        assert db.execute("SELECT value FROM author_ids WHERE kind = 's2'").fetchall() == [
            ("42",)]
    finally:
        db.close()
    for argv in (["author", str(aid)], ["author", str(aid), "--json"], ["explain", str(aid)],
                 ["search", "name"], ["collaborators", str(aid)],
                 ["collaborators", "Ada Lovelace", "--papers"]):
        out += _cli(capsys, "--data-dir", d, *argv)
    assert "Evil" in out and "\x1b" not in out and "\x07" not in out


# -- runs killed mid-ingest --------------------------------------------------------------------

HOLD_A_RUN = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from graphsvc.store.sqlite import SQLiteStore
    store = SQLiteStore(Path(sys.argv[1]))
    store.start_run(["held.xml"], "2020-01-01T00:00:00+00:00")
    print("started", flush=True)
    time.sleep(120)
""")


def _hold_a_run(db: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_A_RUN, str(db)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "started\n"
    return proc


def _runs(store: SQLiteStore) -> list[tuple[str, str]]:
    return [(str(p), str(s)) for p, s in store.db.execute(
        "SELECT paths, status FROM ingest_runs ORDER BY id")]


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL and flock")
def test_a_killed_run_is_marked_interrupted_by_the_next_ingest(
    store: SQLiteStore, tmp_path: Path
) -> None:
    proc = _hold_a_run(store.path)
    try:
        # the run is alive: an ingest meanwhile leaves it running
        ingest_records(store, [Record("One", [RawAuthor("Ada Lovelace")], "a:1")], label="a")
        assert _runs(store) == [("held.xml", "running"), ("a", "done")]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert _runs(store)[0] == ("held.xml", "running")
    paper = tmp_path / "b.jsonl"
    paper.write_text(json.dumps({"title": "Two", "authors": ["Ada Lovelace"]}) + "\n")
    ingest(store, [paper])
    assert _runs(store) == [("held.xml", "interrupted"), ("a", "done"), (str(paper), "done")]
