"""Identity measured on dblp's alias table: pairs of name strings dblp knows to be one person.

``bench/identity.py`` prints the table; ``tests/test_identity_eval.py`` runs it on a sample.
Each row ``alias,name`` of the table is resolved by the real ingest pipeline:

* as two papers with different co-authors (no evidence), then as two papers sharing one
  co-author; a pair is *joined* when both strings land on one author. Pairs that may not share
  a store (a word in common) are resolved in different stores, so each pair is judged alone;
* the pairs kept apart without evidence are looked up in the ``duplicates`` listing;
* recall without evidence is also given over the pairs of which neither side is an
  initials-only form (``initials_form``): "P. Mangalraj" / "Mangalraj P." is a word order, but
  two initials-only strings join only with evidence even when they are identical;
* every string of the table goes into one store (each on its own paper with its own
  co-author), and the authors are scored by pairwise precision against dblp's persons; an
  author holding two homonym numbers of one dblp name ("Wei Wang 0069" and "Wei Wang 0156") is
  a wrong merge whatever else.

Each pair is put into one category by how its strings differ (``category``), computed from
the strings without graphsvc's name parser: the targets of each category differ.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unidecode import unidecode

from graphsvc.identity.compare import dblp_base
from graphsvc.model import RawAuthor, Record
from graphsvc.names import nicknames

SPELLING = "accents/case/punctuation"
HYPHEN = "hyphen/space"
ORDER = "word order"
MIDDLE = "middle name"
NICKNAME = "nickname"
INITIALS = "initials"
OTHER = "other"
#: the categories in the order they are printed; the first three are pure spelling
CATEGORIES = (SPELLING, HYPHEN, ORDER, MIDDLE, NICKNAME, INITIALS, OTHER)

_WORD = re.compile(r"[a-z0-9]+")


def load_aliases(path: Path) -> list[tuple[str, str]]:
    """``(alias, name)`` rows of an alias table (CSV with an ``alias,name`` header, gzip or not)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    if rows and rows[0] == ["alias", "name"]:
        rows = rows[1:]
    return [(r[0], r[1]) for r in rows if len(r) >= 2 and r[0] and r[1]]


def words(s: str) -> list[str]:
    """The words of a name, folded; the dblp homonym number dropped, bracketed words kept.

    Examples
    --------
    >>> words("Yan (Michael) Zhang"), words("Ze-Hao Wu 0002"), words("Seán O'Brien")
    (['yan', 'michael', 'zhang'], ['ze', 'hao', 'wu'], ['sean', 'obrien'])
    """
    base = dblp_base(s)[0]
    return _WORD.findall(unidecode(base).lower().replace("'", "").replace("’", ""))


_LETTERS = re.compile(r"[^\W\d_]+")
_CAPS_INITIALS = re.compile(r"[B-DF-HJ-NP-TV-Z]{2,3}")


def initials_form(s: str) -> bool:
    """Whether a name is written as initials and one name without a dblp homonym number
    ("P. Mangalraj", "Mangalraj P.", "Aditya MVS"): two such strings say as little as two
    equal initials-only strings, which join only with evidence (issue 15 item 4), so the
    spelling rows also report their recall without these pairs.

    Examples
    --------
    >>> initials_form("P. Mangalraj"), initials_form("Aditya MVS"), initials_form("Wei LI")
    (True, True, False)
    >>> initials_form("Venkanna U 0001"), initials_form("Daniel A. Connors")
    (False, False)
    """
    base, num = dblp_base(s)
    if num is not None:
        return False
    toks = _LETTERS.findall(base)
    short = sum(1 for t in toks if len(t) == 1 or _CAPS_INITIALS.fullmatch(t))
    return len(toks) >= 2 and short == len(toks) - 1


def _cyclic(a: str, b: str) -> bool:
    return len(a) == len(b) and a in b + b


