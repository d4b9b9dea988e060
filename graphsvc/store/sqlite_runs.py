"""Ingest runs in the embedded store: their rows, their skipped entries, and which are alive."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

from graphsvc.store.sqlite_lock import exclusive
from graphsvc.store.sqlite_written import WrittenRows


class SQLiteIngestRuns:
    """Mixin of ``SQLiteStore``: ``ingest_runs`` and ``skipped`` rows, and the run lock file."""

    path: Path
    db: sqlite3.Connection
    _run_lock: BinaryIO | None
    _written: WrittenRows | None

    # -- ingest runs -------------------------------------------------------------------------
    @exclusive("start an ingest run")
    def start_run(self, paths: Sequence[str], started: str) -> int:
        """Record a new ingest run; runs left 'running' by a killed process become 'interrupted'.

        Every run holds a shared lock on ``<store>-runs.lock`` while it lasts (the kernel drops
        it when the process dies, even by SIGKILL). Holding the lock exclusively proves that no
        run is alive, so every 'running' row then belongs to a dead process.
        """
        self._take_run_lock()
        # the run holds the writer lock until it ends: what it commits stays as written
        self._written = WrittenRows()
        cur = self.db.execute(
            "INSERT INTO ingest_runs (started, paths, status) VALUES (?, ?, 'running')",
            (started, "\n".join(paths)),
        )
        return int(cur.lastrowid or 0)

    @exclusive("finish an ingest run")
    def finish_run(self, run_id: int, finished: str, status: str, report_json: str) -> None:
        self.db.execute(
            "UPDATE ingest_runs SET finished = ?, status = ?, report = ? WHERE id = ?",
            (finished, status, report_json, run_id),
        )
        self._release_run_lock()

    def _take_run_lock(self) -> None:
        try:
            import fcntl
        except ImportError:  # no flock (Windows): stale runs stay as they are
            return
        self._release_run_lock()
        if str(self.path) == ":memory:":
            return  # private to this connection: no other run can have left rows in it
        try:
            fh = open(self.path.with_name(self.path.name + "-runs.lock"), "a+b")  # noqa: SIM115
        except OSError:
            return
        self._run_lock = fh
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # another run is alive: its row and any stale ones are left for later
        else:
            self.db.execute(
                "UPDATE ingest_runs SET status = 'interrupted' WHERE status = 'running'"
            )
        # shared from now on: other runs may start, and see that this one is alive
        fcntl.flock(fh.fileno(), fcntl.LOCK_SH)

    def _release_run_lock(self) -> None:
        self._written = None  # the run is over: others may write
        if self._run_lock is not None:
            self._run_lock.close()
            self._run_lock = None

    @exclusive("record skipped entries")
    def record_skipped(self, run_id: int, rows: Iterable[tuple[str, str, str]]) -> None:
        self.db.executemany(
            "INSERT INTO skipped (run_id, source_ref, reason, detail) VALUES (?, ?, ?, ?)",
            [(run_id, *r) for r in rows],
        )
