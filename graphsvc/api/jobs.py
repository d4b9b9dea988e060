"""Background ingest jobs: one at a time, with progress, visible to every server worker.

An upload is saved under ``<data dir>/uploads/<job>/`` and ingested by a single worker thread
(the embedded store has one writer, and the ingest hands out ids from ``max(id) + 1``). Across
server processes (``graphsvc serve --workers N``) a file lock on ``<data dir>/ingest.lock``
keeps ingests one at a time, and each job's state is written to ``<data dir>/jobs/<job>.json``
so that ``GET /jobs/{id}`` answers from any worker.

A job is alive while the process that owns it holds ``<data dir>/jobs/<job>.lock`` (``flock``,
from the upload until the job ends; the kernel drops it when the process dies). A queued or
running job whose lock is free belongs to a dead server: it is ``interrupted``. A process id
cannot tell that: in a container the server is PID 1 before and after a restart. Uploads of
jobs that ended (or were interrupted) are removed, also those a dead server left behind.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from graphsvc.config import Settings
from graphsvc.errors import GraphsvcError
from graphsvc.model import Record, Skipped
from graphsvc.sources import ReaderOptions

log = logging.getLogger("graphsvc.api.jobs")

KEEP_JOBS = 200
_PERSIST_EVERY = 0.5  # seconds between progress writes to the job file


class JobCancelled(GraphsvcError):
    type = "job-cancelled"
    http_status = 503


@dataclass
class Progress:
    file: str | None = None
    files_done: int = 0
    files_total: int = 0
    records: int = 0
    bytes_read: int | None = None
    bytes_total: int = 0
    fraction: float | None = None


@dataclass
class Job:
    id: str
    state: str
    created: str
    files: list[str]
    progress: Progress
    pid: int = field(default_factory=os.getpid)
    kind: str = "ingest"
    started: str | None = None
    finished: str | None = None
    report: dict[str, Any] | None = None
    error: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("pid")
        return d


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str | None, fallback: str = "upload") -> str:
    """A plain file name from an uploaded one: no directories, no odd characters.

    The suffixes (``.xml.gz``, ``.bib``) are kept: format detection uses them.

    Examples
    --------
    >>> safe_filename("../../etc/passwd"), safe_filename("C:\\\\x\\\\my papers.bib")
    ('passwd', 'my_papers.bib')
    >>> safe_filename(".."), safe_filename(None)
    ('upload', 'upload')
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip("._") or ""
    if not base:
        return fallback
    if len(base) > 120:
        stem, dot, suffix = base.partition(".")
        base = stem[: 120 - len(suffix) - 1] + dot + suffix[-40:]
    return base


