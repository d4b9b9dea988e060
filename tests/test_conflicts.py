"""Conflicts of interest on the bundled dblp sample, with cases checked by hand against the raw
records (graphsvc/data/dblp-ppopp-socc.xml.gz) and a brute-force networkx oracle."""

from __future__ import annotations

import json
import random
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from graphsvc.cli import main
from graphsvc.graph.conflicts import Submission, conflicts
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest
from tests.helpers import sqlite_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DEMO = Path(__file__).parents[1] / "graphsvc" / "data" / "dblp-ppopp-socc.xml.gz"


def build_store(data_dir: Path) -> None:
    with sqlite_store(data_dir) as store:
        ingest(store, [DEMO])


def keys(row: dict) -> list[str]:
    return [p["source_id"] for p in row["papers"]]


def test_hand_checked_coauthors(svc: GraphService) -> None:
    # the raw records: Besta and Hoefler wrote conf/ppopp/GianinazziKPBH18 (2018) and
    # conf/ppopp/KwasniewskiBZSB21 (2021) together, nothing else; Shigang Li 0002 and Hoefler
    # wrote conf/ppopp/0002ZH17, conf/ppopp/LiBGAH20 and conf/ppopp/0002H22
    subs = [Submission("S1", ("Torsten Hoefler",)), Submission("S2", ("Maciej Besta", "x"))]
    r = conflicts(svc, subs, ["Maciej Besta", "Shigang Li"], years=5, as_of=2022)
    assert r["window"] == {"from": 2018, "to": 2022}
    rows = {(c["submission"], c["reviewer"]["name"]): c for c in r["conflicts"]}
    assert set(rows) == {("S1", "Maciej Besta"), ("S1", "Shigang Li"), ("S2", "Maciej Besta")}
    besta = rows["S1", "Maciej Besta"]
    assert besta["reason"] == "coauthor"
    assert keys(besta) == ["dblp:conf/ppopp/KwasniewskiBZSB21", "dblp:conf/ppopp/GianinazziKPBH18"]
    assert [p["year"] for p in besta["papers"]] == [2021, 2018]
    assert besta["papers"][0]["venue"] == "PPoPP"
    assert besta["authors"] == [{"id": besta["authors"][0]["id"], "name": "Torsten Hoefler"}]
    assert keys(rows["S1", "Shigang Li"]) == ["dblp:conf/ppopp/0002H22",
                                              "dblp:conf/ppopp/LiBGAH20"]
    assert rows["S2", "Maciej Besta"]["reason"] == "author"
    assert [(u["submission"], u["query"]) for u in r["unresolved"]] == [("S2", "x")]
    # four years: 2019-2022 keeps only the 2021 paper; 2017 alone: only Shigang Li's poster
    r = conflicts(svc, subs[:1], ["Maciej Besta"], years=4, as_of=2022)
    assert keys(r["conflicts"][0]) == ["dblp:conf/ppopp/KwasniewskiBZSB21"]
    r = conflicts(svc, subs[:1], ["Maciej Besta", "Shigang Li"], years=1, as_of=2017)
    assert [(c["reviewer"]["name"], keys(c)) for c in r["conflicts"]] == [
        ("Shigang Li", ["dblp:conf/ppopp/0002ZH17"])]


def test_names_are_never_guessed(svc: GraphService) -> None:
    # 'Qing Liu 0001' and 'Qing Liu 0002' are two dblp people; 'Torsten Hofler' is a typo
    subs = [Submission("S1", ("Qing Liu", "Torsten Hoefler"))]
    r = conflicts(svc, subs, ["Torsten Hofler", "Qing Liu 0001", "Maciej Besta"], as_of=2022)
    bad = {(u["role"], u["query"]): u for u in r["unresolved"]}
    assert set(bad) == {("reviewer", "Torsten Hofler"), ("author", "Qing Liu")}
    assert bad["author", "Qing Liu"]["error"] == "ambiguous-author"
    two = {svc.resolve("Qing Liu 0001"), svc.resolve("Qing Liu 0002")}
    assert len(two) == 2
    assert {c["id"] for c in bad["author", "Qing Liu"]["candidates"]} == two
    assert "Torsten Hoefler" in bad["reviewer", "Torsten Hofler"]["message"]  # a hint only
    assert r["reviewers"] == 2  # the resolved ones
    none = conflicts(svc, subs, ["Ion Stoica"], as_of=2022)
    assert none["count"] == 0 and none["conflicts"] == []
    assert any(c["reviewer"]["name"] == "Maciej Besta" for c in r["conflicts"])


