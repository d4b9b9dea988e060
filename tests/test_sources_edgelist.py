"""Edge-list reader: SNAP files, headers, self-loops, Newman's names file."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.model import Record, Skipped
from graphsvc.sources import detect_format, edgelist
from graphsvc.sources.base import ReaderOptions

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).parents[2] / "shared" / "data"


def records(path: Path, options: ReaderOptions | None = None) -> list[Record]:
    items = list(edgelist.read(path, options or ReaderOptions()))
    assert all(isinstance(i, Record) for i in items)
    return [i for i in items if isinstance(i, Record)]


def test_grqc_prefix() -> None:
    recs = records(DATA / "ca-GrQc.first500.txt.gz")  # dataset (node id namespace) from the name
    assert len(recs) == 496  # 500 lines minus the 4 SNAP comment lines
    edges = {r.ids["edge"] for r in recs}
    r = next(r for r in recs if r.source_ref == "ca-GrQc.first500.txt.gz:6")
    assert r.ids == {"edge": "ca-GrQc.first500:3466-5233"}
    assert r.title is None and r.source == "edgelist"
    assert [(a.name, a.ids) for a in r.authors] == [
        ("3466", {"node": "ca-GrQc.first500:3466"}),
        ("5233", {"node": "ca-GrQc.first500:5233"}),
    ]
    # the first edge line looks like a "nodes edges" header until the file says otherwise
    assert recs[-1].source_ref == "ca-GrQc.first500.txt.gz:5"
    assert recs[-1].ids == {"edge": "ca-GrQc.first500:937-3466"}
    assert len(edges) < len(recs)  # u v and v u give the same paper id


def test_headers_self_loops_and_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "tiny.txt"
    f.write_text("% comment\n3 3\n1 2\n2\t1\t0.5\n3 3\nx y\n")
    items = list(edgelist.read(f))
    recs = [i for i in items if isinstance(i, Record)]
    assert [r.ids["edge"] for r in recs] == ["tiny:1-2", "tiny:1-2", "tiny:3-3"]
    assert len(recs[2].authors) == 1  # a self-loop: the node, no co-authorship
    (bad,) = [i for i in items if isinstance(i, Skipped)]
    assert (bad.source_ref, bad.reason) == ("tiny.txt:6", "bad-edge")
    named = tmp_path / "named.txt"
    named.write_text("FromNodeId\tToNodeId\n5 7\n")
    assert [r.ids["edge"] for r in records(named)] == ["named:5-7"]


def test_names_file(tmp_path: Path) -> None:
    (tmp_path / "toy.txt").write_text("0 1\r\n1 2\r\n")
    names = tmp_path / "toy_names.txt"
    names.write_text("0 ROE, J\n1 DOE, JA\n2 LEE, A\n3 ISOLATED, X\n")
    recs = records(tmp_path / "toy.txt", ReaderOptions(names_file=names))
    assert [[(a.name, a.ids["node"]) for a in r.authors] for r in recs] == [
        [("DOE, JA", "toy:1"), ("LEE, A", "toy:2")],
        [("ROE, J", "toy:0"), ("DOE, JA", "toy:1")],  # held first line comes last
        [("ISOLATED, X", "toy:3")],  # listed but in no edge
    ]
    assert recs[2].ids == {"edge": "toy:3-3"}
    assert recs[2].source_ref == "toy_names.txt#3"


def test_nodes_edges_header_is_skipped(tmp_path: Path) -> None:
    f = tmp_path / "renumbered.txt"
    f.write_text("3 2\n1 2\n2 3\n")
    assert [r.ids["edge"] for r in records(f)] == ["renumbered:1-2", "renumbered:2-3"]


def test_detect_format() -> None:
    assert detect_format(DATA / "ca-GrQc.first500.txt.gz") == "edgelist"
    assert edgelist.sniff("18772 198110\n1 2\n1 3\n", "x.txt") > 50


@pytest.mark.large
def test_shared_grqc() -> None:
    path = SHARED / "snap" / "ca-GrQc.txt.gz"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    assert detect_format(path) == "edgelist"
    recs = records(path)
    assert len(recs) == 28980
    edges = {r.ids["edge"] for r in recs}
    assert len(edges) == 14496
    assert sum(1 for r in recs if len(r.authors) == 1) == 12
    assert len({a.ids["node"] for r in recs for a in r.authors}) == 5242


@pytest.mark.large
def test_shared_astroph_header() -> None:
    path = SHARED / "snap" / "ca-AstroPh.renumbered.txt.gz"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    recs = records(path)
    assert len(recs) == 198110  # the "18772 198110" line is a header, not an edge
    assert len({a.ids["node"] for r in recs for a in r.authors}) == 18772
    assert sum(1 for r in recs if len(r.authors) == 1) == 60
    assert recs[0].ids["edge"] == "ca-AstroPh.renumbered:1-2"


@pytest.mark.large
def test_shared_newman_astroph_with_names() -> None:
    folder = SHARED / "newman-astro-ph"
    edges, names = folder / "astro-ph.txt.gz", folder / "astro-ph_names.txt.gz"
    if not (edges.exists() and names.exists()):
        pytest.skip(f"shared data not found in {folder}")
    recs = records(edges, ReaderOptions(names_file=names))
    pairs = [r for r in recs if len(r.authors) == 2]
    assert len(pairs) == 121251
    assert len(recs) - len(pairs) == 660  # listed authors in no edge
    authors = {a.ids["node"]: a.name for r in recs for a in r.authors}
    assert len(authors) == 16706 and len(set(authors.values())) == 16706
    assert authors["astro-ph:8968"] == "AALSETH, CE"
