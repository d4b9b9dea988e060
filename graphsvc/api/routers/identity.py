"""Identity overrides over HTTP: merge, split and unmerge authors (writes: need the API key)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body
from pydantic import BaseModel, Field

from graphsvc.api.deps import OffloadDep, ReadAuth, ServiceDep, WriteAuth
from graphsvc.api.models import AuthorIn, PaperIn, RefIn
from graphsvc.api.params import AuthorPath
from graphsvc.api.problems import responses

router = APIRouter(tags=["identity"])


class MergeRequest(BaseModel):
    """Merge ``source`` into ``target``: ``target`` keeps its id, ``source`` becomes an alias."""

    target: AuthorIn = Field(description="author id (number or string) or name that stays",
                             examples=[8])
    source: AuthorIn = Field(description="author id or name merged into the target",
                             examples=["27"])
    why: str | None = Field(default=None, max_length=2000, description="reason, for the audit")
    who: str | None = Field(default=None, max_length=200, description="who decided")


class SplitRequest(BaseModel):
    """Move some papers of an author to a new author."""

    papers: list[PaperIn] = Field(min_length=1, max_length=10_000,
                                  description="paper ids (numbers or strings) or kind:value "
                                  "source ids",
                              examples=[["dblp:conf/ppopp/JinWTHLZ20"]])
    why: str | None = Field(default=None, max_length=2000)
    who: str | None = Field(default=None, max_length=200)


class UnmergeRequest(BaseModel):
    """Undo an override by its id (``12``), or the latest merge of an author."""

    ref: RefIn = Field(description="override id (number or string), or an author with "
                       "by_author", examples=[1])
    by_author: bool = False
    why: str | None = Field(default=None, max_length=2000)
    who: str | None = Field(default=None, max_length=200)


@router.post("/authors/merge", dependencies=[WriteAuth],
             responses=responses(400, 401, 403, 404, 409, 422),
             summary="Merge two authors (audited, reversible; needs the API key)")
async def merge(svc: ServiceDep, run: OffloadDep,
                body: Annotated[MergeRequest, Body()]) -> dict[str, Any]:
    return dict(await run(svc.merge, body.target, body.source, who=body.who or "api",
                          why=body.why))


@router.post("/authors/{author}/split", dependencies=[WriteAuth],
             responses=responses(400, 401, 403, 404, 409, 422),
             summary="Split papers off an author into a new author (needs the API key)")
async def split(svc: ServiceDep, run: OffloadDep, author: AuthorPath,
                body: Annotated[SplitRequest, Body()]) -> dict[str, Any]:
    return dict(await run(svc.split, author, body.papers, who=body.who or "api", why=body.why))


@router.post("/authors/unmerge", dependencies=[WriteAuth],
             responses=responses(400, 401, 403, 404, 409, 422),
             summary="Undo a merge or split override (needs the API key)")
async def unmerge(svc: ServiceDep, run: OffloadDep,
                  body: Annotated[UnmergeRequest, Body()]) -> dict[str, Any]:
    return dict(await run(svc.unmerge, body.ref, who=body.who or "api", why=body.why,
                          by_author=body.by_author))


@router.get("/authors/{author}/explain", dependencies=[ReadAuth],
            responses=responses(404, 409, 422),
            summary="Why each name variant was joined to this author")
async def explain(svc: ServiceDep, run: OffloadDep, author: AuthorPath) -> dict[str, Any]:
    return dict(await run(svc.explain, author))
