"""The ``GraphStore`` protocol both stores implement, and the batch the ingest hands a store."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@dataclass(slots=True)
class AuthorCandidate:
    """An existing author as identity resolution sees it."""

    id: int
    key: str
    initials_only: bool
    ids: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class PaperCandidate:
    """An existing paper that may be the same as an incoming record (same title key and year)."""

    id: int
    ids: dict[str, str]
    author_sigs: list[str]


@dataclass(slots=True)
class Batch:
    """Everything one ingest batch writes; applied atomically (all or nothing).

    Counters (``papers`` of authors, variant counts, edge increments) only ever describe papers
    that are new in this batch, so a batch is never applied twice for the same paper.
    """

    new_authors: list[tuple[int, str, str]] = field(default_factory=list)  # id, name, key
    author_ids: list[tuple[str, str, int]] = field(default_factory=list)  # kind, value, author
    variants: list[tuple[int, str, str, str, str, bool]] = field(default_factory=list)
    # ^ author, name, key, sig, source, initials_only — one row per authorship
    new_papers: list[tuple[int, str | None, str, int | None, str | None, str | None, int, bool]] = (
        field(default_factory=list)
    )  # id, title, title_key, year, venue, doi, n_authors, counted
    paper_ids: list[tuple[str, str, int]] = field(default_factory=list)  # kind, value, paper
    authorships: list[tuple[int, int, int, str]] = field(default_factory=list)
    # ^ paper, position, author, raw name
    provenance: list[tuple[int, str]] = field(default_factory=list)  # paper, source_ref
    edges: dict[tuple[int, int], list[float]] = field(default_factory=dict)
    # ^ (a<b) -> [papers, weight, first_year, last_year] increments for new counted papers
    evidence: list[tuple[int, str, str, str]] = field(default_factory=list)
    # ^ author, variant name, rule, detail
    duplicates: list[tuple[int, int, str, float]] = field(default_factory=list)
    # ^ a, b, reason, score
    renames: list[tuple[int, str]] = field(default_factory=list)  # author, better display name

    def is_empty(self) -> bool:
        return not (self.new_papers or self.provenance or self.paper_ids)


@runtime_checkable
class GraphStore(Protocol):
    """Persistence, identity look-ups and graph queries with one meaning in every store."""

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None: ...
    def get_meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...

    # -- identity look-ups used by ingest ----------------------------------------------------
    def next_ids(self) -> tuple[int, int]: ...
    def author_by_external(self, kind: str, value: str) -> int | None: ...
    def authors_by_key(self, key: str) -> list[AuthorCandidate]: ...
    def authors_by_signature(self, sig: str) -> list[AuthorCandidate]: ...
    def shared_coauthors(self, author: int, others: Sequence[int]) -> list[int]: ...
    def paper_by_external(self, kind: str, value: str) -> int | None: ...
    def papers_by_title(self, title_key: str, year: int | None) -> list[PaperCandidate]: ...
    def apply_batch(self, batch: Batch) -> None: ...
    def rebuild_edges(self, max_team_size: int) -> None: ...

    # -- reads --------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]: ...
    def search_authors(
        self, query: str, limit: int = 20, offset: int = 0
    ) -> list[dict[str, Any]]: ...
    def authors_by_name(self, text: str) -> list[dict[str, Any]]: ...
    def author(self, author_id: int) -> dict[str, Any] | None: ...
    def papers(self, paper_ids: Iterable[int]) -> list[dict[str, Any]]: ...
