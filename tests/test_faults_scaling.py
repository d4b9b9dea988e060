"""Fault catalogue, adversarial names: k mentions sharing one name key take time close to
linear in k (issue 14, item 5).

Once 4,000 x "Smith, J." in two BibTeX entries took 18.7 s, and a text page of 18,000 names
on two lines did not finish in a minute: every mention checked every author of its key. The
test compares times, not seconds: 4 times the mentions must cost well under 16 times (the
quadratic ratio) the time; the best of three runs damps a busy machine's noise.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from graphsvc.ingest import ingest
from graphsvc.store.sqlite import SQLiteStore

SMALL, LARGE = 2000, 8000
#: linear is 4, quadratic 16
MAX_RATIO = 9.0


def bibtex(path: Path, k: int) -> None:
    names = " and ".join(["Smith, J."] * (k // 2))
    path.write_text("".join(
        f"@article{{e{e}, title={{Paper {e}}}, year=2000, author={{{names}}}}}\n"
        for e in range(2)
    ))


def text_page(path: Path, k: int) -> None:
    line = ", ".join(["J. Smith"] * (k // 2))
    path.write_text(f"A Paper About Things\n{line}\n{line}\n")


def seconds(tmp: Path, write: object, k: int, suffix: str) -> float:
    best = float("inf")
    for i in range(3):
        path = tmp / f"in{k}-{i}{suffix}"
        write(path, k)  # type: ignore[operator]
        store = SQLiteStore(tmp / f"s{k}-{i}.sqlite3")
        try:
            started = time.perf_counter()
            rep = ingest(store, [path], read_ahead=False)
            best = min(best, time.perf_counter() - started)
            assert rep.records == 2 and rep.skipped == 0
        finally:
            store.close()
    return best


@pytest.mark.parametrize(("write", "suffix"), [(bibtex, ".bib"), (text_page, ".txt")],
                         ids=["bibtex", "text-page"])
def test_mentions_of_one_name_key_take_near_linear_time(
    tmp_path: Path, write: object, suffix: str
) -> None:
    small = seconds(tmp_path, write, SMALL, suffix)
    large = seconds(tmp_path, write, LARGE, suffix)
    assert large / small < MAX_RATIO, (round(small, 3), round(large, 3))
