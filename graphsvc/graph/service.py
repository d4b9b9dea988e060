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

MAX_LIMIT = 10_000
_CACHE_GRAPHS = 8


def memberships_from_arrays(arr: dict[str, np.ndarray]) -> Memberships:
    """Build ``Memberships`` from a store's authorship scan (rows ordered by paper id)."""
    author_ids = arr["author_ids"]
    paper_ids = arr["paper_ids"]
    ship_paper = arr["ship_paper"]
    ship_author = arr["ship_author"]
    pidx = np.searchsorted(paper_ids, ship_paper)
    counts = np.bincount(pidx, minlength=paper_ids.size) if paper_ids.size else np.zeros(0, int)
    ptr = np.zeros(paper_ids.size + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    order = np.argsort(pidx, kind="stable")
    members = np.searchsorted(author_ids, ship_author[order]).astype(np.int32)
    return Memberships(
        author_ids=author_ids,
        paper_ids=paper_ids,
        paper_year=arr["paper_year"],
        paper_ptr=ptr,
        paper_members=members,
    )


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
        self._graphs: OrderedDict[tuple[int, int | None, int | None], CoauthorGraph] = OrderedDict()

    # -- graph cache -------------------------------------------------------------------------
    @property
    def max_team_size(self) -> int:
        cap = self.store.get_meta("max_team_size")
        return 100 if cap is None else int(cap)

    def memberships(self) -> Memberships:
        gen = self.store.generation()
        with self._lock:
            if self._mem is None or gen != self._gen:
                self._mem = memberships_from_arrays(self.store.memberships_arrays())
                self._gen = gen
                self._graphs.clear()
            return self._mem

    def graph(self, year_from: int | None = None, year_to: int | None = None) -> CoauthorGraph:
        """The co-author graph for a year window (cached; rebuilt after an ingest)."""
        year_from, year_to = _window(year_from, year_to)
        mem = self.memberships()
        key = (self.max_team_size, year_from, year_to)
        with self._lock:
            g = self._graphs.get(key)
            if g is None:
                g = CoauthorGraph.build(
                    mem, max_team_size=key[0], year_from=year_from, year_to=year_to
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
        if s.isdigit() and self.store.author(int(s)) is not None:
            return int(s)
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
        a = self.store.author(author_id)
        if a is None:
            raise AuthorNotFound(f"no author with id {author_id}")
        return {"id": a["id"], "name": a["name"]}

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

    def _papers(
        self, g: CoauthorGraph, paper_idx: Sequence[int] | np.ndarray
    ) -> list[dict[str, Any]]:
        """Paper details for paper indices of ``g``, newest first, then title."""
        ids = [int(g.memberships.paper_ids[i]) for i in paper_idx]
        rows = self.store.papers(ids)
        rows.sort(key=lambda p: (-(p["year"] or 0), p["title"] or "", p["id"]))
        return [
            {
                "id": p["id"],
                "title": p["title"],
                "year": p["year"],
                "venue": p["venue"],
                "doi": p["doi"],
                "source_id": p["source_id"],
            }
            for p in rows
        ]

    # -- queries -----------------------------------------------------------------------------
    def collaborators(
        self,
        author: str | int,
        *,
        year_from: int | None = None,
        year_to: int | None = None,
        min_papers: int = 1,
        limit: int = 100,
        offset: int = 0,
        with_papers: bool = False,
    ) -> dict[str, Any]:
        """Collaborators ranked by joint papers, then most recent joint year, then name."""
        from graphsvc.graph.neighbourhood import collaborators

        limit = _check_limit(limit)
        aid = self.resolve(author)
        g = self.graph(year_from, year_to)
        u = self._node(g, aid)
        nbrs = g.neighbours(u)
        names_map = self.store.author_names(int(g.author_ids[v]) for v in nbrs)
        names = _NameLookup(g, names_map)
        rows = collaborators(g, u, min_papers=min_papers, names=names)
        page = rows[offset : offset + limit]
        out = []
        for v, papers, first, last, weight in page:
            vid = int(g.author_ids[v])
            item: dict[str, Any] = {
                "id": vid,
                "name": names_map.get(vid, ""),
                "papers": int(papers),
                "first_year": int(first) or None,
                "last_year": int(last) or None,
                "weight": round(float(weight), 6),
            }
            if with_papers:
                item["joint_papers"] = self._papers(g, g.joint_papers(u, v))
            out.append(item)
        return {
            "author": self.author_ref(aid),
            "total": len(rows),
            "offset": offset,
            "limit": limit,
            "collaborators": out,
        }

    def stats(self, year_from: int | None = None, year_to: int | None = None) -> dict[str, Any]:
        """Graph statistics (DESIGN.md "Stats") for the whole store or a year window."""
        from graphsvc.graph.analytics import stats

        g = self.graph(year_from, year_to)
        out = stats(g)
        out["max_team_size"] = self.max_team_size
        return out

    def no_path(self, a: int, b: int, why: str) -> NoPath:
        return NoPath(f"no collaboration path between author {a} and author {b}: {why}")


class _NameLookup(Sequence[str]):
    """Names by node index, fetched lazily for the nodes a query actually touches."""

    def __init__(self, g: CoauthorGraph, known: dict[int, str]) -> None:
        self._g = g
        self._known = known

    def __len__(self) -> int:
        return self._g.n

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self._known.get(int(self._g.author_ids[i]), "")


def _check_limit(limit: int) -> int:
    if limit < 1 or limit > MAX_LIMIT:
        raise InvalidQuery(f"limit must be between 1 and {MAX_LIMIT}")
    return limit
