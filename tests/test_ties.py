"""Ties are not papers (DESIGN.md "Ties without papers"): edge lists and GML give co-authorship
ties with a weight; they never count as papers nor show as evidence, and papers of the same
people are not counted twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest, ingest_records
from graphsvc.model import RawAuthor, Record
from graphsvc.store.sqlite import SQLiteStore

GML = """graph [
  node [ id 0 label "SNIR, M" ]
  node [ id 1 label "VITEK, J" ]
  node [ id 2 label "HOEFLER, T" ]
  node [ id 3 label "LONELY, L" ]
  edge [ source 0 target 1 value 2.5 ]
  edge [ source 1 target 2 weight 0.25 ]
  edge [ source 0 target 2 ]
]
"""


@pytest.fixture
def store(tmp_path: Path):  # type: ignore[no-untyped-def]
    s = SQLiteStore(tmp_path / "g.sqlite3")
    yield s
    s.close()


def _edges(store: SQLiteStore) -> dict[frozenset[str], tuple[int, float, int | None]]:
    rows = store.db.execute(
        "SELECT x.name, y.name, e.papers, e.weight, e.first_year FROM coauthors e "
        "JOIN authors x ON x.id = e.a JOIN authors y ON y.id = e.b"
    ).fetchall()
    return {frozenset((a, b)): (p, round(w, 9), fy) for a, b, p, w, fy in rows}


def paper(title: str, authors: list[str], year: int, ref: str) -> Record:
    return Record(title, [RawAuthor(a) for a in authors], ref, year=year, source="test")


def test_gml_ties_are_no_papers(tmp_path: Path, store: SQLiteStore) -> None:
    f = tmp_path / "net.gml"
    f.write_text(GML)
    rep = ingest(store, [f])
    assert (rep.papers, rep.ties) == (0, 3)
    counts = store.counts()
    assert (counts["papers"], counts["ties"], counts["edges"], counts["authors"]) == (0, 3, 3, 4)
    assert _edges(store) == {  # the tie weight is the edge's strength
        frozenset(("M Snir", "J Vitek")): (0, 2.5, None),
        frozenset(("J Vitek", "T Hoefler")): (0, 0.25, None),
        frozenset(("M Snir", "T Hoefler")): (0, 1.0, None),
    }
    assert {r[0] for r in store.db.execute("SELECT papers FROM authors")} == {0}
    svc = GraphService(store)
    st = svc.stats()
    assert (st["papers"], st["edges"], st["authors"], st["isolated_authors"]) == (0, 3, 4, 1)
    (path,) = svc.path("M. Snir", "J. Vitek")["paths"]
    (hop,) = path["hops"]
    assert hop["papers"] == [] and hop["joint_papers"] == 0 and hop["tie_weight"] == 2.5
    # strongest: Σ 1/strength, a tie's weight its strength: the direct 1/1.0 beats 1/2.5 + 1/0.25
    strong = svc.path("M. Snir", "T. Hoefler", strongest=True)["paths"][0]
    assert [a["name"] for a in strong["authors"]] == ["M Snir", "T Hoefler"]
    collab = svc.collaborators("M. Snir")
    assert {c["name"]: c["papers"] for c in collab["collaborators"]} == {
        "J Vitek": 0, "T Hoefler": 0,
    }


@pytest.mark.parametrize("ties_first", [True, False])
def test_ties_and_papers_of_the_same_people_count_once(
    tmp_path: Path, store: SQLiteStore, ties_first: bool
) -> None:
    f = tmp_path / "ties.tsv"
    f.write_text("Marc Snir\tJan Vitek\t5.0\nJan Vitek\tTorsten Hoefler\t3.0\n")
    papers = [
        paper("On MPI", ["Marc Snir", "Jan Vitek"], 2001, "p:1"),
        paper("On MPI, again", ["Marc Snir", "Jan Vitek", "Ana Pérez"], 2005, "p:2"),
    ]
    if ties_first:
        ingest(store, [f], fmt="edgelist")
        ingest_records(store, papers)
    else:
        ingest_records(store, papers)
        ingest(store, [f], fmt="edgelist")
    edges = _edges(store)
    # Snir–Vitek: two papers (1 + 1/2), the tie adds nothing; Vitek–Hoefler: the tie alone
    assert edges[frozenset(("Marc Snir", "Jan Vitek"))] == (2, 1.5, 2001)
    assert edges[frozenset(("Jan Vitek", "Torsten Hoefler"))] == (0, 3.0, None)
    counts = store.counts()
    assert (counts["papers"], counts["ties"], counts["authors"]) == (2, 2, 4)
    papers_of = dict(store.db.execute("SELECT name, papers FROM authors").fetchall())
    assert papers_of == {"Marc Snir": 2, "Jan Vitek": 2, "Ana Pérez": 1, "Torsten Hoefler": 0}
    # a full recomputation (team-size rebuild, merges) gives the same edges
    before = edges
    store.rebuild_edges(100)
    assert _edges(store) == before
    svc = GraphService(store)
    assert svc.stats()["papers"] == 2
    (path,) = svc.path("Marc Snir", "Torsten Hoefler")["paths"]
    assert [h["joint_papers"] for h in path["hops"]] == [2, 0]
    assert [p["title"] for p in path["hops"][0]["papers"]] == ["On MPI, again", "On MPI"]
    assert path["hops"][1]["papers"] == []  # no title-less "joint paper"
    assert svc.graph().n_edges == 4  # the two papers give 3 edges, the tie one more


def test_snap_edge_list_counts_no_papers(tmp_path: Path, store: SQLiteStore) -> None:
    data = Path(__file__).parent / "data" / "ca-GrQc.first500.txt.gz"
    ingest(store, [data])
    counts = store.counts()
    assert counts["papers"] == 0 and counts["edges"] > 0
    assert counts["ties"] >= counts["edges"]  # SNAP lists both directions: one tie each
    st = GraphService(store).stats()
    assert st["papers"] == 0 and st["edges"] == counts["edges"]


def test_views_show_a_tie_with_its_weight_not_as_joint_papers(tmp_path: Path) -> None:
    from graphsvc.cli import main

    f = tmp_path / "ties.tsv"
    f.write_text("Marc Snir\tJan Vitek\t2.5\nJan Vitek\tTorsten Hoefler\t1.0\n")
    d = str(tmp_path / "store")
    assert main(["--data-dir", d, "ingest", str(f)]) == 0
    out = tmp_path / "ego.html"
    assert main(["--data-dir", d, "view", "Jan Vitek", "-o", str(out)]) == 0
    page = out.read_text()
    assert '"papers":0,"weight":2.5' in page  # the tooltip says "co-author tie, no papers"
    assert "co-author tie, no papers" in page  # (the script is inlined)


def test_quoted_names_file_gives_clean_names_that_search_finds(
    tmp_path: Path, store: SQLiteStore
) -> None:
    from graphsvc.sources.base import ReaderOptions

    (tmp_path / "cond-mat.txt").write_text("0 1\n1 2\n")
    names = tmp_path / "cond-mat_names.txt"
    names.write_text('0 "RADZIHOVSKY, L"\n1 "NEWMAN, MEJ"\n2 "BARABASI, AL"\n')
    ingest(store, [tmp_path / "cond-mat.txt"], options=ReaderOptions(names_file=names))
    shown = sorted(n for (n,) in store.db.execute("SELECT name FROM authors"))
    assert shown == ["A L Barabasi", "L Radzihovsky", "M E J Newman"]  # no quotes left
    svc = GraphService(store)
    assert [h["name"] for h in svc.search("M. E. J. Newman")] == ["M E J Newman"]
    assert svc.resolve("M. E. J. Newman") == svc.resolve("Newman, M. E. J.")
