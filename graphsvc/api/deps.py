"""Dependencies of the routes: settings, the store, the ``GraphService``, API-key checks.

The HTML views use the same ones, so these names are stable: ``get_settings``,
``SettingsDep``, ``get_store``, ``StoreDep``, ``get_service``, ``ServiceDep``, ``OffloadDep``
(run a blocking library call off the event loop: ``await run(svc.ego, author)``),
``require_read_key``, ``require_write_key``.

API settings that ``Settings`` has no field for live in ``Settings.extra``, filled from the
environment by :func:`with_api_env`:

- ``GRAPHSVC_PROTECT_READS=1``: reads need the API key too (default: reads are open);
- ``GRAPHSVC_CORS_ORIGINS``: comma-separated origins allowed by CORS (``*`` for any);
- ``GRAPHSVC_MAX_UPLOAD_MB``: largest upload accepted by ``POST /ingest`` (default 200);
- ``GRAPHSVC_STORE_ACCESS``: ``per-thread`` (default) or ``lock``, see ``api/stores.py``;
- ``GRAPHSVC_ANALYTICS_QUEUE``: whole-graph computations (rankings, stats, communities,
  cohorts …) waiting or running at once per worker process (default 8); past it ``503``
  with ``Retry-After`` (``api/lane.py``);
- ``GRAPHSVC_THREADS``: threads running library calls per worker process. Unset: quick queries
  on the embedded store run on the event loop once the graph is built (a pool of 2 threads
  otherwise, and always for Neo4j, whose calls wait on the network); ``N``: always N threads.
"""

from __future__ import annotations

import asyncio
import functools
import hmac
import os
from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Annotated, Any, ParamSpec, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from graphsvc.api.lane import DEFAULT_MAX_PENDING, AnalyticsLane, LaneFull
from graphsvc.api.problems import ApiProblem
from graphsvc.config import Settings
from graphsvc.errors import AuthorNotFound, ConfigError, PaperNotFound, StoreUnavailable
from graphsvc.graph.service import GraphService

DEFAULT_MAX_UPLOAD_MB = 200
#: threads running library calls per worker process (see ``Offload``)
DEFAULT_THREADS = 2
#: request bodies other than uploads (JSON for batch paths and cohorts) stay small
MAX_JSON_BODY = 4 * 1024 * 1024

_ENV_EXTRAS = {
    "GRAPHSVC_PROTECT_READS": "protect_reads",
    "GRAPHSVC_CORS_ORIGINS": "cors_origins",
    "GRAPHSVC_MAX_UPLOAD_MB": "max_upload_mb",
    "GRAPHSVC_STORE_ACCESS": "store_access",
    "GRAPHSVC_THREADS": "threads",
    "GRAPHSVC_ANALYTICS_QUEUE": "analytics_queue",
}


def with_api_env(settings: Settings, env: Mapping[str, str] | None = None) -> Settings:
    """``settings`` with the API's ``GRAPHSVC_*`` variables added to ``extra``.

    Values already in ``extra`` win, so a test (or a flag) can set them explicitly.
    """
    e = os.environ if env is None else env
    extra = dict(settings.extra)
    for var, key in _ENV_EXTRAS.items():
        if key not in extra and e.get(var):
            extra[key] = e[var]
    return replace(settings, extra=extra)


@dataclass(frozen=True, slots=True)
class ApiOptions:
    """The API's own settings, read from ``Settings`` (and its ``extra``)."""

    api_key: str | None = None
    protect_reads: bool = False
    cors_origins: tuple[str, ...] = ()
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_MB * 1024 * 1024
    store_access: str = "per-thread"
    threads: int = DEFAULT_THREADS
    #: quick queries may run on the event loop (``GRAPHSVC_THREADS`` unset or 0)
    inline: bool = True
    #: whole-graph computations waiting or running at once (``GRAPHSVC_ANALYTICS_QUEUE``)
    analytics_queue: int = DEFAULT_MAX_PENDING

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiOptions:
        """Raises ``ValueError`` on a malformed value (``create_app`` checks at start-up)."""
        x = settings.extra
        origins = x.get("cors_origins", ())
        if isinstance(origins, str):
            origins = tuple(o.strip() for o in origins.split(",") if o.strip())
        try:
            mb = float(x.get("max_upload_mb", DEFAULT_MAX_UPLOAD_MB))
        except (TypeError, ValueError):
            raise ConfigError(
                f"GRAPHSVC_MAX_UPLOAD_MB must be a number, not {x.get('max_upload_mb')!r}"
            ) from None
        access = str(x.get("store_access", "per-thread"))
        if access not in ("per-thread", "lock"):
            raise ConfigError(f"GRAPHSVC_STORE_ACCESS must be per-thread or lock, not {access!r}")
        raw = x.get("threads")
        try:
            threads = DEFAULT_THREADS if raw in (None, "") else int(raw)
        except (TypeError, ValueError):
            threads = -1
        if threads < 0:
            raise ConfigError(f"GRAPHSVC_THREADS must be 0 or a positive integer, not {raw!r}")
        raw_queue = x.get("analytics_queue")
        try:
            queue = DEFAULT_MAX_PENDING if raw_queue in (None, "") else int(raw_queue)
        except (TypeError, ValueError):
            queue = 0
        if queue < 1:
            raise ConfigError(
                f"GRAPHSVC_ANALYTICS_QUEUE must be a positive integer, not {raw_queue!r}"
            )
        return cls(
            analytics_queue=queue,
            threads=threads or DEFAULT_THREADS,
            inline=threads == 0 or raw in (None, ""),
            api_key=settings.api_key or None,
            protect_reads=_truthy(x.get("protect_reads", False)),
            cors_origins=tuple(origins),
            max_upload_bytes=int(mb * 1024 * 1024),
            store_access=access,
        )


