"""The embedded store and a live Neo4j give identical answers on real data (issue 13 item 3).

Three real inputs (the bundled dblp sample, SNAP's ca-GrQc edge list, a BibTeX library) are
ingested into both stores; every question family (``tests/cross_store.answers``: search,
collaborators with counts and years, ego networks, shortest paths with evidence, exact path
counts, strongest paths, distance profiles, cohorts, stats, duplicates, explain), over the
whole graph and a year window, must be equal, then again after a merge, a split, an unmerge
and a re-ingest of the same file.

Needs a server (``GRAPHSVC_NEO4J_URI``) and ``GRAPHSVC_NEO4J_TEST_WIPE=1``: it empties it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest
from tests.cross_store import answers, differences, probe_authors
from tests.helpers import sqlite_store

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).parents[1]
DATASETS = {
    "dblp": [ROOT / "graphsvc" / "data" / "dblp-ppopp-socc.xml.gz"],
    "ca-grqc": [ROOT / "tests" / "data" / "graph" / "ca-GrQc.txt.gz"],
    "bibtex": sorted((ROOT / "tests" / "data" / "bibtex").glob("*.bib")),
}
WINDOW = {"dblp": (2012, 2018), "ca-grqc": (None, None), "bibtex": (2000, 2015)}


def same(neo: GraphService, emb: GraphService, probes: list[int], when: str,
         window: tuple[int | None, int | None] = (None, None)) -> None:
    want = answers(emb, probes, year_from=window[0], year_to=window[1])
    got = answers(neo, probes, year_from=window[0], year_to=window[1])
    diffs = differences(got, want)
    assert not diffs, f"{when}:\n" + "\n".join(diffs)


@pytest.mark.parametrize("name", list(DATASETS))
def test_both_stores_answer_alike(name: str, neo4j: Any, tmp_path: Path) -> None:
    paths = DATASETS[name]
    neo4j.wipe()
    neo4j.init_schema()
    with sqlite_store(tmp_path) as embedded:
        ingest(embedded, paths)
        ingest(neo4j, paths)
        emb, neo = GraphService(embedded), GraphService(neo4j)
        probes = probe_authors(embedded)
        assert probe_authors(neo4j) == probes
        same(neo, emb, probes, "after ingest")
        if WINDOW[name] != (None, None):
            same(neo, emb, probes, f"in the window {WINDOW[name]}", WINDOW[name])

        # merge two probes, split a paper off a third, unmerge the merge: same on both; the
        # merged-away probe (put last) shares no paper with the first: one person cannot write
        # a paper twice, and the merge refuses such a pair
        mine = set(embedded.author_papers(probes[0]))
        other = next(p for p in reversed(probes[1:]) if not mine & set(embedded.author_papers(p)))
        probes = [p for p in probes if p != other] + [other]
        for svc in (emb, neo):
            svc.merge(probes[0], probes[-1], who="test", why="cross-store", force=True)
        same(neo, emb, probes[:-1], "after a merge")
        paper = embedded.author_papers(probes[1])[0]
        for svc in (emb, neo):
            svc.split(probes[1], [paper], who="test", why="cross-store")
        split_probes = [*probes[:-1], embedded.next_ids()[0] - 1]
        same(neo, emb, split_probes, "after a split")
        for svc in (emb, neo):
            svc.unmerge(probes[0], by_author=True, who="test", why="cross-store")
        same(neo, emb, probes, "after an unmerge")

        # a re-ingest of the same files changes nothing, on either store
        ingest(embedded, paths)
        ingest(neo4j, paths)
        same(neo, emb, probes, "after a re-ingest")
