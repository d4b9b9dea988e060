"""Query-time team size (DESIGN.md "Query-time team size"): only papers with at most K authors
count, without re-ingesting, checked against networkx on a graph of the small papers only."""

from __future__ import annotations

import json
import random
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graphsvc.cli import main
from graphsvc.errors import InvalidQuery
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest
from tests.helpers import sqlite_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DEMO = Path(__file__).parents[1] / "graphsvc" / "data" / "dblp-ppopp-socc.xml.gz"
INGEST_CAP = 10  # below the sample's largest team (25): K = 0 and K = 20 reach past it


def build_store(data_dir: Path) -> None:
    with sqlite_store(data_dir) as store:
        ingest(store, [DEMO], max_team_size=INGEST_CAP)


def small_papers_graph(svc: GraphService, k: int) -> nx.Graph:
    """The co-author graph of the papers with at most ``k`` authors (0: all), from the store's
    authorship rows: no CSR code involved."""
    arr = svc.store.memberships_arrays()
    teams: dict[int, list[int]] = {}
    for p, a in zip(arr["ship_paper"].tolist(), arr["ship_author"].tolist(), strict=True):
        teams.setdefault(p, []).append(a)
    H = nx.Graph()
    H.add_nodes_from(arr["author_ids"].tolist())
    for team in teams.values():
        if k == 0 or len(team) <= k:
            H.add_edges_from((a, b) for i, a in enumerate(team) for b in team[i + 1 :])
    return H


@pytest.fixture(scope="module")
def oracle(svc: GraphService) -> dict[int, nx.Graph]:
    return {k: small_papers_graph(svc, k) for k in (2, 3, 20, 0)}


def hub(H: nx.Graph) -> int:
    """The author with most co-authors in ``H`` (smallest id on ties)."""
    return min(H.nodes, key=lambda a: (-H.degree(a), a))


@pytest.mark.parametrize("k", [2, 3, 20, 0])
def test_graph_and_stats_equal_networkx(svc: GraphService, oracle: dict[int, nx.Graph],
                                        k: int) -> None:
    H = oracle[k]
    g = svc.graph(max_team_size=k)
    assert (g.n, g.n_edges) == (H.number_of_nodes(), H.number_of_edges())
    s = svc.stats(max_team_size=k)
    assert s["edges"] == H.number_of_edges()
    assert s["max_team_size"] == k
    assert s["components"] == nx.number_connected_components(H)
    assert s["largest_component"]["authors"] == len(max(nx.connected_components(H), key=len))
    # the ingest cap is untouched: the default query still counts papers of ≤ 10 authors
    assert svc.stats()["max_team_size"] == INGEST_CAP


def test_second_kind_distances_and_paths(svc: GraphService, oracle: dict[int, nx.Graph]) -> None:
    H = oracle[2]
    a = hub(H)
    d = nx.single_source_shortest_path_length(H, a)
    prof = svc.distances(a, max_team_size=2)
    want: dict[int, int] = {}
    for x in d.values():
        if x:
            want[x] = want.get(x, 0) + 1
    assert {p["distance"]: p["authors"] for p in prof["profile"]} == want
    assert prof["unreachable"] == H.number_of_nodes() - len(d)
    # the plain profile differs: the second kind is a different question on this sample
    assert svc.distances(a)["reachable"] > prof["reachable"]
    m = svc.memberships()
    team = dict(zip(m.paper_ids.tolist(), m.team_sizes().tolist(), strict=True))
    rng = random.Random(3)
    far = [b for b, x in d.items() if x >= 2]
    for b in rng.sample(far, min(10, len(far))):
        r = svc.path(a, b, all=True, limit=3, max_team_size=2)
        assert r["length"] == d[b]
        assert r["count"] == sum(1 for _ in nx.all_shortest_paths(H, a, b))
        for hop in r["paths"][0]["hops"]:  # every evidence paper is a small one
            assert hop["papers"]
            assert all(team[p["id"]] <= 2 for p in hop["papers"])


def test_collaborators_and_ego_follow_the_cap(svc: GraphService,
                                              oracle: dict[int, nx.Graph]) -> None:
    H2, H0 = oracle[2], oracle[0]
    a = hub(H0)
    got2 = svc.collaborators(a, max_team_size=2, limit=1000)
    assert {c["id"] for c in got2["collaborators"]} == set(H2[a])
    got0 = svc.collaborators(a, max_team_size=0, limit=1000)
    assert {c["id"] for c in got0["collaborators"]} == set(H0[a])
    assert got0["total"] > got2["total"]
    ego = svc.ego(a, radius=2, max_nodes=None, max_team_size=2)
    assert {n["id"] for n in ego["nodes"]} == set(nx.ego_graph(H2, a, radius=2))
    with pytest.raises(InvalidQuery):
        svc.stats(max_team_size=-1)


def test_cli_max_team_size(store_dir: Path, oracle: dict[int, nx.Graph],
                           capsys: pytest.CaptureFixture[str]) -> None:
    H = oracle[2]
    a = hub(H)
    code = main(["--data-dir", str(store_dir), "distances", str(a), "--max-team-size", "2",
                 "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert out["reachable"] == len(nx.node_connected_component(H, a)) - 1
    code = main(["--data-dir", str(store_dir), "stats", "--max-team-size", "2", "--json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out)["edges"] == H.number_of_edges()


def test_api_max_team_size(client: TestClient, oracle: dict[int, nx.Graph]) -> None:
    H = oracle[2]
    a = hub(H)
    r = client.get(f"/authors/{a}/collaborators", params={"max_team_size": 2, "limit": 1000})
    assert r.status_code == 200, r.text
    assert {c["id"] for c in r.json()["collaborators"]} == set(H[a])
    r = client.get("/stats", params={"max_team_size": 2})
    assert r.status_code == 200, r.text
    assert r.json()["edges"] == H.number_of_edges()
    assert client.get("/stats").json()["edges"] != H.number_of_edges()  # not the cached answer
    far = max(nx.single_source_shortest_path_length(H, a).items(), key=lambda kv: kv[1])[0]
    r = client.get("/paths/shortest", params={"from": a, "to": far, "max_team_size": 2})
    assert r.status_code == 200, r.text
    assert r.json()["length"] == nx.shortest_path_length(H, a, far)
    assert client.get("/stats", params={"max_team_size": -1}).status_code == 422
