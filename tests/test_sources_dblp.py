"""dblp XML reader: real records, entities without the DTD, hostile XML, malformed XML."""

from __future__ import annotations

import gzip
import re
import time
from pathlib import Path

import pytest

from graphsvc.model import Record, Skipped
from graphsvc.sources import dblp, detect_format, read_records
from graphsvc.sources.base import ReaderOptions

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).parents[2] / "shared" / "data"
HOMONYM = re.compile(r" \d{4}$")


def records(path: Path) -> list[Record]:
    items = list(dblp.read(path, ReaderOptions()))
    assert all(isinstance(i, Record) for i in items), [i for i in items if isinstance(i, Skipped)]
    return [i for i in items if isinstance(i, Record)]


def test_sample_counts_and_fields() -> None:
    recs = records(DATA / "dblp-ppopp-socc-100.xml")
    assert len(recs) == 100
    authors = [a for r in recs for a in r.authors]
    assert len(authors) == 415
    assert sum(1 for a in authors if "orcid" in a.ids) == 32
    assert sum(1 for a in authors if HOMONYM.search(a.name)) == 38
    assert all(a.ids["dblp"] == a.name for a in authors)
    first = recs[0]
    assert first.ids == {"dblp": "conf/ppopp/RamachandranM16"}
    assert first.title == "Improving efficacy of internal binary search trees using local recovery"
    assert (first.year, first.venue) == (2016, "PPoPP")
    assert first.doi == "10.1145/2851141.2851173"  # the first of two DOI links
    assert first.source_ref == "dblp-ppopp-socc-100.xml:2"
    assert first.source == "dblp"
    assert first.authors[0].name == "Arunmoezhi Ramachandran"
    assert first.authors[0].ids == {
        "dblp": "Arunmoezhi Ramachandran",
        "orcid": "0000-0001-7532-8383",
    }
    by_key = {r.ids["dblp"]: r for r in recs}
    assert [a.name for a in by_key["conf/ppopp/YanGCOLT19"].authors][:1] == ["Da Yan 0001"]
    assert "M. Tamer Özsu" in [a.name for a in by_key["conf/ppopp/YanGCOLT19"].authors]


def test_entities_resolved_without_dtd_and_latin1() -> None:
    items = list(dblp.read(DATA / "dblp-entities.xml"))
    recs = [i for i in items if isinstance(i, Record)]
    skipped = [i for i in items if isinstance(i, Skipped)]
    assert [r.ids["dblp"] for r in recs] == [
        "journals/neco/HochreiterS97",
        "journals/corr/VaswaniSPUJGKP17",
        "conf/example/MullerG19",
    ]
    lstm, attention, example = recs
    assert lstm.authors[1].name == "Jürgen Schmidhuber"
    assert lstm.doi == "10.1162/neco.1997.9.8.1735"
    assert lstm.title == "Long Short-Term Memory"
    assert attention.ids["arxiv"] == "1706.03762"
    assert attention.doi is None and attention.venue == "CoRR"
    assert [a.name for a in example.authors] == [
        "Thomas Müller 0001",
        "François Guérin",
        "Björn Öberg",  # a raw ISO-8859-1 byte and an entity in one name
        "Mario Günther",
    ]
    assert example.authors[0].ids == {"dblp": "Thomas Müller 0001"}
    # inline markup keeps its text; an entity dblp.dtd lacks stays visible rather than lost
    assert example.title == (
        'Naïve café scheduling for H2O & CO2 sensors – a "test" &unknownentity; record'
    )
    assert [(s.reason, s.source_ref) for s in skipped] == [
        ("person-page", "dblp-entities.xml:43"),
        ("no-authors", "dblp-entities.xml:47"),
    ]
    assert "2 editor" in skipped[1].detail


def test_entities_without_doctype(tmp_path: Path) -> None:
    f = tmp_path / "nodoctype.xml"
    f.write_text(
        '<dblp><article key="a/b/C"><author>J&uuml;rgen &Ouml;berg</author>'
        "<title>T&eacute;st.</title><year>2001</year></article></dblp>",
        encoding="utf-8",
    )
    (rec,) = records(f)
    assert rec.authors[0].name == "Jürgen Öberg"
    assert rec.title == "Tést"


