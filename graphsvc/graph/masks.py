"""Which edges and authors a collaboration chain may use: slot and node masks, and the checks
every path query makes of its arguments.

``slot_mask``
    Boolean per CSR slot, True = the edge may be used. It must be symmetric (both slots of an
    edge agree); build it with :func:`slot_mask_min_papers`, :func:`slot_mask_avoid_papers`, or
    ``&`` of several.
``node_mask``
    Boolean per node, True = the chain may pass *through* the node. The two ends of a query are
    always allowed (:func:`pass_mask`), so ``node_mask`` only restricts intermediate authors
    ("avoid these people").
"""

from __future__ import annotations

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.csr import CoauthorGraph
from graphsvc.graph.edges import paper_pairs

__all__ = [
    "check_masks",
    "check_node",
    "pass_mask",
    "slot_mask_avoid_papers",
    "slot_mask_min_papers",
]


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


def check_masks(
    G: CoauthorGraph, node_mask: np.ndarray | None, slot_mask: np.ndarray | None
) -> None:
    if node_mask is not None and np.shape(node_mask) != (G.n,):
        raise InvalidQuery(f"node_mask must have shape ({G.n},), got {np.shape(node_mask)}")
    if slot_mask is not None and np.shape(slot_mask) != G.indices.shape:
        raise InvalidQuery(
            f"slot_mask must have shape {G.indices.shape}, got {np.shape(slot_mask)}"
        )


def check_node(G: CoauthorGraph, u: int, what: str) -> int:
    u = int(u)
    if not 0 <= u < G.n:
        raise InvalidQuery(f"{what} node {u} is outside 0..{G.n - 1}")
    return u


def pass_mask(G: CoauthorGraph, node_mask: np.ndarray | None, *ends: int) -> np.ndarray | None:
    """``node_mask`` with the query's end points always allowed (a copy; None stays None)."""
    if node_mask is None:
        return None
    nm = np.array(node_mask, dtype=bool, copy=True)
    nm[list(ends)] = True
    return nm
