"""Read dblp XML (the dump, extracts of it, person pages) with pyexpat: streaming and hostile-safe.

Safety: nothing is ever fetched (no network, no external DTD), and an ``<!ENTITY`` declaration in
the document's own DTD subset stops reading (that is how entity-expansion bombs and external entity
tricks are built; real dblp files never declare entities inline). The ISO-Latin entities that full
dblp dumps take from ``dblp.dtd`` (``&uuml;``, ``&eacute;`` …) are resolved from
``html.entities`` without loading the DTD: ``UseForeignDTD`` makes expat treat undefined entities
as *skipped* entities instead of errors, whether or not the file has a ``<!DOCTYPE … SYSTEM>``
line. A file that declares itself ``standalone="yes"`` and still uses such entities has the record
where expat first meets one reported as malformed (expat must reject it); the parser that resumes
after it does not see the declaration, so later records keep their entities.

Entities inside attribute values are dropped by expat (dblp attributes never contain any).
Records are built by the callbacks in ``dblp_records``. A malformed record, or a tag, attribute or
comment over ``MAX_TOKEN``, costs only itself: reading resumes at the next record (``_Stream``).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.parsers import expat

from graphsvc.model import Record, Skipped
from graphsvc.sources.base import READ_ERRORS, ReaderOptions, open_binary, source_name
from graphsvc.sources.dblp_records import (
    FORMAT,
    MAX_PIECES,
    RECORD_TAGS,
    TOO_LONG,
    Outer,
    Unclosed,
    install_handlers,
    too_long,
)
from graphsvc.sources.xmlscan import ByteWindow, record_start, token_terminator

__all__ = ["CHUNK_SIZE", "FORMAT", "MAX_TOKEN", "RECORD_TAGS", "read", "sniff"]

CHUNK_SIZE = 1 << 20
#: the most bytes expat may hold for one token (a tag with its attributes, a comment)
MAX_TOKEN = 16 << 20


class _TokenTooLarge(Exception):
    """Raised when expat buffers more than ``MAX_TOKEN`` bytes without an event."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class _EntityRefused(Exception):
    """Raised inside expat when the document declares an entity."""


def sniff(head: str, name: str) -> int:
    """Score how likely ``head``/``name`` is dblp XML (0 = not dblp)."""
    if "<dblp" in head or "<!DOCTYPE dblp" in head:  # a long DTD may push <dblp> out of head
        return 95
    if "dblp" in name and name.endswith(".xml"):
        return 70
    if head.lstrip().startswith("<") and re.search(r"<(?:article|inproceedings) [^>]*key=", head):
        return 40
    return 0


def _refuse_entity(name: str, is_parameter_entity: bool, *rest: object) -> None:
    kind = "parameter entity" if is_parameter_entity else "entity"
    raise _EntityRefused(f"the document declares {kind} {name!r}; entity declarations are refused")


def _load_nothing(
    context: str | None, base: str | None, system_id: str | None, public_id: str | None
) -> int:
    return 1  # "loaded": nothing is ever fetched


def _new_parser(encoding: str | None) -> Any:
    """An expat parser set up the safe way: no DTD is loaded, entity declarations are refused,
    undefined entities come to ``SkippedEntityHandler`` (resolved from ``html.entities``)."""
    parser = expat.ParserCreate(encoding)
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    parser.EntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _load_nothing
    parser.UseForeignDTD(True)
    return parser


def read(path: Path, options: ReaderOptions | None = None) -> Iterator[Record | Skipped]:
    """Stream the publication records of a dblp XML file (``.gz`` or plain).

    Yields a ``Record`` per paper; ``Skipped`` for ``www`` entries (``person-page`` for dblp
    homepages, ``web-page`` otherwise), for records without authors (``no-authors``, e.g.
    proceedings volumes with editors only), for a record with a field over the size bound
    (``field-too-large``), for malformed XML (``malformed-xml``: the broken record, or the
    place of the error between records) and for a tag, attribute or comment over ``MAX_TOKEN``
    (``too-large``). After either of the last two, reading goes on from the next record start
    tag with a fresh parser (see ``_Stream``). A refused entity declaration
    (``entity-declaration-refused``) or a read error (``read-error``) ends the file.
    """
    name = source_name(path)
    with open_binary(path) as f:
        yield from _Stream(name, f).items()


_RECORD_START = record_start(RECORD_TAGS)
_RECORD_START_OVERLAP = max(map(len, RECORD_TAGS)) + 1  # "<", the name, one more byte, minus 1
_NO_ELEMENTS = expat.errors.codes[expat.errors.XML_ERROR_NO_ELEMENTS]
#: bytes that may be parsed twice after errors, besides twice the bytes read: keeps the work
#: linear when every record of a hostile file opens a comment that never ends
REPARSE_ALLOWANCE = 64 << 20
_FIRST_PIECE = 1 << 12


