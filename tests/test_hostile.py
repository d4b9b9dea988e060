"""Hostile input: every file of ``tests/data/hostile`` (and generated giants) through ``ingest``.

Each test ingests into a fresh embedded store and checks the three promises of DESIGN.md
("Bad input"): the bad part is reported with its ``source_ref`` and a reason, the good records
of the same file are ingested, and nothing else changes (no crash, no hang, no network access,
nothing stored that the file does not hold). Only a file that cannot be read at all raises, and
then a ``GraphsvcError`` with a one-line message.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
import signal
import socket
import sys
import time
import tracemalloc
import unicodedata
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from graphsvc.errors import GraphsvcError, ParseError
from graphsvc.ingest import IngestReport, ingest
from graphsvc.names import parse_name
from graphsvc.sources import detect_format
from graphsvc.store.sqlite import SQLiteStore

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGALRM for time limits")

HOSTILE = Path(__file__).parent / "data" / "hostile"
GOOD = {"Notes on the Analytical Engine", "On the Connexion of the Physical Sciences"}
GOOD_AUTHORS = {"Ada Lovelace", "Charles Babbage", "Mary Somerville"}
#: time limits catch hangs (exponential or quadratic work), not slowness: every input here takes
#: well under a second on a laptop, so the bounds are generous for a loaded CI machine; only
#: the refusal of an entity bomb is held to 2 s. A run is interrupted at twice its limit.
LIMIT = 20.0
ENTITY_LIMIT = 2.0


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Any attempt to open a connection or resolve a name fails the test."""
    attempts: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(args)
        raise OSError("network access attempted while reading hostile input")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield attempts
    assert attempts == []


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "hostile.sqlite3")
    yield s
    s.close()


def _too_slow(signum: int, frame: object) -> None:
    raise TimeoutError("ingest still running: a hang on hostile input")


def run(store: SQLiteStore, *paths: Path, limit: float = LIMIT) -> IngestReport:
    """``ingest`` with a time limit, interrupted (not just failed) at twice the limit."""
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.setitimer(signal.ITIMER_REAL, 2 * limit)
    started = time.perf_counter()
    try:
        rep = ingest(store, list(paths))
    except TimeoutError:
        # a fresh exception: the interrupted frames' traceback is of no use (and pytest may
        # fail to render a frame interrupted by a signal)
        raise AssertionError(
            f"ingesting {[p.name for p in paths]} still ran after {2 * limit:g} s"
        ) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    took = time.perf_counter() - started
    assert took < limit, f"ingesting {[p.name for p in paths]} took {took:.1f} s"
    return rep


def titles(store: SQLiteStore) -> set[str | None]:
    return {t for (t,) in store.db.execute("SELECT title FROM papers")}


def names(store: SQLiteStore) -> set[str]:
    return {n for (n,) in store.db.execute("SELECT name FROM authors")}


def reasons(rep: IngestReport) -> dict[str, int]:
    return dict(rep.skipped_reasons)


def example(rep: IngestReport, reason: str) -> dict[str, str]:
    """The first reported example with ``reason``; also checks it was persisted with the run."""
    found = [e for e in rep.examples if e["reason"] == reason]
    assert found, f"no {reason!r} in {rep.examples}"
    return found[0]


def assert_consistent(store: SQLiteStore) -> None:
    """Every paper has its authorships; authors' paper counts match them."""
    q = store.db.execute
    assert q(
        "SELECT count(*) FROM papers p WHERE n_authors != "
        "(SELECT count(*) FROM authorships s WHERE s.paper_id = p.id)"
    ).fetchone()[0] == 0
    assert q(
        "SELECT count(*) FROM authors a WHERE papers != "
        "(SELECT count(*) FROM authorships s WHERE s.author_id = a.id)"
    ).fetchone()[0] == 0


def stored_skips(store: SQLiteStore) -> list[tuple[str, str]]:
    return [(r, why) for r, why in store.db.execute("SELECT source_ref, reason FROM skipped")]


def copy(name: str, tmp_path: Path, as_name: str | None = None) -> Path:
    dst = tmp_path / (as_name or name)
    shutil.copyfile(HOSTILE / name, dst)
    return dst


