"""The C build of the CSR graph (graphsvc/_native_build.c) gives the numpy build's arrays, bit
for bit: on real samples, on heavy repeated co-authorships, and written into the index files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from graphsvc.graph import native
from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.index import CSR_FIELDS, GraphIndex
from graphsvc.graph.service import memberships_from_arrays
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore
from tests.test_graph_csr import load_edge_list

DATA = Path(__file__).parent / "data"
REAL = [DATA / "dblp-ppopp-socc-100.xml", DATA / "bibtex" / "zbb-issue1436-2.first300.bib.gz",
        DATA / "bibtex" / "acl-sample.bib", DATA / "publications.csv",
        DATA / "arxiv-metadata-oai-snapshot.first20.jsonl"]
#: team-size caps and year windows: the default, a small cap (papers excluded), none, windows
CASES = [(100, None, None), (3, None, None), (0, None, None), (100, 2010, None),
         (0, None, 2005), (2, 2000, 2020)]

needs_native = pytest.mark.skipif(not native.AVAILABLE, reason="graphsvc._native is not built")


def build(mem: Memberships, c: bool, cap: int, yf: int | None, yt: int | None) -> CoauthorGraph:
    before = native.set_enabled(c)
    try:
        return CoauthorGraph.build(mem, max_team_size=cap, year_from=yf, year_to=yt)
    finally:
        native.set_enabled(before)


def same_arrays(mem: Memberships) -> None:
    for cap, yf, yt in CASES:
        fast, slow = (build(mem, c, cap, yf, yt) for c in (True, False))
        for name in CSR_FIELDS:
            a, b = getattr(fast, name), getattr(slow, name)
            assert a.dtype == b.dtype and np.array_equal(a, b), (name, cap, yf, yt)
        assert fast.excluded_papers == slow.excluded_papers


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Memberships:
    store = SQLiteStore(tmp_path_factory.mktemp("real") / "graphsvc.sqlite3")
    try:
        ingest(store, REAL)
        return memberships_from_arrays(store.memberships_arrays())
    finally:
        store.close()


@needs_native
def test_real_samples(real: Memberships) -> None:
    """dblp, BibTeX, CSV and arXiv samples ingested into one store: every cap and window."""
    assert real.n_papers > 400 and int(real.team_sizes().max()) > 3
    same_arrays(real)


@needs_native
def test_snap_grqc() -> None:
    u, v = load_edge_list(DATA / "graph" / "ca-GrQc.txt.gz")
    same_arrays(Memberships.from_edges(u, v))


@needs_native
@pytest.mark.parametrize("seed", range(4))
def test_heavy_repeated_coauthorships(seed: int) -> None:
    """Pairs with up to 300 joint papers of mixed team sizes and years, unknown and negative
    years among them: a weight is numpy's reduceat sum (the first value plus a pairwise sum of
    the others, blocked by 8 and split past 128), which the C build must reproduce exactly."""
    rng = np.random.default_rng(seed)
    n, papers, years = 60, [], []
    for joint in (1, 2, 8, 9, 10, 17, 129, 130, 131, 300):
        a, b = (int(x) for x in rng.choice(n, 2, replace=False))
        for _ in range(joint):
            others = rng.choice(n, int(rng.integers(0, 12)), replace=False).tolist()
            papers.append(sorted({a, b, *others}))
            years.append(int(rng.choice([0, -3, 1990, 2001, 2001, 2015, 2024])))
    for _ in range(300):
        papers.append(rng.choice(n, int(rng.integers(1, 6)), replace=False).tolist())
        years.append(int(rng.integers(1995, 2025)))
    order = rng.permutation(len(papers))
    mem = Memberships.from_papers(range(n), [papers[i] for i in order],
                                  years=[years[i] for i in order])
    same_arrays(mem)


def prefix(mem: Memberships, p0: int) -> Memberships:
    """The memberships of the first ``p0`` papers and of the authors up to the last of theirs
    (as the index held them before later papers, and authors, were appended)."""
    ptr = np.asarray(mem.paper_ptr)[: p0 + 1]
    members = np.asarray(mem.paper_members)[: int(ptr[-1])]
    n0 = int(members.max()) + 1 if members.size else 0
    return Memberships(author_ids=mem.author_ids[:n0], paper_ids=mem.paper_ids[:p0],
                       paper_year=mem.paper_year[:p0], paper_ptr=ptr, paper_members=members)


@needs_native
@pytest.mark.parametrize("share", [0.0, 0.5, 0.97, 1.0])
def test_a_base_graph_gives_the_same_arrays(real: Memberships, share: float) -> None:
    """After an append the C build copies the rows no new paper touches from the old graph
    and makes the others again: the arrays are those of a build from nothing."""
    old = prefix(real, int(real.n_papers * share))
    before = native.set_enabled(True)
    try:
        for cap, yf, yt in CASES:
            base = CoauthorGraph.build(old, max_team_size=cap, year_from=yf, year_to=yt)
            grown = CoauthorGraph.build(real, max_team_size=cap, year_from=yf, year_to=yt,
                                        base=base)
            want = build(real, False, cap, yf, yt)
            for name in CSR_FIELDS:
                assert np.array_equal(getattr(grown, name), getattr(want, name)), (name, cap)
            other = CoauthorGraph.build(real, max_team_size=cap + 1, base=base)  # not its base
            assert np.array_equal(other.indices, build(real, False, cap + 1, None, None).indices)
    finally:
        native.set_enabled(before)


@needs_native
def test_empty_and_isolated() -> None:
    same_arrays(Memberships.from_papers([], []))
    same_arrays(Memberships.from_papers([1, 2, 3], [[1], [3]], years=[2001, 0]))


@needs_native
def test_bad_members_are_refused() -> None:
    ok = np.ones(1, dtype=bool)
    before = native.set_enabled(True)
    try:
        with pytest.raises(ValueError, match="not a node"):
            native.build_arrays(2, np.array([0, 2]), np.array([0, 2], dtype=np.int32),
                                np.zeros(1, dtype=np.int32), ok, ok)
        with pytest.raises(ValueError, match="lengths"):
            native.build_arrays(2, np.array([0, 2, 2]), np.array([0, 1], dtype=np.int32),
                                np.zeros(1, dtype=np.int32), ok, ok)
        with pytest.raises(ValueError, match="np.memmap"):  # its pages would be dropped
            native.build_arrays(2, np.array([0, 2]), np.array([0, 1], dtype=np.int32),
                                np.zeros(1, dtype=np.int32), ok, ok,
                                lambda name, length: np.empty(length, native.BUILT[name]))
    finally:
        native.set_enabled(before)


@pytest.mark.parametrize("c", [True, False])
def test_written_into_the_index_files(real: Memberships, tmp_path: Path, c: bool) -> None:
    """The index builds straight into its files (the C build dropping the pages it wrote from
    the process): mapped back, the arrays are those of a build in memory."""
    before = native.set_enabled(c)
    try:
        index = GraphIndex(tmp_path / "graphsvc.sqlite3")
        index.folder(1).mkdir()
        built = index.build_graph(1, real, 3)
        mapped = index.load_graph(1, real, 3)
        assert mapped is not None
        want = CoauthorGraph.build(real, max_team_size=3)
    finally:
        native.set_enabled(before)
    for g in (built, mapped):
        for name in CSR_FIELDS:
            assert np.array_equal(getattr(g, name), getattr(want, name)), name
    assert not list(tmp_path.glob("**/.csr-*"))  # the temporary directory was published
