"""The HTML routes: ``/`` (front page), ``/view/...`` (search, ego, path, cohort), ``/static/...``.

``graphsvc.api.app.create_app`` includes ``router`` when this module exists. Pages use the same
dependencies as the JSON API (the request's ``GraphService``, the read-key check). Every page is
sent with a Content-Security-Policy that lets scripts, styles and requests come from this
service only: even a name that slipped through escaping could not run or fetch anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from graphsvc.api.csp import HEADERS
from graphsvc.api.deps import ServiceDep, require_read_key
from graphsvc.errors import GraphsvcError, InvalidQuery
from graphsvc.views import pages, render
from graphsvc.views.pages import EgoParams, Page, PathParams, Site, Window

router = APIRouter(include_in_schema=False)
Read = [Depends(require_read_key)]


def _site(request: Request) -> Site:
    return Site(base=str(request.scope.get("root_path", "")).rstrip("/"))


def _respond(page: Page) -> HTMLResponse:
    return HTMLResponse(page.html, status_code=page.status, headers=HEADERS)


def _int(
    params: Mapping[str, str], name: str, default: int | None, lo: int, hi: int
) -> int | None:
    """An optional whole-number parameter; an empty form field counts as absent."""
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    what = name.replace("_", " ")
    try:
        value = int(raw)
    except ValueError:
        raise InvalidQuery(f"{what} must be a whole number, not {raw!r}") from None
    if not lo <= value <= hi:
        raise InvalidQuery(f"{what} must be between {lo} and {hi}, not {value}")
    return value


def _window(params: Mapping[str, str]) -> Window:
    w = Window(_int(params, "from_year", None, 0, 9999), _int(params, "to_year", None, 0, 9999))
    if w.year_from is not None and w.year_to is not None and w.year_from > w.year_to:
        raise InvalidQuery(f"the year window is empty: from {w.year_from} to {w.year_to}")
    return w


# -- pages ----------------------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse, dependencies=Read)
def front(request: Request, svc: ServiceDep) -> HTMLResponse:
    site = _site(request)
    return _respond(pages.answer(site, lambda: pages.front_page(svc, site)))


@router.get("/view/search", response_class=HTMLResponse, dependencies=Read)
def search(request: Request, svc: ServiceDep, q: str = "") -> Response:
    site = _site(request)
    if not q.strip():
        return RedirectResponse(site.base + "/", status_code=303)
    return _respond(pages.answer(site, lambda: pages.search_page(svc, site, q[:200])))


@router.get("/view/authors/{author}", response_class=HTMLResponse, dependencies=Read)
def ego(request: Request, svc: ServiceDep, author: str) -> Response:
    """An author's ego network; a name or external id redirects to the id's page."""
    site = _site(request)
    qp = request.query_params
    try:
        w = _window(qp)
        p = EgoParams(
            radius=_int(qp, "radius", 1, 1, 3) or 1,
            min_papers=_int(qp, "min_papers", 1, 1, 100_000) or 1,
            max_nodes=_int(qp, "max_nodes", 300, 1, pages.MAX_EGO_NODES) or 300,
            year_from=w.year_from,
            year_to=w.year_to,
        )
        # an id that a manual merge took away opens the author it went to
        resolve = getattr(svc, "resolve_following_aliases", svc.resolve)
        aid = resolve(author[:500])
    except GraphsvcError as exc:
        return _respond(pages.error_page(
            site, exc, candidate_url=lambda i: site.author(i, dict(qp.items())), query=author))
    if str(aid) != author:
        return RedirectResponse(site.author(aid, p.params()), status_code=302)
    return _respond(pages.answer(site, lambda: pages.ego_page(svc, site, aid, p)))


@router.get("/view/path", response_class=HTMLResponse, dependencies=Read)
def path(request: Request, svc: ServiceDep) -> HTMLResponse:
    site = _site(request)
    qp = request.query_params
    try:
        w = _window(qp)
        mode = qp.get("mode") or "shortest"
        if mode not in ("shortest", "all", "strongest"):
            raise InvalidQuery("mode must be shortest, all or strongest")
        p = PathParams(
            source=(qp.get("from") or "").strip()[:500] or None,
            target=(qp.get("to") or "").strip()[:500] or None,
            mode=mode,
            limit=_int(qp, "limit", 10, 1, 100) or 10,
            max_length=_int(qp, "max_length", None, 1, 100),
            year_from=w.year_from,
            year_to=w.year_to,
        )
    except GraphsvcError as exc:
        return _respond(pages.error_page(site, exc))
    return _respond(pages.answer(site, lambda: pages.path_page(svc, site, p)))


def _cohort(request: Request, svc: ServiceDep, names: list[str], params: Mapping[str, str]
            ) -> HTMLResponse:
    site = _site(request)
    try:
        w = _window(params)
    except GraphsvcError as exc:
        return _respond(pages.error_page(site, exc))
    return _respond(pages.answer(site, lambda: pages.cohort_page(svc, site, names, w)))


@router.get("/view/cohort", response_class=HTMLResponse, dependencies=Read)
def cohort_form(request: Request, svc: ServiceDep) -> HTMLResponse:
    """The cohort form; with ``?authors=`` (lines) or repeated ``?author=`` it draws the cohort
    too, so a cohort view can be linked."""
    qp = request.query_params
    names = pages.split_names("\n".join([qp.get("authors", ""), *qp.getlist("author")]))
    return _cohort(request, svc, names, qp)


@router.post("/view/cohort", response_class=HTMLResponse, dependencies=Read)
def cohort_post(
    request: Request,
    svc: ServiceDep,
    authors: Annotated[str, Form(max_length=200_000)] = "",
    from_year: Annotated[str, Form(max_length=8)] = "",
    to_year: Annotated[str, Form(max_length=8)] = "",
) -> HTMLResponse:
    names = pages.split_names(authors)
    return _cohort(request, svc, names, {"from_year": from_year, "to_year": to_year})


# -- assets ---------------------------------------------------------------------------------------
@router.get("/static/{asset}")
def static(asset: str) -> Response:
    """vis-network (from the pyvis package) and graphsvc's own script and stylesheet."""
    if asset not in render.ASSETS:
        raise HTTPException(404, f"no static asset {asset!r}")
    _, media_type = render.ASSETS[asset]
    return Response(
        render.asset_bytes(asset),
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )
