"""Benchmark of the CSR graph engine against networkx on synthetic and SNAP co-author graphs.

One command measures, for every dataset: build time and resident memory of
``CoauthorGraph.build``, the time of ``stats()``, and p50/p99 latency over random author pairs
of every query kind (``graphsvc.graph.paths``: distance, count_shortest_paths, shortest_path,
strongest_path; ``graphsvc.graph.neighbourhood``: collaborators, ego) next to networkx doing the
same on the same pairs in the same run. Answers are cross-checked (distance, path count, path
length, strongest-path cost) and disagreements counted.

Usage::

    python bench/engine.py                         # 20k, 300k, 3m synthetic + the SNAP graphs
    python bench/engine.py --scales 20k,300k       # quick: ~1.5 min
    python bench/engine.py --pairs 500 --json out.json --no-snap
    python bench/engine.py --scales 3m --no-snap --nx-all   # networkx at 3M too (~10 GB)
    python bench/engine.py --scales 3m --no-snap --batch 100000 --queries shortest_path

The default run takes about 3–4 minutes on 2 cores and peaks near 4 GB of memory: the 3m scale
(3M authors, 7M papers, ~25M edges, like dblp's co-author graph) alone takes ~2 minutes
(generation ~30 s, build ~20 s, stats ~40 s, queries); networkx is skipped there unless
``--nx-all`` (its graph needs ~10 GB: run it alone on the machine) and, elsewhere, limited to
``--nx-budget`` seconds per query kind (``all_shortest_paths`` runs a full BFS per query).
networkx's resident memory is measured next to the engine's (``nx MB``, ``nx/ours``), and a
batch row times ``--batch`` pairs of distance plus path count (``graphsvc path --pairs``)
against networkx computing the lengths alone.
Every dataset runs in a forked child so its memory readings start clean.
"""

from __future__ import annotations

import argparse
import functools
import gc
import gzip
import itertools
import json
import math
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import generate, scale_authors  # noqa: E402

from graphsvc.graph.csr import CoauthorGraph, Memberships  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
SNAP = [
    "ca-GrQc.txt.gz",
    "ca-HepTh.txt.gz",
    "ca-HepPh.txt.gz",
    "ca-CondMat.txt.gz",
    "ca-AstroPh.renumbered.txt.gz",
]
#: networkx runs only on graphs up to this many edges (~1 KB of Python objects per edge)
NX_MAX_EDGES = 3_000_000
#: all_shortest_paths enumerates paths; stop counting here (our count is exact and unbounded)
NX_COUNT_CAP = 1000
#: networkx's all_shortest_paths runs a full BFS per query (seconds at 300k authors)
NX_BUDGET_S = 15.0
EGO_RADIUS = 2
#: the clock of query and batch timings: wall time, or with ``--clock cpu`` this process's
#: CPU time (on a machine shared with other work, what an idle machine would show more nearly)
CLOCK: list[Callable[[], float]] = [time.perf_counter]
QUERIES = (
    "distance",
    "count_shortest_paths",
    "shortest_path",
    "strongest_path",
    "collaborators",
    "ego",
)


