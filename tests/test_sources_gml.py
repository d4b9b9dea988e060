"""GML reader: Newman's netscience network, isolated nodes, malformed GML."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from graphsvc.model import Record, Skipped
from graphsvc.sources import detect_format, gml
from graphsvc.sources.base import ReaderOptions

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).parents[2] / "shared" / "data"


def check_netscience(path: Path) -> list[Record]:
    items = list(gml.read(path, ReaderOptions()))
    assert all(isinstance(i, Record) for i in items)
    recs = [i for i in items if isinstance(i, Record)]
    pairs = [r for r in recs if len(r.authors) == 2]
    single = [r for r in recs if len(r.authors) == 1]
    assert len(pairs) == 2742
    assert len({a.ids["node"] for r in recs for a in r.authors}) == 1589
    assert len({a.name for r in recs for a in r.authors}) == 1589
    graph = nx.Graph()
    for r in recs:
        graph.add_nodes_from(a.ids["node"] for a in r.authors)
        if len(r.authors) == 2:
            graph.add_edge(*(a.ids["node"] for a in r.authors))
    assert graph.number_of_edges() == 2742
    assert nx.number_connected_components(graph) == 396
    assert max(len(c) for c in nx.connected_components(graph)) == 379
    assert len(single) == sum(1 for _, d in graph.degree() if d == 0)
    return recs


def test_netscience_sample() -> None:
    recs = check_netscience(DATA / "netscience.gml.gz")
    first = recs[0]
    assert [(a.name, a.ids) for a in first.authors] == [
        ("ABRAMSON, G", {"node": "netscience:0"}),
        ("KUPERMAN, M", {"node": "netscience:1"}),
    ]
    assert first.ids == {"edge": "netscience:0-1"}
    assert first.source_ref == "netscience.gml.gz:7950"
    assert first.title is None and first.source == "gml"
    isolated = recs[-1]
    assert len(isolated.authors) == 1
    node = isolated.authors[0].ids["node"].split(":")[1]
    assert isolated.ids == {"edge": f"netscience:{node}-{node}"}


def test_edges_before_nodes_multiline_labels_and_nesting(tmp_path: Path) -> None:
    f = tmp_path / "tiny.gml"
    f.write_text(
        "# a comment\n"
        "graph [\n"
        "  edge [ source 2 target 1 value 0.5 ]\n"
        '  node [ id 1 label "ROE, J" graphics [ x 1.0 label "not me" ] ]\n'
        '  node [ id 2 label "M&uuml;LLER,\n A" ]\n'
        "  node [ id 3 ]\n"
        "  edge [ source 1 target 9 ]\n"
        "  edge [ target 1 ]\n"
        "]\n"
    )
    items = list(gml.read(f))
    recs = [i for i in items if isinstance(i, Record)]
    assert [[a.name for a in r.authors] for r in recs] == [["ROE, J", "MüLLER,\n A"], ["3"]]
    assert recs[0].ids == {"edge": "tiny:1-2"}
    assert [(s.source_ref, s.reason) for s in items if isinstance(s, Skipped)] == [
        ("tiny.gml:9", "bad-edge"),  # no source: reported at once
        ("tiny.gml:8", "bad-edge"),  # unknown node 9: known only at the end
    ]


def test_malformed(tmp_path: Path) -> None:
    f = tmp_path / "cut.gml"
    f.write_text('graph [\n node [ id 0 label "A" ]\n node [ id 1 label "B" ]\n edge [ source 0')
    items = list(gml.read(f))
    assert [type(i).__name__ for i in items] == ["Record", "Record", "Skipped"]
    assert isinstance(items[-1], Skipped) and items[-1].reason == "malformed-gml"


def test_detect_format() -> None:
    assert detect_format(DATA / "netscience.gml.gz") == "gml"
    assert gml.sniff('Creator "x"\ngraph\n[\n', "net.txt") > 50


@pytest.mark.large
def test_shared_netscience() -> None:
    path = SHARED / "netscience" / "netscience.gml"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    assert detect_format(path) == "gml"
    check_netscience(path)
