"""Ingest runs in the Neo4j store, with a lease: a run whose process died is told from one alive.

The embedded store knows a dead run by a file lock the kernel drops with the process. A Neo4j
server cannot see its clients die, so a run holds a lease instead: while it lasts, a thread of
the ingesting process renews ``IngestRun.heartbeat`` (the server's clock) every quarter lease.
A run still ``running`` whose heartbeat is older than the lease belongs to a process that was
killed, or lost the server for that long: ``ingest_runs`` shows it as ``interrupted``, and the
next run to start marks it so for good. The lease is ``GRAPHSVC_NEO4J_RUN_LEASE`` seconds
(default 60).
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from neo4j.exceptions import DriverError, Neo4jError

from graphsvc.errors import StoreUnavailable
from graphsvc.store.runner import QueryRunner

__all__ = ["RUN_LEASE", "Neo4jIngestRuns"]

#: seconds without a heartbeat after which a running ingest counts as interrupted
RUN_LEASE = 60.0


class _Heartbeat:
    """A daemon thread calling ``beat`` every ``interval`` seconds until stopped."""

    def __init__(self, beat: Callable[[], object], interval: float) -> None:
        self._beat = beat
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="graphsvc-run-lease",
                                        daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.wait(self._interval):
            # the server is away: if it stays away, the lease runs out, as it should
            with contextlib.suppress(StoreUnavailable, Neo4jError, DriverError, OSError):
                self._beat()

    def stop(self) -> None:
        """Stop beating, without waiting for a beat in flight: against a server that just died
        that beat retries for up to a second, which a failing ingest must not wait for (it has
        2 s to say so). A late beat is harmless: it renews only a run still ``running``."""
        self._stop.set()


class Neo4jIngestRuns:
    """Mixin of ``Neo4jStore``: ``IngestRun`` nodes and their leases."""

    runner: QueryRunner
    #: seconds; see the module docstring
    run_lease: float = RUN_LEASE
    _lease: _Heartbeat | None = None

    def _write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        raise NotImplementedError  # NativeQueries provides it

    def _read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        raise NotImplementedError  # NativeQueries provides it

    def _lease_ms(self) -> int:
        return max(1, round(self.run_lease * 1000))

    def start_run(self, paths: Sequence[str], started: str) -> int:
        """Record a new ingest run and hold its lease; runs whose lease ran out become
        ``interrupted``."""
        self._write("expire_runs", lease_ms=self._lease_ms())
        rows = self._write("start_run", uid=uuid.uuid4().hex, started=started,
                           paths="\n".join(paths))
        run_id = int(rows[0]["id"])
        self._end_lease()
        self._lease = _Heartbeat(lambda: self._write("renew_run", run_id=run_id),
                                 self.run_lease / 4)
        return run_id

    def finish_run(self, run_id: int, finished: str, status: str, report_json: str) -> None:
        self._end_lease()
        self._write("finish_run", run_id=run_id, finished=finished, status=status,
                    report=report_json)

    def ingest_runs(self) -> list[dict[str, Any]]:
        """Every run, oldest first: ``{id, started, finished, paths, status}``; a ``running``
        run whose lease ran out is ``interrupted``."""
        return [{**r, "paths": str(r["paths"] or "").split("\n") if r["paths"] else []}
                for r in self._read("ingest_runs", lease_ms=self._lease_ms())]

    def _end_lease(self) -> None:
        lease, self._lease = self._lease, None
        if lease is not None:
            lease.stop()
