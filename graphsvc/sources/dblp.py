"""Read dblp XML (the dump, extracts of it, person pages) with pyexpat: streaming and hostile-safe.

Safety: nothing is ever fetched (no network, no external DTD), and an ``<!ENTITY`` declaration in
the document's own DTD subset stops reading (that is how entity-expansion bombs and external entity
tricks are built; real dblp files never declare entities inline). The ISO-Latin entities that full
dblp dumps take from ``dblp.dtd`` (``&uuml;``, ``&eacute;`` …) are resolved from
``html.entities`` without loading the DTD: ``UseForeignDTD`` makes expat treat undefined entities
as *skipped* entities instead of errors, whether or not the file has a ``<!DOCTYPE … SYSTEM>``
line. A file that declares itself ``standalone="yes"`` and still uses such entities is reported as
malformed (expat must reject it).

Entities inside attribute values are dropped by expat (dblp attributes never contain any).
Titles keep the text of inline markup (``<i>``, ``<sub>``, ``<sup>``) with whitespace collapsed, and
lose the single trailing period dblp appends to every title (dblp's own BibTeX export drops it too).
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from graphsvc.model import RawAuthor, Record, Skipped
from graphsvc.sources.base import (
    MAX_AUTHORS,
    MAX_FIELD_CHARS,
    READ_ERRORS,
    ReaderOptions,
    open_binary,
    source_name,
)
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
CHUNK_SIZE = 1 << 20
_DOI_URL = "https://doi.org/"
_NAME2CHR = {name: chr(cp) for name, cp in html.entities.name2codepoint.items()}


#: the pieces ``buf`` may hold before its length is checked (each is at most buffer_size)
_MAX_PIECES = MAX_FIELD_CHARS >> 16
#: the first piece of a text that was cut (compared by identity), and where a record notes it
_TOO_LONG = "\x00(cut)"
_OVERSIZE = " oversize"


def _too_long(buf: list[str]) -> bool:
    return buf[0] is _TOO_LONG or sum(map(len, buf)) > MAX_FIELD_CHARS


#: the most bytes expat may hold for one token (a tag with its attributes, a comment)
MAX_TOKEN = 16 << 20


class _TokenTooLarge(Exception):
    """Raised when expat buffers more than ``MAX_TOKEN`` bytes without an event."""


class _EntityRefused(Exception):
    """Raised inside expat when the document declares an entity."""


def sniff(head: str, name: str) -> int:
    """Score how likely ``head``/``name`` is dblp XML (0 = not dblp)."""
    if "<dblp" in head or "<!DOCTYPE dblp" in head:  # a long DTD may push <dblp> out of head
        return 95
    if "dblp" in name and name.endswith(".xml"):
        return 70
    if head.lstrip().startswith("<") and re.search(r"<(?:article|inproceedings) [^>]*key=", head):
        return 40
    return 0


def _install_handlers(
    parser: Any, ref_prefix: str, out: list[Record | Skipped], buf: list[str]
) -> None:
    """Set pyexpat callbacks that build one record at a time and append finished items to ``out``.

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

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal tag, field, line, key, orcid, authors, ees, values
        if field is None:
            if tag is None:
                if name in record_tags:
                    tag = name
                    line = parser.CurrentLineNumber
                    key = attrs.get("key", "")
                    authors = []
                    ees = []
                    values = {}
                    buf.clear()  # text between records (whitespace, wrappers) is not kept
            elif name in fields:
                field = name
                buf.clear()
                if name == "author":
                    orcid = attrs.get("orcid")

    def end(name: str) -> None:
        nonlocal tag, field
        if field is None:
            if name == tag:
                out.append(_build(tag, key, line, ref_prefix, authors, ees, values))
                tag = None
            return
        if name != field:
            return  # inline markup inside a field
        field = None
        if buf and buf[0] is _TOO_LONG:
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

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = buf.append
    parser.SkippedEntityHandler = skipped_entity


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


def _refuse_entity(name: str, is_parameter_entity: bool, *rest: object) -> None:
    kind = "parameter entity" if is_parameter_entity else "entity"
    raise _EntityRefused(f"the document declares {kind} {name!r}; entity declarations are refused")


def _load_nothing(
    context: str | None, base: str | None, system_id: str | None, public_id: str | None
) -> int:
    return 1  # "loaded": nothing is ever fetched


def read(path: Path, options: ReaderOptions | None = None) -> Iterator[Record | Skipped]:
    """Stream the publication records of a dblp XML file (``.gz`` or plain).

    Yields a ``Record`` per paper; ``Skipped`` for ``www`` entries (``person-page`` for dblp
    homepages, ``web-page`` otherwise), for records without authors (``no-authors``, e.g.
    proceedings volumes with editors only) and, last, for malformed XML (``malformed-xml``), a
    refused entity declaration (``entity-declaration-refused``) or a read error (``read-error``).
    """
    name = source_name(path)
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    out: list[Record | Skipped] = []
    buf: list[str] = []  # text of the field being read, in pieces of at most buffer_size
    _install_handlers(parser, name, out, buf)
    parser.EntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _load_nothing
    parser.UseForeignDTD(True)
    failure: Skipped | None = None
    fed = 0
    with open_binary(path) as f:
        # read1: at most one underlying read per chunk, so a corrupt gzip tail loses little
        read_chunk = getattr(f, "read1", f.read)
        try:
            while True:
                chunk = read_chunk(CHUNK_SIZE)
                parser.Parse(chunk, not chunk)
                fed += len(chunk)
                if fed - max(parser.CurrentByteIndex, 0) > MAX_TOKEN:
                    # expat holds a whole tag, comment or attribute in memory until it ends
                    raise _TokenTooLarge(
                        f"line {parser.CurrentLineNumber}: one tag, attribute or comment runs "
                        f"over {MAX_TOKEN >> 20} MiB"
                    )
                # a text node grows by at most a chunk per Parse: cut it once it is too long
                # (a 1 MB .gz can hold a 1 GiB title), and remember that it was cut
                if len(buf) > _MAX_PIECES and _too_long(buf):
                    buf[:] = [_TOO_LONG]
                if out:
                    yield from out
                    out.clear()
                if not chunk:
                    break
        except expat.ExpatError as e:
            failure = Skipped(
                f"{name}:{e.lineno}",
                "malformed-xml",
                f"line {e.lineno}, column {e.offset}: {expat.ErrorString(e.code)}",
            )
        except _TokenTooLarge as e:
            failure = Skipped(f"{name}:{parser.CurrentLineNumber}", "too-large", str(e))
        except _EntityRefused as e:
            line = parser.CurrentLineNumber
            failure = Skipped(f"{name}:{line}", "entity-declaration-refused", f"line {line}: {e}")
        except READ_ERRORS as e:  # truncated or corrupt gzip, I/O error
            failure = Skipped(f"{name}:{parser.CurrentLineNumber}", "read-error", str(e))
    yield from out
    if failure is not None:
        yield failure
