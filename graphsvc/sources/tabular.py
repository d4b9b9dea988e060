"""Read CSV/TSV publication lists: one paper per row, a header row naming the columns.

Columns are found by name, case-insensitively (``ReaderOptions`` can name them): authors
(``authors``, ``author``, ``author_names``, ``af``, ``au``, ``creators``, ``author(s)``), title,
year (the first four-digit year in the cell, so dates work), venue, DOI, and optional paper ids in
columns named after an id kind (``arxiv``, ``dblp``, ``openalex``, ``s2``, or ``<kind>_id``).

The delimiter is given (``tsv`` passes a tab) or guessed from the header line: the first of tab,
``;``, ``,`` that splits it into columns including an authors column. Rows are read with the ``csv``
module in strict mode, one logical row at a time: a quoted field may span lines, but a quote that
never closes within ``MAX_ROW_LINES`` lines makes that one row a ``bad-row`` and reading resumes on
the next physical line, so a single stray quote cannot swallow the rest of the file.

Splitting the authors cell is documented on ``split_authors``; the one case no rule can settle is
a comma-separated list of ``Surname, Initials`` names — pass ``author_separator`` for those files.
"""

from __future__ import annotations

import csv
import re
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path

from graphsvc.errors import ParseError
from graphsvc.model import RawAuthor, Record, Skipped
from graphsvc.sources.base import MAX_FIELD_CHARS, ReaderOptions, open_text, source_name
from graphsvc.sources.ids import find_year, normalise_doi

AUTHOR_COLUMNS = ("authors", "author", "author_names", "af", "au", "creators", "author(s)")
TITLE_COLUMNS = ("title", "article title", "document title", "ti", "paper_title")
YEAR_COLUMNS = ("year", "publication_year", "py", "pubyear", "publication year", "date")
VENUE_COLUMNS = (
    "venue",
    "journal",
    "source",
    "booktitle",
    "source title",
    "so",
    "container-title",
    "publication",
    "conference",
)
DOI_COLUMNS = ("doi", "di")
#: paper id kinds a column may be named after (``arxiv`` or ``arxiv_id``)
ID_COLUMN_KINDS = ("arxiv", "dblp", "openalex", "s2")
DELIMITERS = ("\t", ";", ",")
#: a quoted field may span at most this many physical lines
MAX_ROW_LINES = 1000

#: "J.", "J.-P.", "Ch. K.", "JK": initials written with dots, or 1-3 capitals without
_INITIALS = re.compile(r"^(?:(?:[A-Z][a-z]?\.[\s\-]*){1,4}|[A-Z]{1,3})$")
#: the look-behind makes a search start only where a whitespace run starts: without it a long
#: run of spaces costs quadratic time
_AND = re.compile(r"(?<!\s)\s+and\s+")


def _norm(header: str) -> str:
    return header.strip().lstrip("\ufeff").strip().strip('"').strip().lower()


def find_column(headers: list[str], wanted: str | None, defaults: tuple[str, ...]) -> int | None:
    """Index of the column named ``wanted`` (or the first default name present), case-insensitive.

    Examples
    --------
    >>> find_column(["Title", "Author(s)", "Year"], None, AUTHOR_COLUMNS)
    1
    >>> find_column(["Title", "Names"], "names", AUTHOR_COLUMNS)
    1
    """
    names = [_norm(h) for h in headers]
    for candidate in (wanted,) if wanted else defaults:
        key = candidate.strip().lower()
        if key in names:
            return names.index(key)
    return None


