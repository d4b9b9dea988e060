"""Network views at 1,000 nodes: server-side generation and browser stabilisation, vs baselines.

What it measures, in one run on one synthetic store (``bench/synthetic.py``, cached in
``--data-dir``), for the ego network of the best-connected author cut at ``--nodes`` authors:

server side (median of ``--repeat`` warm runs)
  * **graphsvc**: the whole ego page (``views.pages.ego_page``: query, layout, communities,
    joint papers per edge, top collaborators, pyvis ``generate_html`` with our template);
  * **pyvis add_node/add_edge**: the same nodes and edges fed to pyvis the usual way, node by
    node and edge by edge, then pyvis's own template (``add_edge`` scans every edge it has).

browser (Debian Chromium, headless; median of ``--browser-repeat`` loads, from navigation start)
  * **graphsvc, served**: the page from the running service (uvicorn on 127.0.0.1);
  * **graphsvc, file**: the self-contained file ``graphsvc view`` writes;
  * **physics, straight edges, 200 iterations**: the same file with the server layout removed
    and vis-network's Barnes-Hut physics on (stabilisation capped at 200 iterations);
  * **pyvis defaults**: physics on with pyvis's defaults (Barnes-Hut, dynamic smooth edges,
    1,000 stabilisation iterations) — given up after ``--browser-timeout`` seconds.

"first draw" is the first frame vis-network paints; "physics stopped" is when the layout stops
moving (with physics off: the first draw). Goals (DESIGN.md, Views): server < 1 s, stable < 5 s.

year slider (served page; issue 18): the ego view redraws a year window in the browser from the
data it loaded; measured in the page (``performance.now()`` from the slider's ``input`` event to
the end of the redraw) over ``--slider-windows`` windows, against the same window asked of the
server (the page reloaded with ``from_year``/``to_year``: navigation start to first draw).
Goal: a redraw < 1 s.

Usage::

    python bench/views.py                      # 20k-author store, 1,000-node view
    python bench/views.py --nodes 500 --browser-timeout 30
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from api import build_store, store_ready  # noqa: E402
from synthetic import generate, scale_authors  # noqa: E402

from graphsvc.graph.service import GraphService  # noqa: E402
from graphsvc.store.sqlite import SQLiteStore  # noqa: E402
from graphsvc.views import pages, render  # noqa: E402
from graphsvc.views.subgraph import build_view  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync",
         "--disable-dev-shm-usage"]
SERVER_GOAL_S, BROWSER_GOAL_S, SLIDER_GOAL_S = 1.0, 5.0, 1.0


def median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    out = None
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def pyvis_baseline(view: Any) -> str:
    """pyvis as its documentation shows it: add_node / add_edge, then generate_html."""
    from pyvis.network import Network

    net = Network(height="750px", width="100%")
    for n in view.nodes:
        net.add_node(n["id"], label=n["name"], value=n["papers"],
                     title=f"{n['name']}: {n['papers']} papers")
    for e in view.edges:
        net.add_edge(e["source"], e["target"], value=e["papers"],
                     title=f"{e['papers']} joint papers")
    return str(net.generate_html())


def with_physics(html: str, *, smooth: bool, iterations: int) -> str:
    """The page with the server layout taken out and vis-network's physics switched on."""
    def block(name: str) -> re.Match[str]:
        m = re.search(rf'(<script type="application/json" id="{name}">)(.*?)(</script>)', html,
                      re.S)
        assert m is not None, name
        return m

    nodes = json.loads(block("gs-nodes").group(2))
    for n in nodes:
        n.pop("x", None)
        n.pop("y", None)
    options = render.vis_options(len(nodes), physics=True)
    options["physics"]["stabilization"]["iterations"] = iterations
    if not smooth:
        options["edges"]["smooth"] = False
    m = block("gs-nodes")
    html = html[: m.start(2)] + render.script_json(nodes) + html[m.end(2):]
    m = block("gs-options")
    return html[: m.start(2)] + render.script_json(options) + html[m.end(2):]


class Server:
    def __init__(self, data_dir: Path) -> None:
        import uvicorn

        from graphsvc.api.app import create_app
        from graphsvc.config import Settings

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        app = create_app(Settings(data_dir=data_dir))
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(15)


