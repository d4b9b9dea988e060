"""Identity measured on dblp's alias table: pairs of name strings dblp knows to be one person.

``bench/identity.py`` prints the table; ``tests/test_identity_eval.py`` runs it on a sample.
Each row ``alias,name`` of the table is resolved by the real ingest pipeline:

* as two papers with different co-authors (no evidence), then as two papers sharing one
  co-author; a pair is *joined* when both strings land on one author. Pairs that may not share
  a store (a word in common) are resolved in different stores, so each pair is judged alone;
* the pairs kept apart without evidence are looked up in the ``duplicates`` listing;
* the spelling categories (accents/case/punctuation, hyphen/space, word order) hold the pairs
  whose strings differ only in what says nothing about the person. Two kinds of pair whose
  words alone would put them there are their own categories, because they do say something:
  an initials-only side ("P. Mangalraj" / "Mangalraj P.", ``initials_form``: two such strings
  join only with a co-author in common even when identical, issue 15 item 4) and different
  dblp homonym numbers ("Mahdi Hashemi 0003" / "Mahdi Hashemi 0001", "Bo Peng 0004" / "Peng Bo
  0001", "Xiaofang Zhao 0001" / "Zhao Xiao-Fang": the number is a hard id saying which person,
  and only dblp's alias table links two of them). ``AliasReport.by_words`` keeps the recall
  of the categories by the words alone, as they were before this split;
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
INITIALS_FORM = "initials-only form"
NUMBERS = "homonym numbers differ"
OTHER = "other"
#: the categories in the order they are printed; the first three are pure spelling
CATEGORIES = (SPELLING, HYPHEN, ORDER, INITIALS_FORM, NUMBERS, MIDDLE, NICKNAME, INITIALS,
              OTHER)
#: the categories whose pairs differ only in what says nothing about the person
PURE_SPELLING = (SPELLING, HYPHEN, ORDER)

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


def _initial(word: str) -> bool:
    """Whether a word of a name is initials: one letter per part ("M.", "I-H.", "E") or two
    or three capital consonants ("MVS", "KS")."""
    parts = _LETTERS.findall(word)
    return bool(parts) and (all(len(t) == 1 for t in parts) or (
        len(parts) == 1 and _CAPS_INITIALS.fullmatch(parts[0]) is not None))


def initials_form(s: str) -> bool:
    """Whether a name without a dblp homonym number is written as initials and one name (a
    hyphenated name is one): "P. Mangalraj", "Mangalraj P.", "Aditya MVS", "E. Romain-Latu".
    Two such strings say as little as two equal initials-only strings, which join only with
    evidence (issue 15 item 4), so such pairs are not counted as pure spelling variants
    (``category``).

    Examples
    --------
    >>> initials_form("P. Mangalraj"), initials_form("Aditya MVS"), initials_form("Wei LI")
    (True, True, False)
    >>> initials_form("E. Romain-Latu"), initials_form("J. Strother Moore")
    (True, False)
    >>> initials_form("Venkanna U 0001"), initials_form("Daniel A. Connors")
    (False, False)
    """
    base, num = dblp_base(s)
    if num is not None:
        return False
    flags = [_initial(w) for w in base.split() if _LETTERS.search(w)]
    return len(flags) >= 2 and flags.count(False) == 1


def _cyclic(a: str, b: str) -> bool:
    return len(a) == len(b) and a in b + b


def category(a: str, b: str) -> str:
    """How two spellings of one person differ (see ``CATEGORIES``): ``words_category``, except
    that a pure spelling pair with different homonym numbers, or with an initials-only side,
    is a category of its own (see the module docstring).

    Examples
    --------
    >>> category("Mangalraj P.", "P. Mangalraj"), category("Bo Peng 0004", "Peng Bo 0001")
    ('initials-only form', 'homonym numbers differ')
    >>> category("Vu Quoc Tuan", "Quoc Tuan Vu"), category("Wei Liu 0001", "Wei Liu 0001")
    ('word order', 'accents/case/punctuation')
    """
    cat = words_category(a, b)
    if cat not in PURE_SPELLING:
        return cat
    if dblp_base(a)[1] != dblp_base(b)[1]:
        return NUMBERS
    if initials_form(a) or initials_form(b):
        return INITIALS_FORM
    return cat


def words_category(a: str, b: str) -> str:
    """How the words of two spellings of one person differ.

    Examples
    --------
    >>> words_category("Taulant Kërçi", "Taulant Kerci"), category("Ze-Hao Wu", "Zehao Wu")
    ('accents/case/punctuation', 'hyphen/space')
    >>> words_category("Vu Quoc Tuan", "Quoc Tuan Vu")
    'word order'
    >>> words_category("Daniel A. Connors", "Daniel Connors")
    'middle name'
    >>> words_category("Ken Smith", "Kenneth Smith"), category("N. Behzadi", "Naghi Behzadi")
    ('nickname', 'initials')
    >>> words_category("Quentin (Gad) Jones", "Quentin Jones")
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
    #: the pure spelling categories by the words alone (``words_category``, with the
    #: initials-only and homonym-number pairs in them): pairs, joined without evidence
    by_words: dict[str, dict[str, int]] = field(default_factory=dict)

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
                "recall_shared": round(r["shared"] / r["pairs"], 4),
                "misses_listed": round(r["listed"] / miss, 4) if miss else 1.0,
            })
        return out

    def words_table(self) -> list[dict[str, Any]]:
        """Recall without evidence of the pure spelling categories by the words alone."""
        return [{"category": cat, "pairs": r["pairs"],
                 "recall": round(r["alone"] / r["pairs"], 4) if r["pairs"] else 1.0}
                for cat, r in self.by_words.items()]


def _resolve(records: list[Record]) -> tuple[Any, list[int | None]]:
    from graphsvc.identity.evaluate import _CapturingIngestor
    from graphsvc.store.sqlite import SQLiteStore

    store = SQLiteStore(Path(":memory:"))
    ing = _CapturingIngestor(store)
    for rec in records:
        ing.add(rec)
    ing.flush(last=True)
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
    worded = [words_category(a, b) for a, b in pairs]
    for cat in CATEGORIES:
        rep.rows[cat] = {"pairs": 0, "alone": 0, "shared": 0, "listed": 0}
        rep.missed[cat] = []
    rep.by_words = {cat: {"pairs": 0, "alone": 0} for cat in PURE_SPELLING}
    for c, w in zip(cats, worded, strict=True):
        rep.rows[c]["pairs"] += 1
        if w in rep.by_words:
            rep.by_words[w]["pairs"] += 1
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
                    if not shared and worded[i] in rep.by_words:
                        rep.by_words[worded[i]]["alone"] += 1
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
