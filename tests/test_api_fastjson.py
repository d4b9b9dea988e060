"""The hot read routes serialise the library's dicts without FastAPI's response validation
(``graphsvc/api/fastjson.py``); here every such answer must be exactly what the route's
response model would have produced, and the event-loop fast path must be taken only when safe."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from graphsvc.api.app import create_app
from graphsvc.api.deps import ApiOptions, Offload
from graphsvc.api.models import Collaborators, Ego, PathResult, SearchPage
from graphsvc.config import Settings
from graphsvc.ingest import ingest
from tests.helpers import sqlite_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DBLP = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    d = tmp_path_factory.mktemp("fastjson")
    with sqlite_store(d) as store:
        ingest(store, [DBLP])
    with TestClient(create_app(Settings(data_dir=d))) as c:
        deadline = time.monotonic() + 30
        while c.app.state.graph_status != "ready" and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.05)
        yield c


def as_model_would(model: type[BaseModel], body: Any, exclude_unset: bool = False) -> Any:
    return model.model_validate(body).model_dump(mode="json", by_alias=True,
                                                 exclude_unset=exclude_unset)


def top_authors(client: TestClient, n: int) -> list[int]:
    ranked = client.get("/rank", params={"limit": n}).json()["results"]
    return [int(x["id"]) for x in ranked]


def test_search_answers_are_what_the_model_makes(client: TestClient) -> None:
    for q in ("hoefler", "torsten", "besta maciej", "zhang", "li"):
        r = client.get("/authors", params={"q": q, "limit": 5})
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        assert r.json() == as_model_would(SearchPage, r.json())
        assert r.json()["items"], q


def test_collaborators_and_ego_answers_are_what_the_model_makes(client: TestClient) -> None:
    for a in top_authors(client, 5):
        for params in ({}, {"papers": "true", "limit": 3}, {"from_year": 2019}):
            r = client.get(f"/authors/{a}/collaborators", params=params)
            assert r.status_code == 200
            assert r.json() == as_model_would(Collaborators, r.json(), exclude_unset=True)
        r = client.get(f"/authors/{a}/ego", params={"radius": 2, "max_nodes": 50})
        assert r.status_code == 200 and r.json()["nodes"]
        assert r.json() == as_model_would(Ego, r.json())


def test_path_answers_are_what_the_model_makes(client: TestClient) -> None:
    ids = top_authors(client, 4)
    for a, b in zip(ids, ids[1:], strict=False):
        for params in ({}, {"all": "true", "limit": 2}, {"strongest": "true"},
                       {"max_length": 1}):
            r = client.get("/paths/shortest", params={"from": a, "to": b, **params})
            assert r.status_code == 200
            assert r.json() == as_model_would(PathResult, r.json())


def test_quick_queries_run_on_the_loop_only_for_a_warm_embedded_store(tmp_path: Path) -> None:
    assert ApiOptions.from_settings(Settings(data_dir=tmp_path)).inline
    assert ApiOptions.from_settings(Settings(data_dir=tmp_path, extra={"threads": "0"})).inline
    pinned = ApiOptions.from_settings(Settings(data_dir=tmp_path, extra={"threads": "3"}))
    assert not pinned.inline and pinned.threads == 3
    with pytest.raises(ValueError, match="GRAPHSVC_THREADS"):
        ApiOptions.from_settings(Settings(data_dir=tmp_path, extra={"threads": "-1"}))

    import threading

    warm = {"ok": False}
    off = Offload(1, inline_when=lambda: warm["ok"])

    async def where() -> str:
        return await off.quick(lambda: threading.current_thread().name)

    async def pooled() -> str:
        return await off(lambda: threading.current_thread().name)

    try:
        assert asyncio.run(where()).startswith("graphsvc-query")
        warm["ok"] = True
        assert asyncio.run(where()) == threading.current_thread().name
        # what a route does not call quick never holds the event loop
        assert asyncio.run(pooled()).startswith("graphsvc-query")
    finally:
        off.close()


def test_a_served_store_goes_inline_once_its_graph_is_built(client: TestClient) -> None:
    offload = client.app.state.offload  # type: ignore[attr-defined]
    service = client.app.state.service  # type: ignore[attr-defined]
    assert offload.inline_when is not None and offload.inline_when()
    with service._lock:  # a rebuild under way: queries wait on the pool, not on the loop
        assert not offload.inline_when()


def test_only_small_queries_run_on_the_event_loop(client: TestClient) -> None:
    """A year window (which may build a graph), several hops, masks or a whole-graph BFS go to
    the pool even once the graph is built; one-hop reads run inline."""
    import threading

    app: Any = client.app
    svc = app.state.service
    loop_thread: list[str] = []
    original = svc.ego

    def spy(*args: Any, **kwargs: Any) -> Any:
        loop_thread.append(threading.current_thread().name)
        return original(*args, **kwargs)

    top = client.get("/authors", params={"q": "a", "limit": 1}).json()["items"][0]["id"]
    svc.ego = spy
    try:
        assert client.get(f"/authors/{top}/ego").status_code == 200
        assert client.get(f"/authors/{top}/ego", params={"radius": 2}).status_code == 200
        assert client.get(f"/authors/{top}/ego", params={"from_year": 2000}).status_code == 200
    finally:
        del svc.ego
    inline, hops, window = loop_thread
    assert not inline.startswith("graphsvc-query")
    assert hops.startswith("graphsvc-query") and window.startswith("graphsvc-query")


def test_answers_are_the_bytes_json_dumps_writes() -> None:
    """orjson writes the hot answers only where its bytes are json.dumps's (fastjson.dumps)."""
    import json
    import random

    from graphsvc.api.fastjson import dumps

    def reference(v: Any) -> bytes:
        return json.dumps(v, ensure_ascii=False, allow_nan=False,
                          separators=(",", ":")).encode("utf-8")

    rng = random.Random(7)
    floats = [rng.random() * 10.0 ** rng.randint(-12, 20) for _ in range(3000)]
    floats += [1e-05, 9.99e-05, 1e-4, 1.5e-06, 1e-07, 1e16, 1e22, -0.0, 5e-324, 1 / 3]
    values: list[Any] = [
        floats,
        {"name": "Günther\u2028\u00a0<b>&\"x\"\\", "title": "e-commerce at 0.00001 scale"},
        {"big": 2**70, "ids": [1, -2, 2**63 - 1]},
        {1: "int key", "2": [True, False, None]},
        [{"nested": [[{"deep": 0.1 + 0.2}]]}],
        ("a", "tuple"),
    ]
    for v in values:
        assert dumps(v) == reference(v), v
