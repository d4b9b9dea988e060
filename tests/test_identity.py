"""Author identity rules (DESIGN.md identity/) and author search on the embedded store."""

from __future__ import annotations

import pytest

from graphsvc.errors import AmbiguousAuthor, AuthorNotFound
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest_records
from graphsvc.model import RawAuthor
from graphsvc.store.sqlite import SQLiteStore
from tests.test_ingest import rec


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "g.sqlite3")
    yield s
    s.close()


def n_authors(store):
    return store.counts()["authors"]


def test_order_accents_and_case_are_one_person(store):
    ingest_records(
        store,
        [
            rec("A", ["Günther, Mario", "Eve Adams"], "1"),
            rec("B", ["Mario Gunther", "Zoe Brown"], "2"),
            rec("C", ["GÜNTHER, Mario", "Zoe Brown"], "3"),
        ],
    )
    assert n_authors(store) == 3
    a = store.author(1)
    assert a["name"] == "Mario Günther"  # diacritics kept in the display name
    assert a["papers"] == 3


def test_dblp_homonyms_are_different_people(store):
    ingest_records(
        store,
        [
            rec("A", [RawAuthor("Wei Liu 0014", ids={"dblp": "Wei Liu 0014"}), "Ann Lee"], "1"),
            rec("B", [RawAuthor("Wei Liu 0001", ids={"dblp": "Wei Liu 0001"}), "Ann Lee"], "2"),
            rec("C", [RawAuthor("Wei Liu 0014", ids={"dblp": "Wei Liu 0014"}), "Bo Chen"], "3"),
        ],
    )
    assert n_authors(store) == 4
    svc = GraphService(store)
    with pytest.raises(AmbiguousAuthor) as err:
        svc.resolve("Wei Liu")
    assert {c["id"] for c in err.value.candidates} == {1, 3}
    assert svc.resolve("dblp:Wei Liu 0001") == 3


def test_different_orcids_are_different_people(store):
    ingest_records(
        store,
        [
            rec("A", [RawAuthor("John Smith", ids={"orcid": "0000-0001-0000-0001"}), "X Y"], "1"),
            rec("B", [RawAuthor("John Smith", ids={"orcid": "0000-0002-0000-0002"}), "X Y"], "2"),
            rec("C", [RawAuthor("J. Smith", ids={"orcid": "0000-0001-0000-0001"}), "Q R"], "3"),
        ],
    )
    ids = [
        r[0]
        for r in store.db.execute("SELECT author_id FROM authorships ORDER BY paper_id, position")
    ]
    assert ids[0] != ids[2]  # two ORCIDs: two people
    assert ids[0] == ids[4]  # same ORCID wins over the differing name form


def test_initials_join_full_name_only_with_shared_coauthor(store):
    ingest_records(
        store,
        [
            rec("A", ["Pascal Vincent", "Yoshua Bengio"], "1"),
            rec("B", ["P. Vincent", "Yoshua Bengio"], "2", year=2021),  # shares Bengio: joins
            rec("C", ["P. Vincent", "Someone Else"], "3", year=2022),  # no evidence: separate
        ],
    )
    ships = store.db.execute(
        "SELECT paper_id, author_id FROM authorships ORDER BY paper_id, position"
    ).fetchall()
    pascal = ships[0][1]
    assert ships[2][1] == pascal
    assert ships[4][1] != pascal
    evidence = store.db.execute(
        "SELECT rule FROM evidence WHERE author_id = ? AND variant = 'P. Vincent'", (pascal,)
    ).fetchall()
    assert evidence == [("initials with shared co-author",)]
    dups = store.db.execute("SELECT a, b FROM duplicates").fetchall()
    assert dups == [(min(pascal, ships[4][1]), max(pascal, ships[4][1]))]


def test_search_is_accent_case_order_and_typo_tolerant(store):
    ingest_records(store, [rec("A", ["Seán Ó hÉigeartaigh", "Margaret Hamilton"], "1")])
    svc = GraphService(store)
    for q in [
        "sean o heigeartaigh",
        "Ó hÉigeartaigh, Seán",
        "HEIGEARTAIGH sean",
        "sean heigeartiagh",
        "hamilton marg",
    ]:
        hits = svc.search(q)
        assert hits, q
    assert svc.search("sean o heigeartaigh")[0]["name"] == "Seán Ó hÉigeartaigh"
    assert svc.resolve("sean o heigeartaigh") == 1
    with pytest.raises(AuthorNotFound):
        svc.resolve("Nobody Atall")
