"""Build the labelled name-variant pairs of ``tests/data/identity/variant_pairs.tsv``.

Run once from the repository root (``python bench/identity_pairs.py``); the output is reviewed by
hand and committed, so the tests never read ``../shared/data``. Every pair comes from real data,
with where it was found and why its label holds:

* ``authorship``: two spellings of one authorship in one record: arXiv's raw TeX ``authors``
  string against its ``authors_parsed`` entry, OpenAlex's ``raw_author_name`` against the
  author's ``display_name`` (same person by construction);
* ``orcid``: two dblp name strings carrying the same ORCID (same person by ORCID);
* ``dblp``: two dblp name strings of different dblp persons (different people by dblp);
* ``judged``: spellings of one surname and given name (or the same initials) in one
  bibliography or one year of Paperscape, differing only in accents, TeX, case, punctuation or
  name order (judged the same person; initials pairs the same way, from one user's library).

The ``kind`` column says how the spellings differ (``+``-joined, computed here without
graphsvc's name parser): ``tex``, ``accent``, ``case``, ``order``, ``punctuation``,
``particle`` are pure spelling; ``initials``, ``middle``, ``abbreviation``, ``other`` are not;
``similar`` and ``homonym`` mark negative pairs.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

from unidecode import unidecode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.model import Record  # noqa: E402
from graphsvc.names.parse import PARTICLES, display_form  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
OUT = ROOT / "tests" / "data" / "identity" / "variant_pairs.tsv"
SPELLING = frozenset({"tex", "accent", "case", "order", "punctuation", "particle"})
#: a surname written with this many different sets of initials in one file is "common"
COMMON_FAMILY = 3
#: at most this many pairs of one (label, kind, basis): the list stays small and varied
CAP = 40
_WORD = re.compile(r"[a-z0-9]+")
_PARENS = re.compile(r"\([^()]*\)")
# pairs a reviewer rejected (wrong label or not a name): (name_a, name_b)
REJECTED: set[tuple[str, str]] = {
    # a stray "a"/"a." glued to the name by a broken BibTeX export: not a name variant
    ("a. Atwater, H.", "Atwater, H."),
    ("a. Baski, a.", "Baski, A. A."),
    ("a Dick, Kimberly", "a. Dick, Kimberly"),
    ("a {S{\\'a}nchez-Garc{\\'i}a}, M", "a. {Sanchez-Garcia}, M."),
}


def _words(s: str) -> list[str]:
    return _WORD.findall(unidecode(display_form(s)).lower().replace("'", ""))


def _given_family(s: str) -> tuple[list[str], list[str]]:
    """(given words, family words) by the plain convention: "Family, Given" or last word."""
    d = _PARENS.sub(" ", display_form(s))
    if "," in d:
        fam, _, giv = d.partition(",")
        giv = giv.split(",")[0]
        return _words(giv), _words(fam)
    w = _words(d)
    # glued Paperscape initials "G.K.Savvidy": every word but the last is the given name
    return w[:-1], w[-1:]


def _punct(s: str) -> Counter[str]:
    return Counter(c for c in s if not c.isalnum() and not c.isspace() and c != ",")


def kinds(a: str, b: str) -> str:
    """How two spellings of a name differ (see the module docstring)."""
    out: set[str] = set()
    da, db = display_form(a), display_form(b)
    if ("\\" in a + b or "{" in a + b) and (da != a or db != b):
        out.add("tex")
    ua, ub = unidecode(da), unidecode(db)
    if {c for c in da if ord(c) > 127} != {c for c in db if ord(c) > 127}:
        out.add("accent")
    if ("," in da) != ("," in db):
        out.add("order")
    ca = sorted(re.findall(r"[A-Za-z]+", ua))
    cb = sorted(re.findall(r"[A-Za-z]+", ub))
    if ca != cb and [w.lower() for w in ca] == [w.lower() for w in cb]:
        out.add("case")
    if _punct(ua) != _punct(ub) or (ca == cb and ua.replace(",", "").split()
                                    != ub.replace(",", "").split() and "order" not in out):
        out.add("punctuation")
    ga, fa = _given_family(a)
    gb, fb = _given_family(b)
    if any(w in PARTICLES for w in fa[:-1]) or any(w in PARTICLES for w in fb[:-1]):
        out.add("particle")  # "van der Tak", "Della Sala": particles in the surname
    if ga + fa == gb + fb:
        return "+".join(sorted(out)) or "punctuation"
    if "".join(fa) == "".join(fb) and "".join(ga) == "".join(gb):
        return "+".join(sorted(out | {"punctuation"}))
    if sorted(ga + fa) == sorted(gb + fb) or "".join(sorted(ga + fa)) == "".join(sorted(gb + fb)):
        return "+".join(sorted(out | {"order"}))
    sa = [w for w in ga + fa if w not in PARTICLES]
    sb = [w for w in gb + fb if w not in PARTICLES]
    if sorted(sa) == sorted(sb) or "".join(sa) == "".join(sb):
        return "+".join(sorted(out | {"particle"}))
    if "".join(fa) != "".join(fb):
        return "+".join(sorted(out | {"other"}))
    short, long_ = (ga, gb) if len("".join(ga)) <= len("".join(gb)) else (gb, ga)
    if not short or not long_:
        return "+".join(sorted(out | {"other"}))
    if all(len(w) == 1 for w in short) and [w[0] for w in long_][: len(short)] == short:
        return "+".join(sorted(out | {"initials"}))
    if short[0] == long_[0]:
        return "+".join(sorted(out | {"middle"}))
    if long_[0].startswith(short[0]):
        return "+".join(sorted(out | {"initials" if len(short[0]) == 1 else "abbreviation"}))
    return "+".join(sorted(out | {"other"}))


Row = tuple[str, str, str, str, str, str]  # label, kind, name_a, name_b, source, basis


def _split_raw_authors(s: str) -> list[str]:
    s = " ".join(s.split())
    while _PARENS.search(s):
        s = _PARENS.sub(" ", s)
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", s)
    return [" ".join(p.split()) for p in parts if p.strip()]


def arxiv_pairs() -> Iterator[Row]:
    path = SHARED / "arxiv" / "arxiv-metadata-oai-snapshot.first200.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        raw = _split_raw_authors(obj["authors"])
        parsed = obj.get("authors_parsed") or []
        if len(raw) != len(parsed):
            continue
        for r, p in zip(raw, parsed, strict=True):
            fam, giv = p[0], p[1]
            suf = p[2] if len(p) > 2 else ""
            other = ", ".join(x for x in (fam, giv, suf) if x)
            if r != other and giv:
                yield ("same", kinds(r, other), r, other, f"arxiv:{obj['id']}", "authorship")


def openalex_pairs() -> Iterator[Row]:
    path = SHARED / "openalex" / "openalex-works-page-utrecht.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        doc = json.load(f)
    for work in doc["results"]:
        wid = work["id"].rsplit("/", 1)[-1]
        for ship in work.get("authorships", []):
            raw = (ship.get("raw_author_name") or "").strip()
            shown = ((ship.get("author") or {}).get("display_name") or "").strip()
            if raw and shown and raw != shown:
                yield ("same", kinds(raw, shown), raw, shown, f"openalex:{wid}", "authorship")


def _letters(s: str) -> str:
    return re.sub(r"[^a-z]", "", unidecode(display_form(s)).lower())


def _common_families(names: Counter[str]) -> set[str]:
    """Surnames with several different given names in one file (Chen, Gonzalez, Lee …): two
    spellings of such a name may well be two people, so no pair is judged for them."""
    givens: dict[str, set[str]] = defaultdict(set)
    for n in names:
        giv, fam = _given_family(n)
        givens["".join(fam)].add("".join(w[0] for w in giv))
    return {f for f, g in givens.items() if len(g) >= COMMON_FAMILY}


def _spelling_groups(names: Counter[str], refs: dict[str, str], label: str) -> Iterator[Row]:
    """Spellings of one family and given name (letters only) or one set of initials."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    common = _common_families(names)
    for n in names:
        giv, fam = _given_family(n)
        if not fam or not giv or "".join(fam) in common:
            continue
        groups[("".join(fam), "".join(giv))].append(n)
    for (_fam, _giv), members in sorted(groups.items()):
        if len(members) < 2:
            continue
        members.sort(key=lambda n: (-names[n], n))
        base = members[0]
        for other in members[1:]:
            if (base, other) in REJECTED or (other, base) in REJECTED:
                continue
            yield ("same", kinds(base, other), base, other,
                   f"{label}:{refs[base]} / {refs[other]}", "judged")


