"""Raw-byte resynchronisation for the XML reader: after a parse error, find the next record start.

An XML parser cannot resume after an error, so a reader that wants the records after a broken
one starts a fresh parser at the next record start tag. This module finds that tag in the raw
byte stream, with memory bounded by two chunks, whatever lies in between (an oversize tag, an
unterminated comment, binary junk). It works on ASCII-compatible encodings (UTF-8, ISO-8859-1,
Windows-1252 …), which is what dblp XML uses; the reader does not resynchronise anything else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from graphsvc.sources.base import READ_ERRORS


def record_start(tags: Iterable[str]) -> re.Pattern[bytes]:
    """A pattern matching a start tag of one of ``tags`` (``<article`` then a space, ``>``, ``/``).

    Examples
    --------
    >>> p = record_start(["article", "data"])
    >>> [bool(p.search(s)) for s in (b'<article key="x">', b"<data>", b"<dataset>", b"</article>")]
    [True, True, False, False]
    """
    names = "|".join(sorted((re.escape(t) for t in tags), key=len, reverse=True))
    return re.compile(rb"<(?:" + names.encode("ascii") + rb")[\s/>]")


def token_terminator(head: bytes) -> bytes | None:
    """What ends the token that starts with ``head``, when a record start cannot occur inside it.

    A start tag needs nothing: ``<`` cannot occur in a tag or attribute value. A comment, CDATA
    section or processing instruction may hold ``<article`` as text, so it is skipped to its end.

    Examples
    --------
    >>> token_terminator(b"<!-- a comment"), token_terminator(b'<article key="k')
    (b'-->', None)
    """
    if head.startswith(b"<!--"):
        return b"-->"
    if head.startswith(b"<![CDATA["):
        return b"]]>"
    if head.startswith(b"<?"):
        return b"?>"
    return None


class ByteWindow:
    """A binary stream read in chunks, keeping the last two with their offsets and first lines.

    ``line`` numbers are 1-based; the reader that parses a chunk tells ``advance`` the line at
    its end (the parser counts lines anyway), and ``scan`` counts the lines it skips itself.
    """

    def __init__(self, read_chunk: Callable[[int], bytes], size: int) -> None:
        self._read = read_chunk
        self._size = size
        self.prev = b""
        self.prev_start = 0
        self.prev_line = 1
        self.cur = b""
        self.cur_start = 0
        self.cur_line = 1
        self.eof = False
        self._error: BaseException | None = None  # met after bytes that were still delivered

    @property
    def start(self) -> int:
        """The offset of the oldest byte still held."""
        return self.prev_start

    @property
    def end(self) -> int:
        """The offset just past the last byte read."""
        return self.cur_start + len(self.cur)

    def advance(self, line_at_end: int) -> bytes:
        """Read the next chunk (``b""`` at the end of the stream, which keeps the last two
        held); ``line_at_end``: the line at the end of the current one, where the next begins."""
        chunk = self._fill()
        if not chunk:  # the last chunks stay held
            self.eof = True
            return chunk
        self.prev, self.prev_start, self.prev_line = self.cur, self.cur_start, self.cur_line
        self.cur, self.cur_start, self.cur_line = chunk, self.end, line_at_end
        return chunk

    def _fill(self) -> bytes:
        """At least ``size`` bytes unless the stream ends (gzip's ``read1`` gives ~40 KiB at a
        time); a read error after some bytes is raised on the next call, so no byte is lost."""
        if self._error is not None:
            raise self._error
        pieces: list[bytes] = []
        n = 0
        while n < self._size:
            try:
                piece = self._read(self._size - n)
            except READ_ERRORS as e:
                if not pieces:
                    raise
                self._error = e
                break
            if not piece:
                break
            pieces.append(piece)
            n += len(piece)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def count_lines(self, a: int, b: int) -> int | None:
        """Line breaks in the held bytes ``[a, b)``; ``None`` when ``a`` is no longer held."""
        if a < self.prev_start or b > self.end or a > b:
            return None
        n = 0
        if a < self.cur_start:
            n = self.prev.count(
                b"\n", a - self.prev_start, min(b, self.cur_start) - self.prev_start
            )
            a = self.cur_start
        if b > a:
            n += self.cur.count(b"\n", a - self.cur_start, b - self.cur_start)
        return n

    def scan(
        self, pos: int, line: int | None, pattern: re.Pattern[bytes], overlap: int
    ) -> tuple[int, int, bytes, int] | None:
        """The first match of ``pattern`` at or after ``pos`` (whose line is ``line``, if known),
        reading on as far as needed; ``None`` at the end of the stream.

        Returns the match's offset and line, and where the bytes from it are: ``data[k:]``, to
        be followed by the chunks ``advance`` reads next. No held chunk is copied unless the
        match lies in the older one or across the boundary. ``overlap``: the longest match
        minus one, kept between chunks so that a match split by a chunk boundary is found.
        """
        if pos < self.prev_start:
            pos, line = self.prev_start, None
        in_prev = pos < self.cur_start
        tail = b""  # the end of the previous segment, for matches across the boundary
        while True:
            if in_prev:
                data, start, first = self.prev, self.prev_start, self.prev_line
            else:
                data, start, first = self.cur, self.cur_start, self.cur_line
            lo = max(pos - start, 0)
            if line is None or lo == 0:
                line, known = first, 0
            else:
                known = lo
            if tail:
                m = pattern.search(tail + data[:overlap])
                if m is not None and m.start() < len(tail):
                    rest = tail[m.start() :]
                    found_at = start - len(rest)
                    return found_at, first - rest.count(b"\n"), rest + data, 0
            m = pattern.search(data, lo)
            if m is not None:
                k = m.start()
                found = line + data.count(b"\n", known, k)
                if in_prev:
                    return start + k, found, data[k:] + self.cur, 0
                return start + k, found, data, k
            tail = data[max(lo, len(data) - overlap) :]
            line = None
            if in_prev:
                in_prev = False
                continue
            if not self.advance(self.cur_line + self.cur.count(b"\n")):
                return None

    def skip_past(self, pos: int, terminator: bytes) -> int | None:
        """The offset just past the first ``terminator`` at or after ``pos``."""
        found = self.scan(pos, None, re.compile(re.escape(terminator)), len(terminator) - 1)
        return None if found is None else found[0] + len(terminator)
