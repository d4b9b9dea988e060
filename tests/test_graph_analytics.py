"""Whole-graph statistics: building blocks against networkx, stats() against SNAP's table."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from graphsvc.graph.analytics import (
    bfs_distances,
    component_labels,
    diameter_ifub,
    effective_diameter,
    largest_component,
    multi_source_bfs,
    stats,
    to_igraph,
    triangles_per_node,
)
from graphsvc.graph.csr import CoauthorGraph, Memberships

DATA = Path(__file__).parent / "data" / "graph"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"shared data folder {SHARED} is absent"
)


# ----------------------------------------------------------------------------- helpers
def load_snap(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """SNAP edge list; the renumbered AstroPh copy starts with a "nodes edges" line to skip."""
    with gzip.open(path, "rt") as f:
        lines = [ln for ln in f if ln.strip() and not ln.startswith("#")]
    if "renumbered" in path.name:
        lines = lines[1:]
    a = np.loadtxt(lines, dtype=np.int64, ndmin=2)
    return a[:, 0], a[:, 1]


def snap_graph(path: Path) -> CoauthorGraph:
    return CoauthorGraph.build(Memberships.from_edges(*load_snap(path)))


def random_csr(n: int, p: float, seed: int) -> tuple[np.ndarray, np.ndarray, nx.Graph]:
    """A G(n, p) graph as symmetric CSR arrays and as networkx (same node numbers)."""
    g = nx.gnp_random_graph(n, p, seed=seed)
    return *nx_to_csr(g), g


def nx_to_csr(g: nx.Graph) -> tuple[np.ndarray, np.ndarray]:
    n = g.number_of_nodes()
    rows = [sorted(g[v]) for v in range(n)]
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.array(list(itertools.chain.from_iterable(rows)), dtype=np.int32)
    return indptr, indices


@pytest.fixture(scope="module")
def grqc() -> CoauthorGraph:
    return snap_graph(DATA / "ca-GrQc.txt.gz")


# ----------------------------------------------------------------------------- building blocks
@pytest.mark.parametrize("seed", range(4))
def test_triangles_and_components_match_networkx(seed: int) -> None:
    indptr, indices, g = random_csr(120, 0.06 + 0.02 * seed, seed)
    tri = triangles_per_node(indptr, indices)
    assert tri.tolist() == [nx.triangles(g)[v] for v in range(120)]
    count, labels = component_labels(indptr, indices)
    assert count == nx.number_connected_components(g)
    big = max(nx.connected_components(g), key=len)
    assert set(largest_component(labels).tolist()) == big


def test_triangles_on_cliques_and_chunking(monkeypatch: pytest.MonkeyPatch) -> None:
    # a 30-clique sharing a node with a 10-clique: C(30,3) + C(10,3) triangles
    g = nx.complete_graph(30)
    g.add_edges_from(itertools.combinations([29, *range(30, 39)], 2))
    indptr, indices = nx_to_csr(g)
    import graphsvc.graph.analytics as analytics

    monkeypatch.setattr(analytics, "_WEDGE_CHUNK", 50)  # force many row chunks
    tri = triangles_per_node(indptr, indices)
    assert tri.tolist() == [nx.triangles(g)[v] for v in range(39)]
    assert int(tri.sum()) // 3 == 4060 + 120


def test_bfs_and_bit_parallel_bfs_match_networkx() -> None:
    indptr, indices, g = random_csr(300, 0.012, 7)
    dist = dict(nx.all_pairs_shortest_path_length(g))
    d0 = bfs_distances(indptr, indices, 0)
    assert all(d0[v] == dist[0].get(v, -1) for v in range(300))
    # sources in several batches (batch=64) and words; every statistic against networkx
    sources = np.arange(0, 300, 2)
    r = multi_source_bfs(indptr, indices, sources, node_sums=True, per_source=True, batch=64)
    hops = np.zeros(r.hops.size, dtype=np.int64)
    for s in sources:
        for d in dist[s].values():
            hops[d] += 1
    assert r.hops.tolist() == hops.tolist()
    assert r.eccentricity.tolist() == [max(dist[s].values()) for s in sources]
    assert r.dist_sum.tolist() == [sum(dist[v][s] for s in sources if s in dist[v]) for v in g]
    assert r.reached_by.tolist() == [sum(s in dist[v] for s in sources) for v in g]
    assert r.source_hops.sum(axis=0).tolist() == hops.tolist()


def test_effective_diameter_interpolates_like_snap() -> None:
    # pairs at distance 1, 2, 3: 10, 70, 20 -> cdf 10, 80, 100; 90 is crossed at h = 3
    assert effective_diameter(np.array([5, 10, 70, 20])) == pytest.approx(2.5)
    # exactly 0.9 of the pairs at distance 1: SNAP needs the cdf to exceed 0.9
    assert effective_diameter(np.array([0, 9, 1])) == pytest.approx(1.0)
    assert effective_diameter(np.array([3])) == 0.0


@pytest.mark.parametrize("seed", range(3))
def test_ifub_diameter_matches_networkx(seed: int) -> None:
    g = nx.connected_watts_strogatz_graph(400, 4, 0.05, seed=seed)
    indptr, indices = nx_to_csr(g)
    b = diameter_ifub(indptr, indices, np.arange(400))
    assert b.exact and b.lower == nx.diameter(g)


def test_ifub_reports_bounds_when_out_of_budget() -> None:
    g = nx.path_graph(50)
    g.add_edges_from((i, 50 + i) for i in range(50))  # a comb: many nodes at the far levels
    indptr, indices = nx_to_csr(g)
    b = diameter_ifub(indptr, indices, np.arange(100), budget=8)
    assert b.lower <= nx.diameter(g) <= b.upper


def test_to_igraph_keeps_edges_and_weights(grqc: CoauthorGraph) -> None:
    ig = to_igraph(grqc.indptr, grqc.indices, grqc.weight)
    assert (ig.vcount(), ig.ecount()) == (grqc.n, grqc.n_edges)
    u, v, slot = grqc.edge_list()
    assert ig.get_edgelist()[:5] == list(zip(u[:5].tolist(), v[:5].tolist(), strict=True))
    assert ig.es["weight"][:5] == grqc.weight[slot[:5]].tolist()


# ----------------------------------------------------------------------------- stats
def test_stats_counts_papers_cap_and_window() -> None:
    papers = [[0, 1, 2], [2, 3], [3, 4, 5, 6], [7], [0, 1]]
    m = Memberships.from_papers(range(8), papers, years=[2001, 2002, 2003, 2004, 0])
    s = stats(CoauthorGraph.build(m, max_team_size=3))
    assert (s["papers"], s["counted_papers"], s["excluded_papers"]) == (5, 3, 1)
    # edges 0-1, 0-2, 1-2, 2-3; 4, 5, 6, 7 have no co-author
    assert (s["edges"], s["isolated_authors"], s["components"]) == (4, 4, 5)
    assert s["largest_component"] == {"authors": 4, "edges": 4}
    assert s["triangles"] == 1
    assert s["avg_clustering"] == pytest.approx((1 + 1 + 1 / 3) / 8)
    assert (s["diameter"], s["diameter_method"], s["estimation"]) == (2, "exact", None)
    w = stats(CoauthorGraph.build(m, year_from=2002, year_to=2003))
    assert (w["papers"], w["counted_papers"], w["edges"]) == (2, 2, 7)


def test_stats_of_an_empty_and_an_edgeless_graph() -> None:
    s = stats(CoauthorGraph.build(Memberships.from_papers([1, 2], [[1], [2]])))
    assert (s["edges"], s["components"], s["triangles"], s["diameter"]) == (0, 2, 0, 0)
    assert s["avg_clustering"] == 0.0 and s["transitivity"] == 0.0


def test_stats_matches_networkx_on_netscience() -> None:
    g = nx.read_gml(Path(__file__).parent / "data" / "netscience.gml.gz", label="id")
    u, v = zip(*g.edges(), strict=True)
    s = stats(CoauthorGraph.build(Memberships.from_edges(np.array(u), np.array(v))))
    nodes_with_edges = g.subgraph([x for x in g if g.degree(x)])
    assert s["authors"] == nodes_with_edges.number_of_nodes()
    assert s["avg_clustering"] == pytest.approx(nx.average_clustering(nodes_with_edges))
    assert s["transitivity"] == pytest.approx(nx.transitivity(nodes_with_edges))
    lcc = g.subgraph(max(nx.connected_components(g), key=len))
    assert s["largest_component"] == {"authors": 379, "edges": 914}
    assert s["diameter"] == nx.diameter(lcc) == 17
    assert s["mean_distance"] == pytest.approx(nx.average_shortest_path_length(lcc))


# SNAP's verified table (../shared/data/README.md §1); edges and LWCC edges without self-loops
SNAP_TABLE = {
    # name: nodes, edges, components, lwcc nodes, lwcc edges, avg clustering, triangles,
    #       transitivity, diameter, 90% eff. diameter, mean distance
    "ca-GrQc": (5242, 14484, 355, 4158, 13422, 0.5296, 48260, 0.6298, 17, 7.61, 6.049),
    "ca-HepTh": (9877, 25973, 429, 8638, 24806, 0.4714, 28339, 0.2840, 18, 7.42, 5.945),
    "ca-HepPh": (12008, 118489, 278, 11204, 117619, 0.6115, 3358499, 0.6595, 13, 5.79, 4.673),
    "ca-CondMat": (23133, 93439, 567, 21363, 91286, 0.6334, 173361, 0.2643, 15, 6.52, 5.352),
    "ca-AstroPh": (18772, 198050, 290, 17903, 196972, 0.6306, 1351441, 0.3180, 14, 5.01, 4.194),
}


def check_snap(s: dict, name: str) -> None:
    nodes, edges, comps, lcc_n, lcc_e, clust, tri, trans, diam, eff, mean = SNAP_TABLE[name]
    assert (s["authors"], s["edges"], s["components"]) == (nodes, edges, comps)
    assert s["largest_component"] == {"authors": lcc_n, "edges": lcc_e}
    assert round(s["avg_clustering"], 4) == clust
    assert s["triangles"] == tri
    assert round(s["transitivity"], 4) == trans
    assert s["diameter_method"] == "exact"
    assert s["diameter"] == diam
    assert round(s["effective_diameter_90"], 2) == eff
    assert round(s["mean_distance"], 3) == mean


def test_stats_grqc_equals_snap_table(grqc: CoauthorGraph) -> None:
    s = stats(grqc)
    check_snap(s, "ca-GrQc")
    # one 2-author paper per distinct pair, the 12 self-loops as 1-author papers
    assert (s["papers"], s["counted_papers"], s["excluded_papers"]) == (14496, 14484, 0)
    assert s["isolated_authors"] == 1


def test_stats_estimated_on_grqc_states_method_and_bounds(grqc: CoauthorGraph) -> None:
    s = stats(grqc, exact_limit=1000, sample=256, seed=0)
    assert s["diameter_method"] == "estimated"
    est = s["estimation"]
    assert est["distances"]["sources"] == 256
    # iFUB settles the exact diameter of GrQc's largest component
    assert est["diameter"]["bound"] == "exact" and s["diameter"] == 17
    lo, hi = est["distances"]["effective_diameter_90_interval"]
    assert lo <= 7.6066 <= hi
    lo, hi = est["distances"]["mean_distance_interval"]
    assert lo <= 6.0494 <= hi
    assert abs(s["mean_distance"] - 6.0494) <= est["distances"]["mean_distance_error_bound"]
    # the same seed gives the same estimate
    assert stats(grqc, exact_limit=1000, sample=256, seed=0) == s


@pytest.mark.large
@needs_shared
@pytest.mark.parametrize(
    ("name", "file"),
    [
        ("ca-HepTh", "ca-HepTh.txt.gz"),
        ("ca-HepPh", "ca-HepPh.txt.gz"),
        ("ca-CondMat", "ca-CondMat.txt.gz"),
        ("ca-AstroPh", "ca-AstroPh.renumbered.txt.gz"),
    ],
)
def test_stats_large_snap_equal_table(name: str, file: str) -> None:
    check_snap(stats(snap_graph(SHARED / "snap" / file)), name)
