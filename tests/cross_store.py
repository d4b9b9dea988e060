"""What the graph service answers about a store, for comparing the embedded store with Neo4j.

``answers(svc, probes)`` asks every question family about the probe authors and returns plain
data; two stores with the same content must give equal dicts. ``diff`` names the first
difference of each question, so a failing comparison says which query and where.
"""

from __future__ import annotations

from typing import Any

from graphsvc.errors import GraphsvcError, NoPath


def probe_authors(store: Any, n: int = 8) -> list[int]:
    """Deterministic probes: the most prolific authors and a spread of others (by id)."""
    arr = store.memberships_arrays()
    ids = arr["author_ids"].tolist()
    counts: dict[int, int] = {}
    for a in arr["ship_author"].tolist():
        counts[a] = counts.get(a, 0) + 1
    top = sorted(counts, key=lambda a: (-counts[a], a))[: n // 2]
    step = max(1, len(ids) // (n - len(top) + 1))
    spread = [a for a in ids[step::step] if a not in top][: n - len(top)]
    return top + spread


def _ask(fn: Any, *args: Any, **kw: Any) -> Any:
    try:
        return fn(*args, **kw)
    except NoPath as exc:
        # the Neo4j path search states its bound ("within 32 hops"): the kind must agree
        return {"error": type(exc).__name__}
    except GraphsvcError as exc:
        return {"error": type(exc).__name__, "message": str(exc)}


def answers(svc: Any, probes: list[int], *, year_from: int | None = None,
            year_to: int | None = None) -> dict[str, Any]:
    names = svc.store.author_names(probes)
    w = {"year_from": year_from, "year_to": year_to}
    out: dict[str, Any] = {"counts": svc.store.counts()}
    out["search"] = {names[a]: _ask(svc.search, names[a], limit=10) for a in probes}
    # typo tolerance is for names: Lucene's fuzzy terms (a transposition is one edit) and the
    # embedded trigrams rank a swapped digit in a numeric SNAP label differently
    out["search_typo"] = {names[a]: _ask(svc.search, _typo(names[a]), limit=5) for a in probes
                          if any(c.isalpha() for c in names[a])}
    out["collaborators"] = {a: _ask(svc.collaborators, a, with_papers=True, limit=200)
                            for a in probes}
    out["collaborators_window"] = {a: _ask(svc.collaborators, a, year_from=2010,
                                           year_to=2016) for a in probes}
    out["ego"] = {a: _ask(svc.ego, a, radius=2, max_nodes=200, **w) for a in probes}
    pairs = list(zip(probes, probes[1:] + probes[:1], strict=True))
    out["path"] = {f"{a}-{b}": _ask(svc.path, a, b, **w) for a, b in pairs}
    out["paths_all"] = {f"{a}-{b}": _ask(svc.path, a, b, all=True, limit=5, **w)
                        for a, b in pairs}
    out["strongest"] = {f"{a}-{b}": _ask(svc.path, a, b, strongest=True, **w)
                        for a, b in pairs}
    out["distances"] = {a: _ask(svc.distances, a, **w) for a in probes}
    out["cohort"] = _ask(svc.cohort, probes, **w)
    out["stats"] = _ask(svc.stats, year_from, year_to)
    out["duplicates"] = _ask(svc.duplicates, limit=50)
    out["explain"] = {a: _ask(svc.explain, a) for a in probes}
    return out


def _typo(name: str) -> str:
    """The name with one letter of its longest token swapped (typo tolerance)."""
    toks = name.split()
    if not toks:
        return name
    i = max(range(len(toks)), key=lambda k: len(toks[k]))
    t = toks[i]
    if len(t) >= 5:
        toks[i] = t[:2] + t[3] + t[2] + t[4:]
    return " ".join(toks).lower()


def _gds_chain(got: dict[str, Any], where: str) -> str | None:
    """What is wrong with a strongest chain GDS chose, or ``None``: it must run between the
    ends over real edges (joint papers, or a tie and its weight) and cost what it says."""
    (chain,) = got["paths"]
    ids = [a["id"] for a in chain["authors"]]
    if [ids[0], ids[-1]] != [got["from"]["id"], got["to"]["id"]] or len(ids) != got["length"] + 1:
        return f"{where}: the GDS chain {ids} does not join its ends in {got['length']} hops"
    cost = 0.0
    for i, h in enumerate(chain["hops"]):
        if [h["from"], h["to"]] != ids[i:i + 2] or len(h["papers"]) != h["joint_papers"]:
            return f"{where}.hops[{i}]: {h!r} is not hop {ids[i:i + 2]} with its evidence"
        strength = h["joint_papers"] or h.get("tie_weight")
        if not strength:
            return f"{where}.hops[{i}]: no joint paper and no tie between {ids[i:i + 2]}"
        cost += 1.0 / strength
    if abs(round(cost, 6) - got["cost"]) > 1e-9:
        return f"{where}: the GDS chain {ids} costs {cost!r}, not {got['cost']!r}"
    return None


def diff(got: Any, want: Any, where: str = "") -> str | None:
    """The path and values of the first difference between two answers, or ``None``.

    A strongest path the Neo4j store found with GDS (``method: gds``) may be another chain of
    the same cost and length than the engine's (the engine then takes the lowest ids, GDS its
    own): such a chain must be a real one of that cost, and all the rest must be equal.
    """
    gds = isinstance(got, dict) and got.get("mode") == "strongest" and got.get("method") == "gds"
    if gds and isinstance(want, dict) and "paths" in want:
        return _gds_chain(got, where) or diff(
            {k: v for k, v in got.items() if k not in ("paths", "method")},
            {k: v for k, v in want.items() if k != "paths"}, where)
    if isinstance(want, dict) and isinstance(got, dict):
        for k in want:
            if k not in got:
                return f"{where}.{k}: missing"
            d = diff(got[k], want[k], f"{where}.{k}")
            if d:
                return d
        extra = set(got) - set(want)
        return f"{where}: extra keys {sorted(map(str, extra))}" if extra else None
    if isinstance(want, list) and isinstance(got, list):
        for i, (g, w) in enumerate(zip(got, want, strict=False)):
            d = diff(g, w, f"{where}[{i}]")
            if d:
                return d
        if len(got) != len(want):
            return f"{where}: {len(got)} items, want {len(want)}"
        return None
    if isinstance(want, float) and isinstance(got, (int, float)):
        return None if abs(got - want) <= 1e-9 * max(1.0, abs(want)) else \
            f"{where}: {got!r} != {want!r}"
    return None if got == want else f"{where}: {got!r} != {want!r}"


#: clock readings: the two stores are written one after the other
_CLOCK = frozenset({"when", "undone_when", "started", "finished"})


def _timeless(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _timeless(v) for k, v in x.items() if k not in _CLOCK}
    if isinstance(x, list):
        return [_timeless(v) for v in x]
    return x


def differences(got: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """One line per question family that differs (timestamps aside)."""
    got, want = _timeless(got), _timeless(want)
    out = []
    for k in want:
        d = diff(got.get(k), want[k], k)
        if d:
            out.append(d[:400])
    return out
