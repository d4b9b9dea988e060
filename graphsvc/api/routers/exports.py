"""Exports of the whole graph or a subgraph (ego network, cohort) in six file formats."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from graphsvc.api.deps import OffloadDep, ReadAuth, ServiceDep
from graphsvc.api.params import FromYear, QInt, SingleValues, ToYear
from graphsvc.api.problems import responses
from graphsvc.errors import InvalidQuery
from graphsvc.graph.export import FORMATS, export, from_graph, from_subgraph
from graphsvc.graph.export_years import enrich_subgraph

router = APIRouter(tags=["exports"], dependencies=[ReadAuth, SingleValues])

MAX_EXPORT_EGO = 5000

_binary = {"schema": {"type": "string", "format": "binary"}}
_node_link = {"schema": {"type": "object", "required": ["nodes", "edges"],
                         "description": "networkx node-link graph"}}
_EXPORT_RESPONSES = {
    200: {"description": "The file (a download; the whole graph is streamed)",
          "content": {f.media_type: _node_link if f.media_type == "application/json" else _binary
                      for f in FORMATS.values()}},
    **responses(404, 409, 422),
}


@router.get("/export", response_class=Response, responses=_EXPORT_RESPONSES,
            summary="Download the graph, an ego network or a cohort as a file")
async def export_graph(
    svc: ServiceDep,
    run: OffloadDep,
    format: Literal["graphml", "gexf", "csv", "json", "pajek", "vosviewer"] = "graphml",
    author: Annotated[str | None, Query(min_length=1, max_length=500,
                                        description="export the ego network of this author",
                                        examples=["Torsten Hoefler"])] = None,
    radius: Annotated[QInt, Query(ge=1, le=3, description="with author: hops")] = 1,
    min_papers: Annotated[QInt, Query(ge=1, le=100_000, description="with author: only edges "
                                     "with this many joint papers")] = 1,
    max_nodes: Annotated[QInt, Query(ge=1, le=MAX_EXPORT_EGO, description="with author: keep "
                                    "the most strongly connected N")] = 1000,
    cohort: Annotated[list[str], Query(max_length=1000, description="export the subgraph of "
                                       "these authors (repeatable)")] = [],  # noqa: B006
    from_year: FromYear = None,
    to_year: ToYear = None,
) -> Response:
    """Formats: `graphml`, `gexf` (dynamic, with years for Gephi's timeline), `csv` (zip of
    nodes.csv and edges.csv), `json` (networkx node-link), `pajek` (.net), `vosviewer` (zip of
    map and network files). Without `author` or `cohort`: the whole graph."""
    if author is not None and cohort:
        raise InvalidQuery("give either author or cohort, not both")
    fmt = FORMATS[format]
    window = ""
    if from_year is not None or to_year is not None:
        window = f"-{from_year or ''}-{to_year or ''}"
    if author is None and not cohort:
        g = await run.slow(svc.graph, from_year, to_year)
        data = from_graph(g, lambda ids: svc.store.author_names(ids))
        # the chunks are written as they are sent (Starlette iterates them on its threads)
        return StreamingResponse(export(data, format), media_type=fmt.media_type,
                                 headers=_attachment(f"graphsvc-graph{window}{fmt.suffix}"))

    def subgraph() -> tuple[bytes, str]:
        if author is not None:
            sub = svc.ego(author, radius=radius, min_papers=min_papers, max_nodes=max_nodes,
                          year_from=from_year, year_to=to_year)
            title = f"ego network of {sub['center']['name']} (radius {radius})"
            name = f"graphsvc-ego-{sub['center']['id']}{window}{fmt.suffix}"
        else:
            sub = svc.cohort(cohort, year_from=from_year, year_to=to_year)
            title = f"cohort of {len(sub['nodes'])} authors"
            name = f"graphsvc-cohort{window}{fmt.suffix}"
        enrich_subgraph(svc.graph(from_year, to_year), sub)
        return b"".join(export(from_subgraph(sub, title=title), format)), name

    body, name = await run.slow(subgraph)
    return Response(body, media_type=fmt.media_type, headers=_attachment(name))


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
