"""pyexpat callbacks that turn dblp record elements into ``Record``s, one record at a time.

Titles keep the text of inline markup (``<i>``, ``<sub>``, ``<sup>``) with whitespace collapsed, and
lose the single trailing period dblp appends to every title (dblp's own BibTeX export drops it too).
Entities that expat reports as skipped are resolved from ``html.entities``.
"""

from __future__ import annotations

import html.entities
from collections.abc import Callable
from typing import Any

from graphsvc.model import RawAuthor, Record, Skipped
from graphsvc.sources.base import MAX_AUTHORS, MAX_FIELD_CHARS
from graphsvc.sources.ids import arxiv_id, bare_orcid, find_year, normalise_doi

FORMAT = "dblp"
#: dblp record elements; ``www`` are person pages and web sites, not papers
RECORD_TAGS = frozenset(
    {
        "article",
        "inproceedings",
        "proceedings",
        "book",
        "incollection",
        "phdthesis",
        "mastersthesis",
        "www",
        "data",
    }
)
_FIELDS = frozenset({"author", "editor", "title", "year", "journal", "booktitle", "ee"})
_DOI_URL = "https://doi.org/"
_NAME2CHR = {name: chr(cp) for name, cp in html.entities.name2codepoint.items()}


#: the pieces ``buf`` may hold before its length is checked (each is at most buffer_size)
MAX_PIECES = MAX_FIELD_CHARS >> 16
#: the first piece of a text that was cut (compared by identity), and where a record notes it
TOO_LONG = "\x00(cut)"
_OVERSIZE = " oversize"


def too_long(buf: list[str]) -> bool:
    return buf[0] is TOO_LONG or sum(map(len, buf)) > MAX_FIELD_CHARS


class Outer:
    """The elements open outside records, those open when the first record started, and where
    (in the parser's input) the last record started or ended: no record starts between there
    and the parser's position, except one hidden by damage (an unclosed comment or CDATA)."""

    __slots__ = ("mark", "open", "root")

    def __init__(self) -> None:
        self.open: list[str] = []
        self.root: list[str] | None = None
        self.mark = -1


class Unclosed(Exception):
    """Raised inside expat when a record element opens inside another record."""

    def __init__(self, index: int, line: int) -> None:
        super().__init__(index, line)
        self.index = index  # of the new record's start tag, in the parser's own input
        self.line = line