def _truthy(v: Any) -> bool:
    if isinstance(v, str):
        word = v.strip().lower()
        if word in ("1", "true", "yes", "on"):
            return True
        if word in ("", "0", "false", "no", "off"):
            return False
        # a typo must not leave reads open while the operator thinks they are protected
        raise ConfigError(f"GRAPHSVC_PROTECT_READS must be true or false (1/0, yes/no, on/off), "
                          f"not {v!r}")
    return bool(v)


# -- the service ------------------------------------------------------------------------------
_MAX_ID = 2**63 - 1  # SQLite's integer range


class ApiGraphService(GraphService):
    """``GraphService`` with its input checks tightened for untrusted clients.

    ``str.isdigit`` is true for "¹" or "٣", which ``int`` refuses, and an id beyond SQLite's
    integer range makes the store raise ``OverflowError``: both were 500s. Such ids answer "not
    found" here; drop this class once ``GraphService`` checks (``s.isascii() and s.isdigit()``
    and the range) itself.
    """

    def resolve(self, text: str | int) -> int:
        s = str(text).strip()
        if _bad_id(s):
            raise AuthorNotFound(f"no author with id {s}")
        return super().resolve(text)

    def _paper_index(self, g: Any, ref: str | int) -> int:
        s = str(ref).strip()
        if _bad_id(s):
            raise PaperNotFound(f"no paper with id {s}")
        return super()._paper_index(g, ref)


def _bad_id(s: str) -> bool:
    """All digits, but not an id the store can hold.

    Examples
    --------
    >>> _bad_id("12"), _bad_id("¹"), _bad_id("9" * 30), _bad_id("Ada")
    (False, True, True, False)
    """
    return s.isdigit() and (not s.isascii() or int(s) > _MAX_ID)


# -- settings, store, service ---------------------------------------------------------------
# The dependencies on the request path are ``async def``: FastAPI runs every sync dependency in
# the thread pool, one hop each, which costs more than these functions do.
@lru_cache
def get_settings() -> Settings:
    """Settings from the environment (cached); ``create_app(settings)`` overrides this."""
    return with_api_env(Settings.from_env())


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_options(request: Request) -> ApiOptions:
    """The app's ``ApiOptions`` (from the settings ``create_app`` was given)."""
    options: ApiOptions | None = getattr(request.app.state, "options", None)
    if options is None:
        options = ApiOptions.from_settings(get_settings())
    return options


OptionsDep = Annotated[ApiOptions, Depends(get_options)]


def _state(request: Request, name: str) -> Any:
    value = getattr(request.app.state, name, None)
    if value is None:
        raise StoreUnavailable("the store is not open (the service is starting or stopping)")
    return value


async def get_store(request: Request) -> Any:
    """The app's store: with the embedded store, each call runs on the calling thread's own
    connection (``api/stores.py``). Hand ``lambda: store.counts()`` to ``OffloadDep``, not
    ``store.counts``: a method looked up on the event loop would bind the loop's connection."""
    return _state(request, "store")


StoreDep = Annotated[Any, Depends(get_store)]


async def get_service(request: Request) -> GraphService:
    """The app's one ``GraphService`` (its graph cache is shared by every request)."""
    svc: GraphService = _state(request, "service")
    return svc


ServiceDep = Annotated[GraphService, Depends(get_service)]


P = ParamSpec("P")
T = TypeVar("T")


