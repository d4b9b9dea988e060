"""``graphsvc export``: the graph, an ego network or a cohort as a file for other tools."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from graphsvc.cli.common import add_window, emit, open_service
from graphsvc.cli.registry import command
from graphsvc.config import Settings
from graphsvc.graph.export_select import ALL_FORMATS, Selection, write_export

_DETAILS = """formats:
  graphml      GraphML: Cytoscape, yEd, igraph, networkx (node and edge attributes)
  gexf         GEXF 1.2, dynamic: Gephi, with one time spell per run of active years
  csv          a zip of nodes.csv and edges.csv: spreadsheets, pandas, R
  json         networkx node-link JSON: networkx.node_link_graph, d3
  pajek        Pajek .net: Pajek, igraph, networkx.read_pajek
  vosviewer    a zip of VOSviewer map and network files (File > Create > Create a map
               based on network data)
  neo4j-admin  a folder of node and relationship CSV files for
               `neo4j-admin database import full` (the whole store; see the README)

Without --ego or --cohort the whole graph of the year window is written."""


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", required=True, choices=ALL_FORMATS, help="the file format")
    p.add_argument("-o", "--output", required=True, metavar="PATH",
                   help="the file to write (a folder for neo4j-admin)")
    p.add_argument("--ego", metavar="AUTHOR", help="export the ego network of this author")
    p.add_argument("--radius", type=int, default=1, help="with --ego: hops (1-3)")
    p.add_argument("--min-papers", type=int, default=1,
                   help="with --ego: only edges with this many joint papers")
    p.add_argument("--max-nodes", type=int, default=1000,
                   help="with --ego: keep the most strongly connected N")
    p.add_argument("--cohort", nargs="+", metavar="AUTHOR",
                   help="export the subgraph of these authors")
    add_window(p, team_size=False)


@command(
    "export",
    help="write the graph, an ego network or a cohort as GraphML, GEXF, CSV, JSON, Pajek, "
    "VOSviewer or neo4j-admin files",
    example='graphsvc export --format gexf --ego "Torsten Hoefler" --radius 2 -o hoefler.gexf',
    arguments=_arguments,
    details=_DETAILS,
)
def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    sel = Selection(author=args.ego, radius=args.radius, min_papers=args.min_papers,
                    max_nodes=args.max_nodes, cohort=tuple(args.cohort or ()),
                    year_from=args.from_year, year_to=args.to_year)
    with open_service(settings) as svc:
        info = write_export(svc, sel, args.format, Path(args.output))
    emit(args, info, _text)
    return 0


def _text(info: dict[str, Any]) -> str:
    if info["format"] == "neo4j-admin":
        rows = ", ".join(f"{name} {n}" for name, n in info["files"].items())
        return (f"wrote {len(info['files'])} files to {info['path']}: {rows}\n"
                f"import them into a stopped, empty database with:\n{info['import_command']}\n"
                "then run `graphsvc init-store` against it once (constraints and indexes)")
    return (f"wrote {info['path']} ({info['format']}): {info['nodes']} authors, "
            f"{info['edges']} co-author edges ({info['title']})")
