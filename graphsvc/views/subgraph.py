"""What a network view shows of a subgraph: positions, communities, joint papers, top co-authors.

A ``GraphService`` answer (ego, path, cohort) lists nodes and edges; a :class:`View` adds what a
person needs to read it: a server-side layout (so the browser draws at once instead of running
a physics simulation), communities computed on the subgraph itself, the newest joint papers of
every edge (the evidence a tooltip lists) and every author's strongest collaborators
(both from ``graphsvc.views.evidence``) and, for the ego view's year slider, every node's and
edge's papers per year (``graphsvc.views.years``).
"""

from __future__ import annotations

import math
import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from graphsvc.errors import AuthorNotFound
from graphsvc.views.evidence import (
    PAPERS_PER_EDGE,
    all_joint_papers,
    joint_papers_by_edge,
    newest,
    paper_details,
    top_collaborators,
)
from graphsvc.views.years import edge_year_counts, node_year_counts, year_span

if TYPE_CHECKING:
    from graphsvc.graph.csr import CoauthorGraph
    from graphsvc.graph.service import GraphService

__all__ = [
    "OTHER_COLOUR",
    "PALETTE",
    "View",
    "build_view",
    "joint_papers_by_edge",
    "layered_layout",
    "layout",
    "node_radius",
    "top_collaborators",
]

#: community colours, largest community first (Tableau 10 without its grey: distinct for most
#: forms of colour blindness, readable under dark labels)
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#86bcb6",
)
#: authors of the smaller communities (and of none) share one neutral colour
OTHER_COLOUR = "#bab0ac"

#: room per node in the layout: about SPACING x SPACING CSS pixels at zoom 1
SPACING = 60.0
#: node radius range in pixels (vis-network ``scaling.min``/``max``); ``value`` is sqrt(papers)
NODE_MIN, NODE_MAX = 7.0, 30.0
#: at least this many pixels between two node discs after the layout
GAP = 6.0
#: above this many nodes the layout uses igraph's grid-accelerated Fruchterman-Reingold
GRID_LAYOUT = 300
_IGRAPH_RNG = threading.Lock()


def spacing(n: int) -> float:
    """Room per node for a view of ``n`` nodes: small views get more, so they fill the canvas
    at zoom 1 instead of huddling in its middle.

    Examples
    --------
    >>> spacing(10), spacing(115), spacing(1000)
    (130.0, 95.0, 60.0)
    """
    return float(np.interp(n, [30, 200], [2.1667 * SPACING, SPACING]).round(0))


def node_radius(papers: Sequence[int] | np.ndarray) -> np.ndarray:
    """The radius vis-network gives each node: ``value = sqrt(papers)`` scaled linearly from
    ``NODE_MIN`` to ``NODE_MAX`` over the view (the middle when all are equal).

    Examples
    --------
    >>> node_radius([1, 4, 9]).tolist()
    [7.0, 18.5, 30.0]
    """
    v = np.sqrt(np.maximum(np.asarray(papers, dtype=np.float64), 1.0))
    if v.size == 0:
        return v
    lo, hi = float(v.min()), float(v.max())
    if hi == lo:
        return np.full(v.size, (NODE_MIN + NODE_MAX) / 2)
    return NODE_MIN + (v - lo) / (hi - lo) * (NODE_MAX - NODE_MIN)


@dataclass(slots=True)
class View:
    """A subgraph ready to draw; every list is JSON-ready.

    ``nodes``: ``id``, ``name``, ``papers``, ``x``, ``y``, ``community`` (index into
    ``communities`` or ``None``), ``top`` (``[name, joint papers]`` pairs), ``focus`` and, for
    ego networks, ``distance``. ``edges``: ``source``, ``target``, ``papers`` (joint papers),
    ``first_year``, ``last_year``, ``evidence`` (paper ids, newest first, at most
    ``PAPERS_PER_EDGE``). ``papers``: details by paper id. ``communities``: ``size``,
    ``colour``, ``central`` (names), largest first. ``year_span``: the first and last year of
    the joint papers when nodes and edges carry ``by_year`` (the year slider's range).
    """

    kind: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    papers: dict[int, dict[str, Any]]
    communities: list[dict[str, Any]]
    focus: list[int] = field(default_factory=list)
    other_communities: int = 0
    year_span: tuple[int, int] | None = None


