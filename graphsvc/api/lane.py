"""The analytics lane: whole-graph computations on their own threads, shared, cached, bounded.

Rankings by closeness or betweenness, windowed stats and communities take seconds to minutes
on a big graph. Without care a few clients starve the service: each request starts its own
computation, a client that gave up leaves its computation queued or running, and the queue
grows without end. Here:

- a computation with a *key* (its name, the store generation and every parameter) runs once:
  callers asking while it runs wait for the same result, and the result is kept (``cache``
  most recent keys), so a client that disconnected leaves it to the next caller;
- a computation nobody waits for any more is cancelled if it has not started yet;
- at most ``max_pending`` computations wait or run at once; past that ``LaneFull`` is raised,
  which the API answers with ``503`` and ``Retry-After`` instead of queueing for ever.

The quick queries and ``/health`` never enter the lane.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

#: computations waiting or running at once, per worker process
DEFAULT_MAX_PENDING = 8
#: answers kept per worker process
DEFAULT_CACHE = 32


class LaneFull(Exception):
    """Too many analytics computations are waiting; ``retry_after`` is a hint in seconds."""

    def __init__(self, pending: int, retry_after: int = 5) -> None:
        super().__init__(
            f"the service is busy with {pending} whole-graph computations; try again later"
        )
        self.retry_after = retry_after


class _Job:
    __slots__ = ("future", "waiters")

    def __init__(self, future: Future[Any]) -> None:
        self.future = future
        self.waiters = 0


class AnalyticsLane:
    """Runs whole-graph analytics on ``threads`` threads; see the module docstring."""

    def __init__(self, threads: int = 1, *, max_pending: int = DEFAULT_MAX_PENDING,
                 cache: int = DEFAULT_CACHE) -> None:
        self.pool = ThreadPoolExecutor(max_workers=threads,
                                       thread_name_prefix="graphsvc-analytics")
        self.max_pending = max_pending
        self.cache_size = cache
        self._cache: OrderedDict[Hashable, Any] = OrderedDict()
        self._jobs: dict[Hashable, _Job] = {}
        self._pending = 0
        # reentrant: a job that ends before ``add_done_callback`` runs ``done`` at once, in
        # ``_submit``, which holds the lock
        self._lock = threading.RLock()
        #: computations run to the end (a test and an operator can watch it)
        self.computed = 0
        self.cancelled = 0

    @property
    def pending(self) -> int:
        return self._pending

    def cached(self, key: Hashable) -> Any | None:
        with self._lock:
            return self._cache.get(key)

    def _remember(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._cache[key] = value
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def _submit(self, key: Hashable | None, fn: Callable[[], Any]) -> _Job:
        """A job for ``fn`` (the running one for ``key`` if there is one). Holds the lock."""
        if key is not None and key in self._jobs:
            return self._jobs[key]
        if self._pending >= self.max_pending:
            raise LaneFull(self._pending)
        self._pending += 1

        def work() -> Any:
            value = fn()
            if key is not None:
                self._remember(key, value)  # kept for the next caller, waited for or not
            return value

        future = self.pool.submit(work)
        job = _Job(future)
        if key is not None:
            self._jobs[key] = job

        def done(f: Future[Any]) -> None:
            with self._lock:
                self._pending -= 1
                if key is not None and self._jobs.get(key) is job:
                    del self._jobs[key]
                if f.cancelled():
                    self.cancelled += 1
                else:
                    self.computed += 1

        future.add_done_callback(done)
        return job

    async def run(self, key: Hashable | None, fn: Callable[P, T], /, *args: P.args,
                  **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in the lane; ``key`` (or None: not shared, not kept) names
        the answer. Raises ``LaneFull`` when the lane is full."""
        if key is not None:
            with self._lock:
                if key in self._cache:
                    self._cache.move_to_end(key)
                    hit: T = self._cache[key]
                    return hit
        with self._lock:
            job = self._submit(key, functools.partial(fn, *args, **kwargs))
            job.waiters += 1
        try:
            return await asyncio.shield(asyncio.wrap_future(job.future))
        finally:
            with self._lock:
                job.waiters -= 1
                abandoned = job.waiters == 0 and not job.future.done()
            if abandoned:
                job.future.cancel()  # only succeeds while it waits for a thread

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


async def until_disconnected(receive: Callable[[], Any]) -> None:
    """Return once the client has gone (the ASGI ``http.disconnect`` message)."""
    while True:
        message = await receive()
        if message.get("type") == "http.disconnect":
            return


class ClientGone(Exception):
    """The client disconnected before its answer was ready."""


async def unless_disconnected(receive: Callable[[], Any], work: Any) -> Any:
    """Await ``work`` (a coroutine); when the client disconnects first, cancel it (which gives
    up the client's share of a lane computation) and raise ``ClientGone``.

    The request's body must have been read already (FastAPI has, for every route that takes
    one), so that ``receive`` has nothing left to give but the disconnect.
    """
    task = asyncio.ensure_future(work)
    gone = asyncio.ensure_future(until_disconnected(receive))
    try:
        await asyncio.wait({task, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        gone.cancel()
        if not task.done():
            task.cancel()
        await asyncio.gather(task, gone, return_exceptions=True)
    if task.cancelled():
        raise ClientGone
    return task.result()
