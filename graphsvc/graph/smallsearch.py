"""The opening of an unmasked bidirectional BFS in plain Python, for searches that stay small.

A numpy level costs a dozen array calls (~1–2 µs each) whatever its size, so a search of a few
hundred nodes (most queries on a SNAP-sized graph, the first levels of any) spends its time in
call overhead, not in work. Here the first levels run node by node on dicts sized to the search
(the distance of every node seen), with exactly the level-synchronous rule of
``graph.bidirectional``: the side with less frontier work (sum of degrees) expands a whole
level, and the nodes of that level the other side has seen are the meeting layer. Once the
side to expand has more than ``MAX_WORK`` slots of work, the caller takes over with numpy
from the state reached here.

Unmasked searches only: masks are numpy arrays, and masked queries are rare.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from graphsvc.graph.csr import CoauthorGraph

__all__ = ["MAX_WORK", "Hops", "Opening", "open_search", "small_chain", "small_dag"]

#: frontier work (adjacency slots) up to which a level is expanded in Python; beyond it one
#: numpy level is cheaper than the Python loop (measured on ca-GrQc and the 3M synthetic graph)
MAX_WORK = 400


@dataclass
class Opening:
    """State of the Python search: per-side distances, frontiers, depths and frontier work.

    ``met`` is the sorted meeting layer when the two sides met (``d = ls + lt``), else empty:
    then ``fs``/``ft`` are the frontiers to continue from (empty when a side ran dry: no
    chain), unless ``d`` is set by ``max_length`` cutting the search off (``d = -1``).
    """

    dist_s: dict[int, int]
    dist_t: dict[int, int]
    fs: list[int]
    ft: list[int]
    ls: int
    lt: int
    work_s: int
    work_t: int
    met: list[int]
    d: int | None = None


def _degree(indptr: np.ndarray, u: int) -> int:
    return int(indptr[u + 1] - indptr[u])


def _work(indptr: np.ndarray, nodes: list[int]) -> int:
    """Sum of the degrees of ``nodes``: ``bidirectional.frontier_work`` on a list."""
    if len(nodes) < 4:
        return sum(_degree(indptr, u) for u in nodes)
    x = np.array(nodes, dtype=np.int64)
    return int((indptr[x + 1] - indptr[x]).sum())


def open_search(
    G: CoauthorGraph, s: int, t: int, max_length: int | None, first_only: bool = False
) -> Opening:
    """Run the bidirectional BFS from ``s`` to ``t`` (``s != t``) while levels are small.

    With ``first_only`` the search stops at the first meeting node (the distance is then
    known: every meeting node of a level lies at the same depths) and ``met`` holds just it.
    """
    indptr, indices = G.indptr, G.indices
    dist_s, dist_t = {s: 0}, {t: 0}
    fs, ft = [s], [t]
    work_s, work_t = _degree(indptr, s), _degree(indptr, t)
    ls = lt = 0
    op = Opening(dist_s, dist_t, fs, ft, ls, lt, work_s, work_t, [])
    while fs and ft:
        if max_length is not None and ls + lt >= max_length:
            op.d = -1
            return op
        forward = work_s <= work_t
        if (work_s if forward else work_t) > MAX_WORK:
            break
        frontier, mine, other = (fs, dist_s, dist_t) if forward else (ft, dist_t, dist_s)
        level = (ls if forward else lt) + 1
        new: list[int] = []
        met: list[int] = []
        for u in frontier:
            for v in indices[indptr[u] : indptr[u + 1]].tolist():
                if v not in mine:
                    mine[v] = level
                    new.append(v)
                    if v in other:
                        met.append(v)
                        if first_only:
                            break
            if met and first_only:
                break
        work = _work(indptr, new)
        if forward:
            fs, ls, work_s = new, level, work
        else:
            ft, lt, work_t = new, level, work
        if met:
            op.met = sorted(met)
            op.d = ls + lt
            break
    op.fs, op.ft, op.ls, op.lt, op.work_s, op.work_t = fs, ft, ls, lt, work_s, work_t
    return op


Hops = tuple[list[int], list[int], list[int]]


def small_dag(G: CoauthorGraph, op: Opening) -> tuple[list[list[int]], list[Hops]]:
    """Layers and hops of every shortest chain of a search that met in Python: what
    ``bidirectional._dag`` computes, from the dicts (pruned towards ``s`` and towards ``t``
    from the meeting layer)."""
    assert op.d is not None and op.d >= 0
    d, ls = op.d, op.ls
    indptr, indices = G.indptr, G.indices
    layers: list[list[int]] = [[] for _ in range(d + 1)]
    hops: list[Hops] = [([], [], []) for _ in range(d)]
    layers[ls] = op.met
    for j in range(ls, 0, -1):
        src, slots, dst = hops[j - 1]
        for u in layers[j]:
            a = int(indptr[u])
            for i, v in enumerate(indices[a : indptr[u + 1]].tolist()):
                if op.dist_s.get(v) == j - 1:
                    src.append(v)
                    slots.append(a + i)  # in u's row: both slots of an edge carry its papers
                    dst.append(u)
        layers[j - 1] = sorted(set(src))
    for j in range(ls, d):
        src, slots, dst = hops[j]
        for u in layers[j]:
            a = int(indptr[u])
            for i, v in enumerate(indices[a : indptr[u + 1]].tolist()):
                if op.dist_t.get(v) == d - j - 1:
                    src.append(u)
                    slots.append(a + i)
                    dst.append(v)
        layers[j + 1] = sorted(set(dst))
    return layers, hops


def small_chain(G: CoauthorGraph, s: int, hops: list[Hops]) -> list[int]:
    """``paths.shortest_path``'s chain from the hops of :func:`small_dag`: from ``s``, each
    step takes the hop with the most joint papers, then the lowest node index."""
    path = [s]
    for src, slots, dst in hops:
        u = path[-1]
        cand = [(sl, y) for x, sl, y in zip(src, slots, dst, strict=True) if x == u]
        if len(cand) == 1:
            path.append(cand[0][1])
            continue
        papers = G.papers[[sl for sl, _ in cand]].tolist()
        path.append(min((-p, y) for p, (_, y) in zip(papers, cand, strict=True))[1])
    return path
