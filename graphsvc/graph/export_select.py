"""What to export: the whole graph of a year window, an ego network or a cohort, written to a
path or streamed; the one place the CLI and the HTTP API choose an export's content."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphsvc.errors import InvalidQuery
from graphsvc.graph.export import FORMATS, ExportData, export, from_graph, from_subgraph
from graphsvc.graph.export_years import enrich_subgraph

__all__ = ["ALL_FORMATS", "Selection", "chunks", "export_data", "write_export"]

#: every format ``graphsvc export`` writes: the file formats plus the neo4j-admin CSV folder
ALL_FORMATS: tuple[str, ...] = (*FORMATS, "neo4j-admin")


@dataclass(frozen=True)
class Selection:
    """Which (sub)graph: ``author`` (ego network) or ``cohort`` or neither (whole graph)."""

    author: str | None = None
    radius: int = 1
    min_papers: int = 1
    max_nodes: int = 1000
    cohort: Sequence[str] = ()
    year_from: int | None = None
    year_to: int | None = None

    def check(self) -> None:
        if self.author is not None and self.cohort:
            raise InvalidQuery("give either an ego author or a cohort, not both")

    @property
    def window(self) -> str:
        if self.year_from is None and self.year_to is None:
            return ""
        return f"-{self.year_from or ''}-{self.year_to or ''}"

    @property
    def whole(self) -> bool:
        return self.author is None and not self.cohort


def export_data(svc: Any, sel: Selection) -> tuple[ExportData, str]:
    """The rows to write and a file name stem (``graphsvc-ego-8-2010-2020``) for ``sel``.

    ``svc`` is a ``GraphService``. The whole graph is read lazily in chunks; an ego network or
    cohort is computed now, with the years of every node and edge for GEXF spells.
    """
    sel.check()
    if sel.whole:
        g = svc.graph(sel.year_from, sel.year_to)
        return (from_graph(g, lambda ids: svc.store.author_names(ids)),
                f"graphsvc-graph{sel.window}")
    if sel.author is not None:
        sub = svc.ego(sel.author, radius=sel.radius, min_papers=sel.min_papers,
                      max_nodes=sel.max_nodes, year_from=sel.year_from, year_to=sel.year_to)
        title = f"ego network of {sub['center']['name']} (radius {sel.radius})"
        stem = f"graphsvc-ego-{sub['center']['id']}{sel.window}"
    else:
        sub = svc.cohort(list(sel.cohort), year_from=sel.year_from, year_to=sel.year_to)
        title = f"cohort of {len(sub['nodes'])} authors"
        stem = f"graphsvc-cohort{sel.window}"
    enrich_subgraph(svc.graph(sel.year_from, sel.year_to), sub)
    return from_subgraph(sub, title=title), stem


def chunks(svc: Any, sel: Selection, fmt: str) -> tuple[Iterator[bytes], str]:
    """The file in ``fmt`` as ``bytes`` chunks, and its name."""
    data, stem = export_data(svc, sel)
    return export(data, fmt), stem + FORMATS[fmt].suffix


def write_export(svc: Any, sel: Selection, fmt: str, path: Path) -> dict[str, Any]:
    """Write the export to ``path`` (a file; a directory for ``neo4j-admin``) and say what was
    written: ``{"format", "path", "nodes", "edges"}`` or, for neo4j-admin, ``{"files": {name:
    rows}}``. A file is written to ``path.part`` first and renamed, so a failure never leaves a
    half-written export under the asked name."""
    if fmt not in ALL_FORMATS:
        raise InvalidQuery(f"unknown export format {fmt!r}; choose one of: "
                           f"{', '.join(ALL_FORMATS)}")
    path = Path(path)
    try:
        if fmt == "neo4j-admin":
            return _neo4j_admin(svc, sel, path)
        return _file(svc, sel, fmt, path)
    except OSError as exc:
        raise InvalidQuery(f"cannot write {path}: "
                           f"{exc.strerror or exc}") from exc


def _file(svc: Any, sel: Selection, fmt: str, path: Path) -> dict[str, Any]:
    data, _stem = export_data(svc, sel)
    if path.is_dir():
        raise InvalidQuery(f"{path} is a directory; give a file name (e.g. "
                           f"{path / (_stem + FORMATS[fmt].suffix)})")
    tmp = path.with_name(path.name + ".part")
    try:
        with tmp.open("wb") as fh:
            for chunk in export(data, fmt):
                fh.write(chunk)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return {"format": fmt, "path": str(path), "nodes": data.n_nodes, "edges": data.n_edges,
            "title": data.title}


def _neo4j_admin(svc: Any, sel: Selection, path: Path) -> dict[str, Any]:
    from graphsvc.store.neo4j_admin import import_command, write_neo4j_admin

    if not sel.whole or sel.year_from is not None or sel.year_to is not None:
        raise InvalidQuery("the neo4j-admin export is the whole store (a database to import); "
                           "drop --ego, --cohort and the year window")
    db = getattr(svc.store, "db", None)
    if db is None:
        raise InvalidQuery("the neo4j-admin export reads the embedded store; this store is "
                           "already Neo4j")
    files = write_neo4j_admin(db, path)
    return {"format": "neo4j-admin", "path": str(path), "files": files,
            "import_command": import_command(str(path))}
