"""Look-ups of a whole batch at once (``Ingestor.prefetch``) change no answer of an ingest.

A store that answers many look-ups in one round trip (``lookup_authors``, ``lookup_papers``:
the Neo4j store) is asked once per batch instead of once per name, id and title. Here the
embedded store plays such a store, so the same ingests can be compared row for row with and
without the batched look-ups, without a server: into a non-empty store, with names that join
by spelling, by evidence and not at all, papers found again by id and by title.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import graphsvc.ingest
from graphsvc.ingest import ingest, ingest_records
from graphsvc.model import Record
from graphsvc.sources import read_records
from graphsvc.store.base import AuthorCandidate, PaperCandidate
from graphsvc.store.sqlite import SQLiteStore

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[1]
DBLP = ROOT / "graphsvc" / "data" / "dblp-ppopp-socc.xml.gz"
BIB = sorted((DATA / "bibtex").glob("*.bib"))
ONE_KEY = ("author_by_external", "authors_by_spell", "authors_by_signature",
           "paper_by_external", "papers_by_title")


class Counting(SQLiteStore):
    """The embedded store, counting the one-key look-ups an ingest makes."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.asked: Counter[str] = Counter()
        self.quiet = False

    def _count(self, name: str) -> None:
        if not self.quiet:
            self.asked[name] += 1

    def author_by_external(self, kind: str, value: str) -> int | None:
        self._count("author_by_external")
        return super().author_by_external(kind, value)

    def authors_by_spell(self, spell: str) -> list[AuthorCandidate]:
        self._count("authors_by_spell")
        return super().authors_by_spell(spell)

    def authors_by_signature(self, sig: str) -> list[AuthorCandidate]:
        self._count("authors_by_signature")
        return super().authors_by_signature(sig)

    def paper_by_external(self, kind: str, value: str) -> int | None:
        self._count("paper_by_external")
        return super().paper_by_external(kind, value)

    def papers_by_title(self, title_key: str, year: int | None) -> list[PaperCandidate]:
        self._count("papers_by_title")
        return super().papers_by_title(title_key, year)


class Batched(Counting):
    """... that also answers many look-ups at once, as the Neo4j store does (one call each)."""

    def lookup_authors(self, ids: Sequence[tuple[str, str]], spells: Sequence[str],
                       sigs: Sequence[str]) -> tuple[dict[Any, int], dict[str, Any],
                                                     dict[str, Any]]:
        self.asked["lookup_authors"] += 1
        self.quiet = True
        try:
            found = {k: v for k in ids if (v := self.author_by_external(*k)) is not None}
            return (found, {s: self.authors_by_spell(s) for s in spells},
                    {s: self.authors_by_signature(s) for s in sigs})
        finally:
            self.quiet = False

    def lookup_papers(self, ids: Sequence[tuple[str, str]],
                      titles: Sequence[tuple[str, int | None]]) -> tuple[dict[Any, int],
                                                                         dict[Any, Any]]:
        self.asked["lookup_papers"] += 1
        self.quiet = True
        try:
            found = {k: v for k in ids if (v := self.paper_by_external(*k)) is not None}
            return found, {t: self.papers_by_title(*t) for t in titles}
        finally:
            self.quiet = False


def dump(store: SQLiteStore) -> list[str]:
    """Every row the identity and graph answers come from (the run log aside)."""
    con = sqlite3.connect(store.path)
    try:
        return [line for line in con.iterdump()
                if not line.startswith(('INSERT INTO "ingest_runs"', 'INSERT INTO "skipped"'))]
    finally:
        con.close()


def halves() -> tuple[list[Record], list[Record]]:
    recs = [r for r in read_records(DBLP) if isinstance(r, Record)]
    # the second half again without its dblp keys: found again by title, not by id
    again = [Record(title=r.title, authors=r.authors, source_ref=r.source_ref + "#again",
                    year=r.year, venue=r.venue, source="again") for r in recs[::7]]
    return recs[: len(recs) // 2], recs[len(recs) // 2:] + again


@pytest.mark.parametrize("batch_size", [50, 5000])
def test_batched_lookups_give_the_same_store(tmp_path: Path, batch_size: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    init = graphsvc.ingest.Ingestor.__init__

    def sized(self: graphsvc.ingest.Ingestor, *args: Any, **kw: Any) -> None:
        init(self, *args, **{**kw, "batch_size": batch_size})

    monkeypatch.setattr(graphsvc.ingest.Ingestor, "__init__", sized)
    first, second = halves()
    plain, batched = Counting(tmp_path / "plain.sqlite3"), Batched(tmp_path / "batched.sqlite3")
    try:
        for store in (plain, batched):
            ingest_records(store, first, label="first half")
            store.asked.clear()
            ingest_records(store, second, label="second half")
            ingest(store, BIB)
        assert dump(batched) == dump(plain)
        assert plain.counts()["papers"] > 1000
        one_by_one = sum(plain.asked[k] for k in ONE_KEY)
        left = sum(batched.asked[k] for k in ONE_KEY)
        bulk = batched.asked["lookup_authors"] + batched.asked["lookup_papers"]
        # thousands of single look-ups become a few per batch; what is left are the keys a
        # batch made necessary itself (a name only resolvable after an earlier one of it)
        assert one_by_one > 5000, plain.asked
        assert left + bulk < one_by_one / 10, (plain.asked, batched.asked)
    finally:
        plain.close()
        batched.close()
