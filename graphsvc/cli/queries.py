"""Questions about authors: search, author, collaborators, ego, path, distances, cohort."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from graphsvc.cli.common import (
    AUTHOR_HELP,
    add_page,
    add_window,
    answer,
    emit,
    open_service,
    window,
    years,
)
from graphsvc.cli.registry import command
from graphsvc.config import Settings
from graphsvc.errors import InvalidQuery


# -- search -------------------------------------------------------------------------------------
def _search_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query")
    add_page(p, limit=20)


@command(
    "search",
    help="find authors by name (accents, case, order and small typos don't matter)",
    example='graphsvc search "sean o heigeartaigh"',
    arguments=_search_arguments,
)
def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    with open_service(settings) as svc:
        hits = svc.search(args.query, limit=args.limit, offset=args.offset)
    emit(
        args,
        hits,
        lambda hs: (
            "\n".join(f"{h['id']:>8}  {h['name']}  ({h['papers']} papers)" for h in hs)
            or "no match"
        ),
    )
    return 0 if hits else 3


# -- collaborators ------------------------------------------------------------------------------
def _collaborators_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("author", help=AUTHOR_HELP)
    p.add_argument("--min-papers", type=int, default=1, help="at least this many joint papers")
    add_page(p, limit=50)
    p.add_argument("--papers", action="store_true", help="list the joint papers too")
    add_window(p)


@command(
    "collaborators",
    help="an author's co-authors, most joint papers first",
    example='graphsvc collaborators "Torsten Hoefler" --min-papers 2 --limit 10',
    arguments=_collaborators_arguments,
)
def cmd_collaborators(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args,
        settings,
        lambda svc: svc.collaborators(
            args.author,
            **window(args),
            min_papers=args.min_papers,
            limit=args.limit,
            offset=args.offset,
            with_papers=args.papers,
        ),
        collaborators_text,
    )


def collaborators_text(r: dict[str, Any]) -> str:
    """An author's collaborators as ``graphsvc collaborators`` prints them."""
    a = r["author"]
    lines = [f"{a['name']} (id {a['id']}): {r['total']} collaborators"]
    for c in r["collaborators"]:
        # a co-author known only from an edge list or GML: a tie, no papers
        count = c["papers"] or "tie"
        span = years(c)  # undated papers or a tie: no years, and no dangling comma
        lines.append(f"{count:>5}  {c['name']}  (id {c['id']}{', ' + span if span else ''})")
        for p in c.get("joint_papers", []):
            lines.append(f"         {p['year'] or '----'}  {p['title']}")
    return "\n".join(lines)


# -- author -------------------------------------------------------------------------------------
def _author_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("author", help=AUTHOR_HELP)


@command(
    "author",
    help="one author: name variants with their sources and external ids",
    example='graphsvc author "Mario Günther" --json',
    arguments=_author_arguments,
)
def cmd_author(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args,
        settings,
        lambda svc: svc.author_detail(args.author),
        lambda a: "\n".join(
            [f"{a['name']} (id {a['id']}, {a['papers']} papers)"]
            + [f"  variant  {v['name']}  [{v['source']}] ×{v['count']}" for v in a["variants"]]
            + [f"  id       {i['kind']}:{i['value']}" for i in a["ids"]]
        ),
    )


# -- ego ----------------------------------------------------------------------------------------
def _ego_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("author")
    p.add_argument("--radius", type=int, default=1, help="hops from the author (1-3)")
    p.add_argument(
        "--min-papers", type=int, default=1, help="only edges with this many joint papers"
    )
    p.add_argument("--max-nodes", type=int, default=300, help="keep the strongest-connected N")
    add_window(p)


@command(
    "ego",
    help="the co-authorship network around an author",
    example='graphsvc ego "Torsten Hoefler" --radius 2 --min-papers 2 --max-nodes 100',
    arguments=_ego_arguments,
)
def cmd_ego(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args,
        settings,
        lambda svc: svc.ego(
            args.author,
            radius=args.radius,
            min_papers=args.min_papers,
            max_nodes=args.max_nodes,
            **window(args),
        ),
        _ego_text,
    )


def _ego_text(r: dict[str, Any]) -> str:
    c = r["center"]
    lines = [
        f"ego network of {c['name']} (id {c['id']}): {len(r['nodes'])} authors, "
        f"{len(r['edges'])} edges, radius {r['radius']}, min joint papers {r['min_papers']}"
    ]
    if r["truncated"]:
        lines.append(f"truncated to the {r['max_nodes']} most strongly connected authors")
    for n in sorted(r["nodes"], key=lambda n: (n["distance"], -n["papers"], n["name"]))[:40]:
        lines.append(f"  d={n['distance']}  {n['name']}  (id {n['id']}, {n['papers']} papers)")
    if len(r["nodes"]) > 40:
        lines.append(f"  … {len(r['nodes']) - 40} more (use --json for all)")
    return "\n".join(lines)