# ----------------------------------------------------------------------------- memory
def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    """Reset VmHWM (peak RSS) to the current RSS; Linux ≥ 4.0 (``clear_refs`` value 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# ----------------------------------------------------------------------------- data
def load_snap(path: Path) -> Memberships:
    """A SNAP edge list (``#`` comments; AstroPh renumbered has a "nodes edges" first line)."""
    with gzip.open(path, "rt") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    if "renumbered" in path.name:
        lines = lines[1:]
    arr = np.loadtxt(lines, dtype=np.int64, ndmin=2)
    return Memberships.from_edges(arr[:, 0], arr[:, 1])


def datasets(args: argparse.Namespace) -> list[tuple[str, Callable[[], Memberships]]]:
    out: list[tuple[str, Callable[[], Memberships]]] = []
    for sc in [s for s in args.scales.split(",") if s]:
        n = scale_authors(sc)
        out.append((f"synthetic-{sc}", functools.partial(generate, n, seed=args.seed)))
    if args.snap:
        snap_dir = Path(args.data) / "snap"
        if snap_dir.is_dir():
            for name in SNAP:
                p = snap_dir / name
                if p.exists():
                    out.append((name.split(".")[0], functools.partial(load_snap, p)))
        else:
            print(f"SNAP graphs skipped: {snap_dir} not found")
    return out


# ----------------------------------------------------------------------------- queries
def _pairs(G: CoauthorGraph, k: int, seed: int) -> list[tuple[int, int]]:
    """``k`` random pairs of distinct authors of the largest component (connected pairs)."""
    from graphsvc.graph.analytics import component_labels, largest_component

    _, labels = component_labels(G.indptr, G.indices)
    lcc = largest_component(labels)
    rng = np.random.default_rng(seed)
    s = rng.choice(lcc, size=k)
    t = rng.choice(lcc, size=k)
    same = s == t
    t[same] = lcc[(np.searchsorted(lcc, t[same]) + 1) % lcc.size]
    return list(zip(s.tolist(), t.tolist(), strict=True))


def _engine_calls(G: CoauthorGraph) -> dict[str, Callable[[int, int], Any]]:
    from graphsvc.graph import neighbourhood, paths

    return {
        "distance": lambda s, t: paths.distance(G, s, t),
        "count_shortest_paths": lambda s, t: paths.count_shortest_paths(G, s, t),
        "shortest_path": lambda s, t: paths.shortest_path(G, s, t),
        "strongest_path": lambda s, t: paths.strongest_path(G, s, t),
        "collaborators": lambda s, t: neighbourhood.collaborators(G, s),
        "ego": lambda s, t: neighbourhood.ego(G, s, radius=EGO_RADIUS),
    }


def _nx_graph(G: CoauthorGraph) -> Any:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(G.n))
    u, v, slot = G.edge_list()
    step = 1 << 20  # Python lists a million edges at a time: the graph itself is the memory
    for a0 in range(0, u.size, step):
        sl = slot[a0 : a0 + step]
        g.add_edges_from(
            (a, b, {"papers": p, "cost": 1.0 / p, "last_year": y})
            for a, b, p, y in zip(
                u[a0 : a0 + step].tolist(),
                v[a0 : a0 + step].tolist(),
                G.papers[sl].tolist(),
                G.last_year[sl].tolist(),
                strict=True,
            )
        )
    return g


def _nx_calls(g: Any) -> dict[str, Callable[[int, int], Any]]:
    import networkx as nx

    def collaborators(s: int) -> list[int]:
        row = g[s]
        return sorted(row, key=lambda v: (-row[v]["papers"], -row[v]["last_year"], v))

    return {
        "distance": lambda s, t: nx.shortest_path_length(g, s, t),
        "count_shortest_paths": lambda s, t: sum(
            1 for _ in itertools.islice(nx.all_shortest_paths(g, s, t), NX_COUNT_CAP)
        ),
        "shortest_path": lambda s, t: nx.shortest_path(g, s, t),
        "strongest_path": lambda s, t: nx.bidirectional_dijkstra(g, s, t, weight="cost"),
        "collaborators": lambda s, t: collaborators(s),
        "ego": lambda s, t: list(nx.ego_graph(g, s, radius=EGO_RADIUS)),
    }


def _time_calls(
    fn: Callable[[int, int], Any], pairs: list[tuple[int, int]], budget_s: float = math.inf
) -> tuple[list[float], list[Any]]:
    """Time ``fn`` on the pairs in order (garbage collector off, as ``timeit`` does), stopping
    once ``budget_s`` seconds are spent; pairs are random, so a prefix is a fair sample."""
    times, answers = [], []
    spent = 0.0
    gc.disable()
    try:
        for s, t in pairs:
            t0 = CLOCK[0]()
            answers.append(fn(s, t))
            times.append(CLOCK[0]() - t0)
            spent += times[-1]
            if spent > budget_s:
                break
    finally:
        gc.enable()
    return times, answers


