"""The rows an ingest run remembers having committed (``store.sqlite_written``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore
from graphsvc.store.sqlite_written import WrittenRows

DATA = Path(__file__).parent / "data"


def test_fresh_keys_count_once_committed() -> None:
    w = WrittenRows()
    assert w.fresh("t", [3, 1, 3, 2]) == [3, 1, 2]
    w.rolled_back()  # a rolled-back batch wrote nothing
    assert w.fresh("t", [1, 4]) == [1, 4]
    w.committed()
    assert w.fresh("t", [4, 5, 1]) == [5]
    assert w.fresh("other", [4]) == [4]  # tables apart
    w.committed()
    w.clear()
    assert w.fresh("t", [4]) == [4]


def test_memory_is_bounded() -> None:
    w = WrittenRows(limit=3)
    w.fresh("t", [1, 2, 3])
    w.committed()
    w.fresh("t", [4, 5])
    w.committed()  # over the limit: starts again from this batch's keys
    assert w.fresh("t", [1, 4]) == [1]


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    store = SQLiteStore(path)
    try:
        return {t: sorted(store.db.execute(f"SELECT * FROM {t}").fetchall())
                for t in ("evidence", "name_tokens", "vocabulary", "variants", "authors")}
    finally:
        store.close()


@pytest.mark.parametrize("batch_size", [7, 40])
def test_same_rows_as_without_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     batch_size: int) -> None:
    """Evidence and search rows left out as already written are exactly the ones an
    insert-or-ignore would have ignored, across many small batches."""
    sample = DATA / "dblp-ppopp-socc-100.xml"

    def load(name: str) -> Path:
        store = SQLiteStore(tmp_path / name)
        store.ingest_batch_size = batch_size  # type: ignore[attr-defined]
        ingest(store, [sample], read_ahead=False)
        ingest(store, [sample], read_ahead=False)  # a second run changes nothing
        store.close()
        return tmp_path / name

    remembered = _tables(load("with.sqlite3"))
    left_out: list[int] = []

    def remembering(self: WrittenRows, table: str, keys: list[object]) -> list[object]:
        out = real(self, table, keys)
        left_out.append(len(set(keys)) - len(out))
        return out

    real = WrittenRows.fresh
    monkeypatch.setattr(WrittenRows, "fresh", remembering)
    load("counted.sqlite3")
    assert sum(left_out) > 0  # later batches and the second run left rows out
    monkeypatch.setattr(WrittenRows, "fresh", lambda self, table, keys: list(dict.fromkeys(keys)))
    forgotten = _tables(load("without.sqlite3"))
    assert remembered["evidence"] and remembered["name_tokens"]
    assert remembered == forgotten
