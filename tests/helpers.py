"""Plain helpers shared by several test modules; the shared fixtures are in ``conftest.py``."""

from __future__ import annotations

import networkx as nx
import numpy as np

from graphsvc.graph.csr import CoauthorGraph, Memberships


def to_nx_newman(G: CoauthorGraph) -> nx.Graph:
    """Oracle copy of ``G`` over node indices, each edge with its Newman weight as ``weight``."""
    H = nx.Graph()
    H.add_nodes_from(range(G.n))
    u, v, s = G.edge_list()
    H.add_weighted_edges_from(zip(u.tolist(), v.tolist(), G.weight[s].tolist(), strict=True))
    return H


def to_nx(g: CoauthorGraph, *, min_papers: int = 1) -> nx.Graph:
    """Oracle copy of ``g`` over node indices, edges with papers and 1/papers as ``cost``."""
    H = nx.Graph()
    H.add_nodes_from(range(g.n))
    u, v, s = g.edge_list()
    keep = g.papers[s] >= min_papers
    for a, b, p in zip(u[keep].tolist(), v[keep].tolist(), g.papers[s][keep].tolist(), strict=True):
        H.add_edge(a, b, papers=p, cost=1.0 / p)
    return H


def weighted_memberships(seed: int = 7, n: int = 500, p: int = 1600) -> Memberships:
    """Clustered random papers (teams of 1–5) so that many pairs share several papers."""
    rng = np.random.default_rng(seed)
    ids = np.sort(rng.choice(100_000, n, replace=False))
    papers = []
    for _ in range(p):
        k = int(rng.integers(1, 6))
        centre = int(rng.integers(0, n))
        local = (centre + rng.integers(-4, 5, size=k)) % n
        far = rng.integers(0, n, size=k)
        pick = np.where(rng.random(k) < 0.85, local, far)
        papers.append(ids[np.unique(pick)].tolist())
    return Memberships.from_papers(ids.tolist(), papers, years=[2000] * p)
