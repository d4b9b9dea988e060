"""Fault catalogue: SIGKILL during ``graphsvc ingest`` of BibTeX, JSONL, CSV, Paperscape; re-run.

Issue 14 item 6: after kills at random points, a re-run must equal one clean run by a canonical
comparison of people, papers, authorships and edges (no store ids), for every format, not only
dblp (``tests/test_crash.py``). Identity must not depend on whether a name was resolved in
memory or against the store, nor on batch boundaries. The generated records mix full names,
"Family, Given" and initials-only forms of real names (from the dblp sample), so the rules that
need evidence (initials, middle names) are exercised across the kill points.
"""

from __future__ import annotations

import csv
import json
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from graphsvc.store.sqlite_check import check_store
from tests.test_crash import count_papers

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

SAMPLE = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"
RECORDS = 20_000  # four batches: both kills land before the last one
STORE_FILE = "graphsvc.sqlite3"


def _people(n: int, seed: int) -> list[tuple[str, str]]:
    """(given, family) pairs: real names of the sample, then recombinations of their parts."""
    rnd = random.Random(seed)
    names = sorted(set(re.findall(r"<author[^>]*>([^<]+)</author>", SAMPLE.read_text())))
    parts = [x.split() for x in names if len(x.split()) >= 2 and not x.split()[-1].isdigit()]
    pool = sorted({(" ".join(p[:-1]), p[-1]) for p in parts})
    given = sorted({p[0] for p in parts})
    family = sorted({p[-1] for p in parts})
    extra = [(g, f) for g in given for f in family]
    rnd.shuffle(extra)
    return (pool + extra)[:n]


def _spell(given: str, family: str, rnd: random.Random) -> tuple[str, str]:
    """One written form of a person, as BibTeX (``Family, Given``) and as plain text."""
    form = rnd.random()
    if form < 0.15:  # initials only
        initials = " ".join(w[0] + "." for w in given.split())
        return f"{family}, {initials}", f"{initials} {family}"
    return f"{family}, {given}", f"{given} {family}"


def records(n: int, seed: int = 11) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    people = _people(4000, seed)
    out = []
    for i in range(n):
        k = rnd.choice((1, 2, 2, 3, 3, 3, 4, 5))
        chosen = rnd.sample(people[: 800 + i // 5], k)
        forms = [_spell(g, f, rnd) for g, f in chosen]
        out.append({
            "key": f"P{i}",
            "bib_authors": [b for b, _ in forms],
            "authors": [t for _, t in forms],
            "title": f"Paper number {i} on {chosen[0][1]}",
            "year": 1990 + i % 35,
        })
    return out


def write(fmt: str, path: Path, recs: list[dict[str, Any]]) -> None:
    if fmt == "bibtex":
        with path.open("w", encoding="utf-8") as f:
            for r in recs:
                authors = " and ".join(r["bib_authors"])
                f.write(f"@inproceedings{{{r['key']},\n  author = {{{authors}}},\n"
                        f"  title = {{{r['title']}}},\n  booktitle = {{CRASH}},\n"
                        f"  year = {{{r['year']}}}\n}}\n\n")
    elif fmt == "jsonl":
        with path.open("w", encoding="utf-8") as f:
            for r in recs:
                f.write(json.dumps({"title": r["title"], "year": r["year"], "venue": "CRASH",
                                    "authors": [{"name": a} for a in r["authors"]]}) + "\n")
    elif fmt == "paperscape":
        with path.open("w", encoding="utf-8") as f:
            f.write("# Format is 1 line per entry, with 7 fields separated by semicolons:\n")
            for i, r in enumerate(recs):
                names = ",".join(
                    "".join(w[0] + "." for w in a.split()[:-1]) + a.split()[-1].replace(".", "")
                    for a in r["authors"])
                f.write(f"hep-th/{9100000 + i};hep-th;0;0;;{names};{r['title']}\n")
    else:
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["title", "authors", "year", "venue"])
            for r in recs:
                w.writerow([r["title"], "; ".join(r["authors"]), r["year"], "CRASH"])


SUFFIX = {"bibtex": ".bib", "jsonl": ".jsonl", "csv": ".csv", "paperscape": ".csv"}


def cli(data_dir: Path, src: Path, fmt: str) -> list[str]:
    forced = ["--format", fmt] if fmt == "paperscape" else []
    return [sys.executable, "-m", "graphsvc", "--data-dir", str(data_dir), "ingest", str(src),
            "--no-progress", *forced]


def canonical(db: Path) -> dict[str, Any]:
    """People as (name, their papers' titles), papers with their author lists, and edges."""
    con = sqlite3.connect(db)
    try:
        people: dict[int, list[str]] = {}
        names = dict(con.execute("SELECT id, name FROM authors"))
        papers: dict[str, list[str]] = {}
        for _pid, title, aid in con.execute(
            "SELECT p.id, p.title, s.author_id FROM papers p "
            "JOIN authorships s ON s.paper_id = p.id ORDER BY p.id, s.position"
        ):
            people.setdefault(aid, []).append(title)
            papers.setdefault(title, []).append(names[aid])
        edges = sorted(
            (min(x, y), max(x, y), n, round(w, 9), f or 0, ly or 0)  # Paperscape: no years
            for x, y, n, w, f, ly in con.execute(
                "SELECT a1.name, a2.name, c.papers, c.weight, c.first_year, c.last_year "
                "FROM coauthors c JOIN authors a1 ON a1.id = c.a JOIN authors a2 ON a2.id = c.b")
        )
        return {
            "people": sorted((names[a], tuple(sorted(t))) for a, t in people.items()),
            "authors": con.execute("SELECT count(*) FROM authors").fetchone()[0],
            "papers": papers,
            "edges": edges,
        }
    finally:
        con.close()


@pytest.mark.parametrize("fmt", ["bibtex", "jsonl", "csv", "paperscape"])
def test_sigkill_then_rerun_equals_a_clean_run(fmt: str, tmp_path: Path) -> None:
    src = tmp_path / f"big{SUFFIX[fmt]}"
    write(fmt, src, records(RECORDS))
    clean_dir = tmp_path / "clean"
    done = subprocess.run(cli(clean_dir, src, fmt), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert count_papers(clean_dir / STORE_FILE) == RECORDS

    data_dir = tmp_path / "killed"
    db = data_dir / STORE_FILE
    rnd = random.Random(20261207)  # a kill lands 0-50 ms after a committed batch
    killed_at: list[int] = []
    for _ in range(2):
        before = count_papers(db)
        proc = subprocess.Popen(cli(data_dir, src, fmt), stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while count_papers(db) <= before and proc.poll() is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(rnd.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate()
        if proc.returncode != -signal.SIGKILL:  # finished before the kill: nothing to test
            pytest.fail(f"ingest ended before the kill ({proc.returncode}): {err.decode()[-500:]}")
        killed_at.append(count_papers(db))
        assert {p.check for p in check_store(db)} <= {"indexes"}
    assert killed_at[0] < RECORDS and killed_at[1] < RECORDS
    done = subprocess.run(cli(data_dir, src, fmt), capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert check_store(db) == []
    got, want = canonical(db), canonical(clean_dir / STORE_FILE)
    assert got["authors"] == want["authors"]
    assert got["people"] == want["people"]
    assert got["papers"] == want["papers"]
    assert got["edges"] == want["edges"]
