"""Problem JSON (RFC 9457) for every error the API answers, from one place.

Every error body is ``application/problem+json`` with ``type``, ``title``, ``status`` and
``detail``; library errors keep the stable ``type`` of ``graphsvc.errors`` and an ambiguous
author adds ``candidates``. Nothing here ever puts a stack trace into a response.
"""

from __future__ import annotations

import sqlite3
from http import HTTPStatus
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graphsvc.errors import AmbiguousAuthor, GraphsvcError, NoPath

PROBLEM_JSON = "application/problem+json"

#: stable ``type`` of the problems the HTTP layer itself raises (library errors bring their own)
HTTP_TYPES: dict[int, str] = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    429: "too-many-requests",
    500: "internal-error",
    503: "unavailable",
}


class ApiProblem(Exception):
    """An error raised by the HTTP layer (auth, limits, unknown job) with its problem fields."""

    def __init__(self, status: int, detail: str, *, type: str | None = None,
                 title: str | None = None, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type or HTTP_TYPES.get(status, "error")
        self.title = title or _title(status)
        self.headers = headers
        self.extra = extra


def _title(status: int) -> str:
    """The status phrase as prose: ``"Not found"``, not ``"Not Found"``.

    Examples
    --------
    >>> _title(404), _title(405), _title(599)
    ('Not found', 'Method not allowed', 'Error')
    """
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "Error"
    return phrase[:1] + phrase[1:].lower()


def problem_body(status: int, type: str, detail: str, title: str | None = None,
                 **extra: Any) -> dict[str, Any]:
    """The JSON object of a problem response."""
    return {"type": type, "title": title or _title(status), "status": status, "detail": detail,
            **extra}


def problem_response(status: int, type: str, detail: str, *, title: str | None = None,
                     headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    return JSONResponse(problem_body(status, type, detail, title, **extra), status_code=status,
                        media_type=PROBLEM_JSON, headers=headers)


# -- handlers -------------------------------------------------------------------------------
async def graphsvc_error(request: Request, exc: Exception) -> JSONResponse:
    """The one handler for the library's exceptions: their ``type`` and ``http_status``."""
    exc = cast(GraphsvcError, exc)  # registered for GraphsvcError only
    extra: dict[str, Any] = {}
    if isinstance(exc, AmbiguousAuthor):
        extra["query"] = exc.query
        extra["candidates"] = [
            {"id": int(c["id"]), "name": str(c["name"]), "papers": int(c.get("papers", 0))}
            for c in exc.candidates
        ]
    if isinstance(exc, NoPath):
        # "no path" is an answer, not a failure (routes that expect it answer it themselves)
        extra.update(length=None, reason=str(exc))
    # a subclass without a title of its own reads its type as prose, never its class name
    title = _LIBRARY_TITLES.get(exc.type) or exc.type.replace("-", " ").capitalize()
    # a store that cannot be reached is tried again about every second (store/runner.py)
    headers = {"Retry-After": "1"} if exc.http_status == 503 else None
    return problem_response(exc.http_status, exc.type, str(exc), title=title, headers=headers,
                            **extra)


async def store_file_error(request: Request, exc: Exception) -> JSONResponse:
    """An SQLite error about the embedded store's file (full, read-only, damaged), as the
    library's one-line error naming the file."""
    from graphsvc.store.sqlite_errors import store_error

    settings = getattr(request.app.state, "settings", None)
    path = settings.db_path if settings is not None else "the embedded store"
    return await graphsvc_error(request, store_error(cast(sqlite3.Error, exc), path))


_LIBRARY_TITLES = {
    "parse-error": "The input could not be read",
    "unknown-format": "Unknown input format",
    "author-not-found": "Author not found",
    "ambiguous-author": "Ambiguous author name",
    "paper-not-found": "Paper not found",
    "no-path": "No collaboration path",
    "invalid-query": "Invalid query",
    "store-unavailable": "Store unavailable",
    "override-not-found": "Override not found",
    "job-cancelled": "Ingest job cancelled",
    "store-busy": "Store busy with another write",
    "store-corrupt": "Store damaged",
    "config-error": "Server misconfigured",
    "graphsvc-error": "Request failed",
}


async def api_problem(request: Request, exc: Exception) -> JSONResponse:
    exc = cast(ApiProblem, exc)
    return problem_response(exc.status, exc.type, exc.detail, title=exc.title,
                            headers=exc.headers, **exc.extra)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's own errors (unknown route, wrong method, malformed body) as problems."""
    exc = cast(StarletteHTTPException, exc)
    detail = exc.detail if isinstance(exc.detail, str) else _title(exc.status_code)
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"no route for {request.method} {request.url.path}"
    return problem_response(exc.status_code, HTTP_TYPES.get(exc.status_code, "error"), detail,
                            headers=getattr(exc, "headers", None))


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    """The field a validation error is about, as a client would write it.

    Examples
    --------
    >>> _field(("query", "radius")), _field(("body", "pairs", 0, "from"))
    ('radius', 'pairs[0].from')
    """
    parts = [p for p in loc if p not in ("query", "path", "body", "header", "cookie")]
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "body"


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 naming every offending field (``detail`` names the first, ``errors`` lists all)."""
    exc = cast(RequestValidationError, exc)
    errors = []
    for e in exc.errors():
        loc = tuple(e.get("loc", ()))
        where = loc[0] if loc and loc[0] in ("query", "path", "body", "header") else "body"
        errors.append({"field": _field(loc), "in": where, "message": str(e.get("msg", "")),
                       "code": str(e.get("type", ""))})
    first = errors[0] if errors else {"field": "body", "in": "body", "message": "invalid"}
    detail = f"{first['in']} parameter {first['field']!r}: {first['message']}"
    if first["in"] == "body":
        detail = f"request body field {first['field']!r}: {first['message']}"
    if len(errors) > 1:
        detail += f" (and {len(errors) - 1} more)"
    return problem_response(422, "validation-error", detail, title="Invalid request",
                            errors=errors)


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """Anything else: a plain 500 problem to the client; the trace goes to the server log only.

    Starlette re-raises the exception after this response is sent, so the server logs it once.
    """
    return problem_response(500, "internal-error",
                            "the server failed to answer this request; the error was logged",
                            title="Internal server error")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(GraphsvcError, graphsvc_error)
    app.add_exception_handler(sqlite3.Error, store_file_error)
    app.add_exception_handler(ApiProblem, api_problem)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected_error)


#: OpenAPI description of a problem response, for ``responses=`` on routes
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "examples": ["author-not-found"]},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
    },
    "additionalProperties": True,
}


def problem(description: str, example: dict[str, Any] | None = None) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": PROBLEM_SCHEMA}
    if example is not None:
        content["example"] = example
    return {"description": description, "content": {PROBLEM_JSON: content}}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Documented problem responses for a route (``responses=responses(404, 409)``)."""
    out: dict[int | str, dict[str, Any]] = {}
    for s in statuses:
        desc, ex = _DOCUMENTED[s]
        out[s] = problem(desc, ex)
    return out


_DOCUMENTED: dict[int, tuple[str, dict[str, Any] | None]] = {
    400: ("Malformed request body", None),
    401: ("Missing or wrong API key (`Authorization: Bearer …`)",
          problem_body(401, "unauthorized", "this request needs the API key: send "
                       "'Authorization: Bearer <key>'")),
    403: ("Writes are disabled until an API key is configured", None),
    404: ("No such author (or paper, or job)",
          problem_body(404, "author-not-found", "no author matches 'Nobody'",
                       "Author not found")),
    409: ("The name matches several people: pick one of the candidates by id",
          problem_body(409, "ambiguous-author", "'Li' matches 2 authors: …",
                       "Ambiguous author name", query="Li",
                       candidates=[{"id": 27, "name": "Shigang Li", "papers": 2},
                                   {"id": 368, "name": "Chao Li", "papers": 1}])),
    413: ("The upload is larger than the configured limit", None),
    415: ("The uploaded file is in no supported format", None),
    422: ("A parameter is invalid (the field is named)",
          problem_body(422, "validation-error",
                       "query parameter 'radius': Input should be less than or equal to 3",
                       "Invalid request")),
    503: ("The store cannot be reached", None),
}
