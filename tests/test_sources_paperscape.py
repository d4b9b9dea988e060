"""Paperscape arXiv CSV reader: comment lines, unquoted titles with ';', years from arXiv ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.model import Record, Skipped
from graphsvc.sources import detect_format, paperscape
from graphsvc.sources.base import ReaderOptions

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).parents[2] / "shared" / "data"


def test_sample() -> None:
    items = list(paperscape.read(DATA / "paperscape-pscp-1991.first50.csv", ReaderOptions()))
    assert all(isinstance(i, Record) for i in items)
    recs = [i for i in items if isinstance(i, Record)]
    assert len(recs) == 42  # 50 lines minus 8 header comments; footer comments ignored
    first = recs[0]
    assert first.ids == {"arxiv": "hep-lat/9107001"}
    assert first.year == 1991
    assert first.title == "How to Put a Heavier Higgs on the Lattice"
    assert [a.name for a in first.authors] == ["U.M.Heller", "H.Neuberger", "P.Vranas"]
    assert first.source_ref == "paperscape-pscp-1991.first50.csv:9"
    assert first.source == "paperscape"
    assert first.venue is None and first.doi is None
    assert [a.name for a in recs[1].authors] == ["N.A.Alves", "B.Al.Berg", "S.Sanielevici"]


def test_semicolons_in_titles_and_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "pscp-test.csv"
    f.write_text(
        "# Data from paperscape.org\n"
        "hep-ph/9212251;hep-ph;0;22;;J.C.Collins;"
        "Spin in Perturbative QCD; Coherent Hard Diffraction\n"
        'hep-th/9111042;hep-th;0;0;;G.Gilbert;"the Instability of String-Theoretic Black Holes"\n'
        "0704.0001;hep-ph;0;0;;C.Balazs,E.L.Berger;A new-style id\n"
        "nucl-th/9310002;nucl-th;0;0;;;No authors listed\n"
        "only;three;fields\n"
        "# 4 entries\n"
    )
    items = list(paperscape.read(f))
    recs = [i for i in items if isinstance(i, Record)]
    assert recs[0].title == "Spin in Perturbative QCD; Coherent Hard Diffraction"
    assert recs[0].year == 1992
    assert recs[1].title == '"the Instability of String-Theoretic Black Holes"'
    assert recs[2].year == 2007 and recs[2].ids == {"arxiv": "0704.0001"}
    assert [(s.source_ref, s.reason) for s in items if isinstance(s, Skipped)] == [
        ("pscp-test.csv:5", "no-authors"),
        ("pscp-test.csv:6", "bad-line"),
    ]


def test_detect_format() -> None:
    assert detect_format(DATA / "paperscape-pscp-1991.first50.csv") == "paperscape"
    head = "hep-th/9108001;hep-th;0;0;;J.H.Horne;X\nhep-th/9108002;hep-th;0;0;;A.Mikovic;Y\n"
    assert paperscape.sniff(head, "data.csv") > 60


@pytest.mark.large
@pytest.mark.parametrize(
    ("year", "papers", "mentions", "distinct"),
    [
        (1991, 306, 593, 412),
        (1992, 3261, 6760, 3408),
        (1993, 6741, 14123, 6985),
        (1994, 10088, 21842, 10789),
    ],
)
def test_shared_files(year: int, papers: int, mentions: int, distinct: int) -> None:
    path = SHARED / "arxiv" / f"paperscape-pscp-{year}.csv.gz"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    assert detect_format(path) == "paperscape"
    items = list(paperscape.read(path))
    recs = [i for i in items if isinstance(i, Record)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    # one 1993 paper (nucl-th/9310002) lists no authors: counted as a paper, skipped as a record
    assert len(recs) + len(skipped) == papers
    assert all(s.reason == "no-authors" for s in skipped)
    assert sum(len(r.authors) for r in recs) == mentions
    assert len({a.name for r in recs for a in r.authors}) == distinct
    assert {r.year for r in recs} == {year}
