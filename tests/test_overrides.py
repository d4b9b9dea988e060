"""Manual merges and splits (graphsvc.identity.overrides) on the embedded store: they survive
re-ingest, keep every count and edge exact, are audited, and undo to the exact previous state."""

from __future__ import annotations

import sqlite3

import pytest

from graphsvc.errors import AuthorNotFound, InvalidQuery, StoreUnavailable
from graphsvc.graph.service import GraphService
from graphsvc.identity import overrides
from graphsvc.ingest import ingest_records
from graphsvc.model import RawAuthor
from graphsvc.store.sqlite import SQLiteStore
from tests.test_ingest import rec

RECORDS = [
    rec("Denoising", ["Pascal Vincent", "Yoshua Bengio"], "a.bib#1", year=2001, venue="ICML"),
    rec("Stacked", ["P. Vincent", "Hugo Larochelle"], "a.bib#2", year=2003, venue="JMLR"),
    rec("Deep nets", ["P. Vincent", "Hugo Larochelle", "Aaron Courville"], "a.bib#3",
        year=2005, venue="JMLR"),
    # no co-author of "P. Vincent" here: a shared one would join the two at the end of the run
    rec("Representation", ["Yoshua Bengio", "Razvan Pascanu", "Pascal Vincent"], "a.bib#4",
        year=2006, venue="TPAMI"),
    rec("GANs", ["Pascal Vincent", "Ian Goodfellow"], "a.bib#5", year=2010, venue="NIPS"),
    rec("Solo", ["Ian Goodfellow"], "a.bib#6", year=2011),
]


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "g.sqlite3")
    ingest_records(s, RECORDS)
    yield s
    s.close()


def snapshot(store: SQLiteStore) -> dict:
    """Everything identity overrides touch, plus what the graph answers."""
    q = store.db.execute
    svc = GraphService(store)
    authors = [r[0] for r in q("SELECT id FROM authors ORDER BY id")]
    return {
        "counts": store.counts(),
        "edges": q("SELECT a, b, papers, round(weight, 9), first_year, last_year FROM coauthors "
                   "ORDER BY a, b").fetchall(),
        "authors": q("SELECT id, name, key, papers FROM authors ORDER BY id").fetchall(),
        "authorships": q("SELECT * FROM authorships ORDER BY paper_id, position").fetchall(),
        "variants": q("SELECT * FROM variants ORDER BY author_id, name, source").fetchall(),
        "ids": q("SELECT * FROM author_ids ORDER BY kind, value").fetchall(),
        "evidence": q("SELECT * FROM evidence ORDER BY author_id, variant, rule").fetchall(),
        "duplicates": q("SELECT * FROM duplicates ORDER BY a, b").fetchall(),
        "tokens": q("SELECT * FROM name_tokens ORDER BY token, author_id").fetchall(),
        "detail": [store.author(a) for a in authors],
        "collaborators": [svc.collaborators(a, with_papers=True) for a in authors],
        "search": svc.search("vincent"),
    }


def ids(store, name):
    return [a["id"] for a in store.authors_by_name(name)]


def edges_from_scratch(store: SQLiteStore) -> list[tuple]:
    """The co-author edges recomputed from the authorships (the reference for "exact")."""
    q = store.db.execute
    return q(
        "SELECT x.author_id, y.author_id, count(DISTINCT p.id), round(sum(1.0 / (p.n_authors - "
        "1)), 9), min(p.year), max(p.year) FROM papers p JOIN authorships x ON x.paper_id = p.id "
        "JOIN authorships y ON y.paper_id = p.id AND x.author_id < y.author_id WHERE p.counted "
        "GROUP BY x.author_id, y.author_id ORDER BY 1, 2"
    ).fetchall()


