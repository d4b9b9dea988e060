"""The FastAPI application: ``create_app(settings)`` assembles the routers; the lifespan opens
and closes the store, the ``GraphService`` and the ingest jobs."""

from __future__ import annotations

import gc
import importlib.util
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphsvc import __version__
from graphsvc.api import problems
from graphsvc.api.deps import (
    MAX_JSON_BODY,
    ApiGraphService,
    ApiOptions,
    Offload,
    get_settings,
)
from graphsvc.api.jobs import JobManager
from graphsvc.api.routers import (
    authors,
    docs,
    exports,
    graph,
    health,
    identity,
    ingest,
    paths,
    questions,
)
from graphsvc.api.stores import PerThreadStore, shared_store
from graphsvc.config import Settings
from graphsvc.errors import StoreUnavailable
from graphsvc.graph.service import GraphService

log = logging.getLogger("graphsvc.api")

UPLOAD_PATHS = ("/ingest",)
#: seconds between attempts to build the graph while the store cannot be reached at start-up
WARM_RETRY = 5.0
#: seconds shutdown waits for a start-up graph build to end before closing the store
WARM_STOP = 10.0

DESCRIPTION = """\
Who works with whom: search authors, list collaborators, explore co-authorship networks and find
collaboration paths with the papers that prove every hop.

* Authors are named by id, external id (`dblp:…`, `orcid:…`) or name. A name that fits several
  people answers `409` with the candidates: never a silent guess.
* Every graph route takes a year window (`from_year`, `to_year`); every list is paginated
  (`limit` + `offset`, and `next_offset` in the answer).
* Errors are `application/problem+json` with a stable `type`.
* `POST /ingest` needs the API key (`GRAPHSVC_API_KEY`) as `Authorization: Bearer <key>`;
  reads are open unless `GRAPHSVC_PROTECT_READS=1`.
"""

TAGS = [
    {"name": "authors", "description": "Search, detail, collaborators, ego networks, distances"},
    {"name": "paths", "description": "Collaboration paths with evidence for every hop"},
    {"name": "graph", "description": "Cohorts, statistics, communities, rankings"},
    {"name": "exports", "description": "GraphML, GEXF, CSV, JSON, Pajek, VOSviewer"},
    {"name": "ingest", "description": "Uploads and background ingest jobs (authenticated)"},
    {"name": "health", "description": "Liveness and readiness"},
]


class BodyLimitMiddleware:
    """Refuse request bodies over the limit with 413: by ``Content-Length`` before reading,
    and by counting the bytes as they stream in (chunked uploads, lying clients)."""

    def __init__(self, app: ASGIApp, *, max_body: int, max_upload: int,
                 upload_paths: tuple[str, ...] = UPLOAD_PATHS) -> None:
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = scope["path"] in self.upload_paths
        limit = self.max_upload if upload else self.max_body
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(limit, upload)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, _too_large_detail(limit, upload))
            return message

        await self.app(scope, counted, send)


def _content_length(scope: Scope) -> int | None:
    for k, v in scope.get("headers", ()):
        if k == b"content-length":
            try:
                return int(v)
            except ValueError:
                return None
    return None


def _too_large_detail(limit: int, upload: bool) -> str:
    mb = limit / (1024 * 1024)
    if upload:
        return (f"the upload is larger than {mb:g} MB (GRAPHSVC_MAX_UPLOAD_MB on the server); "
                "split the file, or ingest it on the server with `graphsvc ingest`")
    return f"the request body is larger than {mb:g} MB"