class _Stream:
    """One pass over a dblp XML byte stream: a parser per stretch of well-formed records.

    expat cannot resume after an error, so after a malformed record or an oversize token the
    record is reported and a fresh parser (set up the same safe way) starts at the next record
    start tag found in the raw bytes (``xmlscan``), fed first the wrapper elements that were open
    when the first record began (``<dblp>``) so that the records after it parse as before.

    Where the search starts: after an oversize token, where the parser stopped (the token is
    never held; a comment is skipped to its end). After malformed XML, just after the last
    record start or end the parser saw, so that records swallowed by damage (an unclosed comment
    or CDATA section runs to the end of the file) are found again; the bytes parsed twice this
    way are bounded by ``REPARSE_ALLOWANCE`` plus twice the bytes read, past which the search
    starts where the parser stopped. Two chunks are held. Line numbers stay those of the file.
    """

    def __init__(self, name: str, f: Any) -> None:
        self.name = name
        self.win = ByteWindow(getattr(f, "read1", f.read), CHUNK_SIZE)
        self.out: list[Record | Skipped] = []
        self.buf: list[str] = []  # text of the field being read, in pieces of <= buffer_size
        self.outer = Outer()
        self.encoding: str | None = None  # from the XML declaration, for the fresh parsers
        #: the first bytes of the token expat had not finished when the last chunk was parsed
        self.tok_head = b""
        self.line_end = 1  # the line at the end of the bytes parsed
        self.reparsed = 0

    def _decl(self, version: str, encoding: str | None, standalone: int) -> None:
        self.encoding = encoding

    def items(self) -> Iterator[Record | Skipped]:
        """Every record and skip of the stream, in file order."""
        win = self.win
        try:
            data = win.advance(1)
        except READ_ERRORS as e:
            yield Skipped(f"{self.name}:1", "read-error", str(e))
            return
        # the raw-byte scan needs an ASCII-compatible encoding (dblp: ISO-8859-1 or UTF-8)
        resync = not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and (
            b"\x00" not in data[:4]
        )
        start, line, lo, prefix = 0, 1, 0, b""
        while True:
            parser = _new_parser(self.encoding if prefix else None)
            parser.XmlDeclHandler = self._decl
            self.outer.open.clear()
            self.outer.mark = -1
            self.buf.clear()
            open_record = install_handlers(
                parser, self.name, self.out, self.buf, line - 1, self.outer
            )
            base = start - len(prefix)  # the file offset of the parser's byte 0
            resume: tuple[int, int | None] | None = None  # where to search, and its line
            skip_to: bytes | None = None  # what must be passed first (the end of a comment)
            try:
                if prefix:
                    parser.Parse(prefix, False)
                yield from self._feed(parser, base, start, line - 1, data, lo)
                return
            except expat.ExpatError as e:
                p = base + parser.ErrorByteIndex
                p_line = e.lineno + line - 1
                rec = open_record()
                if prefix and rec is None and e.code == _NO_ELEMENTS and win.eof:
                    return  # a resumed parser ends with its wrapper open: nothing is lost
                msg = f"line {p_line}, column {e.offset}: {expat.ErrorString(e.code)}"
                if rec is None:
                    msg += self._near(p)
                failure = self._skip(rec, p_line, "malformed-xml", msg)
                if p >= start:  # else the error is in the wrapper: the parser cannot resume
                    resume = self._after_error(base, start, p, p_line)
            except Unclosed as e:
                failure = self._skip(
                    open_record(),
                    e.line,
                    "malformed-xml",
                    f"no end tag before the next record (line {e.line})",
                )
                resume = (base + e.index, e.line)
            except _TokenTooLarge as e:
                failure = self._skip(open_record(), e.line, "too-large", str(e))
                resume = (win.end, self.line_end)
                skip_to = token_terminator(self.tok_head)
            except _EntityRefused as e:
                line = parser.CurrentLineNumber + line - 1
                failure = self._skip(None, line, "entity-declaration-refused", str(e))
            except READ_ERRORS as e:  # truncated or corrupt gzip, I/O error
                failure = self._skip(None, self.line_end, "read-error", str(e))
            yield from self._flush()
            yield failure
            if resume is None or not resync:
                return
            try:
                found = self._next_record(*resume, skip_to)
            except READ_ERRORS as e:
                yield self._skip(None, win.cur_line, "read-error", str(e))
                return
            if found is None:
                return
            start, line, data, lo = found
            prefix = self._wrapper()

    def _after_error(self, base: int, start: int, p: int, p_line: int) -> tuple[int, int | None]:
        """Where to search for the next record after malformed XML at ``p`` (see the class)."""
        mark = self.outer.mark
        back = max(start + 1, base + mark + 1 if mark >= 0 else 0)
        stop = self.win.end if self.win.eof else p  # how far the failed parser read
        if back >= p:
            return max(p, start + 1), p_line if p > start else None
        cost = stop - back
        if self.reparsed + cost > REPARSE_ALLOWANCE + 2 * self.win.end:
            return stop, p_line if stop == p else None
        self.reparsed += cost
        between = self.win.count_lines(back, p)
        return back, None if between is None else p_line - between

    def _feed(
        self, parser: Any, base: int, start: int, line_off: int, data: bytes, lo: int
    ) -> Iterator[Record | Skipped]:
        """Parse ``data[lo:]`` (the stream's bytes from ``start``) and every later chunk.

        expat copies what it is given, so a fresh parser gets a small first piece: a file of
        bad records, each costing a parser, must not cost a copy of the chunk each.
        """
        win = self.win
        buf = self.buf
        data_start = start - lo  # the file offset of data[0]
        hi = min(len(data), lo + _FIRST_PIECE) if lo else len(data)
        tok_nl = 0  # line breaks from the start of the unfinished token to the end of the data
        while True:
            final = not data
            parser.Parse(data if lo == 0 and hi == len(data) else memoryview(data)[lo:hi], final)
            # expat's position is the start of the token it could not finish yet (or the end)
            tok = max(base + parser.CurrentByteIndex, start)
            end = data_start + hi
            if tok >= data_start + lo:
                k = tok - data_start
                tok_nl = data.count(b"\n", k, hi)
                self.tok_head = data[k : k + 64]
            else:
                tok_nl += data.count(b"\n", lo, hi)
            tok_line = parser.CurrentLineNumber + line_off
            self.line_end = tok_line + tok_nl
            if end - tok > MAX_TOKEN:
                # expat holds a whole tag, comment or attribute in memory until it ends
                head = " ".join(self.tok_head[:40].decode("utf-8", "replace").split())
                raise _TokenTooLarge(
                    f"line {tok_line}: one tag, attribute or comment runs over "
                    f"{MAX_TOKEN >> 20} MiB ({head}…)",
                    tok_line,
                )
            # a text node grows by at most a chunk per Parse: cut it once it is too long
            # (a 1 MB .gz can hold a 1 GiB title), and remember that it was cut
            if len(buf) > MAX_PIECES and too_long(buf):
                buf[:] = [TOO_LONG]
            yield from self._flush()
            if final:
                return
            if hi < len(data):
                lo, hi = hi, len(data)
            else:
                data = win.advance(self.line_end)
                data_start, lo, hi = win.cur_start, 0, len(data)

    def _near(self, p: int) -> str:
        """The line's text around ``p`` (40 bytes before, 8 after), to name what broke."""
        if not self.win.start <= p <= self.win.end:
            return ""
        if p >= self.win.cur_start:
            data, k = self.win.cur, p - self.win.cur_start
        else:
            data, k = self.win.prev, p - self.win.prev_start
        head = data[max(0, k - 40) : k + 8]
        head = head[head.rfind(b"\n", 0, k - max(0, k - 40)) + 1 :]
        text = " ".join(head.decode(self.encoding or "utf-8", "replace").split())
        return f" near {text!r}" if text else ""

    def _flush(self) -> Iterator[Record | Skipped]:
        if self.out:
            yield from self.out
            self.out.clear()

    def _skip(self, rec: tuple[str, str, int] | None, line: int, reason: str, why: str) -> Skipped:
        """The report of a failure: the record being read when there is one, else the line."""
        if rec is None:
            return Skipped(f"{self.name}:{line}", reason, why)
        tag, key, rec_line = rec
        return Skipped(f"{self.name}:{rec_line}", reason, f"{tag} {key}".rstrip() + f": {why}")

    def _next_record(
        self, pos: int, line: int | None, skip_to: bytes | None
    ) -> tuple[int, int, bytes, int] | None:
        """The next record start tag at or after ``pos`` (see ``ByteWindow.scan``)."""
        if skip_to is not None:
            past = self.win.skip_past(pos, skip_to)
            if past is None:
                return None
            pos, line = past, None
        return self.win.scan(pos, line, _RECORD_START, _RECORD_START_OVERLAP)

    def _wrapper(self) -> bytes:
        """Start tags of the elements that enclose records (``<dblp>``, or ``<dblpperson><r>``)."""
        names = self.outer.root or ["dblp"]
        if not all(n.isascii() and n.replace("-", "").replace("_", "").isalnum() for n in names):
            names = ["dblp"]
        return "".join(f"<{n}>" for n in names).encode("ascii")
