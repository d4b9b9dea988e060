"""Possible conflations: one author whose papers fall into co-author communities that never touch.

dblp's colour heuristic, made into odds. Take an author's papers, drop the author, and join two
papers when they share a co-author: the co-author groups. Two groups whose co-authors wrote with
each other, or share a co-author of their own, are one community (one person's projects meet
two hops away; two namesakes' rarely do). Papers without co-authors, or over the team-size cap,
link nothing and are counted apart.

Separated communities alone are common for one person (on the dblp sample with homonym numbers
and ORCIDs stripped, 745 of the 1,837 authors with two papers or more have them, 51 of them true
conflations: precision 0.07), so each separated community is weighed against the largest one::

    odds = PRIOR · namesakes · venue factor · topic factor · time factor

* ``namesakes``: how many people in the store are expected to carry the name by chance (authors
  with this family name × authors with this first given name / all authors, plus
  ``PSEUDO_AUTHORS`` so that a tiny store does not make every name rare: "Wei Wang" among
  systems papers scores 0.9, "Mahmut Kandemir" 0.0001). Two people behind one name need a
  namesake to exist; this is the strongest single signal;
* venue: the two communities publish at disjoint venues ("apart") or at a common one;
* topic: their titles share no content word ("apart") or do;
* time: their years do not overlap ("apart") or do.

The factors are likelihood ratios measured on that sample (``bench/conflation.py`` prints the
rates they come from); ``PRIOR`` is the odds of a conflation per expected namesake for an author
with separated communities (7 to 13 there, by band of namesakes; 15 gives the best balance of
precision 0.61 and recall 0.54; the venue test alone gave 0.27 and 0.36). Linking groups whose
years overlap was tried and lost recall (0.52 -> 0.46). An author is flagged when some separated
community of ``min_group`` papers or more gives odds of ``FLAG_ODDS`` or more. Without name
frequencies (``assess`` on bare rows) the groups' factors decide alone.

Checking one author costs three queries (``graphsvc explain`` does it on demand); the listing
reads the name frequencies once, then checks at most ``max_authors`` authors with ``min_papers``
papers or more whose name could reach the odds at all (most papers first), and ranks the flagged
ones by their odds.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from graphsvc.identity.compare import split_key

#: an author needs this many papers to be checked by the listing
MIN_PAPERS = 2
#: at most this many authors are checked by the listing (most papers first)
MAX_AUTHORS = 2000
#: a separated community needs this many papers to flag its author
MIN_GROUP = 1
#: odds of two people per expected namesake, for an author with separated communities
PRIOR = 15.0
#: likelihood ratios of a separated community against the largest (measured, see above)
VENUE = {"apart": 4.93, "shared": 0.57}
TOPIC = {"apart": 1.24, "shared": 0.49}
TIME = {"apart": 1.08, "overlap": 0.69}
#: odds from which an author is flagged
FLAG_ODDS = 1.0
#: authors added to the store's count when estimating namesakes: a store of a few dozen
#: authors says nothing about how common a name is
PSEUDO_AUTHORS = 200

PaperRow = tuple[int, int | None, str | None, bool, list[int]]

_WORD = re.compile(r"[^\W\d_]{4,}")
#: function words of English titles (words of four letters or more only)
_STOP_WORDS = (
    "about above after against among based between beyond both from have into more most onto "
    "over such than that their them then there these they this those through toward towards "
    "under upon using very what when where which while with within without your")
_STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class NameFrequencies:
    """How many authors carry each family name and each first given name."""

    family: Mapping[str, int] = field(default_factory=dict)
    given: Mapping[str, int] = field(default_factory=dict)
    authors: int = 0

    @classmethod
    def from_keys(cls, rows: Iterable[tuple[int, str, bool]]) -> NameFrequencies:
        """From ``(author, match key, initials only)`` rows ordered by author
        (``store.name_keys()``): each author counts once per family and first given name.

        Examples
        --------
        >>> rows = [(1, "wang|wei", False), (1, "wang|wei w", False), (2, "wang|li", False)]
        >>> f = NameFrequencies.from_keys(rows)
        >>> f.family["wang"], f.given["wei"], f.authors
        (2, 1, 2)
        """
        fam: Counter[str] = Counter()
        giv: Counter[str] = Counter()
        authors = 0
        current: int | None = None
        seen_f: set[str] = set()
        seen_g: set[str] = set()
        for aid, key, _init in rows:
            if aid != current:
                fam.update(seen_f)
                giv.update(seen_g)
                seen_f, seen_g = set(), set()
                current = aid
                authors += 1
            f, g, _num = split_key(key)
            if f and g:
                seen_f.add(f)
                seen_g.add(g.split()[0])
        fam.update(seen_f)
        giv.update(seen_g)
        return cls(dict(fam), dict(giv), authors)

    def namesakes(self, keys: Iterable[str]) -> float:
        """Expected number of people with one of these names (the most common of them).

        Examples
        --------
        >>> f = NameFrequencies({"wang": 40, "kandemir": 1}, {"wei": 30, "mahmut": 1}, 1000)
        >>> f = NameFrequencies({"wang": 160, "kandemir": 1}, {"wei": 120, "mahmut": 1}, 3800)
        >>> f.namesakes(["wang|wei"]), f.namesakes(["kandemir|mahmut t"])
        (4.8, 0.00025)
        """
        best = 0.0
        for key in keys:
            f, g, _num = split_key(key)
            if f and g:
                best = max(best, self.family.get(f, 1) * self.given.get(g.split()[0], 1)
                           / (self.authors + PSEUDO_AUTHORS))
        return round(best, 6)


def title_words(title: str | None) -> set[str]:
    """Content words of a title (four letters or more, folded, function words dropped).

    Examples
    --------
    >>> sorted(title_words("Lock-free Queues for GPUs: a study with 2 kernels"))
    ['free', 'gpus', 'kernels', 'lock', 'queues', 'study']
    """
    return {w for w in _WORD.findall((title or "").casefold()) if w not in _STOP}


def coauthor_groups(
    papers: Sequence[PaperRow], neighbours: Mapping[int, set[int]] | None = None
) -> tuple[list[dict[str, Any]], list[int]]:
    """The co-author communities of one author's papers, largest first, and the papers that
    link nothing (no co-author, or not counted: over the team-size cap). With ``neighbours``
    (each co-author's own co-authors, the author left out), two groups whose co-authors wrote
    together or share a co-author are one community.

    Examples
    --------
    >>> rows = [(1, 2001, "A", True, [10, 11]), (2, 2002, "A", True, [11]),
    ...         (3, 2010, "B", True, [20]), (4, 2011, "B", True, [20, 21]), (5, 2012, None,
    ...         True, [])]
    >>> groups, alone = coauthor_groups(rows)
    >>> [(g["papers"], g["years"]) for g in groups], alone
    ([([1, 2], [2001, 2002]), ([3, 4], [2010, 2011])], [5])
    >>> len(coauthor_groups(rows, {11: {30}, 21: {30}})[0])
    1
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: int, y: int) -> None:
        parent[find(x)] = find(y)

    by_coauthor: dict[int, int] = {}
    linked: list[PaperRow] = []
    alone: list[int] = []
    for row in papers:
        pid, _year, _venue, counted, others = row
        if not counted or not others:
            alone.append(pid)
            continue
        linked.append(row)
        find(pid)
        for o in others:
            if o in by_coauthor:
                union(pid, by_coauthor[o])
            else:
                by_coauthor[o] = pid
    if neighbours:
        # a co-author's co-author (or a co-author of two groups' co-authors) links the groups
        via: dict[int, int] = {}
        for o, pid in by_coauthor.items():
            for x in (o, *neighbours.get(o, ())):
                if x in via:
                    union(pid, via[x])
                else:
                    via[x] = pid
    members: dict[int, list[PaperRow]] = {}
    for row in linked:
        members.setdefault(find(row[0]), []).append(row)
    groups: list[dict[str, Any]] = []
    for rows in members.values():
        years = [r[1] for r in rows if r[1]]
        venues = Counter(r[2] for r in rows if r[2])
        coauthors = Counter(o for r in rows for o in set(r[4]))
        groups.append({
            "papers": sorted(r[0] for r in rows),
            "size": len(rows),
            "years": [min(years), max(years)] if years else None,
            "venues": [v for v, _ in venues.most_common(3)],
            "top_coauthors": [o for o, _ in sorted(coauthors.items(),
                                                    key=lambda kv: (-kv[1], kv[0]))[:5]],
        })
    groups.sort(key=lambda g: (-g["size"], g["papers"][0]))
    return groups, sorted(alone)


