"""Plain helpers shared by several test modules; the shared fixtures are in ``conftest.py``."""

from __future__ import annotations

import networkx as nx

from graphsvc.graph.csr import CoauthorGraph


def to_nx_newman(G: CoauthorGraph) -> nx.Graph:
    """Oracle copy of ``G`` over node indices, each edge with its Newman weight as ``weight``."""
    H = nx.Graph()
    H.add_nodes_from(range(G.n))
    u, v, s = G.edge_list()
    H.add_weighted_edges_from(zip(u.tolist(), v.tolist(), G.weight[s].tolist(), strict=True))
    return H
