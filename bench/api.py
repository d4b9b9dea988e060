"""Load test of the HTTP API over loopback: ``graphsvc serve`` on a large synthetic store.

What it does, bounded in time and in requests, on 127.0.0.1 only:

1. builds (once, cached in ``--data-dir``) an embedded store from ``bench/synthetic.py``'s
   memberships: authors named from syllable pools ("Kiro Tamaseni"), titled papers with years,
   venues, DOIs and dblp-style keys, name search tables and co-author edges, bulk-inserted with
   ``executemany`` (not the ingest pipeline: ~20 s for 300k authors instead of many minutes);
2. starts ``graphsvc serve`` on a free port as a subprocess (``--workers`` uvicorn processes)
   and waits until every worker has built the graph;
3. runs ``--clients`` concurrent keep-alive clients (asyncio, a minimal HTTP/1.1 client so the
   load generator costs the two cores as little as possible; ``--client httpx`` uses httpx):
   first ``GET /health`` for ``--baseline`` seconds (what the server stack alone can do), then
   the mixed read workload for ``--duration`` seconds: search, collaborators, shortest path
   and ego network in equal shares, on random authors and pairs (seeded);
4. runs each route alone for ``--route-seconds``, then prints throughput, p50/p99 latency and
   errors per route, the mixed workload's throughput as a share of the baseline, and CPU per
   request of every phase: the server's processes (user + kernel, from /proc, with the kernel's
   share and page faults), this load generator's, and the machine's share other processes
   took, so a result on a busy machine can still be explained; then checks the targets (no
   errors, shortest-path p99 <= 50 ms, >= 1,000 requests/s);
5. with ``--soak S`` (issue 8): the mixed load for S more seconds with ``--soak-clients``
   clients, the server's RSS sampled every ~10 s (memory must stay flat); with ``--burst N``:
   N connections opened at once, one request each (only 2xx, or a deliberate 429/503, count
   as answers), then ``GET /health`` must still answer.

Usage::

    python bench/api.py                       # 300k authors, 2 workers, 32 clients, 30 s
    python bench/api.py --scale 20k --duration 10 --workers 1
    python bench/api.py --store-access lock   # one connection behind a lock, to compare
    python bench/api.py --soak 300 --soak-clients 64 --burst 500   # issue 8's load test
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from synthetic import generate, scale_authors  # noqa: E402

from graphsvc.graph.csr import CoauthorGraph, Memberships  # noqa: E402
from graphsvc.names import parse_name  # noqa: E402
from graphsvc.store.sqlite import SQLiteStore, key_tokens  # noqa: E402

HOST = "127.0.0.1"
TARGET_RPS = 1000
TARGET_PATH_P99_MS = 50.0
REQUEST_TIMEOUT = 15.0
#: the latest a run may take beyond its phases (start-up, store build), as a hard stop
MAX_STARTUP_SECONDS = 300

# -- the synthetic store ----------------------------------------------------------------------
_ONSETS = ["", "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "ch",
           "sh", "th", "br"]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ei", "ou"]
_CODAS = ["", "", "n", "r", "s", "l", "m", "k"]
_WORDS = ["adaptive", "scalable", "distributed", "parallel", "sparse", "robust", "efficient",
          "learned", "incremental", "concurrent", "approximate", "verified", "secure", "elastic"]
_NOUNS = ["graphs", "transactions", "schedulers", "caches", "compilers", "kernels", "queries",
          "collectives", "allocators", "consensus", "storage", "networks", "runtimes", "models"]
_VENUES = ["PPoPP", "SoCC", "SC", "EuroSys", "OSDI", "VLDB", "SIGMOD", "PODC", "SPAA", "HPDC"]


def _syllable_words(rng: random.Random, count: int, syllables: tuple[int, int]) -> list[str]:
    out: set[str] = set()
    while len(out) < count:
        k = rng.randint(*syllables)
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
                       for _ in range(k))
        if 3 <= len(word) <= 14:
            out.add(word.capitalize())
    return sorted(out)


def author_names(n: int, seed: int) -> list[str]:
    """``n`` distinct "Given Surname" names, shuffled (given names x surnames, ~300 x n/300)."""
    rng = random.Random(seed)
    given = _syllable_words(rng, 300, (2, 2))
    surnames = _syllable_words(rng, max(1, -(-n // len(given))), (2, 3))
    names = [f"{g} {s}" for s in surnames for g in given][:n]
    rng.shuffle(names)
    return names


def _chunks(total: int, size: int = 1 << 20) -> list[tuple[int, int]]:
    return [(a, min(a + size, total)) for a in range(0, total, size)]


def build_store(mem: Memberships, db: Path, seed: int) -> None:
    """Bulk-insert ``mem`` with names, titles and search tables into a new embedded store.

    Rows are converted to Python a million at a time (whole-table lists of a 3M-author store
    took over 12 GB) and the secondary indexes are built once at the end.
    """
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    store = SQLiteStore(db)  # creates the schema
    store.defer_indexes()
    store.close()
    t0 = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")
    n, p = mem.n_authors, mem.n_papers
    aid_arr = np.asarray(mem.author_ids, dtype=np.int64) + 1  # store ids start at 1
    aid = aid_arr.tolist()
    names = author_names(n, seed)
    parsed = [parse_name(x) for x in names]
    keys = [x.key for x in parsed]
    spells = [x.spell for x in parsed]  # identity looks up candidates by spelling key
    del parsed
    sizes = mem.team_sizes()
    per_author = np.bincount(mem.paper_members, minlength=n).tolist()
    rng = random.Random(seed)
    con.execute("BEGIN")
    con.executemany("INSERT INTO authors (id, name, key, papers) VALUES (?, ?, ?, ?)",
                    zip(aid, names, keys, per_author, strict=True))
    con.executemany(
        "INSERT INTO variants (author_id, name, source, key, sig, initials_only, count, spell) "
        "VALUES (?, ?, 'synthetic', ?, ?, 0, ?, ?)",
        ((a, nm, k, k.split("|")[0] + "|" + k.split("|")[-1][:1], c, sp)
         for a, nm, k, c, sp in zip(aid, names, keys, per_author, spells, strict=True)))
    tokens = sorted({(t, a) for a, k in zip(aid, keys, strict=True) for t in key_tokens(k)})
    con.executemany("INSERT OR IGNORE INTO name_tokens (token, author_id) VALUES (?, ?)", tokens)
    vocab = sorted({t for t, _ in tokens})
    del tokens, keys, spells, per_author
    con.executemany("INSERT INTO vocabulary (token) VALUES (?)", ((t,) for t in vocab))
    con.executemany("INSERT INTO vocabulary_trigrams (token) VALUES (?)",
                    ((t,) for t in vocab if len(t) >= 3))
    pid_arr = np.asarray(mem.paper_ids, dtype=np.int64) + 1
    for a, b in _chunks(p):
        pid = pid_arr[a:b].tolist()
        years = np.asarray(mem.paper_year[a:b]).tolist()
        titles = [f"{rng.choice(_WORDS).capitalize()} {rng.choice(_NOUNS)} for "
                  f"{rng.choice(_WORDS)} {rng.choice(_NOUNS)} ({i})" for i in range(a, b)]
        con.executemany(
            "INSERT INTO papers (id, title, title_key, year, venue, doi, n_authors, counted) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((i, t, t.lower(), y or None, _VENUES[i % len(_VENUES)], f"10.5555/synth.{i}",
              int(k), int(2 <= k <= 100))
             for i, t, y, k in zip(pid, titles, years, sizes[a:b].tolist(), strict=True)))
        con.executemany("INSERT INTO paper_ids (kind, value, paper_id) VALUES ('dblp', ?, ?)",
                        ((f"conf/synth/P{i}", i) for i in pid))
    ptr = np.asarray(mem.paper_ptr)
    members = np.asarray(mem.paper_members)
    paper_of = np.repeat(np.arange(p), np.diff(ptr))
    for a, b in _chunks(int(members.size)):
        po = paper_of[a:b]
        con.executemany(
            "INSERT INTO authorships (paper_id, position, author_id, raw_name) "
            "VALUES (?, ?, ?, ?)",
            ((j, pos, i, names[i - 1]) for j, pos, i in zip(
                pid_arr[po].tolist(), (np.arange(a, b) - ptr[po]).tolist(),
                aid_arr[members[a:b]].tolist(), strict=True)))
    del paper_of
    g = CoauthorGraph.build(mem)
    u, v, slot = g.edge_list()
    for a, b in _chunks(int(u.size)):
        sl = slot[a:b]
        con.executemany(
            "INSERT INTO coauthors (a, b, papers, weight, first_year, last_year) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            zip(aid_arr[u[a:b]].tolist(), aid_arr[v[a:b]].tolist(), g.papers[sl].tolist(),
                g.weight[sl].tolist(), [y or None for y in g.first_year[sl].tolist()],
                [y or None for y in g.last_year[sl].tolist()], strict=True))
    n_edges = int(u.size)
    del g, u, v, slot
    con.execute("COMMIT")
    con.close()
    store = SQLiteStore(db)
    store.restore_indexes()
    store.close()
    con = sqlite3.connect(db, isolation_level=None)
    for k, val in (("generation", "1"), ("max_team_size", "100"), ("bench_complete", "1")):
        con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (k, val))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    print(f"store: {n} authors, {p} papers, {members.size} authorships, {n_edges} edges "
          f"written in {time.perf_counter() - t0:.1f}s to {db}", flush=True)


def store_ready(db: Path) -> bool:
    if not db.is_file():
        return False
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM meta WHERE key = 'bench_complete'").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return row is not None


# -- the workload -----------------------------------------------------------------------------
@dataclass
class Workload:
    """Request paths by route name, drawn up front from the data (seeded)."""

    routes: dict[str, list[str]] = field(default_factory=dict)

    def draw(self, rng: random.Random) -> tuple[str, str]:
        route = rng.choice(list(self.routes))
        return route, rng.choice(self.routes[route])

    def only(self, route: str) -> Callable[[random.Random], tuple[str, str]]:
        """Draws of one route alone (its CPU per request, without the others')."""
        paths = self.routes[route]
        return lambda rng: (route, rng.choice(paths))


def make_workload(mem: Memberships, names: list[str], seed: int, size: int = 4000) -> Workload:
    rng = np.random.default_rng(seed)
    g = CoauthorGraph.build(mem)
    deg = g.degrees()
    active = np.flatnonzero(deg > 0)
    from graphsvc.graph.analytics import component_labels, largest_component

    _, labels = component_labels(g.indptr, g.indices)
    giant = largest_component(labels)
    pick = rng.choice(active, size=size)
    a = rng.choice(giant, size=size)
    b = rng.choice(giant, size=size)
    store_id = np.asarray(g.author_ids) + 1
    search = []
    for i in rng.choice(mem.n_authors, size=size).tolist():
        given, surname = names[i].split(" ", 1)
        q = names[i] if i % 2 else f"{surname} {given[:3]}"
        search.append(f"/authors?q={quote(q)}&limit=20")
    return Workload(routes={
        "search": search,
        "collaborators": [f"/authors/{store_id[u]}/collaborators?limit=50" for u in pick],
        "shortest path": [f"/paths/shortest?from={store_id[x]}&to={store_id[y]}"
                          for x, y in zip(a, b, strict=True) if x != y],
        "ego": [f"/authors/{store_id[u]}/ego?radius=1&max_nodes=100" for u in pick[::-1]],
    })


# -- the clients ------------------------------------------------------------------------------
class RawClient:
    """A minimal HTTP/1.1 keep-alive GET client on asyncio streams (Content-Length or chunked)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, int]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode("latin-1"))
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, chunked, close = 0, False, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        size = 0
        if chunked:
            while True:
                n = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await self.reader.readexactly(n + 2)
                size += n
                if n == 0:
                    break
        else:
            size = len(await self.reader.readexactly(length))
        if close:
            await self.close()
        return status, size

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


class HttpxClient:
    """httpx behind the same interface; all clients share one pool (one connection each)."""

    def __init__(self, shared: Any) -> None:
        self.client = shared

    async def get(self, path: str) -> tuple[int, int]:
        r = await self.client.get(path)
        return r.status_code, len(r.content)

    async def close(self) -> None:
        pass  # the shared pool is closed by run_phase


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    seconds: float = 0.0


async def run_phase(port: int, clients: int, seconds: float, choose: Callable[[random.Random],
                    tuple[str, str]], seed: int, kind: str) -> Stats:
    """``clients`` concurrent clients issuing requests back to back for ``seconds``."""
    stats = Stats()
    shared: Any = None
    if kind == "httpx":
        import httpx

        # made before the clock starts: creating clients is not what is measured
        shared = httpx.AsyncClient(base_url=f"http://{HOST}:{port}", timeout=REQUEST_TIMEOUT,
                                   limits=httpx.Limits(max_connections=clients,
                                                       max_keepalive_connections=clients))
    deadline = time.perf_counter() + seconds

    async def one_client(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        client: RawClient | HttpxClient = (RawClient(port) if shared is None
                                           else HttpxClient(shared))
        try:
            while time.perf_counter() < deadline:
                route, path = choose(rng)
                t0 = time.perf_counter()
                try:
                    status, _ = await asyncio.wait_for(client.get(path), REQUEST_TIMEOUT)
                    ok = 200 <= status < 300
                    why = f"HTTP {status}"
                except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                    ok, why = False, type(exc).__name__
                    if isinstance(client, RawClient):
                        await client.close()
                stats.latencies[route].append(time.perf_counter() - t0)
                if not ok:
                    stats.errors[route] += 1
                    if len(stats.examples) < 5:
                        stats.examples.append(f"{why}: GET {path}")
        finally:
            await client.close()

    t0 = time.perf_counter()
    try:
        await asyncio.gather(*(one_client(i) for i in range(clients)))
    finally:
        if shared is not None:
            await shared.aclose()
    stats.seconds = time.perf_counter() - t0
    return stats


# -- the server -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def serve_command(data_dir: Path, port: int, workers: int) -> list[str]:
    """``graphsvc serve`` on the benchmark's store, without the demo data."""
    return [sys.executable, "-m", "graphsvc", "--data-dir", str(data_dir), "serve",
            "--host", HOST, "--port", str(port), "--workers", str(workers), "--no-demo"]


async def wait_ready(port: int, workers: int, proc: subprocess.Popen[bytes]) -> float:
    """Seconds until enough consecutive ``/ready`` answers say the graph is built."""
    t0 = time.perf_counter()
    streak = 0
    while time.perf_counter() - t0 < MAX_STARTUP_SECONDS:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode} during start-up")
        client = RawClient(port)
        try:
            status, _ = await asyncio.wait_for(client.get("/ready"), 5)
            body_ok = status == 200
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            body_ok = False
        finally:
            await client.close()
        if body_ok:
            # with several workers, /ready reaches them in turn: a warm-up phase follows anyway
            streak += 1
            if streak >= 4 * workers:
                return time.perf_counter() - t0
        else:
            streak = 0
        await asyncio.sleep(0.25)
    raise SystemExit("the server did not become ready in time")


