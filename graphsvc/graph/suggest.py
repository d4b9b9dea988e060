"""Whom to meet: authors at collaboration distance 2, ranked by the co-authors they share.

Scores (Liben-Nowell & Kleinberg's link-prediction measures): ``adamic-adar`` sums
``1 / log(degree)`` over the shared co-authors, ``resource-allocation`` sums ``1 / degree``;
both weigh a shared co-author with few collaborators more than a hub. Existing collaborators
(in the window asked about) are never suggested.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.csr import CoauthorGraph

__all__ = ["SCORES", "rank_distance_two", "suggestions"]

Score = Literal["adamic-adar", "resource-allocation"]
SCORES: tuple[str, ...] = ("adamic-adar", "resource-allocation")


def rank_distance_two(
    g: CoauthorGraph, u: int, *, score: str = "adamic-adar", min_shared: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Authors at distance 2 from node ``u``: ``(nodes, scores, shared counts)``, best first
    (score desc, then shared co-authors desc, then node).

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> m = Memberships.from_papers([1, 2, 3, 4, 5], [[1, 2], [2, 3], [1, 4], [4, 3], [4, 5]])
    >>> w, s, k = rank_distance_two(CoauthorGraph.build(m), 0, score="resource-allocation")
    >>> w.tolist(), [round(x, 3) for x in s.tolist()], k.tolist()
    ([2, 4], [0.833, 0.333], [2, 1])
    """
    if score not in SCORES:
        raise InvalidQuery(f"score must be one of {', '.join(SCORES)}")
    if min_shared < 1:
        raise InvalidQuery("min_shared must be at least 1")
    nbrs = g.neighbours(u).astype(np.int64)
    deg = np.diff(g.indptr)
    src, _, w = g.expand(nbrs)
    keep = w != u
    keep[keep] = ~np.isin(w[keep], nbrs)
    src, w = src[keep], w[keep]
    if w.size == 0:
        e = np.zeros(0, dtype=np.int64)
        return e, np.zeros(0), e
    k = deg[src].astype(np.float64)  # >= 2: a shared co-author knows u and w
    contrib = 1.0 / np.log(k) if score == "adamic-adar" else 1.0 / k
    cand, inv = np.unique(w, return_inverse=True)
    total = np.bincount(inv, weights=contrib, minlength=cand.size)
    shared = np.bincount(inv, minlength=cand.size)
    ok = shared >= min_shared
    cand, total, shared = cand[ok], total[ok], shared[ok]
    order = np.lexsort((cand, -shared, -np.round(total, 12)))
    return cand[order], total[order], shared[order]


def suggestions(
    svc: Any,
    author: str | int,
    *,
    score: str = "adamic-adar",
    min_shared: int = 1,
    limit: int = 10,
    offset: int = 0,
    year_from: int | None = None,
    year_to: int | None = None,
    max_team_size: int | None = None,
) -> dict[str, Any]:
    """Ranked suggestions with the shared co-authors as evidence (JSON-ready)."""
    if not 1 <= limit <= 1000 or offset < 0:
        raise InvalidQuery("limit must be between 1 and 1000 and offset >= 0")
    aid = svc.resolve(author)
    g = svc.graph(year_from, year_to, max_team_size)
    u = svc._node(g, aid)
    cand, total, shared = rank_distance_two(g, u, score=score, min_shared=min_shared)
    page = slice(offset, offset + limit)
    nbrs = set(g.neighbours(u).tolist())
    via: dict[int, list[int]] = {}
    for w in cand[page].tolist():
        via[w] = sorted(nbrs.intersection(g.neighbours(w).tolist()))
    ids = g.author_ids
    names = svc.store.author_names(
        sorted({int(ids[x]) for x in via} | {int(ids[x]) for vs in via.values() for x in vs})
    )
    deg = np.diff(g.indptr)
    rows = []
    for w, sc, k in zip(cand[page].tolist(), total[page].tolist(), shared[page].tolist(),
                        strict=True):
        wid = int(ids[w])
        rows.append({
            "id": wid,
            "name": names.get(wid, ""),
            "score": round(float(sc), 6),
            "shared": int(k),
            "via": [{"id": int(ids[x]), "name": names.get(int(ids[x]), ""),
                     "collaborators": int(deg[x])}
                    for x in sorted(via[w], key=lambda x: (deg[x], int(ids[x])))],
        })
    return {
        "author": svc.author_ref(aid),
        "score": score,
        "min_shared": min_shared,
        "total": int(cand.size),
        "offset": offset,
        "limit": limit,
        "suggestions": rows,
    }
