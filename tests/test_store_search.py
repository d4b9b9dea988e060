"""The embedded store's search memory (``graphsvc.store.search.SearchMemo``): what it
remembers about words never outlives a change to the tables, by this connection or another."""

from __future__ import annotations

from pathlib import Path

import pytest

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


def test_memo_counts_each_word_as_far_as_asked_and_forgets_on_change(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "graphsvc.sqlite3")
    try:
        ingest_records(store, [rec(f"P{i}", [f"Wei Li{i}", "Wei Zhang"], str(i)) for i in range(5)])
        memo = SearchMemo(limit=10)
        memo.check(store.db)
        assert memo.word_rows(store.db, ["wei", "zhang", "nobody"], 3) == {
            "wei": 3, "zhang": 1, "nobody": 0}
        assert memo.word_rows(store.db, ["wei", "zhang"], 10) == {"wei": 6, "zhang": 1}
        assert memo.word_rows(store.db, ["wei"], 2) == {"wei": 2}
        assert memo.remember("k", lambda: {"a": 1.0}) == {"a": 1.0}
        assert memo.remember("k", lambda: {"b": 1.0}) == {"a": 1.0}  # remembered
        memo.check(store.db)  # nothing changed: kept
        assert memo.remember("k", lambda: {"b": 1.0}) == {"a": 1.0}
        ingest_records(store, [rec("Q", ["Ana Zhang"], "9")])
        memo.check(store.db)
        assert memo.remember("k", lambda: {"b": 1.0}) == {"b": 1.0}
        assert memo.word_rows(store.db, ["zhang"], 3) == {"zhang": 2}
    finally:
        store.close()


def test_tokens_read_by_author_or_by_word_answer_alike(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The other tokens of the authors found so far, read through ``name_tokens_author`` or
    word by word, give the same answers (initials, prefixes, typos, several words)."""
    store = SQLiteStore(tmp_path / "graphsvc.sqlite3")
    try:
        given = ["Jo", "John", "Joan", "Jon", "Jorge", "Ana", "Anna", "J."]
        sur = ["Smith", "Smithers", "Smyth", "Jones", "Johnson"]
        ingest_records(store, [rec(f"P{i}{j}", [f"{g} {s}", f"{given[(i + 1) % 7]} {s}"],
                                   f"{i}-{j}")
                               for i, g in enumerate(given) for j, s in enumerate(sur)])
        queries = ["Smith Jo", "J. Smith", "Smith J", "Jo Smi", "Jones A", "A. Jones",
                   "Johnson", "Smiht John", "Ana", "J Smyth", "smith", "Jorge Johnson"]

        def answers() -> list[list[dict[str, object]]]:
            return [store.search_authors(q, limit=50) for q in queries]

        by_word = answers()
        assert store._author_index()
        monkeypatch.setattr(store, "_by_author", lambda alive, words: True)
        assert answers() == by_word
        monkeypatch.setattr(store, "_by_author", lambda alive, words: False)
        monkeypatch.setattr(store, "_author_index", lambda: False)
        assert answers() == by_word
        assert sum(map(len, by_word)) > 20
    finally:
        store.close()
