"""Whole-graph measures: stats, communities and rankings."""

from __future__ import annotations

import argparse
import json
from typing import Any

from graphsvc.cli.common import add_window, answer, emit, open_service, window
from graphsvc.cli.registry import command
from graphsvc.config import Settings


# -- stats --------------------------------------------------------------------------------------
def _stats_arguments(p: argparse.ArgumentParser) -> None:
    add_window(p)
    p.add_argument("--by-year", action="store_true",
                   help="one row per year: authors, papers, edges, largest component share, "
                   "mean team size (the graph of that year's papers)")


@command(
    "stats",
    help="size, components, clustering, triangles and diameter of the graph",
    example="graphsvc stats --json",
    arguments=_stats_arguments,
)
def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    if args.by_year:
        from graphsvc.graph.timeline import stats_by_year

        return answer(args, settings, lambda svc: stats_by_year(svc, **window(args)),
                      by_year_text)
    return answer(args, settings, lambda svc: svc.stats(**window(args)), stats_text)


def by_year_text(r: dict[str, Any]) -> str:
    """``graphsvc stats --by-year`` as a table."""
    lines = [f"{'year':>6} {'authors':>8} {'papers':>7} {'edges':>8} {'largest':>8} "
             f"{'mean team':>9}"]
    for y in r["years"]:
        lines.append(f"{y['year']:>6} {y['authors']:>8} {y['papers']:>7} {y['edges']:>8} "
                     f"{y['largest_component_share']:>8.1%} {y['mean_team_size']:>9.2f}")
    if r["undated_papers"]:
        lines.append(f"  and {r['undated_papers']} undated paper(s)")
    return "\n".join(lines)


def stats_text(s: dict[str, Any]) -> str:
    """Graph statistics as ``graphsvc stats`` prints them."""
    lc = s.get("largest_component", {})
    lines = [
        f"authors            {s.get('authors')}",
        f"papers             {s.get('papers')}",
        f"edges              {s.get('edges')}",
        f"isolated authors   {s.get('isolated_authors', s.get('isolated'))}",
        f"components         {s.get('components')}",
        f"largest component  {lc.get('authors')} authors, {lc.get('edges')} edges",
        f"avg clustering     {s.get('avg_clustering'):.4f}"
        if s.get("avg_clustering") is not None
        else "avg clustering     -",
        f"triangles          {s.get('triangles')}",
    ]
    if s.get("diameter") is not None:
        lines.append(f"diameter           {s['diameter']} ({s.get('diameter_method', '')})")
    if s.get("effective_diameter_90") is not None:
        lines.append(f"90% eff. diameter  {s['effective_diameter_90']:.2f}")
    if s.get("excluded_papers"):
        lines.append(
            f"excluded papers    {s['excluded_papers']} (more than "
            f"{s.get('max_team_size')} authors: no co-author edges)"
        )
    return "\n".join(lines)


# -- communities --------------------------------------------------------------------------------
def _communities_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--method", choices=["louvain", "leiden"], default="louvain")
    p.add_argument("--author", help="only the ego network of this author (see --radius)")
    p.add_argument("--radius", type=int, default=2)
    p.add_argument("--cohort", nargs="+", metavar="AUTHOR", help="only these authors")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, default=20, help="show at most this many communities")
    add_window(p)


@command(
    "communities",
    help="communities with their sizes and most central authors",
    example="graphsvc communities --method leiden --limit 10",
    arguments=_communities_arguments,
)
def cmd_communities(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args,
        settings,
        lambda svc: svc.communities(
            method=args.method,
            author=args.author,
            radius=args.radius,
            cohort=args.cohort or (),
            seed=args.seed,
            limit=args.limit,
            **window(args),
        ),
        lambda r: "\n".join(
            [
                f"{r['count']} communities ({r['method']}, {r['scope']}, "
                f"modularity {r['modularity']})"
            ]
            + [
                f"  {c['size']:>6}  " + ", ".join(m["name"] for m in c["central"])
                for c in r["communities"]
            ]
        ),
    )


# -- rank ---------------------------------------------------------------------------------------
def _rank_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--by",
        default="papers",
        choices=["papers", "collaborators", "betweenness", "closeness", "pagerank"],
    )
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--sample", type=int, help="sample size for approximate betweenness/closeness")
    p.add_argument("--seed", type=int, default=0)
    add_window(p)


@command(
    "rank",
    help="top authors by papers, collaborators, betweenness, closeness or PageRank",
    example="graphsvc rank --by betweenness --top 20",
    arguments=_rank_arguments,
)
def cmd_rank(args: argparse.Namespace, settings: Settings) -> int:
    with open_service(settings) as svc:
        res = svc.rank(
            args.by, top=args.top, sample=args.sample, seed=args.seed, **window(args)
        )
    meta = {k: v for k, v in res.items() if k != "results"}
    emit(
        args,
        res,
        lambda r: "\n".join(
            [f"top {len(r['results'])} by {r['by']}  " + json.dumps(meta, ensure_ascii=False)]
            + [f"  {x['score']!s:>12}  {x['name']} (id {x['id']})" for x in r["results"]]
        ),
    )
    return 0
