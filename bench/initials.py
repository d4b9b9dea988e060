"""Initials joins on real data where the truth is known (issue 15 item 4), in one run.

    python bench/initials.py [--data ../shared/data] [--json]

Prints, for OpenAlex's raw author names against its author ids and for the dblp sample with
the authors of every second record printed as initials (see ``graphsvc.identity.initials_eval``):
mentions, initials-only mentions, mention pairs with an initials-only side put on one author,
their precision (dblp: against dblp's persons, and against dblp's names with homonym numbers
ignored and the aliases of the shared half of dblp's alias table resolved), and the recall over
the pairs of one person, overall and over the pairs evidence can reach (papers linked by shared
co-authors), with examples of wrong joins.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.identity.alias_eval import load_aliases  # noqa: E402
from graphsvc.identity.initials_eval import (  # noqa: E402
    dblp_initials_records,
    openalex_records,
    score,
)
from graphsvc.model import Record  # noqa: E402
from graphsvc.sources.dblp import read as read_dblp  # noqa: E402


def run(data: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    started = time.perf_counter()
    recs, truth = openalex_records(data / "openalex" / "openalex-works-page-utrecht.json.gz")
    out["openalex raw names"] = score(recs, truth)
    out["openalex raw names"]["seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    dblp = [r for r in read_dblp(data / "dblp" / "dblp-ppopp-socc.xml.gz")
            if isinstance(r, Record)]
    aliases = load_aliases(data / "dblp-aliases" / "dblp-aliases-half-a.csv.gz")
    recs, truth, names = dblp_initials_records(dblp, aliases)
    out["dblp, every 2nd record as initials"] = score(recs, truth, names)
    out["dblp, every 2nd record as initials"]["seconds"] = round(
        time.perf_counter() - started, 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON at the end")
    args = ap.parse_args()
    out = run(Path(args.data))
    head = (f"{'data':<36} {'mentions':>8} {'initials':>8} {'joined':>7} {'precision':>9} "
            f"{'(names)':>8} {'true':>6} {'recall':>7} {'reachable':>9} {'recall':>7}")
    print(head)
    print("-" * len(head))
    for name, r in out.items():
        print(f"{name:<36} {r['mentions']:8d} {r['initials_mentions']:8d} {r['joined_pairs']:7d} "
              f"{r['precision']:9.4f} {r.get('precision_names', r['precision']):8.4f} "
              f"{r['true_pairs']:6d} {r['recall']:7.4f} {r['reachable_pairs']:9d} "
              f"{r['recall_reachable']:7.4f}")
    for name, r in out.items():
        if r["wrong_examples"]:
            print(f"  wrong joins in {name}, e.g.: "
                  + "; ".join(" + ".join(w) for w in r["wrong_examples"][:6]))
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
