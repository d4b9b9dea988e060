"""Exports: every format read back by networkx (or by hand); the two writers of a format agree."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any
from xml.etree import ElementTree

import networkx as nx
import numpy as np
import pytest

from graphsvc.errors import InvalidQuery
from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.export import (
    FORMATS,
    ExportData,
    export,
    from_graph,
    from_subgraph,
    node_years,
)
from graphsvc.graph.export_years import enrich_subgraph, spells

# authors 10..14; paper years; team of paper 3 is over the cap of 3
AUTHORS = [10, 11, 12, 13, 14]
PAPERS = [[10, 11], [10, 11, 12], [12, 13], [10, 11, 12, 13], [14]]
YEARS = [2001, 2005, 0, 2010, 1999]
NAMES = {10: "Ada <Lovelace> & Co", 11: 'Charles "The Engine" Babbage', 12: "Mary Somerville",
         13: "Zoë\x0b Faraday, Jr.", 14: "Solo Person"}


@pytest.fixture
def graph() -> CoauthorGraph:
    m = Memberships.from_papers(AUTHORS, PAPERS, years=YEARS)
    return CoauthorGraph.build(m, max_team_size=3)


def whole(g: CoauthorGraph) -> ExportData:
    return from_graph(g, lambda ids: {i: NAMES[i] for i in ids})


def sub_of(g: CoauthorGraph) -> dict[str, Any]:
    """The same graph in GraphService's subgraph shape, with node and edge years as the API and
    the CLI add them (``enrich_subgraph``)."""
    nodes = [{"id": a, "name": NAMES[a], "papers": g.paper_count(g.node(a)), "degree": 0}
             for a in AUTHORS]
    u, v, slot = g.edge_list()
    edges = [{"source": AUTHORS[a], "target": AUTHORS[b], "papers": int(g.papers[s]),
              "weight": round(float(g.weight[s]), 6),
              "first_year": int(g.first_year[s]) or None, "last_year": int(g.last_year[s]) or None}
             for a, b, s in zip(u, v, slot, strict=True)]
    return enrich_subgraph(g, {"nodes": nodes, "edges": edges})


def body(data: ExportData, fmt: str) -> bytes:
    return b"".join(export(data, fmt))


def test_node_years(graph: CoauthorGraph) -> None:
    first, last = node_years(graph)
    assert first.tolist() == [2001, 2001, 2005, 2010, 1999]
    assert last.tolist() == [2010, 2010, 2010, 2010, 1999]
    f2, l2 = node_years(graph, np.array([3, 0]))
    assert f2.tolist() == [2010, 2001] and l2.tolist() == [2010, 2010]


@pytest.mark.parametrize("source", ["whole", "sub"])
def test_graphml_round_trip(graph: CoauthorGraph, source: str) -> None:
    data = whole(graph) if source == "whole" else from_subgraph(sub_of(graph))
    G = nx.read_graphml(io.BytesIO(body(data, "graphml")), node_type=int)
    assert sorted(G.nodes) == AUTHORS
    assert G.nodes[10]["label"] == "Ada <Lovelace> & Co"
    assert G.nodes[13]["label"] == "Zoë Faraday, Jr."  # XML-forbidden control char dropped
    assert G.nodes[12]["papers"] == 3 and G.nodes[12]["first_year"] == 2005
    assert G.nodes[12]["last_year"] == 2010  # the over-cap paper counts for the author
    assert set(G.edges) == {(10, 11), (10, 12), (11, 12), (12, 13)}
    e = G.edges[10, 11]
    assert (e["papers"], e["first_year"], e["last_year"]) == (2, 2001, 2005)
    assert e["weight"] == pytest.approx(1.5)
    assert "first_year" not in G.edges[12, 13]  # the joint paper has no year


def test_subgraph_and_whole_graph_writers_agree(graph: CoauthorGraph) -> None:
    a = nx.read_graphml(io.BytesIO(body(whole(graph), "graphml")), node_type=int)
    b = nx.read_graphml(io.BytesIO(body(from_subgraph(sub_of(graph)), "graphml")), node_type=int)
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert {k: a.edges[k] for k in a.edges} == {k: b.edges[k] for k in b.edges}
    for fmt in ("gexf", "json", "pajek"):
        same_title = from_subgraph(sub_of(graph), title=whole(graph).title)
        assert body(whole(graph), fmt) == body(same_title, fmt), fmt


@pytest.mark.parametrize("source", ["whole", "sub"])
def test_gexf_has_one_spell_per_active_year_range(graph: CoauthorGraph, source: str) -> None:
    data = whole(graph) if source == "whole" else from_subgraph(sub_of(graph))
    raw = body(data, "gexf")
    G = nx.read_gexf(io.BytesIO(raw), node_type=int)
    assert G.graph["mode"] == "dynamic"
    assert G.nodes[10]["label"] == "Ada <Lovelace> & Co"
    # papers in 2001, 2005 and 2010: three spells, the gaps stay visible on the timeline
    assert G.nodes[10]["spells"] == [("2001-01-01", "2001-12-31"), ("2005-01-01", "2005-12-31"),
                                     ("2010-01-01", "2010-12-31")]
    assert "start" not in G.nodes[10]
    e = G.edges[10, 11]
    # the 2010 paper is over the team-size cap: no joint-paper spell for it
    assert e["spells"] == [("2001-01-01", "2001-12-31"), ("2005-01-01", "2005-12-31")]
    assert e["papers"] == 2 and e["weight"] == pytest.approx(1.5)
    root = ElementTree.fromstring(raw)
    ns = {"g": "http://www.gexf.net/1.2draft"}
    g = root.find("g:graph", ns)
    assert g is not None and g.get("timeformat") == "date"
    unknown = [e for e in root.iter("{http://www.gexf.net/1.2draft}edge")
               if e.get("source") == "12" and e.get("target") == "13"]
    # no known year: no spell and no span, present all the time
    assert unknown and unknown[0].get("start") is None
    assert unknown[0].find("g:spells", ns) is None


def test_gexf_consecutive_years_are_one_spell() -> None:
    m = Memberships.from_papers([1, 2], [[1, 2], [1, 2], [1, 2], [1, 2]],
                                years=[2003, 2004, 2005, 2009])
    g = CoauthorGraph.build(m)
    G = nx.read_gexf(io.BytesIO(body(from_graph(g, lambda ids: {i: str(i) for i in ids}),
                                     "gexf")), node_type=int)
    want = [("2003-01-01", "2005-12-31"), ("2009-01-01", "2009-12-31")]
    assert G.nodes[1]["spells"] == want and G.edges[1, 2]["spells"] == want
    assert spells([2005, 2003, 2004, 0, 2009]) == [(2003, 2005), (2009, 2009)]


def test_gexf_without_year_lists_keeps_one_span() -> None:
    sub = {"nodes": [{"id": 1, "name": "A", "papers": 1}, {"id": 2, "name": "B", "papers": 1}],
           "edges": [{"source": 1, "target": 2, "papers": 1, "weight": 1.0, "first_year": 2003,
                      "last_year": 2006}]}
    G = nx.read_gexf(io.BytesIO(body(from_subgraph(sub), "gexf")), node_type=int)
    assert (G.edges[1, 2]["start"], G.edges[1, 2]["end"]) == ("2003-01-01", "2006-12-31")


def test_json_is_networkx_node_link(graph: CoauthorGraph) -> None:
    data = json.loads(body(whole(graph), "json"))
    G = nx.node_link_graph(data, edges="edges")
    assert G.number_of_nodes() == 5 and G.number_of_edges() == 4
    assert G.nodes[11]["name"] == 'Charles "The Engine" Babbage'
    assert G.nodes[14]["first_year"] == 1999


def test_pajek(graph: CoauthorGraph) -> None:
    text = body(whole(graph), "pajek").decode()
    lines = text.splitlines()
    assert lines[0] == "*Vertices 5"
    assert lines[2] == "2 \"Charles 'The Engine' Babbage\""
    assert "*Edges" in lines and "1 2 2" in lines
    G = nx.Graph(nx.parse_pajek(text))
    assert G.number_of_nodes() == 5 and G.number_of_edges() == 4


def test_csv_zip(graph: CoauthorGraph) -> None:
    zf = zipfile.ZipFile(io.BytesIO(body(whole(graph), "csv")))
    assert zf.namelist() == ["nodes.csv", "edges.csv"]
    nodes = list(csv.DictReader(io.StringIO(zf.read("nodes.csv").decode())))
    assert [int(n["id"]) for n in nodes] == AUTHORS
    assert nodes[0]["name"] == "Ada <Lovelace> & Co" and nodes[0]["papers"] == "3"
    edges = list(csv.DictReader(io.StringIO(zf.read("edges.csv").decode())))
    assert len(edges) == 4 and set(edges[0]) == {"source", "target", "papers", "weight",
                                                 "first_year", "last_year"}
    assert any(e["first_year"] == "" for e in edges)


def test_vosviewer_map_and_network(graph: CoauthorGraph) -> None:
    zf = zipfile.ZipFile(io.BytesIO(body(whole(graph), "vosviewer")))
    map_lines = zf.read("vosviewer-map.txt").decode().splitlines()
    assert map_lines[0] == ("id,label,weight<Documents>,weight<Links>,"
                            "weight<Total link strength>")
    rows = {int(r[0]): r for r in csv.reader(map_lines[1:])}
    assert rows[13][1] == "Zoë Faraday, Jr."  # quoted: the comma stays in the label
    assert rows[12][2:] == ["3", "3", "3"]  # papers, links, total joint papers over links
    assert rows[10][2:] == ["3", "2", "3"]
    net = [line.split("\t") for line in zf.read("vosviewer-network.txt").decode().splitlines()]
    assert ["10", "11", "2"] in net and len(net) == 4


def test_subgraph_years_come_from_edges_when_nodes_lack_them() -> None:
    sub = {"nodes": [{"id": 2, "name": "B", "papers": 1}, {"id": 1, "name": "A", "papers": 3,
                                                          "distance": 0}],
           "edges": [{"source": 1, "target": 2, "papers": 1, "weight": 1.0, "first_year": 2003,
                      "last_year": 2004}]}
    data = from_subgraph(sub)
    assert data.node_attrs[-1] == "distance"
    G = nx.read_graphml(io.BytesIO(body(data, "graphml")), node_type=int)
    assert G.nodes[2]["first_year"] == 2003 and G.nodes[1]["distance"] == 0
    assert "distance" not in G.nodes[2]


def test_whole_graph_streams_in_chunks(monkeypatch: pytest.MonkeyPatch,
                                       graph: CoauthorGraph) -> None:
    import graphsvc.graph.export_data as ex

    monkeypatch.setattr(ex, "NODE_CHUNK", 2)
    monkeypatch.setattr(ex, "EDGE_CHUNK", 1)
    calls: list[list[int]] = []

    def names(ids: list[int]) -> dict[int, str]:
        calls.append(ids)
        return {i: NAMES[i] for i in ids}

    chunks = list(export(from_graph(graph, names), "graphml"))
    assert len(chunks) > 5 and calls == [[10, 11], [12, 13], [14]]
    G = nx.read_graphml(io.BytesIO(b"".join(chunks)), node_type=int)
    assert G.number_of_edges() == 4
    zf = zipfile.ZipFile(io.BytesIO(b"".join(export(from_graph(graph, names), "csv"))))
    assert len(zf.read("edges.csv").decode().splitlines()) == 5


def test_empty_graph_and_unknown_format() -> None:
    g = CoauthorGraph.build(Memberships.from_papers([], [], years=[]))
    for fmt in FORMATS:
        assert body(from_graph(g, lambda ids: {}), fmt), fmt
    assert nx.read_graphml(io.BytesIO(body(from_graph(g, lambda ids: {}), "graphml"))).order() == 0
    with pytest.raises(InvalidQuery):
        export(from_subgraph({"nodes": [], "edges": []}), "xlsx")
