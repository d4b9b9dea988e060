"""Questions people bring: conflicts of interest between submissions and reviewers, whom to
meet."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from graphsvc.api.deps import OffloadDep, ReadAuth, ServiceDep
from graphsvc.api.models import AuthorIn
from graphsvc.api.params import (
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
from graphsvc.graph.conflicts import MAX_DISTANCE, Submission, conflicts
from graphsvc.graph.suggest import suggestions
from graphsvc.graph.timeline import stats_by_year, timeline

router = APIRouter(tags=["questions"], dependencies=[ReadAuth, SingleValues])

MAX_SUBMISSIONS = 20_000
MAX_REVIEWERS = 5_000


class SubmissionIn(BaseModel):
    id: StrictStr | StrictInt = Field(examples=["S1"])
    authors: list[AuthorIn] = Field(min_length=1, max_length=200,
                                    description="author names, ids or kind:value ids")


class ConflictsRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "submissions": [{"id": "S1", "authors": ["Torsten Hoefler"]}],
        "reviewers": ["Maciej Besta", "Ion Stoica"], "years": 5, "as_of": 2022}]})

    submissions: list[SubmissionIn] = Field(min_length=1, max_length=MAX_SUBMISSIONS)
    reviewers: list[AuthorIn] = Field(min_length=1, max_length=MAX_REVIEWERS)
    years: int = Field(default=5, ge=1, le=200, strict=True,
                       description="co-authorship in the last N years counts")
    as_of: int | None = Field(default=None, ge=0, le=9999, strict=True,
                              description="the reference year (default: this year)")
    distance: int = Field(default=1, ge=1, le=MAX_DISTANCE, strict=True,
                          description="also conflict within this many hops")
    max_team_size: int | None = Field(default=None, ge=0, le=1_000_000, strict=True,
                                      description="only papers with at most this many authors")


class ConflictsResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "as_of": 2022, "years": 5, "window": {"from": 2018, "to": 2022}, "distance": 1,
        "max_team_size": 100, "submissions": 1, "reviewers": 1, "count": 1,
        "conflicts": [{"submission": "S1", "reason": "coauthor", "distance": 1,
                       "reviewer": {"query": "Maciej Besta", "id": 7, "name": "Maciej Besta"},
                       "authors": [{"id": 8, "name": "Torsten Hoefler"}],
                       "papers": [{"id": 1, "title": "On the parallel I/O optimality of linear "
                                   "algebra kernels", "year": 2021, "venue": "PPoPP",
                                   "doi": None,
                                   "source_id": "dblp:conf/ppopp/KwasniewskiBZSB21"}]}],
        "unresolved": []}]})

    as_of: int
    years: int
    window: dict[str, int]
    distance: int
    max_team_size: int
    submissions: int
    reviewers: int
    count: int
    conflicts: list[dict[str, Any]]
    unresolved: list[dict[str, Any]]


@router.post("/conflicts", response_model=ConflictsResult, responses=responses(400, 422),
             summary="Conflicts of interest between submissions and reviewers")
async def post_conflicts(svc: ServiceDep, run: OffloadDep,
                         body: ConflictsRequest) -> dict[str, Any]:
    """A pair conflicts when the reviewer is an author, co-authored a counted paper in
    `[as_of - years + 1, as_of]` with an author (the joint papers are the evidence), or (with
    `distance` > 1) is that close. Names that do not resolve exactly or are ambiguous are listed
    in `unresolved`, never guessed."""
    subs = [Submission(str(s.id), tuple(str(a) for a in s.authors)) for s in body.submissions]
    return await run.slow(conflicts, svc, subs, [str(r) for r in body.reviewers],
                          years=body.years, as_of=body.as_of, distance=body.distance,
                          max_team_size=body.max_team_size)


class Suggestions(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "author": {"id": 8, "name": "Torsten Hoefler"}, "score": "adamic-adar", "min_shared": 1,
        "total": 91, "offset": 0, "limit": 10, "next_offset": 10,
        "suggestions": [{"id": 776, "name": "Nick Edmonds", "score": 1.111, "shared": 2,
                         "via": [{"id": 775, "name": "Jeremiah Willcock", "collaborators": 4}]}]}]})

    author: dict[str, Any]
    score: str
    min_shared: int
    total: int
    offset: int
    limit: int
    next_offset: int | None = None
    suggestions: list[dict[str, Any]]


@router.get("/authors/{author}/suggestions", response_model=Suggestions,
            responses=responses(404, 409, 422),
            summary="Whom to meet: authors at distance 2, ranked by shared co-authors")
async def get_suggestions(
    svc: ServiceDep,
    run: OffloadDep,
    author: AuthorPath,
    score: Literal["adamic-adar", "resource-allocation"] = "adamic-adar",
    min_shared: Annotated[QInt, Query(ge=1, le=10_000,
                                     description="at least this many shared co-authors")] = 1,
    limit: Annotated[QInt, Query(ge=1, le=1000)] = 10,
    offset: Offset = 0,
    from_year: FromYear = None,
    to_year: ToYear = None,
    max_team_size: MaxTeamSize = None,
) -> dict[str, Any]:
    """Adamic-Adar sums 1/log(degree), resource allocation 1/degree, over the shared
    co-authors (`via`, least-connected first); existing collaborators are never suggested."""
    res = await run(suggestions, svc, author, score=score, min_shared=min_shared, limit=limit,
                    offset=offset, year_from=from_year, year_to=to_year,
                    max_team_size=max_team_size)
    res["next_offset"] = next_offset(offset, limit, res["total"])
    return res


class Timeline(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "author": {"id": 8, "name": "Torsten Hoefler"}, "max_team_size": 100,
        "undated_papers": 0,
        "years": [{"year": 2010, "papers": 1, "new_collaborators": 2, "total_collaborators": 2,
                   "distances": {"reachable": 3, "mean": 1.3333, "max": 2}}]}]})

    author: dict[str, Any]
    max_team_size: int
    undated_papers: int
    years: list[dict[str, Any]]


@router.get("/authors/{author}/timeline", response_model=Timeline,
            responses=responses(404, 409, 422),
            summary="An author's network year by year")
async def get_timeline(
    svc: ServiceDep,
    run: OffloadDep,
    author: AuthorPath,
    profile: Annotated[bool, Query(description="the distance profile of every year (on the "
                                               "graph of all papers up to it)")] = True,
    max_team_size: MaxTeamSize = None,
) -> dict[str, Any]:
    """Per year of the author's papers: papers, co-authors met that year, co-authors so far."""
    return await run.slow(timeline, svc, author, max_team_size=max_team_size, profile=profile)


class StatsByYear(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "max_team_size": 100, "undated_papers": 0,
        "years": [{"year": 2022, "authors": 397, "papers": 84, "edges": 1378,
                   "largest_component_share": 0.0907, "mean_team_size": 5.1548}]}]})

    max_team_size: int
    undated_papers: int
    years: list[dict[str, Any]]


@router.get("/stats/by-year", response_model=StatsByYear, responses=responses(422),
            summary="Per year: authors, papers, edges, largest component share, team size")
async def get_stats_by_year(
    svc: ServiceDep,
    run: OffloadDep,
    from_year: FromYear = None,
    to_year: ToYear = None,
    max_team_size: MaxTeamSize = None,
) -> dict[str, Any]:
    """Each year's row describes the graph of that year's papers alone."""
    return await run.slow(stats_by_year, svc, year_from=from_year, year_to=to_year,
                          max_team_size=max_team_size)
