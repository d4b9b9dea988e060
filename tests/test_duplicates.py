"""Likely duplicates and possible conflations (graphsvc.identity.duplicates / .conflation)."""

from __future__ import annotations

import pytest

from graphsvc.errors import InvalidQuery
from graphsvc.graph.service import GraphService
from graphsvc.identity.conflation import assess
from graphsvc.identity.duplicates import _names, candidate_pairs
from graphsvc.ingest import ingest_records
from graphsvc.model import RawAuthor
from graphsvc.store.sqlite import SQLiteStore
from tests.test_ingest import rec


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "g.sqlite3")
    yield s
    s.close()


def one(store, name):
    (got,) = store.authors_by_name(name)
    return got["id"]


# -- candidates (pure) ---------------------------------------------------------------------------
def test_candidate_pairs_cover_initials_middle_names_joined_and_typos():
    rows = [
        (1, "vincent|pascal", False), (2, "vincent|p", True),
        (3, "gropp|william", False), (4, "gropp|william d", False),
        (5, "van der berg|anna", False), (6, "vanderberg|anna", False),
        (7, "zheng|li rong#0001", False), (8, "zheng|lirong#0001", False),
        (9, "liu|wei#0001", False), (10, "liu|wei#0014", False),
        (11, "muller|hans", False), (12, "mueller|hans", False),
        (13, "li|wei", False), (14, "lu|wei", False),
    ]
    got = {k: (c.relation, c.family) for k, c in candidate_pairs(_names(rows)).items()}
    assert got == {
        (1, 2): ("initials", "same"),
        (3, 4): ("middle", "same"),
        (5, 6): ("same", "joined"),
        (7, 8): ("joined", "same"),
        (11, 12): ("same", "typo"),
    }  # two homonym numbers and two short surnames ("li", "lu") are never candidates


def test_initials_fitting_too_many_names_are_not_listed():
    rows = [(i, f"wang|w{'abcdefghijkl'[i]}i", False) for i in range(12)] + [(99, "wang|w", True)]
    pairs = candidate_pairs(_names(rows), max_fit=10)
    assert all(99 not in k for k in pairs)
    assert any(99 in k for k in candidate_pairs(_names(rows), max_fit=20))


# -- the listing ---------------------------------------------------------------------------------
RECORDS = [
    rec("A", ["Pascal Vincent", "Yoshua Bengio"], "1", venue="ICML"),
    rec("B", ["P. Vincent", "Hugo Larochelle"], "2", venue="ICML"),
    rec("C", ["Pascal Vincent", "Aaron Courville"], "3", venue="NIPS"),
    rec("D", ["Jordi Giménez", "Ana Lopez"], "4", venue="PRB"),
    rec("E", ["Jordi Gimenes", "Ana Lopez"], "5", venue="PRB"),
    rec("F", [RawAuthor("Maria Garcia", ids={"orcid": "0000-0001-0000-0001"}), "Ana Lopez"],
        "6"),
    rec("G", [RawAuthor("Maria Garcia", ids={"orcid": "0000-0002-0000-0002"}), "Ana Lopez"],
        "7"),
    rec("H", ["Na Li", "N. Li", "Other Person"], "8"),
    rec("I", ["William Gropp", "Rusty Lusk"], "9", venue="SC"),
    rec("J", ["William D. Gropp", "Someone Else"], "10", venue="HPDC"),
]


def test_duplicates_are_ranked_with_their_evidence(store):
    ingest_records(store, RECORDS)
    got = GraphService(store).duplicates()
    pairs = {(p["a"]["name"], p["b"]["name"]): p for p in got["pairs"]}
    assert got["total"] == len(got["pairs"]) == 3
    assert list(pairs) == [("Jordi Giménez", "Jordi Gimenes"), ("Pascal Vincent", "P. Vincent"),
                           ("William Gropp", "William D. Gropp")]
    pv = pairs[("Pascal Vincent", "P. Vincent")]
    # a shared co-author would have joined them (at the end of the run if not before:
    # identity.late_joins); a shared venue is no evidence for a join
    assert (pv["name_relation"], pv["family"], pv["shared_coauthors"]) == ("initials", "same", 0)
    assert pv["venues"] == ["ICML"] and pv["reasons"] == [
        "initials: vincent|p ~ vincent|pascal, no co-author in common"]
    gim = pairs[("Jordi Giménez", "Jordi Gimenes")]
    assert (gim["name_relation"], gim["family"], gim["shared_venues"]) == ("same", "typo", 1)
    assert [c["name"] for c in gim["coauthors"]] == ["Ana Lopez"]
    gropp = pairs[("William Gropp", "William D. Gropp")]
    assert (gropp["name_relation"], gropp["shared_coauthors"]) == ("middle", 0)
    assert gim["score"] > pv["score"] >= gropp["score"] > 0
    # left out: two ORCIDs (Maria Garcia), co-authors of one paper (Na Li / N. Li)


