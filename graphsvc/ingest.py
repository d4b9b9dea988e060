"""The ingest pipeline: read records, resolve papers and authors, write batches to a store.

Each batch is one transaction. A paper that is already in the store (same DOI or source id,
or same title, year and mostly the same authors) only gains provenance, so ingesting a file
twice changes nothing and a run killed half-way is finished by running it again.
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from itertools import combinations, islice
from pathlib import Path
from typing import Any, overload

from graphsvc.config import DEFAULT_MAX_TEAM_SIZE
from graphsvc.errors import GraphsvcError, ParseError, StoreUnavailable
from graphsvc.identity.late_joins import late_joins
from graphsvc.identity.overrides import author_aliases, merged_keys
from graphsvc.identity.papers import ID_PRIORITY, ids_conflict, same_authors, title_key
from graphsvc.identity.resolver import AuthorResolver, Resolved, signature
from graphsvc.identity.seen import SeenFilter
from graphsvc.model import RawAuthor, Record, Skipped, repair_record, repair_skipped
from graphsvc.names import ParsedName, parse_name, strip_controls
from graphsvc.sources import (
    ReaderOptions,
    detect_format,
    prefetch,
    read_records,
    reader_module,
)
from graphsvc.sources.base import MAX_AUTHORS
from graphsvc.store.base import RESERVED_AUTHOR_ID, AuthorCandidate, Batch, GraphStore

log = logging.getLogger(__name__)

BATCH_SIZE = 5000
#: inputs from this size on are read in a second process (``ingest(read_ahead=None)``)
READ_AHEAD_BYTES = 256 << 10
MAX_EXAMPLES = 20
#: skipped items kept with a run in the store (all of them are counted in the report)
MAX_STORED_SKIPS = 100_000
#: longer titles and venues are cut; longer names are dropped (no real one comes close)
MAX_TEXT_CHARS = 4096
MAX_NAME_CHARS = 1000


@dataclass
class IngestReport:
    """What an ingest did; ``to_dict`` is the JSON the CLI and the API print."""

    files: list[dict[str, Any]] = field(default_factory=list)
    records: int = 0
    papers: int = 0
    #: co-authorship ties (edge-list lines, GML edges) that are new: not papers
    ties: int = 0
    duplicates: int = 0
    authors: int = 0
    edges: int = 0
    excluded_papers: int = 0
    skipped: int = 0
    skipped_reasons: Counter[str] = field(default_factory=Counter)
    examples: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    totals: dict[str, int] = field(default_factory=dict)
    max_team_size: int = DEFAULT_MAX_TEAM_SIZE

    def skip(self, item: Skipped) -> None:
        self.skipped += 1
        self.skipped_reasons[item.reason] += 1
        if len(self.examples) < MAX_EXAMPLES:
            ex = {"source_ref": item.source_ref, "reason": item.reason}
            if item.detail:
                ex["detail"] = item.detail
            self.examples.append(ex)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "records": self.records,
            "papers": self.papers,
            "ties": self.ties,
            "duplicates": self.duplicates,
            "authors": self.authors,
            "edges": self.edges,
            "excluded_papers": self.excluded_papers,
            "max_team_size": self.max_team_size,
            "skipped": self.skipped,
            "skipped_reasons": dict(sorted(self.skipped_reasons.items())),
            "examples": self.examples,
            "seconds": round(self.seconds, 3),
            "totals": self.totals,
        }


def display_name(parsed: ParsedName, raw: Any) -> str:
    """The name shown for a new author: the parsed display form, or the raw string."""
    return parsed.display or " ".join(str(raw.name).split()) or "?"


#: (name, family, given, suffix) of a mention, as a source gave them
_NameKey = tuple[str, str | None, str | None, str | None]
#: the name without control characters (None: unchanged) and the parsed name
_Mention = tuple[str | None, ParsedName]
#: distinct mentions whose parsing an ingest remembers (about 830 bytes each, and 250 in the
#: reader process's ``_Prepare.sent``)
MAX_CACHED_NAMES = 200_000
#: a run into an empty store keeps every co-author pair it wrote, up to this many, so that the
#: evidence checks of the identity rules need no store look-up
MAX_RUN_PAIRS = 1_000_000
#: a run into an empty store keeps the ids and titles of its papers in memory up to this many
#: ids (about 150,000 papers); past that the store answers for the papers of earlier batches,
#: behind a fixed-size filter, so a bulk load's memory stops growing with its papers
MAX_RUN_PAPER_IDS = 250_000
_TITLE = "\x00title"
#: a run into an empty store keeps every author it made in memory up to this many (a few KB
#: each); past that the store answers for authors too, as for a store that was not empty
MAX_RUN_AUTHORS = 300_000
#: bytes all author caches of the resolver may hold together when the store answers
#: (``AuthorResolver.trim_caches``); with MAX_CACHED_NAMES the caches of a run stay within
#: about 1 GB whatever its size
AUTHOR_CACHE_BYTES = 600_000_000


def _parse_mention(raw: Any) -> _Mention:
    stripped = strip_controls(raw.name)
    return (
        None if stripped == raw.name else stripped,
        parse_name(raw.name, family=raw.family, given=raw.given, suffix=raw.suffix),
    )


class _Prepare:
    """In a reader process: the names (each distinct mention once) and title keys of a chunk
    of records, for ``Ingestor.add`` to find ready."""

    def __init__(self) -> None:
        self.sent: set[_NameKey] = set()

    def __call__(
        self, items: list[Record | Skipped]
    ) -> tuple[dict[_NameKey, _Mention], dict[str | None, str]]:
        if len(self.sent) > MAX_CACHED_NAMES:
            self.sent.clear()
        sent = self.sent
        names: dict[_NameKey, _Mention] = {}
        titles: dict[str | None, str] = {}
        for item in items:
            if type(item) is not Record:
                continue
            for raw in item.authors:
                k = (raw.name, raw.family, raw.given, raw.suffix)
                if k not in sent:
                    sent.add(k)
                    names[k] = _parse_mention(raw)
            if item.title not in titles:
                titles[item.title] = title_key(item.title)
        return names, titles


class _Coauthors(Sequence[int]):
    """The authors of one paper resolved so far (a set the ingest grows), in id order.

    The resolver reads them only when a name has a candidate to check for shared co-authors,
    so they are sorted on demand rather than for every mention (a 50,000-author paper would
    otherwise sort 50,000 times).
    """

    __slots__ = ("_ids", "_sorted")

    def __init__(self, ids: set[int]) -> None:
        self._ids = ids
        self._sorted: list[int] = []

    def __contains__(self, author: object) -> bool:
        return author in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def _list(self) -> list[int]:
        if len(self._sorted) != len(self._ids):  # the set only grows
            self._sorted = sorted(self._ids)
        return self._sorted

    def __iter__(self) -> Iterator[int]:
        return iter(self._list())

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> list[int]: ...
    def __getitem__(self, i: int | slice) -> int | list[int]:
        return self._list()[i]


class _Without(set[int]):
    """``pool`` without ``drop``, for membership tests and sizes, without copying ``pool``."""

    def __init__(self, pool: set[int], drop: set[int]) -> None:
        super().__init__()
        self._pool, self._drop = pool, drop

    def __contains__(self, x: object) -> bool:
        return x in self._pool and x not in self._drop

    def __len__(self) -> int:
        return len(self._pool) - len(self._drop & self._pool)

    def __iter__(self) -> Iterator[int]:
        return (x for x in self._pool if x not in self._drop)


class Ingestor:
    """Turns records into batches for one store; one instance per ingest run."""

    def __init__(
        self,
        store: GraphStore,
        *,
        max_team_size: int = DEFAULT_MAX_TEAM_SIZE,
        batch_size: int | None = None,
    ) -> None:
        self.store = store
        self.max_team_size = max_team_size
        # a store may ask for smaller batches (Neo4j: a batch's transaction lives in the
        # server's heap until it commits); the answers do not depend on the batch size
        self.batch_size = batch_size or int(getattr(store, "ingest_batch_size", BATCH_SIZE))
        next_author, next_paper = store.next_ids()
        # an empty store is fully described by what this run creates: no look-ups needed
        self.complete = next_author == 1 and next_paper == 1
        # ids of authors merged away or split off and undone are never handed out again
        reserved = store.get_meta(RESERVED_AUTHOR_ID)
        if reserved is not None:
            next_author = max(next_author, int(reserved) + 1)
        self.resolver = AuthorResolver(
            store, next_author, complete=self.complete, aliases=author_aliases(store),
            merged_keys=merged_keys(store), pairs_complete=self.complete,
        )
        self.next_paper = next_paper
        self._first_author = next_author
        self.report = IngestReport(max_team_size=max_team_size)
        self._names: dict[_NameKey, _Mention] = {}
        #: title keys of the records being added, computed ahead by a reader process
        self._titles: dict[str | None, str] = {}
        self._batch = Batch()
        self._paper_ext: dict[tuple[str, str], int] = {}
        self._paper_titles: dict[
            tuple[str, int | None], list[tuple[int, dict[str, str], list[str]]]
        ] = {}
        #: past MAX_RUN_PAPER_IDS in a bulk load: every paper id and title written in this run
        #: (``_spill_papers``); the two tables above then hold the current batch only
        self._seen: SeenFilter | None = None
        self._skips: list[tuple[str, str, str]] = []
        #: what stopped the reading of a file (the other files go on)
        self.file_errors: list[Exception] = []
        self._in_batch = 0
        #: what the store answered to one batch's paper look-ups at once (``prefetch``),
        #: dropped at the next write
        self._known_ext: dict[tuple[str, str], int | None] = {}
        self._known_titles: dict[tuple[str, int | None], list[Any]] = {}
        #: the store answers many look-ups in one round trip: ``prefetched`` asks it per batch
        self.prefetching = not self.complete and hasattr(store, "lookup_papers") and hasattr(
            store, "lookup_authors")

    # -- names -----------------------------------------------------------------------------
    def _parse(self, raw: Any) -> tuple[Any, ParsedName]:
        """The mention as stored (control characters stripped) and its parsed name."""
        k = (raw.name, raw.family, raw.given, raw.suffix)
        got = self._names.get(k)
        if got is None:
            if len(self._names) > MAX_CACHED_NAMES:
                self._names.clear()
            got = self._names[k] = _parse_mention(raw)
        clean, parsed = got
        if clean is not None or (raw.ids and not "".join(raw.ids.values()).isprintable()):
            # a mention that could drive a terminal (ESC [ … ) is never stored as given
            raw = RawAuthor(raw.name if clean is None else clean, raw.family, raw.given,
                            raw.suffix, {k: strip_controls(v) for k, v in raw.ids.items()})
        return raw, parsed

    def read_ahead(self, make_items: Callable[[], Iterable[Record | Skipped]]) -> Iterator[
        Record | Skipped
    ]:
        """``make_items()`` read in a second process that also parses the names and titles."""
        return prefetch.read_ahead(make_items, _Prepare(), self._prepared)

    def _prepared(self, got: tuple[dict[_NameKey, _Mention], dict[str | None, str]]) -> None:
        names, self._titles = got
        if len(self._names) + len(names) > MAX_CACHED_NAMES:
            self._names.clear()
        self._names.update(names)

    # -- papers ----------------------------------------------------------------------------
    def _record_ids(self, rec: Record) -> dict[str, str]:
        ids = {k: v for k, v in rec.ids.items() if v}
        if rec.doi:
            ids["doi"] = rec.doi.lower()
        return ids

    def _paper_of_id(self, key: tuple[str, str]) -> int | None:
        pid = self._paper_ext.get(key)
        if pid is not None:
            return pid
        if not self.complete:
            if key in self._known_ext:
                return self._known_ext[key]
            return self.store.paper_by_external(*key)
        if self._seen is not None and key in self._seen:
            return self.store.paper_by_external(*key)
        return None

    def _remember_id(self, key: tuple[str, str], pid: int) -> None:
        self._paper_ext[key] = pid
        if self._seen is not None:
            self._seen.add(key)

    def _existing_paper(
        self, rec: Record, ids: dict[str, str], tkey: str, sigs: list[str]
    ) -> int | None:
        for kind in ID_PRIORITY:
            value = ids.get(kind)
            if value is None:
                continue
            pid = self._paper_of_id((kind, value))
            if pid is not None:
                return pid
        if not tkey:
            return None
        if self._seen is not None and (_TITLE, tkey, rec.year) in self._seen:
            # papers of earlier batches come first, in the order they were written
            for cand in self.store.papers_by_title(tkey, rec.year):
                if not ids_conflict(ids, cand.ids) and same_authors(sigs, cand.author_sigs):
                    return cand.id
        for pid, cids, csigs in self._paper_titles.get((tkey, rec.year), []):
            if not ids_conflict(ids, cids) and same_authors(sigs, csigs):
                return pid
        if self.complete:
            return None
        known = self._known_titles.get((tkey, rec.year))
        for cand in known if known is not None else self.store.papers_by_title(tkey, rec.year):
            if not ids_conflict(ids, cand.ids) and same_authors(sigs, cand.author_sigs):
                return cand.id
        return None

    # -- look-ups of a whole batch at once ------------------------------------------------------
    def prefetched(self, items: Iterable[Record | Skipped]) -> Iterator[Record | Skipped]:
        """``items`` unchanged, with the store's answers to their look-ups fetched ahead, a
        batch at a time (``prefetch``): against a server, one round trip per kind of key
        instead of one per name, id and title.

        A chunk holds at most as many items as the current batch has room for, so the batch
        is written, if at all, only after the chunk's last item: every answer fetched for a
        chunk is what a look-up of its own would have answered when the item needed it.
        """
        it = iter(items)
        while True:
            chunk = list(islice(it, max(1, self.batch_size - self._in_batch)))
            if not chunk:
                return
            self.prefetch([x for x in chunk if isinstance(x, Record)])
            yield from chunk

    def prefetch(self, records: Sequence[Record]) -> None:
        """Ask the store (``lookup_papers``, ``lookup_authors``) at once for what adding these
        records may look up: paper ids and titles, author ids and spellings, then the
        signatures of the names those leave undecided. What is not asked here is looked up
        alone when needed, so this changes no answer, only the number of round trips."""
        if not self.prefetching:
            return
        author_ids: set[tuple[str, str]] = set()
        spells: set[str] = set()
        mentions: list[tuple[Any, ParsedName]] = []
        r = self.resolver
        records = [rec for rec in records if len(rec.authors) <= MAX_AUTHORS]
        self._prefetch_papers(records)
        for rec in records:
            for given in rec.authors:
                if len(given.name) > MAX_NAME_CHARS:
                    continue
                raw, p = self._parse(given)
                got_ids, got_spells = r.hard_keys(raw, p)
                author_ids.update(got_ids)
                spells.update(got_spells)
                mentions.append((raw, p))
        r.prefetch(author_ids, spells)
        sigs: set[str] = set()
        for raw, p in mentions:
            sigs.update(r.evidence_sigs(raw, p))
        r.prefetch((), (), sigs)

    def _prefetch_papers(self, records: Sequence[Record]) -> None:
        """The papers holding the records' ids, then the title candidates of the records
        that no id identifies (only those reach ``papers_by_title``)."""
        lookup = self.store.lookup_papers  # type: ignore[attr-defined]
        per_record = [(rec, list(self._record_ids(rec).items())) for rec in records]
        ask = sorted({k for _r, ks in per_record for k in ks
                      if k not in self._paper_ext and k not in self._known_ext})
        if ask:
            found, _ = lookup(ask, [])
            for k in ask:
                self._known_ext[k] = found.get(k)
        titles: set[tuple[str, int | None]] = set()
        for rec, ks in per_record:
            if any(self._paper_ext.get(k) or self._known_ext.get(k) for k in ks):
                continue
            tkey = self._titles.get(rec.title)
            if tkey is None:
                tkey = title_key(rec.title)
            if tkey and (tkey, rec.year) not in self._known_titles:
                titles.add((tkey, rec.year))
        if titles:
            _, by_title = lookup([], sorted(titles, key=lambda t: (t[0], t[1] or 0)))
            for t in titles:
                self._known_titles[t] = by_title.get(t, [])

    # -- one record ------------------------------------------------------------------------
    def add(self, rec: Record) -> None:
        self.report.records += 1
        if len(rec.authors) > MAX_AUTHORS:
            self._skip(Skipped(rec.source_ref, "too-many-authors",
                               f"{len(rec.authors)} authors, more than {MAX_AUTHORS}"))
            return
        cut = [f for f in ("title", "venue") if len(getattr(rec, f) or "") > MAX_TEXT_CHARS]
        for f in cut:
            setattr(rec, f, getattr(rec, f)[:MAX_TEXT_CHARS])
        if cut:
            self._skip(Skipped(rec.source_ref, "field-too-large",
                               f"{' and '.join(cut)} cut to {MAX_TEXT_CHARS} characters"))
        fixed = repair_record(rec)
        if fixed:
            self._skip(
                Skipped(
                    rec.source_ref,
                    "invalid-unicode",
                    f"unpaired surrogate(s) replaced by U+FFFD in: {', '.join(fixed)}",
                )
            )
        parsed = []
        bad_names = 0
        for given in rec.authors:
            if len(given.name) > MAX_NAME_CHARS:
                bad_names += 1
                continue
            raw, p = self._parse(given)
            if not p.key and not raw.ids:
                bad_names += 1
                continue
            parsed.append((raw, p))
        if bad_names:
            self._skip(
                Skipped(
                    rec.source_ref,
                    "bad-author-name",
                    f"{bad_names} author name(s) without letters, or over {MAX_NAME_CHARS} "
                    "characters, dropped",
                )
            )
        if not parsed:
            self._skip(Skipped(rec.source_ref, "no-authors", "no usable author names"))
            return
        ids = self._record_ids(rec)
        tkey = self._titles.get(rec.title)
        if tkey is None:
            tkey = title_key(rec.title)
        sigs = [signature(p) for _, p in parsed]
        existing = self._existing_paper(rec, ids, tkey, sigs)
        b = self._batch
        if existing is not None:
            self.report.duplicates += 1
            b.provenance.append((existing, rec.source_ref))
            for kind, value in ids.items():
                key = (kind, value)
                if key not in self._paper_ext and (
                    self._seen is None or key not in self._seen
                    or self.store.paper_by_external(kind, value) is None
                ):
                    b.paper_ids.append((kind, value, existing))
                    self._remember_id(key, existing)
            self._maybe_flush()
            return
        pid = self.next_paper
        self.next_paper += 1
        authors = self._resolve_authors(parsed, sigs, rec)
        n = len(authors)
        counted = n >= 2 and (self.max_team_size == 0 or n <= self.max_team_size)
        if n > self.max_team_size > 0:
            self.report.excluded_papers += 1
        b.new_papers.append(
            (pid, rec.title, tkey, rec.year, rec.venue, ids.get("doi"), n, counted, rec.tie)
        )
        for kind, value in ids.items():
            b.paper_ids.append((kind, value, pid))
            self._remember_id((kind, value), pid)
            if kind in ID_PRIORITY:  # _existing_paper looked each of these up: none is held
                b.fresh_paper_ids.add((kind, value))
        if not ids:
            ref = ("ref", rec.source_ref)
            b.paper_ids.append((*ref, pid))
            self._remember_id(ref, pid)
        self._paper_titles.setdefault((tkey, rec.year), []).append((pid, ids, sigs))
        if self._seen is not None:
            self._seen.add((_TITLE, tkey, rec.year))
        b.provenance.append((pid, rec.source_ref))
        for pos, (aid, raw_name) in enumerate(authors):
            b.authorships.append((pid, pos, aid, raw_name))
        if rec.tie is not None:
            # a co-authorship tie, not a paper (DESIGN.md "Ties without papers")
            self.report.ties += n == 2
            if n == 2:
                self._add_tie(authors[0][0], authors[1][0], rec.tie)
        else:
            self.report.papers += 1
            if counted:
                self._add_edges([a for a, _ in authors], n, rec.year or 0)
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        self._in_batch += 1
        if self._in_batch >= self.batch_size:
            self.flush()

    def _resolve_authors(
        self, parsed: list[tuple[Any, ParsedName]], sigs: list[str], rec: Record
    ) -> list[tuple[int, str]]:
        """Resolve every mention of one paper: names the hard rules decide first, then the names
        that need evidence, each against the co-authors of this paper: those resolved, and the
        candidates of its other names that need evidence (two initials-only names of one paper
        support each other whichever comes first)."""
        r = self.resolver
        b = self._batch
        out: dict[int, tuple[int, str]] = {}
        seen: set[int] = set()
        source = rec.source or "unknown"
        pending: list[tuple[int, list[tuple[AuthorCandidate, str]]]] = []
        for i, (raw, p) in enumerate(parsed):
            res = r.resolve_hard(raw, p)
            if res is None:
                pending.append((i, r.evidence_candidates(p, raw)))
                continue
            self._accept(i, raw, p, sigs[i], res, source, out, seen)
        if not pending:
            return [out[i] for i in sorted(out)]
        pool = set(seen)
        for _i, cands in pending:
            pool.update(c.id for c, _rel in cands)
        mine = {i: {c.id for c, _rel in cands} for i, cands in pending}
        fitting = {i: [(c, rel) for c, rel in cands if c.id not in seen] for i, cands in pending}
        # which names of the paper each co-author id may be: evidence counts names, not ids
        whose = self._whose(out, fitting)
        # the co-authors: the pool without this name's own candidates (few)
        chosen = {i: r.decide(parsed[i][1], parsed[i][0], fitting[i], _Without(pool, mine[i]),
                              display_name, whose) if fitting[i] else None for i, _c in pending}
        kept, whose = self._kept_joins(parsed, pending, out, mine, fitting, chosen)
        for i, _cands in pending:
            raw, p = parsed[i]
            res = chosen[i]
            left = [(c, rel) for c, rel in fitting[i] if c.id not in seen]
            if res is not None and res.author_id in seen:
                # two names of this paper chose one author: the later one decides again
                res = r.decide(p, raw, left, _Without(kept, mine[i]), display_name, whose)
            if res is None:
                res = self._create(raw, p)
                for c, rel in left:
                    d = c.id
                    b.duplicates.append((min(d, res.author_id), max(d, res.author_id),
                                         f"{rel}: {p.key} ~ {c.key}, no co-author in common",
                                         0.5))
            elif res.rename:
                b.renames.append((res.author_id, res.rename))
            self._accept(i, raw, p, sigs[i], res, source, out, seen)
        return [out[i] for i in sorted(out)]

    @staticmethod
    def _whose(
        out: dict[int, tuple[int, str]], fitting: dict[int, list[tuple[AuthorCandidate, str]]]
    ) -> dict[int, set[int]]:
        """Author id -> the names (positions) of the paper it may be: a resolved name is its
        author, a name still undecided may be any of its candidates."""
        whose = {aid: {i} for i, (aid, _raw) in out.items()}
        for i, cands in fitting.items():
            for c, _rel in cands:
                if c.id not in whose or i not in whose[c.id]:
                    whose.setdefault(c.id, set()).add(i)
        return whose

    def _kept_joins(
        self,
        parsed: list[tuple[Any, ParsedName]],
        pending: list[tuple[int, list[tuple[AuthorCandidate, str]]]],
        out: dict[int, tuple[int, str]],
        mine: dict[int, set[int]],
        fitting: dict[int, list[tuple[AuthorCandidate, str]]],
        chosen: dict[int, Resolved | None],
    ) -> tuple[set[int], dict[int, set[int]]]:
        """Drop (in ``chosen``) the joins whose evidence was only a candidate of another name of
        this paper that went elsewhere, and return the paper's authors as kept, with the name
        each stands for.

        "Liu, Z.S." beside "Yang, H." once joined "Zikui Liu" because Zikui Liu wrote with
        Huan Yang, a candidate of "Yang, H.", which then went to Hui Yang: had the Zikui Liu
        paper come second, the stored paper would have shown no Huan Yang and no join (issue
        15 item 5). A join stands on the co-authors the paper keeps; dropping one can take
        another's evidence away, so this repeats until nothing changes."""
        r = self.resolver
        while True:
            whose = {aid: {i} for i, (aid, _raw) in out.items()}
            for i, x in chosen.items():
                if x is not None:
                    whose.setdefault(x.author_id, set()).add(i)
            kept = set(whose)
            if len(pending) < 2:
                return kept, whose
            dropped = False
            for i, _cands in pending:
                res = chosen[i]
                if res is None:
                    continue
                raw, p = parsed[i]
                again = r.decide(p, raw, fitting[i], _Without(kept, mine[i]), display_name,
                                 whose)
                if again is None or again.author_id != res.author_id:
                    chosen[i] = None
                    dropped = True
                else:
                    chosen[i] = again  # its evidence as kept
            if not dropped:
                return kept, whose

    def _create(self, raw: Any, p: ParsedName) -> Resolved:
        res = self.resolver.create(raw, p, self._batch, display_name)
        self.report.authors += 1
        return res

    def _accept(
        self,
        i: int,
        raw: Any,
        p: ParsedName,
        sig: str,
        res: Resolved,
        source: str,
        out: dict[int, tuple[int, str]],
        seen: set[int],
    ) -> None:
        r = self.resolver
        b = self._batch
        aid = res.author_id
        if r.refused:
            for _other, why in r.take_refused():
                # a shared hard id the dblp homonym rule refused: explained on this author
                b.evidence.append((aid, raw.name, "kept apart from a dblp homonym", why))
        if r.split_ids:
            for other, why in r.take_split_ids():
                # two hard ids of one mention on two authors: listed for a merge
                b.duplicates.append((min(other, aid), max(other, aid), why, 0.9))
        if aid in seen:
            return  # the same person twice on one paper (e.g. an edge-list self-loop)
        seen.add(aid)
        out[i] = (aid, raw.name)
        if raw.ids:
            r.learn_ids(aid, raw, b)
        r.note_variant(aid, p)
        b.variants.append((aid, raw.name, p.key, sig, source, p.initials_only))
        if res.rule != "new author":
            b.evidence.append((aid, raw.name, res.rule, res.detail))

    def _spill_papers(self) -> None:
        """From now on the store answers for this run's papers of earlier batches.

        A paper id or (title, year) the filter has never seen was not written in this run,
        so only the few that it may have seen are looked up (indexed: a bulk load builds the
        two paper indexes this needs now, the others still at its end). The answers are the
        tables', in their order (earlier papers first), except that a paper's ids then include
        those a later record of it added, as a run into a store that was not empty sees them.
        """
        seen = SeenFilter()
        for key in self._paper_ext:
            seen.add(key)
        for tkey, year in self._paper_titles:
            seen.add((_TITLE, tkey, year))
        index = getattr(self.store, "index_papers", None)
        if index is not None:
            index()
        self._seen = seen

    def _spill_authors(self) -> None:
        """From now on the store answers for the authors of earlier batches, as it does for
        an ingest into a store that was not empty (whose answers are the same: identity does
        not depend on interruptions); the bulk load's indexes are built now for its look-ups
        and kept up to date from here on (after the caches are dropped: the index builds'
        sorts then have their memory)."""
        self.resolver.forget_authors()
        restore = getattr(self.store, "restore_indexes", None)
        if restore is not None:
            restore()

    def _add_edges(self, authors: list[int], n: int, year: int) -> None:
        w = 1.0 / (n - 1)
        edges = self._batch.edges
        get = edges.get
        pend = self.resolver.pending_pairs
        # the pairs of the sorted ids are each (low, high) already
        for key in combinations(sorted(authors), 2):
            e = get(key)
            if e is None:
                edges[key] = [1, w, year, year]
                if key not in pend:
                    pend.add(key)
            else:
                e[0] += 1
                e[1] += w
                if year:
                    e[2] = min(e[2], year) if e[2] else year
                    e[3] = max(e[3], year)

    def _add_tie(self, a: int, c: int, weight: float) -> None:
        key = (a, c) if a < c else (c, a)
        ties = self._batch.ties
        ties[key] = max(weight, ties.get(key, weight))
        self.resolver.pending_pairs.add(key)  # a tie is a shared co-author too

    def _skip(self, item: Skipped) -> None:
        item = repair_skipped(item)
        self.report.skip(item)
        if len(self._skips) < MAX_STORED_SKIPS:  # a file of a million bad lines: counted all
            self._skips.append((item.source_ref[:500], item.reason[:100], item.detail[:1000]))

    def skip(self, item: Skipped) -> None:
        self._skip(item)

    def release(self) -> None:
        """The records are all written: drop what the run kept in memory to decide them (the
        store holds all of it), so that the indexes and late joins of the run's end have that
        memory instead of adding to it."""
        self.resolver.forget_authors()
        self._names.clear()
        self._titles.clear()
        self._paper_ext.clear()
        self._paper_titles.clear()
        self._known_ext.clear()
        self._known_titles.clear()
        self._seen = None

    def flush(self, *, last: bool = False) -> None:
        """Write the current batch in one transaction.

        Except for the ``last``, a store that can (``apply_batch_behind``: Neo4j) writes it
        while the next batch is prepared; its next call waits for the write. The ``last``
        waits for every write (``settle``), so the run ends with its batches committed.
        """
        behind = None if last else getattr(self.store, "apply_batch_behind", None)
        if not self._batch.is_empty():
            (behind or self.store.apply_batch)(self._batch)
        settle = getattr(self.store, "settle", None) if last else None
        if settle is not None:
            settle()
        self.resolver.applied()
        self._known_ext.clear()  # answers from before this write
        self._known_titles.clear()
        self._batch = Batch()
        self._in_batch = 0
        if self.complete and self._seen is None and len(self._paper_ext) > MAX_RUN_PAPER_IDS:
            self._spill_papers()
        r = self.resolver
        if r.complete and r.next_author_id - self._first_author > MAX_RUN_AUTHORS:
            self._spill_authors()
        if self._seen is not None:
            self._paper_ext.clear()  # the store holds them now, the filter says which
            self._paper_titles.clear()
        elif not self.complete and len(self._paper_ext) > 2_000_000:
            self._paper_ext.clear()
            self._paper_titles.clear()
        if not r.pairs_complete or len(r.pending_pairs) > MAX_RUN_PAIRS:
            r.pending_pairs.clear()  # the store answers for what the batches wrote
            r.pairs_complete = False
        r.trim_caches(AUTHOR_CACHE_BYTES)
        if _gc_pausers:
            gc.freeze()  # what the batch left alive is never traversed again in this run


