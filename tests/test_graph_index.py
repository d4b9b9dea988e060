"""The persisted graph index: written next to the store, mapped, appended to, checked."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from graphsvc.graph import native
from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.index import CSR_FIELDS, MEM_FIELDS, GraphIndex
from graphsvc.graph.service import GraphService, memberships_from_arrays
from graphsvc.identity import overrides
from graphsvc.ingest import ingest, ingest_records
from graphsvc.model import RawAuthor, Record
from graphsvc.store.sqlite import SQLiteStore

DBLP = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"


def rec(title: str, authors: list[str], ref: str, year: int = 2021) -> Record:
    return Record(title=title, authors=[RawAuthor(a) for a in authors], source_ref=ref,
                  year=year, ids={}, doi=None, source="test", venue=None)


@pytest.fixture
def store(tmp_path: Path):
    s = SQLiteStore(tmp_path / "graphsvc.sqlite3")
    ingest(s, [DBLP])
    yield s
    s.close()


def fresh_scan(store: SQLiteStore) -> Memberships:
    return memberships_from_arrays(store.memberships_arrays())


def same_memberships(a: Memberships, b: Memberships) -> None:
    for name in MEM_FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def same_graph(a: CoauthorGraph, b: CoauthorGraph) -> None:
    for name in CSR_FIELDS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.excluded_papers == b.excluded_papers


def test_a_new_process_maps_the_index_the_first_one_wrote(store: SQLiteStore) -> None:
    g1 = GraphService(store).graph()
    folder = GraphIndex(store.path).folder(store.generation())
    assert (folder / "manifest.json").is_file() and (folder / "csr-100" / "indptr.npy").is_file()
    svc2 = GraphService(store)
    g2 = svc2.graph()
    for arr in (g2.indices, g2.memberships.paper_members):  # views of a file mapping
        assert isinstance(arr.base, np.memmap) and not arr.flags.writeable
    same_graph(g2, CoauthorGraph.build(fresh_scan(store)))
    same_graph(g1, g2)
    a, b = (int(g2.author_ids[g2.indices[0]]), int(g2.author_ids[0]))
    assert svc2.path(a, b)["length"] == 1


def snapshot_calls(store: SQLiteStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the ``after_paper`` of every ``graph_snapshot`` the store is asked for."""
    calls: list[int] = []
    real = store.graph_snapshot

    def spy(after_paper: int = 0, after_author: int = 0):  # type: ignore[no-untyped-def]
        calls.append(after_paper)
        return real(after_paper, after_author)

    monkeypatch.setattr(store, "graph_snapshot", spy)
    return calls


def test_appended_papers_update_the_index_without_a_full_scan(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    GraphService(store).graph()
    names = store.author_names([1, 2])
    ingest_records(store, [rec("A new joint paper", [names[1], "Zed Newcomer"], "t:1"),
                           rec("Another one", ["Zed Newcomer", "Ya Other"], "t:2", 0)])
    calls = snapshot_calls(store, monkeypatch)
    bases: list[int] = []
    build = native.build_arrays

    def spy(*args, **kw):  # type: ignore[no-untyped-def]
        bases.append(-1 if args[7] is None else args[7][0])
        return build(*args, **kw)

    monkeypatch.setattr(native, "build_arrays", spy)
    g = GraphService(store).graph()
    assert calls and all(c > 0 for c in calls)  # only rows after the indexed papers were read
    # the new graph copied the untouched rows of the old generation's (C build)
    assert bases == [g.n_papers - 2]
    same_memberships(g.memberships, fresh_scan(store))
    same_graph(g, CoauthorGraph.build(fresh_scan(store)))
    assert GraphService(store).path(names[1], "Ya Other")["length"] == 2


def test_a_late_join_of_a_new_author_still_appends(
    store: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ingest's late join moves its new papers' rows from its new author to a known one:
    nothing the index holds changes, so the index appends (a merge of known authors does not,
    below)."""
    GraphService(store).graph()
    names = store.author_names([1, 2])
    ingest_records(store, [rec("Fresh paper", [names[1], "Zed Newcomer"], "t:1"),
                           rec("Fresh again", ["Zed Newcomer", "Ya Other"], "t:2")])
    source = int(store.db.execute("SELECT id FROM authors WHERE name = 'Zed Newcomer'")
                 .fetchone()[0])

    def join(tx):  # type: ignore[no-untyped-def]
        tx.move_authorships(tx.authorships(source), 1)
        tx.delete_author(source)
        tx.refresh([1, source])

    store.identity_write(join)
    calls = snapshot_calls(store, monkeypatch)
    g = GraphService(store).graph()
    assert calls and all(c > 0 for c in calls)
    same_memberships(g.memberships, fresh_scan(store))
    same_graph(g, CoauthorGraph.build(fresh_scan(store)))
    assert source not in g.author_ids.tolist()


def test_a_merge_rebuilds_from_a_full_scan(store: SQLiteStore, monkeypatch) -> None:
    g0 = GraphService(store).graph()
    a, b = int(g0.author_ids[0]), int(g0.author_ids[5])
    overrides.merge(store, a, b, who="test", why="same person", force=True)
    calls = snapshot_calls(store, monkeypatch)
    g = GraphService(store).graph()
    assert calls[-1] == 0
    same_memberships(g.memberships, fresh_scan(store))
    assert b not in g.author_ids.tolist()


@pytest.mark.parametrize("damage", ["truncate", "flip", "manifest", "generation"])
def test_a_damaged_or_stale_index_is_rebuilt_not_trusted(store: SQLiteStore, damage: str) -> None:
    GraphService(store).graph()
    folder = GraphIndex(store.path).folder(store.generation())
    target = folder / "csr-100" / "indices.npy"
    data = bytearray(target.read_bytes())
    if damage == "truncate":
        target.write_bytes(data[:-8])
    elif damage == "flip":
        data[-5] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "manifest":
        (folder / "manifest.json").write_text("{not json")
    else:  # an index written for another generation, renamed by hand
        m = json.loads((folder / "manifest.json").read_text())
        m["generation"] -= 1
        (folder / "manifest.json").write_text(json.dumps(m))
    g = GraphService(store).graph()
    same_graph(g, CoauthorGraph.build(fresh_scan(store)))
    assert GraphService(store).graph().indices.size == g.indices.size  # written again, sound


def test_an_index_of_another_store_is_not_trusted(tmp_path: Path) -> None:
    s = SQLiteStore(tmp_path / "graphsvc.sqlite3")
    ingest(s, [DBLP])
    GraphService(s).graph()
    s.close()
    (tmp_path / "graphsvc.sqlite3").unlink()  # the same file name, a new store
    s = SQLiteStore(tmp_path / "graphsvc.sqlite3")
    ingest_records(s, [rec("Only paper", ["Ann One", "Bob Two"], "t:1")] * 1)
    try:
        g = GraphService(s).graph()
        assert g.n == 2 and g.n_edges == 1
    finally:
        s.close()


def test_an_unwritable_data_dir_still_answers(store: SQLiteStore, monkeypatch) -> None:
    def refuse(*a, **k):  # type: ignore[no-untyped-def]
        raise OSError("read-only file system")

    monkeypatch.setattr("graphsvc.graph.index.tempfile.mkdtemp", refuse)
    g = GraphService(store).graph()
    same_graph(g, CoauthorGraph.build(fresh_scan(store)))
