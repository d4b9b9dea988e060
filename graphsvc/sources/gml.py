"""Read GML co-authorship graphs (Newman's ``netscience.gml``): one record per edge, streamed.

The GML token structure (``key value`` pairs, ``[ … ]`` lists, ``"strings"`` that may span lines,
``#`` comment lines) is parsed here without building the graph. Labels of ``node [ id … label … ]``
are kept in a dict; each ``edge [ source … target … ]`` becomes a two-author record whose authors
are named by the node labels (raw, e.g. ``"ABRAMSON, G"``; ``&``-entities decoded as GML
prescribes) and keyed ``node = "<dataset>:<id>"``, with a tie id ``edge`` that is the same for
either direction. An edge is a co-authorship tie, not a paper (``Record.tie``): its weight is
the edge's ``value`` (Newman's weighting) or ``weight``, 1 when it has neither. An edge is
emitted as soon as both its nodes are known (Newman's files list nodes first); edges naming
nodes not yet seen wait for the end. Nodes in no edge are emitted last as one-author records
(``edge = "<dataset>:<id>-<id>"``) so isolated authors exist too.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from pathlib import Path

from graphsvc.model import RawAuthor, Record, Skipped
from graphsvc.sources.base import ReaderOptions, iter_lines, lone_node, source_name

FORMAT = "gml"
_TOKEN = re.compile(r'"[^"]*"?|\[|\]|[^\s\[\]"]+')
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_GRAPH = re.compile(r"(?:^|\s)graph\s*\[")


class _Malformed(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def sniff(head: str, name: str) -> int:
    """Score a GML file: ``graph [`` in the head, or a ``.gml`` name."""
    if _GRAPH.search(head):
        return 90 if name.endswith(".gml") else 70
    return 40 if name.endswith(".gml") else 0


def dataset_name(path: Path) -> str:
    """The dataset a file holds: its name without ``.gz`` and ``.gml`` (``netscience``)."""
    return path.name.removesuffix(".gz").removesuffix(".gml")


def _tokens(path: Path) -> Iterator[tuple[int, str]]:
    """``(line, token)`` pairs; a string token keeps its quotes and may span lines."""
    open_string: list[str] | None = None
    string_line = 0
    for n, line in iter_lines(path):
        if open_string is not None:
            end = line.find('"')
            if end < 0:
                open_string.append(line)
                continue
            open_string.append(line[: end + 1])
            yield string_line, "\n".join(open_string)
            open_string = None
            line = line[end + 1 :]
        elif line.lstrip().startswith("#"):
            continue
        for m in _TOKEN.finditer(line):
            token = m.group()
            if token[0] == '"' and (len(token) == 1 or token[-1] != '"'):
                open_string, string_line = [token], n
                break
            yield n, token
    if open_string is not None:
        raise _Malformed(string_line, f"string opened on line {string_line} never closes")


def _value(token: str) -> str:
    if token[0] == '"':
        return html.unescape(token[1:-1])
    return token


def _weight(item: dict[str, str]) -> float | None:
    """An edge's tie weight: its ``value`` or ``weight``, 1 when it has none; None if bad.

    Examples
    --------
    >>> _weight({"value": "0.5"}), _weight({}), _weight({"weight": "-2"}), _weight({"value": '"x"'})
    (0.5, 1.0, None, None)
    """
    raw = item.get("value", item.get("weight"))
    if raw is None:
        return 1.0
    try:
        w = float(raw)
    except ValueError:
        return None
    return w if math.isfinite(w) and w > 0 else None


def _edge_id(dataset: str, a: str, b: str) -> tuple[str, str, str]:
    if (int(a) > int(b)) if (a.lstrip("-").isdigit() and b.lstrip("-").isdigit()) else (a > b):
        a, b = b, a
    return a, b, f"{dataset}:{a}-{b}"


def read(path: Path, options: ReaderOptions | None = None) -> Iterator[Record | Skipped]:
    """Stream one record per GML edge, then one per isolated node."""
    name = source_name(path)
    dataset = dataset_name(path)
    labels: dict[str, str] = {}
    node_lines: dict[str, int] = {}
    linked: set[str] = set()
    waiting: list[tuple[int, str, str, float]] = []

    def edge_record(line: int, source: str, target: str, weight: float = 1.0) -> Record:
        a, b, eid = _edge_id(dataset, source, target)
        linked.update((a, b))
        ends = (a,) if a == b else (a, b)
        authors = [RawAuthor(name=labels[x], ids={"node": f"{dataset}:{x}"}) for x in ends]
        return Record(
            title=None,
            authors=authors,
            source_ref=f"{name}:{line}",
            ids={"edge": eid},
            source=FORMAT,
            tie=weight,
        )

    stack: list[str] = []  # keys of the open lists
    key: str | None = None
    key_line = 0
    item: dict[str, str] = {}
    item_line = 0
    failure: Skipped | None = None
    line = 0
    try:
        for line, token in _tokens(path):
            if token == "[":
                if key is None:
                    raise _Malformed(line, "'[' without a key")
                stack.append(key)
                if len(stack) == 2 and stack[0] == "graph" and key in ("node", "edge"):
                    item, item_line = {}, key_line
                key = None
            elif token == "]":
                if key is not None:
                    raise _Malformed(line, f"key {key!r} has no value")
                if not stack:
                    raise _Malformed(line, "']' closes nothing")
                closed = stack.pop()
                if len(stack) != 1 or stack[0] != "graph":
                    continue
                if closed == "node":
                    nid = item.get("id")
                    if nid is None:
                        yield Skipped(f"{name}:{item_line}", "bad-node", "node without id")
                        continue
                    labels[nid] = item.get("label") or nid
                    node_lines.setdefault(nid, item_line)
                elif closed == "edge":
                    source, target = item.get("source"), item.get("target")
                    weight = _weight(item)
                    if source is None or target is None:
                        yield Skipped(
                            f"{name}:{item_line}", "bad-edge", "edge without source or target"
                        )
                    elif weight is None:
                        yield Skipped(
                            f"{name}:{item_line}", "bad-edge",
                            f"edge weight {item.get('value', item.get('weight'))!r} is not a "
                            "positive number",
                        )
                    elif source in labels and target in labels:
                        yield edge_record(item_line, source, target, weight)
                    else:
                        waiting.append((item_line, source, target, weight))
            elif key is None:
                if token[0] == '"' or _NUMBER.match(token):
                    raise _Malformed(line, f"value {token[:40]!r} without a key")
                key, key_line = token, line
            else:
                if len(stack) == 2 and stack[0] == "graph" and key not in item:
                    item[key] = _value(token)
                key = None
        if stack:
            raise _Malformed(line, f"list {stack[-1]!r} is never closed")
    except _Malformed as e:
        failure = Skipped(f"{name}:{e.line}", "malformed-gml", f"line {e.line}: {e}")
    for line, source, target, weight in waiting:
        if source in labels and target in labels:
            yield edge_record(line, source, target, weight)
        else:
            missing = source if source not in labels else target
            yield Skipped(f"{name}:{line}", "bad-edge", f"edge names unknown node {missing!r}")
    for nid, label in labels.items():
        if nid not in linked:
            yield lone_node(dataset, nid, label, f"{name}:{node_lines[nid]}", FORMAT)
    if failure is not None:
        yield failure
