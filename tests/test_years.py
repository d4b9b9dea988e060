"""The ego view's year slider data (``graphsvc.views.years``): redrawn for any year window, the
loaded page shows exactly the ego network the API answers for that window.

The rule the page's script applies is written out again here (:func:`window_ego`) and run on the
page's own JSON, then compared with ``GET /authors/{id}/ego?from_year=…&to_year=…``: the data
the page carries is enough to redraw every window, and redraws it right. ``test_browser.py``
checks that the script in Chromium draws what this rule says.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.service import GraphService
from graphsvc.views.years import edge_year_counts, node_year_counts, year_counts, year_span
from tests.test_views import build_store as build_store  # store_dir (conftest.py) uses it

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def page_data(client: TestClient, url: str) -> tuple[list[Any], list[Any], dict[str, Any]]:
    """The nodes, edges and view data an ego page hands its script."""
    r = client.get(url)
    assert r.status_code == 200, r.text[:300]

    def block(name: str) -> Any:
        m = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', r.text,
                      re.S)
        assert m is not None, name
        return json.loads(m.group(1))

    return block("gs-nodes"), block("gs-edges"), block("gs-view")


def within(by_year: list[list[int]], a: int, b: int) -> int:
    return sum(c for y, c in by_year if a <= y <= b)


def window_ego(
    nodes: list[Any], edges: list[Any], view: dict[str, Any], a: int, b: int
) -> tuple[dict[int, tuple[int, int]], dict[tuple[int, int], int]]:
    """What the slider shows for ``[a, b]``: ``{author: (distance, papers)}`` and
    ``{(author, author): joint papers}`` (graphsvc.js ``yearSlider``)."""
    years = view["years"]
    papers = [within(e["byYear"], a, b) for e in edges]
    keep = [p >= max(years["minPapers"], 1) for p in papers]
    adj: dict[int, list[int]] = {}
    for k, e in enumerate(edges):
        adj.setdefault(e["from"], []).append(k)
        adj.setdefault(e["to"], []).append(k)
    focus = view["focus"][0]
    dist = {focus: 0}
    frontier = [focus]
    for level in range(1, years["radius"] + 1):
        nxt = []
        for u in frontier:
            for k in adj.get(u, []):
                v = edges[k]["to"] if edges[k]["from"] == u else edges[k]["from"]
                if keep[k] and v not in dist:
                    dist[v] = level
                    nxt.append(v)
        frontier = nxt
    shown = {n["id"]: (dist[n["id"]], within(n["byYear"], a, b)) for n in nodes
             if n["id"] in dist}
    links = {
        (min(e["from"], e["to"]), max(e["from"], e["to"])): papers[k]
        for k, e in enumerate(edges)
        if keep[k] and e["from"] in dist and e["to"] in dist
    }
    return shown, links


def api_ego(client: TestClient, author: int, query: str) -> tuple[
        dict[int, tuple[int, int]], dict[tuple[int, int], int], bool]:
    r = client.get(f"/authors/{author}/ego?{query}")
    assert r.status_code == 200, r.text
    res = r.json()
    shown = {n["id"]: (n["distance"], n["papers"]) for n in res["nodes"]}
    links = {(min(e["source"], e["target"]), max(e["source"], e["target"])): e["papers"]
             for e in res["edges"]}
    return shown, links, bool(res["truncated"])


@pytest.mark.parametrize(("radius", "min_papers"), [(1, 1), (2, 1), (2, 2)])
def test_every_year_window_redraws_the_api_ego_network(
    client: TestClient, svc: GraphService, radius: int, min_papers: int
) -> None:
    aid = svc.resolve("Torsten Hoefler")
    nodes, edges, view = page_data(
        client, f"/view/authors/{aid}?radius={radius}&min_papers={min_papers}&max_nodes=2000")
    years = view["years"]
    assert years is not None and years["radius"] == radius and years["minPapers"] == min_papers
    assert not years["truncated"]
    lo, hi = years["min"], years["max"]
    assert hi - lo >= 2, years  # enough years for windows to differ
    # every link's per-year counts add up to its joint papers (the sample's papers have years)
    assert all(sum(c for _, c in e["byYear"]) == e["papers"] for e in edges)
    assert all(sum(c for _, c in n["byYear"]) == n["papers"] for n in nodes)
    full = {n["id"] for n in nodes}
    sizes = set()
    for a in range(lo, hi + 1):
        for b in range(a, hi + 1):
            shown, links = window_ego(nodes, edges, view, a, b)
            want_nodes, want_links, cut = api_ego(
                client, aid, f"radius={radius}&min_papers={min_papers}&max_nodes=2000"
                f"&from_year={a}&to_year={b}")
            assert not cut
            assert shown == want_nodes, (a, b)
            assert links == want_links, (a, b)
            assert set(shown) <= full
            sizes.add(len(shown))
    assert len(sizes) >= 2  # the windows do change what is drawn


def test_a_page_with_a_window_slides_inside_it(client: TestClient, svc: GraphService) -> None:
    aid = svc.resolve("Torsten Hoefler")
    _, _, whole = page_data(client, f"/view/authors/{aid}?radius=2")
    lo, hi = whole["years"]["min"], whole["years"]["max"]
    mid = (lo + hi) // 2
    nodes, edges, view = page_data(client, f"/view/authors/{aid}?radius=2&from_year={mid}")
    assert view["years"] is None or view["years"]["min"] >= mid
    assert all(y >= mid for e in edges for y, _ in e["byYear"])
    assert all(y >= mid for n in nodes for y, _ in n["byYear"])


def test_slider_only_on_ego_pages(client: TestClient, svc: GraphService) -> None:
    aid = svc.resolve("Torsten Hoefler")
    assert 'id="gs-year-from"' in client.get(f"/view/authors/{aid}").text
    page = client.get("/view/cohort?authors=Torsten+Hoefler%0AMaciej+Besta").text
    assert 'id="gs-year-from"' not in page and '"byYear"' not in page


def test_year_counts_of_a_small_graph() -> None:
    m = Memberships.from_papers(
        [1, 2, 3], [[1, 2], [1, 2], [1, 2, 3], [2, 3], [3]],
        years=[2001, 2003, 2003, 0, 2009],
    )
    g = CoauthorGraph.build(m)
    assert edge_year_counts(g, [[0, 1, 2], [2, 3]]) == [[[2001, 1], [2003, 2]], [[2003, 1]]]
    assert node_year_counts(g, np.array([2, 0])) == [[[2003, 1], [2009, 1]],
                                                     [[2001, 1], [2003, 2]]]
    assert year_span([[[2003, 1]], [[1999, 4]]]) == (1999, 2003)
    assert year_counts(np.array([-5, 0, 1990])) == [[1990, 1]]