class JobManager:
    """Queue, run and report ingest jobs for one server process."""

    def __init__(self, settings: Settings, *, on_done: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.jobs_dir = settings.data_dir / "jobs"
        self.uploads_dir = settings.data_dir / "uploads"
        self.on_done = on_done
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="graphsvc-ingest")
        #: the lock files of this process's live jobs (uploading, queued or running)
        self._held: dict[str, BinaryIO] = {}
        self._swept = 0
        try:
            self.sweep()
        except OSError:  # a read-only data dir: nothing to clean, nothing can be uploaded
            log.warning("cannot clean up the jobs of stopped servers", exc_info=True)

    # -- submitting -------------------------------------------------------------------------
    def new_upload_dir(self) -> tuple[str, Path]:
        job_id = uuid.uuid4().hex
        self._hold(job_id)  # before the directory exists: a sweep never takes a live upload
        path = self.uploads_dir / job_id
        path.mkdir(parents=True, exist_ok=False)
        return job_id, path

    def discard_upload(self, job_id: str) -> None:
        """An upload that never became a job (too large, unreadable): its files and lock go."""
        shutil.rmtree(self.uploads_dir / job_id, ignore_errors=True)
        self._release(job_id)

    # -- liveness ---------------------------------------------------------------------------
    def _hold(self, job_id: str) -> None:
        fh = _lock_job(self.jobs_dir, job_id)
        if fh is not None:
            with self._lock:
                self._held[job_id] = fh

    def _release(self, job_id: str) -> None:
        # the lock file stays (pruned with the job file): a reader that finds it free knows the
        # job's last state was written before (``_run`` persists, then releases)
        with self._lock:
            fh = self._held.pop(job_id, None)
        if fh is not None:
            fh.close()

    def sweep(self) -> int:
        """Mark the queued or running jobs of dead servers interrupted and remove the uploads
        no live job owns; returns how many jobs were interrupted (run at start-up)."""
        n = 0
        if self.jobs_dir.is_dir():
            for p in self.jobs_dir.glob("*.json"):
                if not p.name.startswith(".") and self.get(p.stem, sweep=True) is not None:
                    n += self._swept
                    self._swept = 0
        if self.uploads_dir.is_dir():
            for d in self.uploads_dir.iterdir():
                with self._lock:
                    mine = d.name in self._held
                if not mine and d.is_dir() and not _job_alive(self.jobs_dir, d.name):
                    shutil.rmtree(d, ignore_errors=True)
        return n

    def submit(self, job_id: str, files: list[Path], *, fmt: str | None = None,
               max_team_size: int | None = None, options: ReaderOptions | None = None) -> Job:
        """Queue an ingest of ``files`` (in the job's upload dir, removed when it ends)."""
        with self._lock:
            held = job_id in self._held
        if not held:
            self._hold(job_id)
        job = Job(id=job_id, state="queued", created=_now(), files=[p.name for p in files],
                  progress=Progress(files_total=len(files),
                                    bytes_total=sum(p.stat().st_size for p in files)))
        with self._lock:
            self._jobs[job_id] = job
            while len(self._jobs) > KEEP_JOBS:
                self._jobs.popitem(last=False)
        self._persist(job)
        self._prune_files()
        self._pool.submit(self._run, job, files, fmt, max_team_size, options)
        return job

    # -- reading ----------------------------------------------------------------------------
    def get(self, job_id: str, *, sweep: bool = False) -> dict[str, Any] | None:
        """A job's state, from this process or (another worker's) job file.

        A queued or running job of a dead server answers ``interrupted``; the first caller to
        see it so also writes that to the job file and removes the job's uploads.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None:
                return job.to_dict()
        if not re.fullmatch(r"[0-9a-f]{32}", job_id):
            return None
        path = self.jobs_dir / f"{job_id}.json"
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        data.pop("pid", None)
        if data.get("state") in ("queued", "running") and not _job_alive(self.jobs_dir, job_id):
            # read again: the job may have ended between the first read and the lock test
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            data.pop("pid", None)
        if data.get("state") in ("queued", "running") and not _job_alive(self.jobs_dir, job_id):
            data.update(state="interrupted", finished=data.get("finished") or _now(), error={
                "type": "job-interrupted", "title": "Job interrupted", "status": 500,
                "detail": "the server process running this job stopped; upload the file again "
                          "(what was already ingested is kept, re-ingesting changes nothing)"})
            self._write(job_id, data)
            shutil.rmtree(self.uploads_dir / job_id, ignore_errors=True)
            self._swept += int(sweep)
        return data

    def recent(self, limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
        """Jobs newest first (this process's and other workers')."""
        ids: dict[str, float] = {}
        if self.jobs_dir.is_dir():
            for p in self.jobs_dir.glob("*.json"):
                with contextlib.suppress(OSError):
                    ids[p.stem] = p.stat().st_mtime
        with self._lock:
            for j in self._jobs:
                ids.setdefault(j, time.time())
        ordered = sorted(ids, key=lambda j: -ids[j])
        page = [d for j in ordered[offset : offset + limit] if (d := self.get(j)) is not None]
        return page, len(ordered)

    # -- running ----------------------------------------------------------------------------
    def _run(self, job: Job, files: list[Path], fmt: str | None, max_team_size: int | None,
             options: ReaderOptions | None) -> None:
        from graphsvc.ingest import ingest
        from graphsvc.store import open_store

        state, error = job.state, job.error
        try:
            with _ingest_lock(self.settings.data_dir):
                self._cancelled()
                state = job.state = "running"
                job.started = _now()
                self._persist(job)
                store = open_store(self.settings)
                try:
                    report = ingest(store, files, fmt=fmt, options=options,
                                    max_team_size=max_team_size,
                                    progress=self._progress(job, files))
                finally:
                    store.close()
            out = report.to_dict()
            names = {str(p): p.name for p in files}
            for f in out.get("files", []):
                f["path"] = " + ".join(names.get(x, Path(x).name)
                                       for x in str(f.get("path", "")).split(" + "))
            job.report = out
            job.progress.files_done = len(files)
            self._refresh(job)
            job.progress.fraction = 1.0
            state, error = "done", None
        except GraphsvcError as exc:
            state, error = "failed", {"type": exc.type, "title": "Ingest failed",
                                      "status": exc.http_status, "detail": str(exc)}
        except Exception as exc:  # a job must end with a state, whatever went wrong
            log.exception("ingest job %s failed", job.id)
            state, error = "failed", {"type": "internal-error", "title": "Ingest failed",
                                      "status": 500, "detail": f"{type(exc).__name__}: {exc}"}
        finally:
            # the upload is gone before anyone can see the job ended (a client that saw "done"
            # and looked for its file found it still there)
            shutil.rmtree(self.uploads_dir / job.id, ignore_errors=True)
            job.finished = _now()
            job.state, job.error = state, error
            self._persist(job)
            self._release(job.id)

    def _refresh(self, job: Job) -> None:
        """Rebuild the in-memory graph before the job says done, so queries see the new data."""
        if self.on_done is None:
            return
        try:
            self.on_done()
        except Exception:  # queries rebuild it on demand anyway: never a job failure
            log.exception("rebuilding the graph after job %s failed", job.id)

    def _cancelled(self) -> None:
        if self._cancel.is_set():
            raise JobCancelled("the server is shutting down; upload the file again to finish "
                               "(batches already written are kept)")

    def _progress(self, job: Job, files: list[Path]) -> Callable[
            [Iterable[Record | Skipped], str], Iterator[Record | Skipped]]:
        sizes = {p.name: p.stat().st_size for p in files}
        paths = {p.name: p for p in files}
        done_bytes = 0
        last = [0.0]

        def wrap(stream: Iterable[Record | Skipped], name: str) -> Iterator[Record | Skipped]:
            nonlocal done_bytes
            p = job.progress
            p.file = name if name in sizes else p.file or name
            for i, item in enumerate(stream, 1):
                p.records += 1
                if i % 256 == 0:
                    self._cancelled()
                    now = time.monotonic()
                    if now - last[0] >= _PERSIST_EVERY:
                        last[0] = now
                        pos = _read_position(paths.get(name))
                        p.bytes_read = pos
                        if pos is not None and p.bytes_total:
                            p.fraction = round(min(0.99, (done_bytes + pos) / p.bytes_total), 3)
                        self._persist(job)
                yield item
            done_bytes += sizes.get(name, 0)
            p.files_done += 1
            p.bytes_read = sizes.get(name)
            if p.bytes_total:
                p.fraction = round(min(0.99, done_bytes / p.bytes_total), 3)
            self._persist(job)

        return wrap

    def _persist(self, job: Job) -> None:
        self._write(job.id, {**job.to_dict(), "pid": job.pid})

    def _write(self, job_id: str, data: dict[str, Any]) -> None:
        try:
            self.jobs_dir.mkdir(parents=True, exist_ok=True)
            tmp = self.jobs_dir / f".{job_id}.{os.getpid()}.{threading.get_ident()}.tmp"
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, self.jobs_dir / f"{job_id}.json")
        except OSError:
            log.warning("cannot write the state of job %s", job_id, exc_info=True)

    def _prune_files(self) -> None:
        try:
            files = sorted(self.jobs_dir.glob("*.json"), key=lambda p: p.stat().st_mtime)
        except OSError:
            return
        for p in files[:-KEEP_JOBS]:
            with contextlib.suppress(OSError):
                p.unlink()
            with contextlib.suppress(OSError):
                p.with_suffix(".lock").unlink()

    def close(self) -> None:
        """Stop: a running ingest stops after its current batch, queued ones are dropped."""
        self._cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            for job in self._jobs.values():
                if job.state == "queued":
                    job.state, job.finished = "failed", _now()
                    job.error = {"type": "job-cancelled", "title": "Job cancelled",
                                 "status": 503, "detail": "the server shut down before the "
                                 "job started; upload the file again"}
                    self._persist(job)
                    shutil.rmtree(self.uploads_dir / job.id, ignore_errors=True)
                    self._release(job.id)


def _lock_job(jobs_dir: Path, job_id: str) -> BinaryIO | None:
    """Hold the job's lock file (shared: readers test it exclusively); None without flock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: one process, jobs die with it
        return None
    try:
        jobs_dir.mkdir(parents=True, exist_ok=True)
        fh = open(jobs_dir / f"{job_id}.lock", "a+b", buffering=0)  # noqa: SIM115
    except OSError:
        log.warning("cannot create the lock file of job %s", job_id, exc_info=True)
        return None
    fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
    return fh


def _job_alive(jobs_dir: Path, job_id: str) -> bool:
    """Whether a live process holds the job's lock file."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return True
    try:
        fh = open(jobs_dir / f"{job_id}.lock", "rb")  # noqa: SIM115
    except FileNotFoundError:
        return False  # released (the job ended) or never taken: nobody runs it
    except OSError:
        return True
    with fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            return True
        return False


@contextlib.contextmanager
def _ingest_lock(data_dir: Path) -> Iterator[None]:
    """One ingest at a time across the server's worker processes (no-op without ``fcntl``)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: a single process is the only case
        yield
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "ingest.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _read_position(path: Path | None) -> int | None:
    """Where this process's reader of ``path`` is in the file (Linux ``/proc``; else None)."""
    if path is None:
        return None
    target = str(path.resolve())
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for fd in fds:
        try:
            if os.readlink(f"/proc/self/fd/{fd}") != target:
                continue
            with open(f"/proc/self/fdinfo/{fd}", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("pos:"):
                        return int(line.split()[1])
        except (OSError, ValueError):
            continue
    return None
