"""Ingest speed per format on the shared real data: records/s end to end into the embedded store.

    python bench/ingest.py [--data ../shared/data] [--json out.json] [--repeat 1]

For every format it times (1) the reader alone (parse only) as the baseline and (2) the full
ingest into a fresh SQLite store (names, identity, paper dedupe, edges, one transaction per
batch). The ratio full/parse shows what the store side costs on the same machine in the same
run, which is steadier than absolute numbers on a noisy machine; "ingest cpu" is the records per
second of CPU time the ingest used in all its processes (the reader process included), which
other load on the machine disturbs less than the wall clock. Target (issue 2): ≥ 20,000
dblp records/s end to end.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from graphsvc.ingest import ingest  # noqa: E402
from graphsvc.model import Record  # noqa: E402
from graphsvc.sources import read_records  # noqa: E402
from graphsvc.store.sqlite import SQLiteStore  # noqa: E402

CASES = [
    ("dblp", ["dblp/dblp-ppopp-socc.xml.gz"]),
    ("bibtex", ["bibtex/zbb-issue1436-2.bib.gz"]),
    ("json (arXiv)", ["arxiv/arxiv-metadata-oai-snapshot.first200.jsonl"]),
    ("json (OpenAlex)", ["openalex/openalex-works-page-utrecht.json.gz"]),
    ("paperscape", ["arxiv/paperscape-pscp-1994.csv.gz"]),
    ("edgelist", ["snap/ca-GrQc.txt.gz"]),
    ("gml", ["netscience/netscience.gml"]),
]


def parse_only(paths: list[Path]) -> int:
    return sum(isinstance(item, Record) for p in paths for item in read_records(p))


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def full(paths: list[Path]) -> tuple[int, float, float]:
    """Records ingested, wall seconds, CPU seconds (this process and its finished children)."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "b.sqlite3")
        c = time.process_time() + _children_cpu()
        t = time.perf_counter()
        rep = ingest(store, paths)
        dt = time.perf_counter() - t
        cpu = time.process_time() + _children_cpu() - c
        store.close()
    return rep.records, dt, cpu


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--json", type=Path, help="also write the table as JSON here")
    ap.add_argument("--repeat", type=int, default=1, help="best of N runs")
    args = ap.parse_args()
    if not args.data.exists():
        print(f"skipped: shared data not found at {args.data}")
        return 0
    rows = []
    for name, rel in CASES:
        paths = [args.data / r for r in rel]
        if not all(p.exists() for p in paths):
            print(f"skipped {name}: missing {rel}")
            continue
        best_parse = best_full = best_cpu = float("inf")
        n = 0
        for _ in range(args.repeat):
            t = time.perf_counter()
            n = parse_only(paths)
            best_parse = min(best_parse, time.perf_counter() - t)
            _, dt, cpu = full(paths)
            best_full = min(best_full, dt)
            best_cpu = min(best_cpu, cpu)
        rows.append(
            {
                "format": name,
                "records": n,
                "parse_rec_s": round(n / best_parse),
                "ingest_rec_s": round(n / best_full),
                "ingest_cpu_rec_s": round(n / best_cpu),
                "ingest_vs_parse": round(best_parse / best_full, 3),
            }
        )
    hdr = (
        f"{'format':<16} {'records':>8} {'parse rec/s':>12} {'ingest rec/s':>13} "
        f"{'ingest cpu rec/s':>17} {'ingest/parse':>13}"
    )
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        print(
            f"{r['format']:<16} {r['records']:>8} {r['parse_rec_s']:>12} {r['ingest_rec_s']:>13}"
            f" {r['ingest_cpu_rec_s']:>17} {r['ingest_vs_parse']:>13}"
        )
    dblp = next((r for r in rows if r["format"] == "dblp"), None)
    if dblp:
        ok = dblp["ingest_rec_s"] >= 20_000
        print(
            f"\ntarget dblp ≥ 20000 rec/s end to end: {'met' if ok else 'NOT met'} "
            f"({dblp['ingest_rec_s']} rec/s)"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