def dblp(tmp_path: Path, name: str, records: list[tuple[str, str, list[str]]]) -> Path:
    """A small well-formed dblp file of ``(key, title, authors)`` records."""
    body = "".join(
        f'<article key="{key}">'
        + "".join(f"<author>{a}</author>" for a in authors)
        + f"<title>{title}.</title><year>2001</year></article>\n"
        for key, title, authors in records
    )
    path = tmp_path / name
    path.write_text(f'<?xml version="1.0"?>\n<dblp>\n{body}</dblp>\n', encoding="utf-8")
    return path


# -- dblp XML ----------------------------------------------------------------------------------


def test_dblp_truncated_file_keeps_the_records_before_the_cut(store: SQLiteStore) -> None:
    rep = run(store, HOSTILE / "dblp-truncated.xml")
    assert reasons(rep) == {"malformed-xml": 1}
    ex = example(rep, "malformed-xml")
    # the skip names the record that was cut (line 17), and the line where the file ends
    assert ex["source_ref"] == "dblp-truncated.xml:17"
    assert "journals/hostile/Cut" in ex["detail"] and "line 19" in ex["detail"]
    assert "no element found" in ex["detail"]
    assert titles(store) == GOOD
    assert names(store) == GOOD_AUTHORS
    assert ("dblp-truncated.xml:17", "malformed-xml") in stored_skips(store)
    assert_consistent(store)


def test_dblp_malformed_record_is_reported_with_its_line(store: SQLiteStore) -> None:
    rep = run(store, HOSTILE / "dblp-malformed.xml")
    assert reasons(rep) == {"malformed-xml": 1}
    ex = example(rep, "malformed-xml")
    # the broken record (line 15) is named, with the line of the error; expat cannot go on
    # after it, so the reader resumes at the next record with a fresh parser
    assert ex["source_ref"] == "dblp-malformed.xml:15"
    assert "journals/hostile/Broken" in ex["detail"] and "line 17" in ex["detail"]
    assert "mismatched tag" in ex["detail"]
    assert titles(store) == GOOD | {"A record after the broken one"}
    assert "Caroline Herschel" not in names(store)
    assert {"Emmy Noether", "Hermann Weyl"} <= names(store)
    assert_consistent(store)


@pytest.mark.parametrize(
    ("name", "line", "declared"),
    [
        ("dblp-billion-laughs.xml", 3, "entity 'lol'"),
        ("dblp-xxe.xml", 3, "parameter entity 'remote'"),
    ],
)
def test_dblp_entity_declarations_are_refused_quickly_in_bounded_memory(
    store: SQLiteStore, tmp_path: Path, name: str, line: int, declared: str
) -> None:
    before = dblp(tmp_path, "before.xml", [("x/Before", "Before the bomb", ["Ada Lovelace",
                                                                           "Charles Babbage"])])
    after = dblp(tmp_path, "after.xml", [("x/After", "After the bomb", ["Mary Somerville",
                                                                        "Ada Lovelace"])])
    tracemalloc.start()
    try:
        rep = run(store, before, HOSTILE / name, after, limit=ENTITY_LIMIT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20, f"peak {peak >> 20} MiB"
    assert reasons(rep) == {"entity-declaration-refused": 1}
    ex = example(rep, "entity-declaration-refused")
    assert ex["source_ref"] == f"{name}:{line}"
    assert declared in ex["detail"] and "refused" in ex["detail"]
    # the files around the hostile one are ingested; the hostile document is refused whole
    assert titles(store) == {"Before the bomb", "After the bomb"}
    assert names(store) == GOOD_AUTHORS
    texts = " ".join(
        str(v) for row in store.db.execute("SELECT * FROM authorships") for v in row
    ) + " ".join(names(store))
    assert "lol" not in texts and "root:" not in texts  # nothing expanded, nothing fetched
    assert_consistent(store)


def test_dblp_quadratic_blowup_is_refused(store: SQLiteStore, tmp_path: Path) -> None:
    """One 50 kB entity referenced 20,000 times (1 GB if expanded): no nesting needed."""
    big = "x" * 50_000
    refs = "&a;" * 20_000
    path = tmp_path / "blowup.xml"
    path.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE dblp [<!ENTITY a "{big}">]>\n<dblp>\n'
        f'<article key="x/Blowup"><author>{refs}</author><author>Ada Lovelace</author>'
        f"<title>Blowup</title></article>\n</dblp>\n"
    )
    tracemalloc.start()
    try:
        rep = run(store, path, limit=ENTITY_LIMIT)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 << 20
    assert example(rep, "entity-declaration-refused")["source_ref"] == "blowup.xml:2"
    assert store.counts()["papers"] == 0


