"""Communities (Louvain / Leiden via igraph) against networkx, determinism, central members."""

from __future__ import annotations

from typing import Literal

import networkx as nx
import numpy as np
import pytest

from graphsvc.errors import InvalidQuery
from graphsvc.graph.community import central_members, communities, induced_csr, modularity
from graphsvc.graph.csr import CoauthorGraph, Memberships
from tests.helpers import to_nx_newman


def is_partition(parts: list[np.ndarray], nodes: np.ndarray) -> bool:
    flat = np.concatenate(parts)
    return flat.size == nodes.size and np.array_equal(np.sort(flat), np.sort(nodes))


@pytest.mark.parametrize("name", ["grqc", "netscience"])
@pytest.mark.parametrize("method", ["louvain", "leiden"])
def test_modularity_beats_trivial_and_is_close_to_networkx(
    name: str, method: Literal["louvain", "leiden"], request: pytest.FixtureRequest
) -> None:
    G = request.getfixturevalue(name)
    H = to_nx_newman(G)
    parts = communities(G, method=method, seed=3)
    assert is_partition(parts, np.arange(G.n))
    assert [p.size for p in parts] == sorted((p.size for p in parts), reverse=True)
    q = modularity(G, parts)
    assert q == pytest.approx(nx.community.modularity(H, [set(p.tolist()) for p in parts]))
    # trivial partitions: everyone together (Q = 0), everyone alone (Q < 0)
    assert q > modularity(G, [np.arange(G.n)]) + 0.5
    assert q > modularity(G, [])
    q_nx = nx.community.modularity(H, nx.community.louvain_communities(H, seed=3))
    assert q >= q_nx - 0.01


@pytest.mark.parametrize("method", ["louvain", "leiden"])
def test_same_seed_same_partition(
    grqc: CoauthorGraph, method: Literal["louvain", "leiden"]
) -> None:
    a = communities(grqc, method=method, seed=11)
    b = communities(grqc, method=method, seed=11)
    assert len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_seeding_leaves_the_global_random_state_alone(grqc: CoauthorGraph) -> None:
    import random

    random.seed(5)
    expected = random.random()
    random.seed(5)
    communities(grqc, seed=1)
    assert random.random() == expected


def test_resolution_changes_granularity(netscience: CoauthorGraph) -> None:
    coarse = communities(netscience, resolution=0.2)
    fine = communities(netscience, resolution=5.0)
    assert len(fine) > len(coarse)


def test_subgraph_communities(grqc: CoauthorGraph) -> None:
    hub = int(np.argmax(np.diff(grqc.indptr)))
    nodes = np.concatenate([[hub], grqc.neighbours(hub)])
    nbrs2 = np.unique(np.concatenate([grqc.neighbours(int(x)) for x in nodes]))
    parts = communities(grqc, nodes=nbrs2, seed=0)
    assert is_partition(parts, nbrs2)
    ptr, idx, slots = induced_csr(grqc, nbrs2)
    sub = nx.Graph(grqc.adjacency("weight")[np.ix_(nbrs2, nbrs2)].toarray())
    assert sub.number_of_edges() == idx.size // 2
    assert np.allclose(grqc.weight[slots], 1.0)
    local = {int(x): i for i, x in enumerate(nbrs2)}
    q_nx = nx.community.modularity(sub, [{local[int(x)] for x in p} for p in parts])
    assert q_nx > 0.3


def test_small_cases_and_errors() -> None:
    G = CoauthorGraph.build(Memberships.from_papers(range(3), [[0], [1], [2]]))
    assert [p.tolist() for p in communities(G)] == [[0], [1], [2]]
    assert communities(G, nodes=np.array([], dtype=np.int64)) == []
    with pytest.raises(InvalidQuery):
        communities(G, method="spectral")  # type: ignore[arg-type]
    with pytest.raises(InvalidQuery):
        communities(G, resolution=0)
    with pytest.raises(InvalidQuery):
        communities(G, nodes=np.array([7]))


def test_central_members_by_strength_inside(grqc: CoauthorGraph) -> None:
    parts = communities(grqc, seed=0)
    c = parts[0]
    top = central_members(grqc, c, 5)
    assert top.size == 5 and set(top.tolist()) <= set(c.tolist())
    H = to_nx_newman(grqc).subgraph(c.tolist())
    strength = dict(H.degree(weight="weight"))
    best = sorted(strength, key=lambda x: (-strength[x], -H.degree(x), x))[:5]
    # equal strengths tie-break by degree, then papers, then node; compare strengths
    assert [strength[int(x)] for x in top] == [strength[x] for x in best]
    assert central_members(grqc, c, 0).size == 0
    assert central_members(grqc, c, 10_000).size == c.size