def browser_times(urls: dict[str, str], repeat: int, timeout: float) -> dict[str, dict[str, Any]]:
    """First draw and physics-stopped times (ms from navigation start) per page, median."""
    from playwright.sync_api import sync_playwright

    out: dict[str, dict[str, Any]] = {}
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1400, "height": 950})
        try:
            for name, url in urls.items():
                draws: list[float] = []
                stops: list[float] = []
                nodes, gave_up = 0, False
                runs = repeat if name.startswith("graphsvc") else 1
                for _ in range(runs):
                    page = ctx.new_page()
                    try:
                        page.goto(url, wait_until="commit")
                        t0 = time.monotonic()
                        page.wait_for_function(
                            "() => window.graphsvcTiming && window.graphsvcTiming.firstDraw",
                            timeout=timeout * 1000, polling=100)
                        draws.append(page.evaluate("() => window.graphsvcTiming.firstDraw"))
                        nodes = page.evaluate("() => network.body.data.nodes.length")
                        left = max(timeout - (time.monotonic() - t0), 0.1)
                        page.wait_for_function(
                            "() => window.graphsvcTiming.stabilized",
                            timeout=left * 1000, polling=100)
                        stops.append(page.evaluate("() => window.graphsvcTiming.stabilized"))
                    except Exception:  # a timeout: the page did not settle in time
                        gave_up = True
                        break
                    finally:
                        page.close()
                out[name] = {
                    "first_draw_ms": statistics.median(draws) if draws else None,
                    "stable_ms": statistics.median(stops) if stops else None,
                    "nodes": nodes, "gave_up": gave_up,
                }
                print(f"  browser: {name}: {out[name]}", flush=True)
        finally:
            ctx.close()
    return out


