"""Whole-table scans of the embedded store as numpy arrays, without a Python object per row.

A full graph-index rebuild reads every author, paper and authorship (24M rows at 3M
authors). Fetching them row by row builds a tuple and an int per value: 17 s of Python for
the authorships alone. Here SQLite concatenates a chunk of rows into one text per column
(``group_concat``) and numpy parses it (``np.fromstring(sep=",")``, in C), so Python touches
one row per chunk. A non-grouped aggregate over a primary-key range visits the rows in key
order, and every chunk is checked (row count, ascending keys) before it is used.

Only integer columns travel this way: SQLite prints a REAL with 15 significant digits, so the
few tie weights (DESIGN.md "Ties without papers") are fetched exactly, row by row.
"""

from __future__ import annotations

import sqlite3

import numpy as np

from graphsvc.graph.memberships import narrow_ids

__all__ = ["authorship_columns", "author_id_column", "paper_columns"]

#: rows (authors, papers) or papers (authorships) per chunk: a few MB of text each
CHUNK = 1 << 17


def _parse(text: str | None, count: int, what: str) -> np.ndarray:
    if not count:
        return np.zeros(0, dtype=np.int64)
    arr = np.fromstring(text or "", dtype=np.int64, sep=",")
    if arr.size != count:
        raise sqlite3.DatabaseError(f"bulk scan of {what}: {arr.size} values for {count} rows")
    return arr


def _ascending(arr: np.ndarray, what: str, strict: bool = True) -> None:
    bad = arr[1:] <= arr[:-1] if strict else arr[1:] < arr[:-1]
    if arr.size > 1 and bool(bad.any()):
        raise sqlite3.DatabaseError(f"bulk scan of {what}: rows out of key order")


def author_id_column(db: sqlite3.Connection, after: int = 0) -> np.ndarray:
    """Ids of the authors with id > ``after``, ascending (int64)."""
    out, last = [], after
    while True:
        count, top, ids = db.execute(
            "SELECT count(*), max(id), group_concat(id) FROM "
            "(SELECT id FROM authors WHERE id > ? ORDER BY id LIMIT ?)", (last, CHUNK)).fetchone()
        if not count:
            break
        out.append(_parse(ids, count, "authors"))
        last = int(top)
    arr = np.concatenate(out) if out else np.zeros(0, dtype=np.int64)
    _ascending(arr, "authors")
    return arr


def paper_columns(db: sqlite3.Connection, after: int = 0) -> tuple[np.ndarray, ...]:
    """(ids, years with 0 for unknown, tie weights with 0 for a paper) of the papers with
    id > ``after``, by ascending id."""
    ids, years, last = [], [], after
    tied: list[tuple[int, int]] = []  # id ranges holding ties
    while True:
        count, top, n_ties, pid, year = db.execute(
            "SELECT count(*), max(id), sum(coalesce(tie, 0) != 0), group_concat(id), "
            "group_concat(CAST(coalesce(year, 0) AS INTEGER)) FROM "
            "(SELECT id, year, tie FROM papers WHERE id > ? ORDER BY id LIMIT ?)",
            (last, CHUNK)).fetchone()
        if not count:
            break
        ids.append(_parse(pid, count, "papers"))
        years.append(_parse(year, count, "paper years"))
        if n_ties:
            tied.append((last, int(top)))
        last = int(top)
    paper_ids = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    _ascending(paper_ids, "papers")
    paper_year = (np.concatenate(years) if years else np.zeros(0, dtype=np.int64))
    tie = np.zeros(paper_ids.size, dtype=np.float64)
    for lo, hi in tied:
        rows = db.execute("SELECT id, tie FROM papers WHERE id > ? AND id <= ? "
                          "AND coalesce(tie, 0) != 0", (lo, hi)).fetchall()
        at = np.searchsorted(paper_ids, np.fromiter((r[0] for r in rows), dtype=np.int64))
        tie[at] = np.fromiter((r[1] for r in rows), dtype=np.float64)
    return paper_ids, paper_year.astype(np.int32), tie


def authorship_columns(
    db: sqlite3.Connection, paper_ids: np.ndarray, after: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """(paper id, author id) of every authorship of a paper with id > ``after``, in (paper,
    position) order, int32 when the ids fit; ``paper_ids`` (ascending) only sets the chunks'
    bounds."""
    papers, authors = [], []
    bounds = [after, *paper_ids[CHUNK - 1 :: CHUNK].tolist()]
    for i, lo in enumerate(bounds):
        last = i == len(bounds) - 1  # open-ended: every row past the last bound too
        count, pid, aid = db.execute(
            "SELECT count(*), group_concat(paper_id), group_concat(author_id) FROM authorships "
            "WHERE paper_id > ?" + ("" if last else " AND paper_id <= ?"),
            (lo,) if last else (lo, bounds[i + 1])).fetchone()
        papers.append(narrow_ids(_parse(pid, count, "authorships")))
        authors.append(narrow_ids(_parse(aid, count, "authorships")))
    ship_paper = np.concatenate(papers)
    _ascending(ship_paper, "authorships", strict=False)
    return ship_paper, np.concatenate(authors)
