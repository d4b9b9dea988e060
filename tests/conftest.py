"""Fixtures shared by several test modules.

Module scope as in the modules they came from: each test module builds its own copy once. A
module that defines a fixture of the same name uses its own instead.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import pytest

from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.service import GraphService
from graphsvc.store.sqlite import SQLiteStore
from tests.helpers import require_neo4j, to_nx, weighted_memberships

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

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


@pytest.fixture(params=["native", "python"])
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Once with the C search (``graph.native``) and once with the Python one: engine test
    modules use it for every test (``pytestmark = pytest.mark.usefixtures("engine")``)."""
    from graphsvc.graph import native

    if request.param == "native" and not native.AVAILABLE:
        pytest.skip("graphsvc._native is not built")
    before = native.set_enabled(request.param == "native")
    yield request.param
    native.set_enabled(before)


# ----------------------------------------------------------------------------- stores
@pytest.fixture(scope="module")
def store_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with a store, built once per module by the module's ``build_store(dir)``.

    Each module chooses its data: test_api.py ingests the dblp sample; test_views.py adds
    markup and homonym records to it, and test_browser.py imports that builder.
    """
    build = getattr(request.module, "build_store", None)
    if build is None:
        pytest.fail(f"{request.module.__name__} uses store_dir but has no build_store(data_dir)")
    d = tmp_path_factory.mktemp(request.module.__name__.rpartition(".test_")[2] + "-store")
    build(d)
    return d


@pytest.fixture(scope="module")
def svc(store_dir: Path) -> Iterator[GraphService]:
    """The library itself on the module's store: what the API and the views must agree with."""
    store = SQLiteStore(store_dir / "graphsvc.sqlite3")
    yield GraphService(store)
    store.close()


@pytest.fixture(scope="module")
def client(store_dir: Path) -> Iterator[TestClient]:
    """The HTTP API (no key) on the module's store, in process."""
    from fastapi.testclient import TestClient

    from graphsvc.api.app import create_app
    from graphsvc.config import Settings

    with TestClient(create_app(Settings(data_dir=store_dir))) as c:
        yield c


# ----------------------------------------------------------------------------- a live Neo4j
@pytest.fixture(scope="module")
def neo4j() -> Iterator[Any]:
    """The test server's Neo4j store (see ``require_neo4j``), emptied and closed afterwards."""
    require_neo4j()
    from graphsvc.config import Settings
    from graphsvc.store.neo4j import Neo4jStore

    store = Neo4jStore.from_settings(Settings.from_env(store="neo4j"))
    try:
        yield store
    finally:
        store.wipe()
        store.close()
