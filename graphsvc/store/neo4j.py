"""The Neo4j 5 store: the embedded store's meanings on a server, every query a file in cypher/.

Graph model (labels, relationship types and properties)::

    (:Author {id, name, sort_name, key, papers, search})
      -[:AUTHORED {position, raw_name, source}]->
    (:Paper {id, title, title_key, year, venue, doi, n_authors, counted, sources})

    (:Author)-[:COAUTHOR {papers, weight, cost, first_year, last_year}]->(:Author)
        once per pair, from the lower id to the higher id; always queried undirected
    (:Author)-[:HAS_ID]->(:AuthorId {kind, value, author})        (kind, value) unique
    (:Paper)-[:HAS_ID]->(:PaperId {kind, value, paper})           (kind, value) unique
    (:Author)-[:HAS_VARIANT]->(:Variant {author, name, source, key, sig, initials_only,
                                         tokens, count})           (author, name, source) unique
    (:Author)-[:HAS_EVIDENCE]->(:Evidence {author, variant, rule, detail})
    (:Author)-[:POSSIBLE_DUPLICATE {reason, score}]->(:Author)
    (:Override {id, kind, subject, object, payload, who, when, why, active,
                undone_who, undone_when, undone_why})        manual merges and splits
    (:Meta {key, value})
    (:IngestRun {id, uid, started, finished, paths, status, report})
      -[:SKIPPED]->(:Skipped {run_id, seq, source_ref, reason, detail})

Writes are ``UNWIND $rows`` statements in one managed transaction per batch. An ingest batch
adds its counters (an author's papers, a variant's count, an edge's papers, weight and years)
as the embedded store does, and CREATEs what is new in it; it is safe when the driver retries
its transaction because the batch records a token in ``Meta applied_batch`` and a retry that
finds it there writes nothing (``batch_statements``). An ingest writes each batch while it
prepares the next (``apply_batch_behind``, ``WriteBehind``). Manual merges and splits
recompute the counters of the authors they touch from the authorship facts.
``Author.search`` holds the folded name tokens of all variants, indexed by the full-text index
``author_search``.
"""

from __future__ import annotations

import argparse
import json
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from neo4j.exceptions import Neo4jError

from graphsvc.config import Settings
from graphsvc.errors import StoreCorrupt, StoreUnavailable
from graphsvc.graph.memberships import narrow_ids
from graphsvc.identity.resolver import conflict_keys
from graphsvc.names.parse import spell_of_key
from graphsvc.store.base import (
    RESERVED_AUTHOR_ID,
    AuthorCandidate,
    Batch,
    IdentityTx,
    Mention,
    PaperCandidate,
    T,
    VariantRow,
)
from graphsvc.store.cypher import load
from graphsvc.store.neo4j_lookups import (
    AuthorLookups,
    PaperLookups,
    lookup_authors,
    lookup_papers,
    variant_keys,
)
from graphsvc.store.neo4j_native import NativeQueries, search_authors
from graphsvc.store.neo4j_runs import RUN_LEASE, Neo4jIngestRuns
from graphsvc.store.runner import (
    REOPEN_AFTER,
    SERVICE,
    QueryRunner,
    ReconnectingRunner,
    Tx,
    check_uri,
    connect,
    safe_uri,
)
from graphsvc.store.write_behind import WriteBehind

__all__ = ["SCHEMA", "SCHEMA_VERSION", "Neo4jStore", "cmd_init_store"]

SCHEMA_VERSION = "1"

#: the ``Meta`` key holding the token of the last ingest batch written (``apply_batch``)
APPLIED_BATCH = "applied_batch"

#: the schema statements, in the order ``init_schema`` runs them (all ``IF NOT EXISTS``)
SCHEMA = (
    "schema_author_id",
    "schema_paper_id",
    "schema_author_ext",
    "schema_paper_ext",
    "schema_variant",
    "schema_meta",
    "schema_run_id",
    "schema_run_uid",
    "schema_skipped",
    "schema_evidence",
    "schema_author_key",
    "schema_variant_key",
    "schema_variant_spell",
    "schema_variant_sig",
    "schema_paper_title",
    "schema_author_search",
    "schema_override_id",
)


def _run_lease(settings: Settings) -> float:
    """Seconds an ingest run's lease lasts (``GRAPHSVC_NEO4J_RUN_LEASE``, see neo4j_runs)."""
    return float(settings.extra.get("neo4j_run_lease", RUN_LEASE))