def _agree(kind: str, ours: Any, theirs: Any) -> bool:
    """Whether our answer and networkx's say the same (the parts both define)."""
    if kind == "distance":
        return bool(ours == theirs)
    if kind == "count_shortest_paths":
        return bool(ours[1] == theirs or (theirs == NX_COUNT_CAP and ours[1] >= NX_COUNT_CAP))
    if kind == "shortest_path":
        return len(ours) == len(theirs)
    if kind == "strongest_path":
        return abs(float(ours[0]) - float(theirs[0])) <= 1e-9 * max(1.0, float(theirs[0]))
    if kind == "collaborators":
        return [r[0] for r in ours] == theirs
    if kind == "ego":
        return {int(x) for x in ours[0]} == set(theirs)
    return True


def _graph_mb(G: CoauthorGraph) -> float:
    """Bytes of the graph's own arrays (memberships excluded), in MB."""
    arrays = [v for v in vars(G).values() if isinstance(v, np.ndarray)]
    return sum(a.nbytes for a in arrays) / 2**20


def _ms(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs) * 1e3, q)) if xs else float("nan")


# ----------------------------------------------------------------------------- one dataset
def bench_dataset(
    name: str, make: Callable[[], Memberships], args: argparse.Namespace
) -> dict[str, Any]:
    from graphsvc.graph.analytics import stats

    rec: dict[str, Any] = {"dataset": name}
    gc.collect()
    t0 = time.perf_counter()
    mem = make()
    rec["load_s"] = time.perf_counter() - t0
    gc.collect()
    rss0 = _status_kb("VmRSS")
    peak_ok = _reset_peak()
    t0 = time.perf_counter()
    G = CoauthorGraph.build(mem)
    rec["build_s"] = time.perf_counter() - t0
    rec["build_rss_mb"] = (_status_kb("VmRSS") - rss0) / 1024
    rec["build_peak_mb"] = (_status_kb("VmHWM") - rss0) / 1024 if peak_ok else None
    rec.update(authors=G.n, papers=mem.n_papers, edges=G.n_edges, graph_mb=_graph_mb(G))
    peak = rec["build_peak_mb"]
    print(
        f"\n== {name}: {G.n:,} authors, {mem.n_papers:,} papers, {G.n_edges:,} edges; "
        f"load {rec['load_s']:.1f}s, build {rec['build_s']:.2f}s, graph arrays "
        f"{rec['graph_mb']:.0f} MB, RSS +{rec['build_rss_mb']:.0f} MB"
        + (f" (peak +{peak:.0f} MB)" if peak is not None else "")
    )
    if not args.no_stats:
        t0 = time.perf_counter()
        st = stats(G)
        rec["stats_s"] = time.perf_counter() - t0
        rec["stats"] = st
        print(
            f"   stats {rec['stats_s']:.1f}s ({st['diameter_method']}): "
            f"clustering {st['avg_clustering']:.4f}, triangles {st['triangles']:,}, "
            f"LCC {st['largest_component']['authors']:,}, diameter {st['diameter']}, "
            f"eff. diam. {st['effective_diameter_90']:.2f}, mean dist. {st['mean_distance']:.3f}"
        )

    pairs = _pairs(G, args.pairs, args.seed)
    try:
        ours = _engine_calls(G)
    except ImportError as exc:
        print(f"   queries skipped: {exc}")
        rec["queries"] = {}
        return rec
    nx_reason = None
    if args.no_nx:
        nx_reason = "--no-nx"
    elif G.n_edges > args.nx_max_edges:
        nx_reason = f"{G.n_edges:,} edges > --nx-max-edges {args.nx_max_edges:,} (memory)"
    theirs: dict[str, Callable[[int, int], Any]] = {}
    g = None
    if nx_reason is None:
        gc.collect()
        rss0 = _status_kb("VmRSS")
        peak_ok = _reset_peak()
        t0 = time.perf_counter()
        g = _nx_graph(G)
        rec["nx_build_s"] = time.perf_counter() - t0
        gc.collect()
        rec["nx_rss_mb"] = (_status_kb("VmRSS") - rss0) / 1024
        rec["nx_peak_mb"] = (_status_kb("VmHWM") - rss0) / 1024 if peak_ok else None
        theirs = _nx_calls(g)
        print(f"   networkx graph built in {rec['nx_build_s']:.1f}s, RSS "
              f"+{rec['nx_rss_mb']:.0f} MB ({rec['nx_rss_mb'] / rec['graph_mb']:.1f}x the "
              "engine's graph arrays)")
    else:
        print(f"   networkx skipped: {nx_reason}")
    rec["nx_skipped"] = nx_reason
    rec["queries"] = {}
    for kind in args.kinds:
        # one untimed call warms caches (cached properties, scipy imports) on both sides
        ours[kind](*pairs[0])
        times, answers = _time_calls(ours[kind], pairs)
        q: dict[str, Any] = {"n": len(pairs), "p50_ms": _ms(times, 50), "p99_ms": _ms(times, 99)}
        if kind in theirs:
            theirs[kind](*pairs[0])
            nx_times, nx_answers = _time_calls(theirs[kind], pairs, args.nx_budget)
            q.update(
                nx_n=len(nx_times),
                nx_p50_ms=_ms(nx_times, 50),
                nx_p99_ms=_ms(nx_times, 99),
                speedup_p50=_ms(nx_times, 50) / q["p50_ms"],
                disagreements=sum(
                    not _agree(kind, a, b) for a, b in zip(answers, nx_answers, strict=False)
                ),
            )
        rec["queries"][kind] = q
    rec["batch"] = _bench_batch(G, g, args) if args.batch else {}
    return rec


