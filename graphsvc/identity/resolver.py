"""Author identity: which name mentions are the same person, with the evidence for each join.

Order of rules (DESIGN.md ``identity/``):

1. hard keys: ORCID, dblp person name (with its homonym number), OpenAlex / Semantic Scholar
   author ids, edge-list node ids — an id from a source always wins over name matching, with
   one exception: a dblp name never joins an author holding the same base name with another
   homonym number ("Wei Liu 0001" and "Wei Liu 0014" are two people even if they share an
   ORCID: dblp numbered them to keep them apart);
2. equal spelling keys (``names.parse.spelling_key``): spellings that differ only in accents,
   case, punctuation, hyphens or spaces, the order of the words of a full name, or an
   apostrophe in a particle are one name and join exactly as identical strings do, unless the
   candidate carries a different hard id of the same kind (two ORCIDs are two people). The
   protection against namesakes is the hard ids, the conflation check and manual overrides,
   not refusing spellings. A full name of three to five words also joins an author whose
   words are the same in another order ("Pham Van Cuong" / "Cuong Van Pham"), unless it has
   the shape of a Chinese or Korean name, whose given name is ordered ("Min Young Kim" is
   not "Young Min Kim"; ``names.orders``);
3. names that say something more or less (a middle name added, dropped or abbreviated, a
   nickname from the nickname table or in brackets, an initials-only form, and two equal
   initials-only forms) join only with evidence on the papers concerned: a co-author of this
   paper who also wrote with the candidate (``evidence_candidates``; the co-authors of this
   paper include the candidates of its other names, so two initials-only names of one paper
   support each other, but a join stands only on the co-authors the paper keeps:
   ``Ingestor._kept_joins``). With several candidates with evidence, the one with the most shared
   co-authors wins, counted in names of the paper (``co_author_count``: a name with two
   candidates is one co-author). Without evidence the name becomes a new author and every
   candidate is listed as a possible duplicate, with the relation. Evidence is the same
   whichever of the two papers came first, so no chain of joins carries papers without
   evidence.

Manual merges move everything of the merged-away author to the target and leave an alias
behind (``aliases``): the resolver follows aliases, so an id that was merged away resolves to
where it went.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import permutations

from graphsvc.identity.compare import (
    MIN_SHORT_FORM,
    dblp_base,
    given_relation,
    homonym_clash,
    split_key,
)
from graphsvc.model import AUTHOR_ID_KINDS, RawAuthor
from graphsvc.names import ParsedName, nicknames
from graphsvc.names.orders import reorderable
from graphsvc.names.parse import spelling_key
from graphsvc.store.base import AuthorCandidate, Batch, GraphStore

_BRACKET = re.compile(r"[(\[]([^()\[\]]+)[)\]]")

#: an initials-only form that fits more authors than this says nothing about which one
MAX_FIT = 10

#: ids matched by augmenting paths in ``co_author_count`` at most (a paper of thousands of
#: names, many sharing candidates, is counted greedily beyond that: a lower bound)
MAX_AUGMENT = 50

#: a full name of more words than this is not looked up in other word orders (each order
#: costs a look-up; rotations need none)
MAX_ORDER_WORDS = 5

#: the rules of joins by name (the evidence ``explain`` shows)
SAME_SPELLING = "same spelling"
SAME_WORDS = "same words in another order"
WITH_EVIDENCE = "with shared co-author"


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


def _is_initials(given_key: str) -> bool:
    words = given_key.split()
    return bool(words) and all(len(w) == 1 for w in words)


def word_orders(p: ParsedName) -> list[str]:
    """Spelling keys of the other orders of the words of a full name of three to five words
    (rotations already share one key; two-word names have no other order).

    Examples
    --------
    >>> from graphsvc.names import parse_name
    >>> parse_name("Cuong Van Pham").spell in word_orders(parse_name("Pham Van Cuong"))
    True
    >>> word_orders(parse_name("Wei Zhang")), word_orders(parse_name("J. R. Smith"))
    ([], [])
    >>> word_orders(parse_name("Min Young Kim"))  # a Korean given name is ordered (names.orders)
    []
    """
    if p.initials_only or not p.given_key or not p.family_key:
        return []
    words = [*p.given_key.split(), *p.family_key.split()]
    if not 3 <= len(words) <= MAX_ORDER_WORDS or not reorderable(words):
        return []
    out = []
    for perm in sorted(set(permutations(words[1:]))):
        spell = spelling_key(" ".join(perm), words[0], False, p.homonym)
        if spell != p.spell and spell not in out:
            out.append(spell)
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

    An author is indexed under every variant key it has with this signature, and every list
    is in author id order: the block holds the same whether the run built it as the names came
    in or read it from the store (an author that became "Tan, H. Hoe" after "Tan, H H" is
    found by both keys either way), so a run resumed after a kill decides as an uninterrupted
    one (issue 15 item 5).
    """

    authors: list[AuthorCandidate] = field(default_factory=list)
    ids: set[int] = field(default_factory=set)
    #: authors with an initials-only variant key
    initials: list[AuthorCandidate] = field(default_factory=list)
    #: initials of the given name of a variant key -> authors
    by_initials: dict[str, list[AuthorCandidate]] = field(default_factory=dict)
    #: first given word of a variant key -> authors
    by_first: dict[str, list[AuthorCandidate]] = field(default_factory=dict)
    #: first letters (``MIN_SHORT_FORM``) of the first given word -> authors (short forms)
    by_head: dict[str, list[AuthorCandidate]] = field(default_factory=dict)
    #: (author, key) pairs indexed
    _keys: set[tuple[int, str]] = field(default_factory=set)

    def add(self, c: AuthorCandidate, keys: Iterable[tuple[str, bool]] = ()) -> None:
        """Index an author under ``keys`` (default: its ``keys`` from the store, or its own
        key); repeats are no-ops."""
        if c.id not in self.ids:
            self.ids.add(c.id)
            _put(self.authors, c)
        for key, init in keys or c.keys or ((c.key, c.initials_only),):
            if (c.id, key) in self._keys:
                continue
            self._keys.add((c.id, key))
            _fam, giv, _num = split_key(key)
            if init:
                _put(self.initials, c)
            _put(self.by_initials.setdefault(_initials_of(giv), []), c)
            first = giv.split(" ", 1)[0]
            _put(self.by_first.setdefault(first, []), c)
            if len(first) >= MIN_SHORT_FORM:
                _put(self.by_head.setdefault(first[:MIN_SHORT_FORM], []), c)

    def __iter__(self) -> Iterator[AuthorCandidate]:
        return iter(self.authors)

    def __len__(self) -> int:
        return len(self.authors)

    @classmethod
    def of(cls, authors: Iterable[AuthorCandidate]) -> SignatureBlock:
        block = cls()
        for c in authors:
            block.add(c)
        return block


