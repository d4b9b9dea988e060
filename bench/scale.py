"""The real path at dblp scale: a synthetic dblp dump through ``graphsvc ingest``, then queries.

One command, one table (issue 17 item 2)::

    nice python bench/scale.py --records 300000            # quick: ~10-20 min on 2 busy cores
    nice python bench/scale.py --records 7000000           # full size (3M authors): hours here

Steps, each timed in the same run:

1. writes a dblp XML dump (``bench/dblp_synth.py``: ``--records`` papers over ``--authors``
   people, default ``records * 3 / 7``; name collisions and homonym numbers, ORCIDs, team sizes
   with a long tail and a few hyperauthored papers), kept under ``--workdir`` for reruns;
2. the baseline: the dblp reader alone (parse only, in this process) on the dump's first
   ``--parse-records`` records;
3. ``graphsvc ingest DUMP`` as a subprocess into an empty store, with the resident memory of
   its process tree (the reader process included) sampled from ``/proc`` every half second
   beside the papers already written (read from the store): wall time, records/s (by the clock
   and per CPU second), peak RSS, and the RSS growth per record once the set of authors has
   stopped growing (the dump brings every person in before ``first_part`` records);
4. the store's size on disk;
5. cold starts: ``graphsvc path A B`` right after the ingest (it builds and persists the graph
   index), then in a fresh process (it maps the index), and ``graphsvc serve``: seconds to
   ``/ready`` 200 and to its first shortest path;
6. the engine's p50/p99 per query kind on random pairs of the largest component (in this
   process, on the persisted index), and with ``--api-duration S`` > 0 ``bench/api.py``'s mixed
   load (``--clients``, ``--workers``) on the same server.

Targets (issue 17): ingest peak RSS <= 3 GB and flat once the author set stops growing;
>= 10,000 records/s end to end. The machine's load average is printed beside the numbers:
other processes on the cores depress the wall-clock rates (the CPU rate less so).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import api  # noqa: E402
from dblp_synth import write_dump  # noqa: E402

from graphsvc.model import Record  # noqa: E402
from graphsvc.sources import read_records  # noqa: E402

RSS_TARGET_MB = 3 * 1024
RATE_TARGET = 10_000


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler(threading.Thread):
    """RSS of a process tree (and, given a store, papers written) every ``every`` seconds."""

    def __init__(self, pid: int, db: Path | None = None, every: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid, self.db, self.every = pid, db, every
        self.samples: list[tuple[float, float, float, int]] = []  # t, tree MB, main MB, papers
        self.done = threading.Event()

    def _papers(self) -> int:
        if self.db is None or not self.db.exists():
            return 0
        try:
            con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=0.2)
            try:
                row = con.execute("SELECT max(id) FROM papers").fetchone()
            finally:
                con.close()
        except sqlite3.Error:
            return self.samples[-1][3] if self.samples else 0
        return int(row[0] or 0)

    def run(self) -> None:
        t0 = time.perf_counter()
        tick = 0
        while not self.done.wait(self.every):
            pids = [self.pid, *api._children(self.pid)]
            tree = sum(_rss_mb(p) for p in pids)
            papers = (self._papers() if tick % 4 == 0 or not self.samples
                      else self.samples[-1][3])
            self.samples.append((time.perf_counter() - t0, tree, _rss_mb(self.pid), papers))
            tick += 1

    def peak(self) -> tuple[float, float]:
        if not self.samples:
            return 0.0, 0.0
        return max(s[1] for s in self.samples), max(s[2] for s in self.samples)


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def _graphsvc(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "graphsvc", "--data-dir", str(data_dir), *args]


def run_timed(cmd: list[str], db: Path | None = None) -> tuple[float, float, float, Sampler,
                                                                  subprocess.CompletedProcess[str]]:
    """Run ``cmd``: wall seconds, CPU seconds (with its children), peak tree RSS, samples."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid, db)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    sampler.done.set()
    sampler.join()
    done = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode not in (0, 4):  # 4: no path (a fair answer)
        raise SystemExit(f"{' '.join(cmd[3:])} failed ({proc.returncode}): {err.strip()[-2000:]}")
    return wall, _children_cpu() - cpu0, sampler.peak()[0], sampler, done


