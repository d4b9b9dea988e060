"""Initials joins scored against a known truth (graphsvc.identity.initials_eval, issue 15
item 4) on the real samples in tests/data; ``bench/initials.py`` runs the whole shared files."""

from __future__ import annotations

from pathlib import Path

from graphsvc.identity.initials_eval import dblp_initials_records, openalex_records, score
from graphsvc.model import Record
from graphsvc.sources.dblp import read as read_dblp

DATA = Path(__file__).resolve().parent / "data"


def test_dblp_sample_initials_joins_are_precise_and_reach_most_evidence():
    recs = [r for r in read_dblp(DATA / "dblp-ppopp-socc-100.xml") if isinstance(r, Record)]
    got = score(*dblp_initials_records(recs))
    assert got["initials_mentions"] > 150 and got["true_pairs"] > 20
    assert got["precision"] >= 0.95 and got["precision_names"] >= 0.95
    # no join without evidence: the joins stay within what shared co-authors can reach …
    assert got["recall_reachable"] <= 1.0
    # … and reach most of it
    assert got["recall_reachable"] >= 0.75


def test_openalex_raw_names_make_no_wrong_initials_join():
    recs, truth = openalex_records(DATA / "openalex-works-page-utrecht.first5.json.gz")
    got = score(recs, truth)
    assert got["mentions"] > 50 and got["initials_mentions"] >= 1
    assert got["precision"] == 1.0
