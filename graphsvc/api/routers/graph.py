"""Graph-wide answers: cohorts, statistics, communities, rankings."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from graphsvc.api.deps import OffloadDep, ReadAuth, ServiceDep
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
from graphsvc.api.problems import responses
from graphsvc.errors import InvalidQuery

router = APIRouter(tags=["graph"], dependencies=[ReadAuth, SingleValues])



class StatsCache:
    """Recent ``/stats`` answers by (store generation, team-size cap, year window)."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: tuple[Any, ...], value: dict[str, Any]) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@router.post("/cohort", response_model=Cohort, response_model_exclude_unset=True,
             responses=responses(400, 422),
             summary="The co-authorship subgraph of a list of authors")
async def cohort(svc: ServiceDep, run: OffloadDep, body: CohortRequest) -> dict[str, Any]:
    """Authors that cannot be resolved are listed in `unresolved`, not an error."""
    return await run.slow(svc.cohort, body.authors, year_from=body.from_year, year_to=body.to_year,
                          max_team_size=body.max_team_size)


@router.get("/stats", response_model=Stats, responses=responses(422),
            summary="Size, components, clustering, triangles and diameter")
async def stats(request: Request, svc: ServiceDep, run: OffloadDep, from_year: FromYear = None,
                to_year: ToYear = None, max_team_size: MaxTeamSize = None) -> dict[str, Any]:
    """Cached per store generation and year window (the diameter of a big graph takes time)."""
    cache: StatsCache = request.app.state.stats_cache

    def answer() -> dict[str, Any]:
        key = (svc.store.generation(), svc.team_size(max_team_size), from_year, to_year)
        hit = cache.get(key)
        if hit is None:
            hit = svc.stats(from_year, to_year, max_team_size)
            cache.put(key, hit)
        return hit

    return await run.slow(answer)


@router.get("/communities", response_model=Communities, responses=responses(404, 409, 422),
            summary="Communities with their sizes and most central authors")
async def communities(
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
    res = await run.slow(svc.communities, method=method, author=author, radius=radius,
                         cohort=cohort, seed=seed, top=top, limit=offset + limit,
                         year_from=from_year, year_to=to_year, max_team_size=max_team_size)
    res["communities"] = res["communities"][offset:]
    res.update(limit=limit, offset=offset, next_offset=next_offset(offset, limit, res["count"]))
    return res


@router.get("/rank", response_model=Rank, responses=responses(422),
            summary="Top authors by papers, collaborators, betweenness, closeness or PageRank")
async def rank(
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
    res = await run.slow(svc.rank, by, top=offset + limit, sample=sample, seed=seed,
                         year_from=from_year, year_to=to_year, max_team_size=max_team_size)
    res["results"] = res["results"][offset:]
    ranked = (await run(svc.graph, from_year, to_year, max_team_size)).n  # every author has a score
    res.update(limit=limit, offset=offset, next_offset=next_offset(offset, limit, ranked))
    return res
