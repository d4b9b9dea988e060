"""The C search (graphsvc._native, through graphsvc.graph.native) answers as the Python one."""

from __future__ import annotations

import dataclasses
import itertools
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import pytest

from graphsvc.graph import native
from graphsvc.graph import neighbourhood as N
from graphsvc.graph import paths as P
from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.pathcount import distance_counts
from tests.test_graph_paths import random_pairs

T = TypeVar("T")

needs_native = pytest.mark.skipif(not native.AVAILABLE, reason="graphsvc._native is not built")


def both(fn: Callable[[], T]) -> tuple[T, T]:
    """``fn()`` with the C search, then with the Python one."""
    before = native.set_enabled(True)
    try:
        assert native.enabled()
        fast = fn()
        native.set_enabled(False)
        slow = fn()
    finally:
        native.set_enabled(before)
    return fast, slow


@pytest.mark.skipif(os.environ.get("GRAPHSVC_NATIVE", "").strip() == "0",
                    reason="GRAPHSVC_NATIVE=0: the Python search was asked for")
def test_the_module_is_built() -> None:
    """scripts/setup.sh builds it (pip install -e . runs setup.py, and a failed build of the
    optional extension does not fail the install): a build lost that way would run every query
    in Python, several times slower."""
    assert native.AVAILABLE, "graphsvc._native is missing: run scripts/setup.sh (needs gcc)"


@needs_native
@pytest.mark.parametrize("fixture", ["snap", "weighted"])
def test_same_answers(fixture: str, request: pytest.FixtureRequest) -> None:
    """Distance, chain (the strongest-hop-then-lowest-id rule), number of chains and the batch,
    pair by pair, on SNAP's ca-GrQc (many components: unconnected pairs too) and on a graph of
    repeated co-authorships (where the hop strengths decide the chain)."""
    g, H = request.getfixturevalue(fixture)
    pairs = random_pairs(H, 300, seed=21) + [(0, 0), (5, 5)]

    def answers() -> list[Any]:
        return [(P.distance(g, s, t), P.shortest_path(g, s, t), P.distance_count(g, s, t),
                 P.count_shortest_paths(g, s, t)) for s, t in pairs]

    fast, slow = both(answers)
    assert fast == slow
    assert any(a[0] is None for a in fast) == (fixture == "snap")
    assert max(a[2][1] for a in fast) > 1  # several shortest chains somewhere
    batch = both(lambda: distance_counts(g, [s for s, _ in pairs], [t for _, t in pairs]))
    assert batch[0] == batch[1] == [a[2] for a in slow]


@needs_native
@pytest.mark.parametrize("fixture", ["snap", "weighted", "ties"])
def test_same_strongest_paths(fixture: str, request: pytest.FixtureRequest) -> None:
    """The same cost and chain (ties: fewest hops, then smallest ids from s) by the C
    bidirectional Dijkstra as by the Python cost balls, unconnected pairs included; ``ties``
    has co-authorship ties without papers (their weight is the strength) beside papers."""
    if fixture == "ties":
        # units of two authors: papers (tie 0) and ties of weights 0.5-3, repeats included
        rng = np.random.default_rng(25)
        units = rng.integers(0, 300, size=(900, 2)).tolist()
        ties = rng.choice([0.0, 0.0, 0.5, 1.0, 2.0, 3.0], size=900).tolist()
        g = CoauthorGraph.build(Memberships.from_papers(range(300), units, ties=ties))
        H = nx.Graph(list(zip(*(x.tolist() for x in g.edge_list()[:2]), strict=True)))
        H.add_nodes_from(range(g.n))
        assert (g.papers == 0).any() and (g.papers > 0).any()
    else:
        g, H = request.getfixturevalue(fixture)
    pairs = random_pairs(H, 300, seed=26) + [(3, 3)]
    fast, slow = both(lambda: [P.strongest_path(g, s, t) for s, t in pairs])
    assert fast == slow
    assert any(a is None for a in fast) == (fixture == "snap")  # ca-GrQc has components


