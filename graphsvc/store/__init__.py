"""Stores behind one interface: the embedded SQLite store (default) and Neo4j 5."""

from __future__ import annotations

from typing import Any

from graphsvc.config import Settings
from graphsvc.errors import StoreUnavailable
from graphsvc.store.base import Batch, GraphStore

__all__ = ["Batch", "GraphStore", "open_store"]


def open_store(settings: Settings) -> Any:
    """Open the store the settings name (embedded by default)."""
    if settings.store == "embedded":
        from graphsvc.store.sqlite import SQLiteStore

        return SQLiteStore(settings.db_path)
    if settings.store == "neo4j":
        try:
            from graphsvc.store.neo4j import Neo4jStore
        except ImportError as exc:  # pragma: no cover - the driver is a dependency
            raise StoreUnavailable(f"the Neo4j store is not available: {exc}") from exc
        return Neo4jStore.from_settings(settings)
    raise StoreUnavailable(f"unknown store {settings.store!r}: use 'embedded' or 'neo4j'")
