"""Write a co-authorship (sub)graph as GraphML, GEXF, CSV, JSON, Pajek or VOSviewer files.

The input is either a subgraph in the shape ``GraphService`` answers for ego networks and cohorts
(``{"nodes": [{id, name, papers, …}], "edges": [{source, target, papers, weight, first_year,
last_year}]}``: :func:`from_subgraph`) or the whole graph of a year window (:func:`from_graph`,
read from the CSR arrays in chunks). :func:`export` yields the file as ``bytes`` chunks, so the
whole graph of a large store is streamed and never held as one object.

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

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph.export_years import EdgeYears, node_year_lists, node_years, spells

if TYPE_CHECKING:
    from graphsvc.graph.csr import CoauthorGraph

__all__ = ["FORMATS", "ExportData", "export", "from_graph", "from_subgraph", "node_years"]


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


# -- writers ----------------------------------------------------------------------------------
def export(data: ExportData, fmt: str) -> Iterator[bytes]:
    """The file in format ``fmt`` (a key of ``FORMATS``) as a stream of ``bytes`` chunks."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise InvalidQuery(f"unknown export format {fmt!r}; choose one of: "
                           f"{', '.join(FORMATS)}")
    return writer(data)


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: Any) -> str:
    """Text safe inside an XML element (markup escaped, characters XML 1.0 forbids dropped)."""
    return escape(_XML_BAD.sub("", str(text)))


def _xa(text: Any) -> str:
    return quoteattr(_XML_BAD.sub("", str(text)))


_EDGE_ATTRS = (("papers", "int"), ("weight", "double"), ("first_year", "int"),
               ("last_year", "int"))


def _graphml(data: ExportData) -> Iterator[bytes]:
    if data.in_memory:
        yield from _graphml_networkx(data)
        return
    yield from _encode(_graphml_lines(data))


def _graphml_lines(data: ExportData) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    node_keys = [("label", "string")] + [(a, "int") for a in data.node_attrs]
    nk = {name: f"n{i}" for i, (name, _) in enumerate(node_keys)}
    ek = {name: f"e{i}" for i, (name, _) in enumerate(_EDGE_ATTRS)}
    for name, typ in node_keys:
        yield f'<key id="{nk[name]}" for="node" attr.name="{name}" attr.type="{typ}" />\n'
    for name, typ in _EDGE_ATTRS:
        yield f'<key id="{ek[name]}" for="edge" attr.name="{name}" attr.type="{typ}" />\n'
    yield '<graph edgedefault="undirected">\n'
    for chunk in data.nodes():
        out = []
        for n in chunk:
            parts = [f'<node id="{int(n["id"])}">', f'<data key="{nk["label"]}">'
                     f'{_x(n.get("name", ""))}</data>']
            for a in data.node_attrs:
                if n.get(a) is not None:
                    parts.append(f'<data key="{nk[a]}">{int(n[a])}</data>')
            parts.append("</node>\n")
            out.append("".join(parts))
        yield "".join(out)
    for chunk in data.edges():
        out = []
        for e in chunk:
            parts = [f'<edge source="{int(e["source"])}" target="{int(e["target"])}">']
            for a, typ in _EDGE_ATTRS:
                v = e.get(a)
                if v is not None:
                    parts.append(f'<data key="{ek[a]}">{v if typ == "double" else int(v)}</data>')
            parts.append("</edge>\n")
            out.append("".join(parts))
        yield "".join(out)
    yield "</graph>\n</graphml>\n"


def _networkx(data: ExportData) -> Any:
    import networkx as nx

    G = nx.Graph(name=data.title)
    for chunk in data.nodes():
        for n in chunk:
            attrs: dict[str, Any] = {"label": _XML_BAD.sub("", str(n.get("name", "")))}
            attrs.update({a: int(n[a]) for a in data.node_attrs if n.get(a) is not None})
            G.add_node(int(n["id"]), **attrs)
    for chunk in data.edges():
        for e in chunk:
            G.add_edge(int(e["source"]), int(e["target"]),
                       **{a: e[a] for a, _ in _EDGE_ATTRS if e.get(a) is not None})
    return G


def _graphml_networkx(data: ExportData) -> Iterator[bytes]:
    import networkx as nx

    yield b'<?xml version="1.0" encoding="utf-8"?>\n'
    for line in nx.generate_graphml(_networkx(data), encoding="utf-8", prettyprint=True):
        yield (line + "\n").encode("utf-8")


