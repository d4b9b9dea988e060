"""Liveness (``/health``: the process answers) and readiness (``/ready``: the store answers)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from graphsvc.api import problems
from graphsvc.api.deps import OffloadDep, ServiceDep
from graphsvc.api.models import Health, Ready
from graphsvc.api.problems import responses
from graphsvc.errors import GraphsvcError, StoreUnavailable

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health, summary="Liveness: the server answers")
async def health() -> dict[str, Any]:
    return {"status": "ok"}


@router.get("/ready", response_model=Ready, responses=responses(503),
            summary="Readiness: the store answers and the graph is usable")
async def ready(request: Request, svc: ServiceDep, run: OffloadDep) -> Any:
    """`503` (problem JSON) when the store cannot be reached, and while the graph is still
    being loaded or built with the embedded store (``graph`` says ``building``, or
    ``failed``): a load balancer or a benchmark sends queries only once this answers 200.
    The counts are those of the graph (counting rows in a large store takes too long for a
    probe)."""

    def check() -> dict[str, Any]:
        try:
            svc.store.generation()  # one indexed read: the store answers
        except GraphsvcError:
            raise
        except Exception as exc:  # sqlite3 / driver errors: the store is not usable
            raise StoreUnavailable(f"the store does not answer: {type(exc).__name__}") from exc
        status = getattr(request.app.state, "graph_status", "building")
        out: dict[str, Any] = {"status": "ready", "store": request.app.state.settings.store,
                               "graph": status, "authors": None, "papers": None, "edges": None}
        if status == "ready":
            g = svc.graph()
            out.update(authors=g.n, papers=g.n_papers, edges=g.n_edges)
        return out

    out = await run(check)
    # the embedded store's queries run on the graph; Neo4j answers most of them natively
    if out["graph"] != "ready" and out["store"] == "embedded":
        return problems.problem_response(
            503, "unavailable", f"the graph is {out['graph']}: queries would wait for it",
            title="Service Unavailable", headers={"Retry-After": "1"}, graph=out["graph"],
            store=out["store"])
    return out
