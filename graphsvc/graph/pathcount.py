"""How many shortest collaboration chains join two authors, exactly: counted during the
bidirectional search itself when nothing is masked, else over the shortest-path DAG."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.bidirectional import frontier_work, shortest_dag
from graphsvc.graph.csr import CoauthorGraph
from graphsvc.graph.masks import check_node
from graphsvc.graph.native import native_max_length, searcher
from graphsvc.graph.smallsearch import chain_layers, level_sigma, open_search, small_count
from graphsvc.graph.workspace import stamp_visit, workspace

__all__ = ["count_shortest_paths", "dag_count", "distance_count", "distance_counts"]


def distance_count(
    G: CoauthorGraph, s: int, t: int, *, max_length: int | None = None
) -> tuple[int | None, int]:
    """:func:`count_shortest_paths` without masks, counting during the search itself.

    Each side carries its number of shortest chains to every node it reaches (``sigma``, the
    sum over the node's predecessors one level nearer); every shortest chain passes through
    exactly one node where the two searches meet, so the count is the sum over those nodes of
    ``sigma_s * sigma_t``: no shortest-path DAG is built. Counts beyond 2**53 (where float64
    stops being exact) are left to :func:`count_shortest_paths`.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(4), [[0, 1], [0, 2], [1, 3], [2, 3]]))
    >>> distance_count(G, 0, 3), distance_count(G, 0, 3, max_length=1)
    ((2, 2), (None, 0))
    """
    s, t = check_node(G, s, "source"), check_node(G, t, "target")
    sr = searcher(G)
    if sr is not None:  # the search in C (graph.native), counting in uint64
        d, count = sr.distance_count(s, t, native_max_length(max_length))
        if count is None:  # past 2**64 chains: counted exactly over the DAG
            return dag_count(G, s, t, None, None, max_length)
        return d, count
    if s == t:
        return 0, 1
    # the first levels in plain Python (graph.smallsearch): most searches end there
    op = open_search(G, s, t, max_length)
    if op.d is not None:
        if op.d < 0:
            return None, 0
        return op.d, small_count(G, chain_layers(G, op))
    if not op.fs or not op.ft:
        return None, 0
    ws = workspace(G)
    dist_s, dist_t = ws.hops
    sig_s, sig_t = ws.sigma()
    base = ws.begin()
    for dist, sig, levels in ((dist_s, sig_s, op.levels_s), (dist_t, sig_t, op.levels_t)):
        sigma = level_sigma(G, levels)
        order = [v for level in levels for v in level]
        nodes = np.array(order, dtype=np.int64)
        dist[nodes] = base + np.array(
            [k for k, level in enumerate(levels) for _ in level], dtype=np.int64)
        sig[nodes] = np.array([sigma[v] for v in order], dtype=np.float64)
    fs = np.fromiter(op.fs, np.int64, len(op.fs))
    ft = np.fromiter(op.ft, np.int64, len(op.ft))
    ls, lt, ws_work, wt_work = op.ls, op.lt, op.work_s, op.work_t
    while fs.size and ft.size:
        if max_length is not None and ls + lt >= max_length:
            return None, 0
        forward = ws_work <= wt_work
        frontier, mine, other, sig, osig = (
            (fs, dist_s, dist_t, sig_s, sig_t) if forward else (ft, dist_t, dist_s, sig_t, sig_s)
        )
        level = (ls if forward else lt) + 1
        src, _, nbr = G.expand(frontier)
        new = stamp_visit(mine, nbr, base, level)
        sig[new] = 0.0
        here = mine[nbr] == base + level
        np.add.at(sig, nbr[here], sig[src[here]])
        met = new[other[new] >= base]
        if met.size:
            total = float(np.dot(sig[met], osig[met]))
            if total >= 2.0**53:
                return dag_count(G, s, t, None, None, max_length)
            return (ls + lt + 1), int(total)
        work = frontier_work(G, new)
        if forward:
            fs, ls, ws_work = new, level, work
        else:
            ft, lt, wt_work = new, level, work
    return None, 0


def distance_counts(
    G: CoauthorGraph, sources: Sequence[int], targets: Sequence[int], *,
    max_length: int | None = None,
) -> list[tuple[int | None, int]]:
    """:func:`distance_count` of every pair ``(sources[i], targets[i])``; with the C search
    (``graph.native``) all of them in one call, without the interpreter between pairs.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(5), [[0, 1], [0, 2], [1, 3],
    ...                                                             [2, 3], [4]]))
    >>> distance_counts(G, [0, 0, 3], [3, 4, 3])
    [(2, 2), (None, 0), (0, 1)]
    """
    if len(sources) != len(targets):
        raise InvalidQuery(f"{len(sources)} sources but {len(targets)} targets")
    src = np.array(sources, dtype=np.int64).reshape(-1)
    tgt = np.array(targets, dtype=np.int64).reshape(-1)
    for what, a in (("source", src), ("target", tgt)):
        bad = (a < 0) | (a >= G.n)
        if bad.any():
            raise InvalidQuery(f"{int(bad.sum())} {what} nodes are outside 0..{G.n - 1} "
                               f"(the first: {int(a[bad][0])})")
    sr = searcher(G)
    if sr is None:
        return [distance_count(G, s, t, max_length=max_length)
                for s, t in zip(src.tolist(), tgt.tolist(), strict=True)]
    lengths = np.empty(src.size, dtype=np.int64)
    counts = np.empty(src.size, dtype=np.int64)
    sr.distance_count_many(src, tgt, lengths, counts, native_max_length(max_length))
    out: list[tuple[int | None, int]] = []
    for s, t, d, c in zip(src.tolist(), tgt.tolist(), lengths.tolist(), counts.tolist(),
                          strict=True):
        if d < 0:
            out.append((None, 0))
        elif c < 0:  # past 2**63 chains: counted exactly over the DAG
            out.append(dag_count(G, s, t, None, None, max_length))
        else:
            out.append((d, c))
    return out


def count_shortest_paths(
    G: CoauthorGraph,
    s: int,
    t: int,
    *,
    node_mask: np.ndarray | None = None,
    slot_mask: np.ndarray | None = None,
    max_length: int | None = None,
) -> tuple[int | None, int]:
    """Distance and the exact number of distinct shortest chains (Python int, unbounded).

    Returns ``(None, 0)`` when unconnected and ``(0, 1)`` when ``s == t``.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(4), [[0, 1], [0, 2], [1, 3], [2, 3]]))
    >>> count_shortest_paths(G, 0, 3)
    (2, 2)
    """
    if node_mask is None and slot_mask is None:
        return distance_count(G, s, t, max_length=max_length)
    return dag_count(G, s, t, node_mask, slot_mask, max_length)


def dag_count(
    G: CoauthorGraph,
    s: int,
    t: int,
    node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
    max_length: int | None,
) -> tuple[int | None, int]:
    dag = shortest_dag(G, s, t, node_mask, slot_mask, max_length)
    if dag is None:
        return None, 0
    return len(dag.layers) - 1, dag.count()
