"""Real data end to end: files → ingest → store → graph → the numbers the issues promise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphsvc.cli import main
from graphsvc.errors import NoPath
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED.exists(), reason=f"shared data not at {SHARED}")


@pytest.fixture(scope="module")
def grqc(tmp_path_factory):
    store = SQLiteStore(tmp_path_factory.mktemp("grqc") / "g.sqlite3")
    ingest(store, [DATA / "graph" / "ca-GrQc.txt.gz"])
    yield store
    store.close()


def test_snap_grqc_stats_equal_the_published_table(grqc):
    s = GraphService(grqc).stats()
    assert s["authors"] == 5242
    assert s["edges"] == 14484  # SNAP's 14496 less its 12 self-loops: not co-authorship
    assert s["components"] == 355
    assert s["largest_component"] == {"authors": 4158, "edges": 13422}
    assert round(s["avg_clustering"], 4) == 0.5296
    assert s["triangles"] == 48260
    assert s["diameter"] == 17 and s["diameter_method"] == "exact"
    assert round(s["effective_diameter_90"], 2) == 7.61


def test_reingest_of_an_edge_list_changes_nothing(grqc):
    before = grqc.counts()
    rep = ingest(grqc, [DATA / "graph" / "ca-GrQc.txt.gz"])
    assert rep.papers == 0 and rep.authors == 0 and grqc.counts() == before


def test_paths_through_the_store_equal_networkx(grqc):
    import random

    import networkx as nx

    svc = GraphService(grqc)
    g = svc.graph()
    G = nx.Graph()
    u, v = g.edge_list()[:2] if hasattr(g, "edge_list") else (None, None)
    G.add_edges_from(zip(g.author_ids[u].tolist(), g.author_ids[v].tolist(), strict=True))
    rng = random.Random(7)
    nodes = sorted(G.nodes)
    for _ in range(60):
        a, b = rng.sample(nodes, 2)
        try:
            want = nx.shortest_path_length(G, a, b)
        except nx.NetworkXNoPath:
            with pytest.raises(NoPath):
                svc.path(a, b)
            continue
        got = svc.path(a, b)
        assert got["length"] == want
        chain = [x["id"] for x in got["paths"][0]["authors"]]
        assert chain[0] == a and chain[-1] == b and len(chain) == want + 1
        assert all(G.has_edge(x, y) for x, y in zip(chain, chain[1:], strict=False))


def test_seed_pages_find_exactly_the_author_lists(tmp_path, capsys):
    d = str(tmp_path / "s")
    seeds = sorted((DATA / "seeds").glob("0*.txt"))
    assert len(seeds) == 5
    for seed in seeds:
        code = main(["--data-dir", d, "ingest", str(seed), "--json"])
        rep = json.loads(capsys.readouterr().out)
        if seed.name.startswith(("000", "001", "002")):
            assert rep["records"] == 0 and rep["skipped_reasons"] == {"no-author-lists": 1}
            assert code == 1  # nothing read from a non-empty file
        elif seed.name.startswith("003"):
            assert code == 0 and rep["papers"] == 2
        else:
            assert code == 0 and rep["papers"] == 8


@needs_shared
@pytest.mark.large
def test_shared_dblp_sample_has_3017_papers(tmp_path):
    store = SQLiteStore(tmp_path / "d.sqlite3")
    rep = ingest(store, [SHARED / "dblp" / "dblp-ppopp-socc.xml.gz"])
    assert rep.papers == 3017 and rep.skipped == 0
    assert store.counts()["papers"] == 3017
    store.close()
