"""Seeded synthetic co-authorship data with the shape of real bibliographies, fully vectorised.

The model (every step one numpy pass, no Python loop per author or paper):

- **Fields and labs.** Authors are cut into fields (sizes lognormal, mean ~150) and fields into
  labs (sizes geometric, mean 8): contiguous ranges of author indices.
- **Productivity (Lotka's law).** Every author has a weight ``w = U^(-1)`` (Pareto with tail
  exponent 1, capped at 1000), so the number of authors with ``k`` papers falls like ``k^-2``.
- **Ordinary papers** (99.7 %): team size 1–10 from an empirical distribution (mostly 2–6; ~14 %
  single-author). A lead author is drawn by weight from everyone; each co-author comes from the
  lead's lab (70 %), the lead's field (28 %) or anywhere (2 %), again by weight. Repeat
  collaborators and dense local clusters follow from the lab step, as in SNAP's collaboration
  networks (average clustering ~0.5–0.6, one giant component).
- **Consortium papers** (0.3 %): a consortium is a fixed pool of 15–600 authors of one field
  (Pareto sizes); each of its papers takes every pool member with probability ~0.8. Big teams
  thus reuse the same people (as real collaborations do), tens of authors are common and pools
  beyond 100 produce papers over the default team-size cap.
- **Everyone writes.** Authors the draws left without a paper join a random paper led from
  their lab (or field), or get a single-author paper.
- **Years** grow towards the present (exponential, 1970–2024); 1 % are unknown (0).

Scales: ``20k`` (20,000 authors, ~47k papers, ~140k edges), ``300k`` (~2M edges), ``3m`` (3M
authors, 7M papers, ~25M edges like dblp's co-author graph; about 30 s and 3.6 GB peak on one
core).

Run ``python bench/synthetic.py 20k`` to print the sizes and a few statistics.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graphsvc.graph.csr import Memberships  # noqa: E402

__all__ = ["SCALES", "generate", "scale_authors"]

#: named scales: number of authors (papers are ``PAPERS_PER_AUTHOR`` times as many)
SCALES = {"20k": 20_000, "300k": 300_000, "3m": 3_000_000}
PAPERS_PER_AUTHOR = 7 / 3

# team sizes 1..10 of ordinary papers (shares of dblp/arXiv-like bibliographies)
_TEAM_PMF = np.array([0.11, 0.27, 0.24, 0.145, 0.085, 0.055, 0.037, 0.027, 0.018, 0.013])
_CONSORTIUM_SHARE = 0.003
_PAPERS_PER_CONSORTIUM = 12
_P_LAB, _P_FIELD = 0.70, 0.28
_WEIGHT_CAP = 1000.0
_REDRAWS = 3


def scale_authors(scale: str) -> int:
    """Authors of a named scale (``"20k"``, ``"300k"``, ``"3m"``) or a plain integer string.

    Examples
    --------
    >>> scale_authors("300k"), scale_authors("1500")
    (300000, 1500)
    """
    if scale.lower() in SCALES:
        return SCALES[scale.lower()]
    return int(scale)


def _cuts(total: int, sizes: np.ndarray) -> np.ndarray:
    """Start offsets of consecutive blocks of the given sizes covering ``range(total)``."""
    ends = np.cumsum(sizes)
    ends = ends[ends < total]
    return np.concatenate([[0], ends]).astype(np.int64)


def _block_of(starts: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per item, the index of its block; and each block's ``[start, end)`` ends."""
    block = np.repeat(np.arange(starts.size), np.diff(np.append(starts, n)))
    return block, np.append(starts, n)


