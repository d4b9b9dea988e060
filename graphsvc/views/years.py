"""The years behind the ego view's year slider: per-year counts of every link's joint papers and
of every author's papers, so the page can redraw any year window without asking the server.

A window ``[a, b]`` of the slider keeps a link when its joint papers of years ``a..b`` number
at least the page's minimum joint papers, and keeps the authors within the page's radius of
the focus author along the kept links: the ego network of the window's graph (DESIGN.md
"Year window"), as ``GET /authors/{id}/ego?from_year=a&to_year=b`` answers it when the page
was not truncated. Papers of unknown year count in no window, as the server counts them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from graphsvc.graph.csr import CoauthorGraph

__all__ = ["edge_year_counts", "node_year_counts", "year_counts", "year_span"]

#: ``[[year, count], ...]``, years ascending
YearCounts = list[list[int]]


def year_counts(years: Sequence[int] | np.ndarray) -> YearCounts:
    """How many of ``years`` fall in each year, ascending; unknown years (``<= 0``) left out.

    Examples
    --------
    >>> year_counts([2003, 2001, 2003, 0])
    [[2001, 1], [2003, 2]]
    >>> year_counts([])
    []
    """
    y = np.asarray(years, dtype=np.int64)
    values, counts = np.unique(y[y > 0], return_counts=True)
    return [[int(v), int(c)] for v, c in zip(values, counts, strict=True)]


def edge_year_counts(g: CoauthorGraph, joint: Sequence[Sequence[int]]) -> list[YearCounts]:
    """The years of every link's joint papers, from their paper indices of ``g``.

    Examples
    --------
    >>> from graphsvc.graph.csr import CoauthorGraph, Memberships
    >>> g = CoauthorGraph.build(Memberships.from_papers([1, 2], [[1, 2]] * 3,
    ...                                                 years=[2001, 2004, 2001]))
    >>> edge_year_counts(g, [[0, 1, 2], []])
    [[[2001, 2], [2004, 1]], []]
    """
    lens = np.fromiter((len(b) for b in joint), dtype=np.int64, count=len(joint))
    flat = np.fromiter((p for b in joint for p in b), dtype=np.int64, count=int(lens.sum()))
    owner = np.repeat(np.arange(len(joint), dtype=np.int64), lens)
    return _per_owner(owner, np.asarray(g.memberships.paper_year, dtype=np.int64)[flat],
                      len(joint))


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
    idx = np.asarray(idx, dtype=np.int64)
    ptr = np.asarray(g.author_paper_ptr, dtype=np.int64)
    starts = ptr[idx]
    lens = ptr[idx + 1] - starts
    total = int(lens.sum())
    ends = np.cumsum(lens)
    pos = np.repeat(starts - ends + lens, lens) + np.arange(total, dtype=np.int64)
    owner = np.repeat(np.arange(idx.size, dtype=np.int64), lens)
    paper = np.asarray(g.author_papers, dtype=np.int64)[pos]
    return _per_owner(owner, np.asarray(g.memberships.paper_year, dtype=np.int64)[paper],
                      int(idx.size))


def _per_owner(owner: np.ndarray, year: np.ndarray, n: int) -> list[YearCounts]:
    """``year_counts`` of the years of each owner ``0..n-1``: one sort of packed (owner,
    year) keys instead of one count per owner."""
    known = year > 0
    key, counts = np.unique((owner[known] << 32) | year[known], return_counts=True)
    rows = np.column_stack((key & 0xFFFFFFFF, counts)).tolist()
    cut = np.searchsorted(key >> 32, np.arange(n + 1)).tolist()
    return [rows[cut[i] : cut[i + 1]] for i in range(n)]


def year_span(counts: Sequence[YearCounts]) -> tuple[int, int] | None:
    """The first and last year in ``counts``, or ``None`` when there is no known year.

    Examples
    --------
    >>> year_span([[[2003, 1]], [], [[1999, 2], [2001, 1]]])
    (1999, 2003)
    >>> year_span([[]]) is None
    True
    """
    years = [yc[0] for c in counts for yc in c]
    return (min(years), max(years)) if years else None
