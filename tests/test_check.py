"""``graphsvc check``: a sound store passes, and each kind of damage is found and named."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.cli.entry import main
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore
from graphsvc.store.sqlite_check import check_store

DATA = Path(__file__).parent / "data"
STORE_FILE = "graphsvc.sqlite3"
SOURCES = [
    DATA / "dblp-ppopp-socc-100.xml",
    DATA / "ca-GrQc.first500.txt.gz",  # ties, not papers
    DATA / "netscience.gml.gz",
    DATA / "bibtex" / "acl-sample.bib",
    DATA / "publications.csv",
]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / STORE_FILE)
    ingest(s, SOURCES, max_team_size=10)
    yield s
    s.close()


def raw(store: SQLiteStore) -> sqlite3.Connection:
    """A connection without foreign keys, to break the store as old versions could."""
    return sqlite3.connect(store.path, isolation_level=None)


def test_a_store_of_every_format_is_sound(store: SQLiteStore) -> None:
    counts = store.counts()
    assert counts["papers"] > 100 and counts["edges"] > 500
    assert check_store(store.path) == []


def test_a_team_size_rebuild_and_merges_keep_the_store_sound(store: SQLiteStore) -> None:
    from graphsvc.identity import overrides

    store.rebuild_edges(3)
    a, b = (r[0] for r in store.db.execute(
        "SELECT id FROM authors ORDER BY papers DESC, id LIMIT 2"))
    overrides.merge(store, a, b, who="t", why="t")
    assert check_store(store.path) == []


def test_dangling_rows_are_found_with_their_ids(store: SQLiteStore) -> None:
    con = raw(store)
    (victim,) = con.execute("SELECT author_id FROM authorships LIMIT 1").fetchone()
    con.execute("DELETE FROM authors WHERE id = ?", (victim,))  # what the old merge race left
    con.execute("DELETE FROM papers WHERE id = (SELECT max(id) FROM papers)")
    probs = check_store(store.path)
    text = "\n".join(p.message for p in probs)
    assert f"missing author(s) by author_id: {victim}" in text
    assert "missing paper(s) by paper_id" in text
    assert "references" in {p.check for p in probs}


def test_edges_unlike_their_papers_are_found(store: SQLiteStore) -> None:
    con = raw(store)
    a, b = con.execute("SELECT a, b FROM coauthors WHERE papers > 0 LIMIT 1").fetchone()
    con.execute("UPDATE coauthors SET papers = papers + 5 WHERE a = ? AND b = ?", (a, b))
    (last,) = con.execute("SELECT max(a) FROM coauthors").fetchone()
    con.execute("DELETE FROM coauthors WHERE a = ?", (last,))
    probs = [p for p in check_store(store.path) if p.check == "edges"]
    text = "\n".join(p.message for p in probs)
    assert f"{a}–{b}" in text and "unlike their joint papers" in text
    assert "missing: the authorships give them" in text


def test_a_counted_flag_against_the_cap_is_found(store: SQLiteStore) -> None:
    raw(store).execute("UPDATE papers SET counted = 1 WHERE n_authors > 10")
    probs = check_store(store.path)
    assert any(p.check == "papers" and "team-size cap 10" in p.message for p in probs)


def test_a_half_finished_bulk_load_is_found_and_the_next_open_repairs_it(
    tmp_path: Path,
) -> None:
    s = SQLiteStore(tmp_path / STORE_FILE)
    assert s.defer_indexes()
    s.close()
    (p,) = check_store(tmp_path / STORE_FILE)
    assert p.check == "indexes" and "authorships_author" in p.message
    SQLiteStore(tmp_path / STORE_FILE).close()  # any command opening it
    assert check_store(tmp_path / STORE_FILE) == []


def test_damaged_pages_are_found(store: SQLiteStore, tmp_path: Path) -> None:
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = store.path
    page = store.db.execute("PRAGMA page_size").fetchone()[0]
    store.close()
    data = bytearray(path.read_bytes())
    middle = len(data) // page // 2
    for n in range(middle, middle + 4):  # b-tree page headers, overwritten (a silent disk error)
        data[n * page : n * page + 12] = b"\xa5" * 12
    path.write_bytes(bytes(data))
    probs = check_store(path)
    assert [p.check for p in probs] == ["integrity"]
    assert str(path) in probs[0].message and "backup" in probs[0].message
    store.db = sqlite3.connect(":memory:")  # the fixture closes it again


def test_cli_check_exit_codes_and_json(store: SQLiteStore, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    d = str(store.path.parent)
    assert main(["--data-dir", d, "check"]) == 0
    assert capsys.readouterr().out.strip().endswith(": ok")
    raw(store).execute("DELETE FROM authors WHERE id = 1")
    assert main(["--data-dir", d, "check"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err and all(line.startswith("graphsvc check: ") for line in err)
    assert main(["--data-dir", d, "check", "--json"]) == 1
    got = json.loads(capsys.readouterr().out)
    assert got["ok"] is False and got["problems"][0]["check"] == "references"
    assert main(["--data-dir", str(tmp_path / "nowhere"), "check"]) == 1
    assert "no store here" in capsys.readouterr().err


def test_check_never_changes_the_store(store: SQLiteStore) -> None:
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = store.path.read_bytes()
    proc = subprocess.run([sys.executable, "-m", "graphsvc", "--data-dir",
                           str(store.path.parent), "check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert store.path.read_bytes() == before
