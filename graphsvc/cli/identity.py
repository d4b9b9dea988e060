"""Who is who: explain, duplicates, merge, split, unmerge and overrides (the audit trail).

Each handler opens the store, calls ``GraphService`` and prints text (or JSON with ``--json``).
"""

from __future__ import annotations

import argparse
from typing import Any

from graphsvc.cli.common import AUTHOR_HELP, add_page, answer
from graphsvc.cli.registry import command
from graphsvc.config import Settings
from graphsvc.identity.evidence import paper_line

OVERRIDE_RULES = """\
Overrides are stored in the store (table/nodes "overrides") with who, when and why, survive
re-ingest and are undone with `graphsvc unmerge`:
  merge A B   B's papers, names, ids and evidence move to A; B's id becomes an alias of A.
              Later mentions of B's names or ids resolve to A.
  split A --papers ...
              the papers move to a new author named after their most used spelling. Known
              papers are never resolved again; a new paper goes by the ordinary rules: a
              spelling only the new author holds goes to it, a spelling both hold and the
              external ids go to A. Split again to move more papers.
  unmerge     undoes the latest merge of an author, or the override with that id (a merge or
              a split); later overrides of the same authors must be undone first."""


def _audit(p: argparse.ArgumentParser) -> None:
    p.add_argument("--why", help="the reason, kept in the audit trail")
    p.add_argument("--who", help="who made the change (default: $USER)")


def _who(a: dict[str, Any]) -> str:
    return f"{a.get('name', '?')} (id {a['id']}" + (
        f", {a['papers']} papers)" if "papers" in a else ")")


def _override_line(o: dict[str, Any]) -> str:
    state = "active" if o["active"] else (
        f"undone by {o['undone']['who']} at {o['undone']['when']}" if o.get("undone") else
        "undone")
    if o["kind"] == "merge":
        what = f"merge {o['subject']} into {o['object']}"
    else:
        what = f"split {o['subject']} off {o['object']}"
    why = f": {o['why']}" if o.get("why") else ""
    return f"#{o['id']} {what} by {o['who']} at {o['when']} ({state}){why}"


# -- explain --------------------------------------------------------------------------------------
def _explain_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("author", help=AUTHOR_HELP)


@command(
    "explain",
    help="why each name variant of an author was joined to it (rules, overrides, "
    "co-author groups)",
    example='graphsvc explain "Pascal Vincent"',
    arguments=_explain_arguments,
)
def cmd_explain(args: argparse.Namespace, settings: Settings) -> int:
    return answer(args, settings, lambda svc: svc.explain(args.author), _explain_text)


def _explain_text(r: dict[str, Any]) -> str:
    lines = [_who(r["author"])]
    lines += [f"  id        {i['kind']}:{i['value']}" for i in r["ids"]]
    if r["aliases"]:
        lines.append("  aliases   " + ", ".join(map(str, r["aliases"]))
                     + " (ids merged into this author: they resolve here)")
    for v in r["variants"]:
        on = ", ".join(f"#{p['id']}" for p in v.get("papers", []))
        more = ", …" if on and v["count"] > len(v.get("papers", [])) else ""
        lines.append(f"  variant   {v['name']}  [{v['source']}] ×{v['count']}"
                     + (f"  (papers {on}{more})" if on else ""))
        for w in v["joined_by"]:
            if "override" in w:
                lines.append(f"              - {w['rule']} #{w['override']} by {w['who']} at "
                             f"{w['when']}" + (f": {w['why']}" if w.get("why") else ""))
            else:
                detail = f": {w['detail']}" if w.get("detail") else ""
                lines.append(f"              - {w['rule']}{detail}")
                for e in w.get("evidence", []):
                    lines += _evidence_lines(e["coauthor"], "this name", e["this_name"],
                                             "other names", e["other_names"])
    for o in r["overrides"]:
        lines.append(f"  override  {_override_line(o)}")
    if r["possible_duplicates"]:
        lines.append(f"  possible duplicates: {r['possible_duplicates']} (graphsvc duplicates "
                     f"--author {r['author']['id']})")
    g = r["coauthor_groups"]
    flag = " — possible conflation of several people" if g["flagged"] else ""
    lines.append(f"  co-author groups: {len(g['groups'])}, unlinked papers: "
                 f"{len(g['unlinked_papers'])}; {_verdict(g)}{flag}")
    if g["flagged"]:
        lines += _group_lines(g["groups"])
    return "\n".join(lines)