@needs_native
@pytest.mark.parametrize("fixture", ["snap", "weighted"])
def test_same_collaborators(fixture: str, request: pytest.FixtureRequest) -> None:
    """The row in the same order (papers, latest year, author id), the same values and the same
    ``min_papers`` cut, with names too."""
    g, _ = request.getfixturevalue(fixture)
    names = [f"name {i % 7}" for i in range(g.n)]
    nodes = range(0, g.n, max(1, g.n // 300))

    def rows() -> list[Any]:
        return [(N.collaborators(g, u), N.collaborators(g, u, min_papers=2),
                 N.collaborators(g, u, names=names)) for u in nodes]

    fast, slow = both(rows)
    assert fast == slow
    assert any(len(r[0]) > len(r[1]) for r in fast)
    assert any(r[1] for r in fast) == (fixture == "weighted")  # SNAP edges have one paper


@needs_native
def test_max_length_cuts_off_alike(snap: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, H = snap
    pairs = random_pairs(H, 60, seed=22)
    for m in (-1, 0, 1, 2, 3, 5):
        def answers(m: int = m) -> list[Any]:
            return [(P.distance(g, s, t, max_length=m), P.shortest_path(g, s, t, max_length=m),
                     P.distance_count(g, s, t, max_length=m)) for s, t in pairs]

        fast, slow = both(answers)
        assert fast == slow, m
        batch = both(lambda m=m: distance_counts(  # type: ignore[misc]
            g, [s for s, _ in pairs], [t for _, t in pairs], max_length=m))
        assert batch[0] == batch[1] == [a[2] for a in slow]


@needs_native
@pytest.mark.parametrize("width", [63, 64, 70])
def test_counts_past_the_machine_word(width: int) -> None:
    """2**63 chains do not fit the batch's int64 counts, 2**64 not the search's uint64: both
    are counted exactly (Python ints) over the DAG instead."""
    layers = [[0]] + [[2 * i + 1, 2 * i + 2] for i in range(width)] + [[2 * width + 1]]
    papers = [[a, b] for x, y in itertools.pairwise(layers) for a in x for b in y]
    g = CoauthorGraph.build(Memberships.from_papers(range(2 * width + 2), papers))
    t = 2 * width + 1
    want = (width + 1, 2**width)
    assert both(lambda: P.distance_count(g, 0, t)) == (want, want)
    assert both(lambda: distance_counts(g, [0, t], [t, 0])) == ([want] * 2, [want] * 2)
    fast, slow = both(lambda: P.all_shortest_paths(g, 0, t, limit=1))  # one search, then the DAG
    assert fast == slow and fast[:2] == want


@needs_native
def test_memory_mapped_arrays_are_read_in_place(
    snap: tuple[CoauthorGraph, nx.Graph], tmp_path: Path,
) -> None:
    """The persisted index is memory-mapped read-only; the C search takes those arrays as they
    are (a copy per thread would double a big graph's memory)."""
    g, H = snap
    arrays = {}
    for name in ("indptr", "indices", "papers"):
        np.save(tmp_path / f"{name}.npy", getattr(g, name))
        arrays[name] = np.load(tmp_path / f"{name}.npy", mmap_mode="r")
    m = dataclasses.replace(g, **arrays)
    assert native.searcher(m) is not None
    pairs = random_pairs(H, 100, seed=23)
    assert [P.shortest_path(m, s, t) for s, t in pairs] == [P.shortest_path(g, s, t)
                                                            for s, t in pairs]


def test_other_dtypes_take_the_python_search(snap: tuple[CoauthorGraph, nx.Graph]) -> None:
    g, _ = snap
    wide = dataclasses.replace(g, indices=g.indices.astype(np.int64))
    assert native.searcher(wide) is None
    assert P.shortest_path(wide, 0, 1) == P.shortest_path(g, 0, 1)


@needs_native
def test_threads_each_have_their_own_search(weighted: tuple[CoauthorGraph, nx.Graph]) -> None:
    """The C search runs without the GIL, on per-thread work arrays: concurrent queries do not
    see each other's marks."""
    g, H = weighted
    pairs = random_pairs(H, 400, seed=24)
    want = [(P.shortest_path(g, s, t), P.distance_count(g, s, t)) for s, t in pairs]

    def run(chunk: list[tuple[int, int]]) -> list[Any]:
        return [(P.shortest_path(g, s, t), P.distance_count(g, s, t)) for s, t in chunk]

    with ThreadPoolExecutor(4) as pool:
        got = list(itertools.chain.from_iterable(
            pool.map(run, [pairs[i::4] for i in range(4)])))
    assert sorted(map(repr, got)) == sorted(map(repr, want))


@needs_native
def test_the_environment_switches_it_off() -> None:
    code = "from graphsvc.graph import native; print(native.AVAILABLE, native.enabled())"
    env = {**os.environ, "GRAPHSVC_NATIVE": "0"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out == ["True", "False"]


@pytest.fixture
def python_only() -> Iterator[None]:
    before = native.set_enabled(False)
    yield
    native.set_enabled(before)


def test_switched_off_means_no_search(python_only: None,
                                      snap: tuple[CoauthorGraph, nx.Graph]) -> None:
    assert native.searcher(snap[0]) is None


@needs_native
@pytest.mark.parametrize("fixture", ["snap", "weighted"])
def test_one_shortest_chain_with_its_count_alike(fixture: str,
                                                 request: pytest.FixtureRequest) -> None:
    """all_shortest_paths with a limit of one (the API's plain shortest path) counts the chains
    and walks the first one after a single C search (``shortest_path_count``); the DAG walk of
    the Python search gives the same."""
    g, H = request.getfixturevalue(fixture)
    pairs = random_pairs(H, 300, seed=5) + [(0, 0)]

    def answers() -> list[Any]:
        return [(P.all_shortest_paths(g, s, t, limit=1),
                 P.all_shortest_paths(g, s, t, limit=1, max_length=2)) for s, t in pairs]

    fast, slow = both(answers)
    assert fast == slow
    assert any(a[0][1] > 1 for a in fast) and any(a[0][0] is None for a in fast) == (
        fixture == "snap")
