"""Collaborators, ego networks, induced subgraphs (cohorts) and their networkx export."""

from __future__ import annotations

from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.csr import CoauthorGraph
from graphsvc.graph.native import searcher
from graphsvc.graph.workspace import workspace

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    import networkx as nx

__all__ = ["cohort", "collaborators", "ego", "induced_edges", "to_networkx"]

MAX_RADIUS = 3


def collaborators(
    G: CoauthorGraph,
    u: int,
    *,
    min_papers: int = 1,
    names: Sequence[str] | None = None,
) -> list[tuple[int, int, int, int, float]]:
    """Co-authors of ``u`` as ``(node, papers, first_year, last_year, weight)``.

    Ordered by joint papers (desc), then most recent joint year (desc, unknown last), then name
    (casefolded, asc; only when ``names`` — indexed by node — is given), then author id.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> papers = [[1, 2], [1, 3], [1, 3], [1, 4]]
    >>> G = CoauthorGraph.build(Memberships.from_papers([1, 2, 3, 4], papers, years=[2001] * 4))
    >>> [(v, p) for v, p, *_ in collaborators(G, 0, names=["a", "Zed", "b", "alf"])]
    [(2, 2), (3, 1), (1, 1)]
    """
    sr = searcher(G)
    rows: list[tuple[int, int, int, int, float]]
    if sr is not None:  # the row sorted in C (graph.native), in the same order
        rows = sr.collaborators(u, min_papers)
    else:
        rows = _collaborators_py(G, u, min_papers)
    if names is not None:
        # stable sort on the full key keeps the author-id order for equal names
        rows.sort(key=lambda r: (-r[1], -r[3], names[r[0]].casefold()))
    return rows


def _collaborators_py(G: CoauthorGraph, u: int,
                      min_papers: int) -> list[tuple[int, int, int, int, float]]:
    py = G.py
    a, b = py.indptr[u], py.indptr[u + 1]
    # plain lists and one Python sort: a row is short, and per-element numpy reads or a
    # lexsort cost more than the rows themselves (node index order is author id order); the
    # row is read through memoryviews (graph.pyrows), a numpy slice costs more than a row
    # zip without strict: the five views have the same slots
    row: Iterable[tuple[int, int, int, int, float]] = zip(  # noqa: B905
        py.indices[a:b].tolist(), py.papers[a:b].tolist(), py.first_year[a:b].tolist(),
        py.last_year[a:b].tolist(), py.weight[a:b].tolist())
    if min_papers > 1:  # min_papers 1 keeps every co-author, ties without papers included
        row = (r for r in row if r[1] >= min_papers)
    # the row is in author id order and a reversed sort is stable too: equal (papers,
    # last year) keep their id order, with a C key instead of a lambda building tuples
    return sorted(row, key=itemgetter(1, 3), reverse=True)


def ego(
    G: CoauthorGraph,
    u: int,
    *,
    radius: int = 1,
    min_papers: int = 1,
    max_nodes: int | None = None,
) -> tuple[np.ndarray, bool]:
    """Nodes within ``radius`` hops of ``u`` along edges with at least ``min_papers`` papers.

    Returns the nodes in ranking order and whether the set was truncated to ``max_nodes``.
    The ranking (which nodes survive a truncation) is:

    1. the focus ``u`` first;
    2. then by hop distance from ``u``, nearer first;
    3. then by *tie strength to the nearer layer*: the sum of joint papers over the node's
       (qualifying) edges to nodes one hop nearer ``u``, larger first;
    4. then by author id, lower first.

    Because the cut falls inside a single distance layer and every nearer layer is kept whole,
    every kept node still has a kept neighbour one hop nearer: a truncated ego network stays
    connected.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> papers = [[0, 1], [0, 2], [0, 2], [1, 3], [2, 4], [5]]
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(6), papers))
    >>> nodes, cut = ego(G, 0, radius=2)
    >>> nodes.tolist(), cut
    ([0, 2, 1, 3, 4], False)
    >>> ego(G, 0, radius=2, max_nodes=2)[0].tolist(), ego(G, 0, radius=1, min_papers=2)[0].tolist()
    ([0, 2], [0, 2])
    """
    if not 1 <= radius <= MAX_RADIUS:
        raise InvalidQuery(f"radius must be between 1 and {MAX_RADIUS}, got {radius}")
    if max_nodes is not None and max_nodes < 1:
        raise InvalidQuery(f"max_nodes must be >= 1, got {max_nodes}")
    u = int(u)
    slot_mask = G.papers >= min_papers if min_papers > 1 else None
    # the thread's stamped hop array (graph.workspace), not a fresh array of n per query: at
    # 3M authors filling one cost more than a one-hop ego network itself
    ws = workspace(G)
    dist = ws.hops[0]
    base = ws.begin()
    dist[u] = base
    ranked = [np.array([u], dtype=np.int64)]
    frontier = ranked[0]
    total = 1
    for level in range(1, radius + 1):
        if max_nodes is not None and total >= max_nodes:
            # nothing further can be kept, but we must know whether anything was cut
            _, _, nbr = G.expand(frontier, slot_mask=slot_mask)
            cut = total > max_nodes or bool(np.any(dist[nbr] < base))
            return np.concatenate(ranked)[:max_nodes], cut
        _, slots, nbr = G.expand(frontier, slot_mask=slot_mask)
        fresh = dist[nbr] < base
        new, inv = np.unique(nbr[fresh], return_inverse=True)
        if not new.size:
            break
        dist[new] = base + level
        # every edge from the previous layer to a new node is an edge to the nearer layer
        strength = np.bincount(inv, weights=G.papers[slots[fresh]], minlength=new.size)
        layer = new[np.lexsort((new, -strength))]
        ranked.append(layer)
        total += int(layer.size)
        frontier = new
    nodes = np.concatenate(ranked)
    if max_nodes is not None and nodes.size > max_nodes:
        return nodes[:max_nodes], True
    return nodes, False


