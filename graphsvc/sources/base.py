"""Shared plumbing for readers: opening (gzip-aware), decoding line by line, reader options."""

from __future__ import annotations

import codecs
import gzip
import io
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import AnyStr, BinaryIO

from graphsvc.model import RawAuthor, Record

GZIP_MAGIC = b"\x1f\x8b"
#: what reading damaged data raises: a truncated gzip stream (``EOFError``), a bad gzip header
#: (``BadGzipFile``), a corrupt deflate stream (``zlib.error``, which is not an ``OSError``)
DAMAGED: tuple[type[Exception], ...] = (EOFError, zlib.error, gzip.BadGzipFile)
#: the same, plus any other I/O error
READ_ERRORS: tuple[type[Exception], ...] = (OSError, *DAMAGED)
#: the longest line a reader is given: a longer one is cut there and the rest of it skipped (no
#: real line is this long; a gzip bomb without line breaks would otherwise be held in memory)
MAX_LINE = 64 << 20
#: the longest text of one field a reader keeps (dblp text nodes, JSON values): a longer one
#: makes its record ``field-too-large``
MAX_FIELD_CHARS = 1 << 20
#: the most authors one record may name (the largest real papers name about 15,000)
MAX_AUTHORS = 100_000
#: a compressed file may expand to ``EXPANSION_FLOOR`` bytes, or ``MAX_EXPANSION`` times its
#: own size when that is more; past it reading stops (``too-large``): real publication data
#: compresses 5 to 20 times, a gzip bomb a thousand times
EXPANSION_FLOOR = 2 << 30
MAX_EXPANSION = 100


class ExpansionLimit(EOFError):
    """A compressed file expands past its limit (see ``MAX_EXPANSION``)."""


class _BoundedGzip(gzip.GzipFile):
    """A ``GzipFile`` that raises ``ExpansionLimit`` once it has produced ``limit`` bytes."""

    def __init__(self, fileobj: BinaryIO, limit: int) -> None:
        super().__init__(fileobj=fileobj, mode="rb")
        self._limit = limit
        self._produced = 0

    def _count(self, data: bytes) -> bytes:
        self._produced += len(data)
        if self._produced > self._limit:
            raise ExpansionLimit(
                f"the compressed file expands past {self._limit >> 20} MiB "
                f"(limit: {EXPANSION_FLOOR >> 20} MiB or {MAX_EXPANSION} times its size)"
            )
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._count(super().read(size))

    def read1(self, size: int = -1) -> bytes:
        return self._count(super().read1(size))

    def readline(self, size: int | None = -1) -> bytes:
        return self._count(super().readline(size))


@dataclass(slots=True)
class ReaderOptions:
    """Options a user can pass to readers (CLI flags ``--authors-column`` etc.)."""

    #: CSV/TSV: column holding the author list (default: first of authors/author/au/creators)
    authors_column: str | None = None
    title_column: str | None = None
    year_column: str | None = None
    venue_column: str | None = None
    doi_column: str | None = None
    #: CSV/TSV: separator between authors inside the column (default: ';' if present else ',')
    author_separator: str | None = None
    #: edge lists: optional "id name" file giving node names (Newman's astro-ph_names.txt)
    names_file: Path | None = None


def open_binary(path: Path) -> BinaryIO:
    """Open a file for reading bytes, transparently gunzipping ``.gz`` or gzip-magic files."""
    raw = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    head = raw.read(2)
    raw.seek(0)
    if head == GZIP_MAGIC:
        limit = max(EXPANSION_FLOOR, MAX_EXPANSION * os.fstat(raw.fileno()).st_size)
        return _BoundedGzip(raw, limit)  # type: ignore[return-value]
    return raw


def read_head(path: Path, size: int = 8192) -> bytes:
    """First ``size`` bytes of the (decompressed) file, for format sniffing.

    A truncated or corrupt gzip stream gives the bytes decompressed before the damage (the
    reader then reports the damage where it meets it).
    """
    head = b""
    with open_binary(path) as f:
        read_chunk = getattr(f, "read1", f.read)
        try:
            while len(head) < size:
                chunk = read_chunk(size - len(head))
                if not chunk:
                    break
                head += chunk
        except READ_ERRORS:
            pass
    return head


