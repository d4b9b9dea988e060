"""What every command module shares: printing results, opening the store, common arguments."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from graphsvc.config import Settings
from graphsvc.model import Record, Skipped

AUTHOR_HELP = "author id, external id (orcid:…, dblp:…) or name"


def emit(args: argparse.Namespace, data: Any, text: Callable[[Any], str]) -> None:
    """Print ``data`` as JSON with ``--json``, else as ``text(data)``."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(text(data))


@contextmanager
def open_store(settings: Settings) -> Iterator[Any]:
    """The configured store, closed when the block ends (also on errors)."""
    from graphsvc.store import open_store as _open

    store = _open(settings)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def open_service(settings: Settings) -> Iterator[Any]:
    """A ``GraphService`` over the configured store, closed when the block ends."""
    with open_store(settings) as store:
        yield service(store)


def answer(
    args: argparse.Namespace,
    settings: Settings,
    ask: Callable[[Any], Any],
    text: Callable[[Any], str],
) -> int:
    """The whole of a question command: ``ask(service)`` with the store open, then print the
    answer (``emit``) once the store is closed; exit code 0."""
    with open_service(settings) as svc:
        res = ask(svc)
    emit(args, res, text)
    return 0


def service(store: Any) -> Any:
    """A ``GraphService`` over an open store."""
    from graphsvc.graph.service import GraphService

    return GraphService(store)


def add_window(p: argparse.ArgumentParser, team_size: bool = True) -> None:
    """``--from-year`` / ``--to-year``: only papers in that window count; with ``team_size``,
    ``--max-team-size K``: only papers with at most K authors count (at query time)."""
    p.add_argument("--from-year", type=int, help="only papers from this year on")
    p.add_argument("--to-year", type=int, help="only papers up to this year")
    if team_size:
        p.add_argument(
            "--max-team-size",
            type=int,
            metavar="K",
            help="only papers with at most K authors count (2: Erdős numbers of the second "
            "kind; 0: no cap; default: the store's ingest cap)",
        )


def add_page(p: argparse.ArgumentParser, limit: int) -> None:
    """``--limit`` (default ``limit``) and ``--offset`` (default 0): one page of a long list."""
    p.add_argument("--limit", type=int, default=limit)
    p.add_argument("--offset", type=int, default=0)


def window(args: argparse.Namespace) -> dict[str, Any]:
    """The year window and team-size cap of ``args`` as keyword arguments of the service."""
    return {
        "year_from": args.from_year,
        "year_to": args.to_year,
        "max_team_size": getattr(args, "max_team_size", None),
    }


def years(item: dict[str, Any]) -> str:
    """``2015–2019``, ``2017`` or ``""`` for an item with ``first_year`` / ``last_year``.

    Examples
    --------
    >>> years({"first_year": 2015, "last_year": 2019}), years({"first_year": None})
    ('2015–2019', '')
    """
    f, last = item.get("first_year"), item.get("last_year")
    if not f and not last:
        return ""
    return f"{f}" if f == last else f"{f}–{last}"


def progress(enabled: bool) -> Callable[[Iterable[Record | Skipped], str], Iterator[Any]] | None:
    """A tqdm wrapper on stderr for ``ingest(progress=...)``, or None when disabled."""
    if not enabled:
        return None
    from tqdm import tqdm

    def wrap(stream: Iterable[Record | Skipped], name: str) -> Iterator[Any]:
        yield from tqdm(
            stream, desc=name, unit=" rec", file=sys.stderr, mininterval=0.5, leave=False
        )

    return wrap