def compare(
    main: dict[str, Any], other: dict[str, Any], venue_of: Mapping[int, str | None],
    words_of: Mapping[int, set[str]],
) -> dict[str, Any]:
    """How a separated community stands to the largest: venues, topic and years, each
    ``apart``, ``shared``/``overlap`` or ``unknown``, and the product of their factors."""
    va = {venue_of.get(p) for p in main["papers"]} - {None}
    vb = {venue_of.get(p) for p in other["papers"]} - {None}
    wa = set().union(*(words_of.get(p, set()) for p in main["papers"]))
    wb = set().union(*(words_of.get(p, set()) for p in other["papers"]))
    ya, yb = main["years"], other["years"]
    out: dict[str, Any] = {
        "venues": "unknown" if not (va and vb) else "shared" if va & vb else "apart",
        "topic": "unknown" if not (wa and wb) else "shared" if wa & wb else "apart",
        "years": "unknown" if not (ya and yb) else
        "apart" if ya[1] < yb[0] or yb[1] < ya[0] else "overlap",
        "shared_words": sorted(wa & wb)[:5],
    }
    factor = (VENUE.get(out["venues"], 1.0) * TOPIC.get(out["topic"], 1.0)
              * TIME.get(out["years"], 1.0))
    out["factor"] = round(factor, 4)
    return out


