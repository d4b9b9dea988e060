"""Collaborators, ego networks, cohorts and the networkx export, against networkx."""

from __future__ import annotations

import gzip

import networkx as nx
import numpy as np
import pytest

from graphsvc.errors import InvalidQuery
from graphsvc.graph import neighbourhood as N
from graphsvc.graph.csr import CoauthorGraph, Memberships
from tests.helpers import to_nx
from tests.test_graph_csr import SHARED, load_edge_list, needs_shared

#: every test once with the C search (graph.native) and once with the Python one
pytestmark = pytest.mark.usefixtures("engine")


# ----------------------------------------------------------------------------- collaborators
def test_collaborators_order_and_values() -> None:
    #          joint papers / last year with author 1
    # 2: 2 papers, last 2003        5: 2 papers, last 2010 (one of unknown year)
    # 3: 1 paper 2010 ("bob")       4: 1 paper 2010 ("Alice")    6: 1 paper, unknown year
    # 7: 1 paper 2010 ("alice", same casefolded name as 4: author id decides)
    papers = [[1, 2], [1, 2], [1, 5], [1, 5], [1, 3], [1, 4], [1, 6], [1, 7, 8]]
    years = [2001, 2003, 2010, 0, 2010, 2010, 0, 2010]
    g = CoauthorGraph.build(Memberships.from_papers(range(1, 9), papers, years=years))
    names = ["zed", "Bea", "bob", "Alice", "Eve", "Al", "alice", "x"]
    rows = N.collaborators(g, 0, names=names)
    assert [int(g.author_ids[r[0]]) for r in rows] == [5, 2, 4, 7, 3, 8, 6]
    by_id = {int(g.author_ids[r[0]]): r[1:] for r in rows}
    assert by_id[2] == (2, 2001, 2003, 2.0)
    assert by_id[5] == (2, 2010, 2010, 2.0)
    assert by_id[6] == (1, 0, 0, 1.0)
    assert by_id[7] == (1, 2010, 2010, 0.5)
    # without names: papers, then year, then author id
    assert [int(g.author_ids[r[0]]) for r in N.collaborators(g, 0)] == [5, 2, 3, 4, 7, 8, 6]
    assert [int(g.author_ids[r[0]]) for r in N.collaborators(g, 0, min_papers=2)] == [5, 2]


