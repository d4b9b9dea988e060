"""Small string helpers for typo-tolerant author search, and what a search remembers."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Hashable, Iterable
from typing import Any


def edit_distance_at_most(a: str, b: str, k: int) -> bool:
    """Whether the Levenshtein distance between ``a`` and ``b`` is at most ``k`` (banded DP).

    Examples
    --------
    >>> edit_distance_at_most("heigeartaigh", "heigeartiagh", 2)
    True
    >>> edit_distance_at_most("smith", "smyth", 1)
    True
    >>> edit_distance_at_most("smith", "jones", 2)
    False
    """
    if abs(len(a) - len(b)) > k:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [k + 1] * len(b)
        lo, hi = max(1, i - k), min(len(b), i + k)
        for j in range(lo, hi + 1):
            cost = 0 if ca == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
        if min(cur[max(0, lo - 1) : hi + 1]) > k:
            return False
        prev = cur
    return prev[len(b)] <= k


def key_tokens(key: str) -> list[str]:
    """Search tokens of a match key (``"o heigeartaigh|sean#0001"`` → o, heigeartaigh, sean).

    They equal the folded tokens of the name, without parsing the name a second time; a query
    whose tokens are exactly these scores 0.5 more in both stores (the whole name, not just
    some of its words).

    Examples
    --------
    >>> key_tokens("o heigeartaigh|sean#0001")
    ['o', 'heigeartaigh', 'sean']
    """
    return key.split("#", 1)[0].replace("|", " ").split()


#: generational suffixes: a name's match key (and so the embedded index) leaves them out
_SUFFIX_TOKENS = frozenset({"jr", "jnr", "sr", "snr"})


def query_tokens(query: str) -> list[str]:
    """The folded tokens a search looks for: a generational suffix ("Jr.") is dropped when
    other words remain, as names' match keys drop it ("John Choma Jr." finds him in both
    stores).

    Examples
    --------
    >>> query_tokens("John Choma Jr.")
    ['john', 'choma']
    >>> query_tokens("jr")
    ['jr']
    """
    from graphsvc.names import fold

    tokens = [t for t in fold(query).split() if t]
    kept = [t for t in tokens if t not in _SUFFIX_TOKENS]
    return kept or tokens


class SearchMemo:
    """What author searches learn about words, kept while the database is unchanged.

    Per word, its rows in ``name_tokens`` as far as they were counted; per query token, its
    candidate words (exact, prefix, typo); whether an index exists. A search asks for a common
    given name's rows and a prefix's words again and again, and at 3M authors those counts were
    a sixth of a search. Everything is forgotten when :meth:`check` sees that any connection
    committed (``PRAGMA data_version``), or this one wrote (``total_changes``) or changed the
    schema (``PRAGMA schema_version``), so an answer is the one the tables give now; past
    ``limit`` entries it starts afresh (memory stays bounded).
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self._version: tuple[int, int, int] | None = None
        #: word -> (rows counted, the cap they were counted up to): exact below the cap
        self._rows: dict[str, tuple[int, int]] = {}
        self._cands: dict[Hashable, Any] = {}

    def check(self, db: sqlite3.Connection) -> None:
        """Forget everything if the database changed since the last check."""
        version = (int(db.execute("PRAGMA data_version").fetchone()[0]), db.total_changes,
                   int(db.execute("PRAGMA schema_version").fetchone()[0]))
        if version != self._version or len(self._rows) + len(self._cands) > self.limit:
            self._rows.clear()
            self._cands.clear()
            self._version = version

    def word_rows(self, db: sqlite3.Connection, words: Iterable[str], cap: int) -> dict[str, int]:
        """Rows of ``name_tokens`` per word, each counted up to ``cap`` (exactly
        ``min(rows, cap)``): a word counted before up to a lower cap that it reached is
        counted again, never further than asked."""
        out = {}
        for w in words:
            known = self._rows.get(w)
            if known is None or (known[0] >= known[1] and known[1] < cap):
                known = self._rows[w] = (int(db.execute(
                    "SELECT count(*) FROM (SELECT 1 FROM name_tokens WHERE token = ? LIMIT ?)",
                    (w, cap)).fetchone()[0]), cap)
            out[w] = min(known[0], cap)
        return out

    def remember(self, key: Hashable, find: Callable[[], Any]) -> Any:
        """``find()``, remembered under ``key`` (the caller must not change the answer)."""
        if key not in self._cands:
            self._cands[key] = find()
        return self._cands[key]
