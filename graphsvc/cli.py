"""The ``graphsvc`` command: every command opens the store and calls the library."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from graphsvc import __version__
from graphsvc.config import Settings
from graphsvc.errors import AmbiguousAuthor, GraphsvcError, InvalidQuery, NoPath
from graphsvc.identity.cli import IDENTITY_COMMANDS, IDENTITY_EXAMPLES, add_identity_parsers
from graphsvc.model import Record, Skipped
from graphsvc.sources import FORMATS, ReaderOptions

EXAMPLES: dict[str, str] = {
    "ingest": "graphsvc ingest papers.bib dblp.xml.gz --max-team-size 50",
    "search": 'graphsvc search "sean o heigeartaigh"',
    "collaborators": 'graphsvc collaborators "Torsten Hoefler" --min-papers 2 --limit 10',
    "stats": "graphsvc stats --json",
    "demo": "graphsvc demo",
    "serve": "graphsvc serve --port 8000   |   graphsvc serve --get '/paths/shortest?from=8&to=98'",
    "view": 'graphsvc view "Torsten Hoefler" --radius 2 -o ego.html',
    "author": 'graphsvc author "Mario Günther" --json',
    "ego": 'graphsvc ego "Torsten Hoefler" --radius 2 --min-papers 2 --max-nodes 100',
    "path": 'graphsvc path "Torsten Hoefler" "Ion Stoica" --all --limit 5',
    "distances": 'graphsvc distances "Torsten Hoefler"',
    "cohort": 'graphsvc cohort "Torsten Hoefler" "Maciej Besta" "Ion Stoica"',
    "communities": "graphsvc communities --method leiden --limit 10",
    "rank": "graphsvc rank --by betweenness --top 20",
    "init-store": "GRAPHSVC_STORE=neo4j GRAPHSVC_NEO4J_URI=bolt://localhost:7687 "
    "graphsvc init-store",
}

EXAMPLES.update(IDENTITY_EXAMPLES)

Handler = Callable[[argparse.Namespace, Settings], int]
_COMMANDS: dict[str, Handler] = dict(IDENTITY_COMMANDS)


def command(name: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        _COMMANDS[name] = fn
        return fn

    return register


# -- output helpers -----------------------------------------------------------------------------
def emit(args: argparse.Namespace, data: Any, text: Callable[[Any], str]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text(data))


def _years(item: dict[str, Any]) -> str:
    f, last = item.get("first_year"), item.get("last_year")
    if not f and not last:
        return ""
    return f"{f}" if f == last else f"{f}–{last}"


@contextmanager
def open_store(settings: Settings) -> Iterator[Any]:
    from graphsvc.store import open_store as _open

    store = _open(settings)
    try:
        yield store
    finally:
        store.close()


def _progress(enabled: bool) -> Callable[[Iterable[Record | Skipped], str], Iterator[Any]] | None:
    if not enabled:
        return None
    from tqdm import tqdm

    def wrap(stream: Iterable[Record | Skipped], name: str) -> Iterator[Any]:
        yield from tqdm(
            stream, desc=name, unit=" rec", file=sys.stderr, mininterval=0.5, leave=False
        )

    return wrap


# -- commands -----------------------------------------------------------------------------------
@command("ingest")
def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.ingest import ingest

    opts = ReaderOptions(
        authors_column=args.authors_column,
        title_column=args.title_column,
        year_column=args.year_column,
        author_separator=args.author_separator,
        names_file=Path(args.names_file) if args.names_file else None,
    )
    show = sys.stderr.isatty() and not args.no_progress
    with open_store(settings) as store:
        report = ingest(
            store,
            [Path(p) for p in args.paths],
            fmt=args.format,
            options=opts,
            max_team_size=args.max_team_size,
            progress=_progress(show),
        )
    emit(args, report.to_dict(), _ingest_text)
    return 0


def _ingest_text(r: dict[str, Any]) -> str:
    lines = []
    for f in r["files"]:
        lines.append(
            f"{f['path']} ({f['format']}): {f['records']} records, "
            f"{f['papers']} new papers, {f['skipped']} skipped"
        )
    lines.append(
        f"records {r['records']}  new papers {r['papers']}  already known {r['duplicates']}  "
        f"new authors {r['authors']}  new edges {r['edges']}  skipped {r['skipped']}"
    )
    if r["excluded_papers"]:
        lines.append(
            f"{r['excluded_papers']} papers have more than {r['max_team_size']} authors: "
            "kept, but they add no co-author edges (--max-team-size)"
        )
    if r["skipped_reasons"]:
        lines.append("skipped: " + ", ".join(f"{k} {v}" for k, v in r["skipped_reasons"].items()))
        for ex in r["examples"][:5]:
            lines.append(
                f"  {ex['source_ref']}: {ex['reason']}"
                + (f" ({ex['detail']})" if ex.get("detail") else "")
            )
    if r["records"] == 0 and r["skipped_reasons"].get("no-author-lists"):
        lines.append("no author lists found: nothing to ingest from this input")
    t = r["totals"]
    lines.append(
        f"store now: {t['authors']} authors, {t['papers']} papers, {t['edges']} edges "
        f"({r['seconds']} s)"
    )
    return "\n".join(lines)


@command("search")
def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.graph.service import GraphService

    with open_store(settings) as store:
        hits = GraphService(store).search(args.query, limit=args.limit, offset=args.offset)
    emit(
        args,
        hits,
        lambda hs: (
            "\n".join(f"{h['id']:>8}  {h['name']}  ({h['papers']} papers)" for h in hs)
            or "no match"
        ),
    )
    return 0 if hits else 3


@command("collaborators")
def cmd_collaborators(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.graph.service import GraphService

    with open_store(settings) as store:
        res = GraphService(store).collaborators(
            args.author,
            year_from=args.from_year,
            year_to=args.to_year,
            min_papers=args.min_papers,
            limit=args.limit,
            offset=args.offset,
            with_papers=args.papers,
        )
    emit(args, res, _collab_text)
    return 0


def _collab_text(r: dict[str, Any]) -> str:
    a = r["author"]
    lines = [f"{a['name']} (id {a['id']}): {r['total']} collaborators"]
    for c in r["collaborators"]:
        lines.append(f"{c['papers']:>5}  {c['name']}  (id {c['id']}, {_years(c)})")
        for p in c.get("joint_papers", []):
            lines.append(f"         {p['year'] or '----'}  {p['title']}")
    return "\n".join(lines)


@command("stats")
def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.graph.service import GraphService

    with open_store(settings) as store:
        res = GraphService(store).stats(args.from_year, args.to_year)
    emit(args, res, _stats_text)
    return 0


def _stats_text(s: dict[str, Any]) -> str:
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


@command("demo")
def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest the bundled dblp sample into an empty store, then show what graphsvc answers."""
    from graphsvc.graph.service import GraphService

    with open_store(settings) as store:
        _ingest_demo_if_empty(store)
        svc = GraphService(store)
        print("\n== stats ==")
        print(_stats_text(svc.stats()))
        top = max((store.author(a) for a in _most_connected(svc, 1)), key=lambda a: a["papers"])
        print(f"\n== top collaborators of {top['name']} ==")
        print(_collab_text(svc.collaborators(top["id"], limit=10)))
        examples = [
            ('graphsvc collaborators "Torsten Hoefler" --min-papers 3',
             lambda: _collab_text(svc.collaborators("Torsten Hoefler", min_papers=3, limit=10))),
            ('graphsvc path "Torsten Hoefler" "Ion Stoica"',
             lambda: _path_text(svc.path("Torsten Hoefler", "Ion Stoica"))),
        ]
        for query, run in examples:
            print(f"\n== example: {query} ==")
            try:
                print(run())
            except GraphsvcError as exc:
                print(f"(not in this store: {exc})")
    return 0


