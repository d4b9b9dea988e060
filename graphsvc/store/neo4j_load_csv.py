"""Load a neo4j-admin export into a running Neo4j with ``LOAD CSV`` (no import tool needed).

The import tool (``neo4j-admin database import full``) needs the server stopped and its own
installation; this loader reads the same files over a URL the server can open (``file:///``
inside its import directory, or ``http://``). Node files are loaded first (after the schema,
so the relationship files find their ends by index); the ``HAS_*`` relationships are made
from the ``author`` / ``paper`` properties of the id, variant and evidence nodes, which carry
the same pairs as ``author_has_id.csv`` and the other ``HAS_*`` files.
"""

from __future__ import annotations

from collections.abc import Callable

from graphsvc.store.cypher import load

__all__ = ["IMPLIED", "LOADED", "load_csv_export"]

#: file -> Cypher statement, in load order (the HAS_* files are implied, see the docstring)
LOADED: dict[str, str] = {
    "authors.csv": "bulk_authors",
    "papers.csv": "bulk_papers",
    "meta.csv": "bulk_meta",
    "overrides.csv": "bulk_overrides",
    "author_ids.csv": "bulk_author_ids",
    "paper_ids.csv": "bulk_paper_ids",
    "variants.csv": "bulk_variants",
    "evidence.csv": "bulk_evidence",
    "authored.csv": "bulk_authored",
    "coauthor.csv": "bulk_coauthor",
    "possible_duplicate.csv": "bulk_possible_duplicate",
}
#: the HAS_* files, whose pairs the node files' properties carry
IMPLIED = {"author_has_id.csv", "paper_has_id.csv", "has_variant.csv", "has_evidence.csv"}


def load_csv_export(store: object, url_of: Callable[[str], str]) -> None:
    """Load the export into the (empty) database of ``store`` (a ``Neo4jStore``).

    ``url_of`` maps a file name (``authors.csv``) to the URL the server reads it from.
    The schema is created first (``init_schema``), as ``graphsvc init-store`` does after an
    import-tool load.
    """
    from graphsvc.store.neo4j import Neo4jStore, _token

    if not isinstance(store, Neo4jStore):
        raise TypeError("load_csv_export needs a Neo4jStore")
    store.init_schema()
    for name, statement in LOADED.items():
        store.runner.run_autocommit(load(statement), {"url": url_of(name)})
    # meta.csv carries the embedded store's generation (1, 2, …): on this server it may name
    # the content loaded before, and a GDS graph projected from that content (graphs are
    # named by generation, neo4j_native.py) would answer for it
    store.set_meta("generation", _token())
