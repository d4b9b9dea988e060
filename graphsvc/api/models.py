"""Pydantic models of the API's requests and responses, with the examples shown at ``/docs``.

They describe the JSON-ready dicts ``GraphService`` returns; a route returns the service's dict
and FastAPI validates it against the model (unknown keys are dropped, never invented).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints

#: an author in a request body: an id (number or string), an external id or a name; strict, so
#: that ``true`` or ``1.5`` is refused instead of being read as an id
AuthorIn = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=500)] | StrictInt
#: a paper in a request body: an id (number or string) or a ``kind:value`` source id
PaperIn = AuthorIn
#: an override id (number, string, ``#12``) or, with ``by_author``, an author
RefIn = AuthorIn

# -- shared pieces --------------------------------------------------------------------------


class AuthorRef(BaseModel):
    id: int
    name: str


class AuthorHit(BaseModel):
    id: int
    name: str
    papers: int = Field(description="papers of the author in the store")


class Paper(BaseModel):
    id: int
    title: str | None
    year: int | None
    venue: str | None
    doi: str | None
    source_id: str | None = Field(description="a source id such as dblp:conf/ppopp/LiBGAH20")


_PAPER: dict[str, Any] = {
    "id": 8, "title": "Taming unbalanced training workloads in deep learning with partial "
    "collective operations", "year": 2020, "venue": "PPoPP", "doi": "10.1145/3332466.3374528",
    "source_id": "dblp:conf/ppopp/LiBGAH20"}


_NEXT = "offset of the next page (pagination: ask again with it); null on the last page"


# -- authors --------------------------------------------------------------------------------


class SearchPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "query": "hoefler", "limit": 20, "offset": 0, "next_offset": None,
        "items": [{"id": 8, "name": "Torsten Hoefler", "papers": 4}]}]})

    query: str
    items: list[AuthorHit]
    limit: int
    offset: int
    next_offset: int | None = Field(description=_NEXT)


class Variant(BaseModel):
    name: str
    source: str
    count: int


class ExternalId(BaseModel):
    kind: str
    value: str


class AuthorDetail(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": 8, "name": "Torsten Hoefler", "papers": 4,
        "variants": [{"name": "Torsten Hoefler", "source": "dblp", "count": 4}],
        "ids": [{"kind": "dblp", "value": "Torsten Hoefler"}]}]})

    id: int
    name: str
    papers: int
    variants: list[Variant] = Field(description="every spelling seen, with its source")
    ids: list[ExternalId] = Field(description="external ids (orcid, dblp, openalex, s2)")


class Collaborator(BaseModel):
    id: int
    name: str
    papers: int = Field(description="joint papers")
    first_year: int | None
    last_year: int | None
    weight: float = Field(description="Newman's collaboration weight: Σ 1/(n−1) over joint papers")
    joint_papers: list[Paper] | None = Field(default=None,
                                             description="with papers=true: the joint papers")


class Collaborators(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "author": {"id": 8, "name": "Torsten Hoefler"}, "total": 14, "limit": 1, "offset": 0,
        "next_offset": 1, "collaborators": [{"id": 27, "name": "Shigang Li", "papers": 2,
                                             "first_year": 2020, "last_year": 2022,
                                             "weight": 1.25}]}]})

    author: AuthorRef
    total: int = Field(description="collaborators in all pages")
    collaborators: list[Collaborator]
    limit: int
    offset: int
    next_offset: int | None = Field(description=_NEXT)


class Node(BaseModel):
    id: int
    name: str
    papers: int = Field(description="papers in the year window")
    degree: int = Field(description="co-authors in the whole graph (in the year window)")
    distance: int | None = Field(default=None, description="hops from the centre (ego only)")


class Edge(BaseModel):
    source: int
    target: int
    papers: int
    weight: float
    first_year: int | None
    last_year: int | None


_NODES: list[Any] = [{"id": 8, "name": "Torsten Hoefler", "papers": 4, "degree": 14, "distance": 0},
          {"id": 27, "name": "Shigang Li", "papers": 2, "degree": 4, "distance": 1}]
_EDGES: list[Any] = [{"source": 8, "target": 27, "papers": 2, "weight": 1.25, "first_year": 2020,
           "last_year": 2022}]


class Ego(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "center": {"id": 8, "name": "Torsten Hoefler"}, "nodes": _NODES, "edges": _EDGES,
        "radius": 1, "min_papers": 1, "max_nodes": 300, "truncated": False}]})

    center: AuthorRef
    nodes: list[Node]
    edges: list[Edge]
    radius: int
    min_papers: int
    max_nodes: int | None
    truncated: bool = Field(description="true when only the max_nodes most strongly connected "
                            "authors were kept")


class DistanceCount(BaseModel):
    distance: int
    authors: int


class Distances(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "author": {"id": 8, "name": "Torsten Hoefler"},
        "profile": [{"distance": 1, "authors": 14}, {"distance": 2, "authors": 31}],
        "reachable": 45, "unreachable": 336}]})

    author: AuthorRef
    profile: list[DistanceCount] = Field(description="authors at each collaboration distance")
    reachable: int
    unreachable: int


# -- paths ----------------------------------------------------------------------------------


class Hop(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: int = Field(alias="from")
    to: int
    joint_papers: int = Field(description="how many joint papers this hop has")
    papers: list[Paper] = Field(description="the joint papers, newest first")
    tie_weight: float | None = Field(
        default=None,
        description="a hop without joint papers is a co-authorship tie from an edge list or "
                    "GML: its weight (no papers are shown for it)",
    )


class Path(BaseModel):
    authors: list[AuthorRef]
    hops: list[Hop]


class PathResult(BaseModel):
    model_config = ConfigDict(populate_by_name=True, json_schema_extra={"examples": [{
        "from": {"id": 8, "name": "Torsten Hoefler"}, "to": {"id": 27, "name": "Shigang Li"},
        "mode": "shortest", "length": 1, "count": 1, "cost": None, "reason": None,
        "paths": [{"authors": [{"id": 8, "name": "Torsten Hoefler"},
                               {"id": 27, "name": "Shigang Li"}],
                   "hops": [{"from": 8, "to": 27, "joint_papers": 2, "papers": [_PAPER]}]}]},
        {"from": {"id": 8, "name": "Torsten Hoefler"}, "to": {"id": 179, "name": "Weimin Zheng"},
         "mode": "shortest", "length": None, "count": 0, "cost": None, "paths": [],
         "reason": "no collaboration path between author 8 and author 179: not connected"}]})

    from_: AuthorRef = Field(alias="from")
    to: AuthorRef
    mode: Literal["shortest", "all", "strongest"]
    length: int | None = Field(description="collaboration distance; null when not connected")
    count: int = Field(description="number of shortest paths (1 for strongest)")
    cost: float | None = Field(default=None, description="strongest: Σ 1/joint papers")
    paths: list[Path]
    reason: str | None = Field(default=None, description="why there is no path")


class Pair(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: AuthorIn = Field(alias="from", examples=["Torsten Hoefler"])
    to: AuthorIn = Field(examples=["Maciej Besta"])


class YearWindow(BaseModel):
    from_year: int | None = Field(default=None, ge=0, le=9999, strict=True,
                                  description="only papers from this year on")
    to_year: int | None = Field(default=None, ge=0, le=9999, strict=True,
                                description="only papers up to this year")
    max_team_size: int | None = Field(
        default=None, ge=0, le=1_000_000, strict=True,
        description="only papers with at most this many authors count (2: Erdős numbers of "
                    "the second kind; 0: no cap; default: the store's ingest cap)")


MAX_PAIRS = 1000


class BatchRequest(YearWindow):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "pairs": [{"from": "Torsten Hoefler", "to": "Maciej Besta"},
                  {"from": "Jidong Zhai", "to": "Weimin Zheng"}], "max_length": 6}]})

    pairs: list[Pair] = Field(min_length=1, max_length=MAX_PAIRS)
    max_length: int | None = Field(default=None, ge=1, le=100, strict=True)


class PairResult(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    length: int | None
    count: int
    error: str | None = Field(default=None, description="problem type when a name failed")
    message: str | None = None


class BatchResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"results": [
        {"from": "Torsten Hoefler", "to": "Maciej Besta", "length": 1, "count": 1},
        {"from": "Torsten Hoefler", "to": "Nobody", "length": None, "count": 0,
         "error": "author-not-found", "message": "no author matches 'Nobody'"}]}]})

    results: list[PairResult]


# -- cohorts, graph-wide answers ----------------------------------------------------------------

MAX_COHORT = 1000


class CohortRequest(YearWindow):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "authors": ["Torsten Hoefler", "Maciej Besta", "Shigang Li"]}]})

    authors: list[AuthorIn] = Field(min_length=1, max_length=MAX_COHORT,
                                    description="author ids or names")


class Unresolved(BaseModel):
    query: str
    error: str
    message: str


class Cohort(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "nodes": _NODES, "edges": _EDGES, "components": [[8, 27]], "unresolved": []}]})

    nodes: list[Node]
    edges: list[Edge]
    components: list[list[int]] = Field(description="connected components (author ids)")
    unresolved: list[Unresolved] = Field(description="authors that could not be resolved")


class Stats(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "authors": 381, "papers": 100, "counted_papers": 94, "excluded_papers": 0, "edges": 900,
        "isolated_authors": 5, "components": 78,
        "largest_component": {"authors": 28, "edges": 136}, "avg_clustering": 0.864,
        "triangles": 1565, "transitivity": 0.889, "diameter": 4,
        "effective_diameter_90": 3.2125, "mean_distance": 2.12, "diameter_method": "exact",
        "estimation": None, "max_team_size": 100}]})

    authors: int
    papers: int
    edges: int
    components: int | None = None
    isolated_authors: int | None = None
    largest_component: dict[str, int] | None = None
    avg_clustering: float | None = None
    triangles: int | None = None
    diameter: int | None = None
    effective_diameter_90: float | None = None
    diameter_method: str | None = None
    excluded_papers: int | None = None
    max_team_size: int | None = None


class Community(BaseModel):
    community: int
    size: int
    central: list[AuthorRef] = Field(description="its most central members")


class Communities(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "method": "louvain", "scope": "graph", "seed": 0, "modularity": 0.9737, "count": 78,
        "limit": 1, "offset": 0, "next_offset": 1,
        "communities": [{"community": 0, "size": 28, "central": [
            {"id": 216, "name": "Jidong Zhai"}, {"id": 179, "name": "Weimin Zheng"}]}]}]})

    method: str
    scope: str
    seed: int
    modularity: float
    count: int = Field(description="communities in all pages")
    communities: list[Community]
    limit: int
    offset: int
    next_offset: int | None = Field(description=_NEXT)


class Ranked(BaseModel):
    id: int
    name: str
    score: int | float


class Rank(BaseModel):
    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "by": "papers", "mode": "exact", "method": "papers in the window", "limit": 2,
        "offset": 0, "next_offset": 2, "results": [
            {"id": 8, "name": "Torsten Hoefler", "score": 4},
            {"id": 9, "name": "Yifeng Chen", "score": 3}]}]})

    by: str
    mode: str | None = Field(default=None, description="exact or approximate")
    results: list[Ranked]
    limit: int
    offset: int
    next_offset: int | None = Field(description=_NEXT)


# -- service --------------------------------------------------------------------------------


class Health(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "status": "ready", "store": "embedded", "authors": 381, "papers": 100, "edges": 900,
        "graph": "ready"}]})

    status: Literal["ready"]
    store: str
    graph: Literal["ready", "building", "failed"] = Field(
        description="whether the in-memory graph is built (queries wait for it otherwise)")
    authors: int | None = Field(description="authors in the graph (null while it is built)")
    papers: int | None
    edges: int | None


class JobProgress(BaseModel):
    file: str | None = Field(default=None, description="the file being read")
    files_done: int = 0
    files_total: int = 0
    records: int = Field(default=0, description="records read so far")
    bytes_read: int | None = Field(default=None, description="position in the current file")
    bytes_total: int = Field(default=0, description="size of the uploaded files")
    fraction: float | None = Field(default=None,
                                   description="estimated share done, 0-1 (null if unknown)")


class Job(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "5f0c1d0e2b3a4c5d9e8f7a6b5c4d3e2f", "kind": "ingest", "state": "running",
        "created": "2025-01-01T12:00:00+00:00", "started": "2025-01-01T12:00:00+00:00",
        "finished": None, "files": ["dblp-ppopp-socc.xml.gz"],
        "progress": {"file": "dblp-ppopp-socc.xml.gz", "files_done": 0, "files_total": 1,
                     "records": 1200, "bytes_read": 120000, "bytes_total": 310000,
                     "fraction": 0.39},
        "report": None, "error": None}]})

    id: str
    kind: Literal["ingest"] = "ingest"
    state: Literal["queued", "running", "done", "failed", "interrupted"] = Field(
        description="interrupted: the server process that ran the job stopped before it ended "
                    "(what it wrote is kept; upload the file again to finish)")
    created: str
    started: str | None = None
    finished: str | None = None
    files: list[str]
    progress: JobProgress
    report: dict[str, Any] | None = Field(default=None,
                                          description="the ingest report when done")
    error: dict[str, Any] | None = Field(default=None,
                                         description="problem JSON when the job failed")


class JobList(BaseModel):
    items: list[Job]
    limit: int
    offset: int
    next_offset: int | None = Field(description=_NEXT)
