"""Per-thread search arrays reused across queries, so a path query does no O(n) work.

A search needs "distance of node v in this query, or unvisited" for every node it touches.
Allocating and filling an array of ``n`` entries per query is the largest cost of a short
search on a big graph (two 3M-entry fills are half of a shortest path). Instead each thread
keeps, per graph, arrays it never clears: a query takes a fresh ``base`` (a stamp shifted
past any distance) and stores ``base + d`` for the nodes it reaches; everything below ``base``
was written by an earlier query and reads as unvisited.

Examples
--------
>>> from graphsvc.graph.csr import CoauthorGraph, Memberships
>>> G = CoauthorGraph.build(Memberships.from_papers(range(3), [[0, 1], [1, 2]]))
>>> ws = workspace(G)
>>> base = ws.begin()
>>> ws.hops[0][0] = base
>>> sorted(stamp_visit(ws.hops[0], np.array([1, 1, 0]), base, 1).tolist())
[1]
>>> bool(ws.hops[0][1] == base + 1), bool(ws.begin() > ws.hops[0][1])  # a new query: unvisited
(True, True)
"""

from __future__ import annotations

import threading
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from graphsvc.graph.csr import CoauthorGraph

__all__ = ["Workspace", "distinct", "stamp_visit", "workspace"]

#: a stamp's distances live in the low 32 bits (no search is 2**32 hops long)
_SHIFT = 32
#: graphs a thread keeps workspaces for (a whole-store graph and a year window, say)
_PER_THREAD = 2


class Workspace:
    """Two hop-distance arrays (one per search direction) and two cost arrays, lazily made."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._stamp = 0
        # np.zeros maps untouched pages lazily: a query pays only for the pages it touches
        self.hops = (np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64))
        self._cost: tuple[np.ndarray, np.ndarray] | None = None
        self._scratch: np.ndarray | None = None
        self._sigma: tuple[np.ndarray, np.ndarray] | None = None
        #: the thread's C search over the graph (``graph.native``), False when it cannot be used
        self.native: Any = None

    def sigma(self) -> tuple[np.ndarray, np.ndarray]:
        """Float64 path-count arrays, one per direction (written before they are read)."""
        if self._sigma is None:
            self._sigma = (np.zeros(self.n), np.zeros(self.n))
        return self._sigma

    def scratch(self) -> np.ndarray:
        """An int64 array of ``n`` for :func:`distinct` (its contents are never read unwritten)."""
        if self._scratch is None:
            self._scratch = np.zeros(self.n, dtype=np.int64)
        return self._scratch

    def begin(self) -> int:
        """A fresh ``base`` for the hop arrays: every node now reads as unvisited."""
        self._stamp += 1
        return self._stamp << _SHIFT

    def costs(self) -> tuple[np.ndarray, np.ndarray]:
        """Cost arrays for a weighted search, one per direction, inf wherever no query is
        running: the search that writes costs puts inf back where it wrote before it returns
        (so a read needs no stamp check)."""
        if self._cost is None:
            self._cost = (np.full(self.n, np.inf), np.full(self.n, np.inf))
        return self._cost


_local = threading.local()


def workspace(G: CoauthorGraph) -> Workspace:
    """The calling thread's workspace for ``G`` (made on first use, dropped with ``G``)."""
    cache: list[tuple[weakref.ref[CoauthorGraph], Workspace]] | None = getattr(
        _local, "cache", None)
    if cache is None:
        cache = _local.cache = []
    for ref, ws in cache:
        if ref() is G:
            return ws
    ws = Workspace(G.n)
    cache[:] = [(r, w) for r, w in cache if r() is not None][-(_PER_THREAD - 1):]
    cache.append((weakref.ref(G), ws))
    return ws


def stamp_visit(dist: np.ndarray, nbr: np.ndarray, base: int, level: int) -> np.ndarray:
    """Mark the nodes of ``nbr`` unvisited in this query (``dist < base``) with ``base + level``
    and return each of them once (in no particular order): ``csr.visit`` for stamped arrays."""
    cand = nbr[dist[nbr] < base]
    if cand.size == 0:
        return cand
    if cand.size == 1:
        dist[cand] = base + level
        return cand
    # one unique mark per candidate (all below ``base``: they read as unvisited); the node's
    # surviving mark picks one candidate per node
    mark = base - 2 - np.arange(cand.size, dtype=np.int64)
    dist[cand] = mark
    new = cand[dist[cand] == mark]
    dist[new] = base + level
    return new


def distinct(x: np.ndarray, scratch: np.ndarray) -> np.ndarray:
    """Each value of ``x`` once, in no particular order, without a sort (``scratch`` is an
    int64 array longer than ``x``'s largest value; only the positions of ``x`` are touched).

    Examples
    --------
    >>> sorted(distinct(np.array([3, 1, 3, 0, 1]), np.zeros(4, dtype=np.int64)).tolist())
    [0, 1, 3]
    """
    pos = np.arange(x.size, dtype=np.int64)
    scratch[x] = pos
    return x[scratch[x] == pos]
