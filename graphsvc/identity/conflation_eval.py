"""The conflation detector scored on dblp records whose homonym numbers were stripped.

dblp numbers the people who share a name ("Wei Wang 0001", "Wei Wang 0030"). Strip the
numbers, the dblp person ids and the ORCIDs, ingest, and every author of the store holds the
mentions of one or more original dblp persons: an author holding two or more is a true
conflation, and ``duplicates --conflated`` should list it (``bench/conflation.py`` on the shared
sample, ``tests/test_conflation.py`` on a slice of it).

A dblp person, for this truth: one dblp name (with its number); names of one number differing
only in accents, case, hyphens or spaces (``evaluate.dblp_truth``'s spelling-aware truth);
strings sharing an ORCID; and the two names of a row of dblp's alias table, when one is given
("Mahmut T. Kandemir" / "Mahmut Taylan Kandemir": one person, two printed names).
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from unidecode import unidecode

from graphsvc.identity.compare import dblp_base
from graphsvc.identity.conflation import check, conflated, name_frequencies
from graphsvc.identity.evaluate import _CapturingIngestor, dblp_truth
from graphsvc.model import Record

Persons = dict[int | None, Counter[str]]


def load_aliases(path: Path) -> dict[str, str]:
    """alias -> canonical dblp name, from an ``alias,name`` CSV (plain or gzip); none if the
    file is missing."""
    if not path.exists():
        return {}
    opener: Any = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return {row["alias"]: row["name"] for row in csv.DictReader(f)}


def stripped_store(records: Sequence[Record], aliases: dict[str, str], store: Any) -> Persons:
    """Ingest ``records`` into ``store`` without homonym numbers, dblp ids and ORCIDs; return,
    per resulting author, its mentions counted by true dblp person."""
    t = dblp_truth(records)
    person_of = dict(zip(t.names, t.spelling, strict=True))
    ing = _CapturingIngestor(store)
    for r in t.records:
        ing.add(r)
    ing.flush(last=True)
    got = [ing.resolved.get(id(a)) for r in t.records for a in r.authors]
    persons: Persons = defaultdict(Counter)
    for aid, name in zip(got, t.names, strict=True):
        canon = aliases.get(name, name)
        persons[aid][person_of.get(canon, person_of[name])] += 1
    return persons


def base_key(person: str) -> str:
    """A dblp name without its number, as sorted folded words: the name two homonyms share.

    Examples
    --------
    >>> base_key("Jin Chen 0006") == base_key("Chen Jin"), base_key("Jinxiang Wang 0001")
    (True, 'jinxiang wang')
    """
    words = "".join(c if c.isalpha() else " " for c in unidecode(dblp_base(person)[0]).lower())
    return " ".join(sorted(words.split()))


def homonym_conflations(persons: Persons) -> set[int]:
    """Authors holding two dblp persons of one name (numbers, or a number and none): the
    conflations stripping the numbers made, as opposed to joins of two printed names."""
    out = set()
    for aid, held in persons.items():
        keys = Counter(base_key(p) for p in held)
        if aid is not None and any(n > 1 for n in keys.values()):
            out.add(aid)
    return out


def _score(flagged: set[int], true: set[int]) -> dict[str, Any]:
    tp = len(flagged & true)
    return {"flagged": len(flagged), "true_flags": tp,
            "precision": round(tp / len(flagged), 4) if flagged else 1.0,
            "recall": round(tp / len(true), 4) if true else 1.0}


def _band(namesakes: float) -> str:
    return "< 0.003" if namesakes < 0.003 else "0.003-0.03" if namesakes < 0.03 else ">= 0.03"


def score(store: Any, persons: Persons, **options: Any) -> dict[str, Any]:
    """Precision and recall of ``conflated(store, **options)`` (the defaults unless given),
    of two baselines (co-author groups alone; groups plus the venue test, the rule before the
    odds), and the rate of true conflations by each evidence of the odds."""
    true = {a for a, c in persons.items() if a is not None and len(c) > 1}
    got = conflated(store, limit=10**9, **options)
    flagged = {int(a["author"]["id"]) for a in got["authors"]}
    freq = name_frequencies(store)
    groups_only: set[int] = set()
    venue_rule: set[int] = set()
    rates: dict[str, Counter[tuple[str, bool]]] = defaultdict(Counter)
    for aid in store.prolific_authors(2, 10**9):
        v = check(store, aid, freq)
        separated = v["groups"][1:]
        if not separated:
            continue
        groups_only.add(aid)
        if any(g["against_largest"]["venues"] == "apart" for g in separated):
            venue_rule.add(aid)
        best = max(separated, key=lambda g: g["odds"])["against_largest"]
        for what in ("venues", "topic", "years"):
            rates[what][(best[what], aid in true)] += 1
        rates["namesakes"][(_band(v["namesakes"] or 0.0), aid in true)] += 1
    n_true = sum(c for (_v, t), c in rates["venues"].items() if t) or 1
    n_false = sum(c for (_v, t), c in rates["venues"].items() if not t) or 1
    evidence = {
        what: {value: {"conflated": c[(value, True)], "one person": c[(value, False)],
                       "ratio": round((c[(value, True)] / n_true)
                                      / max(1e-9, c[(value, False)] / n_false), 2)}
               for value in sorted({v for v, _t in c})}
        for what, c in rates.items()
    }
    return {
        "authors": sum(1 for a in persons if a is not None),
        "conflated": len(true),
        "conflated_by_papers": dict(sorted(Counter(sum(persons[a].values())
                                                   for a in true).items())),
        "checked": got["checked"],
        "graphsvc": _score(flagged, true),
        "homonyms": len(homonym_conflations(persons)),
        "graphsvc, homonym truth": _score(flagged, homonym_conflations(persons)),
        "co-author groups only": _score(groups_only, true),
        "groups + venue test (before)": _score(venue_rule, true),
        "evidence": evidence,
        "listing": [
            {"name": a["author"].get("name"), "odds": a["odds"], "namesakes": a["namesakes"],
             "true": int(a["author"]["id"]) in true,
             "persons": persons[int(a["author"]["id"])].most_common(3)}
            for a in got["authors"]
        ],
    }
