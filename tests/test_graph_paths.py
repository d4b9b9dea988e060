"""Distances, shortest / all / strongest chains and profiles, exact against networkx."""

from __future__ import annotations

import dataclasses
import heapq
import itertools
from collections import Counter
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

from graphsvc.errors import InvalidQuery
from graphsvc.graph import paths as P
from graphsvc.graph import pyrows, smallsearch
from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.pathcount import dag_count
from tests.helpers import to_nx, weighted_memberships
from tests.test_graph_csr import SHARED, load_edge_list, needs_shared

COUNT_CAP = 300  # compare counts with networkx's enumeration only when it is this small

#: every test once with the C search (graph.native) and once with the Python one
pytestmark = pytest.mark.usefixtures("engine")


# ----------------------------------------------------------------------------- helpers
def random_pairs(H: nx.Graph, k: int, seed: int) -> list[tuple[int, int]]:
    """Two thirds of the pairs inside the largest component, the rest anywhere."""
    rng = np.random.default_rng(seed)
    components: list[set[int]] = list(nx.connected_components(H))
    big = np.array(sorted(components[int(np.argmax([len(c) for c in components]))]))
    pairs = []
    for i in range(k):
        pool = big if i % 3 else np.arange(H.number_of_nodes())
        s, t = rng.choice(pool, 2)
        pairs.append((int(s), int(t)))
    return pairs


def nx_distance(H: nx.Graph, s: int, t: int) -> int | None:
    try:
        return int(nx.shortest_path_length(H, s, t))
    except nx.NetworkXNoPath:
        return None


def preference_key(g: CoauthorGraph, path: list[int]) -> list[tuple[int, int]]:
    """Per hop: (−joint papers, author id): the documented order of shortest chains."""
    return [
        (-int(g.papers[g.edge_slot(a, b)]), int(g.author_ids[b]))
        for a, b in itertools.pairwise(path)
    ]


def greedy_rule_oracle(g: CoauthorGraph, H: nx.Graph, s: int, t: int) -> list[int]:
    """The shortest_path rule re-implemented over networkx distances to ``t``."""
    to_t = nx.single_source_shortest_path_length(H, t)
    path = [s]
    while path[-1] != t:
        u = path[-1]
        best = min(
            (v for v in H[u] if to_t.get(v) == to_t[u] - 1),
            key=lambda v: (-H[u][v]["papers"], int(g.author_ids[v])),
        )
        path.append(best)
    return path


def strongest_oracle(g: CoauthorGraph, H: nx.Graph, s: int, t: int) -> tuple[Fraction, list[int]]:
    """Label-setting Dijkstra on exact labels (Σ 1/papers as a Fraction, hops, author ids)."""
    heap: list[tuple[Fraction, int, tuple[int, ...], int, tuple[int, ...]]] = [
        (Fraction(0), 0, (int(g.author_ids[s]),), s, (s,))
    ]
    done: set[int] = set()
    while heap:
        cost, hops, ids, u, nodes = heapq.heappop(heap)
        if u in done:
            continue
        done.add(u)
        if u == t:
            return cost, list(nodes)
        for v, data in H[u].items():
            if v not in done:
                label = (cost + Fraction(1, data["papers"]), hops + 1, (*ids, int(g.author_ids[v])))
                heapq.heappush(heap, (*label, v, (*nodes, v)))
    raise AssertionError("unconnected")


def path_is_chain(H: nx.Graph, path: list[int], s: int, t: int) -> bool:
    return (
        path[0] == s
        and path[-1] == t
        and all(H.has_edge(a, b) for a, b in itertools.pairwise(path))
    )


