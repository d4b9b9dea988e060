"""Running graphsvc as a service: ``serve`` (HTTP API and views) and ``init-store`` (Neo4j)."""

from __future__ import annotations

import argparse
import sys

from graphsvc.cli.common import open_store
from graphsvc.cli.ingest import ingest_demo_if_empty
from graphsvc.cli.registry import command
from graphsvc.config import Settings


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, help="worker processes (each holds the graph)")
    p.add_argument("--get", metavar="PATH",
                   help="answer one GET request in-process and print it (no server); a "
                   "binary answer (a zip export) is written byte for byte: redirect it")
    p.add_argument("--no-demo", action="store_true", help="don't load the demo data into an "
                   "empty store")


@command(
    "serve",
    help="serve the HTTP API and the network views (an empty store gets the demo data)",
    example="graphsvc serve --port 8000   |   graphsvc serve --get '/paths/shortest?from=8&to=98'",
    arguments=_serve_arguments,
)
def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.api.serve import run_serve, serve_get_bytes, urls

    if args.get:
        status, ctype, body = serve_get_bytes(settings, args.get)
        sys.stdout.flush()
        out = sys.stdout.buffer
        # JSON is pretty-printed for a terminal, so it ends with a newline like printed text;
        # anything else (a zip, GraphML, a page) is the server's bytes, nothing added
        out.write(body + b"\n" if "json" in ctype else body)
        out.flush()
        return 0 if status < 400 else (3 if status in (404, 409) else 1)
    if settings.store == "embedded" and not args.no_demo:
        with open_store(settings) as store:
            ingest_demo_if_empty(store)
    front, docs = urls(args.host, args.port)
    print(f"graphsvc serving {settings.store} store on {front}  (API docs: {docs})",
          file=sys.stderr, flush=True)
    run_serve(settings, args.host, args.port, args.workers)
    return 0


@command(
    "init-store",
    help="create the Neo4j constraints and indexes (idempotent)",
    example="GRAPHSVC_STORE=neo4j GRAPHSVC_NEO4J_URI=bolt://localhost:7687 graphsvc init-store",
)
def cmd_init_store(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.store.neo4j import cmd_init_store as run

    return run(args, settings)
