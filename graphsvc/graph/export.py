"""Write a co-authorship (sub)graph as GraphML, GEXF, CSV, JSON, Pajek or VOSviewer files.

The input is either a subgraph in the shape ``GraphService`` answers for ego networks and cohorts
(``{"nodes": [{id, name, papers, …}], "edges": [{source, target, papers, weight, first_year,
last_year}]}``: :func:`from_subgraph`) or the whole graph of a year window (:func:`from_graph`,
read from the CSR arrays in chunks). :func:`export` yields the file as ``bytes`` chunks, so the
whole graph of a large store is streamed and never held as one object. The rows come from
``graphsvc.graph.export_data``; the writers are ``graphsvc.graph.export_xml`` (GraphML, GEXF)
and ``graphsvc.graph.export_flat`` (JSON, Pajek, CSV, VOSviewer).

Attributes, the same in every format that has room for them:

- authors: ``id`` (store author id), ``name`` (``label`` in GraphML and GEXF), ``papers``
  (papers in the window), ``first_year`` / ``last_year`` (of those papers), and ``distance``
  from the centre for ego networks;
- co-author edges: ``papers`` (joint papers), ``weight`` (Newman's collaboration weight
  Σ 1/(n−1)), ``first_year`` / ``last_year`` of the joint papers.

Formats:

``graphml``
    GraphML (networkx's writer for subgraphs, a streaming writer for the whole graph).
``gexf``
    GEXF 1.2 in dynamic mode for Gephi's timeline: every author and edge carries one
    ``<spell>`` per run of consecutive years with papers (``timeformat="date"``, 1 January of
    the first to 31 December of the last year), so a gap of years shows as a gap on the
    timeline; rows without year lists get one ``start``/``end`` span, and rows without any
    known year are present all the time. Plus the attributes above.
``csv``
    A zip of ``nodes.csv`` and ``edges.csv`` (names live in the nodes file, so edges-only would
    lose them).
``json``
    networkx's node-link format (``{"directed", "multigraph", "graph", "nodes", "edges"}``),
    readable with ``networkx.node_link_graph``.
``pajek``
    Pajek ``.net``: ``*Vertices`` numbered 1…N in author-id order labelled with names (a name
    two authors share gets `` (id N)``, since readers such as networkx key vertices by label),
    ``*Edges`` ``i j joint_papers``.
``vosviewer``
    A zip of a VOSviewer map file (``id,label,weight<Documents>,weight<Links>,weight<Total
    link strength>``) and network file (``id1<TAB>id2<TAB>strength``, strength = joint papers,
    as VOSviewer counts co-authorship links).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphsvc.errors import InvalidQuery
from graphsvc.graph.export_data import FORMATS, ExportData, from_graph, from_subgraph
from graphsvc.graph.export_flat import csv_zip, node_link_json, pajek, vosviewer
from graphsvc.graph.export_xml import gexf, graphml
from graphsvc.graph.export_years import node_years

__all__ = ["FORMATS", "ExportData", "export", "from_graph", "from_subgraph", "node_years"]

_WRITERS: dict[str, Callable[[ExportData], Iterator[bytes]]] = {
    "graphml": graphml,
    "gexf": gexf,
    "csv": csv_zip,
    "json": node_link_json,
    "pajek": pajek,
    "vosviewer": vosviewer,
}


def export(data: ExportData, fmt: str) -> Iterator[bytes]:
    """The file in format ``fmt`` (a key of ``FORMATS``) as a stream of ``bytes`` chunks."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise InvalidQuery(f"unknown export format {fmt!r}; choose one of: "
                           f"{', '.join(FORMATS)}")
    return writer(data)
