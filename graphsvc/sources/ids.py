"""Normalise external identifiers (DOI, ORCID, arXiv, OpenAlex) and years as readers find them."""

from __future__ import annotations

import re

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)
_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(?:v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def normalise_doi(value: object) -> str | None:
    """A DOI without resolver prefix, lower-cased; ``None`` when it does not look like a DOI.

    Examples
    --------
    >>> normalise_doi("https://doi.org/10.1145/2851141.2851173")
    '10.1145/2851141.2851173'
    >>> normalise_doi(" DOI: 10.1103/PhysRevD.76.013009 ")
    '10.1103/physrevd.76.013009'
    >>> normalise_doi("n/a") is None
    True
    """
    if not value or not isinstance(value, str):
        return None
    doi = _DOI_PREFIX.sub("", value.strip()).strip().lower()
    return doi if _DOI_SHAPE.match(doi) else None


def bare_orcid(value: object) -> str | None:
    """The bare ``0000-0000-0000-0000`` form of an ORCID iD or URL, else ``None``.

    Examples
    --------
    >>> bare_orcid("https://orcid.org/0000-0001-9333-8219")
    '0000-0001-9333-8219'
    >>> bare_orcid("0000-0002-1694-233x")
    '0000-0002-1694-233X'
    """
    if not value or not isinstance(value, str):
        return None
    m = _ORCID.search(value)
    return m.group(1).upper() if m else None


def arxiv_id(value: str | None) -> str | None:
    """An arXiv id without version (``0704.0001``, ``hep-th/9901001``), or ``None``.

    Accepts ``arXiv:`` prefixes and ``arxiv.org/abs/`` URLs.

    Examples
    --------
    >>> arxiv_id("https://arxiv.org/abs/2101.00001v3")
    '2101.00001'
    >>> arxiv_id("arXiv:hep-th/9901001")
    'hep-th/9901001'
    """
    if not value:
        return None
    text = value.strip()
    for marker in ("arxiv.org/abs/", "arxiv.org/pdf/"):
        i = text.lower().find(marker)
        if i >= 0:
            text = text[i + len(marker) :]
            break
    if text.lower().startswith("arxiv:"):
        text = text[6:]
    text = text.removesuffix(".pdf")
    m = _ARXIV_NEW.match(text) or _ARXIV_OLD.match(text)
    return m.group(1) if m else None


def year_of_arxiv_id(aid: str) -> int | None:
    """The submission year encoded in an arXiv id (``YYMM`` after the archive or at the start).

    Examples
    --------
    >>> [year_of_arxiv_id(a) for a in ("hep-th/9201001", "9201001", "0704.0001")]
    [1992, 1992, 2007]
    """
    digits = aid.rsplit("/", 1)[-1]
    if len(digits) < 4 or not digits[:4].isdigit():
        return None
    yy, mm = int(digits[:2]), int(digits[2:4])
    if not 1 <= mm <= 12:
        return None
    # arXiv started in August 1991: two-digit years from 91 are 19xx, the rest 20xx
    return 1900 + yy if yy >= 91 else 2000 + yy


def find_year(value: object) -> int | None:
    """The first plausible year (1500–2099) in a value: an int or text like ``"2019-05-01"``.

    Examples
    --------
    >>> find_year("Mon, 2 Apr 2007 19:18:42 GMT"), find_year(1998), find_year("n.d.")
    (2007, 1998, None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value if 1500 <= value <= 2099 else None
    m = _YEAR.search(str(value))
    return int(m.group(1)) if m else None