def _encode(lines: Iterable[str]) -> Iterator[bytes]:
    for text in lines:
        yield text.encode("utf-8")


def _date(year: Any, end: bool) -> str | None:
    if not year or not 1 <= int(year) <= 9999:
        return None
    return f"{int(year):04d}-12-31" if end else f"{int(year):04d}-01-01"


def _gexf(data: ExportData) -> Iterator[bytes]:
    return _encode(_gexf_lines(data))


def _gexf_lines(data: ExportData) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield ('<gexf xmlns="http://www.gexf.net/1.2draft" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://www.gexf.net/1.2draft '
           'http://www.gexf.net/1.2draft/gexf.xsd" version="1.2">\n')
    yield (f"<meta><creator>graphsvc</creator><description>{_x(data.title)}: co-authorship, "
           "edge weight = Newman's collaboration weight, papers = joint papers; one spell per "
           "run of consecutive years with papers</description></meta>\n")
    yield '<graph defaultedgetype="undirected" mode="dynamic" timeformat="date">\n'
    yield '<attributes class="node" mode="static">\n'
    for a in data.node_attrs:
        yield f'<attribute id="{a}" title="{a}" type="integer" />\n'
    yield '</attributes>\n<attributes class="edge" mode="static">\n'
    for a in ("papers", "first_year", "last_year"):
        yield f'<attribute id="{a}" title="{a}" type="integer" />\n'
    yield "</attributes>\n<nodes>\n"
    for chunk in data.nodes(years=True):
        out = []
        for n in chunk:
            span, spell = _time(n)
            values = "".join(f'<attvalue for="{a}" value="{int(n[a])}" />'
                             for a in data.node_attrs if n.get(a) is not None)
            out.append(f'<node id="{int(n["id"])}" label={_xa(n.get("name", ""))}{span}>'
                       f"<attvalues>{values}</attvalues>{spell}</node>\n")
        yield "".join(out)
    yield "</nodes>\n<edges>\n"
    k = 0
    for chunk in data.edges(years=True):
        out = []
        for e in chunk:
            values = "".join(f'<attvalue for="{a}" value="{int(e[a])}" />'
                             for a in ("papers", "first_year", "last_year")
                             if e.get(a) is not None)
            span, spell = _time(e)
            out.append(f'<edge id="{k}" source="{int(e["source"])}" '
                       f'target="{int(e["target"])}" weight="{float(e.get("weight") or 0)}"'
                       f"{span}><attvalues>{values}</attvalues>{spell}</edge>\n")
            k += 1
        yield "".join(out)
    yield "</edges>\n</graph>\n</gexf>\n"


def _span(row: Row) -> str:
    start, end = _date(row.get("first_year"), False), _date(row.get("last_year"), True)
    return (f' start="{start}"' if start else "") + (f' end="{end}"' if end else "")


def _time(row: Row) -> tuple[str, str]:
    """``(start/end attributes, <spells> element)`` of a node or edge: spells when its active
    years are known (Gephi then shows the gaps), else one first-to-last span."""
    runs = [(s, e) for s, e in spells(row.get("years") or []) if s <= 9999 and e <= 9999]
    if not runs:
        return _span(row), ""
    inner = "".join(f'<spell start="{_date(s, False)}" end="{_date(e, True)}" />'
                    for s, e in runs)
    return "", f"<spells>{inner}</spells>"


def _json(data: ExportData) -> Iterator[bytes]:
    return _encode(_json_lines(data))


