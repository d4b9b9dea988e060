"""Which years each author and co-author edge was active, for exports (GEXF spells, spans)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from graphsvc.graph.edges import paper_pairs

if TYPE_CHECKING:
    from graphsvc.graph.csr import CoauthorGraph

__all__ = [
    "EdgeYears",
    "YearCounts",
    "enrich_subgraph",
    "node_year_counts",
    "node_year_lists",
    "node_years",
    "per_owner_year_counts",
    "spells",
]

#: ``[[year, count], ...]``, years ascending
YearCounts = list[list[int]]


def spells(years: Sequence[int]) -> list[tuple[int, int]]:
    """Runs of consecutive years, as ``(first, last)`` pairs (unknown years, ``<= 0``, dropped).

    Examples
    --------
    >>> spells([2001, 2002, 2003, 2007, 2009, 2010, 2002])
    [(2001, 2003), (2007, 2007), (2009, 2010)]
    >>> spells([])
    []
    """
    out: list[tuple[int, int]] = []
    for y in sorted({int(y) for y in years if int(y) > 0}):
        if out and y == out[-1][1] + 1:
            out[-1] = (out[-1][0], y)
        else:
            out.append((y, y))
    return out


def node_years(g: CoauthorGraph, nodes: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """First and last known year of each node's papers in the window (``0`` = unknown)."""
    years = np.asarray(g.memberships.paper_year, dtype=np.int64)[g.author_papers]
    ptr = np.asarray(g.author_paper_ptr)
    if nodes is None:
        nodes = np.arange(g.n, dtype=np.int64)
    nodes = np.asarray(nodes, dtype=np.int64)
    first = np.zeros(nodes.size, dtype=np.int64)
    last = np.zeros(nodes.size, dtype=np.int64)
    if years.size == 0 or nodes.size == 0:
        return first, last
    big = np.iinfo(np.int64).max
    lo = np.where(years > 0, years, big)
    hi = np.where(years > 0, years, 0)
    if nodes.size == g.n:
        starts, counts = ptr[:-1], np.diff(ptr)
    else:
        starts, counts = ptr[nodes], ptr[nodes + 1] - ptr[nodes]
    has = counts > 0
    if nodes.size == g.n:
        idx = starts[has]
        mins = np.minimum.reduceat(lo, idx)
        maxs = np.maximum.reduceat(hi, idx)
    else:
        # arbitrary rows are not contiguous: reduce each row's slice
        mins = np.array([lo[s : s + c].min() for s, c in zip(starts[has], counts[has],
                                                              strict=True)], dtype=np.int64)
        maxs = np.array([hi[s : s + c].max() for s, c in zip(starts[has], counts[has],
                                                             strict=True)], dtype=np.int64)
    first[has] = np.where(mins == big, 0, mins)
    last[has] = maxs
    return first, last


def node_year_lists(g: CoauthorGraph, nodes: np.ndarray) -> list[list[int]]:
    """The distinct known years of each node's papers in the window, ascending."""
    return [[y for y, _ in counts] for counts in node_year_counts(g, nodes)]


def node_year_counts(g: CoauthorGraph, idx: np.ndarray) -> list[YearCounts]:
    """The years of the papers of every node ``idx`` of ``g`` (every paper of the graph's
    window, counted or not: what a node's size shows).

    Examples
    --------
    >>> from graphsvc.graph.csr import CoauthorGraph, Memberships
    >>> g = CoauthorGraph.build(Memberships.from_papers([1, 2], [[1, 2], [1], [2]],
    ...                                                 years=[2001, 2001, 0]))
    >>> node_year_counts(g, np.array([0, 1]))
    [[[2001, 2]], [[2001, 1]]]
    """
    owner, paper = g.author_paper_rows(idx)
    return per_owner_year_counts(
        owner, np.asarray(g.memberships.paper_year, dtype=np.int64)[paper], len(idx)
    )


def per_owner_year_counts(owner: np.ndarray, year: np.ndarray, n: int) -> list[YearCounts]:
    """``year_counts`` of the years of each owner ``0..n-1``: one sort of packed (owner,
    year) keys instead of one count per owner."""
    known = year > 0
    key, counts = np.unique((owner[known] << 32) | year[known], return_counts=True)
    rows = np.column_stack((key & 0xFFFFFFFF, counts)).tolist()
    cut = np.searchsorted(key >> 32, np.arange(n + 1)).tolist()
    return [rows[cut[i] : cut[i + 1]] for i in range(n)]


class EdgeYears:
    """The distinct known years of the counted joint papers of every edge of ``g``.

    Built once from every pair of every counted paper (vectorised, no loop per paper); then
    :meth:`of` answers for any edges ``(u, v)`` by node index.
    """

    def __init__(self, g: CoauthorGraph) -> None:
        mem = g.memberships
        papers = np.flatnonzero(np.asarray(g.paper_counted))
        lo, hi, pidx = paper_pairs(np.asarray(mem.paper_ptr), np.asarray(mem.paper_members),
                                   papers)
        year = np.asarray(mem.paper_year, dtype=np.int64)[pidx]
        known = year > 0
        n = max(int(g.n), 1)
        key = lo[known].astype(np.int64) * n + hi[known]
        year = year[known]
        del lo, hi, pidx, known
        order = np.lexsort((year, key))
        key, year = key[order], year[order]
        del order
        keep = np.ones(key.size, dtype=bool)
        if key.size:
            keep[1:] = (key[1:] != key[:-1]) | (year[1:] != year[:-1])
        key, self._year = key[keep], year[keep]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if key.size else key
        self._key = key[starts]
        self._ptr = np.append(starts, key.size)
        self._n = n

    def of(self, u: np.ndarray, v: np.ndarray) -> list[list[int]]:
        """Years of edges ``(u[i], v[i])`` (node indices, either order)."""
        a = np.minimum(u, v).astype(np.int64)
        b = np.maximum(u, v).astype(np.int64)
        key = a * self._n + b
        pos = np.searchsorted(self._key, key)
        out: list[list[int]] = []
        for k, p in zip(key.tolist(), pos.tolist(), strict=True):
            if p < self._key.size and int(self._key[p]) == k:
                out.append(self._year[self._ptr[p] : self._ptr[p + 1]].tolist())
            else:
                out.append([])
        return out


def enrich_subgraph(g: CoauthorGraph, sub: dict[str, Any]) -> dict[str, Any]:
    """Add ``first_year``, ``last_year`` and ``years`` to the nodes and ``years`` to the edges of
    an ego network or cohort dict (``GraphService.ego`` / ``cohort``) from the graph ``g`` of
    the same window; returns ``sub``, changed in place."""
    if not sub.get("nodes"):
        return sub
    idx = g.nodes(np.array([int(n["id"]) for n in sub["nodes"]], dtype=np.int64))
    first, last = node_years(g, idx)
    lists = node_year_lists(g, idx)
    for n, f, la, ys in zip(sub["nodes"], first.tolist(), last.tolist(), lists, strict=True):
        n["first_year"], n["last_year"], n["years"] = f or None, la or None, ys
    year = np.asarray(g.memberships.paper_year, dtype=np.int64)
    for e in sub.get("edges", []):
        u, v = g.node(int(e["source"])), g.node(int(e["target"]))
        ys = year[g.joint_papers(u, v)]
        e["years"] = np.unique(ys[ys > 0]).tolist()
    return sub
