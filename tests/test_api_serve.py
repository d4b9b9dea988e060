"""``graphsvc serve``'s HTTP plumbing: coalesced writes, and a real uvicorn server end to end."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from graphsvc.api.app import create_app
from graphsvc.api.serve import CoalescingTransport, NoDelayHTTPProtocol
from graphsvc.config import Settings
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore

DBLP = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"


class FakeTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        assert not self.closed
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str) -> Any:
        return f"info:{name}"


def test_writes_of_one_loop_turn_leave_together() -> None:
    async def run() -> FakeTransport:
        fake = FakeTransport()
        t = CoalescingTransport(fake)
        t.write(b"HTTP/1.1 200 OK\r\n\r\n")
        t.write(b'{"status":"ok"}')
        assert fake.writes == []  # held until the loop turn ends
        await asyncio.sleep(0)
        assert fake.writes == [b'HTTP/1.1 200 OK\r\n\r\n{"status":"ok"}']
        t.write(b"next")
        await asyncio.sleep(0)
        assert t.get_extra_info("peername") == "info:peername"
        return fake

    fake = asyncio.run(run())
    assert fake.writes[-1] == b"next"


def test_large_writes_are_not_held_and_keep_their_order() -> None:
    async def run() -> FakeTransport:
        fake = FakeTransport()
        t = CoalescingTransport(fake, limit=10)
        t.write(b"head")
        t.write(b"x" * 20)  # over the limit: what is held goes first, then this, at once
        assert fake.writes == [b"head", b"x" * 20]
        t.write(b"tail")
        t.close()  # closing flushes first
        assert fake.writes[-1] == b"tail" and fake.closed
        await asyncio.sleep(0)  # the scheduled flush finds nothing left to send
        return fake

    fake = asyncio.run(run())
    assert fake.writes == [b"head", b"x" * 20, b"tail"]


# -- a real server ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    data = tmp_path_factory.mktemp("serve")
    store = SQLiteStore(data / "graphsvc.sqlite3")
    ingest(store, [DBLP])
    store.close()
    config = uvicorn.Config(create_app(Settings(data_dir=data)), host="127.0.0.1", port=0,
                            log_level="warning", http=NoDelayHTTPProtocol, lifespan="on")
    srv = uvicorn.Server(config)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            status, body = fetch(port, ["/ready"])[0]
        except OSError:  # not listening yet
            status, body = 0, b""
        if status == 200 and json.loads(body)["graph"] == "ready":
            break
        time.sleep(0.1)
    else:
        pytest.fail("the server did not become ready")
    yield port
    srv.should_exit = True
    thread.join(10)


def fetch(port: int, paths: list[str]) -> list[tuple[int, bytes]]:
    """GET every path in turn on one keep-alive connection."""
    out = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        f = s.makefile("rb")
        for path in paths:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            status = int(f.readline().split()[1])
            length, chunked = None, False
            while (line := f.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                if name.lower() == "content-length":
                    length = int(value)
                chunked |= name.lower() == "transfer-encoding" and "chunked" in value
            if not chunked:
                assert length is not None
                out.append((status, f.read(length)))
                continue
            body = b""
            while size := int(f.readline().split(b";")[0], 16):
                body += f.read(size)
                assert f.read(2) == b"\r\n"
            assert f.read(2) == b"\r\n"
            out.append((status, body))
    return out


def test_keep_alive_answers_through_uvicorn(server: int) -> None:
    top = json.loads(fetch(server, ["/authors?q=a&limit=1"])[0][1])["items"][0]["id"]
    paths = ["/health", f"/authors/{top}", f"/authors/{top}/collaborators?limit=3",
             "/authors/999999999", f"/authors/{top}/ego?radius=2&max_nodes=2000",
             "/export?format=graphml", "/health"]
    answers = fetch(server, paths)
    statuses = [s for s, _ in answers]
    assert statuses == [200, 200, 200, 404, 200, 200, 200]
    assert json.loads(answers[0][1]) == {"status": "ok"}
    assert json.loads(answers[2][1])["author"]["id"] == top
    assert json.loads(answers[3][1])["type"].endswith("author-not-found")
    ego = json.loads(answers[4][1])
    assert ego["center"]["id"] == top and len(ego["nodes"]) > 1
    # a body larger than what the transport holds back arrives whole
    assert len(answers[5][1]) > 64 * 1024 and answers[5][1].rstrip().endswith(b"</graphml>")


def test_server_processes_freeze_what_start_up_left_alive() -> None:
    from graphsvc.api.app import _warm
    from graphsvc.api.serve import server_app

    class Ready:
        def graph(self) -> None:
            return None

    assert server_app().state.freeze_gc is True
    app = create_app(Settings(data_dir=Path("unused")))
    assert not getattr(app.state, "freeze_gc", False)
    gc.unfreeze()
    try:
        _warm(app, Ready())  # type: ignore[arg-type]
        assert app.state.graph_status == "ready" and gc.get_freeze_count() == 0
        app.state.freeze_gc = True
        _warm(app, Ready())  # type: ignore[arg-type]
        assert app.state.graph_status == "ready" and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # this is a test process: let its objects be collected again


def test_shutdown_interrupts_the_start_up_build_before_closing_its_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closing a sqlite3 connection while the start-up graph build reads through it crashed
    the process once (a segfault in a test run): shutdown now interrupts that build's SQL and
    waits for its thread before the store closes."""
    import sqlite3

    from graphsvc.api import app as app_module
    from graphsvc.api.deps import ApiGraphService

    reading, seen = threading.Event(), []

    def endless_build(self: Any) -> None:  # a build stuck in one long read of the store
        db = self.store.current().db
        reading.set()
        try:
            db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                       "WHERE i < 1e9) SELECT count(*) FROM n").fetchone()
        except sqlite3.OperationalError as exc:
            seen.append((str(exc), threading.current_thread().name))
            raise

    monkeypatch.setattr(ApiGraphService, "graph", endless_build)
    app = create_app(Settings(data_dir=tmp_path))
    from fastapi.testclient import TestClient

    with TestClient(app) as client:
        assert reading.wait(30)
        assert client.get("/health").status_code == 200
        started = time.monotonic()
    assert time.monotonic() - started < app_module.WARM_STOP
    assert seen == [("interrupted", "graphsvc-warm")]
    assert not [t for t in threading.enumerate() if t.name == "graphsvc-warm"]