def test_duplicates_pagination_focus_and_min_score(store):
    ingest_records(store, RECORDS)
    svc = GraphService(store)
    page = svc.duplicates(limit=1, offset=1)
    assert page["total"] == 3 and len(page["pairs"]) == 1
    assert page["pairs"][0]["a"]["name"] == "Pascal Vincent"
    mine = svc.duplicates(author="William Gropp")
    assert [p["b"]["name"] for p in mine["pairs"]] == ["William D. Gropp"]
    assert svc.duplicates(min_score=0.99)["total"] == 0
    with pytest.raises(InvalidQuery):
        svc.duplicates(limit=0)


# -- conflation ----------------------------------------------------------------------------------
def two_people(name="Wei Zhang"):
    """One name, two communities: parallel programming and chip design."""
    return [
        rec("P1", [name, "Ann Alpha", "Bob Beta"], "p1", year=2015, venue="PPoPP"),
        rec("P2", [name, "Bob Beta"], "p2", year=2017, venue="PPoPP"),
        rec("P3", [name, "Ann Alpha", "Cy Gamma"], "p3", year=2019, venue="PPoPP"),
        rec("S1", [name, "Dee Delta"], "s1", year=2005, venue="SOCC"),
        rec("S2", [name, "Dee Delta", "Eve Eps"], "s2", year=2006, venue="SOCC"),
        rec("S3", ["Solo Paper", name], "s3", year=2006, venue="SOCC"),
    ]


def one_busy_person(name="Ion Busy"):
    """Disjoint co-author groups, one community: not flagged."""
    return [
        rec("B1", [name, "Fay Phi"], "b1", year=2010, venue="SoCC"),
        rec("B2", [name, "Fay Phi"], "b2", year=2011, venue="SoCC"),
        rec("B3", [name, "Gus Gee"], "b3", year=2012, venue="SoCC"),
        rec("B4", [name, "Gus Gee"], "b4", year=2013, venue="SoCC"),
        rec("B5", [name], "b5", year=2014, venue="SoCC"),
    ]


def _rows(store, name):
    aid = GraphService(store).resolve_following_aliases(name)
    return store.paper_coauthors(aid)


def test_conflation_weighs_communities_by_venue_topic_and_namesakes(store):
    ingest_records(store, two_people() + one_busy_person())
    wei = assess(_rows(store, "Wei Zhang"), namesakes=0.1)
    assert wei["flagged"] is True and wei["separated_papers"] == 3
    assert [(g["size"], g["venues"], g["separated"]) for g in wei["groups"]] == [
        (3, ["PPoPP"], False), (2, ["SOCC"], True), (1, ["SOCC"], True)]
    # venues apart (x4.93), years apart (x1.08), no title words: 15 * 0.1 * 4.93 * 1.08
    assert wei["groups"][1]["against_largest"]["venues"] == "apart"
    assert wei["odds"] == pytest.approx(15 * 0.1 * 4.93 * 1.08, rel=1e-3)
    # the same groups with a rare name, or at a shared venue, are one person
    assert assess(_rows(store, "Wei Zhang"), namesakes=0.001)["flagged"] is False
    busy = assess(_rows(store, "Ion Busy"), namesakes=0.1)
    assert busy["flagged"] is False and len(busy["groups"]) == 2
    assert busy["unlinked_papers"] == [store.paper_by_external("ref", "b5")]
    # a store of a dozen authors says nothing about how common a name is: nothing flagged
    svc = GraphService(store)
    listing = svc.duplicates(conflated=True, min_papers=5)
    assert listing["total"] == 0
    one = svc.duplicates(author="Wei Zhang", conflated=True)
    assert one["flagged"] is False and one["namesakes"] < 0.01
    assert [c["name"] for c in one["groups"][1]["top_coauthors"]] == ["Dee Delta", "Eve Eps"]
    assert svc.explain("Wei Zhang")["coauthor_groups"]["odds"] == one["odds"]


def test_assess_topic_and_two_hop_links():
    rows = [(1, 2001, None, True, [10]), (2, 2002, None, True, [10]),
            (3, 2003, None, True, [20]), (4, 2004, None, True, [20]),
            (5, 2005, None, False, [30, 31])]
    apart = {1: "Lock-free queues", 2: "Lock-free stacks", 3: "Analog filters",
             4: "Analog amplifiers"}
    v = assess(rows, namesakes=0.1, titles=apart)
    assert v["unlinked_papers"] == [5] and v["groups"][1]["against_largest"]["topic"] == "apart"
    shared = {**apart, 3: "Lock-free filters"}
    w = assess(rows, namesakes=0.1, titles=shared)
    assert w["groups"][1]["against_largest"]["shared_words"] == ["free", "lock"]
    assert w["odds"] < v["odds"]
    # co-author 10 wrote with co-author 20 elsewhere: one community, nothing to weigh
    linked = assess(rows, namesakes=0.1, titles=apart, neighbours={10: {20}, 20: {10}})
    assert len(linked["groups"]) == 1 and linked["flagged"] is False and linked["odds"] == 0
