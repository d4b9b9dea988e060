"""Neo4j beside the embedded store on the same synthetic graph, in one run (issue 13 item 7).

Prints one table:

- **ingest**: the first ``--records`` papers of the synthetic data as ``Record``s through the
  normal pipeline (``ingest_records``: identity resolution, ``UNWIND`` batches on Neo4j, one
  SQLite transaction per batch embedded), records/s for each store; the same again into
  emptied stores (a server started just before the run compiles its code in the first pass:
  the second is the warm server, reported apart, never hidden); then the next ``--more``
  papers into the stores that now hold the first (every name, id and title is looked up:
  one ``UNWIND`` round trip per kind of key and batch on Neo4j), with the CPU seconds each
  side used (Python, plus the server's own when ``scripts/neo4j.sh`` started it: on a
  loaded machine they say more than the wall clock);
- **bulk**: the whole graph. Embedded: ``bench/api.py``'s bulk build (``executemany``).
  Neo4j: ``graphsvc export --format neo4j-admin`` from that store, then the same CSV files
  loaded with ``LOAD CSV`` over HTTP (the import tool needs a stopped server and its own
  installation, so this measures the online path), in authorships + edges per second;
- **queries** on the whole graph: search, collaborators, ego radius 2, shortest path with
  evidence and all-shortest-path count, on seeded random authors and pairs, p50 and p95 in ms
  for each store (the embedded store's graph is built before timing, as a service holds it).

Aims (issue 13): Neo4j ingest within 3x of the embedded store's throughput; shortest path p50
under 50 ms. Needs a server: ``eval "$(scripts/neo4j.sh start)"`` (it empties its database).

Usage::

    eval "$(GRAPHSVC_NEO4J_HEAP=2g GRAPHSVC_NEO4J_HEAP_INITIAL=2g GRAPHSVC_NEO4J_PAGECACHE=512m \
        scripts/neo4j.sh start)"
    nice python bench/neo4j.py                 # 300k authors, 20,000 ingest records
    nice python bench/neo4j.py --scale 20k --records 5000 --queries 50
    nice python bench/neo4j.py --ingest-only   # the three ingest rows alone
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

# this file's folder first on sys.path would make ``import neo4j`` (the driver) import this file
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import neo4j as _driver  # noqa: E402, F401  (the driver, before bench.api puts bench/ on the path)

from bench.api import author_names, build_store  # noqa: E402
from bench.synthetic import generate, scale_authors  # noqa: E402
from graphsvc.config import Settings  # noqa: E402
from graphsvc.errors import GraphsvcError  # noqa: E402
from graphsvc.graph.service import GraphService  # noqa: E402
from graphsvc.ingest import BATCH_SIZE, ingest_records  # noqa: E402
from graphsvc.model import RawAuthor, Record  # noqa: E402
from graphsvc.store.neo4j import Neo4jStore  # noqa: E402
from graphsvc.store.neo4j_admin import write_neo4j_admin  # noqa: E402
from graphsvc.store.neo4j_load_csv import load_csv_export  # noqa: E402
from graphsvc.store.sqlite import SQLiteStore  # noqa: E402


def records(mem: Any, names: list[str], count: int) -> list[Record]:
    """The first ``count`` synthetic papers as records a reader would yield."""
    ptr = np.asarray(mem.paper_ptr)
    members = np.asarray(mem.paper_members)
    years = np.asarray(mem.paper_year).tolist()
    out = []
    for j in range(min(count, mem.n_papers)):
        authors = [RawAuthor(names[m]) for m in members[ptr[j]:ptr[j + 1]].tolist()]
        out.append(Record(title=f"Synthetic paper {j}", authors=authors,
                          source_ref=f"synthetic:{j}", year=years[j] or None,
                          ids={"dblp": f"conf/synth/P{j + 1}"}, source="synthetic"))
    return out


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def server_pid() -> int | None:
    """The pid of the server ``scripts/neo4j.sh`` runs (its state folder's ``pid``), if any."""
    state = os.environ.get("GRAPHSVC_NEO4J_SERVER_DIR") or str(_HERE.parent / ".neo4j-server")
    try:
        pid = int((Path(state) / "pid").read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def server_settings(pid: int | None) -> str:
    """The heap, page cache and garbage collector the server runs with (from its command line),
    so the table says what it measured."""
    if pid is None:
        return "server not started by scripts/neo4j.sh: settings unknown"
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
    except OSError:
        return "settings unknown"
    jvm = [a for a in args if a.startswith(("-Xm", "-XX:")) and "ExitOnOutOfMemory" not in a]
    page = args[args.index("--pagecache") + 1] if "--pagecache" in args else "?"
    gds = "OpenGDS loaded" if "--plugins" in args else "no GDS"
    return f"JVM {' '.join(jvm) or 'defaults'}; page cache {page}; {gds}"


def server_cpu(pid: int | None) -> float:
    """CPU seconds the server process has used (user + system, all its threads)."""
    if pid is None:
        return float("nan")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_age(pid: int | None, cpu_before: float) -> str:
    """How warm the server was when the run began: its age and the CPU it had used."""
    if pid is None:
        return "server age unknown"
    try:
        start = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
        uptime = float(Path("/proc/uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return "server age unknown"
    age = uptime - start / os.sysconf("SC_CLK_TCK")
    return f"the server was {age:.0f}s old and had used {cpu_before:.0f}s of CPU before the run"


def _ingest_aim(ratios: list[float]) -> str:
    """The aim for the first pass (on a server started just before, its JIT's warm-up) and
    for the warm second pass, each met or not."""
    said = [f"{label} {r:.1f}x {'met' if r <= 3 else 'NOT met'}"
            for label, r in zip(("first pass", "warm pass"), ratios, strict=False)]
    return "; ".join(said)


class Load:
    """The 1-minute load average, sampled every 10 s while the benchmark runs."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(10):
            self.samples.append(os.getloadavg()[0])

    def summary(self) -> str:
        self._stop.set()
        got = self.samples or [os.getloadavg()[0]]
        return f"mean {statistics.fmean(got):.1f}, max {max(got):.1f}"


def ingest_run(store: Any, recs: list[Record], pid: int | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (this process, plus the server's when ``pid``)."""
    c0, s0 = time.process_time(), server_cpu(pid)
    wall = timed(lambda: ingest_records(store, recs))
    cpu = time.process_time() - c0
    if pid is not None:
        cpu += server_cpu(pid) - s0
    return wall, cpu


def latencies(fn: Callable[[Any], Any], args: list[Any]) -> tuple[float, float]:
    times = []
    for a in args:
        t0 = time.perf_counter()
        with contextlib.suppress(GraphsvcError):  # no path is an answer too
            fn(a)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.95 * len(times)))]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _table(rows: list[tuple[str, str, str, str]], title: str | None = None) -> None:
    if title:
        print(f"\n{title}")
    head = ("measure", "embedded", "neo4j", "note")
    width = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    for r in [head, tuple("-" * w for w in width), *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(r, width, strict=True)).rstrip())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", default="300k", help="synthetic scale (20k, 300k)")
    ap.add_argument("--records", type=int, default=20_000, help="records for the ingest rows")
    ap.add_argument("--more", type=int, default=5_000,
                    help="records ingested next into the non-empty stores")
    ap.add_argument("--queries", type=int, default=200, help="queries per kind")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reuse-bulk", metavar="SQLITE",
                    help="skip ingest and bulk rows: time the queries on this embedded store "
                         "(an earlier run's bulk build, printed by it) and the Neo4j database "
                         "loaded from it")
    ap.add_argument("--ingest-only", action="store_true",
                    help="only the ingest rows (minutes instead of half an hour at 300k)")
    args = ap.parse_args(argv)
    if not os.environ.get("GRAPHSVC_NEO4J_URI"):
        print("needs a Neo4j server: eval \"$(scripts/neo4j.sh start)\"", file=sys.stderr)
        return 2
    settings = Settings.from_env(store="neo4j")
    neo = Neo4jStore.from_settings(settings)
    work = Path(tempfile.mkdtemp(prefix="graphsvc-bench-neo4j-"))
    rows: list[tuple[str, str, str, str]] = []
    sampler = Load()

    mem = generate(scale_authors(args.scale), seed=args.seed)
    names = author_names(mem.n_authors, args.seed)
    print(f"synthetic {args.scale}: {mem.n_authors} authors, {mem.n_papers} papers, "
          f"{len(mem.paper_members)} authorships", flush=True)

    pid = server_pid()
    ratios: list[float] = []
    if args.reuse_bulk:
        # the stores of an earlier run's bulk rows: time the queries again
        emb = SQLiteStore(Path(args.reuse_bulk))
        if neo.counts() != emb.counts():
            print(f"the Neo4j server does not hold {args.reuse_bulk} (counts differ): run "
                  "without --reuse-bulk", file=sys.stderr)
            return 2
    else:
        # -- ingest through the pipeline -----------------------------------------------------
        everything = records(mem, names, args.records + args.more)
        first, more = everything[:args.records], everything[args.records:]
        before = server_cpu(pid)
        emb_small: SQLiteStore | None = None
        passes = (
            (f"ingest {len(first)} records into empty stores", first),
            # the same records again into emptied stores: a server started just before this
            # run spends the first pass compiling its code (the JVM's JIT), this one is warm
            ("the same again, emptied stores (server warm)", first),
            (f"then {len(more)} more records (look-ups)", more),
        )
        for i, (label, recs) in enumerate(passes):
            if not recs:
                continue
            if i < 2:
                if emb_small is not None:
                    emb_small.close()
                emb_small = SQLiteStore(work / f"ingest-{i}.sqlite3")
                neo.wipe()
                neo.init_schema()
            t_emb, c_emb = ingest_run(emb_small, recs)
            t_neo, c_neo = ingest_run(neo, recs, pid)
            ratios.append(t_neo / t_emb)
            cpu = (f"; CPU {c_emb:.1f}s vs {c_neo:.1f}s (Python + server)" if pid is not None
                   else "")
            rows.append((f"{label} (records/s)", f"{len(recs) / t_emb:,.0f}",
                         f"{len(recs) / t_neo:,.0f}", f"Neo4j {t_neo / t_emb:.1f}x slower{cpu}; "
                         f"batches of {BATCH_SIZE} vs {neo.ingest_batch_size}"))
            print(f"{label}: embedded {t_emb:.1f}s, neo4j {t_neo:.1f}s", flush=True)
        if emb_small is not None:
            emb_small.close()
        if args.ingest_only:
            _table(rows, f"scale {args.scale}; ingest rows only; load average during the run "
                   f"{sampler.summary()} on {os.cpu_count()} cores; Neo4j server: "
                   f"{server_settings(pid)}; {server_age(pid, before)}")
            print(f"\naim: Neo4j ingest within 3x of embedded: {_ingest_aim(ratios)}")
            neo.close()
            return 0

        # -- the whole graph in bulk ----------------------------------------------------------
        db = work / "graphsvc.sqlite3"
        t_build = timed(lambda: build_store(mem, db, args.seed))
        emb = SQLiteStore(db)
        bulk = work / "bulk"
        t_export = timed(lambda: write_neo4j_admin(emb.db, bulk))
        neo.wipe()
        handler = functools.partial(_Quiet, directory=str(bulk))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = server.server_address[1]
        try:
            t_load = timed(lambda: load_csv_export(neo, lambda f: f"http://127.0.0.1:{port}/{f}"))
        finally:
            server.shutdown()
            server.server_close()
        counts = emb.counts()
        assert neo.counts() == counts, (neo.counts(), counts)
        facts = len(mem.paper_members) + counts["edges"]
        rows.append((f"bulk: {counts['authors']} authors, {facts} authorships+edges (facts/s)",
                     f"{facts / t_build:,.0f}", f"{facts / (t_export + t_load):,.0f}",
                     f"embedded executemany {t_build:.0f}s; neo4j-admin CSV export "
                     f"{t_export:.0f}s + LOAD CSV {t_load:.0f}s"))
        print(f"bulk: build {t_build:.1f}s, export {t_export:.1f}s, LOAD CSV {t_load:.1f}s",
              flush=True)

    # -- queries --------------------------------------------------------------------------
    rng = random.Random(args.seed)
    ids = emb.memberships_arrays()["author_ids"].tolist()
    sample = [rng.choice(ids) for _ in range(args.queries)]
    pairs = [(rng.choice(ids), rng.choice(ids)) for _ in range(args.queries)]
    name_of = emb.author_names(sample)
    svc_e, svc_n = GraphService(emb), GraphService(neo)
    t_graph = timed(lambda: svc_e.graph())
    queries: list[tuple[str, Callable[[GraphService, Any], Any], list[Any]]] = [
        ("search", lambda s, a: s.search(name_of[a], limit=10), sample),
        ("collaborators", lambda s, a: s.collaborators(a, limit=50), sample),
        ("ego radius 2", lambda s, a: s.ego(a, radius=2, max_nodes=300), sample),
        ("shortest path + evidence", lambda s, p: s.path(p[0], p[1]), pairs),
        ("all shortest paths (count)", lambda s, p: s.path(p[0], p[1], all=True, limit=10),
         pairs),
    ]
    # the floor under every Neo4j answer: one Bolt round trip (a query is several)
    from graphsvc.store.cypher import load

    def ping(_: Any) -> None:
        neo.runner.execute_read(lambda tx: tx.run(load("get_meta"), {"key": "generation"}))

    r50, r95 = latencies(ping, list(range(args.queries)))
    rows.append(("one Bolt round trip (Meta read) p50 / p95 (ms)", "-", f"{r50:.1f} / {r95:.1f}",
                 "the floor of every Neo4j query"))
    for label, fn, arg in queries:
        for s in (svc_e, svc_n):  # warm both
            latencies(functools.partial(fn, s), arg[:5])
        e50, e95 = latencies(functools.partial(fn, svc_e), arg)
        n50, n95 = latencies(functools.partial(fn, svc_n), arg)
        rows.append((f"{label} p50 / p95 (ms)", f"{e50:.1f} / {e95:.1f}",
                     f"{n50:.1f} / {n95:.1f}", f"{len(arg)} queries"))
        print(f"{label}: done", flush=True)
    emb.close()
    neo.close()  # the database keeps the graph: wipe it with the next run or `neo4j.sh stop`

    print(f"\nscale {args.scale}; embedded graph built in {t_graph:.1f}s before timing; "
          f"load average during the run {sampler.summary()} on {os.cpu_count()} cores; "
          f"Neo4j server: {server_settings(pid)}")
    _table(rows)
    p50 = float(next(r for r in rows if r[0].startswith("shortest"))[2].split(" / ")[0])
    ingest = _ingest_aim(ratios) if ratios else "not measured (--reuse-bulk)"
    print(f"\naim: Neo4j ingest within 3x of embedded: {ingest}; shortest path p50 < 50 ms "
          f"on Neo4j: {p50:.1f} ms {'met' if p50 < 50 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
