"""The embedded store's search memory (``graphsvc.store.search.SearchMemo``): what it
remembers about words never outlives a change to the tables, by this connection or another."""

from __future__ import annotations

from pathlib import Path

from graphsvc.ingest import ingest_records
from graphsvc.model import RawAuthor, Record
from graphsvc.store.search import SearchMemo
from graphsvc.store.sqlite import SQLiteStore


def rec(title: str, authors: list[str], ref: str) -> Record:
    return Record(title=title, year=2020, authors=[RawAuthor(a) for a in authors],
                  ids={"dblp": f"conf/t/{ref}"}, source_ref=f"test:{ref}")


def names(store: SQLiteStore, q: str) -> list[str]:
    return [h["name"] for h in store.search_authors(q)]


def test_search_sees_writes_of_another_connection_and_its_own(tmp_path: Path) -> None:
    db = tmp_path / "graphsvc.sqlite3"
    reader, writer = SQLiteStore(db), SQLiteStore(db)
    try:
        ingest_records(writer, [rec("Fast MPI", ["Jan Vitek", "Ana Smith"], "1")])
        assert names(reader, "Smith") == ["Ana Smith"]
        assert names(reader, "Smith Jo") == []  # "jo…" has no words yet: remembered so
        ingest_records(writer, [rec("Spin waves", ["John Smith", "Jo Smithers"], "2")])
        assert names(reader, "Smith") == ["Ana Smith", "John Smith", "Jo Smithers"]
        assert names(reader, "Smith Jo") == ["John Smith"]
        ingest_records(reader, [rec("Adaptive MPI", ["Joan Smith"], "3")])  # its own write
        assert names(reader, "Smith Jo") == ["Joan Smith", "John Smith"]
    finally:
        reader.close()
        writer.close()


def test_memo_counts_each_word_up_to_its_cap_and_forgets_on_change(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "graphsvc.sqlite3")
    try:
        ingest_records(store, [rec(f"P{i}", [f"Wei Li{i}", "Wei Zhang"], str(i)) for i in range(5)])
        memo = SearchMemo(cap=3, limit=10)
        memo.check(store.db)
        assert memo.word_rows(store.db, ["wei", "zhang", "nobody"]) == {
            "wei": 3, "zhang": 1, "nobody": 0}
        assert memo.remember("k", lambda: {"a": 1.0}) == {"a": 1.0}
        assert memo.remember("k", lambda: {"b": 1.0}) == {"a": 1.0}  # remembered
        memo.check(store.db)  # nothing changed: kept
        assert memo.remember("k", lambda: {"b": 1.0}) == {"a": 1.0}
        ingest_records(store, [rec("Q", ["Ana Zhang"], "9")])
        memo.check(store.db)
        assert memo.remember("k", lambda: {"b": 1.0}) == {"b": 1.0}
        assert memo.word_rows(store.db, ["zhang"]) == {"zhang": 2}
    finally:
        store.close()