def test_collaborators_match_neighbours(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = graph
    for u in np.random.default_rng(1).integers(0, g.n, 30).tolist():
        rows = N.collaborators(g, u)
        assert sorted(r[0] for r in rows) == sorted(H[u])
        assert all(r[1] == H[u][r[0]]["papers"] for r in rows)
        keys = [(-r[1], -r[3], int(g.author_ids[r[0]])) for r in rows]
        assert keys == sorted(keys)


# ----------------------------------------------------------------------------- ego
def test_ego_matches_networkx(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = graph
    filtered = {1: H, 2: to_nx(g, min_papers=2)}
    rng = np.random.default_rng(2)
    for u in rng.integers(0, g.n, 25).tolist():
        for radius in (1, 2, 3):
            for w, F in filtered.items():
                nodes, cut = N.ego(g, u, radius=radius, min_papers=w)
                assert not cut
                assert nodes[0] == u and len(set(nodes.tolist())) == nodes.size
                assert set(nodes.tolist()) == set(nx.ego_graph(F, u, radius=radius).nodes)
                dist = nx.single_source_shortest_path_length(F, u, cutoff=radius)
                assert [dist[x] for x in nodes.tolist()] == sorted(dist.values())


def test_ego_truncation_rule() -> None:
    # focus 0; ring 1: 1 (3 papers), 2 (1 paper), 3 (1 paper); ring 2 via 1 and 2
    papers = [[0, 1]] * 3 + [[0, 2], [0, 3], [1, 4], [1, 4], [2, 4], [2, 5], [3, 6], [6, 7]]
    g = CoauthorGraph.build(Memberships.from_papers(range(8), papers))
    nodes, cut = N.ego(g, 0, radius=2)
    # ring 2: 4 has 2 + 1 papers towards ring 1, 5 and 6 one each (ids decide)
    assert (nodes.tolist(), cut) == ([0, 1, 2, 3, 4, 5, 6], False)
    nodes, cut = N.ego(g, 0, radius=2, max_nodes=5)
    assert (nodes.tolist(), cut) == ([0, 1, 2, 3, 4], True)
    nodes, cut = N.ego(g, 0, radius=3, max_nodes=2)
    assert (nodes.tolist(), cut) == ([0, 1], True)
    nodes, cut = N.ego(g, 0, radius=2, max_nodes=7)
    assert (nodes.tolist(), cut) == ([0, 1, 2, 3, 4, 5, 6], False)
    nodes, cut = N.ego(g, 0, radius=3, max_nodes=7)
    assert (nodes.tolist(), cut) == ([0, 1, 2, 3, 4, 5, 6], True)  # 7 is at distance 3
    nodes, cut = N.ego(g, 7, radius=1, max_nodes=1)
    assert (nodes.tolist(), cut) == ([7], True)
    for bad in ({"radius": 0}, {"radius": 4}, {"max_nodes": 0}):
        with pytest.raises(InvalidQuery):
            N.ego(g, 0, **bad)


def test_ego_truncated_stays_connected(snap: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = snap
    hub = int(np.argmax(g.degrees()))
    full, cut = N.ego(g, hub, radius=2)
    assert not cut and full.size > 200
    nodes, cut = N.ego(g, hub, radius=2, max_nodes=150)
    assert cut and nodes.size == 150
    assert np.array_equal(nodes, full[:150])
    assert nx.is_connected(H.subgraph(nodes.tolist()))


# ----------------------------------------------------------------------------- subgraphs
def test_induced_edges_cohort_and_networkx(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = graph
    rng = np.random.default_rng(3)
    for size in (1, 5, 40, 300):
        hub = int(rng.integers(0, g.n))
        pool = N.ego(g, hub, radius=3)[0]
        nodes = np.unique(
            np.concatenate([pool[: size // 2], rng.integers(0, g.n, size - size // 2)])
        )
        sub = H.subgraph(nodes.tolist())
        u, v, papers, weight, first, last = N.induced_edges(g, nodes)
        assert np.all(u < v)
        assert sorted(zip(u.tolist(), v.tolist(), strict=True)) == sorted(
            (min(a, b), max(a, b)) for a, b in sub.edges()
        )
        assert all(p == H[a][b]["papers"] for a, b, p in zip(u, v, papers, strict=True))
        comps = N.cohort(g, nodes)
        want = sorted(
            (sorted(c) for c in nx.connected_components(sub)), key=lambda c: (-len(c), c[0])
        )
        assert comps == want
        X = N.to_networkx(g, nodes)
        assert set(X.nodes) == set(nodes.tolist()) and X.number_of_edges() == u.size
        for a, b, data in X.edges(data=True):
            s = g.edge_slot(a, b)
            assert data == {
                "papers": int(g.papers[s]),
                "weight": float(g.weight[s]),
                "first_year": int(g.first_year[s]),
                "last_year": int(g.last_year[s]),
            }
        assert all(X.nodes[x]["author_id"] == int(g.author_ids[x]) for x in X.nodes)
    assert N.cohort(g, []) == []


# ----------------------------------------------------------------------------- names
@pytest.mark.large
@needs_shared
def test_newman_astro_ph_collaborators_with_names() -> None:
    base = SHARED / "newman-astro-ph"
    g = CoauthorGraph.build(Memberships.from_edges(*load_edge_list(base / "astro-ph.txt.gz")))
    by_id: dict[int, str] = {}
    with gzip.open(base / "astro-ph_names.txt.gz", "rt", encoding="utf-8") as f:
        for line in f:
            key, _, name = line.rstrip("\n").partition(" ")
            by_id[int(key)] = name
    names = [by_id.get(int(a), "") for a in g.author_ids]
    hub = int(np.argmax(g.degrees()))
    rows = N.collaborators(g, hub, names=names)
    assert len(rows) == g.degree(hub)
    # every edge has one paper and unknown years here: the order is by name, then id
    keys = [(names[r[0]].casefold(), int(g.author_ids[r[0]])) for r in rows]
    assert keys == sorted(keys)