def make_dump(workdir: Path, records: int, authors: int, seed: int) -> tuple[Path, dict[str, Any]]:
    """The dump for these sizes, written once and reused (its sizes kept beside it)."""
    xml = workdir / f"dblp-{records}-{authors}-{seed}.xml"
    meta = xml.with_suffix(".json")
    if xml.exists() and meta.exists():
        print(f"dump: reusing {xml}", flush=True)
        return xml, json.loads(meta.read_text())
    t0 = time.perf_counter()
    with open(xml, "w", encoding="ascii") as fh:
        d = vars(write_dump(fh, records, authors, seed))
    d["seconds"] = time.perf_counter() - t0
    meta.write_text(json.dumps(d))
    return xml, d


def parse_rate(xml: Path, n: int) -> tuple[int, float]:
    t0 = time.perf_counter()
    got = sum(isinstance(x, Record) for x in islice(read_records(xml, "dblp"), n))
    return got, time.perf_counter() - t0


def growth_after(samples: list[tuple[float, float, float, int]], first_part: int,
                 total: int) -> tuple[float | None, float | None]:
    """RSS when the author set stopped growing, and the slope (KB per record) after it: a
    least-squares line through the samples from 10 % past that point to the end."""
    start = first_part + 0.1 * max(0, total - first_part)
    pts = [(p, tree) for _t, tree, _m, p in samples if p >= start]
    at = next((tree for _t, tree, _m, p in samples if p >= first_part), None)
    if len(pts) < 5 or pts[-1][0] - pts[0][0] < 1000:
        return at, None
    x = np.array([p for p, _ in pts], dtype=float)
    y = np.array([m for _, m in pts], dtype=float)
    return at, float(np.polyfit(x, y, 1)[0] * 1024)


def phase_peaks(samples: list[tuple[float, float, float, int]],
                first_part: int) -> dict[str, float]:
    """Peak tree RSS (MB) while the authors grow (papers before ``first_part``), once they
    stopped, and at the run's end (from the first sample that saw the last paper: index
    builds, late joins, the run's record)."""
    last = max((p for _t, _tree, _m, p in samples), default=0)
    out = {"authors growing": 0.0, "authors complete": 0.0, "run's end": 0.0}
    for _t, tree, _m, p in samples:
        phase = ("run's end" if p >= last else "authors complete" if p >= first_part
                 else "authors growing")
        out[phase] = max(out[phase], tree)
    return out


def store_mb(data_dir: Path) -> float:
    return sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file()) / 2**20


def pick_authors(db: Path, k: int = 4) -> list[int]:
    """The ``k`` most prolific authors: in the giant component, far enough apart to search."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute(
            "SELECT id FROM authors ORDER BY papers DESC LIMIT ?", (k,))]
    finally:
        con.close()


def engine_queries(db: Path, n_pairs: int, seed: int) -> tuple[list[dict[str, Any]], Any]:
    """p50/p99 per query kind on the persisted graph; and the workload for the API."""
    from engine import _engine_calls, _ms, _pairs, _time_calls

    from graphsvc.graph.service import GraphService
    from graphsvc.store.sqlite import SQLiteStore

    store = SQLiteStore(db)
    try:
        t0 = time.perf_counter()
        g = GraphService(store).graph()
        load_s = time.perf_counter() - t0
        pairs = _pairs(g, n_pairs, seed)
        rows = [{"what": "engine: graph from the index", "value": f"{load_s:.1f} s",
                 "note": f"{g.n} authors"}]
        for kind, fn in _engine_calls(g).items():
            times, _ = _time_calls(fn, pairs, budget_s=30.0)
            rows.append({"what": f"engine: {kind} p50 / p99",
                         "value": f"{_ms(times, 50):.2f} / {_ms(times, 99):.2f} ms",
                         "note": f"{len(times)} queries"})
        ids = np.asarray(g.author_ids)
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            sample = [int(ids[s]) for s, _ in pairs[:2000]]
            names = [r[0] for a in sample[:500] for r in con.execute(
                "SELECT name FROM authors WHERE id = ?", (a,))]
        finally:
            con.close()
        from urllib.parse import quote

        work = api.Workload(routes={
            "search": [f"/authors?q={quote(n)}&limit=20" for n in names],
            "collaborators": [f"/authors/{a}/collaborators?limit=50" for a in sample],
            "shortest path": [f"/paths/shortest?from={int(ids[s])}&to={int(ids[t])}"
                              for s, t in pairs[:2000]],
            "ego": [f"/authors/{a}/ego?radius=1&max_nodes=100" for a in reversed(sample)],
        })
        return rows, work
    finally:
        store.close()


async def _first_ready(port: int, proc: subprocess.Popen[bytes]) -> float:
    """Seconds until the first ``/ready`` 200 (polled every 0.1 s)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < api.MAX_STARTUP_SECONDS * 4:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode} during start-up")
        client = api.RawClient(port)
        try:
            status, _ = await asyncio.wait_for(client.get("/ready"), 5)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            status = 0
        finally:
            await client.close()
        if status == 200:
            return time.perf_counter() - t0
        await asyncio.sleep(0.1)
    raise SystemExit("the server did not become ready in time")


