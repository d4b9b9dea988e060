"""Fixtures shared by several test modules.

Module scope as in the modules they came from: each test module builds its own copy once. A
module that defines a fixture of the same name uses its own instead.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from graphsvc.graph.csr import CoauthorGraph, Memberships
from tests.helpers import to_nx, weighted_memberships

DATA = Path(__file__).parent / "data"


def _edges_graph(u: np.ndarray, v: np.ndarray) -> CoauthorGraph:
    return CoauthorGraph.build(Memberships.from_edges(u, v))


# ----------------------------------------------------------------------------- graphs
@pytest.fixture(scope="module")
def grqc() -> CoauthorGraph:
    """SNAP's ca-GrQc collaboration network."""
    with gzip.open(DATA / "graph" / "ca-GrQc.txt.gz", "rt") as f:
        a = np.loadtxt(f, comments="#", dtype=np.int64, ndmin=2)
    return _edges_graph(a[:, 0], a[:, 1])


@pytest.fixture(scope="module")
def netscience() -> CoauthorGraph:
    """Newman's network-science co-authorships."""
    g = nx.read_gml(DATA / "netscience.gml.gz", label="id")
    u, v = zip(*g.edges(), strict=True)
    return _edges_graph(np.array(u), np.array(v))


@pytest.fixture(scope="module")
def snap(grqc: CoauthorGraph) -> tuple[CoauthorGraph, nx.Graph]:
    """ca-GrQc (one paper per edge) with its networkx oracle copy."""
    return grqc, to_nx(grqc)


@pytest.fixture(scope="module")
def weighted() -> tuple[CoauthorGraph, nx.Graph]:
    """Clustered random papers, many pairs on several papers, with the networkx oracle copy."""
    g = CoauthorGraph.build(weighted_memberships())
    assert g.papers.max() >= 3  # the fixture must exercise strength ordering
    return g, to_nx(g)


@pytest.fixture(params=["snap", "weighted"])
def graph(request: pytest.FixtureRequest) -> tuple[CoauthorGraph, nx.Graph]:
    """Each test once on ``snap`` and once on ``weighted``."""
    return request.getfixturevalue(request.param)