# -- path ---------------------------------------------------------------------------------------
def _path_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("authors", nargs="*", metavar="AUTHOR", help="from and to")
    p.add_argument("--all", action="store_true", help="list several shortest paths (see --limit)")
    p.add_argument("--limit", type=int, default=10, help="at most this many paths with --all")
    p.add_argument(
        "--strongest",
        action="store_true",
        help="minimise the sum of 1/joint papers instead of hops",
    )
    p.add_argument("--avoid", action="append", metavar="AUTHOR", help="never pass this author")
    p.add_argument(
        "--avoid-paper",
        action="append",
        metavar="PAPER",
        help="never use this paper as evidence (id or kind:value, e.g. dblp:conf/x/Y)",
    )
    p.add_argument("--max-length", type=int, help="give up beyond this many hops")
    p.add_argument(
        "--pairs",
        metavar="FILE",
        help="tab-separated author pairs, one per line: prints one JSON line each",
    )
    add_window(p)


@command(
    "path",
    help="collaboration distance and the shortest path(s), with the papers of every hop",
    example='graphsvc path "Torsten Hoefler" "Ion Stoica" --all --limit 5',
    arguments=_path_arguments,
)
def cmd_path(args: argparse.Namespace, settings: Settings) -> int:
    with open_service(settings) as svc:
        if args.pairs:
            pairs = _read_pairs(Path(args.pairs))
            for row in svc.path_pairs(pairs, max_length=args.max_length, **window(args)):
                print(json.dumps(row, ensure_ascii=False))
            return 0
        if len(args.authors) != 2:
            raise InvalidQuery("path needs two authors (or --pairs FILE)")
        res = svc.path(
            args.authors[0],
            args.authors[1],
            all=args.all,
            limit=args.limit,
            strongest=args.strongest,
            avoid=args.avoid or [],
            avoid_papers=args.avoid_paper or [],
            max_length=args.max_length,
            **window(args),
        )
    emit(args, res, path_text)
    return 0


def _read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise InvalidQuery(f"{path}:{n}: expected two tab-separated authors, got {line!r}")
        pairs.append((parts[0].strip(), parts[1].strip()))
    return pairs


def path_text(r: dict[str, Any]) -> str:
    """Shortest path(s) with the papers of every hop, as ``graphsvc path`` prints them."""
    lines = [
        f"{r['from']['name']} → {r['to']['name']}: distance {r['length']}, "
        f"{r['count']} shortest path(s)" + (f", cost {r['cost']}" if "cost" in r else "")
    ]
    for i, p in enumerate(r["paths"], 1):
        lines.append(f"path {i}: " + " — ".join(a["name"] for a in p["authors"]))
        for hop, (a, b) in zip(
            p["hops"], zip(p["authors"], p["authors"][1:], strict=False), strict=True
        ):
            what = (
                f"{hop['joint_papers']} joint papers" if hop["joint_papers"]
                else f"co-author tie of weight {hop['tie_weight']:g}, no papers"
                if hop.get("tie_weight") is not None else "co-author tie, no papers"
            )
            lines.append(f"  {a['name']} – {b['name']} ({what})")
            for paper in hop["papers"][:3]:
                ref = paper["doi"] and f"doi:{paper['doi']}" or paper["source_id"] or ""
                lines.append(
                    f"      {paper['year'] or '----'}  {paper['title']}"
                    f"{'  (' + paper['venue'] + ')' if paper['venue'] else ''}  {ref}"
                )
    return "\n".join(lines)


# -- distances ----------------------------------------------------------------------------------
def _author_and_window(p: argparse.ArgumentParser) -> None:
    p.add_argument("author")
    add_window(p)


@command(
    "distances",
    help="how many authors sit at each collaboration distance (Erdős profile)",
    example='graphsvc distances "Torsten Hoefler"',
    arguments=_author_and_window,
)
def cmd_distances(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args,
        settings,
        lambda svc: svc.distances(args.author, **window(args)),
        lambda r: "\n".join(
            [f"collaboration distances from {r['author']['name']} (id {r['author']['id']})"]
            + [f"  {p['distance']:>3}  {p['authors']}" for p in r["profile"]]
            + [f"  unreachable  {r['unreachable']}"]
        ),
    )


# -- cohort -------------------------------------------------------------------------------------
def _cohort_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("authors", nargs="+", metavar="AUTHOR")
    add_window(p)


@command(
    "cohort",
    help="the co-authorship subgraph of a list of authors and its components",
    example='graphsvc cohort "Torsten Hoefler" "Maciej Besta" "Ion Stoica"',
    arguments=_cohort_arguments,
)
def cmd_cohort(args: argparse.Namespace, settings: Settings) -> int:
    with open_service(settings) as svc:
        res = svc.cohort(args.authors, **window(args))
    names = {n["id"]: n["name"] for n in res["nodes"]}
    emit(
        args,
        res,
        lambda r: "\n".join(
            [
                f"{len(r['nodes'])} authors, {len(r['edges'])} co-author edges, "
                f"{len(r['components'])} component(s)"
            ]
            + [
                f"  component {i + 1}: " + ", ".join(names[a] for a in comp)
                for i, comp in enumerate(r["components"])
            ]
            + [f"  not found: {u['query']} ({u['message']})" for u in r["unresolved"]]
        ),
    )
    return 0
