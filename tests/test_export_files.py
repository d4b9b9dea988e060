"""``graphsvc export`` on a real store: every format read back by networkx and igraph equals
what the store answers (whole graph, ego network, cohort, year window), and the neo4j-admin
files carry the store's rows in the import tool's header syntax."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx
import pytest

from graphsvc.errors import InvalidQuery
from graphsvc.graph.export_select import Selection, write_export
from graphsvc.graph.export_years import spells
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest
from graphsvc.store.neo4j_admin import FILES, import_command
from graphsvc.store.neo4j_load_csv import IMPLIED, LOADED
from graphsvc.store.sqlite import SQLiteStore

DBLP = Path(__file__).parents[1] / "graphsvc" / "data" / "dblp-ppopp-socc.xml.gz"
CENTER = "Torsten Hoefler"


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphService]:
    store = SQLiteStore(tmp_path_factory.mktemp("export-store") / "graphsvc.sqlite3")
    ingest(store, [DBLP])
    try:
        yield GraphService(store)
    finally:
        store.close()


def store_edges(svc: GraphService, ids: set[int] | None = None,
                year_from: int | None = None, year_to: int | None = None
                ) -> dict[tuple[int, int], int]:
    """Joint papers of every edge of the window's graph (between ``ids`` if given)."""
    g = svc.graph(year_from, year_to)
    u, v, slot = g.edge_list()
    out = {}
    for a, b, s in zip(g.author_ids[u].tolist(), g.author_ids[v].tolist(), slot.tolist(),
                       strict=True):
        if ids is None or (a in ids and b in ids):
            out[(a, b)] = int(g.papers[s])
    return out


def undirected(G: Any, attr: str = "papers") -> dict[tuple[int, int], int]:
    return {(min(int(a), int(b)), max(int(a), int(b))): int(d[attr])
            for a, b, d in G.edges(data=True)}


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "pajek"])
def test_whole_graph_round_trips_through_networkx(svc: GraphService, tmp_path: Path,
                                                  fmt: str) -> None:
    out = tmp_path / f"g.{fmt}"
    info = write_export(svc, Selection(), fmt, out)
    g = svc.graph()
    assert (info["nodes"], info["edges"]) == (g.n, g.n_edges)
    want = store_edges(svc)
    if fmt == "graphml":
        G = nx.read_graphml(out, node_type=int)
    elif fmt == "gexf":
        G = nx.read_gexf(out, node_type=int)
    elif fmt == "json":
        G = nx.node_link_graph(json.loads(out.read_text()), edges="edges")
    else:
        P = nx.read_pajek(out)
        # networkx names Pajek vertices by label: shared names carry the id, so none merge
        assert P.number_of_nodes() == g.n
        ids = {n: g.author_ids[int(P.nodes[n]["id"]) - 1].item() for n in P.nodes}
        G = nx.Graph()
        G.add_nodes_from(ids.values())
        G.add_edges_from((ids[a], ids[b], {"papers": int(d["weight"])})
                         for a, b, d in P.edges(data=True))
    assert G.number_of_nodes() == g.n and G.number_of_edges() == g.n_edges
    assert undirected(G) == want
    if fmt in ("graphml", "gexf"):
        hoefler = svc.store.authors_by_name(CENTER)[0]
        assert G.nodes[hoefler["id"]]["label"] == CENTER
        assert G.nodes[hoefler["id"]]["papers"] == hoefler["papers"]


def test_igraph_reads_graphml_and_pajek(svc: GraphService, tmp_path: Path) -> None:
    g = svc.graph()
    write_export(svc, Selection(), "graphml", tmp_path / "g.graphml")
    write_export(svc, Selection(), "pajek", tmp_path / "g.net")
    a = ig.Graph.Read_GraphML(str(tmp_path / "g.graphml"))
    b = ig.Graph.Read_Pajek(str(tmp_path / "g.net"))
    for h in (a, b):
        assert (h.vcount(), h.ecount()) == (g.n, g.n_edges)
    # the same graph: components and degree sequence as the store's graph
    sizes = sorted((len(c) for c in a.connected_components()), reverse=True)
    assert sizes == sorted((len(c) for c in b.connected_components()), reverse=True)
    assert sorted(a.degree()) == sorted(g.degrees().tolist())
    assert sum(b.es["weight"]) == sum(store_edges(svc).values())


