"""Distances over the whole graph: single- and bit-parallel multi-source BFS, the hop-plot,
effective diameter and the exact diameter (iFUB), over plain CSR arrays ``(indptr, indices)``.

Split from ``graphsvc.graph.analytics`` (which re-exports these names): the BFS machinery is
its own job, used by ``stats`` and by the closeness ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "BATCH_SOURCES",
    "BfsSummary",
    "DiameterBound",
    "bfs_distances",
    "diameter_ifub",
    "effective_diameter",
    "multi_source_bfs",
]

#: Sources handled together by the bit-parallel BFS: 8 words of 64 bits per node. Wider batches
#: touch more memory per level than they save in levels (measured on the SNAP networks).
BATCH_SOURCES = 512
#: Upper bound on the CSR slots gathered at once by the bit-parallel BFS (x 8 bytes x words).
_SLOT_CHUNK = 1 << 20


# ----------------------------------------------------------------------------- small helpers
def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + l)`` for every pair, without a Python loop.

    Examples
    --------
    >>> _ranges(np.array([5, 0, 9]), np.array([2, 0, 3])).tolist()
    [5, 6, 9, 10, 11]
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    shift = np.asarray(starts, dtype=np.int64) - (ends - lengths)
    return np.repeat(shift, lengths) + np.arange(total, dtype=np.int64)


def _popcount_rows(words: np.ndarray) -> np.ndarray:
    """Set bits per row of a 2-D uint64 array (int64)."""
    return np.bitwise_count(words).sum(axis=1, dtype=np.int64)


def _bits_to_bool(words: np.ndarray, count: int) -> np.ndarray:
    """Unpack a 1-D uint64 bit set (bit ``i`` of word ``w`` = item ``64 w + i``) to booleans."""
    as_bytes = np.ascontiguousarray(words, dtype="<u8").view(np.uint8)
    return np.unpackbits(as_bytes, bitorder="little")[:count].astype(bool)


def _bit_column_sums(words: np.ndarray, count: int, chunk: int = 1 << 15) -> np.ndarray:
    """Per bit position: rows of a 2-D uint64 array having that bit set (first ``count``)."""
    out = np.zeros(count, dtype=np.int64)
    for a in range(0, words.shape[0], chunk):
        as_bytes = np.ascontiguousarray(words[a : a + chunk], dtype="<u8").view(np.uint8)
        bits = np.unpackbits(as_bytes, axis=1, bitorder="little")[:, :count]
        out += bits.sum(axis=0, dtype=np.int64)
    return out


def _csr(indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return np.asarray(indptr, dtype=np.int64), np.asarray(indices)


# ----------------------------------------------------------------------------- components


# ----------------------------------------------------------------------------- BFS
def bfs_distances(indptr: np.ndarray, indices: np.ndarray, source: int) -> np.ndarray:
    """Hop distance from ``source`` to every node (int32, -1 when unreachable).

    Examples
    --------
    >>> bfs_distances(np.array([0, 1, 3, 4, 4]), np.array([1, 0, 2, 1]), 0).tolist()
    [0, 1, 2, -1]
    """
    indptr, indices = _csr(indptr, indices)
    n = indptr.size - 1
    dist = np.full(n, -1, dtype=np.int32)
    dist[source] = 0
    frontier = np.array([source], dtype=np.int64)
    level = 0
    while frontier.size:
        level += 1
        starts = indptr[frontier]
        nbr = indices[_ranges(starts, indptr[frontier + 1] - starts)]
        nbr = nbr[dist[nbr] < 0]
        dist[nbr] = level
        # a boolean pass over all nodes is cheaper than sorting a large neighbour list
        frontier = np.unique(nbr) if nbr.size < n // 64 else np.flatnonzero(dist == level)
    return dist


@dataclass(frozen=True)
class BfsSummary:
    """What :func:`multi_source_bfs` measured.

    Attributes
    ----------
    hops : int64 array
        ``hops[h]`` = number of (source, node) pairs at distance ``h``; ``hops[0]`` = sources.
    eccentricity : int32 array
        Eccentricity of every source (within its component), in the order given.
    dist_sum : int64 array
        Per node: sum of its distances from the sources that reach it (empty unless
        ``node_sums``).
    reached_by : int64 array
        Per node: number of sources that reach it, itself included when it is a source (empty
        unless ``node_sums``).
    source_hops : int64 array (sources, levels)
        ``source_hops[i, h]`` = nodes at distance ``h`` from source ``i`` (empty unless
        ``per_source``).
    """

    hops: np.ndarray
    eccentricity: np.ndarray
    dist_sum: np.ndarray
    reached_by: np.ndarray
    source_hops: np.ndarray


def _row_chunks(lens: np.ndarray, limit: int = _SLOT_CHUNK) -> list[tuple[int, int]]:
    """Consecutive ``[a, b)`` row ranges whose slot counts sum to about ``limit`` at most."""
    if lens.size == 0:
        return []
    ends = np.cumsum(lens)
    cuts = np.searchsorted(ends, np.arange(limit, int(ends[-1]), limit), side="left") + 1
    bounds = np.unique(np.concatenate([[0], np.minimum(cuts, lens.size), [lens.size]]))
    return list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))


def _pull(
    indptr: np.ndarray,
    indices: np.ndarray,
    front: np.ndarray,
    visited: np.ndarray,
    open_rows: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Newly reached bits of ``open_rows``: OR of the neighbours' frontier words, in chunks."""
    starts = indptr[open_rows]
    lens = indptr[open_rows + 1] - starts
    out_rows, out_vals = [], []
    for a, b in _row_chunks(lens):
        ln = lens[a:b]
        gathered = front[indices[_ranges(starts[a:b], ln)]]
        vals = np.bitwise_or.reduceat(gathered, np.cumsum(ln) - ln, axis=0)
        vals &= ~visited[open_rows[a:b]]
        keep = vals.any(axis=1)
        out_rows.append(open_rows[a:b][keep])
        out_vals.append(vals[keep])
    if not out_rows:
        return open_rows[:0], front[:0]
    return np.concatenate(out_rows), np.concatenate(out_vals)


