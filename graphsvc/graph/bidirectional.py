"""The search under every shortest-chain query: a level-synchronous bidirectional BFS that expands
the cheaper side, and the layered DAG of every shortest chain it found (with the hops between
layers, so counting and walking the chains needs no second pass over the graph).

Node indices in and out; masks as ``graphsvc.graph.masks`` describes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graphsvc.graph.csr import CoauthorGraph
from graphsvc.graph.masks import check_masks, check_node, pass_mask
from graphsvc.graph.native import native_max_length, searcher
from graphsvc.graph.smallsearch import (
    Opening,
    open_search,
    small_chain,
    small_dag,
)
from graphsvc.graph.workspace import stamp_visit, workspace

__all__ = ["Dag", "Meet", "bidirectional", "frontier_work", "shortest_chain", "shortest_dag"]


def frontier_work(G: CoauthorGraph, frontier: np.ndarray) -> int:
    if frontier.size == 1:
        u = int(frontier[0])
        return int(G.indptr[u + 1] - G.indptr[u])
    return int((G.indptr[frontier + 1] - G.indptr[frontier]).sum())


def _neighbours(
    G: CoauthorGraph,
    frontier: np.ndarray,
    node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
) -> np.ndarray:
    """Every usable neighbour of the nodes of ``frontier`` (with repeats): ``expand``'s third
    array, without the gathers it needs for sources and slots when nothing is masked."""
    if node_mask is not None or slot_mask is not None:
        return G.expand(frontier, node_mask=node_mask, slot_mask=slot_mask)[2]
    if frontier.size == 1:
        u = int(frontier[0])
        return G.indices[G.indptr[u] : G.indptr[u + 1]]
    return G.expand(frontier)[2]


_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass
class Meet:
    """Outcome of a bidirectional BFS that met: distance and the fully explored levels.

    ``dist_s[v] - base`` is the distance from s for nodes within ``ls`` of s (any value below
    ``base`` means "not reached"); likewise ``dist_t`` within ``lt`` of t. The arrays are the
    thread's reusable workspace (see ``graph.workspace``): valid until its next query.
    """

    d: int
    dist_s: np.ndarray
    dist_t: np.ndarray
    base: int
    ls: int
    lt: int
    middle: np.ndarray  # nodes at ls from s and lt from t (sorted)
    #: the search met while still in plain Python (``graph.smallsearch``): its dicts and
    #: level sets hold the distances and the meeting layer (the arrays are then empty)
    small: Opening | None = None


def bidirectional(
    G: CoauthorGraph,
    s: int,
    t: int,
    node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
    max_length: int | None,
    first_only: bool = False,
    opened: Opening | None = None,
) -> Meet | None:
    """Level-synchronous bidirectional BFS, always expanding the side with less work.

    When a full level expanded from one side first reaches nodes the other side has seen, every
    such node lies at exactly ``ls`` from ``s`` and ``lt`` from ``t`` with ``ls + lt = d``: a
    shorter chain would have had a node seen from both sides one expansion earlier. Unmasked
    searches open in plain Python while their levels are small (``graph.smallsearch``); with
    ``first_only`` (the distance alone is wanted) a search that meets there stops at the first
    edge between the two sides. ``opened`` is such an opening already run (that did not
    meet), to continue from.
    """
    op = opened
    if op is None and node_mask is None and slot_mask is None and s != t:
        op = open_search(G, s, t, max_length, first_only=first_only)
    if op is not None:
        if op.d is not None:  # met (or cut off) in Python: no numpy array touched
            if op.d < 0:
                return None
            return Meet(op.d, _EMPTY, _EMPTY, 0, op.ls, op.d - op.ls, _EMPTY, op)
        if not op.fs or not op.ft:
            return None
    ws = workspace(G)
    dist_s, dist_t = ws.hops
    base = ws.begin()
    dist_s[s] = base
    dist_t[t] = base
    if s == t:
        return Meet(0, dist_s, dist_t, base, 0, 0, np.array([s], dtype=np.int64))
    if op is not None:
        for dist, levels in ((dist_s, op.levels_s), (dist_t, op.levels_t)):
            for k, nodes in enumerate(levels):
                dist[np.fromiter(nodes, np.int64, len(nodes))] = base + k
        fs = np.fromiter(op.fs, np.int64, len(op.fs))
        ft = np.fromiter(op.ft, np.int64, len(op.ft))
        ls, lt, ws_work, wt_work = op.ls, op.lt, op.work_s, op.work_t
    else:
        fs = np.array([s], dtype=np.int64)
        ft = np.array([t], dtype=np.int64)
        ws_work, wt_work = frontier_work(G, fs), frontier_work(G, ft)
        ls = lt = 0
    while fs.size and ft.size:
        if max_length is not None and ls + lt >= max_length:
            return None
        forward = ws_work <= wt_work
        frontier, mine, other = (fs, dist_s, dist_t) if forward else (ft, dist_t, dist_s)
        level = (ls if forward else lt) + 1
        nbr = _neighbours(G, frontier, node_mask, slot_mask)
        new = stamp_visit(mine, nbr, base, level)
        met = new[other[new] >= base]
        if met.size:
            if forward:
                ls = level
            else:
                lt = level
            return Meet(ls + lt, dist_s, dist_t, base, ls, lt, np.sort(met).astype(np.int64))
        work = frontier_work(G, new)
        if forward:
            fs, ls, ws_work = new, level, work
        else:
            ft, lt, wt_work = new, level, work
    return None


#: layers of at most this many hops are scanned in Python by ``Dag.children``
_SCAN = 32


@dataclass
class Dag:
    """Every shortest s–t chain at once: ``layers[j]`` (sorted) are the nodes at position j,
    ``edges[j]`` the usable hops ``(source, slot, target)`` from ``layers[j]`` to
    ``layers[j + 1]``."""

    layers: list[np.ndarray]
    edges: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    _ranked: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def children(self, G: CoauthorGraph, j: int, u: int) -> list[int]:
        """DAG successors of ``u`` (in ``layers[j]``), strongest hop first (most joint
        papers), then lower author id (node index order is author id order)."""
        if self.edges[j][0].size <= _SCAN:  # a short layer: sorting in Python costs less
            src, slots, dst = self.edges[j]
            hops = zip(src.tolist(), G.papers[slots].tolist(), dst.tolist(), strict=True)
            return [y for _, y in sorted((-p, y) for x, p, y in hops if x == u)]
        ranked = self._ranked.get(j)
        if ranked is None:
            src, slots, dst = self.edges[j]
            if src.size == 1:
                ranked = self._ranked[j] = (src, dst)
            else:
                order = np.lexsort((dst, -G.papers[slots].astype(np.int64), src))
                ranked = self._ranked[j] = (src[order], dst[order])
        src, dst = ranked
        if src.size == 1:
            return [int(dst[0])] if int(src[0]) == u else []
        lo, hi = np.searchsorted(src, [u, u + 1])
        return [int(x) for x in dst[lo:hi]]

    def count(self) -> int:
        """Exact number of chains (int64 while safe, then Python ints)."""
        sigma: np.ndarray = np.ones(1, dtype=np.int64)
        for j, (src, _, dst) in enumerate(self.edges):
            if src.size == 1 and sigma.size == 1:
                continue  # a single hop carries the count over unchanged
            src_i = np.searchsorted(self.layers[j], src)
            dst_i = np.searchsorted(self.layers[j + 1], dst)
            if sigma.dtype != object and dst_i.size:
                fan_in = int(np.bincount(dst_i).max())
                if int(sigma.max()) * fan_in >= 2**62:
                    sigma = sigma.astype(object)
            nxt = np.zeros(self.layers[j + 1].size, dtype=sigma.dtype)
            np.add.at(nxt, dst_i, sigma[src_i])
            sigma = nxt
        return int(sigma[0])


def _expand_layer(
    G: CoauthorGraph, layer: np.ndarray, node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if layer.size == 1 and node_mask is None and slot_mask is None:
        u = int(layer[0])
        a, b = int(G.indptr[u]), int(G.indptr[u + 1])
        slots = np.arange(a, b, dtype=np.int64)
        return np.full(b - a, u, dtype=np.int64), slots, G.indices[a:b].astype(np.int64)
    return G.expand(layer, node_mask=node_mask, slot_mask=slot_mask)


def _dag(
    G: CoauthorGraph,
    meet: Meet,
    node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
) -> Dag:
    """The layered DAG of every shortest s–t chain, with its hops.

    Pruned backwards from the middle layer towards ``s`` (predecessors one level nearer ``s``)
    and forwards towards ``t`` (successors one level nearer ``t``), so every node kept lies on a
    shortest chain and every usable edge between consecutive layers is a hop of one. Each
    expansion yields the hops between two layers as well, so counting and walking the chains
    needs no second pass over the graph.
    """
    if meet.small is not None:
        py_layers, py_hops = small_dag(G, meet.small)

        def arr(x: list[int]) -> np.ndarray:
            return np.array(x, dtype=np.int64)

        return Dag([arr(x) for x in py_layers],
                   [(arr(a), arr(b), arr(c)) for a, b, c in py_hops])
    d, ls, base = meet.d, meet.ls, meet.base
    empty = np.zeros(0, dtype=np.int64)
    layers: list[np.ndarray] = [empty] * (d + 1)
    edges: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = [(empty, empty, empty)] * d
    layers[ls] = meet.middle
    for j in range(ls, 0, -1):
        src, slots, nbr = _expand_layer(G, layers[j], node_mask, slot_mask)
        keep = meet.dist_s[nbr] == base + j - 1
        # slots are in the rows of layer j; an edge's two slots hold the same paper count
        edges[j - 1] = (nbr[keep], slots[keep], src[keep])
        layers[j - 1] = np.unique(nbr[keep])
    for j in range(ls, d):
        src, slots, nbr = _expand_layer(G, layers[j], node_mask, slot_mask)
        keep = meet.dist_t[nbr] == base + d - j - 1
        edges[j] = (src[keep], slots[keep], nbr[keep])
        layers[j + 1] = np.unique(nbr[keep])
    return Dag(layers, edges)


def shortest_chain(
    G: CoauthorGraph,
    s: int,
    t: int,
    node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
    max_length: int | None,
) -> list[int] | None:
    """``paths.shortest_path``'s chain (strongest hop first, then lowest id, greedily from
    ``s``), or None; a search that met in plain Python walks its hops without numpy."""
    s, t = check_node(G, s, "source"), check_node(G, t, "target")
    if node_mask is None and slot_mask is None and s != t:
        sr = searcher(G)
        if sr is not None:  # the whole search and walk in C (graph.native)
            return sr.shortest_path(s, t, native_max_length(max_length))
        # the common case straight to the Python search (no Meet, no mask checks)
        op = open_search(G, s, t, max_length)
        if op.d is not None:
            return None if op.d < 0 else small_chain(G, s, op)
        meet = bidirectional(G, s, t, None, None, max_length, opened=op)
        nm = None
    else:
        check_masks(G, node_mask, slot_mask)
        nm = pass_mask(G, node_mask, s, t)
        meet = bidirectional(G, s, t, nm, slot_mask, max_length)
    if meet is None:
        return None
    if meet.small is not None:
        return small_chain(G, s, meet.small)
    dag = _dag(G, meet, nm, slot_mask)
    path = [s]
    for j in range(len(dag.layers) - 1):
        path.append(dag.children(G, j, path[-1])[0])
    return path


def shortest_dag(
    G: CoauthorGraph,
    s: int,
    t: int,
    node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
    max_length: int | None,
) -> Dag | None:
    s, t = check_node(G, s, "source"), check_node(G, t, "target")
    check_masks(G, node_mask, slot_mask)
    nm = pass_mask(G, node_mask, s, t)
    meet = bidirectional(G, s, t, nm, slot_mask, max_length)
    if meet is None:
        return None
    return _dag(G, meet, nm, slot_mask)
