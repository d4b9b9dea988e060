"""Author identity: which name mentions are the same person, with the evidence for each join.

Order of rules (DESIGN.md ``identity/``):

1. hard keys: ORCID, dblp person name (with its homonym number), OpenAlex / Semantic Scholar
   author ids, edge-list node ids — an id from a source always wins over name matching;
2. equal match keys ("Günther, Mario" = "Mario Gunther"), unless the candidate carries a
   different hard id of the same kind (two ORCIDs are two people);
3. an initials-only form ("P. Vincent") joins a full-name author only when exactly one
   full-name candidate fits and they share a co-author on this paper; otherwise it stays a
   separate author and the pair is listed as a possible duplicate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from graphsvc.model import AUTHOR_ID_KINDS, RawAuthor
from graphsvc.names import ParsedName
from graphsvc.store.base import AuthorCandidate, Batch, GraphStore


def signature(p: ParsedName) -> str:
    """``family|first initial``: the index used to find full names for initials and vice versa."""
    return f"{p.family_key}|{p.initials[:1]}"


def initials_fit(initials: str, given_key: str) -> bool:
    """Whether initials ("jr") fit a full given name ("john ronald"): same leading letters.

    Examples
    --------
    >>> initials_fit("jr", "john ronald")
    True
    >>> initials_fit("j", "john ronald")
    True
    >>> initials_fit("jm", "john ronald")
    False
    """
    firsts = "".join(t[0] for t in given_key.split() if t)
    return bool(initials) and firsts.startswith(initials)


@dataclass(slots=True)
class Resolved:
    author_id: int
    rule: str
    detail: str = ""


@dataclass
class AuthorResolver:
    """Resolves author mentions against a store plus what the current batch already created."""

    store: GraphStore
    next_author_id: int
    #: the caches hold everything the store has (it started empty or was preloaded): a miss
    #: means "not there" and costs no store round trip
    complete: bool = False
    #: pending co-author pairs of the current batch (the store sees them only after apply)
    pending_pairs: set[tuple[int, int]] = field(default_factory=set)
    _ext: dict[tuple[str, str], int | None] = field(default_factory=dict)
    _key: dict[str, list[AuthorCandidate]] = field(default_factory=dict)
    _sig: dict[str, list[AuthorCandidate]] = field(default_factory=dict)

    def _by_ext(self, kind: str, value: str) -> int | None:
        k = (kind, value)
        if k in self._ext:
            return self._ext[k]
        if self.complete:
            return None
        found = self._ext[k] = self.store.author_by_external(kind, value)
        return found

    def _by_key(self, key: str) -> list[AuthorCandidate]:
        got = self._key.get(key)
        if got is None:
            got = self._key[key] = [] if self.complete else self.store.authors_by_key(key)
        return got

    def _by_sig(self, sig: str) -> list[AuthorCandidate]:
        got = self._sig.get(sig)
        if got is None:
            got = self._sig[sig] = [] if self.complete else self.store.authors_by_signature(sig)
        return got

    def trim_caches(self, limit: int = 2_000_000) -> None:
        """Bound memory on huge runs against a store that is not fully cached."""
        if self.complete:
            return
        for cache in (self._ext, self._key, self._sig):
            if len(cache) > limit:
                cache.clear()

    def resolve_hard(self, raw: RawAuthor, parsed: ParsedName) -> Resolved | None:
        """Rules 1 and 2: hard ids, then equal match keys. None when neither decides."""
        for kind in AUTHOR_ID_KINDS:
            value = raw.ids.get(kind)
            if value:
                found = self._by_ext(kind, value)
                if found is not None:
                    return Resolved(found, f"same {kind}", value)
        if not parsed.key:
            return None
        fitting = [c for c in self._by_key(parsed.key) if not _conflicts(c.ids, raw.ids)]
        if fitting:
            return Resolved(fitting[0].id, "same match key", parsed.key)
        return None

    def resolve_initials(
        self, parsed: ParsedName, raw: RawAuthor, coauthors: list[int]
    ) -> tuple[Resolved | None, list[int]]:
        """Rule 3 for an initials-only name: (join, or None plus the possible duplicates)."""
        full = [
            c
            for c in self._by_sig(signature(parsed))
            if not c.initials_only
            and not _conflicts(c.ids, raw.ids)
            and initials_fit(parsed.initials, c.key.split("|", 1)[1].split("#", 1)[0])
        ]
        if len(full) != 1:
            return None, [c.id for c in full]
        cand = full[0]
        shared = [
            o for o in coauthors if (min(o, cand.id), max(o, cand.id)) in self.pending_pairs
        ] or self.store.shared_coauthors(cand.id, coauthors)
        if shared:
            return Resolved(
                cand.id, "initials match with shared co-author", f"shares co-author id {shared[0]}"
            ), []
        return None, [cand.id]

    def create(
        self,
        raw: RawAuthor,
        parsed: ParsedName,
        batch: Batch,
        display: Callable[[ParsedName, RawAuthor], str],
    ) -> Resolved:
        aid = self.next_author_id
        self.next_author_id += 1
        batch.new_authors.append((aid, display(parsed, raw), parsed.key))
        for kind in AUTHOR_ID_KINDS:
            value = raw.ids.get(kind)
            if value:
                batch.author_ids.append((kind, value, aid))
                self._ext[(kind, value)] = aid
        cand = AuthorCandidate(
            aid, parsed.key, parsed.initials_only, conflict_keys(raw.ids.items())
        )
        if parsed.key:
            self._by_key(parsed.key).append(cand)
            self._by_sig(signature(parsed)).append(cand)
        return Resolved(aid, "new author", "")

    def learn_ids(self, aid: int, raw: RawAuthor, batch: Batch) -> None:
        """Attach hard ids a mention carries to the author it was resolved to."""
        for kind in AUTHOR_ID_KINDS:
            value = raw.ids.get(kind)
            if value and self._by_ext(kind, value) is None:
                batch.author_ids.append((kind, value, aid))
                self._ext[(kind, value)] = aid


def conflict_keys(ids: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Hard ids keyed so that equal keys with different values mean different people.

    Edge-list node ids only conflict within one data set: node 7 and node 9 of ca-GrQc are two
    people, but a node of one data set may be the same person as a node of another.

    Examples
    --------
    >>> conflict_keys([("orcid", "0000-0001-2345-6789"), ("node", "ca-GrQc:7")])
    {'orcid': '0000-0001-2345-6789', 'node:ca-GrQc': 'ca-GrQc:7'}
    """
    out = {}
    for kind, value in ids:
        if kind == "node":
            out[f"node:{value.rsplit(':', 1)[0]}"] = value
        elif kind in AUTHOR_ID_KINDS:
            out[kind] = value
    return out


def _conflicts(have: dict[str, str], incoming: dict[str, str]) -> bool:
    return any(have.get(k, v) != v for k, v in conflict_keys(incoming.items()).items())