def _bench_batch(G: CoauthorGraph, g: Any, args: argparse.Namespace) -> dict[str, Any]:
    """``--batch`` pairs answered at once: distance and number of shortest chains per pair
    (what ``graphsvc path --pairs`` computes) against networkx's lengths alone."""
    from graphsvc.graph.pathcount import distance_counts

    pairs = _pairs(G, args.batch, args.seed + 1)
    t0 = CLOCK[0]()
    ours = distance_counts(G, [s for s, _ in pairs], [t for _, t in pairs])
    out: dict[str, Any] = {"n": len(pairs), "s": CLOCK[0]() - t0}
    if g is not None:
        import networkx as nx

        t0 = CLOCK[0]()
        lengths = [nx.shortest_path_length(g, s, t) for s, t in pairs]
        out["nx_s"] = CLOCK[0]() - t0
        out["disagreements"] = sum(a[0] != b for a, b in zip(ours, lengths, strict=True))
    nx_part = (f"; networkx lengths alone {out['nx_s']:.2f}s ({out['nx_s'] / out['s']:.1f}x), "
               f"{out['disagreements']} disagreements" if "nx_s" in out else "")
    print(f"   batch of {len(pairs):,} pairs (distance + count): {out['s']:.2f}s{nx_part}")
    return out


def _child(conn: Any, name: str, make: Callable[[], Memberships], args: argparse.Namespace) -> None:
    conn.send(bench_dataset(name, make, args))
    conn.close()
    sys.stdout.flush()


def _isolated(
    name: str, make: Callable[[], Memberships], args: argparse.Namespace
) -> dict[str, Any] | None:
    """Run one dataset in a forked child: its memory readings start clean (freed numpy memory
    stays in the allocator, so RSS deltas in one long process would hide later builds)."""
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, name, make, args))
    sys.stdout.flush()  # or the child would print the parent's buffered lines again
    proc.start()
    send.close()
    try:
        rec: dict[str, Any] = recv.recv()
    except EOFError:
        rec = {}
    proc.join()
    if proc.exitcode != 0 or not rec:
        print(f"   {name}: benchmark process failed (exit code {proc.exitcode})")
        return None
    return rec


