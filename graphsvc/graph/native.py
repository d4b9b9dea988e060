"""The optional C search (``graphsvc._native``) and the switch between it and the Python one.

``graphsvc/_native.c`` is built by ``pip install -e .`` (``scripts/setup.sh``) when a C compiler
is there; it runs the unmasked bidirectional BFS of ``graph.bidirectional`` (distance, distance
with the number of shortest chains, and ``paths.shortest_path``'s chain), the unmasked
strongest path (a bidirectional Dijkstra with ``graph.strongest``'s tie rules) and the
ordered row of ``neighbourhood.collaborators`` over the graph's own
CSR arrays, memory-mapped ones included, without copying them. Everything else, and every
query when the module is missing or ``GRAPHSVC_NATIVE=0`` is set, runs the pure-Python/numpy
code, which gives the same answers (``tests/test_native.py`` checks both).

Examples
--------
>>> from graphsvc.graph.csr import CoauthorGraph, Memberships
>>> G = CoauthorGraph.build(Memberships.from_papers(range(4), [[0, 1], [1, 2], [2, 3]]))
>>> sr = searcher(G)
>>> sr is None or (sr.distance(0, 3), sr.shortest_path(0, 3)) == (3, [0, 1, 2, 3])
True
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any

import numpy as np

from graphsvc.graph.workspace import workspace

if TYPE_CHECKING:
    from collections.abc import Callable

    from graphsvc.graph.csr import CoauthorGraph

__all__ = [
    "AVAILABLE", "BUILT", "build_arrays", "enabled", "native_max_length", "searcher",
    "set_enabled",
]

_module: Any
try:
    _module = importlib.import_module("graphsvc._native")
except ImportError:  # no compiler at install time: the Python search answers alike
    _module = None

#: whether the C module was built and imports
AVAILABLE: bool = _module is not None
_enabled = [AVAILABLE and os.environ.get("GRAPHSVC_NATIVE", "1").strip() != "0"]


def enabled() -> bool:
    """Whether queries take the C search (built, and not switched off)."""
    return _enabled[0]


def set_enabled(on: bool) -> bool:
    """Switch the C search on or off for this process (tests run both); the previous setting.
    Switching on without the module leaves it off."""
    before = _enabled[0]
    _enabled[0] = bool(on) and AVAILABLE
    return before


def _fits(G: CoauthorGraph) -> bool:
    # the C code reads the arrays in place: it takes only the dtypes the engine builds and the
    # index writes, never a converted copy (a copy of a 3M graph's slots per thread)
    arrays = (G.indptr, G.indices, G.papers, G.first_year, G.last_year, G.weight)
    dtypes = (np.int64, np.int32, np.int32, np.int32, np.int32, np.float64)
    return all(a.dtype == d and a.flags.c_contiguous for a, d in zip(arrays, dtypes, strict=True))


def searcher(G: CoauthorGraph) -> Any | None:
    """The calling thread's C search over ``G`` (made on first use, kept with the thread's
    workspace), or None: the module missing or switched off, or arrays of other dtypes."""
    if not _enabled[0]:
        return None
    ws = workspace(G)
    sr = ws.native
    if sr is None:
        sr = ws.native = (_module.Search(G.indptr, G.indices, G.papers, G.first_year,
                                         G.last_year, G.weight) if _fits(G) else False)
    return sr or None


def native_max_length(max_length: int | None) -> int:
    """``max_length`` as the C search takes it: -1 for none, and 0 (only ``s == t`` connects)
    for a negative one, which the Python search also cuts off before its first level."""
    if max_length is None:
        return -1
    return max(int(max_length), 0)


#: the arrays ``CoauthorGraph.build`` makes from memberships, with their dtypes
#: (in the order of build_csr's base)
BUILT: dict[str, type] = {
    "indptr": np.int64, "indices": np.int32, "papers": np.int32, "first_year": np.int32,
    "last_year": np.int32, "weight": np.float64,
    "author_paper_ptr": np.int64, "author_papers": np.int32,
}


def build_arrays(
    n: int, ptr: np.ndarray, members: np.ndarray, year: np.ndarray, counted: np.ndarray,
    in_window: np.ndarray, alloc: Callable[[str, int], np.ndarray] | None = None,
    base: tuple[int, dict[str, np.ndarray]] | None = None,
) -> dict[str, np.ndarray] | None:
    """``BUILT``'s arrays of the graph of ``n`` authors whose papers ``counted`` give edges
    and ``in_window`` are listed per author, built in C (``graphsvc/_native_build.c``), or
    None when the C module is missing or switched off (the numpy build then makes them).

    ``alloc(name, length)``, when given, returns the writable array of ``BUILT[name]``'s dtype
    each result is written to, and it must map a file (``GraphIndex`` writes the build straight
    into its files): the C build then drops the pages it has written from this process.

    ``base``, ``(p, arrays)``: ``BUILT``'s arrays of the graph of the first ``p`` papers of
    these memberships (same authors first, same cap and window): the rows of the authors of no
    later counted paper are copied from it, the others made again (an append's new index).

    Examples
    --------
    >>> arr = build_arrays(3, np.array([0, 2, 5]), np.array([0, 1, 0, 1, 2], dtype=np.int32),
    ...                    np.array([2001, 2005], dtype=np.int32), np.ones(2, dtype=bool),
    ...                    np.ones(2, dtype=bool))
    >>> arr is None or (arr["indices"].tolist(), arr["papers"].tolist()) == (
    ...     [1, 2, 0, 2, 0, 1], [2, 1, 2, 1, 1, 1])
    True
    """
    build = getattr(_module, "build_csr", None)  # None: a module built before it existed
    if not _enabled[0] or build is None:
        return None
    out: dict[str, np.ndarray] = {}

    def take(name: str, length: int) -> np.ndarray:
        arr = out[name] = np.empty(length, dtype=BUILT[name]) if alloc is None \
            else alloc(name, length)
        # the C build drops written pages of a file mapping: of anonymous or private memory
        # that would lose them
        if alloc is not None and not (isinstance(arr, np.memmap) and arr.mode in ("r+", "w+")):
            raise ValueError(f"alloc({name!r}) must give a shared np.memmap of a file")
        return arr

    old = None if base is None else (base[0], *(
        np.ascontiguousarray(base[1][name], dtype=dtype) for name, dtype in BUILT.items()))
    build(n, np.ascontiguousarray(ptr, dtype=np.int64),
          np.ascontiguousarray(members, dtype=np.int32),
          np.ascontiguousarray(year, dtype=np.int32),
          np.ascontiguousarray(counted, dtype=bool),
          np.ascontiguousarray(in_window, dtype=bool), take, alloc is not None, old)
    return out