# -- merge ---------------------------------------------------------------------------------------
def test_merge_moves_everything_and_recomputes_edges(store):
    (pascal,), (short,) = ids(store, "Pascal Vincent"), ids(store, "P. Vincent")
    svc = GraphService(store)
    gen = store.generation()
    got = svc.merge("Pascal Vincent", short, who="ada", why="same person, see CV")
    o = got["override"]
    assert (o["kind"], o["subject"], o["object"], o["who"], o["why"], o["active"]) == (
        "merge", short, pascal, "ada", "same person, see CV", True)
    assert o["when"].endswith("+00:00") and "authorships" not in o["payload"]
    assert store.author(short) is None
    a = store.author(pascal)
    assert a["papers"] == 5
    assert {(v["name"], v["count"]) for v in a["variants"]} == {
        ("Pascal Vincent", 3), ("P. Vincent", 2)}
    assert store.generation() > gen
    rows = store.db.execute("SELECT a, b, papers, round(weight, 9), first_year, last_year "
                            "FROM coauthors ORDER BY a, b").fetchall()
    assert rows == edges_from_scratch(store)
    hugo = ids(store, "Hugo Larochelle")[0]
    collab = {c["name"]: c["papers"] for c in svc.collaborators(pascal)["collaborators"]}
    assert collab == {"Yoshua Bengio": 2, "Hugo Larochelle": 2, "Aaron Courville": 1,
                      "Razvan Pascanu": 1, "Ian Goodfellow": 1}
    assert svc.collaborators(hugo)["collaborators"][0]["id"] == pascal
    # the merged-away id lives on as an alias
    assert svc.resolve_following_aliases(short) == pascal
    assert svc.explain(short)["author"]["id"] == pascal
    assert store.db.execute("SELECT count(*) FROM duplicates").fetchone()[0] == 0


def test_merge_survives_reingest_and_new_mentions_follow_it(store):
    svc = GraphService(store)
    (pascal,), (short,) = ids(store, "Pascal Vincent"), ids(store, "P. Vincent")
    svc.merge(pascal, short)
    before = snapshot(store)
    rep = ingest_records(store, RECORDS)
    assert (rep.papers, rep.authors, rep.duplicates) == (0, 0, len(RECORDS))
    assert snapshot(store) == before
    # a new paper of "P. Vincent" with nobody known: before the merge it joined the initials
    # author by its key, so now it joins the merge target; new authors never reuse the old id
    ingest_records(store, [rec("New", ["P. Vincent", "Zoe Newcomer"], "b.bib#1", year=2020)])
    pid = store.paper_by_external("ref", "b.bib#1")
    assert pid is not None
    ships = dict(store.db.execute(
        "SELECT raw_name, author_id FROM authorships WHERE paper_id = ?", (pid,)).fetchall())
    assert ships["P. Vincent"] == pascal
    assert ships["Zoe Newcomer"] > short and store.author(short) is None


def test_unmerge_restores_the_exact_previous_answers(store):
    svc = GraphService(store)
    before = snapshot(store)
    (pascal,), (short,) = ids(store, "Pascal Vincent"), ids(store, "P. Vincent")
    merged = svc.merge(pascal, short, why="test")
    assert snapshot(store) != before
    got = svc.unmerge(merged["override"]["id"], who="bob", why="wrong")
    assert got["override"]["active"] is False
    assert got["override"]["undone"]["who"] == "bob"
    assert snapshot(store) == before


def test_unmerge_by_author_undoes_the_latest_merge(store):
    svc = GraphService(store)
    before = snapshot(store)
    (pascal,), (short,) = ids(store, "Pascal Vincent"), ids(store, "P. Vincent")
    svc.merge(pascal, short)
    got = svc.unmerge("Pascal Vincent")
    assert got["override"]["subject"] == short
    assert snapshot(store) == before
    with pytest.raises(overrides.OverrideNotFound):
        svc.unmerge("Pascal Vincent")


