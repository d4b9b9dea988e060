"""HTML views: pages, escaping, offline assets, node counts, the ``graphsvc view`` files.

The store is the real dblp sample plus one record whose author, title and venue are markup, and
two dblp homonyms ("Wei Liu 0014", "Wei Liu 0001") so that the name "Wei Liu" is ambiguous.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc.cli import build_parser
from graphsvc.cli.registry import COMMANDS
from graphsvc.config import Settings
from graphsvc.errors import AmbiguousAuthor, AuthorNotFound
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest, ingest_records
from graphsvc.model import RawAuthor, Record
from graphsvc.store.sqlite import SQLiteStore
from graphsvc.views import render
from graphsvc.views.subgraph import build_view, joint_papers_by_edge, layout
from tests.helpers import sqlite_store

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

DATA = Path(__file__).parent / "data"
DBLP = DATA / "dblp-ppopp-socc-100.xml"
EVIL_NAME = '<img src=x onerror="window.__pwned=1">'
EVIL_TITLE = '<script>window.__pwned=2</script> & "quoted" \'title\''
EVIL_VENUE = '<b onmouseover="window.__pwned=3">Venue</b>'


def build_store(data_dir: Path) -> None:
    """The sample store the view tests (and the browser tests) use."""
    with sqlite_store(data_dir) as store:
        ingest(store, [DBLP])
        ingest_records(
            store,
            [
                Record(title=EVIL_TITLE, source_ref="views-test:1", year=2024, venue=EVIL_VENUE,
                       authors=[RawAuthor(EVIL_NAME), RawAuthor("Torsten Hoefler")],
                       ids={"ref": "views-evil-1"}),
                Record(title="Homonyms one", source_ref="views-test:2", year=2020,
                       authors=[RawAuthor("Wei Liu 0014", ids={"dblp": "Wei Liu 0014"}),
                                RawAuthor("Ada Lovelace")], ids={"ref": "views-h1"}),
                Record(title="Homonyms two", source_ref="views-test:3", year=2021,
                       authors=[RawAuthor("Wei Liu 0001", ids={"dblp": "Wei Liu 0001"}),
                                RawAuthor("Alan Turing")], ids={"ref": "views-h2"}),
            ],
            label="views-test",
        )


@pytest.fixture(scope="module")
def ids(svc: GraphService) -> dict[str, int]:
    return {
        "hoefler": svc.resolve("Torsten Hoefler"),
        "besta": svc.resolve("Maciej Besta"),
        "evil": svc.search("img onerror", limit=1)[0]["id"],
    }


# -- helpers --------------------------------------------------------------------------------------
class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of ``<script>`` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append((self._in, ""))

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in = None


def parse(html: str) -> _Tags:
    p = _Tags()
    p.feed(html)
    return p


def assert_offline(html: str) -> None:
    """No script, stylesheet, image, frame or font is loaded from another host."""
    for tag, attrs in parse(html).tags:
        for attr in ("src", "href", "data", "action"):
            value = (attrs.get(attr) or "").strip().lower()
            loads = tag in ("script", "img", "iframe", "embed", "object", "source", "audio",
                            "video") or (tag == "link" and attr == "href")
            if loads and value:
                assert not value.startswith(("http://", "https://", "//")), (tag, attrs)
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html, re.I)  # nor from a stylesheet
    assert not re.search(r"@import", html, re.I)


def data_block(html: str, block_id: str) -> Any:
    for attrs, text in parse(html).scripts:
        if attrs.get("id") == block_id:
            assert attrs.get("type") == "application/json"
            return json.loads(text)
    raise AssertionError(f"no {block_id} block")


def network_counts(html: str) -> tuple[int, int]:
    return len(data_block(html, "gs-nodes")), len(data_block(html, "gs-edges"))


# -- pages through the app ------------------------------------------------------------------------
def test_front_page(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    html = r.text
    assert 'data-typeahead="go"' in html and 'name="q"' in html
    assert 'action="/view/path"' in html and 'name="from"' in html and 'name="to"' in html
    assert 'data-stats-url="/stats"' in html
    for link in ('href="/view/path"', 'href="/view/cohort"', 'href="/docs"', 'href="/stats"'):
        assert link in html
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert_offline(html)


def test_no_page_loads_anything_from_another_host(client: TestClient, ids: dict[str, int]) -> None:
    """Offline means offline: the front page, the API docs and every view, answers and errors,
    load only from this service, under the same Content-Security-Policy."""
    from graphsvc.api.csp import CSP

    hoefler, besta = ids["hoefler"], ids["besta"]
    pages = ["/", "/docs", "/view/search?q=hoefler", f"/view/authors/{hoefler}",
             f"/view/path?from={hoefler}&to={besta}", f"/view/cohort?authors={hoefler},{besta}",
             "/view/authors/Zzyzx%20Qwerty", "/view/authors/Wei%20Liu"]
    for url in pages:
        r = client.get(url)
        assert r.headers["content-type"].startswith("text/html"), url
        assert r.headers["content-security-policy"] == CSP, url
        assert_offline(r.text)
        for tag, attrs in parse(r.text).tags:  # and what they load is served here
            ref = attrs.get("src") if tag in ("script", "img") else (
                attrs.get("href") if tag == "link" else None)
            if ref and not ref.startswith("data:"):
                assert client.get(ref).status_code == 200, (url, ref)


def test_api_docs_run_graphsvc_s_own_swagger_ui(client: TestClient) -> None:
    docs = client.get("/docs").text
    scripts = [a.get("src") for t, a in parse(docs).tags if t == "script"]
    assert scripts == ["/docs/assets/swagger-ui-bundle.js", "/docs/assets/docs.js"]
    assert not [text for _, text in parse(docs).scripts if text.strip()]  # nothing inline
    assert 'data-openapi-url="/openapi.json"' in docs
    start = client.get("/docs/assets/docs.js")
    assert "validatorUrl: null" in start.text  # Swagger UI's default asks validator.swagger.io
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200 and "SwaggerUIBundle" in bundle.text
    assert client.get("/docs/assets/nothing.js").status_code == 404
    assert client.get("/redoc").status_code == 404  # ReDoc always fetches its logo from a CDN


def test_static_assets(client: TestClient) -> None:
    for name, media in (("vis-network.min.js", "javascript"), ("vis-network.min.css", "css"),
                        ("graphsvc.js", "javascript"), ("graphsvc.css", "css")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and media in r.headers["content-type"], name
        assert r.content == render.asset_bytes(name)
    assert client.get("/static/template.html").status_code == 404
    assert client.get("/static/..%2F..%2Fconfig.py").status_code == 404


def test_ego_page_matches_the_service(client: TestClient, svc: GraphService,
                                      ids: dict[str, int]) -> None:
    aid = ids["hoefler"]
    r = client.get(f"/view/authors/{aid}?radius=2")
    assert r.status_code == 200, r.text
    want = svc.ego(aid, radius=2)
    assert network_counts(r.text) == (len(want["nodes"]), len(want["edges"]))
    nodes = data_block(r.text, "gs-nodes")
    focus = [n for n in nodes if n.get("focus")]
    assert [n["id"] for n in focus] == [aid]
    assert all(n["value"] > 0 and "x" in n and "y" in n for n in nodes)
    options = data_block(r.text, "gs-options")
    assert options["physics"]["enabled"] is False and options["edges"]["smooth"] is False
    html = r.text
    assert f"/authors/{aid}/ego?radius=2" in html
    assert f"/export?format=graphml&amp;author={aid}&amp;radius=2" in html
    assert "data-export-png" in html and "Legend" in html and "Top collaborators" in html
    assert 'name="radius"' in html and 'name="min_papers"' in html
    assert 'name="max_nodes"' in html and 'name="from_year"' in html
    assert "Showing the" not in html
    assert_offline(html)


def test_ego_edges_carry_their_joint_papers(client: TestClient, svc: GraphService,
                                            ids: dict[str, int]) -> None:
    r = client.get(f"/view/authors/{ids['hoefler']}")
    edges = data_block(r.text, "gs-edges")
    papers = data_block(r.text, "gs-view")["papers"]
    g = svc.graph()
    for e in edges:
        joint = g.joint_papers(g.node(e["from"]), g.node(e["to"]))
        assert e["papers"] == len(joint)
        assert 1 <= len(e["evidence"]) <= min(5, len(joint))
        assert all(str(p) in papers for p in e["evidence"])
        years = [papers[str(p)][1] or 0 for p in e["evidence"]]
        assert years == sorted(years, reverse=True)


def test_ego_name_redirects_to_id(client: TestClient, ids: dict[str, int]) -> None:
    r = client.get("/view/authors/Torsten Hoefler?radius=2", follow_redirects=False)
    assert r.status_code == 302
    assert r.headers["location"].startswith(f"/view/authors/{ids['hoefler']}?radius=2")


def test_ego_cap_is_said_on_the_page(client: TestClient, ids: dict[str, int]) -> None:
    r = client.get(f"/view/authors/{ids['hoefler']}?radius=2&max_nodes=5")
    assert r.status_code == 200
    assert network_counts(r.text)[0] == 5
    assert "Showing the 5 most strongly connected authors" in r.text


def test_year_window(client: TestClient, svc: GraphService, ids: dict[str, int]) -> None:
    r = client.get(f"/view/authors/{ids['hoefler']}?from_year=2020&to_year=2021")
    want = svc.ego(ids["hoefler"], year_from=2020, year_to=2021)
    assert network_counts(r.text) == (len(want["nodes"]), len(want["edges"]))
    assert "papers 2020–2021" in r.text
    bad = client.get(f"/view/authors/{ids['hoefler']}?from_year=2022&to_year=2020")
    assert bad.status_code == 422 and "year window is empty" in bad.text


def test_invalid_controls_answer_a_page(client: TestClient, ids: dict[str, int]) -> None:
    for q in ("radius=7", "radius=two", "max_nodes=0"):
        r = client.get(f"/view/authors/{ids['hoefler']}?{q}")
        assert r.status_code == 422, q
        assert r.headers["content-type"].startswith("text/html")


def test_ambiguous_name_lists_candidates(client: TestClient) -> None:
    r = client.get("/view/authors/Wei Liu?radius=2")
    assert r.status_code == 409
    assert "fits 2 authors" in r.text
    links = re.findall(r'href="(/view/authors/\d+\?[^"]*)"', r.text)
    assert len(links) == 2 and all("radius=2" in u for u in links)


def test_unknown_author_is_a_friendly_404(client: TestClient) -> None:
    r = client.get("/view/authors/Nobody Atall Xyzzy")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Author not found" in r.text and 'name="q"' in r.text


def test_search_page(client: TestClient, ids: dict[str, int]) -> None:
    r = client.get("/view/search?q=hoefler")
    assert r.status_code == 200
    assert f'href="/view/authors/{ids["hoefler"]}"' in r.text
    assert "/authors?q=hoefler" in r.text


def test_path_page_lists_evidence(client: TestClient, svc: GraphService,
                                  ids: dict[str, int]) -> None:
    r = client.get(f"/view/path?from={ids['evil']}&to=Maciej Besta")
    assert r.status_code == 200, r.text
    want = svc.path(ids["evil"], ids["besta"])
    assert network_counts(r.text) == (len(want["paths"][0]["authors"]),
                                      len(want["paths"][0]["hops"]))
    html = r.text
    for hop in want["paths"][0]["hops"]:
        for paper in hop["papers"][:3]:
            assert render_escape(paper["title"]) in html
    assert f"/paths/shortest?from={ids['evil']}&amp;to={ids['besta']}" in html
    assert "collaboration distance 2" in html
    assert_offline(html)


def test_path_page_all_and_no_path(client: TestClient, svc: GraphService) -> None:
    r = client.get("/view/path?from=Torsten Hoefler&to=Maciej Besta&mode=all")
    assert r.status_code == 200 and "all shortest paths" in r.text
    far = client.get("/view/path?from=Ada Lovelace&to=Torsten Hoefler")
    assert far.status_code == 200
    assert "are not connected" in far.text
    assert "gs-nodes" not in far.text
    form = client.get("/view/path")
    assert form.status_code == 200 and 'name="from"' in form.text


def test_path_ambiguous_keeps_the_other_end(client: TestClient, ids: dict[str, int]) -> None:
    r = client.get("/view/path?from=Wei Liu&to=Torsten Hoefler")
    assert r.status_code == 409
    links = re.findall(r'href="(/view/path\?[^"]*)"', r.text)
    assert len(links) == 2
    assert all("to=Torsten+Hoefler" in u.replace("&amp;", "&") for u in links)


def test_cohort_get_and_post(client: TestClient, svc: GraphService) -> None:
    names = ["Torsten Hoefler", "Maciej Besta", "Shigang Li", "Wei Liu", "Nobody Atall Xyzzy"]
    want = svc.cohort(names)
    r = client.post("/view/cohort", data={"authors": "\n".join(names)})
    assert r.status_code == 200, r.text
    assert network_counts(r.text) == (len(want["nodes"]), len(want["edges"]))
    assert "2 names were not added" in r.text
    assert "fits 2 authors" in r.text  # the ambiguous name, with its candidates as links
    assert "Connected components" in r.text
    g = client.get("/view/cohort", params=[("author", n) for n in names[:3]])
    assert network_counts(g.text)[0] == 3
    empty = client.get("/view/cohort")
    assert empty.status_code == 200 and "<textarea" in empty.text


def render_escape(s: str) -> str:
    """How the pages escape text (markupsafe, as Jinja's autoescape does)."""
    from markupsafe import escape

    return str(escape(s))


def test_markup_is_escaped_everywhere(client: TestClient, ids: dict[str, int]) -> None:
    pages = [
        client.get(f"/view/authors/{ids['evil']}").text,
        client.get(f"/view/authors/{ids['hoefler']}").text,
        client.get(f"/view/path?from={ids['evil']}&to={ids['besta']}").text,
        client.get("/view/search?q=img onerror").text,
        client.post("/view/cohort", data={"authors": f"{ids['evil']}\nTorsten Hoefler"}).text,
    ]
    for html in pages:
        assert "<img" not in html.lower()
        assert "<script>window" not in html and "<b onmouseover" not in html
        assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "") \
            .replace('onerror=\\"', "").replace("onerror=\\u0022", "")
        for attrs, text in parse(html).scripts:
            if attrs.get("type") == "application/json":
                assert "<" not in text and ">" not in text
                json.loads(text)
    evil = pages[0]
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in evil
    nodes = data_block(evil, "gs-nodes")
    assert EVIL_NAME in [n["name"] for n in nodes]  # the data is intact, only escaped
    path = pages[2]
    assert render_escape(EVIL_TITLE) in path