#: bytes one entry of each author cache of ``AuthorResolver`` holds with what it refers to
#: (measured with a deep ``sys.getsizeof`` at the end of a 300,000-record dblp ingest whose
#: authors spilled to the store early; a signature block holds a list of candidates)
CACHE_ENTRY_BYTES = {
    "_ext": 200, "_spell": 390, "_sig": 3300, "_givens": 310, "_dblp": 380, "_cands": 300,
    "_noted": 190, "_known": 470, "_new_givens": 350,
}


def _put(group: list[AuthorCandidate], c: AuthorCandidate) -> None:
    """Insert an author into a list in id order, once."""
    at = bisect_left(group, c.id, key=_id_of)
    if at == len(group) or group[at].id != c.id:
        group.insert(at, c)


def _id_of(c: AuthorCandidate) -> int:
    return c.id


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
    #: ``pending_pairs`` holds every co-author pair of the store (a run into an empty store
    #: keeps them across batches): a pair missing there is missing in the store
    pairs_complete: bool = False
    #: hard-id joins refused by the dblp homonym rule since the last ``take_refused``:
    #: (author the id pointed to, why)
    refused: list[tuple[int, str]] = field(default_factory=list)
    #: hard ids of one mention that point to two different authors (one person by both ids:
    #: the pair is listed as a likely duplicate) since the last ``take_split_ids``
    split_ids: list[tuple[int, str]] = field(default_factory=list)
    _ext: dict[tuple[str, str], int | None] = field(default_factory=dict)
    _spell: dict[str, list[AuthorCandidate]] = field(default_factory=dict)
    _sig: dict[str, SignatureBlock] = field(default_factory=dict)
    _dblp: dict[int, set[str]] = field(default_factory=dict)
    _cands: dict[int, AuthorCandidate] = field(default_factory=dict)
    #: (author, key, initials only) ``note_variant`` has made the caches know (repeats are
    #: no-ops)
    _noted: set[tuple[int, str, bool]] = field(default_factory=set)
    #: full given keys of authors: read from the store (``_fits_all``), and noted in this run
    _givens: dict[int, set[str]] = field(default_factory=dict)
    _new_givens: dict[int, set[str]] = field(default_factory=dict)
    #: authors of earlier runs as the store's look-ups gave them
    _known: dict[int, AuthorCandidate] = field(default_factory=dict)
    #: variants of earlier runs' authors noted since the last batch was applied (the store
    #: shows them only after ``applied``), by spelling key and by signature: a look-up of one
    #: of those keys adds them to what the store answers
    _unapplied_spell: dict[str, set[int]] = field(default_factory=dict)
    _unapplied_sig: dict[str, list[tuple[int, str, bool]]] = field(default_factory=dict)

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

    def _by_spell(self, spell: str) -> list[AuthorCandidate]:
        got = self._spell.get(spell)
        if got is None:
            got = self._spell[spell] = self._spell_list(
                [] if self.complete else self.store.authors_by_spell(spell), spell)
        return got

    def _by_sig(self, sig: str) -> SignatureBlock:
        got = self._sig.get(sig)
        if got is None:
            got = self._sig[sig] = self._block(
                () if self.complete else self.store.authors_by_signature(sig), sig)
        return got

    def _spell_list(self, found: Iterable[AuthorCandidate], spell: str) -> list[AuthorCandidate]:
        """A spelling key's authors as the store gave them plus those noted since the last
        batch was applied, in id order."""
        out: list[AuthorCandidate] = []
        for c in found:
            self._known.setdefault(c.id, c)
            _put(out, c)
        for aid in sorted(self._unapplied_spell.get(spell, ())):
            _put(out, self._candidate_of(aid))
        return out

    def _block(self, found: Iterable[AuthorCandidate], sig: str) -> SignatureBlock:
        """A signature's block as the store gave it plus the variants noted since the last
        batch was applied."""
        block = SignatureBlock()
        for c in found:
            self._known.setdefault(c.id, c)
            block.add(c)
        for aid, key, init in self._unapplied_sig.get(sig, ()):
            block.add(self._candidate_of(aid), ((key, init),))
        return block

    def _candidate_of(self, aid: int) -> AuthorCandidate:
        """The candidate of an author of this run or of one the store gave; else read it."""
        got = self._cands.get(aid) or self._known.get(aid)
        if got is None:
            detail = self.store.author(aid) or {}
            key = str(detail.get("key", ""))
            claimed = [(str(x["kind"]), str(x["value"])) for x in detail.get("ids", [])]
            got = self._known[aid] = AuthorCandidate(
                aid, key, _is_initials(split_key(key)[1]), conflict_keys(claimed))
        return got

    def applied(self) -> None:
        """The batch was written: the store now shows every variant noted so far."""
        self._unapplied_spell.clear()
        self._unapplied_sig.clear()

    def prefetch(self, ids: Iterable[tuple[str, str]], spells: Iterable[str],
                 sigs: Iterable[str] = ()) -> None:
        """Fill the caches for many keys at once from a store that answers many look-ups in
        one round trip (``lookup_authors``), with what the one-key look-ups would answer now.

        Only for keys not cached yet, and only while nothing is written between this call and
        their use (``Ingestor.prefetched`` keeps to one batch); a key left out is looked up
        alone when it is needed, as before.
        """
        bulk = getattr(self.store, "lookup_authors", None)
        if self.complete or bulk is None:
            return
        want_ids = sorted({k for k in ids if k not in self._ext})
        want_spells = sorted({s for s in spells if s not in self._spell})
        want_sigs = sorted({s for s in sigs if s not in self._sig})
        if not (want_ids or want_spells or want_sigs):
            return
        found, by_spell, by_sig = bulk(want_ids, want_spells, want_sigs)
        for k in want_ids:
            got = found.get(k)
            self._ext[k] = None if got is None else self.follow(int(got))
        for sp in want_spells:
            self._spell[sp] = self._spell_list(by_spell.get(sp, ()), sp)
        for sg in want_sigs:
            self._sig[sg] = self._block(by_sig.get(sg, ()), sg)

    def hard_keys(self, raw: RawAuthor, parsed: ParsedName) -> tuple[list[tuple[str, str]],
                                                                     list[str]]:
        """The external ids and spelling keys ``resolve_hard`` may look up for a mention."""
        ids = [(k, raw.ids[k]) for k in AUTHOR_ID_KINDS if raw.ids.get(k)] if raw.ids else []
        if not parsed.key or (parsed.initials_only and parsed.key not in self.merged_keys):
            return ids, []
        return ids, [parsed.spell, *word_orders(parsed)]

    def evidence_sigs(self, raw: RawAuthor, parsed: ParsedName) -> list[str]:
        """The signatures ``evidence_candidates`` would look up for a mention that the hard
        rules leave undecided on what the caches hold now (none when they decide)."""
        if not parsed.key or not parsed.given_key:
            return []
        for k in AUTHOR_ID_KINDS if raw.ids else ():
            v = raw.ids.get(k)
            if v and self._ext.get((k, v)) is not None:
                return []
        if not parsed.initials_only:
            for spell in (parsed.spell, *word_orders(parsed)):
                if any(not _conflicts(c.ids, raw.ids) for c in self._spell.get(spell, ())):
                    return []
        return [f"{parsed.family_key}|{f}" for f in sorted(_firsts(parsed)[0])]

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

    def cache_bytes(self) -> int:
        """An estimate of the memory the author caches hold (``CACHE_ENTRY_BYTES``)."""
        return sum(len(getattr(self, k)) * b for k, b in CACHE_ENTRY_BYTES.items())

    def trim_caches(self, budget: int = 600_000_000) -> None:
        """Bound memory on huge runs against a store that is not fully cached: past ``budget``
        bytes (``cache_bytes``) every author cache is dropped at once, after a batch was
        applied, so the store answers for all of it as for a run that just started (one cache
        dropped alone could leave another that relies on it, and their sum had no bound)."""
        if self.complete or self.cache_bytes() <= budget:
            return
        for k in CACHE_ENTRY_BYTES:
            getattr(self, k).clear()

    def forget_authors(self) -> None:
        """Stop being ``complete``: drop every cache and pair (all written to the store, which
        answers for them from now on)."""
        self.complete = False
        self.pairs_complete = False
        self.pending_pairs.clear()
        for cache in (self._ext, self._spell, self._sig, self._givens, self._new_givens,
                      self._dblp, self._cands, self._noted, self._known, self._unapplied_spell,
                      self._unapplied_sig):
            cache.clear()

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
        if parsed.initials_only and parsed.homonym is None:
            # initials join only with evidence (rule 3), or where a manual merge put this key;
            # a dblp homonym number says which person an initials-only name is, as it does
            # for a full name ("Venkanna U 0001" = "U. Venkanna 0001")
            merged = self.merged_keys.get(parsed.key, ())
            for c in self._by_spell(parsed.spell) if merged else ():
                if c.id in merged and not _conflicts(c.ids, raw.ids):
                    return Resolved(c.id, "merged by hand", parsed.key)
            return None
        for spell in (parsed.spell, *word_orders(parsed)):
            for c in self._by_spell(spell):
                if not _conflicts(c.ids, raw.ids):
                    if spell == parsed.spell:
                        return Resolved(c.id, SAME_SPELLING, parsed.spell)
                    return Resolved(c.id, SAME_WORDS, f"{parsed.key} ~ {c.key}")
        return None

    def evidence_candidates(
        self, parsed: ParsedName, raw: RawAuthor
    ) -> list[tuple[AuthorCandidate, str]]:
        """Authors this name may be if a co-author says so (rule 3), with the relation of the
        names: an initials-only form, a middle name added, dropped or abbreviated, a nickname
        (the nickname table, or a nickname in brackets), or the same initials. Names with a
        dblp homonym number have none (the number decides)."""
        if not parsed.key or not parsed.given_key:
            return []
        mine = raw.ids.get("dblp") if raw.ids else None
        fam = parsed.family_key
        words = parsed.given_key.split()
        firsts, alt = _firsts(parsed)
        out: dict[int, tuple[AuthorCandidate, str]] = {}
        for first in sorted(firsts):
            sig = f"{fam}|{first}"
            # a run that holds the whole store knows every block: a missing one is empty
            block = self._sig.get(sig) if self.complete else self._by_sig(sig)
            if not block:
                continue
            for group in self._groups(block, parsed, words, alt):
                for c in group:
                    if c.id in out or _conflicts(c.ids, raw.ids):
                        continue
                    cfam, cgiv, num = split_key(c.key)
                    if cfam != fam or (num is not None and num != parsed.homonym) or (
                        mine is not None and homonym_clash(self._dblp_names(c.id), [mine])
                    ):
                        continue
                    rel = name_relation(parsed.given_key, cgiv, alt)
                    if rel is not None and self._fits_all(c.id, parsed.given_key, alt):
                        out[c.id] = (c, rel)
        return [out[k] for k in sorted(out)]

    @staticmethod
    def _groups(
        block: SignatureBlock, parsed: ParsedName, words: list[str], alt: set[str]
    ) -> Iterator[Sequence[AuthorCandidate]]:
        """The authors of a block that may relate to this name, by index: the same first word
        (middle names, equal initials), its nicknames and short forms, and initials that fit
        (an initials-only side fitting more than ``MAX_FIT`` authors is too ambiguous to say
        anything: k mentions of "J. Smith" cost k look-ups, not k²)."""
        first = words[0]
        same = block.by_first.get(first, ())
        if len(same) <= (MAX_FIT if parsed.initials_only else MAX_FIT * 10):
            yield same
        if parsed.initials_only:
            fits = [c for k, cs in block.by_initials.items() if k.startswith(parsed.initials)
                    for c in cs[: MAX_FIT + 1]]
            if len(fits) <= MAX_FIT:
                yield fits
            # and names whose initials these extend ("X. L." of "Xinran", which finds "X. L."
            # among the block's initials-only authors: the pair is found whichever comes first)
            shorter = [c for n in range(1, len(parsed.initials))
                       for c in block.by_initials.get(parsed.initials[:n], ())[: MAX_FIT + 1]]
            if len(shorter) <= MAX_FIT:
                yield shorter
            return
        inits = block.initials
        if len(inits) <= MAX_FIT:
            yield inits
        if len(first) >= MIN_SHORT_FORM:
            yield block.by_head.get(first[:MIN_SHORT_FORM], ())[: MAX_FIT * 10]
        for other in (*nicknames.variants(first), *alt):
            yield block.by_first.get(other, ())[: MAX_FIT * 10]

    def _fits_all(self, aid: int, given: str, alt: set[str]) -> bool:
        """Whether a given name fits every full given name the author is known by: an author
        that "Yang, H" and "Yang, Haibin" are takes no "Yang, Hui" (no author becomes a hub
        that joins two people through their initials)."""
        known = self._givens.get(aid)
        if known is None:
            known = set()
            names = getattr(self.store, "author_name_keys", None)
            if not self.complete and aid not in self._cands and names is not None:
                known = {split_key(k)[1] for k, init in names(aid) if not init}
            self._givens[aid] = known
        known = known | self._new_givens.get(aid, set())
        cand = self._cands.get(aid)
        if cand is not None and not cand.initials_only:
            known.add(split_key(cand.key)[1])
        return all(g == given or given_relation(given, g) is not None
                   or name_relation(given, g, alt) is not None for g in known)

    def _shared(self, cand: int, coauthors: Sequence[int] | set[int]) -> list[int]:
        near = self.pending_pairs.partners.get(cand, set())
        # whichever is smaller is scanned: a paper of thousands of authors, or a co-author
        # of thousands, costs no more than the other side
        if len(near) < len(coauthors):
            found = sorted(o for o in near if o in coauthors)
        else:
            found = sorted(o for o in coauthors if o in near)
        if self.pairs_complete:
            return found
        # the batch's pairs are only part of them: the count decides between candidates, so
        # a partial count here would decide otherwise than a run that held every pair
        stored = self.store.shared_coauthors(cand, sorted(coauthors))
        return sorted({*found, *stored}) if found else stored

    def decide(
        self,
        parsed: ParsedName,
        raw: RawAuthor,
        cands: Sequence[tuple[AuthorCandidate, str]],
        coauthors: set[int],
        display: Callable[[ParsedName, RawAuthor], str],
        mentions: Mapping[int, Collection[int]] | None = None,
    ) -> Resolved | None:
        """The candidate with evidence (more co-authors in common with this paper than any
        other candidate), or None.

        ``mentions`` says which names of this paper each co-author id may stand for (a name
        still to be decided stands for each of its candidates): the evidence is counted in
        names of the paper (``co_author_count``), so a name with two candidates that both
        wrote with a candidate is one co-author, not two."""
        found = []
        for c, rel in cands:
            shared = self._shared(c.id, coauthors)
            if shared:
                found.append((co_author_count(shared, mentions), -c.id, c, rel, shared))
        found.sort(key=lambda f: (f[0], f[1]), reverse=True)
        if not found or (len(found) > 1 and found[1][0] == found[0][0]):
            return None  # no evidence, or as much for two authors: which one is unknown
        _n, _i, c, rel, shared = found[0]
        detail = (f"{parsed.key} ~ {c.key} ({rel}); shares co-author id "
                  f"{', '.join(map(str, sorted(shared)[:5]))}")
        rename = display(parsed, raw) if c.initials_only and not parsed.initials_only else None
        return Resolved(c.id, f"{rel} {WITH_EVIDENCE}", detail, rename=rename)

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
            _put(self._by_spell(parsed.spell), cand)
            self._by_sig(signature(parsed)).add(cand)
        return Resolved(aid, "new author", "")

    def note_variant(self, aid: int, parsed: ParsedName) -> None:
        """Make the caches know that ``aid`` now has a variant with this key, as the store will
        after the batch: later mentions of this run see what a later run would see."""
        noted = (aid, parsed.key, parsed.initials_only)
        if noted in self._noted:
            return  # nothing new
        self._noted.add(noted)
        cand = self._cands.get(aid)
        if not parsed.initials_only and parsed.given_key and (
            cand is None or parsed.given_key != split_key(cand.key)[1]
        ):
            # another full given name of the author (``_fits_all``; its own is in its key)
            self._new_givens.setdefault(aid, set()).add(parsed.given_key)
        if cand is not None and not parsed.initials_only and cand.initials_only:
            cand.initials_only = False
        if not parsed.key:
            return
        sig, keys = signature(parsed), ((parsed.key, parsed.initials_only),)
        if cand is not None:
            # an author of this run: what the caches hold is all there is of it
            _put(self._by_spell(parsed.spell), cand)
            self._by_sig(sig).add(cand, keys)
            return
        # an author of an earlier run: the store shows this variant once the batch is applied;
        # until then look-ups add it (``_spell_list``, ``_block``)
        self._unapplied_spell.setdefault(parsed.spell, set()).add(aid)
        self._unapplied_sig.setdefault(sig, []).append((aid, parsed.key, parsed.initials_only))
        if parsed.spell in self._spell:
            _put(self._spell[parsed.spell], self._candidate_of(aid))
        if sig in self._sig:
            self._sig[sig].add(self._candidate_of(aid), keys)

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