def test_a_worker_over_its_share_closes_connections_until_even() -> None:
    from graphsvc.api.serve import ConnectionBalance

    counts = [0, 0]
    a, b = ConnectionBalance(counts, 0), ConnectionBalance(counts, 1)
    for _ in range(21):
        a.opened()
    for _ in range(11):
        b.opened()
    # 32 connections: 16 each is even; worker a sheds 5 and then stops, b sheds none
    sheds = [a.shed() for _ in range(10)]
    assert sheds == [True] * 5 + [False] * 5
    assert not any(b.shed() for _ in range(10))
    for _ in range(5):  # the five close; three clients come back to a, two to b
        a.closed()
    for _ in range(3):
        a.opened()
    b.opened()
    b.opened()
    assert counts == [19, 13]
    assert [a.shed() for _ in range(4)] == [True, True, True, False]
    counts[:] = [17, 16]  # an odd one out stays where it is
    a.pending = 0
    assert not a.shed()


def test_balance_middleware_adds_connection_close_only_when_shedding() -> None:
    import graphsvc.api.serve as serve

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok"})

    def run(balance: Any) -> list[Any]:
        sent: list[Any] = []

        async def send(message: Any) -> None:
            sent.append(message)

        old, serve._balance = serve._balance, balance
        try:
            asyncio.run(serve.BalanceMiddleware(app)({"type": "http"}, None, send))
        finally:
            serve._balance = old
        return sent[0]["headers"]

    counts = [3, 1]
    assert run(None) == [(b"content-type", b"text/plain")]
    assert (b"connection", b"close") in run(serve.ConnectionBalance(counts, 0))
    assert (b"connection", b"close") not in run(serve.ConnectionBalance(counts, 1))
