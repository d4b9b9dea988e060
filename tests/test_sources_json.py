"""JSON / JSON Lines reader: OpenAlex pages, arXiv snapshot, Semantic Scholar, generic objects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphsvc.model import Record, Skipped
from graphsvc.sources import detect_format, jsonsrc
from graphsvc.sources.base import ReaderOptions

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).parents[2] / "shared" / "data"


def read(path: Path) -> tuple[list[Record], list[Skipped]]:
    items = list(jsonsrc.read(path, ReaderOptions()))
    return (
        [i for i in items if isinstance(i, Record)],
        [i for i in items if isinstance(i, Skipped)],
    )


def test_openalex_page() -> None:
    recs, skipped = read(DATA / "openalex-works-page-utrecht.first5.json.gz")
    assert not skipped and len(recs) == 5
    first = recs[0]
    assert first.ids == {"openalex": "W1995017064"}
    assert first.title == (
        "Crystallography & NMR System: A New Software Suite for Macromolecular Structure "
        "Determination"
    )
    assert first.year == 1998
    assert first.doi == "10.1107/s0907444998003254"
    assert first.venue == "Acta Crystallographica Section D: Structural Biology"
    assert first.source == "json"
    # the page is one line: items are referenced as line[index]
    assert [r.source_ref for r in recs][:2] == [
        "openalex-works-page-utrecht.first5.json.gz:1[0]",
        "openalex-works-page-utrecht.first5.json.gz:1[1]",
    ]
    brunger, adams = first.authors[:2]
    assert brunger.name == "A.T. Brünger"
    assert brunger.ids == {"openalex": "A5056911622"}
    assert adams.name == "Paul D. Adams"
    assert adams.ids == {"openalex": "A5027915011", "orcid": "0000-0001-9333-8219"}
    assert all("openalex" in a.ids for r in recs for a in r.authors)


def test_openalex_pretty_printed_document(tmp_path: Path) -> None:
    """The same page, indented: one JSON document rather than JSON Lines."""
    import gzip

    doc = json.loads(
        gzip.decompress((DATA / "openalex-works-page-utrecht.first5.json.gz").read_bytes())
    )
    f = tmp_path / "page.json"
    f.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    recs, skipped = read(f)
    assert not skipped
    assert [r.source_ref for r in recs] == [f"page.json:{i}" for i in range(5)]
    array = tmp_path / "works.json"
    array.write_text(json.dumps(doc["results"][:2], indent=1), encoding="utf-8")
    recs, _ = read(array)
    assert [r.ids["openalex"] for r in recs] == ["W1995017064", "W2145538332"]
    assert recs[1].source_ref == "works.json:1"


def test_arxiv_snapshot() -> None:
    recs, skipped = read(DATA / "arxiv-metadata-oai-snapshot.first20.jsonl")
    assert not skipped and len(recs) == 20
    first = recs[0]
    assert first.ids == {"arxiv": "0704.0001"}
    assert first.source_ref == "arxiv-metadata-oai-snapshot.first20.jsonl:1"
    assert first.title == (
        "Calculation of prompt diphoton production cross sections at Tevatron and LHC energies"
    )
    assert first.year == 2007
    assert first.doi == "10.1103/physrevd.76.013009"
    assert first.venue == "Phys.Rev.D76:013009,2007"
    balazs = first.authors[0]
    assert (balazs.name, balazs.family, balazs.given, balazs.suffix) == (
        "C. Balázs",
        "Balázs",
        "C.",
        None,
    )
    assert [a.name for a in first.authors] == [
        "C. Balázs",
        "E. L. Berger",
        "P. M. Nadolsky",
        "C. -P. Yuan",
    ]
    by_id = {r.ids["arxiv"]: r for r in recs}
    evans = next(a for a in by_id["0704.0009"].authors if a.family == "Evans")
    assert (evans.name, evans.suffix) == ("Neal J. Evans II", "II")
    assert by_id["0704.0002"].authors[1].name == "Louis Theran"


def test_arxiv_raw_authors_fallback(tmp_path: Path) -> None:
    line = {
        "id": "hep-th/9901001",
        "authors": "A. S. Mishchenko (1 and 2) and N. Nagaosa (1 and 3) ((1) CREST, (2) RRC)",
        "title": "A  title\n  on two lines",
        "versions": [],
        "update_date": "2008-11-26",
    }
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps(line) + "\n" + json.dumps({**line, "id": "0704.0002"}) + "\n")
    recs, _ = read(f)
    assert [a.name for a in recs[0].authors] == ["A. S. Mishchenko", "N. Nagaosa"]
    assert recs[0].title == "A title on two lines"
    assert recs[0].year == 2008


def test_semantic_scholar_search_page() -> None:
    recs, skipped = read(DATA / "s2-paper-search.json")
    attention, newman = recs
    assert attention.ids == {
        "s2": "CorpusId:13756489",
        "arxiv": "1706.03762",
        "dblp": "conf/nips/VaswaniSPUJGKP17",
    }
    assert attention.source_ref == "s2-paper-search.json:0"
    assert len(attention.authors) == 8
    assert attention.authors[0].name == "Ashish Vaswani"
    assert attention.authors[0].ids == {"s2": "40348417"}
    assert (attention.year, attention.venue) == (2017, "Neural Information Processing Systems")
    assert newman.doi == "10.1103/physreve.64.016131"
    assert newman.venue == "Physical Review E"
    assert newman.authors[0].ids == {}  # authorId null
    assert [(s.source_ref, s.reason) for s in skipped] == [("s2-paper-search.json:2", "no-authors")]


def test_mixed_json_lines() -> None:
    items = list(jsonsrc.read(DATA / "mixed.jsonl"))
    kinds = [(i.source_ref, type(i).__name__, getattr(i, "reason", "")) for i in items]
    assert kinds == [
        ("mixed.jsonl:1", "Record", ""),
        ("mixed.jsonl:2", "Record", ""),
        ("mixed.jsonl:3", "Skipped", "bad-json"),
        ("mixed.jsonl:4", "Skipped", "unrecognised-json"),
        ("mixed.jsonl:6[0]", "Record", ""),
        ("mixed.jsonl:7", "Skipped", "unrecognised-json"),
    ]
    dataset, generic, citing = (i for i in items if isinstance(i, Record))
    assert dataset.ids["s2"] == "CorpusId:13756489"  # same paper id as the API record
    assert [a.name for a in generic.authors] == ["Jane Roe", "John Doe", "Mario Günther"]
    assert generic.authors[2].family == "Günther"
    assert generic.authors[2].ids == {"orcid": "0000-0002-1825-0097"}
    assert generic.doi == "10.1000/hand.made" and generic.year == 2020
    assert citing.ids == {"s2": "a" * 40}


def test_not_json(tmp_path: Path) -> None:
    f = tmp_path / "broken.json"
    f.write_text('{\n  "results": [\n')
    (item,) = list(jsonsrc.read(f))
    assert isinstance(item, Skipped) and item.reason == "bad-json"


def test_detect_format() -> None:
    for name in (
        "openalex-works-page-utrecht.first5.json.gz",
        "arxiv-metadata-oai-snapshot.first20.jsonl",
        "s2-paper-search.json",
        "mixed.jsonl",
    ):
        assert detect_format(DATA / name) == "json", name


@pytest.mark.large
def test_shared_openalex_page() -> None:
    path = SHARED / "openalex" / "openalex-works-page-utrecht.json.gz"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    recs, skipped = read(path)
    assert not skipped and len(recs) == 25
    authors = [a for r in recs for a in r.authors]
    assert len(authors) == 445
    assert len({a.name for a in authors}) == 418
    assert sum(1 for n in {a.name for a in authors} if not n.isascii()) == 63


@pytest.mark.large
def test_shared_arxiv_snapshot() -> None:
    path = SHARED / "arxiv" / "arxiv-metadata-oai-snapshot.first200.jsonl"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    recs, skipped = read(path)
    assert not skipped and len(recs) == 200
    assert sum(len(r.authors) for r in recs) == 537
    assert [r.ids["arxiv"] for r in recs][-1] == "0704.0200"
    collab = {r.ids["arxiv"]: r for r in recs}["0704.0020"].authors[0]
    assert (collab.name, collab.family, collab.given) == (
        "The BABAR Collaboration",
        "The BABAR Collaboration",
        None,
    )


def test_known_shape_with_wrong_field_types(tmp_path: Path) -> None:
    f = tmp_path / "odd.jsonl"
    f.write_text(
        '{"id": "https://openalex.org/W1", "title": "x", "authorships": [1, 2]}\n'
        '{"id": "0704.0001", "title": "y", "authors_parsed": "not a list", "authors": "A. B"}\n'
    )
    items = list(jsonsrc.read(f))
    assert [(i.source_ref, getattr(i, "reason", "")) for i in items] == [
        ("odd.jsonl:1", "bad-json"),
        ("odd.jsonl:2", ""),
    ]
    assert isinstance(items[1], Record) and items[1].authors[0].name == "A. B"


def test_sniff_rejects_numbered_reference_lists() -> None:
    assert jsonsrc.sniff("[1] A. Author, B. Author. A paper. 2001.\n", "pubs.txt") == 0
    assert jsonsrc.sniff('[\n  {"title": "x"}\n]', "x.json") > 50
    assert jsonsrc.sniff('{"id": "0704.0001"}\n', "x") == 50
