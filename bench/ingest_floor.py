"""How far is 20,000 dblp records/s? The real ingest against a deliberately minimal loader.

    python bench/ingest_floor.py [--data ../shared/data] [--repeat 3]

Issue 2 sets 20,000 dblp records/s end to end into the embedded store as the target. On the
shared dblp sample (3017 records) that is a budget of 0.15 s for the whole ingest. This script
times, on the same machine in the same run (best of ``--repeat``, CPU seconds of this process):

1. the dblp reader alone (gzip, XML, records);
2. the reader plus parsing each distinct name once (``parse_name``) and each title key;
3. a minimal loader on top of 2: a name is one author by its exact match key, with no
   identity rules and no search index, variants, provenance, ids or evidence, and four plain
   tables (authors, papers, authorships, edges) written in one SQLite transaction;
4. graphsvc's ingest, in this process alone (``read_ahead=False``) and as it runs by default
   (reader in a second process when a core is idle; wall clock).

The minimal loader is not a product: it is the floor that any loader of this data does in
Python, and if the floor already spends most of the budget, the target needs a compiled core
(or more cores), not more tuning.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from graphsvc.identity.papers import title_key  # noqa: E402
from graphsvc.ingest import ingest  # noqa: E402
from graphsvc.model import Record  # noqa: E402
from graphsvc.names import parse_name  # noqa: E402
from graphsvc.sources import read_records  # noqa: E402
from graphsvc.store.sqlite import SQLiteStore  # noqa: E402

SAMPLE = "dblp/dblp-ppopp-socc.xml.gz"
TARGET = 20_000


def read(path: Path) -> list[Record]:
    return [r for r in read_records(path, "dblp") if isinstance(r, Record)]


def read_and_parse(path: Path) -> tuple[list[Record], dict[str, str], dict[str, str]]:
    recs = read(path)
    keys: dict[str, str] = {}
    titles: dict[str, str] = {}
    for r in recs:
        for a in r.authors:
            if a.name not in keys:
                keys[a.name] = parse_name(a.name).key
        if r.title and r.title not in titles:
            titles[r.title] = title_key(r.title)
    return recs, keys, titles


def minimal_loader(path: Path) -> None:
    recs, keys, titles = read_and_parse(path)
    ids: dict[str, int] = {}
    authors, papers, authorships = [], [], []
    edges: dict[tuple[int, int], list[float]] = {}
    for pid, r in enumerate(recs, 1):
        team = []
        for pos, a in enumerate(r.authors):
            k = keys[a.name]
            aid = ids.get(k)
            if aid is None:
                aid = ids[k] = len(ids) + 1
                authors.append((aid, a.name, k))
            team.append(aid)
            authorships.append((pid, pos, aid, a.name))
        papers.append((pid, r.title, titles.get(r.title or ""), r.year, r.venue))
        w = 1.0 / max(len(team) - 1, 1)
        for i, x in enumerate(team):
            for y in team[i + 1:]:
                pair = (x, y) if x < y else (y, x)
                e = edges.get(pair)
                if e is None:
                    edges[pair] = [1, w]
                else:
                    e[0] += 1
                    e[1] += w
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(Path(tmp) / "floor.sqlite3", isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT, key TEXT)")
        db.execute("CREATE TABLE papers (id INTEGER PRIMARY KEY, title TEXT, title_key TEXT, "
                   "year INTEGER, venue TEXT)")
        db.execute("CREATE TABLE authorships (paper_id INTEGER, position INTEGER, author_id "
                   "INTEGER, raw_name TEXT, PRIMARY KEY (paper_id, position)) WITHOUT ROWID")
        db.execute("CREATE TABLE edges (a INTEGER, b INTEGER, papers INTEGER, weight REAL, "
                   "PRIMARY KEY (a, b)) WITHOUT ROWID")
        db.execute("BEGIN")
        db.executemany("INSERT INTO authors VALUES (?, ?, ?)", authors)
        db.executemany("INSERT INTO papers VALUES (?, ?, ?, ?, ?)", papers)
        db.executemany("INSERT INTO authorships VALUES (?, ?, ?, ?)", authorships)
        db.executemany("INSERT INTO edges VALUES (?, ?, ?, ?)",
                       [(a, b, n, w) for (a, b), (n, w) in edges.items()])
        db.execute("COMMIT")
        db.close()


def graphsvc_ingest(path: Path, read_ahead: bool | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "g.sqlite3")
        try:
            ingest(store, [path], fmt="dblp", read_ahead=read_ahead)
        finally:
            store.close()


def best(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best (CPU seconds of this process, wall seconds) over ``repeat`` runs."""
    cpu = wall = float("inf")
    for _ in range(repeat):
        c, t = time.process_time(), time.perf_counter()
        fn()
        cpu = min(cpu, time.process_time() - c)
        wall = min(wall, time.perf_counter() - t)
    return cpu, wall


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    args = ap.parse_args()
    path = args.data / SAMPLE
    if not path.exists():
        print(f"skipped: the shared dblp sample is not at {path}")
        return 0
    n = len(read(path))  # also warms the imports and the file cache
    budget = n / TARGET
    stages = [
        ("1 dblp reader alone", lambda: read(path), True),
        ("2 + names and title keys", lambda: read_and_parse(path), True),
        ("3 + minimal loader (floor)", lambda: minimal_loader(path), True),
        ("4 graphsvc ingest, one process", lambda: graphsvc_ingest(path, False), True),
        ("  graphsvc ingest, default", lambda: graphsvc_ingest(path, None), False),
    ]
    print(f"{n} dblp records; target {TARGET} rec/s = {budget * 1000:.0f} ms for the sample\n")
    hdr = f"{'stage':<32} {'ms':>7} {'rec/s':>8} {'of budget':>10}"
    print(hdr + "   (ms: CPU of this process; 'default' is wall clock)")
    print("-" * len(hdr))
    for label, fn, use_cpu in stages:
        cpu, wall = best(fn, args.repeat)
        s = cpu if use_cpu else wall
        print(f"{label:<32} {s * 1000:>7.0f} {n / s:>8.0f} {s / budget:>9.0%}")
    print("\nThe floor (3) is what any Python loader of these records does at the least. Two "
          "cores can at best halve it by running the reader beside the loader.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
