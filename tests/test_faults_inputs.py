"""Fault catalogue, bad input: a bad record or file never costs the good ones (issue 14, item 4).

Every format is fed good records mixed with randomly damaged copies of them (hypothesis
mutates the text: quotes, braces, escapes, lone surrogates, NUL, ESC, undecodable bytes); the
ingest never raises and every good record goes in. The three faults that once aborted whole
runs are pinned as examples: a lone surrogate in a JSON name, a 1,000-entry crossref chain,
one unreadable file among several.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graphsvc.sources.base as base
from graphsvc.errors import GraphsvcError
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore

#: given names and surnames of the good records: letters only, so any name survives parsing
GIVEN = ["Ada", "Brook", "Carmen", "Dmitri", "Edith", "Farid", "Grete", "Hamid"]
FAMILY = ["Lovelace", "Noether", "Hopper", "Turing", "Curie", "Meitner", "Ramanujan", "Galois"]
#: what damage inserts: syntax of every format, escapes, controls, non-ASCII, a lone surrogate
DAMAGE = ['"', "'", "{", "}", "\\", ",", ";", "<", ">", "&", "#", "=", "[", "]", ":", "\t",
          "\x00", "\x1b[31m", "\ud800", "\udc80", "\\udc80", "\\ud83d", "é", "\u202e", "\ufeff",
          "%", "and", "\u0301", "\U0001f600", "0" * 30]
SETTINGS = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def good_records(n: int) -> list[tuple[str, list[str], int]]:
    return [
        (f"Good paper number {chr(65 + i)}", [f"{GIVEN[i % 8]} {FAMILY[(i + j) % 8]}"
                                               for j in range(2)], 1990 + i)
        for i in range(n)
    ]


def _jsonl(title: str, names: list[str], year: int) -> str:
    return json.dumps({"title": title, "authors": [{"name": n} for n in names], "year": year})


def _csv(title: str, names: list[str], year: int) -> str:
    return f"{title},{'; '.join(names)},{year}"


def _bib(title: str, names: list[str], year: int, key: str = "") -> str:
    key = key or title.replace(" ", "")
    return f"@article{{{key},\n  title = {{{title}}},\n  author = {{{' and '.join(names)}}},\n" \
           f"  year = {year},\n}}"


def _dblp(title: str, names: list[str], year: int) -> str:
    authors = "".join(f"<author>{n}</author>" for n in names)
    return f'<article key="journals/x/{title.replace(" ", "")}">{authors}<title>{title}' \
           f"</title><year>{year}</year><journal>J</journal></article>"


#: format -> (suffix, header, line of one record, footer); damaged XML costs no later record
#: either: the reader resumes at the next record start tag with a fresh parser
FORMATS: dict[str, tuple[str, str, Callable[[str, list[str], int], str], str]] = {
    "jsonl": (".jsonl", "", _jsonl, ""),
    "csv": (".csv", "title,authors,year", _csv, ""),
    "bibtex": (".bib", "", _bib, ""),
    "dblp": (".xml", '<?xml version="1.0"?>\n<dblp>', _dblp, "</dblp>"),
}


@st.composite
def damaged(draw: st.DrawFn, line: str, fmt: str) -> str:
    """``line`` with a few random insertions, deletions and replacements."""
    chars = list(line)
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(chars)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        bit = draw(st.sampled_from(DAMAGE) | st.characters(codec=None, exclude_characters="\n"))
        if fmt == "csv" and '"' in bit:
            bit = "'"  # an open quote takes the following lines into its field, as CSV says
        if op == "insert" or not chars:
            chars.insert(pos, bit)
        elif op == "delete":
            del chars[min(pos, len(chars) - 1)]
        else:
            chars[min(pos, len(chars) - 1)] = bit
    return "".join(chars)


def write_mixed(path: Path, fmt: str, lines: list[str], raw_junk: bytes) -> None:
    _, header, _, footer = FORMATS[fmt]
    text = "\n".join(([header] if header else []) + lines + ([footer] if footer else [])) + "\n"
    data = text.encode("utf-8", "surrogatepass")  # lone surrogates written as such: bad UTF-8
    if fmt in ("jsonl", "csv") and raw_junk:
        data += raw_junk.replace(b"\n", b" ").replace(b"\r", b" ").replace(b'"', b"'") + b"\n"
    path.write_bytes(data)


@pytest.mark.parametrize("fmt", list(FORMATS))
@SETTINGS
@given(data=st.data(), junk=st.binary(max_size=40))
def test_damaged_records_cost_no_good_record(
    fmt: str, data: st.DataObject, junk: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp(fmt)
    suffix, _, render, _ = FORMATS[fmt]
    good = good_records(6)
    lines: list[str] = []
    for i, rec in enumerate(good):
        lines.append(render(*rec))
        if data.draw(st.booleans(), label=f"damage after {i}"):
            bad = data.draw(damaged(render(f"Bad paper {i}", ["Zed Bad", "Yan Bad"], 1970), fmt))
            if fmt == "bibtex":
                bad = bad.replace("\n@", "\n ")  # a damaged entry still ends where the next begins
            lines.append(bad)
    path = tmp / f"mixed{suffix}"
    write_mixed(path, fmt, lines, junk)
    store = SQLiteStore(tmp / "s.sqlite3")
    try:
        rep = ingest(store, [path], read_ahead=False)  # no exception may escape
        got = _titles(store)
    finally:
        store.close()
    want = {t for t, _, _ in good}
    if fmt == "bibtex":
        # a damaged neighbour can leave a '}' that closes nothing right after a good entry:
        # then the entry may have lost fields, and is named in the report instead
        named = " ".join(e["detail"] for e in rep.examples if e["reason"] == "unbalanced-braces")
        want = {t for t in want if t.replace(" ", "") not in named}
    assert want <= got, (rep.to_dict(), path.read_bytes()[:2000])
    assert json.dumps(rep.to_dict())  # the report itself is printable


def _titles(store: SQLiteStore) -> set[str]:
    return {row[0] for row in store.db.execute("SELECT title FROM papers")}


def test_lone_surrogate_in_a_json_name_costs_nothing_and_reruns(tmp_path: Path) -> None:
    path = tmp_path / "oa.jsonl"
    path.write_text(
        '{"title": "Poisoned", "authors": [{"name": "Ada \\udc80 Lovelace"}, {"name": "B Ho"}]}\n'
        + _jsonl("Clean", ["Grace Hopper", "Alan Turing"], 1950) + "\n"
    )
    for _ in range(2):  # the run once failed, and so did every re-run
        out = subprocess.run(
            [sys.executable, "-m", "graphsvc", "--data-dir", str(tmp_path / "d"), "ingest",
             str(path)], capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"},
            timeout=120,
        )
        assert out.returncode == 0, out.stderr
        assert "Traceback" not in out.stderr + out.stdout
        assert "oa.jsonl:1: invalid-unicode" in out.stdout + out.stderr
    store = SQLiteStore(tmp_path / "d" / "graphsvc.sqlite3")
    try:
        assert _titles(store) == {"Poisoned", "Clean"}
        assert store.counts()["papers"] == 2
    finally:
        store.close()


def test_a_thousand_entry_crossref_chain_resolves_without_recursion(tmp_path: Path) -> None:
    n = 3000  # far past the interpreter's recursion limit
    path = tmp_path / "chain.bib"
    with path.open("w") as f:
        for i in range(n):  # each child before its parent: the whole chain waits for the head
            f.write(f"@inproceedings{{e{i}, title={{Link {i}}}, author={{Ann Chain and Bo "
                    f"Link}}, crossref={{e{i + 1}}}}}\n")
        f.write(f"@proceedings{{e{n}, title={{The Head}}, year=2001, publisher={{P}}}}\n")
    store = SQLiteStore(tmp_path / "s.sqlite3")
    try:
        rep = ingest(store, [path])
        assert rep.papers == n
        # every link inherits from the head through the chain
        years = {row[0] for row in store.db.execute("SELECT year FROM papers")}
        assert years == {2001}
    finally:
        store.close()


def test_one_unreadable_file_among_several_costs_only_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = []
    for i, (title, names, year) in enumerate(good_records(3)):
        p = tmp_path / f"part{i}.csv"
        p.write_text(f"title,authors,year\n{_csv(title, names, year)}\n")
        files.append(p)
    real = base.open_binary

    def locked(path: Path) -> object:
        if Path(path).name == "part1.csv":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(base, "open_binary", locked)
    store = SQLiteStore(tmp_path / "s.sqlite3")
    try:
        rep = ingest(store, files, read_ahead=False)
        assert rep.papers == 2
        assert rep.skipped_reasons == {"unreadable-file": 1}
        assert rep.examples[0]["source_ref"] == "part1.csv:0"
        assert "Permission denied" in rep.examples[0]["detail"]
        assert [f.get("error") is not None for f in rep.files] == [False, True, False]
    finally:
        store.close()


def test_a_reader_that_breaks_mid_file_keeps_what_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graphsvc.sources.jsonsrc as jsonsrc

    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(_jsonl(*r) for r in good_records(4)) + "\n")
    other = tmp_path / "b.csv"
    other.write_text("title,authors,year\nOther,Ada Byron; Carl Gauss,1830\n")
    real = jsonsrc._record
    calls = {"n": 0}

    def flaky(obj: object, ref: str) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("a bug in a reader")
        return real(obj, ref)  # type: ignore[arg-type]

    monkeypatch.setattr(jsonsrc, "_record", flaky)
    store = SQLiteStore(tmp_path / "s.sqlite3")
    try:
        rep = ingest(store, [path, other], read_ahead=False)
        assert _titles(store) == {"Good paper number A", "Good paper number B", "Other"}
        assert rep.skipped_reasons == {"reader-error": 1}
        assert "RuntimeError: a bug in a reader" in rep.examples[0]["detail"]
    finally:
        store.close()


#: the other formats, each as a small valid sample: damage anywhere may cost records of a
#: format that cannot resynchronise, but never the run
SAMPLES = {
    "text": "Good paper number A\nAda Lovelace, Grete Noether\nJ. Things, 1990\n",
    "edgelist": "# a tie list\n1 2\n2 3\n3 4 2.5\n",
    "gml": 'graph [\n node [ id 1 label "Ada Lovelace" ]\n node [ id 2 label "Alan Turing" ]\n'
           " edge [ source 1 target 2 value 1.5 ]\n]\n",
    "json": json.dumps({"results": [{"title": "A", "authorships": [
        {"author": {"display_name": "Ada Lovelace", "id": "A1"}}]}]}),
    "tsv": "title\tauthors\tyear\nGood\tAda Lovelace; Alan Turing\t1990\n",
}


@pytest.mark.parametrize("fmt", list(SAMPLES))
@SETTINGS
@given(data=st.data())
def test_no_damage_to_any_format_escapes_as_an_exception(
    fmt: str, data: st.DataObject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tmp = tmp_path_factory.mktemp(fmt)
    path = tmp / f"sample.{fmt}"
    text = data.draw(damaged(SAMPLES[fmt], fmt))
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    store = SQLiteStore(tmp / "s.sqlite3")
    try:
        rep = ingest(store, [path], fmt=fmt, read_ahead=False)
        assert rep.records + rep.skipped >= 0
        json.dumps(rep.to_dict())
    except GraphsvcError as exc:  # only "nothing could be read", as one line
        assert "\n" not in str(exc)
    finally:
        store.close()