@pytest.mark.parametrize("name", ["dblp-entity-bomb.xml", "dblp-external-entity.xml"])
def test_hostile_entities_refused_fast(name: str) -> None:
    start = time.perf_counter()
    items = list(dblp.read(DATA / name))
    assert time.perf_counter() - start < 1.0
    assert len(items) == 1
    (item,) = items
    assert isinstance(item, Skipped)
    assert item.reason == "entity-declaration-refused"
    assert item.source_ref == f"{name}:3"


def test_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    f = tmp_path / "remote.xml"
    f.write_text(
        '<!DOCTYPE dblp SYSTEM "http://example.invalid/dblp.dtd">\n'
        '<dblp><article key="k"><author>A. B&uuml;</author><title>x</title></article></dblp>'
    )
    (rec,) = records(f)
    assert rec.authors[0].name == "A. Bü"


def test_malformed_xml_keeps_records_before_the_error(tmp_path: Path) -> None:
    good = DATA.joinpath("dblp-ppopp-socc-100.xml").read_text(encoding="utf-8")
    cut = good.index("</inproceedings>", good.index("</inproceedings>") + 1)
    f = tmp_path / "broken.xml"
    f.write_text(good[:cut] + "</inproceedings>\n  <inproceedings key='x'>\n<oops></dblp>\n")
    items = list(dblp.read(f))
    assert [type(i) for i in items] == [Record, Record, Skipped]
    failure = items[-1]
    assert isinstance(failure, Skipped) and failure.reason == "malformed-xml"
    assert "line" in failure.detail and "column" in failure.detail


def test_dblp_person_page_export(tmp_path: Path) -> None:
    """dblp's per-person XML: records wrapped in <r>, person and co-author lists ignored."""
    f = tmp_path / "person.xml"
    f.write_text(
        '<?xml version="1.0" encoding="US-ASCII"?>\n'
        '<dblpperson name="Jane Roe" pid="00/0000" n="1">\n'
        '<person key="homepages/00/0000" mdate="2020-01-01"><author pid="00/0000">Jane Roe'
        "</author></person>\n"
        '<r><article key="journals/x/RoeD20" mdate="2020-01-01">'
        '<author pid="00/0000">Jane Roe</author><author pid="00/0001">John Doe 0002</author>'
        "<title>A hand-made record.</title><year>2020</year><journal>X</journal></article></r>\n"
        '<coauthors n="1"><co c="0"><na f="d/Doe:John" pid="00/0001">John Doe 0002</na></co>'
        "</coauthors>\n</dblpperson>\n"
    )
    (rec,) = records(f)
    assert rec.ids == {"dblp": "journals/x/RoeD20"}
    assert [a.ids["dblp"] for a in rec.authors] == ["Jane Roe", "John Doe 0002"]
    assert rec.source_ref == "person.xml:4"


def test_not_xml_at_all(tmp_path: Path) -> None:
    f = tmp_path / "plain.xml"
    f.write_text("this is not XML\n")
    (item,) = list(dblp.read(f))
    assert isinstance(item, Skipped) and item.reason == "malformed-xml"
    assert item.source_ref == "plain.xml:1"


def test_records_are_yielded_per_chunk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dblp, "CHUNK_SIZE", 1000)
    body = "".join(
        f'<article key="k/{i}"><author>Author {i}</author><title>Paper {i}.</title></article>\n'
        for i in range(200)
    )
    f = tmp_path / "many.xml.gz"
    f.write_bytes(gzip.compress(f"<dblp>\n{body}</dblp>\n".encode()))
    stream = dblp.read(f)
    first = next(stream)
    assert isinstance(first, Record) and first.ids["dblp"] == "k/0"
    rest = list(stream)
    assert len(rest) == 199
    assert rest[-1].source_ref == "many.xml.gz:201"


def test_detect_format() -> None:
    assert detect_format(DATA / "dblp-ppopp-socc-100.xml") == "dblp"
    assert detect_format(DATA / "dblp-entities.xml") == "dblp"
    assert dblp.sniff('{"id": 1}', "x.json") == 0
    assert len(list(read_records(DATA / "dblp-ppopp-socc-100.xml"))) == 100


