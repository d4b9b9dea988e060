"""What an export writes: node and edge rows in chunks (:class:`ExportData`), from a subgraph
answer or from the whole graph of a year window, and the formats on offer (``FORMATS``).

The writers (``graphsvc.graph.export_xml``, ``graphsvc.graph.export_flat``) read only this;
``graphsvc.graph.export`` picks one by format name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from graphsvc.graph.export_years import EdgeYears, node_year_lists, node_years

if TYPE_CHECKING:
    from graphsvc.graph.csr import CoauthorGraph

__all__ = [
    "EDGE_ATTRS",
    "EDGE_CHUNK",
    "FORMATS",
    "NODE_CHUNK",
    "ExportData",
    "Format",
    "Row",
    "encode",
    "from_graph",
    "from_subgraph",
]


@dataclass(frozen=True)
class Format:
    media_type: str
    suffix: str


FORMATS: dict[str, Format] = {
    "graphml": Format("application/graphml+xml", ".graphml"),
    "gexf": Format("application/gexf+xml", ".gexf"),
    "csv": Format("application/zip", ".csv.zip"),
    "json": Format("application/json", ".json"),
    "pajek": Format("text/plain; charset=utf-8", ".net"),
    "vosviewer": Format("application/zip", ".vosviewer.zip"),
}

NODE_CHUNK = 5_000
EDGE_CHUNK = 20_000

Row = dict[str, Any]


@dataclass
class ExportData:
    """What to write: node and edge rows in chunks, plus what the writers need to know.

    ``nodes()`` and ``edges()`` may be called more than once (each call starts over); node rows
    come in ascending id order. ``links`` and ``strength`` (VOSviewer's link count and total link
    strength per author) are computed over the exported graph. Called with ``years=True`` they
    add ``years`` (the distinct known years with papers, ascending) to every row, when known.
    """

    title: str
    n_nodes: int
    n_edges: int
    nodes: Callable[..., Iterator[list[Row]]]
    edges: Callable[..., Iterator[list[Row]]]
    node_attrs: tuple[str, ...] = ("papers", "first_year", "last_year")
    in_memory: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


#: the edge attributes every format that has room for them writes, with their types
EDGE_ATTRS = (("papers", "int"), ("weight", "double"), ("first_year", "int"),
               ("last_year", "int"))


def encode(lines: Iterable[str]) -> Iterator[bytes]:
    for text in lines:
        yield text.encode("utf-8")


# -- sources ----------------------------------------------------------------------------------
def from_subgraph(sub: dict[str, Any], *, title: str = "graphsvc subgraph") -> ExportData:
    """Export data for an ego network or cohort dict (``GraphService.ego`` / ``cohort``).

    Node years are taken from the nodes when they carry ``first_year``/``last_year``, else from
    their edges in the subgraph.

    Examples
    --------
    >>> sub = {"nodes": [{"id": 1, "name": "Ada", "papers": 2}, {"id": 2, "name": "Bo",
    ...        "papers": 1}], "edges": [{"source": 1, "target": 2, "papers": 1, "weight": 1.0,
    ...        "first_year": 2001, "last_year": 2001}]}
    >>> from graphsvc.graph.export import export
    >>> print(b"".join(export(from_subgraph(sub), "pajek")).decode())
    *Vertices 2
    1 "Ada"
    2 "Bo"
    *Edges
    1 2 1
    <BLANKLINE>
    """
    nodes = sorted((dict(n) for n in sub.get("nodes", [])), key=lambda n: int(n["id"]))
    edges = [dict(e) for e in sub.get("edges", [])]
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    links: dict[int, int] = {}
    strength: dict[int, int] = {}
    for e in edges:
        for end in (int(e["source"]), int(e["target"])):
            links[end] = links.get(end, 0) + 1
            strength[end] = strength.get(end, 0) + int(e.get("papers") or 0)
            if e.get("first_year"):
                first[end] = min(first.get(end, 10**9), int(e["first_year"]))
            if e.get("last_year"):
                last[end] = max(last.get(end, 0), int(e["last_year"]))
    attrs = ["papers", "first_year", "last_year"]
    if any("distance" in n for n in nodes):
        attrs.append("distance")
    for n in nodes:
        i = int(n["id"])
        n.setdefault("first_year", first.get(i))
        n.setdefault("last_year", last.get(i))
        n["links"] = links.get(i, 0)
        n["strength"] = strength.get(i, 0)
    return ExportData(
        title=title, n_nodes=len(nodes), n_edges=len(edges),
        nodes=lambda years=False: _chunks(nodes, NODE_CHUNK),
        edges=lambda years=False: _chunks(edges, EDGE_CHUNK),
        node_attrs=tuple(attrs), in_memory=True,
    )


def _chunks(rows: Sequence[Row], size: int) -> Iterator[list[Row]]:
    for i in range(0, len(rows), size):
        yield list(rows[i : i + size])


def from_graph(g: CoauthorGraph, names: Callable[[list[int]], dict[int, str]], *,
               title: str = "graphsvc co-authorship graph") -> ExportData:
    """Export data for the whole graph ``g``, read in chunks (names fetched per chunk).

    ``names`` maps author ids to names (``store.author_names``).
    """
    ids = np.asarray(g.author_ids, dtype=np.int64)
    papers = g.paper_counts()
    degree = g.degrees()
    first, last = node_years(g)
    ptr = np.asarray(g.indptr)
    strength = np.zeros(g.n, dtype=np.int64)
    has = np.diff(ptr) > 0
    if g.indices.size:
        strength[has] = np.add.reduceat(np.asarray(g.papers, dtype=np.int64), ptr[:-1][has])
    eu, ev, slot = g.edge_list()

    def node_chunks(years: bool = False) -> Iterator[list[Row]]:
        for i in range(0, g.n, NODE_CHUNK):
            chunk = ids[i : i + NODE_CHUNK].tolist()
            name_of = names(chunk)
            rows: list[Row] = [
                {"id": a, "name": name_of.get(a, ""), "papers": int(p),
                 "first_year": int(f) or None, "last_year": int(la) or None,
                 "links": int(d), "strength": int(s)}
                for a, p, f, la, d, s in zip(
                    chunk, papers[i : i + NODE_CHUNK], first[i : i + NODE_CHUNK],
                    last[i : i + NODE_CHUNK], degree[i : i + NODE_CHUNK],
                    strength[i : i + NODE_CHUNK], strict=True)
            ]
            if years:
                lists = node_year_lists(g, np.arange(i, i + len(chunk)))
                for row, ys in zip(rows, lists, strict=True):
                    row["years"] = ys
            yield rows

    def edge_chunks(years: bool = False) -> Iterator[list[Row]]:
        table = EdgeYears(g) if years else None
        for i in range(0, eu.size, EDGE_CHUNK):
            s = slot[i : i + EDGE_CHUNK]
            rows: list[Row] = [
                {"source": int(a), "target": int(b), "papers": int(p),
                 "weight": round(float(w), 6), "first_year": int(f) or None,
                 "last_year": int(la) or None}
                for a, b, p, w, f, la in zip(
                    ids[eu[i : i + EDGE_CHUNK]].tolist(), ids[ev[i : i + EDGE_CHUNK]].tolist(),
                    g.papers[s].tolist(), g.weight[s].tolist(), g.first_year[s].tolist(),
                    g.last_year[s].tolist(), strict=True)
            ]
            if table is not None:
                lists = table.of(eu[i : i + EDGE_CHUNK], ev[i : i + EDGE_CHUNK])
                for row, ys in zip(rows, lists, strict=True):
                    row["years"] = ys
            yield rows

    return ExportData(title=title, n_nodes=g.n, n_edges=int(eu.size), nodes=node_chunks,
                      edges=edge_chunks)