def _json_lines(data: ExportData) -> Iterator[str]:
    head = {"directed": False, "multigraph": False, "graph": {"name": data.title}}
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "nodes": ['
    sep = "\n"
    for chunk in data.nodes():
        parts = []
        for n in chunk:
            row = {"id": int(n["id"]), "name": n.get("name", "")}
            row.update({a: n.get(a) for a in data.node_attrs})
            parts.append(sep + json.dumps(row, ensure_ascii=False))
            sep = ",\n"
        yield "".join(parts)
    yield '\n], "edges": ['
    sep = "\n"
    for chunk in data.edges():
        parts = []
        for e in chunk:
            row = {"source": int(e["source"]), "target": int(e["target"])}
            row.update({a: e.get(a) for a, _ in _EDGE_ATTRS})
            parts.append(sep + json.dumps(row, ensure_ascii=False))
            sep = ",\n"
        yield "".join(parts)
    yield "\n]}\n"


def _pajek_label(name: Any) -> str:
    # Pajek has no escape for a double quote inside a quoted label
    return '"' + " ".join(str(name).replace('"', "'").split()) + '"'


def _pajek(data: ExportData) -> Iterator[bytes]:
    return _encode(_pajek_lines(data))


def _pajek_lines(data: ExportData) -> Iterator[str]:
    # readers that key vertices by label (networkx) would merge two authors of one name: a
    # name that is not unique gets the author id
    seen: dict[str, int] = {}
    for chunk in data.nodes():
        for n in chunk:
            name = str(n.get("name", ""))
            seen[name] = seen.get(name, 0) + 1
    yield f"*Vertices {data.n_nodes}\n"
    number: dict[int, int] = {}
    for chunk in data.nodes():
        out = []
        for n in chunk:
            k = number[int(n["id"])] = len(number) + 1
            name = str(n.get("name", ""))
            label = name if seen.get(name, 0) < 2 else f"{name} (id {int(n['id'])})"
            out.append(f"{k} {_pajek_label(label)}\n")
        yield "".join(out)
    yield "*Edges\n"
    for chunk in data.edges():
        yield "".join(f"{number[int(e['source'])]} {number[int(e['target'])]} "
                      f"{int(e.get('papers') or 1)}\n" for e in chunk)


class _Sink(io.RawIOBase):
    """A write-only, unseekable buffer: zipfile then streams (local headers + data descriptors)."""

    def __init__(self) -> None:
        self.buf = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        self.buf += b
        return len(b)

    def take(self) -> bytes:
        out = bytes(self.buf)
        self.buf.clear()
        return out


def _zip(members: Sequence[tuple[str, Callable[[], Iterator[str]]]]) -> Iterator[bytes]:
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, lines in members:
            with zf.open(name, "w", force_zip64=True) as f:
                for text in lines():
                    f.write(text.encode("utf-8"))
                    if len(sink.buf) >= 1 << 16:
                        yield sink.take()
            yield sink.take()
    yield sink.take()


def _csv_text(rows: Iterable[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _csv(data: ExportData) -> Iterator[bytes]:
    node_cols = ["id", "name", *data.node_attrs]
    edge_cols = ["source", "target"] + [a for a, _ in _EDGE_ATTRS]

    def nodes() -> Iterator[str]:
        yield _csv_text([node_cols])
        for chunk in data.nodes():
            yield _csv_text([["" if n.get(c) is None else n.get(c) for c in node_cols]
                             for n in chunk])

    def edges() -> Iterator[str]:
        yield _csv_text([edge_cols])
        for chunk in data.edges():
            yield _csv_text([["" if e.get(c) is None else e.get(c) for c in edge_cols]
                             for e in chunk])

    return _zip([("nodes.csv", nodes), ("edges.csv", edges)])


def _vos_label(name: Any) -> str:
    # VOSviewer wants labels with a comma or semicolon in double quotes, and has no escape
    return '"' + " ".join(str(name).replace('"', "'").split()) + '"'


def _vosviewer(data: ExportData) -> Iterator[bytes]:
    def map_file() -> Iterator[str]:
        yield ("id,label,weight<Documents>,weight<Links>,weight<Total link strength>\n")
        for chunk in data.nodes():
            yield "".join(f"{int(n['id'])},{_vos_label(n.get('name', ''))},"
                          f"{int(n.get('papers') or 0)},{int(n.get('links') or 0)},"
                          f"{int(n.get('strength') or 0)}\n" for n in chunk)

    def network_file() -> Iterator[str]:
        for chunk in data.edges():
            yield "".join(f"{int(e['source'])}\t{int(e['target'])}\t"
                          f"{int(e.get('papers') or 1)}\n" for e in chunk)

    return _zip([("vosviewer-map.txt", map_file), ("vosviewer-network.txt", network_file)])


_WRITERS: dict[str, Callable[[ExportData], Iterator[bytes]]] = {
    "graphml": _graphml,
    "gexf": _gexf,
    "csv": _csv,
    "json": _json,
    "pajek": _pajek,
    "vosviewer": _vosviewer,
}