def _group_lines(groups: list[dict[str, Any]], top: int = 5) -> list[str]:
    out = []
    for i, grp in enumerate(groups[:top], 1):
        years = grp["years"]
        span = "" if not years else f", {years[0]}" if years[0] == years[1] else \
            f", {years[0]}–{years[1]}"
        venues = f", {'; '.join(grp['venues'])}" if grp["venues"] else ""
        people = ", ".join(c["name"] for c in grp["top_coauthors"])
        out.append(f"      group {i}: {grp['size']} papers{span}{venues}; with {people}")
        vs = grp.get("against_largest")
        if vs:
            words = f" (shared words: {', '.join(vs['shared_words'])})" if vs["shared_words"] \
                else ""
            out.append(f"               against group 1: venues {vs['venues']}, topic "
                       f"{vs['topic']}{words}, years {vs['years']} -> odds {grp['odds']:.1f}")
    if len(groups) > top:
        out.append(f"      … {len(groups) - top} more groups (use --json)")
    return out


def _evidence_lines(coauthor: dict[str, Any], one: str, a: list[dict[str, Any]], other: str,
                    b: list[dict[str, Any]]) -> list[str]:
    out = [f"                  with {coauthor.get('name') or '?'} (id {coauthor['id']}):"]
    for label, papers in ((one, a), (other, b)):
        out.append(f"                    {label}: "
                   + ("; ".join(paper_line(p) for p in papers) or "none"))
    return out


def _verdict(g: dict[str, Any]) -> str:
    names = "" if g.get("namesakes") is None else f", expected namesakes {g['namesakes']:.3g}"
    return f"odds of several people {g['odds']:.1f}{names}"


# -- duplicates -----------------------------------------------------------------------------------
def _duplicates_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--author", help="only the pairs (or, with --conflated, the groups) of "
                                    "this author")
    p.add_argument("--conflated", action="store_true",
                   help="list authors whose papers fall into co-author groups that never touch")
    p.add_argument("--min-score", type=float, default=0.0, help="only pairs scoring this much")
    p.add_argument("--min-papers", type=int, default=2,
                   help="--conflated: only check authors with this many papers (default 2)")
    p.add_argument("--max-authors", type=int, default=2000,
                   help="--conflated: check at most this many authors (most papers first)")
    p.add_argument("--min-group", type=int, default=1,
                   help="--conflated: a separated co-author community counts with this many "
                        "papers")
    add_page(p, limit=50)


@command(
    "duplicates",
    help="likely same-person pairs with their evidence, best first; "
    "--conflated: authors that look like several people",
    example="graphsvc duplicates --limit 20   |   graphsvc duplicates --conflated",
    arguments=_duplicates_arguments,
)
def cmd_duplicates(args: argparse.Namespace, settings: Settings) -> int:
    if args.conflated and args.author is not None:
        text = _one_conflation_text
    elif args.conflated:
        text = _conflated_text
    else:
        text = _pairs_text
    return answer(
        args, settings,
        lambda svc: svc.duplicates(
            author=args.author, conflated=args.conflated, min_score=args.min_score,
            min_papers=args.min_papers, max_authors=args.max_authors, min_group=args.min_group,
            limit=args.limit, offset=args.offset,
        ),
        text)


def _pairs_text(r: dict[str, Any]) -> str:
    if not r["pairs"]:
        return "no likely duplicates"
    first = r["offset"] + 1
    lines = [f"{r['total']} likely duplicate pairs (showing {first}–"
             f"{r['offset'] + len(r['pairs'])}, best first)"]
    for p in r["pairs"]:
        lines.append(f"  {p['score']:.3f}  {_who(p['a'])}  ~  {_who(p['b'])}")
        ev = [f"given names: {p['name_relation']}", f"family names: {p['family']}"]
        if p["shared_coauthors"]:
            ev.append(f"{p['shared_coauthors']} shared co-authors ("
                      + ", ".join(c["name"] for c in p["coauthors"]) + ")")
        if p["shared_venues"]:
            ev.append(f"{p['shared_venues']} shared venues (" + "; ".join(p["venues"]) + ")")
        ev += p["reasons"]
        lines.append("         " + "; ".join(ev))
        for e in p.get("evidence", []):
            lines += [ln[8:] for ln in _evidence_lines(e["coauthor"], f"{p['a']['id']}",
                                                        e["a_papers"], f"{p['b']['id']}",
                                                        e["b_papers"])]
        ids = [f"{x['id']}: {', '.join(x['ids'])}" for x in (p["a"], p["b"]) if x.get("ids")]
        if ids:
            lines.append("         ids " + " | ".join(ids))
    return "\n".join(lines)


