"""One write in flight beside the thread that asked for it: a ``QueryRunner`` over another.

An ingest into Neo4j alternated two halves that each left the other idle: Python resolved a
batch's names while the server waited, then the server wrote the batch while Python waited.
``submit_write`` hands a transaction to a writer thread and returns at once, so the next batch
is prepared while the server writes this one. Every other call of the submitting thread
(a read, another write, ``settle``) first waits for that write and raises its error, so the
thread never reads past its own writes and never has two batches in flight: batches commit in
order, one transaction each, as before. Other threads (a service's queries, the run lease's
heartbeat) are not held up by it: they see committed data, as they always did.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from graphsvc.store.cypher import Cypher
from graphsvc.store.runner import Params, QueryRunner, RoutingControl, T, Tx

__all__ = ["WriteBehind"]


class WriteBehind:
    """``QueryRunner`` that can write behind its caller (``submit_write``); else ``inner``'s."""

    def __init__(self, inner: QueryRunner) -> None:
        self.inner = inner
        self.database = inner.database
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._pending: tuple[int, Future[Any]] | None = None  # (submitting thread, write)

    def submit_write(self, work: Callable[[Tx], object]) -> None:
        """Run ``work`` in a write transaction on the writer thread; return at once.

        The calling thread's next call waits for it (and raises its error)."""
        self.settle()
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="graphsvc-write-behind")
            self._pending = (threading.get_ident(), self._pool.submit(self.inner.execute_write,
                                                                      work))

    def settle(self) -> None:
        """Wait for the write this thread submitted, if any; raise its error."""
        with self._lock:
            pending = self._pending
            if pending is None or pending[0] != threading.get_ident():
                return
            self._pending = None
        pending[1].result()

    def execute_query(
        self, q: Cypher, params: Params = None, *, routing: RoutingControl = RoutingControl.READ
    ) -> list[dict[str, Any]]:
        self.settle()
        return self.inner.execute_query(q, params, routing=routing)

    def execute_write(self, work: Callable[[Tx], T]) -> T:
        self.settle()
        return self.inner.execute_write(work)

    def execute_read(self, work: Callable[[Tx], T]) -> T:
        self.settle()
        return self.inner.execute_read(work)

    def run_autocommit(self, q: Cypher, params: Params = None) -> None:
        self.settle()
        self.inner.run_autocommit(q, params)

    def close(self) -> None:
        """Wait for a write in flight (its error was the submitter's to see), then close."""
        with self._lock:
            pool, self._pool, self._pending = self._pool, None, None
        if pool is not None:
            pool.shutdown(wait=True)
        self.inner.close()

    def __getattr__(self, name: str) -> Any:
        # what a runner offers beyond the protocol (a fake's recorded calls, a driver)
        if name == "inner":  # not set yet (a copy being made)
            raise AttributeError(name)
        return getattr(self.inner, name)
