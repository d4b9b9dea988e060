/* graphsvc views: the network (vis-network), tooltips, author typeahead, PNG export, stats.
 *
 * Safety: every name, title and venue reaches the page through textContent or a DOM property,
 * never through innerHTML, so markup in the data is shown as text. The data itself comes from
 * JSON blocks (<script type="application/json">) that the server escaped for a script element.
 * No request goes anywhere but the page's own origin (the typeahead and the stats table call
 * this service's JSON API).
 */
(function () {
  "use strict";

  var base = (document.body && document.body.getAttribute("data-base")) || "";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  // -- the network ---------------------------------------------------------------------------
  function tooltipForNode(n, view) {
    var box = el("div", "gs-tip");
    box.appendChild(el("div", "gs-tip-title", n.name));
    // a year window of the slider: the window's papers and distance
    var w = view.window && n.byYear ? view.window : null;
    var distance = w ? w.dist[n.id] : n.distance;
    var facts = [plural(w ? inWindow(n.byYear, w.from, w.to) : n.papers, "paper", "papers")];
    if (distance !== undefined) {
      facts.push(distance === 0 ? "focus author" : plural(distance, "hop", "hops") + " away");
    }
    if (n.community) facts.push("community " + n.community);
    box.appendChild(el("div", "gs-tip-meta", facts.join(" · ")));
    if (n.top && n.top.length) {
      box.appendChild(el("div", "gs-tip-head", "Top collaborators"));
      var ul = el("ul", "gs-tip-list");
      n.top.forEach(function (t) {
        var li = el("li");
        li.appendChild(el("span", null, t[0]));
        li.appendChild(el("span", "gs-tip-count", " " + plural(t[1], "joint paper", "joint papers")));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    var hint = view.click === "open" ? "Click to open this author's network" : "Click to zoom here";
    box.appendChild(el("div", "gs-tip-hint", hint));
    return box;
  }

  function tooltipForEdge(e, nodes, view) {
    var a = nodes.get(e.from), b = nodes.get(e.to);
    var box = el("div", "gs-tip");
    box.appendChild(el("div", "gs-tip-title", (a ? a.name : e.from) + " — " + (b ? b.name : e.to)));
    var w = view.window && e.byYear ? view.window : null;
    var papers = w ? inWindow(e.byYear, w.from, w.to) : e.papers;
    var years = w ? yearsText(e.byYear, w.from, w.to) : e.years;
    // an edge without papers is a co-authorship tie from an edge list or GML
    var meta = papers ? plural(papers, "joint paper", "joint papers")
      : "co-author tie, no papers" + (e.weight ? " (weight " + e.weight + ")" : "");
    if (years) meta += ", " + years;
    box.appendChild(el("div", "gs-tip-meta", meta));
    var ul = el("ul", "gs-tip-papers");
    var shown = 0;
    (e.evidence || []).forEach(function (pid) {
      var p = view.papers[String(pid)];
      if (!p) return;
      if (w && !(p[1] >= w.from && p[1] <= w.to)) return;
      shown += 1;
      var li = el("li");
      li.appendChild(el("span", "gs-tip-year", p[1] || "—"));
      li.appendChild(el("span", "gs-tip-paper", p[0] || "(untitled)"));
      if (p[2]) li.appendChild(el("span", "gs-tip-venue", p[2]));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    var more = papers - shown;
    if (more > 0) box.appendChild(el("div", "gs-tip-hint", "… and " + plural(more, "more paper", "more papers")));
    return box;
  }

  // -- the year slider of an ego view ----------------------------------------------------------
  // Redraws the loaded network for a year window without asking the server: a link stays when
  // its joint papers of those years reach the page's minimum, an author when a chain of such
  // links within the page's radius reaches the focus author (graphsvc/views/years.py).
  function inWindow(byYear, a, b) {
    var s = 0;
    for (var i = 0; i < byYear.length; i++) {
      if (byYear[i][0] >= a && byYear[i][0] <= b) s += byYear[i][1];
    }
    return s;
  }

  function yearsText(byYear, a, b) {
    var first = null, last = null;
    byYear.forEach(function (yc) {
      if (yc[0] < a || yc[0] > b) return;
      if (first === null) first = yc[0];
      last = yc[0];
    });
    if (first === null) return "";
    return first === last ? String(first) : first + "–" + last;
  }

  // the same widths as render.edge_width
  function edgeWidth(papers) {
    return Math.round(Math.min(1 + 1.6 * Math.log2(Math.max(papers, 1)), 9) * 10) / 10;
  }

  function yearSlider(network, nodes, edges, view, timing) {
    var from = document.getElementById("gs-year-from");
    var to = document.getElementById("gs-year-to");
    var label = document.getElementById("gs-year-label");
    var y = view.years;
    if (!from || !to || !y || !view.focus.length) return;
    var focus = view.focus[0];
    // The loaded network is the "all years" state. vis-network's DataSet update re-parses
    // every option of every item it touches (about 0.1 ms each: a second for 10,000 links),
    // while a window changes only visibility, size and width: those are set on the drawn
    // items' options and vis-network recomputes what it draws once ("_dataChanged", as its
    // own update does). vis-network is the 9.1.2 that graphsvc serves from the pyvis package;
    // tests/test_browser.py holds what is drawn to the API's ego network of the window.
    // Tooltips read the window from view.window.
    var body = network.body;
    var loadedNodes = nodes.get().map(function (n) {
      return { id: n.id, value: n.value, byYear: n.byYear || [] };
    });
    var loadedEdges = edges.get().map(function (e) {
      return { id: e.id, from: e.from, to: e.to, papers: e.papers, width: e.width,
               byYear: e.byYear || [] };
    });
    var shownNode = loadedNodes.map(function () { return true; });
    var nodeValue = loadedNodes.map(function (n) { return n.value; });
    var shownEdge = loadedEdges.map(function () { return true; });
    var edgeWide = loadedEdges.map(function (e) { return e.width; });
    var adj = {};
    loadedEdges.forEach(function (e, k) {
      (adj[e.from] = adj[e.from] || []).push(k);
      (adj[e.to] = adj[e.to] || []).push(k);
    });
    var minPapers = Math.max(y.minPapers || 1, 1);
    var formFrom = document.getElementById("from_year"), formTo = document.getElementById("to_year");

    function apply(a, b) {
      var t0 = performance.now();
      var all = a <= y.min && b >= y.max;
      var papers = new Array(loadedEdges.length), keep = new Array(loadedEdges.length);
      loadedEdges.forEach(function (e, k) {
        papers[k] = all ? e.papers : inWindow(e.byYear, a, b);
        keep[k] = all || papers[k] >= minPapers;
      });
      var dist = {};
      dist[focus] = 0;
      var frontier = [focus];
      for (var level = 1; !all && level <= y.radius && frontier.length; level++) {
        var next = [];
        frontier.forEach(function (u) {
          (adj[u] || []).forEach(function (k) {
            if (!keep[k]) return;
            var e = loadedEdges[k], v = e.from === u ? e.to : e.from;
            if (!(v in dist)) {
              dist[v] = level;
              next.push(v);
            }
          });
        });
        frontier = next;
      }
      var changed = 0, shownNodes = 0, shownEdges = 0;
      loadedNodes.forEach(function (n, i) {
        var on = all || n.id in dist;
        var value = all ? n.value
          : Math.round(Math.sqrt(Math.max(inWindow(n.byYear, a, b), 1)) * 1000) / 1000;
        if (on) shownNodes += 1;
        if (on !== shownNode[i] || (on && value !== nodeValue[i])) {
          var o = body.nodes[n.id].options;
          o.hidden = !on;
          if (on) o.value = nodeValue[i] = value;
          shownNode[i] = on;
          changed += 1;
        }
      });
      loadedEdges.forEach(function (e, k) {
        var on = all || (keep[k] && e.from in dist && e.to in dist);
        var width = all ? e.width : edgeWidth(papers[k]);
        if (on) shownEdges += 1;
        if (on !== shownEdge[k] || (on && width !== edgeWide[k])) {
          var o = body.edges[e.id].options;
          o.hidden = !on;
          if (on) o.width = edgeWide[k] = width;
          shownEdge[k] = on;
          changed += 1;
        }
      });
      view.window = all ? null : { from: a, to: b, dist: dist };
      if (changed) body.emitter.emit("_dataChanged");
      var when = all ? "all years (" + y.min + "–" + y.max + ")" : a === b ? String(a) : a + "–" + b;
      if (label) {
        label.textContent = when + ": " + plural(shownNodes, "author", "authors") + ", " +
          plural(shownEdges, "link", "links") + (y.truncated && !all ? " (of the authors loaded)" : "");
      }
      if (formFrom && formTo) {
        formFrom.value = all ? formFrom.defaultValue : String(a);
        formTo.value = all ? formTo.defaultValue : String(b);
      }
      var run = (timing.slider = { from: a, to: b, nodes: shownNodes, edges: shownEdges,
                                   changed: changed,
                                   updated: performance.now() - t0 });
      network.once("afterDrawing", function () {
        run.ms = performance.now() - t0;
      });
      network.redraw();
    }

    function changed(moved) {
      var a = Number(from.value), b = Number(to.value);
      if (a > b) { // the handles never cross: the one moved pushes the other
        if (moved === from) to.value = String(a);
        else from.value = String(b);
        a = Number(from.value);
        b = Number(to.value);
      }
      apply(a, b);
    }
    from.addEventListener("input", function () { changed(from); });
    to.addEventListener("input", function () { changed(to); });
    document.querySelectorAll("[data-years-all]").forEach(function (b) {
      b.addEventListener("click", function () {
        from.value = String(y.min);
        to.value = String(y.max);
        changed(null);
      });
    });
  }

  function drawNetwork() {
    var container = document.getElementById("gs-network");
    if (!container || typeof vis === "undefined") return;
    var t0 = performance.now();
    var view = readJson("gs-view") || { papers: {}, click: "focus" };
    var nodes = new vis.DataSet(readJson("gs-nodes") || []);
    var edges = new vis.DataSet(readJson("gs-edges") || []);
    var options = readJson("gs-options") || {};
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    // the same globals pyvis's own template defines, for scripts and tests
    window.network = network;
    window.nodes = nodes;
    window.edges = edges;

    var status = document.getElementById("gs-status");
    var timing = (window.graphsvcTiming = { created: performance.now() - t0 });
    network.once("afterDrawing", function () {
      timing.firstDraw = performance.now();
      if (!options.physics || options.physics.enabled === false) timing.stabilized = timing.firstDraw;
      if (status) status.hidden = true;
    });
    network.once("stabilizationIterationsDone", function () {
      timing.iterationsDone = performance.now();
    });
    network.on("stabilized", function () {
      if (timing.stabilized === undefined) timing.stabilized = performance.now();
    });

    var tip = document.getElementById("gs-tooltip");
    var current = null; // what the tooltip shows: "n<id>" or "e<id>"
    function showTip(key, content, pointer) {
      if (!tip) return;
      current = key;
      tip.replaceChildren(content);
      tip.hidden = false;
      var wrap = container.getBoundingClientRect();
      var x = pointer.DOM.x + 14, y = pointer.DOM.y + 14;
      var w = tip.offsetWidth, h = tip.offsetHeight;
      if (x + w > wrap.width - 4) x = Math.max(4, pointer.DOM.x - w - 14);
      if (y + h > wrap.height - 4) y = Math.max(4, pointer.DOM.y - h - 14);
      tip.style.left = x + "px";
      tip.style.top = y + "px";
    }
    function hideTip() {
      current = null;
      if (tip) tip.hidden = true;
    }
    network.on("hoverNode", function (p) {
      var n = nodes.get(p.node);
      if (n) showTip("n" + p.node, tooltipForNode(n, view), p.pointer);
    });
    network.on("hoverEdge", function (p) {
      var e = edges.get(p.edge);
      if (e) showTip("e" + p.edge, tooltipForEdge(e, nodes, view), p.pointer);
    });
    // vis-network may report leaving the last item after entering the next one
    network.on("blurNode", function (p) {
      if (current === "n" + p.node) hideTip();
    });
    network.on("blurEdge", function (p) {
      if (current === "e" + p.edge) hideTip();
    });
    if (view.years) yearSlider(network, nodes, edges, view, timing);
    ["dragStart", "zoom"].forEach(function (ev) {
      network.on(ev, hideTip);
    });
    container.addEventListener("mouseleave", hideTip);

    function zoomTo(id) {
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: { duration: 400 } });
    }
    network.on("click", function (p) {
      if (!p.nodes.length) return;
      var id = p.nodes[0];
      if (view.click === "open" && view.viewUrl) {
        window.location.href = view.viewUrl.replace("{id}", encodeURIComponent(id));
      } else {
        zoomTo(id);
      }
    });

    // find an author of this graph (works in files opened from disk too)
    var find = document.getElementById("gs-find");
    var list = document.getElementById("gs-find-list");
    if (find && list) {
      var byName = {};
      nodes.forEach(function (n) {
        byName[n.name.toLowerCase()] = n.id;
        var o = document.createElement("option");
        o.value = n.name;
        list.appendChild(o);
      });
      var go = function () {
        var q = find.value.trim().toLowerCase();
        if (!q) return;
        var id = byName[q];
        if (id === undefined) {
          var hit = nodes.get({ filter: function (n) { return n.name.toLowerCase().indexOf(q) >= 0; } })[0];
          id = hit && hit.id;
        }
        if (id !== undefined) {
          find.setCustomValidity("");
          zoomTo(id);
        } else {
          find.setCustomValidity("No author of this graph matches");
          find.reportValidity();
        }
      };
      find.addEventListener("change", go);
      find.addEventListener("keydown", function (e) {
        if (e.key === "Enter") {
          e.preventDefault();
          go();
        }
      });
    }

    document.querySelectorAll("[data-fit]").forEach(function (b) {
      b.addEventListener("click", function () {
        network.fit({ animation: { duration: 400 } });
      });
    });
    document.querySelectorAll("[data-export-png]").forEach(function (b) {
      b.addEventListener("click", function () {
        var src = container.querySelector("canvas");
        if (!src) return;
        var c = document.createElement("canvas");
        c.width = src.width;
        c.height = src.height;
        var ctx = c.getContext("2d");
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(0, 0, c.width, c.height);
        ctx.drawImage(src, 0, 0);
        var a = document.createElement("a");
        a.download = b.getAttribute("data-export-png") || "graphsvc-network.png";
        a.href = c.toDataURL("image/png");
        document.body.appendChild(a);
        a.click();
        a.remove();
      });
    });
  }

  // -- author typeahead (GET /authors?q=) ----------------------------------------------------------
  function typeahead(input) {
    var mode = input.getAttribute("data-typeahead");
    var list = el("ul", "gs-suggest");
    list.id = input.id + "-suggest";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    input.insertAdjacentElement("afterend", list);
    var items = [], active = -1, timer = null, seq = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function mark(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, k) {
        li.setAttribute("aria-selected", k === i ? "true" : "false");
      });
      if (i >= 0) input.setAttribute("aria-activedescendant", list.children[i].id);
    }
    function choose(i) {
      var it = items[i];
      if (!it) return;
      if (mode === "go") {
        window.location.href = base + "/view/authors/" + encodeURIComponent(it.id);
        return;
      }
      input.value = it.name;
      input.setAttribute("data-id", String(it.id));
      input.setAttribute("data-name", it.name);
      close();
    }
    function render(hits) {
      items = hits;
      list.replaceChildren();
      hits.forEach(function (it, i) {
        var li = el("li", "gs-suggest-item");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.appendChild(el("span", "gs-suggest-name", it.name));
        li.appendChild(el("span", "gs-suggest-meta", plural(it.papers, "paper", "papers") + " · id " + it.id));
        li.addEventListener("mousedown", function (e) {
          e.preventDefault();
          choose(i);
        });
        list.appendChild(li);
      });
      if (!hits.length) list.appendChild(el("li", "gs-suggest-empty", "No author matches"));
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      mark(-1);
    }
    function lookup() {
      var q = input.value.trim();
      if (q.length < 2) {
        close();
        return;
      }
      var mine = ++seq;
      fetch(base + "/authors?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (mine === seq) render(data.items || []); })
        .catch(function () { if (mine === seq) close(); });
    }
    input.addEventListener("input", function () {
      input.removeAttribute("data-id");
      clearTimeout(timer);
      timer = setTimeout(lookup, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") {
        e.preventDefault();
        mark(Math.min(active + 1, items.length - 1));
      } else if (e.key === "ArrowUp") {
        e.preventDefault();
        mark(Math.max(active - 1, -1));
      } else if (e.key === "Enter" && active >= 0) {
        e.preventDefault();
        choose(active);
      } else if (e.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
    });
  }

  // a name picked from the suggestions is sent as its id: never ambiguous
  function idsOnSubmit(form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[data-typeahead='fill']").forEach(function (input) {
        var id = input.getAttribute("data-id");
        if (id && input.value === input.getAttribute("data-name")) input.value = id;
      });
    });
  }

  // -- graph statistics on the front page (GET /stats) -----------------------------------------
  function fillStats(table) {
    var url = table.getAttribute("data-stats-url");
    var fmt = function (v, digits) {
      if (v === null || v === undefined) return "—";
      if (typeof v === "number" && digits !== undefined) return v.toFixed(digits);
      return typeof v === "number" ? v.toLocaleString("en") : String(v);
    };
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (s) {
        var lc = s.largest_component || {};
        var values = {
          authors: fmt(s.authors),
          papers: fmt(s.papers),
          edges: fmt(s.edges),
          components: fmt(s.components),
          largest: fmt(lc.authors) + " authors, " + fmt(lc.edges) + " edges",
          clustering: fmt(s.avg_clustering, 3),
          triangles: fmt(s.triangles),
          diameter: s.diameter === null || s.diameter === undefined ? "—"
            : fmt(s.diameter) + (s.diameter_method && s.diameter_method !== "exact" ? " (" + s.diameter_method + ")" : ""),
          effective: fmt(s.effective_diameter_90, 2),
        };
        Object.keys(values).forEach(function (k) {
          var cell = table.querySelector("[data-stat='" + k + "']");
          if (cell) cell.textContent = values[k];
        });
        table.classList.remove("gs-loading");
      })
      .catch(function () {
        table.querySelectorAll("[data-stat].gs-pending").forEach(function (c) { c.textContent = "unavailable"; });
        table.classList.remove("gs-loading");
      });
  }

  function start() {
    document.querySelectorAll("input[data-typeahead]").forEach(typeahead);
    document.querySelectorAll("form").forEach(idsOnSubmit);
    document.querySelectorAll("[data-stats-url]").forEach(fillStats);
    drawNetwork();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