def paperscape_pairs() -> Iterator[Row]:
    from graphsvc.sources import read_records

    for year in (1991, 1992, 1993, 1994):
        path = SHARED / "arxiv" / f"paperscape-pscp-{year}.csv.gz"
        names: Counter[str] = Counter()
        refs: dict[str, str] = {}
        for rec in read_records(path, "paperscape"):
            if not isinstance(rec, Record):
                continue
            for a in rec.authors:
                names[a.name] += 1
                refs.setdefault(a.name, f"arxiv:{rec.ids.get('arxiv', rec.source_ref)}")
        yield from _spelling_groups(names, refs, path.name)


def bibtex_pairs() -> Iterator[Row]:
    from graphsvc.sources.base import ReaderOptions
    from graphsvc.sources.bibtex import read_many

    folder = SHARED / "bibtex"
    sets = [[p] for p in sorted(folder.glob("*.bib*"))]
    sets.append(sorted((folder / "systems-freakypenguin").glob("*.bib")))
    for paths in sets:
        names: Counter[str] = Counter()
        refs: dict[str, str] = {}
        initials: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(
            lambda: defaultdict(set))
        for rec in read_many(paths, ReaderOptions()):
            if not isinstance(rec, Record):
                continue
            for a in rec.authors:
                names[a.name] += 1
                refs.setdefault(a.name, rec.source_ref.split("/")[-1])
                giv, fam = _given_family(a.name)
                if giv and fam:
                    initials[("".join(fam), giv[0][0])][a.name].add(rec.source_ref)
        label = paths[0].name if len(paths) == 1 else paths[0].parent.name
        yield from _spelling_groups(names, refs, label)
        # initials against one full given name of the same surname, only when exactly one full
        # given name of that surname and letter exists in the library
        common = _common_families(names)
        for (fam, _first), spell in sorted(initials.items()):
            if fam in common:
                continue
            full = {n for n in spell if any(len(w) > 1 for w in _given_family(n)[0])}
            inits = sorted(n for n in spell if all(len(w) == 1 for w in _given_family(n)[0]))
            if len(full) != 1 or not inits:
                continue
            (f,) = full
            if _given_family(f)[0][0][0] != _given_family(inits[0])[0][0]:
                continue
            i = inits[0]
            if (i, f) in REJECTED:
                continue
            yield ("same", kinds(i, f), i, f, f"{label}:{refs[i]} / {refs[f]}", "judged")


