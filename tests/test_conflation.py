"""The conflation detector on real dblp records with the homonym numbers stripped
(graphsvc.identity.conflation, scored by graphsvc.identity.conflation_eval)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graphsvc.identity.conflation import NameFrequencies, conflated
from graphsvc.identity.conflation_eval import load_aliases, score, stripped_store
from graphsvc.model import Record
from graphsvc.sources.dblp import read
from graphsvc.store.sqlite import SQLiteStore

DATA = Path(__file__).parent / "data" / "identity"
SAMPLE = DATA / "dblp-ppopp-socc-2019on.xml.gz"
ALIASES = DATA / "dblp-aliases-2019on.csv"


@pytest.fixture(scope="module")
def scored() -> dict[str, Any]:
    records = [r for r in read(SAMPLE) if isinstance(r, Record)]
    store = SQLiteStore(Path(":memory:"))
    try:
        persons = stripped_store(records, load_aliases(ALIASES), store)
        out = score(store, persons)
        out["default_listing"] = conflated(store, limit=1000)
        return out
    finally:
        store.close()


def test_the_sample_holds_real_conflations(scored):
    # 575 records of 2019-2022: twelve authors hold two dblp persons once numbers are gone
    assert scored["authors"] > 2000
    assert scored["conflated"] >= 10


def test_precision_and_recall_at_the_defaults(scored):
    got = scored["graphsvc"]
    assert got["precision"] >= 0.5 and got["recall"] >= 0.5, got
    homonyms = scored["graphsvc, homonym truth"]
    assert scored["homonyms"] <= scored["conflated"]
    assert homonyms["precision"] >= 0.5 and homonyms["recall"] >= 0.5, homonyms
    # what the odds buy over the earlier rules
    assert got["precision"] > 4 * scored["co-author groups only"]["precision"]
    before = scored["groups + venue test (before)"]
    assert got["precision"] > before["precision"] and got["recall"] > before["recall"]


def test_listing_ranks_by_odds_with_evidence(scored):
    listing = scored["default_listing"]
    assert listing["min_papers"] == 2 and listing["total"] == scored["graphsvc"]["flagged"]
    odds = [a["odds"] for a in listing["authors"]]
    assert odds == sorted(odds, reverse=True) and min(odds) >= 1.0
    top = listing["authors"][0]
    sep = top["groups"][1]["against_largest"]
    assert set(sep) >= {"venues", "topic", "years", "factor", "shared_words"}
    assert top["namesakes"] > 0.05  # a common name: a namesake is likely to exist
    # the evidence of true conflations among the authors with separated communities
    assert scored["evidence"]["venues"]["apart"]["ratio"] > 1
    assert scored["evidence"]["namesakes"][">= 0.03"]["ratio"] > 1


def test_namesakes_need_a_common_name():
    f = NameFrequencies({"wang": 100, "hoefler": 1}, {"wei": 80, "torsten": 1}, 2000)
    assert f.namesakes(["wang|wei"]) > 3
    assert f.namesakes(["hoefler|torsten"]) < 0.001
    assert f.namesakes(["hoefler|torsten", "wang|wei"]) == f.namesakes(["wang|wei"])
    assert NameFrequencies().namesakes(["wang|wei"]) == pytest.approx(1 / 200)


def test_name_frequencies_are_kept_until_the_store_changes(tmp_path):
    from graphsvc.identity.conflation import name_frequencies
    from graphsvc.ingest import ingest_records
    from tests.test_ingest import rec

    store = SQLiteStore(tmp_path / "g.sqlite3")
    try:
        ingest_records(store, [rec("A", ["Wei Wang", "Li Wang"], "a")])
        first = name_frequencies(store)
        assert first.family["wang"] == 2 and name_frequencies(store) is first
        ingest_records(store, [rec("B", ["Wei Zhang", "Wei Wang"], "b")])
        second = name_frequencies(store)
        assert second is not first and second.given["wei"] == 2 and second.authors == 3
    finally:
        store.close()
