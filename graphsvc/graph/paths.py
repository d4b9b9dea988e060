"""Collaboration distance and shortest / strongest chains: vectorised BFS over the CSR graph.

All functions take the graph first and node indices (not author ids) in and out, and take two
optional masks, ``slot_mask`` (usable edges) and ``node_mask`` (authors a chain may pass
through), as ``graphsvc.graph.masks`` describes and builds them. The search itself is
``graphsvc.graph.bidirectional``; path counts (``graphsvc.graph.pathcount``), strongest paths
(``graphsvc.graph.strongest``) and the mask builders are re-exported here.
"""

from __future__ import annotations

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.bidirectional import bidirectional, shortest_chain, shortest_dag
from graphsvc.graph.csr import CoauthorGraph, visit
from graphsvc.graph.masks import (
    check_masks,
    check_node,
    pass_mask,
    slot_mask_avoid_papers,
    slot_mask_min_papers,
)
from graphsvc.graph.native import native_max_length, searcher
from graphsvc.graph.pathcount import count_shortest_paths, dag_count, distance_count
from graphsvc.graph.strongest import strongest_path

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
    s, t = check_node(G, s, "source"), check_node(G, t, "target")
    if node_mask is None and slot_mask is None:
        sr = searcher(G)
        if sr is not None:
            return sr.distance(s, t, native_max_length(max_length))
    check_masks(G, node_mask, slot_mask)
    meet = bidirectional(G, s, t, pass_mask(G, node_mask, s, t), slot_mask, max_length,
                         first_only=True)
    return None if meet is None else meet.d


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
    return shortest_chain(G, s, t, node_mask, slot_mask, max_length)


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
    if limit == 1 and node_mask is None and slot_mask is None and s != t:
        sr = searcher(G)
        both = getattr(sr, "shortest_path_count", None)  # None: a module built before it
        if both is not None:  # the API's plain shortest path: count and chain, one C search
            s, t = check_node(G, s, "source"), check_node(G, t, "target")
            d, count, chain = both(s, t, native_max_length(max_length))
            if d is None:
                return None, 0, []
            if count is None:  # past 2**64 chains: counted exactly over the DAG
                count = dag_count(G, s, t, None, None, max_length)[1]
            return d, count, [chain]
        if sr is not None:
            d, count = distance_count(G, s, t, max_length=max_length)
            if d is None:
                return None, 0, []
            return d, count, [sr.shortest_path(s, t, native_max_length(max_length))]
    dag = shortest_dag(G, s, t, node_mask, slot_mask, max_length)
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
    s = check_node(G, s, "source")
    tg = np.asarray(targets, dtype=np.int64)
    if tg.size and (tg.min() < 0 or tg.max() >= G.n):
        raise InvalidQuery("a target node is outside the graph")
    check_masks(G, node_mask, slot_mask)
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
    s = check_node(G, s, "source")
    check_masks(G, node_mask, slot_mask)
    nm = pass_mask(G, node_mask, s)
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