def test_dblp_external_dtd_is_never_fetched(store: SQLiteStore) -> None:
    """``<!DOCTYPE dblp SYSTEM "http://…">``: dblp's entities resolve without loading it."""
    rep = run(store, HOSTILE / "dblp-external-dtd.xml")
    assert rep.skipped == 0
    assert titles(store) == {"Invariante Variationsprobleme",
                             "An entity from the (never loaded) external DTD"}
    assert names(store) == {"Emmy Noether", "Hermann Weyl", "Mario Günther"}


# -- BibTeX ------------------------------------------------------------------------------------


def test_bibtex_unbalanced_braces_and_quotes(store: SQLiteStore) -> None:
    """Damage outside the author list loses only the damaged field (issue 16 item 11); a
    damaged author list loses the entry."""
    rep = run(store, HOSTILE / "bibtex-unbalanced.bib")
    assert reasons(rep) == {"damaged-field": 2, "syntax-error": 1}
    got = {(e["source_ref"], e["reason"], e["detail"].split(";", 1)[-1].strip())
           for e in rep.examples}
    assert got == {
        ("bibtex-unbalanced.bib#missing_close", "damaged-field",
         "the entry is kept, field(s) title lost"),
        ("bibtex-unbalanced.bib#extra_close", "damaged-field", "the entry is kept, no field lost"),
        ("bibtex-unbalanced.bib:21", "syntax-error",
         "unclosed_quote: a quoted value is not closed"),
    }
    assert titles(store) == GOOD | {None, "An extra brace ends the entry early"}
    assert names(store) == GOOD_AUTHORS | {"Caroline Herschel", "William Herschel",
                                           "Emmy Noether", "Hermann Weyl"}
    assert_consistent(store)


def test_bibtex_percent_comment_lines_inside_entries(store: SQLiteStore) -> None:
    """Runs of ``%`` after the last field once made the field regex backtrack exponentially."""
    rep = run(store, HOSTILE / "bibtex-comments-in-entry.bib")
    assert rep.skipped == 0
    assert {t.lower() for t in titles(store) if t} == {t.lower() for t in GOOD}


