"""``graphsvc demo``: load the bundled dblp sample into an empty store and show some answers."""

from __future__ import annotations

import argparse
from typing import Any

from graphsvc.cli.analytics import stats_text
from graphsvc.cli.common import open_store, service
from graphsvc.cli.ingest import ingest_demo_if_empty
from graphsvc.cli.queries import collaborators_text, path_text
from graphsvc.cli.registry import command
from graphsvc.config import Settings
from graphsvc.errors import GraphsvcError


@command(
    "demo",
    help="ingest the bundled dblp sample (if the store is empty) and show what it answers",
    example="graphsvc demo",
)
def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest the bundled dblp sample into an empty store, then show what graphsvc answers."""
    with open_store(settings) as store:
        ingest_demo_if_empty(store)
        svc = service(store)
        print("\n== stats ==")
        print(stats_text(svc.stats()))
        top = max((store.author(a) for a in _most_connected(svc, 1)), key=lambda a: a["papers"])
        print(f"\n== top collaborators of {top['name']} ==")
        print(collaborators_text(svc.collaborators(top["id"], limit=10)))
        examples = [
            ('graphsvc collaborators "Torsten Hoefler" --min-papers 3',
             lambda: collaborators_text(
                 svc.collaborators("Torsten Hoefler", min_papers=3, limit=10))),
            ('graphsvc path "Torsten Hoefler" "Ion Stoica"',
             lambda: path_text(svc.path("Torsten Hoefler", "Ion Stoica"))),
        ]
        for query, run in examples:
            print(f"\n== example: {query} ==")
            try:
                print(run())
            except GraphsvcError as exc:
                print(f"(not in this store: {exc})")
    return 0


def _most_connected(svc: Any, k: int) -> list[int]:
    import numpy as np

    g = svc.graph()
    deg = np.diff(g.indptr)
    order = np.argsort(-deg, kind="stable")[:k]
    return [int(g.author_ids[i]) for i in order]
