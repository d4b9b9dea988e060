"""What changed stored authorships other than appending: the embedded store's rewrite log.

The persisted graph index (``graph/index.py``) of papers up to P and authors up to A can be
brought up to date by reading only the rows appended since, unless something rewrote what it
holds. Every change that is not an append bumps the meta counter ``rewrites`` and records, in
the meta value ``rewrite_marks``, the lowest paper id and the lowest author id it touched.
An ingest's late joins move the authorships of the run's *new* papers from the run's *new*
duplicate author to a known one: above P and A, so an index can still append; a merge of two
known authors touches their old papers and is rebuilt from a full scan.

Only the last ``KEEP`` marks are kept; an index older than them is rebuilt.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

__all__ = ["appendable", "record_rewrite"]

KEEP = 256


def record_rewrite(db: sqlite3.Connection, papers: Iterable[int] = (),
                   author: int | None = None) -> None:
    """Bump ``rewrites`` and mark the lowest of ``papers`` and ``author`` (inside the caller's
    transaction). No papers and no author marks everything: a full rebuild."""
    low_paper = min(papers, default=None)
    db.execute("INSERT INTO meta (key, value) VALUES ('rewrites', '1') ON CONFLICT "
                "DO UPDATE SET value = CAST(value AS INTEGER) + 1")
    seq = int(db.execute("SELECT value FROM meta WHERE key = 'rewrites'").fetchone()[0])
    row = db.execute("SELECT value FROM meta WHERE key = 'rewrite_marks'").fetchone()
    try:
        marks = json.loads(row[0]) if row else {}
        if not isinstance(marks, dict):
            marks = {}
    except ValueError:
        marks = {}
    if low_paper is None and author is None:
        low_paper = 0  # what was touched is not known: nothing may be appended
    marks[str(seq)] = [low_paper, author]
    for old in sorted(marks, key=int)[:-KEEP]:
        del marks[old]
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('rewrite_marks', ?)",
               (json.dumps(marks, separators=(",", ":")),))


def appendable(marks: str | None, since: int, now: int, max_paper: int, max_author: int) -> bool:
    """Whether every rewrite after number ``since`` up to ``now`` touched only papers above
    ``max_paper`` and authors above ``max_author`` (an index of those can append).

    Examples
    --------
    >>> appendable('{"3": [120, null], "4": [null, 55]}', 2, 4, 100, 50)
    True
    >>> appendable('{"3": [120, null], "4": [null, 55]}', 2, 4, 100, 60)
    False
    >>> appendable('{"4": [null, 55]}', 2, 4, 100, 50)  # rewrite 3 is not known
    False
    """
    if now == since:
        return True
    if now < since or now - since > KEEP:
        return False
    try:
        table = json.loads(marks or "{}")
    except ValueError:
        return False
    if not isinstance(table, dict):
        return False
    for seq in range(since + 1, now + 1):
        mark = table.get(str(seq))
        if not isinstance(mark, list) or len(mark) != 2:
            return False
        paper, author = mark
        if paper is not None and paper <= max_paper:
            return False
        if author is not None and author <= max_author:
            return False
    return True
