"""Timelines and per-year stats on a real dblp sample, checked against the raw authorship rows
with networkx."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graphsvc.api.app import create_app
from graphsvc.cli import main
from graphsvc.config import Settings
from graphsvc.graph.service import GraphService
from graphsvc.graph.timeline import stats_by_year, timeline
from graphsvc.ingest import ingest
from tests.helpers import sqlite_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DBLP = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"


def build_store(data_dir: Path) -> None:
    with sqlite_store(data_dir) as store:
        ingest(store, [DBLP])


def papers(svc: GraphService) -> list[tuple[int, list[int]]]:
    """(year, authors) of every paper, from the store's authorship rows."""
    arr = svc.store.memberships_arrays()
    year = dict(zip(arr["paper_ids"].tolist(), arr["paper_year"].tolist(), strict=True))
    teams: dict[int, list[int]] = {}
    for p, a in zip(arr["ship_paper"].tolist(), arr["ship_author"].tolist(), strict=True):
        teams.setdefault(p, []).append(a)
    return [(year[p], t) for p, t in teams.items()]


def graph_of(rows: list[tuple[int, list[int]]]) -> nx.Graph:
    H = nx.Graph()
    for _, t in rows:
        H.add_nodes_from(t)
        H.add_edges_from((a, b) for i, a in enumerate(t) for b in t[i + 1 :])
    return H


def test_timeline_against_raw_rows(svc: GraphService) -> None:
    rows = papers(svc)
    H = graph_of(rows)
    a = max(sorted(H.nodes), key=lambda x: sum(1 for _, t in rows if x in t))
    r = timeline(svc, a)
    mine = [(y, t) for y, t in rows if a in t]
    assert sum(y["papers"] for y in r["years"]) == len(mine)
    seen: set[int] = set()
    for row in r["years"]:
        y = row["year"]
        met = {b for yy, t in mine if yy == y for b in t if b != a} - seen
        seen |= met
        assert (row["new_collaborators"], row["total_collaborators"]) == (len(met), len(seen))
        assert row["papers"] == sum(1 for yy, _ in mine if yy == y)
        upto = graph_of([(yy, t) for yy, t in rows if 0 < yy <= y])
        d = nx.single_source_shortest_path_length(upto, a) if a in upto else {a: 0}
        assert row["distances"]["reachable"] == len(d) - 1
        if len(d) > 1:
            assert row["distances"]["max"] == max(d.values())
            assert row["distances"]["mean"] == pytest.approx(
                sum(d.values()) / (len(d) - 1), abs=1e-4)


def test_stats_by_year_against_raw_rows(svc: GraphService) -> None:
    rows = papers(svc)
    r = stats_by_year(svc)
    years = sorted({y for y, _ in rows if y > 0})
    assert [x["year"] for x in r["years"]] == years
    for x in r["years"]:
        of_year = [(y, t) for y, t in rows if y == x["year"]]
        H = graph_of(of_year)
        assert (x["authors"], x["papers"], x["edges"]) == (
            H.number_of_nodes(), len(of_year), H.number_of_edges())
        big = len(max(nx.connected_components(H), key=len))
        assert x["largest_component_share"] == pytest.approx(big / H.number_of_nodes(), abs=1e-4)
        assert x["mean_team_size"] == pytest.approx(
            sum(len(t) for _, t in of_year) / len(of_year), abs=1e-4)
    assert [x["year"] for x in stats_by_year(svc, year_from=years[-1])["years"]] == years[-1:]


def test_cli_and_api(store_dir: Path, svc: GraphService,
                     capsys: pytest.CaptureFixture[str]) -> None:
    want = timeline(svc, "Torsten Hoefler")
    assert main(["--data-dir", str(store_dir), "timeline", "Torsten Hoefler", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == want
    assert main(["--data-dir", str(store_dir), "stats", "--by-year"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("  year  authors") and str(stats_by_year(svc)["years"][0]["year"]) in out
    with TestClient(create_app(Settings(data_dir=store_dir))) as c:
        res = c.get("/authors/Torsten Hoefler/timeline")
        assert res.status_code == 200, res.text
        assert res.json() == want
        res = c.get("/stats/by-year", params={"max_team_size": 3})
        assert res.status_code == 200, res.text
        assert res.json() == stats_by_year(svc, max_team_size=3)
        assert c.get("/stats/by-year", params={"from_year": 2020, "to_year": 2010}
                     ).status_code == 422