# -- render pieces --------------------------------------------------------------------------------
def test_script_json_and_safe_inline() -> None:
    text = render.script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}
    assert "</script" not in render.safe_inline("x='</SCRIPT>'", "script").lower()


def test_layout_is_deterministic_and_separates_nodes() -> None:
    edges = [(0, i) for i in range(1, 40)] + [(i, i + 1) for i in range(1, 39)]
    import numpy as np

    a = layout(40, edges, radii=np.full(40, 20.0))
    b = layout(40, edges, radii=np.full(40, 20.0))
    assert (a == b).all()
    d = ((a[:, None, :] - a[None, :, :]) ** 2).sum(-1) ** 0.5
    d[range(40), range(40)] = 1e9
    assert d.min() >= 40.0 - 1.0  # two radii apart (the gap allows rounding)


def test_joint_papers_by_edge_matches_the_graph(svc: GraphService, ids: dict[str, int]) -> None:
    g = svc.graph()
    ego = svc.ego(ids["hoefler"], radius=2)
    import numpy as np

    idx = g.nodes([n["id"] for n in ego["nodes"]])
    local = {int(v): i for i, v in enumerate(idx)}
    pairs = [(local[g.node(e["source"])], local[g.node(e["target"])]) for e in ego["edges"]]
    got = joint_papers_by_edge(g, np.asarray(idx), pairs, per_edge=1000)
    for (a, b), papers in zip(pairs, got, strict=True):
        assert sorted(papers) == sorted(g.joint_papers(int(idx[a]), int(idx[b])).tolist())


