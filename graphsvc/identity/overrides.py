"""Manual identity overrides: merge two authors, split papers off an author, undo either.

Every override is one row (SQLite table ``overrides``, Neo4j ``(:Override)`` nodes): ``id``,
``kind`` (``merge`` / ``split``), ``subject`` (the merged-away or the split-off author),
``object`` (the merge target or the split author), ``payload`` (JSON: what moved, so the undo is
exact), ``who`` (default ``$USER``), ``when`` (UTC ISO), ``why``, ``active``, and who undid it,
when and why. Each override runs in one store transaction, recomputes the paper counts, search
tokens and co-author edges of the authors it touches, and bumps the store generation so the
in-memory graph is rebuilt.

What survives a re-ingest (the rules, documented for users in ``graphsvc merge --help``):

* **merge A B**: B's authorships, name variants, external ids and evidence move to A; B's id is
  left behind as an alias of A (never handed out again). Re-ingesting finds B's names and ids on A,
  so old and new mentions of B land on A; ``resolve("B's id")`` follows the alias.
* **split A --papers …**: the papers move to a new author N named after their most used
  spelling; N gets the evidence of the names it takes, A keeps its external ids. Re-ingesting
  known papers changes nothing (papers are never resolved twice). A *new* paper is resolved by
  the ordinary rules against the names each author now holds: a spelling only N holds goes to N,
  a spelling both hold goes to the older author (A), and an external id goes to whoever holds it
  (A). Split again to move more papers.
* **undo** (``unmerge``): an override can be undone while no later active override touches its
  authors (undo those first). Undoing a merge recreates B with its name and id and moves back
  what the merge moved, plus papers added after the merge under a spelling only B had; undoing a
  split moves everything of N back to A and leaves N's id as an alias of A.

A merge is refused when the two authors share a paper (one person cannot write a paper twice),
when they hold one dblp name with two homonym numbers (dblp keeps them apart, always), and,
unless forced, when they carry different ORCID / OpenAlex / Semantic Scholar ids.
"""

from __future__ import annotations

import getpass
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from graphsvc.errors import AuthorNotFound, GraphsvcError, InvalidQuery
from graphsvc.identity.compare import homonym_clash
from graphsvc.names import parse_name
from graphsvc.store.base import IdentityStore, IdentityTx, Mention, VariantRow

#: id kinds whose different values on two authors refuse a merge unless forced
CONFLICTING_KINDS = ("orcid", "openalex", "s2")
#: payload keys too bulky for listings
_BULKY = ("authorships", "variants", "evidence", "evidence_added", "evidence_dropped",
          "duplicates", "ids", "source_names", "target_names")


class OverrideNotFound(GraphsvcError):
    type = "override-not-found"
    exit_code = 3
    http_status = 404


@dataclass(frozen=True, slots=True)
class Audit:
    """Who made (or undid) an override, when, and why."""

    who: str
    when: str
    why: str

    @classmethod
    def now(cls, who: str | None = None, why: str | None = None) -> Audit:
        return cls(who or default_who(), datetime.now(UTC).isoformat(timespec="seconds"),
                   why or "")


def default_who() -> str:
    """``$USER`` (or the login name), the default author of an override."""
    who = os.environ.get("USER") or os.environ.get("USERNAME")
    if not who:
        try:
            who = getpass.getuser()
        except (OSError, KeyError):
            who = "unknown"
    return who


def identity_store(store: Any) -> IdentityStore:
    if not isinstance(store, IdentityStore):
        raise InvalidQuery(f"{type(store).__name__} does not keep identity overrides")
    return store


def author_aliases(store: Any) -> dict[int, int]:
    """Merged-away (and undone split-off) author ids -> where they went."""
    rows = getattr(store, "alias_rows", None)
    return dict(rows()) if rows is not None else {}


def merged_keys(store: Any) -> dict[str, set[int]]:
    """Match keys of merged-away authors that were known by initials only -> merge targets.

    Before a merge, a new initials-only mention with such a key joined the merged-away author by
    its key (rule 2); afterwards it joins the target the same way, without the evidence an
    initials-only name otherwise needs to join a full-name author.
    """
    if not isinstance(store, IdentityStore):
        return {}
    aliases = author_aliases(store)
    out: dict[str, set[int]] = {}
    _total, rows = store.overrides(limit=1_000_000)
    for o in rows:
        p = o["payload"]
        if o["kind"] != "merge" or not o["active"]:
            continue
        given = str(p.get("source_author", {}).get("key", "")).partition("|")[2].split("#")[0]
        if not given or any(len(w) > 1 for w in given.split()):
            continue
        target = follow(aliases, int(o["object"]))
        for v in p.get("variants", []):
            out.setdefault(str(v[2]), set()).add(target)
    return out


