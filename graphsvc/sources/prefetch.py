"""Read records in a second process, so that reading and per-record preparation (parsing the
names) run beside the ingest instead of before it.

The reader process is forked (no re-import, no pickling of the reader) and sends records in
chunks through a pipe, encoded as plain tuples (cheap to pickle); the pipe's buffer bounds the
records in flight, so a 4 GB dump is still streamed. The reader never touches the store: all
writes stay in the ingest's process, one transaction per batch as before. The reader dies with
the ingest's process (``PR_SET_PDEATHSIG`` on Linux; else at its next write to the pipe, whose
reading end only the ingest holds).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from graphsvc.errors import GraphsvcError
from graphsvc.model import RawAuthor, Record, Skipped

P = TypeVar("P")

#: records per message: big enough to make pickling cheap per record, small enough to start
#: the ingest early and to keep little in flight
CHUNK = 256

Item = Record | Skipped


def available() -> bool:
    """Whether a reader process can be forked safely here (Linux, no other threads: forking
    a process with threads can leave a lock held forever in the child)."""
    return (
        sys.platform == "linux"
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.active_count() == 1
    )


def spare_core() -> bool:
    """Whether a core is idle for a reader process (1-minute load average below the cores
    this process may use, minus the one it uses itself): on a busy machine the reader only
    adds its own work (reading the same input, sending it through a pipe) to everyone's."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:
        return cores > 1
    return cores > 1 and load < cores - 0.5


def read_ahead(
    make_items: Callable[[], Iterable[Item]],
    prepare: Callable[[list[Item]], P],
    receive: Callable[[P], None],
) -> Iterator[Item]:
    """The items of ``make_items()``, read in a forked process.

    ``prepare`` runs in the reader process on every chunk of items; its result (picklable) is
    handed to ``receive`` in this process before the chunk's items are yielded. Exceptions of
    the reader are raised here, where the items would have been read.
    """
    ctx = multiprocessing.get_context("fork")
    inbox, outbox = ctx.Pipe(duplex=False)
    proc = ctx.Process(
        target=_produce, args=(inbox, outbox, make_items, prepare, os.getpid()), daemon=True
    )
    proc.start()
    outbox.close()
    try:
        while True:
            try:
                msg = inbox.recv()
            except EOFError:
                raise GraphsvcError(
                    f"the reader process stopped unexpectedly (exit code {proc.exitcode})"
                ) from None
            if msg is None:
                return
            kind, payload, extra = msg
            if kind == "error":
                raise payload
            receive(extra)
            for x in payload:
                yield _decode(x) if type(x) is tuple else x
    finally:
        inbox.close()
        if proc.is_alive():  # the ingest stopped early
            proc.terminate()
        proc.join()


def _produce(
    inbox: Connection,
    outbox: Connection,
    make_items: Callable[[], Iterable[Item]],
    prepare: Callable[[list[Item]], Any],
    parent_pid: int,
) -> None:
    # the reading end, inherited by the fork, would keep a full pipe open for ever after the
    # ingest's death (and with it the ingest's stderr, for whoever waits on it)
    inbox.close()
    _die_with(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the ingest decides when to stop
    try:
        chunk: list[Item] = []
        for item in make_items():
            chunk.append(item)
            if len(chunk) >= CHUNK:
                outbox.send(("items", [_encode(x) for x in chunk], prepare(chunk)))
                chunk = []
        outbox.send(("items", [_encode(x) for x in chunk], prepare(chunk)))
        outbox.send(None)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the ingest is gone: nothing to report to
    except BaseException as exc:  # raised again in the ingest's process
        try:
            outbox.send(("error", exc, None))
        except Exception:  # not picklable: its message, as a GraphsvcError
            outbox.send(("error", GraphsvcError(f"{type(exc).__name__}: {exc}"), None))
    finally:
        outbox.close()


def _encode(item: Item) -> Any:
    if type(item) is Record:
        return (
            item.title,
            [(a.name, a.family, a.given, a.suffix, a.ids) for a in item.authors],
            item.source_ref, item.year, item.venue, item.doi, item.ids, item.source, item.tie,
        )
    return item


def _decode(t: tuple[Any, ...]) -> Record:
    # every field of Record: one left out is silently lost on the way (a tie became a paper)
    title, authors, ref, year, venue, doi, ids, source, tie = t
    return Record(title, [RawAuthor(*a) for a in authors], ref, year, venue, doi, ids, source,
                  tie)


_PR_SET_PDEATHSIG = 1


def _die_with(parent_pid: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)