def server_setup(workers: int, env: dict[str, str]) -> str:
    """How the server runs, in words (workers, threads, store access, HTTP stack)."""
    import importlib.util

    from graphsvc.api.deps import DEFAULT_THREADS

    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    threads = env.get("GRAPHSVC_THREADS", "")
    queries = (f"{threads} query thread(s)" if threads not in ("", "0") else
               f"quick queries on the event loop ({DEFAULT_THREADS} query threads while the "
               "graph builds)")
    return (f"{workers} uvicorn worker process(es), {queries}, 1 analytics thread, store "
            f"access {env.get('GRAPHSVC_STORE_ACCESS', 'per-thread')}, {http} + {loop}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and its uvicorn workers only
    except ProcessLookupError:
        return
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def _proc_stat(pid: int) -> np.ndarray:
    """(user CPU s, system CPU s, minor faults, major faults) of one process, from /proc."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return np.array([int(fields[11]) / tck, int(fields[12]) / tck, int(fields[7]),
                     int(fields[9])], dtype=float)


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                out.extend(int(c) for c in fh.read().split())
    except OSError:
        pass
    return out + [g for c in out for g in _children(c)]


def server_stat(pid: int) -> np.ndarray | None:
    """``_proc_stat`` summed over the server and its worker processes (None off Linux)."""
    try:
        return sum((_proc_stat(p) for p in [pid, *_children(pid)]), np.zeros(4))
    except (OSError, ValueError, IndexError):
        return None


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            v = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    tck = os.sysconf("SC_CLK_TCK")
    idle = v[3] + (v[4] if len(v) > 4 else 0)
    return (sum(v) - idle) / tck, sum(v) / tck


@dataclass
class Cpu:
    """CPU used during a phase: by the server, by this load generator, by everything else."""

    server: float | None = None
    client: float = 0.0
    other_share: float | None = None  # of the machine's capacity, during the phase
    server_sys: float | None = None  # the server's system (kernel) CPU seconds, of ``server``
    server_faults: float | None = None  # page faults of the server's processes (minor + major)

    @classmethod
    async def measure(cls, pid: int, phase: Any) -> tuple[Any, Cpu]:
        s0, m0, c0 = server_stat(pid), machine_cpu(), time.process_time()
        result = await phase
        s1, m1, c1 = server_stat(pid), machine_cpu(), time.process_time()
        cpu = cls(client=c1 - c0)
        if s0 is not None and s1 is not None:
            d = s1 - s0
            cpu.server, cpu.server_sys, cpu.server_faults = float(d[0] + d[1]), float(d[1]), \
                float(d[2] + d[3])
        if m0 and m1 and cpu.server is not None and m1[1] > m0[1]:
            other = (m1[0] - m0[0]) - cpu.server - cpu.client
            cpu.other_share = max(0.0, other / (m1[1] - m0[1]))
        return result, cpu


def server_rss_mb(pid: int) -> float | None:
    try:
        import psutil
    except ImportError:
        return None
    try:
        parent = psutil.Process(pid)
        procs = [parent, *parent.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs) / 2**20
    except psutil.Error:
        return None


# -- soak and burst (issue 8: memory stays flat, no errors, still answering) ----------------
@dataclass
class Soak:
    stats: Stats
    rss: list[tuple[float, float]]  # (seconds into the soak, server RSS in MB)
    #: (seconds, anonymous RSS in MB): the private memory a leak would grow; RSS also counts the
    #: store's pages the readers map (``PRAGMA mmap_size``), shared and growing as they are read
    anon: list[tuple[float, float]] = field(default_factory=list)


def server_anon_mb(pid: int) -> float | None:
    """Anonymous resident memory of the server and its workers (``RssAnon``, Linux)."""
    try:
        total = 0
        for p in [pid, *_children(pid)]:
            with open(f"/proc/{p}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("RssAnon:"):
                        total += int(line.split()[1])
        return total / 1024
    except (OSError, ValueError):
        return None


async def run_soak(pid: int, port: int, clients: int, seconds: float,
                   choose: Callable[[random.Random], tuple[str, str]], seed: int,
                   kind: str) -> Soak:
    """The mixed load for ``seconds``, sampling the server's RSS every ~10 s."""
    rss: list[tuple[float, float]] = []
    anon: list[tuple[float, float]] = []
    t0 = time.perf_counter()

    def take() -> None:
        now = time.perf_counter() - t0
        for out, mb in ((rss, server_rss_mb(pid)), (anon, server_anon_mb(pid))):
            if mb is not None:
                out.append((now, mb))

    async def sample() -> None:
        while True:
            take()
            await asyncio.sleep(min(10.0, max(seconds / 10, 1.0)))

    sampler = asyncio.create_task(sample())
    try:
        stats = await run_phase(port, clients, seconds, choose, seed, kind)
    finally:
        sampler.cancel()
    take()
    return Soak(stats, rss, anon)


@dataclass
class Burst:
    connections: int
    statuses: dict[str, int]
    errors: dict[str, int]
    seconds: float
    p99_ms: float
    health_after: int | None


async def run_burst(port: int, n: int, choose: Callable[[random.Random], tuple[str, str]],
                    seed: int) -> Burst:
    """``n`` connections opened at once, each sending one mixed request; then GET /health."""
    rng = random.Random(seed)
    paths = [choose(rng)[1] for _ in range(n)]
    statuses: dict[str, int] = defaultdict(int)
    errors: dict[str, int] = defaultdict(int)
    lat: list[float] = []
    start = asyncio.Event()

    async def one(path: str) -> None:
        client = RawClient(port)
        try:
            await start.wait()
            t = time.perf_counter()
            status, _ = await asyncio.wait_for(client.get(path), 60.0)
            lat.append(time.perf_counter() - t)
            statuses[str(status)] += 1
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
            errors[type(exc).__name__] += 1
        finally:
            await client.close()

    tasks = [asyncio.create_task(one(p)) for p in paths]
    await asyncio.sleep(0)
    t0 = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - t0
    health: int | None = None
    client = RawClient(port)
    try:
        health, _ = await asyncio.wait_for(client.get("/health"), 10.0)
    except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
        pass
    finally:
        await client.close()
    p99 = float(np.percentile(np.array(lat) * 1000, 99)) if lat else float("nan")
    return Burst(n, dict(statuses), dict(errors), seconds, p99, health)


def report_soak(soak: Soak, clients: int) -> list[tuple[str, bool, str]]:
    rows = summarize(soak.stats)
    total = next(r for r in rows if r["route"] == "all (mixed)")
    errors = sum(soak.stats.errors.values())
    print(f"\nsoak: {clients} clients, {soak.stats.seconds:.0f} s of the mixed load")
    print_table(rows)
    for what, samples in (("RSS", soak.rss), ("anonymous RSS", soak.anon)):
        trace = ", ".join(f"{t:.0f}s {mb:.0f}" for t, mb in samples)
        print(f"server {what} (MB) during the soak: {trace}")
    for ex in soak.stats.examples:
        print(f"  soak error example: {ex}")
    checks = [(f"soak: zero errors ({total['requests']} requests)", errors == 0,
               f"{errors} errors")]
    if len(soak.rss) >= 2:
        print(f"server RSS at the soak's start and end: {soak.rss[0][1]:.0f} -> "
              f"{soak.rss[-1][1]:.0f} MB (shared pages of the mapped store included)")
    if len(soak.anon) >= 2:
        first, last = soak.anon[0][1], soak.anon[-1][1]
        checks.append(("soak: memory flat (anonymous RSS end <= start + 10%)",
                       last <= first * 1.10, f"{first:.0f} -> {last:.0f} MB"))
    return checks


def report_burst(b: Burst) -> list[tuple[str, bool, str]]:
    answered = sum(b.statuses.values())
    print(f"\nburst: {b.connections} connections at once, answered in {b.seconds:.1f} s "
          f"(p99 {b.p99_ms:.0f} ms); statuses {dict(sorted(b.statuses.items()))}; connection "
          f"errors {b.errors or 0}; GET /health afterwards: {b.health_after}")
    bad = sum(n for st, n in b.statuses.items()
              if not (st.startswith("2") or st in ("429", "503"))) + sum(b.errors.values())
    return [
        (f"burst: no errors beyond deliberate 429/503 ({answered} answered)", bad == 0,
         f"{bad} errors"),
        ("burst: still answering afterwards", b.health_after == 200, f"/health {b.health_after}"),
    ]


# -- report -----------------------------------------------------------------------------------
def summarize(stats: Stats) -> list[dict[str, Any]]:
    rows = []
    total: list[float] = []
    for route, lat in stats.latencies.items():
        total.extend(lat)
        rows.append(_row(route, lat, stats.errors.get(route, 0), stats.seconds))
    if len(stats.latencies) > 1:
        rows.append(_row("all (mixed)", total, sum(stats.errors.values()), stats.seconds))
    return rows


def _row(route: str, lat: list[float], errors: int, seconds: float) -> dict[str, Any]:
    a = np.asarray(lat) * 1000
    return {"route": route, "requests": int(a.size), "rps": a.size / seconds if seconds else 0,
            "p50_ms": float(np.percentile(a, 50)) if a.size else None,
            "p99_ms": float(np.percentile(a, 99)) if a.size else None,
            "max_ms": float(a.max()) if a.size else None, "errors": errors}


def cpu_row(name: str, row: dict[str, Any], cpu: Cpu) -> dict[str, Any]:
    """CPU milliseconds per request of one phase: the server's (all its processes), this
    load generator's, and the share of the machine other processes took meanwhile."""
    n = row["requests"]
    return {"phase": name, "requests": n, "rps": row["rps"], "p99_ms": row["p99_ms"],
            "server_ms": cpu.server / n * 1000 if cpu.server is not None and n else None,
            "client_ms": cpu.client / n * 1000 if n else None, "other_share": cpu.other_share,
            "server_sys_share": (cpu.server_sys / cpu.server if cpu.server and
                                 cpu.server_sys is not None else None),
            "faults_per_request": (cpu.server_faults / n if cpu.server_faults is not None and n
                                   else None)}


def print_cpu_table(rows: list[dict[str, Any]], route_seconds: float) -> None:
    """CPU per request by phase, and what it allows on this machine's cores (server and load
    generator together), which holds on a busy machine where req/s and latencies do not."""
    cores = os.cpu_count() or 1
    print(f"\nCPU per request ({cores} CPUs; routes alone: {route_seconds:g} s each; load "
          f"average {' '.join(load_average())})")
    print(f"{'phase':<26}{'requests':>9}{'req/s':>7}{'p99 ms':>8}{'server ms':>10}"
          f"{'(kernel)':>9}{'faults':>8}{'client ms':>10}{'req/s cap':>10}{'others':>7}")

    def cell(value: Any, fmt: str, width: int) -> str:
        return f"{value:>{width}{fmt}}" if value is not None else f"{'-':>{width}}"

    for r in rows:
        s, c = r["server_ms"], r["client_ms"]
        cap = cores * 1000 / (s + c) if s is not None and c is not None and s + c else None
        print(f"{r['phase']:<26}{r['requests']:>9}{r['rps']:>7.0f}{r['p99_ms']:>8.1f}"
              + cell(s, ".3f", 10) + cell(r["server_sys_share"], ".0%", 9)
              + cell(r["faults_per_request"], ".1f", 8) + cell(c, ".3f", 10)
              + cell(cap, ".0f", 10) + cell(r["other_share"], ".0%", 7))
    print("(server ms: CPU of the server's processes per request, (kernel) the share of it in "
          "the kernel, faults: its page faults per request; client ms: this load generator's "
          "CPU per request; req/s cap: the cores / server + client ms; others: the machine's "
          "share other processes used meanwhile)")


def load_average() -> list[str]:
    try:
        with open("/proc/loadavg", encoding="ascii") as fh:
            return fh.read().split()[:3]
    except OSError:
        return []


def print_table(rows: list[dict[str, Any]]) -> None:
    print(f"{'route':<24}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}"
          f"{'max ms':>10}{'errors':>8}")
    for r in rows:
        print(f"{r['route']:<24}{r['requests']:>10}{r['rps']:>10.0f}{r['p50_ms']:>10.1f}"
              f"{r['p99_ms']:>10.1f}{r['max_ms']:>10.1f}{r['errors']:>8}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", default="300k", help="authors: 20k, 300k, 3m or a number")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", type=Path,
                    help="where the synthetic store is built and kept (default: a temp dir "
                         "named after the scale and seed)")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--clients", type=int, default=32, help="concurrent clients")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of mixed load")
    ap.add_argument("--baseline", type=float, default=5.0, help="seconds of GET /health")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load")
    ap.add_argument("--route-seconds", type=float, default=3.0,
                    help="then each route alone for this long: its CPU per request "
                         "(0: skip)")
    ap.add_argument("--client", choices=["raw", "httpx"], default="raw",
                    help="load generator's HTTP client")
    ap.add_argument("--store-access", choices=["per-thread", "lock"], default="per-thread",
                    help="GRAPHSVC_STORE_ACCESS of the server")
    ap.add_argument("--threads", type=int, help="GRAPHSVC_THREADS of the server (default: its "
                    "own default)")
    ap.add_argument("--soak", type=float, default=0.0, metavar="SECONDS",
                    help="after the measured run: the mixed load for this long with "
                         "--soak-clients clients, RSS sampled throughout (issue 8: 300)")
    ap.add_argument("--soak-clients", type=int, default=64)
    ap.add_argument("--burst", type=int, default=0, metavar="N",
                    help="then N connections opened at once, one mixed request each "
                         "(issue 8: 500), then a health check")
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    if args.duration > 600 or args.clients > 512 or args.soak > 3600 or args.burst > 5000:
        ap.error("keep runs bounded: --duration <= 600 s, --clients <= 512, --soak <= 3600 s, "
                 "--burst <= 5000")

    n = scale_authors(args.scale)
    data_dir = args.data_dir or Path(tempfile.gettempdir()) / f"graphsvc-bench-api-{n}-{args.seed}"
    db = data_dir / "graphsvc.sqlite3"
    t0 = time.perf_counter()
    mem = generate(n, seed=args.seed)
    print(f"synthetic memberships: {mem.n_authors} authors, {mem.n_papers} papers "
          f"({time.perf_counter() - t0:.1f}s)", flush=True)
    if not store_ready(db):
        build_store(mem, db, args.seed)
    else:
        print(f"store: reusing {db}", flush=True)
    work = make_workload(mem, author_names(n, args.seed), args.seed)

    port = free_port()
    env = {**os.environ, "GRAPHSVC_DATA_DIR": str(data_dir),
           "GRAPHSVC_STORE_ACCESS": args.store_access}
    env.pop("GRAPHSVC_PROTECT_READS", None)
    if args.threads is not None:
        env["GRAPHSVC_THREADS"] = str(args.threads)
    cmd = serve_command(data_dir, port, args.workers)
    setup = server_setup(args.workers, env)
    log = open(data_dir / "bench-server.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        ready_s = asyncio.run(wait_ready(port, args.workers, proc))
        print(f"server: {' '.join(cmd[:5])} … on {HOST}:{port}; {setup}; ready in "
              f"{ready_s:.1f}s", flush=True)
        baseline, base_cpu = asyncio.run(Cpu.measure(proc.pid, run_phase(
            port, args.clients, args.baseline, lambda r: ("GET /health (baseline)", "/health"),
            args.seed, args.client)))
        asyncio.run(run_phase(port, args.clients, args.warmup, work.draw, args.seed + 1,
                              args.client))
        mixed, mixed_cpu = asyncio.run(Cpu.measure(proc.pid, run_phase(
            port, args.clients, args.duration, work.draw, args.seed + 2, args.client)))
        alone = [(route, *asyncio.run(Cpu.measure(proc.pid, run_phase(
            port, args.clients, args.route_seconds, work.only(route), args.seed + 5,
            args.client)))) for route in (work.routes if args.route_seconds > 0 else ())]
        rss = server_rss_mb(proc.pid)
        soak = (asyncio.run(run_soak(proc.pid, port, args.soak_clients, args.soak, work.draw,
                                     args.seed + 3, args.client)) if args.soak else None)
        burst = asyncio.run(run_burst(port, args.burst, work.draw, args.seed + 4)) \
            if args.burst else None
    finally:
        stop(proc)
        log.close()

    rows = summarize(baseline) + summarize(mixed)
    print(f"\n{args.clients} clients ({args.client}), {args.duration:g} s mixed load, scale "
          f"{args.scale}, {os.cpu_count()} CPUs; server: {setup}"
          + (f", RSS {rss:.0f} MB" if rss else ""))
    print_table(rows)
    base_rps = rows[0]["rps"]
    total = next(r for r in rows if r["route"] == "all (mixed)")
    path = next(r for r in rows if r["route"] == "shortest path")
    errors = sum(mixed.errors.values()) + sum(baseline.errors.values())
    print(f"\nmixed throughput = {total['rps'] / base_rps:.0%} of the GET /health baseline "
          f"({base_rps:.0f} req/s)")
    cpu_rows = [cpu_row("GET /health (baseline)", rows[0], base_cpu)]
    cpu_rows += [cpu_row(f"{route} (alone)", summarize(st)[0], cpu) for route, st, cpu in alone
                 if st.latencies]
    cpu_rows.append(cpu_row("all (mixed)", total, mixed_cpu))
    print_cpu_table(cpu_rows, args.route_seconds)
    if mixed_cpu.other_share is not None and mixed_cpu.other_share > 0.1:
        print("  note: other processes used the CPUs during the run: latencies and req/s are "
              "low; CPU ms per request much less so (shared caches still raise them a little), "
              "so compare those with a run in the same window")
    checks = [
        ("zero errors", errors == 0, f"{errors} errors"),
        (f"shortest-path p99 <= {TARGET_PATH_P99_MS:g} ms", path["p99_ms"] <= TARGET_PATH_P99_MS,
         f"{path['p99_ms']:.1f} ms"),
        (f">= {TARGET_RPS} requests/s (mixed)", total["rps"] >= TARGET_RPS,
         f"{total['rps']:.0f} req/s"),
    ]
    if soak is not None:
        checks += report_soak(soak, args.soak_clients)
    if burst is not None:
        checks += report_burst(burst)
    for name, ok, got in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {got}")
    for ex in baseline.examples + mixed.examples:
        print(f"  error example: {ex}")
    if args.json:
        args.json.write_text(json.dumps({
            "args": {k: str(v) for k, v in vars(args).items()}, "setup": setup, "rows": rows,
            "rss_mb": rss, "cpu": {"baseline": vars(base_cpu), "mixed": vars(mixed_cpu)},
            "cpu_per_request": cpu_rows, "load_average": load_average(),
            "soak": soak and {"rss_mb": soak.rss, "anon_rss_mb": soak.anon,
                              "rows": summarize(soak.stats)},
            "burst": burst and vars(burst)},
            indent=2))
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
