"""Collaboration distance and shortest / strongest chains: vectorised BFS over the CSR graph.

All functions take the graph first and node indices (not author ids) in and out. Two optional
masks restrict the graph:

``slot_mask``
    Boolean per CSR slot, True = the edge may be used. It must be symmetric (both slots of an
    edge agree); build it with :func:`slot_mask_min_papers`, :func:`slot_mask_avoid_papers`, or
    ``&`` of several.
``node_mask``
    Boolean per node, True = the chain may pass *through* the node. The two ends of a query are
    always allowed, so ``node_mask`` only restricts intermediate authors ("avoid these people").
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.csr import CoauthorGraph, paper_pairs, visit
from graphsvc.graph.strongest import strongest_path
from graphsvc.graph.workspace import stamp_visit, workspace

__all__ = [
    "all_shortest_paths",
    "count_shortest_paths",
    "distance",
    "distance_count",
    "distance_profile",
    "distances_from",
    "shortest_path",
    "slot_mask_avoid_papers",
    "slot_mask_min_papers",
    "strongest_path",
]



# ----------------------------------------------------------------------------- masks
def slot_mask_min_papers(G: CoauthorGraph, w: int) -> np.ndarray:
    """Slots of edges with at least ``w`` joint counted papers (every edge when ``w <= 1``,
    ties without papers included).

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers([1, 2, 3], [[1, 2], [1, 2], [2, 3]]))
    >>> slot_mask_min_papers(G, 2).tolist()  # slots: 0-1, 1-0, 1-2, 2-1
    [True, True, False, False]
    """
    if w <= 1:
        return np.ones(G.papers.size, dtype=bool)
    return np.asarray(G.papers >= w)


def slot_mask_avoid_papers(G: CoauthorGraph, paper_indices: np.ndarray | list[int]) -> np.ndarray:
    """Slots of edges that keep at least one joint counted paper once ``paper_indices`` are removed.

    Papers that are not counted in ``G`` (outside the window, too large a team) are ignored.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers([1, 2, 3], [[1, 2], [1, 2, 3]]))
    >>> slot_mask_avoid_papers(G, [1]).tolist()  # 1-2 keeps paper 0, 1-3 and 2-3 lose all
    [True, False, True, False, False, False]
    """
    papers = np.unique(np.asarray(paper_indices, dtype=np.int64))
    papers = papers[(papers >= 0) & (papers < G.n_papers)]
    papers = papers[G.paper_counted[papers]]
    mem = G.memberships
    lo, hi, _ = paper_pairs(mem.paper_ptr, mem.paper_members, papers)
    removed = np.bincount(G.edge_slots(lo, hi), minlength=G.indices.size)
    removed += np.bincount(G.edge_slots(hi, lo), minlength=G.indices.size)
    # an edge known only from ties (0 papers) loses no paper
    return np.asarray((G.papers > removed) | (G.papers == 0))


def _check_masks(
    G: CoauthorGraph, node_mask: np.ndarray | None, slot_mask: np.ndarray | None
) -> None:
    if node_mask is not None and np.shape(node_mask) != (G.n,):
        raise InvalidQuery(f"node_mask must have shape ({G.n},), got {np.shape(node_mask)}")
    if slot_mask is not None and np.shape(slot_mask) != G.indices.shape:
        raise InvalidQuery(
            f"slot_mask must have shape {G.indices.shape}, got {np.shape(slot_mask)}"
        )


def _check_node(G: CoauthorGraph, u: int, what: str) -> int:
    u = int(u)
    if not 0 <= u < G.n:
        raise InvalidQuery(f"{what} node {u} is outside 0..{G.n - 1}")
    return u


def _pass_mask(G: CoauthorGraph, node_mask: np.ndarray | None, *ends: int) -> np.ndarray | None:
    """``node_mask`` with the query's end points always allowed (a copy; None stays None)."""
    if node_mask is None:
        return None
    nm = np.array(node_mask, dtype=bool, copy=True)
    nm[list(ends)] = True
    return nm