def category(a: str, b: str) -> str:
    """How two spellings of one person differ (see ``CATEGORIES``).

    Examples
    --------
    >>> category("Taulant Kërçi", "Taulant Kerci"), category("Ze-Hao Wu", "Zehao Wu")
    ('accents/case/punctuation', 'hyphen/space')
    >>> category("Vu Quoc Tuan", "Quoc Tuan Vu"), category("Daniel A. Connors", "Daniel Connors")
    ('word order', 'middle name')
    >>> category("Ken Smith", "Kenneth Smith"), category("N. Behzadi", "Naghi Behzadi")
    ('nickname', 'initials')
    >>> category("Quentin (Gad) Jones", "Quentin Jones")
    'nickname'
    """
    wa, wb = words(a), words(b)
    if wa == wb:
        return SPELLING
    ja, jb = "".join(wa), "".join(wb)
    if ja == jb:
        return HYPHEN
    if sorted(wa) == sorted(wb) or _cyclic(ja, jb):
        return ORDER
    if not wa or not wb:
        return OTHER
    if "(" in a + b or '"' in a + b:
        return NICKNAME
    if wa[-1] != wb[-1]:
        return OTHER
    fa, fb = wa[0], wb[0]
    if fa == fb:
        return MIDDLE
    if len(fa) == 1 or len(fb) == 1:
        return INITIALS if (fa[0] == fb[0]) else OTHER
    short, long_ = sorted((fa, fb), key=len)
    if nicknames.related(fa, fb) or (len(short) >= 3 and long_.startswith(short)):
        return NICKNAME
    return OTHER


# -- resolving ------------------------------------------------------------------------------------
def _coauthor(n: int) -> RawAuthor:
    """A co-author name no real name shares a word with (base-26 letters)."""
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(97 + r) + s
    return RawAuthor(f"Qq Zzx{s}q")


def _mention(name: str) -> RawAuthor:
    """A mention as dblp prints it: a numbered name carries its dblp id (a hard id)."""
    return RawAuthor(name, ids={"dblp": name}) if dblp_base(name)[1] else RawAuthor(name)


def shards(pairs: Sequence[tuple[str, str]]) -> list[list[int]]:
    """Indexes of ``pairs`` in groups whose pairs share no word (longer than one letter), so that
    the pairs of one group cannot meet in one store (first fit, in order)."""
    used: dict[str, set[int]] = defaultdict(set)
    out: list[list[int]] = []
    for i, (a, b) in enumerate(pairs):
        toks = {w for w in (*words(a), *words(b)) if len(w) > 1}
        taken = set().union(*(used[t] for t in toks)) if toks else set()
        s = 0
        while s in taken:
            s += 1
        if s == len(out):
            out.append([])
        out[s].append(i)
        for t in toks:
            used[t].add(s)
    return out


@dataclass
class AliasReport:
    """Per category: pairs, joined without / with a shared co-author, misses listed by
    ``duplicates``; plus the one-store precision figures and examples of misses."""

    rows: dict[str, dict[str, int]] = field(default_factory=dict)
    missed: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    precision: dict[str, Any] = field(default_factory=dict)

    def table(self) -> list[dict[str, Any]]:
        out = []
        for cat in CATEGORIES:
            r = self.rows.get(cat)
            if not r or not r["pairs"]:
                continue
            miss = r["pairs"] - r["alone"]
            out.append({
                "category": cat,
                "pairs": r["pairs"],
                "recall": round(r["alone"] / r["pairs"], 4),
                "full_pairs": r["full"],
                "recall_full": round(r["full_alone"] / r["full"], 4) if r["full"] else 1.0,
                "recall_shared": round(r["shared"] / r["pairs"], 4),
                "misses_listed": round(r["listed"] / miss, 4) if miss else 1.0,
            })
        return out


def _resolve(records: list[Record]) -> tuple[Any, list[int | None]]:
    from graphsvc.identity.evaluate import _CapturingIngestor
    from graphsvc.store.sqlite import SQLiteStore

    store = SQLiteStore(Path(":memory:"))
    ing = _CapturingIngestor(store)
    for rec in records:
        ing.add(rec)
    ing.flush()
    return store, ing.final([id(a) for rec in records for a in rec.authors])


