"""Exports of the whole graph or a subgraph (ego network, cohort) in six file formats."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from graphsvc.api.deps import OffloadDep, ReadAuth, ServiceDep
from graphsvc.api.params import FromYear, QInt, SingleValues, ToYear
from graphsvc.api.problems import responses
from graphsvc.graph.export import FORMATS
from graphsvc.graph.export_select import Selection, chunks

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
    sel = Selection(author=author, radius=radius, min_papers=min_papers, max_nodes=max_nodes,
                    cohort=tuple(cohort), year_from=from_year, year_to=to_year)
    sel.check()
    fmt = FORMATS[format]
    if sel.whole:
        # the chunks are written as they are sent (Starlette iterates them on its threads)
        stream, name = await run.slow(chunks, svc, sel, format)
        return StreamingResponse(stream, media_type=fmt.media_type,
                                 headers=_attachment(name))

    def subgraph() -> tuple[bytes, str]:
        stream, name = chunks(svc, sel, format)
        return b"".join(stream), name

    body, name = await run.slow(subgraph)
    return Response(body, media_type=fmt.media_type, headers=_attachment(name))


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}
