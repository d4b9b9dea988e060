"""Fault catalogue, expensive reads: they cannot starve the service (issue 14, item 9).

A real server (uvicorn in a thread) over a small store; the whole-graph computations are made
slow and counted (``GraphService.rank`` and ``stats`` sleep first), so the test sees what the
service does with them: clients that hang up, clients that ask the same thing at once, more
work than the lane takes. Meanwhile ``/health`` and cheap lookups must stay fast.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from graphsvc.api.app import create_app
from graphsvc.config import Settings
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore

DBLP = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"
WORK = 1.0  # seconds each slow computation takes
FAST = 0.5  # seconds within which /health and a cheap lookup must answer meanwhile


class Server:
    def __init__(self, data: Path, **extra: Any) -> None:
        self.app = create_app(Settings(data_dir=data, extra=extra))
        config = uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning",
                                lifespan="on")
        self.srv = uvicorn.Server(config)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port: int = sock.getsockname()[1]
        self.thread = threading.Thread(target=self.srv.run, kwargs={"sockets": [sock]},
                                       daemon=True)
        self.thread.start()
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.client.get("/ready").json().get("graph") == "ready":
                    return
            except (httpx.HTTPError, json.JSONDecodeError):
                pass
            time.sleep(0.1)
        pytest.fail("the server did not become ready")

    @property
    def lane(self) -> Any:
        return self.app.state.offload.lane

    def timed(self, path: str) -> tuple[httpx.Response, float]:
        started = time.monotonic()
        r = self.client.get(path)
        return r, time.monotonic() - started

    def abandon(self, path: str, after: float = 0.1) -> None:
        """Send a request and hang up before the answer."""
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(after)

    def close(self) -> None:
        self.client.close()
        self.srv.should_exit = True
        self.thread.join(15)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("starve")
    store = SQLiteStore(d / "graphsvc.sqlite3")
    ingest(store, [DBLP])
    store.close()
    return d


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Every slow computation started, with its arguments; each takes ``WORK`` seconds."""
    seen: list[tuple[Any, ...]] = []
    rank, stats = GraphService.rank, GraphService.stats

    def slow_rank(self: GraphService, by: str = "papers", **kw: Any) -> dict[str, Any]:
        seen.append(("rank", by, kw.get("seed")))
        time.sleep(WORK)
        return rank(self, by, **kw)

    def slow_stats(self: GraphService, *args: Any, **kw: Any) -> dict[str, Any]:
        seen.append(("stats", *args))
        time.sleep(WORK)
        return stats(self, *args, **kw)

    monkeypatch.setattr(GraphService, "rank", slow_rank)
    monkeypatch.setattr(GraphService, "stats", slow_stats)
    return seen


@pytest.fixture
def server(data: Path, calls: list[Any]) -> Iterator[Server]:
    s = Server(data)
    yield s
    s.close()


def assert_cheap_queries_fast(s: Server) -> None:
    for path in ("/health", "/authors?q=a", "/health"):
        r, took = s.timed(path)
        assert r.status_code == 200 and took < FAST, (path, r.status_code, round(took, 3))


def test_abandoned_requests_are_cancelled_and_starve_nobody(
    server: Server, calls: list[Any]
) -> None:
    for seed in range(8):  # eight different rankings, each client hangs up at once
        server.abandon(f"/rank?by=betweenness&seed={seed}")
    time.sleep(0.2)
    assert_cheap_queries_fast(server)
    # the computations nobody waits for were dropped before they started
    deadline = time.monotonic() + 4 * WORK
    while server.lane.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.lane.pending == 0
    assert len(calls) <= 2 and server.lane.cancelled >= 6, (calls, server.lane.cancelled)
    # a new caller does not wait behind eight seconds of abandoned work
    r, took = server.timed("/rank?by=closeness")
    assert r.status_code == 200 and took < 3 * WORK, round(took, 3)


def test_the_answer_of_a_client_that_hung_up_is_kept_for_the_next(
    server: Server, calls: list[Any]
) -> None:
    server.abandon("/rank?by=closeness&limit=5", after=0.3)  # it had started: it runs on
    time.sleep(WORK + 0.3)
    r, took = server.timed("/rank?by=closeness&limit=3&offset=2")
    assert r.status_code == 200 and took < FAST, round(took, 3)
    assert len(r.json()["results"]) == 3
    assert calls == [("rank", "closeness", 0)]


def test_equal_requests_share_one_computation_per_generation_and_window(
    server: Server, calls: list[Any]
) -> None:
    answers: list[httpx.Response] = []
    threads = [threading.Thread(target=lambda: answers.append(server.client.get(
        "/stats?from_year=2000&to_year=2030"))) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    assert_cheap_queries_fast(server)
    for t in threads:
        t.join()
    assert [r.status_code for r in answers] == [200] * 4
    assert len({r.text for r in answers}) == 1
    assert calls == [("stats", 2000, 2030, None)]
    server.client.get("/stats?from_year=2000&to_year=2030")
    assert len(calls) == 1  # cached
    server.client.get("/stats?from_year=2001&to_year=2030")
    assert len(calls) == 2  # another window
    store = server.app.state.store
    store.set_meta("generation", str(store.generation() + 1))  # what an ingest does
    server.client.get("/stats?from_year=2000&to_year=2030")
    assert len(calls) == 3  # a new generation


def test_a_full_lane_answers_503_with_retry_after(data: Path, calls: list[Any]) -> None:
    s = Server(data, analytics_queue=2)
    try:
        answers: list[httpx.Response] = []
        threads = [threading.Thread(target=lambda seed=seed: answers.append(s.client.get(
            f"/rank?by=betweenness&seed={seed}"))) for seed in range(5)]
        for t in threads:
            t.start()
            time.sleep(0.05)
        assert_cheap_queries_fast(s)
        for t in threads:
            t.join()
        codes = sorted(r.status_code for r in answers)
        assert codes == [200, 200, 503, 503, 503], codes
        busy = next(r for r in answers if r.status_code == 503)
        assert int(busy.headers["retry-after"]) >= 1
        assert busy.headers["content-type"].startswith("application/problem+json")
        assert busy.json()["type"] == "busy"
        assert len(calls) == 2
    finally:
        s.close()


def test_a_computation_that_ends_before_it_is_watched_does_not_deadlock() -> None:
    import asyncio

    from graphsvc.api.lane import AnalyticsLane

    lane = AnalyticsLane(max_pending=1)

    async def main() -> list[int]:
        out = []
        for i in range(200):  # some end before add_done_callback is reached
            out.append(await asyncio.wait_for(lane.run(("k", i), int, i), timeout=10))
        return out

    try:
        assert asyncio.run(main()) == list(range(200))
        assert lane.pending == 0 and lane.computed == 200
    finally:
        lane.close()
