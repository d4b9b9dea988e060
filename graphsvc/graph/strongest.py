"""Strongest collaboration path: the chain minimising Σ 1/papers, by a bidirectional search.

Two cost balls grow around ``s`` and ``t``, always the one whose boundary is cheaper to
expand. A ball of radius ``r`` holds every node whose cheapest cost from its centre is at most
``r``, exactly: it is grown to a larger radius by label-correcting rounds (whole frontiers in
numpy) from its boundary, the nodes with an edge that would have left the ball. Every time a
ball grows, the edges from its new nodes into the other ball are crossings; ``mu``, the best
crossing found, is the cost of a real chain. Once ``r_s + r_t >= mu`` no cheaper chain can
exist (a chain of cost ``c <= r_s + r_t`` leaves the ``s`` ball through an edge into the
``t`` ball, a crossing already seen), so ``mu`` is optimal and every optimal chain runs
through a crossing edge of cost ``mu``.

The work stays inside the two balls, whose radii sum to about the answer's cost (the previous
search grew both to half the hop-shortest chain's cost, a loose bound), and reuses per-thread
arrays (``graph.workspace``): nothing per query is the size of the graph.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from graphsvc.graph.csr import CoauthorGraph
from graphsvc.graph.masks import check_masks, check_node, pass_mask
from graphsvc.graph.native import searcher
from graphsvc.graph.workspace import distinct, workspace

__all__ = ["hop_cost", "strongest_path"]

# Two strongest-path costs closer than this (relative) are treated as equal: they are sums of
# a few 1/papers terms, whose float rounding is ~1e-16 relative, while distinct sums of such
# fractions differ by far more in any real graph.
_COST_RTOL = 1e-12
#: how far past the nearest node outside it a ball grows in one step (a hop of one paper
#: costs 1): larger steps mean fewer numpy rounds but more overshoot past the answer
_STEP = 0.5


def hop_cost(G: CoauthorGraph, slots: np.ndarray) -> np.ndarray:
    """``1 / papers`` of each slot: the strongest-path cost of a hop; ``1 / weight`` for an
    edge known only from co-authorship ties (0 papers, the tie's weight as its strength)."""
    papers = G.papers[slots]
    if papers.all():
        return 1.0 / papers
    strength = np.where(papers > 0, papers, G.weight[slots])
    return 1.0 / np.where(strength > 0, strength, 1.0)


class _Ball:
    """The exact cost ball around one end, grown step by step.

    Offers that would leave the ball (``cost + 1/papers`` beyond the radius) wait in
    ``pending`` as ``(node, cost)`` pairs: a bucket queue of edges, so growing the ball
    relaxes each waiting offer once instead of expanding the boundary again.
    """

    def __init__(self, G: CoauthorGraph, root: int, cost: np.ndarray, scratch: np.ndarray,
                 nm: np.ndarray | None, sm: np.ndarray | None) -> None:
        self.G, self.cost, self.nm, self.sm = G, cost, nm, sm
        self.scratch = scratch
        root_a = np.array([root], dtype=np.int64)
        #: every node whose cost was written: :meth:`reset` puts inf back there
        self.touched = [root_a]
        cost[root] = 0.0
        self.radius = 0.0
        self.pend_node, self.pend_cost = self._offers(root_a)
        self.next_min = 0.0  # no offer waits below this cost

    def get(self, idx: np.ndarray) -> np.ndarray:
        """Costs of ``idx`` (inf outside the ball)."""
        return self.cost[idx]

    def reset(self) -> None:
        """Leave the workspace's cost array all inf again, for the next query."""
        for idx in self.touched:
            self.cost[idx] = np.inf
        self.touched = []

    def _offers(self, frontier: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        src, slots, nbr = self.G.expand(frontier, node_mask=self.nm, slot_mask=self.sm)
        return nbr, self.cost[src] + hop_cost(self.G, slots)

    def work(self) -> int:
        """Offers waiting: the cost of growing this side next."""
        return int(self.pend_node.size)

    def exhausted(self) -> bool:
        return self.pend_node.size == 0

    def grow(self, limit: float) -> np.ndarray:
        """Grow to radius ``limit``; the nodes that joined or got cheaper (costs final)."""
        take = self.pend_cost <= limit
        nbr, cand = self.pend_node[take], self.pend_cost[take]
        keep = ~take
        waiting_node, waiting_cost = [self.pend_node[keep]], [self.pend_cost[keep]]
        changed = []
        while nbr.size:
            better = cand < self.cost[nbr]
            if not better.any():
                break
            nbr, cand = nbr[better], cand[better]
            self.touched.append(nbr)
            np.minimum.at(self.cost, nbr, cand)
            frontier = distinct(nbr[self.cost[nbr] == cand], self.scratch)
            changed.append(frontier)
            nbr, cand = self._offers(frontier)
            over = cand > limit
            if over.any():
                waiting_node.append(nbr[over])
                waiting_cost.append(cand[over])
                nbr, cand = nbr[~over], cand[~over]
        self.pend_node = np.concatenate(waiting_node)
        self.pend_cost = np.concatenate(waiting_cost)
        self.radius = limit
        self.next_min = float(self.pend_cost.min()) if self.pend_cost.size else math.inf
        return distinct(np.concatenate(changed), self.scratch) if changed else _empty()


def _empty() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)


def _crossings(mine: _Ball, other: _Ball, new: np.ndarray, forward: bool,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges from ``new`` (in ``mine``) into ``other``: ``(u, v, through)`` oriented s → t."""
    src, slots, nbr = mine.G.expand(new, node_mask=mine.nm, slot_mask=mine.sm)
    there = other.get(nbr)
    inside = np.isfinite(there)
    src, slots, nbr, there = src[inside], slots[inside], nbr[inside], there[inside]
    through = mine.cost[src] + hop_cost(mine.G, slots) + there
    return (src, nbr, through) if forward else (nbr, src, through)


def strongest_path(
    G: CoauthorGraph,
    s: int,
    t: int,
    *,
    node_mask: np.ndarray | None = None,
    slot_mask: np.ndarray | None = None,
) -> tuple[float, list[int]] | None:
    """The chain minimising Σ 1/papers over its hops, or None when unconnected.

    Ties (costs equal within a relative 1e-12) are broken by fewer hops, then by the
    lexicographically smaller sequence of author ids from ``s``. ``node_mask`` and
    ``slot_mask`` are as in ``graph.paths`` (the ends are always allowed).

    Returns
    -------
    (cost, path) : tuple
        ``cost`` is the sum of ``1 / papers`` along ``path``, summed in hop order.

    Examples
    --------
    >>> from graphsvc.graph.csr import Memberships
    >>> papers = [[0, 1], [1, 3], [0, 2], [0, 2], [2, 4], [2, 4], [4, 3], [4, 3]]
    >>> G = CoauthorGraph.build(Memberships.from_papers(range(5), papers))
    >>> strongest_path(G, 0, 3)  # three hops of 2 papers beat two hops of 1 paper
    (1.5, [0, 2, 4, 3])
    """
    s, t = check_node(G, s, "source"), check_node(G, t, "target")
    if node_mask is None and slot_mask is None:
        sr = searcher(G)
        if sr is not None:  # a bidirectional Dijkstra in C (graph.native), the same answers
            return sr.strongest_path(s, t)
    check_masks(G, node_mask, slot_mask)
    if s == t:
        return 0.0, [s]
    nm = pass_mask(G, node_mask, s, t)
    ws = workspace(G)
    cost_s, cost_t = ws.costs()
    balls: list[_Ball] = []
    try:
        balls.append(_Ball(G, s, cost_s, ws.scratch(), nm, slot_mask))
        balls.append(_Ball(G, t, cost_t, ws.scratch(), nm, slot_mask))
        return _search(G, s, t, *balls)
    finally:  # the cost arrays are shared by the thread's next queries
        for ball in balls:
            ball.reset()


def _search(G: CoauthorGraph, s: int, t: int, bs: _Ball, bt: _Ball,
            ) -> tuple[float, list[int]] | None:
    """Grow the two balls until no cheaper chain can exist, then break the ties."""
    # the roots joined their balls before any growth: an s–t edge is the first crossing
    u, v, through = _crossings(bs, bt, np.array([s], dtype=np.int64), True)
    mu = float(through.min()) if through.size else math.inf
    found = [(u, v, through)]
    while True:
        tol = _COST_RTOL * max(1.0, mu)
        if bs.radius + bt.radius >= mu + tol:
            break
        if (bs.exhausted() or bt.exhausted()) and not math.isfinite(mu):
            return None  # one end's whole component is searched and the other is not in it
        forward = not bs.exhausted() and (bt.exhausted() or bs.work() <= bt.work())
        mine, other = (bs, bt) if forward else (bt, bs)
        limit = max(mine.next_min, mine.radius) + _STEP
        if math.isfinite(mu):
            limit = min(limit, max(mu + tol - other.radius, mine.next_min))
        new = mine.grow(limit)
        if mine.exhausted():
            mine.radius = math.inf  # the whole component is inside
        if new.size:
            u, v, through = _crossings(mine, other, new, forward)
            if through.size:
                mu = min(mu, float(through.min()))
                keep = through <= mu + _COST_RTOL * max(1.0, mu)
                found.append((u[keep], v[keep], through[keep]))
    if not math.isfinite(mu):
        return None
    return _tie_break(G, s, t, bs, bt, mu, found)


def _tie_break(
    G: CoauthorGraph, s: int, t: int, bs: _Ball, bt: _Ball, mu: float,
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[float, list[int]]:
    """Among the chains of cost ``mu``: fewest hops, then the smallest author ids from ``s``."""
    tol = _COST_RTOL * max(1.0, mu)
    u = np.concatenate([f[0] for f in found])
    v = np.concatenate([f[1] for f in found])
    through = np.concatenate([f[2] for f in found])
    cross = through <= mu + tol
    u, v = u[cross], v[cross]
    succ: dict[int, list[int]] = {}
    pred: dict[int, list[int]] = {}

    def add(a: np.ndarray, b: np.ndarray) -> None:
        for x, y in set(zip(a.tolist(), b.tolist(), strict=True)):
            succ.setdefault(x, []).append(y)
            pred.setdefault(y, []).append(x)

    add(u, v)
    # optimal chains s -> u: hops p -> x with cost(p) + w = cost(x), walked back from the
    # crossings (all inside the ball, where costs are exact); likewise v -> t
    for ball, start, backwards in ((bs, u, True), (bt, v, False)):
        if ball.nm is None and ball.sm is None:
            _tight_walk(G, ball, start, tol, succ if backwards else pred,
                        pred if backwards else succ)
            continue
        frontier = np.unique(start)
        seen = np.zeros(0, dtype=np.int64)
        while frontier.size:
            x, sl, y = G.expand(frontier, node_mask=ball.nm, slot_mask=ball.sm)
            tight = np.abs(ball.get(y) + hop_cost(G, sl) - ball.cost[x]) <= tol
            x, y = x[tight], y[tight]
            if backwards:
                add(y, x)
            else:
                add(x, y)
            seen = np.union1d(seen, frontier)
            frontier = np.setdiff1d(y, seen)
    hops_to_t = _dag_bfs(pred, t)
    hops_from_s = _dag_bfs(succ, s)
    total = hops_from_s[t]
    path = [s]
    while path[-1] != t:
        here = hops_from_s[path[-1]]
        path.append(min(
            w for w in succ[path[-1]]
            if hops_from_s.get(w) == here + 1 and hops_to_t.get(w) == total - here - 1
        ))
    cost = 0.0
    for a, b in itertools.pairwise(path):
        cost += float(hop_cost(G, np.array([G.edge_slot(a, b)]))[0])
    return cost, path


def _tight_walk(G: CoauthorGraph, ball: _Ball, start: np.ndarray, tol: float,
                towards: dict[int, list[int]], away: dict[int, list[int]]) -> None:
    """:func:`_tie_break`'s walk back from the crossing ends ``start`` to the ball's root over
    tight hops (``cost(y) + w == cost(x)`` within ``tol``), in plain Python: the chains are
    short and a numpy round per step cost more than the rows. Each tight hop ``y -> x``
    (towards the crossing) is added as ``towards[y] += [x]`` and ``away[x] += [y]``: the same
    hops, in the same float arithmetic, as the numpy walk (unmasked balls only)."""
    py = G.py
    row, indptr, papers, weight = py.row, py.indptr, py.papers, py.weight
    # Python floats and ints per read (ndarray exports the buffer protocol; numpy's stubs do
    # not declare it to mypy)
    cost = memoryview(ball.cost)  # type: ignore[arg-type]
    inf = math.inf
    hops: set[tuple[int, int]] = set()
    seen: set[int] = set()
    frontier = set(start.tolist())
    while frontier:
        nxt: set[int] = set()
        for x in frontier:
            cx = cost[x]
            a = indptr[x]
            for i, y in enumerate(row(x)):
                cy = cost[y]
                if cy == inf:  # outside the ball
                    continue
                p = papers[a + i]
                if p > 0:
                    w = 1.0 / p
                else:
                    strength = weight[a + i]
                    w = 1.0 / (strength if strength > 0 else 1.0)
                if abs(cy + w - cx) <= tol:
                    hops.add((y, x))
                    nxt.add(y)
        seen |= frontier
        frontier = nxt - seen
    for y, x in hops:
        towards.setdefault(y, []).append(x)
        away.setdefault(x, []).append(y)


def _dag_bfs(adj: dict[int, list[int]], root: int) -> dict[int, int]:
    """Fewest hops from ``root`` in a small adjacency dict."""
    hops = {root: 0}
    queue = [root]
    for u in queue:
        for v in adj.get(u, ()):
            if v not in hops:
                hops[v] = hops[u] + 1
                queue.append(v)
    return hops