def _conflated_text(r: dict[str, Any]) -> str:
    lines = [f"checked {r['checked']} authors with ≥ {r['min_papers']} papers and a name "
             f"others may share (at most {r['max_authors']}): {r['total']} possible "
             "conflations, most likely first"]
    for a in r["authors"]:
        lines.append(f"  {_who(a['author'])}: {len(a['groups'])} co-author groups, "
                     f"{_verdict(a)}")
        lines += _group_lines(a["groups"], top=3)
    return "\n".join(lines)


def _one_conflation_text(r: dict[str, Any]) -> str:
    verdict = "possible conflation" if r["flagged"] else "one person by the odds"
    lines = [f"{_who(r['author'])}: {len(r['groups'])} co-author groups, "
             f"{len(r['unlinked_papers'])} unlinked papers — {verdict} ({_verdict(r)})"]
    return "\n".join(lines + _group_lines(r["groups"]))


# -- overrides ------------------------------------------------------------------------------------
def _merge_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("target", help="the author that stays (id, kind:value or name)")
    p.add_argument("source", help="the author merged into it")
    p.add_argument("--force", action="store_true",
                   help="merge even if the two carry different ORCID/OpenAlex/S2 ids "
                        "(never two dblp homonym numbers)")
    _audit(p)


@command(
    "merge",
    help="merge author SOURCE into TARGET (audited, undone with unmerge)",
    example='graphsvc merge "Pascal Vincent" "P. Vincent" --why "same person, see CV"',
    arguments=_merge_arguments,
    details=OVERRIDE_RULES,
)
def cmd_merge(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args, settings,
        lambda svc: svc.merge(args.target, args.source, who=args.who, why=args.why,
                              force=args.force),
        lambda r: f"merged: {_override_line(r['override'])}\nnow: {_who(r['author'])}")


def _split_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("author", help="author id, external id or name")
    p.add_argument("--papers", nargs="+", required=True, metavar="PAPER",
                   help="paper ids or kind:value source ids (dblp:conf/x/Y19, doi:…)")
    _audit(p)


@command(
    "split",
    help="move papers of an author to a new author (audited, undone with unmerge)",
    example='graphsvc split "Wei Zhang" --papers 17 dblp:conf/ppopp/ZhangC19 --why "homonym"',
    arguments=_split_arguments,
    details=OVERRIDE_RULES,
)
def cmd_split(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args, settings,
        lambda svc: svc.split(args.author, args.papers, who=args.who, why=args.why),
        lambda r: f"split: {_override_line(r['override'])}\n"
                  f"new author: {_who(r['new_author'])}")


def _unmerge_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("ref", metavar="OVERRIDE_OR_AUTHOR",
                   help="an override id (12 or #12) or an author (name, kind:value)")
    p.add_argument("--author", action="store_true",
                   help="read a numeric REF as an author id, not an override id")
    _audit(p)


@command(
    "unmerge",
    help="undo an override (by id) or the latest merge of an author",
    example='graphsvc unmerge 12   |   graphsvc unmerge "Pascal Vincent"',
    arguments=_unmerge_arguments,
    details=OVERRIDE_RULES,
)
def cmd_unmerge(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args, settings,
        lambda svc: svc.unmerge(args.ref, who=args.who, why=args.why, by_author=args.author),
        lambda r: f"undone: {_override_line(r['override'])}\n"
                  + "\n".join(f"now: {_who(a)}" for a in r["authors"]))


def _overrides_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--author", help="only overrides about this author")
    add_page(p, limit=50)


@command(
    "overrides",
    help="the audit trail of manual merges and splits, newest first",
    example='graphsvc overrides --author "Pascal Vincent"',
    arguments=_overrides_arguments,
)
def cmd_overrides(args: argparse.Namespace, settings: Settings) -> int:
    return answer(
        args, settings,
        lambda svc: svc.overrides(author=args.author, limit=args.limit, offset=args.offset),
        lambda r: "\n".join(
            [f"{r['total']} overrides"] + [f"  {_override_line(o)}" for o in r["overrides"]]))
