"""Read text captures of publication-list web pages (format "text"): find the author lists.

A saved or pasted page mixes navigation, cookie banners, titles, abstracts and, sometimes,
author lists. Every line is classified by its shape alone (see ``classify``), then two
layouts of a paper are recognised:

- *one author per line*: a title line, then one or more person-name lines, then usually an
  abstract (``Title / Jane Doe / John Smith / Abstract…``);
- *an author list line*: names separated by commas (``A. Doe, B. Roe and C. Poe``), with the
  title on the line before it when there is one (else the record has no title);
- *one citation per line*, as CVs and lab pages list papers ("A, B, and C. Title. Venue
  Year.", ACM, IEEE and APA styles, numbered or not): ``sources.citation`` reads it.

A venue line after an author block ("Nature 393, 440–442, 1998", "Proc. SC (2015)", "PPoPP
2019") gives the record its venue and year.

A line "looks like a person name" when it has 2–6 words that are capitalised words (any
script, hyphens, apostrophes, Gaelic ``hÉ…``), initials, particles (van, de, Ó …) or
suffixes, no digits, no sentence punctuation, and none of a list of words that are common in
page furniture and paper titles but not in names (Cookies, Learning, Networks …). A title
is a short line that is none of the other kinds; an abstract is long prose.

Entries with a title and an abstract but no author names are reported as ``no-authors``
skips; a page where no author list is found at all gives one ``no-author-lists`` skip (at
``<file>:0``) and nothing else, so that an ingest report says so plainly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graphsvc.model import RawAuthor, Record, Skipped
from graphsvc.sources.base import DAMAGED, ReaderOptions, iter_lines, source_name
from graphsvc.sources.citation import parse_citation
from graphsvc.sources.ids import find_year

FORMAT = "text"

#: a longer line is no page text (a data dump, a file without line breaks): it is read as a
#: blank line, which keeps the cost of classifying lines bounded
MAX_PAGE_LINE = 100_000
#: lines are read in windows of about this many lines (cut at a blank line or after an
#: abstract) so that a huge file that is not really a page does not have to fit in memory
WINDOW_LINES = 50_000


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: lower-case particles and prefixes allowed inside a name
PARTICLES = _wordset(
    "van von der den de del della dei degli di da das dos du la le les ter ten te zu zur "
    "af av bin binti ibn al el y e i dit"
)
SUFFIXES = _wordset("jr jr. sr sr. ii iii iv")
#: words common in page furniture and in paper titles that are (almost) never part of a
#: person's name; words that are also names (May, Deep, Rich, You, He, My, Do, Can …) are
#: deliberately absent
NOT_NAME_WORDS = _wordset(
    # page furniture, English and French
    "cookie cookies témoins privacy policy policies settings setting essential analytics "
    "multimedia multimédia player lecteur marketing functional necessary preferences consent "
    "accept reject subscribe newsletter login logout register account menu home search "
    "contact about us news events event blog press careers jobs team people research "
    "publications publication projects project resources tools software data datasets "
    "download downloads share follow read more view all back top next previous page pages "
    "skip content main navigation footer header copyright rights reserved terms conditions "
    "legal notice sitemap faq help support donate apply admissions programs program "
    "programme courses course students student faculty staff alumni partners partner "
    "industry education training community overview highlights featured latest recent "
    "trending popular upcoming past archive archives library labs lab institute university "
    "department school centre center group groups conference workshop seminar symposium "
    "journal proceedings video videos slides poster code paper papers abstract bibtex cite "
    "citation pdf html arxiv github twitter linkedin facebook youtube instagram email open "
    "positions opportunities session information info english français deutsch español "
    "website site online free extension add-on launch learn discover explore watch listen "
    "register registration tickets today tomorrow yesterday week month year "
    "lire plus voir suite accueil recherche actualités événements équipe politique "
    # paper-title vocabulary
    "learning network networks neural model models modeling modelling language languages "
    "reinforcement graph graphs transformer transformers attention optimization "
    "optimisation inference generative adversarial analysis theory theorem algorithm "
    "algorithms system systems method methods approach approaches framework benchmark "
    "benchmarks dataset estimation detection recognition segmentation classification "
    "regression prediction representation representations embedding embeddings vision "
    "computer computing robotics robot robots control agent agents dynamics processing "
    "machine machines intelligence artificial quantum physics chemistry biology science "
    "sciences engineering mathematics statistics statistical probabilistic bayesian causal "
    "stochastic linear nonlinear non-linear convex gradient gradients descent layer layers "
    "function functions kernel kernels sparse efficient scalable robust fairness safety "
    "alignment interpretability generalization generalisation uncertainty adaptive offline "
    "federated distributed parallel retrieval translation speech audio image images text "
    "planning reasoning knowledge semantic visual multimodal diffusion health medical "
    "clinical challenges towards toward beyond via using with without from for the of and "
    "in on at to into over under is are be does what why how which who novel study survey "
    "review introduction tutorial lecture notes chapter volume issue edition solar energy "
    "climate molecular cell cells protein materials"
)
#: whole lines that are page furniture
UI_LINES = frozenset(
    ["new", "more", "less", "read more", "see more", "voir plus", "lire la suite", "show more",
     "show less", "share", "subscribe", "menu", "home", "search", "login", "log in", "sign in",
     "sign up", "accept", "reject", "accept all", "reject all", "close", "ok", "next",
     "previous", "back to top", "pdf", "code", "cite", "bibtex", "abstract", "publications",
     "papers", "news", "events", "contact", "et al."]
)
#: words that make a line page furniture wherever they appear
UI_MARKERS = re.compile(
    r"\bcookies?\b|\btémoins\b|privacy (?:policy|settings|statement)|javascript|newsletter|"
    r"©|all rights reserved|tous droits réservés|alle rechte vorbehalten|terms of (?:use|service)|"
    r"\bsign (?:up|in)\b|\blog ?in\b|\badd-on\b|browser extension|free extension",
    re.IGNORECASE,
)
#: words that make a short line a heading or a role, never a paper title ("Our Team",
#: "PhD Student", "Invited Speakers")
HEADING_WORDS = _wordset(
    "team people members member staff faculty contact contacts speakers speaker organizers "
    "organisers committee board authors author director professor student students phd "
    "postdoc postdoctoral researcher researchers engineer scientist fellow fellows intern "
    "interns assistant associate lecturer manager coordinator chair head dean visiting "
    "emeritus alumni partners sponsors menu navigation footer équipe membres personnes "
    "mitarbeiter mitarbeitende kontakt impressum datenschutz"
)
#: "… (see more)" style truncation left by a listing's "read more" widget
_TRUNCATED = re.compile(r"…\s*\((?:see more|voir plus|read more|more|plus)\)", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z\u00C0-\u024F]")
_VIA = re.compile(r"(?i)^(?:via|source|from)\b")
_MONTH = (
    r"(?:jan(?:uary|vier|uar)?|feb(?:ruary|ruar)?|févr(?:ier)?|mar(?:ch|s)?|märz|apr(?:il)?|"
    r"avr(?:il)?|may|mai|june?|juin|juni|july?|juil(?:let)?|juli|aug(?:ust)?|août|"
    r"sep(?:t(?:ember)?)?|septembre|oct(?:ober|obre)?|okt(?:ober)?|nov(?:ember|embre)?|"
    r"dec(?:ember)?|déc(?:embre)?|dez(?:ember)?)\.?"
)
_DATE = re.compile(
    r"(?i)^(?:\d{4}(?:[-/.]\d{1,2}(?:[-/.]\d{1,2})?)?|\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|"
    rf"(?:\d{{1,2}}\.?\s+)?{_MONTH}(?:\s+\d{{1,2}})?,?(?:\s+\d{{4}})?)$"
)
_NOT_IN_NAME = re.compile(r"[\d:;?!\"()\[\]{}|/\\@#$%&*+=<>_…]")
#: the look-behind makes a search start only where a run of these characters starts: without
#: it a long run that is not at the end ("1 2 3 … x") costs quadratic time
_FOOTNOTE = re.compile(r"(?<![\s\d*†‡§¶,])[\s\d*†‡§¶,]+$")
_INITIALS = re.compile(r"^(?:[^\W\d_]\.?-?){1,3}$")
_TAGS = re.compile(
    r"(?i)^(?:tags?|keywords?|key words|topics?|subjects?|mots[- ]clés|schlagwörter|"
    r"schlüsselwörter)\s*:"
)
_LIST_PREFIX = re.compile(r"(?i)^(?:by|authors?|auteurs?|autor(?:en)?)\s*[:\-–]?\s+")
_ET_AL = re.compile(r"(?i)[,;]?\s*(?:et\s+al\.?|and\s+others|\.\.\.|…)\s*$")
_LIST_AND = re.compile(r"(?i)\s+(?:and|&|und|et)\s+")
_VENUE_YEAR = re.compile(r"(?<![\d/.-])(?:19[5-9]\d|20\d\d)(?![\d/-])")
#: what marks a short line with a year as a venue line rather than a title
_VENUE_MARK = re.compile(
    r"\(\s*(?:19[5-9]\d|20\d\d)\s*\)|\d+\s*[,:(–-]\s*\d|\b(?:vol|pp|no|proc|trans|conf|symp)\.|"
    r"(?i:\b(?:proceedings|journal|conference|symposium|workshop|letters|review|arxiv|press)\b)"
    r"|^(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*['’]?\s*)+(?:19[5-9]\d|20\d\d)\.?$"
)


# -- what a line looks like ----------------------------------------------------------------


def _name_token(tok: str, last: bool) -> str:
    """Kind of one word of a name: ``word``, ``initial``, ``particle``, ``suffix`` or ``""``."""
    low = tok.lower()
    if low in SUFFIXES:
        return "suffix"
    if tok in PARTICLES:
        return "particle"  # capitalised, "Le", "Van", "Da" are words: Quoc V. Le
    if low in NOT_NAME_WORDS:
        return ""
    if _INITIALS.match(tok) and tok.isupper() and (len(tok) <= 2 or "." in tok):
        return "initial"  # P, P., JP, J.-P. (but Yi, He, Md are words)
    core = tok.replace("-", "").replace("'", "").replace("’", "").replace(".", "")
    if not core.isalpha():
        return ""
    first = tok[0]
    if first.isupper():
        if tok.isupper() and len(core) > 1:
            # ALL-CAPS: acronyms (RL, AI) in titles and menus; two letters may be initials
            return "initial" if len(core) == 2 and not last else ""
        if tok.endswith(".") and len(core) > 2:
            return ""  # "Abbrev." is not a name
        return "word"
    # Gaelic and similar lower-case prefixes: hÉigeartaigh, d'Alembert, dell'Orco
    m = re.match(r"^[a-z]{1,4}['’]?(?=[^\W\d_])", tok)
    if m and tok[m.end()].isupper():
        return "word"
    return ""


def looks_like_name(text: str, strict: bool = True) -> bool:
    """Whether ``text`` looks like one person's name.

    ``strict`` (a line on its own) wants trailing initials dotted ("Vincent P."): "Deep RL"
    must not pass; inside an author list "Smith JA" (PubMed style) is accepted.

    Examples
    --------
    >>> [looks_like_name(s) for s in ("Seán Ó hÉigeartaigh", "P Vincent", "Antoni B. Chan",
    ...  "Jean-Pierre de la Fontaine", "Vincent, P.", "He He", "Martin Luther King Jr.")]
    [True, True, True, True, True, True, True]
    >>> [looks_like_name(s) for s in ("Pointer Networks", "Setting cookies", "Mar 14",
    ...  "Multimedia Player", "Demonstration-Regularized RL", "Publications", "Read more")]
    [False, False, False, False, False, False, False]
    """
    text = text.strip()
    if not text or len(text) > 60 or _NOT_IN_NAME.search(text):
        return False
    if "," in text:
        # "Surname, Given" (inverted) is one name; more commas make a list
        parts = [p.strip() for p in text.split(",")]
        if len(parts) == 2 and parts[1] and " " not in parts[0].strip():
            family, given = parts
            return (
                _name_token(family, last=False) == "word"
                and all(_name_token(t, last=False) in ("word", "initial") for t in given.split())
            )
        if len(parts) == 3 and parts[1].lower().rstrip(".") in ("jr", "sr", "ii", "iii"):
            return looks_like_name(f"{parts[0]}, {parts[2]}")
        return False
    tokens = text.split()
    if not 2 <= len(tokens) <= 6:
        return False
    kinds = [_name_token(t, last=i == len(tokens) - 1) for i, t in enumerate(tokens)]
    if "" in kinds:
        return False
    body = [k for k in kinds if k != "suffix"]
    if not body or body[-1] == "particle" or kinds[0] == "suffix":
        return False
    # the family name (last word before suffixes) must be a real word, not an initial,
    # unless the name is written "Surname I." with initials at the end
    last_word = len(body) - 1
    if body[last_word] == "initial":
        if strict and not tokens[len(body) - 1].endswith("."):
            return False
        return body[0] == "word" and body.count("word") == 1 and len(body) <= 3
    return body.count("word") >= 1 and sum(k in ("word", "initial") for k in body) >= 2


def split_author_list(text: str) -> list[str] | None:
    """The names of a comma-separated author line, or ``None`` if it is not one.

    Examples
    --------
    >>> split_author_list("Adam Gleave, Sam Toyer and Stuart Russell")
    ['Adam Gleave', 'Sam Toyer', 'Stuart Russell']
    >>> split_author_list("By J. Doe, Ana María López, et al.")
    ['J. Doe', 'Ana María López']
    >>> split_author_list("Smith, J., Doe, A. B., Roe, R.")
    ['Smith, J.', 'Doe, A. B.', 'Roe, R.']
    >>> split_author_list("Reinforcement Learning, Robotics, Computer Vision") is None
    True
    """
    text = _LIST_PREFIX.sub("", text.strip())
    et_al = False
    m = _ET_AL.search(text)
    if m:
        et_al = True
        text = text[: m.start()]
    sep = ";" if ";" in text else ","
    items: list[str] = []
    for part in text.split(sep):
        part = _FOOTNOTE.sub("", part.strip()).strip()
        if not part:
            continue
        items.extend(p.strip() for p in _LIST_AND.split(part) if p.strip())
    items = [re.sub(r"(?i)^(?:and|&)\s+", "", i) for i in items]
    if sep == "," and len(items) >= 4:
        paired = _pair_inverted(items)
        if paired is not None:
            items = paired
    if len(items) < (1 if et_al else 2):
        return None
    good = sum(looks_like_name(i, strict=False) for i in items)
    if good < max(1 if et_al else 2, 0.8 * len(items)):
        return None
    if any(len(i) > 60 or _NOT_IN_NAME.search(i) for i in items):
        return None
    return items


def _pair_inverted(items: list[str]) -> list[str] | None:
    """``["Smith", "J.", "Doe", "A. B."]`` → ``["Smith, J.", "Doe, A. B."]`` when it fits."""
    if len(items) % 2:
        return None
    out = []
    for family, given in zip(items[0::2], items[1::2], strict=True):
        if not all(_name_token(t, last=False) == "initial" for t in given.split()):
            return None
        out.append(f"{family}, {given}")
    return out


def is_abstract(text: str) -> bool:
    """Long prose: an abstract or a paragraph of a page."""
    if _TRUNCATED.search(text):
        return True
    n = len(text)
    words = len(text.split())
    return (
        n >= 200
        or words > 32
        or (n >= 100 and bool(_SENTENCE_BREAK.search(text)))
        or (words > 20 and text.endswith("."))
    )


def classify(text: str) -> str:
    """Kind of one (stripped, non-empty) line.

    One of ``ui``, ``via``, ``date``, ``name``, ``citation``, ``authors``, ``venue``,
    ``abstract``, ``tags``, ``title``, ``other``.

    Examples
    --------
    >>> [classify(s) for s in ("Via", "Read more", "2025-12-31", "Frank N. Wood",
    ...  "Usman Anwar, Abulhair Saparov, Javier Rando", "A Tale of Tails: Model Collapse",
    ...  "Essential cookies", "byAK and the research community")]
    ['via', 'ui', 'date', 'name', 'authors', 'title', 'ui', 'other']
    """
    low = text.lower()
    if low in UI_LINES:
        return "ui"
    if len(text) < 80 and _VIA.match(text):
        return "via"
    if _DATE.match(text):
        return "date"
    if UI_MARKERS.search(text):
        return "ui"
    if looks_like_name(text):
        return "name"
    if len(text) >= 30 and parse_citation(text) is not None:
        return "citation"
    if ("," in text or _ET_AL.search(text)) and split_author_list(text) is not None:
        return "authors"
    if _is_venue(text):
        return "venue"
    if is_abstract(text):
        return "abstract"
    if _is_tags(text):
        return "tags"
    if _is_title(text):
        return "title"
    return "other"


def _is_venue(text: str) -> bool:
    """A short line with a year that names where a paper appeared.

    Examples
    --------
    >>> [_is_venue(s) for s in ("Nature 393, 440–442, 1998", "Proc. SC (2015)", "PPoPP 2019",
    ...  "Reviews of Modern Physics 74, 47–97 (2002)", "Vision and Mission", "Agenda 2030")]
    [True, True, True, True, False, False]
    """
    return (
        len(text) <= 250
        and _VENUE_YEAR.search(text) is not None
        and _VENUE_MARK.search(text) is not None
    )


def _is_tags(text: str) -> bool:
    """Keywords: ``Tags: a, b`` or three or more short comma-separated phrases."""
    if _TAGS.match(text):
        return True
    items = [i.strip() for i in text.split(",")]
    return len(items) >= 3 and all(
        0 < len(i.split()) <= 4 and not i.split()[0].islower() for i in items
    )


def _is_title(text: str) -> bool:
    words = text.split()
    if not 3 <= len(text) <= 250 or not 2 <= len(words) <= 30:
        return False
    if len(words) <= 4 and any(w.strip(".:,").lower() in HEADING_WORDS for w in words):
        return False
    first = text[0]
    if not (first.isupper() or first.isdigit() or first in "\"'“‘«(["):
        return False
    # several sentences, or one long sentence ending in a full stop, are prose
    return not (text.endswith(".") and (". " in text or len(text.split()) > 20))


# -- pages ------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    no: int
    text: str
    kind: str


def sniff(head: str, name: str) -> int:
    """Any readable text could be a page: the lowest score, so every other format wins.

    Examples
    --------
    >>> sniff("Publications\\nA Title\\nJane Doe\\n", "page.txt"), sniff("\\x00\\x01", "x.bin")
    (1, 0)
    """
    if not head.strip() or "\x00" in head:
        return 0
    return 1


def read(path: Path, options: ReaderOptions | None = None) -> Iterator[Record | Skipped]:
    """Stream the records found on a text page; see the module docstring for the rules."""
    name = source_name(path)
    found = 0
    held: list[Skipped] = []  # no-authors skips wait until the page is known to hold authors
    for window in _windows(path):
        for item in _read_window(window, name):
            if isinstance(item, Record):
                found += 1
                yield from held
                held.clear()
                yield item
            elif found:
                yield item
            else:
                held.append(item)
    if not found:
        yield Skipped(f"{name}:0", "no-author-lists", "no author lists found on this page")


def _until_damage(
    lines: Iterator[tuple[int, str]], damage: list[Exception]
) -> Iterator[tuple[int, str]]:
    """``lines`` up to damaged data (a truncated ``.gz``), whose error goes to ``damage``."""
    try:
        yield from lines
    except DAMAGED as exc:
        damage.append(exc)


def _windows(path: Path) -> Iterator[list[_Line]]:
    """Logical lines (blank lines dropped, wrapped prose joined), in windows.

    Damaged data ends the last window early: its lines are read, then the error is raised.
    """
    window: list[_Line] = []
    prev: _Line | None = None
    prev_no = -1
    damage: list[Exception] = []
    for no, raw in _until_damage(iter_lines(path), damage):
        text = " ".join(raw.split()) if len(raw) <= MAX_PAGE_LINE else ""
        if len(window) >= WINDOW_LINES and (
            not text  # a blank line,
            or (window[-1].kind == "abstract" and not text[0].islower())  # an entry's end,
            or len(window) >= 20 * WINDOW_LINES  # or a file that is no page at all
        ):
            yield window
            window = []
            prev = None
        if not text:
            continue
        # a line that starts in lower case right after a prose line continues it
        if (
            prev is not None
            and no == prev_no + 1
            and text[0].islower()
            and prev.kind not in ("name", "authors", "ui", "via", "date", "tags")
            and not looks_like_name(text)
        ):
            prev.text = f"{prev.text} {text}"
            prev.kind = classify(prev.text)
            prev_no = no
            continue
        prev = _Line(no, text, classify(text))
        prev_no = no
        window.append(prev)
    if window:
        yield window
    if damage:
        raise damage[0]


def _read_window(lines: list[_Line], name: str) -> Iterator[Record | Skipped]:
    owned: set[int] = set()  # indexes of lines that belong to a record
    i, n = 0, len(lines)
    records: list[tuple[int, Record]] = []
    while i < n:
        kind = lines[i].kind
        if kind == "name":
            j = i
            while j < n and lines[j].kind == "name":
                j += 1
            rec = _one_per_line(lines, i, j, name, owned)
            if rec is not None:
                records.append(rec)
            i = j
        elif kind == "authors":
            records.append(_author_line(lines, i, name, owned))
            i += 1
        elif kind == "citation":
            records.append(_citation(lines, i, name, owned))
            i += 1
        else:
            i += 1
    items: list[tuple[int, Record | Skipped]] = list(records)
    for k, line in enumerate(lines):
        if line.kind != "abstract" or k in owned:
            continue
        title_at = k - 1 if k > 0 and lines[k - 1].kind == "title" and k - 1 not in owned else -1
        at = lines[title_at] if title_at >= 0 else line
        what = lines[title_at].text if title_at >= 0 else _snippet(line.text)
        items.append((title_at if title_at >= 0 else k, Skipped(
            f"{name}:{at.no}", "no-authors", f"{what!r}: no author names found"
        )))
    items.sort(key=lambda t: t[0])
    for _, item in items:
        yield item


#: kinds of line that end the entry before: what follows them starts a new one
_ENTRY_ENDS = frozenset({"abstract", "tags", "date", "via", "venue"})


def _one_per_line(
    lines: list[_Line], start: int, end: int, name: str, owned: set[int]
) -> tuple[int, Record] | None:
    """A record from the name lines ``lines[start:end]`` and the title before them."""
    title_at = start - 1
    authors = [ln.text for ln in lines[start:end]]
    if title_at < 0 or lines[title_at].kind != "title" or title_at in owned:
        # no title line before, but the line before ends an entry (its abstract, tags or
        # date): a title that itself looks like a name ("Random Forests") heads the run, as
        # long as names follow it. A heading ("Our Team") before a run of names is a staff
        # list, not a paper.
        if end - start < 2 or title_at < 0 or lines[title_at].kind not in _ENTRY_ENDS:
            return None
        title_at = start
        authors = authors[1:]
    owned.update(range(title_at, end))
    year = _own_following(lines, end, owned)
    head = lines[title_at]
    return title_at, Record(
        title=head.text,
        authors=[RawAuthor(_clean_name(a)) for a in authors],
        source_ref=f"{name}:{head.no}",
        year=year,
        source=FORMAT,
    )


def _author_line(
    lines: list[_Line], at: int, name: str, owned: set[int]
) -> tuple[int, Record]:
    """A record from the author-list line ``lines[at]`` and the title next to it, if any."""
    authors = split_author_list(lines[at].text) or []
    owned.add(at)
    title_at = -1
    if at > 0 and lines[at - 1].kind == "title" and at - 1 not in owned:
        title_at = at - 1
    elif (
        at + 1 < len(lines)
        and lines[at + 1].kind == "title"
        and (at + 2 == len(lines) or lines[at + 2].kind == "abstract")
    ):
        title_at = at + 1  # "Authors / Title / Abstract" order
    if title_at >= 0:
        owned.add(title_at)
    year = _own_following(lines, max(at, title_at) + 1, owned)
    head = lines[title_at] if title_at >= 0 else lines[at]
    return min(at, title_at) if title_at >= 0 else at, Record(
        title=lines[title_at].text if title_at >= 0 else None,
        authors=[RawAuthor(_clean_name(a)) for a in authors],
        source_ref=f"{name}:{head.no}",
        year=year,
        source=FORMAT,
    )


def _citation(lines: list[_Line], at: int, name: str, owned: set[int]) -> tuple[int, Record]:
    """A record from a citation line (authors, title, venue and year on one line)."""
    line = lines[at]
    c = parse_citation(line.text)
    owned.add(at)
    if at + 1 < len(lines) and lines[at + 1].kind == "abstract":
        owned.add(at + 1)
    return at, Record(
        title=c.title if c else None,
        authors=[RawAuthor(_clean_name(a)) for a in (c.authors if c else [])],
        source_ref=f"{name}:{line.no}",
        year=c.year if c else None,
        venue=c.venue if c else None,
        source=FORMAT,
    )


def _own_following(lines: list[_Line], k: int, owned: set[int]) -> int | None:
    """Claim the date, venue and abstract lines that follow an author block; return the year
    seen (a date line's, else a venue line's: "Nature 393, 440–442, 1998")."""
    year = None
    while k < len(lines) and lines[k].kind in ("date", "venue", "other", "ui", "tags"):
        if lines[k].kind in ("date", "venue") and year is None:
            year = find_year(lines[k].text)
            owned.add(k)
        k += 1
    if k < len(lines) and lines[k].kind == "abstract":
        owned.add(k)
    return year


def _clean_name(text: str) -> str:
    """A name as printed, without footnote marks (``Jane Doe1,*``) or a trailing comma."""
    return _FOOTNOTE.sub("", text).strip() or text


def _snippet(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
