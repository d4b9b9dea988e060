"""Read JSON and JSON Lines: OpenAlex works and API pages, arXiv metadata, Semantic Scholar papers.

A file is JSON Lines when its first non-blank line starts with ``{`` and one of its first few
non-blank lines is a complete JSON object on its own; it is then streamed line by line and a line
that does not parse is skipped (``bad-json``). Anything else is one JSON document (an object or an
array) loaded whole with ``json.load``: fine for API pages and exports (megabytes), not for dumps
of gigabytes, which OpenAlex, arXiv and Semantic Scholar all ship as JSON Lines.

Each object is recognised by shape:

* OpenAlex work: ``id`` ``https://openalex.org/W…`` with ``authorships``;
* page of results: ``results`` (OpenAlex) or ``data`` (Semantic Scholar) holding a list, each item
  read in turn (S2 citation lists' ``citingPaper``/``citedPaper`` wrappers are looked through);
* arXiv metadata snapshot: an arXiv ``id`` with ``authors_parsed`` or ``authors``;
* Semantic Scholar paper: ``paperId`` (Graph API) or ``corpusid`` (bulk datasets) with
  ``authors: [{authorId, name}]``; its ``s2`` id is ``CorpusId:<n>`` when the corpus id is
  known (both carry it), else the ``paperId`` hash;
* generic: ``title`` with ``authors``/``author`` as strings, ``{name}``, or CSL-JSON
  ``{family, given}`` / ``{literal}``.

``source_ref`` is ``file:line`` for JSON Lines, ``file:index`` for the items of a top-level array
or of a single page document, and ``file:line[index]`` / ``file:index[index]`` for the items of a
page that is itself a line or an array element. ``source`` is ``"json"`` for every shape; the id
kinds (``openalex``, ``arxiv``, ``s2``) say where a record came from.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graphsvc.model import RawAuthor, Record, Skipped
from graphsvc.sources.base import ReaderOptions, iter_lines, read_text, source_name
from graphsvc.sources.ids import arxiv_id, bare_orcid, find_year, normalise_doi
from graphsvc.sources.jsonstream import StreamError, array_items
from graphsvc.sources.tabular import split_authors

FORMAT = "json"
#: how many non-blank lines to look at when deciding between JSON Lines and one document
_PROBE_LINES = 5
_OPENALEX = "https://openalex.org/"
_TOO_DEEP = "arrays and objects nested too deeply to parse"
#: the longest JSON value built whole: a line of JSON Lines, a document, or one element of a
#: larger document that is an array (decoded one element at a time). Objects take up to about
#: 20 times their text in memory (``[{},{}, …]``), so this bounds an ingest's memory.
MAX_VALUE = 8 << 20
_JSON_START = re.compile(r'^\s*(?:\{\s*["}]|\[\s*[\[{"\]])')


def sniff(head: str, name: str) -> int:
    """Score a JSON / JSON Lines file: an object or an array of objects/arrays/strings.

    ``[1] A. Author, …`` (a numbered reference list) is not JSON.
    """
    if _JSON_START.match(head):
        return 70 if name.endswith((".json", ".jsonl", ".ndjson")) else 50
    return 0


def _is_json_lines(path: Path) -> bool:
    seen = 0
    for _, line in iter_lines(path):
        text = line.strip()
        if not text:
            continue
        if seen == 0 and not text.startswith("{"):
            return False
        seen += 1
        if text.startswith("{") and text.endswith("}"):
            if len(text) > MAX_VALUE:
                return True  # one object to a line; too large to parse, as the reader says
            try:
                json.loads(text)
                return True
            except (ValueError, RecursionError):
                pass
        if seen >= _PROBE_LINES:
            break
    return False


def read(path: Path, options: ReaderOptions | None = None) -> Iterator[Record | Skipped]:
    """Stream records from a JSON Lines file, or from the items of one JSON document."""
    name = source_name(path)
    if _is_json_lines(path):
        for n, line in iter_lines(path):
            if not line.strip():
                continue
            if len(line) > MAX_VALUE:
                yield Skipped(f"{name}:{n}", "record-too-large",
                              f"line {n} is over {MAX_VALUE >> 20} MiB")
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                yield Skipped(f"{name}:{n}", "bad-json", f"line {n}: {e}")
                continue
            except RecursionError:
                yield Skipped(f"{name}:{n}", "bad-json", f"line {n}: {_TOO_DEEP}")
                continue
            yield from _items(obj, f"{name}:{n}", f"{name}:{n}[{{}}]")
        return
    text = read_text(path, MAX_VALUE)
    if text is None:  # too large to build whole: its elements one at a time
        i = 0
        try:
            for i, obj in enumerate(array_items(path, MAX_VALUE), 1):
                yield from _items(obj, f"{name}:{i - 1}", f"{name}:{i - 1}[{{}}]")
        except StreamError as e:
            reason, detail = e.args
            if i == 0 and reason == "bad-json":
                detail = (f"{detail}; a JSON document over {MAX_VALUE >> 20} MiB that is not "
                          "an array: write it as JSON Lines (one object per line)")
            yield Skipped(f"{name}:{i}", reason, detail)
        return
    try:
        doc = json.loads(text)
    except ValueError as e:
        yield Skipped(f"{name}:1", "bad-json", f"not JSON or JSON Lines: {e}")
        return
    except RecursionError:
        yield Skipped(f"{name}:1", "bad-json", f"not readable: {_TOO_DEEP}")
        return
    del text
    if isinstance(doc, list):
        for i, obj in enumerate(doc):
            yield from _items(obj, f"{name}:{i}", f"{name}:{i}[{{}}]")
    else:
        yield from _items(doc, f"{name}:1", f"{name}:{{}}")


def _items(obj: Any, ref: str, page_ref: str) -> Iterator[Record | Skipped]:
    """The record(s) of one JSON value: a work/paper, or a page of them (refs from ``page_ref``)."""
    page = _page_items(obj)
    if page is None:
        yield _record(obj, ref)
        return
    for i, item in enumerate(page):
        yield _record(item, page_ref.format(i))


def _page_items(obj: Any) -> list[Any] | None:
    if not isinstance(obj, dict):
        return None
    for key in ("results", "data"):
        items = obj.get(key)
        if isinstance(items, list) and not ("title" in obj and "authors" in obj):
            return [_unwrap(i) for i in items]
    return None


def _unwrap(item: Any) -> Any:
    if isinstance(item, dict) and len(item) <= 3:
        for key in ("citingPaper", "citedPaper", "paper"):
            if isinstance(item.get(key), dict):
                return item[key]
    return item


def _record(obj: Any, ref: str) -> Record | Skipped:
    if not isinstance(obj, dict):
        return Skipped(ref, "unrecognised-json", f"a JSON {type(obj).__name__}, not an object")
    oid = obj.get("id")
    if isinstance(oid, str) and oid.startswith(_OPENALEX + "W") and "authorships" in obj:
        shape, build = "OpenAlex work", _openalex
    elif ("paperId" in obj or "corpusid" in obj) and isinstance(obj.get("authors"), list):
        shape, build = "Semantic Scholar paper", _semantic_scholar
    elif (
        isinstance(oid, str)
        and arxiv_id(oid) == oid
        and ("authors_parsed" in obj or isinstance(obj.get("authors"), str))
    ):
        shape, build = "arXiv record", _arxiv
    elif "title" in obj and ("authors" in obj or "author" in obj):
        shape, build = "record", _generic
    else:
        keys = ", ".join(sorted(map(str, obj))[:12])
        return Skipped(ref, "unrecognised-json", f"object with keys: {keys}")
    try:
        rec = build(obj, ref)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as e:
        # a known shape with a field of the wrong type (e.g. "authorships": [1, 2])
        return Skipped(ref, "bad-json", f"{shape} with an unexpected field: {e!r}")
    if not rec.authors:
        return Skipped(ref, "no-authors", f"{shape} {rec.title!r} has no authors")
    return rec


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _openalex(obj: dict[str, Any], ref: str) -> Record:
    authors = []
    for authorship in obj.get("authorships") or []:
        author = authorship.get("author") or {}
        name = _text(author.get("display_name")) or _text(authorship.get("raw_author_name"))
        if not name:
            continue
        ids = {}
        aid = author.get("id")
        if isinstance(aid, str) and aid.startswith(_OPENALEX + "A"):
            ids["openalex"] = aid[len(_OPENALEX) :]
        orcid = bare_orcid(author.get("orcid"))
        if orcid:
            ids["orcid"] = orcid
        authors.append(RawAuthor(name=name, ids=ids))
    # OpenAlex titles carry HTML escapes ("Crystallography &amp; NMR System")
    title = _text(obj.get("title")) or _text(obj.get("display_name"))
    venue = _text(_get(obj, "primary_location", "source", "display_name")) or _text(
        _get(obj, "host_venue", "display_name")
    )
    ids = {"openalex": obj["id"][len(_OPENALEX) :]}
    return Record(
        title=html.unescape(title) if title else None,
        authors=authors,
        source_ref=ref,
        year=find_year(obj.get("publication_year")),
        venue=venue,
        doi=normalise_doi(obj.get("doi")),
        ids=ids,
        source=FORMAT,
    )


def _arxiv(obj: dict[str, Any], ref: str) -> Record:
    authors = []
    parsed = obj.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        for entry in parsed:
            if not isinstance(entry, list) or not entry:
                continue
            last = _text(entry[0]) or ""
            first = _text(entry[1]) if len(entry) > 1 else None
            suffix = _text(entry[2]) if len(entry) > 2 else None
            name = " ".join(p for p in (first, last, suffix) if p)
            if name:
                authors.append(
                    RawAuthor(name=name, family=last or None, given=first, suffix=suffix)
                )
    elif isinstance(obj.get("authors"), str):
        # drop "(affiliation)" groups, nested ones too, before splitting on commas and "and"
        text = _drop_parenthesised(obj["authors"])
        authors = [RawAuthor(name=n) for n in split_authors(" ".join(text.split()))]
    versions = obj.get("versions")
    created = (
        versions[0].get("created")
        if isinstance(versions, list) and versions and isinstance(versions[0], dict)
        else None
    )
    year = find_year(created) or find_year(obj.get("update_date"))
    doi_field = obj.get("doi")
    doi = (
        normalise_doi(doi_field.split()[0])
        if isinstance(doi_field, str) and doi_field.strip()
        else None
    )
    return Record(
        title=_text(obj.get("title")),
        authors=authors,
        source_ref=ref,
        year=year,
        venue=_text(obj.get("journal-ref")),
        doi=doi,
        ids={"arxiv": obj["id"]},
        source=FORMAT,
    )


def _drop_parenthesised(text: str) -> str:
    """``text`` without its balanced ``( … )`` groups, nested or not, in one pass.

    An unmatched ``)`` or ``(`` is kept, as when innermost groups are removed again and again,
    without the quadratic cost of doing that on deep nesting.

    Examples
    --------
    >>> _drop_parenthesised("A Doe (MIT (CSAIL)), B Roe (Oxford) and C Poe")
    'A Doe , B Roe  and C Poe'
    >>> _drop_parenthesised("A (x")
    'A (x'
    """
    if "(" not in text:
        return text
    out: list[str] = []
    opened: list[int] = []  # positions in ``out`` where each open group starts
    for part in re.split(r"([()])", text):
        if part == "(":
            opened.append(len(out))
            out.append(part)
        elif part == ")" and opened:
            del out[opened.pop() :]
        else:
            out.append(part)
    return "".join(out)


def _semantic_scholar(obj: dict[str, Any], ref: str) -> Record:
    authors = []
    for author in obj.get("authors") or []:
        if not isinstance(author, dict):
            continue
        name = _text(author.get("name"))
        if not name:
            continue
        ids = {"s2": str(author["authorId"])} if author.get("authorId") else {}
        authors.append(RawAuthor(name=name, ids=ids))
    ext_ids = obj.get("externalIds", obj.get("externalids"))
    ext: dict[str, Any] = ext_ids if isinstance(ext_ids, dict) else {}
    # the corpus id is what both the API (externalIds.CorpusId) and the bulk datasets (corpusid)
    # carry, so it is the paper's s2 id when known; the API's paperId hash otherwise
    corpus = ext.get("CorpusId") or obj.get("corpusid")
    ids = {}
    if corpus:
        ids["s2"] = f"CorpusId:{corpus}"
    elif obj.get("paperId"):
        ids["s2"] = str(obj["paperId"])
    if ext.get("ArXiv"):
        aid = arxiv_id(str(ext["ArXiv"]))
        if aid:
            ids["arxiv"] = aid
    if ext.get("DBLP"):
        ids["dblp"] = str(ext["DBLP"])
    venue = (
        _text(obj.get("venue"))
        or _text(_get(obj, "publicationVenue", "name"))
        or _text(_get(obj, "journal", "name"))
    )
    return Record(
        title=_text(obj.get("title")),
        authors=authors,
        source_ref=ref,
        year=find_year(obj.get("year")) or find_year(obj.get("publicationDate")),
        venue=venue,
        doi=normalise_doi(ext.get("DOI")),
        ids=ids,
        source=FORMAT,
    )


def _generic_author(item: Any) -> RawAuthor | None:
    if isinstance(item, str):
        name = _text(item)
        return RawAuthor(name=name) if name else None
    if not isinstance(item, dict):
        return None
    family, given = _text(item.get("family")), _text(item.get("given"))
    name = _text(item.get("name")) or _text(item.get("literal"))
    if not name and (family or given):
        name = " ".join(p for p in (given, family) if p)
    if not name:
        return None
    ids = {}
    orcid = bare_orcid(item.get("orcid") or item.get("ORCID"))
    if orcid:
        ids["orcid"] = orcid
    return RawAuthor(name=name, family=family, given=given, ids=ids)


def _generic(obj: dict[str, Any], ref: str) -> Record:
    raw = obj.get("authors", obj.get("author"))
    authors: list[RawAuthor] = []
    if isinstance(raw, str):
        authors = [RawAuthor(name=n) for n in split_authors(raw)]
    elif isinstance(raw, list):
        authors = [a for a in map(_generic_author, raw) if a is not None]
    title = obj.get("title")
    if isinstance(title, list):  # CSL-JSON from some exporters
        title = title[0] if title else None
    year = (
        find_year(obj.get("year"))
        or find_year(_get(obj, "issued", "date-parts"))
        or find_year(obj.get("date"))
    )
    venue = next(
        (
            v
            for k in ("venue", "journal", "container-title", "booktitle")
            if (v := _text(obj.get(k)))
        ),
        None,
    )
    ids = {}
    for kind in ("arxiv", "dblp", "openalex", "s2"):
        value = obj.get(kind) or obj.get(f"{kind}_id")
        if isinstance(value, str | int) and str(value).strip():
            ids[kind] = str(value).strip()
    return Record(
        title=_text(title),
        authors=authors,
        source_ref=ref,
        year=year,
        venue=venue,
        doi=normalise_doi(obj.get("doi") or obj.get("DOI")),
        ids=ids,
        source=FORMAT,
    )
