"""The ``GraphStore`` protocol both stores implement, and the batch the ingest hands a store."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol, TypeVar, runtime_checkable

T = TypeVar("T")


@dataclass(slots=True)
class AuthorCandidate:
    """An existing author as identity resolution sees it."""

    id: int
    key: str
    initials_only: bool
    ids: dict[str, str] = field(default_factory=dict)
    #: from a look-up by signature: the author's variant keys with that signature, each with
    #: whether it is initials-only (empty: ``key`` alone)
    keys: tuple[tuple[str, bool], ...] = ()


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
    new_papers: list[
        tuple[int, str | None, str, int | None, str | None, str | None, int, bool, float | None]
    ] = field(default_factory=list)
    # ^ id, title, title_key, year, venue, doi, n_authors, counted, tie (None: a real paper; a
    # number: the weight of a co-authorship tie from an edge list or GML, which is no paper)
    paper_ids: list[tuple[str, str, int]] = field(default_factory=list)  # kind, value, paper
    fresh_paper_ids: set[tuple[str, str]] = field(default_factory=set)
    # ^ (kind, value) of paper_ids that no paper holds yet: a new paper's own ids, each looked
    # up before the paper was made (a store may create them without checking)
    authorships: list[tuple[int, int, int, str]] = field(default_factory=list)
    # ^ paper, position, author, raw name
    provenance: list[tuple[int, str]] = field(default_factory=list)  # paper, source_ref
    edges: dict[tuple[int, int], list[float]] = field(default_factory=dict)
    # ^ (a<b) -> [papers, weight, first_year, last_year] increments for new counted papers
    ties: dict[tuple[int, int], float] = field(default_factory=dict)
    # ^ (a<b) -> the strongest weight of the new ties of the pair (an edge of 0 papers unless
    # papers join the two)
    evidence: list[tuple[int, str, str, str]] = field(default_factory=list)
    # ^ author, variant name, rule, detail
    duplicates: list[tuple[int, int, str, float]] = field(default_factory=list)
    # ^ a, b, reason, score
    renames: list[tuple[int, str]] = field(default_factory=list)  # author, better display name

    def is_empty(self) -> bool:
        return not (self.new_papers or self.provenance or self.paper_ids)

    def authorship_sources(self) -> list[str]:
        """The source of each authorship row, in order.

        Variants and authorships are both written in paper order, so the n-th variant row of
        (author, name) belongs to the n-th authorship of that author with that name.
        """
        queues: dict[tuple[int, str], list[str]] = {}
        for a, n, _k, _s, src, _i in self.variants:
            q = queues.get((a, n))
            if q is None:
                queues[(a, n)] = [src]
            else:
                q.append(src)
        taken = {k: iter(q) for k, q in queues.items()}
        none: Iterator[str] = iter(())
        return [next(taken.get((a, raw), none), "unknown") for _p, _pos, a, raw in self.authorships]


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
    def authors_by_spell(self, spell: str) -> list[AuthorCandidate]: ...
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


# -- identity overrides ---------------------------------------------------------------------------
#: meta key: the highest author id a manual override took out of use (a merged-away author, a
#: split-off author); the ingest never hands out an id at or below it again
RESERVED_AUTHOR_ID = "reserved_author_id"


class Mention(NamedTuple):
    """One authorship as manual merges and splits move it."""

    paper: int
    position: int
    raw_name: str
    source: str


class VariantRow(NamedTuple):
    """A name variant of an author with its count ``n`` (a change of the count when written
    by ``IdentityTx.add_variants``)."""

    name: str
    source: str
    key: str
    sig: str
    initials_only: bool
    n: int


class IdentityTx(Protocol):
    """The steps of one manual merge, split or undo, all in one store transaction.

    ``graphsvc.identity.overrides`` decides what moves where; a store only carries it out, so
    both stores give overrides the same meaning.
    """

    # reads
    def author_row(self, author: int) -> tuple[int, str, str] | None: ...
    def authorships(self, author: int) -> list[Mention]: ...
    def variants(self, author: int) -> list[VariantRow]: ...
    def external_ids(self, author: int) -> list[tuple[str, str]]: ...
    def evidence(self, author: int) -> list[tuple[str, str, str]]: ...
    def duplicates(self, author: int) -> list[tuple[int, int, str, float]]: ...
    def shared_papers(self, a: int, b: int) -> list[int]: ...
    def max_paper_id(self) -> int: ...
    def next_author_id(self) -> int: ...
    def override(self, override_id: int) -> dict[str, Any] | None: ...
    def later_overrides(self, override_id: int, authors: Sequence[int]) -> list[int]: ...

    # writes
    def create_author(self, author: int, name: str, key: str) -> None: ...
    def move_authorships(self, rows: Sequence[Mention], target: int) -> None: ...
    def add_variants(self, author: int, rows: Sequence[VariantRow]) -> None: ...
    def move_ids(self, ids: Sequence[tuple[str, str]], target: int) -> None: ...
    def add_evidence(self, author: int, rows: Sequence[tuple[str, str, str]]) -> None: ...
    def drop_evidence(self, author: int, keys: Sequence[tuple[str, str]]) -> None: ...
    def add_duplicates(self, rows: Sequence[tuple[int, int, str, float]]) -> None: ...
    def drop_duplicates(self, author: int) -> None: ...
    def delete_author(self, author: int) -> None: ...
    def refresh(self, authors: Sequence[int]) -> None: ...
    def reserve(self, author: int) -> None: ...
    def add_override(
        self, kind: str, subject: int, object: int, payload: str, who: str, when: str, why: str
    ) -> int: ...
    def set_override_undone(self, override_id: int, who: str, when: str, why: str) -> None: ...


@runtime_checkable
class IdentityStore(Protocol):
    """What identity overrides, explanations and duplicate listings need from a store."""

    def identity_write(self, work: Callable[[IdentityTx], T]) -> T: ...
    def overrides(
        self, *, author: int | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]: ...
    def override(self, override_id: int) -> dict[str, Any] | None: ...
    def alias_rows(self) -> list[tuple[int, int]]: ...
    def evidence(self, author: int) -> list[tuple[str, str, str]]: ...
    def authorships(self, author: int) -> list[Mention]: ...
    def name_keys(self) -> Iterator[tuple[int, str, bool]]: ...
    def spelling_groups(self) -> list[list[int]]: ...
    def author_name_keys(self, author: int) -> list[tuple[str, bool]]: ...
    def stored_duplicates(self, author: int | None = None) -> list[tuple[int, int, str, float]]: ...
    def coauthor_sets(self, authors: Sequence[int]) -> dict[int, set[int]]: ...
    def venue_sets(self, authors: Sequence[int]) -> dict[int, set[str]]: ...
    def external_id_sets(self, authors: Sequence[int]) -> dict[int, list[tuple[str, str]]]: ...
    def author_summaries(self, authors: Sequence[int]) -> dict[int, dict[str, Any]]: ...
    def paper_coauthors(
        self, author: int
    ) -> list[tuple[int, int | None, str | None, bool, list[int]]]: ...
    def prolific_authors(self, min_papers: int, limit: int) -> list[int]: ...
