"""Who wrote which paper, as flat arrays: what a store hands the graph engine
(``graphsvc.graph.csr.CoauthorGraph.build`` turns it into the co-author graph)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["Memberships", "narrow_ids"]


def narrow_ids(arr: np.ndarray) -> np.ndarray:
    """``arr`` as int32 when its values fit (half the memory of a 24M-row authorship scan);
    every store hands the engine its authorship ids this way.

    Examples
    --------
    >>> narrow_ids(np.array([1, 2**31 - 1])).dtype, narrow_ids(np.array([2**31])).dtype
    (dtype('int32'), dtype('int64'))
    """
    if arr.size and int(arr.min()) >= -(2**31) and int(arr.max()) < 2**31:
        return arr.astype(np.int32)
    return arr


@dataclass(frozen=True, eq=False)
class Memberships:
    """Who wrote which paper, as flat arrays (what a store hands the graph engine).

    Attributes
    ----------
    author_ids : int64 (n,)
        Store author ids, strictly ascending; node index ``i`` is author ``author_ids[i]``.
    paper_ids : int64 (p,)
        Store paper ids; paper index ``j`` is paper ``paper_ids[j]``.
    paper_year : int32 (p,)
        Publication year, ``0`` when unknown (a negative year is treated as unknown too).
    paper_ptr : int64 (p+1,)
        CSR offsets over papers into ``paper_members``.
    paper_members : int32
        Node indices of each paper's authors, distinct within a paper.
    paper_tie : float64 (p,), optional
        0 for a paper; the weight of a co-authorship tie (an edge-list line, a GML edge) for
        a unit that is a tie and no paper (DESIGN.md "Ties without papers"). None: no ties.

    Examples
    --------
    >>> m = Memberships.from_papers([10, 20, 30], [[10, 20], [10, 20, 30]], years=[2001, 0])
    >>> m.n_authors, m.n_papers, m.team_sizes().tolist()
    (3, 2, [2, 3])
    """

    author_ids: np.ndarray
    paper_ids: np.ndarray
    paper_year: np.ndarray
    paper_ptr: np.ndarray
    paper_members: np.ndarray
    paper_tie: np.ndarray | None = None

    @property
    def n_authors(self) -> int:
        return int(self.author_ids.shape[0])

    @property
    def n_papers(self) -> int:
        return int(self.paper_ids.shape[0])

    def team_sizes(self) -> np.ndarray:
        """Number of authors of every paper (int64, (p,))."""
        return np.diff(np.asarray(self.paper_ptr, dtype=np.int64))

    def validate(self) -> None:
        """Raise ``ValueError`` when the arrays do not describe a consistent membership table."""
        aid = np.asarray(self.author_ids)
        p = self.n_papers
        ptr = np.asarray(self.paper_ptr)
        if aid.ndim != 1 or (aid.size > 1 and not np.all(aid[1:] > aid[:-1])):
            raise ValueError("author_ids must be strictly ascending")
        if np.asarray(self.paper_year).shape != (p,) or ptr.shape != (p + 1,):
            raise ValueError("paper_year / paper_ptr do not match paper_ids")
        if ptr[0] != 0 or np.any(np.diff(ptr) < 0) or ptr[-1] != len(self.paper_members):
            raise ValueError("paper_ptr is not a valid CSR offset array")
        mem = np.asarray(self.paper_members)
        if mem.size and (mem.min() < 0 or mem.max() >= aid.size):
            raise ValueError("paper_members holds an index outside author_ids")
        if mem.size:
            paper_of = np.repeat(np.arange(p, dtype=np.int64), np.diff(ptr))
            key = paper_of * max(aid.size, 1) + mem
            if np.unique(key).size != key.size:
                raise ValueError("an author appears twice in one paper")

    @classmethod
    def from_edges(cls, u: np.ndarray, v: np.ndarray) -> Memberships:
        """One 2-author paper per distinct undirected pair (SNAP-style edge lists).

        Pairs are de-duplicated first (SNAP lists every edge twice); ``u == v`` gives a 1-author
        paper so the node exists. Node ids are the sorted unique values of ``u`` and ``v``; all
        years are unknown (0); paper ids are ``0..p-1`` in (min, max) pair order.

        Examples
        --------
        >>> m = Memberships.from_edges(np.array([1, 2, 5, 7]), np.array([2, 1, 5, 1]))
        >>> m.author_ids.tolist(), m.team_sizes().tolist()
        ([1, 2, 5, 7], [2, 2, 1])
        """
        u = np.asarray(u, dtype=np.int64).ravel()
        v = np.asarray(v, dtype=np.int64).ravel()
        if u.shape != v.shape:
            raise ValueError("u and v must have the same length")
        ids = np.unique(np.concatenate([u, v]))
        a = np.searchsorted(ids, np.minimum(u, v))
        b = np.searchsorted(ids, np.maximum(u, v))
        n = max(int(ids.size), 1)
        key = np.unique(a * n + b)
        a, b = key // n, key % n
        loop = a == b
        sizes = np.where(loop, 1, 2)
        ptr = np.zeros(key.size + 1, dtype=np.int64)
        np.cumsum(sizes, out=ptr[1:])
        members = np.empty(int(ptr[-1]), dtype=np.int32)
        members[ptr[:-1]] = a
        two = ~loop
        members[ptr[:-1][two] + 1] = b[two]
        return cls(
            author_ids=ids,
            paper_ids=np.arange(key.size, dtype=np.int64),
            paper_year=np.zeros(key.size, dtype=np.int32),
            paper_ptr=ptr,
            paper_members=members,
        )

    @classmethod
    def from_papers(
        cls,
        author_ids: Iterable[int],
        papers: Sequence[Sequence[int]],
        *,
        years: Sequence[int] | None = None,
        paper_ids: Sequence[int] | None = None,
        ties: Sequence[float] | None = None,
    ) -> Memberships:
        """Small tables from Python lists of author ids per paper (tests, tiny stores).

        ``author_ids`` may be in any order; they are sorted. Authors repeated within one paper
        are kept once. ``ties`` gives each unit's tie weight (0 for a paper).
        """
        ids = np.unique(np.fromiter(author_ids, dtype=np.int64))
        lists = [np.unique(np.asarray(list(p), dtype=np.int64)) for p in papers]
        flat = np.concatenate(lists) if lists else np.zeros(0, dtype=np.int64)
        idx = np.searchsorted(ids, flat)
        bad = idx >= ids.size
        if flat.size and (bad.any() or np.any(ids[np.minimum(idx, ids.size - 1)] != flat)):
            raise ValueError("a paper names an author id that is not in author_ids")
        ptr = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum([x.size for x in lists], out=ptr[1:])
        pids = np.arange(len(lists)) if paper_ids is None else paper_ids
        yrs = np.zeros(len(lists)) if years is None else years
        return cls(
            author_ids=ids,
            paper_ids=np.asarray(pids, dtype=np.int64),
            paper_year=np.asarray(yrs, dtype=np.int32),
            paper_ptr=ptr,
            paper_members=idx.astype(np.int32),
            paper_tie=None if ties is None else np.asarray(ties, dtype=np.float64),
        )
