"""Communities of co-authors (Louvain / Leiden modularity, igraph) and their central members.

Edges are weighted by Newman's collaboration weight (``G.weight``: Σ 1/(n-1) over joint papers),
not by the joint-paper count: an author's papers add at most one unit of weight each, so a
prolific pair does not outweigh a whole group, and many-author papers do not glue groups
together. Communities are lists of node indices; callers map them to author ids.
"""

from __future__ import annotations

import random
from contextlib import contextmanager
from typing import TYPE_CHECKING, Literal

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.analytics import to_igraph

if TYPE_CHECKING:
    from collections.abc import Iterator

    import igraph

    from graphsvc.graph.csr import CoauthorGraph

__all__ = ["central_members", "communities", "induced_csr", "modularity"]


def induced_csr(G: CoauthorGraph, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR ``(indptr, indices, slots)`` of the subgraph induced by ``nodes`` (sorted, distinct).

    Local node ``i`` is ``nodes[i]``; ``slots`` maps every local slot to the slot of ``G`` it
    comes from (for per-slot values such as ``weight``).

    Examples
    --------
    >>> from graphsvc.graph.csr import CoauthorGraph, Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(4), [[0, 1, 2], [2, 3]]))
    >>> ptr, idx, _ = induced_csr(G, np.array([1, 2, 3]))
    >>> ptr.tolist(), idx.tolist()
    ([0, 1, 3, 4], [1, 0, 2, 1])
    """
    nodes = np.asarray(nodes, dtype=np.int64)
    local = np.full(int(G.n), -1, dtype=np.int64)
    local[nodes] = np.arange(nodes.size)
    indptr = np.asarray(G.indptr, dtype=np.int64)
    starts = indptr[nodes]
    lens = indptr[nodes + 1] - starts
    total = int(lens.sum())
    ends = np.cumsum(lens)
    slots = np.repeat(starts - (ends - lens), lens) + np.arange(total, dtype=np.int64)
    rows = np.repeat(np.arange(nodes.size, dtype=np.int64), lens)
    cols = local[G.indices[slots]]
    keep = cols >= 0
    out_ptr = np.zeros(nodes.size + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[keep], minlength=nodes.size), out=out_ptr[1:])
    # G's rows are sorted by neighbour index and local numbering keeps that order
    return out_ptr, cols[keep].astype(np.int32), slots[keep]


@contextmanager
def _seeded_igraph(seed: int) -> Iterator[None]:
    """igraph draws from one process-wide generator (Python's ``random`` by default); give it a
    private seeded one for the call so results depend on ``seed`` only."""
    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


def _subgraph(G: CoauthorGraph, nodes: np.ndarray | None) -> tuple[igraph.Graph, np.ndarray]:
    if nodes is None:
        return to_igraph(G.indptr, G.indices, G.weight), np.arange(int(G.n), dtype=np.int64)
    sel = np.unique(np.asarray(nodes, dtype=np.int64))
    if sel.size and (sel[0] < 0 or sel[-1] >= G.n):
        raise InvalidQuery("community nodes must be node indices of the graph")
    ptr, idx, slots = induced_csr(G, sel)
    return to_igraph(ptr, idx, np.asarray(G.weight)[slots]), sel


def communities(
    G: CoauthorGraph,
    *,
    method: Literal["louvain", "leiden"] = "louvain",
    nodes: np.ndarray | None = None,
    seed: int = 0,
    resolution: float = 1.0,
) -> list[np.ndarray]:
    """Modularity communities, largest first (ties: smallest first node), each sorted.

    Parameters
    ----------
    G : CoauthorGraph
    method : {"louvain", "leiden"}
        igraph's ``community_multilevel`` (Blondel et al.) or ``community_leiden`` with the
        modularity objective (Traag et al.; run until stable).
    nodes : array of node indices, optional
        Partition the subgraph these nodes induce (e.g. an ego network or a cohort).
    seed : int
        The same seed gives the same partition.
    resolution : float
        Modularity resolution γ; larger gives more, smaller communities.

    Returns
    -------
    list of int64 arrays of node indices of ``G``; every node of the (sub)graph is in exactly
    one, an author without co-authors in the subgraph being its own community.

    Examples
    --------
    >>> from graphsvc.graph.csr import CoauthorGraph, Memberships
    >>> two_triangles = [[0, 1, 2], [3, 4, 5], [2, 3]]
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(6), two_triangles))
    >>> [c.tolist() for c in communities(G)]
    [[0, 1, 2], [3, 4, 5]]
    """
    if method not in ("louvain", "leiden"):
        raise InvalidQuery(f"unknown community method {method!r}; use 'louvain' or 'leiden'")
    if resolution <= 0:
        raise InvalidQuery("resolution must be positive")
    g, names = _subgraph(G, nodes)
    if g.vcount() == 0:
        return []
    with _seeded_igraph(seed):
        if g.ecount() == 0:
            membership = np.arange(g.vcount())
        elif method == "louvain":
            part = g.community_multilevel(weights="weight", resolution=resolution)
            membership = np.asarray(part.membership)
        else:
            part = g.community_leiden(
                objective_function="modularity",
                weights="weight",
                resolution=resolution,
                n_iterations=-1,
            )
            membership = np.asarray(part.membership)
    return _groups(membership, names)


def _groups(membership: np.ndarray, names: np.ndarray) -> list[np.ndarray]:
    """Split ``names`` by community label: largest first, ties by smallest member."""
    order = np.lexsort((names, membership))
    labels = membership[order]
    cuts = np.flatnonzero(np.diff(labels)) + 1
    groups = np.split(names[order], cuts)
    groups.sort(key=lambda c: (-c.size, int(c[0])))
    return groups


def modularity(G: CoauthorGraph, parts: list[np.ndarray], *, resolution: float = 1.0) -> float:
    """Weighted modularity of a partition of ``G``'s nodes (those not listed: singletons).

    ``Q = Σ_c [W_c / W - γ (S_c / 2W)²]`` with ``W`` the total edge weight, ``W_c`` the weight
    inside community ``c`` and ``S_c`` the total strength of its nodes.

    Examples
    --------
    >>> from graphsvc.graph.csr import CoauthorGraph, Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(4), [[0, 1], [2, 3]]))
    >>> modularity(G, [np.array([0, 1]), np.array([2, 3])])
    0.5
    """
    n = int(G.n)
    label = np.arange(n, dtype=np.int64) + len(parts)
    for i, c in enumerate(parts):
        label[np.asarray(c, dtype=np.int64)] = i
    w = np.asarray(G.weight, dtype=np.float64)
    total = w.sum() / 2
    if total == 0:
        return 0.0
    rows = np.repeat(np.arange(n), np.diff(G.indptr))
    same = label[rows] == label[G.indices]
    inside = np.bincount(label[rows][same], weights=w[same], minlength=n + len(parts)) / 2
    strength = np.bincount(label[rows], weights=w, minlength=n + len(parts))
    return float((inside / total - resolution * (strength / (2 * total)) ** 2).sum())


def central_members(G: CoauthorGraph, community_nodes: np.ndarray, k: int = 5) -> np.ndarray:
    """The ``k`` most central members of a community: by collaboration strength inside it.

    Strength is the sum of ``G.weight`` over a member's edges to other members (how much of
    their work is shared with the community); ties go to more co-authors inside, then more
    papers in the window, then the smaller node index.

    Examples
    --------
    >>> from graphsvc.graph.csr import CoauthorGraph, Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(4), [[0, 1], [1, 2], [1, 3], [3]]))
    >>> central_members(G, np.array([0, 1, 2, 3]), 2).tolist()
    [1, 3]
    """
    if k < 0:
        raise InvalidQuery("k must be >= 0")
    nodes = np.unique(np.asarray(community_nodes, dtype=np.int64))
    if nodes.size == 0 or k == 0:
        return np.zeros(0, dtype=np.int64)
    ptr, idx, slots = induced_csr(G, nodes)
    rows = np.repeat(np.arange(nodes.size), np.diff(ptr))
    strength = np.bincount(rows, weights=np.asarray(G.weight)[slots], minlength=nodes.size)
    inside_deg = np.diff(ptr)
    papers = np.asarray(G.paper_counts())[nodes]
    order = np.lexsort((nodes, -papers, -inside_deg, -strength))
    return nodes[order[:k]]