def test_gexf_spells_are_the_years_with_papers(svc: GraphService, tmp_path: Path) -> None:
    out = tmp_path / "g.gexf"
    write_export(svc, Selection(), "gexf", out)
    G = nx.read_gexf(out, node_type=int)
    hoefler = svc.store.authors_by_name(CENTER)[0]["id"]
    years = [p["year"] for p in svc.store.papers(svc.store.author_papers(hoefler)) if p["year"]]
    want = [(f"{a}-01-01", f"{b}-12-31") for a, b in spells(years)]
    assert G.nodes[hoefler]["spells"] == want
    gaps = [n for n, d in G.nodes(data=True) if len(d.get("spells", [])) > 1]
    assert gaps, "the sample has authors with gaps between active years"


def test_ego_and_cohort_exports_equal_the_service(svc: GraphService, tmp_path: Path) -> None:
    ego = svc.ego(CENTER, radius=2, min_papers=1, max_nodes=1000)
    out = tmp_path / "ego.graphml"
    info = write_export(svc, Selection(author=CENTER, radius=2), "graphml", out)
    G = nx.read_graphml(out, node_type=int)
    assert set(G.nodes) == {n["id"] for n in ego["nodes"]} and info["nodes"] == len(ego["nodes"])
    assert undirected(G) == {(min(e["source"], e["target"]), max(e["source"], e["target"])):
                             e["papers"] for e in ego["edges"]}
    assert {n: d["distance"] for n, d in G.nodes(data=True)} == {
        n["id"]: n["distance"] for n in ego["nodes"]}
    names = [CENTER, "Maciej Besta", "Shigang Li", "Ion Stoica"]
    coh = svc.cohort(names)
    out = tmp_path / "cohort.gexf"
    write_export(svc, Selection(cohort=tuple(names)), "gexf", out)
    H = nx.read_gexf(out, node_type=int)
    assert set(H.nodes) == {n["id"] for n in coh["nodes"]}
    assert undirected(H) == store_edges(svc, set(H.nodes))


def test_year_window_exports_the_window_graph(svc: GraphService, tmp_path: Path) -> None:
    out = tmp_path / "w.json"
    write_export(svc, Selection(year_from=2015, year_to=2018), "json", out)
    G = nx.node_link_graph(json.loads(out.read_text()), edges="edges")
    assert undirected(G) == store_edges(svc, year_from=2015, year_to=2018)
    assert undirected(G) != store_edges(svc)
    first = [d["first_year"] for _n, d in G.nodes(data=True) if d.get("first_year")]
    assert first and min(first) >= 2015


def test_csv_and_vosviewer(svc: GraphService, tmp_path: Path) -> None:
    write_export(svc, Selection(author=CENTER), "csv", tmp_path / "e.zip")
    zf = zipfile.ZipFile(tmp_path / "e.zip")
    edges = list(csv.DictReader(io.StringIO(zf.read("edges.csv").decode())))
    ego = svc.ego(CENTER, max_nodes=1000)
    assert len(edges) == len(ego["edges"])
    write_export(svc, Selection(), "vosviewer", tmp_path / "v.zip")
    zf = zipfile.ZipFile(tmp_path / "v.zip")
    net = zf.read("vosviewer-network.txt").decode().splitlines()
    assert len(net) == svc.graph().n_edges
    head, *rows = zf.read("vosviewer-map.txt").decode().splitlines()
    assert head.startswith("id,label,weight<Documents>") and len(rows) == svc.graph().n


def test_bad_requests_are_clear(svc: GraphService, tmp_path: Path) -> None:
    with pytest.raises(InvalidQuery, match="either"):
        write_export(svc, Selection(author=CENTER, cohort=("x",)), "gexf", tmp_path / "x")
    with pytest.raises(InvalidQuery, match="unknown export format"):
        write_export(svc, Selection(), "xlsx", tmp_path / "x")
    with pytest.raises(InvalidQuery, match="whole store"):
        write_export(svc, Selection(author=CENTER), "neo4j-admin", tmp_path / "d")
    with pytest.raises(InvalidQuery, match="directory"):
        write_export(svc, Selection(), "gexf", tmp_path)
    assert not list(tmp_path.iterdir())


