"""Given names that may be one another's nickname (Dan / Daniel, Ken / Kenneth, Bill / William).

The table is the ``nicknames`` package (PyPI, Apache-2.0): the hand-curated English names and
nicknames table of Old Dominion University's Web Science lab (carltonnorthern/nicknames,
about 2,700 relations), maintained since 2012 and used by record-linkage tools. It is loaded
once, on first use; a missing package means no nickname relations (a nickname then waits for
a manual merge, as any other variant does).
"""

from __future__ import annotations

from functools import cache


@cache
def _tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    try:
        from nicknames import NickNamer
    except ImportError:  # pragma: no cover - the package is a declared dependency
        return {}, {}
    nn = NickNamer()
    nick = {k: frozenset(v) for k, v in nn.nickname_lookup.items()}
    canon = {k: frozenset(v) for k, v in nn.canonical_lookup.items()}
    return nick, canon


def related(a: str, b: str) -> bool:
    """Whether two folded given names are one name: equal, one a nickname of the other, or two
    nicknames of one name ("dan" / "danny").

    Examples
    --------
    >>> related("dan", "daniel"), related("kenneth", "ken"), related("bill", "william")
    (True, True, True)
    >>> related("dan", "danny"), related("daniel", "david")
    (True, False)
    """
    if a == b:
        return True
    nick, canon = _tables()
    if b in nick.get(a, ()) or a in nick.get(b, ()):
        return True
    ca, cb = canon.get(a), canon.get(b)
    return bool(ca and cb and ca & cb)


def known(name: str) -> bool:
    """Whether a folded given name is in the table at all (as a name or a nickname).

    Examples
    --------
    >>> known("kenneth"), known("zyxw")
    (True, False)
    """
    nick, canon = _tables()
    return name in nick or name in canon


def variants(name: str) -> frozenset[str]:
    """Every name ``related`` to a folded given name: its nicknames, the names it is a nickname
    of, and their other nicknames ("dan" -> daniel, danny, …).

    Examples
    --------
    >>> "kenneth" in variants("ken"), "kenneth" in variants("kenny"), "david" in variants("dan")
    (True, True, False)
    >>> variants("zyxw")
    frozenset()
    """
    return _variants(name)


@cache
def _variants(name: str) -> frozenset[str]:
    nick, canon = _tables()
    out = set(nick.get(name, ())) | set(canon.get(name, ()))
    for c in canon.get(name, ()):
        out |= nick.get(c, frozenset())
    out.discard(name)
    return frozenset(out)
