"""Ingest pipeline on the embedded store: idempotence, paper identity, team-size cap, crashes."""

from __future__ import annotations

import pytest

from graphsvc.ingest import Ingestor, ingest_records
from graphsvc.model import RawAuthor, Record, Skipped
from graphsvc.store.sqlite import SQLiteStore


def rec(title, authors, ref, *, year=2020, ids=None, doi=None, source="test", venue=None):
    return Record(
        title=title,
        authors=[a if isinstance(a, RawAuthor) else RawAuthor(a) for a in authors],
        source_ref=ref,
        year=year,
        ids=ids or {},
        doi=doi,
        source=source,
        venue=venue,
    )


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "g.sqlite3")
    yield s
    s.close()


def snapshot(store: SQLiteStore) -> dict:
    q = store.db.execute
    return {
        "counts": store.counts(),
        "edges": q(
            "SELECT a, b, papers, round(weight, 9), first_year, last_year FROM coauthors "
            "ORDER BY a, b"
        ).fetchall(),
        "authorships": q("SELECT * FROM authorships ORDER BY paper_id, position").fetchall(),
        "authors": q("SELECT id, name, papers FROM authors ORDER BY id").fetchall(),
    }


SAMPLE = [
    rec("Graphs of science", ["Ada Lovelace", "Charles Babbage"], "a.bib#1", year=2001),
    rec(
        "More graphs", ["Charles Babbage", "Ada Lovelace", "Mary Somerville"], "a.bib#2", year=2005
    ),
    rec("Solo work", ["Mary Somerville"], "a.bib#3", year=2003),
]


def test_reingest_changes_nothing(store):
    first = ingest_records(store, SAMPLE)
    assert (first.papers, first.authors) == (3, 3)
    snap = snapshot(store)
    again = ingest_records(store, SAMPLE)
    assert again.papers == 0 and again.authors == 0 and again.duplicates == 3
    assert snapshot(store) == snap


def test_edge_weights_and_years(store):
    ingest_records(store, SAMPLE)
    edges = {(a, b): (p, w, f, last) for a, b, p, w, f, last in snapshot(store)["edges"]}
    # Lovelace(1)–Babbage(2): two joint papers, weights 1/(2-1) + 1/(3-1)
    assert edges[(1, 2)] == (2, 1.5, 2001, 2005)
    assert edges[(1, 3)] == (1, 0.5, 2005, 2005)
    assert store.author(3)["papers"] == 2


def test_same_paper_from_two_sources_is_one_paper(store):
    ingest_records(
        store, [rec("Deep Nets", ["Y Bengio", "Pascal Vincent"], "x.bib#k", doi="10.1/abc")]
    )
    rep = ingest_records(
        store,
        [
            # same DOI, other source
            rec(
                "Deep nets.",
                ["Yoshua Bengio", "P. Vincent"],
                "dblp.xml:10",
                ids={"dblp": "journals/x/BV"},
                doi="10.1/ABC",
                source="dblp",
            ),
            # no ids at all: same title, year and mostly the same authors
            rec("DEEP NETS", ["Bengio, Y.", "Vincent, Pascal"], "y.csv:2"),
        ],
    )
    assert rep.papers == 0 and rep.duplicates == 2
    assert store.counts()["papers"] == 1
    refs = [r[0] for r in store.db.execute("SELECT source_ref FROM provenance ORDER BY 1")]
    assert refs == ["dblp.xml:10", "x.bib#k", "y.csv:2"]
    assert store.paper_by_external("dblp", "journals/x/BV") == 1


def test_different_dblp_keys_are_different_papers(store):
    rep = ingest_records(
        store,
        [
            rec(
                "Opening remarks", ["Jane Chair"], "d.xml:1", year=2017, ids={"dblp": "conf/a/X17"}
            ),
            rec(
                "Opening remarks", ["Jane Chair"], "d.xml:9", year=2017, ids={"dblp": "conf/b/Y17"}
            ),
        ],
    )
    assert rep.papers == 2


def test_same_title_different_authors_are_different_papers(store):
    rep = ingest_records(
        store,
        [
            rec("Introduction", ["Ann Author", "Bob Writer"], "a:1"),
            rec("Introduction", ["Carl Other", "Dana Else"], "a:2"),
        ],
    )
    assert rep.papers == 2


def test_team_size_cap(store):
    big = [f"Person{chr(65 + i // 26)}{chr(65 + i % 26)} Big" for i in range(101)]
    rep = ingest_records(
        store,
        [
            rec("Huge collaboration", big, "h:1"),
            rec("Small", [big[0], big[1]], "h:2"),
        ],
    )
    assert rep.excluded_papers == 1
    assert store.counts()["edges"] == 1
    assert store.counts()["excluded_papers"] == 1
    # authorships are kept
    assert store.db.execute("SELECT count(*) FROM authorships").fetchone()[0] == 103
    # lifting the cap rebuilds every edge from the authorships
    ingest_records(store, [], max_team_size=0)
    assert store.counts()["edges"] == 101 * 100 // 2
    assert store.counts()["excluded_papers"] == 0


def test_skipped_are_reported_with_ref_and_reason(store):
    rep = ingest_records(
        store,
        [
            Skipped("f.xml:3", "malformed-xml", "line 3"),
            rec("No names", ["   ", "!!"], "f.xml:7"),
            rec("Fine", ["Ada Lovelace", "Charles Babbage"], "f.xml:9"),
        ],
    )
    assert rep.papers == 1
    assert rep.skipped_reasons["malformed-xml"] == 1
    assert rep.skipped_reasons["no-authors"] == 1
    assert {e["source_ref"] for e in rep.examples} >= {"f.xml:3", "f.xml:7"}
    stored = store.db.execute("SELECT source_ref, reason FROM skipped ORDER BY 1").fetchall()
    assert ("f.xml:3", "malformed-xml") in stored


def test_crash_mid_ingest_leaves_store_consistent_and_rerun_completes(tmp_path, monkeypatch):
    records = [
        rec(
            f"Paper {i}",
            [f"Author{i} Alpha", f"Author{i + 1} Alpha"],
            f"p:{i}",
            ids={"dblp": f"k/{i}"},
        )
        for i in range(30)
    ]
    clean = SQLiteStore(tmp_path / "clean.sqlite3")
    ingest_records(clean, records)
    expected = snapshot(clean)
    clean.close()

    s = SQLiteStore(tmp_path / "crash.sqlite3")
    calls = {"n": 0}
    real = SQLiteStore.apply_batch

    def flaky(self, batch):
        calls["n"] += 1
        if calls["n"] == 2:
            # write part of the batch, then die: the transaction must roll back
            self.db.execute("BEGIN")
            self.db.executemany(
                "INSERT INTO papers (id, title, title_key, n_authors, counted)"
                " VALUES (?, 'x', 'x', 0, 0)",
                [(p[0],) for p in batch.new_papers],
            )
            self.db.execute("ROLLBACK")
            raise KeyboardInterrupt("killed")
        return real(self, batch)

    monkeypatch.setattr(SQLiteStore, "apply_batch", flaky)
    with pytest.raises(KeyboardInterrupt):
        ing = Ingestor(s, batch_size=10)
        for r in records:
            ing.add(r)
        ing.flush()
    assert s.counts()["papers"] == 10  # first batch only, nothing half-written
    monkeypatch.setattr(SQLiteStore, "apply_batch", real)
    ingest_records(s, records)
    assert snapshot(s) == expected
    s.close()
