"""Plain helpers shared by several test modules; the shared fixtures are in ``conftest.py``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.model import RawAuthor, Record
from graphsvc.store.sqlite import SQLiteStore


@contextmanager
def sqlite_store(data_dir: Path) -> Iterator[SQLiteStore]:
    """The embedded store of ``data_dir`` (made when new), closed when the block ends: what a
    module's ``build_store(data_dir)`` fills for the ``store_dir`` fixture."""
    store = SQLiteStore(data_dir / "graphsvc.sqlite3")
    try:
        yield store
    finally:
        store.close()


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


# ----------------------------------------------------------------------------- a live Neo4j
def neo4j_required() -> bool:
    """True when a missing Neo4j server is a failure, not a skip: in CI, and whenever
    ``scripts/test.sh`` started the test server (``GRAPHSVC_NEO4J_TEST_SERVER=1``)."""
    return (os.environ.get("CI", "").lower() in ("1", "true")
            or os.environ.get("GRAPHSVC_NEO4J_TEST_SERVER") == "1")


def require_neo4j(*, wipes: bool = True) -> None:
    """Skip (fail where a server is required) unless a Neo4j server is configured for tests.

    ``wipes``: the test empties the database, which ``GRAPHSVC_NEO4J_TEST_WIPE=1`` must allow
    (``scripts/test.sh`` sets it for the server it starts; never point it at real data).
    """
    why = None
    if not os.environ.get("GRAPHSVC_NEO4J_URI"):
        why = ("GRAPHSVC_NEO4J_URI not set: no Neo4j server configured "
               "(eval \"$(scripts/neo4j.sh start)\")")
    elif wipes and os.environ.get("GRAPHSVC_NEO4J_TEST_WIPE") != "1":
        why = "GRAPHSVC_NEO4J_TEST_WIPE=1 not set: this test empties the Neo4j database"
    if why is None:
        return
    if neo4j_required():
        pytest.fail(f"a Neo4j server is required here (CI or scripts/test.sh): {why}")
    pytest.skip(why)


# ----------------------------------------------------------------------------- paper-level oracle
GIVEN = ["Ada", "Bruno", "Clara", "Dmitri", "Elena", "Farid", "Greta", "Hiro", "Ines", "Jonas"]
FAMILY = ["Abbott", "Baxter", "Carver", "Dalton", "Ellison", "Fairbank", "Galloway", "Hartwell",
          "Ingram", "Jessop", "Kendrick", "Lockwood", "Marlowe", "Northcott", "Ormsby",
          "Pennington", "Quarrie", "Radcliffe", "Sherwood", "Thackeray", "Underhill", "Vickery",
          "Whitlock", "Yardley", "Zeller", "Ashdown", "Blackwood", "Cromwell", "Dunmore",
          "Evershed"]


def synthetic_papers(seed: int = 3, papers: int = 160) -> list[tuple[str, int, list[str]]]:
    """``(title, year, author names)`` of clustered random papers among 30 distinct authors,
    1990–1999, teams of 1–4: many pairs share several papers, some authors only write alone."""
    rng = np.random.default_rng(seed)
    names = [f"{GIVEN[i % len(GIVEN)]} {FAMILY[i]}" for i in range(len(FAMILY))]
    out = []
    for k in range(papers):
        size = int(rng.integers(1, 5))
        centre = int(rng.integers(0, 26))  # the last four authors never co-author
        team = sorted({(centre + int(d)) % 26 for d in rng.integers(-2, 3, size=size)})
        if size == 1:
            team = [int(rng.integers(0, len(names)))]
        out.append((f"Synthetic paper {k}", 1990 + int(rng.integers(0, 10)),
                    [names[i] for i in team]))
    return out


def nx_from_papers(papers: list[tuple[str, int, list[str]]], year_from: int | None = None,
                   year_to: int | None = None) -> nx.Graph:
    """The oracle co-author graph over names: every author of a paper in the window is a node,
    every pair of co-authors an edge with ``papers`` = joint papers in the window and
    ``newman`` = the sum of 1 / (authors - 1) over them (Newman's collaboration weight)."""
    H = nx.Graph()
    for _, year, authors in papers:
        if (year_from is not None and year < year_from) or (year_to is not None and year > year_to):
            continue
        H.add_nodes_from(authors)
        for i, a in enumerate(authors):
            for b in authors[i + 1:]:
                d = H.get_edge_data(a, b, {"papers": 0, "newman": 0.0})
                H.add_edge(a, b, papers=d["papers"] + 1,
                           newman=d["newman"] + 1.0 / (len(authors) - 1))
    return H


def synthetic_records(papers: list[tuple[str, int, list[str]]]) -> list[Record]:
    """The papers as records for ``ingest_records``."""
    return [Record(title=t, year=y, authors=[RawAuthor(n) for n in names],
                   source_ref=f"synthetic:{k}", ids={"ref": f"synthetic-{k}"})
            for k, (t, y, names) in enumerate(papers)]


def spelling_groups_of_keys(store: Any) -> list[list[int]]:
    """The groups ``store.spelling_groups()`` must give, from every stored name key read into
    Python (what late joins did before the store grouped them)."""
    from graphsvc.names.parse import spell_of_key

    by_spell: dict[str, set[int]] = {}
    for aid, key, init in store.name_keys():
        if not init:
            by_spell.setdefault(spell_of_key(key), set()).add(aid)
    return sorted(sorted(g) for g in by_spell.values() if len(g) > 1)
