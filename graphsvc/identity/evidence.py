"""The papers behind a join or a duplicate pair: which co-author, on which papers of each side.

``explain`` shows, for a join made with a shared co-author, the papers of the joined name with
that co-author and the papers of the author's other names with the same co-author; ``duplicates``
shows, for each shared co-author of a pair, the papers of each author with that co-author.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

#: papers shown per side and co-author
MAX_PAPERS = 5
#: co-authors shown per join or pair
MAX_COAUTHORS = 5

PaperRow = tuple[int, int | None, str | None, bool, list[int]]


def papers_with(rows: Sequence[PaperRow], coauthor: int,
                only: Iterable[int] | None = None) -> list[int]:
    """Ids of the papers among ``rows`` (``store.paper_coauthors``) written with ``coauthor``,
    newest first, optionally only those in ``only``.

    Examples
    --------
    >>> rows = [(1, 2001, None, True, [7]), (2, 2005, None, True, [7, 8]), (3, 2003, None,
    ...         True, [8])]
    >>> papers_with(rows, 7), papers_with(rows, 8, only=[3])
    ([2, 1], [3])
    """
    keep = None if only is None else set(only)
    hit = [(r[1] or 0, r[0]) for r in rows if coauthor in r[4] and (keep is None or r[0] in keep)]
    return [pid for _year, pid in sorted(hit, key=lambda t: (-t[0], t[1]))]


def paper_refs(store: Any, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """id -> {id, title, year, venue} for the given papers."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {int(p["id"]): {"id": int(p["id"]), "title": p.get("title"), "year": p.get("year"),
                           "venue": p.get("venue")} for p in store.papers(wanted)}


def join_evidence(
    store: Any, author: int, variant: str, coauthors: Sequence[int],
    rows: Sequence[PaperRow], names: Mapping[int, str], mentions: Mapping[int, set[str]],
) -> list[dict[str, Any]]:
    """For a join of ``variant`` with shared co-authors: per co-author, the papers where the
    author is written ``variant`` (``this_name``) and where it is written otherwise
    (``other_names``), each with that co-author. ``mentions``: paper -> the author's names on
    it."""
    mine = [p for p, ns in mentions.items() if variant in ns]
    others = [p for p, ns in mentions.items() if ns - {variant}]
    out: list[dict[str, Any]] = []
    for c in list(coauthors)[:MAX_COAUTHORS]:
        here = papers_with(rows, c, mine)[:MAX_PAPERS]
        there = papers_with(rows, c, others)[:MAX_PAPERS]
        out.append({"coauthor": {"id": c, "name": names.get(c)}, "this_name": here,
                    "other_names": there})
    refs = paper_refs(store, [p for e in out for p in (*e["this_name"], *e["other_names"])])
    for e in out:
        e["this_name"] = [refs.get(p, {"id": p}) for p in e["this_name"]]
        e["other_names"] = [refs.get(p, {"id": p}) for p in e["other_names"]]
    return out


def pair_evidence(store: Any, a: int, b: int, shared: Sequence[int],
                  names: Mapping[int, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """For a duplicate pair: per shared co-author, the papers of ``a`` and of ``b`` with it."""
    if not shared:
        return []
    rows_a = store.paper_coauthors(a)
    rows_b = store.paper_coauthors(b)
    out: list[dict[str, Any]] = []
    for c in list(shared)[:MAX_COAUTHORS]:
        out.append({"coauthor": {"id": c, "name": names.get(c, {}).get("name")},
                    "a_papers": papers_with(rows_a, c)[:MAX_PAPERS],
                    "b_papers": papers_with(rows_b, c)[:MAX_PAPERS]})
    refs = paper_refs(store, [p for e in out for p in (*e["a_papers"], *e["b_papers"])])
    for e in out:
        e["a_papers"] = [refs.get(p, {"id": p}) for p in e["a_papers"]]
        e["b_papers"] = [refs.get(p, {"id": p}) for p in e["b_papers"]]
    return out


def paper_line(p: Mapping[str, Any]) -> str:
    """``#12 "Title" (2019)`` for terminal output.

    Examples
    --------
    >>> paper_line({"id": 12, "title": "Lock-free queues.", "year": 2019})
    '#12 "Lock-free queues." (2019)'
    """
    year = f" ({p['year']})" if p.get("year") else ""
    return f"#{p['id']} \"{p.get('title') or '?'}\"{year}"
