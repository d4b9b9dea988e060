"""Fault catalogue, hostile text on a terminal: no field the CLI prints (names, titles, venues,
keys, skip reports, file names) carries an escape sequence or control character, and
invisible characters never make a separate or invisible author."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graphsvc.ingest import ingest_records
from graphsvc.model import RawAuthor, Record
from graphsvc.store.sqlite import SQLiteStore
from graphsvc.store.sqlite_check import check_store

ESC = "\x1b"
#: what must never reach a terminal: ESC and every other C0/C1 control but \t \n \r
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
HOSTILE = "\x1b]0;owned\x07\x1b[2J\x1b[31m"


def graphsvc(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graphsvc", "--data-dir", str(data), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("term")
    src = d / f"in{HOSTILE}put.jsonl"  # a file name can hold escapes too
    rows = [
        {"title": f"Engines{HOSTILE} of\x9b2J analysis", "venue": f"Notes{HOSTILE}",
         "year": 1843, "authors": ["Ada Lovelace", "Charles Babbage"],
         "doi": "10.1000/x" + ESC + "[5m"},
        {"title": "Difference", "venue": "Annals\x07", "year": 1842,
         "authors": ["Ada Love\u200clace", "Charles Bab\u200dbage", "\u3164"]},
        {"title": "Filler only", "year": 1850, "authors": ["\u3164", "\u115f\u1160"]},
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows) + f"\nnot json {HOSTILE}\n")
    got = graphsvc(d / "store", "ingest", str(src), "--no-progress")
    assert got.returncode == 0, got.stderr
    assert not CONTROL.search(got.stdout + got.stderr), got.stdout + got.stderr
    return d / "store"


@pytest.mark.parametrize("args", [
    ["search", "Lovelace"],
    ["author", "Ada Lovelace"],
    ["collaborators", "Ada Lovelace", "--papers"],
    ["path", "Ada Lovelace", "Charles Babbage"],
    ["path", "Ada Lovelace", "Charles Babbage", "--json"],
    ["explain", "Ada Lovelace"],
    ["stats"],
    ["check"],
])
def test_nothing_printed_drives_the_terminal(data: Path, args: list[str]) -> None:
    got = graphsvc(data, *args)
    assert got.returncode in (0, 1, 3, 4), got.stderr
    assert not CONTROL.search(got.stdout), got.stdout
    assert not CONTROL.search(got.stderr), got.stderr


def test_the_titles_are_kept_as_data_but_shown_clean(data: Path) -> None:
    got = graphsvc(data, "collaborators", "Ada Lovelace", "--papers")
    assert "Engines" in got.stdout and "analysis" in got.stdout
    store = SQLiteStore(data / "graphsvc.sqlite3")
    try:  # the store keeps what the source said; only the terminal is protected
        (title,) = store.db.execute("SELECT title FROM papers WHERE year = 1843").fetchone()
        assert ESC in title
    finally:
        store.close()


def test_the_ingest_report_names_the_bad_line_without_its_escapes(data: Path,
                                                                  tmp_path: Path) -> None:
    src = tmp_path / "more.jsonl"
    src.write_text(f'{{"title": "x", "authors": ["A B"]}}\n{{broken {HOSTILE}\n')
    got = graphsvc(data, "ingest", str(src), "--no-progress")
    assert "skipped 1" in got.stdout.replace("  ", " ") or "skipped" in got.stdout
    assert not CONTROL.search(got.stdout + got.stderr)
    got = graphsvc(data, "ingest", str(src), "--no-progress", "--json")
    assert not CONTROL.search(got.stdout + got.stderr)


def test_invisible_characters_make_no_separate_and_no_invisible_author(data: Path) -> None:
    store = SQLiteStore(data / "graphsvc.sqlite3")
    try:
        names = sorted(n for (n,) in store.db.execute("SELECT name FROM authors"))
        assert names == ["A B", "Ada Lovelace", "Charles Babbage"] or names == [
            "Ada Lovelace", "Charles Babbage"]
        variants = {n for (n,) in store.db.execute("SELECT name FROM variants")}
        assert not any(ch in v for v in variants for ch in "\u200c\u200d\u3164\u115f\u1160")
        (skips,) = store.db.execute(
            "SELECT count(*) FROM skipped WHERE reason IN ('bad-author-name', 'no-authors')"
        ).fetchone()
        assert skips == 3  # the filler on paper 2; paper 3's two fillers, and so no authors
    finally:
        store.close()
    assert check_store(data / "graphsvc.sqlite3") == []


def test_a_persian_joiner_is_kept_and_one_person_stays_one(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "g.sqlite3")
    try:
        ingest_records(store, [
            Record(title="a", year=2020, authors=[RawAuthor("علی\u200cرضا احمدی"),
                                                  RawAuthor("Ada Lovelace")], source_ref="x:1"),
            Record(title="b", year=2021, authors=[RawAuthor("علی\u200cرضا احمدی"),
                                                  RawAuthor("Ada\u200d Lovelace")],
                   source_ref="x:2"),
        ])
        names = sorted(n for (n,) in store.db.execute("SELECT name FROM authors"))
        assert names == ["Ada Lovelace", "علی\u200cرضا احمدی"]
    finally:
        store.close()
