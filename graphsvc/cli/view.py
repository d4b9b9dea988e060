"""``graphsvc view``: an ego network, a path or a cohort as one self-contained HTML file.

The file inlines vis-network, the stylesheet and the data, and carries a Content-Security-Policy
that lets only its own inline scripts run and fetches nothing: it opens from disk, offline.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from graphsvc.cli.common import open_service
from graphsvc.cli.registry import command
from graphsvc.config import Settings
from graphsvc.errors import InvalidQuery


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("author", nargs="?", help="the focus author (id, external id or name)")
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write the page (default: ego.html, path.html or cohort.html)")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--path", nargs=2, metavar=("FROM", "TO"),
                      help="the collaboration path between two authors instead")
    kind.add_argument("--cohort", nargs="+", metavar="AUTHOR",
                      help="the co-authorship links among these authors instead")
    p.add_argument("--radius", type=int, default=1, help="ego: hops from the author (1-3)")
    p.add_argument("--min-papers", type=int, default=1,
                   help="ego: only links with this many joint papers")
    p.add_argument("--max-nodes", type=int, default=300,
                   help="ego: keep the N most strongly connected authors (default 300)")
    p.add_argument("--all", action="store_true", help="path: all shortest paths (see --limit)")
    p.add_argument("--limit", type=int, default=10, help="path: at most this many with --all")
    p.add_argument("--strongest", action="store_true",
                   help="path: minimise the sum of 1/joint papers instead of hops")
    p.add_argument("--max-length", type=int, help="path: give up beyond this many hops")
    p.add_argument("--from-year", type=int, help="only papers from this year on")
    p.add_argument("--to-year", type=int, help="only papers up to this year")


@command(
    "view",
    help="write an interactive network (ego, path or cohort) as one HTML file that opens offline",
    example='graphsvc view "Torsten Hoefler" --radius 2 -o ego.html',
    arguments=_arguments,
)
def cmd_view(args: argparse.Namespace, settings: Settings) -> int:
    """Write the page; library errors propagate to the entry's ``main`` (one line, exit code)."""
    from graphsvc.views import pages

    site = pages.Site(served=False)
    with open_service(settings) as svc:
        if args.path:
            if args.all and args.strongest:
                raise InvalidQuery("choose either --all or --strongest")
            mode = "all" if args.all else "strongest" if args.strongest else "shortest"
            params = pages.PathParams(source=args.path[0], target=args.path[1], mode=mode,
                                      limit=args.limit, max_length=args.max_length,
                                      year_from=args.from_year, year_to=args.to_year)
            page, default = _checked(lambda: pages.path_page(svc, site, params)), "path.html"
        elif args.cohort:
            window = pages.Window(args.from_year, args.to_year)
            page, default = _checked(
                lambda: pages.cohort_page(svc, site, args.cohort, window)), "cohort.html"
        else:
            if not args.author:
                raise InvalidQuery("name an author, or use --path FROM TO or --cohort A B …")
            aid = svc.resolve(args.author)
            if args.max_nodes > pages.MAX_EGO_NODES:
                raise InvalidQuery(f"--max-nodes is at most {pages.MAX_EGO_NODES}")
            ego = pages.EgoParams(radius=args.radius, min_papers=args.min_papers,
                                  max_nodes=args.max_nodes, year_from=args.from_year,
                                  year_to=args.to_year)
            page, default = _checked(lambda: pages.ego_page(svc, site, aid, ego)), "ego.html"
    out = Path(args.output or default)
    out.write_text(page.html, encoding="utf-8")
    size = len(page.html.encode("utf-8")) // 1024
    sys.stderr.write(f"wrote {out} ({size} KB): open it in a browser, no network needed\n")
    return 0


def _checked(build: Any) -> Any:
    """The page ``build()`` makes; on the command line a page that failed is the library error
    (``main`` prints it, with the candidates of an ambiguous name, and exits non-zero)."""
    from graphsvc.views.pages import Failed

    try:
        return build()
    except Failed as f:
        raise f.error from None
