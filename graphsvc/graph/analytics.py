"""Whole-graph statistics (DESIGN.md "Stats") over the CSR co-author graph, vectorised numpy/scipy.

Building blocks, each taking plain CSR arrays ``(indptr, indices)`` of a symmetric graph without
self-loops (``CoauthorGraph.indptr`` / ``.indices``):

- :func:`component_labels`, :func:`largest_component`: connected components (scipy, compiled);
- :func:`triangles_per_node`: triangles at every node with two degree-ordered sparse products;
- :func:`bfs_distances`: single-source BFS;
- :func:`multi_source_bfs`: bit-parallel BFS from many sources at once (64 sources per machine
  word), giving the hop-plot (pairs at every distance), eccentricities and per-node distance sums;
- :func:`effective_diameter`: SNAP's interpolated percentile of the hop-plot;
- :func:`diameter_ifub`: exact diameter with the iFUB bound scheme, or bounds within a budget;
- :func:`to_igraph`: the same graph for igraph (communities, betweenness);

and :func:`stats`, which puts them together for a :class:`~graphsvc.graph.csr.CoauthorGraph`.
The BFS, hop-plot and diameter functions live in :mod:`graphsvc.graph.bfs` (re-exported here).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from graphsvc.graph.bfs import (  # noqa: F401 - re-exported: analytics was their home
    BATCH_SOURCES,
    BfsSummary,
    DiameterBound,
    _bits_to_bool,
    _csr,
    _mean_distance,
    _ranges,
    bfs_distances,
    diameter_ifub,
    effective_diameter,
    multi_source_bfs,
)

if TYPE_CHECKING:
    import igraph

    from graphsvc.graph.csr import CoauthorGraph

__all__ = [
    "BfsSummary",
    "bfs_distances",
    "component_labels",
    "diameter_ifub",
    "effective_diameter",
    "largest_component",
    "multi_source_bfs",
    "stats",
    "to_igraph",
    "triangles_per_node",
]

#: Upper bound on the wedges (sparse-product flops) materialised at once when counting triangles.
_WEDGE_CHUNK = 1 << 24
#: Confidence of the error bounds stated for sampled estimates.
CONFIDENCE = 0.95


def component_labels(indptr: np.ndarray, indices: np.ndarray) -> tuple[int, np.ndarray]:
    """Connected components: ``(count, label per node)``; isolated nodes are components.

    The graph is symmetric, so scipy's strong components (one pass, no transpose) are the
    connected components.

    Examples
    --------
    >>> count, labels = component_labels(np.array([0, 1, 2, 2]), np.array([1, 0]))
    >>> count, labels.tolist()
    (2, [0, 0, 1])
    """
    import scipy.sparse
    from scipy.sparse.csgraph import connected_components

    indptr, indices = _csr(indptr, indices)
    n = indptr.size - 1
    if n == 0:
        return 0, np.zeros(0, dtype=np.int32)
    adj = scipy.sparse.csr_array(
        (np.ones(indices.size, dtype=np.float64), indices, indptr), shape=(n, n)
    )
    count, labels = connected_components(adj, directed=True, connection="strong")
    return int(count), labels.astype(np.int32)


def largest_component(labels: np.ndarray) -> np.ndarray:
    """Nodes of the largest component (ties: the one holding the smallest node index)."""
    if labels.size == 0:
        return np.zeros(0, dtype=np.int64)
    sizes = np.bincount(labels)
    # np.argmax picks the first maximum; relabel components by their smallest node first
    first_node = np.full(sizes.size, labels.size, dtype=np.int64)
    np.minimum.at(first_node, labels, np.arange(labels.size))
    order = np.argsort(first_node, kind="stable")
    best = order[int(np.argmax(sizes[order]))]
    return np.flatnonzero(labels == best)


# ----------------------------------------------------------------------------- triangles
def _oriented(indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each edge once, from the lower to the higher (degree, index) rank, as CSR arrays.

    Out-degrees of this orientation are at most ``sqrt(2 m)``, which bounds the wedge work of
    the sparse products below by ``O(m^1.5)`` whatever the degree distribution.
    """
    n = indptr.size - 1
    deg = np.diff(indptr)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), deg))] = np.arange(n)
    rows = np.repeat(np.arange(n, dtype=np.int64), deg)
    keep = rank[rows] < rank[indices]
    out_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows[keep], minlength=n), out=out_ptr[1:])
    return out_ptr, np.asarray(indices[keep], dtype=np.int32)


def _masked_row_sums(
    left: Any, right: Any, mask: Any, flops: np.ndarray, col_sums: np.ndarray | None
) -> np.ndarray:
    """Row sums of ``(left @ right) * mask`` computed in row chunks of bounded work.

    ``flops[i]`` is the work of row ``i`` of the product; ``col_sums`` (if given) is
    incremented by the column sums of the masked product.
    """
    n = left.shape[0]
    out = np.zeros(n, dtype=np.int64)
    bounds = np.searchsorted(
        np.cumsum(flops), np.arange(1, 1 + int(flops.sum()) // _WEDGE_CHUNK) * _WEDGE_CHUNK
    )
    cuts = np.unique(np.concatenate([[0], bounds + 1, [n]]))
    for a, b in zip(cuts[:-1].tolist(), cuts[1:].tolist(), strict=True):
        if a >= b:
            continue
        prod = (left[a:b] @ right).multiply(mask[a:b]).tocsr()
        csum = np.zeros(prod.data.size + 1, dtype=np.int64)
        np.cumsum(prod.data, dtype=np.int64, out=csum[1:])
        out[a:b] = csum[prod.indptr[1:]] - csum[prod.indptr[:-1]]
        if col_sums is not None:
            col_sums += np.bincount(prod.indices, weights=prod.data, minlength=n).astype(np.int64)
    return out


def triangles_per_node(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Number of triangles through every node (int64), like ``networkx.triangles``.

    With edges oriented from lower to higher (degree, index) rank (``D``), each triangle
    ``u < v < w`` is found once: at ``u`` and ``w`` as the entry ``(u, w)`` of ``(D @ D) ∘ D``
    (row and column sums), and at the middle node ``v`` as the entry ``(v, w)`` of
    ``(Dᵀ @ D) ∘ D`` (row sums). Both products run in scipy's compiled sparse code, chunked by
    rows so the wedges held at once stay below a fixed bound.

    Examples
    --------
    >>> # a triangle 0-1-2 with a pendant node 3 on node 2
    >>> ptr = np.array([0, 2, 4, 7, 8]); idx = np.array([1, 2, 0, 2, 0, 1, 3, 2])
    >>> triangles_per_node(ptr, idx).tolist()
    [1, 1, 1, 0]
    """
    import scipy.sparse

    indptr, indices = _csr(indptr, indices)
    n = indptr.size - 1
    if n == 0 or indices.size == 0:
        return np.zeros(n, dtype=np.int64)
    out_ptr, out_idx = _oriented(indptr, indices)
    ones = np.ones(out_idx.size, dtype=np.int32)
    d = scipy.sparse.csr_array((ones, out_idx, out_ptr), shape=(n, n))
    dt = d.T.tocsr()
    outdeg = np.diff(out_ptr)
    # work per row of D @ D: sum of out-degrees of the out-neighbours; of Dᵀ @ D: of in-neighbours
    seg = np.concatenate([[0], np.cumsum(outdeg[out_idx], dtype=np.int64)])
    flops_dd = seg[out_ptr[1:]] - seg[out_ptr[:-1]]
    seg_t = np.concatenate([[0], np.cumsum(outdeg[dt.indices], dtype=np.int64)])
    flops_tt = seg_t[dt.indptr[1:]] - seg_t[dt.indptr[:-1]]

    col = np.zeros(n, dtype=np.int64)
    ends = _masked_row_sums(d, d, d, flops_dd, col)
    middle = _masked_row_sums(dt, d, d, flops_tt, None)
    return ends + col + middle


# ----------------------------------------------------------------------------- igraph
def to_igraph(
    indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray | None = None
) -> igraph.Graph:
    """An undirected igraph ``Graph`` with each CSR edge once (``u < v``), in CSR order.

    ``weights`` (one value per CSR slot) becomes the edge attribute ``"weight"``. Edge ``e`` of
    the result is the ``e``-th slot with ``u < v``.
    """
    import igraph

    indptr, indices = _csr(indptr, indices)
    n = indptr.size - 1
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    fwd = np.flatnonzero(indices > rows)
    # a flat list converts to Python ints in one C call; pairs of them are cheap to zip
    us = rows[fwd].tolist()
    vs = indices[fwd].tolist()
    g = igraph.Graph(n=n, edges=list(zip(us, vs, strict=True)), directed=False)
    if weights is not None:
        g.es["weight"] = np.asarray(weights, dtype=np.float64)[fwd].tolist()
    return g


# ----------------------------------------------------------------------------- stats
def _sample(rng: np.random.Generator, nodes: np.ndarray, k: int) -> np.ndarray:
    if k >= nodes.size:
        return nodes
    return np.sort(rng.choice(nodes, size=k, replace=False))


_BOOTSTRAP = 200


def _bootstrap(
    source_hops: np.ndarray, rng: np.random.Generator
) -> tuple[list[float], list[float]]:
    """Percentile-bootstrap intervals of the effective diameter and mean distance over sources."""
    k = source_hops.shape[0]
    picks = rng.integers(0, k, size=(_BOOTSTRAP, k))
    eff = np.empty(_BOOTSTRAP)
    mean = np.empty(_BOOTSTRAP)
    for i in range(_BOOTSTRAP):
        hops = source_hops[picks[i]].sum(axis=0)
        eff[i] = effective_diameter(hops)
        mean[i] = _mean_distance(hops)
    lo, hi = 100 * (1 - CONFIDENCE) / 2, 100 * (1 + CONFIDENCE) / 2
    return (
        [float(x) for x in np.percentile(eff, [lo, hi])],
        [float(x) for x in np.percentile(mean, [lo, hi])],
    )


def stats(
    G: CoauthorGraph,
    *,
    exact_limit: int = 60_000,
    sample: int = 512,
    seed: int = 0,
    diameter_budget: int = 4096,
) -> dict[str, Any]:
    """Graph statistics (DESIGN.md "Stats"), exact where affordable and marked where not.

    Parameters
    ----------
    G : CoauthorGraph
    exact_limit : int
        Largest component size up to which distances are computed exactly (BFS from every node
        of the largest component, all connected pairs).
    sample : int
        Above ``exact_limit``: number of BFS sources sampled uniformly (without replacement)
        from the largest component for the effective diameter and mean distance.
    seed : int
        Seed of that sample (and of iFUB's fallback choices).
    diameter_budget : int
        Above ``exact_limit``: most BFS runs iFUB may spend before it reports bounds instead.

    Returns
    -------
    dict
        ``authors`` (in a year window: the authors of its papers); ``papers`` (papers in the
        year window), ``counted_papers`` (those adding edges), ``excluded_papers`` (over the
        team-size cap); ``edges`` (undirected, no self-loops); ``isolated_authors`` (no
        co-author); ``components`` (isolated authors count as components);
        ``largest_component`` ``{"authors", "edges"}``; ``avg_clustering`` (mean over *all*
        those authors, degree < 2 counting 0, as networkx);
        ``triangles``; ``transitivity``; and for the largest component ``diameter``,
        ``effective_diameter_90``, ``mean_distance``, with ``diameter_method`` ``"exact"`` or
        ``"estimated"`` and, when estimated, ``estimation`` saying how (sample size, bound type,
        error bound).

    Examples
    --------
    >>> from graphsvc.graph.csr import CoauthorGraph, Memberships
    >>> m = Memberships.from_papers(range(5), [[0, 1, 2], [2, 3], [4]])
    >>> s = stats(CoauthorGraph.build(m))
    >>> s["edges"], s["triangles"], s["components"], s["diameter"], s["diameter_method"]
    (4, 1, 2, 2, 'exact')
    """
    G = G.window_only()  # a year window's graph has the window's authors only
    indptr, indices = _csr(G.indptr, G.indices)
    n = int(G.n)
    deg = np.diff(indptr)
    count, labels = component_labels(indptr, indices)
    lcc = largest_component(labels)
    tri = triangles_per_node(indptr, indices)
    pairs_at = deg * (deg - 1) // 2
    clustering = np.divide(tri, pairs_at, out=np.zeros(n, dtype=np.float64), where=pairs_at > 0)
    wedges = int(pairs_at.sum())

    out: dict[str, Any] = {
        "authors": n,
        "papers": int(np.count_nonzero(G.paper_in_window)),
        "counted_papers": int(np.count_nonzero(G.paper_counted)),
        "excluded_papers": int(G.excluded_papers),
        "edges": int(indices.size // 2),
        "isolated_authors": int(np.count_nonzero(deg == 0)),
        "components": count,
        "largest_component": {"authors": int(lcc.size), "edges": int(deg[lcc].sum() // 2)},
        "avg_clustering": float(clustering.mean()) if n else 0.0,
        "triangles": int(tri.sum() // 3),
        "transitivity": float(tri.sum() / wedges) if wedges else 0.0,
    }
    allowed = np.zeros(n, dtype=bool)
    allowed[lcc] = True
    if lcc.size <= exact_limit:
        bfs = multi_source_bfs(indptr, indices, lcc, allowed=allowed)
        out.update(
            diameter=int(bfs.eccentricity.max()) if lcc.size else 0,
            effective_diameter_90=effective_diameter(bfs.hops),
            mean_distance=_mean_distance(bfs.hops),
            diameter_method="exact",
            estimation=None,
        )
        return out

    rng = np.random.default_rng(seed)
    src = _sample(rng, lcc, sample)
    bfs = multi_source_bfs(indptr, indices, src, per_source=True, allowed=allowed)
    bound = diameter_ifub(indptr, indices, lcc, budget=diameter_budget, seed=seed)
    # every sampled source's eccentricity bounds the diameter from both sides
    lower = max(bound.lower, int(bfs.eccentricity.max()))
    upper = max(lower, min(bound.upper, 2 * int(bfs.eccentricity.min())))
    k = int(src.size)
    eff_ci, md_ci = _bootstrap(bfs.source_hops, rng)
    # Hoeffding over the k sources' mean distances, each within [1, upper]: guaranteed,
    # unlike the bootstrap interval, but loose
    md_err = (upper - 1) * math.sqrt(math.log(2 / (1 - CONFIDENCE)) / (2 * k))
    out.update(
        diameter=lower,
        effective_diameter_90=effective_diameter(bfs.hops),
        mean_distance=_mean_distance(bfs.hops),
        diameter_method="estimated",
        estimation={
            "distances": {
                "method": "BFS from sources sampled uniformly without replacement",
                "applies_to": ["effective_diameter_90", "mean_distance"],
                "sources": k,
                "seed": seed,
                "confidence": CONFIDENCE,
                "effective_diameter_90_interval": eff_ci,
                "mean_distance_interval": md_ci,
                "interval_method": f"percentile bootstrap over sources ({_BOOTSTRAP} resamples)",
                "mean_distance_error_bound": md_err,
                "error_bound_method": "Hoeffding, per-source mean distance in [1, diameter]",
            },
            "diameter": {
                "method": "iFUB after a 4-sweep (Crescenzi et al. 2013)",
                "bound": "exact" if lower == upper else "lower",
                "upper_bound": upper,
                "bfs_runs": bound.bfs_runs + k,
            },
        },
    )
    return out