def induced_edges(
    G: CoauthorGraph, nodes: np.ndarray | Sequence[int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Edges among ``nodes``, each once: ``(u, v, papers, weight, first_year, last_year)``, u < v.

    Sorted by ``(u, v)``.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(4), [[0, 1, 2], [2, 3]]))
    >>> u, v, papers, *_ = induced_edges(G, [2, 0, 1])
    >>> list(zip(u.tolist(), v.tolist()))
    [(0, 1), (0, 2), (1, 2)]
    """
    sel = np.unique(np.asarray(nodes, dtype=np.int64))
    src, slots, nbr = G.expand(sel)
    # membership by binary search in the sorted selection, not a flag array of n per call
    at = np.minimum(np.searchsorted(sel, nbr), max(sel.size - 1, 0))
    keep = (nbr > src) & (sel[at] == nbr) if sel.size else np.zeros(nbr.size, dtype=bool)
    slots = slots[keep]
    return (
        src[keep],
        nbr[keep],
        G.papers[slots],
        G.weight[slots],
        G.first_year[slots],
        G.last_year[slots],
    )


def cohort(G: CoauthorGraph, nodes: np.ndarray | Sequence[int]) -> list[list[int]]:
    """Connected components of the subgraph induced by ``nodes``.

    Components are sorted ascending inside; the list is largest first, ties by smallest node.
    Nodes without an edge to another listed node are components of their own.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(5), [[0, 1], [1, 2], [3, 4]]))
    >>> cohort(G, [4, 0, 2, 3, 1])
    [[0, 1, 2], [3, 4]]
    >>> cohort(G, [0, 2, 3])
    [[0], [2], [3]]
    """
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    sel = np.unique(np.asarray(nodes, dtype=np.int64))
    if not sel.size:
        return []
    u, v, *_ = induced_edges(G, sel)
    a, b = np.searchsorted(sel, u), np.searchsorted(sel, v)
    m = int(sel.size)
    adj = coo_array((np.ones(a.size, dtype=np.int8), (a, b)), shape=(m, m))
    _, label = connected_components(adj, directed=False)
    order = np.lexsort((sel, label))  # group by label, nodes ascending within
    bounds = np.flatnonzero(np.diff(label[order])) + 1
    groups = [sel[g].tolist() for g in np.split(order, bounds)]
    groups.sort(key=lambda c: (-len(c), c[0]))
    return groups


def to_networkx(G: CoauthorGraph, nodes: np.ndarray | Sequence[int]) -> nx.Graph:
    """The subgraph induced by ``nodes`` as a networkx Graph (bounded subgraphs only).

    Nodes are node indices with attribute ``author_id``; edges carry ``papers``, ``weight``,
    ``first_year`` and ``last_year``.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers([7, 9], [[7, 9]], years=[2004]))
    >>> H = to_networkx(G, [0, 1])
    >>> H.nodes[1]["author_id"], H.edges[0, 1]["papers"], H.edges[0, 1]["first_year"]
    (9, 1, 2004)
    """
    import networkx as nx

    sel = np.unique(np.asarray(nodes, dtype=np.int64))
    H = nx.Graph()
    H.add_nodes_from(
        (int(x), {"author_id": int(a)}) for x, a in zip(sel, G.author_ids[sel], strict=True)
    )
    u, v, papers, weight, first, last = induced_edges(G, sel)
    H.add_edges_from(
        (a, b, {"papers": p, "weight": w, "first_year": f, "last_year": y})
        for a, b, p, w, f, y in zip(
            u.tolist(),
            v.tolist(),
            papers.tolist(),
            weight.tolist(),
            first.tolist(),
            last.tolist(),
            strict=True,
        )
    )
    return H
