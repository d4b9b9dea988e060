"""Plain-Python access to a graph's CSR rows, for searches too small to pay for numpy calls.

A numpy call costs ~1 µs whatever its size and a numpy scalar read ~100 ns, so the searches of
a SNAP-sized graph (a few hundred nodes) and the first levels of any search are faster on
Python ints with C-level set operations (``set.update`` of a whole row, ``set.difference``
against a dict). Reads go through ``memoryview``s of the arrays (a Python int per read, no
numpy scalar; memory-mapped arrays included); a graph of at most ``LIST_SLOTS`` slots also
keeps its rows as Python lists (fastest to iterate, ~36 bytes a slot).

Examples
--------
>>> from graphsvc.graph.csr import CoauthorGraph, Memberships
>>> G = CoauthorGraph.build(Memberships.from_papers(range(3), [[0, 1], [1, 2], [1, 2]]))
>>> py = PyRows(G)
>>> list(py.row(1)), py.deg[1], py.slot(1, 2), py.papers[py.slot(1, 2)]
([0, 2], 2, 2, 2)
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from graphsvc.graph.csr import CoauthorGraph

__all__ = ["LIST_SLOTS", "PyRows"]

#: graphs with at most this many CSR slots keep their rows as Python lists (~36 MB at most)
LIST_SLOTS = 1 << 20


def _view(a: np.ndarray, dtype: type[np.generic]) -> memoryview:
    # ndarray exports the buffer protocol; numpy's stubs do not declare it to mypy
    return memoryview(np.ascontiguousarray(a, dtype=dtype))  # type: ignore[arg-type]


class PyRows:
    """Row access with Python ints: ``row(u)`` (ascending neighbours), ``deg[u]``,
    ``indptr[u]``, ``papers[slot]``, ``first_year``/``last_year``/``weight`` per slot and
    ``slot(u, v)``. Made once per graph (``CoauthorGraph.py``)."""

    __slots__ = ("deg", "first_year", "indices", "indptr", "last_year", "papers", "row",
                 "rows", "weight")

    def __init__(self, G: CoauthorGraph) -> None:
        ip = np.asarray(G.indptr, dtype=np.int64)
        self.indptr = _view(ip, np.int64)
        self.indices = _view(G.indices, np.int32)
        self.papers = _view(G.papers, np.int32)
        self.first_year = _view(G.first_year, np.int32)
        self.last_year = _view(G.last_year, np.int32)
        self.weight = _view(G.weight, np.float64)
        self.deg: Sequence[int] = _view(np.diff(ip).astype(np.int32), np.int32)
        self.rows: list[list[int]] | None = None
        self.row: Callable[[int], Sequence[int]]
        if G.indices.size <= LIST_SLOTS:
            flat = np.asarray(G.indices).tolist()
            bounds = ip.tolist()
            self.rows = [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
            self.row = self.rows.__getitem__
            self.deg = np.diff(ip).tolist()  # a list reads faster than a memoryview
        else:
            indptr, indices = self.indptr, self.indices

            def row(u: int) -> Sequence[int]:
                return indices[indptr[u] : indptr[u + 1]]

            self.row = row

    def slot(self, u: int, v: int) -> int:
        """CSR slot of ``v`` in ``u``'s row (``v`` must be a neighbour of ``u``)."""
        return self.indptr[u] + bisect_left(self.row(u), v)
