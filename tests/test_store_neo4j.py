"""The Neo4j store without a server: a recording fake runner checks which Cypher file each
method runs, with which parameters and routing, and how result rows become the store's answers.
The real driver is used only to check that an unreachable server fails fast and clearly."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graphsvc.config import Settings
from graphsvc.errors import AuthorNotFound, InvalidQuery, NoPath, StoreCorrupt, StoreUnavailable
from graphsvc.ingest import ingest_records
from graphsvc.model import RawAuthor, Record
from graphsvc.store import open_store
from graphsvc.store.base import AuthorCandidate, Batch, GraphStore, PaperCandidate
from graphsvc.store.cypher import load, names
from graphsvc.store.neo4j import SCHEMA, Neo4jStore, _tokens, batch_statements, cmd_init_store
from graphsvc.store.neo4j_native import MAX_HOPS, lucene_query
from graphsvc.store.runner import RoutingControl
from graphsvc.store.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parents[1]
HOSTILE = "Robert'); MATCH (n) DETACH DELETE n //"
Answer = list[dict[str, Any]] | Callable[[dict[str, Any]], list[dict[str, Any]]]


# -- the recording fake ---------------------------------------------------------------------------
@dataclass
class Call:
    name: str
    text: str
    params: dict[str, Any]
    routing: str  # "r", "w", or "auto" (auto-commit, for CALL { } IN TRANSACTIONS)
    database: str
    in_tx: bool


class RecordingRunner:
    """A ``QueryRunner`` that records every statement and answers from canned rows."""

    def __init__(self, answers: dict[str, Answer] | None = None, database: str = "graphdb"):
        self.database = database
        self.answers: dict[str, Answer] = dict(answers or {})
        # a server finds every author a batch names (write_batch returns them in its order)
        self.answers.setdefault("write_batch", lambda p: [
            {"ids": [*p["old"], *(r["id"] for r in p["authors"])]}])
        self.calls: list[Call] = []
        self.transactions: list[str] = []
        self.closed = False

    def _answer(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        got = self.answers.get(name, [])
        return got(params) if callable(got) else copy.deepcopy(got)

    def _record(self, q: Any, params: Any, routing: str, in_tx: bool) -> list[dict[str, Any]]:
        p = dict(params or {})
        self.calls.append(Call(q.name, q.text, p, routing, self.database, in_tx))
        return self._answer(q.name, p)

    def execute_query(self, q: Any, params: Any = None, *,
                      routing: RoutingControl = RoutingControl.READ) -> list[dict[str, Any]]:
        return self._record(q, params, routing.value, False)

    def execute_write(self, work: Callable[[Any], Any]) -> Any:
        self.transactions.append("w")
        return work(_FakeTx(self, "w"))

    def execute_read(self, work: Callable[[Any], Any]) -> Any:
        self.transactions.append("r")
        return work(_FakeTx(self, "r"))

    def run_autocommit(self, q: Any, params: Any = None) -> None:
        self._record(q, params, "auto", False)

    def close(self) -> None:
        self.closed = True

    def names(self) -> list[str]:
        return [c.name for c in self.calls]

    def one(self, name: str) -> Call:
        got = [c for c in self.calls if c.name == name]
        assert len(got) == 1, (name, self.names())
        return got[0]


class _FakeTx:
    def __init__(self, runner: RecordingRunner, routing: str) -> None:
        self.runner = runner
        self.routing = routing

    def run(self, q: Any, params: Any = None) -> list[dict[str, Any]]:
        return self.runner._record(q, params, self.routing, True)

    def stream(self, q: Any, params: Any = None) -> Any:
        for row in self.run(q, params):
            yield tuple(row.values())


def strings(value: Any) -> list[str]:
    """Every string inside a parameter value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in strings(v)]
    return []


def assert_values_only_as_parameters(runner: RecordingRunner) -> None:
    for c in runner.calls:
        assert c.text == load(c.name).text, c.name  # the text is exactly the shipped file
        for s in strings(c.params):
            if len(s) >= 4:
                assert s not in c.text, (c.name, s)


def store_with(answers: dict[str, Answer] | None = None) -> tuple[Neo4jStore, RecordingRunner]:
    runner = RecordingRunner(answers)
    return Neo4jStore(runner), runner


# -- the Cypher files -----------------------------------------------------------------------------
def test_every_file_loads_and_is_shipped_at_the_top_level_too():
    files = names()
    assert len(files) > 40 and "author" in files and "write_batch" in files
    top = sorted(p.stem for p in (ROOT / "cypher").glob("*.cypher"))
    assert top == files
    for name in files:
        q = load(name)
        assert q.name == name and q.text.strip()
        assert "//" not in q.text.splitlines()[0]  # comments are stripped
    with pytest.raises(ValueError):
        load("../pyproject")


def test_every_schema_statement_is_idempotent():
    for name in SCHEMA:
        assert "IF NOT EXISTS" in load(name).text, name


def test_hop_bound_in_files_matches_the_code():
    for name in ("distance", "shortest_paths", "count_shortest_paths", "shortest_paths_counted"):
        assert f"*..{MAX_HOPS}]" in load(name).text, name


