"""Who is who against the order of the inputs, on real files of three formats (issue 15 item 5).

    python bench/identity_order.py [--data ../shared/data] [FILE ...]

Ingests the files (default: the physics BibTeX library ``zbb-issue1436-2.bib.gz``, the JabRef
library ``zbb-issue97-jabref.bib.gz``, Paperscape 1992 and the arXiv slice) in one run, one run
per file in the given order and in reverse, and as a run interrupted after half its first file
and then re-run; prints for each how many authors differ from the one-run result, compared
canonically (each author as the set of its authorships, a paper named by its first source).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.ingest import Ingestor, ingest  # noqa: E402
from graphsvc.model import Record  # noqa: E402
from graphsvc.sources import detect_format, read_records  # noqa: E402
from graphsvc.store.sqlite import SQLiteStore  # noqa: E402

Person = frozenset[tuple[str, int]]


def runs(files: list[Path], tmp: Path) -> dict[str, set[Person]]:
    out = {}

    def fresh(name: str) -> SQLiteStore:
        return SQLiteStore(tmp / f"{name}.sqlite3")

    s = fresh("one")
    ingest(s, files, read_ahead=False)
    out["one run"] = s.people()
    s.close()
    for name, order in (("file by file", files), ("file by file, reversed", files[::-1])):
        s = fresh(name.replace(" ", "_").replace(",", ""))
        for f in order:
            ingest(s, [f], read_ahead=False)
        out[name] = s.people()
        s.close()
    s = fresh("killed")
    first = [r for r in read_records(files[0], detect_format(files[0])) if isinstance(r, Record)]
    ing = Ingestor(s, batch_size=500)
    for r in first[: len(first) // 2]:
        ing.add(r)
    ing.flush()  # what a kill after these batches leaves
    ingest(s, files, read_ahead=False)
    out["half of the first file, then all"] = s.people()
    s.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("files", nargs="*", type=Path)
    args = ap.parse_args()
    data = Path(args.data)
    files = args.files or [
        data / "bibtex" / "zbb-issue1436-2.bib.gz",
        data / "bibtex" / "zbb-issue97-jabref.bib.gz",
        data / "arxiv" / "paperscape-pscp-1992.csv.gz",
        data / "arxiv" / "arxiv-metadata-oai-snapshot.first200.jsonl",
    ]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        got = runs(files, Path(tmp))
    base = got["one run"]
    print(f"files: {', '.join(f.name for f in files)} ({time.perf_counter() - started:.0f} s)")
    print(f"{'run':<36} {'authors':>8} {'differ from one run':>20}")
    for name, ppl in got.items():
        print(f"{name:<36} {len(ppl):8d} {len(ppl - base):20d}")


if __name__ == "__main__":
    main()