def split_authors(cell: str, separator: str | None = None) -> list[str]:
    """Split an authors cell into raw names.

    With ``separator`` given, split on it. Otherwise: on ``;`` when the cell has one
    (``"Surname, First; Surname2, First2"``); else on `` and `` when every part then holds exactly
    one comma (BibTeX style ``"Smith, John and Doe, Jane"``) or no part holds any; else on commas
    and `` and `` (``"John Smith, Jane Doe and Bob Lee"``). A comma-separated list alternating
    surnames and initials (``"Smith, J., Doe, K."``) is re-paired into ``"Smith, J."``, and a cell
    of two parts whose first part is one word (``"Roe, Richard"``) is one ``Surname, Given`` name;
    any other comma list is taken one name per part, so ``"Smith, John, Doe, Jane"`` cannot be
    told from four people: give ``separator`` for such files.

    Examples
    --------
    >>> split_authors("Günther, Mario; Vincent, P.")
    ['Günther, Mario', 'Vincent, P.']
    >>> split_authors("Smith, John and Doe, Jane")
    ['Smith, John', 'Doe, Jane']
    >>> split_authors("John Smith, Jane Doe, and Bob Lee")
    ['John Smith', 'Jane Doe', 'Bob Lee']
    >>> split_authors("Smith, J., Doe, K. L.")
    ['Smith, J.', 'Doe, K. L.']
    >>> split_authors("Roe, Richard"), split_authors("Duncan J. Watts, Steven H. Strogatz")
    (['Roe, Richard'], ['Duncan J. Watts', 'Steven H. Strogatz'])
    >>> split_authors("A|B", "|")
    ['A', 'B']
    """
    if separator:
        parts = cell.split(separator)
    elif ";" in cell:
        parts = cell.split(";")
    elif _AND.search(cell):
        parts = _AND.split(cell)
        commas = {p.count(",") for p in parts}
        if not (commas == {1} or commas == {0}):
            parts = [q for p in parts for q in p.split(",")]
    else:
        parts = [p.strip() for p in cell.split(",")]
        if len(parts) == 2 and parts[0] and " " not in parts[0]:
            parts = [cell]  # one "Surname, Given" name
        else:
            parts = _pair_initials(parts) or parts
    names = []
    for part in parts:
        name = part.strip()
        if name.lower().startswith("and "):
            name = name[4:].strip()
        if name:
            names.append(name)
    return names


def _pair_initials(parts: list[str]) -> list[str] | None:
    """``["Smith", "J.", "Doe", "K."]`` -> ``["Smith, J.", "Doe, K."]`` when the shape is clear."""
    if len(parts) < 2 or len(parts) % 2:
        return None
    surnames, initials = parts[0::2], parts[1::2]
    if all(_INITIALS.match(i) for i in initials) and not any(_INITIALS.match(s) for s in surnames):
        return [f"{s}, {i}" for s, i in zip(surnames, initials, strict=True)]
    return None


