"""Conflicts of interest: ``graphsvc conflicts --submissions FILE --reviewers FILE``."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

from graphsvc.cli.common import emit, open_service
from graphsvc.cli.registry import command
from graphsvc.config import Settings
from graphsvc.errors import InvalidQuery
from graphsvc.graph.conflicts import Submission, conflicts

_DETAILS = """\
The submissions file is CSV with the columns id,authors (authors separated by ';'), or JSON:
a list of {"id": ..., "authors": [...]} or an object {id: [authors]}. The reviewers file has
one name, author id or kind:value id per line ('#' starts a comment). A pair conflicts when
the reviewer is an author of the submission, co-authored a counted paper in the last --years
years up to --as-of with one of its authors (the joint papers are the evidence), or with
--distance K is at most K hops from one of them. Names that do not resolve exactly, or fit
several people, are listed as unresolved, never guessed. --csv writes a table a chair can
open, unresolved names included."""


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--submissions", required=True, metavar="FILE", help="CSV (id,authors) or JSON")
    p.add_argument("--reviewers", required=True, metavar="FILE", help="one reviewer per line")
    p.add_argument("--years", type=int, default=5, help="co-authorship in the last N years")
    p.add_argument("--as-of", type=int, help="the reference year (default: this year)")
    p.add_argument("--distance", type=int, default=1, help="also conflict within K hops (1-3)")
    p.add_argument("--max-team-size", type=int, metavar="K",
                   help="only papers with at most K authors count")
    p.add_argument("--csv", action="store_true", help="CSV rows (conflicts and unresolved)")


@command(
    "conflicts",
    help="conflicts of interest between submissions and reviewers, with the joint papers",
    example="graphsvc conflicts --submissions subs.csv --reviewers pc.txt --years 5 "
    "--as-of 2022 --csv",
    arguments=_arguments,
    details=_DETAILS,
)
def cmd_conflicts(args: argparse.Namespace, settings: Settings) -> int:
    subs, bad = read_submissions(Path(args.submissions))
    reviewers = read_reviewers(Path(args.reviewers))
    for line in bad:
        print(f"graphsvc: skipped {line}", file=sys.stderr)
    if bad:
        print(f"graphsvc: {len(bad)} submission row(s) skipped", file=sys.stderr)
    with open_service(settings) as svc:
        res = conflicts(svc, subs, reviewers, years=args.years, as_of=args.as_of,
                        distance=args.distance, max_team_size=args.max_team_size)
    res["skipped"] = bad
    if args.csv:
        sys.stdout.write(conflicts_csv(res))
    else:
        emit(args, res, conflicts_text)
    return 0


def read_reviewers(path: Path) -> list[str]:
    """Reviewer names or ids, one per line (blank lines and ``#`` comments skipped)."""
    lines = _text(path).splitlines()
    out = [s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#")]
    if not out:
        raise InvalidQuery(f"{path}: no reviewers (one name or id per line)")
    return out


def read_submissions(path: Path) -> tuple[list[Submission], list[str]]:
    """Submissions from CSV (``id,authors``, ``;`` between authors) or JSON, and the rows
    skipped (``file:line: reason``)."""
    text = _text(path)
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        return _json_submissions(path, text)
    rows = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(rows, [])]
    if "id" not in header or "authors" not in header:
        raise InvalidQuery(f"{path}:1: the CSV needs the columns id,authors, got {header}")
    i_id, i_au = header.index("id"), header.index("authors")
    subs: list[Submission] = []
    bad: list[str] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, 2):
        if not any(c.strip() for c in row):
            continue
        sid = row[i_id].strip() if len(row) > i_id else ""
        authors = [a.strip() for a in (row[i_au] if len(row) > i_au else "").split(";")]
        _add(subs, bad, seen, f"{path}:{n}", sid, [a for a in authors if a])
    return subs, bad


def _json_submissions(path: Path, text: str) -> tuple[list[Submission], list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidQuery(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
    items = list(data.items()) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InvalidQuery(f"{path}: expected a list of {{id, authors}} or an object")
    subs: list[Submission] = []
    bad: list[str] = []
    seen: set[str] = set()
    for n, item in enumerate(items):
        if isinstance(item, tuple):
            sid, authors = item
        elif isinstance(item, dict):
            sid, authors = item.get("id"), item.get("authors")
        else:
            sid, authors = None, None
        if isinstance(authors, str):
            authors = authors.split(";")
        ok = isinstance(authors, list) and all(isinstance(a, str | int) for a in authors)
        names = [str(a).strip() for a in authors if str(a).strip()] if ok else []
        _add(subs, bad, seen, f"{path}[{n}]", "" if sid is None else str(sid).strip(), names)
    return subs, bad


def _add(subs: list[Submission], bad: list[str], seen: set[str], ref: str, sid: str,
         authors: list[str]) -> None:
    if not sid:
        bad.append(f"{ref}: no submission id")
    elif not authors:
        bad.append(f"{ref}: submission {sid!r} has no authors")
    elif sid in seen:
        bad.append(f"{ref}: submission {sid!r} given twice (the first is kept)")
    else:
        seen.add(sid)
        subs.append(Submission(sid, tuple(authors)))


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InvalidQuery(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise InvalidQuery(f"{path}: not UTF-8 text (byte {exc.start})") from None


def _paper(p: dict[str, Any]) -> str:
    venue = f" ({p['venue']})" if p.get("venue") else ""
    return f"{p['year'] or '----'}  {p['title']}{venue}"


def conflicts_text(r: dict[str, Any]) -> str:
    """The conflicts as ``graphsvc conflicts`` prints them."""
    w = r["window"]
    lines = [f"{r['count']} conflict(s) among {r['submissions']} submissions x "
             f"{r['reviewers']} reviewers (co-authorship {w['from']}–{w['to']}, "
             f"distance ≤ {r['distance']})"]
    for c in r["conflicts"]:
        via = ", ".join(a["name"] for a in c["authors"])
        what = {"author": "is an author", "coauthor": f"co-authored with {via}"}.get(
            c["reason"], f"at distance {c['distance']} from {via}")
        lines.append(f"  {c['submission']}  {c['reviewer']['name']} (id {c['reviewer']['id']}) "
                     f"{what}")
        lines.extend(f"      {_paper(p)}" for p in c["papers"][:5])
        if len(c["papers"]) > 5:
            lines.append(f"      … {len(c['papers']) - 5} more")
    for u in r["unresolved"]:
        where = f"submission {u['submission']}" if u["submission"] is not None else "reviewers"
        lines.append(f"  unresolved ({where}): {u['message']}")
    return "\n".join(lines)


def conflicts_csv(r: dict[str, Any]) -> str:
    """One CSV row per conflict, then one per unresolved name (a chair opens it as a sheet)."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["submission", "reviewer", "reviewer_id", "reason", "distance", "via_authors",
                  "papers", "detail"])
    for c in r["conflicts"]:
        out.writerow([c["submission"], c["reviewer"]["name"], c["reviewer"]["id"], c["reason"],
                      c["distance"], "; ".join(a["name"] for a in c["authors"]),
                      " | ".join(_paper(p) for p in c["papers"]), ""])
    for u in r["unresolved"]:
        reviewer = u["query"] if u["role"] == "reviewer" else ""
        out.writerow([u["submission"] or "", reviewer, "", f"unresolved {u['role']}", "", "",
                      "", u["message"]])
    return buf.getvalue()
