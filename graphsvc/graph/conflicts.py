"""Conflicts of interest between submissions and reviewers (DESIGN.md "Conflict of interest").

A (submission, reviewer) pair conflicts when the reviewer is an author of the submission, or
co-authored a counted paper in the last ``years`` years up to ``as_of`` with one of its authors,
or (with ``distance`` k > 1) is within k hops of one of them on that window's co-author graph.
One windowed graph answers every pair: the reviewers' balls of radius k are grown together, level
by level, and joined with the submissions' authors by node, so the work is the size of those
balls, not submissions x reviewers.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graphsvc.errors import AmbiguousAuthor, AuthorNotFound, GraphsvcError, InvalidQuery
from graphsvc.graph.csr import CoauthorGraph

__all__ = ["Submission", "conflicts", "conflict_pairs", "resolve_strict"]

MAX_DISTANCE = 3
#: reviewer-to-author pairs a distance search may hold at once (~0.5 GB of int64 arrays)
MAX_REACH = 20_000_000
REASONS = {0: "author", 1: "coauthor"}


@dataclass(frozen=True)
class Submission:
    """A submission: its id and its authors (names, ids or ``kind:value`` external ids)."""

    id: str
    authors: Sequence[str] = field(default_factory=tuple)


def resolve_strict(svc: Any, text: str | int) -> int:
    """An author id for an id, ``kind:value`` or a name whose match key is one author's.

    Unlike ``GraphService.resolve`` no typo-tolerant search picks a unique best hit: a
    conflict list must not guess, so a name that fits nobody exactly is not found (with the
    nearest names as a hint) and one that fits several people is ambiguous.
    """
    s = str(text).strip()
    if not s:
        raise AuthorNotFound("empty author name")
    if s.isascii() and s.isdigit():
        return int(svc.resolve(s))
    if ":" in s:
        kind, _, value = s.partition(":")
        found = svc.store.author_by_external(kind.strip().lower(), value.strip())
        if found is not None:
            return int(found)
    exact = svc.store.authors_by_name(s)
    if len(exact) == 1:
        return int(exact[0]["id"])
    if len(exact) > 1:
        raise AmbiguousAuthor(s, exact)
    hits = svc.store.search_authors(s, limit=3)
    hint = ("; nearest: " + ", ".join(f"{h['name']} (id {h['id']})" for h in hits)) if hits else ""
    raise AuthorNotFound(f"no author is named {s!r}{hint}")


def _reach(g: CoauthorGraph, sources: np.ndarray, k: int) -> tuple[np.ndarray, ...]:
    """``(source index, node, distance)`` for every node within ``k`` hops of every source.

    All sources grow together: a frontier is a list of (source, node) pairs, expanded with one
    gather per level and de-duplicated by a packed ``source * n + node`` key.
    """
    n = np.int64(g.n)
    owner = np.arange(sources.size, dtype=np.int64)
    node = sources.astype(np.int64)
    seen = np.unique(owner * n + node)
    owners, nodes, dists = [owner], [node], [np.zeros(owner.size, dtype=np.int8)]
    for level in range(1, k + 1):
        lens = g.indptr[node + 1] - g.indptr[node]
        _, _, nbr = g.expand(node)
        own = np.repeat(owner, lens)
        key = np.unique(own * n + nbr)
        key = key[~np.isin(key, seen, assume_unique=True)]
        if seen.size + key.size > MAX_REACH:
            raise InvalidQuery(
                f"distance {k} reaches more than {MAX_REACH:,} reviewer-author pairs: "
                "ask for a smaller distance or fewer reviewers"
            )
        if key.size == 0:
            break
        seen = np.union1d(seen, key)
        owner, node = key // n, key % n
        owners.append(owner)
        nodes.append(node)
        dists.append(np.full(owner.size, level, dtype=np.int8))
    return np.concatenate(owners), np.concatenate(nodes), np.concatenate(dists)


def conflict_pairs(
    g: CoauthorGraph, sub_nodes: Sequence[np.ndarray], rev_nodes: np.ndarray, distance: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every (submission, reviewer) pair within ``distance`` hops, on node indices of ``g``.

    Returns ``(submission, reviewer, distance, via)`` arrays: indices into ``sub_nodes`` and
    ``rev_nodes``, the smallest distance (0: the reviewer is an author) and, one row per
    author at that distance, the submission author's node. Rows sorted by submission, reviewer
    and via.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> m = Memberships.from_papers([1, 2, 3, 4], [[1, 2], [2, 3], [4]])
    >>> g = CoauthorGraph.build(m)
    >>> s, r, d, via = conflict_pairs(g, [np.array([0]), np.array([3])], np.array([1, 2]), 2)
    >>> s.tolist(), r.tolist(), d.tolist(), via.tolist()
    ([0, 0], [0, 1], [1, 2], [0, 0])
    """
    if not 1 <= distance <= MAX_DISTANCE:
        raise InvalidQuery(f"distance must be between 1 and {MAX_DISTANCE}")
    e = np.zeros(0, dtype=np.int64)
    if len(sub_nodes) == 0 or rev_nodes.size == 0:
        return e, e, e, e
    owner, node, dist = _reach(g, np.asarray(rev_nodes, dtype=np.int64), distance)
    order = np.argsort(node, kind="stable")
    owner, node, dist = owner[order], node[order], dist[order]
    # the submissions' authors as (submission, node) rows, joined with the reach on node
    lens = np.fromiter((a.size for a in sub_nodes), dtype=np.int64, count=len(sub_nodes))
    q_sub = np.repeat(np.arange(len(sub_nodes), dtype=np.int64), lens)
    q_node = np.concatenate([np.asarray(a, dtype=np.int64) for a in sub_nodes])
    lo = np.searchsorted(node, q_node, "left")
    hi = np.searchsorted(node, q_node, "right")
    cnt = hi - lo
    total = int(cnt.sum())
    if total == 0:
        return e, e, e, e
    ends = np.cumsum(cnt)
    at = np.repeat(lo - ends + cnt, cnt) + np.arange(total, dtype=np.int64)
    s = np.repeat(q_sub, cnt)
    via = np.repeat(q_node, cnt)
    r, d = owner[at], dist[at].astype(np.int64)
    # keep, per pair, the rows at its smallest distance
    order = np.lexsort((via, d, r, s))
    s, r, d, via = s[order], r[order], d[order], via[order]
    first = np.ones(s.size, dtype=bool)
    first[1:] = (s[1:] != s[:-1]) | (r[1:] != r[:-1])
    group = np.cumsum(first) - 1
    best = d[first][group]
    keep = d == best  # (submission, reviewer, via) is unique: authors and reach are distinct
    return s[keep], r[keep], d[keep], via[keep]


