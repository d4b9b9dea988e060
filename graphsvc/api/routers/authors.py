"""Authors: search, detail, collaborators, ego network, collaboration-distance profile."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from graphsvc.api.deps import OffloadDep, ReadAuth, ServiceDep
from graphsvc.api.fastjson import DocumentedJSON
from graphsvc.api.leanroute import LeanRoute
from graphsvc.api.models import AuthorDetail, Collaborators, Distances, Ego, SearchPage
from graphsvc.api.params import (
    MAX_PAGE,
    AuthorPath,
    FromYear,
    MaxTeamSize,
    Offset,
    QInt,
    SingleValues,
    ToYear,
    next_offset,
)
from graphsvc.api.problems import responses

router = APIRouter(prefix="/authors", tags=["authors"], dependencies=[ReadAuth, SingleValues],
                   route_class=LeanRoute)

MAX_EGO_NODES = 2000


@router.get("", response_model=SearchPage, responses=responses(422),
            summary="Search authors by name")
async def search_authors(
    svc: ServiceDep,
    run: OffloadDep,
    q: Annotated[str, Query(min_length=1, max_length=200, examples=["hoefler"],
                            description="name or part of it: accents, case, order and small "
                                        "typos don't matter; the last word may be a prefix")],
    limit: Annotated[QInt, Query(ge=1, le=MAX_PAGE)] = 20,
    offset: Offset = 0,
) -> DocumentedJSON:
    hits = await run.quick(svc.search, q, limit=limit + 1, offset=offset)
    return DocumentedJSON({"query": q, "items": hits[:limit], "limit": limit, "offset": offset,
                           "next_offset": offset + limit if len(hits) > limit else None})


@router.get("/{author}", response_model=AuthorDetail, responses=responses(404, 409, 422),
            summary="One author: name variants and external ids")
async def author_detail(svc: ServiceDep, run: OffloadDep, author: AuthorPath) -> dict[str, Any]:
    return await run.quick(svc.author_detail, author)


@router.get("/{author}/collaborators", response_model=Collaborators,
            response_model_exclude_unset=True, responses=responses(404, 409, 422),
            summary="An author's co-authors")
async def collaborators(
    svc: ServiceDep,
    run: OffloadDep,
    author: AuthorPath,
    min_papers: Annotated[QInt, Query(ge=1, le=100_000,
                                     description="at least this many joint papers")] = 1,
    papers: Annotated[bool, Query(description="list the joint papers too")] = False,
    limit: Annotated[QInt, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Offset = 0,
    from_year: FromYear = None,
    to_year: ToYear = None,
    max_team_size: MaxTeamSize = None,
) -> DocumentedJSON:
    """Ranked by joint papers, then the most recent joint year, then name."""
    # a year window may build its graph first, and joint papers are a look-up per row
    small = from_year is None and to_year is None and max_team_size is None and not papers
    res = await (run.quick if small else run)(
        svc.collaborators, author, year_from=from_year, year_to=to_year,
        max_team_size=max_team_size, min_papers=min_papers,
        limit=limit, offset=offset, with_papers=papers)
    res["next_offset"] = next_offset(offset, limit, res["total"])
    return DocumentedJSON(res)


@router.get("/{author}/ego", response_model=Ego, responses=responses(404, 409, 422),
            summary="The co-authorship network around an author")
async def ego(
    svc: ServiceDep,
    run: OffloadDep,
    author: AuthorPath,
    radius: Annotated[QInt, Query(ge=1, le=3, description="hops from the author")] = 1,
    min_papers: Annotated[QInt, Query(ge=1, le=100_000,
                                     description="only edges with this many joint papers")] = 1,
    max_nodes: Annotated[QInt, Query(ge=1, le=MAX_EGO_NODES,
                                    description="keep the most strongly connected N")] = 300,
    from_year: FromYear = None,
    to_year: ToYear = None,
    max_team_size: MaxTeamSize = None,
) -> DocumentedJSON:
    # one hop is bounded by the author's collaborators; two or three hops of a hub are not
    small = from_year is None and to_year is None and max_team_size is None and radius == 1
    return DocumentedJSON(await (run.quick if small else run)(
        svc.ego, author, radius=radius, min_papers=min_papers, max_nodes=max_nodes,
        year_from=from_year, year_to=to_year, max_team_size=max_team_size))


@router.get("/{author}/distances", response_model=Distances,
            responses=responses(404, 409, 422),
            summary="How many authors sit at each collaboration distance (Erdős profile)")
async def distances(svc: ServiceDep, run: OffloadDep, author: AuthorPath,
                    from_year: FromYear = None, to_year: ToYear = None,
                    max_team_size: MaxTeamSize = None) -> dict[str, Any]:
    return await run(svc.distances, author, year_from=from_year, year_to=to_year,
                     max_team_size=max_team_size)