def test_unmerge_after_new_papers_moves_their_only_spelling_back(store):
    svc = GraphService(store)
    (pascal,), (short,) = ids(store, "Pascal Vincent"), ids(store, "P. Vincent")
    o = svc.merge(pascal, short)["override"]
    ingest_records(store, [rec("New", ["P. Vincent", "Zoe Newcomer"], "b.bib#1", year=2020)])
    svc.unmerge(o["id"])
    assert store.author(short)["papers"] == 3  # its two papers and the new one
    assert store.author(pascal)["papers"] == 3
    assert store.db.execute("SELECT a, b, papers, round(weight, 9), first_year, last_year FROM "
                            "coauthors ORDER BY a, b").fetchall() == edges_from_scratch(store)


def test_merge_refusals(store):
    svc = GraphService(store)
    pascal, bengio = ids(store, "Pascal Vincent")[0], ids(store, "Yoshua Bengio")[0]
    with pytest.raises(InvalidQuery, match="co-authors of 2 paper"):
        svc.merge(pascal, bengio)
    with pytest.raises(InvalidQuery, match="one author already"):
        svc.merge(pascal, pascal)
    with pytest.raises(AuthorNotFound):
        svc.merge(pascal, 999)


def test_merge_refuses_dblp_homonyms_and_different_orcids_unless_forced(tmp_path):
    s = SQLiteStore(tmp_path / "h.sqlite3")
    ingest_records(s, [
        rec("A", [RawAuthor("Wei Liu 0001", ids={"dblp": "Wei Liu 0001"}), "Ann Lee"], "1"),
        rec("B", [RawAuthor("Wei Liu 0014", ids={"dblp": "Wei Liu 0014"}), "Bo Chen"], "2"),
        rec("C", [RawAuthor("John Smith", ids={"orcid": "0000-0001-0000-0001"}), "Ann Lee"], "3"),
        rec("D", [RawAuthor("John Smith", ids={"orcid": "0000-0002-0000-0002"}), "Bo Chen"], "4"),
    ])
    svc = GraphService(s)
    w1, w14 = s.author_by_external("dblp", "Wei Liu 0001"), s.author_by_external(
        "dblp", "Wei Liu 0014")
    j1, j2 = s.author_by_external("orcid", "0000-0001-0000-0001"), s.author_by_external(
        "orcid", "0000-0002-0000-0002")
    for force in (False, True):
        with pytest.raises(InvalidQuery, match="dblp keeps 'Wei Liu 0001' and 'Wei Liu 0014'"):
            svc.merge(w1, w14, force=force)
    with pytest.raises(InvalidQuery, match="different orcid ids"):
        svc.merge(j1, j2)
    o = svc.merge(j1, j2, force=True)["override"]
    assert o["payload"]["forced"] is True
    assert {i["value"] for i in s.author(j1)["ids"]} == {"0000-0001-0000-0001",
                                                         "0000-0002-0000-0002"}
    s.close()


