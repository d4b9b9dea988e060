"""Possible conflations: one author whose papers fall into co-author groups that never touch.

dblp's colour heuristic: take an author's papers, drop the author, and join two papers when
they share a co-author. Papers of one person usually form one group (or one big group and a few
strays); a name shared by two people ("Wei Zhang" the database researcher and "Wei Zhang" the
chip designer) splits into groups that never meet. Papers without co-authors and papers over
the team-size cap link nothing and are counted apart.

Disjoint co-author groups alone are common for one busy person (different projects, students
who never wrote together), so an author is flagged only when a group other than the largest,
with ``min_group`` papers or more, also shares no venue with the largest group: a different
community as well as different co-authors. (On the dblp sample with homonym numbers stripped,
co-author groups alone flag 45 % of the authors with two papers or more; adding the venue test
flags 6 %, a quarter of them true conflations, against 2.6 % among all.) When no venue is known
the co-author groups decide alone: two groups of ``min_group`` + 1 papers or more.

Checking one author costs one query (``graphsvc explain`` does it on demand); the listing checks
at most ``max_authors`` authors with ``min_papers`` papers or more, most papers first, and ranks
the flagged ones by how many papers sit in separated groups.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

#: an author needs this many papers to be checked by the listing
MIN_PAPERS = 5
#: at most this many authors are checked by the listing (most papers first)
MAX_AUTHORS = 2000
#: a separated group needs this many papers to flag its author
MIN_GROUP = 1

PaperRow = tuple[int, int | None, str | None, bool, list[int]]


def coauthor_groups(papers: Sequence[PaperRow]) -> tuple[list[dict[str, Any]], list[int]]:
    """The co-author groups of one author's papers, largest first, and the papers that link
    nothing (no co-author, or not counted: over the team-size cap).

    Examples
    --------
    >>> rows = [(1, 2001, "A", True, [10, 11]), (2, 2002, "A", True, [11]),
    ...         (3, 2010, "B", True, [20]), (4, 2011, "B", True, [20, 21]), (5, 2012, None,
    ...         True, [])]
    >>> groups, alone = coauthor_groups(rows)
    >>> [(g["papers"], g["years"]) for g in groups], alone
    ([([1, 2], [2001, 2002]), ([3, 4], [2010, 2011])], [5])
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

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
                parent[find(pid)] = find(by_coauthor[o])
            else:
                by_coauthor[o] = pid
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


def assess(papers: Sequence[PaperRow], min_group: int = MIN_GROUP) -> dict[str, Any]:
    """Groups plus the verdict (see the module docstring). ``separated_papers``: papers in
    groups that share neither co-authors nor venues with the largest group; ``score``: the
    share of grouped papers outside the largest group."""
    groups, alone = coauthor_groups(papers)
    venue_of = {r[0]: r[2] for r in papers}
    grouped = sum(g["size"] for g in groups)
    score = 0.0 if not groups else round(1 - groups[0]["size"] / grouped, 4)
    first = {venue_of[p] for p in groups[0]["papers"]} - {None} if groups else set()
    separated = 0
    for i, g in enumerate(groups):
        venues = {venue_of[p] for p in g["papers"]} - {None}
        g["separated"] = bool(i and first and venues and not venues & first)
        separated += g["size"] if g["separated"] and g["size"] >= min_group else 0
    if first:
        flagged = separated > 0
    else:
        flagged = sum(1 for g in groups if g["size"] > min_group) >= 2
    return {
        "papers": len(papers),
        "flagged": flagged,
        "separated_papers": separated,
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


def conflation(store: Any, author: int, *, min_group: int = MIN_GROUP) -> dict[str, Any]:
    """The co-author groups of one author and whether they look like two people or more."""
    verdict = assess(store.paper_coauthors(author), min_group)
    return _named(store, verdict)


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
    ``min_papers``), most suspicious first: more papers in separated groups, then a larger
    share of papers outside the largest group."""
    checked = store.prolific_authors(min_papers, max_authors)
    flagged = []
    for aid in checked:
        v = assess(store.paper_coauthors(aid), min_group)
        if v["flagged"]:
            flagged.append((v["separated_papers"], v["score"], aid, v))
    flagged.sort(key=lambda r: (-r[0], -r[1], r[2]))
    page = flagged[offset: offset + limit]
    people = store.author_summaries([r[2] for r in page]) if page else {}
    out = []
    for _big, _score, aid, v in page:
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
