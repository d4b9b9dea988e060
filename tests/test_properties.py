"""Property-based tests of the graph engine against networkx and plain Python recomputations.

Random small ``Memberships`` (papers of 1–6 authors among at most 40, random years, some
unknown): collaboration distances and shortest-chain counts equal networkx's; the edges of
``CoauthorGraph.build`` (joint papers, Newman weight, first/last year) equal a straightforward
recount; a year-window graph equals the graph built from the papers of that window alone. The
name functions have their own properties in ``tests/test_names.py``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.paths import (
    all_shortest_paths,
    count_shortest_paths,
    distance,
    shortest_path,
)

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@dataclass
class Papers:
    """Plain lists, the input of both the engine and the reference computations."""

    author_ids: list[int]
    papers: list[list[int]]  # author ids, distinct within a paper
    years: list[int]  # 0 = unknown

    def memberships(self) -> Memberships:
        return Memberships.from_papers(self.author_ids, self.papers, years=self.years)


@st.composite
def papers_strategy(draw: st.DrawFn, max_authors: int = 40, max_papers: int = 50) -> Papers:
    ids = draw(st.lists(st.integers(1, 10_000), min_size=1, max_size=max_authors, unique=True))
    n_papers = draw(st.integers(0, max_papers))
    papers = [
        draw(st.lists(st.sampled_from(ids), min_size=1, max_size=min(6, len(ids)), unique=True))
        for _ in range(n_papers)
    ]
    years = [draw(st.sampled_from([0, *range(1990, 2001)])) for _ in range(n_papers)]
    return Papers(ids, papers, years)


def reference_graph(p: Papers, *, cap: int = 100) -> nx.Graph:
    """The co-author graph with networkx: every author a node, an edge per counted pair."""
    g = nx.Graph()
    g.add_nodes_from(p.author_ids)
    for authors in p.papers:
        if len(authors) >= 2 and (cap == 0 or len(authors) <= cap):
            g.add_edges_from((a, b) for i, a in enumerate(authors) for b in authors[i + 1 :])
    return g


def reference_edges(
    p: Papers, *, cap: int = 100, window: tuple[int | None, int | None] = (None, None)
) -> dict[tuple[int, int], tuple[int, float, int, int]]:
    """``(a, b) -> (joint papers, Σ 1/(n-1), first known year or 0, last known year or 0)``."""
    lo, hi = window
    acc: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0, 0.0, 0, 0])
    for authors, year in zip(p.papers, p.years, strict=True):
        n = len(authors)
        if n < 2 or (cap and n > cap):
            continue
        if (lo is not None or hi is not None) and (
            year == 0 or (lo is not None and year < lo) or (hi is not None and year > hi)
        ):
            continue
        for i, a in enumerate(authors):
            for b in authors[i + 1 :]:
                e = acc[(min(a, b), max(a, b))]
                e[0] += 1
                e[1] += 1.0 / (n - 1)
                if year:
                    e[2] = min(e[2], year) if e[2] else year
                    e[3] = max(e[3], year)
    return {k: (int(v[0]), float(v[1]), int(v[2]), int(v[3])) for k, v in acc.items()}


def engine_edges(g: CoauthorGraph) -> dict[tuple[int, int], tuple[int, float, int, int]]:
    """The same table read from the CSR arrays, checking both directions agree."""
    out = {}
    for u in range(g.n):
        for s in range(int(g.indptr[u]), int(g.indptr[u + 1])):
            v = int(g.indices[s])
            back = g.edge_slot(v, u)
            assert back >= 0, "every edge is stored in both rows"
            row = (int(g.papers[s]), float(g.weight[s]), int(g.first_year[s]),
                   int(g.last_year[s]))
            assert row == (int(g.papers[back]), float(g.weight[back]), int(g.first_year[back]),
                           int(g.last_year[back]))
            if u < v:
                out[(int(g.author_ids[u]), int(g.author_ids[v]))] = row
    return out


def assert_same_edges(
    got: dict[tuple[int, int], tuple[int, float, int, int]],
    want: dict[tuple[int, int], tuple[int, float, int, int]],
) -> None:
    assert got.keys() == want.keys()
    for key, (n, w, first, last) in want.items():
        gn, gw, gf, gl = got[key]
        assert (gn, gf, gl) == (n, first, last), key
        assert gw == pytest.approx(w, rel=1e-12), key


# -- paths ---------------------------------------------------------------------------------------


@SETTINGS
@given(p=papers_strategy(), data=st.data())
def test_distances_and_path_counts_equal_networkx(p: Papers, data: st.DataObject) -> None:
    g = CoauthorGraph.build(p.memberships())
    ref = reference_graph(p)
    ids = [int(a) for a in g.author_ids]
    sources = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
    for a in sources:
        s = g.node(a)
        lengths = nx.single_source_shortest_path_length(ref, a)
        for b in ids:
            t = g.node(b)
            d = distance(g, s, t)
            assert d == lengths.get(b), (a, b)
            length, count = count_shortest_paths(g, s, t)
            if d is None:
                assert (length, count) == (None, 0)
                assert shortest_path(g, s, t) is None
                continue
            want = {tuple(path) for path in nx.all_shortest_paths(ref, a, b)}
            assert (length, count) == (d, len(want)), (a, b)
            got_d, got_count, chains = all_shortest_paths(g, s, t, limit=len(want) + 1)
            got = {tuple(int(g.author_ids[u]) for u in chain) for chain in chains}
            assert (got_d, got_count, got) == (d, len(want), want), (a, b)
            assert chains[0] == shortest_path(g, s, t)
            # a bound below the distance finds nothing, at the distance finds it
            if d > 0:
                assert distance(g, s, t, max_length=d - 1) is None
            assert distance(g, s, t, max_length=d) == d


# -- edges -----------------------------------------------------------------------------------------


@SETTINGS
@given(p=papers_strategy(), cap=st.sampled_from([0, 2, 3, 4, 100]))
def test_build_edges_equal_a_plain_recount(p: Papers, cap: int) -> None:
    g = CoauthorGraph.build(p.memberships(), max_team_size=cap)
    assert_same_edges(engine_edges(g), reference_edges(p, cap=cap))
    sizes = [len(a) for a in p.papers]
    assert g.excluded_papers == sum(1 for k in sizes if cap and k > cap)
    assert g.paper_counted.tolist() == [k >= 2 and not (cap and k > cap) for k in sizes]
    ref = reference_graph(p, cap=cap)
    assert g.n_edges == ref.number_of_edges()
    for u in range(g.n):
        a = int(g.author_ids[u])
        assert sorted(int(g.author_ids[v]) for v in g.neighbours(u)) == sorted(ref[a])
        assert g.paper_count(u) == sum(1 for authors in p.papers if a in authors)


# -- year windows --------------------------------------------------------------------------------


@SETTINGS
@given(
    p=papers_strategy(),
    lo=st.one_of(st.none(), st.integers(1988, 2002)),
    hi=st.one_of(st.none(), st.integers(1988, 2002)),
)
def test_year_window_equals_building_from_the_window_papers(
    p: Papers, lo: int | None, hi: int | None
) -> None:
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    windowed = CoauthorGraph.build(p.memberships(), year_from=lo, year_to=hi)
    if lo is None and hi is None:
        keep = list(range(len(p.papers)))
    else:
        keep = [
            i for i, y in enumerate(p.years)
            if y and (lo is None or y >= lo) and (hi is None or y <= hi)
        ]
    alone = Papers(p.author_ids, [p.papers[i] for i in keep], [p.years[i] for i in keep])
    direct = CoauthorGraph.build(alone.memberships())
    assert_same_edges(engine_edges(windowed), engine_edges(direct))
    assert_same_edges(engine_edges(windowed), reference_edges(p, window=(lo, hi)))
    assert windowed.excluded_papers == direct.excluded_papers
    assert np.flatnonzero(windowed.paper_in_window).tolist() == keep
    assert windowed.paper_counts().tolist() == direct.paper_counts().tolist()
    assert windowed.degrees().tolist() == direct.degrees().tolist()
    # paper indices differ (the window keeps the full paper table); map them to compare
    for u in range(windowed.n):
        assert [keep[int(j)] for j in direct.author_paper_list(u)] == [
            int(j) for j in windowed.author_paper_list(u)
        ]
