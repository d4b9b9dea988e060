"""The HTML pages: front page, search, ego network, path finder, cohort, and error pages.

Each function takes a ``GraphService`` and a :class:`Site` (served by the app, or written to a
file by ``graphsvc view``) and returns a :class:`Page`. Templates are Jinja with autoescaping on,
so every name, title and venue is escaped; JSON for the scripts goes through
:func:`~graphsvc.views.render.script_json`. Library errors become friendly pages here, with the
status the API would answer (404 unknown, 409 ambiguous with the candidates as links, 422 …).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from graphsvc import __version__
from graphsvc.errors import AmbiguousAuthor, AuthorNotFound, GraphsvcError, InvalidQuery, NoPath
from graphsvc.graph.service import GraphService
from graphsvc.views import render
from graphsvc.views.subgraph import OTHER_COLOUR, View, build_view

__all__ = [
    "MAX_COHORT",
    "MAX_EGO_NODES",
    "EgoParams",
    "Failed",
    "Page",
    "PathParams",
    "Site",
    "Window",
    "answer",
    "cohort_page",
    "ego_page",
    "error_page",
    "front_page",
    "path_page",
    "search_page",
    "split_names",
]

#: the largest ego network a page draws (the API's own ceiling is the same)
MAX_EGO_NODES = 2000
#: the most names a cohort page takes
MAX_COHORT = 1000
#: papers listed per hop before "n more"
HOP_SHOWN = 3
#: export links longer than this are left out (a cohort of hundreds of ids)
MAX_LINK = 8000


@dataclass(frozen=True, slots=True)
class Site:
    """Where a page lives: ``served`` by the app under ``base`` (links to the API, assets from
    ``/static``), or a file written by ``graphsvc view`` (assets inlined, no server links)."""

    base: str = ""
    served: bool = True

    def url(self, path: str, params: Mapping[str, Any] | Sequence[tuple[str, Any]] = ()) -> str:
        items = params.items() if isinstance(params, Mapping) else params
        query = urlencode([(k, v) for k, v in items if v is not None and v != ""], doseq=True)
        return self.base + path + (f"?{query}" if query else "")

    def static(self, name: str) -> str:
        return f"{self.base}/static/{quote(name)}?v={quote(__version__)}"

    def author(self, author_id: int | str, params: Mapping[str, Any] | None = None) -> str:
        return self.url(f"/view/authors/{quote(str(author_id), safe='')}", params or {})


@dataclass(slots=True)
class Page:
    html: str
    status: int = 200


@dataclass(frozen=True, slots=True)
class Window:
    year_from: int | None = None
    year_to: int | None = None

    def params(self) -> dict[str, Any]:
        return {"from_year": self.year_from, "to_year": self.year_to}

    def text(self) -> str:
        a, b = self.year_from, self.year_to
        if a is not None and b is not None:
            return f"papers {a}–{b}" if a != b else f"papers of {a}"
        if a is not None:
            return f"papers from {a} on"
        if b is not None:
            return f"papers up to {b}"
        return ""


@dataclass(frozen=True, slots=True)
class EgoParams:
    radius: int = 1
    min_papers: int = 1
    max_nodes: int = 300
    year_from: int | None = None
    year_to: int | None = None

    @property
    def window(self) -> Window:
        return Window(self.year_from, self.year_to)

    def params(self) -> dict[str, Any]:
        return {"radius": self.radius, "min_papers": self.min_papers,
                "max_nodes": self.max_nodes, **self.window.params()}


@dataclass(frozen=True, slots=True)
class PathParams:
    source: str | None = None
    target: str | None = None
    mode: str = "shortest"  # shortest | all | strongest
    limit: int = 10
    max_length: int | None = None
    year_from: int | None = None
    year_to: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def window(self) -> Window:
        return Window(self.year_from, self.year_to)

    def params(self, **override: Any) -> dict[str, Any]:
        out = {"from": self.source, "to": self.target,
               "mode": None if self.mode == "shortest" else self.mode,
               "limit": self.limit if self.mode == "all" else None,
               "max_length": self.max_length, **self.window.params()}
        out.update(override)
        return out


# -- templates ------------------------------------------------------------------------------------
def _num(v: Any) -> str:
    return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)


@cache
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(render.TEMPLATES)), autoescape=True,
                      trim_blocks=False, lstrip_blocks=False)
    env.filters["num"] = _num
    return env


def _text(name: str) -> str:
    # the HTML parser turns CR LF into LF before a CSP hash is checked: hash what it will see
    return render.asset_bytes(name).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


@cache
def _inline_assets() -> tuple[str, list[str]]:
    css = "\n".join(
        render.safe_inline(_text(n), "style") for n in ("vis-network.min.css", "graphsvc.css")
    )
    scripts = [
        render.safe_inline(_text(n), "script") for n in ("vis-network.min.js", "graphsvc.js")
    ]
    return css, scripts


def _html(template: str, site: Site, *, network: bool = False, **ctx: Any) -> str:
    extra: dict[str, Any] = {}
    if not site.served:
        css, scripts = _inline_assets()
        extra["inline"] = {"css": Markup(css), "scripts": [Markup(s) for s in scripts]}
        extra["csp"] = render.inline_csp(scripts)
        extra["written"] = _dt.date.today().isoformat()
    return _env().get_template(template).render(
        base=site.base, served=site.served, static=site.static, version=__version__,
        network=network, **extra, **ctx,
    )


# -- pieces shared by the network pages -----------------------------------------------------------
def _network_page(
    site: Site,
    view: View,
    *,
    heading: str,
    png_name: str,
    view_url: str | None,
    window: Window,
    exports: list[dict[str, str]],
    json_links: list[dict[str, str]],
    focus_label: str | None,
    ego: dict[str, Any] | None = None,
) -> dict[str, Any]:
    click = "open" if site.served and view_url else "focus"
    data = render.view_data(view, click=click, view_url=view_url, ego=ego)
    return {
        "network": Markup(render.network_html(view, heading=heading)),
        "view_json": Markup(render.script_json(data)),
        "png_name": png_name,
        "exports": exports if site.served else [],
        "json_links": json_links if site.served else [],
        "communities": view.communities,
        "other_communities": view.other_communities,
        "other_colour": OTHER_COLOUR,
        "focus_label": focus_label,
        "window": window.text(),
        "click_hint": "click an author to open their network" if click == "open"
        else "click an author to zoom to them",
        "node_count": len(view.nodes),
        "edge_count": len(view.edges),
        "years": data["years"],
    }


def _exports(site: Site, params: Sequence[tuple[str, Any]]) -> list[dict[str, str]]:
    out = []
    for fmt, label in (("graphml", "GraphML"), ("gexf", "GEXF"), ("csv", "CSV")):
        href = site.url("/export", [("format", fmt), *params])
        if len(href) <= MAX_LINK:
            out.append({"href": href, "label": label})
    return out


def _years(first: int | None, last: int | None) -> str:
    if not first and not last:
        return ""
    return str(first or last) if first == last or not first or not last else f"{first}–{last}"


# -- errors ---------------------------------------------------------------------------------------
class Failed(Exception):
    """A page that cannot be built: the library ``error``, and for an ambiguous name how to link
    each candidate (``candidate_url(author id)``, keeping the page's other parameters).

    The routes answer it with :func:`error_page`; ``graphsvc view`` re-raises ``error``.
    """

    def __init__(self, error: GraphsvcError,
                 candidate_url: Callable[[int], str] | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.candidate_url = candidate_url


def answer(site: Site, build: Callable[[], Page], query: str | None = None) -> Page:
    """``build()``, or the error page of the reason it failed."""
    try:
        return build()
    except Failed as f:
        return error_page(site, f.error, candidate_url=f.candidate_url, query=query)


def error_page(
    site: Site,
    exc: GraphsvcError,
    *,
    candidate_url: Callable[[int], str] | None = None,
    query: str | None = None,
) -> Page:
    """A friendly page for a library error: 404 unknown author, 409 ambiguous name (the
    candidates as links, made by ``candidate_url``), 422 invalid query, …"""
    ctx: dict[str, Any] = {"bad": exc.http_status >= 500, "candidates": [], "query": query}
    if isinstance(exc, AmbiguousAuthor):
        url = candidate_url or (lambda i: site.author(i))
        ctx.update(
            heading=f"“{exc.query}” fits {len(exc.candidates)} authors",
            message="Several people have this name (or a name this close). Pick the one you mean.",
            query=exc.query,
            candidates=[
                {"id": int(c["id"]), "name": c["name"], "papers": int(c.get("papers") or 0),
                 "url": url(int(c["id"]))}
                for c in exc.candidates
            ],
        )
    elif isinstance(exc, AuthorNotFound):
        ctx.update(heading="Author not found", message=str(exc).replace("no author matches",
                   "No author matches") + ". Try the search: it forgives accents, order and small "
                   "typos.")
    else:
        ctx.update(heading="This cannot be shown", message=str(exc))
    status = exc.http_status if exc.http_status >= 400 else 422
    return Page(_html("message.html", site, title=ctx["heading"], nav="", **ctx), status)


def not_found_page(site: Site, what: str) -> Page:
    return Page(_html("message.html", site, title="Not found", heading="Not found", nav="",
                      message=what, bad=False, candidates=[], query=None), 404)


# -- front page and search ------------------------------------------------------------------------
def front_page(svc: GraphService, site: Site) -> Page:
    """Author search (typeahead), the path finder form, and graph statistics.

    The counts come from the store (instant); the rest of the statistics (diameter, …) the
    page fetches from ``/stats``, which the API caches.
    """
    try:
        counts = svc.store.counts()
        ranked = svc.rank("collaborators", top=8)["results"] if counts.get("authors") else []
    except GraphsvcError as exc:  # the store is away: an error page, as the other views
        raise Failed(exc) from exc
    top: list[dict[str, Any]] = []
    example = "Torsten Hoefler"
    if ranked:
        top = [{"name": r["name"], "score": r["score"], "url": site.author(r["id"])}
               for r in ranked if r["score"]]
        if top:
            example = top[0]["name"]
    return Page(_html("front.html", site, title="Co-authorship graph", nav="home", counts=counts,
                      top=top, example_name=example))


def search_page(svc: GraphService, site: Site, q: str, limit: int = 50) -> Page:
    q = q.strip()
    try:
        hits = svc.search(q, limit=limit) if q else []
    except GraphsvcError as exc:
        raise Failed(exc) from exc
    rows = [{**h, "url": site.author(h["id"])} for h in hits]
    return Page(_html("search.html", site, title=f"Search: {q}", nav="search", q=q, hits=rows,
                      json_url=site.url("/authors", {"q": q, "limit": limit})))


# -- ego network ----------------------------------------------------------------------------------
def ego_page(svc: GraphService, site: Site, author_id: int, p: EgoParams) -> Page:
    """The co-authorship network around one author, with its controls, legend and links."""
    try:
        res = svc.ego(author_id, radius=p.radius, min_papers=p.min_papers,
                      max_nodes=p.max_nodes, year_from=p.year_from, year_to=p.year_to)
        detail = svc.author_detail(author_id)
        collabs = svc.collaborators(author_id, min_papers=p.min_papers, limit=10,
                                    year_from=p.year_from, year_to=p.year_to)
        view = build_view(svc, res["nodes"], res["edges"], kind="ego", focus=[author_id],
                          year_from=p.year_from, year_to=p.year_to, years=True)
    except GraphsvcError as exc:
        raise Failed(exc, lambda i: site.author(i, p.params())) from exc
    name = res["center"]["name"]
    keep = {"radius": p.radius, "min_papers": p.min_papers, "max_nodes": p.max_nodes,
            **p.window.params()}
    query = urlencode({k: v for k, v in keep.items() if v is not None})
    view_url = f"{site.base}/view/authors/{{id}}?{query}"
    export_params = [("author", author_id), *keep.items()]
    json_links = [
        {"href": site.url(f"/authors/{author_id}/ego", keep), "label": "Ego network (JSON)"},
        {"href": site.url(f"/authors/{author_id}"), "label": "Author (JSON)"},
        {"href": site.url(f"/authors/{author_id}/collaborators",
                          {"papers": "true", "min_papers": p.min_papers, **p.window.params()}),
         "label": "Collaborators with papers (JSON)"},
        {"href": site.url("/communities", {"author": author_id, "radius": p.radius,
                                           **p.window.params()}),
         "label": "Communities (JSON)"},
        {"href": site.url(f"/authors/{author_id}/distances", p.window.params()),
         "label": "Distance profile (JSON)"},
        {"href": site.url("/export", [("format", "json"), *export_params]),
         "label": "Node-link JSON"},
    ]
    page = _network_page(
        site, view, heading=f"Co-authorship network of {name}", png_name=f"ego-{author_id}.png",
        view_url=view_url, window=p.window, exports=_exports(site, export_params),
        json_links=json_links, focus_label=f"{name} (the focus author)",
        ego={"radius": p.radius, "minPapers": p.min_papers,
             "truncated": bool(res.get("truncated"))},
    )
    collaborators = [
        {"name": c["name"], "papers": c["papers"], "years": _years(c["first_year"], c["last_year"]),
         "url": site.author(c["id"], keep) if site.served else None}
        for c in collabs["collaborators"]
    ]
    aliases = list(dict.fromkeys(
        str(v.get("name")) for v in detail.get("variants", ())
        if v.get("name") and v.get("name") != detail.get("name")
    ))[:12]
    html = _html("ego.html", site, title=name, nav="ego", network=True, page=page, p=p,
                 author=detail, aliases=aliases, collaborators=collaborators,
                 truncated=res.get("truncated"),
                 max_nodes_limit=MAX_EGO_NODES, self_url=site.author(author_id))
    return Page(html)


# -- paths ----------------------------------------------------------------------------------------
def _path_nodes_edges(
    result: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[tuple[int, int], list[Any]]]:
    """The union of the paths of a path answer: nodes, hop edges and the evidence per hop."""
    nodes: dict[int, dict[str, Any]] = {}
    edges: dict[tuple[int, int], dict[str, Any]] = {}
    evidence: dict[tuple[int, int], list[Any]] = {}
    for path in result["paths"]:
        for a in path["authors"]:
            nodes.setdefault(int(a["id"]), {"id": int(a["id"]), "name": a["name"]})
        for hop in path["hops"]:
            key = (min(hop["from"], hop["to"]), max(hop["from"], hop["to"]))
            if key not in edges:
                years = [p["year"] for p in hop["papers"] if p.get("year")]
                edges[key] = {"source": key[0], "target": key[1], "papers": hop["joint_papers"],
                              "first_year": min(years) if years else None,
                              "last_year": max(years) if years else None}
                evidence[key] = list(hop["papers"])
    return list(nodes.values()), list(edges.values()), evidence


def path_page(svc: GraphService, site: Site, p: PathParams) -> Page:
    """The path finder: the shortest (all shortest, strongest) path(s), evidence beside it."""
    ctx: dict[str, Any] = {"p": p, "result": None, "page": None, "paths": [], "hops": [],
                           "same": False, "hop_shown": HOP_SHOWN, "json_links": [],
                           "ends": [{"value": p.source or "", "id": None},
                                    {"value": p.target or "", "id": None}]}
    if not p.source or not p.target:
        return Page(_html("path.html", site, title="Path finder", nav="path", **ctx))
    a = _resolve(svc, p.source, lambda i: site.url("/view/path", p.params(**{"from": i})))
    b = _resolve(svc, p.target, lambda i: site.url("/view/path", p.params(to=i)))
    try:
        # the form shows the names; a resubmitted name goes back as its id (graphsvc.js)
        ctx["ends"] = [{"value": svc.author_ref(x)["name"], "id": x} for x in (a, b)]
        if a == b:
            ctx.update(same=True)
            return Page(_html("path.html", site, title="Path finder", nav="path", **ctx))
        try:
            result = svc.path(a, b, all=p.mode == "all", limit=p.limit,
                              strongest=p.mode == "strongest", max_length=p.max_length,
                              year_from=p.year_from, year_to=p.year_to)
        except NoPath as exc:
            result = {"from": svc.author_ref(a), "to": svc.author_ref(b), "mode": p.mode,
                      "length": None, "count": 0, "paths": [], "reason": str(exc)}
        nodes, edges, evidence = _path_nodes_edges(result)
        view = build_view(svc, nodes, edges, kind="path", focus=[a, b], evidence=evidence,
                          year_from=p.year_from, year_to=p.year_to) if nodes else None
    except GraphsvcError as exc:
        raise Failed(exc) from exc
    api = {"from": a, "to": b, "all": "true" if p.mode == "all" else None,
           "strongest": "true" if p.mode == "strongest" else None,
           "limit": p.limit if p.mode == "all" else None, "max_length": p.max_length,
           **p.window.params()}
    json_links = [
        {"href": site.url("/paths/shortest", api), "label": "Path(s) with evidence (JSON)"}
    ]
    if site.served:
        ctx["json_links"] = json_links
    ctx["result"] = result
    if view is not None:
        names = {n["id"]: n["name"] for n in view.nodes}
        ids = list(names)
        cohort = [("cohort", i) for i in ids] + list(p.window.params().items())
        json_links.append({"href": site.url("/export", [("format", "json"), *cohort]),
                           "label": "Subgraph of these authors (node-link JSON)"})
        keep = p.window.params()
        ctx["page"] = _network_page(
            site, view, heading=f"Collaboration path from {result['from']['name']} to "
            f"{result['to']['name']}", png_name=f"path-{a}-{b}.png",
            view_url=f"{site.base}/view/authors/{{id}}" + (
                "?" + urlencode({k: v for k, v in keep.items() if v is not None})
                if any(v is not None for v in keep.values()) else ""),
            window=p.window, exports=_exports(site, cohort), json_links=json_links,
            focus_label="The two ends of the path",
        )
        ctx["paths"] = [
            [{"name": x["name"], "url": site.author(x["id"], keep) if site.served else None}
             for x in path["authors"]]
            for path in result["paths"]
        ]
        hops: dict[tuple[int, int], dict[str, Any]] = {}
        for path in result["paths"]:
            for h in path["hops"]:
                hops.setdefault((h["from"], h["to"]), {
                    "a": names.get(h["from"], ""), "b": names.get(h["to"], ""),
                    "joint_papers": h["joint_papers"], "papers": h["papers"]})
        ctx["hops"] = list(hops.values())
    title = f"{result['from']['name']} → {result['to']['name']}"
    return Page(_html("path.html", site, title=title, nav="path", network=view is not None,
                      **ctx))


def _resolve(svc: GraphService, text: str, candidate_url: Callable[[int], str]) -> int:
    try:
        return svc.resolve(text)
    except GraphsvcError as exc:
        raise Failed(exc, candidate_url) from exc


# -- cohort ---------------------------------------------------------------------------------------
def split_names(text: str) -> list[str]:
    """Names from pasted text: one per line (or separated by ``;``), blanks and repeats dropped.

    Examples
    --------
    >>> split_names("Ada Lovelace\\n\\n Alan Turing ; Ada Lovelace")
    ['Ada Lovelace', 'Alan Turing']
    """
    out: list[str] = []
    for line in text.replace(";", "\n").splitlines():
        name = " ".join(line.split())
        if name and name not in out:
            out.append(name)
    return out


def cohort_page(svc: GraphService, site: Site, names: Sequence[str], window: Window) -> Page:
    """The co-authorship subgraph of a pasted list of authors, with its components."""
    text = "\n".join(names)
    ctx: dict[str, Any] = {"p": window, "text": text, "page": None, "components": [],
                           "unresolved": []}
    if not names:
        return Page(_html("cohort.html", site, title="Cohort", nav="cohort", **ctx))
    if len(names) > MAX_COHORT:
        raise Failed(InvalidQuery(f"a cohort takes at most {MAX_COHORT} names, not {len(names)}"))
    try:
        res = svc.cohort(list(names), year_from=window.year_from, year_to=window.year_to)
        unresolved = []
        for u in res["unresolved"]:
            row = {"query": u["query"], "message": u["message"], "candidates": []}
            if u["error"] == "ambiguous-author":
                try:
                    svc.resolve(u["query"])
                except AmbiguousAuthor as amb:
                    row["candidates"] = [{"id": c["id"], "name": c["name"],
                                          "papers": c.get("papers", 0),
                                          "url": site.author(c["id"], window.params())}
                                         for c in amb.candidates[:10]]
                    row["message"] = f"fits {len(amb.candidates)} authors"
                except GraphsvcError:
                    pass
            unresolved.append(row)
        ctx["unresolved"] = unresolved
        view = None
        if res["nodes"]:
            view = build_view(svc, res["nodes"], res["edges"], kind="cohort",
                              year_from=window.year_from, year_to=window.year_to)
    except GraphsvcError as exc:
        raise Failed(exc) from exc
    if view is not None:
        ids = [n["id"] for n in view.nodes]
        names_by_id = {n["id"]: n["name"] for n in view.nodes}
        cohort = [("cohort", i) for i in ids] + list(window.params().items())
        json_links = [
            {"href": site.url("/export", [("format", "json"), *cohort]),
             "label": "Cohort subgraph (node-link JSON)"},
            {"href": site.url("/communities", cohort), "label": "Communities (JSON)"},
        ]
        json_links = [j for j in json_links if len(j["href"]) <= MAX_LINK]
        keep = {k: v for k, v in window.params().items() if v is not None}
        ctx["page"] = _network_page(
            site, view, heading=f"Co-authorship links among {len(ids)} authors",
            png_name="cohort.png",
            view_url=f"{site.base}/view/authors/{{id}}" + (f"?{urlencode(keep)}" if keep else ""),
            window=window, exports=_exports(site, cohort), json_links=json_links,
            focus_label=None,
        )
        ctx["components"] = [
            [{"name": names_by_id.get(a, str(a)),
              "url": site.author(a, keep) if site.served else None} for a in comp]
            for comp in res["components"]
        ]
    return Page(_html("cohort.html", site, title="Cohort", nav="cohort",
                      network=view is not None, **ctx))
