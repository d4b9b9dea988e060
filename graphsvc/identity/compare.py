"""Pure comparisons of two names: given-name compatibility, family typos, dblp homonym clashes.

Used by the duplicate finder, manual merges and the resolver's hard rule on dblp homonyms; no
I/O. Keys are the parts of ``ParsedName.key`` (``family_key|given_key[#homonym]``).
"""

from __future__ import annotations

from collections.abc import Iterable

from graphsvc.names import nicknames

#: how much a relation between two given names says the names are one person (0..1)
RELATION_WEIGHT = {"same": 1.0, "joined": 0.95, "initials": 0.8, "middle": 0.7,
                   "nickname": 0.7}
#: a first name this long or longer that starts another is its short form ("Jeff" / "Jeffery")
MIN_SHORT_FORM = 4
#: family keys shorter than this are never treated as typos of each other ("li" / "lu")
MIN_TYPO_FAMILY = 5


def split_key(key: str) -> tuple[str, str, str | None]:
    """``(family_key, given_key, homonym)`` of a match key.

    Examples
    --------
    >>> split_key("liu|wei#0014")
    ('liu', 'wei', '0014')
    >>> split_key("vincent|p")
    ('vincent', 'p', None)
    """
    family, _, rest = key.partition("|")
    given, _, homonym = rest.partition("#")
    return family, given, homonym or None


def dblp_base(name: str) -> tuple[str, str | None]:
    """A dblp person name without its homonym number, and the number.

    Examples
    --------
    >>> dblp_base("Wei Liu 0014")
    ('Wei Liu', '0014')
    >>> dblp_base("Ion Stoica")
    ('Ion Stoica', None)
    """
    s = name.rstrip()
    if len(s) > 5 and s[-4:].isdigit() and s[-4:].isascii() and s[-5].isspace():
        return s[:-5].rstrip(), s[-4:]
    return s, None


def homonym_clash(names_a: Iterable[str], names_b: Iterable[str]) -> tuple[str, str] | None:
    """Two dblp names with the same base name and different homonym numbers, if any.

    dblp gives one name two numbers only to keep two people apart, so such a pair is never one
    person, whatever else (an ORCID, a manual merge) says.

    Examples
    --------
    >>> homonym_clash(["Wei Liu 0001"], ["Wei Liu 0014", "W. Liu"])
    ('Wei Liu 0001', 'Wei Liu 0014')
    >>> homonym_clash(["Hai Li 0001"], ["Hai (Helen) Li"]) is None
    True
    """
    numbered: dict[str, dict[str, str]] = {}
    for n in names_a:
        base, num = dblp_base(n)
        if num is not None:
            numbered.setdefault(base, {})[num] = n
    for n in names_b:
        base, num = dblp_base(n)
        if num is None:
            continue
        for other_num, other in sorted(numbered.get(base, {}).items()):
            if other_num != num:
                return other, n
    return None


def _fits(a: str, b: str) -> bool:
    """One given-name token fits another: equal, or a single letter that starts it."""
    if a == b:
        return True
    if len(a) == 1:
        return b.startswith(a)
    return len(b) == 1 and a.startswith(b)


def given_relation(a: str, b: str) -> str | None:
    """How two given keys can name one person, or None when they cannot.

    ``same`` (equal), ``joined`` (equal without spaces: "tan tan" / "tantan"), ``initials``
    (one uses initials where the other has names: "p" / "pascal", "j r" / "john ronald"),
    ``middle`` (one leaves out middle names or initials: "william" / "william d"), ``nickname``
    (the first names are one name by the nickname table, or one is a short form of the other:
    "ken" / "kenneth", "jeff" / "jeffery"). The first names must fit each other, and the
    shorter list must fit the longer one in order.

    Examples
    --------
    >>> [given_relation(x, y) for x, y in [("wei", "wei"), ("tantan", "tan tan"),
    ...     ("p", "pascal"), ("j r", "john ronald"), ("william", "william d"),
    ...     ("jian", "jie"), ("p", "pascal j"), ("", "pascal"), ("bill", "william h")]]
    ['same', 'joined', 'initials', 'initials', 'middle', None, 'initials', None, 'nickname']
    """
    if a == b:
        return "same" if a else None
    if not a or not b:
        return None
    if a.replace(" ", "") == b.replace(" ", ""):
        return "joined"
    ta, tb = a.split(), b.split()
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    nick = False
    if not _fits(short[0], long_[0]):
        # a short form only stands alone: "dong" of "dong yuan" is a syllable, not a short form
        sa, sb = (ta, tb) if len(ta[0]) <= len(tb[0]) else (tb, ta)
        alone = not any(len(w) > 1 for w in sa[1:])
        if not first_names_related(short[0], long_[0], short_forms=alone):
            return None
        nick = True
    j = 1
    for tok in short[1:]:
        while j < len(long_) and not _fits(tok, long_[j]):
            j += 1
        if j == len(long_):
            return None
        j += 1
    if nick:
        return "nickname"
    if all(len(t) == 1 for t in short) or any(
        len(x) != len(y) for x, y in zip(short, long_, strict=False)
    ):
        return "initials"
    return "middle"


def first_names_related(a: str, b: str, *, short_forms: bool = True) -> bool:
    """Two different first names (folded, not initials) that may be one person's: a nickname
    by the nickname table, or a short form of four letters or more ("jeff" / "jeffery"; "jae" /
    "jaejin" and "jun" / "junghyun" are syllables of Korean names, not short forms).

    Examples
    --------
    >>> first_names_related("bill", "william"), first_names_related("jeff", "jeffery")
    (True, True)
    >>> first_names_related("jian", "jie"), first_names_related("j", "john")
    (False, False)
    """
    if len(a) < 2 or len(b) < 2 or a == b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return (short_forms and len(short) >= MIN_SHORT_FORM and long_.startswith(short)) or (
        nicknames.related(a, b))


def within_one_edit(a: str, b: str) -> bool:
    """Damerau–Levenshtein distance of at most one (a typo: one letter changed, added,
    dropped, or two neighbours swapped).

    Examples
    --------
    >>> [within_one_edit("gimenez", x) for x in ("gimenez", "gimenes", "gimnez", "gimeenz",
    ...                                         "jimenes")]
    [True, True, True, True, False]
    """
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]


def deletions(s: str) -> set[str]:
    """``s`` and every string one deletion away: equal entries of two such sets find the pairs
    within one edit without comparing every pair (symmetric-delete blocking).

    Examples
    --------
    >>> sorted(deletions("abc"))
    ['ab', 'abc', 'ac', 'bc']
    """
    return {s} | {s[:i] + s[i + 1 :] for i in range(len(s))}


def family_typo(a: str, b: str) -> bool:
    """Two different family keys one typo apart, both long enough for that to mean something.

    Examples
    --------
    >>> family_typo("gimenez", "gimenes"), family_typo("li", "lu"), family_typo("smith", "smith")
    (True, False, False)
    """
    fa, fb = a.replace(" ", ""), b.replace(" ", "")
    return (
        a != b
        and min(len(fa), len(fb)) >= MIN_TYPO_FAMILY
        and fa != fb
        and within_one_edit(fa, fb)
    )
