"""Collaboration paths as answers: shortest, all shortest, strongest, avoiding authors or
papers, batches; with the joint papers of every hop (the facade ``GraphService`` delegates here).

Plain functions taking the service first: it resolves authors, holds the graph cache and the
store; the path algorithms themselves are in ``graphsvc.graph.paths``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.csr import CoauthorGraph
from graphsvc.graph.service import _check_limit, _newest_first

__all__ = ["path", "path_pairs", "paths_json"]


def _masks(
    svc: Any,
    g: CoauthorGraph,
    avoid: Sequence[str | int],
    avoid_papers: Sequence[str],
    ends: Sequence[int],
) -> tuple[np.ndarray | None, np.ndarray | None]:
    from graphsvc.graph.paths import slot_mask_avoid_papers

    node_mask = None
    if avoid:
        node_mask = np.ones(g.n, dtype=bool)
        for a in avoid:
            v = svc._node(g, svc.resolve(a))
            if v in ends:
                raise InvalidQuery("cannot avoid an end of the path")
            node_mask[v] = False
    slot_mask = None
    if avoid_papers:
        idx = [svc._paper_index(g, p) for p in avoid_papers]
        slot_mask = slot_mask_avoid_papers(g, idx)
    return node_mask, slot_mask


def paths_json(
    svc: Any, g: CoauthorGraph, chains: Sequence[list[int]], ends: Sequence[int] = ()
) -> tuple[list[dict[str, Any]], dict[int, str]]:
    """Chains with the joint papers of every hop, and the names of their authors and of
    ``ends``: one store look-up for all the names and one for all the papers."""
    ids = {int(g.author_ids[v]) for chain in chains for v in chain}
    names = svc.store.author_names(sorted(ids.union(ends)))
    joint: dict[tuple[int, int], np.ndarray] = {}
    for chain in chains:
        for a, b in itertools.pairwise(chain):
            if (a, b) not in joint:
                joint[a, b] = g.joint_papers(a, b)
    wanted: np.ndarray | list[int] = (
        np.unique(np.concatenate(list(joint.values()))) if joint else []
    )
    by_idx = svc._paper_rows(g, wanted)
    out = []
    for chain in chains:
        hops = []
        for a, b in itertools.pairwise(chain):
            slot = g.edge_slot(a, b)
            hop: dict[str, Any] = {
                "from": int(g.author_ids[a]),
                "to": int(g.author_ids[b]),
                "joint_papers": int(g.papers[slot]),
                "papers": _newest_first(
                    [dict(by_idx[i]) for i in joint[a, b].tolist() if i in by_idx]
                ),
                # a tie from an edge list or GML, without papers: its weight
                "tie_weight": None if g.papers[slot] else float(g.weight[slot]),
            }
            hops.append(hop)
        authors = [int(g.author_ids[v]) for v in chain]
        out.append(
            {"authors": [{"id": i, "name": names.get(i, "")} for i in authors], "hops": hops}
        )
    return out, names


def path(
    svc: Any,
    source: str | int,
    target: str | int,
    *,
    all: bool = False,
    limit: int = 10,
    strongest: bool = False,
    avoid: Sequence[str | int] = (),
    avoid_papers: Sequence[str] = (),
    max_length: int | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    max_team_size: int | None = None,
) -> dict[str, Any]:
    """Shortest (or strongest) collaboration path(s) with the joint papers of every hop.

    Raises ``NoPath`` when the authors are not connected (within ``max_length``).
    """
    from graphsvc.graph import paths as P

    limit = _check_limit(limit)
    if max_length is not None and max_length < 1:
        raise InvalidQuery("max_length must be at least 1")
    a, b = svc.resolve(source), svc.resolve(target)
    if (
        hasattr(svc.store, "all_shortest_paths_native")
        and svc._native_ok(max_team_size)
        and not avoid
        and not avoid_papers
        and year_from is None
        and year_to is None
        # without GDS the store's strongest path searches a bounded projection, which can
        # miss the optimum (or any chain) that the engine finds on the whole graph
        and (not strongest or svc.store.gds_available())
    ):
        return _path_native(
            svc, a, b, all=all, limit=limit, strongest=strongest, max_length=max_length
        )
    g = svc.graph(year_from, year_to, max_team_size)
    s, t = svc._node(g, a), svc._node(g, b)
    node_mask, slot_mask = _masks(svc, g, avoid, avoid_papers, (s, t))
    if strongest:
        found = P.strongest_path(g, s, t, node_mask=node_mask, slot_mask=slot_mask)
        if found is None or (max_length is not None and len(found[1]) - 1 > max_length):
            raise svc.no_path(
                a,
                b,
                "not connected"
                if found is None
                else f"the strongest path is longer than {max_length}",
            )
        cost, nodes = found
        chains, names = paths_json(svc, g, [nodes], (a, b))
        return {
            **_ends(svc, a, b, names),
            "mode": "strongest",
            "length": len(nodes) - 1,
            "cost": round(cost, 6),
            "count": 1,
            "paths": chains,
        }
    # one shortest-path DAG gives the count and the chains (the first chain is the one
    # ``shortest_path`` picks, so the plain answer is ``all`` with a limit of one)
    length, count, plist = P.all_shortest_paths(
        g,
        s,
        t,
        limit=limit if all else 1,
        node_mask=node_mask,
        slot_mask=slot_mask,
        max_length=max_length,
    )
    if length is None:
        why = "not connected" if max_length is None else f"no path of length ≤ {max_length}"
        raise svc.no_path(a, b, why)
    chains, names = paths_json(svc, g, plist, (a, b))
    return {
        **_ends(svc, a, b, names),
        "mode": "all" if all else "shortest",
        "length": int(length),
        "count": int(count),
        "paths": chains,
    }


def _ends(svc: Any, a: int, b: int, names: dict[int, str]) -> dict[str, Any]:
    """``from`` and ``to`` of a path answer, from names already fetched where possible."""
    return {
        "from": {"id": a, "name": names[a]} if a in names else svc.author_ref(a),
        "to": {"id": b, "name": names[b]} if b in names else svc.author_ref(b),
    }


def _path_native(
    svc: Any, a: int, b: int, *, all: bool, limit: int, strongest: bool, max_length: int | None
) -> dict[str, Any]:
    """Paths answered by the store itself (Neo4j's path search), in the engine's shape."""
    st = svc.store

    def hops(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "from": h["source"],
                "to": h["target"],
                "joint_papers": h["papers"],
                "papers": h["joint_papers"],
                "tie_weight": h.get("tie_weight"),
            }
            for h in raw
        ]

    if strongest:
        r = st.strongest_path_native(a, b)
        # the store's answer names both ends: no more round trips for them
        base = {"from": r["source"], "to": r["target"]}
        if max_length is not None and r["length"] > max_length:
            raise svc.no_path(a, b, f"the strongest path is longer than {max_length}")
        return {
            **base,
            "mode": "strongest",
            "length": r["length"],
            "cost": round(r["cost"], 6),
            "count": 1,
            "method": r.get("method"),
            "paths": [{"authors": r["path"], "hops": hops(r["hops"])}],
        }
    r = st.all_shortest_paths_native(a, b, limit=limit if all else 1, max_length=max_length)
    base = {"from": r["source"], "to": r["target"]}
    paths = [
        {"authors": chain, "hops": hops(st.hops_native([x["id"] for x in chain]))}
        for chain in r["paths"]
    ]
    out = {
        **base,
        "mode": "all" if all else "shortest",
        "length": r["length"],
        "count": r["count"],
        "paths": paths,
    }
    if not r.get("count_exact", True):  # the engine's counts are exact: said only when not
        out["count_exact"] = False
    return out


def path_pairs(
    svc: Any,
    pairs: Sequence[tuple[str, str]],
    *,
    year_from: int | None = None,
    year_to: int | None = None,
    max_team_size: int | None = None,
    max_length: int | None = None,
) -> list[dict[str, Any]]:
    """Batch collaboration distances: ``{from, to, length, count}`` per pair (or ``error``)."""
    from graphsvc.errors import GraphsvcError
    from graphsvc.graph.pathcount import distance_counts

    g = svc.graph(year_from, year_to, max_team_size)
    nodes: dict[str, int | GraphsvcError] = {}

    def node(text: str) -> int:
        # a name or id met before (batches repeat their authors) is resolved once; an id of
        # an author in the graph needs no store look-up at all
        v = nodes.get(text)
        if v is None:
            try:
                v = _graph_node(g, text)
                if v is None:
                    v = int(svc._node(g, svc.resolve(text)))
            except GraphsvcError as exc:
                v = exc
            nodes[text] = v
        if isinstance(v, GraphsvcError):
            raise v
        return v

    out = []
    todo: list[tuple[dict[str, Any], int, int]] = []  # rows whose two authors are in the graph
    for x, y in pairs:
        row: dict[str, Any] = {"from": x, "to": y}
        try:
            todo.append((row, node(x), node(y)))
        except GraphsvcError as exc:
            row.update(length=None, count=0, error=exc.type, message=str(exc))
        out.append(row)
    # every search at once: with the C search (graph.native) one call for the whole batch
    answers = distance_counts(g, [s for _, s, _ in todo], [t for _, _, t in todo],
                              max_length=max_length)
    for (row, _, _), (length, count) in zip(todo, answers, strict=True):
        row.update(length=length, count=int(count) if length is not None else 0)
    return out


def _graph_node(g: Any, text: str) -> int | None:
    """The node of an author id written as digits, when the graph has it (else None)."""
    s = str(text).strip()
    if not (s.isascii() and s.isdigit() and len(s) <= 18):
        return None
    i = int(np.searchsorted(g.author_ids, int(s)))
    return i if i < g.n and int(g.author_ids[i]) == int(s) else None
