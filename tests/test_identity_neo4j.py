"""Identity overrides, explanations and duplicate listings on the Neo4j store.

Without a server: the recording fake runner of tests/test_store_neo4j.py checks that a merge,
split or undo is one write transaction of shipped Cypher files with values only as parameters,
and that result rows become the same answers as the embedded store's. With a server
(``GRAPHSVC_NEO4J_URI`` and ``GRAPHSVC_NEO4J_TEST_WIPE=1``): the same overrides on both stores
give the same answers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graphsvc.config import Settings
from graphsvc.graph.service import GraphService
from graphsvc.identity import overrides
from graphsvc.identity.conflation import conflation
from graphsvc.identity.duplicates import find_duplicates
from graphsvc.identity.explain import explain
from graphsvc.ingest import ingest_records
from graphsvc.store.base import IdentityStore
from graphsvc.store.cypher import load, names
from graphsvc.store.neo4j import SCHEMA, Neo4jStore
from graphsvc.store.sqlite import SQLiteStore
from tests.helpers import require_neo4j
from tests.test_overrides import RECORDS
from tests.test_store_contract import answers
from tests.test_store_neo4j import RecordingRunner, assert_values_only_as_parameters

AUTHORS = {
    1: {"id": 1, "name": "Pascal Vincent", "key": "vincent|pascal"},
    2: {"id": 2, "name": "P. Vincent", "key": "vincent|p"},
}
SHIPS = {
    1: [{"paper": 10, "position": 0, "raw_name": "Pascal Vincent", "source": "dblp"}],
    2: [{"paper": 20, "position": 0, "raw_name": "P. Vincent", "source": "bibtex"},
        {"paper": 21, "position": 1, "raw_name": "Vincent, P.", "source": "bibtex"}],
}
VARIANTS = {
    1: [{"name": "Pascal Vincent", "source": "dblp", "key": "vincent|pascal",
         "sig": "vincent|p", "initials_only": False, "count": 1}],
    2: [{"name": "P. Vincent", "source": "bibtex", "key": "vincent|p", "sig": "vincent|p",
         "initials_only": True, "count": 1},
        {"name": "Vincent, P.", "source": "bibtex", "key": "vincent|p", "sig": "vincent|p",
         "initials_only": True, "count": 1}],
}


def by_id(table: dict[int, Any], default: Any = None) -> Any:
    return lambda params: list(table.get(params["id"], default or []))


def world(**extra: Any) -> tuple[Neo4jStore, RecordingRunner, dict[str, Any]]:
    """A fake server holding two authors, answering like a real one would."""
    created: dict[str, Any] = {}

    def create(params: dict[str, Any]) -> list[dict[str, Any]]:
        created.update(params)
        return []

    def get(params: dict[str, Any]) -> list[dict[str, Any]]:
        if not created or params["id"] != created["id"]:
            return []
        return [{**{k: created[k] for k in ("id", "kind", "subject", "object", "payload", "who",
                                            "when", "why")}, "active": True, "undone_who": None,
                 "undone_when": None, "undone_why": None}]

    answers_: dict[str, Any] = {
        "identity_author_row": lambda p: [AUTHORS[p["id"]]] if p["id"] in AUTHORS else [],
        "identity_authorships": by_id(SHIPS),
        "identity_variants": by_id(VARIANTS),
        "identity_external_ids": by_id({2: [{"kind": "orcid", "value": "0000-0002"}]}),
        "identity_evidence": by_id({2: [{"variant": "Vincent, P.", "rule": "same match key",
                                         "detail": "vincent|p"}]}),
        "identity_duplicates": by_id({2: [{"a": 1, "b": 2, "reason": "initials", "score": 0.5}]}),
        "identity_shared_papers": [],
        "next_ids": [{"next_author": 3, "next_paper": 22}],
        "get_meta": [],
        "override_next_id": [{"id": 7}],
        "override_create": create,
        "override_get": get,
        "override_later": [],
        **extra,
    }
    runner = RecordingRunner(answers_)
    return Neo4jStore(runner), runner, created


def test_identity_files_are_shipped_and_the_store_keeps_overrides():
    files = set(names())
    for name in ("identity_move_authored", "identity_build_edges", "identity_drop_edges",
                 "identity_delete_author", "override_create", "override_list", "override_undo",
                 "override_aliases", "identity_name_keys", "identity_paper_coauthors"):
        assert name in files and load(name).text
    assert "schema_override_id" in SCHEMA and "IF NOT EXISTS" in load("schema_override_id").text
    store, _, _ = world()
    assert isinstance(store, IdentityStore)


def test_merge_is_one_write_transaction_of_shipped_statements():
    store, runner, created = world()
    got = overrides.merge(store, 1, 2, who="ada", why="same person")
    assert runner.transactions == ["w"] and all(c.in_tx for c in runner.calls)
    assert {c.routing for c in runner.calls} == {"w"}
    writes = [c.name for c in runner.calls if not c.name.startswith(("identity_author_row",
                                                                      "identity_authorships",
                                                                      "identity_variants",
                                                                      "identity_external",
                                                                      "identity_evidence",
                                                                      "identity_duplicates",
                                                                      "identity_shared",
                                                                      "next_ids", "get_meta",
                                                                      "override_get",
                                                                      "override_next_id"))]
    assert writes == [
        "identity_move_authored", "write_variants", "write_variant_counts",
        "identity_drop_empty_variants", "identity_move_ids", "write_evidence",
        "identity_drop_duplicates", "identity_delete_author", "write_author_counts",
        "identity_drop_edges", "identity_build_edges", "set_meta", "set_meta", "override_create",
    ]
    move = runner.one("identity_move_authored").params
    assert move == {"target": 1, "rows": [{"paper": 20, "position": 0},
                                          {"paper": 21, "position": 1}]}
    variants = runner.one("write_variants").params["rows"]
    assert [(v["author"], v["name"], v["key"], v["tokens"]) for v in variants] == [
        (1, "P. Vincent", "vincent|p", ["p", "vincent"]),
        (1, "Vincent, P.", "vincent|p", ["vincent", "p"])]
    assert runner.one("identity_move_ids").params == {
        "target": 1, "rows": [{"kind": "orcid", "value": "0000-0002"}]}
    assert runner.one("write_evidence").params["rows"] == [
        {"author": 1, "variant": "Vincent, P.", "rule": "same match key", "detail": "vincent|p"}]
    assert runner.one("identity_delete_author").params == {"id": 2}
    assert runner.one("identity_build_edges").params == {"ids": [1, 2]}
    metas = [c.params for c in runner.calls if c.name == "set_meta"]
    assert metas[0]["key"] == "generation"
    assert metas[1] == {"key": "reserved_author_id", "value": "2"}
    assert (created["kind"], created["subject"], created["object"], created["who"],
            created["why"]) == ("merge", 2, 1, "ada", "same person")
    payload = json.loads(created["payload"])
    assert payload["authorships"] == [[20, 0], [21, 1]] and payload["max_paper"] == 21
    assert payload["duplicates"] == [[1, 2, "initials", 0.5]]
    assert got["id"] == 7 and got["active"] is True and got["payload"] == payload
    assert_values_only_as_parameters(runner)


def test_merge_refusals_stop_before_any_write():
    store, runner, _ = world(identity_shared_papers=[{"id": 20}])
    with pytest.raises(Exception, match="co-authors of 1 paper"):
        overrides.merge(store, 1, 2)
    assert not [c for c in runner.calls if c.name.startswith(("write_", "override_create"))]


def payload_of_merge() -> dict[str, Any]:
    return {
        "target": 1, "source": 2, "source_author": AUTHORS[2], "target_author": AUTHORS[1],
        "authorships": [[20, 0], [21, 1]], "papers": 2,
        "variants": [[v["name"], v["source"], v["key"], v["sig"], v["initials_only"],
                      v["count"]] for v in VARIANTS[2]],
        "source_names": ["P. Vincent", "Vincent, P."], "target_names": ["Pascal Vincent"],
        "ids": [["orcid", "0000-0002"]],
        "evidence": [["Vincent, P.", "same match key", "vincent|p"]],
        "evidence_added": [["Vincent, P.", "same match key"]],
        "duplicates": [[1, 2, "initials", 0.5]], "max_paper": 21, "forced": False,
    }


def test_undo_of_a_merge_moves_back_what_moved():
    merged_ships = {1: SHIPS[1] + SHIPS[2]}
    override = {"id": 7, "kind": "merge", "subject": 2, "object": 1,
                "payload": json.dumps(payload_of_merge()), "who": "ada", "when": "t", "why": "",
                "active": True, "undone_who": None, "undone_when": None, "undone_why": None}
    rows = {1: [AUTHORS[1]]}

    def write_authors(params: dict[str, Any]) -> list[dict[str, Any]]:
        for r in params["rows"]:
            rows[r["id"]] = [{"id": r["id"], "name": r["name"], "key": r["key"]}]
        return []

    store, runner, _ = world(
        identity_author_row=by_id(rows),
        write_authors=write_authors,
        identity_authorships=by_id(merged_ships),
        identity_variants=by_id({1: VARIANTS[1] + [{**v, "count": 1} for v in VARIANTS[2]]}),
        identity_external_ids=by_id({1: [{"kind": "orcid", "value": "0000-0002"}]}),
        override_get=[override],
    )
    overrides.undo(store, 7, who="bob", why="wrong")
    assert runner.transactions == ["w"]
    assert runner.one("write_authors").params["rows"] == [
        {"id": 2, "name": "P. Vincent", "sort_name": "p. vincent", "key": "vincent|p"}]
    assert runner.one("identity_move_authored").params == {
        "target": 2, "rows": [{"paper": 20, "position": 0}, {"paper": 21, "position": 1}]}
    assert runner.one("identity_move_ids").params["target"] == 2
    assert runner.one("identity_drop_evidence").params == {
        "id": 1, "rows": [{"variant": "Vincent, P.", "rule": "same match key"}]}
    assert runner.one("write_duplicates").params["rows"] == [[1, 2, "initials", 0.5]]
    undo = runner.one("override_undo").params
    assert (undo["id"], undo["who"], undo["why"]) == (7, "bob", "wrong") and undo["when"]
    assert_values_only_as_parameters(runner)


def test_split_creates_the_author_after_the_highest_id_ever_used():
    store, runner, created = world(get_meta=lambda p: [{"value": "9"}]
                                   if p["key"] == "reserved_author_id" else [])
    got = overrides.split(store, 2, [21])
    assert got["kind"] == "split" and created["subject"] == 10 and created["object"] == 2
    assert runner.one("write_authors").params["rows"][0]["id"] == 10
    assert runner.one("identity_move_authored").params == {
        "target": 10, "rows": [{"paper": 21, "position": 1}]}
    counts = [c.params["rows"] for c in runner.calls if c.name == "write_variant_counts"]
    assert counts == [[{"author": 2, "name": "Vincent, P.", "source": "bibtex"}],
                      [{"author": 10, "name": "Vincent, P.", "source": "bibtex"}]]
    assert runner.one("identity_build_edges").params == {"ids": [2, 10]}
    assert_values_only_as_parameters(runner)


def test_reads_map_like_the_embedded_store():
    row = {"id": 3, "kind": "split", "subject": 9, "object": 4, "payload": "{\"papers\": [1]}",
           "who": "ada", "when": "t", "why": "w", "active": False, "undone_who": "bob",
           "undone_when": "u", "undone_why": "v"}
    runner = RecordingRunner({
        "override_list": [{"total": 4, "page": [row]}],
        "override_aliases": [{"alias": 9, "target": 4}],
        "identity_name_keys": [{"chunk": [[1, "vincent|p", True]]}],
        "identity_duplicates": [{"a": 1, "b": 2, "reason": "r", "score": 0.5}],
        "identity_coauthor_sets": [{"author": 1, "others": [5, 6]}],
        "identity_venue_sets": [{"author": 1, "venues": ["ICML"]}],
        "identity_external_id_sets": [{"author": 2, "kind": "orcid", "value": "x"}],
        "identity_paper_coauthors": [{"paper": 1, "year": 2001, "venue": "V", "counted": True,
                                      "others": [5]}],
        "identity_prolific": [{"id": 1}],
    })
    store = Neo4jStore(runner)
    total, rows = store.overrides(author=4, limit=1, offset=2)
    assert total == 4 and rows[0]["payload"] == {"papers": [1]}
    assert rows[0]["undone"] == {"who": "bob", "when": "u", "why": "v"}
    assert runner.one("override_list").params == {"author": 4, "offset": 2, "limit": 1}
    assert store.alias_rows() == [(9, 4)]
    assert list(store.name_keys()) == [(1, "vincent|p", True)]
    assert runner.transactions == ["r"]
    assert store.stored_duplicates() == [(1, 2, "r", 0.5)]
    assert runner.one("identity_duplicates").params == {"id": None}
    assert store.coauthor_sets([1, 2]) == {1: {5, 6}, 2: set()}
    assert store.venue_sets([1]) == {1: {"ICML"}}
    assert store.external_id_sets([1, 2]) == {1: [], 2: [("orcid", "x")]}
    assert store.paper_coauthors(1) == [(1, 2001, "V", True, [5])]
    assert store.prolific_authors(5, 10) == [1]
    assert runner.one("identity_prolific").params == {"min_papers": 5, "limit": 10}
    assert {c.routing for c in runner.calls if not c.in_tx} == {"r"}


def test_listings_and_explain_run_on_the_neo4j_store():
    """The identity logic is store-agnostic: the same functions over the Neo4j store's reads."""
    runner = RecordingRunner({
        "identity_name_keys": [{"chunk": [[1, "vincent|pascal", False],
                                          [2, "vincent|p", True]]}],
        "identity_duplicates": [],
        "author_summaries": lambda p: [{"id": i, "name": AUTHORS.get(i, {"name": f"A{i}"})[
            "name"], "papers": 1} for i in p["ids"]],
        "identity_coauthor_sets": lambda p: [{"author": i, "others": [5] if i in (1, 2) else [1]}
                                             for i in p["ids"]],
        "identity_venue_sets": [],
        "identity_external_id_sets": [],
        "author": [{"id": 1, "name": "Pascal Vincent", "key": "vincent|pascal", "papers": 1,
                    "variants": [{"name": "Pascal Vincent", "source": "dblp", "count": 1}],
                    "ids": []}],
        "identity_evidence": [],
        "override_list": [{"total": 0, "page": []}],
        "override_aliases": [],
        "identity_paper_coauthors": [{"paper": 1, "year": 2001, "venue": "V", "counted": True,
                                      "others": [5]}],
    })
    store = Neo4jStore(runner)
    dup = find_duplicates(store)
    assert [(p["a"]["id"], p["b"]["id"], p["shared_coauthors"]) for p in dup["pairs"]] == [
        (1, 2, 1)]
    ex = explain(store, 1)
    assert ex["variants"][0]["joined_by"][0]["rule"] == "the author's own name"
    assert conflation(store, 1)["flagged"] is False
    assert_values_only_as_parameters(runner)


# -- against a real server -------------------------------------------------------------------------
@pytest.mark.neo4j
def test_overrides_give_the_same_answers_on_both_stores(tmp_path: Path):
    require_neo4j()
    neo = Neo4jStore.from_settings(Settings.from_env(store="neo4j"))
    neo.wipe()
    neo.init_schema()
    ref = SQLiteStore(tmp_path / "ref.sqlite3")
    try:
        for s in (neo, ref):
            ingest_records(s, RECORDS)
        before = answers(ref)
        assert answers(neo) == before
        for s in (neo, ref):
            svc = GraphService(s)
            svc.merge("Pascal Vincent", "P. Vincent", who="t")
        assert answers(neo) == answers(ref)
        for s in (neo, ref):
            svc = GraphService(s)
            svc.split("Pascal Vincent", ["ref:a.bib#5"], who="t")
        assert answers(neo) == answers(ref)
        for s in (neo, ref):
            svc = GraphService(s)
            svc.unmerge(2)
            svc.unmerge(1)
        assert answers(neo) == answers(ref) == {**before, "next_ids": answers(ref)["next_ids"]}
    finally:
        neo.close()
        ref.close()