def _ingest_demo_if_empty(store: Any) -> None:
    """Load the bundled CC0 dblp sample into an empty store, so there is something to ask."""
    from graphsvc.ingest import ingest

    if store.counts()["papers"]:
        return
    ref = resources.files("graphsvc") / "data" / "dblp-ppopp-socc.xml.gz"
    with resources.as_file(ref) as sample:
        print(f"ingesting the bundled demo data: {sample.name} (dblp, CC0)", file=sys.stderr)
        rep = ingest(store, [sample], progress=_progress(sys.stderr.isatty()))
        print(_ingest_text(rep.to_dict()), file=sys.stderr)


@command("serve")
def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.api.serve import run_serve, serve_get, urls

    if args.get:
        status, body = serve_get(settings, args.get)
        print(body)
        return 0 if status < 400 else (3 if status in (404, 409) else 1)
    if settings.store == "embedded" and not args.no_demo:
        with open_store(settings) as store:
            _ingest_demo_if_empty(store)
    front, docs = urls(args.host, args.port)
    print(f"graphsvc serving {settings.store} store on {front}  (API docs: {docs})",
          file=sys.stderr, flush=True)
    run_serve(settings, args.host, args.port, args.workers)
    return 0


def _most_connected(svc: Any, k: int) -> list[int]:
    g = svc.graph()
    import numpy as np

    deg = np.diff(g.indptr)
    order = np.argsort(-deg, kind="stable")[:k]
    return [int(g.author_ids[i]) for i in order]