# ----------------------------------------------------------------------------- BFS kernel
def _frontier_work(G: CoauthorGraph, frontier: np.ndarray) -> int:
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


@dataclass
class _Meet:
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


def _bidirectional(
    G: CoauthorGraph,
    s: int,
    t: int,
    node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
    max_length: int | None,
) -> _Meet | None:
    """Level-synchronous bidirectional BFS, always expanding the side with less work.

    When a full level expanded from one side first reaches nodes the other side has seen, every
    such node lies at exactly ``ls`` from ``s`` and ``lt`` from ``t`` with ``ls + lt = d``: a
    shorter chain would have had a node seen from both sides one expansion earlier.
    """
    ws = workspace(G)
    dist_s, dist_t = ws.hops
    base = ws.begin()
    dist_s[s] = base
    dist_t[t] = base
    if s == t:
        return _Meet(0, dist_s, dist_t, base, 0, 0, np.array([s], dtype=np.int64))
    fs = np.array([s], dtype=np.int64)
    ft = np.array([t], dtype=np.int64)
    ws_work, wt_work = _frontier_work(G, fs), _frontier_work(G, ft)
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
            return _Meet(ls + lt, dist_s, dist_t, base, ls, lt, np.sort(met).astype(np.int64))
        work = _frontier_work(G, new)
        if forward:
            fs, ls, ws_work = new, level, work
        else:
            ft, lt, wt_work = new, level, work
    return None


@dataclass
class _Dag:
    """Every shortest s–t chain at once: ``layers[j]`` (sorted) are the nodes at position j,
    ``edges[j]`` the usable hops ``(source, slot, target)`` from ``layers[j]`` to
    ``layers[j + 1]``."""

    layers: list[np.ndarray]
    edges: list[tuple[np.ndarray, np.ndarray, np.ndarray]]
    _ranked: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    def children(self, G: CoauthorGraph, j: int, u: int) -> list[int]:
        """DAG successors of ``u`` (in ``layers[j]``), strongest hop first (most joint
        papers), then lower author id (node index order is author id order)."""
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
    meet: _Meet,
    node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
) -> _Dag:
    """The layered DAG of every shortest s–t chain, with its hops.

    Pruned backwards from the middle layer towards ``s`` (predecessors one level nearer ``s``)
    and forwards towards ``t`` (successors one level nearer ``t``), so every node kept lies on a
    shortest chain and every usable edge between consecutive layers is a hop of one. Each
    expansion yields the hops between two layers as well, so counting and walking the chains
    needs no second pass over the graph.
    """
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
    return _Dag(layers, edges)


# ----------------------------------------------------------------------------- public API
def distance(
    G: CoauthorGraph,
    s: int,
    t: int,
    *,
    node_mask: np.ndarray | None = None,
    slot_mask: np.ndarray | None = None,
    max_length: int | None = None,
) -> int | None:
    """Collaboration distance: hops on a shortest chain of co-author edges.

    Parameters
    ----------
    G : CoauthorGraph
    s, t : int
        Node indices.
    node_mask, slot_mask : ndarray of bool, optional
        Allowed intermediate nodes / usable edge slots (see the module docstring).
    max_length : int, optional
        Give up (return None) when the distance would exceed this.

    Returns
    -------
    int or None
        None when ``s`` and ``t`` are not connected (within ``max_length``).

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(5), [[0, 1], [1, 2], [2, 3], [4]]))
    >>> distance(G, 0, 3), distance(G, 0, 4), distance(G, 0, 3, max_length=2)
    (3, None, None)
    """
    s, t = _check_node(G, s, "source"), _check_node(G, t, "target")
    _check_masks(G, node_mask, slot_mask)
    meet = _bidirectional(G, s, t, _pass_mask(G, node_mask, s, t), slot_mask, max_length)
    return None if meet is None else meet.d


