"""A :class:`~graphsvc.views.subgraph.View` as network HTML (pyvis), and the assets it needs.

pyvis builds the page fragment with ``Network.generate_html`` and *our* Jinja template
(``templates/network.html``): pyvis's own template links Bootstrap and vis-network from CDNs
even in its ``local`` and ``in_line`` modes, and runs a physics simulation. Here every script
and stylesheet is served by graphsvc (``/static/…``) or inlined into a written file, positions
come from the server-side layout with physics off, and nodes and edges are assigned as lists
(``Network.add_edge`` scans every edge it already has: quadratic).
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from graphsvc.views.subgraph import NODE_MAX, NODE_MIN, OTHER_COLOUR, PALETTE, View, node_radius

__all__ = [
    "ASSETS",
    "asset_bytes",
    "edge_width",
    "inline_csp",
    "fit_scale",
    "label_scaling",
    "network_html",
    "safe_inline",
    "script_json",
    "view_data",
    "vis_edges",
    "vis_nodes",
    "vis_options",
]

TEMPLATES = Path(__file__).parent / "templates"
STATIC = Path(__file__).parent / "static"

#: every file ``/static/{name}`` serves: name -> (where, media type); nothing else is served
ASSETS: dict[str, tuple[str, str]] = {
    "vis-network.min.js": ("pyvis:lib/vis-9.1.2/vis-network.min.js", "text/javascript"),
    "vis-network.min.css": ("pyvis:lib/vis-9.1.2/vis-network.css", "text/css"),
    "graphsvc.js": ("static:graphsvc.js", "text/javascript"),
    "graphsvc.css": ("static:graphsvc.css", "text/css"),
}

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
#: views with more nodes than this hide edges while dragging or zooming (smooth on big views)
BIG_VIEW = 400
#: labels at the first, fitted zoom: the biggest this tall on screen, the smallest drawn at
#: all this tall (CSS pixels); vis-network scales label fonts with the zoom
LABEL_SCREEN_MAX, LABEL_SCREEN_MIN = 17.0, 10.0
#: label font size at zoom 1 of the smallest node
LABEL_MIN = 10.0
#: labels readable at the first, fitted view: this many (the biggest nodes); zooming in shows
#: the others. Views this small or smaller label every node.
LABELS_AT_FIRST = 25
#: the canvas a fitted view is estimated for (CSS pixels; the page gives it about this much)
CANVAS = (950.0, 640.0)


# -- assets ---------------------------------------------------------------------------------------
@cache
def asset_bytes(name: str) -> bytes:
    """The bytes of a served asset (``KeyError`` for any name not in ``ASSETS``)."""
    where, _ = ASSETS[name]
    origin, _, rel = where.partition(":")
    if origin == "pyvis":
        return resources.files("pyvis").joinpath(rel).read_bytes()
    return (STATIC / rel).read_bytes()


def safe_inline(text: str, tag: str) -> str:
    """``text`` made safe to sit inside ``<tag>…</tag>``: no premature closing tag.

    Examples
    --------
    >>> safe_inline("a = '</script>';", "script")
    "a = '<\\\\/script>';"
    """
    low = text.lower()
    closing = f"</{tag}"
    if closing not in low:
        return text
    out, i = [], 0
    while (j := low.find(closing, i)) >= 0:
        out.append(text[i:j] + "<\\/" + text[j + 2 : j + len(closing)])
        i = j + len(closing)
    out.append(text[i:])
    return "".join(out)


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode() + "'"


def inline_csp(scripts: list[str]) -> str:
    """Content-Security-Policy for a self-contained file: only its own inline scripts run and
    nothing is fetched from anywhere (``default-src 'none'``)."""
    hashes = " ".join(_sha256(s) for s in scripts)
    return (
        f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; "
        "img-src data: blob:; font-src data:; base-uri 'none'; form-action 'none'"
    )


# -- JSON for script elements -------------------------------------------------------------------
def _script_safe(text: str) -> str:
    # five C-speed replaces beat str.translate with a dict on a megabyte of JSON
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def script_json(obj: Any) -> str:
    """JSON that can sit inside a ``<script>`` element: ``<``, ``>`` and ``&`` are escaped, so
    no string in it can close the element or open a comment.

    Examples
    --------
    >>> script_json({"name": "</script><b>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    return _script_safe(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


@cache
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True)
    env.filters["scriptjson"] = lambda obj: Markup(script_json(obj))
    env.filters["scriptsafe"] = lambda text: Markup(_script_safe(str(text)))
    return env


# -- nodes, edges, options ------------------------------------------------------------------------
@cache
def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _darker(hex_colour: str, f: float = 0.72) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(int(h[i : i + 2], 16) * f) for i in (0, 2, 4))
    return f"#{r:02x}{g:02x}{b:02x}"


