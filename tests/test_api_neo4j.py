"""The HTTP API on a live Neo4j store answers exactly as on the embedded store.

The dblp sample goes into both stores; two apps (one per store) get the same requests, and every
answer must be equal, byte for byte once parsed, apart from the fields that name the store. An
upload through the Neo4j app's ``/ingest`` then changes both alike. Needs a Neo4j server
(``scripts/test.sh`` starts one; see ``tests.helpers.require_neo4j``): it empties its database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc.api.app import create_app
from graphsvc.config import Settings
from graphsvc.ingest import ingest
from tests.helpers import require_neo4j, sqlite_store

pytestmark = [pytest.mark.neo4j, pytest.mark.filterwarnings("ignore::DeprecationWarning")]

DBLP = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"
KEY = "s3cret-key"
PAIR = {"from": "Jidong Zhai", "to": "Xiaohui Duan"}

#: the same question to both apps; each must give the same status and the same JSON
GETS: list[tuple[str, dict[str, Any]]] = [
    ("/authors", {"q": "hoefler"}),
    ("/authors", {"q": "zheng", "limit": 3, "offset": 1}),
    ("/authors", {"q": "torsten hofler"}),  # a typo
    ("/authors/8", {}),
    ("/authors/Torsten Hoefler", {}),
    ("/authors/Nobody Atall", {}),  # 404
    ("/authors/Li", {}),  # 409 with candidates
    ("/authors/8/collaborators", {"limit": 5}),
    ("/authors/8/collaborators", {"papers": True, "limit": 3, "offset": 2}),
    ("/authors/8/collaborators", {"from_year": 2022}),
    ("/authors/8/collaborators", {"min_papers": 2}),
    ("/authors/8/ego", {}),
    ("/authors/8/ego", {"radius": 2, "max_nodes": 10}),
    ("/authors/8/ego", {"radius": 2, "from_year": 2021, "to_year": 2023}),
    ("/authors/Weimin Zheng/distances", {}),
    ("/paths/shortest", PAIR),
    ("/paths/shortest", {**PAIR, "all": True}),
    ("/paths/shortest", {**PAIR, "all": True, "limit": 2}),
    ("/paths/shortest", {**PAIR, "strongest": True}),
    ("/paths/shortest", {**PAIR, "max_length": 2}),
    ("/paths/shortest", {"from": "8", "to": "Weimin Zheng"}),  # not connected
    ("/stats", {}),
    ("/stats", {"from_year": 2021, "to_year": 2021}),
    ("/communities", {"limit": 3}),
    ("/rank", {"limit": 5}),
    # query-time team size: the Neo4j store's own queries step aside for the engine
    ("/authors/8/collaborators", {"max_team_size": 2}),
    ("/authors/8/ego", {"radius": 2, "max_team_size": 3}),
    ("/authors/Weimin Zheng/distances", {"max_team_size": 2}),
    ("/paths/shortest", {**PAIR, "all": True, "max_team_size": 0}),
    ("/paths/shortest", {**PAIR, "max_team_size": 2}),
    ("/stats", {"max_team_size": 2}),
    ("/rank", {"limit": 5, "by": "collaborators", "max_team_size": 2}),
    # the questions (issue 18): the same engine over the store's memberships and names
    ("/authors/8/suggestions", {}),
    ("/authors/Torsten Hoefler/suggestions", {"min_shared": 2, "score": "resource-allocation"}),
    ("/authors/8/timeline", {}),
    ("/stats/by-year", {}),
]


def _without_store(body: Any) -> Any:
    """The answer without what names the store or how it found a strongest path (the Neo4j
    store says ``gds`` or ``projection``)."""
    if isinstance(body, dict):
        return {k: _without_store(v) for k, v in body.items()
                if k != "store" and not (k == "method" and body.get("mode") == "strongest")}
    if isinstance(body, list):
        return [_without_store(v) for v in body]
    return body


def _ready(c: TestClient) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r = c.get("/ready")
        if r.status_code == 200 and r.json().get("graph") == "ready":
            return dict(r.json())
        time.sleep(0.05)
    raise AssertionError(f"not ready: {r.status_code} {r.text}")


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, TestClient]]:
    require_neo4j()
    from graphsvc.store.neo4j import Neo4jStore

    neo_settings = Settings.from_env(store="neo4j", api_key=KEY,
                                     data_dir=tmp_path_factory.mktemp("neo4j-app"))
    neo = Neo4jStore.from_settings(neo_settings)
    try:
        neo.wipe()
        neo.init_schema()
        ingest(neo, [DBLP])
    finally:
        neo.close()
    emb_dir = tmp_path_factory.mktemp("embedded-app")
    with sqlite_store(emb_dir) as emb:
        ingest(emb, [DBLP])
    with (TestClient(create_app(Settings(data_dir=emb_dir, api_key=KEY))) as e,
          TestClient(create_app(neo_settings)) as n):
        yield e, n


def test_ready_names_the_store_and_the_same_counts(apps: tuple[TestClient, TestClient]) -> None:
    emb, neo = apps
    e, n = _ready(emb), _ready(neo)
    assert (e["store"], n["store"]) == ("embedded", "neo4j")
    assert (n["authors"], n["papers"], n["edges"]) == (e["authors"], e["papers"], e["edges"]) \
        == (381, 100, 900)


@pytest.mark.parametrize(("path", "params"), GETS, ids=[f"{p} {q}" for p, q in GETS])
def test_the_same_answer_from_both_stores(apps: tuple[TestClient, TestClient], path: str,
                                          params: dict[str, Any]) -> None:
    emb, neo = apps
    want, got = emb.get(path, params=params), neo.get(path, params=params)
    assert got.status_code == want.status_code, got.text
    assert got.headers["content-type"] == want.headers["content-type"]
    g, w = got.json(), want.json()
    if g.get("method") == "gds":
        # Dijkstra in GDS: the same cost and length, but it may pick another chain of that cost
        chain = g["paths"][0]
        assert sum(1 / h["joint_papers"] for h in chain["hops"]) == pytest.approx(g["cost"])
        assert [chain["authors"][0], chain["authors"][-1]] == [g["from"], g["to"]]
        g, w = ({k: v for k, v in x.items() if k not in ("paths", "method")} for x in (g, w))
    assert _without_store(g) == _without_store(w)


def test_posts_answer_alike(apps: tuple[TestClient, TestClient]) -> None:
    emb, neo = apps
    bodies = [("/cohort", {"authors": ["8", "Shigang Li", "Weimin Zheng", "Nobody X"]}),
              ("/paths/batch", {"pairs": [PAIR, {"from": "8", "to": "Weimin Zheng"},
                                          {"from": "Li", "to": "8"}]}),
              ("/conflicts", {"submissions": [{"id": "S1", "authors": ["8", "Li"]},
                                              {"id": "S2", "authors": ["Weimin Zheng"]}],
                              "reviewers": ["Shigang Li", "Torsten Hofler", "Jidong Zhai"],
                              "as_of": 2023, "distance": 2})]
    for path, body in bodies:
        want, got = emb.post(path, json=body), neo.post(path, json=body)
        assert got.status_code == want.status_code == 200, got.text
        assert _without_store(got.json()) == _without_store(want.json()), path


BIB = b"""@inproceedings{new1, author = {Ada Lovelace and Torsten Hoefler}, title = {Engines},
booktitle = {Notes}, year = {2024}}
@article{new2, author = {Ada Lovelace and Charles Babbage}, title = {Difference}, year = {1843},
journal = {Analytical}}
"""


def test_an_upload_to_the_neo4j_app_ingests_into_neo4j(
        apps: tuple[TestClient, TestClient]) -> None:
    emb, neo = apps
    jobs = []
    for c in (emb, neo):
        r = c.post("/ingest", files={"file": ("more.bib", BIB)},
                   headers={"Authorization": f"Bearer {KEY}"})
        assert r.status_code == 202, r.text
        jobs.append((c, r.json()["id"]))
    reports = []
    for c, job_id in jobs:
        deadline = time.monotonic() + 60
        while (job := c.get(f"/jobs/{job_id}").json())["state"] not in ("done", "failed"):
            assert time.monotonic() < deadline, job
            time.sleep(0.05)
        assert job["state"] == "done", job
        assert job["report"]["papers"] == 2
        reports.append({k: v for k, v in job["report"].items() if k != "seconds"})
    assert reports[0] == reports[1]
    deadline = time.monotonic() + 30
    while _ready(neo)["papers"] != 102:  # the job's rebuild of the graph may still be running
        assert time.monotonic() < deadline
        time.sleep(0.05)
    ada = [c.get("/authors/Ada Lovelace/collaborators").json() for c in (emb, neo)]
    assert ada[0] == ada[1] and {x["name"] for x in ada[1]["collaborators"]} == {
        "Torsten Hoefler", "Charles Babbage"}
    assert _without_store(neo.get("/stats").json()) == _without_store(emb.get("/stats").json())
