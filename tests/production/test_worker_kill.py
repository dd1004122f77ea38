"""A worker killed: `enroller serve --workers 2` as real processes, one worker `kill -9`'d, the other keeps answering
and the uvicorn master starts a new one (bench/worker_kill.py does the same under load and measures it)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.chroma_server import free_port
from tests.production.conftest import REPO, WORKER_START_SECONDS, enroller_env

READY = "Application startup complete."
QUESTION = "NOD01 dated 3/3/26, when is the ROP due?"


def _alive_worker(pid: str) -> bool:
    """A uvicorn worker that is running: not multiprocessing's resource tracker, not a killed worker the master
    has not reaped yet (a zombie, still listed among its children)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z" and b"resource_tracker" not in cmdline


def _workers(master: int) -> list[int]:
    """The master's children that are running uvicorn workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children if _alive_worker(pid)]


def test_the_other_worker_keeps_answering_and_the_master_respawns(tmp_path: Path, corpus_index: Path) -> None:
    """kill -9 of one of two workers: the next requests (fresh connections) are all answered while the new worker
    is still starting, so by the other one; the master has started a replacement."""
    index = shutil.copytree(corpus_index, tmp_path / "index")
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "bots.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    with log.open("ab") as out:
        master = subprocess.Popen(
            [*command, "--index", str(index)],
            cwd=REPO,
            env=enroller_env(tmp_path, ENROLLER_RATE_LIMIT="0"),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/api/ask"
    try:
        deadline = time.monotonic() + WORKER_START_SECONDS
        while log.read_text().count(READY) < 2 or len(_workers(master.pid)) != 2:
            assert master.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)
        before = _workers(master.pid)
        assert httpx.post(url, json={"question": QUESTION}, timeout=60).status_code == 200

        os.kill(before[0], signal.SIGKILL)
        killed = time.monotonic()
        statuses = [httpx.post(url, json={"question": QUESTION}, timeout=60).status_code for _ in range(10)]
        answered_in = time.monotonic() - killed
        assert statuses == [200] * 10, statuses
        # The replacement had not finished starting: those ten answers came from the worker left alive.
        assert log.read_text().count(READY) == 2, f"the new worker was already up after {answered_in:.1f} s"
        assert before[1] in _workers(master.pid)

        while not set(_workers(master.pid)) - set(before) and time.monotonic() - killed < 10:
            time.sleep(0.1)
        replacement = set(_workers(master.pid)) - set(before)
        assert len(replacement) == 1, _workers(master.pid)
        assert f"Child process [{before[0]}] died" in log.read_text()
    finally:
        master.terminate()
        try:
            master.wait(timeout=20)
        except subprocess.TimeoutExpired:
            master.kill()
            master.wait(timeout=10)