def install_handlers(
    parser: Any,
    ref_prefix: str,
    out: list[Record | Skipped],
    buf: list[str],
    line_off: int = 0,
    outer: Outer | None = None,
) -> Callable[[], tuple[str, str, int] | None]:
    """Set pyexpat callbacks that build one record at a time and append finished items to ``out``.

    ``line_off`` is added to the parser's line numbers (a parser started part-way through a file);
    ``outer`` follows the open elements outside records (``dblp``, ``r``). Returns
    a function telling the record being read, as ``(tag, key, line)``, or ``None``. A record
    element that opens inside a record (dblp never nests them: the record before lacks its end
    tag) raises ``Unclosed``.

    Speed matters (a full dump has ~7 M records), hence closures over local state rather than
    attributes, character data going straight into ``buf`` through the C-level ``list.append``
    (joined only when a wanted field ends), and field elements recognised by name alone: dblp never
    nests them, and inline markup such as ``<i>`` inside a title is not a field name, so its text
    simply stays in the title's text.
    """
    tag: str | None = None  # the record element being read, None between records
    field: str | None = None
    line = 0
    key = ""
    orcid: str | None = None
    authors: list[RawAuthor] = []
    ees: list[str] = []
    values: dict[str, str] = {}  # first title/year/journal/booktitle; "editor": one "|" each
    fields = _FIELDS
    record_tags = RECORD_TAGS
    out_of = Outer() if outer is None else outer
    wrappers = out_of.open

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal tag, field, line, key, orcid, authors, ees, values
        if field is None:
            if tag is None:
                if name in record_tags:
                    tag = name
                    line = parser.CurrentLineNumber + line_off
                    key = attrs.get("key", "")
                    authors = []
                    ees = []
                    values = {}
                    buf.clear()  # text between records (whitespace, wrappers) is not kept
                    out_of.mark = parser.CurrentByteIndex
                    if out_of.root is None:
                        out_of.root = wrappers[:]
                else:
                    wrappers.append(name)
            elif name in fields:
                field = name
                buf.clear()
                if name == "author":
                    orcid = attrs.get("orcid")
            elif name in record_tags:
                raise Unclosed(parser.CurrentByteIndex, parser.CurrentLineNumber + line_off)
        elif name in record_tags:
            raise Unclosed(parser.CurrentByteIndex, parser.CurrentLineNumber + line_off)

    def end(name: str) -> None:
        nonlocal tag, field
        if field is None:
            if name == tag:
                out.append(_build(tag, key, line, ref_prefix, authors, ees, values))
                tag = None
                out_of.mark = parser.CurrentByteIndex
            elif tag is None and wrappers:
                wrappers.pop()
            return
        if name != field:
            return  # inline markup inside a field
        field = None
        if buf and buf[0] is TOO_LONG:
            values.setdefault(_OVERSIZE, f"<{name}> holds over {MAX_FIELD_CHARS} characters")
            return
        value = "".join(buf).strip()
        if name == "author":
            if len(authors) >= MAX_AUTHORS:
                values.setdefault(_OVERSIZE, f"over {MAX_AUTHORS} <author> elements")
            elif value:
                ids = {"dblp": value}
                if orcid:
                    bare = bare_orcid(orcid)
                    if bare:
                        ids["orcid"] = bare
                authors.append(RawAuthor(value, None, None, None, ids))
        elif name == "ee":
            ees.append(value)
        elif name == "editor":
            values[name] = values.get(name, "") + "|"
        elif name not in values:
            values[name] = value

    def skipped_entity(name: str, is_parameter_entity: bool) -> None:
        buf.append(_NAME2CHR.get(name, f"&{name};"))

    def open_record() -> tuple[str, str, int] | None:
        return None if tag is None else (tag, key, line)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = buf.append
    parser.SkippedEntityHandler = skipped_entity
    return open_record


def _build(
    tag: str,
    key: str,
    line: int,
    ref_prefix: str,
    authors: list[RawAuthor],
    ees: list[str],
    values: dict[str, str],
) -> Record | Skipped:
    ref = f"{ref_prefix}:{line}"
    if _OVERSIZE in values:
        return Skipped(ref, "field-too-large", f"{tag} {key}: {values[_OVERSIZE]}")
    if tag == "www":  # person pages (homepages/…) and a few web sites: not papers
        return Skipped(ref, "person-page" if key.startswith("homepages/") else "web-page", key)
    if not authors:
        editors = len(values.get("editor", ""))
        why = f" has only {editors} editor(s)" if editors else " has no <author>"
        return Skipped(ref, "no-authors", f"{tag} {key}{why}")
    ids = {"dblp": key} if key else {}
    doi = None
    for ee in ees:
        if ee.startswith(_DOI_URL):
            if doi is None:
                doi = ee[len(_DOI_URL) :].lower()
        elif "doi.org/" in ee:
            if doi is None:
                doi = normalise_doi(ee)
        elif "arxiv.org/" in ee and "arxiv" not in ids:
            aid = arxiv_id(ee)
            if aid:
                ids["arxiv"] = aid
    title = values.get("title")
    if title:
        if "\n" in title or "  " in title:
            title = " ".join(title.split())
        if title.endswith(".") and not title.endswith(".."):
            title = title[:-1]
    year = values.get("year")
    y = int(year) if year and len(year) == 4 and year.isdigit() else find_year(year)
    venue = values.get("journal") or values.get("booktitle")
    return Record(title or None, authors, ref, y, venue or None, doi, ids, FORMAT)
