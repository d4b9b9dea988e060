"""Top authors by papers, collaborators, betweenness, closeness or PageRank, exact or sampled.

Every ranking answers ``(top, meta)``: ``top`` is a list of ``(node, score)``, highest score first,
ties broken by node index (= author id order); ``meta`` says whether the scores are ``"exact"``
or ``"approximate"``, how they were computed, and the error bound where one exists.

Score definitions (all over the graph in the year window of ``G``):

``papers``
    papers of the author in the window (counted or not; ``G.paper_counts()``).
``collaborators``
    distinct co-authors (degree).
``betweenness``
    normalised shortest-path betweenness, as ``networkx.betweenness_centrality`` (unweighted,
    ``normalized=True``): ``Σ_{s≠v≠t} σ_st(v)/σ_st / ((n-1)(n-2))`` over ordered pairs.
    Exact with Brandes' algorithm (igraph) when ``n · 2m`` is small; otherwise pivot sampling
    (Brandes & Pich 2007): the dependencies of ``k`` sources drawn uniformly without
    replacement, scaled by ``n / k``.
``closeness``
    Wasserman–Faust closeness, as ``networkx.closeness_centrality`` (``wf_improved=True``):
    ``(r-1)/Σd · (r-1)/(n-1)`` with ``r`` the size of the author's component. Exact from a BFS
    at every author when ``n`` is small; otherwise Eppstein–Wang sampling over the largest
    component: ``Σd`` estimated from ``k`` sampled BFS sources (authors elsewhere score 0).
``pagerank``
    PageRank with damping 0.85 on the graph weighted by Newman's collaboration weight
    (``G.weight``), as ``networkx.pagerank`` with ``weight="weight"``; isolated authors
    teleport uniformly. Power iteration to an L1 change below ``1e-12``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.analytics import (
    CONFIDENCE,
    component_labels,
    largest_component,
    multi_source_bfs,
    to_igraph,
)

if TYPE_CHECKING:
    from graphsvc.graph.csr import CoauthorGraph

__all__ = ["RANKINGS", "rank"]

RankBy = Literal["papers", "collaborators", "betweenness", "closeness", "pagerank"]
RANKINGS: tuple[str, ...] = ("papers", "collaborators", "betweenness", "closeness", "pagerank")

#: exact betweenness while ``n · 2m`` (Brandes' work) stays below this (a few seconds in igraph)
BETWEENNESS_EXACT_WORK = 5e8
#: exact closeness (BFS from every author) up to this many authors
CLOSENESS_EXACT_LIMIT = 60_000
#: sources sampled when a sampled estimate is needed and ``sample`` is not given
DEFAULT_SAMPLE = 256
PAGERANK_DAMPING = 0.85
PAGERANK_TOL = 1e-12
_PAGERANK_MAX_ITER = 10_000


def _top(scores: np.ndarray, top: int) -> list[tuple[int, Any]]:
    """The ``top`` highest scores, ties by node index; ints stay ints."""
    n = scores.size
    k = min(top, n)
    if k <= 0:
        return []
    if k < n:
        # everything scoring at least the k-th best, then an exact tie-aware sort of those
        kth = np.partition(scores, n - k)[n - k]
        cand = np.flatnonzero(scores >= kth)
    else:
        cand = np.arange(n)
    order = cand[np.lexsort((cand, -scores[cand]))][:k]
    as_int = np.issubdtype(scores.dtype, np.integer)
    return [(int(i), int(scores[i]) if as_int else float(scores[i])) for i in order]


def _pivots(n: int, k: int, seed: int) -> np.ndarray:
    return np.sort(np.random.default_rng(seed).choice(n, size=k, replace=False))


def _hoeffding_eps(value_range: float, k: int, union: int) -> float:
    """Half-width ε with P(some of ``union`` means of ``k`` draws errs by > ε) ≤ 1 - CONFIDENCE."""
    return value_range * math.sqrt(math.log(2 * max(union, 1) / (1 - CONFIDENCE)) / (2 * k))


# ----------------------------------------------------------------------------- betweenness
def betweenness(
    G: CoauthorGraph, *, sample: int | None = None, seed: int = 0
) -> tuple[np.ndarray, dict[str, Any]]:
    """Normalised betweenness of every node and how it was obtained (see module docstring)."""
    n = int(G.n)
    m2 = int(G.indices.size)
    if n < 3:
        return np.zeros(n), {"mode": "exact", "method": "trivial (fewer than 3 authors)"}
    scale = 2.0 / ((n - 1) * (n - 2))  # igraph counts each unordered pair once
    g = to_igraph(G.indptr, G.indices)
    if (sample is None and n * m2 <= BETWEENNESS_EXACT_WORK) or (
        sample is not None and sample >= n
    ):
        vals = np.asarray(g.betweenness(directed=False), dtype=np.float64) * scale
        return vals, {"mode": "exact", "method": "Brandes (igraph)"}
    k = min(n, sample if sample is not None else DEFAULT_SAMPLE)
    if k < 1:
        raise InvalidQuery("sample must be at least 1")
    pivots = _pivots(n, k, seed)
    # igraph's subset betweenness is Σ_{s in pivots} δ_s(v) / 2 for undirected graphs
    part = np.asarray(g.betweenness(directed=False, sources=pivots.tolist()), dtype=np.float64)
    vals = part * 2.0 * (n / k) / ((n - 1) * (n - 2))
    # each scaled draw n δ_s(v) / ((n-1)(n-2)) lies in [0, n / (n-1)]; union bound over nodes
    eps = _hoeffding_eps(n / (n - 1), k, n)
    return vals, {
        "mode": "approximate",
        "method": "pivot sampling (Brandes & Pich 2007): uniform sources without replacement",
        "sample": k,
        "seed": seed,
        "error_bound": {
            "quantity": "normalised betweenness, every author",
            "absolute": eps,
            "confidence": CONFIDENCE,
            "method": "Hoeffding with a union bound over authors",
        },
    }


# ----------------------------------------------------------------------------- closeness
def closeness(
    G: CoauthorGraph, *, sample: int | None = None, seed: int = 0
) -> tuple[np.ndarray, dict[str, Any]]:
    """Wasserman–Faust closeness of every node and how it was obtained (see module docstring)."""
    n = int(G.n)
    indptr = np.asarray(G.indptr, dtype=np.int64)
    indices = G.indices
    deg = np.diff(indptr)
    out = np.zeros(n, dtype=np.float64)
    if n < 2:
        return out, {"mode": "exact", "method": "trivial (fewer than 2 authors)"}
    if (sample is None and n <= CLOSENESS_EXACT_LIMIT) or (sample is not None and sample >= n):
        src = np.flatnonzero(deg > 0)
        bfs = multi_source_bfs(indptr, indices, src, node_sums=True)
        r = bfs.reached_by.astype(np.float64)
        ok = bfs.dist_sum > 0
        out[ok] = (r[ok] - 1) ** 2 / bfs.dist_sum[ok] / (n - 1)
        return out, {"mode": "exact", "method": "bit-parallel BFS from every author"}

    _, labels = component_labels(indptr, indices)
    lcc = largest_component(labels)
    big = int(lcc.size)
    if big < 2:
        return out, {"mode": "exact", "method": "trivial (no component with an edge)"}
    k = min(big, sample if sample is not None else DEFAULT_SAMPLE)
    if k < 1:
        raise InvalidQuery("sample must be at least 1")
    rng = np.random.default_rng(seed)
    src = np.sort(rng.choice(lcc, size=k, replace=False))
    allowed = np.zeros(n, dtype=bool)
    allowed[lcc] = True
    bfs = multi_source_bfs(indptr, indices, src, node_sums=True, allowed=allowed)
    # Σ_u d(u, v) over the component ≈ (big / k) Σ_i d(s_i, v)
    farness = bfs.dist_sum[lcc] * (big / k) / (big - 1)  # mean distance to the others
    with np.errstate(divide="ignore"):
        out[lcc] = np.where(farness > 0, 1.0 / farness, 0.0) * (big - 1) / (n - 1)
    diam_ub = 2 * int(bfs.eccentricity.min())
    eps = _hoeffding_eps(diam_ub * big / (big - 1), k, big)
    return out, {
        "mode": "approximate",
        "method": "Eppstein–Wang sampling: BFS from uniform sources of the largest component",
        "sample": k,
        "seed": seed,
        "scope": "largest component (other authors score 0)",
        "largest_component": big,
        "error_bound": {
            "quantity": "mean distance to the other authors of the component (hops), every author",
            "absolute": eps,
            "relative_to_diameter_upper_bound": eps / diam_ub if diam_ub else 0.0,
            "diameter_upper_bound": diam_ub,
            "confidence": CONFIDENCE,
            "method": "Hoeffding with a union bound over authors (k = ln(2n/δ) Δ² / (2ε²))",
        },
    }


# ----------------------------------------------------------------------------- pagerank
def pagerank(G: CoauthorGraph) -> tuple[np.ndarray, dict[str, Any]]:
    """PageRank on the collaboration-weighted graph by power iteration (see module docstring)."""
    import scipy.sparse

    n = int(G.n)
    if n == 0:
        return np.zeros(0), {"mode": "exact", "method": "trivial (empty graph)"}
    a = scipy.sparse.csr_array(
        (np.asarray(G.weight, dtype=np.float64), G.indices, G.indptr), shape=(n, n)
    )
    strength = np.asarray(a.sum(axis=1)).ravel()
    dangling = strength == 0
    inv = np.divide(1.0, strength, out=np.zeros(n), where=~dangling)
    alpha = PAGERANK_DAMPING
    x = np.full(n, 1.0 / n)
    delta = math.inf
    it = 0
    while delta >= PAGERANK_TOL and it < _PAGERANK_MAX_ITER:
        it += 1
        # the matrix is symmetric, so A @ (x / strength) is the walk's transpose step
        nxt = alpha * (a @ (x * inv)) + (alpha * x[dangling].sum() + 1.0 - alpha) / n
        delta = float(np.abs(nxt - x).sum())
        x = nxt
    return x, {
        "mode": "exact",
        "method": "power iteration, damping 0.85, weights = Newman collaboration weight",
        "iterations": it,
        "tolerance": PAGERANK_TOL,
        "error_bound": {
            "quantity": "L1 distance to the PageRank vector",
            "absolute": alpha / (1 - alpha) * delta,
        },
    }


# ----------------------------------------------------------------------------- rank
def rank(
    G: CoauthorGraph,
    by: RankBy,
    *,
    top: int = 10,
    sample: int | None = None,
    seed: int = 0,
) -> tuple[list[tuple[int, Any]], dict[str, Any]]:
    """The ``top`` authors (node indices) by a centrality, with how the scores were obtained.

    Parameters
    ----------
    G : CoauthorGraph
    by : {"papers", "collaborators", "betweenness", "closeness", "pagerank"}
        See the module docstring for each definition.
    top : int
        How many to return (ties broken by node index).
    sample : int, optional
        Betweenness and closeness: number of sampled BFS sources. ``None`` = exact when the graph
        is small enough, else ``DEFAULT_SAMPLE`` sources; ``sample >= n`` forces exact.
    seed : int
        Seed of the source sample (results are deterministic for a seed).

    Returns
    -------
    (list of (node, score), dict)
        ``meta`` has ``by``, ``mode`` (``"exact"`` / ``"approximate"``), ``method`` and, where
        they apply, ``sample``, ``seed``, ``error_bound``, ``scope``.

    Examples
    --------
    >>> from graphsvc.graph.csr import CoauthorGraph, Memberships
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(4), [[0, 1], [1, 2], [1, 3], [3]]))
    >>> rank(G, "collaborators", top=2)[0]
    [(1, 3), (0, 1)]
    >>> top, meta = rank(G, "betweenness", top=1)
    >>> top, meta["mode"]
    ([(1, 1.0)], 'exact')
    """
    if top < 0:
        raise InvalidQuery("top must be >= 0")
    if sample is not None and sample < 1:
        raise InvalidQuery("sample must be at least 1")
    scores: np.ndarray
    meta: dict[str, Any]
    if by == "papers":
        scores = np.asarray(G.paper_counts(), dtype=np.int64)
        meta = {"mode": "exact", "method": "papers in the window (author_paper_ptr)"}
    elif by == "collaborators":
        scores = np.diff(np.asarray(G.indptr, dtype=np.int64))
        meta = {"mode": "exact", "method": "degree"}
    elif by == "betweenness":
        scores, meta = betweenness(G, sample=sample, seed=seed)
    elif by == "closeness":
        scores, meta = closeness(G, sample=sample, seed=seed)
    elif by == "pagerank":
        scores, meta = pagerank(G)
    else:
        raise InvalidQuery(f"unknown ranking {by!r}; choose one of {', '.join(RANKINGS)}")
    return _top(scores, top), {"by": by, **meta}
