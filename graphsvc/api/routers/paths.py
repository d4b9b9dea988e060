"""Collaboration paths: shortest, all shortest, strongest, avoiding authors or papers; batches."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from graphsvc.api.deps import OffloadDep, ReadAuth, ServiceDep
from graphsvc.api.fastjson import DocumentedJSON
from graphsvc.api.leanroute import LeanRoute
from graphsvc.api.models import BatchRequest, BatchResult, PathResult
from graphsvc.api.params import FromYear, MaxTeamSize, QInt, SingleValues, ToYear
from graphsvc.api.problems import responses
from graphsvc.errors import InvalidQuery, NoPath

router = APIRouter(prefix="/paths", tags=["paths"], dependencies=[ReadAuth, SingleValues],
                   route_class=LeanRoute)

AuthorQuery = Annotated[str, Query(min_length=1, max_length=500)]


@router.get("/shortest", response_model=PathResult, responses=responses(404, 409, 422),
            summary="Collaboration distance and path(s), with the papers of every hop")
async def shortest(
    svc: ServiceDep,
    run: OffloadDep,
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=500,
                                description="author id, external id or name",
                                examples=["Torsten Hoefler"])],
    to: Annotated[str, Query(min_length=1, max_length=500,
                             description="author id, external id or name",
                             examples=["Maciej Besta"])],
    all: Annotated[bool, Query(description="several shortest paths (see limit) and their "
                                           "exact count")] = False,
    limit: Annotated[QInt, Query(ge=1, le=100, description="with all: at most this many "
                                                          "paths")] = 10,
    strongest: Annotated[bool, Query(description="minimise Σ 1/joint papers instead of hops")
                         ] = False,
    avoid: Annotated[list[str], Query(max_length=50, description="never pass this author "
                                      "(repeatable)")] = [],  # noqa: B006 - FastAPI copies it
    avoid_paper: Annotated[list[str], Query(
        max_length=50, description="never use this paper (id or kind:value such as "
                                   "dblp:conf/ppopp/LiBGAH20; repeatable)")] = [],  # noqa: B006
    max_length: Annotated[QInt | None, Query(ge=1, le=100, description="give up beyond this "
                                                                       "many hops")] = None,
    from_year: FromYear = None,
    to_year: ToYear = None,
    max_team_size: MaxTeamSize = None,
) -> DocumentedJSON:
    """No path is an answer, not an error: `200` with `length: null` and a `reason`."""
    if all and strongest:
        raise InvalidQuery("choose either all or strongest")

    def answer() -> dict[str, Any]:
        try:
            return svc.path(from_, to, all=all, limit=limit, strongest=strongest, avoid=avoid,
                            avoid_papers=avoid_paper, max_length=max_length,
                            year_from=from_year, year_to=to_year,
                            max_team_size=max_team_size)
        except NoPath as exc:
            # both ends resolved before the search gave up, so this cannot fail now
            a, b = svc.resolve(from_), svc.resolve(to)
            mode = "strongest" if strongest else "all" if all else "shortest"
            return {"from": svc.author_ref(a), "to": svc.author_ref(b), "mode": mode,
                    "length": None, "count": 0, "paths": [], "reason": str(exc)}

    # strongest paths and masks sweep the whole graph; a year window may build its graph first
    small = (from_year is None and to_year is None and max_team_size is None and not strongest
             and not avoid
             and not avoid_paper)
    return DocumentedJSON(await (run.quick if small else run)(answer), PathResult)


@router.post("/batch", response_model=BatchResult, response_model_exclude_unset=True,
             responses=responses(400, 422),
             summary="Collaboration distances of many pairs")
async def batch(svc: ServiceDep, run: OffloadDep, body: BatchRequest) -> dict[str, Any]:
    """One result per pair, in order; a name that fails gives that pair an `error`."""
    pairs = [(str(p.from_), str(p.to)) for p in body.pairs]
    results = await run.slow(svc.path_pairs, pairs, year_from=body.from_year, year_to=body.to_year,
                        max_length=body.max_length, max_team_size=body.max_team_size)
    return {"results": results}