class Offload:
    """Runs library calls on a few worker threads, off the event loop.

    The routes are ``async def`` and hand the blocking call to a pool here, one hop per
    request. A plain ``def`` route would cost two hops through AnyIO's pool (the call, then the
    response validation), and AnyIO's bookkeeping per hop shows in profiles. Few threads on
    purpose: the work mostly holds the GIL, so more threads add switching and tail latency
    (``bench/api.py``). ``await run(...)`` always uses the pool. ``await run.quick(...)`` is
    for calls a route knows to be small (no year window to build, a bounded neighbourhood):
    with ``inline_when`` (the embedded store, once its graph is built and not being rebuilt)
    they skip the pool and run on the event loop: they take a millisecond or two of CPU under
    the GIL either way, and the hop to a thread and back cost more than that under load
    (``bench/api.py``: 1.3 instead of 2.3 ms of server CPU per request). Anything that may run
    long (a new year window's graph, a whole-graph BFS, a write) must not hold the loop, which
    also answers ``/health``. Neo4j calls wait on the network, so they always go to the pool.
    Whole-graph analytics (``await run.slow(...)``: stats, communities, rankings, exports,
    cohorts, batches) have their own pool, so a long computation never queues ahead of a quick
    lookup.
    """

    def __init__(self, threads: int, slow_threads: int = 1,
                 inline_when: Callable[[], bool] | None = None,
                 max_pending: int = DEFAULT_MAX_PENDING) -> None:
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="graphsvc-query")
        self.lane = AnalyticsLane(slow_threads, max_pending=max_pending)
        self.inline_when = inline_when

    async def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` on the query pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, functools.partial(fn, *args, **kwargs))

    async def quick(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)``, a small query: on the event loop when ``inline_when()``
        says so, else on the query pool."""
        if self.inline_when is not None and self.inline_when():
            return fn(*args, **kwargs)
        return await self(fn, *args, **kwargs)

    async def slow(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in the analytics lane, not shared (see ``analytics``)."""
        return await self.analytics(None, fn, *args, **kwargs)

    async def analytics(self, key: Hashable | None, fn: Callable[P, T], /, *args: P.args,
                        **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in the bounded analytics lane (``api/lane.py``): computed
        once per ``key`` and kept; ``503`` with ``Retry-After`` when the lane is full."""
        try:
            return await self.lane.run(key, fn, *args, **kwargs)
        except LaneFull as exc:
            raise ApiProblem(503, str(exc), type="busy", title="Busy",
                             headers={"Retry-After": str(exc.retry_after)}) from None

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.lane.close()


async def get_offload(request: Request) -> Offload:
    offload: Offload = _state(request, "offload")
    return offload


OffloadDep = Annotated[Offload, Depends(get_offload)]


# -- API key --------------------------------------------------------------------------------
_bearer = HTTPBearer(auto_error=False, description="The API key (`GRAPHSVC_API_KEY`) as a "
                     "bearer token: `Authorization: Bearer <key>`.")


def _check_key(expected: str, presented: str | None, need: str) -> None:
    """``need`` says what needs the key (``"writes need"``): a read is never told it writes."""
    if presented is None:
        raise ApiProblem(401, f"{need} the API key: send 'Authorization: Bearer <key>'",
                         headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8")):
        raise ApiProblem(401, "the API key is wrong",
                         headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


async def require_write_key(
    options: OptionsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Writes need the API key; with no key configured they are refused (403)."""
    if not options.api_key:
        raise ApiProblem(
            403,
            "writes are disabled because no API key is configured: set GRAPHSVC_API_KEY in the "
            "server's environment and send it as 'Authorization: Bearer <key>'",
            title="Writes disabled",
        )
    _check_key(options.api_key, credentials.credentials if credentials else None, "writes need")


async def require_jobs_key(
    options: OptionsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """The list of ingest jobs shows what was uploaded: it is for whoever may upload, the holder
    of the API key, and says so in its own words (it is a read, not a write)."""
    if not options.api_key:
        raise ApiProblem(
            403,
            "the list of ingest jobs needs the API key, and no API key is configured: set "
            "GRAPHSVC_API_KEY in the server's environment and send it as "
            "'Authorization: Bearer <key>'",
            title="Job list disabled",
        )
    _check_key(options.api_key, credentials.credentials if credentials else None,
               "the list of ingest jobs needs")


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def require_read_key(request: Request, options: OptionsDep) -> None:
    """Reads are open unless ``GRAPHSVC_PROTECT_READS=1``; then they need the API key too."""
    if not options.protect_reads:
        return
    if not options.api_key:
        raise ApiProblem(403, "reads are protected (GRAPHSVC_PROTECT_READS) but no API key is "
                         "configured: set GRAPHSVC_API_KEY", title="Reads disabled")
    _check_key(options.api_key, _bearer_token(request), "reads need")


ReadAuth = Depends(require_read_key)
WriteAuth = Depends(require_write_key)
JobsAuth = Depends(require_jobs_key)