async def _first_path(port: int, a: int, b: int) -> tuple[int, float]:
    client = api.RawClient(port)
    t0 = time.perf_counter()
    try:
        status, _ = await client.get(f"/paths/shortest?from={a}&to={b}")
    finally:
        await client.close()
    return status, time.perf_counter() - t0


def serve_phase(data_dir: Path, args: argparse.Namespace, pair: tuple[int, int],
                work: Any) -> list[dict[str, Any]]:
    port = api.free_port()
    env = {**os.environ, "GRAPHSVC_DATA_DIR": str(data_dir)}
    cmd = api.serve_command(data_dir, port, args.workers)
    log = open(data_dir / "bench-scale-server.log", "wb")  # noqa: SIM115 - closed below
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    rows = []
    try:
        ready = asyncio.run(_first_ready(port, proc))
        status, first = asyncio.run(_first_path(port, *pair))
        rows.append({"what": f"serve: /ready 200 ({args.workers} worker(s))",
                     "value": f"{ready:.1f} s", "note": "from process start"})
        rows.append({"what": "serve: first shortest path", "value": f"{first * 1e3:.0f} ms",
                     "note": f"HTTP {status}, {time.perf_counter() - t0:.1f} s from start"})
        rss = sum(_rss_mb(p) for p in [proc.pid, *api._children(proc.pid)])
        rows.append({"what": "serve: RSS of all processes", "value": f"{rss:.0f} MB",
                     "note": "after the first path"})
        if args.api_duration > 0:
            asyncio.run(api.run_phase(port, args.clients, 3.0, work.draw, args.seed + 1, "raw"))
            stats = asyncio.run(api.run_phase(port, args.clients, args.api_duration, work.draw,
                                              args.seed + 2, "raw"))
            for r in api.summarize(stats):
                rows.append({"what": f"API: {r['route']}",
                             "value": f"{r['rps']:.0f} req/s",
                             "note": f"p50 {r['p50_ms']:.1f} / p99 {r['p99_ms']:.1f} ms, "
                                     f"{r['errors']} errors"})
    finally:
        api.stop(proc)
        log.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n", 2)[2])
    ap.add_argument("--records", type=int, default=300_000, help="papers in the dump "
                    "(full size: 7000000)")
    ap.add_argument("--authors", type=int, help="people (default: records * 3 / 7)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/graphsvc-scale"),
                    help="where the dump and the store go (the dump is reused)")
    ap.add_argument("--parse-records", type=int, default=300_000,
                    help="records the parse-only baseline reads")
    ap.add_argument("--queries", type=int, default=300, help="engine queries per kind")
    ap.add_argument("--api-duration", type=float, default=20.0,
                    help="seconds of mixed API load (0: skip the load test)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--json", type=Path, help="also write the table here")
    args = ap.parse_args(argv)
    authors = args.authors or args.records * 3 // 7
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []

    def row(what: str, value: str, note: str = "") -> None:
        rows.append({"what": what, "value": value, "note": note})
        print(f"{what:<44} {value:<22} {note}", flush=True)

    xml, d = make_dump(args.workdir, args.records, authors, args.seed)
    row("dump: records / people / authorships",
        f"{d['records']:,} / {d['people']:,}", f"{d['authorships']:,} authorships, largest team "
        f"{d['max_team']:,}, {d['hyper']} hyperauthored, {d['bytes'] / 2**20:.0f} MB")
    got, dt = parse_rate(xml, args.parse_records)
    row("baseline: dblp reader alone", f"{got / dt:,.0f} rec/s",
        f"{got:,} records in {dt:.1f} s, load {_load()}")

    data_dir = args.workdir / f"store-{args.records}-{authors}-{args.seed}"
    shutil.rmtree(data_dir, ignore_errors=True)  # every run ingests into an empty store
    data_dir.mkdir()
    db = data_dir / "graphsvc.sqlite3"
    load0 = _load()
    wall, cpu, peak, sampler, done = run_timed(
        _graphsvc(data_dir, "ingest", "--json", "--no-progress", str(xml)), db)
    rep = json.loads(done.stdout)
    n = rep["records"]
    row("ingest: wall time", f"{wall:,.0f} s", f"load before {load0}, after {_load()}")
    row("ingest: records/s (wall)", f"{n / wall:,.0f} rec/s",
        f"target >= {RATE_TARGET:,}: {'met' if n / wall >= RATE_TARGET else 'missed'}")
    row("ingest: records per CPU second", f"{n / cpu:,.0f} rec/s",
        f"{cpu:,.0f} CPU s (all its processes)")
    row("ingest: peak RSS (process tree)", f"{peak:,.0f} MB",
        f"target <= {RSS_TARGET_MB:,} MB: {'met' if peak <= RSS_TARGET_MB else 'missed'}; "
        f"main process {sampler.peak()[1]:,.0f} MB")
    at, slope = growth_after(sampler.samples, d["first_part"], d["records"])
    row("ingest: RSS when the author set was complete",
        f"{at:,.0f} MB" if at is not None else "-", f"after {d['first_part']:,} records")
    row("ingest: RSS growth after that", f"{slope:.2f} KB/record" if slope is not None else "-",
        "least squares over the rest of the run (flat: ~0)")
    peaks = phase_peaks(sampler.samples, d["first_part"])
    row("ingest: peak RSS per phase", " / ".join(f"{v:,.0f}" for v in peaks.values()) + " MB",
        " / ".join(peaks))
    totals = rep.get("totals", {})
    row("ingest: store", f"{totals.get('authors', 0):,} authors",
        f"{totals.get('papers', 0):,} papers, {totals.get('edges', 0):,} edges, "
        f"{rep.get('excluded_papers', 0)} papers over the team-size cap, "
        f"{rep.get('skipped', 0)} skipped")
    row("store size on disk", f"{store_mb(data_dir):,.0f} MB", "SQLite file + WAL")

    a, b, c, e = pick_authors(db)
    for label, pair in (("first after ingest (builds the index)", (a, b)),
                        ("fresh process (index on disk)", (c, e))):
        w, _cpu, pk, s, _d = run_timed(_graphsvc(data_dir, "path", str(pair[0]), str(pair[1])))
        row(f"CLI path: {label}", f"{w:.1f} s",
            f"peak RSS {pk:,.0f} MB" if s.samples else "ended before the first RSS sample")
    row("store + graph index on disk", f"{store_mb(data_dir):,.0f} MB", "")

    eng, work = engine_queries(db, args.queries, args.seed)
    for r in eng:
        row(r["what"], r["value"], r["note"])
    for r in serve_phase(data_dir, args, (a, e), work):
        row(r["what"], r["value"], r["note"])
    print(f"\nload average at the end: {_load()} on {os.cpu_count()} CPUs")
    if args.json:
        args.json.write_text(json.dumps({"args": {k: str(v) for k, v in vars(args).items()},
                                         "dump": d, "rows": rows,
                                         "rss_samples": sampler.samples}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