def _label(name: str, limit: int = 32) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def edge_width(papers: int) -> float:
    """Edge width in pixels for a number of joint papers (grows with the logarithm).

    Examples
    --------
    >>> [edge_width(p) for p in (1, 2, 4, 100)]
    [1.0, 2.6, 4.2, 9.0]
    """
    return round(min(1.0 + 1.6 * math.log2(max(papers, 1)), 9.0), 1)


def _years(first: int | None, last: int | None) -> str:
    if not first and not last:
        return ""
    if first == last or not first or not last:
        return str(first or last)
    return f"{first}–{last}"


def vis_nodes(view: View, *, focus_font: float = 20.0) -> list[dict[str, Any]]:
    """vis-network nodes: positions, size (``value``) by papers, group by community."""
    out = []
    for n in view.nodes:
        c = n["community"]
        node: dict[str, Any] = {
            "id": n["id"],
            "label": _label(n["name"]),
            "x": n["x"],
            "y": n["y"],
            "value": round(math.sqrt(max(int(n["papers"]), 1)), 3),
            "group": f"c{c}" if c is not None else "other",
            "name": n["name"],
            "papers": n["papers"],
            "top": n["top"],
        }
        if c is not None:
            node["community"] = c + 1
        if "distance" in n:
            node["distance"] = n["distance"]
        if "by_year" in n:
            node["byYear"] = n["by_year"]
        if n["focus"]:  # always labelled, at any zoom
            node["scaling"] = {"label": {"min": focus_font, "max": focus_font,
                                         "drawThreshold": 3}}
            # a node's own colour replaces its group's whole colour, so repeat the background
            fill = PALETTE[c] if c is not None else OTHER_COLOUR
            node.update(
                focus=True,
                borderWidth=5,
                borderWidthSelected=6,
                color={"background": fill, "border": "#111111",
                       "highlight": {"background": fill, "border": "#000000"},
                       "hover": {"background": fill, "border": "#000000"}},
                shadow={"enabled": True, "color": "rgba(0,0,0,0.35)", "size": 14, "x": 0, "y": 0},
            )
        out.append(node)
    return out


def vis_edges(view: View) -> list[dict[str, Any]]:
    """vis-network edges: width by joint papers, community colour inside a community."""
    community = {n["id"]: n["community"] for n in view.nodes}
    path = view.kind == "path"
    out = []
    for k, e in enumerate(view.edges):
        a, b = community.get(e["source"]), community.get(e["target"])
        if path:
            colour = "rgba(60,60,60,0.85)"
        elif a is not None and a == b:
            colour = _rgba(PALETTE[a], 0.55)
        else:
            colour = "rgba(120,120,120,0.32)"
        out.append(
            {
                "id": k,
                "from": e["source"],
                "to": e["target"],
                "width": edge_width(int(e["papers"])) + (1.5 if path else 0.0),
                "color": colour,
                "papers": e["papers"],
                # a tie's strength when the edge has no papers (edge lists, GML)
                "weight": None if e["papers"] else round(float(e.get("weight") or 0), 4) or None,
                "years": _years(e.get("first_year"), e.get("last_year")),
                "evidence": e["evidence"],
                **({"byYear": e["by_year"]} if "by_year" in e else {}),
            }
        )
    return out


def _groups() -> dict[str, Any]:
    groups: dict[str, Any] = {}
    for i, colour in enumerate((*PALETTE, OTHER_COLOUR)):
        name = f"c{i}" if i < len(PALETTE) else "other"
        groups[name] = {
            "color": {
                "background": colour,
                "border": _darker(colour),
                "highlight": {"background": colour, "border": "#222222"},
                "hover": {"background": colour, "border": "#222222"},
            }
        }
    return groups


def fit_scale(view: View) -> float:
    """The zoom vis-network will likely pick to fit the view into ``CANVAS`` (at most 1)."""
    if not view.nodes:
        return 1.0
    xy = np.array([(v["x"], v["y"]) for v in view.nodes], dtype=np.float64)
    r = float(node_radius([v["papers"] for v in view.nodes]).max())
    extent = xy.max(axis=0) - xy.min(axis=0) + 2 * r + 40
    return float(min(1.0, CANVAS[0] / extent[0], CANVAS[1] / extent[1]))


