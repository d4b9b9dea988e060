"""ego ``--min-papers W`` keeps only ties of at least W joint papers, in the library, the CLI, the
API and the views, checked against networkx on the papers themselves."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graphsvc.cli import main
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest_records
from tests.helpers import nx_from_papers, sqlite_store, synthetic_papers, synthetic_records

PAPERS = synthetic_papers()
ORACLE = nx_from_papers(PAPERS)
CASES = [(radius, w) for radius in (1, 2, 3) for w in (1, 2, 3)]


def build_store(data_dir: Path) -> None:
    with sqlite_store(data_dir) as store:
        ingest_records(store, synthetic_records(PAPERS), label="synthetic")


def expected(center: str, radius: int, w: int) -> tuple[set[str], dict[frozenset[str], int]]:
    """Nodes within ``radius`` hops over ties of ≥ w papers, and the ≥ w ties among them."""
    strong = nx.Graph()
    strong.add_nodes_from(ORACLE)
    strong.add_edges_from((a, b, d) for a, b, d in ORACLE.edges(data=True) if d["papers"] >= w)
    nodes = set(nx.ego_graph(strong, center, radius=radius))
    edges = {frozenset((a, b)): d["papers"] for a, b, d in strong.subgraph(nodes).edges(data=True)}
    return nodes, edges


def centers() -> list[str]:
    """The three authors with most co-authors: their ego networks have weak and strong ties."""
    return sorted(ORACLE, key=lambda n: (-ORACLE.degree(n), n))[:3]


def got(res: dict, names: dict[int, str]) -> tuple[set[str], dict[frozenset[str], int]]:
    return ({names[n["id"]] for n in res["nodes"]},
            {frozenset((names[e["source"]], names[e["target"]])): e["papers"]
             for e in res["edges"]})


def test_the_fixture_has_weak_ties_inside_strong_neighbourhoods() -> None:
    # a weak tie between two authors both reached through strong ones is what used to leak
    for c in centers():
        nodes, edges = expected(c, 2, 2)
        weak = [e for e in ORACLE.subgraph(nodes).edges(data=True) if e[2]["papers"] < 2]
        if weak:
            return
    pytest.fail("no weak tie among strongly connected authors: the fixture tests nothing")


@pytest.mark.parametrize(("radius", "w"), CASES)
def test_service_matches_networkx(svc: GraphService, radius: int, w: int) -> None:
    for c in centers():
        res = svc.ego(c, radius=radius, min_papers=w)
        names = {n["id"]: n["name"] for n in res["nodes"]}
        assert got(res, names) == expected(c, radius, w), (c, radius, w)
        assert all(e["papers"] >= w for e in res["edges"])


@pytest.mark.parametrize(("radius", "w"), [(2, 2), (3, 3)])
def test_api_and_cli_agree(client: TestClient, store_dir: Path, capsys: pytest.CaptureFixture[str],
                           radius: int, w: int) -> None:
    for c in centers():
        r = client.get(f"/authors/{c}/ego", params={"radius": radius, "min_papers": w},
                       follow_redirects=True)
        assert r.status_code == 200, r.text
        res = r.json()
        names = {n["id"]: n["name"] for n in res["nodes"]}
        assert got(res, names) == expected(c, radius, w)

        argv = ["--data-dir", str(store_dir), "ego", c, "--radius", str(radius),
                "--min-papers", str(w), "--json"]
        assert main(argv) == 0
        assert got(json.loads(capsys.readouterr().out), names) == expected(c, radius, w)


@pytest.mark.parametrize(("radius", "w"), [(2, 2), (3, 3)])
def test_view_page_draws_only_strong_ties(client: TestClient, svc: GraphService, radius: int,
                                          w: int) -> None:
    from tests.test_views import data_block

    for c in centers():
        aid = svc.resolve(c)
        r = client.get(f"/view/authors/{aid}", params={"radius": radius, "min_papers": w})
        assert r.status_code == 200
        want_nodes, want_edges = expected(c, radius, w)
        edges = data_block(r.text, "gs-edges")
        assert len(data_block(r.text, "gs-nodes")) == len(want_nodes)
        assert len(edges) == len(want_edges) and all(e["papers"] >= w for e in edges)
