"""Query and path parameters shared by the routers (names, bounds, descriptions, examples)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.dependencies.utils import field_annotation_is_sequence
from pydantic import BeforeValidator

from graphsvc.api.problems import ApiProblem

#: the API's own page-size ceiling (GraphService allows up to 10,000)
MAX_PAGE = 1000
MAX_OFFSET = 1_000_000

_DIGITS = re.compile(r"-?[0-9]+")


def _digits(value: object) -> object:
    """An integer query value must be written as one: pydantic would take "0.0", " 7 " or
    "1_000" as well, which the schema (``type: integer``) says are not integers.

    Examples
    --------
    >>> _digits("2015"), _digits(None)
    ('2015', None)
    >>> _digits("0.0")
    Traceback (most recent call last):
    ...
    ValueError: must be an integer written in digits
    """
    if isinstance(value, str) and not _DIGITS.fullmatch(value):
        raise ValueError("must be an integer written in digits")
    return value


#: an integer query parameter (see ``_digits``)
QInt = Annotated[int, BeforeValidator(_digits)]


async def _single_values(request: Request) -> None:
    """A parameter that takes one value, given twice (``?to_year=1&to_year=2``), is refused
    (422) rather than answered with the last one (the schema does not say which wins)."""
    keys = [k for k, _ in request.query_params.multi_items()]
    if len(keys) == len(set(keys)):
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    lists = {f.alias for f in getattr(dependant, "query_params", ())
             if field_annotation_is_sequence(f.field_info.annotation)}
    repeated = sorted({k for k in keys if keys.count(k) > 1} - lists)
    if repeated:
        raise ApiProblem(422, f"query parameter {repeated[0]!r} takes one value, given "
                         f"{keys.count(repeated[0])}")


#: add to a router's dependencies: scalar query parameters given once
SingleValues = Depends(_single_values)

AuthorPath = Annotated[str, Path(
    min_length=1, max_length=500,
    description="author id, external id (`dblp:…`, `orcid:…`, `openalex:…`, `s2:…`) or name; a "
                "name that fits several people answers 409 with the candidates",
    examples=["Torsten Hoefler"],
)]
FromYear = Annotated[QInt | None, Query(
    ge=0, le=9999, description="year window: only papers from this year on", examples=[2015])]
ToYear = Annotated[QInt | None, Query(
    ge=0, le=9999, description="year window: only papers up to this year", examples=[2023])]
MaxTeamSize = Annotated[QInt | None, Query(
    ge=0, le=1_000_000,
    description="only papers with at most this many authors count, at query time (2: Erdős "
                "numbers of the second kind; 0: no cap; default: the store's ingest cap)",
    examples=[2])]
Offset = Annotated[QInt, Query(ge=0, le=MAX_OFFSET, description="items to skip (pagination)")]


def next_offset(offset: int, limit: int, total: int) -> int | None:
    """Offset of the next page, or ``None`` on the last one.

    Examples
    --------
    >>> next_offset(0, 10, 25), next_offset(20, 10, 25)
    (10, None)
    """
    return offset + limit if offset + limit < total else None
