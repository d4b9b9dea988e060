"""Identity quality on the shared real data, against naive baselines, in one run.

    python bench/identity.py [--data ../shared/data] [--json] [--aliases-every N] [--only-aliases]

Prints (see ``graphsvc.identity.evaluate`` and ``graphsvc.identity.alias_eval`` for the
definitions):

0. dblp's alias table (``dblp-aliases/dblp-aliases-half-a.csv.gz``, pairs dblp knows to be one
   person): recall per category without and with one shared co-author, the share of the
   misses listed by ``duplicates``, and the pairwise precision of all its strings in one store
   with the authors holding two homonym numbers of one name (targets of issue 15 item 1);

1. the dblp sample with homonym numbers, dblp ids and ORCIDs stripped, and with only the ids and
   ORCIDs stripped: pairwise precision / recall / F1 and B-cubed precision / recall / F1 of
   graphsvc and of the baselines (exact string, family + first initial, match key only), against
   the strict truth (dblp name = person, ORCID links) and the spelling-aware truth (plus dblp
   names of one homonym number differing only in accents, case, hyphens or spaces), and each
   system's merge precision (pairs joined across different spellings);
2. the labelled variant pairs of ``tests/data/identity/variant_pairs.tsv``: join rates per group;
3. the conflation check on the stripped dblp store, scored against the truth, and the top of the
   duplicate listing there, with timings; and the duplicate listing over every shared BibTeX,
   arXiv, Paperscape and OpenAlex file ingested together (timing and size only: no truth there).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graphsvc.identity.alias_eval import (  # noqa: E402
    evaluate_aliases,
    load_aliases,
    one_store_precision,
    sample,
)
from graphsvc.identity.conflation import check, name_frequencies  # noqa: E402
from graphsvc.identity.duplicates import find_duplicates  # noqa: E402
from graphsvc.identity.evaluate import (  # noqa: E402
    _CapturingIngestor,
    dblp_truth,
    evaluate_dblp,
    evaluate_pairs,
    load_pairs,
)
from graphsvc.ingest import ingest  # noqa: E402
from graphsvc.model import Record  # noqa: E402
from graphsvc.sources.dblp import read as read_dblp  # noqa: E402
from graphsvc.store.sqlite import SQLiteStore  # noqa: E402

PAIRS = ROOT / "tests" / "data" / "identity" / "variant_pairs.tsv"


def dblp_tables(records: list[Record]) -> dict[str, Any]:
    started = time.perf_counter()
    out = evaluate_dblp(records)
    out["seconds"] = round(time.perf_counter() - started, 2)
    return out


def print_dblp(out: dict[str, Any]) -> None:
    head = (f"{'system':<24} {'truth':<9} {'pw P':>7} {'pw R':>7} {'pw F1':>7}   "
            f"{'B3 P':>7} {'B3 R':>7} {'B3 F1':>7}   {'merges':>6} {'merge P':>8}")
    titles = {"stripped": "A. homonym numbers, dblp ids and ORCIDs stripped",
              "numbered": "B. dblp ids and ORCIDs stripped, homonym numbers kept"}
    for setting, d in out.items():
        if setting == "seconds":
            continue
        print(f"\n{titles[setting]}: {d['mentions']} mentions, {d['names']} dblp names, "
              f"{d['people_strict']} people (strict) / {d['people_spelling']} (spelling-aware), "
              f"{d['homonym_names']} numbered names, {d['orcid_links']} ORCID links")
        print(head)
        print("-" * len(head))
        for name, r in d["systems"].items():
            for truth in ("strict", "spelling"):
                s = r[truth]
                mp = r["merge_precision_strict" if truth == "strict" else "merge_precision"]
                print(f"{name if truth == 'strict' else '':<24} {truth:<9} "
                      f"{s.pairwise_precision:7.4f} {s.pairwise_recall:7.4f} {s.pairwise_f1:7.4f}"
                      f"   {s.bcubed_precision:7.4f} {s.bcubed_recall:7.4f} {s.bcubed_f1:7.4f}   "
                      f"{r['merge_pairs']:6d} {mp:8.4f}")
        merged = d["homonym_merges"]
        print(f"graphsvc authors holding two homonym numbers of one name: {len(merged)}"
              + (f" (e.g. {merged[0][0]} + {merged[0][1]})" if merged else ""))
    print(f"({out['seconds']} s)")


def print_pairs() -> dict[str, Any]:
    pairs = load_pairs(PAIRS)
    rep = evaluate_pairs(pairs)
    cols = ["graphsvc", "graphsvc + shared co-author", "exact string", "family + first initial",
            "match key only"]
    print(f"\nLabelled variant pairs ({len(pairs)} pairs, {PAIRS.relative_to(ROOT)}): share "
          "joined (recall for 'same' groups; false joins for 'different')")
    head = f"{'group':<32} {'pairs':>5}" + "".join(f" {c[:22]:>23}" for c in cols)
    print(head)
    print("-" * len(head))
    for group, row in rep.rows.items():
        print(f"{group:<32} {row['pairs']:5d}" + "".join(f" {row[c]:23.3f}" for c in cols))
    for p, why in rep.wrong:
        print(f"  {why}: {p.a!r} / {p.b!r} ({p.kind}, {p.source})")
    return rep.rows


def conflation_and_duplicates(records: list[Record]) -> dict[str, Any]:
    """The conflation check and the duplicate listing on the stripped dblp store, scored."""
    t = dblp_truth(records)
    store = SQLiteStore(Path(":memory:"))
    ing = _CapturingIngestor(store)
    for r in t.records:
        ing.add(r)
    ing.flush()
    pred = [ing.resolved.get(id(a)) for r in t.records for a in r.authors]
    persons: dict[Any, Counter[str]] = defaultdict(Counter)
    for p, truth in zip(pred, t.spelling, strict=True):
        persons[p][truth] += 1
    out: dict[str, Any] = {}
    # conflation truth: an author holding mentions of two or more (spelling-aware) dblp people
    for min_papers in (2, 5):
        started = time.perf_counter()
        checked = store.prolific_authors(min_papers, 100_000)
        freq = name_frequencies(store)
        flagged = [a for a in checked if check(store, a, freq)["flagged"]]
        secs = time.perf_counter() - started
        true = {a for a in checked if len(persons[a]) > 1}
        tp = len(set(flagged) & true)
        out[f"conflated_min{min_papers}"] = {
            "checked": len(checked), "conflated": len(true), "flagged": len(flagged),
            "true_flags": tp, "precision": tp / len(flagged) if flagged else 1.0,
            "recall": tp / len(true) if true else 1.0,
            "base_rate": len(true) / len(checked) if checked else 0.0, "seconds": round(secs, 3),
        }
    started = time.perf_counter()
    dup = find_duplicates(store, limit=100_000)
    secs = time.perf_counter() - started
    # no precision here: dblp prints alias names ("Mahmut T. Kandemir" / "Mahmut Taylan
    # Kandemir") that the dblp-string truth counts as two people, so the top of the listing
    # is shown for inspection instead
    ranked = dup["pairs"]
    out["duplicates"] = {
        "pairs": dup["total"], "seconds": round(secs, 3),
        "with_shared_coauthors": sum(1 for p in ranked if p["shared_coauthors"]),
        "top": [f"{p['a']['name']} ~ {p['b']['name']} ({p['score']}: {p['name_relation']}, "
                f"{p['shared_coauthors']} shared co-authors)" for p in ranked[:10]],
    }
    store.close()
    return out


def print_checks(out: dict[str, Any]) -> None:
    print("\nConflation check on store A (flagged authors that truly hold two or more people):")
    for key, c in out.items():
        if key.startswith("conflated"):
            print(f"  authors with >= {key[-1]} papers: checked {c['checked']}, truly conflated "
                  f"{c['conflated']} (base rate {c['base_rate']:.3f}); flagged {c['flagged']}, "
                  f"precision {c['precision']:.3f}, recall {c['recall']:.3f} "
                  f"({c['seconds']} s)")
    d = out["duplicates"]
    print(f"Duplicate listing on store A: {d['pairs']} pairs ({d['with_shared_coauthors']} with "
          f"shared co-authors) in {d['seconds']} s; the top 10:")
    for line in d["top"]:
        print(f"  {line}")


def all_sources(data: Path) -> dict[str, Any]:
    """Every shared file with author names in one store: the listing's cost at that size."""
    files = [
        *sorted((data / "bibtex").glob("*.bib*")),
        *sorted((data / "bibtex" / "systems-freakypenguin").glob("*.bib")),
        *sorted((data / "arxiv").glob("*.csv.gz")),
        *sorted((data / "arxiv").glob("*.jsonl")),
        *sorted((data / "openalex").glob("*.json.gz")),
        data / "dblp" / "dblp-ppopp-socc.xml.gz",
    ]
    store = SQLiteStore(Path(":memory:"))
    started = time.perf_counter()
    rep = ingest(store, files)
    ingest_s = time.perf_counter() - started
    started = time.perf_counter()
    dup = find_duplicates(store, limit=20)
    dup_s = time.perf_counter() - started
    top = [f"{p['a']['name']} ~ {p['b']['name']} ({p['score']})" for p in dup["pairs"][:5]]
    out = {"files": len(files), "authors": rep.totals["authors"], "papers": rep.totals["papers"],
           "ingest_seconds": round(ingest_s, 2), "pairs": dup["total"],
           "duplicates_seconds": round(dup_s, 2), "top": top}
    store.close()
    return out


