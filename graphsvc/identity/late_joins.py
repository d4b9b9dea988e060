"""Late joins: evidence that arrives after a name was decided joins it at the end of the run.

A name that needs evidence (an initials-only form, a middle name, a nickname) is decided when its
paper comes in, against the co-authors known then. "Oba, F." on a paper with "Liu, R." and
"Switzer, J. A." has no evidence for "Fumiyasu Oba" until a later paper of "Oba, Fumiyasu",
"Liu, Run" and "Switzer, Jay A." comes in; had that paper come first, "Oba, F." would have
joined him. The result depended on the order of the inputs (issue 15 item 5).

Every name kept apart for want of evidence is listed as a duplicate pair with its relation
(``reason`` ending in ``NO_EVIDENCE``). At the end of every ingest run those pairs are looked at
again with everything the store now holds: a pair whose two authors now share a co-author (or
have two co-authors that are themselves a listed pair joined in the same round, as the names of
one paper support each other when it comes in), whose names still fit each other (every given
name of one fits every given name of the other, as ``AuthorResolver._fits_all`` asks of a join),
with no conflicting hard id, no dblp homonym clash and no paper in common, is joined, with the
evidence kept for ``explain``, if each is the other's one partner with the most shared
co-authors (none on a tie, as ``AuthorResolver.decide``). Pairs an override is about are left
alone. Authors that hold one full-name spelling are joined first, as identical strings are (rule
2: "Bruno Gayral" created before "B. Gayral" took that name by evidence). Joins repeat until
none is left (a join can give another pair its evidence).

Shared co-authors are counted as people on both sides (``co_author_count``): two co-authors of
one author listed with the one same co-author of the other count once, whichever id is lower.

This narrows the order dependence, it does not end it: a join made in the run is not undone when
a later paper makes another candidate the better one ("H. Wang" that joined the only "Wang, H…"
with evidence when its paper came in keeps her when a "Hui Wang" with more evidence comes later).
``bench/identity_order.py`` counts what differs: on its four real files one run, file by file in
either order and a killed then re-run ingest give the same people.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from graphsvc.identity.compare import given_relation, split_key
from graphsvc.identity.duplicates import author_ids_conflict
from graphsvc.identity.overrides import variant_deltas
from graphsvc.identity.resolver import co_author_count, name_relation
from graphsvc.store.base import IdentityStore, IdentityTx

#: how the ingest ends the reason of a duplicate pair kept apart for want of evidence
NO_EVIDENCE = "no co-author in common"
#: the rule ``explain`` shows for a late join
LATE_JOIN = "late join with shared co-author"
#: a bound on rounds (each round joins at least one pair; a pair can only join once)
MAX_ROUNDS = 50
#: listed pairs whose authors' co-authors are read at once
PAIR_CHUNK = 4_000


def fits(givens_a: Iterable[str], givens_b: Iterable[str]) -> bool:
    """Whether every given key of one author fits every given key of the other: equal, an
    initials form, a middle name added or dropped, a nickname.

    Examples
    --------
    >>> fits(["f", "fumiyasu"], ["fumiyasu"]), fits(["h", "haibin"], ["hui"])
    (True, False)
    """
    b = list(givens_b)
    return all(
        x == y or given_relation(x, y) is not None or name_relation(x, y) is not None
        or name_relation(y, x) is not None
        for x in givens_a for y in b
    )


def late_joins(store: Any) -> dict[int, int]:
    """Join the pairs that now have evidence (see the module docstring); returns where each
    joined-away author went."""
    if not isinstance(store, IdentityStore):
        return {}
    locked = _override_authors(store)
    joined: dict[int, int] = {}
    # one pass: a join by spelling never makes another (the joined author keeps its spellings)
    chosen = _same_spelling(store, locked)
    if chosen:
        store.identity_write(partial(_join_all, chosen=chosen))
    joined.update((source, target) for target, source, _s in chosen)
    for _round in range(MAX_ROUNDS):
        pairs = sorted({(a, b) for a, b, reason, _s in store.stored_duplicates()
                        if reason.endswith(NO_EVIDENCE)})
        pairs = [(a, b) for a, b in pairs if a not in locked and b not in locked]
        chosen = _choose(store, pairs) if pairs else []
        if not chosen:
            break
        # one transaction per round: a kill leaves the round undone, and the next run redoes it
        store.identity_write(partial(_join_all, chosen=chosen))
        joined.update((source, target) for target, source, _s in chosen)
    return joined


def follow(joined: dict[int, int], author: int) -> int:
    """Where an author went through ``late_joins`` (itself if it was not joined away).

    Examples
    --------
    >>> follow({3: 2, 2: 1}, 3), follow({3: 2}, 7)
    (1, 7)
    """
    while author in joined:
        author = joined[author]
    return author


def _same_spelling(store: IdentityStore, locked: set[int]) -> list[tuple[int, int, list[int]]]:
    """Authors holding one full-name spelling (rule 2: they would have joined had their papers
    come the other way round: "Bruno Gayral" created before "B. Gayral" took that name by
    evidence), unless hard ids, a shared paper or an override keep them apart."""
    groups = [g for g in ([a for a in grp if a not in locked] for grp in store.spelling_groups())
              if len(g) > 1]
    if not groups:
        return []
    authors = sorted({a for g in groups for a in g})
    near = store.coauthor_sets(authors)
    ids = store.external_id_sets(authors)
    summary = store.author_summaries(authors)
    out: list[tuple[int, int, list[int]]] = []
    used: set[int] = set()
    for g in sorted(groups):
        g = [a for a in g if a in summary and a not in used]
        if len(g) < 2:
            continue
        target = max(g, key=lambda a: (int(summary[a]["papers"]), -a))
        held = list(ids[target])
        for source in g:
            # co-authors of one paper, or two ids of one kind, are two people (``_join`` also
            # checks the papers against what earlier joins of the group moved)
            if source == target or source in near[target] or author_ids_conflict(held, ids[source]):
                continue
            out.append((target, source, []))
            used.add(source)
            held += ids[source]
        used.add(target)
    return out


def _override_authors(store: IdentityStore) -> set[int]:
    _total, rows = store.overrides(limit=1_000_000)
    return {int(x) for o in rows for x in (o["subject"], o["object"])}


def _choose(
    store: IdentityStore, pairs: Sequence[tuple[int, int]]
) -> list[tuple[int, int, list[int]]]:
    """The pairs to join this round: with evidence, names that fit, no conflicting id, and for
    each author only its best partner (none on a tie); no author in two joins of one round."""
    listed: dict[int, set[int]] = {}
    for a, b in pairs:
        listed.setdefault(a, set()).add(b)
        listed.setdefault(b, set()).add(a)
    evidence: list[tuple[int, int, int, list[int]]] = []
    #: the listed pairs a pair's evidence stands on, when it has no co-author in common
    support: dict[tuple[int, int], set[tuple[int, int]]] = {}
    near: dict[int, set[int]] = {}
    for i, (a, b) in enumerate(pairs):
        if i % PAIR_CHUNK == 0:
            # the co-authors of a chunk's authors only: a pair's evidence needs its own two
            # authors' (at dblp scale the sets of every listed author take gigabytes)
            near = store.coauthor_sets(
                sorted({x for p in pairs[i:i + PAIR_CHUNK] for x in p}))
        if b in near[a] or not near[a] or not near[b]:
            continue  # co-authors of one paper (two people), or nothing to go on
        # a co-author in common, or two co-authors that are themselves a listed pair ("L.
        # Reining" beside "F. Bruneval", "Lucia Reining" beside "Fabien Bruneval"): names of
        # one paper support each other, as they do when their papers come in, if both join
        common = (near[a] & near[b]) - {a, b}
        # each co-author of ``a`` -> the co-authors of ``b`` it is, or may be (a listed pair)
        same = {c: ({c} if c in common else set()) | (listed.get(c, set()) & near[b]) - {a, b}
                for c in near[a] - {a, b}}
        same = {c: d for c, d in same.items() if d}
        via = {(min(c, d), max(c, d)) for c, ds in same.items() for d in ds if d != c}
        shared = sorted(same)
        if shared:
            # counted as people on both sides: two co-authors of ``a`` listed with the one
            # same co-author of ``b`` are one co-author in common, as they are the other way
            # round (counting them twice made the count depend on which id is lower)
            evidence.append((a, b, co_author_count(shared, same), shared))
            if not common:
                support[(min(a, b), max(a, b))] = via
    del near
    authors = sorted({x for a, b, _n, _s in evidence for x in (a, b)})
    ids = store.external_id_sets(authors)
    keys = {a: store.author_name_keys(a) for a in authors}
    summary = store.author_summaries(authors)
    best: dict[int, list[tuple[int, int, list[int]]]] = {}
    for a, b, count, shared in evidence:
        if a not in summary or b not in summary:
            continue  # gone
        if author_ids_conflict(ids[a], ids[b]) or not _names_fit(keys[a], keys[b]):
            continue
        for x, y in ((a, b), (b, a)):
            best.setdefault(x, []).append((count, y, shared))
    out: list[tuple[int, int, list[int]]] = []
    used: set[int] = set()
    for a, b in sorted({(min(a, b), max(a, b)) for a, b in pairs}):
        # each the other's one partner with the most evidence: a join one of them would make
        # whichever came in last (joining on one side only cost precision: bench/initials.py)
        if a in used or b in used or not (_best_of(best, a, b) and _best_of(best, b, a)):
            continue
        shared = next(s for _n, y, s in best[a] if y == b)
        # the author with more papers keeps its id and name (the lower id on a tie)
        pa, pb = int(summary[a]["papers"]), int(summary[b]["papers"])
        target, source = (a, b) if (pa, -a) >= (pb, -b) else (b, a)
        out.append((target, source, shared))
        used.update((a, b))
    return _supported(out, support)


def _supported(
    out: list[tuple[int, int, list[int]]], support: dict[tuple[int, int], set[tuple[int, int]]]
) -> list[tuple[int, int, list[int]]]:
    """The joins of ``out`` whose evidence holds once the round is done: a pair with no
    co-author in common stands on a listed pair of its co-authors, which must join too (else
    the two co-authors are two people, and the paper that comes second would have shown no
    evidence: issue 15 item 5). Dropping one can take another's support away: repeats."""
    while True:
        joined = {(min(t, s), max(t, s)) for t, s, _sh in out}
        keep = [j for j in out if (p := (min(j[0], j[1]), max(j[0], j[1]))) not in support
                or support[p] & joined]
        if len(keep) == len(out):
            return out
        out = keep