def _shortest_dag(
    G: CoauthorGraph,
    s: int,
    t: int,
    node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
    max_length: int | None,
) -> _Dag | None:
    s, t = _check_node(G, s, "source"), _check_node(G, t, "target")
    _check_masks(G, node_mask, slot_mask)
    nm = _pass_mask(G, node_mask, s, t)
    meet = _bidirectional(G, s, t, nm, slot_mask, max_length)
    if meet is None:
        return None
    return _dag(G, meet, nm, slot_mask)


def shortest_path(
    G: CoauthorGraph,
    s: int,
    t: int,
    *,
    node_mask: np.ndarray | None = None,
    slot_mask: np.ndarray | None = None,
    max_length: int | None = None,
) -> list[int] | None:
    """One shortest chain ``[s, …, t]`` chosen deterministically, or None when unconnected.

    The rule ("stronger edges first, then ids"): starting at ``s``, each step moves to a
    neighbour that lies on *some* shortest chain to ``t``; among those it takes the one whose
    hop has the most joint counted papers (``G.papers``), and among equally strong hops the one
    with the lowest author id. This is a greedy choice per hop from ``s``, so it is not
    necessarily the chain with the largest total of papers.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> papers = [[1, 2], [2, 4], [1, 3], [1, 3], [3, 4]]
    >>> G = CoauthorGraph.build(Memberships.from_papers([1, 2, 3, 4], papers))
    >>> [int(G.author_ids[u]) for u in shortest_path(G, 0, 3)]  # 1-3 has 2 papers, 1-2 one
    [1, 3, 4]
    """
    dag = _shortest_dag(G, s, t, node_mask, slot_mask, max_length)
    if dag is None:
        return None
    path = [int(s)]
    for j in range(len(dag.layers) - 1):
        path.append(dag.children(G, j, path[-1])[0])
    return path


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
    s, t = _check_node(G, s, "source"), _check_node(G, t, "target")
    if s == t:
        return 0, 1
    ws = workspace(G)
    dist_s, dist_t = ws.hops
    sig_s, sig_t = ws.sigma()
    base = ws.begin()
    dist_s[s] = dist_t[t] = base
    sig_s[s] = sig_t[t] = 1.0
    fs = np.array([s], dtype=np.int64)
    ft = np.array([t], dtype=np.int64)
    ws_work, wt_work = _frontier_work(G, fs), _frontier_work(G, ft)
    ls = lt = 0
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
                return _dag_count(G, s, t, None, None, max_length)
            return (ls + lt + 1), int(total)
        work = _frontier_work(G, new)
        if forward:
            fs, ls, ws_work = new, level, work
        else:
            ft, lt, wt_work = new, level, work
    return None, 0


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
    return _dag_count(G, s, t, node_mask, slot_mask, max_length)


def _dag_count(
    G: CoauthorGraph,
    s: int,
    t: int,
    node_mask: np.ndarray | None,
    slot_mask: np.ndarray | None,
    max_length: int | None,
) -> tuple[int | None, int]:
    dag = _shortest_dag(G, s, t, node_mask, slot_mask, max_length)
    if dag is None:
        return None, 0
    return len(dag.layers) - 1, dag.count()


def all_shortest_paths(
    G: CoauthorGraph,
    s: int,
    t: int,
    *,
    limit: int,
    node_mask: np.ndarray | None = None,
    slot_mask: np.ndarray | None = None,
    max_length: int | None = None,
) -> tuple[int | None, int, list[list[int]]]:
    """Distance, exact number of shortest chains, and up to ``limit`` of them.

    The chains come in a deterministic order: a depth-first walk of the shortest-path DAG that
    tries the successors of each node in :func:`shortest_path`'s preference order (most joint
    papers on the hop, then lower author id). So ``paths[0] == shortest_path(G, s, t)`` and the
    order is lexicographic in those per-hop preferences.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> papers = [[0, 1], [0, 2], [0, 2], [1, 3], [2, 3]]
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(4), papers))
    >>> all_shortest_paths(G, 0, 3, limit=5)
    (2, 2, [[0, 2, 3], [0, 1, 3]])
    """
    if limit < 0:
        raise InvalidQuery(f"limit must be >= 0, got {limit}")
    dag = _shortest_dag(G, s, t, node_mask, slot_mask, max_length)
    if dag is None:
        return None, 0, []
    d = len(dag.layers) - 1
    count = dag.count()
    paths: list[list[int]] = []
    children: dict[int, list[int]] = {}
    # iterative DFS; every DAG node reaches t, so each descent ends in a full chain
    stack: list[tuple[int, int]] = [(int(s), 0)]  # (node, index of next child to try)
    chain = [int(s)]
    while stack and len(paths) < limit:
        u, i = stack[-1]
        if len(chain) == d + 1:
            paths.append(list(chain))
            stack.pop()
            chain.pop()
            continue
        kids = children.get(u)
        if kids is None:
            kids = children[u] = dag.children(G, len(chain) - 1, u)
        if i >= len(kids):
            stack.pop()
            chain.pop()
            continue
        stack[-1] = (u, i + 1)
        stack.append((kids[i], 0))
        chain.append(kids[i])
    return d, count, paths


