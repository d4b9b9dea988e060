"""Which full names may be written with their words in another order than a rotation.

A rotation (the family name moved from the end to the front, "Quoc Tuan Vu" / "Vu Quoc Tuan")
keeps the order of the given words and is always a spelling (``parse.spelling_key``). Other
orders depend on the naming convention:

* Vietnamese names (family, middle, given: "Nguyen Huu Duy") are rendered in Western order in
  several ways ("Duy Huu Nguyen", "Huu Duy Nguyen"), as are names with several given names
  of equal standing ("Adam Zsolt Wagner" / "Zsolt Adam Wagner", Spanish double family names);
* a Chinese or Korean given name is an ordered compound: "Min-Young Kim" and "Young-Min Kim",
  "Guo-Zheng Li" and "Zheng-Guo Li" are two different names (on dblp's alias table they are
  different people, and joining them cost more precision than any other rule).

So a name made only of one-syllable words (the shape of romanised Chinese, Korean and
Vietnamese names) takes other orders only when one of its words is a Vietnamese family name;
the table is the common Vietnamese family names (Wikipedia, "Vietnamese name": the fourteen
most common cover about 90 % of the population, plus the next most frequent ones), without
diacritics as the spelling key folds them.
"""

from __future__ import annotations

import re

#: common Vietnamese family names, folded (Nguyễn, Trần, Lê, Phạm, Hoàng, Huỳnh, Phan, Vũ, Võ,
#: Đặng, Bùi, Đỗ, Hồ, Ngô, Dương, Lý, and the next most frequent)
VIETNAMESE_FAMILY = frozenset({
    "nguyen", "tran", "le", "pham", "hoang", "huynh", "phan", "vu", "vo", "dang", "bui", "do",
    "ho", "ngo", "duong", "ly", "truong", "dinh", "doan", "lam", "luong", "mai", "trinh", "ta",
    "cao", "ha", "vuong", "chau", "quach", "thai", "to", "luu", "la", "trieu", "phung", "tang",
})  # fmt: skip

_VOWELS = re.compile(r"[aeiouy]+")


def one_syllable(word: str) -> bool:
    """Whether a folded word has one group of vowels ("zheng", "young", "nguyen"; not "adam").

    Examples
    --------
    >>> one_syllable("xiao"), one_syllable("nguyen"), one_syllable("adam")
    (True, True, False)
    """
    return len(_VOWELS.findall(word)) == 1


def reorderable(words: list[str]) -> bool:
    """Whether the words of a full name may come in any order, not only rotated.

    Examples
    --------
    >>> reorderable(["min", "young", "kim"]), reorderable(["duy", "huu", "nguyen"])
    (False, True)
    >>> reorderable(["adam", "zsolt", "wagner"])
    True
    """
    if all(one_syllable(w) for w in words):
        return any(w in VIETNAMESE_FAMILY for w in words)
    return True
