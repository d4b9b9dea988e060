"""The line-oriented export formats: networkx node-link JSON, Pajek ``.net``, and the zips of
CSV tables and of VOSviewer map and network files, streamed (``graphsvc.graph.export``
describes them)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from graphsvc.graph.export_data import EDGE_ATTRS, ExportData, encode

__all__ = ["csv_zip", "node_link_json", "pajek", "vosviewer"]


def node_link_json(data: ExportData) -> Iterator[bytes]:
    """networkx node-link JSON (``networkx.node_link_graph`` reads it), streamed."""
    return encode(_json_lines(data))


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
            row.update({a: e.get(a) for a, _ in EDGE_ATTRS})
            parts.append(sep + json.dumps(row, ensure_ascii=False))
            sep = ",\n"
        yield "".join(parts)
    yield "\n]}\n"


def _quoted(name: Any) -> str:
    """A label in double quotes on one line: Pajek and VOSviewer (which wants labels with a
    comma or semicolon quoted) have no escape for a double quote inside one, so it becomes '."""
    return '"' + " ".join(str(name).replace('"', "'").split()) + '"'


def pajek(data: ExportData) -> Iterator[bytes]:
    """Pajek ``.net``: vertices 1…N in author-id order, edges weighted by joint papers."""
    return encode(_pajek_lines(data))


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
            out.append(f"{k} {_quoted(label)}\n")
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


def csv_zip(data: ExportData) -> Iterator[bytes]:
    """A zip of ``nodes.csv`` and ``edges.csv``, streamed."""
    node_cols = ["id", "name", *data.node_attrs]
    edge_cols = ["source", "target"] + [a for a, _ in EDGE_ATTRS]

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


def vosviewer(data: ExportData) -> Iterator[bytes]:
    """A zip of a VOSviewer map file and network file (strength = joint papers)."""
    def map_file() -> Iterator[str]:
        yield ("id,label,weight<Documents>,weight<Links>,weight<Total link strength>\n")
        for chunk in data.nodes():
            yield "".join(f"{int(n['id'])},{_quoted(n.get('name', ''))},"
                          f"{int(n.get('papers') or 0)},{int(n.get('links') or 0)},"
                          f"{int(n.get('strength') or 0)}\n" for n in chunk)

    def network_file() -> Iterator[str]:
        for chunk in data.edges():
            yield "".join(f"{int(e['source'])}\t{int(e['target'])}\t"
                          f"{int(e.get('papers') or 1)}\n" for e in chunk)

    return _zip([("vosviewer-map.txt", map_file), ("vosviewer-network.txt", network_file)])