def _service(store: Any) -> Any:
    from graphsvc.graph.service import GraphService

    return GraphService(store)


def _window(args: argparse.Namespace) -> dict[str, Any]:
    return {"year_from": args.from_year, "year_to": args.to_year}


@command("author")
def cmd_author(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        res = _service(store).author_detail(args.author)
    emit(
        args,
        res,
        lambda a: "\n".join(
            [f"{a['name']} (id {a['id']}, {a['papers']} papers)"]
            + [f"  variant  {v['name']}  [{v['source']}] ×{v['count']}" for v in a["variants"]]
            + [f"  id       {i['kind']}:{i['value']}" for i in a["ids"]]
        ),
    )
    return 0


@command("ego")
def cmd_ego(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        res = _service(store).ego(
            args.author,
            radius=args.radius,
            min_papers=args.min_papers,
            max_nodes=args.max_nodes,
            **_window(args),
        )
    emit(args, res, _ego_text)
    return 0


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


@command("path")
def cmd_path(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        svc = _service(store)
        if args.pairs:
            pairs = _read_pairs(Path(args.pairs))
            for row in svc.path_pairs(pairs, max_length=args.max_length, **_window(args)):
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
            **_window(args),
        )
    emit(args, res, _path_text)
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


def _path_text(r: dict[str, Any]) -> str:
    lines = [
        f"{r['from']['name']} → {r['to']['name']}: distance {r['length']}, "
        f"{r['count']} shortest path(s)" + (f", cost {r['cost']}" if "cost" in r else "")
    ]
    for i, p in enumerate(r["paths"], 1):
        lines.append(f"path {i}: " + " — ".join(a["name"] for a in p["authors"]))
        for hop, (a, b) in zip(
            p["hops"], zip(p["authors"], p["authors"][1:], strict=False), strict=True
        ):
            lines.append(f"  {a['name']} – {b['name']} ({hop['joint_papers']} joint papers)")
            for paper in hop["papers"][:3]:
                ref = paper["doi"] and f"doi:{paper['doi']}" or paper["source_id"] or ""
                lines.append(
                    f"      {paper['year'] or '----'}  {paper['title']}"
                    f"{'  (' + paper['venue'] + ')' if paper['venue'] else ''}  {ref}"
                )
    return "\n".join(lines)


@command("distances")
def cmd_distances(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        res = _service(store).distances(args.author, **_window(args))
    emit(
        args,
        res,
        lambda r: "\n".join(
            [f"collaboration distances from {r['author']['name']} (id {r['author']['id']})"]
            + [f"  {p['distance']:>3}  {p['authors']}" for p in r["profile"]]
            + [f"  unreachable  {r['unreachable']}"]
        ),
    )
    return 0


@command("cohort")
def cmd_cohort(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        res = _service(store).cohort(args.authors, **_window(args))
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


@command("communities")
def cmd_communities(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        res = _service(store).communities(
            method=args.method,
            author=args.author,
            radius=args.radius,
            cohort=args.cohort or (),
            seed=args.seed,
            limit=args.limit,
            **_window(args),
        )
    emit(
        args,
        res,
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
    return 0


@command("rank")
def cmd_rank(args: argparse.Namespace, settings: Settings) -> int:
    with open_store(settings) as store:
        res = _service(store).rank(
            args.by, top=args.top, sample=args.sample, seed=args.seed, **_window(args)
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


# -- parser ---------------------------------------------------------------------------------------
def _add_window(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from-year", type=int, help="only papers from this year on")
    p.add_argument("--to-year", type=int, help="only papers up to this year")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="graphsvc",
        description="Author collaboration graphs: ingest publication lists, then ask who works "
        "with whom.",
        epilog="examples:\n  " + "\n  ".join(EXAMPLES.values()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"graphsvc {__version__}")
    parser.add_argument(
        "--data-dir",
        help="where the embedded store lives (env GRAPHSVC_DATA_DIR, default ./graphsvc-data)",
    )
    parser.add_argument(
        "--store",
        choices=["embedded", "neo4j"],
        help="which store to use (env GRAPHSVC_STORE, default embedded)",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help,
            description=help,
            parents=[common],
            epilog=f"example:\n  {EXAMPLES[name]}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    p = add("ingest", "read publication files into the store (format detected from content)")
    p.add_argument("paths", nargs="+", help="files to read (.gz is fine)")
    p.add_argument("--format", choices=sorted(FORMATS), help="force the input format")
    p.add_argument(
        "--max-team-size",
        type=int,
        help="papers with more authors add no co-author edges (default 100, 0 = no cap)",
    )
    p.add_argument("--authors-column", help="CSV/TSV: column holding the authors")
    p.add_argument("--title-column", help="CSV/TSV: column holding the title")
    p.add_argument("--year-column", help="CSV/TSV: column holding the year")
    p.add_argument("--author-separator", help="CSV/TSV: separator between authors (; or ,)")
    p.add_argument("--names-file", help="edge lists: file of 'id name' lines naming the nodes")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")

    p = add("search", "find authors by name (accents, case, order and small typos don't matter)")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--offset", type=int, default=0)

    p = add("collaborators", "an author's co-authors, most joint papers first")
    p.add_argument("author", help="author id, external id (orcid:…, dblp:…) or name")
    p.add_argument("--min-papers", type=int, default=1, help="at least this many joint papers")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--papers", action="store_true", help="list the joint papers too")
    _add_window(p)

    p = add("stats", "size, components, clustering, triangles and diameter of the graph")
    _add_window(p)

    p = add("author", "one author: name variants with their sources and external ids")
    p.add_argument("author", help="author id, external id (orcid:…, dblp:…) or name")

    p = add("ego", "the co-authorship network around an author")
    p.add_argument("author")
    p.add_argument("--radius", type=int, default=1, help="hops from the author (1-3)")
    p.add_argument(
        "--min-papers", type=int, default=1, help="only edges with this many joint papers"
    )
    p.add_argument("--max-nodes", type=int, default=300, help="keep the strongest-connected N")
    _add_window(p)

    p = add("path", "collaboration distance and the shortest path(s), with the papers of every hop")
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
    _add_window(p)

    from graphsvc.views.cli import HELP as VIEW_HELP
    from graphsvc.views.cli import add_arguments as add_view_arguments

    add_view_arguments(add("view", VIEW_HELP))

    p = add("distances", "how many authors sit at each collaboration distance (Erdős profile)")
    p.add_argument("author")
    _add_window(p)

    p = add("cohort", "the co-authorship subgraph of a list of authors and its components")
    p.add_argument("authors", nargs="+", metavar="AUTHOR")
    _add_window(p)

    p = add("communities", "communities with their sizes and most central authors")
    p.add_argument("--method", choices=["louvain", "leiden"], default="louvain")
    p.add_argument("--author", help="only the ego network of this author (see --radius)")
    p.add_argument("--radius", type=int, default=2)
    p.add_argument("--cohort", nargs="+", metavar="AUTHOR", help="only these authors")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit", type=int, default=20, help="show at most this many communities")
    _add_window(p)

    p = add("rank", "top authors by papers, collaborators, betweenness, closeness or PageRank")
    p.add_argument(
        "--by",
        default="papers",
        choices=["papers", "collaborators", "betweenness", "closeness", "pagerank"],
    )
    p.add_argument("--top", type=int, default=10)
    p.add_argument("--sample", type=int, help="sample size for approximate betweenness/closeness")
    p.add_argument("--seed", type=int, default=0)
    _add_window(p)

    add_identity_parsers(add)

    p = add("serve", "serve the HTTP API and the network views (an empty store gets the demo data)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, help="worker processes (each holds the graph)")
    p.add_argument("--get", metavar="PATH",
                   help="answer one GET request in-process and print it (no server)")
    p.add_argument("--no-demo", action="store_true", help="don't load the demo data into an "
                   "empty store")

    add("init-store", "create the Neo4j constraints and indexes (idempotent)")

    add("demo", "ingest the bundled dblp sample (if the store is empty) and show what it answers")
    return parser


@command("view")
def cmd_view(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.views.cli import cmd_view as run

    return run(args, settings)


@command("init-store")
def cmd_init_store(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.store.neo4j import cmd_init_store as run

    return run(args, settings)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    settings = Settings.from_env(
        data_dir=Path(args.data_dir) if args.data_dir else None, store=args.store
    )
    try:
        return _COMMANDS[args.command](args, settings)
    except AmbiguousAuthor as exc:
        if getattr(args, "json", False):
            print(
                json.dumps(
                    {"error": exc.type, "message": str(exc), "candidates": exc.candidates},
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            print(f"graphsvc: {exc}", file=sys.stderr)
            for c in exc.candidates:
                print(f"  {c['id']:>8}  {c['name']}  ({c['papers']} papers)", file=sys.stderr)
        return exc.exit_code
    except NoPath as exc:
        if getattr(args, "json", False):
            print(json.dumps({"length": None, "count": 0, "paths": [], "reason": str(exc)}))
        else:
            print(f"graphsvc: {exc}", file=sys.stderr)
        return exc.exit_code
    except GraphsvcError as exc:
        print(f"graphsvc: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("graphsvc: interrupted; re-run the same command to finish", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # output piped into `head` and friends: stop quietly, like other Unix tools
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