# -- layout -------------------------------------------------------------------------------------
def layout(
    n: int,
    edges: Sequence[tuple[int, int]],
    weights: Sequence[float] | None = None,
    *,
    radii: np.ndarray | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Positions ``(n, 2)`` in pixels for ``n`` nodes: Fruchterman-Reingold (igraph), scaled,
    then nudged apart so no two discs of ``radii`` overlap.

    The same input gives the same positions (a seeded start instead of a random one). The
    result is centred on the origin and gives each node about ``SPACING``² pixels².

    Examples
    --------
    >>> xy = layout(3, [(0, 1), (1, 2)])
    >>> xy.shape, bool(np.allclose(xy.mean(axis=0), 0, atol=0.1))
    ((3, 2), True)
    >>> bool((layout(3, [(0, 1), (1, 2)]) == xy).all())
    True
    >>> layout(1, []).tolist()
    [[0.0, 0.0]]
    """
    if n <= 1:
        return np.zeros((n, 2))
    import igraph

    g = igraph.Graph(n=n, edges=list(edges), directed=False)
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, size=(n, 2)) * math.sqrt(n)
    w = None if weights is None else [1.0 + math.log(max(float(x), 1.0)) for x in weights]
    big = n > GRID_LAYOUT
    # igraph draws from one process-wide generator: a private seeded one, one layout at a time
    with _IGRAPH_RNG:
        igraph.set_random_number_generator(random.Random(seed))
        try:
            coords = g.layout_fruchterman_reingold(
                weights=w, niter=300 if big else 500, seed=start.tolist(),
                grid="grid" if big else "nogrid",
            ).coords
        finally:
            igraph.set_random_number_generator(random)
    xy = np.asarray(coords, dtype=np.float64)
    xy -= xy.mean(axis=0)
    lo, hi = np.percentile(xy, 2, axis=0), np.percentile(xy, 98, axis=0)
    extent = hi - lo
    extent = np.maximum(extent, 0.25 * float(extent.max()) + 1e-9)  # a chain is not flat
    room = spacing(n)
    xy *= math.sqrt(n * room * room / float(np.prod(extent)))
    if radii is not None:
        _separate(xy, np.asarray(radii, dtype=np.float64) + GAP / 2, rng)
    return np.round(xy - xy.mean(axis=0), 1)


def layered_layout(
    n: int, edges: Sequence[tuple[int, int]], source: int, *, dx: float = 230.0,
    dy: float = 110.0,
) -> np.ndarray:
    """Positions for the union of shortest paths: column ``k`` holds the nodes ``k`` hops from
    ``source``, each column ordered by its neighbours in the previous one and centred.

    Examples
    --------
    >>> layered_layout(4, [(0, 1), (0, 2), (1, 3), (2, 3)], 0).tolist()
    [[-230.0, 0.0], [0.0, -55.0], [0.0, 55.0], [230.0, 0.0]]
    """
    adj: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        adj[a].append(b)
        adj[b].append(a)
    level = [-1] * n
    level[source] = 0
    frontier = [source]
    while frontier:
        nxt = []
        for u in frontier:
            for v in adj[u]:
                if level[v] < 0:
                    level[v] = level[u] + 1
                    nxt.append(v)
        frontier = nxt
    top = max(level)
    for i in range(n):  # not reached from the source (should not happen): a last column
        if level[i] < 0:
            level[i] = top + 1
    columns: dict[int, list[int]] = {}
    for i in range(n):
        columns.setdefault(level[i], []).append(i)
    xy = np.zeros((n, 2))
    rank: dict[int, float] = {}
    def bary(v: int, k: int) -> float:
        prev = [rank[u] for u in adj[v] if level[u] == k - 1 and u in rank]
        return sum(prev) / len(prev) if prev else 0.0

    for k in sorted(columns):
        col = columns[k]
        col.sort(key=lambda v: (bary(v, k), v))  # noqa: B023 - used at once, inside the loop
        for j, v in enumerate(col):
            rank[v] = j - (len(col) - 1) / 2
            xy[v] = (k * dx, rank[v] * dy)
    xy[:, 0] -= (max(level) * dx) / 2
    return np.round(xy, 1)


def _separate(xy: np.ndarray, r: np.ndarray, rng: np.random.Generator, rounds: int = 40) -> None:
    """Push overlapping discs apart in place (half the overlap each, a few rounds): clusters
    that the force layout packed into one blob become readable."""
    from scipy.spatial import cKDTree

    reach = 2 * float(r.max())
    for _ in range(rounds):
        pairs = cKDTree(xy).query_pairs(reach, output_type="ndarray")
        if not len(pairs):
            return
        i, j = pairs[:, 0], pairs[:, 1]
        d = xy[j] - xy[i]
        dist = np.hypot(d[:, 0], d[:, 1])
        need = r[i] + r[j]
        over = dist < need
        if not over.any():
            return
        i, j, d, dist, need = i[over], j[over], d[over], dist[over], need[over]
        same = dist < 1e-6
        if same.any():  # coincident points: any direction will do
            angle = rng.uniform(0, 2 * math.pi, int(same.sum()))
            d[same] = np.column_stack((np.cos(angle), np.sin(angle)))
            dist[same] = 1.0
        push = d / dist[:, None] * ((need - dist) / 2)[:, None]
        np.add.at(xy, i, -push)
        np.add.at(xy, j, push)


# -- communities --------------------------------------------------------------------------------
def _communities(
    g: CoauthorGraph, idx: np.ndarray, seed: int
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Community rank of every node in ``idx`` (largest first) and the communities themselves."""
    from graphsvc.graph.community import communities

    parts = communities(g, nodes=np.unique(idx), seed=seed)
    rank = np.full(int(g.n), -1, dtype=np.int64)
    for i, part in enumerate(parts):
        rank[part] = i
    return rank[idx], parts


# -- the view -------------------------------------------------------------------------------------
def build_view(
    svc: GraphService,
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    *,
    kind: str,
    focus: Sequence[int] = (),
    year_from: int | None = None,
    year_to: int | None = None,
    evidence: Mapping[tuple[int, int], Sequence[Mapping[str, Any]]] | None = None,
    years: bool = False,
    seed: int = 0,
) -> View:
    """A :class:`View` of ``nodes``/``edges`` as a ``GraphService`` answer lists them.

    ``edges`` need ``source``, ``target`` (author ids) and ``papers``. ``evidence`` maps an
    (author id, author id) pair to its joint papers when the answer already has them (path
    hops); otherwise they are read from the graph of the same year window. With ``years``
    (and no ``evidence``) every node and edge gets ``by_year``, its papers per year, and the
    view its ``year_span``: what the ego page's year slider redraws from.
    """
    g = svc.graph(year_from, year_to)
    ids = [int(n["id"]) for n in nodes]
    try:
        idx = g.nodes(ids) if ids else np.zeros(0, dtype=np.int64)
    except KeyError as exc:
        raise AuthorNotFound(f"no author with id {exc.args[0]} in this graph") from None
    local = {a: i for i, a in enumerate(ids)}
    pairs = [(local[int(e["source"])], local[int(e["target"])]) for e in edges]

    paper_counts = [int(n.get("papers") or g.paper_count(int(v))) for n, v in zip(nodes, idx,
                                                                                   strict=True)]
    if kind == "path" and focus and int(focus[0]) in local:
        xy = layered_layout(len(ids), pairs, local[int(focus[0])])
    else:
        xy = layout(len(ids), pairs, [float(e.get("papers") or 1) for e in edges],
                    radii=node_radius(paper_counts), seed=seed)
    community, parts = _communities(g, idx, seed) if ids else (np.zeros(0, np.int64), [])
    # communities come largest first, so the ones worth a colour are a prefix
    coloured = parts[: min(len(PALETTE), sum(1 for p in parts if p.size > 1))]

    papers: dict[int, dict[str, Any]] = {}
    ev_ids: list[list[int]]
    by_year: tuple[list[Any], list[Any]] | None = None
    if evidence is not None:
        ev_ids = []
        for e in edges:
            key = (int(e["source"]), int(e["target"]))
            rows = evidence.get(key) or evidence.get((key[1], key[0])) or []
            ev_ids.append([int(p["id"]) for p in rows[:PAPERS_PER_EDGE]])
            for p in rows[:PAPERS_PER_EDGE]:
                papers[int(p["id"])] = {
                    "title": p.get("title") or "",
                    "year": p.get("year"),
                    "venue": p.get("venue") or "",
                    "doi": p.get("doi"),
                    "source_id": p.get("source_id"),
                }
    else:
        every = all_joint_papers(g, idx, pairs)
        by_edge = newest(g, every, PAPERS_PER_EDGE)
        if years:
            by_year = (node_year_counts(g, idx), edge_year_counts(g, every))
        pid = np.asarray(g.memberships.paper_ids)
        ev_ids = [[int(pid[p]) for p in b] for b in by_edge]
        papers = paper_details(svc.store, (p for b in ev_ids for p in b))
        for ev in ev_ids:  # newest first, then title, as the service lists papers
            ev.sort(key=lambda p: (-(papers.get(p, {}).get("year") or 0),
                                   papers.get(p, {}).get("title") or "", p))

    tops = top_collaborators(g, idx)
    central = [
        [int(g.author_ids[v]) for v in _central(g, part)] for part in coloured
    ]
    wanted = {a for t in tops for a, _ in t} | {a for c in central for a in c}
    known = {int(n["id"]): str(n.get("name") or "") for n in nodes}
    names = dict(known)
    missing = [a for a in wanted if a not in known]
    if missing:
        names.update(svc.store.author_names(missing))

    focus_set = {int(f) for f in focus}
    out_nodes = []
    for i, n in enumerate(nodes):
        c = int(community[i]) if i < community.size else -1
        row: dict[str, Any] = {
            "id": ids[i],
            "name": str(n.get("name") or ""),
            "papers": paper_counts[i],
            "x": float(xy[i, 0]),
            "y": float(xy[i, 1]),
            "community": c if 0 <= c < len(coloured) else None,
            "top": [[names.get(a, ""), p] for a, p in tops[i]],
            "focus": ids[i] in focus_set,
        }
        if n.get("distance") is not None:
            row["distance"] = int(n["distance"])
        if by_year is not None:
            row["by_year"] = by_year[0][i]
        out_nodes.append(row)
    out_edges = [
        {
            "source": int(e["source"]),
            "target": int(e["target"]),
            "papers": int(e.get("papers") or len(ev_ids[k])),
            "weight": e.get("weight"),
            "first_year": e.get("first_year"),
            "last_year": e.get("last_year"),
            "evidence": ev_ids[k],
            **({"by_year": by_year[1][k]} if by_year is not None else {}),
        }
        for k, e in enumerate(edges)
    ]
    comms = [
        {
            "size": int(part.size),
            "colour": PALETTE[i],
            "central": [names.get(a, "") for a in central[i]],
        }
        for i, part in enumerate(coloured)
    ]
    return View(
        kind=kind,
        nodes=out_nodes,
        edges=out_edges,
        papers=papers,
        communities=comms,
        focus=[int(f) for f in focus],
        other_communities=len(parts) - len(coloured),
        year_span=year_span(by_year[1]) if by_year is not None else None,
    )


def _central(g: CoauthorGraph, part: np.ndarray, k: int = 3) -> np.ndarray:
    from graphsvc.graph.community import central_members

    return central_members(g, part, k)
