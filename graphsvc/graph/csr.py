"""Immutable compressed (CSR) co-author graph built from paper memberships with numpy.

The membership table is ``graphsvc.graph.memberships.Memberships`` and the edge aggregation
``graphsvc.graph.edges``; both names this module always offered are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import numpy as np

from graphsvc.errors import InvalidQuery
from graphsvc.graph import native
from graphsvc.graph.edges import edge_aggregates, paper_pairs, with_ties
from graphsvc.graph.memberships import Memberships

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import scipy.sparse

    from graphsvc.graph.pyrows import PyRows

__all__ = ["CoauthorGraph", "Memberships", "paper_pairs", "visit"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def visit(dist: np.ndarray, nbr: np.ndarray, level: int) -> np.ndarray:
    """Mark the not yet visited nodes of ``nbr`` (``dist < 0``) with ``level``; return them once.

    The BFS de-duplication step without a sort: candidates stamp their position into ``dist``
    and keep the one stamp that survived, so the result is in no particular order. ``dist`` is
    a signed integer array where -1 means unvisited; it is updated in place.

    Examples
    --------
    >>> dist = np.array([0, -1, -1, 1])
    >>> sorted(visit(dist, np.array([2, 3, 2, 1, 2]), 2).tolist()), dist.tolist()
    ([1, 2], [0, 2, 2, 1])
    """
    cand = nbr[dist[nbr] < 0]
    if cand.size == 0:
        return cand
    stamp = -2 - np.arange(cand.size, dtype=dist.dtype)
    dist[cand] = stamp
    new = cand[dist[cand] == stamp]
    dist[new] = level
    return new


def _to_csc(row_len: np.ndarray, cols: np.ndarray, data: np.ndarray,
            n_cols: int) -> scipy.sparse.csc_array:
    """The CSR pattern of rows of ``row_len`` entries in columns ``cols`` (carrying ``data``),
    transposed: scipy's CSR -> CSC is a counting sort in C, O(entries + columns), with no
    comparison sort of packed keys. Per column, its rows come ascending, and so does ``data``
    of one row."""
    import scipy.sparse

    ptr = np.zeros(row_len.size + 1, dtype=np.int64)
    np.cumsum(row_len, out=ptr[1:])
    m = scipy.sparse.csr_array((data, cols, ptr), shape=(int(row_len.size), n_cols))
    return m.tocsc()


def _transpose(row_len: np.ndarray, cols: np.ndarray, n_cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Per column, its rows ascending, as ``(indptr int64, rows int32)``."""
    if cols.size == 0 or row_len.size == 0 or n_cols == 0:
        return np.zeros(n_cols + 1, dtype=np.int64), np.zeros(0, dtype=np.int32)
    t = _to_csc(row_len, cols, np.ones(cols.size, dtype=np.int8), n_cols)
    return t.indptr.astype(np.int64), t.indices.astype(np.int32)


def _transpose_order(cnt_f: np.ndarray, ev: np.ndarray, ar: np.ndarray, n: int) -> np.ndarray:
    """Forward entry positions ``ar`` (rows ``u`` of ``cnt_f`` entries, columns ``ev``) in
    ``(v, position)`` order: the transpose's data."""
    if ev.size == 0:
        return ar
    return np.asarray(_to_csc(cnt_f, ev, ar, n).data, dtype=np.int64)


def _extends(base: CoauthorGraph, author_ids: np.ndarray, counted: np.ndarray,
             in_window: np.ndarray, rules: tuple[int, int | None, int | None]) -> bool:
    """Whether ``base`` is the graph of a prefix of these memberships under the same rules:
    its authors first, its papers first and counted and in the window alike."""
    n0, p0 = base.n, base.n_papers
    return (
        (base.max_team_size, base.year_from, base.year_to) == rules
        and n0 <= author_ids.size and p0 <= counted.size
        and bool(np.array_equal(base.author_ids, author_ids[:n0]))
        and bool(np.array_equal(base.paper_counted, counted[:p0]))
        and bool(np.array_equal(base.paper_in_window, in_window[:p0]))
    )


