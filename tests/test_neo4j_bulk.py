"""The neo4j-admin export loaded into a live Neo4j answers like the embedded store it came from.

Needs a server (``GRAPHSVC_NEO4J_URI``, ``scripts/neo4j.sh start``) and
``GRAPHSVC_NEO4J_TEST_WIPE=1`` (the test empties the database). The files are loaded with
``LOAD CSV`` over HTTP from this process (the import tool needs a stopped server and its own
installation), the same files ``neo4j-admin database import full`` reads.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphsvc.graph.export_select import Selection, write_export
from graphsvc.graph.service import GraphService
from graphsvc.ingest import ingest
from graphsvc.store.neo4j_load_csv import load_csv_export
from graphsvc.store.sqlite import SQLiteStore
from tests.cross_store import answers, differences, probe_authors

pytestmark = pytest.mark.neo4j

DBLP = Path(__file__).parents[1] / "graphsvc" / "data" / "dblp-ppopp-socc.xml.gz"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    store = SQLiteStore(tmp_path_factory.mktemp("bulk-embedded") / "graphsvc.sqlite3")
    ingest(store, [DBLP])
    svc = GraphService(store)
    # an override in the export too: a merge the loaded database must keep
    ids = probe_authors(store)
    svc.merge(ids[-1], ids[-2], who="test", why="bulk export keeps overrides", force=True)
    try:
        yield store
    finally:
        store.close()


def test_loaded_export_answers_like_the_embedded_store(embedded: SQLiteStore, neo4j: Any,
                                                      tmp_path: Path) -> None:
    svc = GraphService(embedded)
    info = write_export(svc, Selection(), "neo4j-admin", tmp_path / "bulk")
    _load(neo4j, tmp_path / "bulk")
    counts = neo4j.counts()
    assert counts == embedded.counts()
    assert counts["authors"] == info["files"]["authors.csv"]
    assert neo4j.get_meta("schema_version") is not None
    probes = probe_authors(embedded)
    want = answers(svc, probes)
    got = answers(GraphService(neo4j), probes)
    diffs = differences(got, want)
    assert not diffs, "\n".join(diffs)
    # the loaded database is a working graphsvc store: the same next ids and overrides
    assert neo4j.next_ids() == embedded.next_ids()
    assert neo4j.overrides() == embedded.overrides()

    # the same files again: a GDS graph projected from the first load (strongest paths above)
    # must not answer for the second, whose nodes are new ones
    _load(neo4j, tmp_path / "bulk")
    strongest = [k for k, v in want["strongest"].items() if "error" not in v][:2]
    assert strongest
    for pair in strongest:
        a, b = (int(x) for x in pair.split("-"))
        got_path = GraphService(neo4j).path(a, b, strongest=True)
        assert (got_path["cost"], got_path["length"]) == (
            want["strongest"][pair]["cost"], want["strongest"][pair]["length"])


def _load(neo4j: Any, folder: Path) -> None:
    """Empty the database and load the export in ``folder`` over HTTP with ``LOAD CSV``."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        neo4j.wipe()
        port = server.server_address[1]
        load_csv_export(neo4j, lambda name: f"http://127.0.0.1:{port}/{name}")
    finally:
        server.shutdown()
        server.server_close()