def co_author_count(shared: Sequence[int], mentions: Mapping[int, Collection[int]] | None) -> int:
    """How many names of the paper the shared co-author ids stand for at once: the size of a
    largest matching of ids to the names each may be (an id not in ``mentions`` is a name of
    its own). Two candidates of one undecided name are at most one co-author, whichever the
    name goes to; counting both let a candidate's evidence depend on which other names were
    still undecided, so on the order of the papers (issue 15 item 5).

    Examples
    --------
    >>> co_author_count([7, 8], {7: {1}, 8: {2}}), co_author_count([7, 8], {7: {1}, 8: {1}})
    (2, 1)
    >>> co_author_count([7, 8, 9], {7: {1, 2}, 8: {1}, 9: {3}}), co_author_count([5], None)
    (3, 1)
    """
    if mentions is None:
        return len(shared)
    alone = 0
    options: list[list[int]] = []
    for x in shared:
        m = mentions.get(x)
        if m is None:
            alone += 1
        else:
            options.append(sorted(m))
    # ids of one name first (almost all of them), each to its first free name
    options.sort(key=len)
    taken: dict[int, int] = {}  # name -> the index in ``options`` matched to it
    unmatched = []
    for k, names in enumerate(options):
        free = next((n for n in names if n not in taken), None)
        if free is None:
            unmatched.append(k)
        else:
            taken[free] = k
    # then an augmenting path for each id left over (few: only names that share a candidate)
    for k in unmatched[:MAX_AUGMENT]:
        came: dict[int, int] = {}  # name -> the id that reached it
        queue, end = [k], None
        while queue and end is None:
            nxt = []
            for j in queue:
                for n in options[j]:
                    if n in came:
                        continue
                    came[n] = j
                    if n not in taken:
                        end = n
                        break
                    nxt.append(taken[n])
                if end is not None:
                    break
            queue = nxt
        while end is not None:  # flip the path
            j = came[end]
            prev = next((n for n, i in taken.items() if i == j), None)
            taken[end] = j
            end = prev
    return alone + len(taken)


