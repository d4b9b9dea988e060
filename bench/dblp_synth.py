"""A synthetic dblp XML dump of any size, shaped like the real one, for ``bench/scale.py``.

The co-authorship structure is ``bench/synthetic.py``'s (labs, fields, Lotka productivity,
team sizes 1-10 with a consortium tail up to 600 authors); this module dresses it as dblp:

- **Names with collisions.** Given and family names are drawn with Zipf weights from small
  pools (real common names such as "Wei" and "Wang" at the head, syllable names in the tail),
  some with a middle initial, so many people share a name. As dblp does, most people who
  share a name get a homonym number ("Wei Wang 0042"); in a tenth of the groups they stay one
  undisambiguated name. Non-ASCII letters are written as the DTD's named entities
  (``M&uuml;ller``), as in the real dump, which declares ISO-8859-1 and ``dblp.dtd``.
- **ORCIDs** (valid check digits) on about 12 % of the people, on 60 % of their mentions.
- **A few hyperauthored papers** (1,000-3,000 authors, one per ~250,000 records; at least one),
  which keep their authorships but add no co-author edges under the default team-size cap.
- **Records** as dblp writes them: ``article``/``inproceedings`` with ``key`` and ``mdate``,
  title (ending in a period), pages, year, journal or booktitle, ``ee`` (DOI for ~65 %, arXiv
  for ~8 %), crossref, url; a few titles repeat ("Editorial", "Preface") under different keys.
- **Order.** Every paper that brings a person in for the first time comes first (shuffled),
  then the papers of people already seen (shuffled): past ``first_part`` records the set of
  authors stops growing, so an ingest's memory from there on should stay flat.

Everything is seeded; the same arguments give the same bytes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from html.entities import codepoint2name
from pathlib import Path
from typing import TextIO

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import generate  # noqa: E402

HEADER = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n'
          '<!DOCTYPE dblp SYSTEM "dblp.dtd">\n<dblp>\n')
FOOTER = "</dblp>\n"

_GIVEN_HEAD = ["Wei", "Li", "Jun", "Yang", "Lei", "Jing", "Hui", "Yan", "Xin", "Ming", "Michael",
               "David", "John", "Peter", "Thomas", "Daniel", "Andreas", "Maria", "Anna", "Sara",
               "José", "Jürgen", "François", "Søren", "Zoë", "Hiroshi", "Takashi", "Kenji",
               "Yuki", "Ali", "Mohammed", "Ahmed", "Raj", "Amit", "Priya", "Sanjay", "Olga",
               "Sergey", "Ivan", "Luca", "Marco", "Giulia", "Pablo", "Carlos", "Ana", "Ji-Hoon",
               "Min-Jun", "Seo-yeon", "Hélène", "Łukasz"]
_FAMILY_HEAD = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
                "Xu", "Sun", "Kim", "Lee", "Park", "Nguyen", "Tanaka", "Suzuki", "Sato", "Smith",
                "Müller", "Schmidt", "Schneider", "García", "Rodríguez", "Martínez", "Rossi",
                "Kumar", "Singh", "Sharma", "Ivanov", "Kowalski", "Nowak", "Silva", "Santos",
                "Gonçalves", "Dubois", "Lefèvre", "van der Berg", "de Vries", "O'Brien",
                "Ó Súilleabháin", "Yılmaz", "Öztürk", "Jensen", "Hansen", "Johansson",
                "Brown", "Jones", "Miller"]
_ONSETS = ["", "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch",
           "sh", "th", "kr", "st"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ei", "ou", "é", "ü"]
_CODAS = ["", "", "n", "r", "s", "l", "m", "k"]
_WORDS = ["adaptive", "scalable", "distributed", "parallel", "sparse", "robust", "efficient",
          "secure", "private", "learned", "approximate", "incremental", "concurrent", "verified",
          "optimal", "online", "streaming", "federated", "quantum", "probabilistic"]
_NOUNS = ["graphs", "transactions", "schedulers", "caches", "compilers", "kernels", "queries",
          "networks", "proofs", "protocols", "embeddings", "indexes", "solvers", "models",
          "systems", "algorithms", "languages", "sensors", "markets", "images"]
_LINKS = ["for", "of", "in", "with", "under", "using", "on", "via"]
_REPEATED_TITLES = ["Editorial", "Preface", "Introduction", "Guest Editorial",
                    "Introduction to the Special Issue", "Message from the Chairs"]
_JOURNALS = [f"J{i}" for i in range(400)]
_CONFS = [f"c{i}" for i in range(800)]


@dataclass
class Dump:
    """What was written: sizes, and where the author set stopped growing."""

    records: int
    authors: int
    people: int
    authorships: int
    first_part: int
    hyper: int
    max_team: int
    bytes: int


def _syllables(rng: np.random.Generator, count: int, lo: int, hi: int) -> list[str]:
    out: set[str] = set()
    while len(out) < count:
        k = int(rng.integers(lo, hi + 1))
        word = "".join(_ONSETS[rng.integers(len(_ONSETS))] + _VOWELS[rng.integers(len(_VOWELS))]
                       + _CODAS[rng.integers(len(_CODAS))] for _ in range(k))
        if 3 <= len(word) <= 14:
            out.add(word.capitalize())
    return sorted(out)


def _zipf_pick(rng: np.random.Generator, pool: int, size: int, s: float) -> np.ndarray:
    p = 1.0 / np.arange(1, pool + 1) ** s
    return rng.choice(pool, size=size, p=p / p.sum())


def _xml_text(s: str) -> str:
    """``s`` as dblp writes text: XML-escaped, non-ASCII letters as named entities."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if s.isascii():
        return s
    return "".join(c if ord(c) < 128 else f"&{codepoint2name[ord(c)]};" if ord(c) in
                   codepoint2name else f"&#{ord(c)};" for c in s)