def _pair_records(pairs: Sequence[tuple[str, str]], idx: list[int], shared: bool) -> list[Record]:
    recs = []
    for i in idx:
        a, b = pairs[i]
        co1, co2 = _coauthor(2 * i), _coauthor(2 * i + (0 if shared else 1))
        recs.append(Record(f"alias {i} a", [_mention(a), co1], f"alias:{i}a", 2001,
                           ids={"ref": f"{i}a"}))
        recs.append(Record(f"alias {i} b", [_mention(b), co2], f"alias:{i}b", 2002,
                           ids={"ref": f"{i}b"}))
    return recs


def evaluate_aliases(pairs: Sequence[tuple[str, str]], *, examples: int = 8) -> AliasReport:
    """Recall per category (with and without a shared co-author) and ``duplicates`` coverage of
    the misses (see the module docstring)."""
    from graphsvc.identity.duplicates import find_duplicates

    rep = AliasReport()
    cats = [category(a, b) for a, b in pairs]
    for cat in CATEGORIES:
        rep.rows[cat] = {"pairs": 0, "alone": 0, "shared": 0, "listed": 0, "full": 0,
                         "full_alone": 0}
        rep.missed[cat] = []
    full = [not (initials_form(a) or initials_form(b)) for a, b in pairs]
    for c, f in zip(cats, full, strict=True):
        rep.rows[c]["pairs"] += 1
        rep.rows[c]["full"] += f
    for idx in shards(pairs):
        for shared in (False, True):
            store, got = _resolve(_pair_records(pairs, idx, shared))
            listed: set[tuple[int, int]] = set()
            if not shared:
                dup = find_duplicates(store, limit=10**9)
                listed = {(p["a"]["id"], p["b"]["id"]) for p in dup["pairs"]}
            store.close()
            for k, i in enumerate(idx):
                x, y = got[4 * k], got[4 * k + 2]
                row = rep.rows[cats[i]]
                if x is not None and x == y:
                    row["shared" if shared else "alone"] += 1
                    row["full_alone"] += not shared and full[i]
                elif not shared:
                    if x is not None and y is not None and (min(x, y), max(x, y)) in listed:
                        row["listed"] += 1
                    elif len(rep.missed[cats[i]]) < examples:
                        rep.missed[cats[i]].append(pairs[i])
    return rep


def one_store_precision(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Every string of the table on its own paper in one store: pairwise precision of the
    authors against dblp's persons, and the authors holding two homonym numbers of one name."""
    person: dict[str, str] = {}
    for a, b in pairs:
        person.setdefault(b, b)
        person.setdefault(a, b)
    strings = sorted(person)
    recs = [Record(f"string {i}", [_mention(s), _coauthor(i)], f"strings:{i}", 2001,
                   ids={"ref": str(i)}) for i, s in enumerate(strings)]
    store, got = _resolve(recs)
    store.close()
    clusters: dict[int, list[str]] = defaultdict(list)
    for i, s in enumerate(strings):
        aid = got[2 * i]
        if aid is not None:
            clusters[aid].append(s)
    joined = correct = 0
    wrong: list[tuple[str, str]] = []
    homonyms: list[tuple[str, str]] = []
    for members in clusters.values():
        if len(members) < 2:
            continue
        people = Counter(person[s] for s in members)
        joined += math.comb(len(members), 2)
        correct += sum(math.comb(n, 2) for n in people.values())
        if len(people) > 1 and len(wrong) < 20:
            wrong.append(tuple(sorted(people)[:2]))  # type: ignore[arg-type]
        numbered: dict[str, set[str]] = defaultdict(set)
        for p in people:
            base, num = dblp_base(p)
            if num is not None:
                numbered[base].add(num)
        homonyms += [(b, ",".join(sorted(n))) for b, n in numbered.items() if len(n) > 1]
    return {
        "strings": len(strings), "people": len(set(person.values())),
        "authors": len(clusters), "joined_pairs": joined,
        "precision": round(correct / joined, 5) if joined else 1.0,
        "homonym_merges": len(homonyms), "homonym_examples": homonyms[:10],
        "wrong_examples": wrong,
    }


def sample(pairs: Iterable[tuple[str, str]], every: int) -> list[tuple[str, str]]:
    """Every ``every``-th pair (a deterministic sample for quick runs and tests)."""
    return [p for i, p in enumerate(pairs) if i % every == 0]
