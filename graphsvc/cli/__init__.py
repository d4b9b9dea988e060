"""The ``graphsvc`` command line: one module per command group, each a thin shell over the library.

Layout::

    registry.py   @command(...) and the COMMANDS it fills
    common.py     answer / emit (text or --json), open_store / open_service, add_window,
                  add_page, AUTHOR_HELP, progress
    entry.py      MODULES (the command modules, in --help order), build_parser, main
    ingest.py     ingest                      queries.py    search, collaborators, author, ego,
    analytics.py  stats, communities, rank                  path, distances, cohort
    view.py       view (offline HTML files)   identity.py   explain, duplicates, merge, split,
    export.py     export (graph files)                      unmerge, overrides
    conflicts.py  conflicts (submissions x reviewers)
    suggest.py    suggest (whom to meet)      timeline.py   timeline (an author by year)
    serve.py      serve, init-store           demo.py       demo

Adding a command:

1. Write it in the module of its group, or in a new module ``graphsvc/cli/<group>.py``::

       from graphsvc.cli.common import AUTHOR_HELP, answer
       from graphsvc.cli.registry import command

       def _arguments(p: argparse.ArgumentParser) -> None:
           p.add_argument("author", help=AUTHOR_HELP)

       @command("hello", help="one line of help", example='graphsvc hello "Ada Lovelace"',
                arguments=_arguments)
       def cmd_hello(args: argparse.Namespace, settings: Settings) -> int:
           return answer(args, settings, lambda svc: svc.author_detail(args.author),
                         lambda a: a["name"])

2. A new module goes into ``MODULES`` in ``entry.py`` (a test fails if it is forgotten).

``--json``, ``--data-dir`` and ``--store`` come for free; raise ``graphsvc.errors`` exceptions and
``main`` turns them into one line on stderr and the exit code. Command modules import only
``registry``, ``common`` and the library (or another command module's text helpers), never
``entry`` or this package's ``main``: the entry imports them, not the other way round.
``tests/test_cli.py`` checks that every command has help with an example.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """The console script ``graphsvc`` (and ``python -m graphsvc``): see ``entry.main``."""
    from graphsvc.cli.entry import main as run

    return run(argv)


def build_parser() -> argparse.ArgumentParser:
    """The ``graphsvc`` argument parser with every registered command: see ``entry``."""
    from graphsvc.cli.entry import build_parser as build

    return build()