def _numpy_arrays(
    n: int, ptr: np.ndarray, members: np.ndarray, year: np.ndarray, counted: np.ndarray,
    in_window: np.ndarray, tie: np.ndarray, tie_pairs: np.ndarray,
) -> dict[str, np.ndarray]:
    """The CSR rows and the author -> papers lists with numpy (``native.BUILT`` by name): the
    build without the C module, and the only one for ties. ``graphsvc/_native_build.c`` gives
    the same arrays."""
    eu, ev, e_papers, e_weight, e_first, e_last = with_ties(
        n, edge_aggregates(n, ptr, members, year, counted),
        members[ptr[tie_pairs]], members[ptr[tie_pairs] + 1], tie[tie_pairs],
    )

    # --- symmetrise: row r = [reverse entries (cols < r) | forward entries (cols > r)]
    cnt_f = np.bincount(eu, minlength=n)
    cnt_r = np.bincount(ev, minlength=n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(cnt_f + cnt_r, out=indptr[1:])
    start_f = np.concatenate([[0], np.cumsum(cnt_f)[:-1]]) if n else cnt_f
    start_r = np.concatenate([[0], np.cumsum(cnt_r)[:-1]]) if n else cnt_r
    ne = eu.size
    # forward entries are sorted by (u, v), so the rows are runs: positions are the run
    # offset plus a running index, no per-edge gathers
    ar = np.arange(ne, dtype=np.int64)
    pos_f = ar + np.repeat(indptr[:-1] + cnt_r - start_f, cnt_f)
    # reverse entries sorted by (v, forward position), which keeps u ascending within v:
    # the transpose of the forward entries, a counting sort (scipy's CSR -> CSC) in O(ne)
    rev = _transpose_order(cnt_f, ev, ar, n)
    pos_r = ar + np.repeat(indptr[:-1] - start_r, cnt_r)
    del ar
    slots = 2 * ne
    indices = np.empty(slots, dtype=np.int32)
    s_papers = np.empty(slots, dtype=np.int32)
    s_weight = np.empty(slots, dtype=np.float64)
    s_first = np.empty(slots, dtype=np.int32)
    s_last = np.empty(slots, dtype=np.int32)
    for dst, src, other in (
        (indices, ev, eu),
        (s_papers, e_papers, e_papers),
        (s_weight, e_weight, e_weight),
        (s_first, e_first, e_first),
        (s_last, e_last, e_last),
    ):
        dst[pos_f] = src
        dst[pos_r] = other[rev]

    # --- author -> papers in window (ascending paper index within each author): the
    # transpose of the paper -> members table, by the same counting sort
    k = np.diff(ptr)
    k_in = np.where(in_window, k, 0)
    if bool(in_window.all()):
        members_in = members
    else:
        members_in = members[np.repeat(in_window, k)]
    author_paper_ptr, author_papers = _transpose(k_in, members_in, n)
    del members_in, k_in
    return {
        "indptr": indptr, "indices": indices, "papers": s_papers, "weight": s_weight,
        "first_year": s_first, "last_year": s_last,
        "author_paper_ptr": author_paper_ptr, "author_papers": author_papers,
    }


@dataclass(frozen=True, eq=False)
class CoauthorGraph:
    """Undirected weighted co-author graph in CSR form; all arrays are read-only.

    Build it with :meth:`build`. Node ``i`` is author ``author_ids[i]``; since ``author_ids`` is
    ascending, ordering nodes by index is ordering them by author id. Every CSR slot ``s`` in row
    ``u`` is the edge ``u – indices[s]`` and carries ``papers``, ``weight``, ``first_year`` and
    ``last_year``; both directions of an edge carry the same values. An edge known only from
    co-authorship ties (edge lists, GML) has 0 papers, its tie weight and years 0.

    Examples
    --------
    >>> m = Memberships.from_papers([1, 2, 3], [[1, 2], [1, 2, 3]], years=[2001, 2005])
    >>> g = CoauthorGraph.build(m)
    >>> g.n, g.n_edges, g.neighbours(g.node(1)).tolist()
    (3, 3, [1, 2])
    >>> s = g.edge_slot(0, 1)
    >>> int(g.papers[s]), float(g.weight[s]), int(g.first_year[s]), int(g.last_year[s])
    (2, 1.5, 2001, 2005)
    """

    n: int
    author_ids: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    papers: np.ndarray
    weight: np.ndarray
    first_year: np.ndarray
    last_year: np.ndarray
    author_paper_ptr: np.ndarray
    author_papers: np.ndarray
    paper_counted: np.ndarray
    paper_in_window: np.ndarray
    excluded_papers: int
    memberships: Memberships
    max_team_size: int = 100
    year_from: int | None = None
    year_to: int | None = None

    # ------------------------------------------------------------------ build
    @classmethod
    def build(
        cls,
        mem: Memberships,
        *,
        max_team_size: int = 100,
        year_from: int | None = None,
        year_to: int | None = None,
        alloc: Callable[[str, int], np.ndarray] | None = None,
        base: CoauthorGraph | None = None,
    ) -> CoauthorGraph:
        """Build the graph from memberships: in C (``graph.native.build_arrays``) or with
        vectorised numpy, which give the same arrays.

        Parameters
        ----------
        mem : Memberships
        max_team_size : int
            Papers with more authors keep their authorships but add no edges; 0 = no cap.
        year_from, year_to : int, optional
            Year window (inclusive). With either bound given only papers with a *known* year in
            the window are in it; with neither, every paper is, including unknown years.
        alloc : callable, optional
            ``alloc(name, length)`` gives the writable array, of ``native.BUILT[name]``'s dtype
            and mapping a file, that each built array is written to (the persisted index has
            them written straight into its files); by default they are made in memory.
        base : CoauthorGraph, optional
            The graph of these memberships before papers (and authors) were appended, with the
            same cap and window: the C build copies the rows no new paper touches from it
            (the arrays are the same either way).

        Raises
        ------
        InvalidQuery
            ``max_team_size < 0`` or ``year_from > year_to``.
        """
        if max_team_size < 0:
            raise InvalidQuery(f"max_team_size must be >= 0, got {max_team_size}")
        if year_from is not None and year_to is not None and year_from > year_to:
            raise InvalidQuery(f"empty year window {year_from}..{year_to}")
        author_ids = np.asarray(mem.author_ids, dtype=np.int64)
        n = int(author_ids.size)
        ptr = np.asarray(mem.paper_ptr, dtype=np.int64)
        members = np.asarray(mem.paper_members, dtype=np.int32)
        year = np.asarray(mem.paper_year, dtype=np.int32)
        p = int(year.size)
        k = np.diff(ptr)

        if year_from is None and year_to is None:
            in_window = np.ones(p, dtype=bool)
        else:
            in_window = year > 0  # 0 (or a nonsensical negative year) is unknown
            if year_from is not None:
                in_window &= year >= year_from
            if year_to is not None:
                in_window &= year <= year_to
        tie = (
            np.zeros(p, dtype=np.float64)
            if mem.paper_tie is None
            else np.asarray(mem.paper_tie, dtype=np.float64)
        )
        is_tie = tie > 0
        tie_pairs = np.flatnonzero(in_window & is_tie & (k == 2))
        in_window &= ~is_tie  # a tie is no paper: never counted, listed or shown as evidence
        over_cap = (k > max_team_size) if max_team_size > 0 else np.zeros(p, dtype=bool)
        counted = in_window & (k >= 2) & ~over_cap
        excluded = int(np.count_nonzero(in_window & over_cap))

        arrays = None
        if tie_pairs.size == 0:  # the C build knows no ties (edge lists, GML): rare and small
            old = None
            if base is not None and _extends(base, author_ids, counted, in_window,
                                             (max_team_size, year_from, year_to)):
                old = (base.n_papers, {name: getattr(base, name) for name in native.BUILT})
            arrays = native.build_arrays(n, ptr, members, year, counted, in_window, alloc, old)
        if arrays is None:
            arrays = _numpy_arrays(n, ptr, members, year, counted, in_window, tie, tie_pairs)
            if alloc is not None:  # where the caller wants them
                for name, arr in list(arrays.items()):
                    arrays[name] = alloc(name, arr.size)
                    arrays[name][:] = arr

        return cls(
            n=n,
            author_ids=_readonly(author_ids.copy()),
            **{name: _readonly(arrays[name]) for name in native.BUILT},
            paper_counted=_readonly(counted),
            paper_in_window=_readonly(in_window),
            excluded_papers=excluded,
            memberships=mem,
            max_team_size=max_team_size,
            year_from=year_from,
            year_to=year_to,
        )

    # ----------------------------------------------------------------- lookups
    def __repr__(self) -> str:
        window = (
            f", years {self.year_from}..{self.year_to}" if self.year_from or self.year_to else ""
        )
        return (
            f"CoauthorGraph(n={self.n}, edges={self.n_edges}, papers={self.n_papers}, "
            f"max_team_size={self.max_team_size}{window})"
        )

    @cached_property
    def py(self) -> PyRows:
        """Plain-Python row access for small searches (``graph.pyrows``), made on first use
        (a cached property writes the instance dict directly, so the frozen class allows it)."""
        from graphsvc.graph.pyrows import PyRows

        return PyRows(self)

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        return int(self.indices.size // 2)

    @property
    def n_papers(self) -> int:
        return int(self.paper_in_window.size)

    def node(self, author_id: int) -> int:
        """Node index of a store author id; ``KeyError`` if unknown."""
        i = int(np.searchsorted(self.author_ids, author_id))
        if i >= self.n or int(self.author_ids[i]) != int(author_id):
            raise KeyError(author_id)
        return i

    def nodes(self, author_ids: np.ndarray | Sequence[int]) -> np.ndarray:
        """Node indices of many author ids (int64); ``KeyError`` naming the first unknown id."""
        ids = np.asarray(author_ids, dtype=np.int64)
        idx = np.searchsorted(self.author_ids, ids)
        bad = idx >= self.n
        bad[~bad] = self.author_ids[idx[~bad]] != ids[~bad]
        if bad.any():
            raise KeyError(int(ids[np.flatnonzero(bad)[0]]))
        return idx.astype(np.int64)

    def degree(self, u: int) -> int:
        return int(self.indptr[u + 1] - self.indptr[u])

    def degrees(self) -> np.ndarray:
        """Degree of every node (int64, (n,))."""
        return np.diff(self.indptr)

    def neighbours(self, u: int) -> np.ndarray:
        """Neighbours of ``u``, ascending (a read-only view)."""
        return self.indices[self.indptr[u] : self.indptr[u + 1]]

    def edge_slot(self, u: int, v: int) -> int:
        """CSR slot of ``v`` in ``u``'s row, or -1 when there is no edge (binary search)."""
        a, b = int(self.indptr[u]), int(self.indptr[u + 1])
        i = a + int(np.searchsorted(self.indices[a:b], v))
        if i < b and int(self.indices[i]) == v:
            return i
        return -1

    def edge_slots(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Vectorised :meth:`edge_slot` for arrays of pairs (int64, -1 where no edge)."""
        u = np.asarray(u, dtype=np.int64)
        v = np.asarray(v, dtype=np.int64)
        lo = self.indptr[u].copy()
        hi = self.indptr[u + 1].copy()
        end = hi.copy()
        # lower_bound within each row, all rows at once
        while True:
            active = lo < hi
            if not active.any():
                break
            mid = (lo + hi) // 2
            go_right = active & (self.indices[np.minimum(mid, self.indices.size - 1)] < v)
            lo = np.where(go_right, mid + 1, lo)
            hi = np.where(active & ~go_right, mid, hi)
        found = lo < end
        found[found] = self.indices[lo[found]] == v[found]
        return np.where(found, lo, -1)

    def expand(
        self,
        frontier: np.ndarray,
        *,
        node_mask: np.ndarray | None = None,
        slot_mask: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every usable slot leaving the nodes ``frontier``: ``(source, slot, neighbour)`` arrays.

        One gather for the whole frontier (row starts repeated by row length plus a running
        offset), the kernel of every level-synchronous BFS. ``slot_mask`` keeps slots that are
        True; ``node_mask`` keeps neighbours that are True. Rows appear in ``frontier`` order.
        """
        frontier = np.asarray(frontier, dtype=np.int64)
        starts = self.indptr[frontier]
        lens = self.indptr[frontier + 1] - starts
        total = int(lens.sum())
        if total == 0:
            e = np.zeros(0, dtype=np.int64)
            return e, e, e
        ends = np.cumsum(lens)
        slots = np.repeat(starts - ends + lens, lens) + np.arange(total, dtype=np.int64)
        src = np.repeat(frontier, lens)
        nbr = self.indices[slots].astype(np.int64)
        keep = None
        if slot_mask is not None:
            keep = slot_mask[slots]
        if node_mask is not None:
            keep = node_mask[nbr] if keep is None else keep & node_mask[nbr]
        if keep is not None:
            return src[keep], slots[keep], nbr[keep]
        return src, slots, nbr

    def slot_rows(self) -> np.ndarray:
        """Row (source node) of every CSR slot (int32, one entry per slot)."""
        return np.repeat(np.arange(self.n, dtype=np.int32), np.diff(self.indptr))

    def edge_list(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each undirected edge once: ``(u, v, slot)``, ``u < v``, ``slot`` in ``u``'s row."""
        rows = self.slot_rows()
        fwd = np.flatnonzero(self.indices > rows)
        return rows[fwd], self.indices[fwd], fwd

    def adjacency(
        self, data: Literal["papers", "weight", "ones"] = "papers"
    ) -> scipy.sparse.csr_array:
        """The adjacency matrix as a scipy ``csr_array`` sharing this graph's structure."""
        import scipy.sparse

        values = {"papers": self.papers, "weight": self.weight}.get(data)
        if values is None:
            values = np.ones(self.indices.size, dtype=np.int8)
        return scipy.sparse.csr_array(
            (values, self.indices, self.indptr), shape=(self.n, self.n), copy=False
        )

    def author_paper_list(self, u: int) -> np.ndarray:
        """Paper indices of ``u`` in the window (counted or not), ascending."""
        return self.author_papers[self.author_paper_ptr[u] : self.author_paper_ptr[u + 1]]

    def author_paper_rows(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The papers in the window of every node ``idx``, flattened: ``(owner, paper)`` with
        ``owner`` the position in ``idx`` (ascending) and ``paper`` the paper index (int64)."""
        idx = np.asarray(idx, dtype=np.int64)
        ptr = np.asarray(self.author_paper_ptr, dtype=np.int64)
        starts = ptr[idx]
        lens = ptr[idx + 1] - starts
        ends = np.cumsum(lens)
        pos = np.repeat(starts - ends + lens, lens) + np.arange(int(lens.sum()), dtype=np.int64)
        owner = np.repeat(np.arange(idx.size, dtype=np.int64), lens)
        return owner, np.asarray(self.author_papers, dtype=np.int64)[pos]

    def paper_count(self, u: int) -> int:
        """Number of papers of ``u`` in the window (counted or not)."""
        return int(self.author_paper_ptr[u + 1] - self.author_paper_ptr[u])

    def paper_counts(self) -> np.ndarray:
        """Papers in the window of every node (int64, (n,))."""
        return np.diff(self.author_paper_ptr)

    def joint_papers(self, u: int, v: int) -> np.ndarray:
        """Paper indices of the *counted* papers both ``u`` and ``v`` wrote, ascending."""
        both = np.intersect1d(
            self.author_paper_list(u), self.author_paper_list(v), assume_unique=True
        )
        return both[self.paper_counted[both]]

    # ------------------------------------------------------------------ year windows
    @property
    def windowed(self) -> bool:
        """Whether this is the graph of a year window."""
        return self.year_from is not None or self.year_to is not None

    def in_window(self) -> np.ndarray:
        """Which nodes belong to the graph asked about (bool, (n,)).

        Every store author is a node of every window's graph, so that node indices stay the
        same; an author belongs to a window only with a paper or a tie in it. Without a window
        every author belongs.

        Examples
        --------
        >>> m = Memberships.from_papers([1, 2, 3], [[1, 2], [3]], years=[2001, 2005])
        >>> CoauthorGraph.build(m, year_to=2002).in_window().tolist()
        [True, True, False]
        """
        if not self.windowed:
            return np.ones(self.n, dtype=bool)
        return (self.paper_counts() > 0) | (np.diff(self.indptr) > 0)

    def window_only(self) -> CoauthorGraph:
        """This graph without the nodes outside its year window, renumbered (itself when it has
        no such node): for whole-graph measures whose values depend on the number of authors
        (stats, centralities, communities), so that they describe the window's graph.

        Node ``i`` of the result is author ``author_ids[i]`` of the result; paper indices (and
        ``memberships``' per-paper arrays) are unchanged, ``memberships.paper_members`` still
        numbers the nodes of the full graph.

        Examples
        --------
        >>> m = Memberships.from_papers([1, 2, 3], [[1, 3], [2]], years=[2001, 2005])
        >>> w = CoauthorGraph.build(m, year_to=2002).window_only()
        >>> w.n, w.author_ids.tolist(), w.neighbours(0).tolist(), w.paper_counts().tolist()
        (2, [1, 3], [1], [1, 1])
        """
        keep = np.flatnonzero(self.in_window())
        if keep.size == self.n:
            return self
        local = np.full(self.n, -1, dtype=np.int64)
        local[keep] = np.arange(keep.size)
        # the nodes left out have no edge and no paper: their rows are empty, so the kept rows'
        # slots and paper lists stay where they are and only the offsets and numbers change
        ends = np.append(keep, self.n)
        return replace(
            self,
            n=int(keep.size),
            author_ids=_readonly(np.asarray(self.author_ids)[keep]),
            indptr=_readonly(np.asarray(self.indptr)[ends]),
            indices=_readonly(local[self.indices].astype(self.indices.dtype)),
            author_paper_ptr=_readonly(np.asarray(self.author_paper_ptr)[ends]),
        )