class Neo4jStore(NativeQueries, Neo4jIngestRuns):
    """``GraphStore`` on Neo4j 5, with native graph queries (see ``NativeQueries``)."""

    #: records per ingest batch (one transaction each). A batch's transaction state stays on
    #: the server's heap until it commits and survives every young collection meanwhile:
    #: 20,000 records of the 300k synthetic graph took 61 s in batches of 5,000 (11 s of it
    #: in the server's young-GC pauses) and 41-44 s in batches of 500 to 2,000.
    ingest_batch_size = 1000

    def __init__(self, runner: QueryRunner) -> None:
        # every call goes through it: a write behind (``apply_batch_behind``) is waited for
        # by the next call of the thread that asked for it
        self._behind = WriteBehind(runner)
        self.runner: QueryRunner = self._behind

    @classmethod
    def from_settings(cls, settings: Settings) -> Neo4jStore:
        """Connect (failing within seconds with ``StoreUnavailable``) and set the schema up once."""
        store = cls(connect(settings))
        store.run_lease = _run_lease(settings)
        try:
            store._ensure_schema()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def for_service(cls, settings: Settings) -> Neo4jStore:
        """The store of a long-running service: it connects on first use, not now.

        A missing or malformed URI raises ``StoreUnavailable`` at once (no retry can fix it).
        Otherwise every call raises ``StoreUnavailable`` within about a second while the server
        cannot be reached, and works once it can, without a restart (``ReconnectingRunner``,
        ``SERVICE`` timeouts). ``settings.extra["neo4j_reopen_after"]`` sets how long a failed
        connection attempt is answered again before the next one (default ``REOPEN_AFTER``).
        """
        uri = check_uri(settings)

        def open_runner() -> QueryRunner:
            runner = connect(settings, timeouts=SERVICE)
            try:
                cls(runner)._ensure_schema()
            except BaseException:
                runner.close()
                raise
            return runner

        reopen = float(settings.extra.get("neo4j_reopen_after", REOPEN_AFTER))
        store = cls(ReconnectingRunner(open_runner, database=settings.neo4j_database,
                                       where=safe_uri(uri), reopen_after=reopen))
        store.run_lease = _run_lease(settings)
        return store

    def _ensure_schema(self) -> None:
        if self.get_meta("schema_version") is None:
            self.init_schema()

    # -- lifecycle -------------------------------------------------------------------------
    def init_schema(self) -> None:
        """Create constraints and indexes (idempotent), wait for them, record the version."""
        try:
            for name in SCHEMA:
                self._write(name)
            self._write("schema_await")
            self.set_meta("schema_version", SCHEMA_VERSION)
        except Neo4jError as exc:
            raise StoreUnavailable(
                f"cannot set up the graphsvc schema in Neo4j ({self.runner.database}): "
                f"{' '.join(str(exc.message or exc).split())} (run `graphsvc init-store` as a "
                "user allowed to create constraints and indexes)"
            ) from exc

    def close(self) -> None:
        self._end_lease()
        self.runner.close()

    def get_meta(self, key: str) -> str | None:
        rows = self._read("get_meta", key=key)
        return None if not rows or rows[0]["value"] is None else str(rows[0]["value"])

    def set_meta(self, key: str, value: str) -> None:
        self._write("set_meta", key=key, value=value)

    def generation(self) -> int:
        """A number that changes whenever the graph data changes (a random token per change,
        so that a retried write cannot move it twice)."""
        return int(self.get_meta("generation") or 0)

    def wipe(self) -> None:
        """Delete every node and relationship of the database (tests only)."""
        self.runner.run_autocommit(load("wipe"))

    # -- identity look-ups -------------------------------------------------------------------
    def next_ids(self) -> tuple[int, int]:
        row = self._read("next_ids")[0]
        return int(row["next_author"]), int(row["next_paper"])

    def author_by_external(self, kind: str, value: str) -> int | None:
        rows = self._read("author_by_external", kind=kind, value=value)
        return None if not rows else int(rows[0]["id"])

    def _candidates(self, rows: list[dict[str, Any]]) -> list[AuthorCandidate]:
        return [
            AuthorCandidate(int(r["id"]), str(r["key"]), bool(r["initials_only"]),
                            conflict_keys((str(k), str(v)) for k, v in r["ids"]),
                            variant_keys(r))
            for r in rows
        ]

    def authors_by_key(self, key: str) -> list[AuthorCandidate]:
        return self._candidates(self._read("authors_by_key", key=key))

    def authors_by_spell(self, spell: str) -> list[AuthorCandidate]:
        return self._candidates(self._read("authors_by_spell", spell=spell))

    def authors_by_signature(self, sig: str) -> list[AuthorCandidate]:
        return self._candidates(self._read("authors_by_sig", sig=sig))

    def shared_coauthors(self, author: int, others: Sequence[int]) -> list[int]:
        if not others:
            return []
        rows = self._read("shared_coauthors", author=author, others=list(others))
        return sorted(int(r["id"]) for r in rows)

    def lookup_authors(self, ids: Sequence[tuple[str, str]], spells: Sequence[str],
                       sigs: Sequence[str]) -> AuthorLookups:
        """Many identity look-ups in one round trip per kind (``neo4j_lookups``)."""
        return lookup_authors(self.runner, ids, spells, sigs)

    def lookup_papers(self, ids: Sequence[tuple[str, str]],
                      titles: Sequence[tuple[str, int | None]]) -> PaperLookups:
        """Many paper look-ups in one round trip per kind (``neo4j_lookups``)."""
        return lookup_papers(self.runner, ids, titles)

    def paper_by_external(self, kind: str, value: str) -> int | None:
        rows = self._read("paper_by_external", kind=kind, value=value)
        return None if not rows else int(rows[0]["id"])

    def papers_by_title(self, title_key: str, year: int | None) -> list[PaperCandidate]:
        rows = self._read("papers_by_title", title_key=title_key, year=year)
        return [
            PaperCandidate(int(r["id"]), {str(k): str(v) for k, v in r["ids"]},
                           [str(s) for s in r["sigs"]])
            for r in rows
        ]

    # -- writes --------------------------------------------------------------------------------
    def apply_batch(self, batch: Batch) -> None:
        """Write one batch in one transaction: a crash leaves the store as before it, and a
        retry of the transaction by the driver writes the same state again."""
        work = _batch_work(batch)
        if work is not None:
            self.runner.execute_write(work)

    def apply_batch_behind(self, batch: Batch) -> None:
        """``apply_batch`` while the caller goes on (an ingest prepares its next batch): the
        caller's next call to this store waits for it, and raises its error
        (``WriteBehind``); ``settle`` waits for it alone."""
        work = _batch_work(batch)
        if work is not None:
            self._behind.submit_write(work)

    def settle(self) -> None:
        """Wait for this thread's batch written behind (``apply_batch_behind``), if any."""
        self._behind.settle()

    def rebuild_edges(self, max_team_size: int) -> None:
        """Recompute ``Paper.counted`` and every co-author edge for a new team-size cap.

        Runs as batched inner transactions (``CALL … IN TRANSACTIONS``) so that a graph of any
        size fits; the cap is recorded last, so an interrupted rebuild leaves the old cap in
        ``Meta`` and the next ingest with the new cap rebuilds again.
        """
        self.runner.run_autocommit(load("rebuild_counted"), {"cap": int(max_team_size)})
        self.runner.run_autocommit(load("rebuild_edges"))
        self.set_meta("max_team_size", str(max_team_size))
        self.set_meta("generation", _token())

    # -- ingest runs -------------------------------------------------------------------------
    def record_skipped(self, run_id: int, rows: Iterable[tuple[str, str, str]]) -> None:
        items = [{"seq": i, "source_ref": ref, "reason": reason, "detail": detail}
                 for i, (ref, reason, detail) in enumerate(rows)]
        if items:
            self._write("record_skipped", run_id=run_id, rows=items)

    # -- reads ---------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        row = self._read("counts")[0]
        return {k: int(row[k]) for k in ("authors", "papers", "ties", "edges", "excluded_papers")}

    def author(self, author_id: int) -> dict[str, Any] | None:
        rows = self._read("author", id=int(author_id))
        if not rows:
            return None
        r = rows[0]
        return {
            "id": int(r["id"]), "name": r["name"], "key": r["key"], "papers": int(r["papers"]),
            "variants": [{"name": v["name"], "source": v["source"], "count": int(v["count"])}
                         for v in r["variants"]],
            "ids": [{"kind": x["kind"], "value": x["value"]} for x in r["ids"]],
        }

    def author_names(self, author_ids: Iterable[int]) -> dict[int, str]:
        ids = [int(a) for a in author_ids]
        if not ids:
            return {}
        return {int(r["id"]): str(r["name"]) for r in self._read("author_names", ids=ids)}

    def papers(self, paper_ids: Iterable[int]) -> list[dict[str, Any]]:
        ids = [int(p) for p in paper_ids]
        if not ids:
            return []
        rows = {int(r["id"]): _paper(r) for r in self._read("papers", ids=ids)}
        return [rows[i] for i in ids if i in rows]

    def coauthor_edges(self) -> list[tuple[int, int, int, float, int | None, int | None]]:
        """Every stored co-author edge once: ``(a, b, papers, weight, first_year, last_year)``,
        ``a < b``, sorted (the embedded store's ``coauthors`` table)."""
        return [(int(r["a"]), int(r["b"]), int(r["papers"]), float(r["weight"]),
                 r["first_year"], r["last_year"]) for r in self._read("coauthor_edges")]

    def author_papers(self, author_id: int) -> list[int]:
        return [int(r["id"]) for r in self._read("author_papers", id=int(author_id))]

    def authors_by_name(self, text: str) -> list[dict[str, Any]]:
        """Authors whose variants have exactly this match key, with dblp homonyms of that key."""
        from graphsvc.names import parse_name

        key = parse_name(text).key
        if not key:
            return []
        base = key.split("#", 1)[0]
        rows = self._read("authors_by_name", key=key, with_homonyms=key == base,
                          homonym_prefix=base + "#")
        return [{"id": int(r["id"]), "name": str(r["name"]), "papers": int(r["papers"])}
                for r in rows]

    def search_authors(self, query: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        """Accent-, case- and order-insensitive, typo-tolerant author search (full-text index),
        ranked by the embedded store's rules; ``graphsvc.store.neo4j_native`` lists the
        differences."""
        return search_authors(self.runner, query, limit=limit, offset=offset)

    # -- identity: overrides, explanations, duplicates -----------------------------------------
    def identity_write(self, work: Callable[[IdentityTx], T]) -> T:
        """Run one manual merge, split or undo in a single write transaction (a retry of the
        transaction by the driver runs it again from the start)."""
        return self.runner.execute_write(lambda tx: work(Neo4jIdentityTx(tx)))

    def overrides(
        self, *, author: int | None = None, limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """Manual overrides, newest first (all, or those about one author)."""
        rows = self._read("override_list", author=author, offset=int(offset),
                          limit=int(limit))
        if not rows:
            return 0, []
        return int(rows[0]["total"]), [_override(o) for o in rows[0]["page"]]

    def override(self, override_id: int) -> dict[str, Any] | None:
        rows = self._read("override_get", id=int(override_id))
        return _override(rows[0]) if rows else None

    def alias_rows(self) -> list[tuple[int, int]]:
        return [(int(r["alias"]), int(r["target"])) for r in self._read("override_aliases")]

    def evidence(self, author: int) -> list[tuple[str, str, str]]:
        return [(str(r["variant"]), str(r["rule"]), str(r["detail"]))
                for r in self._read("identity_evidence", id=int(author))]

    def authorships(self, author: int) -> list[Mention]:
        return [Mention(int(r["paper"]), int(r["position"]), str(r["raw_name"]),
                        str(r["source"] or "unknown"))
                for r in self._read("identity_authorships", id=int(author))]

    def name_keys(self) -> Iterator[tuple[int, str, bool]]:
        """Every (author, variant match key, initials only) once, by author (streamed from one
        read transaction)."""

        def work(tx: Tx) -> list[tuple[int, str, bool]]:
            return [(int(a), str(k), bool(i))
                    for (chunk,) in tx.stream(load("identity_name_keys"), {"chunk": 10_000})
                    for a, k, i in chunk]

        return iter(self.runner.execute_read(work))

    def spelling_groups(self) -> list[list[int]]:
        return [sorted(int(a) for a in r["authors"])
                for r in self._read("identity_spelling_groups")]

    def author_name_keys(self, author: int) -> list[tuple[str, bool]]:
        return [(str(r["key"]), bool(r["initials_only"]))
                for r in self._read("identity_author_name_keys", id=int(author))]

    def stored_duplicates(self, author: int | None = None) -> list[tuple[int, int, str, float]]:
        return [(int(r["a"]), int(r["b"]), str(r["reason"]), float(r["score"]))
                for r in self._read("identity_duplicates", id=author)]

    def coauthor_sets(self, authors: Sequence[int]) -> dict[int, set[int]]:
        out: dict[int, set[int]] = {int(a): set() for a in authors}
        if out:
            for r in self._read("identity_coauthor_sets", ids=sorted(out)):
                out[int(r["author"])].update(int(x) for x in r["others"])
        return out

    def venue_sets(self, authors: Sequence[int]) -> dict[int, set[str]]:
        out: dict[int, set[str]] = {int(a): set() for a in authors}
        if out:
            for r in self._read("identity_venue_sets", ids=sorted(out)):
                out[int(r["author"])].update(str(x) for x in r["venues"])
        return out

    def external_id_sets(self, authors: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
        out: dict[int, list[tuple[str, str]]] = {int(a): [] for a in authors}
        if out:
            for r in self._read("identity_external_id_sets", ids=sorted(out)):
                out[int(r["author"])].append((str(r["kind"]), str(r["value"])))
        return out

    def author_summaries(self, authors: Sequence[int]) -> dict[int, dict[str, Any]]:
        return self._summaries(authors)

    def paper_coauthors(
        self, author: int
    ) -> list[tuple[int, int | None, str | None, bool, list[int]]]:
        return [(int(r["paper"]), r["year"], r["venue"], bool(r["counted"]),
                 [int(x) for x in r["others"]])
                for r in self._read("identity_paper_coauthors", id=int(author))]

    def prolific_authors(self, min_papers: int, limit: int) -> list[int]:
        return [int(r["id"]) for r in self._read("identity_prolific", min_papers=int(min_papers),
                                                   limit=int(limit))]

    # -- export for the graph engine -----------------------------------------------------------
    def memberships_arrays(self) -> dict[str, np.ndarray]:
        """All authorships as arrays (for ``graph.csr.Memberships``), read in one transaction;
        the same shape as ``SQLiteStore.memberships_arrays``."""

        def work(tx: Tx) -> dict[str, np.ndarray]:
            authors = np.fromiter((r[0] for r in tx.stream(load("memberships_authors"))),
                                  dtype=np.int64)
            papers = np.array(list(tx.stream(load("memberships_papers"))),
                              dtype=np.float64).reshape(-1, 3)
            ships = np.array(list(tx.stream(load("memberships_authorships"))),
                             dtype=np.int64).reshape(-1, 3)
            return {"authors": authors, "papers": papers, "ships": ships}

        got = self.runner.execute_read(work)
        papers = got["papers"][np.argsort(got["papers"][:, 0], kind="stable")]
        ships = got["ships"]
        ships = ships[np.lexsort((ships[:, 1], ships[:, 0]))]  # by paper, then position
        return {
            "author_ids": np.sort(got["authors"]),
            "paper_ids": papers[:, 0].astype(np.int64),
            "paper_year": papers[:, 1].astype(np.int32),
            "paper_tie": papers[:, 2].copy(),
            "ship_paper": narrow_ids(ships[:, 0].copy()),
            "ship_author": narrow_ids(ships[:, 2].copy()),
        }


def _override(r: dict[str, Any]) -> dict[str, Any]:
    undone = None
    if r.get("undone_when") is not None:
        undone = {"who": r.get("undone_who"), "when": r.get("undone_when"),
                  "why": r.get("undone_why")}
    return {"id": int(r["id"]), "kind": r["kind"], "subject": int(r["subject"]),
            "object": int(r["object"]), "payload": json.loads(r["payload"]), "who": r["who"],
            "when": r["when"], "why": r["why"], "active": bool(r["active"]), "undone": undone}


class Neo4jIdentityTx:
    """``IdentityTx`` inside one Neo4j write transaction: every step a file in ``cypher/``.

    Variant counts are recomputed from the ``AUTHORED`` facts (``write_variant_counts``) rather
    than adjusted by the deltas the embedded store applies: both give the same counts.
    """

    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    def _run(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self.tx.run(load(name), params)

    # -- reads ---------------------------------------------------------------------------------
    def author_row(self, author: int) -> tuple[int, str, str] | None:
        rows = self._run("identity_author_row", id=int(author))
        return None if not rows else (int(rows[0]["id"]), str(rows[0]["name"]),
                                      str(rows[0]["key"]))

    def authorships(self, author: int) -> list[Mention]:
        return [Mention(int(r["paper"]), int(r["position"]), str(r["raw_name"]),
                        str(r["source"] or "unknown"))
                for r in self._run("identity_authorships", id=int(author))]

    def variants(self, author: int) -> list[VariantRow]:
        return [VariantRow(str(r["name"]), str(r["source"]), str(r["key"]), str(r["sig"]),
                           bool(r["initials_only"]), int(r["count"]))
                for r in self._run("identity_variants", id=int(author))]

    def external_ids(self, author: int) -> list[tuple[str, str]]:
        return [(str(r["kind"]), str(r["value"]))
                for r in self._run("identity_external_ids", id=int(author))]

    def evidence(self, author: int) -> list[tuple[str, str, str]]:
        return [(str(r["variant"]), str(r["rule"]), str(r["detail"]))
                for r in self._run("identity_evidence", id=int(author))]

    def duplicates(self, author: int) -> list[tuple[int, int, str, float]]:
        return [(int(r["a"]), int(r["b"]), str(r["reason"]), float(r["score"]))
                for r in self._run("identity_duplicates", id=int(author))]

    def shared_papers(self, a: int, b: int) -> list[int]:
        return [int(r["id"]) for r in self._run("identity_shared_papers", id=int(a),
                                                target=int(b))]

    def _next_ids(self) -> tuple[int, int]:
        row = self._run("next_ids")[0]
        return int(row["next_author"]), int(row["next_paper"])

    def max_paper_id(self) -> int:
        return self._next_ids()[1] - 1

    def _reserved(self) -> int:
        rows = self._run("get_meta", key=RESERVED_AUTHOR_ID)
        return int(rows[0]["value"]) if rows and rows[0]["value"] is not None else 0

    def next_author_id(self) -> int:
        return max(self._next_ids()[0], self._reserved() + 1)

    def override(self, override_id: int) -> dict[str, Any] | None:
        rows = self._run("override_get", id=int(override_id))
        return _override(rows[0]) if rows else None

    def later_overrides(self, override_id: int, authors: Sequence[int]) -> list[int]:
        return [int(r["id"]) for r in self._run("override_later", id=int(override_id),
                                                ids=sorted({int(a) for a in authors}))]

    # -- writes --------------------------------------------------------------------------------
    def create_author(self, author: int, name: str, key: str) -> None:
        self._run("write_authors", rows=[{"id": int(author), "name": name,
                                          "sort_name": name.casefold(), "key": key}])

    def move_authorships(self, rows: Sequence[Mention], target: int) -> None:
        if rows:
            self._run("identity_move_authored", target=int(target),
                      rows=[{"paper": m.paper, "position": m.position} for m in rows])

    def add_variants(self, author: int, rows: Sequence[VariantRow]) -> None:
        if not rows:
            return
        self._run("write_variants", rows=[
            {"author": int(author), "name": v.name, "source": v.source, "key": v.key,
             "spell": spell_of_key(v.key), "sig": v.sig, "initials_only": bool(v.initials_only),
             "tokens": _tokens(v.name)}
            for v in rows
        ])
        self._run("write_variant_counts", rows=[
            {"author": int(author), "name": v.name, "source": v.source} for v in rows
        ])
        self._run("identity_drop_empty_variants", id=int(author))

    def move_ids(self, ids: Sequence[tuple[str, str]], target: int) -> None:
        if ids:
            self._run("identity_move_ids", target=int(target),
                      rows=[{"kind": k, "value": v} for k, v in ids])

    def add_evidence(self, author: int, rows: Sequence[tuple[str, str, str]]) -> None:
        if rows:
            self._run("write_evidence", rows=[
                {"author": int(author), "variant": v, "rule": r, "detail": d}
                for (v, r), d in _first(((v, r), d) for v, r, d in rows).items()
            ])

    def drop_evidence(self, author: int, keys: Sequence[tuple[str, str]]) -> None:
        if keys:
            self._run("identity_drop_evidence", id=int(author),
                      rows=[{"variant": v, "rule": r} for v, r in keys])

    def add_duplicates(self, rows: Sequence[tuple[int, int, str, float]]) -> None:
        if rows:
            self._run("write_duplicates", rows=[[a, b, r, float(sc)] for a, b, r, sc in rows])

    def drop_duplicates(self, author: int) -> None:
        self._run("identity_drop_duplicates", id=int(author))

    def delete_author(self, author: int) -> None:
        self._run("identity_delete_author", id=int(author))

    def refresh(self, authors: Sequence[int]) -> None:
        ids = sorted({int(a) for a in authors})
        self._run("write_author_counts", ids=ids)
        self._run("identity_drop_edges", ids=ids)
        self._run("identity_build_edges", ids=ids)
        self._run("set_meta", key="generation", value=_token())

    def reserve(self, author: int) -> None:
        if int(author) > self._reserved():
            self._run("set_meta", key=RESERVED_AUTHOR_ID, value=str(int(author)))

    def add_override(
        self, kind: str, subject: int, object: int, payload: str, who: str, when: str, why: str
    ) -> int:
        oid = int(self._run("override_next_id")[0]["id"])
        self._run("override_create", id=oid, kind=kind, subject=int(subject),
                  object=int(object), payload=payload, who=who, when=when, why=why)
        return oid

    def set_override_undone(self, override_id: int, who: str, when: str, why: str) -> None:
        self._run("override_undo", id=int(override_id), who=who, when=when, why=why)


def _paper(r: dict[str, Any]) -> dict[str, Any]:
    return {"id": int(r["id"]), "title": r["title"], "year": r["year"], "venue": r["venue"],
            "doi": r["doi"], "source_id": r["source_id"]}


def _token() -> str:
    return str(secrets.randbits(62))


def _tokens(name: str) -> list[str]:
    from graphsvc.names import fold

    return [t for t in fold(name).split() if t]


def _batch_work(batch: Batch) -> Callable[[Tx], None] | None:
    """The transaction function writing ``batch`` (None if there is nothing to write)."""
    token = _token()
    steps = batch_statements(batch, token)
    if not steps:
        return None

    def work(tx: Tx) -> None:
        # the driver retries a transaction whose commit it could not confirm: if that
        # commit did happen, the batch's counters must not be added again
        done = tx.run(load("get_meta"), {"key": APPLIED_BATCH})
        if done and done[0]["value"] == token:
            return
        for name, params in steps:
            got = tx.run(load(name), params)
            if name == "write_batch":
                _check_authors(got, params)

    return work


def batch_statements(batch: Batch, token: str) -> list[tuple[str, dict[str, Any]]]:
    """The statements (Cypher file name, parameters) that write one batch, in order.

    Pure: the unit tests check it without a server. Rows are de-duplicated here the way the
    embedded store's ``INSERT OR IGNORE`` / ``OR REPLACE`` would resolve them, so no statement
    depends on the order in which Neo4j applies the rows of one ``UNWIND``.

    Counters (an author's papers, a variant's count, an edge's papers, weight and years) are
    added as the embedded store adds them: the batch's increments describe its new papers only
    (``Batch``). What a batch creates (its new authors with their variants and evidence, its
    new papers with their authorships, the edges of its new authors) is CREATEd, everything
    else MERGEd. Both are safe against a retried transaction because the last statement
    records ``token`` as ``Meta applied_batch`` and ``apply_batch`` skips a batch whose token
    is already there.

    The bulk of a batch is one statement, ``write_batch``: it finds each author it touches
    once and the rows name authors by their position in its list (``old`` ascending, then the
    new authors ascending), so that no row pays an index seek per author it names; the
    ingest's server time went mostly to those seeks, to MERGEs and to a dozen statements per
    batch. What is rare in an ingest (known papers' facts, external author ids, ties,
    duplicates, renames) keeps statements of its own.
    """
    steps: list[tuple[str, dict[str, Any]]] = []

    def add(name: str, key: str, rows: list[Any]) -> None:
        if rows:
            steps.append((name, {key: rows}))

    new_authors = sorted(batch.new_authors)
    is_new = {a for a, _n, _k in new_authors}
    new_papers = {p[0] for p in batch.new_papers}
    ties = {p[0] for p in batch.new_papers if p[8] is not None}
    # an author's papers: the batch's authorships, ties apart (as the embedded store counts)
    papers: dict[int, int] = defaultdict(int)
    for p, _pos, a, _raw in batch.authorships:
        if p not in ties:
            papers[a] += 1
    counts: dict[tuple[int, str, str], int] = defaultdict(int)
    for a, n, _k, _s, src, _i in batch.variants:
        counts[(a, n, src)] += 1
    variants = _first(((a, n, src), (k, s, bool(i))) for a, n, k, s, src, i in batch.variants)
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for (a, n, src), (k, s, i) in variants.items():
        rows[a].append({"author": a, "name": n, "source": src, "key": k, "spell": spell_of_key(k),
                        "sig": s, "initials_only": i, "tokens": _tokens(n),
                        "count": counts[(a, n, src)]})
    evidence = [(a, v, r, d) for (a, v, r), d in _first(
        ((a, v, r), d) for a, v, r, d in batch.evidence).items()]
    edges = [(a, b, [int(v[0]), float(v[1]), int(v[2]) or None, int(v[3]) or None])
             for (a, b), v in sorted(batch.edges.items())]
    # the source of each authorship (Batch.authorship_sources: same order per name)
    ships = [(p, pos, a, raw, src) for (p, pos, a, raw), src in zip(
        batch.authorships, batch.authorship_sources(), strict=True)]
    old = sorted((
        {a for p, _pos, a, _raw, _src in ships if p in new_papers}
        | set(papers) | set(rows) | {e[0] for e in evidence}
        | {e[0] for e in edges} | {e[1] for e in edges}
    ) - is_new)
    at = {a: i for i, a in enumerate(old)}
    at.update((a, len(old) + i) for i, (a, _n, _k) in enumerate(new_authors))

    evidence_of: dict[int, list[list[str]]] = defaultdict(list)
    for a, v, r, d in evidence:
        if a in is_new:
            evidence_of[a].append([v, r, d])
    refs: dict[int, list[str]] = {}
    for p, ref in batch.provenance:
        got = refs.setdefault(p, [])
        if ref not in got:
            got.append(ref)
    paper_ids = _first(((k, v), p) for k, v, p in batch.paper_ids)
    ids_of: dict[int, list[list[str]]] = defaultdict(list)
    authors_of: dict[int, list[list[Any]]] = defaultdict(list)
    for p, pos, a, raw, src in ships:
        if p in new_papers:
            authors_of[p].append([at[a], pos, raw, src])
    fresh_of: dict[int, list[list[str]]] = defaultdict(list)
    for (k, v), p in paper_ids.items():
        if p in new_papers:
            (fresh_of if (k, v) in batch.fresh_paper_ids else ids_of)[p].append([k, v])
    write = {
        "old": old,
        "authors": [
            {"id": a, "name": n, "sort_name": n.casefold(), "key": k, "papers": papers.get(a, 0),
             "search": " ".join(sorted({t for v in rows.get(a, ()) for t in v["tokens"]})),
             "variants": rows.get(a, []), "evidence": evidence_of.get(a, [])}
            for a, n, k in new_authors
        ],
        "papers": [
            {"id": p, "title": t, "title_key": tk, "year": y, "venue": ve, "doi": d,
             "n_authors": n, "counted": bool(c), "tie": tie, "sources": refs.get(p, []),
             "authors": authors_of.get(p, []), "ids": ids_of.get(p, []),
             "new_ids": fresh_of.get(p, [])}
            for p, t, tk, y, ve, d, n, c, tie in batch.new_papers
        ],
        "variants": [{"at": at[a], **v} for a, vs in rows.items() if a not in is_new for v in vs],
        "counts": [[at[a], papers.get(a, 0), a in rows] for a in old if a in papers or a in rows],
        "evidence": [[at[a], a, v, r, d] for a, v, r, d in evidence if a not in is_new],
        "new_edges": [[at[a], at[b], *v] for a, b, v in edges if a in is_new or b in is_new],
        "edges": [[at[a], at[b], *v] for a, b, v in edges if a not in is_new and b not in is_new],
    }
    if any(write[k] for k in write if k != "old"):
        steps.append(("write_batch", write))
    add("write_author_ids", "rows", [
        {"kind": k, "value": v, "author": a} for (k, v), a in _first(
            ((k, v), a) for k, v, a in batch.author_ids).items()
    ])
    add("write_paper_ids", "rows", [
        {"kind": k, "value": v, "paper": p} for (k, v), p in paper_ids.items()
        if p not in new_papers
    ])
    add("write_authorships", "rows", [
        {"paper": p, "position": pos, "author": a, "raw_name": raw, "source": src}
        for p, pos, a, raw, src in ships if p not in new_papers
    ])
    add("write_provenance", "rows", [
        {"paper": p, "refs": r} for p, r in refs.items() if p not in new_papers
    ])
    add("add_ties", "rows", [[a, b, float(w)] for (a, b), w in sorted(batch.ties.items())])
    dups = {(a, b): (reason, float(score)) for a, b, reason, score in batch.duplicates}
    add("write_duplicates", "rows", [[a, b, r, s] for (a, b), (r, s) in dups.items()])
    names = dict(batch.renames)
    add("write_renames", "rows", [
        {"author": a, "name": n, "sort_name": n.casefold()} for a, n in names.items()
    ])
    if batch.new_papers or batch.authorships:
        steps.append(("set_meta", {"key": "generation", "value": token}))
    if steps:
        steps.append(("set_meta", {"key": APPLIED_BATCH, "value": token}))
    return steps


def _check_authors(got: list[dict[str, Any]], params: dict[str, Any]) -> None:
    """``write_batch`` found every author the batch names where its rows say (raising rolls
    the batch's transaction back: a row never lands on the wrong author)."""
    want = [*params["old"], *(r["id"] for r in params["authors"])]
    found = [int(i) for i in got[0]["ids"]] if got else []
    if found != want:
        missing = sorted(set(want) - set(found))
        raise StoreCorrupt(f"Neo4j ingest batch: {len(missing)} author(s) it adds to are not in "
                           f"the store (first ids: {missing[:5]}); the batch was not written")


def _first(pairs: Iterable[tuple[Any, Any]]) -> dict[Any, Any]:
    """Keys in first-seen order, each with its first value (``INSERT OR IGNORE``)."""
    out: dict[Any, Any] = {}
    for k, v in pairs:
        out.setdefault(k, v)
    return out


def cmd_init_store(args: argparse.Namespace, settings: Settings) -> int:
    """``graphsvc init-store``: create the Neo4j constraints and indexes (idempotent).

    Example: ``GRAPHSVC_STORE=neo4j GRAPHSVC_NEO4J_URI=bolt://localhost:7687 graphsvc init-store``
    """
    import json
    import sys

    store = Neo4jStore(connect(settings))
    try:
        store.init_schema()
        counts = store.counts()
    finally:
        store.close()
    where = safe_uri(settings.neo4j_uri or "")
    out = {"store": "neo4j", "uri": where, "database": settings.neo4j_database,
           "schema_version": SCHEMA_VERSION, "statements": len(SCHEMA) + 1, **counts}
    if getattr(args, "json", False):
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        sys.stdout.write(
            f"Neo4j schema ready at {where} (database {settings.neo4j_database}): "
            f"{len(SCHEMA)} constraints and indexes; {counts['authors']} authors, "
            f"{counts['papers']} papers, {counts['edges']} edges\n"
        )
    return 0
