"""One contract for every store: the same ingested records give the same answers.

The embedded store always runs. Neo4j runs when ``GRAPHSVC_NEO4J_URI`` names a server and
``GRAPHSVC_NEO4J_TEST_WIPE=1`` allows these tests to empty its database first
(``scripts/test.sh`` starts one; there, and in CI, a missing server fails these tests). Each
answer of the store under test is compared with a fresh embedded store (the reference
semantics) holding the same records, plus hand-checked values.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphsvc.config import Settings
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest_records
from graphsvc.model import RawAuthor, Record
from graphsvc.store.sqlite import SQLiteStore
from tests.helpers import require_neo4j


def rec(title, authors, ref, *, year=2020, ids=None, doi=None, source="test", venue=None):
    return Record(
        title=title,
        authors=[a if isinstance(a, RawAuthor) else RawAuthor(a) for a in authors],
        source_ref=ref, year=year, ids=ids or {}, doi=doi, source=source, venue=venue,
    )


RECORDS = [
    rec("Graphs of science", [RawAuthor("Ada Lovelace", ids={"orcid": "0000-0001-0000-0001"}),
                              "Charles Babbage"], "a.bib#1", year=2001, doi="10.1/graphs",
        source="bibtex", venue="Notes"),
    rec("More graphs", ["Charles Babbage", "Ada Lovelace", "Mary Somerville"], "d.xml:2",
        year=2005, ids={"dblp": "journals/x/BLS05"}, source="dblp"),
    rec("Solo work", ["Mary Somerville"], "a.bib#3", year=2003, source="bibtex"),
    rec("Engines, again", ["Lovelace, Ada", "Babbage, Charles"], "c.csv:4", year=2006,
        source="csv"),
    rec("Électricité", ["Michael Faraday", "André-Marie Ampère"], "c.csv:5", year=None,
        source="csv"),
    rec("Fields", ["Michael Faraday", "Mary Somerville", "Charles Babbage", "André-Marie Ampère"],
        "c.csv:6", year=2010, source="csv"),
    rec("Currents", ["André-Marie Ampère", "Michael Faraday"], "d.xml:7", year=2008,
        ids={"dblp": "conf/y/AF08"}, source="dblp"),
]
BIG = [f"Person{chr(65 + i // 26)}{chr(65 + i % 26)} Big" for i in range(6)]
TEAM = [
    rec("Huge collaboration", BIG, "h:1", year=2012),
    rec("Small", [BIG[0], BIG[1]], "h:2", year=2013),
    rec("Medium", [BIG[0], BIG[2], BIG[3]], "h:3", year=2014),
]


# -- stores ---------------------------------------------------------------------------------------
def _neo4j(tmp_path: Path) -> Any:
    require_neo4j()
    from graphsvc.store.neo4j import Neo4jStore

    store = Neo4jStore.from_settings(Settings.from_env(store="neo4j"))
    store.wipe()
    store.init_schema()
    return store


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    s = SQLiteStore(tmp_path / "g.sqlite3") if request.param == "embedded" else _neo4j(tmp_path)
    yield s
    s.close()


@pytest.fixture
def reference(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "reference.sqlite3")
    yield s
    s.close()


def ingest_both(store: Any, reference: SQLiteStore, records: list[Record], **kw: Any) -> None:
    a = ingest_records(store, records, **kw).to_dict()
    b = ingest_records(reference, records, **kw).to_dict()
    for k in ("seconds", "files"):
        a.pop(k), b.pop(k)
    assert a == b


# -- what a store answers -------------------------------------------------------------------------
def edges(store: Any) -> list[tuple[Any, ...]]:
    if isinstance(store, SQLiteStore):
        rows = store.db.execute("SELECT a, b, papers, weight, first_year, last_year FROM "
                                "coauthors ORDER BY a, b").fetchall()
    else:
        rows = store.coauthor_edges()
    return [(a, b, p, round(w, 9), f, la) for a, b, p, w, f, la in rows]


SEARCHES = ["ada lovelace", "LOVELACE", "lovelase", "ada lov", "ampere", "andre marie", "m",
            "somerville mary", "charles b", "nobody here", "faraday michael", "bab"]
NAMES = ["Ada Lovelace", "Lovelace, A.", "Charles Babbage", "Mary Somerville", "Nobody"]


def answers(store: Any) -> dict[str, Any]:
    """Everything the store answers about its content, through its public methods."""
    next_author, next_paper = store.next_ids()
    authors = list(range(1, next_author))
    papers = list(range(1, next_paper))
    arr = store.memberships_arrays()
    out: dict[str, Any] = {
        "next_ids": (next_author, next_paper),
        "counts": store.counts(),
        "authors": [store.author(a) for a in authors],
        "author_names": store.author_names(authors),
        "papers": store.papers(papers),
        "author_papers": [store.author_papers(a) for a in authors],
        "edges": edges(store),
        "memberships": {k: v.tolist() for k, v in arr.items()},
        "search": {q: store.search_authors(q, limit=5) for q in SEARCHES},
        "search_page": store.search_authors("a", limit=2, offset=1),
        "by_name": {n: store.authors_by_name(n) for n in NAMES},
        "by_external": [store.author_by_external("orcid", "0000-0001-0000-0001"),
                        store.author_by_external("orcid", "missing"),
                        store.paper_by_external("doi", "10.1/graphs"),
                        store.paper_by_external("dblp", "conf/y/AF08")],
        "shared": [store.shared_coauthors(a, authors) for a in authors],
        "meta": [store.get_meta("max_team_size")],
    }
    for a in authors:
        info = store.author(a)
        if info is not None:  # None: merged into another author
            out.setdefault("by_key", []).append(store.authors_by_key(info["key"]))
    for p in store.papers(papers):
        from graphsvc.identity.papers import title_key

        out.setdefault("by_title", []).append(store.papers_by_title(title_key(p["title"]),
                                                                    p["year"]))
    svc = GraphService(store)
    out["collaborators"] = [svc.collaborators(a, with_papers=True) for a in authors]
    out["collaborators_window"] = [svc.collaborators(a, year_from=2004, year_to=2009)
                                   for a in authors]
    return out


def assert_same(store: Any, reference: SQLiteStore, *, skip: tuple[str, ...] = ()
                ) -> dict[str, Any]:
    got, want = answers(store), answers(reference)
    for k in want:
        if k not in skip:
            assert got[k] == want[k], k
    return got


# -- the contract ---------------------------------------------------------------------------------
def test_counts_authors_variants_and_edges(store, reference):
    ingest_both(store, reference, RECORDS)
    got = assert_same(store, reference)
    assert got["counts"] == {"authors": 5, "papers": 7, "ties": 0, "edges": 8,
                             "excluded_papers": 0}
    ada = got["authors"][0]
    assert (ada["name"], ada["papers"]) == ("Ada Lovelace", 3)
    assert {(v["name"], v["source"], v["count"]) for v in ada["variants"]} == {
        ("Ada Lovelace", "bibtex", 1), ("Ada Lovelace", "dblp", 1), ("Lovelace, Ada", "csv", 1)}
    assert ada["ids"] == [{"kind": "orcid", "value": "0000-0001-0000-0001"}]
    e = {(a, b): rest for a, b, *rest in got["edges"]}
    # Lovelace(1)-Babbage(2): three joint papers, 1/(2-1) + 1/(3-1) + 1/(2-1)
    assert e[(1, 2)] == [3, 2.5, 2001, 2006]
    # Faraday-Ampère: one paper without a year, two with
    faraday, ampere = sorted(a["id"] for a in got["authors"]
                             if a["name"] in ("Michael Faraday", "André-Marie Ampère"))
    assert e[(faraday, ampere)] == [3, round(2 + 1 / 3, 9), 2008, 2010]


def test_search_top_hits(store, reference):
    ingest_both(store, reference, RECORDS)
    got = assert_same(store, reference)
    top = {q: (hits[0]["name"] if hits else None) for q, hits in got["search"].items()}
    assert top["ada lovelace"] == top["LOVELACE"] == top["lovelase"] == "Ada Lovelace"
    assert top["ada lov"] == "Ada Lovelace"
    assert top["ampere"] == top["andre marie"] == "André-Marie Ampère"
    assert top["nobody here"] is None


def test_search_initials_and_typos_that_are_other_authors_words(store):
    ingest_records(store, [
        rec("Fast MPI", ["Jan Vitek", "Torsten Hoefler", "Ana Vázquez"], "s:1"),
        rec("Spin waves", ["Ludovic Vásquez-Sancho", "Pedro Sancho"], "s:2"),
        rec("Adaptive MPI", ["Jiří Vítek", "Tomas Hoeflinger"], "s:3"),
    ])

    def names(q: str) -> list[str]:
        return [h["name"] for h in store.search_authors(q)]

    # initial + surname, the way people type a name
    assert names("J. Vitek") == ["Jan Vitek", "Jiří Vítek"]
    assert names("T. Hoefler") == ["Torsten Hoefler"]
    assert names("Vitek, J.") == ["Jan Vitek", "Jiří Vítek"]
    # "vazquez" is Ana Vázquez's word, yet it still finds Vásquez-Sancho as a typo
    assert names("vazquez-sancho") == ["Ludovic Vásquez-Sancho"]
    assert names("vazquez") == ["Ana Vázquez"]  # as typed: a name's word is no typo first
    assert names("hoefler") == ["Torsten Hoefler"]  # not a prefix unless typed last
    svc = GraphService(store)
    assert svc.resolve("T. Hoefler") == svc.resolve("Torsten Hoefler")


def tie(a: str, b: str, weight: float, line: int) -> Record:
    """An edge-list line: a co-authorship tie, no paper."""
    return Record(title=None, authors=[RawAuthor(a, ids={"node": f"ties:{a}"}),
                                       RawAuthor(b, ids={"node": f"ties:{b}"})],
                  source_ref=f"ties.txt:{line}", ids={"edge": f"ties:{min(a, b)}|{max(a, b)}"},
                  source="edgelist", tie=weight)


@pytest.mark.parametrize("ties_first", [True, False])
def test_ties_are_no_papers_and_count_once(store, reference, ties_first):
    papers = [rec("Notes", ["Ada Lovelace", "Charles Babbage"], "p:1", year=1843),
              rec("More notes", ["Ada Lovelace", "Charles Babbage", "Mary Somerville"], "p:2",
                  year=1844)]
    ties = [tie("Ada Lovelace", "Charles Babbage", 5.0, 1),
            tie("Mary Somerville", "Michael Faraday", 2.5, 2),
            tie("Michael Faraday", "Mary Somerville", 0.5, 3)]
    for batch in ((ties, papers) if ties_first else (papers, ties)):
        ingest_both(store, reference, batch)
    got = assert_same(store, reference)
    assert got["counts"] == {"authors": 4, "papers": 2, "ties": 2, "edges": 4,
                             "excluded_papers": 0}
    names = {a["id"]: a["name"] for a in got["authors"] if a}
    by_pair = {frozenset((names[a], names[b])): (p, w, f) for a, b, p, w, f, _ in got["edges"]}
    # the papers make the edge, the tie adds nothing; the strongest of two ties counts once
    assert by_pair[frozenset(("Ada Lovelace", "Charles Babbage"))] == (2, 1.5, 1843)
    assert by_pair[frozenset(("Mary Somerville", "Michael Faraday"))] == (0, 2.5, None)
    assert {a["name"]: a["papers"] for a in got["authors"] if a} == {
        "Ada Lovelace": 2, "Charles Babbage": 2, "Mary Somerville": 1, "Michael Faraday": 0}
    for st in (store, reference):  # a hop over a tie shows no "joint paper", and its weight
        (path,) = GraphService(st).path("Michael Faraday", "Ada Lovelace")["paths"]
        assert [(h["joint_papers"], len(h["papers"]), h.get("tie_weight"))
                for h in path["hops"]] == [(0, 0, 2.5), (1, 1, None)]


def test_strongest_path_takes_the_fewest_hops_of_equally_strong_chains(store, reference):
    """Two chains of cost 1.5: Ada -1 paper- Xavier -tie of weight 2- Tom (2 hops) and Ada
    -4 papers- Carl -tie of weight 4- Dora -1 paper- Tom (3 hops, the one Dijkstra meets
    first: Dora is reached at 0.5, Xavier at 1). A tie costs 1 / its weight; the shorter wins
    on every store and route (GDS on a server that has it, else the engine)."""
    def papers(n: int, a: str, b: str) -> list[Record]:
        return [rec(f"{a} and {b}, part {i}", [a, b], f"p.bib#{a}{b}{i}", year=2000 + i)
                for i in range(n)]

    ingest_both(store, reference, papers(1, "Ada Zed", "Xavier Yu")
                + papers(4, "Ada Zed", "Carl Vo") + papers(1, "Dora Uhl", "Tom Wu")
                + [tie("Xavier Yu", "Tom Wu", 2.0, 1), tie("Carl Vo", "Dora Uhl", 4.0, 2)])
    for st in (store, reference):
        got = GraphService(st).path("Ada Zed", "Tom Wu", strongest=True)
        assert (got["cost"], got["length"]) == (1.5, 2)
        (chain,) = got["paths"]
        assert [a["name"] for a in chain["authors"]] == ["Ada Zed", "Xavier Yu", "Tom Wu"]
        assert [(h["joint_papers"], h.get("tie_weight")) for h in chain["hops"]] == [
            (1, None), (0, 2.0)]
    if hasattr(store, "strongest_path_native"):  # the store's own route, whichever it has
        ada, tom = (GraphService(store).resolve(n) for n in ("Ada Zed", "Tom Wu"))
        native = store.strongest_path_native(ada, tom)
        assert (native["cost"], native["length"]) == (1.5, 2)
        assert native["method"] == ("gds" if store.gds_available() else "projection")


def test_collaborators_order(store, reference):
    ingest_both(store, reference, RECORDS)
    got = assert_same(store, reference)
    babbage = got["collaborators"][1]
    assert babbage["author"]["name"] == "Charles Babbage"
    assert [(c["name"], c["papers"]) for c in babbage["collaborators"]] == [
        ("Ada Lovelace", 3), ("Mary Somerville", 2), ("André-Marie Ampère", 1),
        ("Michael Faraday", 1)]
    assert [p["title"] for p in babbage["collaborators"][0]["joint_papers"]] == [
        "Engines, again", "More graphs", "Graphs of science"]


def test_reingest_changes_nothing(store, reference):
    ingest_both(store, reference, RECORDS)
    before = answers(store)
    rep = ingest_records(store, RECORDS)
    assert (rep.papers, rep.authors, rep.duplicates) == (0, 0, len(RECORDS))
    after = answers(store)
    assert after == before


def test_batches_of_any_size_give_the_same_store(store, reference):
    from graphsvc.ingest import Ingestor

    ing = Ingestor(store, batch_size=2)
    for r in RECORDS:
        ing.add(r)
    ing.flush()
    ingest_records(reference, RECORDS)
    assert_same(store, reference, skip=("meta",))  # a bare Ingestor records no cap


def test_team_size_cap(store, reference):
    ingest_both(store, reference, TEAM, max_team_size=4)
    got = assert_same(store, reference)
    assert got["counts"]["excluded_papers"] == 1
    assert got["counts"]["edges"] == 1 + 3
    assert got["meta"] == ["4"]


def test_rebuild_on_cap_change(store, reference):
    ingest_both(store, reference, TEAM, max_team_size=4)
    ingest_both(store, reference, [], max_team_size=0)
    got = assert_same(store, reference)
    assert got["counts"] == {"authors": 6, "papers": 3, "ties": 0, "edges": 15,
                             "excluded_papers": 0}
    assert got["meta"] == ["0"]
    ingest_both(store, reference, [], max_team_size=2)
    got = assert_same(store, reference)
    assert got["counts"]["edges"] == 1 and got["counts"]["excluded_papers"] == 2
    assert got["edges"][0][:3] == (1, 2, 1)


# -- native queries (Neo4j) agree with the Python engine on the same store ------------------------
@pytest.fixture
def neo4j_store(tmp_path: Path) -> Iterator[Any]:
    s = _neo4j(tmp_path)
    yield s
    s.close()


@pytest.mark.neo4j
def test_native_collaborators_agree_with_the_engine(neo4j_store):
    store = neo4j_store
    ingest_records(store, RECORDS)
    svc = GraphService(store)
    for a in range(1, store.next_ids()[0]):
        for kw in ({}, {"min_papers": 2}, {"year_from": 2004, "year_to": 2009},
                   {"year_to": 2005}, {"limit": 1, "offset": 1}):
            assert store.collaborators_native(a, with_papers=True, **kw) == \
                svc.collaborators(a, with_papers=True, **kw), (a, kw)


@pytest.mark.neo4j
def test_native_paths_agree_with_the_engine(neo4j_store):
    from graphsvc.graph import paths
    from graphsvc.graph.neighbourhood import ego

    store = neo4j_store
    ingest_records(store, RECORDS + TEAM)
    g = GraphService(store).graph()
    ids = [int(x) for x in g.author_ids]
    for s in ids:
        nodes, cut = ego(g, g.node(s), radius=2, max_nodes=4)
        native = store.ego_native(s, radius=2, max_nodes=4)
        assert [n["id"] for n in native["nodes"]] == [ids[u] for u in nodes]
        assert native["truncated"] == cut
        for t in ids:
            d = paths.distance(g, g.node(s), g.node(t))
            assert store.distance_native(s, t) == d, (s, t)
            if d is None:
                continue
            want_d, count, chains = paths.all_shortest_paths(g, g.node(s), g.node(t), limit=5)
            got = store.all_shortest_paths_native(s, t, limit=5)
            assert (got["length"], got["count"]) == (want_d, count)
            assert [[p["id"] for p in c] for c in got["paths"]] == \
                [[ids[u] for u in c] for c in chains]
            found = paths.strongest_path(g, g.node(s), g.node(t))
            assert found is not None
            cost, chain = found
            strong = store.strongest_path_native(s, t)
            assert strong["cost"] == pytest.approx(cost)
            if strong["method"] != "gds":  # GDS may break ties between equal chains otherwise
                assert [p["id"] for p in strong["path"]] == [ids[u] for u in chain]


@pytest.mark.neo4j
def test_strongest_paths_use_gds_exactly_when_the_server_has_it(neo4j_store):
    """``GRAPHSVC_NEO4J_TEST_GDS`` says whether the test server has OpenGDS (``1``, as
    ``scripts/test.sh`` runs it with ``GRAPHSVC_NEO4J_GDS=1 scripts/neo4j.sh start``) or not
    (``0``): the route taken must follow what is detected at run time."""
    from graphsvc.graph import paths

    store = neo4j_store
    ingest_records(store, RECORDS + TEAM)
    wanted = os.environ.get("GRAPHSVC_NEO4J_TEST_GDS")
    if wanted is not None:
        assert store.gds_available() is (wanted == "1")
    g = GraphService(store).graph()
    s, t = 1, 5  # Ada Lovelace to André-Marie Ampère, through Charles Babbage
    found = paths.strongest_path(g, g.node(s), g.node(t))
    strong = store.strongest_path_native(s, t)
    assert strong["method"] == ("gds" if store.gds_available() else "projection")
    assert found is not None and strong["cost"] == pytest.approx(found[0])


@pytest.mark.neo4j
def test_concurrent_strongest_paths_share_one_gds_graph(neo4j_store):
    """Callers that find the store generation's GDS graph missing all project it at once: one
    wins, the others run again on its graph (GDS's catalogue is per server, not transactional),
    and no graph of another generation stays behind."""
    import threading

    from graphsvc.store.cypher import Cypher

    store = neo4j_store
    ingest_records(store, RECORDS + TEAM)  # a new generation: no GDS graph for it yet
    start = threading.Barrier(4)
    got: list[Any] = []

    def call() -> None:
        start.wait()
        try:
            got.append(store.strongest_path_native(1, 5))
        except Exception as exc:  # any error fails the test below, with its message
            got.append(exc)

    threads = [threading.Thread(target=call) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert len(got) == 4 and not [g for g in got if isinstance(g, Exception)], got
    assert len({(g["cost"], tuple(p["id"] for p in g["path"])) for g in got}) == 1
    if store.gds_available():
        rows = store.runner.execute_query(Cypher(
            "test_gds_graphs", "CALL gds.graph.list() YIELD graphName RETURN graphName"))
        mine = [r["graphName"] for r in rows if r["graphName"].startswith("graphsvc-coauthor-")]
        assert mine == [f"graphsvc-coauthor-ranked-{store.generation()}"]


def test_embedded_search_reads_the_rarest_word_first(tmp_path, monkeypatch):
    # a common given name no longer hides its author behind the cap on the rows read
    # first: the surname's few authors are read instead (cap lowered from 5,000 to 2 here)
    import graphsvc.store.sqlite as embedded

    monkeypatch.setattr(embedded, "_FIRST_TOKEN_ROWS", 2)
    store = SQLiteStore(tmp_path / "cap.sqlite3")
    try:
        ingest_records(store, [rec(f"Paper {i}", [f"Alexandra {s}"], f"cap:{i}")
                               for i, s in enumerate(["Moreau", "Dubois", "Laurent", "Li"])])
        hits = store.search_authors("Alexandra Li")
        assert [(h["name"], h["score"]) for h in hits] == [("Alexandra Li", 2.5)]
        assert [h["name"] for h in store.search_authors("Dubois Alex")] == ["Alexandra Dubois"]
        # checking the other tokens by seeking (word, author) pairs or by scanning the words'
        # rows finds the same authors and scores
        ingest_records(store, RECORDS)
        queries = ["Alexandra D", "alexandra li", "ada lovelace", "Ada L", "lovelace a",
                   "andre marie ampere", "charles b", "michael faraday", "m somerville"]
        monkeypatch.setattr(embedded, "_SEEK_COST", 10**9)
        scanned = {q: store.search_authors(q) for q in queries}
        monkeypatch.setattr(embedded, "_SEEK_COST", 0)
        assert {q: store.search_authors(q) for q in queries} == scanned
        assert all(scanned.values())
    finally:
        store.close()


def test_spelling_groups_group_the_stored_full_name_keys(store):
    """Late joins read the authors sharing a full-name spelling in one query; on both stores
    the groups are the ones the stored name keys give (initials-only keys form none)."""
    from tests.helpers import spelling_groups_of_keys

    ingest_records(store, RECORDS + [
        rec("W", ["Ze-Hao Wu", "Zehao Wu", "Wu Zehao"], "w1"),  # one paper: three people
        rec("H", ["F. Haas", "Haas, F.", "Ada Lovelace"], "h1"),
    ])
    want = spelling_groups_of_keys(store)
    assert sorted(store.spelling_groups()) == want and [len(g) for g in want] == [3]
