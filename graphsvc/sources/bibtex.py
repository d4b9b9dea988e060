"""Read BibTeX / BibLaTeX files entry by entry: @string macros, crossref, brace-aware author lists.

No third-party parser: a file is read in blocks of lines and cut into entries (brace
counting, as BibTeX itself does), each entry is parsed with a few regular expressions, and
nothing but the current block is held in memory, apart from ``crossref`` parents and children.

Reading takes two passes over the file(s). The first collects ``@string`` definitions and
the keys that ``crossref`` fields point to, so that macros defined in a later file
(``strings.bib`` given after ``papers.bib``) still resolve and only real parents are kept
in memory (inputs under ``KEEP_CHARS`` are decoded once and kept for the second pass). The
second yields records; a child whose parent comes later is held back until the parent is
read (or the input ends, then it is yielded without inherited fields).

What a record takes from an entry:

- ``author`` split on top-level ``and`` (any case, brace-aware); ``others`` is dropped;
  a fully braced ``{Barnes and Noble, Inc.}`` stays one author. Names are kept raw
  (TeX and braces included, whitespace collapsed): ``graphsvc.names`` parses them.
- editors are not authors: an entry with editors only, or a ``@proceedings`` /
  ``@collection`` volume, is skipped as ``no-authors``.
- ``title`` and venue (``journal``, ``journaltitle`` or ``booktitle``) TeX-decoded, braces
  removed, whitespace collapsed; ``year`` (or the year of a BibLaTeX ``date``; a year that
  is not a number gives ``None``, the record is kept); ``doi``; ids ``arxiv`` (``eprint``
  with ``archiveprefix``/``eprinttype`` arXiv) and ``dblp`` (``DBLP:`` keys, dblp ``biburl``).

Bad entries become ``Skipped`` with a stable reason: ``unbalanced-braces`` (reading resumes
at the next line starting with ``@``), ``syntax-error``, ``entry-too-large``, ``no-authors``.
Damage outside the author list (a brace missing or one too many in ``publisher``) keeps the
entry: its fields are read line by line, the damaged one is lost, and a ``damaged-field``
warning names it;
a damaged ``.gz`` ends its file with ``read-error`` after the entries read before the damage.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from graphsvc.model import RawAuthor, Record, Skipped
from graphsvc.names.tex import decode_tex
from graphsvc.sources.base import (
    DAMAGED,
    MAX_LINE,
    ReaderOptions,
    decode_line,
    open_binary,
    open_text,
    source_name,
)
from graphsvc.sources.ids import arxiv_id, find_year, normalise_doi

FORMAT = "bibtex"

#: an entry is never larger than this (a runaway unclosed brace is caught well before)
MAX_ENTRY_CHARS = 4_000_000
#: the longest value a field or an ``@string`` macro may have once its macros are expanded
#: (``@string{b = a # a}``, ``@string{c = b # b}`` … doubles at each level: 40 levels of a
#: 1 KB file would want a terabyte)
MAX_VALUE_CHARS = 1 << 20
#: all ``@string`` macros of one read together
MAX_MACRO_CHARS = 16 << 20
#: keys remembered per file to give a reused key's entry a line-based ``source_ref``
MAX_TRACKED_KEYS = 2_000_000
#: characters read at a time
BLOCK_CHARS = 1 << 20
#: inputs up to this many characters in all are decoded once for both passes
KEEP_CHARS = 32 << 20

#: the month macros every BibTeX style predefines
MONTHS = {
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May",
    "jun": "June", "jul": "July", "aug": "August", "sep": "September", "oct": "October",
    "nov": "November", "dec": "December",
}
#: entry types that are volumes: their editors are not authors of anything
VOLUME_TYPES = frozenset(
    {"proceedings", "mvproceedings", "collection", "mvcollection", "periodical"}
)
#: entry types that are not publications at all
IGNORED_TYPES = frozenset({"comment", "preamble"})
#: fields a crossref child never takes from its parent: they describe the parent itself
NOT_INHERITED = frozenset(
    {"author", "title", "doi", "url", "eprint", "eprinttype", "archiveprefix", "biburl",
     "bibsource", "crossref", "ids", "pages", "abstract", "keywords", "file", "timestamp",
     "isbn", "issn", "note", "shorttitle", "subtitle", "titleaddon"}
)

_HEAD = re.compile(r"@\s*([A-Za-z][\w-]*)\s*([{(])")
#: an entry starts at the start of a line, or right after the previous entry's end
_START = re.compile(r"(?m)(?:^|(?<=[})]))[ \t]*@[ \t]*([A-Za-z][\w-]*)\s*([{(])")
#: an entry header cut short at the end of a block
_HEAD_TAIL = re.compile(r"(?m)^[ \t]*@[ \t]*[A-Za-z][\w-]*\s*\Z")
#: a line that starts an entry: an unfinished entry before it lost a closing brace
_RESYNC = re.compile(r"\n[ \t]*@[ \t]*[A-Za-z][\w-]*[ \t]*[{(]")
#: between entries, text like ``author = {...}``: the entry before ended too early
_JUNK = re.compile(r"(?m)^[ \t,]*[A-Za-z][\w-]*[ \t]*=[ \t]*[{\"\w]")
_BRACES = re.compile(r"[{}]")
_PAREN_SCAN = re.compile(r'[{}()"]')
_QUOTE_SCAN = re.compile(r'[{}"]')
_KEY = re.compile(r"\s*([^,\s=]+)\s*(?:,|$)")
#: separators and ``%`` comments before a field name are possessive: a comment always runs to
#: the end of its line, and backtracking into a run of ``%%%%`` would take exponential time
_FIELD = re.compile(r"(?:\s|,|%[^\n]*+)*+([^\s=,{}\"#%()]+)\s*=\s*")
_TAIL = re.compile(r"(?:\s|,|%[^\n]*+)*+")
#: ``name = {value}`` (braces nested up to three deep), ``name = "value"`` or ``name = word``,
#: followed by a comma or the end; anything else (``#`` concatenation …) takes the slow path
_FAST_FIELD = re.compile(
    r"(?:\s|,)*+([^\s=,{}\"#%()]++)\s*+=\s*+"
    r"(?:\{((?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+)\}"
    r"|\"([^\"{}]*+)\"|([^\s,#{}\"=()%]++))\s*+(?:,|\Z)"
)
_MACRO = re.compile(r"[^\s,#{}\"=()%]+")
_WS = re.compile(r"\s*")
#: "and" between whitespace; the space after it is left to the next name, so that "A and and B"
#: splits twice (an empty name between, as in BibTeX). A search starts only where a whitespace
#: run starts (the look-behind): a long run of spaces would otherwise cost quadratic time.
_AND = re.compile(r"[{}]|(?<!\s)\s+and(?=\s)", re.IGNORECASE)
_AND_PLAIN = re.compile(r"(?<!\s)\s+and(?=\s)", re.IGNORECASE)
_KEY_OF = re.compile(r"\s*@\s*[A-Za-z][\w-]*\s*[{(]\s*([^,\s={}]+)\s*,")
_TEX_MATH = re.compile(r"(?<!\\)\$([^$]*)(?<!\\)\$")
#: on lower-cased text: an ``@string`` entry, a ``crossref`` field
_STRING_AT = re.compile(r"@[ \t]*string[ \t]*([{(])")
_CROSSREF = re.compile(r"crossref\s*=\s*+[{\"]?\s*+([^,}\"\s]+)")
_DBLP_URL = re.compile(r"dblp[\w.\-]*/rec/(?:bib(?:tex)?\d?/)?([\w\-/.]+?)(?:\.bib)?\s*$")


def sniff(head: str, name: str) -> int:
    """Score how likely ``head``/``name`` is BibTeX (0 = not BibTeX).

    Examples
    --------
    >>> sniff("% my refs\\n@Article{key1,\\n  title = {A}}", "refs.txt")
    90
    >>> sniff("", "refs.bib"), sniff("name,email\\nA,a@example.org", "people.csv")
    (80, 0)
    """
    if _SNIFF.search(head):
        return 90
    if name.endswith((".bib", ".bibtex", ".biblatex")):
        return 80
    return 0


#: an entry header at the start of a line: ``@type{key,`` or ``@string(`` …
_SNIFF = re.compile(r"(?m)^[ \t]*@[ \t]*[A-Za-z]\w*[ \t]*[{(]")


def read(path: Path, options: ReaderOptions | None = None) -> Iterator[Record | Skipped]:
    """Stream the records of one BibTeX file (macros and crossref parents from that file only).

    Examples
    --------
    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> p = Path(d, "x.bib")
    >>> _ = p.write_text('@string{acm = "ACM"}\\n@article{k1, author = {Doe, J. and others},'
    ...                  ' title = {On {TeX}}, journal = "J. " # acm, year = 2001}\\n')
    >>> [(r.title, [a.name for a in r.authors], r.venue, r.year, r.source_ref) for r in read(p)]
    [('On TeX', ['Doe, J.'], 'J. ACM', 2001, 'x.bib#k1')]
    """
    return read_many([path], options)


def read_many(
    paths: Sequence[Path], options: ReaderOptions | None = None
) -> Iterator[Record | Skipped]:
    """Stream the records of several BibTeX files read as one database.

    ``@string`` macros and ``crossref`` parents resolve across all the files, in any order
    (``papers.bib``, ``defs.bib``, ``strings.bib``). Each item's ``source_ref`` names the
    file it came from. ``options`` is accepted for the common reader signature; BibTeX has
    no options.
    """
    strings = _Macros(MONTHS)
    targets: set[str] = set()
    errors: dict[Path, str] = {}
    # small inputs are decoded once and kept for the second pass; large ones are read twice
    kept: list[list[str]] | None = []
    budget = KEEP_CHARS
    for path in paths:
        blocks: list[str] | None = [] if kept is not None else None
        for block in _prescan(path, strings, targets, errors):
            if blocks is not None:
                budget -= len(block)
                blocks.append(block)
                if budget < 0:
                    blocks = kept = None
        if kept is not None and blocks is not None:
            kept.append(blocks)
    sources = kept if kept is not None else [_blocks(p, errors) for p in paths]
    yield from _Reader(strings, targets, errors).run(list(zip(paths, sources, strict=True)))


# -- cutting a file into entries ---------------------------------------------------------------


@dataclass(slots=True)
class _Chunk:
    """The text of one entry, from ``@`` to its closing delimiter, or why it has none."""

    line: int
    kind: str
    text: str
    problem: str = ""
    detail: str = ""
    #: a damaged entry's text up to where reading resumes, for ``_salvage``
    full: str = ""


def _read_lines(f: BinaryIO, size: int) -> tuple[bytes, str | None]:
    """About ``size`` bytes of whole lines; on damaged data, the bytes before it and why."""
    got: list[bytes] = []
    n = 0
    read = getattr(f, "read1", f.read)  # one gzip member read at a time: little is lost
    try:
        while n < size:
            chunk = read(size - n)
            if not chunk:
                break
            got.append(chunk)
            n += len(chunk)
        if got and not got[-1].endswith(b"\n"):
            got.append(f.readline(MAX_LINE))  # bounded: a huge line ends up entry-too-large
    except DAMAGED as exc:
        return b"".join(got), str(exc) or type(exc).__name__
    return b"".join(got), None


def _blocks(path: Path, errors: dict[Path, str] | None = None) -> Iterator[str]:
    """The decoded text of ``path`` in blocks of whole lines, line ends made LF.

    UTF-8 with a per-line Windows-1252 fallback (as ``sources.base``), UTF-16 with a BOM,
    gzip looked through. Damaged gzip data ends the blocks; why goes to ``errors[path]``.
    """
    with open_binary(path) as raw:
        try:
            bom = raw.read(4)
        except DAMAGED:
            bom = b""  # met again, and reported, by the read below
    damage: str | None = None
    if bom.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        with open_text(path) as text:
            try:
                while block := text.read(BLOCK_CHARS):
                    block += text.readline()
                    yield block.replace("\r\n", "\n").replace("\r", "\n")
            except DAMAGED as exc:
                damage = str(exc) or type(exc).__name__
        if damage is not None and errors is not None:
            errors[path] = damage
        return
    with open_binary(path) as f:
        first = True
        while True:
            data, damage = _read_lines(f, BLOCK_CHARS)
            if damage is not None and errors is not None:
                errors[path] = damage
            if not data:
                break
            try:
                block = data.decode("utf-8")
            except UnicodeDecodeError:
                block = "".join(decode_line(line)[0] for line in data.splitlines(keepends=True))
            if first:
                block = block.removeprefix("\ufeff")
                first = False
            if "\r" in block:
                block = block.replace("\r\n", "\n").replace("\r", "\n")
            yield block
            if damage is not None:
                break


def _find_end(text: str, pos: int, limit: int, paren: bool) -> int:
    """End (exclusive) of the entry whose body starts at ``text[pos]``, searching before
    ``limit``; -1 if it does not end there.

    ``{}`` entries count every brace, as BibTeX does; ``()`` entries end at a ``)`` outside
    braces and quotes.
    """
    depth = 0 if paren else 1
    if paren:
        in_quote = False
        for m in _PAREN_SCAN.finditer(text, pos, limit):
            c = m.group()
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif depth == 0 and c == '"':
                in_quote = not in_quote
            elif depth == 0 and not in_quote and c == ")":
                return m.end()
        return -1
    # from one "}" to the next the depth only grows, so it can only reach 0 at a "}"
    find, count = text.find, text.count
    i = pos
    while True:
        j = find("}", i, limit)
        if j < 0:
            return -1
        depth += count("{", i, j) - 1
        if depth == 0:
            return j + 1
        i = j + 1


def _chunks(blocks: Iterable[str]) -> Iterator[_Chunk]:
    """Cut a file's text into entries.

    An entry starts with ``@type{`` or ``@type(`` at the start of a line (or right after the
    previous entry). Text between entries is a comment, as in BibTeX; so are lines starting
    with ``%``. A line starting with ``@type{`` inside an unfinished entry means that entry
    lost a ``}``: it is reported and reading resumes there. Text after an entry that looks
    like ``field = value`` means an extra ``}`` closed the entry early: the entry is held back
    one step so that it can be reported instead of silently losing its remaining fields.
    """
    it = iter(blocks)
    buf = ""
    pos = 0
    # line counting cursor: buf[count_pos] is on line count_line
    count_pos, count_line = 0, 1
    pending: _Chunk | None = None
    while True:
        m = _START.search(buf, pos)
        if m is None:
            if pending is not None and not pending.problem and _cut_short(buf[pos:]):
                pending.problem, pending.detail = _EXTRA_BRACE, _extra_detail(pending)
                pending.full = (pending.text + buf[pos:])[:MAX_ENTRY_CHARS]
            # keep a last line like "@article" whose "{" is on the next line
            tail = _HEAD_TAIL.search(buf, pos)
            keep = tail.start() if tail else len(buf)
            count_line += buf.count("\n", count_pos, keep)
            block = next(it, None)
            if block is None:
                break
            buf, pos, count_pos = buf[keep:] + block, 0, 0
            continue
        start = m.start()
        if pending is not None:
            if not pending.problem and _cut_short(buf[pos:start]):
                pending.problem, pending.detail = _EXTRA_BRACE, _extra_detail(pending)
                pending.full = (pending.text + buf[pos:start])[:MAX_ENTRY_CHARS]
            yield pending
            pending = None
        count_line += buf.count("\n", count_pos, start)
        count_pos = start
        kind = m.group(1).lower()
        nxt = _RESYNC.search(buf, m.end())
        limit = nxt.start() + 1 if nxt else len(buf)
        end = _find_end(buf, m.end(), limit, m.group(2) == "(")
        if end > start + MAX_ENTRY_CHARS:  # closed, but too large all the same (one long line)
            pending = _Chunk(
                count_line, kind, buf[start : start + 200], "entry-too-large",
                f"entry on line {count_line} runs over {MAX_ENTRY_CHARS} characters",
            )
            pos = end
            continue
        if end >= 0:
            pending = _Chunk(count_line, kind, buf[start:end].lstrip(" \t"))
            pos = end
            continue
        if nxt is not None:
            pending = _Chunk(
                count_line, kind, buf[start : start + 200], "unbalanced-braces",
                f"entry on line {count_line} is not closed before the next entry",
                buf[start:limit][:MAX_ENTRY_CHARS],
            )
            pos = limit
            continue
        if len(buf) - start > MAX_ENTRY_CHARS:
            pending = _Chunk(
                count_line, kind, buf[start : start + 200], "entry-too-large",
                f"entry on line {count_line} runs over {MAX_ENTRY_CHARS} characters",
            )
            count_line += buf.count("\n", count_pos)
            buf, pos, count_pos = "", 0, 0
            continue
        block = next(it, None)
        if block is None:
            pending = _Chunk(
                count_line, kind, buf[start : start + 200], "unbalanced-braces",
                f"entry on line {count_line} is not closed at the end of the file",
                buf[start:][:MAX_ENTRY_CHARS],
            )
            break
        buf = buf[start:] + block
        pos = count_pos = 0
    if pending is not None:
        yield pending


_EXTRA_BRACE = "unbalanced-braces"


def _cut_short(between: str) -> bool:
    """Whether the text after an entry shows that an extra ``}`` ended it early: it holds
    ``field = value`` and a ``}`` that closes nothing opened after the entry (a damaged entry
    whose ``@`` was lost is balanced text between two entries, a comment to BibTeX)."""
    if not _JUNK.search(between):
        return False
    depth = 0
    for m in _BRACES.finditer(between):
        depth += 1 if m.group() == "{" else -1
        if depth < 0:
            return True
    return False


def _extra_detail(chunk: _Chunk) -> str:
    return f"an extra '}}' ends the entry on line {chunk.line} before its last fields"


# -- parsing one entry -------------------------------------------------------------------------


class _BadEntry(Exception):
    """An entry that cannot be parsed: ``args = (reason, detail)``."""


def _skip(pattern: re.Pattern[str], s: str, i: int) -> int:
    """End of the (possibly empty) match of ``pattern`` at ``s[i]``."""
    m = pattern.match(s, i)
    return m.end() if m else i


def _close_brace(s: str, i: int) -> int:
    """Index of the ``}`` matching the ``{`` at ``s[i]``, or -1."""
    j = s.find("}", i + 1)
    if j < 0:
        return -1
    if s.find("{", i + 1, j) < 0:
        return j
    depth = 0
    for m in _BRACES.finditer(s, i):
        if m.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def _close_quote(s: str, i: int) -> int:
    """Index of the ``"`` ending the quoted value opened at ``s[i]`` (outside braces), or -1."""
    j = s.find('"', i + 1)
    if j < 0:
        return -1
    if s.find("{", i + 1, j) < 0:
        return j
    depth = 0
    for m in _QUOTE_SCAN.finditer(s, i + 1):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0:
            return m.start()
    return -1


class _Macros(dict[str, str]):
    """``@string`` macros by lower-cased name, with the characters they hold in all."""

    size = 0


def _value(body: str, i: int, strings: dict[str, str]) -> tuple[str, int]:
    """Parse the value starting at ``body[i]`` (parts joined by ``#``); return it and the end.

    A value longer than ``MAX_VALUE_CHARS`` once its macros are expanded is refused before it
    is built.
    """
    parts: list[str] = []
    size = 0
    n = len(body)
    while True:
        i = _skip(_WS, body, i)
        if i >= n:
            raise _BadEntry("syntax-error", "a field has no value")
        c = body[i]
        if c == "{":
            j = _close_brace(body, i)
            if j < 0:
                raise _BadEntry("unbalanced-braces", "a braced value is not closed")
            parts.append(body[i + 1 : j])
            i = j + 1
        elif c == '"':
            j = _close_quote(body, i)
            if j < 0:
                raise _BadEntry("syntax-error", "a quoted value is not closed")
            parts.append(body[i + 1 : j])
            i = j + 1
        else:
            m = _MACRO.match(body, i)
            if m is None:
                raise _BadEntry("syntax-error", f"unexpected {c!r} where a value should be")
            word = m.group()
            # an undefined macro is empty, as in BibTeX (which only warns)
            parts.append(word if word.isdigit() else strings.get(word.lower(), ""))
            i = m.end()
        size += len(parts[-1])
        if size > MAX_VALUE_CHARS:
            raise _BadEntry(
                "value-too-large",
                f"a value grows past {MAX_VALUE_CHARS} characters when its macros are expanded",
            )
        i = _skip(_WS, body, i)
        if i < n and body[i] == "#":
            i += 1
            continue
        return "".join(parts) if len(parts) > 1 else parts[0], i


def _fields(body: str, i: int, strings: dict[str, str]) -> dict[str, str]:
    """Parse ``name = value`` pairs from ``body[i:]``; field names are lower-cased.

    A missing comma between two fields is forgiven; anything else unexpected is an error.
    """
    out: dict[str, str] = {}
    n = len(body)
    built = 0  # characters of values joined from several parts (the others are shared)
    fast = _FAST_FIELD.match
    while True:
        f = fast(body, i)
        if f is not None:
            # the common case in one regex: a braced/quoted value or a bare word, then a comma
            g = f.lastindex
            if g == 4:
                word = f.group(4)
                value = word if word.isdigit() else strings.get(word.lower(), "")
            else:
                value = f.group(g)  # type: ignore[arg-type]
            out.setdefault(f.group(1).lower(), value)
            i = f.end()
            continue
        m = _FIELD.match(body, i)
        if m is None:
            i = _skip(_TAIL, body, i)
            if i >= n:
                return out
            snippet = body[i : i + 30].split("\n", 1)[0]
            raise _BadEntry("syntax-error", f"expected 'field = value' at {snippet!r}")
        name = m.group(1).lower()
        value, i = _value(body, m.end(), strings)
        built += len(value)
        if built > MAX_ENTRY_CHARS:
            raise _BadEntry(
                "entry-too-large",
                f"its values grow past {MAX_ENTRY_CHARS} characters when macros are expanded",
            )
        # BibTeX keeps the first of two equal fields (and warns)
        out.setdefault(name, value)
        if i < n and body[i] not in ",%" and not body[i].isspace():
            m2 = _FIELD.match(body, i)
            if m2 is None:
                snippet = body[i : i + 30].split("\n", 1)[0]
                raise _BadEntry(
                    "syntax-error", f"unexpected text after field {name!r}: {snippet!r}"
                )


def _parse(text: str, strings: dict[str, str]) -> tuple[str, str, dict[str, str]]:
    """``(type, key, fields)`` of one entry's text (``@type{key, ...}``)."""
    m = _HEAD.match(text)
    if m is None:  # pragma: no cover - chunks always start with a header
        raise _BadEntry("syntax-error", "not an entry")
    kind = m.group(1).lower()
    body = text[m.end() : -1]
    key = ""
    i = 0
    km = _KEY.match(body)
    if km is not None:
        key, i = km.group(1), km.end()
    return kind, key, _fields(body, i, strings)


#: a field name at the start of a line (a damaged entry's fields are found line by line)
_LINE_FIELD = re.compile(r"(?m)^[ \t,]*([A-Za-z][\w-]*)[ \t]*=[ \t]*")
#: what may follow a sound value in its stretch of a damaged entry (a stray ``}`` included)
_VALUE_REST = re.compile(r"[\s,})]*")


def _salvage(
    text: str, strings: dict[str, str]
) -> tuple[str, str, dict[str, str], list[str]] | None:
    r"""``(type, key, fields, lost)`` of a damaged entry (a brace missing or one too many):
    its fields are found at line starts and parsed one by one, so a damaged ``publisher``
    loses only itself (its name is in ``lost``). None when the authors cannot be read: then
    the entry is lost as a whole.

    Examples
    --------
    >>> t = "@book{k,\n author = {Doe, J.},\n publisher = {Springer,\n year = 2001\n"
    >>> _salvage(t, {})
    ('book', 'k', {'author': 'Doe, J.', 'year': '2001'}, ['publisher'])
    """
    m = _HEAD.match(text)
    if m is None:
        return None
    kind = m.group(1).lower()
    km = _KEY.match(text, m.end())
    key = km.group(1) if km is not None and "=" not in km.group(1) else ""
    starts = list(_LINE_FIELD.finditer(text, m.end()))
    fields: dict[str, str] = {}
    lost: list[str] = []
    for n, f in enumerate(starts):
        name = f.group(1).lower()
        end = starts[n + 1].start() if n + 1 < len(starts) else len(text)
        stretch = text[f.end() : end]
        try:
            value, i = _value(stretch, 0, strings)
        except _BadEntry:
            lost.append(name)
            continue
        if _VALUE_REST.match(stretch, i).end() != len(stretch):  # type: ignore[union-attr]
            lost.append(name)
            continue
        fields.setdefault(name, value)
    if "author" not in fields or not split_authors(fields["author"]):
        return None
    return kind, key, fields, lost


def _define_strings(text: str, strings: dict[str, str]) -> None:
    m = _HEAD.match(text)
    if m is None:  # pragma: no cover - chunks always start with a header
        return
    size = getattr(strings, "size", 0)
    for name, value in _fields(text[m.end() : -1], 0, strings).items():
        size += len(value) - len(strings.get(name, ""))
        if size > MAX_MACRO_CHARS:
            raise _BadEntry(
                "value-too-large", f"@string macros hold over {MAX_MACRO_CHARS} characters"
            )
        strings[name] = value
    if isinstance(strings, _Macros):
        strings.size = size


# -- turning fields into a record ----------------------------------------------------------------


def split_authors(value: str) -> list[str]:
    """Split a BibTeX name list on top-level ``and``; drop ``others``; keep names raw.

    Examples
    --------
    >>> split_authors("Gowda, Thamme  and\\n  May, Jonathan AND others")
    ['Gowda, Thamme', 'May, Jonathan']
    >>> split_authors("{Barnes and Noble, Inc.} and J. {van den} Berg")
    ['{Barnes and Noble, Inc.}', 'J. {van den} Berg']
    """
    if "{" in value:
        names: list[str] = []
        depth = 0
        start = 0
        for m in _AND.finditer(value):
            c = m.group()
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif depth == 0:
                names.append(value[start : m.start()])
                start = m.end()
        names.append(value[start:])
    else:
        names = _AND_PLAIN.split(value)
    out = []
    for name in names:
        name = " ".join(name.split())
        if name and name.lower() != "others":
            out.append(name)
    return out


def clean_text(value: str | None) -> str | None:
    """A title or venue for display: TeX decoded, braces removed, whitespace collapsed.

    Examples
    --------
    >>> clean_text("Ge Doping of {{GaN}} beyond the {{Mott}} Transition")
    'Ge Doping of GaN beyond the Mott Transition'
    >>> clean_text("  {Schr{\\\\\\"o}dinger's} cat ") , clean_text(" {} ")
    ("Schrödinger's cat", None)
    """
    if value is None:
        return None
    if "\\" in value or "$" in value or "~" in value or "--" in value:
        if "$" in value:
            # sub- and superscripts read inline, as dblp prints them: Cu$_2$O is Cu2O
            value = _TEX_MATH.sub(_inline_math, value)
        text = decode_tex(value).replace("{", "").replace("}", "")
    else:
        # braces are the only markup: what decode_tex would give, without its char loop
        text = value.replace("{", "").replace("}", "")
        if not text.isascii():
            text = unicodedata.normalize("NFC", text)
    return " ".join(text.split()) or None


def _inline_math(m: re.Match[str]) -> str:
    return m.group(1).replace("_", "").replace("^", "")


def _doi(value: str | None) -> str | None:
    if not value:
        return None
    text = value.replace("\\_", "_").replace("\\%", "%").replace("{", "").replace("}", "")
    doi = normalise_doi(text)
    if doi is None:
        for token in text.split():
            if "10." in token:
                doi = normalise_doi(token)
                if doi:
                    break
    return doi


def _ids(key: str, fields: dict[str, str]) -> dict[str, str]:
    ids: dict[str, str] = {}
    eprint = fields.get("eprint")
    if eprint:
        archive = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
        if archive.strip("{}") == "arxiv" or eprint.strip().lower().startswith("arxiv:"):
            aid = arxiv_id(eprint.strip().strip("{}"))
            if aid:
                ids["arxiv"] = aid
    if key[:5].lower() == "dblp:" and len(key) > 5:
        ids["dblp"] = key[5:]
    else:
        biburl = fields.get("biburl", "")
        # a dblp URL is short: the bound keeps the search linear on a hostile 10 MB field
        m = _DBLP_URL.search(biburl) if len(biburl) <= 1000 else None
        if m:
            ids["dblp"] = m.group(1)
    return ids


def _build(kind: str, key: str, fields: dict[str, str], ref: str) -> Record | Skipped:
    names = split_authors(fields["author"]) if "author" in fields else []
    if not names:
        if kind in VOLUME_TYPES:
            detail = f"@{kind} is a volume; its editors are not authors"
        elif fields.get("editor", "").strip():
            detail = "editors only; editors are not authors"
        elif "author" in fields:
            detail = "the author field names nobody"
        else:
            detail = "no author field"
        return Skipped(ref, "no-authors", detail)
    year = find_year(fields["year"]) if "year" in fields else None
    if year is None and "date" in fields:
        year = find_year(fields["date"])
    venue = fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle")
    return Record(
        title=clean_text(fields.get("title")),
        authors=[RawAuthor(name) for name in names],
        source_ref=ref,
        year=year,
        venue=clean_text(venue),
        doi=_doi(fields.get("doi")),
        ids=_ids(key, fields),
        source=FORMAT,
    )


def _inherit(child: dict[str, str], parent_kind: str, parent: dict[str, str]) -> dict[str, str]:
    """The child's fields completed from its crossref parent (the child's own fields win)."""
    merged = {k: v for k, v in parent.items() if k not in NOT_INHERITED}
    merged.update(child)
    # BibLaTeX: a volume's title is the booktitle of what it contains
    if "title" in parent and "booktitle" not in merged and parent_kind not in ("article",):
        merged["booktitle"] = parent["title"]
    return merged


# -- the two passes --------------------------------------------------------------------------------


def _prescan(
    path: Path, strings: dict[str, str], targets: set[str], errors: dict[Path, str]
) -> Iterator[str]:
    """First pass: define ``@string`` macros and note the keys that ``crossref`` points to.

    Plain regular-expression scans over whole blocks; entries are not cut out here, except
    ``@string`` ones. Problems are left for the second pass to report. Yields the blocks.
    """
    carry = ""
    for block in _blocks(path, errors):
        yield block
        text = carry + block if carry else block
        carry = ""
        # searching lower-cased text for a literal prefix is far faster than IGNORECASE
        low = text.lower()
        if "crossref" in low:
            for m in _CROSSREF.finditer(low):
                targets.add(m.group(1))
        if "string" not in low:
            continue
        for m in _STRING_AT.finditer(low):
            line_start = low.rfind("\n", 0, m.start()) + 1
            if low[line_start : m.start()].strip():
                continue  # not at the start of a line: not an entry
            nxt = _RESYNC.search(text, m.end())
            limit = nxt.start() + 1 if nxt else len(text)
            end = _find_end(text, m.end(), limit, m.group(1) == "(")
            if end >= 0:
                with contextlib.suppress(_BadEntry):
                    _define_strings(text[m.start() : end], strings)
            elif nxt is None and len(text) - m.start() <= MAX_ENTRY_CHARS:
                carry = text[line_start:]  # continues in the next block
                break


def _with_key(chunk: _Chunk, detail: str) -> str:
    """``detail`` prefixed with the entry's key when it has one, to help find it."""
    m = _KEY_OF.match(chunk.text)
    return f"{m.group(1)}: {detail}" if m else detail


class _Reader:
    """Second pass: parse entries, resolve crossref, yield records and skips."""

    def __init__(
        self, strings: dict[str, str], targets: set[str], errors: dict[Path, str] | None = None
    ) -> None:
        self.strings = strings
        self.targets = targets
        #: files whose data is damaged: path -> why reading stopped
        self.errors = errors or {}
        #: crossref parents read so far: key -> (type, fields)
        self.parents: dict[str, tuple[str, dict[str, str]]] = {}
        #: children waiting for a parent not read yet: parent key -> [(type, key, fields, ref)]
        self.waiting: dict[str, list[tuple[str, str, dict[str, str], str]]] = {}

    def run(self, files: Sequence[tuple[Path, Iterable[str]]]) -> Iterator[Record | Skipped]:
        for path, blocks in files:
            yield from self._file(path, blocks)
        for children in self.waiting.values():
            for kind, key, fields, ref in children:
                yield _build(kind, key, fields, ref)
        self.waiting.clear()

    def _file(self, path: Path, blocks: Iterable[str]) -> Iterator[Record | Skipped]:
        name = source_name(path)
        seen: set[str] = set()
        for chunk in _chunks(blocks):
            if chunk.problem:
                got = (
                    _salvage(chunk.full, self.strings)
                    if chunk.full and chunk.kind not in IGNORED_TYPES and chunk.kind != "string"
                    else None
                )
                if got is None:
                    yield Skipped(f"{name}:{chunk.line}", chunk.problem,
                                  _with_key(chunk, chunk.detail))
                    continue
                yield from self._salvaged(name, chunk, chunk.detail, got, seen)
                continue
            if chunk.kind in IGNORED_TYPES:
                continue
            if chunk.kind == "string":
                try:
                    _define_strings(chunk.text, self.strings)
                except _BadEntry as exc:
                    yield Skipped(f"{name}:{chunk.line}", exc.args[0], f"@string: {exc.args[1]}")
                continue
            try:
                kind, key, fields = _parse(chunk.text, self.strings)
            except _BadEntry as exc:
                got = (_salvage(chunk.text, self.strings)
                       if exc.args[0] in ("syntax-error", "unbalanced-braces") else None)
                if got is None:
                    yield Skipped(f"{name}:{chunk.line}", exc.args[0],
                                  _with_key(chunk, exc.args[1]))
                    continue
                yield from self._salvaged(name, chunk, exc.args[1], got, seen)
                continue
            yield from self._entry(kind, key, fields, self._ref(name, key, chunk.line, seen))
        damage = self.errors.get(path)
        if damage is not None:
            yield Skipped(f"{name}:0", "read-error", f"damaged data, reading stopped: {damage}")

    def _salvaged(
        self, name: str, chunk: _Chunk, why: str,
        got: tuple[str, str, dict[str, str], list[str]], seen: set[str],
    ) -> Iterator[Record | Skipped]:
        """A damaged entry whose authors could be read: a ``damaged-field`` warning naming
        the lost fields, then the entry without them."""
        kind, key, fields, lost = got
        ref = self._ref(name, key, chunk.line, seen)
        what = f"field(s) {', '.join(lost)} lost" if lost else "no field lost"
        yield Skipped(ref, "damaged-field", f"{why}; the entry is kept, {what}")
        yield from self._entry(kind, key, fields, ref)

    @staticmethod
    def _ref(name: str, key: str, line: int, seen: set[str]) -> str:
        """An entry's ``source_ref``: its key, or its line when it has none or a key used
        before in this file (BibTeX would drop the entry; real files reuse keys for
        different papers): the line keeps refs unique."""
        lkey = key.lower()
        if key and lkey not in seen:
            if len(seen) < MAX_TRACKED_KEYS:
                seen.add(lkey)
            return f"{name}#{key}"
        return f"{name}:{line}"

    def _entry(
        self, kind: str, key: str, fields: dict[str, str], ref: str
    ) -> Iterator[Record | Skipped]:
        # a stack, not recursion: a chain of 1,000 entries each the crossref parent of the one
        # before, read last-first, releases the whole chain when its head arrives
        todo = [(kind, key, fields, ref)]
        while todo:
            kind, key, fields, ref = todo.pop()
            parent_key = fields.get("crossref", "").strip().lower()
            if parent_key:
                parent = self.parents.get(parent_key)
                if parent is None:
                    self.waiting.setdefault(parent_key, []).append((kind, key, fields, ref))
                    continue
                fields = _inherit(fields, *parent)
            yield _build(kind, key, fields, ref)
            lkey = key.lower()
            if (lkey in self.targets or lkey in self.waiting) and lkey not in self.parents:
                self.parents[lkey] = (kind, fields)
                todo.extend(reversed(self.waiting.pop(lkey, [])))
