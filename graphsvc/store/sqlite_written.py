"""Rows an ingest run has committed to the embedded store's insert-or-ignore tables."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

#: keys remembered per table; past that the memory is dropped and starts again (a key
#: forgotten is only written again, and ignored by the table)
MAX_WRITTEN = 400_000


class WrittenRows:
    """Keys of rows that an ingest run committed to tables written with ``INSERT OR IGNORE``
    (evidence, search tokens), so that later batches of the run leave them out instead of
    having SQLite look each one up to ignore it: an author's evidence "same dblp" comes
    with every one of its papers, and its search tokens with every mention.

    Only valid while nothing else writes those tables: the store keeps one from the start of
    an ingest run (which holds the writer lock throughout) to its end, forgets it when a
    batch rolls back and clears it before any identity change (merges delete rows).
    """

    def __init__(self, limit: int = MAX_WRITTEN) -> None:
        self.limit = limit
        self._done: dict[str, set[Hashable]] = {}
        self._pending: list[tuple[str, list[Hashable]]] = []

    def fresh(self, table: str, keys: Iterable[K]) -> list[K]:
        """``keys`` not committed by this run yet, each once, in order (the first of equal
        keys is the one an insert-or-ignore keeps); they count as written at ``committed``."""
        done = self._done.setdefault(table, set())
        out: list[K] = []
        mine: set[K] = set()
        for k in keys:
            if k not in done and k not in mine:
                mine.add(k)
                out.append(k)
        self._pending.append((table, list(out)))
        return out

    def committed(self) -> None:
        for table, keys in self._pending:
            done = self._done[table]
            if len(done) + len(keys) > self.limit:
                done.clear()
            done.update(keys)
        self._pending.clear()

    def rolled_back(self) -> None:
        self._pending.clear()

    def clear(self) -> None:
        self._done.clear()
        self._pending.clear()
