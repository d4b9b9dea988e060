"""Graph questions the Neo4j store answers on the server, so a big graph never has to fit here.

Each method returns what ``GraphService`` returns for the same question (plain JSON-ready dicts)
and raises the same errors (``AuthorNotFound``, ``InvalidQuery``, ``NoPath``):

- ``search_authors``: the full-text index ``author_search`` finds candidates; they are ranked by
  the embedded store's rules (exact token 1.0, prefix of the last token 0.8, typo 0.6; then
  papers, name, id). Differences: Lucene expands a prefix or a typo to at most 50 index terms
  (the embedded store: 50 prefixes, 2000 trigram candidates), and at most ``SEARCH_CAP``
  candidates are ranked (Lucene's relevance chooses them when more match).
- ``collaborators_native``: from ``COAUTHOR`` edges, or with a year window from the
  ``AUTHORED`` facts of papers in the window.
- ``ego_native``: breadth-first, one query per hop; same node ranking and truncation rule as
  ``graph.neighbourhood.ego``.
- ``distance_native``, ``shortest_path_native``, ``all_shortest_paths_native``: Neo4j's
  ``shortestPath`` / ``allShortestPaths`` (bidirectional BFS), at most ``MAX_HOPS`` hops. The
  chains come in the engine's order (per hop: more joint papers, then lower id) when there are
  at most ``max_paths`` of them; beyond that the order is the best among the first ``max_paths``
  Neo4j enumerates, and ``count_exact`` says so.
- ``strongest_path_native``: GDS Dijkstra when the Graph Data Science library is installed
  (detected at run time); otherwise the Python engine on a bounded projection: the authors
  within ``radius`` hops of either end (whole BFS layers, at most ``max_nodes`` authors),
  which holds every chain of at most ``2 * radius + 1`` hops, so the answer is exact whenever
  the strongest chain is that short. GDS gives the engine's cost and, among equally strong
  chains, the fewest hops; between chains equal in both it picks its own, not the lowest ids.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from neo4j.exceptions import ClientError, DatabaseError

from graphsvc.errors import AuthorNotFound, InvalidQuery, NoPath, StoreUnavailable
from graphsvc.store.cypher import load
from graphsvc.store.runner import QueryRunner, RoutingControl, Tx
from graphsvc.store.search import edit_distance_at_most, key_tokens, query_tokens

__all__ = ["MAX_HOPS", "NativeQueries", "lucene_query", "search_authors"]

#: the hop bound written into distance/shortest_paths/count_shortest_paths.cypher (Cypher
#: cannot take a variable-length bound as a parameter); SNAP's ca-GrQc has diameter 17
MAX_HOPS = 32
MAX_LIMIT = 10_000
MAX_RADIUS = 3
MAX_PATHS = 100_000
SEARCH_CAP = 5000
#: named per store generation; gds_drop_stale.cypher drops every other graph of this prefix
#: (``graphsvc-coauthor-``, whose graphs before ``ranked`` lacked that weight)
GDS_GRAPH_PREFIX = "graphsvc-coauthor-ranked-"
#: the price of a hop added to ``cost`` in the GDS graph's ``ranked`` weight: far above the
#: rounding of a sum of 32 costs (~1e-14), far below a real difference of two chains' costs
GDS_HOP_PRICE = 1e-10
#: how often a strongest-path call runs when concurrent callers race on the GDS catalogue,
#: pausing GDS_RACE_PAUSE x the attempt number in between (a big graph takes seconds to
#: project, and the caller that lost waits for the one that projects it)
GDS_ATTEMPTS = 5
GDS_RACE_PAUSE = 0.2


def _catalogue_race(exc: Exception) -> bool:
    """Whether a GDS error says another caller projected or dropped the graph meanwhile.

    Examples
    --------
    >>> from neo4j.exceptions import ClientError
    >>> _catalogue_race(ClientError("A graph with name 'g' already exists."))
    True
    >>> _catalogue_race(ClientError("IllegalStateException: Graph name g already loaded"))
    True
    >>> _catalogue_race(ClientError("Graph with name `g` does not exist on database `neo4j`."))
    True
    >>> _catalogue_race(ClientError('NullPointerException: Cannot invoke "org.neo4j.gds.core'
    ...     '.loading.GraphStoreCatalogEntry.config()" because "removed" is null'))
    True
    >>> _catalogue_race(ClientError("Procedure call failed: not enough memory"))
    False

    The last but one is GDS 2.13's ``gds.graph.drop(name, false)`` when another caller drops
    the same graph between its check and its removal (seen in CI with four callers).
    """
    text = _message(exc)
    return any(m in text for m in ("already exists", "already loaded", "does not exist",
                                   "GraphStoreCatalogEntry"))


def _message(exc: Exception) -> str:
    """The server's message of a driver error (its ``str`` also names codes and statuses)."""
    text = str(exc)
    message = getattr(exc, "message", None)
    if message and "{message: " in text:  # an error the server sent
        return str(message)
    return text or type(exc).__name__