def decode_head(head: bytes) -> str:
    """Text of a file's first bytes for sniffing: UTF-16 when it has a UTF-16 BOM, else UTF-8."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace").lstrip("\ufeff")


def source_name(path: Path) -> str:
    """The name used in ``source_ref``: the file name without directories."""
    return path.name


def lone_node(dataset: str, node: str, name: str, source_ref: str, source: str) -> Record:
    """The record of a graph file's node that no edge names (edge list with a names file,
    GML): the author alone on a self-tie, so that the isolated node is kept as an author."""
    return Record(
        title=None,
        authors=[RawAuthor(name=name, ids={"node": f"{dataset}:{node}"})],
        source_ref=source_ref,
        ids={"edge": f"{dataset}:{node}-{node}"},
        source=source,
        tie=1.0,
    )


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    return None


def decode_line(raw: bytes) -> tuple[str, bool]:
    """Decode one line as UTF-8, falling back to Windows-1252/Latin-1; say whether it fell back."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), True


def open_text(path: Path) -> LenientText:
    """Open a text file as a stream of ``str``: BOM-aware, gzip-aware, lenient per line.

    UTF-8 (with or without BOM) and UTF-16 (with BOM) are decoded as such; a UTF-8 file with
    stray Latin-1 bytes has those lines decoded as Windows-1252 instead of failing the whole
    file, and bytes that are not UTF-16 in a UTF-16 file become U+FFFD. Lines are at most
    ``MAX_LINE`` long.
    """
    binary = open_binary(path)
    try:
        head = binary.read(4)
    except READ_ERRORS:
        head = b""  # a damaged gzip stream: the reader meets the error on its first read
    enc = _bom_encoding(head)
    binary.close()
    binary = open_binary(path)
    if enc == "utf-16":
        return LenientText(binary, io.TextIOWrapper(binary, encoding=enc, errors="replace",
                                                    newline=""))
    if enc == "utf-8-sig":
        binary.read(len(codecs.BOM_UTF8))
    return LenientText(binary)


def _bounded_lines(readline: Callable[[int], AnyStr], newline: AnyStr) -> Iterator[AnyStr]:
    """Lines from ``readline(limit)``; one longer than ``MAX_LINE`` is cut there, the rest of
    it skipped, so that memory stays bounded however long a line is."""
    while line := readline(MAX_LINE):
        if len(line) >= MAX_LINE and not line.endswith(newline):
            while (rest := readline(MAX_LINE)) and not rest.endswith(newline):
                pass
            line += newline
        yield line


class LenientText:
    """Line-oriented text: UTF-8 per line with a cp1252 fallback, or a UTF-16 ``text`` stream.

    Every line is at most ``MAX_LINE`` characters long (see ``_bounded_lines``).
    """

    def __init__(self, binary: BinaryIO, text: io.TextIOWrapper | None = None) -> None:
        self._b = binary
        self._t = text
        self.fallback_lines = 0

    def __enter__(self) -> LenientText:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def readable(self) -> bool:
        return True

    def _lines(self) -> Iterator[str]:
        if self._t is not None:
            yield from _bounded_lines(self._t.readline, "\n")
            return
        for raw in _bounded_lines(self._b.readline, b"\n"):
            text, fell_back = decode_line(raw)
            self.fallback_lines += fell_back
            yield text

    def readline(self, size: int | None = -1) -> str:
        return next(self._lines(), "")

    def __iter__(self) -> Iterator[str]:
        return self._lines()

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def read(self, size: int | None = -1) -> str:
        """The rest of the text, or whole lines until at least ``size`` characters."""
        if size is None or size < 0:
            return "".join(self._lines())
        out: list[str] = []
        n = 0
        for line in self._lines():
            out.append(line)
            n += len(line)
            if n >= size:
                break
        return "".join(out)

    def close(self) -> None:
        if self._t is not None:
            self._t.close()
        self._b.close()


def read_text(path: Path, limit: int) -> str | None:
    """The whole (decompressed) text of a file, decoded as ``open_text`` does, or ``None`` when
    it is longer than ``limit`` bytes; at most ``limit + 1`` bytes are ever read."""
    with open_binary(path) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        return None
    enc = _bom_encoding(data[:4])
    if enc == "utf-16":
        return data.decode("utf-16", errors="replace")
    if enc == "utf-8-sig":
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return "".join(decode_line(line)[0] for line in data.splitlines(keepends=True))


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line number from 1, line without its newline)`` for a text file."""
    with open_text(path) as f:
        for n, line in enumerate(f, 1):
            yield n, line.rstrip("\r\n")
