"""Identity answers behind the facade: duplicates, conflated authors, and the audited manual
overrides (merge, split, undo, the audit trail), with their input checks.

Plain functions taking the service first (it resolves authors, following merge aliases); the
rules themselves live in ``graphsvc.identity.duplicates``, ``.conflation`` and ``.overrides``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graphsvc.errors import InvalidQuery
from graphsvc.graph.service import _check_limit

__all__ = ["duplicates", "merge", "overrides", "split", "unmerge"]


def duplicates(
    svc: Any,
    *,
    author: str | int | None = None,
    conflated: bool = False,
    min_score: float = 0.0,
    min_papers: int = 2,
    max_authors: int = 2000,
    min_group: int = 1,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """Likely same-person pairs with evidence, or (``conflated``) authors whose papers fall
    into co-author communities that never touch, with the odds that they are several people
    (``graphsvc.identity.conflation``); paginated."""
    from graphsvc.identity import conflation, duplicates

    limit = _check_limit(limit)
    if offset < 0 or min_papers < 1 or max_authors < 1 or min_group < 1:
        raise InvalidQuery("offset must be >= 0; min_papers, max_authors, min_group >= 1")
    aid = None if author is None else svc.resolve_following_aliases(author)
    if conflated and aid is not None:
        return {"author": svc.author_ref(aid),
                **conflation.conflation(svc.store, aid, min_group=min_group)}
    if conflated:
        return conflation.conflated(svc.store, min_papers=min_papers,
                                    max_authors=max_authors, min_group=min_group,
                                    limit=limit, offset=offset)
    return duplicates.find_duplicates(svc.store, author=aid, min_score=min_score,
                                      limit=limit, offset=offset)


def merge(
    svc: Any, target: str | int, source: str | int, *, who: str | None = None,
    why: str | None = None, force: bool = False,
) -> dict[str, Any]:
    """Merge author ``source`` into ``target`` as an audited, reversible override."""
    from graphsvc.identity import overrides

    a = svc.resolve_following_aliases(target)
    b = svc.resolve_following_aliases(source)
    if a == b:
        raise InvalidQuery(f"{target!s} and {source!s} are one author already (id {a})")
    o = overrides.merge(svc.store, a, b, who=who, why=why, force=force)
    return {"override": overrides.summary(o), "author": svc.author_ref(a)}


def split(
    svc: Any, author: str | int, papers: Sequence[str | int], *, who: str | None = None,
    why: str | None = None,
) -> dict[str, Any]:
    """Move papers (ids or ``kind:value``) of an author to a new author (an override)."""
    from graphsvc.identity import overrides

    aid = svc.resolve_following_aliases(author)
    pids = overrides.paper_ids(svc.store, papers)
    o = overrides.split(svc.store, aid, pids, who=who, why=why)
    return {"override": overrides.summary(o), "author": svc.author_ref(aid),
            "new_author": svc.author_ref(int(o["subject"]))}


def unmerge(
    svc: Any, ref: str | int, *, who: str | None = None, why: str | None = None,
    by_author: bool = False,
) -> dict[str, Any]:
    """Undo an override: ``ref`` is an override id (``12`` or ``#12``), or an author (a name,
    ``kind:value``, or any id with ``by_author``) whose latest merge is undone."""
    from graphsvc.identity import overrides

    s = str(ref).strip()
    if not by_author and s.lstrip("#").isascii() and s.lstrip("#").isdigit() and len(s) <= 19:
        oid = int(s.lstrip("#"))
        if overrides.identity_store(svc.store).override(oid) is None:
            raise overrides.OverrideNotFound(
                f"no override with id {oid} (to undo the latest merge of author {oid}, "
                "pass it as an author: --author)")
    else:
        oid = overrides.latest_merge(svc.store, svc.resolve_following_aliases(s))
    o = overrides.undo(svc.store, oid, who=who, why=why)
    people = svc.store.author_summaries([o["subject"], o["object"]])
    return {"override": overrides.summary(o),
            "authors": [people[a] for a in (o["object"], o["subject"]) if a in people]}


def overrides(
    svc: Any, *, author: str | int | None = None, limit: int = 50, offset: int = 0
) -> dict[str, Any]:
    """Manual overrides (the audit trail), newest first."""
    from graphsvc.identity import overrides

    limit = _check_limit(limit)
    if offset < 0:
        raise InvalidQuery("offset must be >= 0")
    aid = None if author is None else svc.resolve_following_aliases(author)
    total, rows = overrides.identity_store(svc.store).overrides(
        author=aid, limit=limit, offset=offset)
    return {"total": total, "offset": offset, "limit": limit,
            "overrides": [overrides.summary(o) for o in rows]}
