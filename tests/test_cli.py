"""The CLI end to end on real samples: help with examples, JSON output, exit codes."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphsvc.cli import build_parser, main

DATA = Path(__file__).parent / "data"
DBLP = DATA / "dblp-ppopp-socc-100.xml"


def subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


@pytest.mark.parametrize("name", sorted(subcommands()))
def test_every_command_has_help_with_an_example(name):
    sub = subcommands()[name]
    assert sub.description, name
    assert sub.epilog and "graphsvc " + name.split()[0] in sub.epilog, name


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path, capsys):
    d = tmp_path / "store"
    code, out, err = run(capsys, "--data-dir", str(d), "ingest", str(DBLP), "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["records"] == 100 and report["papers"] == 100
    assert set(report) >= {
        "records",
        "papers",
        "authors",
        "edges",
        "skipped",
        "skipped_reasons",
        "examples",
    }
    return d


def test_reingest_reports_nothing_new(data_dir, capsys):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "ingest", str(DBLP), "--json")
    report = json.loads(out)
    assert code == 0 and report["papers"] == 0 and report["authors"] == 0
    assert report["duplicates"] == 100


def test_search_collaborators_stats(data_dir, capsys):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "stats", "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["papers"] == 100
    assert stats["authors"] > 100 and stats["edges"] > 0
    assert {"components", "largest_component", "avg_clustering", "triangles"} <= set(stats)

    # the author with most papers in the sample, found by a folded, reordered query
    import sqlite3

    db = sqlite3.connect(data_dir / "graphsvc.sqlite3")
    aid, name = db.execute(
        "SELECT id, name FROM authors ORDER BY papers DESC, id LIMIT 1"
    ).fetchone()
    parts = name.split()
    query = " ".join(reversed([p for p in parts if not p.isdigit()])).lower()
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "search", query, "--json")
    assert code == 0 and aid in [h["id"] for h in json.loads(out)]

    code, out, _ = run(
        capsys, "--data-dir", str(data_dir), "collaborators", str(aid), "--json", "--papers"
    )
    res = json.loads(out)
    assert code == 0 and res["author"]["id"] == aid
    papers = [c["papers"] for c in res["collaborators"]]
    assert papers == sorted(papers, reverse=True) and papers
    assert all(len(c["joint_papers"]) == c["papers"] for c in res["collaborators"])


def test_unknown_author_exit_code(data_dir, capsys):
    code, _, err = run(capsys, "--data-dir", str(data_dir), "collaborators", "Zzyzx Qwerty")
    assert code == 3 and "no author" in err


def test_python_dash_m_and_help():
    out = subprocess.run(
        [sys.executable, "-m", "graphsvc", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "examples:" in out and "ingest" in out


# -- the package's structure (graphsvc/cli/__init__.py says how to add a command) ----------------
CLI_DIR = Path(__file__).parent.parent / "graphsvc" / "cli"
HELPERS = {"__init__", "entry", "registry", "common", "terminal"}


def _imports(path: Path) -> set[str]:
    import ast

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_every_command_module_is_assembled_and_nothing_imports_the_entry_back():
    from graphsvc.cli.entry import MODULES

    modules = {p.stem for p in CLI_DIR.glob("*.py")} - HELPERS
    assert modules == set(MODULES)
    for path in CLI_DIR.glob("*.py"):
        if path.stem in ("__init__", "entry"):
            continue
        bad = {m for m in _imports(path)
               if m.startswith("graphsvc.cli.entry") or m in ("graphsvc.cli.main",
                                                               "graphsvc.cli.build_parser")}
        assert not bad, f"{path.name} imports {bad}"
    library = Path(__file__).parent.parent / "graphsvc"
    for path in library.rglob("*.py"):
        if CLI_DIR in path.parents or path.name == "__main__.py":
            continue
        assert not {m for m in _imports(path) if m.startswith("graphsvc.cli")}, path


def test_a_new_command_module_is_one_decorated_function(tmp_path, capsys, monkeypatch):
    from graphsvc.cli import entry
    from graphsvc.cli.registry import COMMANDS, command

    def arguments(p: argparse.ArgumentParser) -> None:
        p.add_argument("who")

    @command("hello", help="greet someone", example="graphsvc hello Ada", arguments=arguments)
    def cmd_hello(args, settings):
        print(f"hello {args.who}")
        return 0

    try:
        assert "hello" in subcommands()
        code, out, _ = run(capsys, "--data-dir", str(tmp_path), "hello", "Ada")
        assert (code, out) == (0, "hello Ada\n")
        with pytest.raises(ValueError, match="twice"):
            command("hello", help="again", example="graphsvc hello")(cmd_hello)
    finally:
        del COMMANDS["hello"]
    assert "hello" not in subcommands() and entry.MODULES


def test_serve_get_writes_binary_answers_byte_for_byte(data_dir):
    import io
    import zipfile

    from fastapi.testclient import TestClient

    from graphsvc.api.app import create_app
    from graphsvc.api.routers.docs import asset_bytes
    from graphsvc.config import Settings

    def get(path: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "graphsvc", "--data-dir", str(data_dir),
                               "serve", "--get", path], capture_output=True, check=True)

    csv_zip = get("/export?format=csv").stdout
    with TestClient(create_app(Settings(data_dir=data_dir))) as client:
        want = zipfile.ZipFile(io.BytesIO(client.get("/export?format=csv").content))
    got = zipfile.ZipFile(io.BytesIO(csv_zip))
    assert got.testzip() is None and got.namelist() == want.namelist()
    assert [got.read(n) for n in got.namelist()] == [want.read(n) for n in want.namelist()]
    # a zip carries its write time: files that do not show the bytes are exactly the server's
    assert get("/docs/assets/favicon.png").stdout == asset_bytes("favicon.png")
    with TestClient(create_app(Settings(data_dir=data_dir))) as client:
        for fmt in ("graphml", "pajek"):
            want_bytes = client.get(f"/export?format={fmt}").content
            assert get(f"/export?format={fmt}").stdout == want_bytes, fmt
    stats = get("/stats").stdout.decode("utf-8")
    assert stats.endswith("}\n") and json.loads(stats)["papers"] == 100


def test_ingest_networkx_edge_list_of_names_and_nothing_read_exits_1(tmp_path, capsys):
    nx = pytest.importorskip("networkx")
    G = nx.Graph()
    for u, v, w in [("María Jesús Garzarán", "Marc Snir", 2.0), ("Marc Snir", "Jan Vitek", 1.0),
                    ("Jan Vitek", "Torsten Hoefler", 3.0), ("Torsten Hoefler", "Marc Snir", 1.0)]:
        G.add_edge(u, v, weight=w)
    f = tmp_path / "coauthors.txt"
    nx.write_edgelist(G, f)  # networkx's default: space-separated, unquoted, dict data
    d = str(tmp_path / "store")
    code, out, err = run(capsys, "--data-dir", d, "ingest", str(f), "--json")
    assert code == 0, err
    rep = json.loads(out)
    assert (rep["records"], rep["ties"], rep["papers"], rep["authors"]) == (4, 4, 0, 4)
    assert rep["files"][0]["format"] == "edgelist"
    code, out, _ = run(capsys, "--data-dir", d, "path", "María Jesús Garzarán", "Jan Vitek")
    assert code == 0 and "co-author tie of weight 2, no papers" in out
    bad = tmp_path / "bad.txt"
    bad.write_text("a\tb\tc\td\n")
    code, out, err = run(capsys, "--data-dir", d, "ingest", "--format", "edgelist", str(bad))
    assert code == 1 and "bad-edge" in out and "nothing was read from this file" in err


def test_undated_ties_print_no_empty_year_range(tmp_path, capsys):
    from graphsvc.ingest import ingest_records
    from graphsvc.model import RawAuthor, Record
    from graphsvc.store.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "graphsvc.sqlite3")
    ingest_records(store, [Record(title="Undated", year=None, source_ref="t:1", ids={"ref": "u1"},
                                  authors=[RawAuthor("Ada Lovelace"), RawAuthor("Alan Turing")]),
                           Record(title="Dated", year=1950, source_ref="t:2", ids={"ref": "u2"},
                                  authors=[RawAuthor("Ada Lovelace"), RawAuthor("Grace Hopper")])])
    store.close()
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "collaborators", "Ada Lovelace")
    assert code == 0 and ", )" not in out
    turing, = (line for line in out.splitlines() if "Alan Turing" in line)
    hopper, = (line for line in out.splitlines() if "Grace Hopper" in line)
    assert turing.endswith(")") and "(id " in turing and "," not in turing
    assert hopper.endswith(", 1950)")


def test_a_missing_authors_column_suggests_the_option(tmp_path, capsys):
    table = tmp_path / "papers.csv"
    table.write_text("title,writers,year\nA paper,Ada Lovelace; Alan Turing,1950\n")
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "s"), "ingest", str(table),
                         "--format", "csv")
    assert "--authors-column" in out + err and "'writers'" in out + err
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "s"), "ingest", str(table),
                         "--format", "csv", "--authors-column", "writers", "--json")
    assert code == 0 and json.loads(out)["papers"] == 1