def _clause(lines: list[str], i: int) -> str:
    """Line ``i`` and its more-indented continuation lines."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    out = [lines[i]]
    for line in lines[i + 1:]:
        if len(line) - len(line.lstrip()) <= indent:
            break
        out.append(line)
    return " ".join(out)


def test_created_relationships_join_nodes_that_are_in_scope():
    """A node variable dropped by a WITH and then used in CREATE/MERGE would silently create a
    new empty node: valid Cypher the linter cannot flag, so check it here."""
    checked = 0
    for name in names():
        lines = load(name).text.splitlines()
        for i, line in enumerate(lines):
            if not line.strip().startswith(("CREATE (", "MERGE (")):
                continue
            bare = re.findall(r"\((\w+)\)", _clause(lines, i))
            for j in range(i - 1, -1, -1):
                if lines[j].strip().startswith("WITH "):
                    scope = " ".join(_clause(lines, k) for k in range(j, i))
                    for v in bare:
                        assert re.search(rf"\b{v}\b", scope), (name, v)
                        checked += 1
                    break
    assert checked >= 4


def test_store_implements_the_protocol():
    store, _ = store_with()
    assert isinstance(store, GraphStore)


# -- reads: files, parameters, routing, mapping ---------------------------------------------------
def test_reads_route_to_readers_of_the_configured_database():
    store, runner = store_with({
        "get_meta": [{"value": "42"}],
        "next_ids": [{"next_author": 7, "next_paper": 3}],
        "author_by_external": [{"id": 5}],
        "paper_by_external": [],
        "counts": [{"authors": 3, "papers": 2, "ties": 0, "edges": 1, "excluded_papers": 0}],
    })
    assert store.generation() == 42
    assert store.next_ids() == (7, 3)
    assert store.author_by_external("orcid", HOSTILE) == 5
    assert store.paper_by_external("doi", HOSTILE) is None
    assert store.counts() == {"authors": 3, "papers": 2, "ties": 0, "edges": 1,
                              "excluded_papers": 0}
    assert runner.names() == ["get_meta", "next_ids", "author_by_external", "paper_by_external",
                              "counts"]
    assert {(c.routing, c.database) for c in runner.calls} == {("r", "graphdb")}
    assert runner.one("author_by_external").params == {"kind": "orcid", "value": HOSTILE}
    assert_values_only_as_parameters(runner)


def test_author_detail_mapping():
    store, runner = store_with({"author": [{
        "id": 1, "name": "Ada Lovelace", "key": "lovelace|ada", "papers": 3,
        "variants": [{"name": "Ada Lovelace", "source": "dblp", "count": 2},
                     {"name": "A. Lovelace", "source": "bibtex", "count": 1}],
        "ids": [{"kind": "orcid", "value": "0000-0001"}],
    }]})
    got = store.author(1)
    assert got == {
        "id": 1, "name": "Ada Lovelace", "key": "lovelace|ada", "papers": 3,
        "variants": [{"name": "Ada Lovelace", "source": "dblp", "count": 2},
                     {"name": "A. Lovelace", "source": "bibtex", "count": 1}],
        "ids": [{"kind": "orcid", "value": "0000-0001"}],
    }
    assert runner.one("author").params == {"id": 1}
    runner.answers["author"] = []
    assert store.author(99) is None


def test_identity_candidates_mapping():
    rows = [{"id": 2, "key": "lovelace|a", "initials_only": True,
             "ids": [["node", "ca-GrQc:7"], ["orcid", "0000-0002"]]}]
    store, runner = store_with({"authors_by_key": rows, "authors_by_sig": rows,
                                "shared_coauthors": [{"id": 9}, {"id": 3}]})
    want = [AuthorCandidate(2, "lovelace|a", True,
                            {"node:ca-GrQc": "ca-GrQc:7", "orcid": "0000-0002"})]
    assert store.authors_by_key("lovelace|a") == want
    assert store.authors_by_signature("lovelace|a") == want
    assert store.shared_coauthors(1, [3, 9]) == [3, 9]
    assert store.shared_coauthors(1, []) == []
    assert runner.names() == ["authors_by_key", "authors_by_sig", "shared_coauthors"]
    assert runner.one("shared_coauthors").params == {"author": 1, "others": [3, 9]}


def test_papers_by_title_and_papers_mapping():
    store, runner = store_with({
        "papers_by_title": [{"id": 4, "ids": [["dblp", "k/1"], ["doi", "10.1/x"]],
                             "sigs": ["lovelace|a", "babbage|c"]}],
        "papers": [{"id": 5, "title": "B", "year": None, "venue": None, "doi": None,
                    "source_id": "ref:x.bib#2"},
                   {"id": 4, "title": "A", "year": 2001, "venue": "V", "doi": "10.1/x",
                    "source_id": "dblp:k/1"}],
    })
    assert store.papers_by_title("graphs", None) == [
        PaperCandidate(4, {"dblp": "k/1", "doi": "10.1/x"}, ["lovelace|a", "babbage|c"])]
    assert runner.one("papers_by_title").params == {"title_key": "graphs", "year": None}
    got = store.papers([4, 6, 5])
    assert [p["id"] for p in got] == [4, 5]  # caller's order, unknown ids dropped
    assert got[0] == {"id": 4, "title": "A", "year": 2001, "venue": "V", "doi": "10.1/x",
                      "source_id": "dblp:k/1"}
    assert store.papers([]) == [] and runner.names().count("papers") == 1


def test_authors_by_name_includes_homonyms_only_for_plain_names():
    store, runner = store_with({"authors_by_name": [{"id": 3, "name": "Wei Liu", "papers": 9}]})
    assert store.authors_by_name("Wei Liu") == [{"id": 3, "name": "Wei Liu", "papers": 9}]
    assert store.authors_by_name("Wei Liu 0014") == [{"id": 3, "name": "Wei Liu", "papers": 9}]
    plain, numbered = (c.params for c in runner.calls)
    assert plain == {"key": "liu|wei", "with_homonyms": True, "homonym_prefix": "liu|wei#"}
    assert numbered["key"] == "liu|wei#0014" and numbered["with_homonyms"] is False
    assert store.authors_by_name("!!") == [] and len(runner.calls) == 2


def test_memberships_arrays_are_read_in_one_transaction_and_sorted():
    store, runner = store_with({
        "memberships_authors": [{"id": 3}, {"id": 1}, {"id": 2}],
        "memberships_papers": [{"id": 20, "year": 0, "tie": 1.5},
                               {"id": 10, "year": 2001, "tie": 0.0}],
        "memberships_authorships": [
            {"paper": 20, "position": 1, "author": 1}, {"paper": 10, "position": 1, "author": 2},
            {"paper": 20, "position": 0, "author": 3}, {"paper": 10, "position": 0, "author": 1},
        ],
    })
    arr = store.memberships_arrays()
    assert runner.transactions == ["r"] and all(c.in_tx for c in runner.calls)
    assert arr["author_ids"].tolist() == [1, 2, 3]
    assert arr["paper_ids"].tolist() == [10, 20]
    assert arr["paper_year"].tolist() == [2001, 0] and arr["paper_year"].dtype == np.int32
    assert arr["paper_tie"].tolist() == [0.0, 1.5]  # paper 20 is a tie (edge list, GML)
    assert arr["ship_paper"].tolist() == [10, 10, 20, 20]
    assert arr["ship_author"].tolist() == [1, 2, 3, 1]


def test_memberships_match_the_embedded_store_shape(tmp_path):
    sq = SQLiteStore(tmp_path / "g.sqlite3")
    ingest_records(sq, SAMPLE)
    want = sq.memberships_arrays()
    db = sq.db
    store, _ = store_with({
        "memberships_authors": [{"id": a} for (a,) in db.execute("SELECT id FROM authors")],
        "memberships_papers": [{"id": p, "year": y or 0, "tie": t or 0.0}
                               for p, y, t in db.execute("SELECT id, year, tie FROM papers")],
        "memberships_authorships": [
            {"paper": p, "position": pos, "author": a}
            for p, pos, a in db.execute("SELECT paper_id, position, author_id FROM authorships "
                                        "ORDER BY author_id DESC")],
    })
    got = store.memberships_arrays()
    assert set(got) == set(want)
    for k in want:
        assert got[k].tolist() == want[k].tolist() and got[k].dtype == want[k].dtype, k
    sq.close()


# -- writes ---------------------------------------------------------------------------------------
def rec(title, authors, ref, *, year=2020, ids=None, doi=None, source="test", venue=None):
    return Record(title=title, authors=[a if isinstance(a, RawAuthor) else RawAuthor(a)
                                        for a in authors],
                  source_ref=ref, year=year, ids=ids or {}, doi=doi, source=source, venue=venue)


SAMPLE = [
    rec("Graphs of science", ["Ada Lovelace", "Charles Babbage"], "a.bib#1", year=2001),
    rec("More graphs", ["Charles Babbage", "Ada Lovelace", "Mary Somerville"], "a.bib#2",
        year=2005),
    rec("Solo work", ["Mary Somerville"], "a.bib#3", year=2003),
]


def sample_batch() -> Batch:
    b = Batch()
    b.new_authors = [(1, "Ada Lovelace", "lovelace|ada"), (2, HOSTILE, "hostile|robert")]
    b.author_ids = [("orcid", "0000-0001", 1), ("orcid", "0000-0001", 2), ("dblp", "Ada", 1)]
    b.new_papers = [(10, "Graphs", "graphs", 2001, None, "10.1/x", 2, True, None),
                    (11, "More", "more", None, "V", None, 2, True, None)]
    b.paper_ids = [("doi", "10.1/x", 10), ("ref", "a.bib#2", 11), ("doi", "10.1/x", 11)]
    # Ada is "Ada Lovelace" from bibtex on paper 10 and from dblp on paper 11
    b.variants = [(1, "Ada Lovelace", "lovelace|ada", "lovelace|a", "bibtex", False),
                  (2, HOSTILE, "hostile|robert", "hostile|r", "bibtex", False),
                  (2, HOSTILE, "hostile|robert", "hostile|r", "dblp", False),
                  (1, "Ada Lovelace", "lovelace|ada", "lovelace|a", "dblp", False)]
    b.authorships = [(10, 0, 1, "Ada Lovelace"), (10, 1, 2, HOSTILE),
                     (11, 0, 2, HOSTILE), (11, 1, 1, "Ada Lovelace")]
    b.provenance = [(10, "a.bib#1"), (11, "a.bib#2"), (10, "a.bib#1"), (10, "d.xml:3")]
    b.edges = {(1, 2): [2, 2.0, 2001, 2001]}
    b.evidence = [(1, "Ada Lovelace", "same key", "x"), (1, "Ada Lovelace", "same key", "y")]
    b.duplicates = [(1, 2, "initials", 0.5), (1, 2, "initials again", 0.7)]
    b.renames = [(1, "Ada King"), (1, "Augusta Ada King")]
    return b


def test_apply_batch_is_one_write_transaction_of_unwind_statements():
    store, runner = store_with()
    store.apply_batch(sample_batch())
    assert runner.transactions == ["w"]
    assert all(c.in_tx and c.routing == "w" and c.database == "graphdb" for c in runner.calls)
    # the bulk of a batch is one statement; what is rare in an ingest has its own
    assert runner.names() == [
        "get_meta", "write_batch", "write_author_ids", "write_duplicates", "write_renames",
        "set_meta", "set_meta",
    ]
    for c in runner.calls:
        if c.name.startswith(("write_", "create_", "add_")):
            assert "UNWIND $" in c.text, c.name
            assert not re.search(r"\+\s*1\b", c.text), c.name  # counters add the batch's rows
    assert_values_only_as_parameters(runner)
    # the token of the batch, checked first and recorded last: a retried transaction whose
    # commit went through writes nothing again
    token = runner.calls[-1].params
    assert runner.calls[0].params == {"key": "applied_batch"} and token["key"] == "applied_batch"
    assert runner.calls[-2].params == {"key": "generation", "value": token["value"]}


def test_a_retried_batch_that_committed_writes_nothing_again():
    applied: list[str] = []
    store, runner = store_with({
        "get_meta": lambda p: [{"value": applied[-1]}] if applied else [],
        "set_meta": lambda p: applied.append(p["value"]) or [],
    })
    b = sample_batch()
    token = "12345"
    steps = batch_statements(b, token)

    # what the driver's retry does after a commit it could not confirm: the same work again
    def work(tx: Any) -> None:
        done = tx.run(load("get_meta"), {"key": "applied_batch"})
        if done and done[0]["value"] == token:
            return
        for name, params in steps:
            tx.run(load(name), params)

    runner.execute_write(work)
    first = len(runner.calls)
    runner.execute_write(work)
    assert runner.names()[first:] == ["get_meta"]
    # apply_batch uses a fresh token per batch, so the next batch is written
    store.apply_batch(b)
    assert "write_batch" in runner.names()[first + 1:]


def test_a_batch_naming_a_missing_author_is_not_written():
    # the server found author 1 but not 2: the rows would name the wrong nodes by position
    store, runner = store_with({"write_batch": lambda p: [{"ids": [1, 3]}]})
    b = _old_author_batch()
    with pytest.raises(StoreCorrupt, match="1 author.* not in the store .first ids: .2.."):
        store.apply_batch(b)
    assert runner.names() == ["get_meta", "write_batch"]  # raised inside the transaction


def _old_author_batch() -> Batch:
    """A batch on a store that knows authors 1 and 2: author 3 is new."""
    b = Batch()
    b.new_authors = [(3, "Cy Young", "young|cy")]
    b.new_papers = [(12, "Third", "third", 2003, None, None, 3, True, None),
                    (13, "Tie", "", None, None, None, 2, True, 2.5)]
    b.variants = [(1, "A. Lovelace", "lovelace|a", "lovelace|a", "dblp", True),
                  (2, "Bob", "bob", "bob", "dblp", False),
                  (3, "Cy Young", "young|cy", "young|c", "dblp", False),
                  (1, "A. Lovelace", "lovelace|a", "lovelace|a", "dblp", True),
                  (2, "Bob", "bob", "bob", "dblp", False), (2, "Bob", "bob", "bob", "dblp", False)]
    b.authorships = [(12, 0, 1, "A. Lovelace"), (12, 1, 2, "Bob"), (12, 2, 3, "Cy Young"),
                     (13, 0, 1, "A. Lovelace"), (13, 1, 2, "Bob"), (9, 3, 2, "Bob")]
    b.provenance = [(12, "x.xml:1"), (9, "x.xml:2")]
    b.edges = {(1, 2): [1, 0.5, 2003, 2003], (1, 3): [1, 0.5, 2003, 2003],
               (2, 3): [1, 0.5, 0, 0]}
    b.ties = {(1, 2): 2.5}
    return b


def test_batch_counters_add_like_the_embedded_store():
    steps = dict(batch_statements(_old_author_batch(), "7"))
    w = steps["write_batch"]
    # authors are named by position: the known ones ascending, then the new ones
    assert w["old"] == [1, 2]
    # the new author: created with its count, search tokens and variants
    [cy] = w["authors"]
    assert (cy["id"], cy["papers"], cy["search"]) == (3, 1, "cy young")
    assert [(v["name"], v["count"]) for v in cy["variants"]] == [("Cy Young", 1)]
    # known authors: their variants count this batch's mentions; papers without the tie
    assert [(v["at"], v["author"], v["name"], v["count"]) for v in w["variants"]] == [
        (0, 1, "A. Lovelace", 2), (1, 2, "Bob", 3)]
    assert w["counts"] == [[0, 1, True], [1, 2, True]]
    # new papers carry their authorships (by position) and sources; a known paper's go the
    # MERGE way
    third = w["papers"][0]
    assert third["sources"] == ["x.xml:1"] and [a[0] for a in third["authors"]] == [0, 1, 2]
    assert steps["write_authorships"]["rows"] == [
        {"paper": 9, "position": 3, "author": 2, "raw_name": "Bob", "source": "dblp"}]
    assert steps["write_provenance"]["rows"] == [{"paper": 9, "refs": ["x.xml:2"]}]
    # edges of a new author are created, the others added to; unknown years are null
    assert w["new_edges"] == [[0, 2, 1, 0.5, 2003, 2003], [1, 2, 1, 0.5, None, None]]
    assert w["edges"] == [[0, 1, 1, 0.5, 2003, 2003]]
    assert steps["add_ties"]["rows"] == [[1, 2, 2.5]]


def test_batch_rows_resolve_conflicts_like_the_embedded_store():
    steps = dict(batch_statements(sample_batch(), "1"))
    w = steps["write_batch"]
    assert w["old"] == []
    # INSERT OR IGNORE: the first claim of an external id wins
    assert steps["write_author_ids"]["rows"] == [
        {"kind": "orcid", "value": "0000-0001", "author": 1},
        {"kind": "dblp", "value": "Ada", "author": 1}]
    papers = w["papers"]
    assert [(p["id"], p["ids"], p["new_ids"]) for p in papers] == [
        (10, [["doi", "10.1/x"]], []), (11, [["ref", "a.bib#2"]], [])]
    assert "write_paper_ids" not in steps  # every claim is a new paper's
    # every authorship carries the source of its variant row (same order per name)
    assert [(p["id"], a[0], a[3]) for p in papers for a in p["authors"]] \
        == [(10, 0, "bibtex"), (10, 1, "bibtex"), (11, 1, "dblp"), (11, 0, "dblp")]
    authors = w["authors"]
    assert {(v["author"], v["source"], v["count"]) for a in authors for v in a["variants"]} == {
        (1, "bibtex", 1), (1, "dblp", 1), (2, "bibtex", 1), (2, "dblp", 1)}
    ada = authors[0]["variants"][0]
    assert ada["tokens"] == ["ada", "lovelace"] and ada["initials_only"] is False
    assert [(a["id"], a["papers"], a["search"]) for a in authors] == [
        (1, 2, "ada lovelace"), (2, 2, " ".join(sorted(set(_tokens(HOSTILE)))))]
    assert [p["sources"] for p in papers] == [["a.bib#1", "d.xml:3"], ["a.bib#2"]]
    assert w["new_edges"] == [[0, 1, 2, 2.0, 2001, 2001]] and w["edges"] == []
    # a new author's evidence is created with it, the first detail kept
    assert [a["evidence"] for a in authors] == [[["Ada Lovelace", "same key", "x"]], []]
    assert w["evidence"] == []
    # INSERT OR REPLACE / sequential UPDATE: the last one wins
    assert steps["write_duplicates"]["rows"] == [[1, 2, "initials again", 0.7]]
    assert steps["write_renames"]["rows"] == [
        {"author": 1, "name": "Augusta Ada King", "sort_name": "augusta ada king"}]
    assert authors[1]["sort_name"] == HOSTILE.casefold()
    assert steps["set_meta"]["key"] == "applied_batch" and steps["set_meta"]["value"] == "1"


def test_known_papers_and_authors_take_the_merge_statements():
    b = _old_author_batch()
    b.paper_ids = [("dblp", "k/9", 9), ("dblp", "k/12", 12), ("doi", "10.1/y", 12)]
    b.fresh_paper_ids = {("doi", "10.1/y")}
    b.evidence = [(2, "Bob", "same key", "x"), (3, "Cy Young", "new", "")]
    steps = dict(batch_statements(b, "1"))
    assert steps["write_paper_ids"]["rows"] == [{"kind": "dblp", "value": "k/9", "paper": 9}]
    w = steps["write_batch"]
    # an id the ingest looked up and found free is created, another one merged
    assert w["papers"][0]["ids"] == [["dblp", "k/12"]]
    assert w["papers"][0]["new_ids"] == [["doi", "10.1/y"]]
    assert w["evidence"] == [[1, 2, "Bob", "same key", "x"]]
    assert w["authors"][0]["evidence"] == [["Cy Young", "new", ""]]


def test_provenance_only_batch_leaves_the_generation_alone():
    b = Batch()
    b.provenance = [(3, "again.bib#1")]
    b.paper_ids = [("dblp", "k/3", 3)]
    assert [(n, p.get("key")) for n, p in batch_statements(b, "1")] == [
        ("write_paper_ids", None), ("write_provenance", None), ("set_meta", "applied_batch")]
    store, runner = store_with()
    store.apply_batch(Batch())
    assert runner.calls == [] and runner.transactions == []


def test_rebuild_edges_runs_batched_auto_commit_statements():
    store, runner = store_with()
    store.rebuild_edges(3)
    assert runner.names() == ["rebuild_counted", "rebuild_edges", "set_meta", "set_meta"]
    assert runner.calls[0].routing == runner.calls[1].routing == "auto"
    assert "IN TRANSACTIONS" in runner.calls[0].text and "IN TRANSACTIONS" in runner.calls[1].text
    assert runner.calls[0].params == {"cap": 3}
    assert runner.calls[2].params == {"key": "max_team_size", "value": "3"}
    assert runner.calls[3].params["key"] == "generation"


def test_ingest_runs_and_skipped():
    store, runner = store_with({"start_run": [{"id": 4}]})
    assert store.start_run(["a.bib", "b.xml"], "2025-01-01T00:00:00+00:00") == 4
    store.record_skipped(4, [("a.bib:3", "bad", HOSTILE)])
    store.record_skipped(4, [])
    store.finish_run(4, "2025-01-01T00:01:00+00:00", "done", "{}")
    # runs whose lease ran out become interrupted before a new one starts (neo4j_runs.py)
    assert runner.names() == ["expire_runs", "start_run", "record_skipped", "finish_run"]
    assert runner.one("expire_runs").params == {"lease_ms": 60_000}
    start = runner.one("start_run").params
    assert start["paths"] == "a.bib\nb.xml" and len(start["uid"]) == 32
    assert runner.one("record_skipped").params["rows"] == [
        {"seq": 0, "source_ref": "a.bib:3", "reason": "bad", "detail": HOSTILE}]
    assert {c.routing for c in runner.calls} == {"w"}
    assert_values_only_as_parameters(runner)


def test_init_schema_and_cli_handler(monkeypatch, capsys):
    counts = [{"authors": 0, "papers": 0, "ties": 0, "edges": 0, "excluded_papers": 0}]
    runner = RecordingRunner({"counts": counts})
    monkeypatch.setattr("graphsvc.store.neo4j.connect", lambda settings: runner)
    settings = Settings(store="neo4j", neo4j_uri="bolt://db:7687")

    class Args:
        json = False

    assert cmd_init_store(Args(), settings) == 0  # type: ignore[arg-type]
    assert runner.names() == [*SCHEMA, "schema_await", "set_meta", "counts"]
    assert runner.calls[-2].params == {"key": "schema_version", "value": "1"}
    assert runner.closed
    assert "Neo4j schema ready at bolt://db:7687" in capsys.readouterr().out


def test_from_settings_sets_the_schema_up_only_once(monkeypatch):
    fresh = RecordingRunner({"get_meta": []})
    monkeypatch.setattr("graphsvc.store.neo4j.connect", lambda settings: fresh)
    Neo4jStore.from_settings(Settings(store="neo4j", neo4j_uri="bolt://db"))
    assert fresh.names()[1:len(SCHEMA) + 1] == list(SCHEMA)
    ready = RecordingRunner({"get_meta": [{"value": "1"}]})
    monkeypatch.setattr("graphsvc.store.neo4j.connect", lambda settings: ready)
    Neo4jStore.from_settings(Settings(store="neo4j", neo4j_uri="bolt://db"))
    assert ready.names() == ["get_meta"]


def test_schema_set_up_refused_is_store_unavailable(monkeypatch):
    from neo4j.exceptions import ClientError

    def refuse(params):
        raise ClientError("Schema operations are not allowed for user 'reader'")

    runner = RecordingRunner({"get_meta": [], "schema_author_id": refuse})
    monkeypatch.setattr("graphsvc.store.neo4j.connect", lambda settings: runner)
    with pytest.raises(StoreUnavailable, match="graphsvc init-store") as info:
        Neo4jStore.from_settings(Settings(store="neo4j", neo4j_uri="bolt://db"))
    assert "\n" not in str(info.value) and runner.closed


# -- search ---------------------------------------------------------------------------------------
def test_lucene_query_escapes_every_special_character():
    q = lucene_query(['a+b-c&&d||e!(f){g}[h]^"i"~j*k?l:m\\n/o'], [False])
    assert q.count("\\") >= 20
    assert lucene_query(["ada", "lov"], [False, False]) == "+(ada) +(lov lov*)"
    assert lucene_query(["lovelase"], [True]) == "+(lovelase lovelase* lovelase~2)"
    assert lucene_query(["smyth", "j"], [True, False]) == "+(smyth smyth~1) +(j j*)"
    assert lucene_query(["j", "vitek"], [False, True], [True, False]) == (
        "+(j j*) +(vitek vitek* vitek~1)")


def search_store(authors: list[tuple[int, str, int, str]], known: set[str]):
    """A fake index: ``authors`` as (id, name, papers, tokens); ``known`` the vocabulary."""

    def probe(params):
        out = []
        for p in params["probes"]:
            tok = p.split()[0].replace("\\", "")
            prefix = p.endswith("*")
            hit = any(t == tok or (prefix and t.startswith(tok)) for t in known)
            out.append({"probe": p, "hits": int(hit)})
        return out

    rows = [{"id": a, "name": n, "papers": p, "tokens": t,
             "key": t.split()[-1] + "|" + " ".join(t.split()[:-1])} for a, n, p, t in authors]
    return store_with({"search_probe": probe, "search_authors": rows})


def test_search_ranks_like_the_embedded_store():
    authors = [(1, "Ada Lovelace", 3, "ada lovelace"), (2, "Ada Lovelock", 9, "ada lovelock"),
               (3, "Adam Love", 1, "adam love"), (4, "Ada Loveless", 3, "ada loveless")]
    store, runner = search_store(authors, {"ada", "adam", "love", "lovelace", "lovelock",
                                           "loveless"})
    got = store.search_authors("LOVE, Ada", limit=10)
    # only the last token may match as a prefix: "love" must be a whole name token
    assert [(h["id"], h["score"]) for h in got] == [(3, 1.8)]
    assert runner.one("search_probe").params == {"probes": ["love", "ada ada*"]}
    assert runner.one("search_authors").params["lucene"] == "+(love) +(ada ada*)"
    assert {c.routing for c in runner.calls} == {"r"}


def test_search_scores_exact_prefix_and_typo():
    authors = [(1, "Ada Lovelace", 3, "ada lovelace"), (2, "Ada Lovelock", 9, "ada lovelock")]
    store, runner = search_store(authors, {"ada", "lovelace", "lovelock"})
    assert [(h["id"], h["score"]) for h in store.search_authors("ada lovel")] == [(2, 1.8),
                                                                                  (1, 1.8)]
    # the whole name (its match key's tokens) scores 0.5 more, as in the embedded store
    assert [(h["id"], h["score"]) for h in store.search_authors("ada lovelace")] == [(1, 2.5)]
    runner.calls.clear()
    # "lovelase" is in no name: typo tolerance (budget 2 for 8+ letters)
    got = store.search_authors("lovelase ada")
    assert runner.calls[-1].params["lucene"] == "+(lovelase lovelase~2) +(ada ada*)"
    assert [(h["id"], h["score"]) for h in got] == [(1, 1.6)]  # "lovelock" is 3 edits away
    assert store.search_authors("zz") == [] and store.search_authors("  ") == []
    assert store.search_authors("ada lovel", offset=1, limit=1)[0]["id"] == 1


def test_search_initials_and_typos_that_are_other_authors_words():
    authors = [(1, "Jan Vitek", 3, "jan vitek"), (2, "Ana Vázquez", 2, "ana vazquez"),
               (3, "Ludovic Vásquez-Sancho", 1, "ludovic sancho vasquez"),
               (4, "Torsten Hoefler", 5, "hoefler torsten")]
    store, runner = search_store(authors, {"jan", "vitek", "ana", "vazquez", "ludovic",
                                           "sancho", "vasquez", "hoefler", "torsten"})
    assert [h["id"] for h in store.search_authors("J. Vitek")] == [1]
    assert runner.calls[-1].params["lucene"] == "+(j j*) +(vitek vitek*)"
    assert [h["id"] for h in store.search_authors("T. Hoefler")] == [4]
    # "vazquez" is Ana's word, yet the typo still finds Vásquez-Sancho (a second reading
    # with typos everywhere, as the first finds nobody)
    runner.calls.clear()
    assert [h["id"] for h in store.search_authors("vazquez-sancho")] == [3]
    assert [c.params["lucene"] for c in runner.calls if c.name == "search_authors"] == [
        "+(vazquez) +(sancho sancho*)", "+(vazquez vazquez~1) +(sancho sancho* sancho~1)"]
    assert [h["id"] for h in store.search_authors("vazquez")] == [2]


# -- native queries -------------------------------------------------------------------------------
def test_collaborators_native_uses_edges_or_facts_and_maps_rows():
    page = [{"id": 3, "name": "Mary Somerville", "papers": 2, "weight": 0.5 + 1 / 3,
             "first_year": 2005, "last_year": 2010},
            {"id": 2, "name": "Charles Babbage", "papers": 1, "weight": 1.0,
             "first_year": None, "last_year": None}]
    store, runner = store_with({
        "author_summaries": [{"id": 1, "name": "Ada Lovelace", "papers": 3}],
        "collaborators": [{"total": 5, "page": page}],
        "collaborators_window": [{"total": 1, "page": page[:1]}],
        "joint_papers": [
            {"other": 3, "id": 7, "title": "B", "year": 2005, "venue": None, "doi": None,
             "source_id": "ref:x"},
            {"other": 3, "id": 8, "title": "A", "year": 2010, "venue": None, "doi": None,
             "source_id": None}],
    })
    got = store.collaborators_native(1, limit=2, offset=1, min_papers=1)
    assert got == {
        "author": {"id": 1, "name": "Ada Lovelace"}, "total": 5, "offset": 1, "limit": 2,
        "collaborators": [
            {"id": 3, "name": "Mary Somerville", "papers": 2, "first_year": 2005,
             "last_year": 2010, "weight": round(0.5 + 1 / 3, 6)},
            {"id": 2, "name": "Charles Babbage", "papers": 1, "first_year": None,
             "last_year": None, "weight": 1.0}],
    }
    assert runner.one("collaborators").params == {"id": 1, "min_papers": 1, "offset": 1,
                                                  "limit": 2}
    windowed = store.collaborators_native(1, year_from=2005, with_papers=True)
    assert runner.one("collaborators_window").params["year_from"] == 2005
    assert runner.one("collaborators_window").params["year_to"] > 3000
    assert [p["id"] for p in windowed["collaborators"][0]["joint_papers"]] == [8, 7]
    assert runner.one("joint_papers").params["windowed"] is True
    with pytest.raises(InvalidQuery):
        store.collaborators_native(1, year_from=2010, year_to=2000)
    with pytest.raises(InvalidQuery):
        store.collaborators_native(1, limit=0)
    runner.answers["author_summaries"] = []
    with pytest.raises(AuthorNotFound):
        store.collaborators_native(99)


def graph_backed(sq: SQLiteStore) -> dict[str, Answer]:
    """Answers of the graph queries computed from an embedded store holding the same data."""
    db = sq.db

    def summaries(p):
        return [{"id": a, "name": n, "papers": k} for a, n, k in db.execute(
            "SELECT id, name, papers FROM authors") if a in set(p["ids"])]

    def expand(p):
        out = []
        for f in p["frontier"]:
            for a, b, k in db.execute("SELECT a, b, papers FROM coauthors WHERE (a = ? OR b = ?)"
                                      " AND papers >= ?", (f, f, p["min_papers"])):
                out.append({"source": f, "target": b if a == f else a, "papers": k})
        return out

    def edges(p):
        ids = set(p["ids"])
        return [{"source": a, "target": b, "papers": k, "weight": w, "first_year": f,
                 "last_year": la}
                for a, b, k, w, f, la in db.execute("SELECT * FROM coauthors")
                if a in ids and b in ids and k >= p["min_papers"]]

    def projection(p):
        ids = set(p["ids"])
        return [{"paper": pid, "year": y or 0, "author": a} for pid, y, a in db.execute(
            "SELECT p.id, p.year, s.author_id FROM papers p JOIN authorships s "
            "ON s.paper_id = p.id WHERE p.counted") if a in ids]

    def hop_papers(p):
        out = []
        for a, b in p["hops"]:
            for (pid,) in db.execute(
                    "SELECT x.paper_id FROM authorships x JOIN authorships y ON x.paper_id = "
                    "y.paper_id JOIN papers p ON p.id = x.paper_id WHERE x.author_id = ? AND "
                    "y.author_id = ? AND p.counted", (a, b)):
                (row,) = sq.papers([pid])
                out.append({"source": a, "target": b, **row})
        return out

    return {"author_summaries": summaries, "ego_expand": expand, "ego_edges": edges,
            "projection_memberships": projection, "hop_papers": hop_papers,
            "gds_available": [{"found": 0}], "get_meta": [{"value": "5"}]}


CHAIN = [
    rec("p1", ["Ann Alpha", "Bob Beta"], "c:1", year=2001),
    rec("p2", ["Ann Alpha", "Bob Beta"], "c:2", year=2002),
    rec("p3", ["Bob Beta", "Cid Gamma"], "c:3", year=2003),
    rec("p4", ["Bob Beta", "Cid Gamma"], "c:4", year=2004),
    rec("p5", ["Ann Alpha", "Dan Delta"], "c:5", year=2005),
    rec("p6", ["Dan Delta", "Cid Gamma"], "c:6", year=2006),
    rec("p7", ["Cid Gamma", "Eve Eps", "Fay Zeta"], "c:7", year=2007),
    rec("p8", ["Gus Eta"], "c:8", year=2008),
]


@pytest.fixture
def chain_store(tmp_path):
    sq = SQLiteStore(tmp_path / "chain.sqlite3")
    ingest_records(sq, CHAIN)
    store, runner = store_with(graph_backed(sq))
    yield sq, store, runner
    sq.close()


def test_ego_native_ranks_and_truncates_like_the_engine(chain_store):
    from graphsvc.graph.csr import CoauthorGraph
    from graphsvc.graph.neighbourhood import ego
    from graphsvc.graph.service import memberships_from_arrays

    sq, store, runner = chain_store
    g = CoauthorGraph.build(memberships_from_arrays(sq.memberships_arrays()))
    for radius in (1, 2, 3):
        for w in (1, 2):
            for cap in (None, 1, 2, 3, 4):
                nodes, cut = ego(g, g.node(1), radius=radius, min_papers=w, max_nodes=cap)
                got = store.ego_native(1, radius=radius, min_papers=w, max_nodes=cap)
                assert [n["id"] for n in got["nodes"]] == [int(g.author_ids[u]) for u in nodes]
                assert got["truncated"] == cut, (radius, w, cap)
    full = store.ego_native(1, radius=2)
    assert full["center"] == {"id": 1, "name": "Ann Alpha"}
    assert {(n["id"], n["distance"]) for n in full["nodes"]} == {(1, 0), (2, 1), (4, 1), (3, 2)}
    assert [(e["source"], e["target"], e["papers"]) for e in full["edges"]] == [
        (1, 2, 2), (1, 4, 1), (2, 3, 2), (3, 4, 1)]
    assert {c.routing for c in runner.calls} == {"r"}
    with pytest.raises(InvalidQuery):
        store.ego_native(1, radius=4)


def test_strongest_path_projection_matches_the_engine(chain_store):
    from graphsvc.graph.csr import CoauthorGraph
    from graphsvc.graph.paths import strongest_path
    from graphsvc.graph.service import memberships_from_arrays

    sq, store, runner = chain_store
    g = CoauthorGraph.build(memberships_from_arrays(sq.memberships_arrays()))
    found = strongest_path(g, g.node(1), g.node(5))
    assert found is not None
    want_cost, want = found
    got = store.strongest_path_native(1, 5)
    assert [p["id"] for p in got["path"]] == [int(g.author_ids[u]) for u in want]
    assert got["cost"] == pytest.approx(want_cost)
    assert got["method"] == "projection" and got["radius"] == 2
    assert [h["papers"] for h in got["hops"]] == [2, 2, 1]
    assert got["hops"][0]["joint_papers"][0]["title"] == "p2"  # newest first
    with pytest.raises(NoPath):
        store.strongest_path_native(1, 7)  # Gus wrote alone
    assert store.strongest_path_native(1, 1)["length"] == 0


def test_strongest_path_uses_gds_when_installed():
    store, runner = store_with({
        "author_summaries": lambda p: [{"id": i, "name": f"A{i}", "papers": 1} for i in p["ids"]],
        "gds_available": [{"found": 3}],
        "get_meta": [{"value": "77"}],
        "gds_graph_exists": [{"present": False}],
        # over `ranked`, a chain of the least cost with fewer hops than the `cost` run's
        "gds_strongest": [{"best": 1.5, "best_ids": [1, 4, 5, 2], "ranked": 1.5 + 2e-10,
                           "ids": [1, 3, 2]}],
        "hop_papers": [
            {"source": 1, "target": 3, "id": 1, "title": "x", "year": 1, "venue": None,
             "doi": None, "source_id": None},
            {"source": 3, "target": 2, "id": 2, "title": "y", "year": 2, "venue": None,
             "doi": None, "source_id": None},
            {"source": 3, "target": 2, "id": 3, "title": "z", "year": 3, "venue": None,
             "doi": None, "source_id": None}],
    })
    got = store.strongest_path_native(1, 2)
    assert got["method"] == "gds" and [p["id"] for p in got["path"]] == [1, 3, 2]
    assert got["cost"] == pytest.approx(1.5)
    in_tx = [c.name for c in runner.calls if c.in_tx]
    assert in_tx == ["gds_graph_exists", "gds_drop_stale", "gds_project", "gds_strongest"]
    assert runner.one("gds_project").params == {"graph": "graphsvc-coauthor-ranked-77",
                                                "hop": 1e-10}
    assert runner.transactions == ["r"]


def _gds_store(project: Any) -> tuple[Neo4jStore, RecordingRunner]:
    return store_with({
        "author_summaries": lambda p: [{"id": i, "name": f"A{i}", "papers": 1} for i in p["ids"]],
        "gds_available": [{"found": 3}], "get_meta": [{"value": "77"}],
        "gds_graph_exists": [{"present": False}], "gds_project": project,
        "gds_strongest": [{"best": 1.0, "best_ids": [1, 2], "ranked": 1.0 + 1e-10,
                           "ids": [1, 2]}],
        "hop_papers": [{"source": 1, "target": 2, "id": 1, "title": "x", "year": 1,
                        "venue": None, "doi": None, "source_id": None}],
    })


def test_gds_projection_raced_by_another_caller_runs_again(monkeypatch):
    from neo4j.exceptions import ClientError

    import graphsvc.store.neo4j_native as native

    monkeypatch.setattr(native, "GDS_RACE_PAUSE", 0.0)

    raised: list[str] = []

    def project(params: dict[str, Any]) -> list[dict[str, Any]]:
        if not raised:  # a concurrent call projected the same graph first
            raised.append(params["graph"])
            raise ClientError(f"A graph with name '{params['graph']}' already exists.")
        return []

    store, runner = _gds_store(project)
    got = store.strongest_path_native(1, 2)
    assert got["method"] == "gds" and [p["id"] for p in got["path"]] == [1, 2]
    assert raised == ["graphsvc-coauthor-ranked-77"]
    assert runner.transactions == ["r", "r"]
    assert [c.name for c in runner.calls if c.in_tx] == [
        "gds_graph_exists", "gds_drop_stale", "gds_project",
        "gds_graph_exists", "gds_drop_stale", "gds_project", "gds_strongest"]


def test_gds_failure_is_one_line_store_unavailable(monkeypatch):
    from neo4j.exceptions import ClientError

    import graphsvc.store.neo4j_native as native

    monkeypatch.setattr(native, "GDS_RACE_PAUSE", 0.0)

    def project(params: dict[str, Any]) -> list[dict[str, Any]]:
        raise ClientError("Failed to invoke procedure `gds.graph.project`:\n  Caused by: "
                          "java.lang.IllegalStateException: Not enough memory to project")

    store, runner = _gds_store(project)
    with pytest.raises(StoreUnavailable) as info:
        store.strongest_path_native(1, 2)
    msg = str(info.value)
    assert "\n" not in msg and "Graph Data Science" in msg and "Not enough memory" in msg
    assert runner.transactions == ["r"]  # not a race: no second attempt

    def always_gone(params: dict[str, Any]) -> list[dict[str, Any]]:
        raise ClientError("Graph with name `g` does not exist on database `neo4j`.")

    store, runner = _gds_store(always_gone)
    with pytest.raises(StoreUnavailable):
        store.strongest_path_native(1, 2)
    assert len(runner.transactions) == native.GDS_ATTEMPTS  # then the error


def test_gds_detection_failure_means_the_fallback():
    from neo4j.exceptions import ClientError

    def denied(params):
        raise ClientError("Permission denied")

    store, runner = store_with({"gds_available": denied})
    assert store.gds_available() is False
    assert store.gds_available() is False and runner.names() == ["gds_available"]  # cached


def test_shortest_paths_native_map_chains_and_evidence():
    store, runner = store_with({
        "author_summaries": lambda p: [{"id": i, "name": f"A{i}", "papers": 1} for i in p["ids"]],
        "distance": [{"length": 2}],
        "shortest_paths": lambda p: [{"ids": [1, 3, 2], "papers": [2, 1]},
                                     {"ids": [1, 4, 2], "papers": [1, 1]}][: p["limit"]],
        "count_shortest_paths": [{"paths": 2, "length": 2}],
        "shortest_paths_counted": lambda p: [{"paths": 2, "length": 2, "chains": [
            [{"id": i, "name": f"A{i}"} for i in c]
            for c in ([1, 3, 2], [1, 4, 2])][: p["limit"]]}],
        "hop_papers": [
            {"source": 1, "target": 3, "id": 5, "title": "old", "year": 2001, "venue": None,
             "doi": None, "source_id": None},
            {"source": 1, "target": 3, "id": 6, "title": "new", "year": 2009, "venue": None,
             "doi": "10.1/n", "source_id": None},
            {"source": 3, "target": 2, "id": 7, "title": "t", "year": None, "venue": None,
             "doi": None, "source_id": "ref:x"}],
    })
    assert store.distance_native(1, 2) == 2
    assert store.distance_native(1, 2, max_length=1) is None
    assert store.distance_native(1, 1) == 0
    one = store.shortest_path_native(1, 2)
    assert [p["id"] for p in one["path"]] == [1, 3, 2] and one["length"] == 2
    assert [[p["id"] for p in h["joint_papers"]] for h in one["hops"]] == [[6, 5], [7]]
    assert runner.one("shortest_paths").params == {"source": 1, "target": 2, "limit": 1,
                                                   "max_paths": 100_000}
    every = store.all_shortest_paths_native(1, 2, limit=5)
    assert every["count"] == 2 and every["count_exact"] is True and every["length"] == 2
    assert every["paths"] == [[{"id": i, "name": f"A{i}"} for i in c]
                              for c in ([1, 3, 2], [1, 4, 2])]
    assert runner.one("shortest_paths_counted").params == {
        "source": 1, "target": 2, "limit": 5, "max_paths": 100_000}
    assert store.all_shortest_paths_native(1, 2, limit=1)["count"] == 2  # counted, not cut
    runner.answers["shortest_paths"] = []
    runner.answers["shortest_paths_counted"] = [{"paths": 0, "length": None, "chains": []}]
    with pytest.raises(NoPath):
        store.shortest_path_native(1, 2)
    with pytest.raises(NoPath):
        store.all_shortest_paths_native(1, 2)
    with pytest.raises(NoPath):
        store.shortest_path_native(1, 2, max_length=0)


# -- connection failures --------------------------------------------------------------------------
def test_unreachable_server_is_a_one_line_store_unavailable_within_seconds():
    settings = Settings(store="neo4j", neo4j_uri="bolt://127.0.0.1:1", neo4j_password="x")
    started = time.perf_counter()
    with pytest.raises(StoreUnavailable) as info:
        open_store(settings)
    took = time.perf_counter() - started
    assert took < 5.0, took
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("cannot reach Neo4j at bolt://127.0.0.1:1")
    assert info.value.exit_code == 5


def test_queries_against_a_lost_server_fail_within_seconds():
    from neo4j import GraphDatabase

    from graphsvc.store.runner import MAX_RETRY_TIME, Neo4jRunner, driver_config

    uri = "bolt://127.0.0.1:1"
    settings = Settings(store="neo4j", neo4j_uri=uri)
    # the server "went away" after a successful open: no verify_connectivity here
    driver = GraphDatabase.driver(uri, auth=("neo4j", "x"), **driver_config(settings))
    store = Neo4jStore(Neo4jRunner(driver, "neo4j", uri))
    started = time.perf_counter()
    with pytest.raises(StoreUnavailable) as info:
        store.counts()
    assert time.perf_counter() - started < MAX_RETRY_TIME + 2.5
    assert "\n" not in str(info.value) and "cannot reach Neo4j" in str(info.value)
    store.close()
    # writes (session.execute_write) are translated too; a short retry keeps the test quick
    quick = Settings(store="neo4j", neo4j_uri=uri, extra={"neo4j_max_retry_time": 0.2})
    driver = GraphDatabase.driver(uri, auth=("neo4j", "x"), **driver_config(quick))
    store = Neo4jStore(Neo4jRunner(driver, "neo4j", uri))
    with pytest.raises(StoreUnavailable, match="cannot reach Neo4j"):
        store.apply_batch(sample_batch())
    store.close()


def test_missing_or_bad_uri_is_a_clear_error():
    with pytest.raises(StoreUnavailable, match="GRAPHSVC_NEO4J_URI"):
        open_store(Settings(store="neo4j"))
    with pytest.raises(StoreUnavailable, match="bad GRAPHSVC_NEO4J_URI"):
        open_store(Settings(store="neo4j", neo4j_uri="http:/nope"))


# -- deployment -----------------------------------------------------------------------------------
@pytest.mark.skipif(shutil.which("docker-compose") is None,
                    reason="docker-compose not installed (scripts/install-tools.sh, as root)")
def test_docker_compose_file_is_valid():
    out = subprocess.run(["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "service_healthy" in out.stdout and "neo4j:5" in out.stdout


def test_compose_and_dockerfile_wire_the_service_to_neo4j():
    compose = (ROOT / "docker-compose.yml").read_text()
    for needle in ("image: neo4j:5", "healthcheck:", "condition: service_healthy",
                   "GRAPHSVC_STORE: neo4j", "GRAPHSVC_NEO4J_URI: bolt://neo4j:7687"):
        assert needle in compose, needle
    docker = (ROOT / "Dockerfile").read_text()
    assert docker.startswith("FROM python:3.11-slim") or "FROM python:3.11-slim" in docker
    assert '"graphsvc", "serve", "--host", "0.0.0.0"' in docker
