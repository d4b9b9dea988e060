"""The HTTP API end to end with FastAPI's TestClient, on a store built from a real dblp sample."""

from __future__ import annotations

import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graphsvc.api.app import create_app
from graphsvc.api.deps import ApiOptions, get_settings, with_api_env
from graphsvc.api.jobs import safe_filename
from graphsvc.api.serve import serve_get, settings_env, urls
from graphsvc.api.stores import LockedStore, PerThreadStore
from graphsvc.config import Settings
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore
from tests.helpers import sqlite_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DATA = Path(__file__).parent / "data"
DBLP = DATA / "dblp-ppopp-socc-100.xml"
KEY = "s3cret-key"
PROBLEM = "application/problem+json"


def build_store(data_dir: Path) -> None:
    with sqlite_store(data_dir) as store:
        ingest(store, [DBLP])


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    app = create_app(Settings(data_dir=store_dir, api_key=KEY))
    with TestClient(app) as c:
        yield c


def problem(r: Any, status: int, type_: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body = r.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in r.text
    if type_ is not None:
        assert body["type"] == type_
    return body


# -- service ------------------------------------------------------------------------------------
def test_health_and_ready(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    deadline = time.monotonic() + 10
    while (resp := client.get("/ready")).status_code != 200 and time.monotonic() < deadline:
        body = resp.json()  # 503 while the graph loads, saying so
        assert resp.status_code == 503 and body["type"] == "unavailable"
        assert body["graph"] == "building"
        time.sleep(0.02)
    r = resp.json()
    assert r["status"] == "ready" and r["store"] == "embedded" and r["graph"] == "ready"
    assert (r["authors"], r["papers"], r["edges"]) == (381, 100, 900)
    assert client.get("/").status_code == 200  # the HTML front page, or a JSON index without it


def test_openapi_documents_every_route_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for route in ["/authors", "/authors/{author}", "/authors/{author}/collaborators",
                  "/authors/{author}/ego", "/authors/{author}/distances", "/paths/shortest",
                  "/paths/batch", "/cohort", "/stats", "/communities", "/rank", "/export",
                  "/ingest", "/jobs/{job_id}", "/health", "/ready"]:
        assert route in paths, route
    schemas = spec["components"]["schemas"]
    for name in ["SearchPage", "AuthorDetail", "Collaborators", "Ego", "PathResult", "Stats"]:
        assert schemas[name].get("examples"), name
    assert "multipart/form-data" in paths["/ingest"]["post"]["requestBody"]["content"]
    assert client.get("/docs").status_code == 200


# -- authors ------------------------------------------------------------------------------------
def test_search_paginates(client: TestClient) -> None:
    r = client.get("/authors", params={"q": "hoefler"}).json()
    assert r["items"] == [{"id": 8, "name": "Torsten Hoefler", "papers": 4}]
    assert r["next_offset"] is None
    page1 = client.get("/authors", params={"q": "wang", "limit": 3}).json()
    assert len(page1["items"]) == 3 and page1["next_offset"] == 3
    page2 = client.get("/authors", params={"q": "wang", "limit": 3, "offset": 3}).json()
    ids = [a["id"] for a in page1["items"] + page2["items"]]
    assert len(set(ids)) == 6
    last = client.get("/authors", params={"q": "wang", "limit": 3, "offset": 6}).json()
    assert len(last["items"]) == 2 and last["next_offset"] is None


def test_validation_errors_name_the_field(client: TestClient) -> None:
    body = problem(client.get("/authors"), 422, "validation-error")
    assert "'q'" in body["detail"] and body["errors"][0]["field"] == "q"
    body = problem(client.get("/authors", params={"q": "x", "limit": 1001}), 422)
    assert "'limit'" in body["detail"]
    body = problem(client.get("/authors/8/ego", params={"radius": 4}), 422)
    assert "'radius'" in body["detail"] and body["errors"][0]["in"] == "query"
    body = problem(client.get("/authors/8/collaborators", params={"from_year": "soon"}), 422)
    assert "'from_year'" in body["detail"]
    body = problem(client.post("/paths/batch", json={"pairs": [{"from": "8"}]}), 422)
    assert "pairs[0].to" in body["detail"]
    body = problem(client.post("/cohort", content=b"{not json",
                               headers={"content-type": "application/json"}), 422)
    assert body["errors"]


def test_author_by_id_name_and_external_id(client: TestClient) -> None:
    by_id = client.get("/authors/8").json()
    assert by_id["name"] == "Torsten Hoefler" and by_id["papers"] == 4
    assert by_id["variants"][0]["source"] == "dblp"
    assert client.get("/authors/Torsten Hoefler").json() == by_id
    assert client.get("/authors/torsten%20hoefler").json()["id"] == 8
    assert client.get("/authors/dblp:Torsten Hoefler").json()["id"] == 8


def test_unknown_author_is_404(client: TestClient) -> None:
    body = problem(client.get("/authors/Nobody Atall"), 404, "author-not-found")
    assert "Nobody Atall" in body["detail"]
    problem(client.get("/authors/999999/collaborators"), 404, "author-not-found")
    problem(client.get("/authors/" + "9" * 30), 404, "author-not-found")  # beyond int64
    problem(client.get("/authors/¹"), 404, "author-not-found")  # isdigit, but int() refuses
    problem(client.get("/paths/shortest", params={"from": "8", "to": "29", "avoid_paper": "²"}),
            404, "paper-not-found")
    r = client.post("/cohort", json={"authors": ["8", "9" * 30]}).json()
    assert r["unresolved"][0]["error"] == "author-not-found"
    problem(client.get("/paths/shortest", params={"from": "8", "to": "Nobody Atall"}), 404)


def test_ambiguous_name_is_409_with_candidates(client: TestClient) -> None:
    body = problem(client.get("/authors/Li"), 409, "ambiguous-author")
    names = {c["name"] for c in body["candidates"]}
    assert {"Shigang Li", "Chao Li"} <= names and len(names) == 9
    assert all({"id", "name", "papers"} == set(c) for c in body["candidates"])
    assert body["query"] == "Li"
    body = problem(client.get("/paths/shortest", params={"from": "Wang", "to": "8"}), 409)
    assert len(body["candidates"]) == 8
    problem(client.get("/authors/Li/ego"), 409, "ambiguous-author")


def test_collaborators(client: TestClient, svc: GraphService) -> None:
    r = client.get("/authors/Torsten Hoefler/collaborators", params={"limit": 5}).json()
    want = svc.collaborators(8, limit=5)
    assert r["total"] == want["total"] == 14 and r["next_offset"] == 5
    assert [c["id"] for c in r["collaborators"]] == [c["id"] for c in want["collaborators"]]
    assert "joint_papers" not in r["collaborators"][0]
    rest = client.get("/authors/8/collaborators", params={"limit": 100, "offset": 5}).json()
    assert len(rest["collaborators"]) == 9 and rest["next_offset"] is None
    top = client.get("/authors/8/collaborators", params={"papers": True, "limit": 1}).json()
    papers = top["collaborators"][0]["joint_papers"]
    assert len(papers) == top["collaborators"][0]["papers"] == 2
    assert papers[0]["year"] >= papers[1]["year"] and papers[0]["doi"]
    two = client.get("/authors/8/collaborators", params={"min_papers": 2}).json()
    assert two["total"] == 2
    recent = client.get("/authors/8/collaborators", params={"from_year": 2022}).json()
    assert 0 < recent["total"] < 14
    assert all(c["first_year"] >= 2022 for c in recent["collaborators"])


def test_ego(client: TestClient) -> None:
    r = client.get("/authors/8/ego").json()
    assert r["center"] == {"id": 8, "name": "Torsten Hoefler"}
    assert len(r["nodes"]) == 15 and not r["truncated"]
    assert {n["distance"] for n in r["nodes"]} == {0, 1}
    small = client.get("/authors/8/ego", params={"max_nodes": 3}).json()
    assert small["truncated"] and len(small["nodes"]) == 3
    problem(client.get("/authors/8/ego", params={"from_year": 2020, "to_year": 2010}), 422,
            "invalid-query")


def test_distances(client: TestClient) -> None:
    r = client.get("/authors/Weimin Zheng/distances").json()
    assert r["profile"][0]["distance"] == 1
    assert r["reachable"] + r["unreachable"] == 380


# -- paths ------------------------------------------------------------------------------------
def test_shortest_path_with_evidence(client: TestClient) -> None:
    r = client.get("/paths/shortest", params={"from": "Jidong Zhai", "to": "Xiaohui Duan"}).json()
    assert r["mode"] == "shortest" and r["length"] == 3 and r["count"] == 4
    (path,) = r["paths"]
    assert path["authors"][0]["name"] == "Jidong Zhai"
    assert path["authors"][-1]["name"] == "Xiaohui Duan"
    assert len(path["hops"]) == 3
    for hop in path["hops"]:
        assert hop["joint_papers"] == len(hop["papers"]) >= 1
        assert hop["papers"][0]["title"]


def test_all_strongest_avoid_and_limits(client: TestClient) -> None:
    q = {"from": "Jidong Zhai", "to": "Xiaohui Duan"}
    every = client.get("/paths/shortest", params={**q, "all": True}).json()
    assert every["mode"] == "all" and len(every["paths"]) == 4
    two = client.get("/paths/shortest", params={**q, "all": True, "limit": 2}).json()
    assert two["count"] == 4 and len(two["paths"]) == 2
    strong = client.get("/paths/shortest", params={**q, "strongest": True}).json()
    assert strong["mode"] == "strongest" and strong["cost"] > 0
    middle = every["paths"][0]["authors"][2]["name"]
    avoided = client.get("/paths/shortest", params={**q, "all": True, "avoid": [middle]}).json()
    assert avoided["count"] == 3
    assert all(middle not in [a["name"] for a in p["authors"]] for p in avoided["paths"])
    paper = every["paths"][0]["hops"][0]["papers"][0]["source_id"]
    no_paper = client.get("/paths/shortest", params={**q, "avoid_paper": paper}).json()
    assert no_paper["length"] is None or paper not in json.dumps(no_paper)
    short = client.get("/paths/shortest", params={**q, "max_length": 2}).json()
    assert short["length"] is None and "2" in short["reason"]
    problem(client.get("/paths/shortest", params={**q, "all": True, "strongest": True}), 422)
    problem(client.get("/paths/shortest", params={**q, "avoid_paper": "dblp:nope/x"}), 404,
            "paper-not-found")
    problem(client.get("/paths/shortest", params={**q, "avoid": "Jidong Zhai"}), 422,
            "invalid-query")


def test_no_path_is_200_with_a_reason(client: TestClient) -> None:
    r = client.get("/paths/shortest", params={"from": "8", "to": "Weimin Zheng"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["length"] is None and body["paths"] == [] and body["count"] == 0
    assert "not connected" in body["reason"]
    assert body["from"]["name"] == "Torsten Hoefler"


def test_batch_paths(client: TestClient) -> None:
    r = client.post("/paths/batch", json={"pairs": [
        {"from": "Jidong Zhai", "to": "Xiaohui Duan"}, {"from": "8", "to": "Weimin Zheng"},
        {"from": "Li", "to": "8"}, {"from": "8", "to": "Nobody Atall"}]}).json()["results"]
    assert [x["length"] for x in r] == [3, None, None, None]
    assert r[0]["count"] == 4 and "error" not in r[0]
    assert "error" not in r[1]
    assert r[2]["error"] == "ambiguous-author" and r[3]["error"] == "author-not-found"
    problem(client.post("/paths/batch", json={"pairs": []}), 422)
    many = [{"from": "8", "to": "29"}] * 1001
    body = problem(client.post("/paths/batch", json={"pairs": many}), 422)
    assert "'pairs'" in body["detail"]


# -- graph-wide -------------------------------------------------------------------------------
def test_cohort(client: TestClient) -> None:
    r = client.post("/cohort", json={"authors": ["8", "Shigang Li", "Weimin Zheng", "Nobody X"]})
    body = r.json()
    assert {n["id"] for n in body["nodes"]} == {8, 27, 179}
    assert sorted(map(sorted, body["components"])) == [[8, 27], [179]]
    assert body["unresolved"][0]["query"] == "Nobody X"
    assert body["edges"][0]["papers"] == 2


def test_stats(client: TestClient, svc: GraphService) -> None:
    r = client.get("/stats").json()
    want = svc.stats()
    for k in ("authors", "papers", "edges", "components", "triangles", "diameter"):
        assert r[k] == want[k], k
    assert r["transitivity"] == pytest.approx(want["transitivity"])  # extra fields kept
    assert client.get("/stats").json() == r  # cached
    window = client.get("/stats", params={"from_year": 2021, "to_year": 2021}).json()
    assert window["papers"] < r["papers"]


def test_communities_and_rank_paginate(client: TestClient) -> None:
    page = client.get("/communities", params={"limit": 2}).json()
    assert page["count"] == 77 and len(page["communities"]) == 2 and page["next_offset"] == 2
    nxt = client.get("/communities", params={"limit": 2, "offset": 2}).json()
    assert nxt["communities"][0]["community"] == 2
    ego = client.get("/communities", params={"author": "8", "radius": 1}).json()
    assert ego["scope"].startswith("ego of Torsten Hoefler")
    problem(client.get("/communities", params={"author": "8", "cohort": ["8"]}), 422)
    problem(client.get("/communities", params={"method": "magic"}), 422)
    top = client.get("/rank", params={"limit": 3}).json()
    assert top["results"][0] == {"id": 8, "name": "Torsten Hoefler", "score": 4}
    second = client.get("/rank", params={"limit": 2, "offset": 1}).json()
    assert second["results"] == top["results"][1:3] and second["next_offset"] == 3
    pr = client.get("/rank", params={"by": "betweenness", "limit": 1}).json()
    assert pr["results"][0]["name"] == "Weimin Zheng" and pr["mode"] == "exact"
    problem(client.get("/rank", params={"by": "fame"}), 422)


# -- exports ----------------------------------------------------------------------------------
def _read(fmt: str, body: bytes) -> Any:
    if fmt == "graphml":
        return nx.read_graphml(io.BytesIO(body), node_type=int)
    if fmt == "gexf":
        return nx.read_gexf(io.BytesIO(body), node_type=int)
    if fmt == "json":
        return nx.node_link_graph(json.loads(body), edges="edges")
    if fmt == "pajek":
        return nx.Graph(nx.parse_pajek(body.decode()))
    return zipfile.ZipFile(io.BytesIO(body))


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "csv", "json", "pajek", "vosviewer"])
def test_export_whole_graph_and_subgraphs(client: TestClient, fmt: str) -> None:
    r = client.get("/export", params={"format": fmt})
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    whole = _read(fmt, r.content)
    ego = _read(fmt, client.get("/export", params={"format": fmt, "author": "8"}).content)
    cohort = _read(fmt, client.get("/export", params={"format": fmt, "cohort": ["8", "27"]})
                   .content)
    if isinstance(whole, zipfile.ZipFile):
        names = whole.namelist()
        assert len(names) == 2
        rows = whole.read(names[0]).decode().splitlines()
        assert len(rows) == 382  # header + every author
        edges = whole.read(names[1]).decode().splitlines()
        assert len(edges) - (fmt == "csv") == 900
        assert len(ego.read(ego.namelist()[0]).decode().splitlines()) == 16
        assert len(cohort.read(cohort.namelist()[0]).decode().splitlines()) == 3
        return
    assert (whole.number_of_nodes(), whole.number_of_edges()) == (381, 900)
    want = client.get("/authors/8/ego").json()
    assert (ego.number_of_nodes(), ego.number_of_edges()) == (15, len(want["edges"]))
    assert cohort.number_of_nodes() == 2 and cohort.number_of_edges() == 1


def test_export_errors(client: TestClient) -> None:
    problem(client.get("/export", params={"format": "xls"}), 422)
    problem(client.get("/export", params={"author": "8", "cohort": ["27"]}), 422)
    problem(client.get("/export", params={"author": "Li"}), 409)


# -- errors -----------------------------------------------------------------------------------
def test_unknown_route_and_method_are_problems(client: TestClient) -> None:
    problem(client.get("/nope"), 404, "not-found")
    problem(client.delete("/authors/8"), 405, "method-not-allowed")


def test_unexpected_error_is_500_without_trace(store_dir: Path) -> None:
    app = create_app(Settings(data_dir=store_dir))

    def boom() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as c:
        body = problem(c.get("/boom"), 500, "internal-error")
        assert "secret" not in json.dumps(body) and "RuntimeError" not in json.dumps(body)


# -- writes, auth, limits ---------------------------------------------------------------------
@pytest.fixture
def writable(tmp_path: Path) -> Settings:
    build_store(tmp_path)
    return Settings(data_dir=tmp_path, api_key=KEY, extra={"max_upload_mb": 0.05})


def upload(c: TestClient, data: bytes, name: str = "more.bib", key: str | None = KEY,
           **fields: str) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return c.post("/ingest", files={"file": (name, data)}, data=fields, headers=headers)


def wait(c: TestClient, job_id: str, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, Any] = c.get(f"/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


BIB = b"""@inproceedings{new1, author = {Ada Lovelace and Torsten Hoefler}, title = {Engines},
booktitle = {Notes}, year = {2024}}
@article{new2, author = {Ada Lovelace and Charles Babbage}, title = {Difference}, year = {1843},
journal = {Annals}}
"""


def test_writes_refused_without_a_configured_key(store_dir: Path) -> None:
    with TestClient(create_app(Settings(data_dir=store_dir))) as c:
        body = problem(upload(c, BIB), 403, "forbidden")
        assert "GRAPHSVC_API_KEY" in body["detail"]
        jobs = problem(c.get("/jobs"), 403, "forbidden")  # a read: not told about writes
        assert "GRAPHSVC_API_KEY" in jobs["detail"] and "write" not in jobs["detail"].lower()
        assert "write" not in jobs["title"].lower()


def test_writes_need_the_right_key(writable: Settings) -> None:
    with TestClient(create_app(writable)) as c:
        r = upload(c, BIB, key=None)
        problem(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")
        problem(upload(c, BIB, key="wrong"), 401)
        problem(c.post("/ingest", files={"file": ("a.bib", BIB)},
                       headers={"Authorization": f"Basic {KEY}"}), 401)
        jobs = problem(c.get("/jobs"), 401)
        assert "write" not in jobs["detail"] and "list of ingest jobs" in jobs["detail"]


def test_upload_runs_a_job_with_progress(writable: Settings) -> None:
    with TestClient(create_app(writable)) as c:
        r = upload(c, BIB, name="../../papers.bib")
        assert r.status_code == 202, r.text
        job = r.json()
        assert r.headers["location"] == f"/jobs/{job['id']}"
        assert job["state"] in ("queued", "running", "done") and job["files"] == ["papers.bib"]
        done = wait(c, job["id"])
        assert done["state"] == "done", done
        assert done["report"]["papers"] == 2 and done["report"]["files"][0]["path"] == "papers.bib"
        assert done["progress"]["records"] == 2 and done["progress"]["fraction"] == 1.0
        ada = c.get("/authors/Ada Lovelace/collaborators").json()
        assert {x["name"] for x in ada["collaborators"]} == {"Torsten Hoefler", "Charles Babbage"}
        assert c.get("/ready").json()["papers"] == 102  # the job rebuilt the graph
        listed = c.get("/jobs", headers={"Authorization": f"Bearer {KEY}"}).json()
        assert listed["items"][0]["id"] == job["id"]
        assert not any((writable.data_dir / "uploads").iterdir())


def test_upload_with_options_and_bad_input(writable: Settings) -> None:
    with TestClient(create_app(writable)) as c:
        csv = b"title;authors;year\nA;Ada Lovelace, Mary Somerville;1850\n"
        job = upload(c, csv, name="p.csv", format="csv", authors_column="authors",
                     author_separator=",", max_team_size="0").json()
        assert wait(c, job["id"])["report"]["records"] == 1
        body = problem(upload(c, BIB, format="word"), 422, "validation-error")
        assert "'format'" in body["detail"]
        problem(upload(c, BIB, max_team_size="-3"), 422)
        r = c.post("/ingest", data={"format": "bibtex"},
                   headers={"Authorization": f"Bearer {KEY}"})
        assert "'file'" in problem(r, 422)["detail"]
        problem(c.get("/jobs/0123456789abcdef0123456789abcdef"), 404, "job-not-found")
        bad = upload(c, b"<dblp><article", name="x.xml", format="dblp").json()
        skipped = wait(c, bad["id"])  # bad input is reported and counted, never a crash
        assert skipped["state"] == "done"
        assert skipped["report"]["skipped_reasons"] == {"malformed-xml": 1}


def test_upload_size_limit_is_413(writable: Settings) -> None:
    big = b"%" * 60_000  # over the 0.05 MB limit
    with TestClient(create_app(writable)) as c:
        body = problem(upload(c, big), 413, "payload-too-large")
        assert "MB" in body["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
            yield (b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.bib"'
                   b"\r\n\r\n")
            for _ in range(10):
                yield b"%" * 10_000
            yield b"\r\n--b--\r\n"

        r = c.post("/ingest", content=chunks(), headers={
            "Authorization": f"Bearer {KEY}", "Content-Type": "multipart/form-data; boundary=b"})
        assert "content-length" not in {k.lower() for k in r.request.headers}
        problem(r, 413, "payload-too-large")
        uploads = writable.data_dir / "uploads"
        assert not uploads.exists() or not any(uploads.iterdir())


def test_json_bodies_are_limited_too(store_dir: Path) -> None:
    s = Settings(data_dir=store_dir, extra={"max_upload_mb": 0.01})
    with TestClient(create_app(s)) as c:
        problem(c.post("/cohort", json={"authors": ["x" * 400] * 40}), 413)


def test_protected_reads(store_dir: Path) -> None:
    s = Settings(data_dir=store_dir, api_key=KEY, extra={"protect_reads": "1"})
    with TestClient(create_app(s)) as c:
        problem(c.get("/authors", params={"q": "hoefler"}), 401)
        problem(c.get("/authors/8", headers={"Authorization": "Bearer nope"}), 401)
        ok = c.get("/authors/8", headers={"Authorization": f"Bearer {KEY}"})
        assert ok.status_code == 200
        assert c.get("/health").status_code == 200  # probes stay open
    no_key = Settings(data_dir=store_dir, extra={"protect_reads": True})
    with TestClient(create_app(no_key)) as c:
        problem(c.get("/stats"), 403)


def test_cors(store_dir: Path) -> None:
    s = Settings(data_dir=store_dir, extra={"cors_origins": "https://example.org"})
    with TestClient(create_app(s)) as c:
        r = c.options("/authors", headers={"Origin": "https://example.org",
                                           "Access-Control-Request-Method": "GET"})
        assert r.headers["access-control-allow-origin"] == "https://example.org"
        r = c.get("/health", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in r.headers
    with TestClient(create_app(Settings(data_dir=store_dir))) as c:
        r = c.get("/health", headers={"Origin": "https://example.org"})
        assert "access-control-allow-origin" not in r.headers


# -- settings, concurrency, in-process requests -------------------------------------------------
def test_settings_from_environment() -> None:
    s = with_api_env(Settings(), {"GRAPHSVC_PROTECT_READS": "1", "GRAPHSVC_MAX_UPLOAD_MB": "5",
                                  "GRAPHSVC_CORS_ORIGINS": "https://a.org, https://b.org"})
    o = ApiOptions.from_settings(s)
    assert o.protect_reads and o.max_upload_bytes == 5 * 1024 * 1024
    assert o.cors_origins == ("https://a.org", "https://b.org")
    assert ApiOptions.from_settings(Settings()).max_upload_bytes == 200 * 1024 * 1024
    explicit = with_api_env(Settings(extra={"protect_reads": False}),
                            {"GRAPHSVC_PROTECT_READS": "1"})
    assert not ApiOptions.from_settings(explicit).protect_reads
    with pytest.raises(ValueError):
        create_app(Settings(extra={"max_upload_mb": "lots"}))
    env = settings_env(Settings(data_dir=Path("/d"), api_key="k", extra={"protect_reads": "1"}))
    assert env["GRAPHSVC_DATA_DIR"] == "/d" and env["GRAPHSVC_PROTECT_READS"] == "1"
    assert urls("0.0.0.0", 9000) == ("http://127.0.0.1:9000/", "http://127.0.0.1:9000/docs")


def test_create_app_overrides_get_settings(store_dir: Path) -> None:
    s = Settings(data_dir=store_dir)
    app = create_app(s)
    assert app.dependency_overrides[get_settings]() is s


def test_concurrent_requests_use_separate_connections(store_dir: Path) -> None:
    app = create_app(Settings(data_dir=store_dir))
    urls_ = ["/authors?q=li", "/authors/8/collaborators", "/authors/8/ego?radius=2",
             "/paths/shortest?from=Jidong%20Zhai&to=Xiaohui%20Duan", "/stats"] * 16
    with TestClient(app) as c, ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda u: c.get(u).status_code, urls_))
        assert codes == [200] * len(urls_)
        # one connection per worker thread (query and analytics pools, graph builder), not
        # one per request
        assert 1 <= app.state.store.connections <= 5


def test_per_thread_store_opens_one_connection_per_thread(tmp_path: Path) -> None:
    build_store(tmp_path)
    pool = PerThreadStore(lambda: SQLiteStore(tmp_path / "graphsvc.sqlite3"))
    seen: list[int] = []

    def work() -> None:
        seen.append(id(pool.current()))
        assert pool.counts()["papers"] == 100

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(seen)) == 4
    pool.current()  # a new thread's first use closes the ended threads' connections
    assert pool.connections == 1
    pool.close()
    locked = LockedStore(SQLiteStore(tmp_path / "graphsvc.sqlite3"))
    assert locked.counts()["authors"] == 381
    locked.close()


def test_serve_get_answers_in_process(store_dir: Path) -> None:
    status, body = serve_get(Settings(data_dir=store_dir), "/authors?q=hoefler")
    assert status == 200 and json.loads(body)["items"][0]["id"] == 8
    status, body = serve_get(Settings(data_dir=store_dir), "authors/Li")
    assert status == 409 and "candidates" in body
    s = Settings(data_dir=store_dir, api_key=KEY, extra={"protect_reads": "1"})
    assert serve_get(s, "/stats")[0] == 200


def test_safe_filename() -> None:
    assert safe_filename("dblp.xml.gz") == "dblp.xml.gz"
    assert safe_filename("../../x/../evil name.bib") == "evil_name.bib"
    assert safe_filename("") == "upload"


def test_integers_are_digits_and_single_values_come_once(client: TestClient) -> None:
    """What the schema calls an integer, given once: "0.0", "1_000" or a repeated year are
    refused (422), not read leniently or as the last value; list parameters may repeat."""
    schema = client.get("/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/stats"]["get"]["parameters"]}
    assert params["from_year"]["schema"]["anyOf"][0]["type"] == "integer"
    assert client.get("/stats", params={"from_year": "2010"}).status_code == 200
    for bad in ("0.0", " 7 ", "1_000", "2e3"):
        problem(client.get("/stats", params={"from_year": bad}), 422, "validation-error")
    problem(client.get("/authors", params={"q": "a", "limit": "5.0"}), 422, "validation-error")
    body = problem(client.get("/stats?to_year=2020&to_year=2010"), 422, "validation-error")
    assert "to_year" in body["detail"]
    top = client.get("/authors", params={"q": "a", "limit": 2}).json()["items"]
    ok = client.get(f"/paths/shortest?from={top[0]['id']}&to={top[1]['id']}"
                    "&avoid=999999&avoid=999998")
    assert ok.status_code in (200, 404), ok.text  # repeating a list parameter is fine


def test_problem_titles_are_prose(writable: Settings) -> None:
    """A title is a short sentence ("Override not found"), never a class name or Title Case."""
    import re

    auth = {"Authorization": f"Bearer {KEY}"}
    with TestClient(create_app(writable), raise_server_exceptions=False) as c:
        answers = [
            c.get("/no/such/route"), c.delete("/stats"), c.get("/authors/Zzyzx Qwerty"),
            c.get("/authors/Li"), c.get("/paths/shortest?from=1"),
            c.get("/authors?q=x&limit=100000"), c.get("/jobs/nope"), c.get("/jobs"),
            c.post("/authors/unmerge", json={"ref": 999999}, headers=auth),
            c.post("/authors/1/split", json={"papers": ["dblp:no/such"]}, headers=auth),
            c.post("/authors/merge", json={"target": 1}, headers=auth),
            upload(c, b"x" * 100_000),
        ]
    titles = {}
    for r in answers:
        body = r.json()
        assert r.status_code >= 400 and {"type", "title"} <= set(body), r.text
        titles[body["type"]] = body["title"]
    assert {"override-not-found", "paper-not-found", "not-found", "unauthorized"} <= set(titles)
    for type_, title in titles.items():
        first, *rest = title.split()
        assert first[0].isupper() and not re.search(r"[a-z][A-Z]", title), (type_, title)
        assert all(w.islower() or w.isupper() for w in rest), (type_, title)
