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

from graphsvc.graph.export_years import YearCounts, node_year_counts, per_owner_year_counts

if TYPE_CHECKING:
    from graphsvc.graph.csr import CoauthorGraph

__all__ = ["edge_year_counts", "node_year_counts", "year_counts", "year_span"]

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
    return per_owner_year_counts(
        owner, np.asarray(g.memberships.paper_year, dtype=np.int64)[flat], len(joint)
    )


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
