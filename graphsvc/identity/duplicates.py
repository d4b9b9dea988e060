"""Likely duplicate authors, ranked with their evidence (``graphsvc duplicates``).

Candidates come from the store, not from a second pass over the sources:

* authors whose family names agree (the same words, or the same letters without spaces:
  "van der Berg" / "Vanderberg") and whose given names fit (``compare.given_relation``: the
  same, written as one word, initials, without a middle name, or a nickname of the nickname
  table or a short form: "Bill" / "William", "Jeff" / "Jeffery");
* family names one typo apart ("Gimenez" / "Gimenes", five letters or more) with fitting given
  names of the same first letter;
* the pairs the ingest wrote down: an initials-only name that fit a full name without evidence
  (score 0.5), and two hard ids of one mention found on two authors ("one mention carries orcid …
  and dblp …", score 0.9: one person by both ids).

Pairs that cannot be one person are left out: co-authors of each other, different ORCIDs (or
OpenAlex / Semantic Scholar ids), two homonym numbers of one dblp name. An initials-only name
that fits more than ``max_fit`` full names is too ambiguous to list.

Each pair is scored from the name relation (``compare.RELATION_WEIGHT``, less for a typo) and
the evidence: shared co-authors and shared venues, each saturating (1 − 2^−n); each pair of the
page lists, per shared co-author, the papers of each side with it (``evidence``)::

    score = max(stored, 0.5 · name + 0.35 · (1 − 2^−coauthors) + 0.15 · (1 − 2^−venues))
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graphsvc.identity.compare import (
    MIN_SHORT_FORM,
    RELATION_WEIGHT,
    deletions,
    family_typo,
    given_relation,
    homonym_clash,
    split_key,
)
from graphsvc.identity.evidence import pair_evidence
from graphsvc.identity.overrides import CONFLICTING_KINDS
from graphsvc.names import nicknames

#: an initials-only name fitting more full names than this is not listed
MAX_FIT = 10
#: how much a family-name typo lowers the name score
TYPO_FACTOR = 0.7


@dataclass(frozen=True, slots=True)
class Name:
    """One match key of an author, split for comparing."""

    author: int
    family: str
    given: str
    homonym: str | None

    @property
    def compact(self) -> str:
        return self.family.replace(" ", "")

    @property
    def first(self) -> str:
        return self.given[:1]

    @property
    def initials_only(self) -> bool:
        words = self.given.split()
        return bool(words) and all(len(w) == 1 for w in words)


@dataclass
class Candidate:
    a: int
    b: int
    relation: str
    family: str  # "same", "joined" or "typo"
    reasons: list[str] = field(default_factory=list)
    stored: float = 0.0  # the score the ingest gave the pair (0.9: two ids of one mention)


def _names(rows: Iterable[tuple[int, str, bool]]) -> list[Name]:
    out = []
    for author, key, _init in rows:
        family, given, homonym = split_key(key)
        if family and given:
            out.append(Name(author, family, given, homonym))
    return out


def _better(old: Candidate | None, new: Candidate) -> Candidate:
    rank = {"same": 0, "joined": 1, "typo": 2}
    if old is None:
        return new
    o = (RELATION_WEIGHT[old.relation], -rank[old.family])
    n = (RELATION_WEIGHT[new.relation], -rank[new.family])
    return new if n > o else old


def candidate_pairs(names: list[Name], *, max_fit: int = MAX_FIT,
                    focus: int | None = None) -> dict[tuple[int, int], Candidate]:
    """Name-compatible author pairs (pure: the first step of ``find_duplicates``).

    ``focus`` keeps only the pairs of one author.

    Examples
    --------
    >>> rows = [(1, "vincent|pascal", False), (2, "vincent|p", True), (3, "vincent|paul", False),
    ...         (4, "gimenez|jordi", False), (5, "gimenes|jordi", False), (6, "li|wei", False),
    ...         (7, "lu|wei", False)]
    >>> sorted((k, c.relation, c.family) for k, c in candidate_pairs(_names(rows)).items())
    [((1, 2), 'initials', 'same'), ((2, 3), 'initials', 'same'), ((4, 5), 'same', 'typo')]
    """
    found: dict[tuple[int, int], Candidate] = {}

    def consider(x: Name, y: Name, family: str) -> None:
        if x.author == y.author or (focus is not None and focus not in (x.author, y.author)):
            return
        if x.homonym and y.homonym and x.homonym != y.homonym:
            return
        rel = given_relation(x.given, y.given)
        if rel is None:
            return
        a, b = sorted((x.author, y.author))
        found[(a, b)] = _better(found.get((a, b)), Candidate(a, b, rel, family))

    blocks: dict[str, list[Name]] = defaultdict(list)
    for n in names:
        blocks[n.compact].append(n)
    for block in blocks.values():
        _within(block, consider, max_fit)
    # family typos, blocked by symmetric deletes within one first letter of the given name
    by_letter: dict[str, set[str]] = defaultdict(set)
    for n in names:
        by_letter[n.first].add(n.compact)
    for letter, families in by_letter.items():
        index: dict[str, list[str]] = defaultdict(list)
        for f in families:
            if len(f) >= 5:
                for d in deletions(f):
                    index[d].append(f)
        linked = {
            (f, g) for group in index.values() for f in group for g in group
            if f < g and family_typo(f, g)
        }
        for f, g in sorted(linked):
            for x in blocks[f]:
                if x.first != letter:
                    continue
                for y in blocks[g]:
                    if y.first == letter:
                        consider(x, y, "typo")
    return found


def _within(block: list[Name], consider: Any, max_fit: int) -> None:
    """Pairs of one family block: the same first given word, the same given letters without
    spaces, or initials against the full names they fit (unless they fit too many)."""
    by_letter: dict[str, list[Name]] = defaultdict(list)
    for n in block:
        by_letter[n.first].append(n)
    for group in by_letter.values():
        by_word: dict[str, list[Name]] = defaultdict(list)
        by_compact: dict[str, list[Name]] = defaultdict(list)
        initials = []
        for n in group:
            word = n.given.split()[0]
            if len(word) == 1:
                initials.append(n)
            else:
                by_word[word].append(n)
            by_compact[n.given.replace(" ", "")].append(n)
        for members in (*by_word.values(), *by_compact.values()):
            for i, x in enumerate(members):
                for y in members[i + 1:]:
                    consider(x, y, "same" if x.family == y.family else "joined")
        # short forms ("jeff" / "jeffery"): every prefix of four letters or more of a first name
        for word, members in by_word.items():
            for k in range(MIN_SHORT_FORM, len(word)):
                for y in by_word.get(word[:k], ()):
                    for x in members:
                        consider(x, y, "same" if x.family == y.family else "joined")
    # nicknames of the nickname table, whatever their first letters ("bill" / "william")
    by_first: dict[str, list[Name]] = defaultdict(list)
    for n in block:
        by_first[n.given.split()[0]].append(n)
    for word, members in by_first.items():
        for other in nicknames.variants(word) if len(word) > 1 else ():
            if other > word:
                for y in by_first.get(other, ()):
                    for x in members:
                        consider(x, y, "same" if x.family == y.family else "joined")
        for x in initials:
            fits = [y for y in group if y.author != x.author
                    and given_relation(x.given, y.given) is not None]
            if len({y.author for y in fits if not y.initials_only}) > max_fit:
                continue
            for y in fits:
                consider(x, y, "same" if x.family == y.family else "joined")


def find_duplicates(
    store: Any,
    *,
    author: int | None = None,
    min_score: float = 0.0,
    limit: int = 50,
    offset: int = 0,
    max_fit: int = MAX_FIT,
) -> dict[str, Any]:
    """Likely same-person pairs, best first, with their evidence (one page)."""
    names = _names(store.name_keys())
    found = candidate_pairs(names, max_fit=max_fit, focus=author)
    for a, b, reason, stored in store.stored_duplicates(author):
        got = found.get((min(a, b), max(a, b)))
        if got is None:
            got = found[(min(a, b), max(a, b))] = Candidate(min(a, b), max(a, b), "initials",
                                                             "same")
        got.reasons.append(reason)
        got.stored = max(got.stored, stored)
    involved = sorted({x for pair in found for x in pair})
    people = store.author_summaries(involved)
    found = {k: c for k, c in found.items() if k[0] in people and k[1] in people}
    involved = sorted({x for pair in found for x in pair})
    coauthors = store.coauthor_sets(involved)
    venues = store.venue_sets(involved)
    ids = store.external_id_sets(involved)
    rows = []
    for (a, b), c in found.items():
        if b in coauthors.get(a, set()) or author_ids_conflict(ids.get(a, []), ids.get(b, [])):
            continue
        shared = sorted(coauthors.get(a, set()) & coauthors.get(b, set()))
        places = sorted(venues.get(a, set()) & venues.get(b, set()))
        name = RELATION_WEIGHT[c.relation] * (TYPO_FACTOR if c.family == "typo" else 1.0)
        score = round(max(
            c.stored,
            0.5 * name + 0.35 * (1 - 0.5 ** len(shared)) + 0.15 * (1 - 0.5 ** len(places)),
        ), 4)
        if score < min_score:
            continue
        rows.append((score, a, b, c, shared, places))
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    page = rows[offset: offset + limit]
    shown = {x for r in page for x in r[4][:5]}
    names_of = store.author_summaries(sorted(shown)) if shown else {}
    out = []
    for score, a, b, c, shared, places in page:
        out.append({
            "a": {**people[a], "ids": [f"{k}:{v}" for k, v in ids.get(a, [])]},
            "b": {**people[b], "ids": [f"{k}:{v}" for k, v in ids.get(b, [])]},
            "score": score,
            "name_relation": c.relation,
            "family": c.family,
            "shared_coauthors": len(shared),
            "coauthors": [names_of[x] for x in shared[:5] if x in names_of],
            "shared_venues": len(places),
            "venues": places[:5],
            "reasons": c.reasons,
            "evidence": pair_evidence(store, a, b, shared, names_of),
        })
    return {"total": len(rows), "offset": offset, "limit": limit, "pairs": out}


def author_ids_conflict(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> bool:
    """Whether two authors' external ids (``(kind, value)`` pairs) say two people: different
    values of one conflicting kind (ORCID and the like), or two dblp homonym numbers."""
    for kind in CONFLICTING_KINDS:
        va = {v for k, v in a if k == kind}
        vb = {v for k, v in b if k == kind}
        if va and vb and not va & vb:
            return True
    dblp_a = [v for k, v in a if k == "dblp"]
    dblp_b = [v for k, v in b if k == "dblp"]
    return homonym_clash(dblp_a, dblp_b) is not None
