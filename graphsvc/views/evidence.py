"""What a network view lists beside the drawing: the joint papers behind every link (the
evidence a tooltip shows) and every author's strongest collaborators."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from graphsvc.graph.csr import CoauthorGraph

__all__ = [
    "PAPERS_PER_EDGE",
    "TOP_COLLABORATORS",
    "all_joint_papers",
    "joint_papers_by_edge",
    "newest",
    "paper_details",
    "top_collaborators",
]

#: joint papers listed per edge in a tooltip (the count is always the full one)
PAPERS_PER_EDGE = 5
#: strongest collaborators listed per author
TOP_COLLABORATORS = 5


# -- evidence -----------------------------------------------------------------------------------
def joint_papers_by_edge(
    g: CoauthorGraph,
    idx: np.ndarray,
    pairs: Sequence[tuple[int, int]],
    per_edge: int = PAPERS_PER_EDGE,
) -> list[list[int]]:
    """The newest ``per_edge`` counted joint papers (paper indices of ``g``) of every pair.

    ``idx`` are node indices of ``g``; ``pairs`` index into ``idx``.

    Examples
    --------
    >>> from graphsvc.graph.csr import CoauthorGraph, Memberships
    >>> m = Memberships.from_papers(range(3), [[0, 1], [0, 1, 2], [1, 2]], years=[2001, 2005, 2003])
    >>> g = CoauthorGraph.build(m)
    >>> joint_papers_by_edge(g, np.array([0, 1, 2]), [(0, 1), (1, 2), (0, 2)])
    [[1, 0], [1, 2], [1]]
    """
    return newest(g, all_joint_papers(g, idx, pairs), per_edge)


def newest(g: CoauthorGraph, buckets: list[list[int]], per_edge: int) -> list[list[int]]:
    """The newest ``per_edge`` papers of every bucket of paper indices (then lowest index)."""
    year = np.asarray(g.memberships.paper_year)
    return [sorted(b, key=lambda p: (-int(year[p]), p))[:per_edge] for b in buckets]


def all_joint_papers(
    g: CoauthorGraph, idx: np.ndarray, pairs: Sequence[tuple[int, int]]
) -> list[list[int]]:
    """Every counted joint paper (paper indices of ``g``, in no set order) of every pair.

    One pass over the papers of the nodes instead of one intersection per edge: a paper with
    ``k`` of the nodes among its authors is the evidence of ``k (k-1) / 2`` pairs.
    """
    idx = np.asarray(idx, dtype=np.int64)
    want = {(min(a, b), max(a, b)): i for i, (a, b) in enumerate(pairs)}
    buckets: list[list[int]] = [[] for _ in pairs]
    if not want or not idx.size:
        return buckets
    owner, paper = g.author_paper_rows(idx)
    keep = np.asarray(g.paper_counted)[paper]
    owner, paper = owner[keep], paper[keep]
    order = np.lexsort((owner, paper))
    owner, paper = owner[order], paper[order]
    cuts = np.flatnonzero(np.diff(paper)) + 1
    lo = np.concatenate(([0], cuts))
    hi = np.concatenate((cuts, [paper.size]))
    shared = np.flatnonzero(hi - lo >= 2)
    own = owner.tolist()
    for s, e, p in zip(lo[shared].tolist(), hi[shared].tolist(), paper[lo[shared]].tolist(),
                       strict=True):
        members = own[s:e]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                k = want.get((a, b))
                if k is not None:
                    buckets[k].append(p)
    return buckets


def paper_details(store: Any, paper_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    rows = store.papers(sorted(set(paper_ids)))
    return {
        int(p["id"]): {
            "title": p.get("title") or "",
            "year": p.get("year"),
            "venue": p.get("venue") or "",
            "doi": p.get("doi"),
            "source_id": p.get("source_id"),
        }
        for p in rows
    }


# -- collaborators --------------------------------------------------------------------------------
def top_collaborators(
    g: CoauthorGraph, idx: np.ndarray, k: int = TOP_COLLABORATORS
) -> list[list[tuple[int, int]]]:
    """Every node's ``k`` strongest co-authors in the whole graph: ``(author id, papers)``.

    Ranked as DESIGN.md ranks collaborators: joint papers, then the most recent joint year,
    then author id.

    Examples
    --------
    >>> from graphsvc.graph.csr import CoauthorGraph, Memberships
    >>> g = CoauthorGraph.build(Memberships.from_papers([5, 6, 7], [[5, 6], [5, 7], [5, 7]]))
    >>> top_collaborators(g, np.array([0, 1]), 2)
    [[(7, 2), (6, 1)], [(5, 1)]]
    """
    out: list[list[tuple[int, int]]] = []
    for u in np.asarray(idx, dtype=np.int64).tolist():
        a, b = int(g.indptr[u]), int(g.indptr[u + 1])
        if a == b:
            out.append([])
            continue
        nbr = g.indices[a:b]
        papers = g.papers[a:b]
        order = np.lexsort((nbr, -np.asarray(g.last_year[a:b], dtype=np.int64),
                            -np.asarray(papers, dtype=np.int64)))[:k]
        out.append([(int(g.author_ids[nbr[i]]), int(papers[i])) for i in order])
    return out
