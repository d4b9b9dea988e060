"""``stats`` in a year window describes the window's graph (its authors, isolated authors,
components, clustering), checked against networkx on the papers of the window."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graphsvc.cli import main
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest_records
from tests.helpers import nx_from_papers, sqlite_store, synthetic_papers, synthetic_records

PAPERS = synthetic_papers(seed=11, papers=120)
WINDOWS = [(None, None), (1993, 1996), (1995, None), (None, 1991), (1997, 1997), (2050, 2060)]


def build_store(data_dir: Path) -> None:
    with sqlite_store(data_dir) as store:
        ingest_records(store, synthetic_records(PAPERS), label="synthetic")


def expected(lo: int | None, hi: int | None) -> dict[str, object]:
    H = nx_from_papers(PAPERS, lo, hi)
    largest = max(nx.connected_components(H), key=len, default=set())
    return {
        "authors": H.number_of_nodes(),
        "papers": sum(1 for _, y, _ in PAPERS
                      if (lo is None or y >= lo) and (hi is None or y <= hi)),
        "edges": H.number_of_edges(),
        "isolated_authors": nx.number_of_isolates(H),
        "components": nx.number_connected_components(H),
        "largest_component": {"authors": len(largest),
                              "edges": H.subgraph(largest).number_of_edges()},
        "avg_clustering": pytest.approx(nx.average_clustering(H)) if len(H) else 0.0,
        "triangles": sum(nx.triangles(H).values()) // 3,
    }


def test_windows_differ_from_the_whole_store() -> None:
    whole = nx_from_papers(PAPERS)
    part = nx_from_papers(PAPERS, 1993, 1996)
    assert 0 < part.number_of_nodes() < whole.number_of_nodes()
    assert nx.number_of_isolates(part) > 0  # single-author papers in the window


@pytest.mark.parametrize(("lo", "hi"), WINDOWS)
def test_service_stats_match_networkx(svc: GraphService, lo: int | None, hi: int | None) -> None:
    got = svc.stats(lo, hi)
    want = expected(lo, hi)
    assert {k: got[k] for k in want} == want


@pytest.mark.parametrize(("lo", "hi"), [(1993, 1996), (None, 1991)])
def test_cli_and_api_stats_in_a_window(client: TestClient, store_dir: Path,
                                       capsys: pytest.CaptureFixture[str], lo: int | None,
                                       hi: int | None) -> None:
    want = expected(lo, hi)
    window = [*(["--from-year", str(lo)] if lo else []), *(["--to-year", str(hi)] if hi else [])]
    assert main(["--data-dir", str(store_dir), "stats", "--json", *window]) == 0
    got = json.loads(capsys.readouterr().out)
    assert {k: got[k] for k in want} == want
    params = {k: v for k, v in (("from_year", lo), ("to_year", hi)) if v is not None}
    got = client.get("/stats", params=params).json()
    assert {k: got[k] for k in want} == want


# -- the same class: every whole-graph answer in a window is about the window's authors ----------
WINDOW = (1993, 1996)


def test_distances_count_only_the_window_s_authors(svc: GraphService) -> None:
    H = nx_from_papers(PAPERS, *WINDOW)
    for c in sorted(H, key=lambda a: (-H.degree(a), a))[:3] + [nx.isolates(H).__next__()]:
        got = svc.distances(c, year_from=WINDOW[0], year_to=WINDOW[1])
        reach = nx.single_source_shortest_path_length(H, c)
        profile = [sum(1 for d in reach.values() if d == k) for k in range(1, max(reach.values())
                                                                              + 1)]
        assert [p["authors"] for p in got["profile"]] == profile
        assert got["unreachable"] == H.number_of_nodes() - len(reach)


@pytest.mark.parametrize("by", ["papers", "collaborators", "betweenness", "closeness",
                                "pagerank"])
def test_rank_in_a_window_matches_networkx_on_the_window_s_graph(svc: GraphService,
                                                                 by: str) -> None:
    H = nx_from_papers(PAPERS, *WINDOW)
    papers = {a: sum(1 for _, y, names in PAPERS if a in names and WINDOW[0] <= y <= WINDOW[1])
              for a in H}
    want = {
        "papers": papers,
        "collaborators": dict(H.degree()),
        "betweenness": nx.betweenness_centrality(H),
        "closeness": nx.closeness_centrality(H),
        "pagerank": nx.pagerank(H, weight="newman", tol=1e-13),
    }[by]
    got = svc.rank(by, top=100, year_from=WINDOW[0], year_to=WINDOW[1])["results"]
    assert len(got) == H.number_of_nodes()  # nobody from outside the window
    assert {r["name"]: r["score"] for r in got} == pytest.approx(want, abs=1e-9)


def test_communities_in_a_window_partition_the_window_s_authors(svc: GraphService) -> None:
    H = nx_from_papers(PAPERS, *WINDOW)
    res = svc.communities(year_from=WINDOW[0], year_to=WINDOW[1], limit=1000)
    assert sum(c["size"] for c in res["communities"]) == H.number_of_nodes()
    assert res["count"] >= nx.number_connected_components(H)
    central = {m["name"] for c in res["communities"] for m in c["central"]}
    assert central <= set(H)