def conflicts(
    svc: Any,
    submissions: Sequence[Submission],
    reviewers: Sequence[str],
    *,
    years: int = 5,
    as_of: int | None = None,
    distance: int = 1,
    max_team_size: int | None = None,
) -> dict[str, Any]:
    """Every conflicting (submission, reviewer) pair with its reason and evidence.

    Parameters
    ----------
    svc : GraphService
        The service over the store (names are resolved through its store, the graph is its
        cached windowed graph).
    submissions : sequence of Submission
    reviewers : sequence of str
        Names, ids or ``kind:value`` external ids.
    years, as_of : int
        The window of co-authorship that counts: ``[as_of - years + 1, as_of]`` (``as_of``
        defaults to the current year).
    distance : int
        1: co-authors only; 2 or 3: also authors that many hops apart in the window.
    max_team_size : int, optional
        Only papers with at most this many authors count (default: the store's cap).

    Returns
    -------
    dict
        ``conflicts``: rows ``{submission, reviewer, reason, distance, authors, papers}``
        (reason ``author``, ``coauthor`` or ``distance``; ``papers``: the joint papers in the
        window with the authors listed, newest first); ``unresolved``: every name that did not
        resolve or is ambiguous, with the submission it belongs to (None for a reviewer).
    """
    if years < 1:
        raise InvalidQuery("years must be at least 1")
    year_to = _dt.datetime.now(_dt.UTC).year if as_of is None else int(as_of)
    year_from = year_to - years + 1
    g = svc.graph(year_from, year_to, max_team_size)
    cache: dict[str, int | GraphsvcError] = {}

    def lookup(text: str) -> int | GraphsvcError:
        key = str(text).strip()
        if key not in cache:
            try:
                cache[key] = g.node(resolve_strict(svc, key))
            except KeyError:
                cache[key] = AuthorNotFound(f"no author with id {key}")
            except GraphsvcError as exc:
                cache[key] = exc
        return cache[key]

    unresolved: list[dict[str, Any]] = []

    def fail(sub: str | None, role: str, query: str, exc: GraphsvcError) -> None:
        row: dict[str, Any] = {"submission": sub, "role": role, "query": str(query),
                               "error": exc.type, "message": str(exc)}
        if isinstance(exc, AmbiguousAuthor):
            row["candidates"] = [{"id": c["id"], "name": c["name"], "papers": c["papers"]}
                                 for c in exc.candidates[:10]]
        unresolved.append(row)

    rev_nodes: list[int] = []
    rev_query: list[str] = []
    for q in reviewers:
        v = lookup(q)
        if isinstance(v, GraphsvcError):
            fail(None, "reviewer", q, v)
        elif v not in rev_nodes:  # a reviewer listed twice is one reviewer
            rev_nodes.append(v)
            rev_query.append(str(q))
    sub_nodes = []
    for sub in submissions:
        found: list[int] = []
        for q in sub.authors:
            v = lookup(q)
            if isinstance(v, GraphsvcError):
                fail(sub.id, "author", q, v)
            elif v not in found:
                found.append(v)
        sub_nodes.append(np.array(found, dtype=np.int64))
    s, r, d, via = conflict_pairs(g, sub_nodes, np.array(rev_nodes, dtype=np.int64), distance)
    rows = _rows(svc, g, submissions, rev_nodes, rev_query, s, r, d, via)
    return {
        "as_of": year_to,
        "years": years,
        "window": {"from": year_from, "to": year_to},
        "distance": distance,
        "max_team_size": svc.team_size(max_team_size),
        "submissions": len(submissions),
        "reviewers": len(rev_nodes),
        "count": len(rows),
        "conflicts": rows,
        "unresolved": unresolved,
    }


