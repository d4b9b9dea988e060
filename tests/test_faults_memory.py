"""Fault catalogue, memory: every expansion is bounded (issue 14, item 3).

Each hostile file is ingested by a child process whose address space is limited
(``RLIMIT_AS``), so a regression fails here instead of eating the machine; the child reports
its peak RSS (and its reader process's), which must stay under 1 GB. Each file also holds good
records before and after the hostile part: the hostile part is refused or cut with a reason,
the good records go in.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS and ru_maxrss in KiB")

#: the child's address space: the bound that stops a regression (RSS is asserted separately)
ADDRESS_SPACE = 1536 << 20
PEAK_RSS_MB = 1024

CHILD = """
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[3]),) * 2)
from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore
store = SQLiteStore(Path(sys.argv[1]))
rep = ingest(store, [Path(sys.argv[2])])
titles = sorted(r[0] or "" for r in store.db.execute("SELECT title FROM papers"))
names = sorted(r[0] for r in store.db.execute("SELECT name FROM authors"))
refs = dict(store.db.execute(
    "SELECT p.title, v.source_ref FROM papers p JOIN provenance v ON v.paper_id = p.id"))
ru = resource.getrusage
rss = max(ru(resource.RUSAGE_SELF).ru_maxrss, ru(resource.RUSAGE_CHILDREN).ru_maxrss) >> 10
print(json.dumps({"rss_mb": rss, "report": rep.to_dict(), "titles": titles, "names": names,
                  "refs": refs}))
"""


def ingest_bounded(path: Path) -> dict[str, Any]:
    """Ingest ``path`` in a child with a limited address space; its report, titles, author
    names and peak RSS."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(path.with_suffix(".sqlite3")), str(path),
         str(ADDRESS_SPACE)],
        capture_output=True, text=True, timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    got: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["rss_mb"] < PEAK_RSS_MB, got["rss_mb"]
    assert "reader-error" not in got["report"]["skipped_reasons"], got["report"]
    return got


def gzip_stream(path: Path, parts: list[bytes | tuple[bytes, int]]) -> None:
    """Write ``parts`` gzipped; ``(chunk, n)`` is ``chunk`` repeated ``n`` times (streamed)."""
    with gzip.open(path, "wb", compresslevel=1) as f:
        for part in parts:
            if isinstance(part, tuple):
                chunk, n = part
                for _ in range(n):
                    f.write(chunk)
            else:
                f.write(part)


def test_bibtex_macros_that_double_at_each_level(tmp_path: Path) -> None:
    path = tmp_path / "doubling.bib"
    lines = ['@string{a0 = "xxxxxxxxxxxxxxxx"}']
    lines += [f"@string{{a{i} = a{i - 1} # a{i - 1}}}" for i in range(1, 41)]  # 16 B * 2^40
    lines += [
        "@article{before, author={Ada Lovelace and Alan Turing}, title={Before}, year=2000}",
        "@article{bomb, author={Ada Lovelace and Alan Turing}, title={B} # a40 # a40}",
        "@article{after, author={Ada Lovelace and Grace Hopper}, title={After}, year=2001}",
    ]
    path.write_text("\n".join(lines) + "\n")
    assert path.stat().st_size < 2000
    got = ingest_bounded(path)
    rep = got["report"]
    assert rep["skipped_reasons"]["value-too-large"] >= 1
    assert {"Before", "After"} <= set(got["titles"])


def test_one_gibibyte_text_node_in_a_small_gzipped_xml(tmp_path: Path) -> None:
    path = tmp_path / "node.xml.gz"
    rec = ('<article key="journals/x/{0}"><author>Ada Lovelace</author><author>Alan Turing'
           "</author><title>{0}</title><year>2000</year></article>\n")
    gzip_stream(path, [
        b'<?xml version="1.0"?>\n<dblp>\n', rec.format("Before").encode(),
        b'<article key="journals/x/bomb"><author>Ada Lovelace</author><title>',
        (b"x" * (1 << 20), 1024), b"</title></article>\n",
        rec.format("After").encode(), b"</dblp>\n",
    ])
    assert path.stat().st_size < 8 << 20
    got = ingest_bounded(path)
    rep = got["report"]
    assert rep["skipped_reasons"] == {"field-too-large": 1}
    assert rep["examples"][0]["source_ref"] == "node.xml.gz:4"
    assert got["titles"] == ["After", "Before"]


def test_gzipped_json_document_of_240_mib_of_small_objects(tmp_path: Path) -> None:
    path = tmp_path / "page.json.gz"
    rec = '{{"title": "{0}", "authors": [{{"name": "Ada Lovelace"}}, {{"name": "Alan Turing"}}]}}'
    pad = ('{"pad": [' + ",".join(["{}"] * 1000) + "]},").encode()  # 3 KB, 1,001 objects
    n = (240 << 20) // len(pad)
    gzip_stream(path, [b"[" + rec.format("Before").encode() + b",", (pad, n),
                       rec.format("After").encode() + b"]"])
    got = ingest_bounded(path)
    rep = got["report"]
    assert rep["skipped_reasons"] == {"unrecognised-json": n}
    assert got["titles"] == ["After", "Before"]


