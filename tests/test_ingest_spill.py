"""A bulk load past MAX_RUN_PAPER_IDS / MAX_RUN_AUTHORS hands look-ups to the store: same store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import graphsvc.ingest as ingest_mod
from graphsvc.identity.seen import SeenFilter
from graphsvc.ingest import Ingestor
from graphsvc.model import RawAuthor, Record
from graphsvc.sources import read_records
from graphsvc.store.sqlite import SQLiteStore

SAMPLE = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"
#: 2019 on, without dblp's author ids: names resolved by keys and co-author evidence
WITHOUT_IDS = Path(__file__).parent / "data" / "identity" / "dblp-ppopp-socc-2019on.xml.gz"
TABLES = ("authors", "author_ids", "variants", "papers", "paper_ids", "provenance",
          "authorships", "coauthors", "evidence", "duplicates")


def _rec(title: str, names: list[str], ref: str, ids: dict[str, str] | None = None,
         doi: str | None = None, year: int = 2020) -> Record:
    return Record(title, [RawAuthor(n, None, None, None, {}) for n in names], ref, year,
                  "Venue", doi, ids or {}, "csv")


def _records() -> list[Record]:
    out = [x for x in read_records(SAMPLE) if isinstance(x, Record)]
    first = out[0]
    names = [a.name for a in first.authors]
    late = [
        # the same dblp key again, with an arXiv id the paper did not have: one paper
        Record(first.title, list(first.authors), "late:1", first.year, first.venue, None,
               {"dblp": first.ids["dblp"], "arxiv": "2001.00001"}, "dblp"),
        # that arXiv id alone: the same paper
        _rec("Something else entirely", names, "late:2", {"arxiv": "2001.00001"}),
        # no ids, same title, year and authors as an early paper: the same paper
        _rec(first.title or "", names, "late:3", year=first.year or 0),
        # same title, other authors: another paper
        _rec(first.title or "", ["Nobody Else", "Someone New"], "late:4",
             year=first.year or 0),
        # a DOI of an early paper: the same paper
        _rec("Other title", ["X Y"], "late:5", doi=next(r.doi for r in out if r.doi)),
        # another dblp key with the same title and authors: another paper
        Record(first.title, list(first.authors), "late:6", first.year, first.venue, None,
               {"dblp": "conf/x/Other20"}, "dblp"),
    ]
    return out + late + out[:10]


def _without_ids() -> list[Record]:
    out = []
    for x in read_records(WITHOUT_IDS):
        if isinstance(x, Record):
            x.authors = [RawAuthor(a.name, a.family, a.given, a.suffix, {}) for a in x.authors]
            out.append(x)
    return out


Dump = dict[str, list[tuple[object, ...]]]


def _load(db: Path, batch_size: int,
          records: Callable[[], list[Record]] = _records) -> tuple[Dump, bool, bool]:
    store = SQLiteStore(db)
    try:
        assert store.defer_indexes()
        ing = Ingestor(store, batch_size=batch_size)
        for rec in records():
            ing.add(rec)
        ing.flush()
        store.restore_indexes()
        spilled = ing._seen is not None
        authors_spilled = not ing.resolver.complete
        dump = {t: sorted(store.db.execute(f"SELECT * FROM {t}").fetchall(),  # noqa: S608
                          key=repr) for t in TABLES}
    finally:
        store.close()
    return dump, spilled, authors_spilled


def test_spilled_bulk_load_writes_the_same_store(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    whole, spilled, authors_spilled = _load(tmp_path / "a.sqlite3", 10_000)
    assert not spilled and not authors_spilled
    monkeypatch.setattr(ingest_mod, "MAX_RUN_PAPER_IDS", 30)
    small, spilled, authors_spilled = _load(tmp_path / "b.sqlite3", 7)
    assert spilled and not authors_spilled
    for t in TABLES:
        assert small[t] == whole[t], t
    # and the authors too: the store answers for them past MAX_RUN_AUTHORS
    monkeypatch.setattr(ingest_mod, "MAX_RUN_AUTHORS", 60)
    monkeypatch.setattr(ingest_mod, "AUTHOR_CACHE_BYTES", 20 * 300)
    small, spilled, authors_spilled = _load(tmp_path / "c.sqlite3", 7)
    assert spilled and authors_spilled
    for t in TABLES:
        assert small[t] == whole[t], t
    # the late records did what their comments say
    papers = {r[0]: r for r in whole["papers"]}
    provenance = {}
    for pid, ref in whole["provenance"]:
        provenance.setdefault(pid, set()).add(ref)
    first = min(papers)
    assert {"late:1", "late:2", "late:3"} <= provenance[first]
    assert len(papers) == 100 + 2  # late:4 and late:6


def test_spilled_authors_without_ids_same_store(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    whole, _, authors_spilled = _load(tmp_path / "a.sqlite3", 10_000, _without_ids)
    assert not authors_spilled
    monkeypatch.setattr(ingest_mod, "MAX_RUN_PAPER_IDS", 100)
    monkeypatch.setattr(ingest_mod, "MAX_RUN_AUTHORS", 300)
    monkeypatch.setattr(ingest_mod, "AUTHOR_CACHE_BYTES", 200 * 300)
    small, spilled, authors_spilled = _load(tmp_path / "b.sqlite3", 50, _without_ids)
    assert spilled and authors_spilled
    assert len(whole["authors"]) > 1000 and whole["evidence"]
    for t in TABLES:
        assert small[t] == whole[t], t


#: every author cache of the resolver, and the fewest bytes an entry of one holds
_CACHES = ("_ext", "_spell", "_sig", "_givens", "_dblp", "_cands", "_noted", "_known",
           "_new_givens")
_MIN_ENTRY_BYTES = 190


def test_author_caches_stay_within_one_budget(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 17 item 2: the caches' sum is bounded, not each cache alone (eight caches of
    500,000 entries each grew a 7M-record ingest by a GB once its authors spilled)."""
    budget = 3000 * _MIN_ENTRY_BYTES
    monkeypatch.setattr(ingest_mod, "MAX_RUN_PAPER_IDS", 100)
    monkeypatch.setattr(ingest_mod, "MAX_RUN_AUTHORS", 300)
    monkeypatch.setattr(ingest_mod, "AUTHOR_CACHE_BYTES", budget)
    after_flush: list[int] = []
    flush = Ingestor.flush

    def counting(self: Ingestor) -> None:
        flush(self)
        if not self.resolver.complete:
            after_flush.append(sum(len(getattr(self.resolver, k)) for k in _CACHES))

    monkeypatch.setattr(Ingestor, "flush", counting)
    whole, _, _ = _load(tmp_path / "a.sqlite3", 10_000, _without_ids)
    small, _, authors_spilled = _load(tmp_path / "b.sqlite3", 20, _without_ids)
    assert authors_spilled and len(after_flush) > 20
    assert max(after_flush) * _MIN_ENTRY_BYTES <= budget
    assert 0 in after_flush  # trimmed on the way
    for t in TABLES:
        assert small[t] == whole[t], t


def test_seen_filter_has_no_false_negatives() -> None:
    f = SeenFilter(bits_log2=12)
    keys = [("dblp", f"k{i}") for i in range(300)] + [("\x00title", "t", i) for i in range(50)]
    for k in keys:
        f.add(k)
    assert all(k in f for k in keys)
    assert len(f) == len(keys)
