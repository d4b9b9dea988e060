"""Readers: one module per format, each a generator of ``Record`` or ``Skipped`` items.

Every reader module exposes ``read(path, options) -> Iterator[Record | Skipped]`` and
``sniff(head: str, name: str) -> int`` (0 = not this format, higher = more certain).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from graphsvc.errors import ParseError, UnknownFormat
from graphsvc.model import Record, Skipped
from graphsvc.sources.base import (
    DAMAGED,
    ExpansionLimit,
    ReaderOptions,
    decode_head,
    read_head,
    source_name,
)

#: format name -> module under graphsvc.sources
FORMATS: dict[str, str] = {
    "dblp": "dblp",
    "bibtex": "bibtex",
    "csv": "tabular",
    "tsv": "tabular",
    "json": "jsonsrc",
    "paperscape": "paperscape",
    "edgelist": "edgelist",
    "gml": "gml",
    "text": "textpage",
}

__all__ = ["FORMATS", "ReaderOptions", "detect_format", "read_records", "reader_module"]


def reader_module(fmt: str) -> ModuleType:
    """The module implementing format ``fmt``."""
    try:
        mod = FORMATS[fmt]
    except KeyError:
        raise UnknownFormat(
            f"unknown format {fmt!r}; choose one of: {', '.join(sorted(FORMATS))}"
        ) from None
    return importlib.import_module(f"graphsvc.sources.{mod}")


def detect_format(path: Path) -> str:
    """Guess the format of ``path`` from its content and name (``.gz`` is looked through).

    The reader whose ``sniff`` scores highest wins; plain text pages are the fallback.
    """
    try:
        head = decode_head(read_head(path))
    except OSError as exc:
        raise ParseError(f"{path.name}: cannot read the file: {exc}") from exc
    name = path.name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    best, best_score = "text", 0
    for fmt in FORMATS:
        if fmt == "tsv":
            continue
        score = int(reader_module(fmt).sniff(head, name))
        if score > best_score:
            best, best_score = fmt, score
    if fmt_is_tabular(best) and name.endswith(".tsv"):
        return "tsv"
    return best


def fmt_is_tabular(fmt: str) -> bool:
    return fmt in ("csv", "tsv")


def read_records(
    path: Path, fmt: str | None = None, options: ReaderOptions | None = None
) -> Iterator[Record | Skipped]:
    """Stream the records of one file, detecting its format unless ``fmt`` is given.

    A file whose data is damaged (a truncated or corrupt ``.gz``) ends with a
    ``Skipped("read-error")``, after what was read before the damage; a file the system cannot
    read at all (missing, no permission, an I/O error) raises ``ParseError``.
    """
    fmt = fmt or detect_format(path)
    module = reader_module(fmt)
    opts = options or ReaderOptions()
    n = 0
    try:
        items = (
            module.read(path, opts, delimiter="\t") if fmt == "tsv" else module.read(path, opts)
        )
        for item in items:
            n += 1
            yield item
    except ExpansionLimit as exc:
        yield Skipped(
            f"{source_name(path)}:0", "too-large",
            f"reading stopped after {n} item(s): {exc}",
        )
    except DAMAGED as exc:
        yield Skipped(
            f"{source_name(path)}:0",
            "read-error",
            f"damaged data, reading stopped after {n} item(s): {exc or type(exc).__name__}",
        )
    except OSError as exc:
        raise ParseError(f"{source_name(path)}: cannot read the file: {exc}") from exc
