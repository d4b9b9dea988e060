"""One line of an edge list, split into its two node labels and its tie weight.

Edge lists come as integer ids (SNAP) or as names, written by ``networkx.write_edgelist`` and
its kin: tab-separated (``delimiter="\\t"``), space-separated with quoted names, or
space-separated as networkx writes by default, without quoting, so that
``María Jesús Garzarán Marc Snir {'weight': 2.0}`` holds two names of unknown length. The
data column is a number (``write_weighted_edgelist``, ``data=["weight"]``) or a Python dict
literal (``data=True``, the default). ``LabelCounts`` settles where an unquoted line splits,
from the labels that recur in the rest of the file.
"""

from __future__ import annotations

import ast
import math
import re
from collections import Counter
from dataclasses import dataclass

#: words in a line of names that is split by ``LabelCounts`` (no real pair of names is longer)
MAX_WORDS = 16
_DICT_TAIL = re.compile(r"(?:^|\s)(\{[^{}]{0,1000}\})\s*$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'(?=\s|$)|(\S+)')
_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?(?:inf|nan)$", re.I)
#: a column header names its columns with these words (``FromNodeId``, ``source target weight``)
_HEADER_WORDS = re.compile(
    r"^(?:from|to|source|target|src|dst|node|nodeid|id|u|v|author|coauthor|name|label|"
    r"weight|value|w|count|papers|edge)+\d*$"
)


class BadLine(ValueError):
    """A line that is no edge; the message says why."""


@dataclass(slots=True)
class EdgeLine:
    """A parsed line: the node fields (``words`` when the names are not delimited), the weight."""

    nodes: list[str]
    weight: float | None
    #: True when ``nodes`` holds the words of two undelimited names, to be split
    words: bool = False


def is_number(token: str) -> bool:
    """Whether ``token`` is a number (an int, a float, ``inf``/``nan``).

    Examples
    --------
    >>> is_number("2.0"), is_number("-1e3"), is_number("Snir")
    (True, True, False)
    """
    return bool(_NUMBER.match(token))


def _weight_of(data: object) -> float | None:
    if not isinstance(data, dict):
        raise BadLine(f"edge data {data!r} is not a dict")
    for key in ("weight", "value"):
        if key in data:
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise BadLine(f"edge {key} {value!r} is not a number")
            return float(value)
    return None


def parse_line(line: str) -> EdgeLine | None:
    """Split one line; None for a blank or comment line. Raises ``BadLine``.

    Examples
    --------
    >>> parse_line("Marc Snir\\tTorsten Hoefler\\t2.0")
    EdgeLine(nodes=['Marc Snir', 'Torsten Hoefler'], weight=2.0, words=False)
    >>> parse_line('"Marc Snir" "Torsten Hoefler"').nodes
    ['Marc Snir', 'Torsten Hoefler']
    >>> parse_line("Marc Snir Jan Vitek {'weight': 3}")
    EdgeLine(nodes=['Marc', 'Snir', 'Jan', 'Vitek'], weight=3.0, words=True)
    >>> parse_line("3 7 0.5"), parse_line("# comment")
    (EdgeLine(nodes=['3', '7'], weight=0.5, words=False), None)
    """
    s = line.strip()
    if not s or s.startswith(("#", "%")):
        return None
    weight: float | None = None
    m = _DICT_TAIL.search(s) if s.endswith("}") else None
    if m is not None:
        try:
            data = ast.literal_eval(m.group(1))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            raise BadLine(f"edge data {m.group(1)[:60]!r} is not a Python dict") from None
        weight = _weight_of(data)
        s = s[: m.start(1)].rstrip()
    if "\t" in s:
        fields = [f.strip() for f in s.split("\t")]
        fields = [_unquote(f) for f in fields if f]
        delimited = True
    else:
        fields, delimited = [], False
        for q in _QUOTED.finditer(s):
            if q.group(3) is None:
                delimited = True
                fields.append(q.group(1) if q.group(1) is not None else q.group(2))
            else:
                fields.append(q.group(3))
    extra: list[str] = []
    while len(fields) > 2 and len(extra) < 2 and is_number(fields[-1]):
        extra.insert(0, fields.pop())
    if extra and weight is None:
        weight = float(extra[0])
    if weight is not None and not (math.isfinite(weight) and weight > 0):
        raise BadLine(f"weight {weight} is not a positive number")
    if len(fields) < 2:
        raise BadLine("fewer than two nodes")
    if len(fields) == 2:
        return EdgeLine(fields, weight)
    if delimited:
        raise BadLine(f"{len(fields)} columns where two nodes and a weight were expected")
    if len(fields) > MAX_WORDS:
        raise BadLine(f"{len(fields)} words: too many for two names")
    return EdgeLine(fields, weight, words=True)


def _unquote(field: str) -> str:
    if len(field) >= 2 and field[0] == field[-1] and field[0] in "\"'":
        return field[1:-1].strip()
    return field


def is_header(fields: list[str]) -> bool:
    """Whether the fields of a first line name columns rather than nodes.

    Examples
    --------
    >>> is_header(["FromNodeId", "ToNodeId"]), is_header(["source", "target", "weight"])
    (True, True)
    >>> is_header(["Marc Snir", "Jan Vitek"]), is_header(["1", "2"])
    (False, False)
    """
    return all(_HEADER_WORDS.match(re.sub(r"[^a-z0-9]", "", f.lower())) for f in fields)


class LabelCounts:
    """How often each run of words starts or ends a line of undelimited names, file-wide.

    A real name recurs: an author with several co-authors starts some lines and ends others,
    while the runs that cross the boundary between two names ("Garzarán Marc") occur once.
    ``split`` chooses the boundary whose two sides recur most.
    """

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, nodes: list[str], words: bool) -> None:
        """Count the labels of one line (both candidates of every boundary when ``words``)."""
        if not words:
            self.counts.update(nodes)
            return
        for i in range(1, len(nodes)):
            self.counts[" ".join(nodes[:i])] += 1
            self.counts[" ".join(nodes[i:])] += 1

    def split(self, nodes: list[str]) -> tuple[str, str]:
        """The two names of a line of words.

        Examples
        --------
        >>> c = LabelCounts()
        >>> for ln in ["Ana Pérez Marc Snir", "Marc Snir Jan Vitek", "Jan Vitek Ana Pérez"]:
        ...     c.add(ln.split(), True)
        >>> c.split("Marc Snir Jan Vitek".split())
        ('Marc Snir', 'Jan Vitek')
        """
        n = len(nodes)

        def score(i: int) -> tuple[int, int]:
            left, right = " ".join(nodes[:i]), " ".join(nodes[i:])
            # recurring sides first; then the most even split (names of like length)
            return (self.counts[left] + self.counts[right], -abs(n - 2 * i))

        best = max(range(1, n), key=score)
        return " ".join(nodes[:best]), " ".join(nodes[best:])