# -- graphsvc view (files) ------------------------------------------------------------------------
def _view(store_dir: Path, *argv: str) -> int:
    """``graphsvc view ARGV`` with library errors raised (``main`` would print them)."""
    args = build_parser().parse_args(["view", *argv])
    return COMMANDS["view"].run(args, Settings(data_dir=store_dir))


def assert_self_contained(html: str) -> None:
    """Scripts and styles inline, nothing to fetch, and a CSP that allows exactly them."""
    tags = parse(html)
    assert not [a for t, a in tags.tags if t == "script" and a.get("src")]
    assert not [a for t, a in tags.tags if t == "link" and a.get("rel") == "stylesheet"]
    assert_offline(html)
    csp = next(a["content"] for t, a in tags.tags
               if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp
    inline = [text for attrs, text in tags.scripts if not attrs.get("type")]
    assert len(inline) == 2 and "vis-network" in inline[0]
    for text in inline:
        digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp


def test_cli_writes_self_contained_files(store_dir: Path, svc: GraphService,
                                         ids: dict[str, int], tmp_path: Path) -> None:
    ego = tmp_path / "ego.html"
    assert _view(store_dir, "Torsten Hoefler", "--radius", "2", "-o", str(ego)) == 0
    html = ego.read_text(encoding="utf-8")
    assert_self_contained(html)
    want = svc.ego(ids["hoefler"], radius=2)
    assert network_counts(html) == (len(want["nodes"]), len(want["edges"]))
    assert data_block(html, "gs-view")["click"] == "focus"
    hrefs = [a.get("href") or "" for t, a in parse(html).tags if t in ("a", "form", "link")]
    assert not [h for h in hrefs if h.startswith("/")]  # nothing that needs a server

    path = tmp_path / "path.html"
    assert _view(store_dir, "--path", "Torsten Hoefler", "Maciej Besta", "-o", str(path)) == 0
    assert_self_contained(path.read_text(encoding="utf-8"))
    assert "Evidence" in path.read_text(encoding="utf-8")

    cohort = tmp_path / "cohort.html"
    assert _view(store_dir, "--cohort", "Torsten Hoefler", "Maciej Besta", "Shigang Li",
                 "-o", str(cohort)) == 0
    assert network_counts(cohort.read_text(encoding="utf-8"))[0] == 3


def test_cli_errors_are_library_errors(store_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(AmbiguousAuthor):
        _view(store_dir, "Wei Liu", "-o", str(tmp_path / "x.html"))
    with pytest.raises(AuthorNotFound):
        _view(store_dir, "--path", "Torsten Hoefler", "Nobody Atall Xyzzy",
              "-o", str(tmp_path / "y.html"))
    assert not (tmp_path / "x.html").exists()


# -- size -----------------------------------------------------------------------------------------
def _synthetic_store(path: Path, authors: int = 1500, papers: int = 4000) -> None:
    """Labs of ~30 authors with a few long-range collaborations: small-world, like real data."""
    rng = random.Random(7)
    names = [f"Synth{i:04d} Author" for i in range(authors)]
    records = []
    for p in range(papers):
        lead = rng.randrange(authors)
        team = {lead}
        for _ in range(rng.randint(1, 4)):
            far = rng.random() < 0.08
            team.add(rng.randrange(authors) if far else (lead + rng.randint(-15, 15)) % authors)
        records.append(Record(title=f"Synthetic paper {p}", source_ref=f"synth:{p}",
                              authors=[RawAuthor(names[a]) for a in sorted(team)],
                              year=1990 + p % 30, venue="SYN", ids={"ref": f"synth-{p}"}))
    store = SQLiteStore(path)
    try:
        ingest_records(store, records, label="synthetic")
    finally:
        store.close()


def test_thousand_node_view(tmp_path: Path) -> None:
    """A 1,000-node ego view renders with every node; its time is printed (bench/views.py has
    the goals)."""
    _synthetic_store(tmp_path / "graphsvc.sqlite3")
    with sqlite_store(tmp_path) as store:
        svc = GraphService(store)
        focus = svc.rank("collaborators", top=1)["results"][0]["id"]
        svc.graph()
        render.network_html(build_view(svc, [], [], kind="ego"))  # imports, template cache
        t0 = time.perf_counter()
        ego = svc.ego(focus, radius=3, max_nodes=1000)
        view = build_view(svc, ego["nodes"], ego["edges"], kind="ego", focus=[focus])
        html = render.network_html(view)
        seconds = time.perf_counter() - t0
    assert len(ego["nodes"]) == 1000 and ego["truncated"]
    assert network_counts(html) == (1000, len(ego["edges"]))
    print(f"\n1,000-node ego view ({len(ego['edges'])} edges): {seconds * 1000:.0f} ms "
          f"server-side, {len(html) // 1024} KB of network HTML")
