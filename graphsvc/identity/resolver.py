"""Author identity: which name mentions are the same person, with the evidence for each join.

Order of rules (DESIGN.md ``identity/``):

1. hard keys: ORCID, dblp person name (with its homonym number), OpenAlex / Semantic Scholar
   author ids, edge-list node ids — an id from a source always wins over name matching, with
   one exception: a dblp name never joins an author holding the same base name with another
   homonym number ("Wei Liu 0001" and "Wei Liu 0014" are two people even if they share an
   ORCID: dblp numbered them to keep them apart);
2. equal match keys ("Günther, Mario" = "Mario Gunther"), unless the candidate carries a
   different hard id of the same kind (two ORCIDs are two people). An initials-only mention
   joins this way only an author that is itself known by initials: a full-name author needs
   rule 5's evidence for every initials-only mention;
3. the same name read differently: the same words with the family/given boundary elsewhere
   ("Paolo Di Vecchia" = "Di Vecchia, Paolo", "Mohamed A. Abd El Ghany" = "… Abd El-Ghany");
4. the given name written as one word ("Tan-Tan Zhang" / "Tantan Zhang", "Tae-Hoon Kim" /
   "Taehoon Kim") joins only with evidence: a co-author in common on this paper, who must
   also reach every co-author group of the author. How a transliterated given name is split
   is a spelling its bearer chooses, and different people with one common name choose
   differently: dblp keeps "Jin-Xiang Wang" apart from "Jinxiang Wang 0001". The evidence
   shows which person the spelling belongs to; an author whose papers fall into co-author
   groups that never touch may hold two people under one spelling (the same "Taehoon Kim"
   is dblp's "Taehoon Kim 0001" on one paper and another Taehoon Kim on the next), and a
   variant that reaches only one group would be tied to both. A variant kept apart says why
   in its evidence, and the duplicate listing shows the pair;
5. an initials-only form ("P. Vincent") joins a full-name author only when exactly one
   full-name candidate fits and they share a co-author on this paper; the other way round, a
   new full name joins the one initials-only author that fits it, under the same conditions,
   and gives it its better display name. Otherwise the names stay separate authors and the pair
   is listed as a possible duplicate.

Manual merges move everything of the merged-away author to the target and leave an alias
behind (``aliases``): the resolver follows aliases, so an id that was merged away resolves to
where it went.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from graphsvc.identity.compare import dblp_base, homonym_clash, split_key
from graphsvc.model import AUTHOR_ID_KINDS, RawAuthor
from graphsvc.names import ParsedName
from graphsvc.names.parse import PARTICLES
from graphsvc.store.base import AuthorCandidate, Batch, GraphStore

#: a name of more words than this has no other reading (rule 3): real names have a handful
#: ("José María de la Cruz García" has six), and each reading costs a key of the whole name
MAX_READING_WORDS = 8


#: the rule of a join by rule 4, and of a name it kept apart (the evidence ``explain`` shows)
JOINED_GIVEN = "given name written as one word, with shared co-author"
KEPT_APART_JOINED = "kept apart: given name written as one word"


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


def _initials_of(given_key: str) -> str:
    return "".join(t[0] for t in given_key.split() if t)


def _syllables(words: list[str]) -> bool:
    """Given-name words that may be one name written apart ("tan tan", "ko taro"): two or more,
    none an initial or a surname particle ("paolo di" is a spilled particle)."""
    return len(words) > 1 and all(len(w) > 1 and w not in PARTICLES for w in words)


def _is_initials(given_key: str) -> bool:
    words = given_key.split()
    return bool(words) and all(len(w) == 1 for w in words)


def alternative_keys(p: ParsedName) -> list[str]:
    """Keys of the same name read differently (rule 3): the same words with the family/given
    boundary elsewhere, most likely first.

    The given name written as one word ("tan tan" / "tantan") is not among them: it needs
    evidence (rule 4, ``AuthorResolver.resolve_full``). A family name written as one word
    ("Al-Kabani" / "Alkabani") is not joined: its other direction cannot be looked up, and the
    duplicate listing shows such pairs. Names with a dblp homonym number have none (the number
    belongs to one reading), nor have strings of more than ``MAX_READING_WORDS`` words.

    Examples
    --------
    >>> from graphsvc.names import parse_name
    >>> alternative_keys(parse_name("Paolo Di Vecchia"))
    ['di vecchia|paolo']
    >>> alternative_keys(parse_name("Tan-Tan Zhang"))
    ['tan zhang|tan']
    >>> alternative_keys(parse_name("Wei Zhang")), alternative_keys(parse_name("Wei Liu 0001"))
    ([], [])
    >>> alternative_keys(parse_name("G.K." * 5 + "Savvidy"))
    []
    """
    if not p.key or p.homonym is not None or not p.given_key or not p.family_key:
        return []
    given, family = p.given_key.split(), p.family_key.split()
    words = given + family
    if len(words) > MAX_READING_WORDS:
        return []  # no name: each reading is a key of the whole string (quadratic)
    out = []
    for k in range(1, len(words)):
        key = f"{' '.join(words[k:])}|{' '.join(words[:k])}"
        if key != p.key:
            out.append(key)
    return out


class PendingPairs(set[tuple[int, int]]):
    """The co-author pairs ``(low id, high id)`` of the current batch, which the store sees only
    after the batch is applied, with each author's partners among them (the co-author groups
    of rule 4). Ingest only adds pairs and clears the set."""

    def __init__(self) -> None:
        super().__init__()
        self.partners: dict[int, set[int]] = {}

    def add(self, pair: tuple[int, int]) -> None:
        if pair not in self:
            super().add(pair)
            a, b = pair
            self.partners.setdefault(a, set()).add(b)
            self.partners.setdefault(b, set()).add(a)

    def clear(self) -> None:
        super().clear()
        self.partners.clear()


@dataclass(slots=True)
class SignatureBlock:
    """The authors of one signature (``family|first initial``), indexed the ways resolution
    reads them, so that a name looks only at the authors that can fit it: thousands of
    "X… Smith" share ``smith|x``, and scanning all of them for every new one is quadratic.

    Iterating gives every author in the order they came in; every index keeps that order.
    """

    authors: list[AuthorCandidate] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)
    #: (family key, given key without spaces) of the author's own key -> authors
    by_compact: dict[tuple[str, str], list[AuthorCandidate]] = field(default_factory=dict)
    #: authors that were initials-only when they came in (``initials_only`` only ever turns
    #: false, so readers check it again)
    initials: list[AuthorCandidate] = field(default_factory=list)
    #: initials of the given name of the author's own key -> authors
    by_initials: dict[str, list[AuthorCandidate]] = field(default_factory=dict)

    #: the authors that are not initials-only, as of ``_flips`` and the first ``_scanned``
    #: authors (see ``full_authors``)
    _full: list[AuthorCandidate] = field(default_factory=list)
    _scanned: int = 0
    _flips: int = -1

    def full_authors(self, flips: int) -> list[AuthorCandidate]:
        """The authors that are not initials-only, in order; ``flips`` counts the authors
        that ever stopped being initials-only (then every author is looked at again).

        Kept up to date from the authors added since the last call, so that k initials-only
        "Smith, J." mentions do not each scan the k authors before them.
        """
        if flips != self._flips:
            self._full, self._scanned, self._flips = [], 0, flips
        if self._scanned < len(self.authors):
            self._full.extend(c for c in self.authors[self._scanned:] if not c.initials_only)
            self._scanned = len(self.authors)
        return self._full

    def add(self, c: AuthorCandidate) -> None:
        self.authors.append(c)
        self.ids.add(c.id)
        fam, giv, _num = split_key(c.key)
        self.by_compact.setdefault((fam, giv.replace(" ", "")), []).append(c)
        if c.initials_only:
            self.initials.append(c)
        self.by_initials.setdefault(_initials_of(giv), []).append(c)

    def __iter__(self) -> Iterator[AuthorCandidate]:
        return iter(self.authors)

    def __len__(self) -> int:
        return len(self.authors)

    @classmethod
    def of(cls, authors: Iterable[AuthorCandidate]) -> SignatureBlock:
        block = cls()
        for c in authors:
            if c.id not in block.ids:
                block.add(c)
        return block


@dataclass(slots=True)
class Resolved:
    author_id: int
    rule: str
    detail: str = ""
    #: a better display name for the author (a full name joined an initials-only author)
    rename: str | None = None


@dataclass
class AuthorResolver:
    """Resolves author mentions against a store plus what the current batch already created."""

    store: GraphStore
    next_author_id: int
    #: the caches hold everything the store has (it started empty or was preloaded): a miss
    #: means "not there" and costs no store round trip
    complete: bool = False
    #: merged-away author id -> where it went (manual merges; see ``identity.overrides``)
    aliases: dict[int, int] = field(default_factory=dict)
    #: keys of merged-away initials-only authors -> the authors they were merged into
    merged_keys: dict[str, set[int]] = field(default_factory=dict)
    #: pending co-author pairs of the current batch (the store sees them only after apply)
    pending_pairs: PendingPairs = field(default_factory=PendingPairs)
    #: hard-id joins refused by the dblp homonym rule since the last ``take_refused``:
    #: (author the id pointed to, why)
    refused: list[tuple[int, str]] = field(default_factory=list)
    #: hard ids of one mention that point to two different authors (one person by both ids:
    #: the pair is listed as a likely duplicate) since the last ``take_split_ids``
    split_ids: list[tuple[int, str]] = field(default_factory=list)
    _ext: dict[tuple[str, str], int | None] = field(default_factory=dict)
    _key: dict[str, list[AuthorCandidate]] = field(default_factory=dict)
    _sig: dict[str, SignatureBlock] = field(default_factory=dict)
    _dblp: dict[int, set[str]] = field(default_factory=dict)
    _cands: dict[int, AuthorCandidate] = field(default_factory=dict)
    #: why the name ``resolve_full`` just left unresolved was kept apart from an author whose
    #: given name it writes as one word (written as evidence by ``create``)
    _apart: str | None = None
    #: (author, key, initials only) ``note_variant`` has made the caches know (repeats are
    #: no-ops)
    _noted: set[tuple[int, str, bool]] = field(default_factory=set)
    #: authors that stopped being initials-only (``SignatureBlock.full_authors``)
    _flips: int = 0

    def follow(self, author_id: int) -> int:
        """Where an author id went through manual merges (itself when it was not merged)."""
        seen = 0
        while author_id in self.aliases and seen < 1000:
            author_id = self.aliases[author_id]
            seen += 1
        return author_id

    def _by_ext(self, kind: str, value: str) -> int | None:
        k = (kind, value)
        if k in self._ext:
            return self._ext[k]
        if self.complete:
            return None
        found = self.store.author_by_external(kind, value)
        if found is not None:
            found = self.follow(int(found))
        self._ext[k] = found
        return found

    def _by_key(self, key: str) -> list[AuthorCandidate]:
        got = self._key.get(key)
        if got is None:
            got = self._key[key] = [] if self.complete else self.store.authors_by_key(key)
        return got

    def _by_sig(self, sig: str) -> SignatureBlock:
        got = self._sig.get(sig)
        if got is None:
            got = self._sig[sig] = SignatureBlock.of(
                () if self.complete else self.store.authors_by_signature(sig))
        return got

    def _dblp_names(self, author_id: int) -> set[str]:
        got = self._dblp.get(author_id)
        if got is None:
            got = set()
            if not self.complete:
                detail = self.store.author(author_id)
                for x in (detail or {}).get("ids", []):
                    if x["kind"] == "dblp":
                        got.add(str(x["value"]))
            self._dblp[author_id] = got
        return got

    def trim_caches(self, limit: int = 2_000_000) -> None:
        """Bound memory on huge runs against a store that is not fully cached."""
        if self.complete:
            return
        for cache in (self._ext, self._key, self._sig, self._dblp, self._cands, self._noted):
            if len(cache) > limit:
                cache.clear()
                self._noted.clear()

    def take_refused(self) -> list[tuple[int, str]]:
        out, self.refused = self.refused, []
        return out

    def take_split_ids(self) -> list[tuple[int, str]]:
        out, self.split_ids = self.split_ids, []
        return out

    def resolve_hard(self, raw: RawAuthor, parsed: ParsedName) -> Resolved | None:
        """Rules 1 to 3: hard ids, equal match keys, the same name read differently.

        None when none of them decides.
        """
        self._apart = None
        ids = raw.ids
        mine = ids.get("dblp") if ids else None
        # only a numbered dblp name can clash with a homonym (``homonym_clash``)
        numbered = mine is not None and dblp_base(mine)[1] is not None
        for kind in AUTHOR_ID_KINDS if ids else ():
            value = ids.get(kind)
            if value:
                found = self._by_ext(kind, value)
                if found is None:
                    continue
                clash = (homonym_clash(self._dblp_names(found), [mine])
                         if numbered and mine is not None else None)
                if clash is not None:
                    self.refused.append(
                        (found, f"same {kind} {value} as author {found}, but dblp keeps "
                                f"{clash[0]!r} and {clash[1]!r} apart"))
                    continue
                for other_kind in AUTHOR_ID_KINDS if len(ids) > 1 else ():
                    other_value = raw.ids.get(other_kind)
                    other = self._by_ext(other_kind, other_value) if other_value else None
                    if other is not None and other != found:
                        self.split_ids.append((other, f"one mention carries {kind} {value} "
                                                      f"and {other_kind} {other_value}"))
                return Resolved(found, f"same {kind}", value)
        if not parsed.key:
            return None
        # the first author that fits, not all of them: k mentions of one key (4,000 x
        # "Smith, J.") would otherwise check every one of k authors each, k^2 in all
        fitting = next(
            (c for c in self._by_key(parsed.key) if self._may_join(c, raw, parsed)), None
        )
        if fitting is not None:
            return Resolved(fitting.id, "same match key", parsed.key)
        words = sorted(parsed.key.replace("|", " ").split())
        for alt in alternative_keys(parsed):
            fitting = next((
                c for c in self._by_key(alt)
                if self._may_join(c, raw, parsed,
                                  sorted(c.key.replace("|", " ").split()) == words)
            ), None)
            if fitting is not None:
                return Resolved(fitting.id, "same name, read differently",
                                f"{parsed.key} = {alt}")
        return None

    def _may_join(
        self, c: AuthorCandidate, raw: RawAuthor, parsed: ParsedName, same_words: bool = False
    ) -> bool:
        if _conflicts(c.ids, raw.ids):
            return False
        # an initials-only mention joins a full-name author only with evidence (rule 5),
        # unless that author's own name is these very words read differently, or an author
        # known by this key was merged into it by hand
        return (
            same_words
            or not parsed.initials_only
            or _is_initials(split_key(c.key)[1])
            or c.id in self.merged_keys.get(parsed.key, ())
        )

    def _shared(self, cand: int, coauthors: Sequence[int]) -> list[int]:
        return [
            o for o in coauthors if (min(o, cand), max(o, cand)) in self.pending_pairs
        ] or self.store.shared_coauthors(cand, coauthors)

    def resolve_initials(
        self, parsed: ParsedName, raw: RawAuthor, coauthors: Sequence[int]
    ) -> tuple[Resolved | None, list[int]]:
        """Rule 5 for an initials-only name: (join, or None plus the possible duplicates)."""
        self._apart = None
        full = [
            c
            for c in self._by_sig(signature(parsed)).full_authors(self._flips)
            if not _conflicts(c.ids, raw.ids)
            and initials_fit(parsed.initials, split_key(c.key)[1])
        ]
        if len(full) != 1:
            return None, [c.id for c in full]
        cand = full[0]
        shared = self._shared(cand.id, coauthors)
        if shared:
            return Resolved(
                cand.id, "initials match with shared co-author", f"shares co-author id {shared[0]}"
            ), []
        return None, [cand.id]

    def resolve_full(
        self,
        parsed: ParsedName,
        raw: RawAuthor,
        coauthors: Sequence[int],
        display: Callable[[ParsedName, RawAuthor], str],
    ) -> tuple[Resolved | None, list[int]]:
        """Rules 4 and 5 for a new full name: the author that writes its given name as one word
        (or this one split) with a shared co-author, or the one initials-only author that fits
        it with a shared co-author.

        Returns (join, or None plus the initials-only authors it may be).
        """
        self._apart = None
        if not parsed.key or parsed.homonym is not None:
            return None, []
        block = self._by_sig(signature(parsed))
        compact = parsed.given_key.replace(" ", "")
        for c in block.by_compact.get((parsed.family_key, compact), ()):
            _fam, giv, num = split_key(c.key)
            if (
                num is None
                and giv != parsed.given_key
                and (_syllables(giv.split()) or _syllables(parsed.given_key.split()))
                and not (" " in giv and " " in parsed.given_key)
                and not _conflicts(c.ids, raw.ids)
            ):
                pair = f"{parsed.key} ~ {c.key} (author {c.id})"
                shared = self._shared(c.id, coauthors)
                if not shared:
                    self._apart = f"{pair}: no co-author in common"
                elif not self._reaches_every_group(c.id, shared):
                    self._apart = (f"{pair}: shares co-author id {shared[0]}, but the author has "
                                   "co-author groups that never wrote with them")
                else:
                    self._apart = None
                    return Resolved(c.id, JOINED_GIVEN,
                                    f"{parsed.key} = {c.key}, shares co-author id {shared[0]}"), []
        inits = [
            c for c in block.initials
            if c.initials_only and not _conflicts(c.ids, raw.ids)
            and initials_fit(_initials_of(split_key(c.key)[1]), parsed.given_key)
        ]
        if len(inits) != 1:
            return None, [c.id for c in inits]
        cand = inits[0]
        if self._has_rival(block, cand, raw):
            return None, [cand.id]
        shared = self._shared(cand.id, coauthors)
        if shared:
            return Resolved(
                cand.id, "full name matches initials with shared co-author",
                f"shares co-author id {shared[0]}", rename=display(parsed, raw),
            ), []
        return None, [cand.id]

    def _reaches_every_group(self, cand: int, shared: Sequence[int]) -> bool:
        """Whether every co-author of ``cand`` is linked to one of ``shared`` by a chain of
        co-authors of ``cand`` who wrote together: the variant reaches every co-author group
        of the author, not only one of two people it may hold (rule 4)."""
        pending = self.pending_pairs.partners
        mine = set(pending.get(cand, ()))
        sets_of = getattr(self.store, "coauthor_sets", None)  # IdentityStore: both stores
        if sets_of is not None:
            mine |= sets_of([cand]).get(cand, set())
        reached = set(shared) & mine
        left = mine - reached
        todo = list(reached)
        while todo and left:
            # links among the author's co-authors only: a co-author who wrote with thousands
            # costs no more than one who wrote with a few
            x = todo.pop()
            near = pending.get(x, set())
            linked = {y for y in left if y in near}
            if len(linked) < len(left):
                linked.update(self.store.shared_coauthors(x, sorted(left - linked)))
            left -= linked
            todo.extend(linked)
        return not left

    @staticmethod
    def _has_rival(block: SignatureBlock, cand: AuthorCandidate, raw: RawAuthor) -> bool:
        """Whether a full-name author other than ``cand`` fits ``cand``'s initials (then a full
        name cannot tell which of them the initials meant)."""
        mine = _initials_of(split_key(cand.key)[1])
        if not mine:
            return False
        return any(
            d.id != cand.id and not d.initials_only and not _conflicts(d.ids, raw.ids)
            for theirs, ds in block.by_initials.items() if theirs.startswith(mine)
            for d in ds
        )

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
        if self._apart is not None:
            batch.evidence.append((aid, raw.name, KEPT_APART_JOINED, self._apart))
            self._apart = None
        self._dblp[aid] = set()
        claimed = []
        for kind in AUTHOR_ID_KINDS:
            value = raw.ids.get(kind)
            # an id refused by the homonym rule stays with the author that claimed it first
            if value and self._ext.get((kind, value)) is None:
                batch.author_ids.append((kind, value, aid))
                self._ext[(kind, value)] = aid
                claimed.append((kind, value))
                if kind == "dblp":
                    self._dblp[aid].add(value)
        cand = AuthorCandidate(aid, parsed.key, parsed.initials_only, conflict_keys(claimed))
        self._cands[aid] = cand
        if parsed.key:
            self._by_key(parsed.key).append(cand)
            self._by_sig(signature(parsed)).add(cand)
        return Resolved(aid, "new author", "")

    def note_variant(self, aid: int, parsed: ParsedName) -> None:
        """Make the caches know that ``aid`` now has a variant with this key, as the store will
        after the batch: later mentions of this run see what a later run would see."""
        noted = (aid, parsed.key, parsed.initials_only)
        if noted in self._noted:
            return  # nothing new
        cand = self._cands.get(aid)
        if cand is None:
            return  # an author of an earlier run: the store answers for it
        self._noted.add(noted)
        if not parsed.initials_only and cand.initials_only:
            cand.initials_only = False
            self._flips += 1
        if not parsed.key:
            return
        got = self._by_key(parsed.key)
        # newest last: the author ``create`` just added is found at once, not after k others
        if all(c.id != aid for c in reversed(got)):
            got.append(cand)
        block = self._by_sig(signature(parsed))
        if aid not in block.ids:
            block.add(cand)

    def learn_ids(self, aid: int, raw: RawAuthor, batch: Batch) -> None:
        """Attach hard ids a mention carries to the author it was resolved to."""
        for kind in AUTHOR_ID_KINDS:
            value = raw.ids.get(kind)
            if value and self._by_ext(kind, value) is None:
                batch.author_ids.append((kind, value, aid))
                self._ext[(kind, value)] = aid
                cand = self._cands.get(aid)
                if cand is not None:
                    for k, v in conflict_keys([(kind, value)]).items():
                        cand.ids.setdefault(k, v)
                if kind == "dblp":
                    self._dblp_names(aid).add(value)


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
