"""The ``graphsvc`` entry point: imports the command modules, builds the parser, runs one."""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from collections.abc import Sequence
from importlib import import_module
from pathlib import Path

from graphsvc import __version__
from graphsvc.cli.registry import COMMANDS
from graphsvc.cli.terminal import safe_output
from graphsvc.config import Settings
from graphsvc.errors import AmbiguousAuthor, GraphsvcError, NoPath
from graphsvc.store.sqlite_errors import store_error

#: The command modules, in the order ``graphsvc --help`` lists their commands.
#: A new command group is a module in this package that uses ``@command``, named here.
MODULES: tuple[str, ...] = (
    "ingest",
    "queries",
    "analytics",
    "conflicts",
    "suggest",
    "timeline",
    "view",
    "export",
    "identity",
    "serve",
    "demo",
    "check",
)


def load_commands() -> None:
    """Import every command module once, so that their ``@command`` handlers are registered."""
    for name in MODULES:
        import_module(f"graphsvc.cli.{name}")


def build_parser() -> argparse.ArgumentParser:
    """The ``graphsvc`` parser with one subcommand per registered command."""
    load_commands()
    parser = argparse.ArgumentParser(
        prog="graphsvc",
        description="Author collaboration graphs: ingest publication lists, then ask who works "
        "with whom.",
        epilog="examples:\n  " + "\n  ".join(c.example for c in COMMANDS.values()),
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
    for c in COMMANDS.values():
        p = sub.add_parser(
            c.name,
            help=c.help,
            description=f"{c.help}\n\n{c.details}" if c.details else c.help,
            parents=[common],
            epilog=f"example:\n  {c.example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if c.arguments is not None:
            c.arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``graphsvc`` with ``argv``; library errors become one line on stderr and an exit code.

    Everything printed is cleaned of terminal escape sequences (``cli/terminal.py``).
    """
    with safe_output():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # The Neo4j driver logs each retry and each dead connection as a warning, which Python
    # prints on stderr when nothing else handles it; graphsvc's one-line error says it all.
    neo4j_log = logging.getLogger("neo4j")
    if not neo4j_log.handlers:
        neo4j_log.addHandler(logging.NullHandler())
        neo4j_log.propagate = False
    if not args.command:
        parser.print_help()
        return 2
    try:
        settings = Settings.from_env(
            data_dir=Path(args.data_dir) if args.data_dir else None, store=args.store
        )
        try:
            return COMMANDS[args.command].run(args, settings)
        except sqlite3.Error as exc:  # about the store file itself: full, read-only, damaged
            raise store_error(exc, settings.db_path) from exc
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
