"""``graphsvc check``: verify the embedded store and print one line per problem."""

from __future__ import annotations

import argparse
import json
import sys

from graphsvc.cli.registry import command
from graphsvc.config import Settings
from graphsvc.errors import InvalidQuery


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quick", action="store_true",
                   help="SQLite's quick_check instead of the full integrity_check (faster on "
                        "big stores: does not compare each index with its table)")


@command(
    "check",
    help="verify the embedded store: file integrity, references, edges and indexes",
    example="graphsvc check --json",
    arguments=_arguments,
    details="Exits 0 when the store is sound, 1 with one line per problem otherwise. The "
    "store is opened read-only: checking never changes it.",
)
def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.store.sqlite_check import check_store, report

    if settings.store != "embedded":
        raise InvalidQuery("graphsvc check verifies the embedded store (GRAPHSVC_STORE=embedded)")
    path = settings.db_path
    problems = check_store(path, quick=args.quick)
    if args.json:
        print(json.dumps(report(path, problems), ensure_ascii=False, indent=2))
    elif not problems:
        print(f"{path}: ok")
    for p in problems if not args.json else []:
        print(f"graphsvc check: {p.check}: {p.message}", file=sys.stderr)
    return 1 if problems else 0
