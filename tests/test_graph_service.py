"""GraphService answers checked against the graph and the store, hop by hop."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest

from graphsvc.errors import AuthorNotFound
from graphsvc.graph.analytics import component_labels, largest_component
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore

DBLP = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"


@pytest.fixture(scope="module")
def svc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphService]:
    store = SQLiteStore(tmp_path_factory.mktemp("svc") / "graphsvc.sqlite3")
    ingest(store, [DBLP])
    yield GraphService(store)
    store.close()


def pairs(svc: GraphService, k: int) -> list[tuple[int, int]]:
    g = svc.graph()
    _, labels = component_labels(g.indptr, g.indices)
    giant = [int(g.author_ids[v]) for v in largest_component(labels)]
    rng = random.Random(7)
    return [(a, b) for a, b in (rng.sample(giant, 2) for _ in range(k))]


def expected_papers(svc: GraphService, a: int, b: int) -> list[dict[str, object]]:
    """The joint counted papers of a hop, newest first, then title, then id."""
    g = svc.graph()
    ids = [int(g.memberships.paper_ids[i]) for i in g.joint_papers(g.node(a), g.node(b))]
    rows = svc.store.papers(ids)
    rows.sort(key=lambda p: (-(p["year"] or 0), p["title"] or "", p["id"]))
    return rows


def test_path_evidence_is_every_joint_paper_of_every_hop(svc: GraphService) -> None:
    g = svc.graph()
    H = nx.Graph()
    u, v, _ = g.edge_list()
    H.add_edges_from(zip(g.author_ids[u].tolist(), g.author_ids[v].tolist(), strict=True))
    checked = 0
    for a, b in pairs(svc, 25):
        one = svc.path(a, b)
        many = svc.path(a, b, all=True, limit=4)
        d = nx.shortest_path_length(H, a, b)
        count = sum(1 for _ in nx.all_shortest_paths(H, a, b))
        assert (one["length"], one["count"]) == (many["length"], many["count"]) == (d, count)
        assert one["paths"][0] == many["paths"][0]
        assert len(many["paths"]) == min(4, count)
        names = svc.store.author_names([a, b])
        assert one["from"] == {"id": a, "name": names[a]}
        assert one["to"] == {"id": b, "name": names[b]}
        for p in many["paths"]:
            ids = [x["id"] for x in p["authors"]]
            assert ids[0] == a and ids[-1] == b and len(ids) == d + 1
            assert [x["name"] for x in p["authors"]] == [
                svc.store.author_names([i])[i] for i in ids
            ]
            for hop, (x, y) in zip(p["hops"], zip(ids, ids[1:], strict=False), strict=True):
                assert (hop["from"], hop["to"]) == (x, y)
                assert hop["papers"] == expected_papers(svc, x, y)
                assert hop["joint_papers"] == len(hop["papers"]) >= 1
                checked += 1
    assert checked >= 40


def test_a_paper_that_proves_two_hops_is_listed_on_both(svc: GraphService) -> None:
    g = svc.graph()
    # a three-author paper whose authors have no other joint paper makes a chain x - y - z
    # whose two hops share it
    for p in range(g.n_papers):
        members = g.memberships.paper_members[
            g.memberships.paper_ptr[p] : g.memberships.paper_ptr[p + 1]
        ]
        if len(members) != 3 or not g.paper_counted[p]:
            continue
        x, y, z = (int(m) for m in members)
        if g.edge_slot(x, z) < 0:
            continue
        chain = svc._paths_json(g, [[x, y, z]])[0][0]
        pid = int(g.memberships.paper_ids[p])
        assert all(pid in [q["id"] for q in hop["papers"]] for hop in chain["hops"])
        assert chain["hops"][0]["papers"][0] is not chain["hops"][1]["papers"][0]
        return
    pytest.skip("no three-author paper in the sample")


def test_author_ref_and_resolve_by_id(svc: GraphService) -> None:
    a, _ = pairs(svc, 1)[0]
    name = svc.store.author(a)["name"]
    assert svc.author_ref(a) == {"id": a, "name": name}
    assert svc.resolve(str(a)) == a
    with pytest.raises(AuthorNotFound):
        svc.author_ref(10**12)
    with pytest.raises(AuthorNotFound):
        svc.resolve(str(10**12))


def test_ego_distances_are_bfs_distances(svc: GraphService) -> None:
    from graphsvc.graph.paths import distances_from, slot_mask_min_papers

    g = svc.graph()
    for a, _ in pairs(svc, 10):
        for radius in (1, 2):
            for w in (1, 2):
                out = svc.ego(a, radius=radius, min_papers=w, max_nodes=40)
                ids = [n["id"] for n in out["nodes"]]
                mask = slot_mask_min_papers(g, w) if w > 1 else None
                bfs = distances_from(g, g.node(a), [g.node(i) for i in ids], slot_mask=mask)
                assert [n["distance"] for n in out["nodes"]] == bfs.tolist()
                assert max(bfs.tolist()) <= radius


def test_a_graph_built_from_memberships_an_ingest_replaced_is_never_handed_out(tmp_path: Path):
    """Two threads, one warming the graph (it read the memberships before an ingest) and one
    answering after the ingest: whatever order they build in, the later query gets the new data.
    Played here in the losing order: the new memberships are read first, then the old ones
    build their graph."""
    store = SQLiteStore(tmp_path / "graphsvc.sqlite3")
    try:
        ingest(store, [DBLP])
        svc = GraphService(store)
        before = svc._memberships()  # the warming thread's read
        bib = tmp_path / "more.bib"
        bib.write_text("@article{x, author = {Ada Lovelace and Torsten Hoefler}, title = {Notes},"
                       " journal = {Annals}, year = {1843}}\n")
        ingest(store, [bib])
        svc._memberships()  # the answering thread reads the new memberships first
        real = svc._memberships
        svc._memberships = lambda: before  # type: ignore[method-assign]
        stale = svc.graph()  # the warming thread builds from what it read
        svc._memberships = real  # type: ignore[method-assign]
        fresh = svc.graph()
        ada = svc.resolve("Ada Lovelace")
        assert fresh is not stale and fresh.n == stale.n + 1
        assert fresh.node(ada) is not None
    finally:
        store.close()
