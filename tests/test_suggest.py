"""``graphsvc suggest``: distance-2 authors ranked by Adamic-Adar / resource allocation, checked
against networkx's link-prediction functions on a real dblp sample."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graphsvc.api.app import create_app
from graphsvc.cli import main
from graphsvc.config import Settings
from graphsvc.graph.service import GraphService
from graphsvc.graph.suggest import suggestions
from graphsvc.ingest import ingest
from tests.helpers import sqlite_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DBLP = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"


def build_store(data_dir: Path) -> None:
    with sqlite_store(data_dir) as store:
        ingest(store, [DBLP])


def nx_graph(svc: GraphService, **window: int | None) -> nx.Graph:
    g = svc.graph(**window)
    H = nx.Graph()
    u, v, _ = g.edge_list()
    H.add_edges_from(zip(g.author_ids[u].tolist(), g.author_ids[v].tolist(), strict=True))
    return H


@pytest.mark.parametrize(("score", "fn"), [("adamic-adar", nx.adamic_adar_index),
                                           ("resource-allocation", nx.resource_allocation_index)])
def test_scores_equal_networkx(svc: GraphService, score: str, fn: object) -> None:
    H = nx_graph(svc)
    hubs = sorted(H.nodes, key=lambda a: (-H.degree(a), a))[:5]
    for a in hubs:
        two = {w for w, d in nx.single_source_shortest_path_length(H, a, cutoff=2).items()
               if d == 2}
        want = {w: s for _, w, s in fn(H, [(a, w) for w in two])}  # type: ignore[operator]
        r = suggestions(svc, a, score=score, limit=1000)
        assert r["total"] == len(two)
        got = {s["id"]: s["score"] for s in r["suggestions"]}
        assert set(got) == two and not set(got) & set(H[a])
        assert all(abs(got[w] - want[w]) < 1e-5 for w in two)
        scores = [s["score"] for s in r["suggestions"]]
        assert scores == sorted(scores, reverse=True)
        for s in r["suggestions"]:
            assert {v["id"] for v in s["via"]} == set(nx.common_neighbors(H, a, s["id"]))
            assert s["shared"] == len(s["via"])


def test_min_shared_window_and_team_size(svc: GraphService) -> None:
    H = nx_graph(svc)

    def two_shared(x: int) -> int:
        return sum(1 for w in H if w != x and w not in H[x]
                   and len(list(nx.common_neighbors(H, x, w))) >= 2)

    a = max(sorted(H.nodes), key=two_shared)
    assert two_shared(a) > 0
    r = suggestions(svc, a, min_shared=2, limit=1000)
    assert r["suggestions"] and all(s["shared"] >= 2 for s in r["suggestions"])
    assert r["total"] == two_shared(a)
    W = nx_graph(svc, year_from=2021, year_to=2023)
    if a in W:
        r = suggestions(svc, a, year_from=2021, year_to=2023, limit=1000)
        assert {s["id"] for s in r["suggestions"]} == {
            w for w, d in nx.single_source_shortest_path_length(W, a, cutoff=2).items() if d == 2}
    H2 = nx.Graph()  # the graph of the papers with at most two authors
    g2 = svc.graph(max_team_size=2)
    u, v, _ = g2.edge_list()
    H2.add_edges_from(zip(g2.author_ids[u].tolist(), g2.author_ids[v].tolist(), strict=True))
    small = suggestions(svc, a, max_team_size=2, limit=1000)
    assert {s["id"] for s in small["suggestions"]} == ({
        w for w, d in nx.single_source_shortest_path_length(H2, a, cutoff=2).items() if d == 2}
        if a in H2 else set())


def test_cli_and_api(store_dir: Path, svc: GraphService,
                     capsys: pytest.CaptureFixture[str]) -> None:
    H = nx_graph(svc)
    a = max(H.nodes, key=lambda x: (H.degree(x), -x))
    want = suggestions(svc, a, limit=5)
    assert main(["--data-dir", str(store_dir), "suggest", str(a), "--limit", "5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == want
    assert main(["--data-dir", str(store_dir), "suggest", str(a), "--limit", "5"]) == 0
    text = capsys.readouterr().out
    assert want["suggestions"][0]["name"] in text and "shared" in text
    with TestClient(create_app(Settings(data_dir=store_dir))) as c:
        r = c.get(f"/authors/{a}/suggestions", params={"limit": 5})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body.pop("next_offset") == (5 if want["total"] > 5 else None)
        assert body == want
        assert c.get(f"/authors/{a}/suggestions", params={"score": "x"}).status_code == 422
        assert c.get("/authors/Nobody Atall/suggestions").status_code == 404

