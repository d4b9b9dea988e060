"""CSR co-author graph: build semantics (team cap, year window, Newman weights) against oracles."""

from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import graphsvc.graph.csr as csr
import graphsvc.graph.edges as edges
from graphsvc.errors import InvalidQuery
from graphsvc.graph.csr import CoauthorGraph, Memberships

DATA = Path(__file__).parent / "data" / "graph"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is absent")


# ----------------------------------------------------------------------------- helpers
def load_edge_list(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Whitespace-separated integer pairs from a (gzipped) edge list, ``#`` lines skipped."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as f:
        a = np.loadtxt(f, comments="#", dtype=np.int64, ndmin=2)
    return a[:, 0], a[:, 1]


def random_memberships(
    seed: int, n: int, p: int, *, max_k: int = 7, years: tuple[int, ...] = (0, 2001, 2005)
) -> tuple[Memberships, list[list[int]], list[int]]:
    """Random papers over ``n`` authors (clustered so that pairs repeat), as arrays and lists."""
    rng = np.random.default_rng(seed)
    ids = np.sort(rng.choice(10 * n + 10, n, replace=False))
    papers: list[list[int]] = []
    for _ in range(p):
        k = min(n, int(rng.integers(1, max_k + 1)))
        centre = int(rng.integers(0, n))
        pool = ids[(centre + np.arange(-8, 9)) % n]
        papers.append(rng.choice(np.unique(pool), min(k, np.unique(pool).size), False).tolist())
    yrs = rng.choice(years, size=p).tolist()
    mem = Memberships.from_papers(ids.tolist(), papers, years=yrs, paper_ids=range(100, 100 + p))
    return mem, papers, yrs


def oracle_edges(
    papers: list[list[int]],
    years: list[int],
    *,
    cap: int = 100,
    year_from: int | None = None,
    year_to: int | None = None,
) -> tuple[dict[tuple[int, int], tuple[int, float, int, int, list[int]]], list[bool]]:
    """Co-author edges by author ids, computed paper by paper in plain Python."""
    acc: dict[tuple[int, int], list] = {}
    window = []
    for j, (authors, y) in enumerate(zip(papers, years, strict=True)):
        in_w = (year_from is None and year_to is None) or (
            y > 0 and (year_from is None or y >= year_from) and (year_to is None or y <= year_to)
        )
        window.append(in_w)
        k = len(authors)
        if not in_w or k < 2 or (cap and k > cap):
            continue
        for a, b in itertools.combinations(sorted(authors), 2):
            e = acc.setdefault((a, b), [0, 0.0, [], []])
            e[0] += 1
            e[1] += 1.0 / (k - 1)
            if y > 0:
                e[2].append(y)
            e[3].append(j)
    out = {
        key: (c, w, min(ys, default=0), max(ys, default=0), js)
        for key, (c, w, ys, js) in acc.items()
    }
    return out, window


# ----------------------------------------------------------------------------- hand-made
@pytest.fixture
def hand() -> Memberships:
    """Papers with 1, 2, 3 and 101 authors; years unknown, 2001, 2005."""
    big = list(range(100, 201))  # 101 authors
    papers = [
        [1],  # p0, 1 author, 2001
        [1, 2],  # p1, 2005
        [1, 2, 3],  # p2, unknown year
        [2, 3],  # p3, 2001
        big + [1],  # p4, 102 authors, 2001
        big[:3],  # p5, 3 authors, 2005
    ]
    ids = [1, 2, 3, 4, *big]  # 4 has no paper
    return Memberships.from_papers(ids, papers, years=[2001, 2005, 0, 2001, 2001, 2005])


def edge(g: CoauthorGraph, a: int, b: int) -> tuple[int, float, int, int]:
    s = g.edge_slot(g.node(a), g.node(b))
    assert s >= 0, (a, b)
    return int(g.papers[s]), float(g.weight[s]), int(g.first_year[s]), int(g.last_year[s])


def test_hand_made_default_cap(hand: Memberships) -> None:
    g = CoauthorGraph.build(hand)
    assert g.n == 105
    assert g.excluded_papers == 1
    assert g.paper_counted.tolist() == [False, True, True, True, False, True]
    assert g.paper_in_window.all()
    # 1-2: p1 (k=2, 2005) + p2 (k=3, unknown): weight 1 + 1/2
    assert edge(g, 1, 2) == (2, 1.5, 2005, 2005)
    # 2-3: p2 (k=3, unknown) + p3 (k=2, 2001)
    assert edge(g, 2, 3) == (2, 1.5, 2001, 2001)
    # 1-3: only p2, year unknown
    assert edge(g, 1, 3) == (1, 0.5, 0, 0)
    assert edge(g, 100, 102) == (1, 0.5, 2005, 2005)
    assert g.edge_slot(g.node(1), g.node(100)) == -1  # only via the 102-author paper
    assert g.n_edges == 3 + 3
    assert g.degree(g.node(4)) == 0 and g.paper_count(g.node(4)) == 0
    # authorships of the excluded paper are kept
    assert g.paper_count(g.node(1)) == 4
    assert g.author_paper_list(g.node(150)).tolist() == [4]
    assert g.joint_papers(g.node(1), g.node(2)).tolist() == [1, 2]
    assert g.joint_papers(g.node(1), g.node(100)).tolist() == []  # p4 is not counted


def test_hand_made_no_cap_and_small_cap(hand: Memberships) -> None:
    g = CoauthorGraph.build(hand, max_team_size=0)
    assert g.excluded_papers == 0
    assert edge(g, 1, 100) == (1, 1.0 / 101, 2001, 2001)
    assert edge(g, 100, 102) == (2, 1.0 / 101 + 0.5, 2001, 2005)
    assert g.n_edges == 3 + 102 * 101 // 2 + 0  # the 3-author paper's pairs are inside p4's
    g2 = CoauthorGraph.build(hand, max_team_size=2)
    assert g2.excluded_papers == 3
    assert edge(g2, 1, 2) == (1, 1.0, 2005, 2005)
    assert g2.edge_slot(g2.node(1), g2.node(3)) == -1


def test_hand_made_year_window(hand: Memberships) -> None:
    g = CoauthorGraph.build(hand, year_from=2001, year_to=2001)
    assert g.paper_in_window.tolist() == [True, False, False, True, True, False]
    assert g.excluded_papers == 1
    assert g.n_edges == 1 and edge(g, 2, 3) == (1, 1.0, 2001, 2001)
    assert g.paper_count(g.node(1)) == 2  # p0 and p4, unknown-year p2 is outside any window
    g = CoauthorGraph.build(hand, year_from=2002)
    assert g.paper_in_window.tolist() == [False, True, False, False, False, True]
    assert edge(g, 1, 2) == (1, 1.0, 2005, 2005)
    g = CoauthorGraph.build(hand, year_to=2004)
    assert g.paper_in_window.tolist() == [True, False, False, True, True, False]
    with pytest.raises(InvalidQuery):
        CoauthorGraph.build(hand, year_from=2006, year_to=2005)
    with pytest.raises(InvalidQuery):
        CoauthorGraph.build(hand, max_team_size=-1)


def test_lookups(hand: Memberships) -> None:
    g = CoauthorGraph.build(hand)
    assert g.node(1) == 0 and g.node(200) == g.n - 1
    for bad in (0, 5, 99, 201, -3):
        with pytest.raises(KeyError):
            g.node(bad)
    assert g.nodes([3, 1]).tolist() == [2, 0]
    with pytest.raises(KeyError):
        g.nodes([1, 5])
    assert g.neighbours(g.node(2)).tolist() == [0, 2]
    assert g.edge_slot(0, 0) == -1
    with pytest.raises(ValueError):
        g.indices[0] = 5  # arrays are read-only


def test_empty_and_tiny() -> None:
    g = CoauthorGraph.build(Memberships.from_papers([], []))
    assert g.n == 0 and g.n_edges == 0 and g.indptr.tolist() == [0]
    g = CoauthorGraph.build(Memberships.from_papers([5], [[5], [5]]))
    assert g.n == 1 and g.n_edges == 0 and g.paper_count(0) == 2


def test_validate() -> None:
    good = Memberships.from_papers([1, 2], [[1, 2]])
    good.validate()
    bad = Memberships(
        good.author_ids, good.paper_ids, good.paper_year, good.paper_ptr, np.array([0, 0])
    )
    with pytest.raises(ValueError, match="twice"):
        bad.validate()
    with pytest.raises(ValueError, match="ascending"):
        Memberships(np.array([2, 1]), *list(vars(good).values())[1:]).validate()
    with pytest.raises(ValueError):
        Memberships.from_papers([1], [[1, 2]])


# ----------------------------------------------------------------------------- random oracle
@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("packed", [True, False])
def test_random_against_python_oracle(
    seed: int, packed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not packed:
        monkeypatch.setattr(edges, "_PACK_BITS", 0)  # the argsort fallback
    mem, papers, years = random_memberships(seed, n=40, p=150, max_k=9)
    mem.validate()
    for cap, yf, yt in [(100, None, None), (4, None, None), (0, 2001, None), (3, None, 2004)]:
        g = CoauthorGraph.build(mem, max_team_size=cap, year_from=yf, year_to=yt)
        want, window = oracle_edges(papers, years, cap=cap, year_from=yf, year_to=yt)
        assert g.paper_in_window.tolist() == window
        assert g.n_edges == len(want)
        for (a, b), (c, w, y0, y1, js) in want.items():
            u, v = g.node(a), g.node(b)
            for x, y in ((u, v), (v, u)):
                s = g.edge_slot(x, y)
                assert (int(g.papers[s]), int(g.first_year[s]), int(g.last_year[s])) == (c, y0, y1)
                assert g.weight[s] == pytest.approx(w, rel=1e-12)
            assert g.joint_papers(u, v).tolist() == js
        # structure: sorted rows, symmetric, no loops, slot lookups agree
        rows = g.slot_rows()
        assert np.all((np.diff(g.indices) > 0) | (np.diff(rows) > 0))
        assert not np.any(g.indices == rows)
        back = g.edge_slots(g.indices, rows)
        assert np.all(back >= 0)
        assert np.array_equal(g.papers[back], g.papers)
        assert np.array_equal(g.weight[back], g.weight)
        assert g.edge_slots(np.array([0, 0]), np.array([0, g.n - 1])).tolist()[0] == -1
        for i, a in enumerate(mem.author_ids.tolist()):
            mine = [j for j, ps in enumerate(papers) if a in ps and window[j]]
            assert g.author_paper_list(i).tolist() == mine


def test_paper_pairs_by_team_size() -> None:
    ptr = np.array([0, 1, 3, 7])
    mem = np.array([9, 4, 2, 0, 1, 2, 3])
    lo, hi, pp = csr.paper_pairs(ptr, mem, np.array([0, 1, 2]))
    got = sorted(zip(lo.tolist(), hi.tolist(), pp.tolist(), strict=True))
    want = sorted([(2, 4, 1)] + [(a, b, 2) for a, b in itertools.combinations([0, 1, 2, 3], 2)])
    assert got == want


# ----------------------------------------------------------------------------- real graphs
def check_against_edge_list(u: np.ndarray, v: np.ndarray) -> CoauthorGraph:
    g = CoauthorGraph.build(Memberships.from_edges(u, v))
    H = nx.Graph()
    H.add_edges_from(zip(u.tolist(), v.tolist(), strict=True))
    loops = nx.number_of_selfloops(H)
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    assert g.n == H.number_of_nodes()
    assert g.n_edges == H.number_of_edges()
    gu, gv, _ = g.edge_list()
    ours = set(zip(g.author_ids[gu].tolist(), g.author_ids[gv].tolist(), strict=True))
    assert ours == {(min(a, b), max(a, b)) for a, b in H.edges()}
    assert g.memberships.n_papers == H.number_of_edges() + loops
    assert np.all(g.papers == 1) and np.all(g.weight == 1.0)
    adj = g.adjacency()
    assert (adj != adj.T).nnz == 0
    return g


def test_snap_grqc_counts() -> None:
    u, v = load_edge_list(DATA / "ca-GrQc.txt.gz")
    g = check_against_edge_list(u, v)
    # SNAP's published table counts 14496 edges including 12 self-loops
    assert (g.n, g.n_edges) == (5242, 14496 - 12)
    assert int((g.degrees() == 0).sum()) == 1  # an author listed only with a self-loop


@pytest.mark.large
@needs_shared
@pytest.mark.parametrize(
    ("name", "nodes", "edges"),
    [("ca-HepTh", 9877, 25973), ("ca-HepPh", 12008, 118489), ("ca-CondMat", 23133, 93439)],
)
def test_snap_large_counts(name: str, nodes: int, edges: int) -> None:
    g = check_against_edge_list(*load_edge_list(SHARED / "snap" / f"{name}.txt.gz"))
    assert (g.n, g.n_edges) == (nodes, edges)


@pytest.mark.large
@needs_shared
def test_newman_astro_ph_counts() -> None:
    g = check_against_edge_list(*load_edge_list(SHARED / "newman-astro-ph" / "astro-ph.txt.gz"))
    assert (g.n, g.n_edges) == (16046, 121251)
