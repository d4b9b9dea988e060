"""``graphsvc ingest``: read publication files into the store and print the ingest report."""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from graphsvc.cli.common import emit, open_store, progress
from graphsvc.cli.registry import command
from graphsvc.config import Settings
from graphsvc.sources import FORMATS, ReaderOptions


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", help="files to read (.gz is fine)")
    p.add_argument("--format", choices=sorted(FORMATS), help="force the input format")
    p.add_argument(
        "--max-team-size",
        type=int,
        help="papers with more authors add no co-author edges (default 100, 0 = no cap)",
    )
    p.add_argument("--authors-column", help="CSV/TSV: column holding the authors")
    p.add_argument("--title-column", help="CSV/TSV: column holding the title")
    p.add_argument("--year-column", help="CSV/TSV: column holding the year")
    p.add_argument("--author-separator", help="CSV/TSV: separator between authors (; or ,)")
    p.add_argument("--names-file", help="edge lists: file of 'id name' lines naming the nodes")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


@command(
    "ingest",
    help="read publication files into the store (format detected from content)",
    example="graphsvc ingest papers.bib dblp.xml.gz --max-team-size 50",
    arguments=_arguments,
)
def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from graphsvc.ingest import ingest

    opts = ReaderOptions(
        authors_column=args.authors_column,
        title_column=args.title_column,
        year_column=args.year_column,
        author_separator=args.author_separator,
        names_file=Path(args.names_file) if args.names_file else None,
    )
    show = sys.stderr.isatty() and not args.no_progress
    with open_store(settings) as store:
        report = ingest(
            store,
            [Path(p) for p in args.paths],
            fmt=args.format,
            options=opts,
            max_team_size=args.max_team_size,
            progress=progress(show),
        )
    emit(args, report.to_dict(), ingest_text)
    empty = read_nothing(report.to_dict())
    for path, fmt in empty:
        print(f"graphsvc: {path}: nothing was read from this file ({fmt}); the skipped lines "
              "above say why (force the format with --format)", file=sys.stderr)
    return 1 if empty else 0


def read_nothing(r: dict[str, Any]) -> list[tuple[str, str]]:
    """(path, format) of every non-empty input file that gave no record at all."""
    out = []
    for f in r["files"]:
        if f["records"]:
            continue
        paths = [Path(f["path"])] if Path(f["path"]).exists() else [
            Path(x) for x in str(f["path"]).split(" + ")
        ]
        if any(x.is_file() and x.stat().st_size > 0 for x in paths):
            out.append((str(f["path"]), str(f.get("format") or "unreadable")))
    return out


def ingest_text(r: dict[str, Any]) -> str:
    """The ingest report as the lines ``graphsvc ingest`` prints."""
    lines = []
    for f in r["files"]:
        lines.append(
            f"{f['path']} ({f['format']}): {f['records']} records, "
            f"{f['papers']} new papers, "
            + (f"{f['ties']} new co-author ties, " if f.get("ties") else "")
            + f"{f['skipped']} skipped"
        )
    lines.append(
        f"records {r['records']}  new papers {r['papers']}  already known {r['duplicates']}  "
        f"new authors {r['authors']}  new edges {r['edges']}  skipped {r['skipped']}"
    )
    if r["excluded_papers"]:
        lines.append(
            f"{r['excluded_papers']} papers have more than {r['max_team_size']} authors: "
            "kept, but they add no co-author edges (--max-team-size)"
        )
    if r["skipped_reasons"]:
        lines.append("skipped: " + ", ".join(f"{k} {v}" for k, v in r["skipped_reasons"].items()))
        for ex in r["examples"][:5]:
            lines.append(
                f"  {ex['source_ref']}: {ex['reason']}"
                + (f" ({ex['detail']})" if ex.get("detail") else "")
            )
    if r["records"] == 0 and r["skipped_reasons"].get("no-author-lists"):
        lines.append("no author lists found: nothing to ingest from this input")
    t = r["totals"]
    ties = f", {t['ties']} ties without papers" if t.get("ties") else ""
    lines.append(
        f"store now: {t['authors']} authors, {t['papers']} papers{ties}, {t['edges']} edges "
        f"({r['seconds']} s)"
    )
    return "\n".join(lines)


def ingest_demo_if_empty(store: Any) -> None:
    """Load the bundled CC0 dblp sample into an empty store, so there is something to ask."""
    from graphsvc.ingest import ingest

    if store.counts()["authors"]:  # papers, or ties only (an edge list)
        return
    ref = resources.files("graphsvc") / "data" / "dblp-ppopp-socc.xml.gz"
    with resources.as_file(ref) as sample:
        print(f"ingesting the bundled demo data: {sample.name} (dblp, CC0)", file=sys.stderr)
        rep = ingest(store, [sample], progress=progress(sys.stderr.isatty()))
        print(ingest_text(rep.to_dict()), file=sys.stderr)