def _best_of(best: dict[int, list[tuple[int, int, list[int]]]], a: int, b: int) -> bool:
    """Whether ``b`` is ``a``'s one partner with the most shared co-authors."""
    options = sorted(best.get(a, []), key=lambda o: -o[0])
    if not options or options[0][1] != b:
        return False
    return len(options) == 1 or options[1][0] < options[0][0]


def _names_fit(a: list[tuple[str, bool]], b: list[tuple[str, bool]]) -> bool:
    """Same family names and numbers, and given names that fit (``fits``)."""
    pa = [split_key(k) for k, _i in a]
    pb = [split_key(k) for k, _i in b]
    if not pa or not pb:
        return False
    if {(f, n) for f, _g, n in pa} != {(f, n) for f, _g, n in pb}:
        return False
    return fits([g for _f, g, _n in pa], [g for _f, g, _n in pb])


def _join_all(tx: IdentityTx, chosen: list[tuple[int, int, list[int]]]) -> None:
    for target, source, shared in chosen:
        _join(tx, target, source, shared)


def _join(tx: IdentityTx, target: int, source: int, shared: list[int]) -> None:
    if tx.author_row(target) is None or tx.author_row(source) is None:
        return
    if tx.shared_papers(target, source):
        return
    mentions = tx.authorships(source)
    rows = tx.variants(source)
    names = sorted({v.name for v in rows})
    have = {(v, r) for v, r, _d in tx.evidence(target)}
    moved = [e for e in tx.evidence(source) if (e[0], e[1]) not in have]
    detail = (f"author {source} ({', '.join(names[:3])}) joined after the run: " + (
        f"shares co-author id {', '.join(map(str, shared[:5]))}" if shared
        else "the same spelling"))
    dups = [(x if y == source else y, r, s) for x, y, r, s in tx.duplicates(source)]
    tx.move_authorships(mentions, target)
    tx.add_variants(target, variant_deltas(mentions, rows, +1))
    tx.move_ids(tx.external_ids(source), target)
    tx.add_evidence(target, [*moved, *((n, LATE_JOIN, detail) for n in names)])
    tx.drop_duplicates(source)
    tx.add_duplicates([(min(o, target), max(o, target), r, s)
                       for o, r, s in dups if o != target])
    tx.delete_author(source)
    tx.refresh([target, source])
