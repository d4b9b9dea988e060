"""The library's query layer: resolve authors, build (and cache) the graph, answer questions.

The CLI and the HTTP API are thin shells over ``GraphService``; a Python user calls the same
methods. Answers are plain JSON-ready dicts.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from graphsvc.errors import AmbiguousAuthor, AuthorNotFound, InvalidQuery, NoPath
from graphsvc.graph.csr import CoauthorGraph, Memberships
from graphsvc.graph.index import GraphIndex

MAX_LIMIT = 10_000
_CACHE_GRAPHS = 8


def memberships_from_arrays(arr: dict[str, np.ndarray]) -> Memberships:
    """Build ``Memberships`` from a store's authorship scan (rows ordered by paper id)."""
    author_ids = arr["author_ids"]
    paper_ids = arr["paper_ids"]
    ship_paper = arr["ship_paper"]
    ship_author = arr["ship_author"]
    pidx = index_of(paper_ids, ship_paper)
    counts = np.bincount(pidx, minlength=paper_ids.size) if paper_ids.size else np.zeros(0, int)
    ptr = np.zeros(paper_ids.size + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    # the embedded store scans in (paper, position) order already: no sort needed then
    ordered = pidx.size < 2 or bool(np.all(pidx[1:] >= pidx[:-1]))
    ships = ship_author if ordered else ship_author[np.argsort(pidx, kind="stable")]
    members = index_of(author_ids, ships).astype(np.int32, copy=False)
    return Memberships(
        author_ids=author_ids,
        paper_ids=paper_ids,
        paper_year=arr["paper_year"],
        paper_ptr=ptr,
        paper_members=members,
        paper_tie=arr.get("paper_tie"),
    )


def index_of(ids: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Positions of ``values`` in the ascending ``ids`` (each value one of them).

    Store ids are dense, so a table from id to position answers in one gather: a binary search
    of 24M authorships over 3M authors cost 15 s of cache misses at 3M authors, the table 0.2 s.
    The table starts at id 0 when the ids start near it (no subtraction per value) and holds
    int32 positions (half the memory of the answer). Sparse ids (a table over 4x more slots
    than ids) fall back to the binary search.

    Examples
    --------
    >>> index_of(np.array([3, 5, 9]), np.array([9, 3, 5, 9])).tolist()
    [2, 0, 1, 2]
    """
    if not ids.size or not values.size:
        return np.zeros(values.size, dtype=np.int64)
    lo, hi = int(ids[0]), int(ids[-1])
    if (lo < 0 or hi - lo >= 4 * ids.size + 1024 or ids.size >= 2**31
            or int(values.min()) < lo or int(values.max()) > hi):
        return np.searchsorted(ids, values)
    base = lo if lo > ids.size else 0
    table = np.zeros(hi - base + 1, dtype=np.int32)
    table[ids - base] = np.arange(ids.size, dtype=np.int32)
    return table[values - base] if base else table[values]


def _window(year_from: int | None, year_to: int | None) -> tuple[int | None, int | None]:
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidQuery(f"year window is empty: from {year_from} to {year_to}")
    return year_from, year_to


class GraphService:
    """Queries over one store, with the in-memory graph rebuilt when the store changes."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._gen: int | None = None
        self._mem: Memberships | None = None
        #: graphs by (generation, cap, year_from, year_to): with the generation in the key, a
        #: graph built from memberships that a concurrent ingest has since replaced is never
        #: handed out for the new data
        self._graphs: OrderedDict[tuple[int, int, int | None, int | None], CoauthorGraph] = \
            OrderedDict()
        self._graph_index: GraphIndex | None = None

    # -- graph cache -------------------------------------------------------------------------
    @property
    def max_team_size(self) -> int:
        cap = self.store.get_meta("max_team_size")
        return 100 if cap is None else int(cap)

    def _index(self) -> GraphIndex | None:
        """The persisted graph index of an embedded store (None for other stores)."""
        if self._graph_index is None and hasattr(self.store, "graph_snapshot"):
            path = getattr(self.store, "path", None)
            if path is not None:
                self._graph_index = GraphIndex(path)
        return self._graph_index

    def memberships(self) -> Memberships:
        return self._memberships()[1]

    def _memberships(self) -> tuple[int, Memberships]:
        gen = self.store.generation()
        with self._lock:
            if self._mem is None or self._gen is None or gen != self._gen:
                index = self._index()
                if index is not None:
                    self._gen, self._mem = index.memberships(self.store)
                else:
                    self._mem = memberships_from_arrays(self.store.memberships_arrays())
                    self._gen = gen
                self._graphs.clear()
            return self._gen, self._mem

    def idle(self) -> bool:
        """Whether the cached memberships are those of the store's data and nobody is
        rebuilding them: a query now builds no memberships (a new year window still builds
        its graph)."""
        if self._lock.locked():
            return False
        return self._mem is not None and self._gen == self.store.generation()

    def team_size(self, max_team_size: int | None = None) -> int:
        """The team-size cap of a query: ``max_team_size`` (DESIGN.md "Query-time team size",
        0 = no cap) or, when None, the store's ingest cap."""
        if max_team_size is None:
            return self.max_team_size
        if max_team_size < 0:
            raise InvalidQuery(f"max_team_size must be >= 0, got {max_team_size}")
        return int(max_team_size)

    def _native_ok(self, max_team_size: int | None) -> bool:
        """Whether the store's own queries answer: they know only the ingest cap's edges."""
        return max_team_size is None or self.team_size(max_team_size) == self.max_team_size

    def graph(
        self,
        year_from: int | None = None,
        year_to: int | None = None,
        max_team_size: int | None = None,
    ) -> CoauthorGraph:
        """The co-author graph for a year window and team-size cap (cached; rebuilt after an
        ingest). The cap is applied to the memberships, so a new cap needs no re-ingest."""
        year_from, year_to = _window(year_from, year_to)
        cap = self.team_size(max_team_size)
        gen, mem = self._memberships()
        key = (gen, cap, year_from, year_to)
        with self._lock:
            g = self._graphs.get(key)
            index = self._index()
            whole = year_from is None and year_to is None and cap == self.max_team_size
            if g is None and index is not None and whole:
                g = index.graph(gen, mem, cap)  # the whole store's graph is persisted
                self._graphs[key] = g
            elif g is None:
                g = CoauthorGraph.build(
                    mem, max_team_size=cap, year_from=year_from, year_to=year_to
                )
                self._graphs[key] = g
                while len(self._graphs) > _CACHE_GRAPHS:
                    self._graphs.popitem(last=False)
            else:
                self._graphs.move_to_end(key)
            return g

    # -- authors -----------------------------------------------------------------------------
    def resolve(self, text: str | int) -> int:
        """An author id from an id, ``kind:value`` external id, or a name (never a guess).

        Raises ``AmbiguousAuthor`` with the candidates when a name fits several people.
        """
        s = str(text).strip()
        if not s:
            raise AuthorNotFound("empty author")
        if s.isascii() and s.isdigit() and len(s) <= 18:
            if self.store.author_names([int(s)]):  # one row, not the variants and ids
                return int(s)
            from graphsvc.identity.overrides import author_aliases, follow

            moved = follow(author_aliases(self.store), int(s))
            if moved != int(s):
                return moved  # an id a manual merge took away resolves to where it went
        if ":" in s:
            kind, _, value = s.partition(":")
            found = self.store.author_by_external(kind.strip().lower(), value.strip())
            if found is None and kind.strip().lower() not in ("orcid", "dblp", "openalex", "s2"):
                found = self.store.author_by_external("node", s)
            if found is not None:
                return int(found)
        exact = self.store.authors_by_name(s)
        if len(exact) == 1:
            return int(exact[0]["id"])
        if len(exact) > 1:
            raise AmbiguousAuthor(s, exact)
        hits = self.store.search_authors(s, limit=10)
        if not hits:
            raise AuthorNotFound(f"no author matches {s!r}")
        best = [h for h in hits if h["score"] == hits[0]["score"]]
        if len(best) == 1:
            return int(best[0]["id"])
        raise AmbiguousAuthor(s, best)

    def author_ref(self, author_id: int) -> dict[str, Any]:
        author_id = int(author_id)
        name = self.store.author_names([author_id]).get(author_id)
        if name is None:
            raise AuthorNotFound(f"no author with id {author_id}")
        return {"id": author_id, "name": name}

    def search(self, query: str, limit: int = 20, offset: int = 0) -> list[dict[str, Any]]:
        limit = _check_limit(limit)
        return [
            {"id": h["id"], "name": h["name"], "papers": h["papers"]}
            for h in self.store.search_authors(query, limit=limit, offset=offset)
        ]

    def _node(self, g: CoauthorGraph, author_id: int) -> int:
        try:
            return g.node(author_id)
        except KeyError:
            raise AuthorNotFound(f"no author with id {author_id}") from None

    def _paper_rows(
        self, g: CoauthorGraph, paper_idx: Sequence[int] | np.ndarray
    ) -> dict[int, dict[str, Any]]:
        """Paper details by paper index of ``g`` (one store look-up)."""
        idx = [int(i) for i in paper_idx]
        pids = g.memberships.paper_ids
        rows = {p["id"]: p for p in self.store.papers([int(pids[i]) for i in idx])}
        out = {}
        for i in idx:
            p = rows.get(int(pids[i]))
            if p is not None:
                out[i] = {
                    "id": p["id"],
                    "title": p["title"],
                    "year": p["year"],
                    "venue": p["venue"],
                    "doi": p["doi"],
                    "source_id": p["source_id"],
                }
        return out

    def _papers(
        self, g: CoauthorGraph, paper_idx: Sequence[int] | np.ndarray
    ) -> list[dict[str, Any]]:
        """Paper details for paper indices of ``g``, newest first, then title."""
        return _newest_first(list(self._paper_rows(g, paper_idx).values()))

    # -- queries -----------------------------------------------------------------------------
    def collaborators(self, author: str | int, **options: Any) -> dict[str, Any]:
        """Collaborators ranked by joint papers, then most recent joint year, then name:
        ``graphsvc.graph.network_answers.collaborators`` (options: year_from, year_to,
        max_team_size, min_papers, limit, offset, with_papers)."""
        from graphsvc.graph.network_answers import collaborators

        return collaborators(self, author, **options)

    def stats(
        self,
        year_from: int | None = None,
        year_to: int | None = None,
        max_team_size: int | None = None,
    ) -> dict[str, Any]:
        """Graph statistics (DESIGN.md "Stats") for the whole store or a year window."""
        from graphsvc.graph.analytics import stats

        g = self.graph(year_from, year_to, max_team_size)
        out = stats(g)
        out["max_team_size"] = self.team_size(max_team_size)
        return out

    # -- networks ----------------------------------------------------------------------------
    def author_detail(self, author: str | int) -> dict[str, Any]:
        aid = self.resolve(author)
        detail = self.store.author(aid)
        if detail is None:
            raise AuthorNotFound(f"no author with id {aid}")
        detail.pop("key", None)
        return detail

    def ego(self, author: str | int, **options: Any) -> dict[str, Any]:
        """Authors within ``radius`` hops along edges with ≥ ``min_papers`` joint papers:
        ``graphsvc.graph.network_answers.ego`` (options: radius, min_papers, max_nodes,
        year_from, year_to, max_team_size)."""
        from graphsvc.graph.network_answers import ego

        return ego(self, author, **options)

    def cohort(self, authors: Sequence[str | int], **options: Any) -> dict[str, Any]:
        """The subgraph induced by a list of authors, with its connected components:
        ``graphsvc.graph.network_answers.cohort``."""
        from graphsvc.graph.network_answers import cohort

        return cohort(self, authors, **options)

    def communities(self, **options: Any) -> dict[str, Any]:
        """Communities (Louvain or Leiden) of the whole graph, an ego network or a cohort:
        ``graphsvc.graph.network_answers.communities``."""
        from graphsvc.graph.network_answers import communities

        return communities(self, **options)

    def _paper_index(self, g: CoauthorGraph, ref: str | int) -> int:
        s = str(ref).strip()
        pid: int | None = int(s) if s.isascii() and s.isdigit() and len(s) <= 18 else None
        if pid is None and ":" in s:
            kind, _, value = s.partition(":")
            pid = self.store.paper_by_external(kind.lower(), value)
        if pid is None:
            from graphsvc.errors import PaperNotFound

            raise PaperNotFound(f"no paper matches {s!r} (use a paper id or kind:value)")
        pids = g.memberships.paper_ids
        i = int(np.searchsorted(pids, pid))
        if i >= pids.size or pids[i] != pid:
            from graphsvc.errors import PaperNotFound

            raise PaperNotFound(f"no paper with id {pid}")
        return i

    def _paths_json(
        self, g: CoauthorGraph, chains: Sequence[list[int]], ends: Sequence[int] = ()
    ) -> tuple[list[dict[str, Any]], dict[int, str]]:
        from graphsvc.graph.path_answers import paths_json

        return paths_json(self, g, chains, ends)

    def path(self, source: str | int, target: str | int, **options: Any) -> dict[str, Any]:
        """Shortest (or strongest) collaboration path(s) with the joint papers of every hop:
        ``graphsvc.graph.path_answers.path`` (options: all, limit, strongest, avoid,
        avoid_papers, max_length, year_from, year_to, max_team_size)."""
        from graphsvc.graph.path_answers import path

        return path(self, source, target, **options)

    def path_pairs(self, pairs: Sequence[tuple[str, str]], **options: Any) -> list[dict[str, Any]]:
        """Batch collaboration distances: ``graphsvc.graph.path_answers.path_pairs``."""
        from graphsvc.graph.path_answers import path_pairs

        return path_pairs(self, pairs, **options)

    def distances(
        self,
        author: str | int,
        *,
        year_from: int | None = None,
        year_to: int | None = None,
        max_team_size: int | None = None,
    ) -> dict[str, Any]:
        """How many authors sit at each collaboration distance (Erdős-number profile)."""
        from graphsvc.graph.paths import distance_profile

        aid = self.resolve(author)
        g = self.graph(year_from, year_to, max_team_size)
        u = self._node(g, aid)
        # in a window only its authors count, reached or not (the author asked about always)
        mask = g.in_window() if g.windowed else None
        if mask is not None:
            mask[u] = True
        counts, unreachable = distance_profile(g, u, node_mask=mask)
        return {
            "author": self.author_ref(aid),
            "profile": [{"distance": d, "authors": int(c)} for d, c in enumerate(counts) if d],
            "reachable": int(sum(counts[1:])),
            "unreachable": int(unreachable),
        }

    def rank(
        self,
        by: str = "papers",
        *,
        top: int = 10,
        sample: int | None = None,
        seed: int = 0,
        year_from: int | None = None,
        year_to: int | None = None,
        max_team_size: int | None = None,
    ) -> dict[str, Any]:
        """Top authors by papers, collaborators, betweenness, closeness or PageRank."""
        from graphsvc.graph.rank import rank

        if by not in ("papers", "collaborators", "betweenness", "closeness", "pagerank"):
            raise InvalidQuery(
                "by must be papers, collaborators, betweenness, closeness or pagerank"
            )
        top = _check_limit(top)
        # in a window, its authors only: normalisations and PageRank depend on how many there are
        g = self.graph(year_from, year_to, max_team_size).window_only()
        rows, meta = rank(g, by, top=top, sample=sample, seed=seed)  # type: ignore[arg-type]
        ids = [int(g.author_ids[v]) for v, _ in rows]
        names = self.store.author_names(ids)
        return {
            "by": by,
            **meta,
            "results": [
                {"id": i, "name": names.get(i, ""), "score": _plain(score)}
                for i, (_, score) in zip(ids, rows, strict=True)
            ],
        }

    def no_path(self, a: int, b: int, why: str) -> NoPath:
        return NoPath(f"no collaboration path between author {a} and author {b}: {why}")

    # -- identity: explanations, duplicates, manual overrides (graphsvc.identity) -------------
    def resolve_following_aliases(self, author: str | int) -> int:
        """Kept for callers of the identity layer: ``resolve`` follows merge aliases itself."""
        return self.resolve(author)

    def explain(self, author: str | int) -> dict[str, Any]:
        """Why each name variant of an author was joined to it, with overrides and groups."""
        from graphsvc.identity.explain import explain

        return explain(self.store, self.resolve_following_aliases(author))

    def duplicates(self, **options: Any) -> dict[str, Any]:
        """Likely same-person pairs with evidence, or (``conflated``) authors whose papers fall
        into co-author groups that never touch: ``graphsvc.identity.answers.duplicates``."""
        from graphsvc.identity.answers import duplicates

        return duplicates(self, **options)

    def merge(self, target: str | int, source: str | int, **options: Any) -> dict[str, Any]:
        """Merge author ``source`` into ``target`` as an audited, reversible override."""
        from graphsvc.identity.answers import merge

        return merge(self, target, source, **options)

    def split(self, author: str | int, papers: Sequence[str | int],
              **options: Any) -> dict[str, Any]:
        """Move papers (ids or ``kind:value``) of an author to a new author (an override)."""
        from graphsvc.identity.answers import split

        return split(self, author, papers, **options)

    def unmerge(self, ref: str | int, **options: Any) -> dict[str, Any]:
        """Undo an override (an override id, or an author's latest merge)."""
        from graphsvc.identity.answers import unmerge

        return unmerge(self, ref, **options)

    def overrides(self, **options: Any) -> dict[str, Any]:
        """Manual overrides (the audit trail), newest first."""
        from graphsvc.identity.answers import overrides

        return overrides(self, **options)


def _newest_first(papers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Papers newest first, then by title, then id (the order of every list of evidence)."""
    papers.sort(key=lambda p: (-(p["year"] or 0), p["title"] or "", p["id"]))
    return papers


def _plain(x: Any) -> Any:
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return round(float(x), 8)
    return x


def _check_limit(limit: int) -> int:
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidQuery(f"limit must be between 1 and {MAX_LIMIT}")
    return limit
