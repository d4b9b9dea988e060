"""One publication-list line in citation style: its authors, title, venue and year.

CVs and lab pages list papers one per line, the way reference styles print them:

- "A, B, and C. Title. Venue Year." (CV style, also with a numbered list's ``1.``/``[1]``);
- ACM: "A, B, and C. 2009. Title. In Venue. Publisher, pages.";
- IEEE: "[1] A. Doe, B. Roe, and C. Poe, “Title,” in Proc. Venue, 2009, pp. 1–9.";
- APA: "Doe, A., Roe, B., & Poe, C. (2009). Title. Venue, 12(3), 1–9.".

``parse_citation`` finds the author list as the longest prefix, up to a sentence break, whose
parts all look like names (``textpage.looks_like_name``) and after which a title and a year
follow; the title is the next sentence (or the quoted part), the year the APA/ACM year after
the authors or the first plausible year after the title. A line without a year is no citation
(prose mentions names too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: a citation line is shorter than this (a longer line is a paragraph)
MAX_CITATION = 600
#: sentence breaks tried as the end of the author list, within its first characters
MAX_BREAKS = 12
MAX_AUTHORS_CHARS = 400

_NUMBERING = re.compile(r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)]|[-•*–])\s+")
_YEAR = re.compile(r"(?<![\d/.-])(19[5-9]\d|20\d\d)[a-z]?(?![\d/-])")
_BREAK = re.compile(r"[.?!](?=\s+\S)")
_QUOTED = re.compile(r"[“\"]([^“”\"]{3,300}?)[,.]?[”\"]")
_APA_YEAR = re.compile(r"^\s*\((19[5-9]\d|20\d\d)[a-z]?(?:,[^)]*)?\)\.?\s*")
_ACM_YEAR = re.compile(r"^\s*(19[5-9]\d|20\d\d)[a-z]?\.\s+")
_IN = re.compile(r"^(?:In|in|In:)\s+")
#: after a break, text that carries an author list on ("J.", "& Swart", "Schult,")
_CONTINUES = re.compile(r"\s*(?:[^\W\d_]{1,2}\.|&|and\b|[^\W\d_][\w'’-]*,)")


@dataclass(slots=True)
class Citation:
    authors: list[str]
    title: str
    venue: str | None
    year: int


def _authors(prefix: str) -> list[str] | None:
    """The names of an author-list prefix when every part looks like a name."""
    from graphsvc.sources.textpage import looks_like_name, split_author_list

    prefix = prefix.strip().rstrip(",")
    if not prefix or len(prefix) > 600:
        return None
    if looks_like_name(prefix, strict=False):
        return [prefix]
    names = split_author_list(prefix)
    if names is None or not all(looks_like_name(n, strict=False) for n in names):
        return None
    return names


def _clean_title(title: str) -> str:
    return title.strip().strip("“”\"'").strip().rstrip(",.").strip()


def _venue(rest: str) -> str | None:
    v = _IN.sub("", rest.strip().lstrip(",.").strip()).rstrip(".").strip()
    return v[:300] or None


def parse_citation(line: str) -> Citation | None:
    """Authors, title, venue and year of one citation-style line, or None.

    Examples
    --------
    >>> c = parse_citation("Marc Snir, Jan Vitek, and María J. Garzarán. Fast Things. PPoPP 2019.")
    >>> c.authors, c.title, c.venue, c.year
    (['Marc Snir', 'Jan Vitek', 'María J. Garzarán'], 'Fast Things', 'PPoPP 2019', 2019)
    >>> c = parse_citation('[3] T. Hoefler and J. Dongarra, “Towards MPI,” in Proc. SC, 2009.')
    >>> c.authors, c.title, c.year
    (['T. Hoefler', 'J. Dongarra'], 'Towards MPI', 2009)
    >>> c = parse_citation("Hoefler, T., & Dongarra, J. (2009). Towards MPI. Parallel Computing.")
    >>> c.authors, c.title, c.venue, c.year
    (['Hoefler, T.', 'Dongarra, J.'], 'Towards MPI', 'Parallel Computing', 2009)
    >>> parse_citation("We thank Jan Vitek. He read the drafts of 2019.") is None
    True
    """
    from graphsvc.sources.textpage import PARTICLES

    text = _NUMBERING.sub("", " ".join(line.split()))
    if len(text) > MAX_CITATION or not _YEAR.search(text):
        return None
    # a name starts the line: prose ("We thank …", "In 2019 we …") is dropped at once
    head = text.split()[:2]
    if any(not (w[0].isupper() or w.rstrip(",") in PARTICLES) for w in head):
        return None
    q = _QUOTED.search(text)
    if q is not None:  # IEEE and MLA: the title is the quoted part
        names = _authors(text[: q.start()])
        if names is not None:
            rest = text[q.end() :]
            year = _YEAR.search(rest) or _YEAR.search(text[: q.start()])
            if year is not None:
                return Citation(names, _clean_title(q.group(1)), _venue(rest), int(year.group(1)))
    # the longest author list that reads ("Hagberg, A. A., Schult, D. A." is not "Hagberg,
    # A."): the readings of one list follow each other, the first break after them ends it
    best = None
    for n, br in enumerate(_BREAK.finditer(text, 0, MAX_AUTHORS_CHARS)):
        if n >= MAX_BREAKS:
            break
        got = _split_after(text, br.start())
        if got is not None:
            best = got
        elif best is not None and not _CONTINUES.match(text, br.end()):
            break
    return best


def _split_after(text: str, cut: int) -> Citation | None:
    """The citation whose author list ends at the sentence break ``text[cut]``, if it reads
    as one: the names, an APA "(2009)." or ACM "2009." year, a title sentence, the venue."""
    # an APA list ends with an initial ("Dongarra, J."): try the list with its dot first
    names = None
    for end in (cut + 1, cut) if text[cut] == "." else (cut,):
        names = _authors(text[:end])
        if names is not None:
            break
    if names is None:
        return None
    rest = text[cut + 1 :]
    year: int | None = None
    m = _APA_YEAR.match(rest) or _ACM_YEAR.match(rest)
    if m is not None:
        year, rest = int(m.group(1)), rest[m.end() :]
    rest = rest.strip()
    brk = _BREAK.search(rest)
    if brk is None:
        return None
    title = _clean_title(rest[: brk.start() + (rest[brk.start()] in "?!")])
    venue_part = rest[brk.end() :]
    if year is None:
        y = _YEAR.search(venue_part)
        if y is None:
            return None
        year = int(y.group(1))
    if len(title.split()) < 2 or not (title[0].isupper() or title[0].isdigit()):
        return None
    return Citation(names, title, _venue(venue_part), year)
