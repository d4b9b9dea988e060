"""``/docs``: Swagger UI served from graphsvc itself, so it works offline.

FastAPI's own page loads Swagger UI from a CDN: blank without internet, and ``/docs`` is where
operators type the API key. This page uses the Swagger UI bundle that the ``fastapi-offline``
package ships (Swagger UI is Apache-2.0), started by a small script of ours instead of an inline
one, under the same Content-Security-Policy as the views (FastAPI's "Self-hosting JavaScript
and CSS for docs", with ``docs_url=None``). There is no ``/redoc``: ReDoc's bundle always loads
its logo from Redocly's CDN.
"""

from __future__ import annotations

from functools import cache
from html import escape
from importlib import resources

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from graphsvc.api.csp import HEADERS

router = APIRouter(include_in_schema=False)

#: served name -> (package, file in it, media type)
ASSETS: dict[str, tuple[str, str, str]] = {
    "swagger-ui-bundle.js": ("fastapi_offline", "static/swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": ("fastapi_offline", "static/swagger-ui.css", "text/css"),
    "favicon.png": ("fastapi_offline", "static/favicon.png", "image/png"),
    "docs.js": ("graphsvc.api", "static/docs.js", "text/javascript"),
}

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Swagger UI</title>
<link rel="icon" type="image/png" href="{assets}/favicon.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/docs.js" data-openapi-url="{spec}"></script>
</body>
</html>
"""


@cache
def asset_bytes(name: str) -> bytes:
    """The bytes of a docs asset (``KeyError`` for a name not in ``ASSETS``)."""
    package, path, _ = ASSETS[name]
    return resources.files(package).joinpath(path).read_bytes()


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI: try the API in the browser (type the API key under "Authorize")."""
    base = str(request.scope.get("root_path", "")).rstrip("/")
    html = PAGE.format(title=escape(request.app.title), assets=escape(f"{base}/docs/assets"),
                       spec=escape(f"{base}{request.app.openapi_url or '/openapi.json'}"))
    return HTMLResponse(html, headers=HEADERS)


@router.get("/docs/assets/{name}")
def asset(name: str) -> Response:
    """The Swagger UI bundle, its stylesheet and favicon, and the script that starts it."""
    if name not in ASSETS:
        raise HTTPException(404, f"no docs asset {name!r}")
    return Response(asset_bytes(name), media_type=ASSETS[name][2],
                    headers={**HEADERS, "Cache-Control": "public, max-age=86400"})
