"""Rankings against networkx: exact modes agree, sampled modes stay within their stated bounds."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graphsvc.errors import InvalidQuery
from graphsvc.graph.analytics import component_labels, largest_component, multi_source_bfs
from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.rank import RANKINGS, betweenness, closeness, pagerank, rank
from tests.helpers import to_nx_newman


def nx_top(scores: dict[int, float], k: int) -> list[int]:
    return sorted(scores, key=lambda x: (-scores[x], x))[:k]


def same_top(ours: list[tuple[int, float]], theirs: dict[int, float], rtol: float = 1e-9) -> None:
    """Top-k equal to networkx's, allowing swaps only between scores equal within ``rtol``."""
    k = len(ours)
    ref = nx_top(theirs, k)
    assert [theirs[n] for n, _ in ours] == pytest.approx([theirs[n] for n in ref], rel=rtol)
    assert [s for _, s in ours] == pytest.approx([theirs[n] for n in ref], rel=rtol)


# ----------------------------------------------------------------------------- counts
def test_papers_and_collaborators() -> None:
    papers = [[0, 1], [0, 1, 2], [3], [3], [3], [2, 4]]
    G = CoauthorGraph.build(Memberships.from_papers(range(5), papers))
    top, meta = rank(G, "papers", top=3)
    assert top == [(3, 3), (0, 2), (1, 2)] and meta["mode"] == "exact"
    assert rank(G, "collaborators", top=2)[0] == [(2, 3), (0, 2)]
    # the window changes the paper counts
    Gw = CoauthorGraph.build(
        Memberships.from_papers(range(5), papers, years=[2000, 2000, 2010, 2010, 2000, 2010]),
        year_from=2005,
    )
    assert rank(Gw, "papers", top=2)[0] == [(3, 2), (2, 1)]


def test_collaborators_top_matches_networkx_degree(grqc: CoauthorGraph) -> None:
    H = to_nx_newman(grqc)
    top, _ = rank(grqc, "collaborators", top=25)
    assert [n for n, _ in top] == nx_top(dict(H.degree()), 25)


# ----------------------------------------------------------------------------- exact modes
def test_exact_betweenness_and_closeness_match_networkx(netscience: CoauthorGraph) -> None:
    H = to_nx_newman(netscience)
    b, meta = betweenness(netscience)
    assert meta["mode"] == "exact"
    ref = nx.betweenness_centrality(H)
    assert np.allclose(b, [ref[i] for i in range(netscience.n)], atol=1e-12)
    same_top(rank(netscience, "betweenness", top=10)[0], ref)
    c, meta = closeness(netscience)
    assert meta["mode"] == "exact"
    ref = nx.closeness_centrality(H)
    assert np.allclose(c, [ref[i] for i in range(netscience.n)], atol=1e-12)
    same_top(rank(netscience, "closeness", top=10)[0], ref)


def test_exact_closeness_on_grqc_agrees_with_networkx(grqc: CoauthorGraph) -> None:
    H = to_nx_newman(grqc)
    c, meta = closeness(grqc)
    assert meta["mode"] == "exact"
    top, _ = rank(grqc, "closeness", top=10)
    sample = np.random.default_rng(0).choice(grqc.n, 150, replace=False).tolist()
    for node in [n for n, _ in top] + sample:  # networkx per node: one BFS each
        assert c[node] == pytest.approx(nx.closeness_centrality(H, u=node), rel=1e-12)


def test_pagerank_matches_networkx(grqc: CoauthorGraph) -> None:
    H = to_nx_newman(grqc)
    pr, meta = pagerank(grqc)
    assert meta["mode"] == "exact" and meta["error_bound"]["absolute"] < 1e-10
    ref = nx.pagerank(H, weight="weight", tol=1e-14, max_iter=1000)
    assert np.abs(pr - [ref[i] for i in range(grqc.n)]).sum() < 1e-9
    same_top(rank(grqc, "pagerank", top=10)[0], ref, rtol=1e-6)


# ----------------------------------------------------------------------------- sampled modes
def test_sampled_betweenness_within_its_bound(grqc: CoauthorGraph) -> None:
    exact, _ = betweenness(grqc)
    est, meta = betweenness(grqc, sample=300, seed=4)
    assert meta["mode"] == "approximate" and meta["sample"] == 300
    eps = meta["error_bound"]["absolute"]
    assert np.abs(est - exact).max() <= eps
    # the bound is loose; the estimate is much better in practice and keeps the top author
    assert np.abs(est - exact).max() < 0.01
    top, _ = rank(grqc, "betweenness", top=1)
    assert rank(grqc, "betweenness", top=5, sample=300, seed=4)[0][0][0] == top[0][0]
    again, _ = betweenness(grqc, sample=300, seed=4)
    assert np.array_equal(est, again)


def test_sampled_closeness_within_its_bound(grqc: CoauthorGraph) -> None:
    n = grqc.n
    _, labels = component_labels(grqc.indptr, grqc.indices)
    lcc = largest_component(labels)
    big = lcc.size
    full = multi_source_bfs(grqc.indptr, grqc.indices, lcc, node_sums=True)
    exact_farness = full.dist_sum[lcc] / (big - 1)
    est, meta = closeness(grqc, sample=200, seed=2)
    assert meta["mode"] == "approximate" and meta["sample"] == 200
    assert meta["largest_component"] == big
    est_farness = (big - 1) / (n - 1) / est[lcc]
    assert np.abs(est_farness - exact_farness).max() <= meta["error_bound"]["absolute"]
    outside = np.setdiff1d(np.arange(n), lcc)
    assert np.all(est[outside] == 0)
    # the top authors by exact closeness are near the top of the estimate
    exact_top = {x for x, _ in rank(grqc, "closeness", top=10)[0]}
    est_top = {x for x, _ in rank(grqc, "closeness", top=30, sample=200, seed=2)[0]}
    assert len(exact_top & est_top) >= 8


def test_sample_at_least_n_is_exact(netscience: CoauthorGraph) -> None:
    assert rank(netscience, "betweenness", sample=10**6)[1]["mode"] == "exact"
    assert rank(netscience, "closeness", sample=10**6)[1]["mode"] == "exact"


def test_errors_and_tiny_graphs() -> None:
    G = CoauthorGraph.build(Memberships.from_papers([1, 2], [[1, 2]]))
    for by in RANKINGS:
        top, meta = rank(G, by, top=5)  # type: ignore[arg-type]
        assert len(top) == 2 and meta["by"] == by
    assert rank(G, "papers", top=0)[0] == []
    with pytest.raises(InvalidQuery):
        rank(G, "fame")  # type: ignore[arg-type]
    with pytest.raises(InvalidQuery):
        rank(G, "papers", top=-1)
    with pytest.raises(InvalidQuery):
        rank(G, "closeness", sample=0)


@pytest.mark.large
def test_exact_betweenness_on_grqc_matches_networkx(grqc: CoauthorGraph) -> None:
    # networkx needs ~45 s here, hence "large" although the data is in tests/data
    ref = nx.betweenness_centrality(to_nx_newman(grqc))
    b, _ = betweenness(grqc)
    assert np.allclose(b, [ref[i] for i in range(grqc.n)], atol=1e-12)
    same_top(rank(grqc, "betweenness", top=10)[0], ref)