_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = True


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """No automatic garbage collection while ingesting; ``Ingestor.flush`` freezes what each
    batch leaves alive (``gc.freeze``), and the run's end unfreezes it and collects as usual.

    An ingest keeps growing caches of long-lived objects, and Python's collections traverse
    all of them again and again: a third of the CPU time of an ingest, and a tenth still when
    only the young generations are collected after each batch. Ingest data has no reference
    cycles; cycles made meanwhile (by other threads of a server) are collected once the run
    ends.
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0:
                gc.unfreeze()
                if _gc_was_enabled:
                    gc.enable()


def ingest(
    store: GraphStore,
    paths: Sequence[Path],
    *,
    fmt: str | None = None,
    options: ReaderOptions | None = None,
    max_team_size: int | None = None,
    progress: Callable[[Iterable[Record | Skipped], str], Iterator[Record | Skipped]] | None = None,
    read_ahead: bool | None = None,
) -> IngestReport:
    """Ingest files into ``store`` and return the report.

    ``progress`` wraps each file's record stream (the CLI passes a tqdm bar); ``max_team_size``
    defaults to the store's current cap (or 100 on an empty store). A different cap than the
    store's rebuilds every co-author edge so the store stays consistent with one cap.
    ``read_ahead``: read the files and parse their names in a second process, beside the
    ingest (where a process can be forked safely); by default for inputs of
    ``READ_AHEAD_BYTES`` or more when a core is idle (``prefetch.spare_core``). The result is
    the same either way.
    """
    missing = [str(p) for p in paths if not Path(p).is_file()]
    if missing:
        raise GraphsvcError(f"no such file: {', '.join(missing)}")
    if fmt is not None:
        reader_module(fmt)  # an unknown --format is the command's error, not each file's
    formats: list[tuple[Path, str | None]] = []
    unreadable: dict[Path, Exception] = {}
    for p in map(Path, paths):
        try:
            formats.append((p, fmt or detect_format(p)))
        except GraphsvcError as exc:  # one unreadable file never costs the others
            unreadable[p] = exc
            formats.append((p, None))
    if read_ahead is None:
        read_ahead = (
            sum(Path(p).stat().st_size for p in paths) >= READ_AHEAD_BYTES
            and prefetch.spare_core()
        )
    ahead = read_ahead and prefetch.available()
    jobs: list[tuple[str, Callable[[Ingestor], dict[str, Any]]]] = [
        (str(p), partial(_ingest_file, path=p, fmt=f, options=options, progress=progress,
                         ahead=ahead))
        if f is not None
        else (str(p), partial(_unreadable, path=p, exc=unreadable[p]))
        for p, f in formats
        if f != "bibtex"
    ]
    bib = [p for p, f in formats if f == "bibtex"]
    if bib:
        # one reader over all .bib files, so @string macros and crossref parents defined in
        # one file (strings.bib, defs.bib) serve entries of the others
        jobs.append(
            (
                " + ".join(map(str, bib)),
                partial(_ingest_bibtex, paths=bib, options=options, progress=progress,
                        ahead=ahead),
            )
        )
    return _run(store, jobs, max_team_size)


def ingest_records(
    store: GraphStore,
    items: Iterable[Record | Skipped],
    *,
    label: str = "records",
    max_team_size: int | None = None,
) -> IngestReport:
    """Ingest records already in memory (a Python user's own reader, tests, uploads)."""

    def job(ing: Ingestor) -> dict[str, Any]:
        return _consume(ing, items, label, "records")

    return _run(store, [(label, job)], max_team_size)


def _run(
    store: GraphStore,
    jobs: list[tuple[str, Callable[[Ingestor], dict[str, Any]]]],
    max_team_size: int | None,
) -> IngestReport:
    # the whole run holds the store's writer lock: what the ingest learns about the store in
    # memory (author ids by name, next free ids, papers seen) stays true between its batches,
    # because no other ingest, merge or split can write meanwhile (they wait for it)
    writing = getattr(store, "writing", None)
    lock = writing(f"ingest {', '.join(label for label, _ in jobs)}") if writing else nullcontext()
    with lock:
        return _run_locked(store, jobs, max_team_size)


def _run_locked(
    store: GraphStore,
    jobs: list[tuple[str, Callable[[Ingestor], dict[str, Any]]]],
    max_team_size: int | None,
) -> IngestReport:
    started = time.perf_counter()
    stored_cap = store.get_meta("max_team_size")
    cap = (
        max_team_size
        if max_team_size is not None
        else (int(stored_cap) if stored_cap is not None else DEFAULT_MAX_TEAM_SIZE)
    )
    if cap < 0:
        raise GraphsvcError("--max-team-size must be 0 (no cap) or a positive number")
    before = store.counts()
    if stored_cap is None:
        store.set_meta("max_team_size", str(cap))
    ing = Ingestor(store, max_team_size=cap)
    run_id = _start_run(store, [label for label, _ in jobs])
    status = "failed"
    lost = False
    # an empty store is bulk loaded: secondary indexes are built once, at the end
    defer = getattr(store, "defer_indexes", None) if ing.complete else None
    deferred = defer is not None and defer()
    try:
        try:
            with _young_collections_only():
                for _label, job in jobs:
                    ing.report.files.append(job(ing))
                ing.flush(last=True)
            ing.release()
            if len(ing.file_errors) == len(jobs) and ing.report.records == 0:
                # nothing could be read at all: the command itself failed
                first = ing.file_errors[0]
                if isinstance(first, GraphsvcError):
                    raise first
                raise ParseError(_one_line(first)) from first
        except BaseException:
            if deferred:
                _restore_after_failure(store)
            raise
        if deferred:
            store.restore_indexes()  # type: ignore[attr-defined]
        if stored_cap is not None and int(stored_cap) != cap:
            store.rebuild_edges(cap)
        # names kept apart for want of evidence that this run's papers gave evidence to join
        # as they would have joined had the papers come the other way round
        late_joins(store)
        status = "done"
    except StoreUnavailable:
        # the store cannot be reached: counting and recording the run would only wait for it
        # again (a Neo4j run's lease runs out and marks it interrupted); say so at once
        lost = True
        raise
    finally:
        if not lost:
            _close_run(store, run_id, status, ing, before, started)
    return ing.report


def _close_run(store: GraphStore, run_id: int | None, status: str, ing: Ingestor,
               before: dict[str, int], started: float) -> None:
    """Fill in the report's totals and record how the run ended."""
    rep = ing.report
    after = store.counts()
    rep.edges = after["edges"] - before["edges"]
    rep.totals = after
    rep.seconds = time.perf_counter() - started
    try:
        _finish_run(store, run_id, status, rep, ing._skips)
    except Exception as exc:
        if status == "done":
            raise
        # e.g. the disk is still full: the run's own error is the one to report
        log.warning("the failed run could not be recorded: %s", exc)


def _restore_after_failure(store: GraphStore) -> None:
    """Rebuild the deferred indexes after a failed bulk load, if that is possible at all.

    On a full disk it is not: the store stays readable without them (every query works, some
    slower), opening it later rebuilds them, and the run's own error (the one the user can act
    on) is the one reported.
    """
    try:
        store.restore_indexes()  # type: ignore[attr-defined]
    except Exception as exc:  # noqa: BLE001 - the load's own error matters more
        log.warning("indexes not rebuilt after the failed load (the next open of the store "
                    "rebuilds them): %s", exc)


def _ingest_file(
    ing: Ingestor,
    path: Path,
    fmt: str | None,
    options: ReaderOptions | None,
    progress: Callable[[Iterable[Record | Skipped], str], Iterator[Record | Skipped]] | None,
    ahead: bool = False,
) -> dict[str, Any]:
    used = fmt or detect_format(path)

    def items() -> Iterable[Record | Skipped]:
        return read_records(path, used, options)

    stream = ing.read_ahead(items) if ahead else items()
    if progress is not None:
        stream = progress(stream, path.name)
    return _consume(ing, stream, str(path), used)


def _ingest_bibtex(
    ing: Ingestor,
    paths: list[Path],
    options: ReaderOptions | None,
    progress: Callable[[Iterable[Record | Skipped], str], Iterator[Record | Skipped]] | None,
    ahead: bool = False,
) -> dict[str, Any]:
    from graphsvc.sources.bibtex import read_many

    def items() -> Iterable[Record | Skipped]:
        return read_many(paths, options or ReaderOptions())

    stream = ing.read_ahead(items) if ahead else items()
    label = " + ".join(str(p) for p in paths)
    if progress is not None:
        stream = progress(stream, f"{len(paths)} BibTeX file(s)")
    return _consume(ing, stream, label, "bibtex")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    if not isinstance(exc, GraphsvcError | OSError):
        text = f"{type(exc).__name__}: {text}"
    return text[:300]


def _file_skip(label: str, exc: Exception, n: int) -> Skipped:
    """What a reader that failed on a file says in the report: where, why, what was read."""
    name = Path(label).name if " + " not in label else label
    reason = "unreadable-file" if isinstance(exc, GraphsvcError | OSError) else "reader-error"
    return Skipped(f"{name}:0", reason,
                   f"reading stopped after {n} item(s): {_one_line(exc)}")


def _guarded(
    ing: Ingestor, stream: Iterable[Record | Skipped], label: str
) -> Iterator[Record | Skipped]:
    """The items of ``stream``; an error raised by the reader ends this file with a
    ``Skipped`` for it instead of ending the whole ingest (errors of the store are not
    caught here: they are raised while an item is added, not while one is read)."""
    it = iter(stream)
    n = 0
    while True:
        try:
            item = next(it)
        except StopIteration:
            return
        except Exception as exc:  # any reader failure on a hostile file: the others go on
            log.info("reading %s failed", label, exc_info=True)
            ing.file_errors.append(exc)
            yield _file_skip(label, exc, n)
            return
        n += 1
        yield item


def _unreadable(ing: Ingestor, path: Path, exc: Exception) -> dict[str, Any]:
    ing.file_errors.append(exc)
    ing.skip(_file_skip(str(path), exc, 0))
    return {"path": str(path), "format": None, "records": 0, "skipped": 1, "papers": 0, "ties": 0,
            "error": _one_line(exc)}


def _consume(
    ing: Ingestor, stream: Iterable[Record | Skipped], label: str, fmt: str
) -> dict[str, Any]:
    before = (ing.report.records, ing.report.skipped, ing.report.papers, ing.report.ties)
    errors = len(ing.file_errors)
    items = _guarded(ing, stream, label)
    for item in ing.prefetched(items) if ing.prefetching else items:
        if isinstance(item, Skipped):
            ing.skip(item)
        else:
            ing.add(item)
    error = _one_line(ing.file_errors[-1]) if len(ing.file_errors) > errors else None
    r = ing.report
    out: dict[str, Any] = {
        "path": label,
        "format": fmt,
        "records": r.records - before[0],
        "skipped": r.skipped - before[1],
        "papers": r.papers - before[2],
        "ties": r.ties - before[3],
    }
    if error is not None:
        out["error"] = error
    return out


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _start_run(store: GraphStore, labels: list[str]) -> int | None:
    start = getattr(store, "start_run", None)
    return start(labels, _now()) if start else None


def _finish_run(
    store: GraphStore,
    run_id: int | None,
    status: str,
    rep: IngestReport,
    skips: list[tuple[str, str, str]],
) -> None:
    if run_id is None:
        return
    store.record_skipped(run_id, skips)  # type: ignore[attr-defined]
    store.finish_run(run_id, _now(), status, json.dumps(rep.to_dict()))  # type: ignore[attr-defined]