@pytest.mark.large
def test_full_shared_file() -> None:
    path = SHARED / "dblp" / "dblp-ppopp-socc.xml.gz"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    assert detect_format(path) == "dblp"
    recs = records(path)
    assert len(recs) == 3017
    authors = [a for r in recs for a in r.authors]
    assert len(authors) == 11375
    names = {a.name for a in authors}
    assert len(names) == 7677
    assert sum(1 for n in names if HOMONYM.search(n)) == 518
    assert sum(1 for n in names if not n.isascii()) == 220
    assert {"Wei Liu 0014", "Antonio González 0001"} <= names


def test_truncated_gzip_keeps_what_was_read(tmp_path: Path) -> None:
    body = "".join(
        f'<article key="k/{i}"><author>Author {i}</author><title>P{i}</title></article>\n'
        for i in range(2000)
    )
    packed = gzip.compress(f"<dblp>\n{body}</dblp>\n".encode())
    f = tmp_path / "cut.xml.gz"
    f.write_bytes(packed[: len(packed) // 2])
    items = list(dblp.read(f))
    assert isinstance(items[-1], Skipped) and items[-1].reason in ("read-error", "malformed-xml")
    assert len(items) > 500 and all(isinstance(i, Record) for i in items[:-1])


def _rec(title: str, key: str = "") -> str:
    key = key or title.replace(" ", "")
    return (f'<article key="j/{key}"><author>Ada Lovelace</author><author>Alan Turing</author>'
            f"<title>{title}</title><year>2001</year></article>\n")


#: one damaged record per kind of damage, each on line 4 of its file, then good records
DAMAGED = {
    "mismatched-tag": '<article key="j/bad"><author>X Y</author><title>Bad</titel></article>\n',
    "bare-ampersand": '<article key="j/bad"><author>X & Y</author><title>Bad</title></article>\n',
    "no-end-tag": '<article key="j/bad"><author>X Y</author><title>Bad</title>\n',
    "unclosed-title": '<article key="j/bad"><author>X Y</author><title>Bad</article>\n',
    "unclosed-comment": '<article key="j/bad"><author>X Y<!-- </author></article>\n',
    "unclosed-cdata": '<article key="j/bad"><title><![CDATA[Bad</title></article>\n',
    "broken-attribute": '<article key="j/bad><author>X Y</author></article>\n',
    "nul-byte": '<article key="j/bad"><author>X\x00Y</author></article>\n',
}


#: damage that swallows what follows it: the look-back that finds the records it swallowed
#: reaches two chunks back, so only the default chunk size covers this whole small file
SWALLOWING = {"unclosed-comment", "unclosed-cdata"}


def _read_damaged(tmp_path: Path, damage: str) -> list[Record | Skipped]:
    after = [_rec(f"After {i}") for i in range(40)]
    text = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n<dblp>\n' + _rec("Before")
            + DAMAGED[damage] + "".join(after) + "</dblp>\n")
    f = tmp_path / "damaged.xml.gz"
    f.write_bytes(gzip.compress(text.encode("latin-1")))
    return list(dblp.read(f))


@pytest.mark.parametrize(("damage", "chunk"), [
    (damage, chunk) for chunk in (64, 1000, 1 << 20) for damage in DAMAGED
    if damage not in SWALLOWING or chunk >= dblp.CHUNK_SIZE])
def test_a_malformed_record_costs_only_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str, chunk: int
) -> None:
    """expat cannot resume after an error: the reader reports the record, then starts a fresh
    parser at the next record start tag, whatever the chunk boundaries."""
    monkeypatch.setattr(dblp, "CHUNK_SIZE", chunk)
    items = _read_damaged(tmp_path, damage)
    recs = [i for i in items if isinstance(i, Record)]
    assert [r.title for r in recs] == ["Before"] + [f"After {i}" for i in range(40)]
    assert [r.source_ref for r in recs] == [f"damaged.xml.gz:{n}" for n in [3, *range(5, 45)]]
    skips = [i for i in items if isinstance(i, Skipped)]
    assert skips and skips[0].source_ref == "damaged.xml.gz:4", skips
    assert skips[0].reason == "malformed-xml"
    assert "j/bad" in skips[0].detail
    assert len(skips) <= 2  # the record, and at most the place where expat noticed


