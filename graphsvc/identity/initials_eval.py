"""Initials joins measured on real data where the truth is known (issue 15 item 4).

An *initials join* puts an initials-only mention ("P.D. Adams", "Adams, P. D.") on one author
with another mention (initials-only or full). It must happen only with evidence on the papers
concerned, so it is scored where both the co-authorship and the truth are real:

* **OpenAlex** (``openalex/openalex-works-page-utrecht.json.gz``): every authorship as its
  ``raw_author_name`` (the name as the paper printed it: 31 are initials-only) with OpenAlex's
  author id as the truth; the ids themselves are not given to graphsvc;
* **dblp** (``dblp/dblp-ppopp-socc.xml.gz``): dblp's persons as the truth (ORCIDs linking two
  names), ids, ORCIDs and homonym numbers stripped, and the authors of every second record
  printed as initials and family name, as an abbreviating bibliography style prints them
  ("Mahmut T. Kandemir" -> "M. T. Kandemir"): the co-author structure, the namesakes and the
  names are dblp's, only the initials form is made.

Scores are over mention pairs of which at least one side is initials-only: *precision* is the
share of such pairs put on one author that are one person, *recall* the share of such pairs of
one person that are put on one author (an initials mention of a person with no other paper
sharing a co-author cannot be joined without guessing, so recall has a ceiling: ``reachable``
counts the true pairs whose papers are linked by a chain of papers of that person each sharing
a co-author, or a full-name spelling, with the next). The paths (Paperscape
initials against arXiv metadata full names of the same arXiv id) were looked at: the shared
Paperscape years (1991-1994) and the arXiv slice (0704.xxxx, 2007) have no paper in common.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from unidecode import unidecode

from graphsvc.identity.compare import dblp_base
from graphsvc.identity.evaluate import dblp_truth, resolve_mentions
from graphsvc.model import RawAuthor, Record
from graphsvc.names import parse_name

_OPENALEX = "https://openalex.org/"


def initials_of(name: str) -> str:
    """A full name as an abbreviating style prints it: initials, then the family name.

    Examples
    --------
    >>> initials_of("Mahmut T. Kandemir"), initials_of("Jean-Pierre Serre"), initials_of("Li")
    ('M. T. Kandemir', 'J. P. Serre', 'Li')
    """
    p = parse_name(name)
    if not p.given_key or not p.family:
        return name
    inits = " ".join(f"{w[0].upper()}." for w in p.given_key.split())
    return f"{inits} {p.family}"


def openalex_records(path: Path) -> tuple[list[Record], list[str]]:
    """The works of an OpenAlex page with each author as printed (``raw_author_name``) and no
    ids, and the OpenAlex author id of every mention (the truth)."""
    with gzip.open(path, "rt", encoding="utf-8") as f:
        page = json.load(f)
    recs: list[Record] = []
    truth: list[str] = []
    for w in page.get("results", []):
        authors = []
        for a in w.get("authorships") or []:
            name = a.get("raw_author_name") or (a.get("author") or {}).get("display_name")
            aid = (a.get("author") or {}).get("id")
            if not name or not aid:
                continue
            authors.append(RawAuthor(name))
            truth.append(str(aid).removeprefix(_OPENALEX))
        recs.append(Record(w.get("title") or w["id"], authors, f"openalex:{w['id']}",
                           w.get("publication_year"), ids={"openalex": w["id"]}))
    return recs, truth


def dblp_initials_records(
    records: Sequence[Record], aliases: Sequence[tuple[str, str]] = (),
) -> tuple[list[Record], list[str], list[str]]:
    """dblp records stripped of ids (``evaluate.dblp_truth``), every second one with its authors
    printed as initials; per mention the strict truth (dblp persons) and the dblp name without
    its homonym number, by its letters (stripped, "Da Yan 0001" and "Da Yan 0002" are one
    string, which joins as identical strings do: that is not an initials join going wrong);
    ``aliases`` (dblp's alias table, ``alias_eval.load_aliases``) makes an alias the name it is
    an alias of ("Mahmut T. Kandemir" -> "Mahmut Taylan Kandemir")."""
    t = dblp_truth(records)
    out = [
        replace(rec, authors=[RawAuthor(initials_of(a.name)) for a in rec.authors])
        if i % 2 else rec
        for i, rec in enumerate(t.records)
    ]
    canon = dict(aliases)
    return out, t.strict, [_letters(dblp_base(canon.get(n, n))[0]) for n in t.names]


def _letters(name: str) -> str:
    """A name's letters, folded ("Wen-mei W. Hwu" and "Wen-Mei W. Hwu" are one dblp person)."""
    return "".join(c for c in unidecode(name).lower() if c.isalpha())


def score(
    records: Sequence[Record],
    truth: Sequence[Hashable],
    names: Sequence[Hashable] | None = None,
) -> dict[str, Any]:
    """Precision and recall of the initials joins graphsvc makes on ``records`` (see the module
    docstring), with examples of wrong joins; with ``names`` (per mention, the name the truth
    knows it by), also the precision counting a join right when the names agree."""
    mentions = [(r, a) for r in records for a in r.authors]
    got = resolve_mentions(records)
    parsed = [parse_name(a.name) for _r, a in mentions]
    init = [p.initials_only for p in parsed]
    # full names of one spelling join without evidence (rule 2): they link evidence chains
    spell = [None if p.initials_only else p.spell for p in parsed]
    by_author: dict[int, list[int]] = defaultdict(list)
    by_person: dict[Hashable, list[int]] = defaultdict(list)
    for i, g in enumerate(got):
        if g is not None:
            by_author[g].append(i)
        by_person[truth[i]].append(i)
    joined = correct = same_name = 0
    wrong: list[tuple[str, str]] = []
    for members in by_author.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if not (init[i] or init[j]):
                    continue
                joined += 1
                same_name += names is not None and names[i] == names[j]
                if truth[i] == truth[j]:
                    correct += 1
                elif len(wrong) < 10 and (names is None or names[i] != names[j]):
                    wrong.append((mentions[i][1].name, mentions[j][1].name))
    true_pairs = found = reachable = 0
    people_of = _coauthor_people(mentions, truth)
    for members in by_person.values():
        group = _evidence_groups(members, people_of, spell)
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                if not (init[i] or init[j]) or mentions[i][0] is mentions[j][0]:
                    continue
                true_pairs += 1
                found += got[i] is not None and got[i] == got[j]
                reachable += group[i] == group[j]
    return {
        "mentions": len(mentions),
        "initials_mentions": sum(init),
        "joined_pairs": joined,
        "precision": round(correct / joined, 4) if joined else 1.0,
        **({"precision_names": round(same_name / joined, 4) if joined else 1.0}
           if names is not None else {}),
        "true_pairs": true_pairs,
        "reachable_pairs": reachable,
        "recall": round(found / true_pairs, 4) if true_pairs else 1.0,
        "recall_reachable": round(found / reachable, 4) if reachable else 1.0,
        "wrong_examples": wrong,
    }


def _evidence_groups(
    members: list[int], people_of: list[set[Hashable]], spell: Sequence[str | None]
) -> dict[int, int]:
    """The mentions of one person in groups linked by a shared co-author or one full-name
    spelling (a chain of papers each sharing a co-author or the spelling with the next): the
    joins evidence can reach."""
    parent = {m: m for m in members}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    seen: dict[Hashable, int] = {}
    for m in members:
        for p in (*people_of[m], *((("spell", spell[m]),) if spell[m] else ())):
            if p in seen:
                parent[find(m)] = find(seen[p])
            else:
                seen[p] = m
    return {m: find(m) for m in members}


def _coauthor_people(
    mentions: Sequence[tuple[Record, RawAuthor]], truth: Sequence[Hashable]
) -> list[set[Hashable]]:
    """For every mention, the true people among the other authors of its paper."""
    out: list[set[Hashable]] = []
    start = 0
    while start < len(mentions):
        rec = mentions[start][0]
        end = start
        while end < len(mentions) and mentions[end][0] is rec:
            end += 1
        people = [truth[k] for k in range(start, end)]
        for k in range(start, end):
            out.append({p for n, p in enumerate(people) if n != k - start})
        start = end
    return out