def conflict_keys(ids: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Hard ids keyed so that equal keys with different values mean different people.

    dblp names are not among them: dblp prints one person under several names (its alias
    table), and keeps homonyms apart by their numbers, which are part of the spelling key and
    checked by ``homonym_clash``.
    Edge-list node ids only conflict within one data set: node 7 and node 9 of ca-GrQc are two
    people, but a node of one data set may be the same person as a node of another.

    Examples
    --------
    >>> conflict_keys([("orcid", "0000-0001-2345-6789"), ("node", "ca-GrQc:7"), ("dblp", "X")])
    {'orcid': '0000-0001-2345-6789', 'node:ca-GrQc': 'ca-GrQc:7'}
    """
    out = {}
    for kind, value in ids:
        if kind == "node":
            out[f"node:{value.rsplit(':', 1)[0]}"] = value
        elif kind in AUTHOR_ID_KINDS and kind != "dblp":
            out[kind] = value
    return out


def _conflicts(have: dict[str, str], incoming: dict[str, str]) -> bool:
    return any(have.get(k, v) != v for k, v in conflict_keys(incoming.items()).items())


def _firsts(parsed: ParsedName) -> tuple[set[str], set[str]]:
    """First letters of the given names a mention may be known by (its own, its nicknames',
    bracketed nicknames'), and those other first names."""
    words = parsed.given_key.split()
    firsts = {words[0][0]}
    alt: set[str] = set()  # other first names: nicknames, bracketed nicknames
    if not parsed.initials_only:
        firsts.update(v[0] for v in nicknames.variants(words[0]))
    for w in _bracketed(parsed.given):
        alt.add(w)
        firsts.add(w[0])
    return firsts, alt


def _bracketed(given: str) -> list[str]:
    """Folded nicknames in brackets in a given name ("Honghua (Kathy)" -> ["kathy"])."""
    if "(" not in given and "[" not in given:
        return []
    from graphsvc.names import fold

    return [fold(m) for m in _BRACKET.findall(given) if fold(m)]


def name_relation(given: str, other: str, alt: Iterable[str] = ()) -> str | None:
    """How a given key relates to a candidate's, for a join that needs evidence (rule 3), or
    None: ``initials``, ``middle name`` (added, dropped or abbreviated), ``nickname`` (the
    first names are one name by the nickname table or a short form, or one is a bracketed
    nickname of the other: ``alt`` holds this name's bracketed nicknames), ``same initials``.

    Examples
    --------
    >>> name_relation("daniel", "daniel a"), name_relation("p", "pascal"), name_relation("f", "f")
    ('middle name', 'initials', 'same initials')
    >>> name_relation("ken", "kenneth j"), name_relation("daniel b", "daniel a")
    ('nickname', None)
    >>> name_relation("kathy", "honghua kathy"), name_relation("honghua kathy", "kathy", {"kathy"})
    ('nickname', 'nickname')
    """
    if given == other:
        return "same initials" if _is_initials(given) else None
    rel = given_relation(given, other)
    if rel == "initials":
        return "initials" if _is_initials(given) or _is_initials(other) else "middle name"
    if rel == "middle":
        return "middle name"
    if rel == "nickname":
        return "nickname"
    if rel is not None:
        return None  # same or joined: the spelling key decides those
    words, theirs = given.split(), other.split()
    if len(words[0]) == 1 or len(theirs[0]) == 1:
        return None
    # a bracketed nickname ("honghua (kathy)") used as the first name
    if theirs[0] in alt or (len(words) == 1 and words[0] in theirs[1:]) or (
        len(theirs) == 1 and theirs[0] in words[1:] and theirs[0] in alt
    ):
        return "nickname"
    return None
