"""Read Paperscape arXiv data (``pscp-YYYY.csv``): one paper per ``;``-separated line.

Line shape: ``arxiv-id;categories;num-found-refs;num-total-refs;refs;authors;title`` with ``#``
comment lines at the top and bottom. There is no quoting: a title may itself contain ``;`` (and
literal ``"``), so a line is split on the first six semicolons only. Authors are comma-separated
compact ``Initials.Surname`` strings (``G.K.Savvidy``), kept raw. The year is the one encoded in
the arXiv id (``hep-th/9201001`` and ``9201001`` → 1992, ``0704.0001`` → 2007).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from graphsvc.model import RawAuthor, Record, Skipped
from graphsvc.sources.base import ReaderOptions, iter_lines, source_name
from graphsvc.sources.ids import year_of_arxiv_id

FORMAT = "paperscape"
_ID = re.compile(r"^(?:[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}|\d{7}|\d{4}\.\d{4,5})$")
_LINE = re.compile(
    r"^(?:[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}|\d{4}\.\d{4,5});[\w.\-,]*;\d+;\d+;[^;]*;[^;]*;",
    re.MULTILINE,
)


def sniff(head: str, name: str) -> int:
    """Score a Paperscape file: data lines of its 7-field shape, its comment header, its name."""
    shaped = len(_LINE.findall(head))
    if shaped and head.startswith("#") and "paperscape" in head[:2000].lower():
        return 95
    if shaped >= 2:
        return 85
    if name.startswith(("paperscape", "pscp")):
        return 60 if shaped or head.startswith("#") else 30
    return 0


def read(path: Path, options: ReaderOptions | None = None) -> Iterator[Record | Skipped]:
    """Stream the papers of a Paperscape CSV file; comment lines are ignored."""
    name = source_name(path)
    for n, line in iter_lines(path):
        if not line.strip() or line.startswith("#"):
            continue
        ref = f"{name}:{n}"
        fields = line.split(";", 6)
        if len(fields) != 7:
            yield Skipped(ref, "bad-line", f"line {n}: {len(fields)} fields, expected 7")
            continue
        aid, _cats, _found, _total, _refs, authors_field, title = fields
        aid = aid.strip()
        if not _ID.match(aid):
            yield Skipped(ref, "bad-line", f"line {n}: {aid!r} is not an arXiv id")
            continue
        authors = [RawAuthor(name=a) for a in (s.strip() for s in authors_field.split(",")) if a]
        if not authors:
            yield Skipped(ref, "no-authors", f"line {n}: arXiv {aid} lists no authors")
            continue
        yield Record(
            title=" ".join(title.split()) or None,
            authors=authors,
            source_ref=ref,
            year=year_of_arxiv_id(aid),
            ids={"arxiv": aid},
            source=FORMAT,
        )
