"""Read co-authorship edge lists (SNAP ``ca-*.txt``, Newman's ``astro-ph.txt``): one edge per line.

Each edge line ``u v`` (tab or spaces; up to two more numeric columns such as a weight are
ignored) becomes a two-author record whose paper id ``edge`` is the same for ``u v`` and ``v u``
(SNAP lists every undirected edge in both directions: the store keeps one). A self-loop ``u u``
becomes a one-author record, so the node exists without a co-authorship. Node ids must be integers;
an author's hard key is ``node = "<dataset>:<id>"`` where ``dataset`` is the file name without
``.gz``/``.txt``. With ``ReaderOptions.names_file`` (Newman's ``id SURNAME, INITIALS`` lines) the
name replaces the id, and listed people who appear in no edge are emitted at the end as
one-author records so isolated authors exist too.

Comment lines start with ``#`` or ``%``. The first other line may be a header:

* not two integers (``FromNodeId ToNodeId``): a header, skipped;
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
from graphsvc.sources.base import ReaderOptions, iter_lines, source_name

FORMAT = "edgelist"
_EDGE = re.compile(r"^\s*\d+\s+\d+(?:\s+[-+\d.eE]+){0,2}\s*$")


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


def sniff(head: str, name: str) -> int:
    """Score an edge list: data lines of two integers, or a SNAP-like name."""
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
    if name.startswith("ca-") and (score or not data):
        score = max(score, 60) + 10
    return score


def load_names(path: Path) -> dict[str, str]:
    """Read an ``id name`` file (Newman's ``astro-ph_names.txt``) into ``{id: name}``."""
    names: dict[str, str] = {}
    for _, line in iter_lines(path):
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and parts[0].isdigit() and not line.startswith("#"):
            names[str(int(parts[0]))] = parts[1].strip()
    return names


def read(path: Path, options: ReaderOptions | None = None) -> Iterator[Record | Skipped]:
    """Stream one record per edge line (see the module docstring for headers and names)."""
    opts = options or ReaderOptions()
    name = source_name(path)
    dataset = dataset_name(path)
    names = load_names(opts.names_file) if opts.names_file else None
    seen: set[str] = set()

    def record(u: int, v: int, line: int) -> Record:
        a, b = (u, v) if u <= v else (v, u)
        ends = (str(a),) if a == b else (str(a), str(b))
        if names is not None:
            seen.update(ends)
            authors = [
                RawAuthor(names.get(x, x), None, None, None, {"node": f"{dataset}:{x}"})
                for x in ends
            ]
        else:
            authors = [RawAuthor(x, None, None, None, {"node": f"{dataset}:{x}"}) for x in ends]
        return Record(
            None,
            authors,
            f"{name}:{line}",
            None,
            None,
            None,
            {"edge": f"{dataset}:{a}-{b}"},
            FORMAT,
        )

    first_data = True
    held: tuple[int, int, int] | None = None
    edge_lines = 0
    max_id = -1
    for n, line in iter_lines(path):
        tokens = line.split()
        if not tokens or tokens[0].startswith(("#", "%")):
            continue
        ok = 2 <= len(tokens) <= 4 and tokens[0].isdigit() and tokens[1].isdigit()
        if ok and len(tokens) > 2:
            try:
                [float(t) for t in tokens[2:]]
            except ValueError:
                ok = False
        if first_data:
            first_data = False
            if not ok:
                continue  # a column header such as "FromNodeId ToNodeId"
            if len(tokens) == 2:
                held = (n, int(tokens[0]), int(tokens[1]))
                continue
        if not ok:
            yield Skipped(f"{name}:{n}", "bad-edge", f"line {n}: {line.strip()[:80]!r}")
            continue
        u, v = int(tokens[0]), int(tokens[1])
        edge_lines += 1
        if u > max_id or v > max_id:
            max_id = max(u, v)
        yield record(u, v, n)
    if held is not None:
        n, nodes, edges = held
        if not (edge_lines == edges and max_id <= nodes):
            yield record(nodes, edges, n)
    if names is not None:
        for node, person in names.items():
            if node not in seen:
                yield Record(
                    title=None,
                    authors=[RawAuthor(name=person, ids={"node": f"{dataset}:{node}"})],
                    source_ref=f"{source_name(opts.names_file or path)}#{node}",
                    ids={"edge": f"{dataset}:{node}-{node}"},
                    source=FORMAT,
                )