def label_scaling(view: View, k: int = LABELS_AT_FIRST) -> dict[str, float]:
    """vis-network label scaling for a view: fonts grow with the node, and ``drawThreshold``
    (on-screen pixels below which a label is not drawn) lets about ``k`` labels, the biggest
    nodes', show at the first, fitted zoom; zooming in reveals the rest.

    vis-network 9 draws a label at ``font size x zoom`` (``maxVisible`` only fades colours),
    so the largest font is chosen for the fitted zoom: ``LABEL_SCREEN_MAX`` pixels there.
    """
    scale = fit_scale(view)
    top = float(np.clip(LABEL_SCREEN_MAX / scale, 14.0, 64.0))
    n = len(view.nodes)
    # a small view labels every node, readable at the first zoom
    low = min(float(np.clip(LABEL_SCREEN_MIN / scale, LABEL_MIN, 40.0)), top)
    out = {"min": low, "max": top, "drawThreshold": 1.0}
    if n > k + 15:
        out["min"] = LABEL_MIN
        r = node_radius([v["papers"] for v in view.nodes])
        frac = (r - NODE_MIN) / (NODE_MAX - NODE_MIN)
        fonts = np.sort(LABEL_MIN + frac * (top - LABEL_MIN))[::-1]
        out["drawThreshold"] = float(np.clip(fonts[k - 1] * scale, LABEL_SCREEN_MIN - 3, 14.0))
    return {key: round(v, 2) for key, v in out.items()}


def vis_options(
    n_nodes: int, *, physics: bool = False, labels: dict[str, float] | None = None
) -> dict[str, Any]:
    """vis-network options. Default: physics off (the server placed the nodes), straight edges.

    ``physics=True`` gives pyvis's defaults (Barnes-Hut, dynamic smooth edges): only
    ``bench/views.py`` uses it, as the baseline.
    """
    big = n_nodes > BIG_VIEW
    label = {"min": LABEL_MIN, "max": 20.0, "drawThreshold": 5.0, **(labels or {})}
    options: dict[str, Any] = {
        "autoResize": True,
        "layout": {"improvedLayout": False},
        "physics": {"enabled": False},
        "nodes": {
            "shape": "dot",
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            "scaling": {
                "min": NODE_MIN,
                "max": NODE_MAX,
                # labels grow with the node; zoomed out only the big ones stay (drawThreshold),
                # zoomed in none grows past maxVisible screen pixels
                "label": {"enabled": True, **label},
            },
            "font": {"face": FONT, "color": "#1f2328", "strokeWidth": 4,
                     "strokeColor": "rgba(255,255,255,0.9)"},
        },
        "edges": {
            "smooth": False,
            "selectionWidth": 2,
            "hoverWidth": 1.5,
            "color": {"inherit": False},
        },
        "interaction": {
            "hover": True,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "tooltipDelay": 120,
            # keyboard navigation would focus the canvas on click, and a focused canvas that is
            # partly off screen scrolls the page under the pointer: the click misses
            "keyboard": {"enabled": False},
            "multiselect": False,
        },
        "groups": _groups(),
    }
    if physics:
        options["physics"] = {
            "enabled": True,
            "solver": "barnesHut",
            "stabilization": {"enabled": True, "iterations": 1000, "fit": True},
        }
        options["edges"]["smooth"] = {"enabled": True, "type": "dynamic"}
    return options


# -- HTML -----------------------------------------------------------------------------------------
def network_html(view: View, *, heading: str = "", physics: bool = False) -> str:
    """The network fragment (canvas container + JSON data blocks) via pyvis ``generate_html``."""
    from pyvis.network import Network

    net = Network(height="100%", width="100%", heading=heading)
    labels = label_scaling(view)
    nodes = vis_nodes(view, focus_font=labels["max"])
    if physics:  # the baseline lets vis-network place the nodes
        for n in nodes:
            n.pop("x", None)
            n.pop("y", None)
    net.nodes = nodes
    net.edges = vis_edges(view)
    net.node_ids = [n["id"] for n in net.nodes]
    net.options = vis_options(len(net.nodes), physics=physics, labels=labels)
    net.templateEnv = _env()
    net.path = "network.html"
    return str(net.generate_html())


def view_data(
    view: View, *, click: str, view_url: str | None = None, ego: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What ``graphsvc.js`` needs beside nodes and edges: paper details for the tooltips and
    what a click on a node does (``open``: go to ``view_url`` with ``{id}`` replaced;
    ``focus``: zoom to the node, for files opened from disk).

    An ego view whose nodes and edges carry their papers per year also gets ``years``: the
    slider's range and the ego parameters (``radius``, ``minPapers``, ``truncated``) a year
    window is redrawn with (:mod:`graphsvc.views.years`).
    """
    years = None
    if view.year_span is not None and view.year_span[0] < view.year_span[1] and ego is not None:
        years = {"min": view.year_span[0], "max": view.year_span[1], **ego}
    return {
        "kind": view.kind,
        "click": click,
        "viewUrl": view_url,
        "focus": view.focus,
        "years": years,
        "papers": {
            str(pid): [p["title"], p["year"], p["venue"]] for pid, p in view.papers.items()
        },
    }
