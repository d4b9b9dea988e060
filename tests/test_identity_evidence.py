"""Evidence papers of joins (``explain``) and of duplicate pairs (``duplicates``):
graphsvc.identity.evidence, through the library, the CLI and the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graphsvc.api.app import create_app
from graphsvc.cli.entry import build_parser
from graphsvc.cli.registry import COMMANDS
from graphsvc.config import Settings
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest_records
from graphsvc.store.sqlite import SQLiteStore
from tests.helpers import sqlite_store
from tests.test_ingest import rec

RECORDS = [
    # "P. Vincent" joins "Pascal Vincent" through Yoshua Bengio (papers A and B)
    rec("Denoising autoencoders", ["Pascal Vincent", "Yoshua Bengio"], "a", year=2008),
    rec("Stacked denoising autoencoders", ["P. Vincent", "Yoshua Bengio"], "b", year=2010),
    rec("Contractive autoencoders", ["Pascal Vincent", "Salah Rifai"], "c", year=2011),
    # a family-name typo stays apart, listed with Ewing Lusk on the papers of each side
    rec("MPI on clusters", ["William Groppe", "Ewing Lusk"], "d", year=1999),
    rec("Using MPI", ["William Gropp", "Ewing Lusk", "Anthony Skjellum"], "e", year=1994),
    rec("Using MPI-2", ["William Gropp", "Ewing Lusk"], "f", year=1999),
    rec("PETSc", ["William Gropp", "Barry Smith"], "g", year=1997),
]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    store = SQLiteStore(tmp_path / "graphsvc.sqlite3")
    ingest_records(store, RECORDS)
    store.close()
    return tmp_path


def titles(papers):
    return [p["title"] for p in papers]


def test_explain_names_the_coauthor_and_the_papers_of_each_side(data_dir):
    with sqlite_store(data_dir) as store:
        got = GraphService(store).explain("Pascal Vincent")
    variant = next(v for v in got["variants"] if v["name"] == "P. Vincent")
    why = next(w for w in variant["joined_by"] if "evidence" in w)
    assert why["rule"].startswith("initials")
    [ev] = why["evidence"]
    assert ev["coauthor"]["name"] == "Yoshua Bengio"
    assert titles(ev["this_name"]) == ["Stacked denoising autoencoders"]
    # the Salah Rifai paper is no evidence: Bengio is not on it
    assert titles(ev["other_names"]) == ["Denoising autoencoders"]
    assert titles(variant["papers"]) == ["Stacked denoising autoencoders"]


def test_duplicates_list_the_shared_coauthor_papers_of_each_author(data_dir):
    with sqlite_store(data_dir) as store:
        got = GraphService(store).duplicates(author="William Groppe")
    [pair] = got["pairs"]
    [ev] = pair["evidence"]
    assert ev["coauthor"]["name"] == "Ewing Lusk"
    by_id = {pair["a"]["id"]: ev["a_papers"], pair["b"]["id"]: ev["b_papers"]}
    mine = {pair["a"]["name"]: by_id[pair["a"]["id"]], pair["b"]["name"]: by_id[pair["b"]["id"]]}
    assert titles(mine["William Groppe"]) == ["MPI on clusters"]
    # newest first; PETSc (with Barry Smith only) is no evidence
    assert titles(mine["William Gropp"]) == ["Using MPI-2", "Using MPI"]
    # a pair with more shared co-authors ranks first
    assert pair["shared_coauthors"] == 1 and pair["score"] > 0.5


def run(settings: Settings, capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    args = build_parser().parse_args(list(argv))
    assert COMMANDS[args.command].run(args, settings) == 0
    return capsys.readouterr().out


def test_cli_and_api_show_the_evidence(data_dir, capsys):
    settings = Settings(data_dir=data_dir)
    out = run(settings, capsys, "explain", "Pascal Vincent")
    assert "with Yoshua Bengio (id" in out
    assert 'this name: #2 "Stacked denoising autoencoders" (2010)' in out
    assert 'other names: #1 "Denoising autoencoders" (2008)' in out
    out = run(settings, capsys, "duplicates", "--author", "William Groppe")
    assert "with Ewing Lusk (id" in out and '"Using MPI-2" (1999); #5 "Using MPI" (1994)' in out
    with TestClient(create_app(Settings(data_dir=data_dir))) as client:
        aid = client.get("/authors", params={"q": "Pascal Vincent"}).json()["items"][0]["id"]
        body = client.get(f"/authors/{aid}/explain").json()
    joined = [w for v in body["variants"] for w in v["joined_by"] if "evidence" in w]
    assert joined[0]["evidence"][0]["this_name"][0]["title"] == "Stacked denoising autoencoders"
