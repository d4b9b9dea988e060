"""The identity commands (graphsvc/cli/identity.py) end to end on a real dblp sample, through the
``graphsvc`` parser, with library errors raised rather than printed."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from graphsvc.cli import build_parser, main
from graphsvc.cli.registry import COMMANDS
from graphsvc.config import Settings
from graphsvc.errors import GraphsvcError

DBLP = Path(__file__).parent / "data" / "dblp-ppopp-socc-100.xml"
IDENTITY = ("explain", "duplicates", "merge", "split", "unmerge", "overrides")


def subparsers() -> dict[str, argparse.ArgumentParser]:
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


def test_every_identity_command_has_help_an_example_and_a_handler():
    made = subparsers()
    for name in IDENTITY:
        sub = made[name]
        assert COMMANDS[name].run.__module__ == "graphsvc.cli.identity", name
        assert sub.description and sub.epilog and f"graphsvc {name}" in sub.epilog, name
    assert "survive" in (made["merge"].description or "")  # the re-ingest rules are documented


@pytest.fixture
def settings(tmp_path, capsys) -> Settings:
    d = tmp_path / "store"
    assert main(["--data-dir", str(d), "ingest", str(DBLP), "--no-progress"]) == 0
    capsys.readouterr()
    return Settings(data_dir=d)


def run(settings: Settings, capsys, *argv: str) -> tuple[int, str]:
    args = build_parser().parse_args(list(argv))
    code = COMMANDS[args.command].run(args, settings)
    return code, capsys.readouterr().out


def test_explain_duplicates_merge_unmerge_split(settings, capsys):
    code, out = run(settings, capsys, "explain", "Torsten Hoefler")
    assert code == 0 and out.startswith("Torsten Hoefler (id") and "same dblp" in out
    code, out = run(settings, capsys, "duplicates", "--json", "--limit", "5")
    dup = json.loads(out)
    assert code == 0 and dup["limit"] == 5 and len(dup["pairs"]) <= 5
    code, out = run(settings, capsys, "duplicates", "--conflated", "--min-papers", "2")
    assert code == 0 and out.startswith("checked ")
    code, out = run(settings, capsys, "duplicates", "--conflated", "--author", "Torsten Hoefler")
    assert code == 0 and "co-author groups" in out

    code, out = run(settings, capsys, "merge", "Torsten Hoefler", "Xipeng Shen", "--json",
                    "--why", "test", "--who", "ada")
    assert code == 0
    merged = json.loads(out)["override"]
    assert (merged["kind"], merged["who"], merged["why"]) == ("merge", "ada", "test")
    code, out = run(settings, capsys, "overrides")
    assert code == 0 and out.startswith("1 overrides") and "merge" in out
    code, out = run(settings, capsys, "unmerge", "Torsten Hoefler", "--why", "oops")
    assert code == 0 and out.startswith("undone: #1")
    with pytest.raises(GraphsvcError) as err:
        run(settings, capsys, "unmerge", "1")
    assert "already undone" in str(err.value)
    with pytest.raises(GraphsvcError) as err:
        run(settings, capsys, "unmerge", "99")
    assert err.value.exit_code == 3 and "--author" in str(err.value)

    code, out = run(settings, capsys, "explain", "--json", "Torsten Hoefler")
    papers = sorted(json.loads(out)["coauthor_groups"]["groups"][0]["papers"])
    code, out = run(settings, capsys, "split", "Torsten Hoefler", "--papers", str(papers[0]),
                    "--why", "homonym")
    assert code == 0 and out.startswith("split: #2") and "new author: Torsten Hoefler" in out
    code, out = run(settings, capsys, "unmerge", "#2")
    assert code == 0 and "undone: #2" in out
