"""Paper identity: when two records are the same paper (DESIGN.md "Paper identity")."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

from unidecode import unidecode

from graphsvc.names import display_form

_NON_WORD = re.compile(r"[^0-9a-z]+")

#: id kinds in the order they are trusted when a record carries several
ID_PRIORITY = ("doi", "dblp", "arxiv", "openalex", "s2", "edge", "ref")


def title_key(title: str | None) -> str:
    """Normalised title for matching: TeX decoded, ASCII-folded, case-folded, words only.

    Examples
    --------
    >>> title_key("  The {Graph} of  Co-Authorship: a Study. ")
    'the graph of co authorship a study'
    >>> title_key("Über Graphen") == title_key("Uber graphen")
    True
    >>> title_key(None)
    ''
    """
    if not title:
        return ""
    return _NON_WORD.sub(" ", unidecode(display_form(title)).casefold()).strip()


def same_authors(a: Collection[str], b: Collection[str]) -> bool:
    """Whether two author signature lists are "mostly the same": half or more shared.

    Signatures are ``family|initial`` strings, so "P. Vincent" and "Pascal Vincent" agree.

    Examples
    --------
    >>> same_authors(["vincent|p", "bengio|y"], ["vincent|p", "bengio|y", "larochelle|h"])
    True
    >>> same_authors(["smith|j"], ["jones|k"])
    False
    """
    sa, sb = set(a), set(b)
    if not sa or not sb:
        return not sa and not sb
    return 2 * len(sa & sb) >= max(len(sa), len(sb))


def ids_conflict(a: Mapping[str, str], b: Mapping[str, str]) -> bool:
    """Whether two papers carry different ids of the same kind (two dblp keys are two papers).

    Examples
    --------
    >>> ids_conflict({"dblp": "conf/x/A17"}, {"dblp": "conf/x/B17"})
    True
    >>> ids_conflict({"dblp": "conf/x/A17"}, {"arxiv": "1701.00001"})
    False
    """
    return any(k in b and b[k] != v for k, v in a.items() if k != "ref")