def test_a_json_line_of_small_objects_and_a_giant_csv_authors_cell(tmp_path: Path) -> None:
    jsonl = tmp_path / "lines.jsonl.gz"
    good = '{"title": "%s", "authors": [{"name": "Ada Lovelace"}, {"name": "Alan Turing"}]}\n'
    gzip_stream(jsonl, [(good % "Before").encode(), b'{"title": "big", "authors": [',
                        (b"{}," * 1000, 20_000), b"{}]}\n", (good % "After").encode()])
    got = ingest_bounded(jsonl)
    assert got["report"]["skipped_reasons"] == {"record-too-large": 1}
    assert got["titles"] == ["After", "Before"]

    table = tmp_path / "cells.csv.gz"
    gzip_stream(table, [b"title,authors\nBefore,Ada Lovelace; Alan Turing\nBig,",
                        (b"A B; " * 1000, 3000), b"\nAfter,Ada Lovelace; Grace Hopper\n"])
    got = ingest_bounded(table)
    assert got["report"]["skipped_reasons"] == {"field-too-large": 1}
    assert got["titles"] == ["After", "Before"]


def test_xml_with_a_million_authors_and_a_huge_attribute(tmp_path: Path) -> None:
    """The 64 MiB attribute is refused and costs only its own record: the reader resumes at
    the next record start tag with a fresh parser."""
    path = tmp_path / "authors.xml.gz"
    rec = ('<article key="journals/x/{0}"><author>Ada Lovelace</author><author>Alan Turing'
           "</author><title>{0}</title></article>\n")
    gzip_stream(path, [
        b"<dblp>\n", rec.format("Before").encode(), b'<article key="journals/x/many">',
        (b"<author>A B</author>" * 1000, 1000), b"<title>Many</title></article>\n",
        rec.format("After").encode(), b'<article key="', (b"k" * (1 << 20), 64), b'"/>\n',
        rec.format("Lost").encode(), b"</dblp>\n",
    ])
    got = ingest_bounded(path)
    rep = got["report"]
    assert rep["skipped_reasons"] == {"field-too-large": 1, "too-large": 1}
    assert got["titles"] == ["After", "Before", "Lost"]  # "Lost" was lost before resyncing
    (huge,) = [e for e in rep["examples"] if e["reason"] == "too-large"]
    assert huge["source_ref"] == "authors.xml.gz:5"
    assert '<article key="kkkk' in huge["detail"]


def dblp_rec(title: str, names: list[str]) -> bytes:
    authors = "".join(f"<author>{n}</author>" for n in names)
    key = title.replace(" ", "")
    return (f'<article key="journals/x/{key}">{authors}<title>{title}</title>'
            "<year>2001</year></article>\n").encode()


AFTER = [(f"After {i}", [f"Author{i} Lovelace", f"Author{i + 1} Lovelace"]) for i in range(300)]


@pytest.mark.parametrize("token", ["attribute", "tag", "comment"])
def test_oversize_xml_token_costs_only_its_record(tmp_path: Path, token: str) -> None:
    """A tag, attribute or comment over 16 MiB without an expat event: the record is skipped
    with its source_ref, every record after it goes in, line numbers stay right (the oversize
    part holds line breaks), the oversize token is never held, and peak RSS stays < 1 GB."""
    path = tmp_path / f"{token}.xml.gz"
    fill = (b"v\n" * (1 << 19), 48)  # 48 MiB, 24 Mi lines
    bad = {
        "attribute": ([b'<article key="journals/x/huge" note="'], b'"><author>Bad Bad</author>'
                      b"<title>Huge</title></article>\n"),
        "tag": ([b'<article key="journals/x/huge"><author>Bad Bad</author><title>Huge</title>'
                 b"<ee ", ], b"/></article>\n"),
        # a record start inside a comment is no record: the scan skips to the comment's end
        "comment": ([b"<!-- ", dblp_rec("Commented out", ["Ghost Writer", "Ghost Reader"])],
                    b" -->\n"),
    }[token]
    fill_part: bytes | tuple[bytes, int] = fill if token != "tag" else (b'a="1"\n' * 1000, 8000)
    gzip_stream(path, [
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<dblp>\n',
        dblp_rec("Before", ["Ada Lovelace", "Alan Turing"]),
        *bad[0], fill_part, bad[1],
        *(dblp_rec(t, n) for t, n in AFTER), b"</dblp>\n",
    ])
    got = ingest_bounded(path)
    rep = got["report"]
    assert rep["skipped_reasons"] == {"too-large": 1}, rep
    (ex,) = rep["examples"]
    assert ex["source_ref"] == f"{token}.xml.gz:4"
    assert ("journals/x/huge" if token != "comment" else "<!--") in ex["detail"]
    assert got["titles"] == sorted(["Before", *(t for t, _ in AFTER)])
    assert len(got["titles"]) == 301
    want_names = {"Ada Lovelace", "Alan Turing"} | {n for _, ns in AFTER for n in ns}
    assert set(got["names"]) == want_names
    breaks = 1 if token == "comment" else 0  # the commented-out record's own line break
    breaks += 1000 * 8000 if token == "tag" else 48 << 19
    first_after = 4 + breaks + 1
    assert got["refs"]["After 0"] == f"{token}.xml.gz:{first_after}"
    assert got["refs"]["After 299"] == f"{token}.xml.gz:{first_after + 299}"


def test_expansion_past_the_documented_ratio_stops_with_a_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import graphsvc.sources.base as base
    from graphsvc.sources import read_records

    monkeypatch.setattr(base, "EXPANSION_FLOOR", 1 << 20)
    path = tmp_path / "rows.csv.gz"
    row = b"Paper,Ada Lovelace; Alan Turing\n"
    path.write_bytes(gzip.compress(b"title,authors\n" + row * 200_000, 9))
    ratio = (len(row) * 200_000) / path.stat().st_size
    assert ratio > base.MAX_EXPANSION
    items = list(read_records(path))
    assert items[-1].reason == "too-large"  # type: ignore[union-attr]
    assert "expands past" in items[-1].detail  # type: ignore[union-attr]
    assert 1000 < len(items) < 200_000