# ----------------------------------------------------------------------------- distance
def test_distance_random_pairs(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = graph
    for s, t in random_pairs(H, 400, seed=1):
        assert P.distance(g, s, t) == nx_distance(H, s, t), (s, t)


def test_distances_from_batch(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = graph
    rng = np.random.default_rng(2)
    for s in rng.integers(0, g.n, 15).tolist():
        targets = rng.integers(0, g.n, 40)
        truth = nx.single_source_shortest_path_length(H, s)
        got = P.distances_from(g, s, targets)
        assert got.tolist() == [truth.get(int(x), -1) for x in targets]
        assert P.distances_from(g, s, targets, max_length=3).tolist() == [
            d if 0 <= d <= 3 else -1 for d in got.tolist()
        ]


def test_max_length_and_trivial(snap: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = snap
    s, t = random_pairs(H, 2, seed=3)[1]
    d = P.distance(g, s, t)
    assert d is not None and d >= 2
    assert P.distance(g, s, t, max_length=d) == d
    assert P.distance(g, s, t, max_length=d - 1) is None
    assert P.shortest_path(g, s, t, max_length=d - 1) is None
    assert P.count_shortest_paths(g, s, t, max_length=d - 1) == (None, 0)
    assert P.distance(g, s, s) == 0
    assert P.shortest_path(g, s, s) == [s]
    assert P.count_shortest_paths(g, s, s) == (0, 1)
    assert P.all_shortest_paths(g, s, s, limit=3) == (0, 1, [[s]])
    assert P.strongest_path(g, s, s) == (0.0, [s])


def test_bad_arguments(snap: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, _ = snap
    with pytest.raises(InvalidQuery):
        P.distance(g, 0, g.n)
    with pytest.raises(InvalidQuery):
        P.distance(g, 0, 1, node_mask=np.ones(3, dtype=bool))
    with pytest.raises(InvalidQuery):
        P.distance(g, 0, 1, slot_mask=np.ones(3, dtype=bool))
    with pytest.raises(InvalidQuery):
        P.all_shortest_paths(g, 0, 1, limit=-1)


# ----------------------------------------------------------------------------- shortest chains
def test_shortest_path_count_and_all(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = graph
    compared = 0
    for s, t in random_pairs(H, 200, seed=4):
        d, count = P.count_shortest_paths(g, s, t)
        path = P.shortest_path(g, s, t)
        if d is None:
            assert path is None and count == 0 and nx_distance(H, s, t) is None
            continue
        assert path is not None and len(path) == d + 1 and path_is_chain(H, path, s, t)
        length, count2, some = P.all_shortest_paths(g, s, t, limit=40)
        assert (length, count2) == (d, count)
        assert some[0] == path
        assert len(some) == min(40, count) == len({tuple(p) for p in some})
        assert all(len(p) == d + 1 and path_is_chain(H, p, s, t) for p in some)
        keys = [preference_key(g, p) for p in some]
        assert keys == sorted(keys)
        if count <= COUNT_CAP:
            truth = [list(p) for p in nx.all_shortest_paths(H, s, t)]
            assert len(truth) == count, (s, t)
            truth.sort(key=lambda p: preference_key(g, p))
            assert some == truth[:40]
            compared += 1
    assert compared >= 100


def test_shortest_path_rule_independently(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = graph
    for s, t in random_pairs(H, 60, seed=5):
        if nx_distance(H, s, t) is None:
            continue
        assert P.shortest_path(g, s, t) == greedy_rule_oracle(g, H, s, t)


def test_rule_prefers_strength_over_ids() -> None:
    # 1 - 2 - 9 (one paper each) and 1 - 5 - 9 (two papers on the first hop)
    papers = [[1, 2], [2, 9], [1, 5], [1, 5], [5, 9], [1, 3], [3, 9]]
    g = CoauthorGraph.build(Memberships.from_papers([1, 2, 3, 5, 9], papers))
    ids = g.author_ids
    assert [int(ids[x]) for x in P.shortest_path(g, 0, 4) or []] == [1, 5, 9]
    d, c, all_ = P.all_shortest_paths(g, 0, 4, limit=10)
    assert (d, c) == (2, 3)
    assert [[int(ids[x]) for x in p] for p in all_] == [[1, 5, 9], [1, 2, 9], [1, 3, 9]]


def test_count_exceeds_int64() -> None:
    # s, then 70 layers of two authors, each joined to both of the next layer, then t
    layers = [[0]] + [[2 * i + 1, 2 * i + 2] for i in range(70)] + [[141]]
    papers = [[a, b] for x, y in itertools.pairwise(layers) for a in x for b in y]
    g = CoauthorGraph.build(Memberships.from_papers(range(142), papers))
    d, count = P.count_shortest_paths(g, 0, 141)
    assert (d, count) == (71, 2**70)
    assert isinstance(count, int)
    assert P.distance_count(g, 0, 141) == (71, 2**70)  # beyond float64: the exact DAG count
    _, _, some = P.all_shortest_paths(g, 0, 141, limit=3)
    assert [p[:3] for p in some] == [[0, 1, 3], [0, 1, 3], [0, 1, 3]]
    assert some[0][-3:] == [137, 139, 141] and some[1][-3:] == [137, 140, 141]


# ----------------------------------------------------------------------------- strongest
def test_strongest_path_against_dijkstra(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = graph
    for i, (s, t) in enumerate(random_pairs(H, 120, seed=6)):
        got = P.strongest_path(g, s, t)
        if nx_distance(H, s, t) is None:
            assert got is None
            continue
        assert got is not None
        cost, path = got
        assert path_is_chain(H, path, s, t)
        assert cost == pytest.approx(nx.dijkstra_path_length(H, s, t, weight="cost"), rel=1e-12)
        assert cost == pytest.approx(
            sum(1 / H[a][b]["papers"] for a, b in itertools.pairwise(path))
        )
        if i % 4 == 0:  # the full tie rule, with exact arithmetic
            exact, want = strongest_oracle(g, H, s, t)
            assert path == want and cost == pytest.approx(float(exact), rel=1e-12)


def test_strongest_path_ties() -> None:
    # equal cost 1: 1-2-9 has 2 hops (1/2 + 1/2), 1-9 directly has 1 hop (1/1): fewer hops win
    papers = [[1, 2], [1, 2], [2, 9], [2, 9], [1, 9]]
    g = CoauthorGraph.build(Memberships.from_papers([1, 2, 9], papers))
    assert P.strongest_path(g, 0, 2) == (1.0, [0, 2])
    # equal cost and hops on 1-3-9, 1-2-9 and 1-4-9: the lower ids win
    papers = [[1, 3], [3, 9], [1, 2], [2, 9], [1, 4], [4, 9]]
    g = CoauthorGraph.build(Memberships.from_papers([1, 2, 3, 4, 9], papers))
    assert P.strongest_path(g, 0, 4) == (2.0, [0, 1, 4])
    assert (
        P.strongest_path(CoauthorGraph.build(Memberships.from_papers([1, 2], [[1], [2]])), 0, 1)
        is None
    )


# ----------------------------------------------------------------------------- profile
def test_distance_profile(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = graph
    rng = np.random.default_rng(8)
    for s in [*rng.integers(0, g.n, 12).tolist(), int(np.argmin(g.degrees()))]:
        truth = Counter(nx.single_source_shortest_path_length(H, s).values())
        counts, unreachable = P.distance_profile(g, s)
        assert counts == [truth[i] for i in range(len(truth))]
        assert unreachable == g.n - sum(truth.values())


# ----------------------------------------------------------------------------- masks
def test_avoid_authors(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = graph
    rng = np.random.default_rng(9)
    for s, t in random_pairs(H, 50, seed=10):
        avoid = rng.choice(g.n, g.n // 10, replace=False)
        mask = np.ones(g.n, dtype=bool)
        mask[avoid] = False
        sub = H.copy()  # a copy, not a subgraph view: views are slow to traverse
        sub.remove_nodes_from(set(avoid.tolist()) - {s, t})
        want = nx_distance(sub, s, t)
        assert P.distance(g, s, t, node_mask=mask) == want
        assert P.distances_from(g, s, [t], node_mask=mask).tolist() == [
            -1 if want is None else want
        ]
        d, count = P.count_shortest_paths(g, s, t, node_mask=mask)
        path = P.shortest_path(g, s, t, node_mask=mask)
        strong = P.strongest_path(g, s, t, node_mask=mask)
        if want is None:
            assert (d, count, path, strong) == (None, 0, None, None)
            continue
        assert path is not None and path_is_chain(sub, path, s, t)
        assert path == greedy_rule_oracle(g, sub, s, t)
        if count <= COUNT_CAP:
            assert count == sum(1 for _ in nx.all_shortest_paths(sub, s, t))
        assert strong is not None and path_is_chain(sub, strong[1], s, t)
        assert strong[0] == pytest.approx(nx.dijkstra_path_length(sub, s, t, weight="cost"))
        # the ends are allowed even when the mask forbids them
        mask[[s, t]] = False
        assert P.distance(g, s, t, node_mask=mask) == want


def test_min_papers_mask(weighted: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, _ = weighted
    H2 = to_nx(g, min_papers=2)
    sm = P.slot_mask_min_papers(g, 2)
    for s, t in random_pairs(H2, 150, seed=11):
        want = nx_distance(H2, s, t)
        assert P.distance(g, s, t, slot_mask=sm) == want
        if want is None:
            continue
        d, count = P.count_shortest_paths(g, s, t, slot_mask=sm)
        if count <= COUNT_CAP:
            assert count == sum(1 for _ in nx.all_shortest_paths(H2, s, t))
        path = P.shortest_path(g, s, t, slot_mask=sm)
        assert path == greedy_rule_oracle(g, H2, s, t)
        strong = P.strongest_path(g, s, t, slot_mask=sm)
        assert strong is not None
        assert strong[0] == pytest.approx(nx.dijkstra_path_length(H2, s, t, weight="cost"))
    counts, unreachable = P.distance_profile(g, 0, slot_mask=sm)
    truth = Counter(nx.single_source_shortest_path_length(H2, 0).values())
    assert counts == [truth[i] for i in range(len(truth))]


def test_avoid_papers_mask() -> None:
    mem = weighted_memberships(seed=12, n=200, p=600)
    g = CoauthorGraph.build(mem, max_team_size=4)
    rng = np.random.default_rng(13)
    avoid = rng.choice(mem.n_papers, 150, replace=False)
    sm = P.slot_mask_avoid_papers(g, np.concatenate([avoid, avoid[:5], [-1, 10**6]]))
    # oracle: rebuild without the avoided papers
    keep = np.setdiff1d(np.arange(mem.n_papers), avoid)
    ptr = mem.paper_ptr
    papers = [mem.author_ids[mem.paper_members[ptr[j] : ptr[j + 1]]].tolist() for j in keep]
    g2 = CoauthorGraph.build(
        Memberships.from_papers(mem.author_ids.tolist(), papers), max_team_size=4
    )
    assert np.array_equal(g2.author_ids, g.author_ids)
    u, v, _ = g.edge_list()
    survives = g2.edge_slots(u, v) >= 0
    assert np.array_equal(sm[g.edge_slots(u, v)], survives)
    assert np.array_equal(sm[g.edge_slots(v, u)], survives)
    assert 0 < survives.sum() < survives.size
    H2 = to_nx(g2)
    for s, t in random_pairs(H2, 80, seed=14):
        assert P.distance(g, s, t, slot_mask=sm) == nx_distance(H2, s, t)


# ----------------------------------------------------------------------------- larger graphs
@pytest.mark.large
@needs_shared
@pytest.mark.parametrize("path", ["snap/ca-HepTh.txt.gz", "newman-astro-ph/astro-ph.txt.gz"])
def test_large_graphs(path: str) -> None:
    g = CoauthorGraph.build(Memberships.from_edges(*load_edge_list(SHARED / path)))
    H = to_nx(g)
    for i, (s, t) in enumerate(random_pairs(H, 300, seed=15)):
        d = P.distance(g, s, t)
        assert d == nx_distance(H, s, t)
        if d is not None and i % 5 == 0:
            _, count = P.count_shortest_paths(g, s, t)
            if count <= COUNT_CAP:
                assert count == sum(1 for _ in nx.all_shortest_paths(H, s, t))
            assert P.shortest_path(g, s, t) == greedy_rule_oracle(g, H, s, t)
    for s in (0, g.n // 2):
        truth = Counter(nx.single_source_shortest_path_length(H, s).values())
        assert P.distance_profile(g, s)[0] == [truth[i] for i in range(len(truth))]


def test_distance_count_agrees_with_the_dag_count() -> None:
    G = CoauthorGraph.build(weighted_memberships(seed=3, n=400, p=900))
    rng = np.random.default_rng(5)
    for s, t in rng.integers(0, G.n, size=(300, 2)).tolist():
        assert P.distance_count(G, s, t) == dag_count(G, s, t, None, None, None)
        assert P.distance_count(G, s, t, max_length=2) == dag_count(G, s, t, None, None, 2)


@pytest.mark.parametrize("rows", ["lists", "views"])
@pytest.mark.parametrize("max_work", [0, 40, 10**9])
def test_python_opening_numpy_and_mixed_agree(
    graph: tuple[CoauthorGraph, nx.Graph], monkeypatch: pytest.MonkeyPatch, max_work: int,
    rows: str,
) -> None:
    """Searches all in numpy (0), opened in Python then finished in numpy (40 slots) and all
    in Python give the same distances, counts and chains (graph.smallsearch), with rows read
    as Python lists or through memoryviews (graph.pyrows), ties and unreachable pairs
    included."""
    g, H = graph
    g = dataclasses.replace(g)  # a fresh graph: its Python rows are made under the patches
    monkeypatch.setattr(smallsearch, "MAX_WORK", max_work)
    monkeypatch.setattr(smallsearch, "MAX_WORK_VIEWS", max_work)
    if rows == "views":
        monkeypatch.setattr(pyrows, "LIST_SLOTS", -1)
    assert (g.py.rows is None) == (rows == "views")
    for i, (s, t) in enumerate(random_pairs(H, 80, seed=6)):
        d = nx_distance(H, s, t)
        assert P.distance(g, s, t) == d, (s, t)
        if d is None:
            assert P.shortest_path(g, s, t) is None
            assert P.distance_count(g, s, t) == (None, 0)
            continue
        assert P.shortest_path(g, s, t) == greedy_rule_oracle(g, H, s, t), (s, t)
        assert P.all_shortest_paths(g, s, t, limit=5)[2][0] == P.shortest_path(g, s, t)
        count = P.distance_count(g, s, t)
        assert count == dag_count(g, s, t, None, None, None), (s, t)
        if i % 4 == 0 and count[1] <= COUNT_CAP:
            assert count[1] == sum(1 for _ in nx.all_shortest_paths(H, s, t)), (s, t)
        if d > 0:
            assert P.distance(g, s, t, max_length=d - 1) is None
            assert P.shortest_path(g, s, t, max_length=d - 1) is None
            assert P.distance_count(g, s, t, max_length=d - 1) == (None, 0)


def test_strongest_tie_break_walks_agree(graph: tuple[CoauthorGraph, nx.Graph]) -> None:
    """The unmasked tie-break walks its tight hops in plain Python; an all-True mask takes the
    numpy walk: the same chains and costs (ties included), and None when unconnected."""
    g, H = graph
    everyone = np.ones(g.n, dtype=bool)
    for s, t in random_pairs(H, 80, seed=11):
        assert P.strongest_path(g, s, t) == P.strongest_path(g, s, t, node_mask=everyone)


def test_strongest_path_leaves_its_cost_arrays_clean(
    graph: tuple[CoauthorGraph, nx.Graph],
) -> None:
    """The thread's cost arrays are inf again after every query (connected or not): the next
    query reads them without a stamp."""
    from graphsvc.graph.workspace import workspace

    g, H = graph
    for s, t in random_pairs(H, 30, seed=12):
        P.strongest_path(g, s, t)
        assert all(np.isinf(c).all() for c in workspace(g).costs())
