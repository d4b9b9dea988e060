"""CSV/TSV reader: column finding, author splitting, delimiters, broken rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.errors import ParseError
from graphsvc.model import Record, Skipped
from graphsvc.sources import detect_format, read_records, tabular
from graphsvc.sources.base import ReaderOptions
from graphsvc.sources.tabular import split_authors

DATA = Path(__file__).parent / "data"


def test_csv_sample() -> None:
    items = list(tabular.read(DATA / "publications.csv", ReaderOptions()))
    recs = [i for i in items if isinstance(i, Record)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [r.source_ref for r in recs] == [f"publications.csv:{n}" for n in (2, 3, 4, 5, 9, 13)]
    assert all(r.source == "csv" for r in recs)
    newman, leskovec, handmade, barabasi, watts, pairs = recs
    assert [a.name for a in newman.authors] == ["Newman, M. E. J."]
    assert newman.doi == "10.1103/physreve.74.036104"
    assert (newman.year, newman.venue) == (2006, "Physical Review E")
    assert [a.name for a in leskovec.authors] == [
        "Leskovec, Jure",
        "Kleinberg, Jon",
        "Faloutsos, Christos",
    ]
    assert handmade.title == 'Hand-made row with a "quoted" word, and a comma'
    assert handmade.year == 2021 and handmade.venue is None and handmade.doi is None
    assert barabasi.title == "Emergence of scaling in random networks"  # spans two lines
    assert [a.name for a in barabasi.authors] == ["Barabási, Albert-László", "Albert, Réka"]
    assert [a.name for a in watts.authors] == ["Duncan J. Watts", "Steven H. Strogatz"]
    assert [a.name for a in pairs.authors] == ["Doe, J.", "Roe, R. S."]
    assert [(s.source_ref, s.reason) for s in skipped] == [
        ("publications.csv:7", "bad-row"),
        ("publications.csv:8", "bad-row"),  # its open quote does not swallow line 9
        ("publications.csv:10", "bad-row"),
        ("publications.csv:11", "no-authors"),
    ]


def test_tsv_sample_prefers_full_names() -> None:
    assert detect_format(DATA / "publications.tsv") == "tsv"
    items = list(read_records(DATA / "publications.tsv"))
    recs = [i for i in items if isinstance(i, Record)]
    assert all(r.source == "tsv" for r in recs)
    assert [a.name for a in recs[1].authors] == [
        "Barabási, A. L.",
        "Jeong, H.",
        "Néda, Z.",
        "Ravasz, E.",
        "Schubert, A.",
        "Vicsek, T.",
    ]
    assert recs[1].doi == "10.1016/s0378-4371(02)00736-7"
    assert recs[1].year == 2002 and recs[1].venue == "PHYSICA A"
    # a TSV field starting with a quote is taken literally
    assert recs[2].title == '"Quoted" start of a hand-made title'
    assert [a.name for a in recs[2].authors] == ["Roe, Richard"]
    (bad,) = [i for i in items if isinstance(i, Skipped)]
    assert (bad.source_ref, bad.reason) == ("publications.tsv:5", "bad-row")


def test_options_choose_columns_and_separator(tmp_path: Path) -> None:
    f = tmp_path / "custom.csv"
    f.write_text(
        "Paper;Who;When;Where;arxiv_id\n"
        "A hand-made paper;Jane Roe|John Doe;2019;Somewhere;1706.03762\n",
        encoding="utf-8",
    )
    opts = ReaderOptions(
        authors_column="who",
        title_column="Paper",
        year_column="When",
        venue_column="Where",
        author_separator="|",
    )
    (rec,) = list(tabular.read(f, opts))
    assert isinstance(rec, Record)
    assert [a.name for a in rec.authors] == ["Jane Roe", "John Doe"]
    assert (rec.title, rec.year, rec.venue) == ("A hand-made paper", 2019, "Somewhere")
    assert rec.ids == {"arxiv": "1706.03762"}


def test_semicolon_delimiter_is_sniffed(tmp_path: Path) -> None:
    f = tmp_path / "excel.csv"
    f.write_bytes("\ufefftitle;author;year\nT;Roe, Jane and Doe, John;2020\n".encode())
    (rec,) = list(tabular.read(f))
    assert isinstance(rec, Record)
    assert [a.name for a in rec.authors] == ["Roe, Jane", "Doe, John"]


def test_missing_authors_column_raises_with_columns(tmp_path: Path) -> None:
    f = tmp_path / "noauthors.csv"
    f.write_text("title,year\nX,2000\n")
    with pytest.raises(ParseError, match="'title', 'year'"):
        list(tabular.read(f))


def test_unclosed_quote_at_end_of_file(tmp_path: Path) -> None:
    f = tmp_path / "tail.csv"
    f.write_text('title,authors\nok,Jane Roe\n"never closed,John Doe\nmore,Ann Lee\n')
    items = list(tabular.read(f))
    assert [type(i).__name__ for i in items] == ["Record", "Skipped", "Record"]
    assert items[1].source_ref == "tail.csv:3"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Surname, First; Surname2, First2", ["Surname, First", "Surname2, First2"]),
        ("A. One and B. Two", ["A. One", "B. Two"]),
        ("One, A. and Two, B.", ["One, A.", "Two, B."]),
        ("A. One, B. Two, and C. Three", ["A. One", "B. Two", "C. Three"]),
        ("Smith, J, Doe, K", ["Smith, J", "Doe, K"]),
        ("Smith, Li, Wu", ["Smith", "Li", "Wu"]),
        ("Jane Roe", ["Jane Roe"]),
        ("", []),
    ],
)
def test_split_authors(cell: str, expected: list[str]) -> None:
    assert split_authors(cell) == expected


def test_sniff() -> None:
    assert tabular.sniff("Title,Authors,Year\n", "x.csv") > 50
    assert tabular.sniff("AU\tTI\n", "x.txt") > 50
    assert tabular.sniff("# Data from paperscape.org\n", "pscp-1991.csv") < 50
    assert detect_format(DATA / "publications.csv") == "csv"


def test_tsv_with_an_unclosed_leading_quote(tmp_path: Path) -> None:
    f = tmp_path / "wos.txt"
    f.write_text('AU\tTI\tPY\nRoe, R\t"Unclosed quoted title\t2000\nDoe, J\tNext\t2001\n')
    recs = list(tabular.read(f, delimiter="\t"))
    assert [(r.title, r.source_ref) for r in recs if isinstance(r, Record)] == [
        ('"Unclosed quoted title', "wos.txt:2"),
        ("Next", "wos.txt:3"),
    ]