# ----------------------------------------------------------------------------- report
def print_table(records: list[dict[str, Any]]) -> None:
    head = (
        f"{'query':<21} {'dataset':<15} {'p50 ms':>9} {'p99 ms':>9} {'nx p50':>9} "
        f"{'nx p99':>9} {'nx n':>5} {'speed-up':>9} {'disagree':>8}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for kind in QUERIES:
        for r in records:
            q = r.get("queries", {}).get(kind)
            if not q:
                continue
            nx50 = f"{q['nx_p50_ms']:9.3f}" if "nx_p50_ms" in q else f"{'—':>9}"
            nx99 = f"{q['nx_p99_ms']:9.3f}" if "nx_p99_ms" in q else f"{'—':>9}"
            ratio = f"{q['speedup_p50']:8.1f}x" if "speedup_p50" in q else f"{'—':>9}"
            dis = f"{q['disagreements']:8d}" if "disagreements" in q else f"{'—':>8}"
            nxn = f"{q['nx_n']:5d}" if "nx_n" in q else f"{'—':>5}"
            print(
                f"{kind:<21} {r['dataset']:<15} {q['p50_ms']:9.3f} {q['p99_ms']:9.3f} "
                f"{nx50} {nx99} {nxn} {ratio} {dis}"
            )
    head = (
        f"{'dataset':<15} {'authors':>10} {'edges':>11} {'load s':>7} {'build s':>8} "
        f"{'graph MB':>8} {'RSS MB':>7} {'peak MB':>8} {'stats s':>8} {'nx build s':>10} "
        f"{'nx MB':>7} {'nx/ours':>7} {'batch s':>8} {'nx batch':>8}"
    )
    print("\n" + head + "\n" + "-" * len(head))
    for r in records:
        peak = r.get("build_peak_mb")
        peak_s = f"{peak:8.0f}" if peak is not None else f"{'—':>8}"
        stats_s = f"{r['stats_s']:8.1f}" if "stats_s" in r else f"{'—':>8}"
        nxb = f"{r['nx_build_s']:10.1f}" if "nx_build_s" in r else f"{'—':>10}"
        nxm = f"{r['nx_rss_mb']:7.0f}" if "nx_rss_mb" in r else f"{'—':>7}"
        nxr = (f"{r['nx_rss_mb'] / r['graph_mb']:6.1f}x" if "nx_rss_mb" in r and r["graph_mb"]
               else f"{'—':>7}")
        b = r.get("batch") or {}
        bs = f"{b['s']:8.2f}" if "s" in b else f"{'—':>8}"
        bnx = f"{b['nx_s']:8.2f}" if "nx_s" in b else f"{'—':>8}"
        print(
            f"{r['dataset']:<15} {r['authors']:>10,} {r['edges']:>11,} {r['load_s']:7.1f} "
            f"{r['build_s']:8.2f} {r['graph_mb']:8.0f} {r['build_rss_mb']:7.0f} {peak_s} "
            f"{stats_s} {nxb} {nxm} {nxr} {bs} {bnx}"
        )


#: issue 17 item 3 at 3M: (query kind, p50 ms, p99 ms) at most
TARGETS_3M = (("shortest_path", 0.5, 5.0), ("strongest_path", 20.0, 200.0))


def print_targets(records: list[dict[str, Any]]) -> None:
    """The speed goals of issue 17, each met or NOT met: at 3M the latencies of
    ``TARGETS_3M``; on every graph networkx ran on, no query kind slower than networkx (p50
    ratio >= 1); on ca-AstroPh the batch faster than networkx's lengths alone."""
    lines = []
    for r in records:
        qs = r.get("queries", {})
        if r["dataset"] == "synthetic-3m":
            for kind, p50, p99 in TARGETS_3M:
                q = qs.get(kind)
                if q:
                    ok = q["p50_ms"] <= p50 and q["p99_ms"] <= p99
                    lines.append(f"{r['dataset']:<15} {kind:<21} p50 {q['p50_ms']:.3f} ms "
                                 f"(<= {p50}), p99 {q['p99_ms']:.3f} ms (<= {p99})  "
                                 f"{'met' if ok else 'NOT met'}")
        for kind, q in qs.items():
            if "speedup_p50" in q and not r["dataset"].startswith("synthetic"):
                ok = q["speedup_p50"] >= 1.0
                lines.append(f"{r['dataset']:<15} {kind:<21} {q['speedup_p50']:.2f}x networkx "
                             f"(>= 1)  {'met' if ok else 'NOT met'}")
        b = r.get("batch") or {}
        if r["dataset"] == "synthetic-3m" and b.get("n", 0) >= 100_000:
            ok = b["s"] <= 60.0
            lines.append(f"{r['dataset']:<15} {'batch ' + str(b['n']) + ' pairs':<21} "
                         f"{b['s']:.1f} s (<= 60 s for 100,000; engine only)  "
                         f"{'met' if ok else 'NOT met'}")
        if r["dataset"] == "ca-AstroPh" and "nx_s" in b:
            ok = b["s"] < b["nx_s"]
            lines.append(f"{r['dataset']:<15} {'batch ' + str(b['n']) + ' pairs':<21} "
                         f"{b['s']:.2f} s vs networkx lengths {b['nx_s']:.2f} s  "
                         f"{'met' if ok else 'NOT met'}")
    if lines:
        print("\ntargets (issue 17 items 3 and 5)\n" + "\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Benchmark the CSR graph engine against networkx.",
        epilog="example: python bench/engine.py --scales 20k,300k --pairs 200 --json out.json",
    )
    ap.add_argument(
        "--scales", default="20k,300k,3m", help="synthetic scales (default 20k,300k,3m)"
    )
    ap.add_argument("--pairs", type=int, default=200, help="random author pairs per query kind")
    snap = ap.add_mutually_exclusive_group()
    snap.add_argument(
        "--snap",
        dest="snap",
        action="store_true",
        default=True,
        help="include the SNAP graphs from ../shared/data (default)",
    )
    snap.add_argument("--no-snap", dest="snap", action="store_false", help="skip them")
    ap.add_argument("--data", default=str(SHARED), help="shared data folder (SNAP in snap/)")
    ap.add_argument("--no-nx", action="store_true", help="skip the networkx baseline")
    ap.add_argument("--nx-max-edges", type=int, default=NX_MAX_EDGES,
                    help="networkx runs only on graphs up to this many edges")
    ap.add_argument("--nx-all", action="store_true",
                    help="run networkx on every scale, 3m included (its graph needs ~10 GB "
                         "there: the memory ratio is then measured, not assumed)")
    ap.add_argument("--batch", type=int, default=3000,
                    help="pairs of the batch-distance row (default 3000; 0 skips it)")
    ap.add_argument(
        "--nx-budget",
        type=float,
        default=NX_BUDGET_S,
        help="seconds of networkx per query kind and dataset (fewer pairs when exceeded)",
    )
    ap.add_argument(
        "--in-process", action="store_true", help="no child process per dataset (for profiling)"
    )
    ap.add_argument("--no-stats", action="store_true", help="skip stats()")
    ap.add_argument("--queries", default=",".join(QUERIES),
                    help="query kinds to time, comma-separated (default: all)")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="time queries and batches by wall clock (default) or by this "
                         "process's CPU time (steadier on a shared machine)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="write all measurements to this file")
    args = ap.parse_args(argv)
    if args.pairs < 1 or args.batch < 0:
        ap.error("--pairs must be >= 1 and --batch >= 0 (0: no batch row)")
    if args.nx_all:
        args.nx_max_edges = 2**62
    CLOCK[0] = time.process_time if args.clock == "cpu" else time.perf_counter
    args.kinds = [q for q in args.queries.split(",") if q]
    unknown = sorted(set(args.kinds) - set(QUERIES))
    if unknown:
        ap.error(f"unknown query kinds {unknown}; known: {', '.join(QUERIES)}")

    records = []
    load0 = os.getloadavg()
    t_all = time.perf_counter()
    for name, make in datasets(args):
        rec = bench_dataset(name, make, args) if args.in_process else _isolated(name, make, args)
        if rec is not None:
            records.append(rec)
    print_table(records)
    print_targets(records)
    load = os.getloadavg()
    from graphsvc.graph import native

    engine = ("the C search (graphsvc._native)" if native.enabled() else
              "the Python search (" + ("GRAPHSVC_NATIVE=0" if native.AVAILABLE
                                       else "graphsvc._native not built") + ")")
    print(f"\nunmasked searches ran {engine}")
    print(f"total {time.perf_counter() - t_all:.0f}s; load average at the start "
          f"{load0[0]:.2f}, at the end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
          f"(1 / 5 / 15 min) on {os.cpu_count()} cores; queries timed by {args.clock} clock")
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=2, default=float))
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