def gds_failed(exc: Exception) -> StoreUnavailable:
    """The one-line error for a failure of the Graph Data Science library on the server.

    Examples
    --------
    >>> from neo4j.exceptions import ClientError
    >>> err = gds_failed(ClientError("Failed to invoke function `gds.graph.project`:\\n"
    ...                              "  Caused by: IllegalStateException: no memory"))
    >>> str(err).split(": ", 1)[1]
    'Failed to invoke function `gds.graph.project`: Caused by: IllegalStateException: no memory'
    """
    text = " ".join(_message(exc).split())
    if len(text) > 300:
        text = text[:297] + "..."
    return StoreUnavailable("the Neo4j server could not answer the strongest path with its "
                            f"Graph Data Science library: {text}")
_LOW, _HIGH = -(10**9), 10**9


def _fewest_hops(row: dict[str, Any]) -> list[int]:
    """The chain ``gds_strongest`` found over ``ranked`` when it costs what the least-cost
    chain does (the engine's tolerance, graph/strongest.py): then it is the one with the
    fewest hops. Otherwise two costs differ by less than the hops it saved were priced, and
    the least-cost chain is the answer.

    >>> _fewest_hops({"best": 1.5, "best_ids": [1, 4, 5, 2], "ranked": 1.5 + 2e-10,
    ...               "ids": [1, 3, 2]})
    [1, 3, 2]
    >>> _fewest_hops({"best": 1.5, "best_ids": [1, 4, 5, 2], "ranked": 1.5 + 1e-9 + 2e-10,
    ...               "ids": [1, 3, 2]})
    [1, 4, 5, 2]
    """
    from graphsvc.graph.strongest import _COST_RTOL

    best, ids = float(row["best"]), [int(i) for i in row["ids"]]
    cost = float(row["ranked"]) - GDS_HOP_PRICE * (len(ids) - 1)
    if cost <= best + _COST_RTOL * max(1.0, best):
        return ids
    return [int(i) for i in row["best_ids"]]