def read_bulk(d: Path, name: str) -> tuple[list[str], list[list[str]]]:
    with (d / name).open(encoding="utf-8", newline="") as fh:
        head, *rows = list(csv.reader(fh))
    return head, rows


def test_neo4j_admin_files(svc: GraphService, tmp_path: Path) -> None:
    d = tmp_path / "bulk"
    info = write_export(svc, Selection(), "neo4j-admin", d)
    store = svc.store
    counts = store.counts()
    assert set(info["files"]) == {f.name for f in FILES} == set(LOADED) | IMPLIED
    assert info["files"]["authors.csv"] == counts["authors"]
    assert info["files"]["papers.csv"] == counts["papers"]
    assert info["files"]["coauthor.csv"] == counts["edges"]
    head, rows = read_bulk(d, "authors.csv")
    assert head == ["id:ID(Author)", "name", "sort_name", "key", "papers:int", "search", ":LABEL"]
    hoefler = store.authors_by_name(CENTER)[0]
    row = next(r for r in rows if int(r[0]) == hoefler["id"])
    assert row[1] == CENTER and int(row[4]) == hoefler["papers"] and row[6] == "Author"
    assert "hoefler" in row[5].split() and "torsten" in row[5].split()
    head, rows = read_bulk(d, "coauthor.csv")
    assert head[:4] == [":START_ID(Author)", ":END_ID(Author)", "papers:int", "weight:double"]
    got = {(int(r[0]), int(r[1])): (int(r[2]), pytest.approx(float(r[3]))) for r in rows}
    assert got == {(a, b): (p, w) for a, b, p, w in
                   store.db.execute("SELECT a, b, papers, weight FROM coauthors")}
    assert {r[-1] for r in rows} == {"COAUTHOR"}
    head, rows = read_bulk(d, "authored.csv")
    assert head[:3] == [":START_ID(Author)", ":END_ID(Paper)", "position:int"]
    assert len(rows) == store.db.execute("SELECT count(*) FROM authorships").fetchone()[0]
    head, rows = read_bulk(d, "papers.csv")
    assert "sources:string[]" in head and "year:int" in head and "counted:boolean" in head
    assert all(r[head.index("sources:string[]")] for r in rows)  # every paper has provenance
    _h, variants = read_bulk(d, "variants.csv")
    _h, has_variant = read_bulk(d, "has_variant.csv")
    # the n-th HAS_VARIANT row joins the n-th variant node, from its author
    assert [(r[1], r[0]) for r in variants] == [(r[0], r[1]) for r in has_variant]
    _h, meta = read_bulk(d, "meta.csv")
    assert "schema_version" not in {r[1] for r in meta}  # init-store makes the schema
    cmd = info["import_command"]
    assert cmd.startswith("neo4j-admin database import full neo4j --id-type=integer")
    assert cmd == import_command(str(d)) and cmd.count("--nodes=") == 8


def test_empty_strings_and_nulls_differ_in_the_bulk_files(tmp_path: Path) -> None:
    from graphsvc.store.neo4j_admin import _line

    assert _line([1, "", None, 'a "b", c', True]) == '1,"",,"a ""b"", c",True\n'
    assert next(csv.reader(io.StringIO(_line(["", None])))) == ["", ""]


def test_cli_export(svc: GraphService, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from graphsvc.cli import main

    data_dir = str(Path(svc.store.path).parent)
    out = tmp_path / "h.gexf"
    assert main(["--data-dir", data_dir, "export", "--format", "gexf", "--ego", CENTER,
                 "--radius", "2", "--from-year", "2015", "-o", str(out), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    G = nx.read_gexf(out, node_type=int)
    ego = svc.ego(CENTER, radius=2, max_nodes=1000, year_from=2015)
    assert info["nodes"] == G.number_of_nodes() == len(ego["nodes"])
    assert main(["--data-dir", data_dir, "export", "--format", "neo4j-admin", "-o",
                 str(tmp_path / "bulk")]) == 0
    assert "neo4j-admin database import full" in capsys.readouterr().out
    assert main(["--data-dir", data_dir, "export", "--format", "graphml", "-o",
                 str(tmp_path / "no" / "such" / "dir.graphml")]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write" in err
