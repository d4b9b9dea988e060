"""The one loader of the Cypher files in ``graphsvc/cypher/`` (``cypher/`` at the top level)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import LiteralString, cast

__all__ = ["Cypher", "load", "names"]

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Cypher:
    """One Cypher statement: the file it came from (without ``.cypher``) and its text."""

    name: str
    text: LiteralString


@cache
def load(name: str) -> Cypher:
    """The statement in ``cypher/<name>.cypher``.

    The text is cast to ``LiteralString``. That is safe because every file is part of the
    package (shipped as package data, reviewed and linted like code) and the name is checked
    against ``[a-z][a-z0-9_]*``: no user input ever becomes query text. Values reach Neo4j only
    as parameters.

    Examples
    --------
    >>> load("get_meta").text.startswith("MATCH (m:Meta")
    True
    """
    if not _NAME.match(name):
        raise ValueError(f"not a Cypher file name: {name!r}")
    path = resources.files("graphsvc") / "cypher" / f"{name}.cypher"
    text = _strip_comments(path.read_text(encoding="utf-8"))
    return Cypher(name, cast(LiteralString, text))


def names() -> list[str]:
    """Names of every shipped Cypher file, sorted."""
    folder = resources.files("graphsvc") / "cypher"
    return sorted(p.name[: -len(".cypher")] for p in folder.iterdir()
                  if p.name.endswith(".cypher"))


def _strip_comments(text: str) -> str:
    """Drop whole-line ``//`` comments and blank lines (the files document themselves)."""
    lines = [ln.rstrip() for ln in text.splitlines()]
    return "\n".join(ln for ln in lines if ln.strip() and not ln.lstrip().startswith("//"))
