"""Plain data that flows from the readers to the store: records, raw authors, skipped input."""

from __future__ import annotations

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
    """

    title: str | None
    authors: list[RawAuthor]
    source_ref: str
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    source: str = ""


@dataclass(slots=True)
class Skipped:
    """A line, entry or record that could not be used: where, and why (a short stable reason)."""

    source_ref: str
    reason: str
    detail: str = ""
