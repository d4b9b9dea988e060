"""Edge-list reader: SNAP files, headers, self-loops, Newman's names file."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphsvc.model import Record, Skipped
from graphsvc.sources import detect_format, edgelist
from graphsvc.sources.base import ReaderOptions

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).parents[2] / "shared" / "data"


def records(path: Path, options: ReaderOptions | None = None) -> list[Record]:
    """The records of a file; only a header may be skipped (and it is reported)."""
    items = list(edgelist.read(path, options or ReaderOptions()))
    assert all(isinstance(i, Record) or i.reason == "header" for i in items)
    return [i for i in items if isinstance(i, Record)]


def test_grqc_prefix() -> None:
    recs = records(DATA / "ca-GrQc.first500.txt.gz")  # dataset (node id namespace) from the name
    assert len(recs) == 496  # 500 lines minus the 4 SNAP comment lines
    edges = {r.ids["edge"] for r in recs}
    r = next(r for r in recs if r.source_ref == "ca-GrQc.first500.txt.gz:6")
    assert r.ids == {"edge": "ca-GrQc.first500:3466-5233"}
    assert r.title is None and r.source == "edgelist"
    assert [(a.name, a.ids) for a in r.authors] == [
        ("3466", {"node": "ca-GrQc.first500:3466"}),
        ("5233", {"node": "ca-GrQc.first500:5233"}),
    ]
    # the first edge line looks like a "nodes edges" header until the file says otherwise
    assert recs[-1].source_ref == "ca-GrQc.first500.txt.gz:5"
    assert recs[-1].ids == {"edge": "ca-GrQc.first500:937-3466"}
    assert len(edges) < len(recs)  # u v and v u give the same paper id


def test_headers_self_loops_and_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "tiny.txt"
    f.write_text("% comment\n3 3\n1 2\n2\t1\t0.5\n3 3\nx y\n")
    items = list(edgelist.read(f))
    recs = [i for i in items if isinstance(i, Record)]
    assert [r.ids["edge"] for r in recs] == ["tiny:1-2", "tiny:1-2", "tiny:3-3"]
    assert len(recs[2].authors) == 1  # a self-loop: the node, no co-authorship
    bad, header = [i for i in items if isinstance(i, Skipped)]  # the header is judged last
    assert (bad.source_ref, bad.reason) == ("tiny.txt:6", "bad-edge")
    assert (header.source_ref, header.reason) == ("tiny.txt:2", "header")  # "3 3": 3 edges follow
    assert [r.tie for r in recs] == [1.0, 0.5, 1.0]  # ties (with their weight), not papers
    named = tmp_path / "named.txt"
    named.write_text("FromNodeId\tToNodeId\n5 7\n")
    items = list(edgelist.read(named))
    assert [i.ids["edge"] for i in items if isinstance(i, Record)] == ["named:5-7"]
    assert [(i.source_ref, i.reason) for i in items if isinstance(i, Skipped)] == [
        ("named.txt:1", "header")  # reported, not silently dropped
    ]


def test_names_file(tmp_path: Path) -> None:
    (tmp_path / "toy.txt").write_text("0 1\r\n1 2\r\n")
    names = tmp_path / "toy_names.txt"
    names.write_text("0 ROE, J\n1 DOE, JA\n2 LEE, A\n3 ISOLATED, X\n")
    recs = records(tmp_path / "toy.txt", ReaderOptions(names_file=names))
    assert [[(a.name, a.ids["node"]) for a in r.authors] for r in recs] == [
        [("DOE, JA", "toy:1"), ("LEE, A", "toy:2")],
        [("ROE, J", "toy:0"), ("DOE, JA", "toy:1")],  # held first line comes last
        [("ISOLATED, X", "toy:3")],  # listed but in no edge
    ]
    assert recs[2].ids == {"edge": "toy:3-3"}
    assert recs[2].source_ref == "toy_names.txt#3"


def test_nodes_edges_header_is_skipped(tmp_path: Path) -> None:
    f = tmp_path / "renumbered.txt"
    f.write_text("3 2\n1 2\n2 3\n")
    assert [r.ids["edge"] for r in records(f)] == ["renumbered:1-2", "renumbered:2-3"]
    assert [i.reason for i in edgelist.read(f) if isinstance(i, Skipped)] == ["header"]


def test_detect_format() -> None:
    assert detect_format(DATA / "ca-GrQc.first500.txt.gz") == "edgelist"
    assert edgelist.sniff("18772 198110\n1 2\n1 3\n", "x.txt") > 50


@pytest.mark.large
def test_shared_grqc() -> None:
    path = SHARED / "snap" / "ca-GrQc.txt.gz"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    assert detect_format(path) == "edgelist"
    recs = records(path)
    assert len(recs) == 28980
    edges = {r.ids["edge"] for r in recs}
    assert len(edges) == 14496
    assert sum(1 for r in recs if len(r.authors) == 1) == 12
    assert len({a.ids["node"] for r in recs for a in r.authors}) == 5242


@pytest.mark.large
def test_shared_astroph_header() -> None:
    path = SHARED / "snap" / "ca-AstroPh.renumbered.txt.gz"
    if not path.exists():
        pytest.skip(f"shared data not found at {path}")
    recs = records(path)
    assert len(recs) == 198110  # the "18772 198110" line is a header, not an edge
    assert len({a.ids["node"] for r in recs for a in r.authors}) == 18772
    assert sum(1 for r in recs if len(r.authors) == 1) == 60
    assert recs[0].ids["edge"] == "ca-AstroPh.renumbered:1-2"


@pytest.mark.large
def test_shared_newman_astroph_with_names() -> None:
    folder = SHARED / "newman-astro-ph"
    edges, names = folder / "astro-ph.txt.gz", folder / "astro-ph_names.txt.gz"
    if not (edges.exists() and names.exists()):
        pytest.skip(f"shared data not found in {folder}")
    recs = records(edges, ReaderOptions(names_file=names))
    pairs = [r for r in recs if len(r.authors) == 2]
    assert len(pairs) == 121251
    assert len(recs) - len(pairs) == 660  # listed authors in no edge
    authors = {a.ids["node"]: a.name for r in recs for a in r.authors}
    assert len(authors) == 16706 and len(set(authors.values())) == 16706
    assert authors["astro-ph:8968"] == "AALSETH, CE"


# -- edge lists of names, as networkx writes them ------------------------------------------------
NAMED_TIES = [
    ("María Jesús Garzarán", "Marc Snir", 2.0),
    ("Marc Snir", "Torsten Hoefler", 1.0),
    ("Torsten Hoefler", "Jan Vitek", 3.0),
    ("Jan Vitek", "María Jesús Garzarán", 1.5),
    ("Jan Vitek", "Ludovic Vásquez-Sancho", 1.0),
    ("Ludovic Vásquez-Sancho", "Marc Snir", 0.5),
    ("Anna Fontcuberta i Morral", "Torsten Hoefler", 1.0),
    ("Anna Fontcuberta i Morral", "Seán Ó hÉigeartaigh", 2.0),
    ("Seán Ó hÉigeartaigh", "Marc Snir", 1.0),
]


def _named_graph():  # type: ignore[no-untyped-def]
    nx = pytest.importorskip("networkx")
    G = nx.Graph()
    for u, v, w in NAMED_TIES:
        G.add_edge(u, v, weight=w)
    return nx, G


def _ties(items: list[Record | Skipped]) -> dict[frozenset[str], float | None]:
    return {frozenset(a.name for a in r.authors): r.tie for r in items if isinstance(r, Record)}


@pytest.mark.parametrize(
    ("write", "weighted"),
    [
        (lambda nx, G, f: nx.write_edgelist(G, f), True),  # dict data, the default
        (lambda nx, G, f: nx.write_edgelist(G, f, data=False), False),
        (lambda nx, G, f: nx.write_edgelist(G, f, delimiter="\t", data=["weight"]), True),
        (lambda nx, G, f: nx.write_edgelist(G, f, delimiter="\t", data=False), False),
        (lambda nx, G, f: nx.write_weighted_edgelist(G, f), True),
    ],
    ids=["default-dict", "no-data", "tab-weight", "tab-bare", "weighted"],
)
def test_networkx_written_names(tmp_path: Path, write, weighted: bool) -> None:  # type: ignore[no-untyped-def]
    nx, G = _named_graph()
    f = tmp_path / "coauthors.txt"
    write(nx, G, f)
    assert detect_format(f) == "edgelist"  # never a text page
    items = list(edgelist.read(f))
    assert not [i for i in items if isinstance(i, Skipped)]  # no line lost, no header guessed
    got = _ties(items)
    want = {frozenset((u, v)): (w if weighted else 1.0) for u, v, w in NAMED_TIES}
    assert got == want  # one tie per line, one author per label, the weight kept
    recs = [i for i in items if isinstance(i, Record)]
    assert {a.ids["node"] for r in recs for a in r.authors} == {
        f"coauthors:{n}" for n in G.nodes
    }


def test_quoted_names_header_and_bad_lines(tmp_path: Path) -> None:
    f = tmp_path / "ties.txt"
    f.write_text(
        'source target weight\n"Marc Snir" "Jan Vitek" 2\n'
        "'Jan Vitek' 'Torsten Hoefler'\n"
        '"Marc Snir" "Torsten Hoefler" -1\n'
        "Marc Snir\tJan Vitek\textra\tcolumns\n"
    )
    items = list(edgelist.read(f))
    skipped = [(i.source_ref, i.reason) for i in items if isinstance(i, Skipped)]
    assert skipped == [("ties.txt:1", "header"), ("ties.txt:4", "bad-edge"),
                       ("ties.txt:5", "bad-edge")]
    assert _ties(items) == {
        frozenset(("Marc Snir", "Jan Vitek")): 2.0,
        frozenset(("Jan Vitek", "Torsten Hoefler")): 1.0,
    }
    # a first line of names is an edge, not a header
    g = tmp_path / "first.tsv"
    g.write_text("María Jesús Garzarán\tMarc Snir\t2.0\nMarc Snir\tJan Vitek\t1.0\n")
    assert detect_format(g) == "edgelist"
    assert len(_ties(list(edgelist.read(g)))) == 2


def test_quoted_names_file(tmp_path: Path) -> None:
    (tmp_path / "cm.txt").write_text("0 1\n1 2\n")
    names = tmp_path / "cm_names.txt"
    names.write_text('0 "RADZIHOVSKY, L"\n1 "NEWMAN, MEJ"\n2 "BARABASI, AL"\n')
    recs = records(tmp_path / "cm.txt", ReaderOptions(names_file=names))
    assert sorted({a.name for r in recs for a in r.authors}) == [
        "BARABASI, AL", "NEWMAN, MEJ", "RADZIHOVSKY, L",
    ]


def test_pages_and_name_lists_are_not_edge_lists() -> None:
    page = "Publications\nDeep Learning\nYann LeCun\nYoshua Bengio\nGeoffrey Hinton\n"
    assert edgelist.sniff(page, "page.txt") == 0
    authors = "Marc Snir\nJan Vitek\nTorsten Hoefler\nMarc Snir\n"
    assert edgelist.sniff(authors, "people.txt") == 0
