"""Fault catalogue, broken disks and files: full disk, read-only place, damaged store, bad
settings. Each gives one line naming the file (or variable) and what to do, never a traceback;
the store stays readable, and ``graphsvc check`` ends each test.

The full and read-only disks are real: a small tmpfs (skipped when mounting is not permitted),
and SQLite's ``max_page_count`` for a full disk anywhere.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.errors import StoreUnavailable
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore
from graphsvc.store.sqlite_check import check_store
from tests.test_crash import generate
from tests.test_faults_concurrency import canonical

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "dblp-ppopp-socc-100.xml"
STORE_FILE = "graphsvc.sqlite3"


def cli(data_dir: Path, *args: str, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graphsvc", "--data-dir", str(data_dir), *args],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The error a failed command printed: exactly one line, no traceback."""
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("disk") / "big.xml"
    generate(path, 15_000, seed=3)
    return path


@pytest.fixture(scope="module")
def clean(big: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    d = tmp_path_factory.mktemp("clean")
    s = SQLiteStore(d / STORE_FILE)
    ingest(s, [big])
    s.close()
    return canonical(d / STORE_FILE)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 6 MB tmpfs, unmounted afterwards (skipped where mounting is not permitted)."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    got = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mnt)],
                         capture_output=True, text=True)
    if got.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {got.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def remount(mnt: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mnt)], check=True)


# -- a full disk ------------------------------------------------------------------------------
def test_disk_full_during_a_bulk_load_leaves_a_readable_store_and_rerun_finishes(
    big: Path, clean: dict[str, object], tmp_path: Path
) -> None:
    """SQLite's page limit stands in for the disk: the load fails on a batch, rebuilding the
    dropped indexes fails too (still full), reads work, the next open rebuilds them."""
    db = tmp_path / STORE_FILE
    store = SQLiteStore(db)
    (pages,) = store.db.execute("PRAGMA page_count").fetchone()
    store.db.execute(f"PRAGMA max_page_count = {pages + 1200}")
    with pytest.raises(StoreUnavailable, match="is full: free some space") as info:
        ingest(store, [big])
    assert str(db) in str(info.value) and "\n" not in str(info.value)
    store.close()
    left = check_store(db)
    assert {p.check for p in left} <= {"indexes"}  # nothing else is wrong
    reader = SQLiteStore(db)  # the next command: rebuilds the indexes
    try:
        assert 0 < reader.counts()["papers"] < 15_000
        assert reader.search_authors(reader.author(1)["name"])
    finally:
        reader.close()
    assert check_store(db) == []
    again = SQLiteStore(db)
    try:
        ingest(again, [big])
    finally:
        again.close()
    assert check_store(db) == []
    assert canonical(db) == clean


def test_a_full_disk_with_indexes_dropped_still_answers_reads(tmpfs: Path) -> None:
    """The reported failure: after a bulk load died of a full disk, every later command, reads
    included, failed with a traceback (opening the store tried to create the indexes)."""
    data = tmpfs / "data"
    assert cli(data, "ingest", str(SAMPLE), "--no-progress").returncode == 0
    con = sqlite3.connect(data / STORE_FILE, isolation_level=None)
    con.execute("DROP INDEX authorships_author")  # what a load that could not restore leaves
    con.execute("DROP INDEX variants_key")
    con.execute("INSERT INTO meta VALUES ('indexes_deferred', '1')")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    filler = tmpfs / "filler"
    with open(filler, "wb") as fh:  # fill the disk to the last byte
        try:
            while True:
                fh.write(b"\0" * 65536)
                fh.flush()
        except OSError:
            pass
    for args in (["stats"], ["search", "Hoefler"], ["collaborators", "Torsten Hoefler"]):
        got = cli(data, *args)
        assert got.returncode == 0, got.stderr
        assert "Traceback" not in got.stderr
    got = cli(data, "check")
    assert got.returncode == 1
    assert all(ln.startswith("graphsvc check: indexes: ") for ln in got.stderr.splitlines()), \
        got.stderr
    got = cli(data, "ingest", str(DATA / "bibtex" / "acl-sample.bib"), "--no-progress")
    assert got.returncode != 0 and "is full" in one_line(got)
    filler.unlink()
    assert cli(data, "stats").returncode == 0  # space again: the open rebuilds the indexes
    assert check_store(data / STORE_FILE) == []


def test_disk_full_on_a_real_tmpfs_gives_one_line_and_a_sound_store(big: Path, tmpfs: Path
                                                                     ) -> None:
    data = tmpfs / "data"
    got = cli(data, "ingest", str(big), "--no-progress")
    assert got.returncode == 5
    line = one_line(got)
    assert f"the disk holding {data / STORE_FILE} is full" in line
    assert cli(data, "stats").returncode == 0
    assert {p.check for p in check_store(data / STORE_FILE)} <= {"indexes"}
    remount(tmpfs, "size=200m")
    got = cli(data, "ingest", str(big), "--no-progress")
    assert got.returncode == 0, got.stderr
    assert cli(data, "check").returncode == 0