def _push(
    indptr: np.ndarray,
    indices: np.ndarray,
    front_rows: np.ndarray,
    front_vals: np.ndarray,
    visited: np.ndarray,
    scratch: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Newly reached bits from the frontier's neighbours, grouped by target with one sort per
    chunk and OR-ed into ``scratch`` (all zero before and after)."""
    starts = indptr[front_rows]
    lens = indptr[front_rows + 1] - starts
    touched = []
    for a, b in _row_chunks(lens):
        ln = lens[a:b]
        tgt = indices[_ranges(starts[a:b], ln)]
        order = np.argsort(tgt, kind="stable")
        tgt = tgt[order]
        vals = np.repeat(front_vals[a:b], ln, axis=0)[order]
        if tgt.size == 0:
            continue
        seg = np.flatnonzero(np.concatenate([[True], tgt[1:] != tgt[:-1]]))
        rows = tgt[seg].astype(np.int64)
        scratch[rows] |= np.bitwise_or.reduceat(vals, seg, axis=0)
        touched.append(rows)
    if not touched:
        return front_rows[:0], front_vals[:0]
    rows = np.unique(np.concatenate(touched))
    vals = scratch[rows] & ~visited[rows]
    scratch[rows] = 0
    keep = vals.any(axis=1)
    return rows[keep], vals[keep]


def _bitset_batch(
    indptr: np.ndarray,
    indices: np.ndarray,
    deg: np.ndarray,
    sources: np.ndarray,
    allowed: np.ndarray | None,
    dist_sum: np.ndarray | None,
    reached_by: np.ndarray | None,
    per_source: bool,
) -> tuple[list[int], np.ndarray, np.ndarray | None]:
    """BFS from up to ``64 W`` sources at once; node ``v`` keeps one bit per source.

    Each level takes the cheaper of two directions (Beamer's direction optimisation): *push*
    from the nodes on the frontier (gather their neighbours, group by target with one sort) or
    *pull* into the nodes some source has not reached yet (OR of their neighbours' frontier
    words, one ``reduceat``). Pull touches only nodes inside ``allowed`` when given.
    """
    n = indptr.size - 1
    b = int(sources.size)
    w = (b + 63) // 64
    bit = np.arange(b, dtype=np.int64)
    full = np.zeros(w, dtype=np.uint64)
    np.bitwise_or.at(full, bit // 64, np.left_shift(np.uint64(1), (bit % 64).astype(np.uint64)))
    visited = np.zeros((n, w), dtype=np.uint64)
    visited[sources, bit // 64] = np.left_shift(np.uint64(1), (bit % 64).astype(np.uint64))
    front_rows = np.asarray(sources, dtype=np.int64)
    front_vals = visited[front_rows].copy()
    front = np.zeros((n, w), dtype=np.uint64)
    front[front_rows] = front_vals
    scratch = np.zeros((n, w), dtype=np.uint64)
    if reached_by is not None:
        reached_by[front_rows] += _popcount_rows(front_vals)
    candidates = np.flatnonzero(allowed) if allowed is not None else np.arange(n, dtype=np.int64)
    candidates = candidates[deg[candidates] > 0]
    hops = [b]
    ecc = np.zeros(b, dtype=np.int32)
    by_source = [np.ones(b, dtype=np.int64)]
    level = 0
    while front_rows.size:
        level += 1
        open_rows = candidates[(visited[candidates] != full).any(axis=1)]
        candidates = open_rows
        pull_work = int(deg[open_rows].sum())
        push_work = int(deg[front_rows].sum())
        if pull_work <= 2 * push_work:
            rows, vals = _pull(indptr, indices, front, visited, open_rows)
        else:
            rows, vals = _push(indptr, indices, front_rows, front_vals, visited, scratch)
        front[front_rows] = 0
        if rows.size == 0:
            break
        counts = _popcount_rows(vals)
        hops.append(int(counts.sum()))
        if dist_sum is not None:
            dist_sum[rows] += level * counts
        if reached_by is not None:
            reached_by[rows] += counts
        visited[rows] |= vals
        front[rows] = vals
        front_rows, front_vals = rows, vals
        ecc[_bits_to_bool(np.bitwise_or.reduce(vals, axis=0), b)] = level
        if per_source:
            by_source.append(_bit_column_sums(vals, b))
    return hops, ecc, np.stack(by_source, axis=1) if per_source else None


def multi_source_bfs(
    indptr: np.ndarray,
    indices: np.ndarray,
    sources: np.ndarray,
    *,
    node_sums: bool = False,
    per_source: bool = False,
    allowed: np.ndarray | None = None,
    batch: int = BATCH_SOURCES,
) -> BfsSummary:
    """Bit-parallel BFS from every source (distinct node indices), ``batch`` at a time.

    Memory is ``O(n * batch / 8)`` bytes; time is about one sweep over the edges per level per
    batch. ``allowed`` (bool per node) may restrict the nodes that can be reached, e.g. to the
    sources' component; it only saves work and must contain every reachable node.

    Examples
    --------
    >>> # path 0-1-2-3
    >>> ptr = np.array([0, 1, 3, 5, 6]); idx = np.array([1, 0, 2, 1, 3, 2])
    >>> r = multi_source_bfs(ptr, idx, np.arange(4), node_sums=True)
    >>> r.hops.tolist(), r.eccentricity.tolist(), r.dist_sum.tolist()
    ([4, 6, 4, 2], [3, 2, 2, 3], [6, 4, 4, 6])
    """
    indptr, indices = _csr(indptr, indices)
    n = indptr.size - 1
    sources = np.asarray(sources, dtype=np.int64)
    deg = np.diff(indptr)
    dist_sum = np.zeros(n, dtype=np.int64) if node_sums else None
    reached_by = np.zeros(n, dtype=np.int64) if node_sums else None
    total: list[int] = []
    eccs = []
    rows: list[np.ndarray] = []
    for a in range(0, int(sources.size), batch):
        hops, ecc, by_source = _bitset_batch(
            indptr, indices, deg, sources[a : a + batch], allowed, dist_sum, reached_by, per_source
        )
        if by_source is not None:
            rows.append(by_source)
        if len(hops) > len(total):
            total.extend([0] * (len(hops) - len(total)))
        for h, c in enumerate(hops):
            total[h] += c
        eccs.append(ecc)
    return BfsSummary(
        hops=np.asarray(total, dtype=np.int64),
        eccentricity=np.concatenate(eccs) if eccs else np.zeros(0, dtype=np.int32),
        dist_sum=dist_sum if dist_sum is not None else np.zeros(0, dtype=np.int64),
        reached_by=reached_by if reached_by is not None else np.zeros(0, dtype=np.int64),
        source_hops=_pad_stack(rows, len(total) if per_source else 0),
    )


def _pad_stack(blocks: list[np.ndarray], width: int) -> np.ndarray:
    out = np.zeros((sum(b.shape[0] for b in blocks), width), dtype=np.int64)
    r = 0
    for b in blocks:
        out[r : r + b.shape[0], : b.shape[1]] = b
        r += b.shape[0]
    return out


def effective_diameter(hops: np.ndarray, q: float = 0.9) -> float:
    """The ``q`` effective diameter of a hop-plot, interpolated exactly as SNAP does.

    ``hops[h]`` counts pairs at distance ``h`` (``hops[0]``, pairs of a node with itself, is
    ignored). With ``F(h)`` the cumulative number of connected pairs at distance ``≤ h`` and
    ``h`` the first distance where ``F(h) > q F(max)``, the answer is
    ``h - 1 + (q F(max) - F(h-1)) / (F(h) - F(h-1))`` (SNAP ``TSnap::CalcEffDiam``).

    Examples
    --------
    >>> # path of 4 nodes: F = 6, 10, 12 ordered pairs; 0.9 * 12 = 10.8 is crossed at h = 3
    >>> round(effective_diameter(np.array([4, 6, 4, 2])), 6)
    2.4
    """
    counts = np.asarray(hops, dtype=np.float64).copy()
    if counts.size < 2 or counts[1:].sum() == 0:
        return 0.0
    counts[0] = 0.0
    cdf = np.cumsum(counts)
    target = q * cdf[-1]
    h = int(np.argmax(cdf > target))
    if cdf[h] <= target:
        return float(counts.size - 1)
    return float(h - 1 + (target - cdf[h - 1]) / (cdf[h] - cdf[h - 1]))


def _mean_distance(hops: np.ndarray) -> float:
    pairs = hops[1:].sum()
    if pairs == 0:
        return 0.0
    return float((np.arange(1, hops.size) * hops[1:]).sum() / pairs)


# ----------------------------------------------------------------------------- diameter
@dataclass(frozen=True)
class DiameterBound:
    """Result of :func:`diameter_ifub`: ``lower == upper`` when exact."""

    lower: int
    upper: int
    bfs_runs: int

    @property
    def exact(self) -> bool:
        return self.lower == self.upper


def _farthest(dist: np.ndarray) -> int:
    return int(np.argmax(dist))


def diameter_ifub(
    indptr: np.ndarray,
    indices: np.ndarray,
    component: np.ndarray,
    *,
    budget: int = 4096,
    seed: int = 0,
) -> DiameterBound:
    """Diameter of one connected component by iFUB (Crescenzi et al., TCS 2013).

    A 4-sweep picks a central root ``u`` and a lower bound; then the nodes farthest from ``u``
    are processed level by level (their eccentricities by :func:`multi_source_bfs`): once the
    best eccentricity found exceeds ``2 (i - 1)`` at level ``i``, no node nearer to ``u`` can
    beat it and the diameter is exact. When ``budget`` BFS runs do not settle it, the bounds
    reached so far are returned (``lower`` is the longest shortest path found).

    Examples
    --------
    >>> ptr = np.array([0, 1, 3, 5, 6]); idx = np.array([1, 0, 2, 1, 3, 2])
    >>> b = diameter_ifub(ptr, idx, np.arange(4))
    >>> b.lower, b.upper, b.exact
    (3, 3, True)
    """
    indptr, indices = _csr(indptr, indices)
    component = np.asarray(component, dtype=np.int64)
    if component.size <= 1:
        return DiameterBound(0, 0, 0)
    rng = np.random.default_rng(seed)
    deg = np.diff(indptr)
    # 4-sweep (Magnien et al.): two double sweeps, the second from the middle of the first path
    start = int(component[np.argmax(deg[component])])
    runs = 0
    lower = 0
    root = start
    for _ in range(2):
        d_root = bfs_distances(indptr, indices, root)
        a = _farthest(d_root)
        d_a = bfs_distances(indptr, indices, a)
        b = _farthest(d_a)
        runs += 2
        length = int(d_a[b])
        lower = max(lower, length)
        d_b = bfs_distances(indptr, indices, b)
        runs += 1
        on_path = np.flatnonzero((d_a >= 0) & (d_a + d_b == length) & (d_a == length // 2))
        root = int(on_path[0]) if on_path.size else int(rng.choice(component))
    d_u = bfs_distances(indptr, indices, root)
    runs += 1
    ecc_u = int(d_u.max())
    lower = max(lower, ecc_u)
    upper = 2 * ecc_u
    allowed = np.zeros(indptr.size - 1, dtype=bool)
    allowed[component] = True
    level = ecc_u
    while level > 0 and lower < upper:
        fringe = np.flatnonzero(d_u == level)
        if runs + fringe.size > budget:
            break
        ecc = multi_source_bfs(indptr, indices, fringe, allowed=allowed).eccentricity
        runs += int(fringe.size)
        lower = max(lower, int(ecc.max()))
        # every node left is within level - 1 of u: two of them are within 2 (level - 1), and
        # one of them is within the eccentricity (<= lower) of every node already processed
        upper = min(upper, max(lower, 2 * (level - 1)))
        level -= 1
    return DiameterBound(lower, upper, runs)
