"""The opening of an unmasked bidirectional BFS in plain Python, for searches that stay small.

A numpy level costs a dozen array calls (~1–2 µs each) whatever its size, so a search of a few
hundred nodes (most queries on a SNAP-sized graph, the first levels of any) spends its time in
call overhead, not in work. Here the levels run on Python ints (``graph.pyrows``) with C-level
set operations: a level is one ``set.update`` per frontier row, one ``set.difference``
against the side's distances and one membership filter against the other side's, with exactly
the level-synchronous rule of ``graph.bidirectional``: the side with less frontier work (sum
of degrees) expands a whole level, and the nodes of that level the other side has seen are the
meeting layer. Once the side to expand has more than ``MAX_WORK`` slots of work, the caller
takes over with numpy from the state reached here.

When the sides met here, the chains are read off the level sets too: the layers of every
shortest chain (:func:`chain_layers`), one chain by the shortest-path rule
(:func:`small_chain`), their number (:func:`small_count`) and the hops between layers
(:func:`small_dag`).

Unmasked searches only: masks are numpy arrays, and masked queries are rare.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain, compress
from operator import not_

from graphsvc.graph.csr import CoauthorGraph

__all__ = [
    "MAX_WORK",
    "MAX_WORK_VIEWS",
    "Hops",
    "Opening",
    "chain_layers",
    "level_sigma",
    "open_search",
    "small_chain",
    "small_count",
    "small_dag",
]

#: frontier work (adjacency slots) up to which a level is expanded in Python when the graph
#: keeps its rows as Python lists (``graph.pyrows``); beyond it one numpy level is cheaper than
#: the set operations (measured on the SNAP graphs)
MAX_WORK = 3000
#: the same for a graph read through memoryviews (past ``pyrows.LIST_SLOTS``), where every
#: row read makes its Python ints (measured on the 3M synthetic graph)
MAX_WORK_VIEWS = 400


@dataclass
class Opening:
    """State of the Python search: per-side level sets and frontier work.

    ``levels_s[k]`` is the set of nodes at distance ``k`` from ``s`` (``levels_s[-1]`` the
    frontier), likewise ``levels_t``. When the sides met (``d = ls + lt + 1``: an edge joins
    the two frontiers), ``mid_s`` holds frontier nodes of ``s`` with a neighbour on the
    frontier of ``t`` (all of them, or just one with ``first_only``); else ``d`` is None and
    the frontiers are where to continue from (an empty one: no chain), unless ``d`` is -1:
    ``max_length`` cut the search off.
    """

    levels_s: list[set[int]]
    levels_t: list[set[int]]
    work_s: int
    work_t: int
    d: int | None = None
    mid_s: set[int] = field(default_factory=set)

    @property
    def ls(self) -> int:
        return len(self.levels_s) - 1

    @property
    def lt(self) -> int:
        return len(self.levels_t) - 1

    @property
    def fs(self) -> set[int]:
        return self.levels_s[-1]

    @property
    def ft(self) -> set[int]:
        return self.levels_t[-1]


_NONE: frozenset[int] = frozenset()


def _touching(row: Callable[[int], Sequence[int]], nodes: set[int], other: set[int],
              first_only: bool) -> set[int]:
    """The nodes of ``nodes`` with a neighbour in ``other`` (one of them with ``first_only``),
    by ``compress`` over lazily mapped ``isdisjoint`` tests: no bytecode runs per node."""
    found = compress(nodes, map(not_, map(other.isdisjoint, map(row, nodes))))
    if first_only:
        first = next(found, None)
        return set() if first is None else {first}
    return set(found)


def open_search(G: CoauthorGraph, s: int, t: int, max_length: int | None,
                max_work: int | None = None, first_only: bool = False) -> Opening:
    """Run the bidirectional BFS from ``s`` to ``t`` (``s != t``) while levels are small
    (frontier work up to ``max_work`` slots, default :data:`MAX_WORK` or
    :data:`MAX_WORK_VIEWS`).

    Before a side expands, its frontier rows are tested against the other frontier (set
    look-ups only, no new set): the level that meets costs no insertions, and with
    ``first_only`` (the distance alone is wanted) the test stops at the first row that meets.
    Otherwise no set of every node seen is kept: a BFS level's neighbours lie on the level
    itself, the one before or the one after, so the new nodes are the neighbours minus the
    last two levels. While no edge joins the two frontiers no node is on both sides, so the
    first such edge gives ``d = ls + lt + 1``.
    """
    py = G.py
    row, deg = py.row, py.deg
    if max_work is None:
        max_work = MAX_WORK if py.rows is not None else MAX_WORK_VIEWS
    levels_s, levels_t = [{s}], [{t}]
    op = Opening(levels_s, levels_t, deg[s], deg[t])
    while levels_s[-1] and levels_t[-1]:
        ls, lt = len(levels_s) - 1, len(levels_t) - 1
        if max_length is not None and ls + lt >= max_length:
            op.d = -1
            return op
        forward = op.work_s <= op.work_t
        if (op.work_s if forward else op.work_t) > max_work:
            break
        levels, other = (levels_s, levels_t[-1]) if forward else (levels_t, levels_s[-1])
        frontier = levels[-1]
        hits = _touching(row, frontier, other, first_only)
        if hits:
            op.d = ls + lt + 1
            if forward:
                op.mid_s = hits
            elif not first_only:  # the t side's hits: their neighbours on the s frontier
                op.mid_s = _prune(row, hits, levels_s[-1])
            break
        reach = set(chain.from_iterable(map(row, frontier)))
        new = reach.difference(frontier, levels[-2] if len(levels) > 1 else _NONE)
        levels.append(new)
        if forward:
            op.work_s = sum(map(deg.__getitem__, new))
        else:
            op.work_t = sum(map(deg.__getitem__, new))
    return op


Hops = tuple[list[int], list[int], list[int]]


def _prune(row: Callable[[int], Sequence[int]], here: set[int], level: set[int]) -> set[int]:
    """The nodes of ``level`` adjacent to ``here``: pulled (each node of ``level`` tests its
    row) or pushed (the rows of ``here`` gathered), whichever side is smaller."""
    if len(level) <= len(here):
        return _touching(row, level, here, False)
    return level.intersection(chain.from_iterable(map(row, here)))


def chain_layers(G: CoauthorGraph, op: Opening) -> list[set[int]]:
    """``layers[j]``: the nodes at position ``j`` of some shortest chain of a search that met
    in Python (``first_only`` off), pruned from the two frontiers towards ``s`` and ``t``."""
    assert op.d is not None and op.d >= 1
    d, ls = op.d, op.ls
    row = G.py.row
    layers: list[set[int]] = [set() for _ in range(d + 1)]
    layers[ls] = op.mid_s
    for j in range(ls, 0, -1):
        layers[j - 1] = _prune(row, layers[j], op.levels_s[j - 1])
    for j in range(ls, d):
        layers[j + 1] = _prune(row, layers[j], op.levels_t[d - j - 1])
    return layers


def small_chain(G: CoauthorGraph, s: int, op: Opening) -> list[int]:
    """``paths.shortest_path``'s chain for a search that met in Python: from ``s``, each step
    takes the hop with the most joint papers, then the lowest node index, among the next
    nodes on some shortest chain.

    On the ``s`` side those are the layers pruned back from ``mid_s``; past it every
    neighbour one level nearer ``t`` qualifies (it is ``d - j - 1`` from ``t``), so the ``t``
    side needs no pruning.
    """
    assert op.d is not None and op.d >= 1
    py = G.py
    row, papers, indptr = py.row, py.papers, py.indptr
    d, ls = op.d, op.ls
    layers = [op.levels_s[0]] * (ls + 1)
    layers[ls] = op.mid_s
    for j in range(ls, 1, -1):
        layers[j - 1] = _prune(row, layers[j], op.levels_s[j - 1])
    path = [s]
    u = s
    for j in range(d):
        nxt = layers[j + 1] if j < ls else op.levels_t[d - j - 1]
        r = row(u)
        cand = nxt.intersection(r)
        if len(cand) == 1:
            u = cand.pop()
        else:
            a = indptr[u]
            u = min((-papers[a + bisect_left(r, y)], y) for y in cand)[1]
        path.append(u)
    return path


def small_count(G: CoauthorGraph, layers: list[set[int]]) -> int:
    """Number of shortest chains through :func:`chain_layers` (exact, a Python int)."""
    row = G.py.row
    sigma = dict.fromkeys(layers[0], 1)
    for nxt in layers[1:]:
        prev = sigma
        if len(prev) == 1:  # one node before (s, say): each next node has its count
            sigma = dict.fromkeys(nxt, next(iter(prev.values())))
        else:
            sigma = {y: sum(map(prev.__getitem__, prev.keys() & row(y))) for y in nxt}
    return sum(sigma.values())


def level_sigma(G: CoauthorGraph, levels: list[set[int]]) -> dict[int, int]:
    """Shortest chains from the root to every node of the levels (the root is ``levels[0]``)."""
    row = G.py.row
    sigma = dict.fromkeys(levels[0], 1)
    for k in range(1, len(levels)):
        nxt = levels[k]
        for u in levels[k - 1]:
            su = sigma[u]
            for v in nxt.intersection(row(u)):
                sigma[v] = sigma.get(v, 0) + su
    return sigma


def small_dag(G: CoauthorGraph, op: Opening) -> tuple[list[list[int]], list[Hops]]:
    """Layers (sorted) and hops ``(source, slot, target)`` between consecutive layers of every
    shortest chain of a search that met in Python: what ``bidirectional._dag`` computes."""
    py = G.py
    layers = chain_layers(G, op)
    hops: list[Hops] = []
    for j in range(len(layers) - 1):
        src: list[int] = []
        slots: list[int] = []
        dst: list[int] = []
        nxt = layers[j + 1]
        for u in sorted(layers[j]):
            a = py.indptr[u]
            for i, v in enumerate(py.row(u)):
                if v in nxt:
                    src.append(u)
                    slots.append(a + i)
                    dst.append(v)
        hops.append((src, slots, dst))
    return [sorted(x) for x in layers], hops