def slider_times(url: str, windows: int, timeout: float) -> dict[str, Any]:
    """Year slider redraws of the served ego page, and the server round trip for one window."""
    from playwright.sync_api import sync_playwright

    drawn = "() => window.graphsvcTiming && window.graphsvcTiming.firstDraw"
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1400, "height": 950})
        try:
            page = ctx.new_page()
            page.goto(url)
            page.wait_for_function(drawn, timeout=timeout * 1000)
            lo = int(page.get_attribute("#gs-year-from", "min") or 0)
            hi = int(page.get_attribute("#gs-year-to", "max") or 0)
            spans = [(a, min(a + w, hi)) for w in (0, 3, 10) for a in range(lo, hi + 1)]
            step = max(1, len(spans) // windows)
            ms: list[float] = []
            counts: list[int] = []
            for a, b in [*spans[::step][:windows], (lo, hi)]:
                page.evaluate(  # both handles, then one input event: one redraw
                    "([a, b]) => { document.getElementById('gs-year-from').value = String(a);"
                    " const to = document.getElementById('gs-year-to'); to.value = String(b);"
                    " to.dispatchEvent(new Event('input', {bubbles: true})); }", [a, b])
                page.wait_for_function(
                    "([a, b]) => { const s = window.graphsvcTiming.slider;"
                    " return !!s && s.from === a && s.to === b && s.ms !== undefined; }",
                    arg=[a, b], timeout=timeout * 1000)
                run = page.evaluate("() => window.graphsvcTiming.slider")
                ms.append(float(run["ms"]))
                counts.append(int(run["nodes"]))
            page.close()
            mid = (lo + hi) // 2
            reloads = []
            for _ in range(3):
                page = ctx.new_page()
                page.goto(f"{url}&from_year={mid}&to_year={hi}", wait_until="commit")
                page.wait_for_function(drawn, timeout=timeout * 1000)
                reloads.append(page.evaluate("() => window.graphsvcTiming.firstDraw"))
                page.close()
        finally:
            ctx.close()
    out = {"years": (lo, hi), "windows": len(ms), "median_ms": statistics.median(ms),
           "max_ms": max(ms), "authors": (min(counts), max(counts)),
           "reload_ms": statistics.median(reloads), "reload_window": (mid, hi)}
    print(f"  browser: year slider: {out}", flush=True)
    return out


def fmt_ms(ms: float | None, gave_up: bool = False, timeout: float = 0) -> str:
    if gave_up or ms is None:
        return f"> {timeout * 1000:,.0f}"
    return f"{ms:,.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", default="20k", help="synthetic store size (bench/synthetic.py)")
    ap.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) /
                    "graphsvc-bench-views")
    ap.add_argument("--nodes", type=int, default=1000, help="authors in the view")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--browser-repeat", type=int, default=3)
    ap.add_argument("--browser-timeout", type=float, default=60.0,
                    help="give a page up after this many seconds")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--slider-windows", type=int, default=30,
                    help="year windows the slider redraws")
    ap.add_argument("--no-pyvis-baseline", action="store_true",
                    help="skip the add_node/add_edge baseline (tens of seconds at 1,000 nodes)")
    args = ap.parse_args(argv)

    db = args.data_dir / "graphsvc.sqlite3"
    if not store_ready(db):
        mem = generate(scale_authors(args.scale), seed=0)
        build_store(mem, db, 0)
    store = SQLiteStore(db)
    svc = GraphService(store)
    svc.graph()
    focus = svc.rank("collaborators", top=1)["results"][0]["id"]
    params = pages.EgoParams(radius=2, max_nodes=args.nodes)
    site = pages.Site()
    pages.ego_page(svc, site, focus, pages.EgoParams(radius=1, max_nodes=20))  # imports, caches

    ego = svc.ego(focus, radius=params.radius, max_nodes=params.max_nodes)
    n, m = len(ego["nodes"]), len(ego["edges"])
    print(f"view: ego of author {focus}, radius {params.radius}: {n} authors, {m} edges "
          f"(truncated: {ego['truncated']})", flush=True)

    rows: list[tuple[str, str, str, str, str]] = []
    t_page, page = median_time(lambda: pages.ego_page(svc, site, focus, params), args.repeat)
    t_ego, _ = median_time(lambda: svc.ego(focus, radius=2, max_nodes=args.nodes), args.repeat)
    t_view, view = median_time(
        lambda: build_view(svc, ego["nodes"], ego["edges"], kind="ego", focus=[focus]),
        args.repeat)
    t_net, _ = median_time(lambda: render.network_html(view), args.repeat)
    print(f"  server: page {t_page * 1000:.0f} ms = ego query {t_ego * 1000:.0f} + view (layout, "
          f"communities, evidence) {t_view * 1000:.0f} + pyvis generate_html {t_net * 1000:.0f} "
          f"+ page template; {len(page.html) // 1024} KB", flush=True)
    t_pyvis = None
    if not args.no_pyvis_baseline:
        t_pyvis, _ = median_time(lambda: pyvis_baseline(view), 1)
        print(f"  server: pyvis add_node/add_edge baseline {t_pyvis:.1f} s", flush=True)

    browser: dict[str, dict[str, Any]] = {}
    slider: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="graphsvc-bench-views-"))
    if not args.no_browser and Path(CHROMIUM).is_file():
        file_page = pages.ego_page(svc, pages.Site(served=False), focus, params).html
        files = {
            "graphsvc, file": file_page,
            "physics, straight edges, 200 iterations": with_physics(file_page, smooth=False,
                                                                    iterations=200),
            "pyvis defaults (physics, dynamic smooth edges)": with_physics(
                file_page, smooth=True, iterations=1000),
        }
        urls = {}
        for i, (name, html) in enumerate(files.items()):
            path = tmp / f"view-{i}.html"
            path.write_text(html, encoding="utf-8")
            urls[name] = path.as_uri()
        with Server(args.data_dir) as srv:
            served = {"graphsvc, served": f"http://127.0.0.1:{srv.port}/view/authors/{focus}"
                                          f"?radius=2&max_nodes={args.nodes}"}
            browser = browser_times({**served, **urls}, args.browser_repeat,
                                    args.browser_timeout)
            slider = slider_times(served["graphsvc, served"], args.slider_windows,
                                  args.browser_timeout)
    elif not args.no_browser:
        print(f"  browser: skipped, no {CHROMIUM} (scripts/install-tools.sh)")
    store.close()

    to = args.browser_timeout
    ours = {k: v for k, v in browser.items() if k.startswith("graphsvc")}
    ours_served = ours.get("graphsvc, served", {})
    rows.append(("graphsvc (server layout, physics off)", f"{t_page * 1000:,.0f}",
                 fmt_ms(ours_served.get("first_draw_ms")), fmt_ms(ours_served.get("stable_ms")),
                 fmt_ms(ours.get("graphsvc, file", {}).get("first_draw_ms")) + " / "
                 + fmt_ms(ours.get("graphsvc, file", {}).get("stable_ms"))))
    for name in ("physics, straight edges, 200 iterations",
                 "pyvis defaults (physics, dynamic smooth edges)"):
        b = browser.get(name, {})
        server = (f"{t_pyvis * 1000:,.0f} (add_edge)" if t_pyvis is not None and "pyvis" in name
                  else "—")
        rows.append((name, server,
                     "—", "—",
                     fmt_ms(b.get("first_draw_ms"), b.get("first_draw_ms") is None, to) + " / "
                     + fmt_ms(b.get("stable_ms"), b.get("stable_ms") is None, to)))

    head = (f"view of {n} authors, {m} edges", "server ms", "first draw ms (served)",
            "stable ms (served)", "file: first draw / stable ms")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    print()
    print("  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    if slider:
        lo, hi = slider["years"]
        print(f"\nyear slider, {slider['windows']} windows of {lo}–{hi} "
              f"({slider['authors'][0]}–{slider['authors'][1]} authors drawn): redraw in the "
              f"page median {slider['median_ms']:,.0f} ms, max {slider['max_ms']:,.0f} ms; "
              f"baseline, the window {slider['reload_window'][0]}–{slider['reload_window'][1]} "
              f"asked of the server (page reload to first draw): {slider['reload_ms']:,.0f} ms")
    ok_slider = not slider or slider["max_ms"] / 1000 < SLIDER_GOAL_S
    ok_server = t_page < SERVER_GOAL_S
    stable = ours.get("graphsvc, served", {}).get("stable_ms")
    ok_browser = stable is not None and stable / 1000 < BROWSER_GOAL_S
    print(f"\ngoals: server < {SERVER_GOAL_S:.0f} s: {'met' if ok_server else 'MISSED'}; "
          f"browser stable < {BROWSER_GOAL_S:.0f} s: "
          f"{'met' if ok_browser else 'MISSED' if browser else 'not measured'}; "
          f"year slider redraw < {SLIDER_GOAL_S:.0f} s: "
          f"{'met' if slider and ok_slider else 'MISSED' if slider else 'not measured'}")
    return 0 if ok_server and ok_slider and (ok_browser or not browser) else 1


if __name__ == "__main__":
    sys.exit(main())
