"""The co-author edges of a membership table, vectorised: every author pair of every paper
(:func:`paper_pairs`), and the unique edges with their joint papers, Newman weight and first
and last year (:func:`edge_aggregates`), plus pairs known only from ties (:func:`with_ties`):
the arrays ``CoauthorGraph.build`` lays out as CSR rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["bits", "edge_aggregates", "paper_pairs", "with_ties"]

# Upper bound on the pairs materialised at once per team-size group, to bound temporaries.
_PAIR_CHUNK = 1 << 23
# Bits available for packed sort keys (tests lower it to exercise the argsort fallback).
_PACK_BITS = 63


def _pair_blocks(
    ptr: np.ndarray, members: np.ndarray, papers: np.ndarray
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, int]]:
    """Yield ``(paper_sel, x, y, pairs_per_paper)`` blocks covering every pair of ``papers``.

    Papers are grouped by team size ``k`` (one sort, no Python loop per paper); a group gathers a
    ``(m, k)`` member matrix and takes the upper-triangle ``k × k`` index template, so ``x``/``y``
    hold ``m * k(k-1)/2`` pairs, paper by paper.
    """
    k = ptr[papers + 1] - ptr[papers]
    if papers.size == 0:
        return
    # sort by (k, paper) via one packed key: np.sort is much faster than a stable argsort
    span = int(papers.size)
    packed = np.sort(k * span + np.arange(span, dtype=np.int64))
    ks = packed // span
    order = packed % span
    del packed
    bounds = np.flatnonzero(np.diff(ks)) + 1
    starts = np.concatenate([[0], bounds]).tolist()
    ends = np.concatenate([bounds, [ks.size]]).tolist()
    for a, b in zip(starts, ends, strict=True):
        kk = int(ks[a])
        if kk < 2:
            continue
        t0, t1 = np.triu_indices(kk, 1)
        per = int(t0.size)
        step = max(1, _PAIR_CHUNK // per)
        for c in range(a, b, step):
            sel = papers[order[c : min(b, c + step)]]
            mat = members[ptr[sel][:, None] + np.arange(kk)]
            yield sel, mat[:, t0].ravel(), mat[:, t1].ravel(), per


def paper_pairs(
    paper_ptr: np.ndarray, paper_members: np.ndarray, papers: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All author pairs of the given papers, without a Python loop per paper.

    Returns
    -------
    lo, hi : int32 arrays
        Node indices of every pair, ``lo < hi`` (members are distinct within a paper).
    paper : int32 array
        Paper index each pair comes from. Pairs are grouped by team size, then paper.

    Examples
    --------
    >>> ptr = np.array([0, 3, 5]); mem = np.array([4, 1, 2, 0, 3])
    >>> lo, hi, pp = paper_pairs(ptr, mem, np.array([0, 1]))
    >>> sorted(zip(lo.tolist(), hi.tolist(), pp.tolist()))
    [(0, 3, 1), (1, 2, 0), (1, 4, 0), (2, 4, 0)]
    """
    papers = np.asarray(papers, dtype=np.int64)
    ptr = np.asarray(paper_ptr, dtype=np.int64)
    members = np.asarray(paper_members)
    k = ptr[papers + 1] - ptr[papers]
    total = int((k * (k - 1) // 2).sum())
    lo = np.empty(total, dtype=np.int32)
    hi = np.empty(total, dtype=np.int32)
    paper = np.empty(total, dtype=np.int32)
    out = 0
    for sel, x, y, per in _pair_blocks(ptr, members, papers):
        m = x.size
        np.minimum(x, y, out=lo[out : out + m])
        np.maximum(x, y, out=hi[out : out + m])
        paper[out : out + m] = np.repeat(sel, per)
        out += m
    return lo, hi, paper


def bits(x: int) -> int:
    """Bits needed to hold values ``0 .. x-1``."""
    return max(int(x - 1).bit_length(), 1)


def _dense_unique(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(codes, return_inverse=True)`` for (year << 32) + team size codes, by a
    presence table over the years and sizes in use instead of a sort of every paper (the
    table is small: a few hundred years by the team sizes up to the cap).

    Examples
    --------
    >>> c = np.array([(2001 << 32) + 3, 2, (1999 << 32) + 2, 2])
    >>> [a.tolist() for a in _dense_unique(c)] == [a.tolist() for a in np.unique(
    ...     c, return_inverse=True)]
    True
    """
    if not codes.size:
        return np.unique(codes, return_inverse=True)
    yr, k = codes >> 32, codes & 0xFFFFFFFF
    y0, k0 = int(yr.min()), int(k.min())
    ny, nk = int(yr.max()) - y0 + 1, int(k.max()) - k0 + 1
    if ny * nk > max(1 << 24, 4 * codes.size):
        return np.unique(codes, return_inverse=True)
    cell = (yr - y0) * nk + (k - k0)
    present = np.zeros(ny * nk, dtype=bool)
    present[cell] = True
    used = np.flatnonzero(present)
    rank = np.cumsum(present, dtype=np.int64) - 1
    combos = ((used // nk + y0) << 32) + (used % nk + k0)
    return combos, rank[cell]


def edge_aggregates(
    n: int,
    ptr: np.ndarray,
    members: np.ndarray,
    year: np.ndarray,
    counted: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unique edges ``(u < v)`` sorted by ``(u, v)`` with papers, weight, first and last year.

    Every pair of a counted paper becomes one int64 ``u | v | c`` (bit fields) where ``c``
    numbers the distinct (year, team size) combinations in that order, unknown year first. One
    in-place ``np.sort`` then groups the pairs of an edge with their years ascending, so the
    first and last known years are read off the group ends; no argsort, no payload gathers.
    When the fields do not fit in 63 bits the combination is carried with an argsort instead.
    """
    papers = np.flatnonzero(counted)
    k = np.diff(ptr)
    yr = np.maximum(year[papers].astype(np.int64), 0)  # <= 0 is an unknown year
    combos, combo_of = _dense_unique((yr << 32) + k[papers])
    del yr
    combo_year = (combos >> 32).astype(np.int32)
    combo_w = 1.0 / ((combos & 0xFFFFFFFF) - 1)
    nb = bits(max(n, 1))
    cb = bits(max(int(combos.size), 1))
    packable = 2 * nb + cb <= _PACK_BITS
    label = np.zeros(int(year.size), dtype=np.int64)
    label[papers] = combo_of
    del combo_of
    total = int((k[papers] * (k[papers] - 1) // 2).sum())
    keys = np.empty(total, dtype=np.int64)
    carried = np.empty(0 if packable else total, dtype=np.int64)
    out = 0
    shift = nb + cb if packable else nb
    for sel, x, y, per in _pair_blocks(ptr, members, papers):
        m = x.size
        lo = np.minimum(x, y).astype(np.int64) << shift
        if packable:
            lo |= np.maximum(x, y).astype(np.int64) << cb
            lo |= np.repeat(label[sel], per)
        else:
            lo |= np.maximum(x, y)
            carried[out : out + m] = np.repeat(label[sel], per)
        keys[out : out + m] = lo
        out += m
    del label
    if packable:
        keys.sort()
        pair_label = keys & ((1 << cb) - 1)
        keys >>= cb
    else:
        # pairs of an edge ordered by combination (year), as the packed sort orders them
        order = np.lexsort((carried, keys))
        keys = keys[order]
        pair_label = carried[order]
        del order, carried
    if keys.size:
        first = np.empty(keys.size, dtype=bool)
        first[0] = True
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        del first
    else:
        starts = np.zeros(0, dtype=np.int64)
    ukey = keys[starts]
    del keys
    ends = np.append(starts[1:], pair_label.size)
    e_papers = (ends - starts).astype(np.int32)
    if pair_label.size:
        e_weight = np.add.reduceat(combo_w[pair_label], starts)
        # an edge's pairs are in combination order, unknown years (the lowest combinations)
        # first: its first known year is at its first label past them
        known = np.flatnonzero(pair_label >= np.count_nonzero(combo_year == 0))
        at = np.searchsorted(known, starts)
        first_known = known[np.minimum(at, max(known.size - 1, 0))] if known.size else starts
        any_known = (at < known.size) & (first_known < ends)
        del known, at
        e_first = np.zeros(starts.size, dtype=np.int32)
        e_first[any_known] = combo_year[pair_label[first_known[any_known]]]
        del first_known
        e_last = combo_year[pair_label[ends - 1]]
    else:
        e_weight = np.zeros(0)
        e_last = e_first = np.zeros(0, dtype=np.int32)
    eu = (ukey >> nb).astype(np.int32)
    ev = (ukey & ((1 << nb) - 1)).astype(np.int32)
    return eu, ev, e_papers, e_weight, e_first, e_last


def with_ties(
    n: int,
    edges: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    tu: np.ndarray,
    tv: np.ndarray,
    tw: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The paper edges plus the pairs known only from ties: 0 papers, the strongest tie's
    weight, no years. A pair with joint papers keeps their aggregates (a tie adds nothing)."""
    if tu.size == 0:
        return edges
    eu, ev, e_papers, e_weight, e_first, e_last = edges
    nb = bits(max(n, 1))
    lo = np.minimum(tu, tv).astype(np.int64)
    hi = np.maximum(tu, tv).astype(np.int64)
    tkey = (lo << nb) | hi
    order = np.lexsort((-tw, tkey))  # strongest first within a pair
    tkey, tw = tkey[order], tw[order]
    first = np.ones(tkey.size, dtype=bool)
    first[1:] = tkey[1:] != tkey[:-1]
    tkey, tw = tkey[first], tw[first]
    ekey = (eu.astype(np.int64) << nb) | ev.astype(np.int64)
    new = ~np.isin(tkey, ekey)
    if not new.any():
        return edges
    keys = np.concatenate([ekey, tkey[new]])
    order = np.argsort(keys, kind="stable")
    zeros = np.zeros(int(new.sum()), dtype=np.int32)
    return (
        (keys[order] >> nb).astype(np.int32),
        (keys[order] & ((1 << nb) - 1)).astype(np.int32),
        np.concatenate([e_papers, zeros])[order],
        np.concatenate([e_weight, tw[new]])[order],
        np.concatenate([e_first, zeros])[order],
        np.concatenate([e_last, zeros])[order],
    )