def follow(aliases: dict[int, int], author: int) -> int:
    """Where an author id went through merges (itself if it was not merged away).

    Examples
    --------
    >>> follow({3: 2, 2: 1}, 3), follow({3: 2}, 7)
    (1, 7)
    """
    for _ in range(1000):
        if author not in aliases:
            break
        author = aliases[author]
    return author


def summary(o: dict[str, Any]) -> dict[str, Any]:
    """An override without the bulky parts of its payload (for listings)."""
    payload = {k: v for k, v in o["payload"].items() if k not in _BULKY}
    return {**{k: v for k, v in o.items() if k != "payload"}, "payload": payload}


# -- merge ---------------------------------------------------------------------------------------
def merge(
    store: Any, target: int, source: int, *, who: str | None = None, why: str | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """Merge author ``source`` into ``target`` (see the module docstring); returns the override."""
    s = identity_store(store)
    audit = Audit.now(who, why)
    return s.identity_write(lambda tx: _merge(tx, int(target), int(source), audit, force))


def _merge(tx: IdentityTx, target: int, source: int, audit: Audit, force: bool) -> dict[str, Any]:
    if target == source:
        raise InvalidQuery(f"cannot merge author {target} into itself")
    a, b = tx.author_row(target), tx.author_row(source)
    if a is None:
        raise AuthorNotFound(f"no author with id {target}")
    if b is None:
        raise AuthorNotFound(f"no author with id {source}")
    shared = tx.shared_papers(target, source)
    if shared:
        raise InvalidQuery(
            f"authors {target} and {source} are co-authors of {len(shared)} paper(s) "
            f"(e.g. paper {shared[0]}): one person cannot write a paper twice"
        )
    ids_a, ids_b = tx.external_ids(target), tx.external_ids(source)
    clash = homonym_clash(
        [v for k, v in ids_a if k == "dblp"], [v for k, v in ids_b if k == "dblp"]
    )
    if clash:
        raise InvalidQuery(
            f"dblp keeps {clash[0]!r} and {clash[1]!r} apart (two homonym numbers of one "
            "name are two people): never merged"
        )
    if not force:
        for kind in CONFLICTING_KINDS:
            va = {v for k, v in ids_a if k == kind}
            vb = {v for k, v in ids_b if k == kind}
            if va and vb and not va & vb:
                raise InvalidQuery(
                    f"authors {target} and {source} have different {kind} ids "
                    f"({', '.join(sorted(va))} / {', '.join(sorted(vb))}): use --force if the "
                    "same person really has both"
                )
    mentions = tx.authorships(source)
    vb_rows = tx.variants(source)
    target_names = sorted({v.name for v in tx.variants(target)})
    have = {(v, r) for v, r, _d in tx.evidence(target)}
    ev_b = tx.evidence(source)
    added = [e for e in ev_b if (e[0], e[1]) not in have]
    dups = tx.duplicates(source)
    payload = {
        "target": target,
        "source": source,
        "source_author": {"id": b[0], "name": b[1], "key": b[2]},
        "target_author": {"id": a[0], "name": a[1], "key": a[2]},
        "authorships": [[m.paper, m.position] for m in mentions],
        "papers": len({m.paper for m in mentions}),
        "variants": [list(v) for v in vb_rows],
        "source_names": sorted({v.name for v in vb_rows}),
        "target_names": target_names,
        "ids": [list(i) for i in ids_b],
        "evidence": [list(e) for e in ev_b],
        "evidence_added": [[v, r] for v, r, _d in added],
        "duplicates": [list(d) for d in dups],
        "max_paper": tx.max_paper_id(),
        "forced": force,
    }
    tx.move_authorships(mentions, target)
    tx.add_variants(target, variant_deltas(mentions, vb_rows, +1))
    tx.move_ids(ids_b, target)
    tx.add_evidence(target, added)
    tx.drop_duplicates(source)
    tx.delete_author(source)
    tx.refresh([target, source])
    tx.reserve(source)
    oid = tx.add_override("merge", source, target, json.dumps(payload, ensure_ascii=False),
                          audit.who, audit.when, audit.why)
    return _written(tx, oid)


# -- split ---------------------------------------------------------------------------------------
def split(
    store: Any, author: int, papers: Sequence[int], *, who: str | None = None,
    why: str | None = None,
) -> dict[str, Any]:
    """Move ``papers`` of ``author`` to a new author (see the module docstring)."""
    s = identity_store(store)
    if not papers:
        raise InvalidQuery("split needs at least one paper (--papers P1 P2 …)")
    audit = Audit.now(who, why)
    return s.identity_write(lambda tx: _split(tx, int(author), [int(p) for p in papers], audit))


def _split(tx: IdentityTx, author: int, papers: list[int], audit: Audit) -> dict[str, Any]:
    row = tx.author_row(author)
    if row is None:
        raise AuthorNotFound(f"no author with id {author}")
    mine = tx.authorships(author)
    want = set(papers)
    moving = [m for m in mine if m.paper in want]
    missing = sorted(want - {m.paper for m in moving})
    if missing:
        raise InvalidQuery(
            f"author {author} is not an author of paper(s) {', '.join(map(str, missing))}"
        )
    if {m.paper for m in moving} == {m.paper for m in mine}:
        raise InvalidQuery("a split must leave the author at least one paper")
    templates = tx.variants(author)
    names = Counter(m.raw_name for m in moving)
    top = min(names, key=lambda n: (-names[n], n))
    parsed = parse_name(top)
    key = next((v.key for v in templates if v.name == top), parsed.key)
    new = tx.next_author_id()
    display = parsed.display or " ".join(top.split()) or "?"
    tx.create_author(new, display, key)
    tx.move_authorships(moving, new)
    tx.add_variants(author, variant_deltas(moving, templates, -1))
    tx.add_variants(new, variant_deltas(moving, templates, +1))
    left = {v.name for v in tx.variants(author)}
    copied = [e for e in tx.evidence(author) if e[0] in names]
    dropped = [e for e in copied if e[0] not in left]
    tx.add_evidence(new, copied)
    tx.drop_evidence(author, [(v, r) for v, r, _d in dropped])
    tx.refresh([author, new])
    tx.reserve(new)
    payload = {
        "author": author,
        "new_author": new,
        "name": display,
        "key": key,
        "papers": sorted(want),
        "authorships": [[m.paper, m.position] for m in moving],
        "evidence_dropped": [list(e) for e in dropped],
    }
    oid = tx.add_override("split", new, author, json.dumps(payload, ensure_ascii=False),
                          audit.who, audit.when, audit.why)
    return _written(tx, oid)


# -- undo ----------------------------------------------------------------------------------------
def undo(
    store: Any, override_id: int, *, who: str | None = None, why: str | None = None
) -> dict[str, Any]:
    """Undo a merge or a split (``graphsvc unmerge``); returns the override, now inactive."""
    s = identity_store(store)
    audit = Audit.now(who, why)
    return s.identity_write(lambda tx: _undo(tx, int(override_id), audit))


def latest_merge(store: Any, author: int) -> int:
    """The id of the latest active merge into or out of ``author``."""
    s = identity_store(store)
    aid = follow(author_aliases(s), int(author))
    total, rows = s.overrides(author=aid, limit=10_000)
    for o in rows:
        if o["kind"] == "merge" and o["active"]:
            return int(o["id"])
    raise OverrideNotFound(f"author {aid} has no active merge to undo")


def _undo(tx: IdentityTx, override_id: int, audit: Audit) -> dict[str, Any]:
    o = tx.override(override_id)
    if o is None:
        raise OverrideNotFound(f"no override with id {override_id}")
    if not o["active"]:
        u = o["undone"] or {}
        raise InvalidQuery(
            f"override {override_id} was already undone by {u.get('who')} at {u.get('when')}"
        )
    later = tx.later_overrides(override_id, [o["subject"], o["object"]])
    if later:
        raise InvalidQuery(
            f"override {override_id} cannot be undone before the later override(s) "
            f"{', '.join(map(str, later))} that touch the same authors: undo those first"
        )
    if o["kind"] == "merge":
        _undo_merge(tx, o)
    elif o["kind"] == "split":
        _undo_split(tx, o)
    else:
        raise InvalidQuery(f"override {override_id} has unknown kind {o['kind']!r}")
    tx.set_override_undone(override_id, audit.who, audit.when, audit.why)
    return _written(tx, override_id)


def _undo_merge(tx: IdentityTx, o: dict[str, Any]) -> None:
    p = o["payload"]
    target, source = int(o["object"]), int(o["subject"])
    if tx.author_row(target) is None:
        raise InvalidQuery(f"author {target} no longer exists: override {o['id']} cannot be undone")
    if tx.author_row(source) is not None:
        raise InvalidQuery(f"author id {source} is in use again: override {o['id']} cannot be "
                           "undone")
    moved = {(int(x), int(y)) for x, y in p["authorships"]}
    only_source = set(p["source_names"]) - set(p["target_names"])
    back = [
        m for m in tx.authorships(target)
        if (m.paper, m.position) in moved
        or (m.paper > int(p["max_paper"]) and m.raw_name in only_source)
    ]
    templates = [VariantRow(*v) for v in p["variants"]] + tx.variants(target)
    src = p["source_author"]
    tx.create_author(source, src["name"], src["key"])
    tx.move_authorships(back, source)
    tx.add_variants(target, variant_deltas(back, templates, -1))
    tx.add_variants(source, variant_deltas(back, templates, +1))
    now = set(tx.external_ids(target))
    tx.move_ids([(k, v) for k, v in p["ids"] if (k, v) in now], source)
    tx.drop_evidence(target, [(v, r) for v, r in p["evidence_added"]])
    tx.add_evidence(source, [(v, r, d) for v, r, d in p["evidence"]])
    tx.add_duplicates([
        (int(a), int(b), str(r), float(sc)) for a, b, r, sc in p["duplicates"]
        if tx.author_row(int(a)) is not None and tx.author_row(int(b)) is not None
    ])
    tx.refresh([target, source])


def _undo_split(tx: IdentityTx, o: dict[str, Any]) -> None:
    p = o["payload"]
    author, new = int(o["object"]), int(o["subject"])
    if tx.author_row(author) is None or tx.author_row(new) is None:
        raise InvalidQuery(f"author {author} or {new} no longer exists: override {o['id']} "
                           "cannot be undone")
    rows = tx.authorships(new)
    tx.move_authorships(rows, author)
    tx.add_variants(author, variant_deltas(rows, tx.variants(new), +1))
    tx.move_ids(tx.external_ids(new), author)
    tx.add_evidence(author, [(v, r, d) for v, r, d in p["evidence_dropped"]])
    tx.add_evidence(author, tx.evidence(new))
    tx.drop_duplicates(new)
    tx.delete_author(new)
    tx.refresh([author, new])


# -- helpers -------------------------------------------------------------------------------------
def paper_ids(store: Any, refs: Sequence[str | int]) -> list[int]:
    """Paper ids from ids or ``kind:value`` source ids (``dblp:conf/ppopp/X17``, ``doi:…``)."""
    from graphsvc.errors import PaperNotFound

    out = []
    for ref in refs:
        s = str(ref).strip()
        if s.isascii() and s.isdigit() and len(s) <= 18:
            out.append(int(s))
            continue
        kind, sep, value = s.partition(":")
        found = store.paper_by_external(kind.strip().lower(), value.strip()) if sep else None
        if found is None:
            raise PaperNotFound(f"no paper matches {s!r} (use a paper id or kind:value)")
        out.append(int(found))
    return out


def _written(tx: IdentityTx, override_id: int) -> dict[str, Any]:
    got = tx.override(override_id)
    if got is None:  # the store lost a row written in this very transaction
        raise GraphsvcError(f"override {override_id} was not stored")
    return got


def variant_deltas(
    mentions: Sequence[Mention], templates: Sequence[VariantRow], sign: int
) -> list[VariantRow]:
    """Variant count changes for moving ``mentions``: one row per (spelling, source), with the
    key, signature and initials flag of the variant row it came from.

    Examples
    --------
    >>> m = [Mention(1, 0, "P. Vincent", "dblp"), Mention(2, 1, "P. Vincent", "dblp")]
    >>> variant_deltas(m, [], -1)
    [VariantRow(name='P. Vincent', source='dblp', key='vincent|p', sig='vincent|p', \
initials_only=True, n=-2)]
    """
    counts = Counter((m.raw_name, m.source) for m in mentions)
    exact = {(v.name, v.source): v for v in templates}
    by_name = {v.name: v for v in templates}
    out = []
    for (name, source), n in sorted(counts.items()):
        t = exact.get((name, source)) or by_name.get(name)
        if t is None:
            p = parse_name(name)
            key, sig, init = p.key, f"{p.family_key}|{p.initials[:1]}", p.initials_only
        else:
            key, sig, init = t.key, t.sig, t.initials_only
        out.append(VariantRow(name, source, key, sig, init, sign * n))
    return out