def _split_header(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def sniff(head: str, name: str) -> int:
    """Score a CSV/TSV file: a header line with an authors-like column name."""
    first = next((ln for ln in head.splitlines() if ln.strip()), "")
    suffix = name.endswith((".csv", ".tsv", ".tab"))
    for delimiter in DELIMITERS:
        cols = _split_header(first, delimiter)
        if len(cols) > 1 and find_column(cols, None, AUTHOR_COLUMNS) is not None:
            return 80 if suffix else 60
    return 15 if suffix else 0


def _choose_delimiter(header_line: str, options: ReaderOptions) -> str:
    best, best_cols = ",", 0
    for delimiter in DELIMITERS:
        cols = _split_header(header_line, delimiter)
        if len(cols) > 1 and find_column(cols, options.authors_column, AUTHOR_COLUMNS) is not None:
            return delimiter
        if len(cols) > best_cols:
            best, best_cols = delimiter, len(cols)
    return best


def _physical_lines(path: Path) -> Iterator[tuple[int, str]]:
    with open_text(path) as f:
        for n, line in enumerate(f, 1):
            yield n, line if line.endswith("\n") else line + "\n"


def _parse_row(
    parts: list[str],
    delim: str,
    width: int,
    next_line: Callable[[], tuple[int, str] | None],
) -> tuple[list[str] | None, str]:
    """Parse the logical row starting with ``parts[0]``, appending lines while a quote is open.

    Returns the row, or ``None`` and why not; ``parts`` ends up holding every line consumed.
    """
    while True:
        try:
            rows = list(csv.reader(parts, delimiter=delim, strict=True))
        except csv.Error as e:
            if delim == "\t" and len(parts) == 1:
                plain = parts[0].rstrip("\r\n").split("\t")
                if len(plain) == width:
                    return plain, ""  # a TSV written without quoting rules: quotes are text
            if "unexpected end of data" not in str(e):
                return None, str(e)
            if len(parts) >= MAX_ROW_LINES:
                return None, f"a quote is not closed within {MAX_ROW_LINES} lines"
            more = next_line()
            if more is None:
                return None, "a quote never closes"
            parts.append(more[1])
            continue
        if len(rows) == 1:
            return rows[0], ""
        return None, f"the line(s) hold {len(rows)} rows"


def read(
    path: Path, options: ReaderOptions | None = None, delimiter: str | None = None
) -> Iterator[Record | Skipped]:
    """Stream the rows of a CSV/TSV file as records.

    Raises ``ParseError`` when the header has no authors column (the message lists the columns).
    Rows with broken quoting or the wrong number of columns yield ``Skipped("bad-row")``, rows
    with an empty authors cell ``Skipped("no-authors")``.
    """
    opts = options or ReaderOptions()
    name = source_name(path)
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 24))  # huge collaboration author lists
    lines = _physical_lines(path)
    pending: deque[tuple[int, str]] = deque()

    def next_line() -> tuple[int, str] | None:
        if pending:
            return pending.popleft()
        return next(lines, None)

    first = next_line()
    while first is not None and not first[1].strip():
        first = next_line()
    if first is None:
        raise ParseError(f"{name}: empty file, expected a header row")
    header_line = first[1].rstrip("\r\n")
    delim = delimiter or _choose_delimiter(header_line, opts)
    fmt = "tsv" if delim == "\t" else "csv"
    header = _split_header(header_line, delim)
    col_authors = find_column(header, opts.authors_column, AUTHOR_COLUMNS)
    if col_authors is None:
        wanted = repr(opts.authors_column) if opts.authors_column else "authors column"
        raise ParseError(
            f"{name}: no {wanted} in the header; columns found: "
            + ", ".join(repr(h.strip()) for h in header)
            + "; say which holds the authors with --authors-column COLUMN "
            "(an upload: the authors_column field)"
        )
    col_title = find_column(header, opts.title_column, TITLE_COLUMNS)
    col_year = find_column(header, opts.year_column, YEAR_COLUMNS)
    col_venue = find_column(header, opts.venue_column, VENUE_COLUMNS)
    col_doi = find_column(header, opts.doi_column, DOI_COLUMNS)
    id_cols = {
        kind: col
        for kind in ID_COLUMN_KINDS
        if (col := find_column(header, None, (kind, f"{kind}_id", f"{kind} id"))) is not None
    }
    width = len(header)

    while (item := next_line()) is not None:
        start, text = item
        if not text.strip():
            continue
        ref = f"{name}:{start}"
        parts = [text]
        row, error = _parse_row(parts, delim, width, next_line)
        if row is None:
            # give back the lines swallowed by the open quote: they are rows of their own
            pending.extendleft(reversed([(start + i, p) for i, p in enumerate(parts[1:], 1)]))
            yield Skipped(ref, "bad-row", f"line {start}: broken quoting: {error}")
            continue
        if len(row) == width + 1 and not row[-1].strip():
            row.pop()  # a trailing delimiter
        if len(row) != width:
            yield Skipped(ref, "bad-row", f"line {start}: {len(row)} columns, header has {width}")
            continue
        if len(row[col_authors]) > MAX_FIELD_CHARS:  # would be millions of names
            yield Skipped(ref, "field-too-large",
                          f"line {start}: authors cell over {MAX_FIELD_CHARS} characters")
            continue
        names = split_authors(row[col_authors], opts.author_separator)
        if not names:
            yield Skipped(ref, "no-authors", f"line {start}: empty authors cell")
            continue
        title = " ".join(row[col_title].split()) if col_title is not None else ""
        ids = {kind: row[col].strip() for kind, col in id_cols.items() if row[col].strip()}
        yield Record(
            title=title or None,
            authors=[RawAuthor(name=n) for n in names],
            source_ref=ref,
            year=find_year(row[col_year]) if col_year is not None else None,
            venue=(row[col_venue].strip() or None) if col_venue is not None else None,
            doi=normalise_doi(row[col_doi]) if col_doi is not None else None,
            ids=ids,
            source=fmt,
        )
