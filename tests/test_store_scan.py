"""The bulk scans of the embedded store give exactly what a row-by-row read gives."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from graphsvc.graph.service import index_of
from graphsvc.store import sqlite_scan
from graphsvc.store.sqlite import SQLiteStore


def _fill(db: sqlite3.Connection) -> None:
    """Sparse ids, unknown years, a tie of weight 1/3, papers without authors."""
    authors = [3, 4, 9, 10, 11, 40, 41, 1000]
    db.executemany("INSERT INTO authors (id, name, key) VALUES (?, ?, ?)",
                   [(a, f"A{a}", f"a{a}") for a in authors])
    papers = [(2, 2001, None), (5, None, None), (6, 1999, 1 / 3), (7, 2020, None),
              (8, None, 2.5), (30, 2010, None), (31, 2011, None), (99, 1990, None)]
    db.executemany("INSERT INTO papers (id, title_key, year, n_authors, counted, tie) "
                   "VALUES (?, 't', ?, 0, 1, ?)", papers)
    ships = {2: [9, 3, 1000], 5: [4], 6: [10, 11], 8: [40, 41], 30: [41, 3, 9, 10],
             31: [11, 4], 99: [1000, 9]}  # 7 has no authors
    db.executemany("INSERT INTO authorships (paper_id, position, author_id, raw_name) "
                   "VALUES (?, ?, ?, 'x')",
                   [(p, i, a) for p, lst in ships.items() for i, a in enumerate(lst)])
    db.commit()


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = SQLiteStore(tmp_path / "g.sqlite3")
    _fill(s.db)
    yield s
    s.close()


def _rowwise(db: sqlite3.Connection, after_paper: int, after_author: int) -> dict[str, list]:
    q = db.execute
    return {
        "author_ids": [r[0] for r in q("SELECT id FROM authors WHERE id > ? ORDER BY id",
                                       (after_author,))],
        "papers": q("SELECT id, coalesce(year, 0), coalesce(tie, 0) FROM papers WHERE id > ? "
                    "ORDER BY id", (after_paper,)).fetchall(),
        "ships": q("SELECT paper_id, author_id FROM authorships WHERE paper_id > ? "
                   "ORDER BY paper_id, position", (after_paper,)).fetchall(),
    }


@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 17])
@pytest.mark.parametrize(("after_paper", "after_author"), [(0, 0), (5, 9), (31, 41), (99, 1000)])
def test_bulk_scan_equals_rowwise(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch,
                                  chunk: int, after_paper: int, after_author: int) -> None:
    monkeypatch.setattr(sqlite_scan, "CHUNK", chunk)
    want = _rowwise(store.db, after_paper, after_author)
    got = store._memberships_arrays(after_paper, after_author)
    assert got["author_ids"].tolist() == want["author_ids"]
    assert got["author_ids"].dtype == np.int64
    papers = list(zip(got["paper_ids"].tolist(), got["paper_year"].tolist(),
                      got["paper_tie"].tolist(), strict=True))
    assert papers == want["papers"]  # the tie 1/3 exactly, not SQLite's 15 printed digits
    assert list(zip(got["ship_paper"].tolist(), got["ship_author"].tolist(),
                    strict=True)) == want["ships"]


def test_memberships_of_the_scan(store: SQLiteStore) -> None:
    mem = store.graph_snapshot()[1]
    assert mem["paper_tie"][mem["paper_ids"].tolist().index(6)] == 1 / 3
    from graphsvc.graph.service import memberships_from_arrays

    m = memberships_from_arrays(mem)
    m.validate()
    ids = m.author_ids.tolist()
    members = [[ids[i] for i in m.paper_members[a:b]] for a, b in
               zip(m.paper_ptr[:-1].tolist(), m.paper_ptr[1:].tolist(), strict=True)]
    assert members == [[9, 3, 1000], [4], [10, 11], [], [40, 41], [41, 3, 9, 10], [11, 4],
                       [1000, 9]]


def test_index_of_dense_and_sparse() -> None:
    dense = np.array([5, 6, 8, 9, 12])
    values = np.array([12, 5, 8, 8, 9, 6])
    assert index_of(dense, values).tolist() == np.searchsorted(dense, values).tolist()
    sparse = np.array([1, 10**12, 10**15])
    assert index_of(sparse, np.array([10**15, 1])).tolist() == [2, 0]
    assert index_of(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)).size == 0