def aliases(path: Path, every: int) -> dict[str, Any]:
    pairs = sample(load_aliases(path), every)
    started = time.perf_counter()
    rep = evaluate_aliases(pairs)
    pair_s = time.perf_counter() - started
    started = time.perf_counter()
    prec = one_store_precision(pairs)
    prec_s = time.perf_counter() - started
    return {"pairs": len(pairs), "table": rep.table(), "by_words": rep.words_table(),
            "missed": rep.missed,
            "precision": prec, "seconds": [round(pair_s, 1), round(prec_s, 1)]}


def print_aliases(path: Path, out: dict[str, Any]) -> None:
    print(f"dblp alias table: {path} ({out['pairs']} pairs; {out['seconds'][0]} s for the pairs, "
          f"{out['seconds'][1]} s for one store)")
    head = (f"{'category':<26} {'pairs':>6} {'recall':>8} {'+shared co-author':>18} "
            f"{'misses listed':>14}")
    print(head)
    print("-" * len(head))
    for r in out["table"]:
        print(f"{r['category']:<26} {r['pairs']:6d} {r['recall']:8.4f} {r['recall_shared']:18.4f} "
              f"{r['misses_listed']:14.4f}")
    print("(targets: the first three >= 0.95 without evidence; the others join only with "
          "evidence. By the words alone, with the initials-only and homonym-number pairs: " +
          ", ".join(f"{r['category']} {r['pairs']} pairs, recall {r['recall']:.4f}"
                    for r in out["by_words"]) + ")")
    p = out["precision"]
    print(f"all {p['strings']} strings in one store: {p['authors']} authors, {p['joined_pairs']} "
          f"joined pairs, pairwise precision {p['precision']:.5f}, authors holding two homonym "
          f"numbers: {p['homonym_merges']}" + (f" {p['homonym_examples']}" if
                                                p['homonym_merges'] else ""))
    if p["wrong_examples"]:
        print("  wrong joins, e.g.: " + "; ".join(" + ".join(w) for w in p["wrong_examples"][:8]))
    for cat, miss in out["missed"].items():
        if miss:
            print(f"  missed {cat}, e.g.: " + "; ".join(" / ".join(m) for m in miss[:4]))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON at the end")
    ap.add_argument("--aliases-every", type=int, default=1,
                    help="evaluate every N-th pair of the alias table (1: all, about 6 minutes)")
    ap.add_argument("--only-aliases", action="store_true", help="print the alias table only")
    args = ap.parse_args()
    data = Path(args.data)
    table = data / "dblp-aliases" / "dblp-aliases-half-a.csv.gz"
    alias = aliases(table, args.aliases_every)
    print_aliases(table, alias)
    if args.only_aliases:
        if args.json:
            print(json.dumps(alias, indent=2, ensure_ascii=False))
        return
    dblp = data / "dblp" / "dblp-ppopp-socc.xml.gz"
    records = [r for r in read_dblp(dblp) if isinstance(r, Record)]
    print(f"dblp sample: {dblp} ({len(records)} records)")
    tables = dblp_tables(records)
    print_dblp(tables)
    pair_rows = print_pairs()
    checks = conflation_and_duplicates(records)
    print_checks(checks)
    every = all_sources(data)
    print(f"\nAll shared BibTeX, arXiv, Paperscape, OpenAlex and dblp files in one store: "
          f"{every['files']} files, {every['authors']} authors, {every['papers']} papers "
          f"(ingest {every['ingest_seconds']} s); duplicate listing: {every['pairs']} pairs in "
          f"{every['duplicates_seconds']} s; top: " + "; ".join(every["top"]))
    if args.json:
        def plain(x: Any) -> Any:
            if hasattr(x, "as_dict"):
                return x.as_dict()
            if isinstance(x, dict):
                return {k: plain(v) for k, v in x.items()}
            if isinstance(x, list | tuple):
                return [plain(v) for v in x]
            return x

        print(json.dumps(plain({"aliases": alias, "dblp": tables, "pairs": pair_rows,
                                "checks": checks,
                                "all_sources": every}), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
