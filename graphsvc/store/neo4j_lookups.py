"""Identity look-ups of many keys in one Bolt round trip each, for an ingest into a non-empty
Neo4j store (``Ingestor.prefetch`` asks for a whole batch's names, ids and titles at once).

Each function answers exactly what the one-key look-up of ``Neo4jStore`` would for every key
it is given (``authors_by_spell``, ``authors_by_signature``, ``author_by_external``,
``paper_by_external``, ``papers_by_title``); a key with no answer maps to an empty list or
is absent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from graphsvc.identity.resolver import conflict_keys
from graphsvc.store.base import AuthorCandidate, PaperCandidate
from graphsvc.store.cypher import load
from graphsvc.store.runner import QueryRunner, Tx

__all__ = ["AuthorLookups", "PaperLookups", "lookup_authors", "lookup_papers"]

#: (author ids by (kind, value), candidates by spelling key, candidates by signature)
AuthorLookups = tuple[
    dict[tuple[str, str], int],
    dict[str, list[AuthorCandidate]],
    dict[str, list[AuthorCandidate]],
]
#: (paper ids by (kind, value), candidates by (title key, year))
PaperLookups = tuple[dict[tuple[str, str], int],
                     dict[tuple[str, int | None], list[PaperCandidate]]]


def _candidate(r: Any) -> AuthorCandidate:
    return AuthorCandidate(int(r["id"]), str(r["key"]), bool(r["initials_only"]),
                           conflict_keys((str(k), str(v)) for k, v in r["ids"]),
                           variant_keys(r))


def variant_keys(r: Any) -> tuple[tuple[str, bool], ...]:
    """The ``keys`` of a candidate row of a look-up by signature (sorted; none by others)."""
    try:
        got = r["keys"]
    except (KeyError, IndexError):
        return ()
    return tuple(sorted((str(k), bool(i)) for k, i in got or ()))


def _grouped(tx: Tx, name: str, key: str, values: list[str]) -> dict[str, list[AuthorCandidate]]:
    out: dict[str, list[AuthorCandidate]] = defaultdict(list)
    if values:
        for r in tx.run(load(name), {key: values}):
            out[str(r["lookup"])].append(_candidate(r))
    return out


def lookup_authors(
    runner: QueryRunner,
    ids: Sequence[tuple[str, str]],
    spells: Sequence[str],
    sigs: Sequence[str],
) -> AuthorLookups:
    """Authors by external id, by spelling key and by initials signature, for many keys in one
    read transaction (one round trip per kind of key that has any)."""

    def work(tx: Tx) -> AuthorLookups:
        found: dict[tuple[str, str], int] = {}
        if ids:
            for r in tx.run(load("lookup_author_ids"), {"pairs": [list(p) for p in ids]}):
                found.setdefault((str(r["kind"]), str(r["value"])), int(r["id"]))
        return (found, _grouped(tx, "lookup_authors_by_spell", "spells", list(spells)),
                _grouped(tx, "lookup_authors_by_sig", "sigs", list(sigs)))

    if not (ids or spells or sigs):
        return {}, {}, {}
    return runner.execute_read(work)


def lookup_papers(
    runner: QueryRunner,
    ids: Sequence[tuple[str, str]],
    titles: Sequence[tuple[str, int | None]],
) -> PaperLookups:
    """Papers by external id and by (title key, year), for many keys in one read transaction."""

    def work(tx: Tx) -> PaperLookups:
        found: dict[tuple[str, str], int] = {}
        if ids:
            for r in tx.run(load("lookup_paper_ids"), {"pairs": [list(p) for p in ids]}):
                found.setdefault((str(r["kind"]), str(r["value"])), int(r["id"]))
        by_title: dict[tuple[str, int | None], list[PaperCandidate]] = defaultdict(list)
        if titles:
            for r in tx.run(load("lookup_papers_by_title"), {"pairs": [list(t) for t in titles]}):
                year = None if r["year"] is None else int(r["year"])
                by_title[(str(r["title_key"]), year)].append(PaperCandidate(
                    int(r["id"]), {str(k): str(v) for k, v in r["ids"]},
                    [str(s) for s in r["sigs"]]))
        return found, by_title

    if not (ids or titles):
        return {}, {}
    return runner.execute_read(work)