class NativeQueries:
    """Mixin of ``Neo4jStore``: native graph queries over ``self.runner``."""

    runner: QueryRunner
    _gds: bool | None = None

    # -- plumbing ------------------------------------------------------------------------------
    def _read(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self.runner.execute_query(load(name), params, routing=RoutingControl.READ)

    def _write(self, name: str, **params: Any) -> list[dict[str, Any]]:
        return self.runner.execute_query(load(name), params, routing=RoutingControl.WRITE)

    def _summaries(self, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        wanted = sorted({int(i) for i in ids})
        if not wanted:
            return {}
        return {int(r["id"]): {"id": int(r["id"]), "name": str(r["name"]),
                               "papers": int(r["papers"])}
                for r in self._read("author_summaries", ids=wanted)}

    def _refs(self, *ids: int) -> list[dict[str, Any]]:
        got = self._summaries(ids)
        for i in ids:
            if i not in got:
                raise AuthorNotFound(f"no author with id {i}")
        return [{"id": i, "name": got[i]["name"]} for i in ids]

    # -- collaborators -------------------------------------------------------------------------
    def collaborators_native(
        self,
        author_id: int,
        *,
        year_from: int | None = None,
        year_to: int | None = None,
        min_papers: int = 1,
        limit: int = 100,
        offset: int = 0,
        with_papers: bool = False,
    ) -> dict[str, Any]:
        """``GraphService.collaborators`` for a resolved author id, answered by Neo4j."""
        _check_limit(limit)
        if offset < 0:
            raise InvalidQuery("offset must be >= 0")
        windowed, lo, hi = _window(year_from, year_to)
        (ref,) = self._refs(int(author_id))
        params = {"id": int(author_id), "min_papers": int(min_papers), "offset": int(offset),
                  "limit": int(limit)}
        if windowed:
            rows = self._read("collaborators_window", year_from=lo, year_to=hi, **params)
        else:
            rows = self._read("collaborators", **params)
        total = int(rows[0]["total"]) if rows else 0
        page = rows[0]["page"] if rows else []
        out = [
            {"id": int(c["id"]), "name": c["name"], "papers": int(c["papers"]),
             "first_year": c["first_year"] or None, "last_year": c["last_year"] or None,
             "weight": round(float(c["weight"]), 6)}
            for c in page
        ]
        if with_papers and out:
            joint = self._read("joint_papers", id=int(author_id), others=[c["id"] for c in out],
                               windowed=windowed, year_from=lo, year_to=hi)
            by_other: dict[int, list[dict[str, Any]]] = defaultdict(list)
            for r in joint:
                by_other[int(r["other"])].append(_paper(r))
            for c in out:
                c["joint_papers"] = _newest_first(by_other.get(c["id"], []))
        return {"author": ref, "total": total, "offset": offset, "limit": limit,
                "collaborators": out}

    # -- ego network ---------------------------------------------------------------------------
    def _expand(self, frontier: list[int], min_papers: int, window: tuple[bool, int, int]
                ) -> list[tuple[int, int, int]]:
        windowed, lo, hi = window
        if windowed:
            rows = self._read("ego_expand_window", frontier=frontier, min_papers=min_papers,
                              year_from=lo, year_to=hi)
        else:
            rows = self._read("ego_expand", frontier=frontier, min_papers=min_papers)
        return [(int(r["source"]), int(r["target"]), int(r["papers"])) for r in rows]

    def _ego_nodes(self, center: int, radius: int, min_papers: int, max_nodes: int | None,
                   window: tuple[bool, int, int]) -> tuple[list[int], dict[int, int], bool]:
        """``graph.neighbourhood.ego``'s ranking: centre, then by distance, then by joint papers
        with the nearer layer (desc), then id; a truncation keeps nearer layers whole."""
        dist = {center: 0}
        ranked = [center]
        frontier = [center]
        for level in range(1, radius + 1):
            if max_nodes is not None and len(ranked) >= max_nodes:
                rows = self._expand(frontier, min_papers, window)
                cut = len(ranked) > max_nodes or any(t not in dist for _, t, _ in rows)
                return ranked[:max_nodes], dist, cut
            strength: dict[int, int] = defaultdict(int)
            for _s, t, p in self._expand(frontier, min_papers, window):
                if t not in dist:
                    strength[t] += p
            if not strength:
                break
            layer = sorted(strength, key=lambda t: (-strength[t], t))
            for t in layer:
                dist[t] = level
            ranked.extend(layer)
            frontier = layer
        if max_nodes is not None and len(ranked) > max_nodes:
            return ranked[:max_nodes], dist, True
        return ranked, dist, False

    def ego_native(
        self,
        author_id: int,
        *,
        radius: int = 1,
        min_papers: int = 1,
        max_nodes: int | None = None,
        year_from: int | None = None,
        year_to: int | None = None,
    ) -> dict[str, Any]:
        """Ego network (DESIGN.md): nodes within ``radius`` hops along edges with at least
        ``min_papers`` joint papers, the edges among them (with at least ``min_papers``), and
        whether ``max_nodes`` truncated it. Nodes come in ranking order."""
        if not 1 <= radius <= MAX_RADIUS:
            raise InvalidQuery(f"radius must be between 1 and {MAX_RADIUS}, got {radius}")
        if max_nodes is not None and max_nodes < 1:
            raise InvalidQuery(f"max_nodes must be >= 1, got {max_nodes}")
        window = _window(year_from, year_to)
        center = int(author_id)
        (ref,) = self._refs(center)
        nodes, dist, cut = self._ego_nodes(center, radius, int(min_papers), max_nodes, window)
        info = self._summaries(nodes)
        windowed, lo, hi = window
        # papers and degree as the engine's graph of the window counts them
        stats = (self._read("ego_node_stats_window", ids=nodes, year_from=lo, year_to=hi)
                 if windowed else self._read("ego_node_stats", ids=nodes))
        for r in stats:
            if int(r["id"]) in info:
                info[int(r["id"])].update(papers=int(r["papers"]), degree=int(r["degree"]))
        if windowed:
            rows = self._read("ego_edges_window", ids=nodes, min_papers=int(min_papers),
                              year_from=lo, year_to=hi)
        else:
            rows = self._read("ego_edges", ids=nodes, min_papers=int(min_papers))
        edges = sorted(
            ({"source": int(r["source"]), "target": int(r["target"]), "papers": int(r["papers"]),
              "weight": round(float(r["weight"]), 6), "first_year": r["first_year"] or None,
              "last_year": r["last_year"] or None} for r in rows),
            key=lambda e: (e["source"], e["target"]),
        )
        return {
            "center": ref, "radius": radius, "min_papers": min_papers, "max_nodes": max_nodes,
            "truncated": cut,
            "nodes": [{**info[n], "distance": dist[n]} for n in nodes if n in info],
            "edges": edges,
        }

    # -- distance and shortest chains ------------------------------------------------------------
    def distance_native(self, source: int, target: int, *,
                        max_length: int | None = None) -> int | None:
        """Collaboration distance (hops), or None when unconnected within ``max_length``."""
        s, t = int(source), int(target)
        self._refs(s, t)
        if s == t:
            return 0
        rows = self._read("distance", source=s, target=t)
        d = int(rows[0]["length"]) if rows else None
        if d is None or (max_length is not None and d > max_length):
            return None
        return d

    def _chains(self, s: int, t: int, limit: int, max_paths: int) -> list[list[int]]:
        rows = self._read("shortest_paths", source=s, target=t, limit=limit,
                          max_paths=max_paths)
        return [[int(i) for i in r["ids"]] for r in rows]

    def shortest_path_native(self, source: int, target: int, *,
                             max_length: int | None = None,
                             max_paths: int = MAX_PATHS) -> dict[str, Any]:
        """One shortest chain in the engine's deterministic order, with the joint papers of
        every hop (newest first). Raises ``NoPath``."""
        s, t = int(source), int(target)
        src, dst = self._refs(s, t)
        chains = [[s]] if s == t else self._chains(s, t, 1, max_paths)
        if not chains or (max_length is not None and len(chains[0]) - 1 > max_length):
            raise _no_path(s, t, max_length)
        return {"source": src, "target": dst, "length": len(chains[0]) - 1,
                "path": self._path_refs(chains[0]), "hops": self._hops(chains[0])}

    def all_shortest_paths_native(self, source: int, target: int, *, limit: int = 10,
                                  max_length: int | None = None,
                                  max_paths: int = MAX_PATHS) -> dict[str, Any]:
        """The number of shortest chains (exact up to ``max_paths``) and up to ``limit`` of them
        in the engine's order. Raises ``NoPath``."""
        _check_limit(limit)
        s, t = int(source), int(target)
        src, dst = self._refs(s, t)
        if s == t:
            length, count, paths = 0, 1, [[src]]
        else:
            # one search counts the chains and orders them, and names their authors
            rows = self._read("shortest_paths_counted", source=s, target=t, limit=limit,
                              max_paths=max_paths)
            count = int(rows[0]["paths"]) if rows else 0
            length = int(rows[0]["length"]) if count else -1
            paths = [[{"id": int(n["id"]), "name": str(n["name"] or "")} for n in chain]
                     for chain in rows[0]["chains"]] if count else []
        if not count or (max_length is not None and length > max_length):
            raise _no_path(s, t, max_length)
        return {"source": src, "target": dst, "length": length, "count": count,
                "count_exact": count < max_paths, "paths": paths}

    def _path_refs(self, ids: list[int]) -> list[dict[str, Any]]:
        info = self._summaries(ids)
        return [{"id": i, "name": info[i]["name"] if i in info else ""} for i in ids]

    def hops_native(self, ids: list[int]) -> list[dict[str, Any]]:
        """The joint papers of every hop of a chain of author ids (newest first)."""
        return self._hops(ids)

    def _hops(self, ids: list[int]) -> list[dict[str, Any]]:
        pairs = [[a, b] for a, b in zip(ids, ids[1:], strict=False)]
        if not pairs:
            return []
        found: dict[tuple[int, int], list[dict[str, Any]]] = defaultdict(list)
        for r in self._read("hop_papers", hops=pairs):
            found[(int(r["source"]), int(r["target"]))].append(_paper(r))
        ties = {}
        if any((a, b) not in found for a, b in pairs):
            ties = {(int(r["source"]), int(r["target"])): float(r["weight"])
                    for r in self._read("hop_ties", hops=pairs)}
        out = []
        for a, b in pairs:
            papers = _newest_first(found.get((a, b), []))
            out.append({"source": a, "target": b, "papers": len(papers),
                        "joint_papers": papers,
                        "tie_weight": None if papers else ties.get((a, b))})
        return out

    # -- strongest chain ------------------------------------------------------------------------
    def gds_available(self) -> bool:
        """Whether the Graph Data Science procedures graphsvc calls are installed (cached)."""
        if self._gds is None:
            try:
                rows = self._read("gds_available")
            except ClientError:  # SHOW PROCEDURES not allowed for this user: use the fallback
                rows = []  # (an unreachable or busy server is no answer: it is not cached)
            self._gds = bool(rows) and int(rows[0]["found"]) == 3
        return self._gds

    def strongest_path_native(self, source: int, target: int, *, radius: int = 2,
                              max_nodes: int = 50_000) -> dict[str, Any]:
        """The chain minimising Σ 1/joint papers: GDS when installed, else the Python engine on
        a bounded projection (module docstring). Raises ``NoPath``."""
        s, t = int(source), int(target)
        src, dst = self._refs(s, t)
        extra: dict[str, Any]
        if s == t:
            chain, extra = [s], {"method": "trivial"}
        elif self.gds_available():
            chain, extra = self._strongest_gds(s, t), {"method": "gds"}
        else:
            chain, extra = self._strongest_projection(s, t, radius, max_nodes)
        if not chain:
            raise NoPath(f"no collaboration path between author {s} and author {t}"
                         + (f" within {extra['radius']} hops of either"
                            if extra.get("method") == "projection" else ""))
        hops = self._hops(chain)
        cost = 0.0
        for h in hops:  # a tie without papers (edge lists, GML) costs 1/weight, as in the engine
            if h["papers"]:
                cost += 1.0 / h["papers"]
            elif h.get("tie_weight"):
                cost += 1.0 / float(h["tie_weight"])
        return {"source": src, "target": dst, "cost": cost, "length": len(chain) - 1,
                "path": self._path_refs(chain), "hops": hops, **extra}

    def _strongest_gds(self, s: int, t: int) -> list[int]:
        """Dijkstra in the GDS graph of the current store generation, projected on first use
        and kept for the next calls; every graph of an older generation is dropped.

        Concurrent callers share the graph: the GDS catalogue is per server and not
        transactional, so a caller may find the graph it was about to project already
        projected by another ("already exists"), or dropped by a caller that read an older
        generation ("does not exist"). Either way the work runs again, at most
        ``GDS_ATTEMPTS`` times; any other GDS failure is a one-line ``StoreUnavailable``.
        """
        graph = f"{GDS_GRAPH_PREFIX}{self.generation()}"

        def work(tx: Tx) -> list[int]:
            # one transaction: the GDS catalogue is per server (a cluster routes each
            # transaction anywhere), so project and query together
            if not tx.run(load("gds_graph_exists"), {"graph": graph})[0]["present"]:
                tx.run(load("gds_drop_stale"), {"graph": graph})
                tx.run(load("gds_project"), {"graph": graph, "hop": GDS_HOP_PRICE})
            rows = tx.run(load("gds_strongest"), {"graph": graph, "source": s, "target": t})
            return _fewest_hops(rows[0]) if rows else []

        for attempt in range(1, GDS_ATTEMPTS + 1):
            try:
                return self.runner.execute_read(work)
            except (ClientError, DatabaseError) as exc:
                if attempt < GDS_ATTEMPTS and _catalogue_race(exc):
                    time.sleep(GDS_RACE_PAUSE * attempt)
                    continue
                raise gds_failed(exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover (the loop returns or raises)

    def generation(self) -> int:  # overridden by Neo4jStore; here for the type checker
        raise NotImplementedError

    def _strongest_projection(self, s: int, t: int, radius: int, max_nodes: int
                              ) -> tuple[list[int], dict[str, Any]]:
        from graphsvc.graph.csr import CoauthorGraph, Memberships
        from graphsvc.graph.paths import strongest_path

        if radius < 1:
            raise InvalidQuery(f"radius must be >= 1, got {radius}")
        ball, reached = self._ball([s, t], radius, max_nodes)
        members: dict[int, list[int]] = defaultdict(list)
        years: dict[int, int] = {}
        for r in self._read("projection_memberships", ids=sorted(ball)):
            members[int(r["paper"])].append(int(r["author"]))
            years[int(r["paper"])] = int(r["year"])
        shared = sorted(p for p, m in members.items() if len(m) >= 2)
        mem = Memberships.from_papers(sorted(ball), [members[p] for p in shared],
                                      years=[years[p] for p in shared], paper_ids=shared)
        # only counted papers were exported, so no team-size cap applies again here
        g = CoauthorGraph.build(mem, max_team_size=0)
        found = strongest_path(g, g.node(s), g.node(t))
        extra = {"method": "projection", "radius": reached, "nodes": len(ball)}
        if found is None:
            return [], extra
        return [int(g.author_ids[u]) for u in found[1]], extra

    def _ball(self, seeds: list[int], radius: int, max_nodes: int) -> tuple[set[int], int]:
        """Authors within ``radius`` hops of any seed, adding whole BFS layers while the set
        stays within ``max_nodes``; returns the set and the radius reached."""
        seen = set(seeds)
        frontier = list(seeds)
        reached = 0
        for level in range(1, radius + 1):
            fresh = sorted({t for _s, t, _p in self._expand(frontier, 1, (False, _LOW, _HIGH))}
                           - seen)
            if not fresh:
                return seen, radius  # nothing else within any radius: the ball is complete
            if len(seen) + len(fresh) > max_nodes:
                break
            seen.update(fresh)
            frontier = fresh
            reached = level
        return seen, reached


# -- search ------------------------------------------------------------------------------------
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def _term(tok: str) -> str:
    return _LUCENE_SPECIAL.sub(r"\\\1", tok)


def lucene_query(tokens: list[str], fuzzy: list[bool],
                 initials: list[bool] | None = None) -> str:
    """The Lucene query requiring every token: exact, or (last token, initial) as a prefix, or
    within the typo budget where ``fuzzy`` says so. Tokens are escaped: they are data, never
    syntax.

    Examples
    --------
    >>> lucene_query(["ada", "love"], [False, False])
    '+(ada) +(love love*)'
    >>> lucene_query(["lovelace", "a+b"], [True, False])
    '+(lovelace lovelace~2) +(a\\\\+b a\\\\+b*)'
    >>> lucene_query(["j", "vitek"], [False, True], [True, False])
    '+(j j*) +(vitek vitek* vitek~1)'
    """
    last = len(tokens) - 1
    inits = initials or [False] * len(tokens)
    parts = []
    for i, (tok, fz, ini) in enumerate(zip(tokens, fuzzy, inits, strict=True)):
        term = _term(tok)
        alts = [term]
        if i == last or ini:
            alts.append(f"{term}*")
        if fz:
            alts.append(f"{term}~{_budget(tok)}")
        parts.append("+(" + " ".join(alts) + ")")
    return " ".join(parts)


def _budget(tok: str) -> int:
    return 1 if len(tok) < 8 else 2


def search_authors(runner: QueryRunner, query: str, *, limit: int = 20,
                   offset: int = 0) -> list[dict[str, Any]]:
    """``SQLiteStore.search_authors`` on the full-text index (see the module docstring).

    A one-letter token beside words is an initial and matches any word it starts ("J. Vitek"
    finds "Jan Vitek"). Typos are looked for in the tokens that are no name's word; when that
    finds nobody, in every token of four letters or more (a misspelt name can be another
    author's word: "vazquez-sancho" finds "Vásquez-Sancho").
    """
    tokens = query_tokens(query)
    if not tokens:
        return []
    last = len(tokens) - 1
    initials = [len(t) == 1 and t.isalpha() for t in tokens]
    if all(initials):
        initials = [False] * len(tokens)
    probes = [f"{_term(t)} {_term(t)}*" if i == last or initials[i] else _term(t)
              for i, t in enumerate(tokens)]
    hits = {r["probe"]: int(r["hits"]) for r in runner.execute_query(
        load("search_probe"), {"probes": probes}, routing=RoutingControl.READ)}
    fuzzy = [hits.get(p, 0) == 0 for p in probes]
    if any(f and len(t) < 4 for t, f in zip(tokens, fuzzy, strict=True)):
        return []  # a token that matches nothing and is too short for typo tolerance
    found = _search(runner, tokens, fuzzy, initials, limit, offset)
    every = [f or len(t) >= 4 for t, f in zip(tokens, fuzzy, strict=True)]
    if found or every == fuzzy:
        return found
    return _search(runner, tokens, every, initials, limit, offset)


def _search(runner: QueryRunner, tokens: list[str], fuzzy: list[bool], initials: list[bool],
            limit: int, offset: int) -> list[dict[str, Any]]:
    rows = runner.execute_query(
        load("search_authors"),
        {"lucene": lucene_query(tokens, fuzzy, initials),
         "cap": max(SEARCH_CAP, offset + limit)},
        routing=RoutingControl.READ,
    )
    scored = []
    wanted = sorted(tokens)
    for r in rows:
        score = _score(tokens, fuzzy, set(str(r["tokens"] or "").split()), initials)
        if score is not None:
            if sorted(key_tokens(str(r["key"] or ""))) == wanted:
                score += 0.5  # the whole name, as in the embedded store
            scored.append((score, int(r["papers"]), str(r["name"]), int(r["id"])))
    scored.sort(key=lambda x: (-x[0], -x[1], x[2], x[3]))
    return [{"id": a, "name": n, "papers": p, "score": round(s, 3)}
            for s, p, n, a in scored[offset: offset + limit]]


def _score(tokens: list[str], fuzzy: list[bool], have: set[str],
           initials: list[bool] | None = None) -> float | None:
    """The embedded store's score of one author, or None when a token does not match."""
    total = 0.0
    last = len(tokens) - 1
    inits = initials or [False] * len(tokens)
    for i, (tok, fz, ini) in enumerate(zip(tokens, fuzzy, inits, strict=True)):
        if tok in have:
            total += 1.0
        elif (i == last or ini) and any(t.startswith(tok) for t in have):
            total += 0.8
        elif fz and any(abs(len(t) - len(tok)) <= _budget(tok)
                        and edit_distance_at_most(tok, t, _budget(tok)) for t in have):
            total += 0.6
        else:
            return None
    return total


# -- helpers ----------------------------------------------------------------------------------
def _paper(r: dict[str, Any]) -> dict[str, Any]:
    return {"id": int(r["id"]), "title": r["title"], "year": r["year"], "venue": r["venue"],
            "doi": r["doi"], "source_id": r["source_id"]}


def _newest_first(papers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(papers, key=lambda p: (-(p["year"] or 0), p["title"] or "", p["id"]))


def _window(year_from: int | None, year_to: int | None) -> tuple[bool, int, int]:
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidQuery(f"year window is empty: from {year_from} to {year_to}")
    windowed = year_from is not None or year_to is not None
    return (windowed, _LOW if year_from is None else int(year_from),
            _HIGH if year_to is None else int(year_to))


def _check_limit(limit: int) -> None:
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidQuery(f"limit must be between 1 and {MAX_LIMIT}")


def _no_path(s: int, t: int, max_length: int | None) -> NoPath:
    """The engine's message (``GraphService.no_path``), word for word."""
    why = "not connected" if max_length is None else f"no path of length ≤ {max_length}"
    return NoPath(f"no collaboration path between author {s} and author {t}: {why}")