def assess(
    papers: Sequence[PaperRow],
    min_group: int = MIN_GROUP,
    *,
    namesakes: float | None = None,
    neighbours: Mapping[int, set[int]] | None = None,
    titles: Mapping[int, str | None] | None = None,
) -> dict[str, Any]:
    """Communities plus the verdict (see the module docstring). ``separated_papers``: papers in
    communities other than the largest; ``score``: their share of the grouped papers;
    ``odds``: the best separated community's odds of being another person."""
    groups, alone = coauthor_groups(papers, neighbours)
    venue_of = {r[0]: r[2] for r in papers}
    words_of = {p: title_words(t) for p, t in (titles or {}).items()}
    grouped = sum(g["size"] for g in groups)
    score = 0.0 if not groups else round(1 - groups[0]["size"] / grouped, 4)
    prior = 1.0 if namesakes is None else PRIOR * namesakes
    best = 0.0
    for i, g in enumerate(groups):
        g["separated"] = bool(i)
        if not i:
            continue
        g["against_largest"] = compare(groups[0], g, venue_of, words_of)
        g["odds"] = round(prior * g["against_largest"]["factor"], 4)
        if g["size"] >= min_group:
            best = max(best, g["odds"])
    return {
        "papers": len(papers),
        "flagged": best >= FLAG_ODDS,
        "namesakes": namesakes,
        "odds": round(best, 4),
        "separated_papers": grouped - groups[0]["size"] if groups else 0,
        "score": score,
        "groups": groups,
        "unlinked_papers": alone,
    }


def _named(store: Any, verdict: dict[str, Any], top: int = 5) -> dict[str, Any]:
    ids = sorted({o for g in verdict["groups"][:top] for o in g["top_coauthors"]})
    names = store.author_summaries(ids) if ids else {}
    for g in verdict["groups"]:
        g["top_coauthors"] = [
            {"id": o, "name": names[o]["name"]} for o in g["top_coauthors"] if o in names
        ]
    return verdict


