"""Why an author is who it is (``graphsvc explain``): the rule behind every name variant, the
manual overrides with who, when and why, the ids merged into it, and its co-author groups."""

from __future__ import annotations

import re
from typing import Any

from graphsvc.errors import AuthorNotFound
from graphsvc.identity.conflation import conflation
from graphsvc.identity.evidence import join_evidence, paper_refs
from graphsvc.identity.overrides import author_aliases, follow, identity_store, summary
from graphsvc.identity.resolver import SAME_SPELLING, SAME_WORDS, WITH_EVIDENCE
from graphsvc.names import parse_name

_COAUTHOR_ID = re.compile(r"co-author id (\d+(?:, \d+)*)")


def _coauthor_ids(text: str) -> list[int]:
    """The co-author ids an evidence detail names ("shares co-author id 5, 9")."""
    return [int(x) for m in _COAUTHOR_ID.findall(text) for x in m.split(", ")]

#: what each resolver rule means, in a sentence
RULES = {
    "same orcid": "the same ORCID as the author's other mentions",
    "same dblp": "the same dblp person (name with homonym number)",
    "same openalex": "the same OpenAlex author id",
    "same s2": "the same Semantic Scholar author id",
    "same node": "the same node of an edge list",
    SAME_SPELLING: "the same name once accents, case, punctuation, hyphens and spaces and the "
    "order of the words are set aside: treated exactly as the same string",
    SAME_WORDS: "the same words of a full name in another order",
    f"initials {WITH_EVIDENCE}": "an initials-only form and a full name that fit, with a "
    "co-author in common on these papers",
    f"same initials {WITH_EVIDENCE}": "the same initials-only form, with a co-author in common "
    "on these papers",
    f"middle name {WITH_EVIDENCE}": "a middle name added, dropped or abbreviated, with a "
    "co-author in common on these papers",
    f"nickname {WITH_EVIDENCE}": "a nickname (the nickname table, or one in brackets) of the "
    "same first name, with a co-author in common on these papers",
    "merged by hand": "an initials-only form of an author merged into this one by hand",
    # rules of stores written by earlier versions
    "same match key": "the same name once accents, case, punctuation and name order are set "
    "aside",
    "same name, read differently": "the same words with the family/given boundary elsewhere",
    "given name written as one word, with shared co-author": "the given name written as one "
    "word or split, with a co-author in common",
    "initials match with shared co-author": "an initials-only form that fits exactly one full "
    "name, with a co-author in common on that paper",
    "full name matches initials with shared co-author": "a full name that fits exactly one "
    "initials-only author, with a co-author in common on that paper",
    "kept apart from a dblp homonym": "a shared id was refused: dblp numbers these names as "
    "different people",
}


def explain(store: Any, author_id: int) -> dict[str, Any]:
    """The explanation of one author (an id of the store, aliases already followed)."""
    s = identity_store(store)
    detail = store.author(author_id)
    if detail is None:
        raise AuthorNotFound(f"no author with id {author_id}")
    evidence = s.evidence(author_id)
    _total, overrides = s.overrides(author=author_id, limit=10_000)
    aliases = author_aliases(s)
    merged: dict[str, dict[str, Any]] = {}
    split_from: dict[str, Any] | None = None
    for o in overrides:
        p = o["payload"]
        if o["kind"] == "merge" and o["active"] and o["object"] == author_id:
            for name in p.get("source_names", []):
                merged.setdefault(name, o)
        if o["kind"] == "split" and o["active"] and o["subject"] == author_id:
            split_from = o
    ids = [i for _v, _r, d in evidence for i in _coauthor_ids(d)]
    # a co-author merged away since the join is found where it went
    current = {i: follow(aliases, i) for i in ids}
    names = s.author_summaries(sorted({*ids, *current.values()})) if ids else {}
    rows = s.paper_coauthors(author_id)
    mentions: dict[int, set[str]] = {}
    for ship in s.authorships(author_id):
        mentions.setdefault(ship.paper, set()).add(ship.raw_name)
    by_variant: dict[str, list[int]] = {}
    for pid in sorted(mentions):
        for name in mentions[pid]:
            by_variant.setdefault(name, []).append(pid)
    refs = paper_refs(s, [p for ps in by_variant.values() for p in ps[:3]])
    own_key = detail.get("key") or ""
    variants = []
    for v in detail["variants"]:
        why: list[dict[str, Any]] = []
        if parse_name(v["name"]).key == own_key:
            why.append({"rule": "the author's own name",
                        "meaning": "the name (or its match key) the author was created from"})
        for variant, rule, text in evidence:
            if variant == v["name"]:
                reason: dict[str, Any] = {"rule": rule, "detail": _with_names(text, names),
                                          "meaning": RULES.get(rule, rule)}
                shared = list(dict.fromkeys(current[i] for i in _coauthor_ids(text)))
                if shared:
                    reason["evidence"] = join_evidence(
                        s, author_id, variant, shared, rows,
                        {i: names[i]["name"] for i in names}, mentions)
                why.append(reason)
        m = merged.get(v["name"])
        if m is not None:
            why.append(_override_reason("manual merge", m,
                                        f"merged in from author {m['subject']}"))
        if split_from is not None:
            why.append(_override_reason("manual split", split_from,
                                        f"split off author {split_from['object']}"))
        if not why:
            why.append({"rule": "first mention",
                        "meaning": "the mention this author was created from"})
        papers = [refs[p] for p in by_variant.get(v["name"], [])[:3] if p in refs]
        variants.append({**v, "joined_by": why, "papers": papers})
    groups = conflation(s, author_id)
    return {
        "author": {"id": detail["id"], "name": detail["name"], "papers": detail["papers"]},
        "ids": detail["ids"],
        "aliases": sorted(a for a in aliases if follow(aliases, a) == author_id),
        "variants": variants,
        "overrides": [summary(o) for o in overrides],
        "possible_duplicates": len(s.stored_duplicates(author_id)),
        "coauthor_groups": groups,
    }


def _override_reason(rule: str, o: dict[str, Any], meaning: str) -> dict[str, Any]:
    return {"rule": rule, "override": o["id"], "who": o["who"], "when": o["when"],
            "why": o["why"], "meaning": meaning}


def _with_names(text: str, names: dict[int, dict[str, Any]]) -> str:
    def sub(m: re.Match[str]) -> str:
        named = []
        for x in m.group(1).split(", "):
            got = names.get(int(x))
            named.append(f"{got['name']} (id {x})" if got else f"id {x}")
        return "co-author " + ", ".join(named)

    return _COAUTHOR_ID.sub(sub, text)