# -- a read-only place ------------------------------------------------------------------------
def test_a_read_only_data_dir_answers_reads_and_refuses_writes_in_one_line(tmpfs: Path) -> None:
    data = tmpfs / "data"
    assert cli(data, "ingest", str(SAMPLE), "--no-progress").returncode == 0
    remount(tmpfs, "ro")
    stats = cli(data, "stats", "--json")
    assert stats.returncode == 0, stats.stderr
    assert '"papers": 100' in stats.stdout
    assert cli(data, "search", "Hoefler").returncode == 0
    for args in (["ingest", str(DATA / "bibtex" / "acl-sample.bib"), "--no-progress"],
                 ["merge", "1", "2"]):
        got = cli(data, *args)
        assert got.returncode == 5
        line = one_line(got)
        assert str(data) in line and "must be writable" in line
    assert cli(data, "check").returncode == 0


# -- damaged files ----------------------------------------------------------------------------
@pytest.fixture
def sound(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    assert cli(data, "ingest", str(SAMPLE), "--no-progress").returncode == 0
    con = sqlite3.connect(data / STORE_FILE)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return data


@pytest.mark.parametrize("damage", ["garbage", "truncated", "header only"])
def test_a_garbage_or_truncated_store_gives_one_line_naming_the_file(sound: Path,
                                                                      damage: str) -> None:
    db = sound / STORE_FILE
    data = db.read_bytes()
    if damage == "garbage":
        db.write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        db.write_bytes(data[: len(data) // 10])
    else:
        db.write_bytes(data[:100])
    for args in (["stats"], ["search", "Hoefler"], ["ingest", str(SAMPLE), "--no-progress"]):
        got = cli(sound, *args)
        assert got.returncode == 6, (args, got.stderr)
        line = one_line(got)
        assert str(db) in line and "graphsvc check" in line
    got = cli(sound, "check")
    assert got.returncode == 1
    line = one_line(got)
    assert str(db) in line and "backup" in line


def test_silently_corrupted_pages_are_found_by_check_and_never_a_traceback(sound: Path) -> None:
    db = sound / STORE_FILE
    page = 4096
    data = bytearray(db.read_bytes())
    middle = len(data) // page // 2
    for n in range(middle, middle + 4):
        data[n * page : n * page + 12] = b"\xa5" * 12
    db.write_bytes(bytes(data))
    for args in (["stats"], ["search", "Hoefler"], ["collaborators", "Torsten Hoefler"]):
        got = cli(sound, *args)
        assert "Traceback" not in got.stderr
        assert got.returncode in (0, 3, 6), got.stderr
        if got.returncode == 6:
            assert "damaged" in one_line(got)
    got = cli(sound, "check", "--json")
    assert got.returncode == 1 and '"check": "integrity"' in got.stdout


def test_a_damaged_store_answers_problem_json_over_http(sound: Path) -> None:
    db = sound / STORE_FILE
    db.write_bytes(db.read_bytes()[:8192])
    got = cli(sound, "serve", "--get", "/stats")
    assert "Traceback" not in got.stderr
    assert got.returncode != 0
    assert str(db) in got.stdout + got.stderr


# -- bad settings -----------------------------------------------------------------------------
@pytest.mark.parametrize(("var", "value"), [
    ("GRAPHSVC_MAX_TEAM_SIZE", "lots"),
    ("GRAPHSVC_MAX_TEAM_SIZE", "-3"),
    ("GRAPHSVC_STORE", "mongo"),
    ("GRAPHSVC_DATA_DIR", " "),
    ("GRAPHSVC_THREADS", "many"),
    ("GRAPHSVC_MAX_UPLOAD_MB", "big"),
    ("GRAPHSVC_STORE_ACCESS", "shared"),
    ("GRAPHSVC_PROTECT_READS", "maybe"),
])
def test_a_bad_graphsvc_variable_gives_one_line_naming_it(tmp_path: Path, var: str,
                                                          value: str) -> None:
    env = {var: value}
    commands = [["serve", "--get", "/health"]]
    if var in ("GRAPHSVC_MAX_TEAM_SIZE", "GRAPHSVC_STORE", "GRAPHSVC_DATA_DIR"):
        commands.append(["stats"])
    for args in commands:
        cmd = [sys.executable, "-m", "graphsvc", *args]
        got = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=tmp_path,
                             env={**os.environ, **env})
        assert got.returncode == 2, (args, got.stdout, got.stderr)
        line = one_line(got)
        assert var in line and (repr(value) in line or "empty" in line)
