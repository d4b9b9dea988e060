"""Whom to meet: ``graphsvc suggest AUTHOR`` (authors at distance 2, ranked)."""

from __future__ import annotations

import argparse
from typing import Any

from graphsvc.cli.common import AUTHOR_HELP, add_page, add_window, answer, window
from graphsvc.cli.registry import command
from graphsvc.config import Settings
from graphsvc.graph.suggest import SCORES, suggestions


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("author", help=AUTHOR_HELP)
    p.add_argument("--score", choices=SCORES, default="adamic-adar",
                   help="Σ 1/log(degree) (adamic-adar) or Σ 1/degree (resource-allocation) "
                   "over the shared co-authors")
    p.add_argument("--min-shared", type=int, default=1, help="at least N shared co-authors")
    add_page(p, limit=10)
    add_window(p)


@command(
    "suggest",
    help="whom to meet: co-authors of co-authors, ranked by the co-authors they share",
    example='graphsvc suggest "Torsten Hoefler" --min-shared 2 --from-year 2015',
    arguments=_arguments,
    details="Existing collaborators (in the year window) are never suggested; every suggestion "
    "lists the shared co-authors, least-connected first.",
)
def cmd_suggest(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args, settings,
        lambda svc: suggestions(svc, args.author, score=args.score, min_shared=args.min_shared,
                                limit=args.limit, offset=args.offset, **window(args)),
        suggest_text)


def suggest_text(r: dict[str, Any]) -> str:
    """Suggestions as ``graphsvc suggest`` prints them."""
    a = r["author"]
    lines = [f"{a['name']} (id {a['id']}): {r['total']} authors at distance 2, by {r['score']}"]
    for s in r["suggestions"]:
        via = ", ".join(v["name"] for v in s["via"][:5])
        more = f" and {len(s['via']) - 5} more" if len(s["via"]) > 5 else ""
        lines.append(f"  {s['score']:>8.3f}  {s['name']} (id {s['id']})  "
                     f"{s['shared']} shared: {via}{more}")
    return "\n".join(lines)