def distances_from(
    G: CoauthorGraph,
    s: int,
    targets: np.ndarray | list[int],
    *,
    node_mask: np.ndarray | None = None,
    slot_mask: np.ndarray | None = None,
    max_length: int | None = None,
) -> np.ndarray:
    """Distances from ``s`` to many targets with one BFS (int64, -1 = unreachable).

    Stops as soon as every target is reached. ``result[i] == distance(G, s, targets[i])`` for
    the same masks: a target is always allowed as an end even where ``node_mask`` forbids
    passing through it.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(5), [[0, 1], [1, 2], [2, 3], [4]]))
    >>> distances_from(G, 0, [3, 0, 4, 1]).tolist()
    [3, 0, -1, 1]
    """
    s = _check_node(G, s, "source")
    tg = np.asarray(targets, dtype=np.int64)
    if tg.size and (tg.min() < 0 or tg.max() >= G.n):
        raise InvalidQuery("a target node is outside the graph")
    _check_masks(G, node_mask, slot_mask)
    dist = np.full(G.n, -1, dtype=np.int64)
    dist[s] = 0
    pending = np.unique(tg[tg != s])
    frontier = np.array([s], dtype=np.int64)
    level = 0
    while frontier.size and pending.size:
        if max_length is not None and level >= max_length:
            break
        level += 1
        # masked nodes are reached (they may be targets) but never expanded
        _, _, nbr = G.expand(frontier, node_mask=None, slot_mask=slot_mask)
        new = visit(dist, nbr, level)
        frontier = new if node_mask is None else new[node_mask[new]]
        pending = pending[dist[pending] < 0]
    return dist[tg]


def distance_profile(
    G: CoauthorGraph,
    s: int,
    *,
    slot_mask: np.ndarray | None = None,
    node_mask: np.ndarray | None = None,
) -> tuple[list[int], int]:
    """Erdős-number profile of ``s``: authors at each distance, and how many are unreachable.

    Returns
    -------
    counts : list of int
        ``counts[i]`` = number of nodes at distance ``i`` (``counts[0] == 1``, ``s`` itself).
    unreachable : int
        Nodes not connected to ``s``. Nodes excluded by ``node_mask`` are neither counted at a
        distance nor as unreachable (they are outside the graph asked about).

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(5), [[0, 1], [1, 2], [0, 3], [4]]))
    >>> distance_profile(G, 0)
    ([1, 2, 1], 1)
    """
    s = _check_node(G, s, "source")
    _check_masks(G, node_mask, slot_mask)
    nm = _pass_mask(G, node_mask, s)
    dist = np.full(G.n, -1, dtype=np.int32)
    dist[s] = 0
    frontier = np.array([s], dtype=np.int64)
    counts = [1]
    while True:
        _, _, nbr = G.expand(frontier, node_mask=nm, slot_mask=slot_mask)
        new = visit(dist, nbr, len(counts))
        if not new.size:
            break
        counts.append(int(new.size))
        frontier = new
    allowed = G.n if nm is None else int(np.count_nonzero(nm))
    return counts, allowed - sum(counts)
