"""Query and path parameters shared by the routers (names, bounds, descriptions, examples)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

#: the API's own page-size ceiling (GraphService allows up to 10,000)
MAX_PAGE = 1000
MAX_OFFSET = 1_000_000

AuthorPath = Annotated[str, Path(
    min_length=1, max_length=500,
    description="author id, external id (`dblp:…`, `orcid:…`, `openalex:…`, `s2:…`) or name; a "
                "name that fits several people answers 409 with the candidates",
    examples=["Torsten Hoefler"],
)]
FromYear = Annotated[int | None, Query(
    ge=0, le=9999, description="year window: only papers from this year on", examples=[2015])]
ToYear = Annotated[int | None, Query(
    ge=0, le=9999, description="year window: only papers up to this year", examples=[2023])]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="items to skip (pagination)")]


def next_offset(offset: int, limit: int, total: int) -> int | None:
    """Offset of the next page, or ``None`` on the last one.

    Examples
    --------
    >>> next_offset(0, 10, 25), next_offset(20, 10, 25)
    (10, None)
    """
    return offset + limit if offset + limit < total else None
