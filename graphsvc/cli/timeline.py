"""How a network changed: ``graphsvc timeline AUTHOR`` (``stats --by-year`` is in analytics)."""

from __future__ import annotations

import argparse
from typing import Any

from graphsvc.cli.common import AUTHOR_HELP, answer
from graphsvc.cli.registry import command
from graphsvc.config import Settings
from graphsvc.graph.timeline import timeline


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("author", help=AUTHOR_HELP)
    p.add_argument("--no-profile", action="store_true",
                   help="skip the distance profile per year (one BFS per year)")
    p.add_argument("--max-team-size", type=int, metavar="K",
                   help="only papers with at most K authors count")


@command(
    "timeline",
    help="an author's network year by year: papers, new and total collaborators, distances",
    example='graphsvc timeline "Torsten Hoefler"',
    arguments=_arguments,
    details="The distance profile of a year is taken on the graph of every paper up to that "
    "year: authors reachable, mean and largest collaboration distance.",
)
def cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args, settings,
        lambda svc: timeline(svc, args.author, max_team_size=args.max_team_size,
                             profile=not args.no_profile),
        timeline_text)


def timeline_text(r: dict[str, Any]) -> str:
    """A timeline as ``graphsvc timeline`` prints it."""
    a = r["author"]
    lines = [f"{a['name']} (id {a['id']}) year by year",
             f"{'year':>6} {'papers':>6} {'new':>5} {'total':>6}  {'reachable':>9} {'mean d':>7} "
             f"{'max d':>5}"]
    for y in r["years"]:
        d = y.get("distances") or {}
        mean = "-" if d.get("mean") is None else f"{d['mean']:.2f}"
        lines.append(f"{y['year']:>6} {y['papers']:>6} {y['new_collaborators']:>5} "
                     f"{y['total_collaborators']:>6}  {d.get('reachable', '-')!s:>9} "
                     f"{mean:>7} {d.get('max') if d.get('max') is not None else '-'!s:>5}")
    if r["undated_papers"]:
        lines.append(f"  and {r['undated_papers']} undated paper(s)")
    return "\n".join(lines)