def _rows(
    svc: Any,
    g: CoauthorGraph,
    submissions: Sequence[Submission],
    rev_nodes: list[int],
    rev_query: list[str],
    s: np.ndarray,
    r: np.ndarray,
    d: np.ndarray,
    via: np.ndarray,
) -> list[dict[str, Any]]:
    """JSON rows for the pairs, with names and the joint papers (two store look-ups)."""
    if s.size == 0:
        return []
    ids = g.author_ids
    wanted = {int(ids[v]) for v in via.tolist()} | {int(ids[rev_nodes[i]]) for i in set(r.tolist())}
    names = svc.store.author_names(sorted(wanted))
    joint: dict[tuple[int, int], np.ndarray] = {}
    for ri, v, dist in zip(r.tolist(), via.tolist(), d.tolist(), strict=True):
        if dist == 1:
            joint[rev_nodes[ri], v] = g.joint_papers(rev_nodes[ri], v)
    idx = np.unique(np.concatenate(list(joint.values()))) if joint else np.zeros(0, np.int64)
    pids = g.memberships.paper_ids
    details = {int(p["id"]): p for p in svc.store.papers([int(pids[i]) for i in idx.tolist()])}
    out: list[dict[str, Any]] = []
    start = 0
    bounds = np.flatnonzero(np.diff(s * (len(rev_nodes) + 1) + r)) + 1
    for stop in [*bounds.tolist(), s.size]:
        si, ri, dist = int(s[start]), int(r[start]), int(d[start])
        rn = rev_nodes[ri]
        rid = int(ids[rn])
        via_nodes = via[start:stop].tolist()
        papers: dict[int, dict[str, Any]] = {}
        for v in via_nodes:
            for i in joint.get((rn, v), ()):
                p = details.get(int(pids[i]))
                if p is not None:
                    papers[int(p["id"])] = {k: p.get(k) for k in
                                            ("id", "title", "year", "venue", "doi", "source_id")}
        out.append({
            "submission": submissions[si].id,
            "reviewer": {"query": rev_query[ri], "id": rid, "name": names.get(rid, "")},
            "reason": REASONS.get(dist, "distance"),
            "distance": dist,
            "authors": [{"id": int(ids[v]), "name": names.get(int(ids[v]), "")}
                        for v in via_nodes],
            "papers": sorted(papers.values(),
                             key=lambda p: (-(p["year"] or 0), p["title"] or "", p["id"])),
        })
        start = stop
    return out