def _orcid(n: int) -> str:
    """A valid ORCID iD (ISO 7064 11,2 check digit) for the 15-digit number ``n``."""
    digits = f"{n:015d}"
    total = 0
    for d in digits:
        total = (total + int(d)) * 2
    check = (12 - total % 11) % 11
    s = digits + ("X" if check == 10 else str(check))
    return f"{s[0:4]}-{s[4:8]}-{s[8:12]}-{s[12:16]}"


def author_names(n: int, rng: np.random.Generator) -> tuple[list[str], int]:
    """``n`` dblp author strings (homonyms numbered as dblp does) and how many distinct people
    they name (people in an unnumbered group share one string)."""
    given = _GIVEN_HEAD + _syllables(rng, 1500, 1, 2)
    family = _FAMILY_HEAD + _syllables(rng, max(3000, n // 60), 2, 3)
    g = _zipf_pick(rng, len(given), n, 0.9)
    f = _zipf_pick(rng, len(family), n, 0.75)
    middle = np.where(rng.random(n) < 0.15, rng.integers(0, 26, size=n), -1)
    code = (g.astype(np.int64) * len(family) + f) * 27 + middle + 1
    uniq, inverse, counts = np.unique(code, return_inverse=True, return_counts=True)
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.repeat(starts, counts)
    numbered = (counts > 1) & (rng.random(uniq.size) < 0.9)
    names: list[str] = []
    for i, (gi, fi, mi) in enumerate(zip(g.tolist(), f.tolist(), middle.tolist(), strict=True)):
        base = f"{given[gi]} {chr(65 + mi)}. {family[fi]}" if mi >= 0 else \
            f"{given[gi]} {family[fi]}"
        u = int(inverse[i])
        names.append(f"{base} {rank[i] + 1:04d}" if numbered[u] else base)
    people = int(counts[numbered].sum()) + int((~numbered).sum())
    return names, people


def _title(rng_words: np.ndarray, i: int) -> str:
    w = rng_words[i]
    if w[0] < 3:
        return _REPEATED_TITLES[w[1] % len(_REPEATED_TITLES)]
    adj, noun, link, adj2, noun2 = (_WORDS[w[1] % 20], _NOUNS[w[2] % 20], _LINKS[w[3] % 8],
                                    _WORDS[w[4] % 20], _NOUNS[w[5] % 20])
    return f"{adj.capitalize()} {noun} {link} {adj2} {noun2}: case {w[6]}"


def write_dump(out: TextIO, records: int, authors: int, seed: int = 0) -> Dump:
    """Write a dblp XML dump of ``records`` papers over about ``authors`` people to ``out``."""
    rng = np.random.default_rng(seed)
    mem = generate(authors, n_papers=records, seed=seed)
    n, p = mem.n_authors, mem.n_papers
    ptr, members = mem.paper_ptr, mem.paper_members
    n_hyper = max(1, records // 250_000)
    # a collaboration of 1,000-3,000 people, never more than there are (small dumps)
    hyper_sizes = np.minimum(rng.integers(1000, 3001, size=n_hyper), n)
    hyper_start = rng.integers(0, np.maximum(1, n - hyper_sizes + 1))

    names, people = author_names(n, rng)
    has_orcid = rng.random(n) < 0.12
    texts = [_xml_text(s) for s in names]
    del names
    plain = [f"<author>{t}</author>" for t in texts]
    with_orcid = [f'<author orcid="{_orcid(10_000_000 + i * 7919)}">{t}</author>'
                  if o else plain[i] for i, (t, o) in enumerate(zip(texts, has_orcid.tolist(),
                                                                    strict=True))]
    del texts

    # papers that bring someone in first go first; past them the author set stops growing
    team = np.diff(ptr)
    paper_of = np.repeat(np.arange(p), team)
    first_paper = np.full(n, p, dtype=np.int64)
    np.minimum.at(first_paper, members, paper_of)
    intro = np.zeros(p, dtype=bool)
    intro[first_paper[first_paper < p]] = True
    order = np.concatenate([rng.permutation(np.flatnonzero(intro)),
                            rng.permutation(np.flatnonzero(~intro))])
    first_part = int(intro.sum())
    # hyperauthored papers sit in the second part (their people are all known by then)
    hyper_at = set(rng.choice(np.arange(first_part, p + n_hyper), size=n_hyper,
                              replace=False).tolist()) if p > first_part else set()

    year = mem.paper_year
    words = rng.integers(0, 1000, size=(p, 7))
    words[:, 0] = rng.integers(0, 1000, size=p)
    kind = rng.random(p) < 0.45
    venue = rng.integers(0, 800, size=p)
    ee_roll = rng.random(p)
    orcid_roll = rng.random(members.size) < 0.6
    written = authorships = max_team = 0
    size = out.write(HEADER)
    chunk: list[str] = []
    h = 0
    for pos in range(p + n_hyper):
        if pos in hyper_at:
            lo = int(hyper_start[h])
            team_ids = list(range(lo, lo + int(hyper_sizes[h])))
            key, tag, y, v = f"journals/hep/Collab{h}", "article", 2012 + h % 12, "Phys. Lett."
            title, roll = f"Observation of a new boson in run {h}", 0.0
            h += 1
        else:
            i = int(order[pos - h])
            a, b = int(ptr[i]), int(ptr[i + 1])
            team_ids = members[a:b].tolist()
            ys = int(year[i])
            y = ys if ys else 0
            if kind[i]:
                tag, v = "article", _JOURNALS[int(venue[i]) % len(_JOURNALS)]
                key = f"journals/{v.lower()}/P{i}"
            else:
                tag, v = "inproceedings", _CONFS[int(venue[i])].upper()
                key = f"conf/{_CONFS[int(venue[i])]}/P{i}"
            title, roll = _title(words, i), float(ee_roll[i])
        parts = [f'<{tag} mdate="2024-01-{1 + pos % 28:02d}" key="{key}">\n']
        if pos in hyper_at:
            parts.extend(plain[x] + "\n" for x in team_ids)
        else:
            parts.extend((with_orcid[x] if orcid_roll[a + j] else plain[x]) + "\n"
                         for j, x in enumerate(team_ids))
        parts.append(f"<title>{_xml_text(title)}.</title>\n<pages>{pos % 900 + 1}-"
                     f"{pos % 900 + 12}</pages>\n")
        if y:
            parts.append(f"<year>{y}</year>\n")
        parts.append(f"<journal>{v}</journal>\n" if tag == "article" else
                     f"<booktitle>{v}</booktitle>\n")
        if roll < 0.65:
            parts.append(f"<ee>https://doi.org/10.{1000 + pos % 8000}/x{pos}</ee>\n")
        elif roll < 0.73:
            parts.append(f"<ee>https://arxiv.org/abs/{2000 + pos % 2400:04d}.{pos % 99999:05d}"
                         f"</ee>\n")
        parts.append(f"<url>db/{key.rsplit('/', 1)[0]}.html#{pos}</url>\n</{tag}>\n")
        chunk.append("".join(parts))
        written += 1
        authorships += len(team_ids)
        max_team = max(max_team, len(team_ids))
        if len(chunk) >= 20_000:
            size += out.write("".join(chunk))
            chunk.clear()
    size += out.write("".join(chunk) + FOOTER)
    return Dump(written, n, people, authorships, first_part, n_hyper, max_team, size)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--authors", type=int, help="default: records * 3 / 7")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    with open(args.out, "w", encoding="ascii") as fh:
        d = write_dump(fh, args.records, args.authors or args.records * 3 // 7, args.seed)
    print(d)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
