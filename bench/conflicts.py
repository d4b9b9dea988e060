"""Conflicts of interest at programme-committee scale: 1,000 submissions x 500 reviewers.

Builds (once, cached in ``--data-dir``) an embedded store from ``bench/synthetic.py`` with
``bench/api.py``'s bulk loader (named authors, titled papers), then times
``graphsvc.graph.conflicts.conflicts`` on names, as ``graphsvc conflicts`` and ``POST /conflicts``
run it: cold (the window's graph built first) and warm, for distance 1 and 2. The baseline,
measured in the same run, is the plain way: a Python set of each reviewer's co-authors and a
loop over every (submission, reviewer) pair; its pairs must equal ours.

Submissions: 1 to 6 authors drawn from the authors with a paper in the window; a third of them
take one co-author of a random reviewer, so that there are conflicts to find and evidence to
fetch. Target: <= 10 s for the warm distance-1 run at 300k authors.

Usage::

    python bench/conflicts.py                 # 300k authors
    python bench/conflicts.py --scale 20k
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from api import author_names, build_store, store_ready  # noqa: E402
from synthetic import generate, scale_authors  # noqa: E402

from graphsvc.graph.conflicts import Submission, conflicts  # noqa: E402
from graphsvc.graph.service import GraphService  # noqa: E402
from graphsvc.store.sqlite import SQLiteStore  # noqa: E402

TARGET_S = 10.0


def workload(svc: GraphService, names: list[str], as_of: int, years: int, n_subs: int,
             n_revs: int, seed: int) -> tuple[list[Submission], list[str]]:
    """Submissions and reviewers (names), with planted co-author conflicts."""
    rng = random.Random(seed)
    g = svc.graph(as_of - years + 1, as_of)
    active = np.flatnonzero(g.in_window() & (np.diff(g.indptr) > 0))
    ids = g.author_ids

    def nm(v: int) -> str:  # bench/api.py names store author id i + 1 with names[i]
        return names[int(ids[v]) - 1]
    revs = [int(v) for v in rng.sample(active.tolist(), n_revs)]
    subs = []
    for i in range(n_subs):
        team = {int(v) for v in rng.sample(active.tolist(), rng.randint(1, 6))}
        if i % 3 == 0:
            nb = g.neighbours(rng.choice(revs))
            if nb.size:
                team.add(int(rng.choice(nb.tolist())))
        subs.append(Submission(f"S{i}", tuple(nm(v) for v in sorted(team))))
    return subs, [nm(v) for v in revs]


def baseline(svc: GraphService, subs: list[Submission], revs: list[str], as_of: int,
             years: int) -> set[tuple[str, str]]:
    """Distance-1 conflicts the plain way: a set of co-authors per reviewer, every pair."""
    g = svc.graph(as_of - years + 1, as_of)
    node = {}
    for s in subs:
        for a in s.authors:
            node.setdefault(a, g.node(svc.resolve(a)))
    out = set()
    for r in revs:
        rv = g.node(svc.resolve(r))
        near = set(g.neighbours(rv).tolist()) | {rv}
        for s in subs:
            if any(node[a] in near for a in s.authors):
                out.add((s.id, r))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="300k", help="20k, 300k, 3m or a number of authors")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--submissions", type=int, default=1000)
    ap.add_argument("--reviewers", type=int, default=500)
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--as-of", type=int, default=2024)
    ap.add_argument("--data-dir", type=Path)
    args = ap.parse_args(argv)
    n = scale_authors(args.scale)
    data_dir = args.data_dir or Path(tempfile.gettempdir()) / f"graphsvc-bench-conflicts-{n}"
    db = data_dir / "graphsvc.sqlite3"
    if not store_ready(db):
        build_store(generate(n, seed=args.seed), db, args.seed)
    names = author_names(n, args.seed)
    store = SQLiteStore(db)
    svc = GraphService(store)
    t = time.perf_counter()
    svc.memberships()
    load = time.perf_counter() - t
    subs, revs = workload(svc, names, args.as_of, args.years, args.submissions, args.reviewers,
                          args.seed)
    svc = GraphService(store)  # cold again: the window's graph is part of the first answer
    svc.memberships()
    rows = []
    kw = {"years": args.years, "as_of": args.as_of}
    for label, dist in (("cold, distance 1", 1), ("warm, distance 1", 1), ("warm, distance 2", 2)):
        t = time.perf_counter()
        res = conflicts(svc, subs, revs, distance=dist, **kw)  # type: ignore[arg-type]
        rows.append((label, time.perf_counter() - t, res["count"], len(res["unresolved"])))
        if label == "warm, distance 1":
            ours = {(c["submission"], c["reviewer"]["query"]) for c in res["conflicts"]}
    t = time.perf_counter()
    base = baseline(svc, subs, revs, args.as_of, args.years)
    rows.append(("baseline: sets, every pair", time.perf_counter() - t, len(base), 0))
    print(f"conflicts: {len(subs)} submissions x {len(revs)} reviewers, {n} authors, "
          f"window {args.as_of - args.years + 1}-{args.as_of} (memberships loaded in {load:.1f}s)")
    print(f"{'run':<28} {'seconds':>8} {'conflicts':>10} {'unresolved':>11}")
    for label, sec, count, unres in rows:
        print(f"{label:<28} {sec:>8.2f} {count:>10} {unres:>11}")
    warm = rows[1][1]
    same = ours == base
    print(f"pairs equal the baseline's: {same}; target warm distance 1 <= {TARGET_S:.0f}s: "
          f"{'met' if warm <= TARGET_S else 'MISSED'} ({warm:.2f}s)")
    store.close()
    return 0 if same and warm <= TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
