"""How good are ``graphsvc suggest``'s suggestions? A time-split evaluation on the bundled dblp
sample (graphsvc/data/dblp-ppopp-socc.xml.gz).

For a split year Y: the graph of the papers up to Y is what is known; an author's *new
collaborators* are the authors it first co-authors with after Y who were already in the known
graph. For every known author with at least one new collaborator and someone at distance 2, the
top 10 suggestions (Adamic-Adar and resource allocation) are compared with those new
collaborators: precision@10 = hits / suggestions shown, recall@10 = hits / new collaborators,
averaged over the authors. The baseline, in the same run, suggests 10 authors drawn at random
from the same distance-2 set (mean of 20 seeded draws). ``ceiling`` is the share of the new
collaborators that were at distance 2 at all (no distance-2 method can find the others).

Usage::

    python bench/suggest.py              # Y = 2015, 2017, 2019
    python bench/suggest.py --years 2016
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.graph.csr import CoauthorGraph  # noqa: E402
from graphsvc.graph.service import GraphService  # noqa: E402
from graphsvc.graph.suggest import rank_distance_two  # noqa: E402
from graphsvc.ingest import ingest  # noqa: E402
from graphsvc.store.sqlite import SQLiteStore  # noqa: E402

DEMO = ROOT / "graphsvc" / "data" / "dblp-ppopp-socc.xml.gz"
K = 10


def evaluate(svc: GraphService, y: int, draws: int = 20) -> dict[str, float]:
    """Mean precision@10 / recall@10 of both scores and the random baseline for split ``y``."""
    known: CoauthorGraph = svc.graph(None, y)
    full = svc.graph()
    present = known.in_window()
    sums = {"adamic-adar": [0.0, 0.0], "resource-allocation": [0.0, 0.0], "random": [0.0, 0.0]}
    authors = new_total = reachable = 0
    rng = random.Random(y)
    for u in np.flatnonzero(present & (np.diff(known.indptr) > 0)).tolist():
        before = set(known.neighbours(u).tolist())
        new = {w for w in full.neighbours(u).tolist() if present[w] and w not in before}
        if not new:
            continue
        cand, _, _ = rank_distance_two(known, u)
        if cand.size == 0:
            continue
        authors += 1
        new_total += len(new)
        reachable += len(new.intersection(cand.tolist()))
        for score in ("adamic-adar", "resource-allocation"):
            top = rank_distance_two(known, u, score=score)[0][:K].tolist()
            hits = len(new.intersection(top))
            sums[score][0] += hits / len(top)
            sums[score][1] += hits / len(new)
        pool = cand.tolist()
        p = r = 0.0
        for _ in range(draws):
            top = rng.sample(pool, min(K, len(pool)))
            hits = len(new.intersection(top))
            p += hits / len(top)
            r += hits / len(new)
        sums["random"][0] += p / draws
        sums["random"][1] += r / draws
    out = {"authors": authors, "new": new_total,
           "ceiling": reachable / new_total if new_total else 0.0}
    for name, (p, r) in sums.items():
        out[f"{name} P@10"] = p / authors if authors else 0.0
        out[f"{name} R@10"] = r / authors if authors else 0.0
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--years", type=int, nargs="+", default=[2015, 2017, 2019])
    ap.add_argument("--data-dir", type=Path,
                    default=Path(tempfile.gettempdir()) / "graphsvc-bench-suggest")
    args = ap.parse_args(argv)
    db = args.data_dir / "graphsvc.sqlite3"
    fresh = not db.exists()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    store = SQLiteStore(db)
    if fresh:
        ingest(store, [DEMO])
    svc = GraphService(store)
    print(f"suggest: time-split evaluation on {DEMO.name}, top {K}, "
          "macro-averaged over authors with new collaborators")
    head = (f"{'Y':>5} {'authors':>7} {'new':>5} {'ceiling':>7}  "
            f"{'AA P@10':>7} {'AA R@10':>7}  {'RA P@10':>7} {'RA R@10':>7}  "
            f"{'rand P@10':>9} {'rand R@10':>9}")
    print(head)
    for y in args.years:
        e = evaluate(svc, y)
        print(f"{y:>5} {e['authors']:>7} {e['new']:>5} {e['ceiling']:>7.3f}  "
              f"{e['adamic-adar P@10']:>7.3f} {e['adamic-adar R@10']:>7.3f}  "
              f"{e['resource-allocation P@10']:>7.3f} {e['resource-allocation R@10']:>7.3f}  "
              f"{e['random P@10']:>9.3f} {e['random R@10']:>9.3f}")
    store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
