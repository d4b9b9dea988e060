"""SQLite's errors about the file itself (full disk, read-only, damaged) as one-line messages.

Each names the store file and says what to do; the CLI and the API translate any
``sqlite3.DatabaseError`` that reaches them through :func:`store_error`, so a broken disk or
file never shows a traceback.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from graphsvc.errors import GraphsvcError, StoreCorrupt, StoreUnavailable


def store_error(exc: sqlite3.Error, path: Path | str) -> GraphsvcError:
    """The ``GraphsvcError`` for an SQLite error on the store file at ``path``.

    Examples
    --------
    >>> str(store_error(sqlite3.OperationalError("database or disk is full"), "d/g.sqlite3"))
    'the disk holding d/g.sqlite3 is full: free some space and run the command again \
(the store is left as it was before the unfinished batch)'
    >>> type(store_error(sqlite3.DatabaseError("file is not a database"), "g")).__name__
    'StoreCorrupt'
    """
    msg = str(exc)
    low = msg.lower()
    if "disk is full" in low or "database is full" in low or getattr(
            exc, "sqlite_errorname", "") == "SQLITE_FULL":
        return StoreUnavailable(
            f"the disk holding {path} is full: free some space and run the command again "
            "(the store is left as it was before the unfinished batch)"
        )
    if "readonly" in low or "read-only" in low:
        return StoreUnavailable(
            f"the store {path} is read-only ({msg}): make the file and its directory writable "
            "to change it (reads work as they are)"
        )
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return StoreCorrupt(
            f"the store {path} is damaged ({msg}): run `graphsvc check` to see where; restore "
            "it from a backup, or move it away and ingest the sources again"
        )
    if "unable to open" in low or "disk i/o error" in low:
        return StoreUnavailable(
            f"cannot read or write the store {path} ({msg}): check that the file and its "
            "directory exist, are readable and writable, and that the disk works"
        )
    if "locked" in low or "busy" in low:
        return StoreUnavailable(
            f"the store {path} is locked by another process ({msg}): try again shortly"
        )
    return StoreUnavailable(f"the store {path} failed: {msg}")


@contextlib.contextmanager
def translated(path: Path | str) -> Iterator[None]:
    """Raise SQLite errors of the block as ``GraphsvcError`` (one line naming the file)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise store_error(exc, path) from exc
