"""``graphsvc serve``: run the API with uvicorn, or answer one request in-process (``--get``).

``serve_get`` runs the app's lifespan and one request through plain ASGI calls, no server and
no HTTP client library: ``graphsvc serve --get /stats`` checks the API from a shell (datasette's
``--get``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
from typing import Any
from urllib.parse import urlsplit

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from graphsvc.api.deps import with_api_env
from graphsvc.config import Settings

#: the variables a worker process rebuilds its settings from (``--workers`` > 1)
_ENV_OF = {
    "data_dir": "GRAPHSVC_DATA_DIR",
    "store": "GRAPHSVC_STORE",
    "neo4j_uri": "GRAPHSVC_NEO4J_URI",
    "neo4j_user": "GRAPHSVC_NEO4J_USER",
    "neo4j_password": "GRAPHSVC_NEO4J_PASSWORD",
    "neo4j_database": "GRAPHSVC_NEO4J_DATABASE",
    "max_team_size": "GRAPHSVC_MAX_TEAM_SIZE",
    "api_key": "GRAPHSVC_API_KEY",
}
_EXTRA_ENV = {
    "protect_reads": "GRAPHSVC_PROTECT_READS",
    "cors_origins": "GRAPHSVC_CORS_ORIGINS",
    "max_upload_mb": "GRAPHSVC_MAX_UPLOAD_MB",
    "store_access": "GRAPHSVC_STORE_ACCESS",
    "threads": "GRAPHSVC_THREADS",
    "analytics_queue": "GRAPHSVC_ANALYTICS_QUEUE",
}


class CoalescingTransport:
    """A transport whose small writes made in one event-loop turn leave as one ``send``.

    uvicorn writes a response's status line and headers, then its body: two system calls and,
    with ``TCP_NODELAY``, two TCP segments per response, and on loopback the kernel's work for
    each segment (the receiver's side included) is charged to the server. Held writes go out
    at the end of the current loop turn, or at once when more than ``limit`` bytes are waiting,
    so a large body is not held back from the transport's flow control. Everything else is the
    wrapped transport's.
    """

    def __init__(self, transport: Any, limit: int = 64 * 1024) -> None:
        self._transport = transport
        self._limit = limit
        self._held: list[bytes] = []
        self._size = 0
        self._loop = asyncio.get_running_loop()

    def write(self, data: bytes) -> None:
        if self._size + len(data) > self._limit:
            self.flush()
            self._transport.write(data)
            return
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(bytes(data))
        self._size += len(data)

    def flush(self) -> None:
        if self._held:
            data = b"".join(self._held)
            self._held.clear()
            self._size = 0
            if not self._transport.is_closing():
                self._transport.write(data)

    def writelines(self, chunks: Any) -> None:
        for chunk in chunks:
            self.write(chunk)

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class ConnectionBalance:
    """Keep-alive connections spread evenly over the worker processes.

    ``SO_REUSEPORT`` hands each new connection to a worker by a hash of its addresses, so a few
    long-lived connections split unevenly (32 of them came out 21 to 11), and the clients of the
    fuller worker wait twice as long. Every worker publishes how many connections it holds in
    ``counts`` (shared memory, one slot per worker, written only by its owner); a worker holding
    more than its even share answers with ``Connection: close`` until it is back to it, and the
    client's next connection lands wherever the kernel sends it. ``pending`` counts the closes
    announced and not yet seen, so one surplus is shed once, not by every answer in flight.
    """

    def __init__(self, counts: Any, index: int) -> None:
        self.counts = counts
        self.index = index
        self.pending = 0

    def opened(self) -> None:
        self.counts[self.index] += 1

    def closed(self) -> None:
        self.counts[self.index] -= 1
        self.pending = max(0, self.pending - 1)

    def shed(self) -> bool:
        """Should the answer being sent close its connection?"""
        counts = list(self.counts)
        fair = -(-sum(counts) // len(counts))  # ceil: an odd connection stays where it is
        if counts[self.index] - self.pending > fair:
            self.pending += 1
            return True
        return False


#: this worker's balance (set in worker processes of ``--workers`` > 1 only)
_balance: ConnectionBalance | None = None


class BalanceMiddleware:
    """ASGI middleware: ``Connection: close`` on answers of a worker over its share."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        balance = _balance
        if balance is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def closing_send(message: Any) -> None:
            if message["type"] == "http.response.start" and balance.shed():
                message = {**message,
                           "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receive, closing_send)


class NoDelayHTTPProtocol(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    """uvicorn's HTTP protocol with ``TCP_NODELAY`` on every connection, and a response's
    head and body written together (:class:`CoalescingTransport`).

    With ``--workers`` uvicorn's listening socket has protocol number 0, so asyncio does not
    switch Nagle's algorithm off on the accepted connections; a response written in two parts
    then waits for the client's delayed ACK, 40 ms on Linux, on every request.
    """

    def connection_made(self, transport: Any) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
        # after uvicorn's own set-up: its flow control keeps the real transport
        self.transport = CoalescingTransport(transport)
        self._balance = _balance
        if self._balance is not None:
            self._balance.opened()

    def connection_lost(self, exc: Exception | None) -> None:
        balance, self._balance = getattr(self, "_balance", None), None
        if balance is not None:
            balance.closed()
        super().connection_lost(exc)


def urls(host: str, port: int) -> tuple[str, str]:
    """The front page and ``/docs`` URLs to print for a bind address.

    Examples
    --------
    >>> urls("0.0.0.0", 8000)
    ('http://127.0.0.1:8000/', 'http://127.0.0.1:8000/docs')
    >>> urls("::1", 8080)[0]
    'http://[::1]:8080/'
    """
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}.get(host, host)
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    base = f"http://{shown}:{port}"
    return f"{base}/", f"{base}/docs"


def settings_env(settings: Settings) -> dict[str, str]:
    """``settings`` as ``GRAPHSVC_*`` variables (how ``--workers`` hands them to workers)."""
    env = {}
    for attr, var in _ENV_OF.items():
        value = getattr(settings, attr)
        if value is not None:
            env[var] = str(value)
    for key, var in _EXTRA_ENV.items():
        value = settings.extra.get(key)
        if value is not None:
            env[var] = ",".join(value) if isinstance(value, (list, tuple)) else str(value)
    return env


def server_app() -> Any:
    """``create_app()`` for a long-running server process: once the graph is built, what is
    alive is exempted from the cyclic garbage collector (``graphsvc.api.app._freeze_gc``)."""
    from graphsvc.api.app import create_app

    app = create_app()
    app.state.freeze_gc = True
    if _balance is not None:
        app.add_middleware(BalanceMiddleware)
    return app


def run_serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000,
              workers: int | None = None, *, log_level: str = "info") -> None:
    """Serve the API with uvicorn until interrupted.

    ``settings`` are exported as ``GRAPHSVC_*`` variables and the app built with
    ``create_app()`` from them: worker processes need that, and an app on the environment's
    settings needs no dependency override. With ``workers`` > 1 every worker process binds its
    own listening socket with ``SO_REUSEPORT``, so the kernel spreads connections evenly over
    them (a shared socket lets one worker accept most keep-alive connections while the others
    idle). Every worker holds its own copy of the in-memory graph.
    """
    import uvicorn

    from graphsvc.api.deps import get_settings

    os.environ.update(settings_env(with_api_env(settings)))
    get_settings.cache_clear()
    if workers is not None and workers > 1:
        if hasattr(socket, "SO_REUSEPORT"):
            _supervise(host, port, workers, log_level)
        else:  # pragma: no cover - not Linux/BSD/macOS: uvicorn's shared socket
            uvicorn.run("graphsvc.api.serve:server_app", factory=True, host=host, port=port,
                        workers=workers, log_level=log_level, access_log=False,
                        http=NoDelayHTTPProtocol)
        return
    uvicorn.run(server_app(), host=host, port=port, log_level=log_level, access_log=False,
                http=NoDelayHTTPProtocol)


def _listen_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _worker_main(host: str, port: int, log_level: str, counts: Any = None,
                 index: int = 0) -> None:
    """One worker process: uvicorn on its own ``SO_REUSEPORT`` socket (settings from env),
    keeping its share of the connections (``ConnectionBalance``) when given ``counts``."""
    import uvicorn

    global _balance
    if counts is not None:
        counts[index] = 0
        _balance = ConnectionBalance(counts, index)

    config = uvicorn.Config("graphsvc.api.serve:server_app", factory=True, host=host, port=port,
                            log_level=log_level, access_log=False, http=NoDelayHTTPProtocol)
    uvicorn.Server(config).run(sockets=[_listen_socket(host, port, reuse_port=True)])


def _supervise(host: str, port: int, workers: int, log_level: str) -> None:
    """Run ``workers`` worker processes until SIGINT/SIGTERM; restart one that dies."""
    import multiprocessing
    import signal
    import threading
    import time

    from graphsvc.errors import StoreUnavailable

    # fail now, in the parent, when the port is taken (workers would share it silently)
    _listen_socket(host, port, reuse_port=False).close()
    ctx = multiprocessing.get_context("spawn")
    stop = threading.Event()
    counts = ctx.Array("l", workers, lock=False)  # connections held, per worker

    def start(i: int) -> Any:
        counts[i] = 0  # a worker that died held nothing any more
        p = ctx.Process(target=_worker_main, args=(host, port, log_level, counts, i),
                        name=f"graphsvc-worker-{i}")
        p.start()
        return p

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    old = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    procs = [start(i) for i in range(workers)]
    deaths: list[float] = []
    try:
        while not stop.wait(0.5):
            for i, p in enumerate(procs):
                if p.is_alive():
                    continue
                now = time.monotonic()
                deaths = [t for t in deaths if now - t < 60] + [now]
                if len(deaths) > 2 * workers:
                    raise StoreUnavailable("the server's worker processes keep exiting; "
                                           "see the log above")
                procs[i] = start(i)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()  # SIGTERM: uvicorn shuts down gracefully (lifespan end)
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
                p.join(5)
        for sig, handler in old.items():
            signal.signal(sig, handler)


def serve_get(settings: Settings, path: str, *,
              headers: dict[str, str] | None = None) -> tuple[int, str]:
    """Answer ``GET path`` in-process: ``(status, body)``; JSON bodies are pretty-printed.

    The API key, when configured, is sent along: whoever runs this can read the store anyway.
    Binary answers (a zip export) are mangled by decoding: use :func:`serve_get_bytes`.
    """
    status, _, body = serve_get_bytes(settings, path, headers=headers)
    return status, body.decode("utf-8", errors="replace")


def serve_get_bytes(settings: Settings, path: str, *,
                    headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    """Answer ``GET path`` in-process: ``(status, content type, body)``.

    A JSON body is pretty-printed (UTF-8); every other body is the bytes the server sent, so a
    zip or any other binary answer comes out byte for byte.
    """
    from graphsvc.api.app import create_app

    settings = with_api_env(settings)
    hdrs = dict(headers or {})
    if settings.api_key and "authorization" not in {k.lower() for k in hdrs}:
        hdrs["Authorization"] = f"Bearer {settings.api_key}"
    status, resp_headers, body = asyncio.run(_request(create_app(settings), "GET", path, hdrs))
    ctype = resp_headers.get("content-type", "")
    if "json" in ctype:
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), ensure_ascii=False, indent=2).encode("utf-8")
    return status, ctype, body


async def _request(app: Any, method: str, target: str, headers: dict[str, str],
                   body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One request through ``app`` with its lifespan around it, as a server would do it."""
    parts = urlsplit(target if target.startswith("/") else "/" + target)
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1", "method": method, "scheme": "http",
        "path": parts.path or "/", "raw_path": (parts.path or "/").encode(),
        "query_string": parts.query.encode(), "root_path": "",
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1"))
                    for k, v in {"host": "localhost", **headers}.items()],
        "client": ("127.0.0.1", 0), "server": ("localhost", 80), "state": {},
    }
    sent = False
    status = 500
    out_headers: dict[str, str] = {}
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # the client never disconnects
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])
            out_headers.update((k.decode("latin-1"), v.decode("latin-1"))
                               for k, v in message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    async with app.router.lifespan_context(app) as state:
        if state:
            scope["state"] = dict(state)
        await app(scope, receive, send)
    return status, out_headers, b"".join(chunks)