#: name frequencies per store object, with the store generation they were read at: an
#: explanation should not scan every name of a large store each time (a cache beside the store,
#: dropped with it)
_FREQUENCIES: WeakKeyDictionary[Any, tuple[int, NameFrequencies]] = WeakKeyDictionary()


def name_frequencies(store: Any) -> NameFrequencies:
    """The name frequencies of the whole store (one pass over its name keys, then kept until
    the store's generation changes)."""
    gen = getattr(store, "generation", None)
    stamp = gen() if callable(gen) else None
    try:
        got = _FREQUENCIES.get(store)
    except TypeError:  # a store that takes no weak reference is read every time
        got = None
    if got is not None and stamp is not None and got[0] == stamp:
        return got[1]
    freq = NameFrequencies.from_keys(store.name_keys())
    if stamp is not None:
        with contextlib.suppress(TypeError):
            _FREQUENCIES[store] = (stamp, freq)
    return freq


def likely_shared(store: Any, freq: NameFrequencies) -> set[int]:
    """Authors whose names could reach the odds at all (one pass over the name keys)."""
    out: set[int] = set()
    current: int | None = None
    keys: list[str] = []
    for aid, key, _init in (*store.name_keys(), (None, "", False)):
        if aid != current:
            if current is not None and could_flag(freq.namesakes(keys)):
                out.add(current)
            current, keys = aid, []
        keys.append(key)
    return out


def check(store: Any, author: int, freq: NameFrequencies, *,
          min_group: int = MIN_GROUP) -> dict[str, Any]:
    """Assess one author with the store's reads: its papers, its co-authors' co-authors, its
    titles and its namesakes."""
    rows = store.paper_coauthors(author)
    others = sorted({o for r in rows for o in r[4]})
    near = store.coauthor_sets(others) if others else {}
    neighbours = {o: s - {author} for o, s in near.items()}
    titles = {int(p["id"]): p.get("title") for p in store.papers([r[0] for r in rows])}
    keys = [k for k, _init in store.author_name_keys(author)]
    return assess(rows, min_group, namesakes=freq.namesakes(keys), neighbours=neighbours,
                  titles=titles)


def conflation(store: Any, author: int, *, min_group: int = MIN_GROUP) -> dict[str, Any]:
    """The co-author communities of one author and whether they look like two people or more."""
    return _named(store, check(store, author, name_frequencies(store), min_group=min_group))


def could_flag(namesakes: float) -> bool:
    """Whether an author with this many expected namesakes can reach the odds at all."""
    most = max(VENUE.values()) * max(TOPIC.values()) * max(TIME.values())
    return PRIOR * namesakes * most >= FLAG_ODDS


def conflated(
    store: Any,
    *,
    min_papers: int = MIN_PAPERS,
    max_authors: int = MAX_AUTHORS,
    min_group: int = MIN_GROUP,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Flagged authors among the ``max_authors`` with the most papers (at least
    ``min_papers``) whose names could be shared, most likely first: higher odds, then more
    papers outside the largest community."""
    freq = name_frequencies(store)
    shared = likely_shared(store, freq)
    checked = [a for a in store.prolific_authors(min_papers, 10**9) if a in shared][:max_authors]
    flagged = []
    for aid in checked:
        v = check(store, aid, freq, min_group=min_group)
        if v["flagged"]:
            flagged.append((v["odds"], v["separated_papers"], aid, v))
    flagged.sort(key=lambda r: (-r[0], -r[1], r[2]))
    page = flagged[offset: offset + limit]
    people = store.author_summaries([r[2] for r in page]) if page else {}
    out = []
    for _odds, _sep, aid, v in page:
        out.append({"author": people.get(aid, {"id": aid}), **_named(store, v)})
    return {
        "checked": len(checked),
        "min_papers": min_papers,
        "max_authors": max_authors,
        "min_group": min_group,
        "total": len(flagged),
        "offset": offset,
        "limit": limit,
        "authors": out,
    }
