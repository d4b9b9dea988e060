"""Plain data that flows from the readers to the store: records, raw authors, skipped input."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: kinds of external paper ids that make two records the same paper (DESIGN.md "Paper identity")
PAPER_ID_KINDS = ("doi", "dblp", "arxiv", "openalex", "s2", "edge", "ref")
#: kinds of external author ids that are hard identity keys
AUTHOR_ID_KINDS = ("orcid", "dblp", "openalex", "s2", "node")


@dataclass(slots=True)
class RawAuthor:
    """One author mention exactly as a source gave it.

    ``name`` is the original string. ``family``/``given``/``suffix`` are set when the source
    itself structures the name (arXiv ``authors_parsed``, OpenAlex is not structured).
    ``ids`` holds hard identity keys by kind: ``orcid`` (bare 0000-0000-0000-0000 form),
    ``dblp`` (the dblp person name, e.g. ``"Wei Liu 0014"``), ``openalex`` (``"A123"``),
    ``s2`` (Semantic Scholar author id), ``node`` (``"<dataset>:<node id>"`` for edge lists).
    """

    name: str
    family: str | None = None
    given: str | None = None
    suffix: str | None = None
    ids: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Record:
    """One publication as read from a source.

    ``ids`` holds paper ids by kind (see ``PAPER_ID_KINDS``): ``dblp`` key, ``arxiv`` id,
    ``openalex`` W-id, ``s2`` paper id, ``edge`` for edge-list lines, ``ref`` as a last resort
    for a title-less entry of a file. ``doi`` is lower-cased without the resolver prefix.
    ``source_ref`` is ``"<file name>:<line>"`` or ``"<file name>#<entry key>"``.
    ``tie`` marks a record that is a co-authorship tie (an edge-list line, a GML edge or
    node) rather than a publication: it never counts as a paper nor shows as evidence, and its
    value is the tie's weight (DESIGN.md "Ties without papers").
    """

    title: str | None
    authors: list[RawAuthor]
    source_ref: str
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    source: str = ""
    #: a co-authorship tie from an edge list or GML (its weight), not a paper: None for a paper
    tie: float | None = None


@dataclass(slots=True)
class Skipped:
    """A line, entry or record that could not be used: where, and why (a short stable reason)."""

    source_ref: str
    reason: str
    detail: str = ""


#: an unpaired UTF-16 surrogate: JSON's ``"\udc80"`` decodes to one, and no store, terminal or
#: UTF-8 encoder accepts it
_SURROGATE = re.compile("[\ud800-\udfff]")


def _repair(s: str) -> str:
    return s if s.isascii() else _SURROGATE.sub("\ufffd", s)


def _bad(s: str | None) -> bool:
    return s is not None and not s.isascii() and _SURROGATE.search(s) is not None


def _all_clean(rec: Record) -> bool:
    """Whether no text of ``rec`` holds a surrogate: one test of all of it joined (nearly
    every record), instead of one per field."""
    parts = [rec.title or "", rec.venue or "", rec.doi or "", rec.source_ref,
             *rec.ids, *rec.ids.values()]
    for a in rec.authors:
        parts += (a.name, a.family or "", a.given or "", a.suffix or "", *a.ids, *a.ids.values())
    text = "".join(parts)
    return text.isascii() or _SURROGATE.search(text) is None


def repair_record(rec: Record) -> list[str]:
    """Replace unpaired surrogates in ``rec`` by U+FFFD, in place; return the repaired fields.

    Examples
    --------
    >>> r = Record("T\\udc80", [RawAuthor("Ada \\udc80Lovelace")], "x.json:1")
    >>> repair_record(r), r.title, r.authors[0].name
    (['title', 'author name'], 'T�', 'Ada �Lovelace')
    """
    if _all_clean(rec):
        return []
    fixed: list[str] = []
    if _bad(rec.title):
        rec.title = _repair(rec.title)  # type: ignore[arg-type]
        fixed.append("title")
    if _bad(rec.venue):
        rec.venue = _repair(rec.venue)  # type: ignore[arg-type]
        fixed.append("venue")
    if _bad(rec.doi):
        rec.doi = _repair(rec.doi)  # type: ignore[arg-type]
        fixed.append("doi")
    if _bad(rec.source_ref):
        rec.source_ref = _repair(rec.source_ref)
        fixed.append("source_ref")
    if any(_bad(k) or _bad(v) for k, v in rec.ids.items()):
        rec.ids = {_repair(k): _repair(v) for k, v in rec.ids.items()}
        fixed.append("paper id")
    for i, a in enumerate(rec.authors):
        if (_bad(a.name) or _bad(a.family) or _bad(a.given) or _bad(a.suffix)
                or any(_bad(k) or _bad(v) for k, v in a.ids.items())):
            rec.authors[i] = RawAuthor(
                _repair(a.name),
                None if a.family is None else _repair(a.family),
                None if a.given is None else _repair(a.given),
                None if a.suffix is None else _repair(a.suffix),
                {_repair(k): _repair(v) for k, v in a.ids.items()},
            )
            if "author name" not in fixed:
                fixed.append("author name")
    return fixed


def repair_skipped(item: Skipped) -> Skipped:
    """``item`` with unpaired surrogates in its text replaced by U+FFFD."""
    if _bad(item.source_ref) or _bad(item.reason) or _bad(item.detail):
        return Skipped(_repair(item.source_ref), _repair(item.reason), _repair(item.detail))
    return item
