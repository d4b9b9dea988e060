"""How a network changed over time: an author's year-by-year timeline and per-year graph stats.

``timeline``: per year of an author's papers, the papers, the co-authors met for the first time,
the co-authors so far, and the distance profile on the graph of every paper up to that year
(cumulative). ``stats_by_year``: per publication year, the graph of that year's papers alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.analytics import component_labels, largest_component
from graphsvc.graph.csr import CoauthorGraph
from graphsvc.graph.paths import distance_profile

__all__ = ["first_met", "stats_by_year", "timeline"]


def first_met(g: CoauthorGraph, u: int) -> dict[int, int]:
    """The first year of a counted, dated joint paper with each co-author of node ``u``.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> m = Memberships.from_papers([1, 2, 3], [[1, 2], [1, 2, 3]], years=[2003, 2001])
    >>> first_met(CoauthorGraph.build(m), 0)
    {1: 2001, 2: 2001}
    """
    mem = g.memberships
    out: dict[int, int] = {}
    for p in g.author_paper_list(u).tolist():
        year = int(mem.paper_year[p])
        if not g.paper_counted[p] or year <= 0:
            continue
        for v in mem.paper_members[mem.paper_ptr[p] : mem.paper_ptr[p + 1]].tolist():
            if v != u and (v not in out or year < out[v]):
                out[v] = year
    return out


def timeline(
    svc: Any, author: str | int, *, max_team_size: int | None = None, profile: bool = True
) -> dict[str, Any]:
    """Per year of the author's papers: papers, new and total collaborators and (with
    ``profile``) the distance profile summary on the cumulative graph up to that year."""
    aid = svc.resolve(author)
    g = svc.graph(None, None, max_team_size)
    u = svc._node(g, aid)
    years_of = g.memberships.paper_year[g.author_paper_list(u)]
    papers = np.bincount(years_of[years_of > 0]) if years_of.size else np.zeros(0, int)
    met = first_met(g, u)
    new: np.ndarray = (np.bincount(np.fromiter(met.values(), dtype=np.int64, count=len(met)))
                       if met else np.zeros(0, dtype=np.int64))
    years = sorted({int(y) for y in years_of.tolist() if y > 0} | set(met.values()))
    rows = []
    total = 0
    for y in years:
        n_new = int(new[y]) if y < len(new) else 0
        total += n_new
        row: dict[str, Any] = {
            "year": y,
            "papers": int(papers[y]) if y < len(papers) else 0,
            "new_collaborators": n_new,
            "total_collaborators": total,
        }
        if profile:
            row["distances"] = _profile_summary(svc.graph(None, y, max_team_size), u)
        rows.append(row)
    return {
        "author": svc.author_ref(aid),
        "max_team_size": svc.team_size(max_team_size),
        "undated_papers": int((years_of <= 0).sum()),
        "years": rows,
    }


def _profile_summary(g: CoauthorGraph, u: int) -> dict[str, Any]:
    """Reachable authors, mean and largest distance from ``u`` in ``g``'s window."""
    mask = g.in_window()
    mask[u] = True
    counts, _ = distance_profile(g, u, node_mask=mask)
    reach = int(sum(counts[1:]))
    mean = sum(d * c for d, c in enumerate(counts)) / reach if reach else None
    return {"reachable": reach, "mean": None if mean is None else round(mean, 4),
            "max": len(counts) - 1 if reach else None}


def stats_by_year(
    svc: Any,
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    max_team_size: int | None = None,
) -> dict[str, Any]:
    """Per publication year: authors, papers, co-author edges, the largest component's share
    of the authors and the mean team size of that year's papers."""
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidQuery(f"year window is empty: from {year_from} to {year_to}")
    cap = svc.team_size(max_team_size)
    mem = svc.memberships()
    years = np.asarray(mem.paper_year)
    sizes = mem.team_sizes()
    present = np.unique(years[years > 0])
    if year_from is not None:
        present = present[present >= year_from]
    if year_to is not None:
        present = present[present <= year_to]
    rows = []
    for y in present.tolist():
        # built here, not through the service's cache: one graph per year would evict it
        g = CoauthorGraph.build(mem, max_team_size=cap, year_from=y, year_to=y).window_only()
        _, labels = component_labels(g.indptr, g.indices)
        big = largest_component(labels).size
        in_year = years == y
        rows.append({
            "year": int(y),
            "authors": g.n,
            "papers": int(in_year.sum()),
            "edges": g.n_edges,
            "largest_component_share": round(big / g.n, 4) if g.n else 0.0,
            "mean_team_size": round(float(sizes[in_year].mean()), 4),
        })
    return {"max_team_size": cap, "undated_papers": int((years <= 0).sum()), "years": rows}