def _too_large(limit: int, upload: bool) -> Any:
    return problems.problem_response(413, "payload-too-large", _too_large_detail(limit, upload),
                                     title="Payload too large")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Open the store and the service; build the graph in the background; close on shutdown."""
    settings: Settings = app.state.settings
    options = ApiOptions.from_settings(settings)
    offload = Offload(options.threads, max_pending=options.analytics_queue)
    try:
        store = await offload(shared_store, settings, options.store_access)
    except BaseException:
        offload.close()
        raise
    service = ApiGraphService(store)
    if options.inline and settings.store == "embedded":
        offload.inline_when = lambda: app.state.graph_status == "ready" and service.idle()
    app.state.store, app.state.service, app.state.offload = store, service, offload
    app.state.graph_status = "building"
    jobs = JobManager(settings, on_done=lambda: _warm(app, service))
    app.state.jobs = jobs
    stop = threading.Event()
    warm = threading.Thread(target=_warm, args=(app, service),
                            kwargs={"retry_until": stop},
                            name="graphsvc-warm", daemon=True)
    warm.start()
    try:
        yield
    finally:
        await run_in_threadpool(jobs.close)
        app.state.jobs = app.state.service = app.state.store = app.state.offload = None
        await run_in_threadpool(offload.close)
        stop.set()
        await run_in_threadpool(_stop_warm, warm, store)
        if isinstance(store, PerThreadStore):
            store.close(busy=warm)
        else:
            store.close()


def _stop_warm(warm: threading.Thread, store: Any) -> None:
    """Cut a start-up graph build short before the store closes under it: its SQL is
    interrupted, and it is given ``WARM_STOP`` seconds to notice (``_warm`` ends quietly once
    the service is gone); a build still running after that keeps its own connection."""
    if warm.is_alive() and isinstance(store, PerThreadStore):
        store.interrupt(warm)
    warm.join(WARM_STOP)


def _warm(app: FastAPI, service: GraphService, *,
          retry_until: threading.Event | None = None) -> None:
    """Build the in-memory graph now, so the first query does not wait for it.

    At start-up (``retry_until`` given) a store that cannot be reached yet (Neo4j still
    starting) is tried again every ``WARM_RETRY`` seconds while the service answers 503, until
    the event is set (shutdown).
    """
    logged = False
    while True:
        try:
            service.graph()
            if getattr(app.state, "freeze_gc", False):
                _freeze_gc()
            app.state.graph_status = "ready"
            return
        except StoreUnavailable as exc:  # one line, no trace: the cause is outside
            if getattr(app.state, "service", None) is not service:
                return
            if not logged:
                log.warning("the graph waits for the store: %s", exc)
                logged = True
            if retry_until is None:
                app.state.graph_status = "failed"
                return
            if retry_until.wait(WARM_RETRY):
                return
        except Exception:
            if getattr(app.state, "service", None) is service:
                log.exception("building the graph failed")
                app.state.graph_status = "failed"
            return


def _freeze_gc() -> None:
    """Exempt everything alive now (modules, the app, the graph's caches) from the cyclic GC.

    A full collection walks every tracked object: in a worker that is ~50 ms with the GIL held,
    every thousand requests or so, which was the slowest 1% of every route. The objects alive
    after start-up live as long as the process, so the collector need not look at them again.
    Only for server processes (``graphsvc serve`` sets ``app.state.freeze_gc``): in a test
    process frozen objects would never be collected.
    """
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API over the store ``settings`` name (the environment's, by default).

    With ``settings`` other than the environment's, the ``get_settings`` dependency is
    overridden to answer them, so every route and the HTML views see the same configuration.
    """
    if settings is None:
        settings = get_settings()
    # FastAPI re-resolves every dependency of every request while any override is installed,
    # so override only when these settings are not the environment's anyway (run_serve hands
    # its settings over through the environment for that reason)
    explicit = settings != get_settings()
    options = ApiOptions.from_settings(settings)  # a malformed value fails here, at start-up
    # /docs comes from routers.docs (FastAPI's loads Swagger UI from a CDN); no /redoc (ReDoc
    # loads its logo from a CDN)
    app = FastAPI(title="graphsvc", version=__version__, description=DESCRIPTION,
                  openapi_tags=TAGS, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.options = options
    app.state.jobs = app.state.service = app.state.store = app.state.offload = None
    if explicit:
        app.dependency_overrides[get_settings] = lambda: settings
    problems.install(app)
    app.add_middleware(BodyLimitMiddleware, max_body=min(MAX_JSON_BODY, options.max_upload_bytes),
                       max_upload=options.max_upload_bytes)
    if options.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(options.cors_origins), allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["Location", "Content-Disposition"],
        )
    # identity first: /authors/merge must not be taken for the author called "merge"
    for module in (health, docs, identity, authors, paths, graph, questions, exports, ingest):
        app.include_router(module.router)
    if _has_views():
        from graphsvc.views.routes import router as views_router

        app.include_router(views_router)
    if not any(getattr(r, "path", None) == "/" for r in app.routes):
        app.add_api_route("/", _index, include_in_schema=False)
    return app


def _has_views() -> bool:
    try:
        return importlib.util.find_spec("graphsvc.views.routes") is not None
    except ModuleNotFoundError:
        return False


async def _index() -> dict[str, str]:
    return {"name": "graphsvc", "version": __version__, "docs": "/docs",
            "openapi": "/openapi.json", "health": "/health"}