@pytest.mark.parametrize("shape", ["one line", "many lines", "never closed", "authors"])
def test_bibtex_10_mb_field(store: SQLiteStore, tmp_path: Path, shape: str) -> None:
    good1 = (
        "@article{good1,\n  author = {Lovelace, Ada and Babbage, Charles},\n"
        "  title = {Notes on the Analytical Engine},\n  year = 1843,\n}\n"
    )
    good2 = (
        "@article{good2,\n  author = {Somerville, Mary and Lovelace, Ada},\n"
        "  title = {On the Connexion of the Physical Sciences},\n  year = 1834,\n}\n"
    )
    mb10 = 10 << 20
    if shape == "one line":
        big = "@article{big, author = {Curie, Marie}, title = {" + "x" * mb10 + "}}\n"
    elif shape == "authors":
        big = "@article{big, author = {" + "Curie, Marie and " * (mb10 // 17) + "X, Y}}\n"
    else:
        line = "a line of a very long abstract\n"
        big = "@article{big,\n author = {Curie, Marie},\n abstract = {" + line * (mb10 // len(line))
        big += "" if shape == "never closed" else "}\n}\n"
    path = tmp_path / "big.bib"
    path.write_text(good1 + good2 + big if shape == "never closed" else good1 + big + good2)
    rep = run(store, path)
    assert reasons(rep) == {"entry-too-large": 1}
    ex = example(rep, "entry-too-large")
    assert ex["source_ref"] == f"big.bib:{11 if shape == 'never closed' else 6}"
    assert ex["detail"].startswith("big: ")
    assert titles(store) == GOOD
    assert names(store) == GOOD_AUTHORS


def test_bibtex_truncated_gzip(store: SQLiteStore, tmp_path: Path) -> None:
    entries = "".join(
        f"@article{{k{i},\n  author = {{Filler{i}, Author and Lovelace, Ada}},\n"
        f"  title = {{Filler {i}}},\n  year = 1850,\n}}\n"
        for i in range(3000)
    )
    whole = gzip.compress(entries.encode(), mtime=0)
    path = tmp_path / "refs.bib.gz"
    path.write_bytes(whole[: len(whole) // 2])
    rep = run(store, path)
    # the entry cut in the middle, then the damage itself
    assert reasons(rep) == {"unbalanced-braces": 1, "read-error": 1}
    assert example(rep, "read-error")["source_ref"] == "refs.bib.gz:0"
    assert "not closed at the end of the file" in example(rep, "unbalanced-braces")["detail"]
    assert 1000 < rep.papers < 3000
    assert "Filler 0" in titles(store)
    assert_consistent(store)


# -- CSV ---------------------------------------------------------------------------------------


def test_csv_broken_quoting(store: SQLiteStore) -> None:
    rep = run(store, HOSTILE / "csv-broken-quoting.csv")
    assert reasons(rep) == {"bad-row": 2}
    got = {(e["source_ref"], e["detail"]) for e in rep.examples}
    assert ("csv-broken-quoting.csv:3", "line 3: broken quoting: ',' expected after '\"'") in got
    assert ("csv-broken-quoting.csv:5", "line 5: 5 columns, header has 3") in got
    # a quote inside an unquoted field is text (RFC 4180 readers agree), not an error
    assert titles(store) == GOOD | {'A stray "quote" in an unquoted field'}
    assert names(store) == GOOD_AUTHORS | {"Emmy Noether", "Hermann Weyl"}


ACCENTED = {"Mario Günther", "Jürgen Müller", "François Viète", "Émilie du Châtelet"}


@pytest.mark.parametrize(
    "name", ["csv-latin1.csv", "csv-utf16-bom.csv", "csv-utf16be-bom.csv",
             "csv-utf8-bom-mixed.csv"],
)
def test_csv_encodings(store: SQLiteStore, name: str) -> None:
    rep = run(store, HOSTILE / name)
    assert rep.skipped == 0
    assert names(store) >= ACCENTED
    assert {"Über Mathematik", "Études"} <= titles(store)
    assert not any("\ufffd" in n for n in names(store))
    if name == "csv-utf8-bom-mixed.csv":  # Windows-1252 punctuation in one row
        assert "Seán O’Brien" in names(store)
        assert "O’Brien’s “quoted” title" in titles(store)


def test_csv_utf16_with_undecodable_bytes(store: SQLiteStore) -> None:
    """A lone surrogate becomes U+FFFD in its row; a dangling odd byte is a bad row."""
    rep = run(store, HOSTILE / "csv-utf16-broken.csv")
    assert reasons(rep) == {"bad-row": 1}
    assert example(rep, "bad-row")["source_ref"] == "csv-utf16-broken.csv:6"
    assert names(store) >= ACCENTED
    assert {"Ann Lee", "Bob Roe"} <= names(store)
    assert any(t and "\ufffd" in t and "Lone surrogate above" in t for t in titles(store))


def test_utf16_table_is_detected_without_a_telling_suffix(tmp_path: Path) -> None:
    assert detect_format(copy("csv-utf16-bom.csv", tmp_path, "export.txt")) == "csv"


def test_csv_without_authors_column_is_reported_and_the_other_files_go_in(
    store: SQLiteStore, tmp_path: Path
) -> None:
    good = copy("csv-latin1.csv", tmp_path)
    bad = tmp_path / "people.csv"
    bad.write_text("name,email\nAda,ada@example.org\n")
    rep = ingest(store, [bad, good])
    assert rep.skipped_reasons["unreadable-file"] == 1
    assert rep.examples[0]["source_ref"] == "people.csv:0"
    assert "no authors column in the header" in rep.examples[0]["detail"]
    assert "no authors column" in rep.files[0]["error"]
    assert store.counts()["papers"] == rep.papers > 0
    with pytest.raises(ParseError, match="no authors column in the header"):
        ingest(store, [bad])  # nothing at all could be read: the command fails
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(ParseError, match="empty file"):
        ingest(store, [empty])
    with pytest.raises(GraphsvcError, match="no such file"):
        ingest(store, [tmp_path / "missing.csv"])
    assert store.counts()["papers"] == rep.papers


# -- JSON --------------------------------------------------------------------------------------


def test_json_wrong_types(store: SQLiteStore) -> None:
    rep = run(store, HOSTILE / "json-wrong-types.jsonl")
    assert reasons(rep) == {"no-authors": 2, "bad-json": 1, "unrecognised-json": 4}
    refs = {(e["source_ref"], e["reason"]) for e in rep.examples}
    assert refs == {
        ("json-wrong-types.jsonl:2", "no-authors"),  # authors: 42
        ("json-wrong-types.jsonl:8", "no-authors"),  # authors: null
        ("json-wrong-types.jsonl:9", "bad-json"),  # a cut-off line
        ("json-wrong-types.jsonl:10", "unrecognised-json"),  # [1, 2, 3]
        ("json-wrong-types.jsonl:11", "unrecognised-json"),  # "just a string"
        ("json-wrong-types.jsonl:12", "unrecognised-json"),  # null
        ("json-wrong-types.jsonl:13", "unrecognised-json"),  # {"results": "not a list"}
    }
    rows = {
        t: (y, d)
        for t, y, d in store.db.execute("SELECT title, year, doi FROM papers")
    }
    assert rows["A title given as a list"] == (1918, None)
    assert rows["Year abc"] == (None, None)
    assert rows[None] == (1787, None)  # title {"nested": …}: none; year [1787] still read
    assert rows["Wrong id and doi types"] == (1834, None)  # doi 10.1145 (a number) ignored
    assert rows["ORCID as a number"] == (1816, None)
    assert set(rows) == GOOD | {"A title given as a list", "Year abc", None,
                                "Wrong id and doi types", "ORCID as a number"}
    assert {"Caroline Herschel", "William Herschel", "Sophie Germain"} <= names(store)
    orcids = store.db.execute("SELECT count(*) FROM author_ids WHERE kind = 'orcid'")
    assert orcids.fetchone() == (0,)


def test_json_nested_too_deeply(store: SQLiteStore, tmp_path: Path) -> None:
    lines = tmp_path / "deep.jsonl"
    good = [
        {"title": t, "authors": a}
        for t, a in zip(sorted(GOOD), (["Ada Lovelace", "Charles Babbage"],
                                       ["Mary Somerville", "Ada Lovelace"]), strict=True)
    ]
    lines.write_text(
        json.dumps(good[0]) + "\n" + '{"a":' * 100_000 + "1" + "}" * 100_000 + "\n"
        + json.dumps(good[1]) + "\n"
    )
    rep = run(store, lines)
    assert reasons(rep) == {"bad-json": 1}
    ex = example(rep, "bad-json")
    assert ex["source_ref"] == "deep.jsonl:2" and "nested too deeply" in ex["detail"]
    assert titles(store) == GOOD
    doc = tmp_path / "deep.json"
    doc.write_text("[" * 100_000 + "]" * 100_000)
    rep = run(store, doc)
    assert example(rep, "bad-json")["source_ref"] == "deep.json:1"
    assert titles(store) == GOOD


# -- team size ---------------------------------------------------------------------------------


def test_5000_author_paper_keeps_authorships_but_adds_no_edges(
    store: SQLiteStore, tmp_path: Path
) -> None:
    rnd = random.Random(5000)
    given = [f"{a}{b}" for a in ("Al", "Be", "Ca", "Do", "El", "Fa", "Gi", "Ha", "Io", "Jo")
             for b in ("na", "ric", "mon", "ssa", "vin", "tor", "lia", "ren", "dan", "sel")]
    family = [f"{a}{b}" for a in ("Ander", "Berg", "Castel", "Dahl", "Eriks", "Fonte", "Grau",
                                  "Holm", "Ivers", "Jans")
              for b in ("son", "mann", "lo", "berg", "ström", "ez", "ini", "sen", "ak", "ov")]
    people = sorted({f"{rnd.choice(given)} {rnd.choice(family)}" for _ in range(20_000)})[:5000]
    assert len(people) == 5000
    path = tmp_path / "atlas.jsonl"
    path.write_text(
        json.dumps({"title": "Observation of everything", "authors": people, "year": 2012})
        + "\n"
        + json.dumps({"title": "Notes on the Analytical Engine",
                      "authors": ["Ada Lovelace", "Charles Babbage"], "year": 1843})
        + "\n"
    )
    rep = run(store, path)
    assert rep.excluded_papers == 1 and rep.to_dict()["excluded_papers"] == 1
    assert rep.papers == 2 and rep.edges == 1
    counts = store.counts()
    assert counts["excluded_papers"] == 1 and counts["edges"] == 1
    n_authors, counted, ships = store.db.execute(
        "SELECT n_authors, counted, (SELECT count(*) FROM authorships WHERE paper_id = p.id) "
        "FROM papers p WHERE title = 'Observation of everything'"
    ).fetchone()
    assert (n_authors, counted, ships) == (5000, 0, 5000)
    assert_consistent(store)


def test_many_names_sharing_family_and_initial_take_bounded_time(
    store: SQLiteStore, tmp_path: Path
) -> None:
    """8,000 papers by "Xaaa Smith", "Xaab Smith" …: all one signature (``smith|x``)."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    given = [f"X{a}{b}{c}" for a in letters for b in letters for c in letters][:8000]
    path = tmp_path / "smiths.csv"
    path.write_text("title,authors\n" + "".join(
        f'"Paper {i}","{g} Smith; Ada Lovelace"\n' for i, g in enumerate(given)))
    rep = run(store, path)
    assert rep.papers == 8000 and rep.authors == 8001


# -- names -------------------------------------------------------------------------------------


def test_empty_and_whitespace_names(store: SQLiteStore, tmp_path: Path) -> None:
    rep = run(store, HOSTILE / "json-empty-names.jsonl")
    assert reasons(rep) == {"no-authors": 2, "bad-author-name": 1}
    got = {(e["source_ref"], e["reason"]) for e in rep.examples}
    assert got == {
        ("json-empty-names.jsonl:1", "no-authors"),
        ("json-empty-names.jsonl:2", "bad-author-name"),
        ("json-empty-names.jsonl:3", "no-authors"),
    }
    assert "3 author name(s) without letters" in example(rep, "bad-author-name")["detail"]
    rows = dict(store.db.execute("SELECT title, n_authors FROM papers"))
    assert rows == {"Names without letters": 2, "Empty strings among good names": 2}
    assert names(store) == GOOD_AUTHORS
    # the same in the other formats
    (tmp_path / "e.csv").write_text('title,authors\n"Empty names"," ;  ; "\n')
    (tmp_path / "e.bib").write_text("@article{e, author = {  and   and }, title = {Empty}}\n")
    rep = run(store, tmp_path / "e.csv", tmp_path / "e.bib")
    assert {(e["source_ref"], e["reason"]) for e in rep.examples} == {
        ("e.csv:2", "no-authors"), ("e.bib#e", "no-authors")}
    assert store.counts()["papers"] == 2


MARKUP = {
    "dblp-markup-names.xml": [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        '<b onmouseover="alert(1)">Charles Babbage</b>',
    ],
    "bibtex-markup-names.bib": [
        "<script>alert(1)</script>", "{<img src=x onerror=alert(1)>}",
        r"\textless{}svg onload=alert(1)\textgreater{}",
    ],
    "json-markup-names.jsonl": [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
        '"><svg/onload=alert(1)>', "javascript:alert(1)",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
    ],
}


@pytest.mark.parametrize("name", sorted(MARKUP))
def test_markup_in_names_is_stored_as_text(store: SQLiteStore, name: str) -> None:
    rep = run(store, HOSTILE / name)
    assert rep.skipped == 0
    raw = {r: n for r, n in store.db.execute(
        "SELECT s.raw_name, a.name FROM authorships s JOIN authors a ON a.id = s.author_id")}
    for markup in MARKUP[name]:
        # the mention is kept exactly as the source gave it ...
        assert markup in raw, markup
        # ... and the author's name is the plain name-parsing of it: not escaped (escaping is the
        # views' job), not stripped of tags (which could assemble new markup), not unescaped
        assert raw[markup] == parse_name(markup).display
        assert "&lt;" not in raw[markup] and "&gt;" not in raw[markup]
    assert "Ada Lovelace" in names(store)
    assert_consistent(store)


def test_html_escapes_in_names_are_not_unescaped(store: SQLiteStore, tmp_path: Path) -> None:
    path = tmp_path / "escaped.jsonl"
    path.write_text(json.dumps({"title": "T", "authors": ["&lt;script&gt;alert(1)&lt;/script&gt;",
                                                          "Ada Lovelace"]}))
    run(store, path)
    assert any(n.startswith("&lt;script&gt;") for n in names(store))
    assert not any("<" in n for n in names(store))


@pytest.mark.parametrize("name", ["json-control-chars.jsonl", "csv-control-chars.csv"])
def test_control_characters_are_stripped_from_names(store: SQLiteStore, name: str) -> None:
    rep = run(store, HOSTILE / name)
    assert rep.skipped == 0
    for n in names(store):
        bad = [c for c in n if unicodedata.category(c) in ("Cc", "Cf")]
        assert not bad, (n, bad)
    # "Ada\x00 Lovelace\x07" is the same person as "Ada Lovelace"
    assert store.db.execute(
        "SELECT count(*) FROM authors WHERE name = 'Ada Lovelace'").fetchone() == (1,)
    assert {"Ada Lovelace", "Mary Somerville", "Charles Babbage"} <= names(store)
    # the whole escape sequence goes, so "Charles\x1b[31m Babbage" is Charles Babbage
    assert not any("[31m" in n for n in names(store))
    assert store.db.execute(
        "SELECT count(*) FROM authors WHERE name = 'Charles Babbage'").fetchone() == (1,)


ABSTRACT = (
    "An abstract of the paper, long enough to read as prose: it says what was done, how it was "
    "done and what came of it, in a few sentences.\n"
)
LONG = 100_000
LONG_NAMES = {
    "letters": "A" * LONG,
    "hyphens": "Jean-" * (LONG // 5) + "Smith",
    "initials": "G.K." * (LONG // 4) + "Savvidy",
    "particles": "van " * (LONG // 4) + "Beethoven",
    "spaces": "Ada" + " " * LONG + "Byron",
    "tex": '\\"o' * (LONG // 3),
    "brackets": "(" * (LONG // 2) + "Ada" + ")" * (LONG // 2),
    "footnotes": "Ada " + "1 " * (LONG // 2) + "x",
}


LONG_TITLE, GOOD_TITLE = "Long Paper Title", "Good Paper Title"


def long_name_files(tmp_path: Path, long: str) -> list[Path]:
    """The same two records, one with a 100k-character author, in five formats."""
    xml = long.replace("&", "&amp;").replace("<", "&lt;")
    (tmp_path / "long.xml").write_text(
        '<?xml version="1.0"?>\n<dblp>\n'
        f'<article key="x/Long"><author>{xml}</author><author>Ada Lovelace</author>'
        f"<title>{LONG_TITLE}.</title></article>\n"
        '<article key="x/Good"><author>Mary Somerville</author><author>Ada Lovelace</author>'
        f"<title>{GOOD_TITLE}.</title></article>\n</dblp>\n"
    )
    bib_name = long.replace("{", "").replace("}", "")
    (tmp_path / "long.bib").write_text(
        f"@article{{long, author = {{{bib_name} and Lovelace, Ada}}, title = {{{LONG_TITLE}}}}}\n"
        "@article{good, author = {Somerville, Mary and Lovelace, Ada}, "
        f"title = {{{GOOD_TITLE}}}}}\n"
    )
    cell = long.replace('"', '""').replace(";", " ")
    (tmp_path / "long.csv").write_text(
        f'title,authors\n"{LONG_TITLE}","{cell}; Ada Lovelace"\n'
        f'"{GOOD_TITLE}","Mary Somerville; Ada Lovelace"\n'
    )
    (tmp_path / "long.jsonl").write_text(
        json.dumps({"title": LONG_TITLE, "authors": [long, "Ada Lovelace"]}) + "\n"
        + json.dumps({"title": GOOD_TITLE, "authors": ["Mary Somerville", "Ada Lovelace"]})
        + "\n"
    )
    (tmp_path / "long.txt").write_text(
        f"{LONG_TITLE}\n" + " ".join(long.split()) + ", Ada Lovelace\n\n"
        f"{GOOD_TITLE}\nMary Somerville\nAda Lovelace\n" + ABSTRACT
    )
    return [tmp_path / f"long.{ext}" for ext in ("xml", "bib", "csv", "jsonl", "txt")]


@pytest.mark.parametrize("shape", sorted(LONG_NAMES))
def test_extremely_long_names_take_bounded_time(tmp_path: Path, shape: str) -> None:
    for path in long_name_files(tmp_path, LONG_NAMES[shape]):
        s = SQLiteStore(tmp_path / f"{path.suffix[1:]}.sqlite3")
        try:
            rep = run(s, path)
            assert GOOD_TITLE in titles(s), path.name
            assert {"Ada Lovelace", "Mary Somerville"} <= names(s), path.name
            assert_consistent(s)
            if path.suffix == ".txt":
                continue  # on a page, a 100k-character line is no name: page text, ignored
            # the long mention is an author of its own, or reported: never lost silently
            (n,) = s.db.execute(
                "SELECT n_authors FROM papers WHERE title = ?", (LONG_TITLE,)).fetchone()
            assert n == 2 or (n == 1 and reasons(rep) == {"bad-author-name": 1}), path.name
            if n == 1:
                assert example(rep, "bad-author-name")["source_ref"].startswith("long."), path.name
        finally:
            s.close()


def test_text_page_with_junk_lines(store: SQLiteStore) -> None:
    rep = run(store, HOSTILE / "textpage-with-junk.txt")
    assert rep.skipped == 0
    assert titles(store) == GOOD
    assert names(store) == GOOD_AUTHORS


# -- binary garbage ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["random.bin", "image.png", "garbage.gz"])
def test_binary_garbage_finds_no_author_lists(store: SQLiteStore, name: str) -> None:
    assert detect_format(HOSTILE / name) == "text"
    rep = run(store, HOSTILE / name)
    assert reasons(rep) == {"no-author-lists": 1}
    ex = example(rep, "no-author-lists")
    assert ex["source_ref"] == f"{name}:0"
    assert ex["detail"] == "no author lists found on this page"
    assert store.counts()["papers"] == store.counts()["authors"] == 0


def test_corrupt_gzip_is_a_read_error(store: SQLiteStore) -> None:
    rep = run(store, HOSTILE / "corrupt.gz")
    assert reasons(rep) == {"read-error": 1}
    ex = example(rep, "read-error")
    assert ex["source_ref"] == "corrupt.gz:0" and "damaged data" in ex["detail"]
    assert store.counts()["papers"] == 0


def test_truncated_gzip_keeps_what_was_read(store: SQLiteStore) -> None:
    rep = run(store, HOSTILE / "truncated.xml.gz")
    assert reasons(rep) == {"read-error": 1}
    ex = example(rep, "read-error")
    assert ex["source_ref"].startswith("truncated.xml.gz:")
    assert "end-of-stream" in ex["detail"]
    assert 900 < rep.papers < 2001
    assert "Notes on the Analytical Engine" in titles(store)
    assert_consistent(store)


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "txt"])
def test_truncated_gzip_of_line_formats(store: SQLiteStore, tmp_path: Path, fmt: str) -> None:
    if fmt == "csv":
        body = "title,authors\n" + "".join(
            f'"Filler {i}","Filler{i} Author; Ada Lovelace"\n' for i in range(3000))
    elif fmt == "jsonl":
        body = "".join(json.dumps({"title": f"Filler {i}", "authors": [f"Filler{i} Author",
                                                                       "Ada Lovelace"]}) + "\n"
                       for i in range(3000))
    else:
        body = "".join(f"Notes on Filler Topic {i}\nJohn Filler\nAda Lovelace\n{ABSTRACT}\n"
                       for i in range(3000))
    whole = gzip.compress(body.encode(), mtime=0)
    path = tmp_path / f"cut.{fmt}.gz"
    path.write_bytes(whole[: len(whole) // 2])
    rep = run(store, path)
    assert reasons(rep) == {"read-error": 1}
    assert example(rep, "read-error")["source_ref"] == f"cut.{fmt}.gz:0"
    assert rep.papers > 500
    assert_consistent(store)
    tiny = tmp_path / "tiny.gz"
    tiny.write_bytes(whole[:15])  # cut inside the first deflate block: nothing to read
    rep = run(store, tiny)
    assert reasons(rep) == {"read-error": 1}


@pytest.mark.parametrize(
    ("suffix", "head", "reason", "mb"),
    [
        ("gz", b"", "no-author-lists", 96),
        ("jsonl.gz", b'{"title": "', "bad-json", 96),
        ("json.gz", b'["', "record-too-large", 272),
        ("csv.gz", b"title,authors\n", "bad-row", 96),
    ],
)
def test_gzip_bomb_without_line_breaks_is_read_in_bounded_memory(
    store: SQLiteStore, tmp_path: Path, suffix: str, head: bytes, reason: str, mb: int
) -> None:
    """A few hundred kB that decompress to ``mb`` MB of one line: lines are cut at 64 MiB
    (``MAX_LINE``), a JSON value over 8 MiB is not built, so memory stays bounded."""
    path = tmp_path / f"bomb.{suffix}"
    co = zlib.compressobj(9, zlib.DEFLATED, 31)
    with path.open("wb") as f:
        f.write(co.compress(head))
        block = b"x" * (1 << 20)
        for _ in range(mb):
            f.write(co.compress(block))
        f.write(co.flush())
    assert path.stat().st_size < 1 << 20
    tracemalloc.start()
    try:
        rep = run(store, path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 300 << 20, f"peak {peak >> 20} MiB"
    assert reasons(rep) == {reason: 1}
    assert example(rep, reason)["source_ref"].startswith(f"{path.name}:")
    assert store.counts()["papers"] == 0