def dblp_pairs() -> Iterator[Row]:
    from graphsvc.names import parse_name
    from graphsvc.sources.dblp import read

    by_orcid: dict[str, set[str]] = defaultdict(set)
    count: Counter[str] = Counter()
    refs: dict[str, str] = {}
    for rec in read(SHARED / "dblp" / "dblp-ppopp-socc.xml.gz"):
        if not isinstance(rec, Record):
            continue
        for a in rec.authors:
            count[a.name] += 1
            refs.setdefault(a.name, rec.ids.get("dblp", rec.source_ref))
            if "orcid" in a.ids:
                by_orcid[a.ids["orcid"]].add(a.name)
    linked: set[frozenset[str]] = set()
    for orcid, names in sorted(by_orcid.items()):
        ordered = sorted(names)
        for other in ordered[1:]:
            linked.add(frozenset((ordered[0], other)))
            yield ("same", kinds(ordered[0], other), ordered[0], other, f"orcid:{orcid}", "orcid")
    # different dblp persons: same base name (homonyms), or same family and first initial
    by_base: dict[str, list[str]] = defaultdict(list)
    by_sig: dict[str, list[str]] = defaultdict(list)
    for n in sorted(count):
        p = parse_name(n)
        if not p.key:
            continue
        by_base[p.key.split("#")[0]].append(n)
        if not p.initials_only and p.homonym is None:
            by_sig[f"{p.family_key}|{p.initials[:1]}"].append(n)
    for _base, names in sorted(by_base.items()):
        numbered = [n for n in names if n[-4:].isdigit()]
        for a, b in zip(numbered, numbered[1:], strict=False):
            if frozenset((a, b)) not in linked and a[-4:] != b[-4:]:
                yield ("different", "homonym", a, b, f"dblp:{refs[a]} / {refs[b]}", "dblp")
    similar = 0
    for _sig, names in sorted(by_sig.items()):
        for a, b in zip(names, names[1:], strict=False):
            ga, gb = _given_family(a)[0], _given_family(b)[0]
            if frozenset((a, b)) in linked or not ga or not gb or ga[0] == gb[0]:
                continue
            similar += 1
            if similar <= 120:
                yield ("different", "similar", a, b, f"dblp:{refs[a]} / {refs[b]}", "dblp")


def _capped(rows: list[Row]) -> list[Row]:
    """At most ``CAP`` rows per (label, kind, basis), spread evenly over the candidates."""
    groups: dict[tuple[str, str, str], list[Row]] = defaultdict(list)
    for r in rows:
        groups[(r[0], r[1], r[5])].append(r)
    keep: set[int] = set()
    for members in groups.values():
        step = max(1, len(members) / CAP)
        keep.update(id(members[int(i * step)]) for i in range(min(CAP, len(members))))
    return [r for r in rows if id(r) in keep]


def main() -> None:
    rows: list[Row] = []
    seen: set[tuple[str, str]] = set()
    for gen in (arxiv_pairs, openalex_pairs, dblp_pairs, paperscape_pairs, bibtex_pairs):
        for row in gen():
            pair = (row[2], row[3])
            if pair in seen or (row[3], row[2]) in seen or row[2] == row[3]:
                continue
            seen.add(pair)
            rows.append(row)
    rows = _capped(rows)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as f:
        f.write("# label\tkind\tname_a\tname_b\tsource\tbasis\n")
        for row in rows:
            f.write("\t".join(x.replace("\t", " ").replace("\n", " ") for x in row) + "\n")
    by = Counter((r[0], r[5]) for r in rows)
    print(f"{len(rows)} pairs written to {OUT.relative_to(ROOT)}: {dict(sorted(by.items()))}")


if __name__ == "__main__":
    main()
