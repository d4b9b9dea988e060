"""Networks as answers: collaborators, ego networks, cohorts and communities, as JSON-ready
node and edge lists (the facade ``GraphService`` delegates here).

Plain functions taking the service first: it resolves authors, holds the graph cache and the
store; the algorithms are in ``graphsvc.graph.neighbourhood`` and ``graphsvc.graph.community``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.csr import CoauthorGraph
from graphsvc.graph.service import _check_limit, _window

__all__ = ["cohort", "collaborators", "communities", "ego", "subgraph"]


def subgraph(
    svc: Any,
    g: CoauthorGraph,
    nodes: np.ndarray,
    focus: int | None = None,
    dist: dict[int, int] | None = None,
    min_papers: int = 1,
) -> dict[str, Any]:
    """Nodes and edges of an induced subgraph as JSON-ready lists; with ``min_papers``, only
    the edges with at least that many joint papers."""
    from graphsvc.graph.neighbourhood import induced_edges

    # whole columns to Python at once: a numpy scalar per field and row was most of an ego
    # answer's CPU
    nodes = np.asarray(nodes, dtype=np.int64)
    ids = g.author_ids[nodes].tolist()
    names = svc.store.author_names(ids)
    paper_ptr, indptr = g.author_paper_ptr, g.indptr
    n_papers = (paper_ptr[nodes + 1] - paper_ptr[nodes]).tolist()
    degrees = (indptr[nodes + 1] - indptr[nodes]).tolist()
    node_rows = []
    for v, aid, n_pap, deg in zip(nodes.tolist(), ids, n_papers, degrees, strict=True):
        row: dict[str, Any] = {
            "id": aid,
            "name": names.get(aid, ""),
            "papers": n_pap,
            "degree": deg,
        }
        if dist is not None:
            row["distance"] = dist.get(v)
        node_rows.append(row)
    u, v, papers, weight, first, last = induced_edges(g, nodes)
    if min_papers > 1:
        strong = papers >= min_papers
        u, v, papers, weight = u[strong], v[strong], papers[strong], weight[strong]
        first, last = first[strong], last[strong]
    edges = [
        {
            "source": a,
            "target": b,
            "papers": p,
            "weight": round(w, 6),
            "first_year": f or None,
            "last_year": la or None,
        }
        for a, b, p, w, f, la in zip(
            g.author_ids[u].tolist(), g.author_ids[v].tolist(), papers.tolist(),
            np.asarray(weight, dtype=np.float64).tolist(), first.tolist(), last.tolist(),
            strict=True)
    ]
    out: dict[str, Any] = {"nodes": node_rows, "edges": edges}
    if focus is not None:
        out["center"] = svc.author_ref(focus)
    return out


def _native(
    svc: Any,
    name: str,
    aid: int,
    year_from: int | None,
    year_to: int | None,
    max_team_size: int | None,
    **kwargs: Any,
) -> dict[str, Any] | None:
    """The answer of the store's own query ``name`` (``ego_native``, ``collaborators_native``)
    about author ``aid``, or ``None`` when the store has none or cannot apply the team-size cap
    (the year window is checked first)."""
    native = getattr(svc.store, name, None)
    if native is None or not svc._native_ok(max_team_size):
        return None
    _window(year_from, year_to)
    return dict(native(aid, year_from=year_from, year_to=year_to, **kwargs))


def _node_array(g: CoauthorGraph, sub: dict[str, Any]) -> np.ndarray:
    """The node indices in ``g`` of the authors of an ego network or cohort answer, sorted."""
    return np.array(sorted(g.node(n["id"]) for n in sub["nodes"]), dtype=np.int64)


def ego(
    svc: Any,
    author: str | int,
    *,
    radius: int = 1,
    min_papers: int = 1,
    max_nodes: int | None = 300,
    year_from: int | None = None,
    year_to: int | None = None,
    max_team_size: int | None = None,
) -> dict[str, Any]:
    """Authors within ``radius`` hops along edges with ≥ ``min_papers`` joint papers."""
    from graphsvc.graph.neighbourhood import ego
    from graphsvc.graph.paths import distances_from, slot_mask_min_papers

    if not 1 <= radius <= 3:
        raise InvalidQuery("radius must be 1, 2 or 3")
    if min_papers < 1:
        raise InvalidQuery("min_papers must be at least 1")
    if max_nodes is not None and max_nodes < 1:
        raise InvalidQuery("max_nodes must be at least 1")
    aid = svc.resolve(author)
    res = _native(
        svc, "ego_native", aid, year_from, year_to, max_team_size,
        radius=radius, min_papers=min_papers, max_nodes=max_nodes,
    )
    if res is not None:
        return res
    g = svc.graph(year_from, year_to, max_team_size)
    u = svc._node(g, aid)
    nodes, truncated = ego(g, u, radius=radius, min_papers=min_papers, max_nodes=max_nodes)
    if radius == 1:  # the author and the co-authors it reached: no BFS needed
        dist = {int(v): int(v != u) for v in nodes}
    else:
        mask = slot_mask_min_papers(g, min_papers) if min_papers > 1 else None
        d = distances_from(g, u, nodes, slot_mask=mask)
        dist = {int(v): int(x) for v, x in zip(nodes, d, strict=True)}
    out = subgraph(svc, g, nodes, aid, dist, min_papers=min_papers)
    out.update(
        radius=radius, min_papers=min_papers, max_nodes=max_nodes, truncated=bool(truncated)
    )
    return out


def cohort(
    svc: Any,
    authors: Sequence[str | int],
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    max_team_size: int | None = None,
) -> dict[str, Any]:
    """The subgraph induced by a list of authors, with its connected components."""
    from graphsvc.errors import GraphsvcError
    from graphsvc.graph.neighbourhood import cohort

    g = svc.graph(year_from, year_to, max_team_size)
    nodes: list[int] = []
    unresolved = []
    for a in authors:
        try:
            v = svc._node(g, svc.resolve(a))
        except GraphsvcError as exc:
            unresolved.append({"query": str(a), "error": exc.type, "message": str(exc)})
            continue
        if v not in nodes:
            nodes.append(v)
    arr = np.array(sorted(nodes), dtype=np.int64)
    out = subgraph(svc, g, arr)
    out["components"] = [[int(g.author_ids[v]) for v in comp] for comp in cohort(g, arr)]
    out["unresolved"] = unresolved
    return out


_cohort = cohort  # for ``communities``, whose argument ``cohort`` hides the function


def communities(
    svc: Any,
    *,
    method: str = "louvain",
    author: str | int | None = None,
    radius: int = 2,
    cohort: Sequence[str | int] = (),
    seed: int = 0,
    top: int = 5,
    limit: int = 50,
    year_from: int | None = None,
    year_to: int | None = None,
    max_team_size: int | None = None,
) -> dict[str, Any]:
    """Communities (Louvain or Leiden) of the whole graph, an ego network or a cohort."""
    from graphsvc.graph.community import central_members, communities, modularity

    if method not in ("louvain", "leiden"):
        raise InvalidQuery("method must be louvain or leiden")
    g = svc.graph(year_from, year_to, max_team_size)
    nodes = None
    scope = "graph"
    if author is not None:
        sub = ego(
            svc, author, radius=radius, max_nodes=None, year_from=year_from, year_to=year_to,
            max_team_size=max_team_size,
        )
        nodes = _node_array(g, sub)
        scope = f"ego of {sub['center']['name']} (radius {radius})"
    elif cohort:
        sub = _cohort(
            svc, cohort, year_from=year_from, year_to=year_to, max_team_size=max_team_size
        )
        nodes = _node_array(g, sub)
        scope = f"cohort of {len(nodes)} authors"
    if nodes is None:  # the whole graph: in a window, its authors only
        g = g.window_only()
    parts = communities(g, method=method, nodes=nodes, seed=seed)  # type: ignore[arg-type]
    rows = []
    for i, part in enumerate(parts[:limit]):
        central = [int(g.author_ids[v]) for v in central_members(g, part, top)]
        names = svc.store.author_names(central)
        rows.append(
            {
                "community": i,
                "size": int(len(part)),
                "central": [{"id": c, "name": names.get(c, "")} for c in central],
            }
        )
    return {
        "method": method,
        "scope": scope,
        "seed": seed,
        "modularity": round(float(modularity(g, parts)), 6),
        "count": len(parts),
        "communities": rows,
    }


def collaborators(
    svc: Any,
    author: str | int,
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    max_team_size: int | None = None,
    min_papers: int = 1,
    limit: int = 100,
    offset: int = 0,
    with_papers: bool = False,
) -> dict[str, Any]:
    """Collaborators ranked by joint papers, then most recent joint year, then name."""
    from graphsvc.graph.neighbourhood import collaborators as ranked

    limit = _check_limit(limit)
    aid = svc.resolve(author)
    res = _native(
        svc, "collaborators_native", aid, year_from, year_to, max_team_size,
        min_papers=min_papers, limit=limit, offset=offset, with_papers=with_papers,
    )
    if res is not None:
        return res
    g = svc.graph(year_from, year_to, max_team_size)
    u = svc._node(g, aid)
    nbrs = g.neighbours(u)
    names_map = svc.store.author_names(int(g.author_ids[v]) for v in nbrs)
    names = _NameLookup(g, names_map)
    rows = ranked(g, u, min_papers=min_papers, names=names)
    page = rows[offset : offset + limit]
    out = []
    for v, papers, first, last, weight in page:
        vid = int(g.author_ids[v])
        item: dict[str, Any] = {
            "id": vid,
            "name": names_map.get(vid, ""),
            "papers": int(papers),
            "first_year": int(first) or None,
            "last_year": int(last) or None,
            "weight": round(float(weight), 6),
        }
        if with_papers:
            item["joint_papers"] = svc._papers(g, g.joint_papers(u, v))
        out.append(item)
    return {
        "author": svc.author_ref(aid),
        "total": len(rows),
        "offset": offset,
        "limit": limit,
        "collaborators": out,
    }


class _NameLookup(Sequence[str]):
    """Names by node index, fetched lazily for the nodes a query actually touches."""

    def __init__(self, g: CoauthorGraph, known: dict[int, str]) -> None:
        self._g = g
        self._known = known

    def __len__(self) -> int:
        return self._g.n

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self._known.get(int(self._g.author_ids[i]), "")
