"""Shared plumbing for readers: opening (gzip-aware), decoding line by line, reader options."""

from __future__ import annotations

import codecs
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

GZIP_MAGIC = b"\x1f\x8b"


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
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


def read_head(path: Path, size: int = 8192) -> bytes:
    """First ``size`` bytes of the (decompressed) file, for format sniffing."""
    with open_binary(path) as f:
        return f.read(size)


def source_name(path: Path) -> str:
    """The name used in ``source_ref``: the file name without directories."""
    return path.name


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


def open_text(path: Path) -> io.TextIOWrapper | LenientText:
    """Open a text file as a stream of ``str``: BOM-aware, gzip-aware, lenient per line.

    UTF-8 and UTF-16 (with BOM) are decoded as such; a UTF-8 file with stray Latin-1 bytes has
    those lines decoded as Windows-1252 instead of failing the whole file.
    """
    binary = open_binary(path)
    head = binary.read(4)
    enc = _bom_encoding(head)
    if enc is None:
        binary.seek(0) if binary.seekable() else None
        if not binary.seekable():  # pragma: no cover - gzip files are seekable
            binary.close()
            binary = open_binary(path)
        return LenientText(binary)
    binary.close()
    binary = open_binary(path)
    return io.TextIOWrapper(binary, encoding=enc, newline="")


class LenientText:
    """Line-oriented text over bytes: UTF-8 per line with a cp1252 fallback."""

    def __init__(self, binary: BinaryIO) -> None:
        self._b = binary
        self.fallback_lines = 0

    def __enter__(self) -> LenientText:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def readable(self) -> bool:
        return True

    def readline(self, size: int | None = -1) -> str:
        raw = self._b.readline()
        text, fell_back = decode_line(raw)
        self.fallback_lines += fell_back
        return text

    def __iter__(self) -> Iterator[str]:
        for raw in self._b:
            text, fell_back = decode_line(raw)
            self.fallback_lines += fell_back
            yield text

    def __next__(self) -> str:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def read(self, size: int | None = -1) -> str:
        return "".join(iter(self))

    def close(self) -> None:
        self._b.close()


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Yield ``(line number from 1, line without its newline)`` for a text file."""
    with open_text(path) as f:
        for n, line in enumerate(f, 1):
            yield n, line.rstrip("\r\n")