def _weighted_in_range(
    rng: np.random.Generator, cw: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> np.ndarray:
    """One item per query from ``[lo, hi)`` with probability ∝ weight (``cw`` = cumulative).

    A vectorised binary search bounded to each query's range: labs and fields are small, so it
    takes a few passes where ``np.searchsorted`` over all authors would take ~22 cache misses.
    """
    u = cw[lo] + rng.random(lo.size) * (cw[hi] - cw[lo])
    a = np.asarray(lo, dtype=np.int64).copy()
    b = np.asarray(hi, dtype=np.int64).copy()
    todo = np.flatnonzero(b - a > 1)
    while todo.size:
        aa, bb = a[todo], b[todo]
        mid = (aa + bb) // 2
        right = cw[mid] <= u[todo]
        a[todo] = np.where(right, mid, aa)
        b[todo] = np.where(right, bb, mid)
        todo = todo[b[todo] - a[todo] > 1]
    return a


def _repeated(paper: np.ndarray, author: np.ndarray, lead_of: np.ndarray, n: int) -> np.ndarray:
    """Slots whose author is the paper's lead or already named by an earlier slot of it.

    ``paper`` is ascending with at most 15 slots per paper, so one packed-key sort finds the
    repeats: ``(paper, author, slot within paper)``.
    """
    dup = author == lead_of
    first = np.flatnonzero(np.concatenate([[True], paper[1:] != paper[:-1]]))
    pos = np.arange(paper.size) - np.repeat(first, np.diff(np.append(first, paper.size)))
    key = (paper * n + author) * 16 + pos
    key.sort()
    pair = key >> 4
    again = np.flatnonzero(pair[1:] == pair[:-1]) + 1
    slot_paper = pair[again] // n
    dup[first[np.searchsorted(paper[first], slot_paper)] + (key[again] & 15)] = True
    return dup


def generate(n_authors: int, *, n_papers: int | None = None, seed: int = 0) -> Memberships:
    """Synthetic memberships for ``n_authors`` authors (every one with at least one paper).

    Parameters
    ----------
    n_authors : int
    n_papers : int, optional
        Ordinary plus consortium papers before the fix-up that gives paperless authors a paper
        (which adds a few single-author papers); default ``n_authors * 7 / 3``.
    seed : int

    Examples
    --------
    >>> m = generate(2000, seed=1)
    >>> m.n_authors, bool(np.bincount(m.paper_members, minlength=2000).min() >= 1)
    (2000, True)
    >>> m2 = generate(2000, seed=1)
    >>> bool(np.array_equal(m.paper_members, m2.paper_members))
    True
    """
    rng = np.random.default_rng(seed)
    n = int(n_authors)
    p = int(round(n * PAPERS_PER_AUTHOR)) if n_papers is None else int(n_papers)

    # --- fields and labs: contiguous author ranges
    field_sizes = np.maximum(5, rng.lognormal(np.log(100), 0.9, size=n // 20 + 2).astype(np.int64))
    field_start = _cuts(n, field_sizes)
    field, field_ends = _block_of(field_start, n)
    lab_sizes = rng.geometric(1 / 8, size=n // 2 + 2)
    lab_start = np.union1d(_cuts(n, lab_sizes), field_start)
    lab, lab_ends = _block_of(lab_start, n)

    # --- productivity: Pareto tail exponent 1 (Lotka), capped
    weight = np.minimum(1.0 / (1.0 - rng.random(n)), _WEIGHT_CAP)
    cw = np.concatenate([[0.0], np.cumsum(weight)])

    # --- ordinary papers
    n_cons_papers = int(round(p * _CONSORTIUM_SHARE))
    n_small = max(p - n_cons_papers, 1)
    team = rng.choice(np.arange(1, 11), size=n_small, p=_TEAM_PMF / _TEAM_PMF.sum())
    lead = _weighted_in_range(
        rng, cw, np.zeros(n_small, dtype=np.int64), np.full(n_small, n, dtype=np.int64)
    )
    paper_of = np.repeat(np.arange(n_small, dtype=np.int64), team - 1)
    lead_of = lead[paper_of]
    r = rng.random(paper_of.size)
    lo = np.zeros(paper_of.size, dtype=np.int64)
    hi = np.full(paper_of.size, n, dtype=np.int64)
    in_lab = r < _P_LAB
    in_field = (r >= _P_LAB) & (r < _P_LAB + _P_FIELD)
    lo[in_lab] = lab_ends[lab[lead_of[in_lab]]]
    hi[in_lab] = lab_ends[lab[lead_of[in_lab]] + 1]
    lo[in_field] = field_ends[field[lead_of[in_field]]]
    hi[in_field] = field_ends[field[lead_of[in_field]] + 1]
    coauthor = _weighted_in_range(rng, cw, lo, hi)
    # a small lab often yields the lead or a repeated co-author: redraw those from the field
    f_lo = field_ends[field[lead_of]]
    f_hi = field_ends[field[lead_of] + 1]
    for _ in range(_REDRAWS):
        dup = _repeated(paper_of, coauthor, lead_of, n)
        if not dup.any():
            break
        coauthor[dup] = _weighted_in_range(rng, cw, f_lo[dup], f_hi[dup])
    del r, lo, hi, in_lab, in_field, lead_of, f_lo, f_hi
    mem_paper = [np.arange(n_small, dtype=np.int64), paper_of]
    mem_author = [lead, coauthor]

    # --- consortium papers: fixed pools inside a field, each paper takes ~80 % of the pool
    n_cons = max(1, n_cons_papers // _PAPERS_PER_CONSORTIUM) if n_cons_papers else 0
    if n_cons:
        pool = np.minimum((15 * (1.0 - rng.random(n_cons)) ** (-1 / 1.2)).astype(np.int64), 600)
        # a pool starts inside a field and may run on into the next ones (big science spans fields)
        f = rng.integers(0, field_start.size, size=n_cons)
        start = field_ends[f] + (rng.random(n_cons) * (field_ends[f + 1] - field_ends[f])).astype(
            np.int64
        )
        pool = np.minimum(pool, n - start)
        cons = rng.integers(0, n_cons, size=n_cons_papers)
        q = rng.uniform(0.6, 0.95, size=n_cons_papers)
        slot_paper = np.repeat(np.arange(n_cons_papers, dtype=np.int64), pool[cons])
        ends = np.cumsum(pool[cons])
        offset = np.arange(int(ends[-1]), dtype=np.int64) - np.repeat(ends - pool[cons], pool[cons])
        take = rng.random(slot_paper.size) < q[slot_paper]
        mem_paper.append(n_small + slot_paper[take])
        mem_author.append(start[cons][slot_paper[take]] + offset[take])
    total_papers = n_small + n_cons_papers

    # --- every author writes: join a paper led from the lab, else the field, else write alone
    wrote = np.zeros(n, dtype=bool)
    for a in mem_author:
        wrote[a] = True
    idle = np.flatnonzero(~wrote)
    by_lab = np.argsort(lab[lead], kind="stable")
    lab_count = np.bincount(lab[lead], minlength=lab_ends.size - 1)
    lab_first = np.concatenate([[0], np.cumsum(lab_count)[:-1]])
    by_field = np.argsort(field[lead], kind="stable")
    field_count = np.bincount(field[lead], minlength=field_ends.size - 1)
    field_first = np.concatenate([[0], np.cumsum(field_count)[:-1]])
    il, ifd = lab[idle], field[idle]
    pick = np.full(idle.size, -1, dtype=np.int64)
    has_lab = lab_count[il] > 0
    pick[has_lab] = by_lab[
        lab_first[il[has_lab]]
        + (rng.random(int(has_lab.sum())) * lab_count[il[has_lab]]).astype(np.int64)
    ]
    has_field = ~has_lab & (field_count[ifd] > 0)
    pick[has_field] = by_field[
        field_first[ifd[has_field]]
        + (rng.random(int(has_field.sum())) * field_count[ifd[has_field]]).astype(np.int64)
    ]
    alone = pick < 0
    pick[alone] = total_papers + np.arange(int(alone.sum()))
    total_papers += int(alone.sum())
    mem_paper.append(pick)
    mem_author.append(idle)

    # --- one sort by (paper, author) groups papers and drops repeated authors within a paper
    key = np.concatenate(mem_paper) * n + np.concatenate(mem_author)
    del mem_paper, mem_author
    key.sort()
    key = key[np.concatenate([[True], key[1:] != key[:-1]])]
    members = (key % n).astype(np.int32)
    counts = np.bincount(key // n, minlength=total_papers)
    del key
    ptr = np.zeros(total_papers + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])

    year = (2025 - np.ceil(rng.exponential(9.0, size=total_papers))).astype(np.int32)
    year = np.maximum(year, 1970)
    year[rng.random(total_papers) < 0.01] = 0
    return Memberships(
        author_ids=np.arange(n, dtype=np.int64),
        paper_ids=np.arange(total_papers, dtype=np.int64),
        paper_year=year,
        paper_ptr=ptr,
        paper_members=members,
    )


def main(argv: list[str] | None = None) -> int:
    """Print sizes, timings and the main statistics of generated data at the given scales."""
    import argparse

    from graphsvc.graph.analytics import stats
    from graphsvc.graph.csr import CoauthorGraph

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scales", nargs="*", default=["20k"], help="e.g. 20k 300k 3m or 5000")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-stats", action="store_true", help="only generate and build")
    args = ap.parse_args(argv)
    for sc in args.scales:
        t0 = time.perf_counter()
        m = generate(scale_authors(sc), seed=args.seed)
        t1 = time.perf_counter()
        sizes = m.team_sizes()
        print(
            f"{sc}: {m.n_authors} authors, {m.n_papers} papers, {sizes.sum()} authorships, "
            f"generated in {t1 - t0:.1f}s; team sizes: median {np.median(sizes):.0f}, "
            f"2-6 {np.mean((sizes >= 2) & (sizes <= 6)):.1%}, >10 {np.mean(sizes > 10):.2%}, "
            f">100 {int((sizes > 100).sum())}, max {sizes.max()}"
        )
        per_author = np.bincount(m.paper_members, minlength=m.n_authors)
        print(
            f"  papers per author: 1 {np.mean(per_author == 1):.1%}, "
            f"2 {np.mean(per_author == 2):.1%}, >=10 {np.mean(per_author >= 10):.1%}, "
            f"max {per_author.max()}"
        )
        g = CoauthorGraph.build(m)
        t2 = time.perf_counter()
        print(f"  graph: {g.n_edges} edges, built in {t2 - t1:.1f}s")
        if not args.no_stats:
            s = stats(g)
            t3 = time.perf_counter()
            print(f"  stats in {t3 - t2:.1f}s: {s}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
