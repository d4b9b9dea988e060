"""Read co-authorship edge lists: SNAP ``ca-*.txt``, Newman's ``astro-ph.txt``, and edge lists of
names as ``networkx.write_edgelist`` writes them. One tie per line.

A line holds two nodes and an optional weight (a third numeric column, or networkx's
``{'weight': 2.0}`` dict); ``edgeline`` splits it. Each line becomes a two-author record that
is a co-authorship *tie*, not a paper (``Record.tie`` holds its weight, 1 when none is given),
with a tie id ``edge`` that is the same for ``u v`` and ``v u`` (SNAP lists every undirected
edge in both directions: the store keeps one). A self-loop ``u u`` becomes a one-author
record, so the node exists without a co-authorship. An author's hard key is
``node = "<dataset>:<node>"`` where ``dataset`` is the file name without ``.gz``/``.txt``: one
author per node label. With ``ReaderOptions.names_file`` (Newman's ``id SURNAME, INITIALS``
lines, names possibly quoted) the name replaces an integer id, and listed people who appear
in no edge are emitted at the end as one-author records so isolated authors exist too.

Comment lines start with ``#`` or ``%``. The first other line may be a header, reported as a
``header`` skip:

* fields that name columns (``FromNodeId ToNodeId``, ``source target weight``), or, in a
  file of integer ids, a first line that is not two integers;
* two integers ``n m``: could be an edge or a ``nodes edges`` header (the renumbered AstroPh file
  starts ``18772 198110``). It is held back and judged at the end of the file: it is a header when
  exactly ``m`` edge lines follow and no node id exceeds ``n``; otherwise it is an edge and its
  record is emitted last. A real first edge is misread only if it matches both by coincidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graphsvc.model import RawAuthor, Record, Skipped
from graphsvc.sources.base import ReaderOptions, iter_lines, lone_node, source_name
from graphsvc.sources.edgeline import BadLine, EdgeLine, LabelCounts, is_header, parse_line

FORMAT = "edgelist"
_EDGE = re.compile(r"^\s*\d+\s+\d+(?:\s+[-+\d.eE]+){0,2}\s*$")
#: a file name that says it is an edge list (networkx's examples use ``.edgelist``)
_EDGE_SUFFIXES = (".edgelist", ".edges", ".edgelist.txt", ".edges.txt")


def dataset_name(path: Path) -> str:
    """The dataset a file holds: its name without ``.gz`` and ``.txt`` (``ca-GrQc``).

    Examples
    --------
    >>> dataset_name(Path("data/ca-GrQc.txt.gz")), dataset_name(Path("ca-AstroPh.renumbered.txt"))
    ('ca-GrQc', 'ca-AstroPh.renumbered')
    """
    name = path.name
    for suffix in (".gz", ".txt"):
        name = name.removesuffix(suffix)
    return name


def _names_score(data: list[str], name: str) -> int:
    """Score lines of named nodes: delimited names (tab, quotes) or networkx's dict column
    say edge list outright; bare words only with a weight column on every line or a name
    that says so (a page of one author per line is bare words too)."""
    parsed: list[EdgeLine] = []
    for ln in data[:50]:
        try:
            e = parse_line(ln)
        except BadLine:
            return 0
        if e is not None:
            parsed.append(e)
    if len(parsed) < 2 and not (parsed and len(data) == 1):
        return 0
    plain = [ln.strip() for ln in data[:50]]
    marked = all(
        "\t" in ln or ln.endswith("}") or ln.startswith(('"', "'")) for ln in plain
    )
    if marked:
        return 75
    weighted = all(e.weight is not None for e in parsed) and not all(
        ln.split()[-1].isdigit() and 1000 <= int(ln.split()[-1]) <= 2100 for ln in plain
    )
    if weighted:
        return 50
    if name.endswith(_EDGE_SUFFIXES):
        return 60
    return 40 if _names_recur(parsed) else 0


def _names_recur(parsed: list[EdgeLine]) -> bool:
    """Whether bare lines of words read as pairs of names: most lines have a side that starts
    one line and ends another, as every node of an edge list with two or more ties does
    (a page listing one author per line, or titles, has no such runs of words)."""
    if len(parsed) < 3 or any(
        w.endswith((",", ":", ";")) or not any(c.isalpha() for c in w)
        for e in parsed for w in e.nodes
    ):
        return False
    starts: set[str] = set()
    ends: set[str] = set()
    for e in parsed:
        for i in range(1, len(e.nodes)):
            starts.add(" ".join(e.nodes[:i]))
            ends.add(" ".join(e.nodes[i:]))
    both = starts & ends
    recurring = sum(
        1 for e in parsed
        if any(" ".join(e.nodes[:i]) in both or " ".join(e.nodes[i:]) in both
               for i in range(1, len(e.nodes)))
    )
    return 2 * recurring >= len(parsed)


def sniff(head: str, name: str) -> int:
    """Score an edge list: lines of two integers, of two names (see ``_names_score``), or a
    SNAP-like name."""
    lines = head.splitlines()
    if len(head) >= 8192 and lines:
        lines = lines[:-1]  # possibly cut in the middle
    data = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith(("#", "%"))]
    score = 0
    if data:
        edges = sum(1 for ln in data[:50] if _EDGE.match(ln))
        if edges == len(data[:50]) or (
            edges >= 2 and edges == len(data[:50]) - 1 and not _EDGE.match(data[0])
        ):
            score = 75 if edges >= 2 else 30
        elif not edges:
            rest = data[1:] if data and is_header(_header_fields(data[0])) else data
            score = _names_score(rest, name)
    if name.startswith("ca-") and (score or not data):
        score = max(score, 60) + 10
    return score


def _header_fields(line: str) -> list[str]:
    return [f.strip("\"'") for f in (line.split("\t") if "\t" in line else line.split())]


def load_names(path: Path) -> dict[str, str]:
    """Read an ``id name`` file (Newman's ``astro-ph_names.txt``) into ``{id: name}``.

    A quoted name (``0 "RADZIHOVSKY, L"``, as some of Newman's files have it) loses its quotes.
    """
    names: dict[str, str] = {}
    for _, line in iter_lines(path):
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and parts[0].isdigit() and not line.startswith("#"):
            person = parts[1].strip()
            if len(person) >= 2 and person[0] == person[-1] and person[0] in "\"'":
                person = person[1:-1].strip()
            if person:
                names[str(int(parts[0]))] = person
    return names


def _numeric(e: EdgeLine) -> bool:
    return not e.words and e.nodes[0].isascii() and e.nodes[0].isdigit() and (
        e.nodes[1].isascii() and e.nodes[1].isdigit())


def _label_counts(path: Path) -> LabelCounts:
    """Label counts over every line of names in the file (a second pass over it)."""
    counts = LabelCounts()
    for _, line in iter_lines(path):
        try:
            e = parse_line(line)
        except BadLine:
            continue
        if e is not None and not _numeric(e):
            counts.add(e.nodes, e.words)
    return counts


def read(path: Path, options: ReaderOptions | None = None) -> Iterator[Record | Skipped]:
    """Stream one tie record per edge line (see the module docstring for headers and names)."""
    opts = options or ReaderOptions()
    name = source_name(path)
    dataset = dataset_name(path)
    names = load_names(opts.names_file) if opts.names_file else None
    seen: set[str] = set()
    labels: LabelCounts | None = None

    def record(u: str, v: str, line: int, weight: float | None, numeric: bool) -> Record:
        if numeric:
            a, b = (u, v) if int(u) <= int(v) else (v, u)
        else:
            a, b = (u, v) if u <= v else (v, u)
        ends = (a,) if a == b else (a, b)
        if numeric and names is not None:
            seen.update(ends)
            authors = [RawAuthor(names.get(x, x), ids={"node": f"{dataset}:{x}"}) for x in ends]
        else:
            authors = [RawAuthor(x, ids={"node": f"{dataset}:{x}"}) for x in ends]
        # "|" keeps "A-B" + "C" apart from "A" + "B-C" for names
        sep = "-" if numeric else "|"
        return Record(
            None, authors, f"{name}:{line}", ids={"edge": f"{dataset}:{a}{sep}{b}"},
            source=FORMAT, tie=weight if weight is not None else 1.0,
        )

    first_data = True
    #: set by the first edge: a file of integer ids takes no names, and the other way round
    numeric_file: bool | None = None
    held: tuple[int, int, int] | None = None
    edge_lines = 0
    max_id = -1
    for n, line in iter_lines(path):
        if first_data and line.strip() and not line.lstrip().startswith(("#", "%")):
            first_data = False
            if is_header(_header_fields(line.strip())):
                yield Skipped(f"{name}:{n}", "header",
                              f"first line read as a column header: {line.strip()[:80]!r}")
                continue
            if _EDGE.match(line) and len(line.split()) == 2:
                u, v = line.split()
                held = (n, int(u), int(v))
                numeric_file = True
                continue
        try:
            e = parse_line(line)
        except BadLine as exc:
            yield Skipped(f"{name}:{n}", "bad-edge", f"line {n}: {exc}: {line.strip()[:80]!r}")
            continue
        if e is None:
            continue
        numeric = _numeric(e)
        if numeric_file is None:
            numeric_file = numeric
        elif numeric_file and not numeric:
            yield Skipped(f"{name}:{n}", "bad-edge",
                          f"line {n}: not two integer node ids: {line.strip()[:80]!r}")
            continue
        if numeric:
            u, v = str(int(e.nodes[0])), str(int(e.nodes[1]))
            edge_lines += 1
            max_id = max(max_id, int(u), int(v))
        elif e.words:
            if labels is None:
                labels = _label_counts(path)
            u, v = labels.split(e.nodes)
        else:
            u, v = e.nodes
        yield record(u, v, n, e.weight, numeric)
    if held is not None:
        n, nodes, edges = held
        if edge_lines == edges and max_id <= nodes:
            yield Skipped(f"{name}:{n}", "header",
                          f"first line read as a 'nodes edges' header: {nodes} {edges}")
        else:
            yield record(str(nodes), str(edges), n, None, True)
    if names is not None:
        for node, person in names.items():
            if node not in seen:
                yield lone_node(dataset, node, person,
                                f"{source_name(opts.names_file or path)}#{node}", FORMAT)
