"""Graph-wide answers: cohorts, statistics, communities, rankings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from graphsvc.api.deps import Offload, OffloadDep, ReadAuth, ServiceDep
from graphsvc.api.lane import ClientGone, unless_disconnected
from graphsvc.api.models import Cohort, CohortRequest, Communities, Rank, Stats
from graphsvc.api.params import (
    MAX_PAGE,
    FromYear,
    MaxTeamSize,
    Offset,
    QInt,
    SingleValues,
    ToYear,
    next_offset,
)
from graphsvc.api.problems import ApiProblem, responses
from graphsvc.errors import InvalidQuery

router = APIRouter(tags=["graph"], dependencies=[ReadAuth, SingleValues])
#: rankings are computed for at least this many places, so that pages share one computation
RANK_PAGE = 100


async def _analytics(request: Request, run: Offload, key: tuple[Any, ...] | None,
                     fn: Callable[..., dict[str, Any]], *args: Any, **kwargs: Any
                     ) -> dict[str, Any]:
    """``fn(*args, **kwargs)`` in the analytics lane, computed once per store generation and
    ``key`` (None: not shared; a key names the team-size cap, the window and every parameter),
    and given up when the client disconnects: not started yet, it is cancelled; running, its
    answer is kept for the next caller."""
    if key is not None:
        svc = request.app.state.service
        key = (await run.quick(svc.store.generation), *key)
    try:
        res = await unless_disconnected(request.receive, run.analytics(key, fn, *args, **kwargs))
    except ClientGone:
        raise ApiProblem(499, "the client closed the request", title="Client closed request",
                         type="client-closed-request") from None
    return dict(res)  # a copy: the lane keeps the answer for the next caller


@router.post("/cohort", response_model=Cohort, response_model_exclude_unset=True,
             responses=responses(400, 422),
             summary="The co-authorship subgraph of a list of authors")
async def cohort(request: Request, svc: ServiceDep, run: OffloadDep,
                 body: CohortRequest) -> dict[str, Any]:
    """Authors that cannot be resolved are listed in `unresolved`, not an error."""
    return await _analytics(request, run, None, svc.cohort, body.authors,
                            year_from=body.from_year, year_to=body.to_year,
                            max_team_size=body.max_team_size)


@router.get("/stats", response_model=Stats, responses=responses(422),
            summary="Size, components, clustering, triangles and diameter")
async def stats(request: Request, svc: ServiceDep, run: OffloadDep, from_year: FromYear = None,
                to_year: ToYear = None, max_team_size: MaxTeamSize = None) -> dict[str, Any]:
    """Cached per store generation and year window (the diameter of a big graph takes time)."""
    key = ("stats", svc.team_size(max_team_size), from_year, to_year)
    return await _analytics(request, run, key, svc.stats, from_year, to_year, max_team_size)


@router.get("/communities", response_model=Communities, responses=responses(404, 409, 422),
            summary="Communities with their sizes and most central authors")
async def communities(
    request: Request,
    svc: ServiceDep,
    run: OffloadDep,
    method: Literal["louvain", "leiden"] = "louvain",
    author: Annotated[str | None, Query(min_length=1, max_length=500,
                                        description="only the ego network of this author")
                      ] = None,
    radius: Annotated[QInt, Query(ge=1, le=3, description="with author: hops")] = 2,
    cohort: Annotated[list[str], Query(max_length=1000, description="only these authors "
                                       "(repeatable)")] = [],  # noqa: B006 - FastAPI copies it
    seed: Annotated[QInt, Query(ge=0, le=2**31 - 1)] = 0,
    top: Annotated[QInt, Query(ge=1, le=50, description="central members listed per "
                                                       "community")] = 5,
    limit: Annotated[QInt, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Offset = 0,
    from_year: FromYear = None,
    to_year: ToYear = None,
    max_team_size: MaxTeamSize = None,
) -> dict[str, Any]:
    if author is not None and cohort:
        raise InvalidQuery("give either author or cohort, not both")
    key = ("communities", svc.team_size(max_team_size), method, author, radius, tuple(cohort),
           seed, top, offset + limit, from_year, to_year)
    res = await _analytics(request, run, key, svc.communities, method=method, author=author,
                           radius=radius, cohort=cohort, seed=seed, top=top,
                           limit=offset + limit, year_from=from_year, year_to=to_year,
                           max_team_size=max_team_size)
    res["communities"] = res["communities"][offset:]
    res.update(limit=limit, offset=offset, next_offset=next_offset(offset, limit, res["count"]))
    return res


@router.get("/rank", response_model=Rank, responses=responses(422),
            summary="Top authors by papers, collaborators, betweenness, closeness or PageRank")
async def rank(
    request: Request,
    svc: ServiceDep,
    run: OffloadDep,
    by: Literal["papers", "collaborators", "betweenness", "closeness", "pagerank"] = "papers",
    limit: Annotated[QInt, Query(ge=1, le=MAX_PAGE)] = 10,
    offset: Annotated[QInt, Query(ge=0, le=9000)] = 0,
    sample: Annotated[QInt | None, Query(ge=1, le=10_000, description="betweenness/closeness: "
                                        "sampled sources (approximate, faster)")] = None,
    seed: Annotated[QInt, Query(ge=0, le=2**31 - 1)] = 0,
    from_year: FromYear = None,
    to_year: ToYear = None,
    max_team_size: MaxTeamSize = None,
) -> dict[str, Any]:
    # one computation serves every page up to RANK_PAGE: the scores are the work
    top = max(offset + limit, RANK_PAGE)
    key = ("rank", svc.team_size(max_team_size), by, top, sample, seed, from_year, to_year)
    res = await _analytics(request, run, key, svc.rank, by, top=top, sample=sample, seed=seed,
                           year_from=from_year, year_to=to_year, max_team_size=max_team_size)
    res["results"] = res["results"][: offset + limit]
    res["results"] = res["results"][offset:]
    ranked = (await run(svc.graph, from_year, to_year, max_team_size)).n  # every author has a score
    res.update(limit=limit, offset=offset, next_offset=next_offset(offset, limit, ranked))
    return res
