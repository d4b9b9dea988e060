"""``stats`` in a year window describes the window's graph (its authors, isolated authors,
components, clustering), checked against networkx on the papers of the window."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graphsvc.api.app import create_app
from graphsvc.cli import main
from graphsvc.config import Settings
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest_records
from graphsvc.store.sqlite import SQLiteStore
from tests.helpers import nx_from_papers, synthetic_papers, synthetic_records

PAPERS = synthetic_papers(seed=11, papers=120)
WINDOWS = [(None, None), (1993, 1996), (1995, None), (None, 1991), (1997, 1997), (2050, 2060)]


def build_store(data_dir: Path) -> None:
    store = SQLiteStore(data_dir / "graphsvc.sqlite3")
    try:
        ingest_records(store, synthetic_records(PAPERS), label="synthetic")
    finally:
        store.close()


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data_dir=store_dir))) as c:
        yield c


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