def test_a_failed_override_changes_nothing(store, monkeypatch):
    before = snapshot(store)
    (pascal,), (short,) = ids(store, "Pascal Vincent"), ids(store, "P. Vincent")

    def boom(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("graphsvc.store.sqlite_identity.SQLiteIdentityTx.add_override", boom)
    with pytest.raises(StoreUnavailable, match="disk I/O error"):  # one line naming the file
        overrides.merge(store, pascal, short)
    assert snapshot(store) == before


# -- split ---------------------------------------------------------------------------------------
def test_split_moves_papers_to_a_new_author_with_exact_edges(store):
    svc = GraphService(store)
    pascal = ids(store, "Pascal Vincent")[0]
    gans = store.paper_by_external("ref", "a.bib#5")
    got = svc.split("Pascal Vincent", [gans, "ref:a.bib#4"], why="homonym")
    new = got["new_author"]["id"]
    assert got["new_author"]["name"] == "Pascal Vincent" and new > pascal
    assert store.author(pascal)["papers"] == 1 and store.author(new)["papers"] == 2
    assert store.db.execute("SELECT a, b, papers, round(weight, 9), first_year, last_year FROM "
                            "coauthors ORDER BY a, b").fetchall() == edges_from_scratch(store)
    collab = {c["name"] for c in svc.collaborators(new)["collaborators"]}
    assert collab == {"Ian Goodfellow", "Yoshua Bengio", "Razvan Pascanu"}
    assert {c["name"] for c in svc.collaborators(pascal)["collaborators"]} == {"Yoshua Bengio"}
    ex = svc.explain(new)
    assert ex["variants"][0]["joined_by"][-1]["rule"] == "manual split"
    # re-ingest changes nothing; a new paper of the shared spelling goes to the older author
    before = snapshot(store)
    ingest_records(store, RECORDS)
    assert snapshot(store) == before
    ingest_records(store, [rec("Later", ["Pascal Vincent", "Zoe Newcomer"], "c.bib#1")])
    pid = store.paper_by_external("ref", "c.bib#1")
    assert store.db.execute("SELECT author_id FROM authorships WHERE paper_id = ? AND "
                            "position = 0", (pid,)).fetchone()[0] == pascal


def test_split_undo_restores_and_refusals(store):
    svc = GraphService(store)
    before = snapshot(store)
    pascal = ids(store, "Pascal Vincent")[0]
    gans = store.paper_by_external("ref", "a.bib#5")
    with pytest.raises(InvalidQuery, match="not an author of paper"):
        svc.split(pascal, [store.paper_by_external("ref", "a.bib#2")])
    with pytest.raises(InvalidQuery, match="at least one paper"):
        svc.split(pascal, store.author_papers(pascal))
    o = svc.split(pascal, [gans])["override"]
    new = o["subject"]
    # a later merge touching the split-off author must be undone first
    later = svc.merge(ids(store, "P. Vincent")[0], new)["override"]
    with pytest.raises(InvalidQuery, match=f"later override\\(s\\) {later['id']}"):
        svc.unmerge(o["id"])
    svc.unmerge(later["id"])
    svc.unmerge(o["id"])
    assert snapshot(store) == before
    # the undone split-off id is an alias of the author it came from, and is never reused
    assert svc.resolve_following_aliases(new) == pascal
    ingest_records(store, [rec("New", ["Zoe Newcomer"], "d.bib#1")])
    assert ids(store, "Zoe Newcomer")[0] > new
    with pytest.raises(InvalidQuery, match="already undone"):
        svc.unmerge(o["id"])


def test_audit_trail(store):
    svc = GraphService(store)
    (pascal,), (short,) = ids(store, "Pascal Vincent"), ids(store, "P. Vincent")
    m = svc.merge(pascal, short, who="ada", why="same person")["override"]
    s = svc.split(pascal, [store.paper_by_external("ref", "a.bib#5")], who="bob")["override"]
    svc.unmerge(s["id"], who="carl", why="oops")
    got = svc.overrides()
    assert got["total"] == 2
    assert [(o["id"], o["kind"], o["who"], o["active"]) for o in got["overrides"]] == [
        (s["id"], "split", "bob", False), (m["id"], "merge", "ada", True)]
    assert got["overrides"][0]["undone"]["who"] == "carl"
    assert got["overrides"][0]["undone"]["why"] == "oops"
    assert svc.overrides(author=pascal, limit=1)["total"] == 2
    assert len(svc.overrides(author=pascal, limit=1)["overrides"]) == 1
    rows = store.db.execute('SELECT id, kind, who, "when", why, active FROM overrides').fetchall()
    assert len(rows) == 2 and all(r[3] for r in rows)
    ex = svc.explain(pascal)
    merged = next(v for v in ex["variants"] if v["name"] == "P. Vincent")["joined_by"]
    assert merged[-1] == {"rule": "manual merge", "override": m["id"], "who": "ada",
                          "when": m["when"], "why": "same person",
                          "meaning": f"merged in from author {short}"}
    assert ex["aliases"] == sorted([short, s["subject"]])  # merged away, split off and undone


def test_default_who_is_the_user(store, monkeypatch):
    monkeypatch.setenv("USER", "someone")
    (pascal,), (short,) = ids(store, "Pascal Vincent"), ids(store, "P. Vincent")
    assert GraphService(store).merge(pascal, short)["override"]["who"] == "someone"
