"""The XML export formats: GraphML (networkx's writer for a subgraph held in memory, a streaming
writer for the whole graph) and GEXF 1.2 in dynamic mode, one spell per run of years with papers
(``graphsvc.graph.export`` describes both)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from graphsvc.graph.export_data import EDGE_ATTRS, ExportData, Row, encode
from graphsvc.graph.export_years import spells

__all__ = ["gexf", "graphml"]


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(text: Any) -> str:
    """Text safe inside an XML element (markup escaped, characters XML 1.0 forbids dropped)."""
    return escape(_XML_BAD.sub("", str(text)))


def _xa(text: Any) -> str:
    return quoteattr(_XML_BAD.sub("", str(text)))


def graphml(data: ExportData) -> Iterator[bytes]:
    """GraphML: networkx's writer for rows held in memory, else streamed line by line."""
    if data.in_memory:
        yield from _graphml_networkx(data)
        return
    yield from encode(_graphml_lines(data))


def _graphml_lines(data: ExportData) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="utf-8"?>\n'
    yield ('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
           'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
           'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
    node_keys = [("label", "string")] + [(a, "int") for a in data.node_attrs]
    nk = {name: f"n{i}" for i, (name, _) in enumerate(node_keys)}
    ek = {name: f"e{i}" for i, (name, _) in enumerate(EDGE_ATTRS)}
    for name, typ in node_keys:
        yield f'<key id="{nk[name]}" for="node" attr.name="{name}" attr.type="{typ}" />\n'
    for name, typ in EDGE_ATTRS:
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
            for a, typ in EDGE_ATTRS:
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
                       **{a: e[a] for a, _ in EDGE_ATTRS if e.get(a) is not None})
    return G


def _graphml_networkx(data: ExportData) -> Iterator[bytes]:
    import networkx as nx

    yield b'<?xml version="1.0" encoding="utf-8"?>\n'
    for line in nx.generate_graphml(_networkx(data), encoding="utf-8", prettyprint=True):
        yield (line + "\n").encode("utf-8")


def _date(year: Any, end: bool) -> str | None:
    if not year or not 1 <= int(year) <= 9999:
        return None
    return f"{int(year):04d}-12-31" if end else f"{int(year):04d}-01-01"


def gexf(data: ExportData) -> Iterator[bytes]:
    """GEXF 1.2, dynamic: one spell per run of consecutive years with papers."""
    return encode(_gexf_lines(data))


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
