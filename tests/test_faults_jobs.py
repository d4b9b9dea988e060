"""Fault catalogue, jobs and files after a crash: a job whose server died is ``interrupted``
(also when every server is PID 1, as in the Dockerfile), and no upload outlives its job.

Liveness is a lock file per job held by the server that owns it (``graphsvc/api/jobs.py``), so
these tests kill real server processes, or hold a job's lock from another process.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from graphsvc.api.jobs import JobManager
from graphsvc.config import Settings
from graphsvc.store.sqlite_check import check_store
from tests.test_crash import generate

KEY = "k" * 32
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs flock and SIGKILL")


def job_file(data: Path, state: str, pid: int) -> str:
    """A job file as a server writes it, with an upload, and no live owner."""
    job_id = uuid.uuid4().hex
    (data / "jobs").mkdir(parents=True, exist_ok=True)
    (data / "jobs" / f"{job_id}.json").write_text(json.dumps({
        "id": job_id, "state": state, "created": "2026-01-01T00:00:00+00:00", "files": ["a.bib"],
        "progress": {"files_total": 1}, "pid": pid, "kind": "ingest", "started": None,
        "finished": None, "report": None, "error": None}))
    up = data / "uploads" / job_id
    up.mkdir(parents=True)
    (up / "a.bib").write_text("@misc{x, title={x}}")
    return job_id


def test_a_job_of_a_dead_pid_1_server_is_interrupted_and_its_upload_removed(tmp_path: Path
                                                                             ) -> None:
    """In a container the server is PID 1, and PID 1 is alive again after a restart: a job's
    process id cannot tell a dead job from a live one."""
    running, queued = job_file(tmp_path, "running", 1), job_file(tmp_path, "queued", 1)
    jm = JobManager(Settings(data_dir=tmp_path))  # a new server starts: it sweeps
    try:
        for job_id in (running, queued):
            got = jm.get(job_id)
            assert got is not None and got["state"] == "interrupted"
            assert got["error"]["type"] == "job-interrupted" and got["finished"]
            on_disk = json.loads((tmp_path / "jobs" / f"{job_id}.json").read_text())
            assert on_disk["state"] == "interrupted"
            assert not (tmp_path / "uploads" / job_id).exists()
    finally:
        jm.close()


def test_a_job_whose_owner_lives_is_left_alone(tmp_path: Path) -> None:
    job_id = job_file(tmp_path, "running", 1)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from pathlib import Path\nfrom graphsvc.api.jobs import _lock_job\n"
         "fh = _lock_job(Path(sys.argv[1]), sys.argv[2])\nprint('held', flush=True)\n"
         "time.sleep(60)", str(tmp_path / "jobs"), job_id],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        jm = JobManager(Settings(data_dir=tmp_path))
        try:
            assert jm.get(job_id)["state"] == "running"  # type: ignore[index]
            assert (tmp_path / "uploads" / job_id / "a.bib").exists()
        finally:
            jm.close()
    finally:
        holder.kill()
        holder.wait()
    jm = JobManager(Settings(data_dir=tmp_path))  # the owner died meanwhile
    try:
        assert jm.get(job_id)["state"] == "interrupted"  # type: ignore[index]
        assert not (tmp_path / "uploads" / job_id).exists()
    finally:
        jm.close()


def test_orphan_uploads_are_removed_at_start(tmp_path: Path) -> None:
    orphan = tmp_path / "uploads" / uuid.uuid4().hex
    orphan.mkdir(parents=True)
    (orphan / "half.xml").write_bytes(b"<dblp>")
    done = job_file(tmp_path, "done", os.getpid())
    JobManager(Settings(data_dir=tmp_path)).close()
    assert not orphan.exists() and not (tmp_path / "uploads" / done).exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GRAPHSVC_API_KEY": KEY}
    proc = subprocess.Popen([sys.executable, "-m", "graphsvc", "--data-dir", str(data), "serve",
                             "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code < 500:
                return proc
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("the server did not start")


def test_a_killed_server_leaves_its_job_interrupted_and_no_upload(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    generate(big, 20_000, seed=5)
    data = tmp_path / "data"
    data.mkdir()
    port = _free_port()
    server = _serve(data, port)
    try:
        r = httpx.post(f"http://127.0.0.1:{port}/ingest", timeout=60,
                       headers={"Authorization": f"Bearer {KEY}"},
                       files={"file": ("big.xml", big.read_bytes())})
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        deadline = time.monotonic() + 60
        while (httpx.get(f"http://127.0.0.1:{port}/jobs/{job_id}").json()["progress"]
               ["records"] < 2000):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert (data / "uploads" / job_id).exists()
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait()
    port = _free_port()
    server = _serve(data, port)  # the restarted server
    try:
        job = httpx.get(f"http://127.0.0.1:{port}/jobs/{job_id}").json()
        assert job["state"] == "interrupted", job
        assert "upload the file again" in job["error"]["detail"]
        assert not (data / "uploads" / job_id).exists()
        listed = httpx.get(f"http://127.0.0.1:{port}/jobs",
                           headers={"Authorization": f"Bearer {KEY}"}).json()
        assert any(j["id"] == job_id and j["state"] == "interrupted" for j in listed["items"])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert {p.check for p in check_store(data / "graphsvc.sqlite3")} <= {"indexes"}