@pytest.mark.parametrize("distance", [1, 2, 3])
def test_every_pair_against_networkx(svc: GraphService, distance: int) -> None:
    g = svc.graph(2016, 2020)
    H = nx.Graph()
    u, v, _ = g.edge_list()
    H.add_edges_from(zip(g.author_ids[u].tolist(), g.author_ids[v].tolist(), strict=True))
    rng = random.Random(distance)
    people = sorted(H.nodes)
    reviewers = rng.sample(people, 40)
    subs = [Submission(f"S{i}", tuple(str(a) for a in rng.sample(people, rng.randint(1, 4))))
            for i in range(60)]
    subs.append(Submission("own", (str(reviewers[0]), str(people[0]))))
    r = conflicts(svc, subs, [str(a) for a in reviewers], years=5, as_of=2020,
                  distance=distance)
    got = {(c["submission"], c["reviewer"]["id"]): c["distance"] for c in r["conflicts"]}
    want = {}
    for rev in reviewers:
        near = nx.single_source_shortest_path_length(H, rev, cutoff=distance)
        for s in subs:
            ds = [near[int(a)] for a in s.authors if int(a) in near]
            if ds:
                want[s.id, rev] = min(ds)
    assert got == want
    assert got["own", reviewers[0]] == 0
    for c in r["conflicts"]:
        if c["reason"] == "coauthor":
            assert c["papers"] and all(2016 <= p["year"] <= 2020 for p in c["papers"])


def test_cli_csv_json_and_bad_rows(store_dir: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    subs = tmp_path / "subs.csv"
    subs.write_text("id,authors\nS1,Torsten Hoefler; Jane Nobody\n,Lost Author\nS2,\n"
                    "S3,Maciej Besta\n", encoding="utf-8")
    revs = tmp_path / "pc.txt"
    revs.write_text("# programme committee\nMaciej Besta\n\nTorsten Hofler\n", encoding="utf-8")
    base = ["--data-dir", str(store_dir), "conflicts", "--submissions", str(subs),
            "--reviewers", str(revs), "--as-of", "2022"]
    assert main([*base, "--json"]) == 0
    out, err = capsys.readouterr()
    res = json.loads(out)
    assert [(c["submission"], c["reason"]) for c in res["conflicts"]] == [
        ("S1", "coauthor"), ("S3", "author")]
    assert "subs.csv:3: no submission id" in err and "subs.csv:4" in err
    assert "2 submission row(s) skipped" in err
    assert main([*base, "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("submission,reviewer,reviewer_id,reason")
    assert lines[1].startswith("S1,Maciej Besta,") and "GianinazziKPBH18" not in lines[1]
    assert "Communication-avoiding parallel minimum cuts" in lines[1]
    assert any(line.startswith(",Torsten Hofler,,unresolved reviewer") for line in lines)
    js = tmp_path / "subs.json"
    js.write_text(json.dumps({"S1": ["Torsten Hoefler"], "S9": []}), encoding="utf-8")
    assert main([*base[:4], str(js), *base[5:], "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["count"] == 1 and "'S9' has no authors" in err


def test_api_post_conflicts(client: TestClient, svc: GraphService) -> None:
    body = {"submissions": [{"id": "S1", "authors": ["Torsten Hoefler", "Qing Liu"]}],
            "reviewers": ["Maciej Besta", "Torsten Hofler"], "as_of": 2022}
    r = client.post("/conflicts", json=body)
    assert r.status_code == 200, r.text
    want = conflicts(svc, [Submission("S1", ("Torsten Hoefler", "Qing Liu"))],
                     ["Maciej Besta", "Torsten Hofler"], as_of=2022)
    assert r.json() == want
    assert client.post("/conflicts", json={**body, "distance": 9}).status_code == 422
