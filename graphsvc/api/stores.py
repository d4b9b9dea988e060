"""Store access from many threads: one SQLite connection per thread, or one behind a lock.

FastAPI runs sync routes in a thread pool. A ``sqlite3`` connection may be *handed* between
threads (``check_same_thread=False``) but must not be *used* by two at once, so the API never
shares one: :class:`PerThreadStore` gives every thread its own connection to the same file
(WAL lets readers run side by side and next to the ingest job's writer), and
:class:`LockedStore` serialises calls on a single store (the simple alternative, kept for
comparison: ``bench/api.py --store-access lock``). Both look like the store they wrap, so
``GraphService`` needs no change.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

#: page cache per read connection (KiB, as ``PRAGMA cache_size=-N``); the OS cache is shared
READER_CACHE_KIB = 16_000
#: bytes of the file a read connection maps (``PRAGMA mmap_size``): pages outside its own
#: small cache are then read from the OS cache without a system call each (a path's papers are
#: scattered over the whole file, and ``pread`` per page cost 3x the query itself). SQLite's
#: default ceiling (``SQLITE_MAX_MMAP_SIZE``, 2 GiB - 64 KiB): a 3M-author store is 5 GiB, and
#: 1 GiB left most of its papers to ``pread`` (8 papers' rows: 0.23 -> 0.15 ms of CPU)
READER_MMAP_BYTES = 0x7FFF0000


class PerThreadStore:
    """A store facade: each attribute is looked up on the calling thread's own store."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._local = threading.local()
        self._opened: list[tuple[weakref.ref[threading.Thread], Any]] = []
        self._guard = threading.Lock()
        self._closed = False

    def current(self) -> Any:
        """The calling thread's store (opened on first use)."""
        store = getattr(self._local, "store", None)
        if store is None:
            if self._closed:
                from graphsvc.errors import StoreUnavailable

                raise StoreUnavailable("the store is closed (the service is shutting down)")
            store = self._factory()
            db = getattr(store, "db", None)
            if db is not None:
                db.execute(f"PRAGMA cache_size=-{READER_CACHE_KIB}")
                db.execute(f"PRAGMA mmap_size={READER_MMAP_BYTES}")
            self._local.store = store
            with self._guard:
                self._reap()
                self._opened.append((weakref.ref(threading.current_thread()), store))
        return store

    def _reap(self) -> None:
        """Close the connections of threads that have ended (the pool retires idle threads)."""
        keep = []
        for ref, store in self._opened:
            thread = ref()
            if thread is None or not thread.is_alive():
                store.close()
            else:
                keep.append((ref, store))
        self._opened = keep

    @property
    def connections(self) -> int:
        return len(self._opened)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current(), name)

    def interrupt(self, thread: threading.Thread) -> None:
        """Abort the SQL statement ``thread`` is running, if any (``sqlite3`` allows this one
        call from another thread): a background graph build then ends at its next read."""
        with self._guard:
            for ref, store in self._opened:
                db = getattr(store, "db", None)
                if ref() is thread and db is not None:
                    db.interrupt()

    def close(self, busy: threading.Thread | None = None) -> None:
        """Close every thread's connection (at shutdown, when no request runs any more).

        The connection of ``busy``, a thread still running, is left to close when that thread
        ends: closing a ``sqlite3`` connection while another thread uses it can crash the
        process (seen: the start-up graph build reading while the lifespan closed).
        """
        with self._guard:
            self._closed = True
            opened, self._opened = self._opened, []
        for ref, store in opened:
            if busy is not None and busy.is_alive() and ref() is busy:
                continue
            store.close()


class LockedStore:
    """A store facade whose method calls run one at a time under a lock."""

    def __init__(self, store: Any) -> None:
        self._store = store
        self._lock = threading.RLock()

    connections = 1

    def current(self) -> Any:
        return self._store

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if not callable(value):
            return value

        def locked(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return value(*args, **kwargs)

        return locked

    def close(self) -> None:
        with self._lock:
            self._store.close()


#: seconds a merge, split or unmerge request waits for another writer (an ingest job) to finish
WRITE_WAIT = 10.0


def shared_store(settings: Any, access: str = "per-thread") -> Any:
    """The store the API's request threads use, for ``settings`` (see the module docstring).

    The embedded store gets :class:`PerThreadStore` (or :class:`LockedStore` with
    ``access="lock"``); other stores (Neo4j's driver is thread-safe) are shared as they are.
    Neo4j connects on first use and again after a failure, so the service starts (and answers
    503) while the server is down, and recovers without a restart.
    """
    from graphsvc.store import open_store

    if settings.store == "neo4j":
        from graphsvc.store.neo4j import Neo4jStore

        return Neo4jStore.for_service(settings)
    if settings.store != "embedded":
        return open_store(settings)

    def open_for_requests() -> Any:
        store = open_store(settings)
        # a merge behind a long ingest job answers 503 store-busy instead of holding a thread
        store.write_wait = float(settings.extra.get("write_wait", WRITE_WAIT))
        return store

    if access == "lock":
        return LockedStore(open_for_requests())
    pool = PerThreadStore(open_for_requests)
    pool.current()  # open (and create) the file now, so a bad data dir fails at start-up
    return pool
