"""One writer at a time for the embedded store: an exclusive lock file held for a whole write.

An ingest keeps what it has learnt about the store in memory between batches (the resolver's
author ids by name, the next free ids, the papers it has seen), and a merge deletes an author
such caches may hold. SQLite's own lock covers one transaction only, so two writers whose
transactions interleave corrupt each other's view: two ingests hand out the same author id
(UNIQUE constraint failed), and a merge between two batches of an ingest leaves the next
batches' authorships on the deleted author. Every writer (ingest run, merge, split, undo,
team-size rebuild) therefore holds ``<store>-write.lock`` exclusively from before its first
read of the store's state to after its last commit. A process killed while holding it loses it
(the kernel drops ``flock`` locks with the file descriptor), so no stale lock is ever left.

The lock is re-entrant per store object (an ingest's batches run inside the ingest's lock);
separate store objects, in one process or several, exclude each other (``flock`` locks belong
to an open file description, not to a process).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeVar, cast

from graphsvc.errors import StoreBusy, StoreUnavailable

log = logging.getLogger("graphsvc.store")

#: seconds between attempts while another writer holds the lock
_POLL = 0.05


class WriteLock:
    """The exclusive writer lock of one store file, re-entrant for its holder."""

    def __init__(self, db_path: Path, *, memory: bool = False) -> None:
        #: None for an in-memory store: private to its connection, the mutex is enough
        self.path = None if memory else db_path.with_name(db_path.name + "-write.lock")
        self._fh: Any = None
        self._depth = 0
        self._owner: int | None = None
        self._mutex = threading.Lock()

    @property
    def outermost(self) -> bool:
        """In the outermost ``held`` block of its owner: the lock was taken for it, so another
        process may have written since this one last held it."""
        return self._depth == 1 and self._owner == threading.get_ident()

    @contextlib.contextmanager
    def held(self, what: str, timeout: float | None = None) -> Iterator[None]:
        """Hold the lock while the block runs; wait for another writer at most ``timeout``
        seconds (None: as long as it takes), then raise ``StoreBusy``."""
        me = threading.get_ident()
        if self._owner == me:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._wait_mutex(what, timeout):
            self._acquire(what, timeout)
            self._owner, self._depth = me, 1
            try:
                yield
            finally:
                self._owner, self._depth = None, 0
                self._release()

    @contextlib.contextmanager
    def _wait_mutex(self, what: str, timeout: float | None) -> Iterator[None]:
        # two threads sharing one store object take turns here before the file lock
        if not self._mutex.acquire(timeout=-1 if timeout is None else timeout):
            raise StoreBusy(f"cannot {what}: another write to this store is running; "
                            "try again when it has finished")
        try:
            yield
        finally:
            self._mutex.release()

    def _acquire(self, what: str, timeout: float | None) -> None:
        if self.path is None:
            return
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no flock (Windows): one process only
            return
        try:
            fh = open(self.path, "a+b", buffering=0)  # noqa: SIM115 - held across calls
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot {what}: cannot create the lock file {self.path} ({exc.strerror}); "
                "the data directory must be writable to change the store"
            ) from exc
        deadline = None if timeout is None else time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                pass
            except OSError as exc:  # pragma: no cover - a file system without locks
                fh.close()
                raise StoreUnavailable(f"cannot lock {self.path}: {exc.strerror}") from exc
            if deadline is not None and time.monotonic() >= deadline:
                holder = _holder(fh)
                fh.close()
                raise StoreBusy(
                    f"cannot {what}: the store is busy with another write ({holder}); "
                    "try again when it has finished"
                )
            if not told:
                told = True
                log.warning("waiting for another write to finish (%s) before: %s",
                            _holder(fh), what)
            time.sleep(_POLL)
        with contextlib.suppress(OSError):
            fh.seek(0)
            fh.truncate()
            fh.write(f"pid {os.getpid()}: {what}\n".encode())
            fh.flush()
        self._fh = fh

    def _release(self) -> None:
        fh, self._fh = self._fh, None
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.seek(0)
                fh.truncate()
            with contextlib.suppress(OSError):
                fh.close()  # closing drops the flock (the descriptor is closed even on errors)


def _holder(fh: BinaryIO) -> str:
    """Who holds the lock, as its holder wrote it (best effort)."""
    try:
        fh.seek(0)
        text = fh.read(200).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "another process"


F = TypeVar("F", bound=Callable[..., Any])


def exclusive(what: str) -> Callable[[F], F]:
    """Decorate a store method that writes: it runs under the writer lock, and SQLite's errors
    about the file become one-line ``GraphsvcError``s naming it."""
    from graphsvc.store.sqlite_errors import translated

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def run(self: Any, *args: Any, **kwargs: Any) -> Any:
            with self.writing(what), translated(self.path):
                return fn(self, *args, **kwargs)

        return cast(F, run)

    return decorate
