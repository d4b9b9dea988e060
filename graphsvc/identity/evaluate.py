"""Identity quality, measured: pairwise and B-cubed scores of author resolution on labelled data.

Two labelled sets (``bench/identity.py`` prints both; ``tests/test_identity_eval.py`` asserts the
targets):

* dblp records, whose person names are the truth: one dblp name string is one person, and
  strings sharing an ORCID are one person. The homonym numbers, the dblp person ids and the
  ORCIDs are stripped, the records are resolved by the real ingest pipeline, and every author
  mention's resolved author is compared with its true person;
* labelled pairs of real name variants (``tests/data/identity/variant_pairs.tsv``): each pair is
  resolved in a fresh store, once on two papers with no co-author in common and once on two
  papers sharing a co-author, and counts as joined when both names land on one author.

Baselines run on the same mentions: ``exact string`` (one spelling, one person), ``family +
first initial`` (the classic blocking key) and ``match key`` (graphsvc's key alone).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from unidecode import unidecode

from graphsvc.identity.compare import dblp_base
from graphsvc.identity.resolver import Resolved
from graphsvc.ingest import Ingestor
from graphsvc.model import RawAuthor, Record
from graphsvc.names import ParsedName, parse_name

#: kinds of a labelled pair that are pure spelling variants (the recall target applies to them)
SPELLING = frozenset({"tex", "accent", "case", "order", "punctuation", "particle"})


@dataclass(frozen=True, slots=True)
class Scores:
    """Clustering scores of predicted labels against true labels, one label per mention."""

    mentions: int
    people: int
    clusters: int
    pairwise_precision: float
    pairwise_recall: float
    bcubed_precision: float
    bcubed_recall: float

    @property
    def pairwise_f1(self) -> float:
        return _f1(self.pairwise_precision, self.pairwise_recall)

    @property
    def bcubed_f1(self) -> float:
        return _f1(self.bcubed_precision, self.bcubed_recall)

    def as_dict(self) -> dict[str, Any]:
        return {
            "mentions": self.mentions,
            "people": self.people,
            "clusters": self.clusters,
            "pairwise_precision": round(self.pairwise_precision, 4),
            "pairwise_recall": round(self.pairwise_recall, 4),
            "pairwise_f1": round(self.pairwise_f1, 4),
            "bcubed_precision": round(self.bcubed_precision, 4),
            "bcubed_recall": round(self.bcubed_recall, 4),
            "bcubed_f1": round(self.bcubed_f1, 4),
        }


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def scores(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> Scores:
    """Pairwise precision/recall (over mention pairs) and B-cubed precision/recall.

    Examples
    --------
    >>> s = scores(["a", "a", "a", "b"], [1, 1, 2, 2])
    >>> round(s.pairwise_precision, 3), round(s.pairwise_recall, 3)
    (0.333, 0.5)
    >>> round(s.bcubed_precision, 3), round(s.bcubed_recall, 3)
    (0.667, 0.75)
    """
    if len(predicted) != len(truth):
        raise ValueError("one predicted label per true label")
    cell = Counter(zip(predicted, truth, strict=True))
    size_p = Counter(predicted)
    size_t = Counter(truth)
    tp = sum(math.comb(n, 2) for n in cell.values())
    pp = sum(math.comb(n, 2) for n in size_p.values())
    tt = sum(math.comb(n, 2) for n in size_t.values())
    n = len(truth) or 1
    bp = sum(c * c / size_p[p] for (p, _t), c in cell.items()) / n
    br = sum(c * c / size_t[t] for (_p, t), c in cell.items()) / n
    return Scores(
        mentions=len(truth),
        people=len(size_t),
        clusters=len(size_p),
        pairwise_precision=tp / pp if pp else 1.0,
        pairwise_recall=tp / tt if tt else 1.0,
        bcubed_precision=bp,
        bcubed_recall=br,
    )


# -- resolving mentions with the real pipeline ----------------------------------------------------
class _CapturingIngestor(Ingestor):
    """The ingest pipeline, remembering which author each mention object was resolved to."""

    def __init__(self, store: Any) -> None:
        super().__init__(store, batch_size=1_000_000)
        self.resolved: dict[int, int] = {}

    def _accept(self, *args: Any, **kwargs: Any) -> None:
        # every accepted mention passes here as (index, raw author, …, its Resolved, …); only
        # those two are read, so the ingest may change the rest of the signature
        raw = args[1]
        res = next(a for a in (*args, *kwargs.values()) if isinstance(a, Resolved))
        self.resolved[id(raw)] = res.author_id
        super()._accept(*args, **kwargs)

    def final(self, mentions: list[int]) -> list[int | None]:
        """The author of every mention (by ``id``) once the run's late joins are made, as
        ``ingest`` ends a run (``identity.late_joins``)."""
        from graphsvc.identity.late_joins import follow, late_joins

        joined = late_joins(self.store)
        got = [self.resolved.get(m) for m in mentions]
        return [None if g is None else follow(joined, g) for g in got]


def resolve_mentions(records: Sequence[Record], store: Any | None = None) -> list[int | None]:
    """The author every mention of ``records`` resolves to (in record and mention order), by
    ingesting them into ``store`` (a fresh in-memory embedded store by default)."""
    own = store is None
    if store is None:
        from graphsvc.store.sqlite import SQLiteStore

        store = SQLiteStore(Path(":memory:"))
    try:
        ing = _CapturingIngestor(store)
        for rec in records:
            ing.add(rec)
        ing.flush(last=True)
        return ing.final([id(a) for rec in records for a in rec.authors])
    finally:
        if own:
            store.close()


# -- dblp ground truth ----------------------------------------------------------------------------
@dataclass
class DblpTruth:
    """dblp records with author ids (and homonym numbers) stripped, and the truth per mention.

    ``strict``: one dblp name string is one person, strings sharing an ORCID are one person.
    ``spelling``: besides, strings with the same letters (accents, case, hyphens and spaces
    aside) and the same homonym number are one person: dblp numbers homonyms across such
    spellings ("Lirong Zheng 0001" / "Li-Rong Zheng 0001", "Özcan Özturk 0001" / "Ozcan Ozturk
    0001"), so two such strings are one dblp person under two printed forms.
    """

    records: list[Record]
    names: list[str]  # each mention's dblp name (with its homonym number)
    strict: list[str]
    spelling: list[str]
    orcid_links: int = 0
    homonym_names: int = 0


def _letters(name: str) -> str:
    base, num = dblp_base(name)
    return "".join(c for c in unidecode(base).lower() if c.isalpha()) + f"#{num or ''}"


def dblp_truth(records: Iterable[Record], *, keep_numbers: bool = False) -> DblpTruth:
    """Strip dblp person ids, ORCIDs and (unless ``keep_numbers``) homonym numbers; keep the
    truth aside (see ``DblpTruth``).

    Papers keep their dblp keys (paper identity is not under test) but lose DOIs and other ids,
    so that no two records become one paper and every mention is resolved.
    """
    kept: list[Record] = []
    names: list[str] = []
    orcids: list[str | None] = []
    for rec in records:
        authors = []
        for a in rec.authors:
            names.append(a.ids.get("dblp", a.name))
            orcids.append(a.ids.get("orcid"))
            authors.append(RawAuthor(a.name if keep_numbers else dblp_base(a.name)[0]))
        ids = {"dblp": rec.ids["dblp"]} if "dblp" in rec.ids else {}
        kept.append(replace(rec, authors=authors, ids=ids, doi=None))
    strict = _unite(names, orcids, lambda n: n)
    spelling = _unite(names, orcids, _letters)
    return DblpTruth(
        kept, names, strict, spelling,
        orcid_links=len(set(names)) - len(set(strict)),
        homonym_names=len({n for n in names if dblp_base(n)[1] is not None}),
    )


def _unite(names: list[str], orcids: list[str | None], same: Callable[[str], str]) -> list[str]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[str, str] = {}
    for n, o in zip(names, orcids, strict=True):
        for link in (f"name:{same(n)}", f"orcid:{o}" if o else None):
            if link is None:
                continue
            if link in first:
                parent[find(n)] = find(first[link])
            else:
                first[link] = n
                find(n)
    return [find(n) for n in names]


def merge_precision(
    predicted: Sequence[Hashable], truth: Sequence[Hashable], spellings: Sequence[str]
) -> tuple[float, int]:
    """Precision over the mention pairs a system joined although their spellings differ (its
    merges, as opposed to same-string identity), and how many such pairs there are."""
    cell: Counter[tuple[Hashable, str, Hashable]] = Counter(
        zip(predicted, spellings, truth, strict=True))
    by_pred: dict[Hashable, list[tuple[str, Hashable, int]]] = defaultdict(list)
    for (p, sp, t), n in cell.items():
        by_pred[p].append((sp, t, n))
    good = total = 0
    for rows in by_pred.values():
        if len(rows) < 2:
            continue
        for i, (sa, ta, na) in enumerate(rows):
            for sb, tb, nb in rows[i + 1:]:
                if sa != sb:
                    total += na * nb
                    good += na * nb if ta == tb else 0
    return (good / total if total else 1.0), total


# -- baselines ------------------------------------------------------------------------------------
def _parsed(a: RawAuthor) -> ParsedName:
    return parse_name(a.name, family=a.family, given=a.given, suffix=a.suffix)


def baseline_exact(a: RawAuthor) -> str:
    """One spelling, one person."""
    return a.name


def baseline_initial(a: RawAuthor) -> str:
    """Family name and first initial (folded): the classic blocking key used as identity."""
    p = _parsed(a)
    return f"{p.family_key}|{p.initials[:1]}"


def baseline_key(a: RawAuthor) -> str:
    """graphsvc's match key alone (rule 2 without rules 1 and 3)."""
    return _parsed(a).key or a.name


BASELINES: dict[str, Callable[[RawAuthor], str]] = {
    "exact string": baseline_exact,
    "family + first initial": baseline_initial,
    "match key only": baseline_key,
}


def evaluate_dblp(records: Iterable[Record]) -> dict[str, Any]:
    """Scores of graphsvc and the baselines on dblp records (see the module docstring).

    ``stripped``: homonym numbers, dblp person ids and ORCIDs removed; each system scored
    against both truths, with its merge precision. ``numbered``: only ids and ORCIDs removed
    (how dblp data reaches graphsvc when a source drops the ids).
    """
    recs = list(records)
    out: dict[str, Any] = {}
    for setting, keep in (("stripped", False), ("numbered", True)):
        t = dblp_truth(recs, keep_numbers=keep)
        mentions = [a for rec in t.records for a in rec.authors]
        spellings = [a.name for a in mentions]
        got = resolve_mentions(t.records)
        systems: dict[str, list[Hashable]] = {
            "graphsvc": [g if g is not None else ("unresolved", i) for i, g in enumerate(got)]
        }
        for name, fn in BASELINES.items():
            systems[name] = [fn(a) for a in mentions]
        rows = {}
        for name, pred in systems.items():
            mp, pairs = merge_precision(pred, t.spelling, spellings)
            mps, _ = merge_precision(pred, t.strict, spellings)
            rows[name] = {
                "strict": scores(pred, t.strict),
                "spelling": scores(pred, t.spelling),
                "merge_precision": mp,
                "merge_precision_strict": mps,
                "merge_pairs": pairs,
            }
        out[setting] = {
            "mentions": len(mentions),
            "names": len(set(t.names)),
            "people_strict": len(set(t.strict)),
            "people_spelling": len(set(t.spelling)),
            "orcid_links": t.orcid_links,
            "homonym_names": t.homonym_names,
            "systems": rows,
            "homonym_merges": homonym_merges(systems["graphsvc"], t.names),
        }
    return out


def homonym_merges(predicted: Sequence[Hashable], names: Sequence[str]) -> list[tuple[str, str]]:
    """dblp names with one base and different numbers that ended up on one predicted author."""
    held: dict[Hashable, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for p, n in zip(predicted, names, strict=True):
        base, num = dblp_base(n)
        if num is not None:
            held[p][base].add(n)
    return sorted(
        tuple(sorted(ns))[:2]  # type: ignore[misc]
        for bases in held.values()
        for ns in bases.values()
        if len(ns) > 1
    )


# -- labelled variant pairs -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Pair:
    label: str  # "same" or "different"
    kind: str  # "+"-joined kinds of difference (bench/identity_pairs.py)
    a: str
    b: str
    source: str
    basis: str

    @property
    def kinds(self) -> frozenset[str]:
        return frozenset(self.kind.split("+"))

    @property
    def spelling(self) -> bool:
        """A pure spelling variant: accents, TeX, case, order, punctuation, particles only."""
        return self.label == "same" and self.kinds <= SPELLING


def load_pairs(path: Path) -> list[Pair]:
    """Read a labelled pairs file (tab-separated, ``#`` comments)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, kind, a, b, source, basis = line.split("\t")
        out.append(Pair(label, kind, a, b, source, basis))
    return out


def joined(a: str, b: str, *, shared_coauthor: bool) -> bool:
    """Whether graphsvc resolves ``a`` and ``b`` to one author, on two papers that share a
    co-author (``shared_coauthor``) or not."""
    first = RawAuthor(a)
    second = RawAuthor(b)
    recs = [
        Record("First paper", [first, RawAuthor("Quentin Zyxwabc")], "pairs:1", 2001,
               ids={"ref": "1"}),
        Record("Second paper",
               [second, RawAuthor("Quentin Zyxwabc" if shared_coauthor else "Ursula Vwxyzab")],
               "pairs:2", 2002, ids={"ref": "2"}),
    ]
    got = resolve_mentions(recs)
    return got[0] is not None and got[0] == got[2]


@dataclass
class PairReport:
    """Join rates of labelled pairs, by group."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    wrong: list[tuple[Pair, str]] = field(default_factory=list)


def evaluate_pairs(pairs: Sequence[Pair]) -> PairReport:
    """Recall (``same`` pairs joined) and false joins (``different`` pairs joined), per group,
    for graphsvc (without and with a shared co-author) and the name-only baselines."""
    def initials(p: Pair) -> bool:
        return parse_name(p.a).initials_only or parse_name(p.b).initials_only

    groups: dict[str, list[Pair]] = {
        "same: pure spelling": [p for p in pairs if p.spelling and not initials(p)],
        # an initials-only form says less: it joins only with evidence (resolver rule 3)
        "same: initials-only spelling": [p for p in pairs if p.spelling and initials(p)],
        "same: initials / middle names": [
            p for p in pairs if p.label == "same" and not p.spelling
            and p.kinds & {"initials", "middle", "abbreviation"}
        ],
        "same: other": [
            p for p in pairs if p.label == "same" and not p.spelling
            and not p.kinds & {"initials", "middle", "abbreviation"}
        ],
        "different: similar names": [p for p in pairs if p.label == "different"
                                     and "homonym" not in p.kinds],
        "different: dblp homonyms": [p for p in pairs if "homonym" in p.kinds],
    }
    rep = PairReport()
    for group, members in groups.items():
        if not members:
            continue
        row: dict[str, Any] = {"pairs": len(members)}
        alone = [joined(p.a, p.b, shared_coauthor=False) for p in members]
        together = [joined(p.a, p.b, shared_coauthor=True) for p in members]
        row["graphsvc"] = sum(alone) / len(members)
        row["graphsvc + shared co-author"] = sum(together) / len(members)
        for name, fn in BASELINES.items():
            row[name] = sum(fn(RawAuthor(p.a)) == fn(RawAuthor(p.b)) for p in members) / len(
                members)
        rep.rows[group] = row
        for p, x, y in zip(members, alone, together, strict=True):
            if p.label == "same" and p.spelling and not initials(p) and not x:
                rep.wrong.append((p, "spelling variant kept apart"))
            if p.label == "different" and "homonym" not in p.kinds and y:
                rep.wrong.append((p, "different people joined"))
    return rep