@pytest.mark.parametrize("damage", sorted(SWALLOWING))
def test_damage_swallowing_more_than_the_look_back_is_reported_not_fatal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """The documented limit (SECURITY.md): with chunks smaller than what the damage swallows,
    the records after it are lost, but the ones before go in and the loss is reported."""
    monkeypatch.setattr(dblp, "CHUNK_SIZE", 64)
    items = _read_damaged(tmp_path, damage)
    recs = [i for i in items if isinstance(i, Record)]
    skips = [i for i in items if isinstance(i, Skipped)]
    assert recs and recs[0].title == "Before" and recs[0].source_ref == "damaged.xml.gz:3"
    assert skips and skips[0].source_ref == "damaged.xml.gz:4", skips
    assert skips[0].reason == "malformed-xml" and "j/bad" in skips[0].detail


def test_resumed_parser_keeps_encoding_entities_and_wrappers(tmp_path: Path) -> None:
    """After a resync, ISO-8859-1 bytes, dblp's entities and a person page's <r> wrappers
    read as they did before it; entity declarations stay refused (no parser loads a DTD)."""
    f = tmp_path / "person.xml"
    f.write_bytes(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<dblpperson name="x">\n'
        + b"<r>" + _rec("One").encode() + b"</r>\n"
        + b'<r><article key="j/bad"><author>Bad</author></artcle></r>\n'
        + b"<r>" + _rec("Bj\xf6rn &Ouml;berg").encode("latin-1") + b"</r>\n"
        + b"<coauthors><co/></coauthors>\n</dblpperson>\n"
    )
    items = list(dblp.read(f))
    assert [type(i) for i in items] == [Record, Skipped, Record]
    assert items[2].title == "Björn Öberg"  # type: ignore[union-attr]
    assert items[2].source_ref == "person.xml:6"


def test_junk_after_the_document_element_is_read_on(tmp_path: Path) -> None:
    f = tmp_path / "early.xml"
    f.write_text("<dblp>\n" + _rec("One") + "</dblp>\n" + _rec("Two") + _rec("Three"))
    items = list(dblp.read(f))
    assert [getattr(i, "title", None) for i in items] == ["One", None, "Two", "Three"]
    assert isinstance(items[1], Skipped) and "junk after document element" in items[1].detail


def test_every_record_damaged_stays_linear(tmp_path: Path) -> None:
    """Each record opens a comment that only the next record's ``--`` ends, or a CDATA section
    that never ends: every record is reported once, and no region is parsed again and again
    (the look-back after an error is bounded, see ``REPARSE_ALLOWANCE``)."""
    f = tmp_path / "hostile.xml"
    body = "".join(_rec(f"T{i}").replace("</article>", "<!--</article>") for i in range(3000))
    f.write_text("<dblp>\n" + body + "</dblp>\n")
    items = list(dblp.read(f))
    assert len(items) == 3000 and all(i.reason == "malformed-xml" for i in items)  # type: ignore[union-attr]
    assert [i.source_ref for i in items] == [f"hostile.xml:{n}" for n in range(2, 3002)]


def test_look_back_after_errors_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every record opens a CDATA section that never ends, so each error is met at the end of
    the file and each look-back would parse the rest of the file again (quadratic). Past the
    budget the reader searches on from where the parser stopped: here, the end of the file."""
    monkeypatch.setattr(dblp, "REPARSE_ALLOWANCE", 0)
    body = "".join(_rec(f"T{i}").replace("<title>", "<title><![CDATA[") for i in range(2000))
    f = tmp_path / "cdata.xml"
    f.write_text("<dblp>\n" + body + "</dblp>\n")
    size = f.stat().st_size
    items = list(dblp.read(f))
    assert all(isinstance(i, Skipped) and i.reason == "malformed-xml" for i in items)
    # each look-back re-parses about the whole file, and the budget is twice the bytes read:
    # two look-backs (records 1 and 2 reported), then the search starts at the end of the file
    assert len(items) == 3, [i.source_ref for i in items]
    assert items[0].source_ref == "cdata.xml:2" and size > 100_000
