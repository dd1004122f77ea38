"""A worker killed under load (a scripted check, not a test): `enroller serve --workers 2` on 127.0.0.1, N
concurrent clients on `/api/ask` for S seconds, and `kill -9` of one worker process (a child of the uvicorn
master) half-way through.

    .venv/bin/python bench/worker_kill.py [--clients 8] [--seconds 20] [--kill-at 10] [--index DIR] [--out FILE]

Loopback only, in a throwaway folder (deleted after a run), bounded in time (start-up and respawn each have a
limit). Without --index the built-in guides are indexed there first with `enroller ingest`; conversations go to a
SQLite file there.

Reported: requests, errors split into connection errors (reset, refused, closed mid-response), timeouts and
non-2xx statuses, p50 / p95 of the answered ones, what was answered between the kill and the respawned worker's
start-up (only the other worker can answer then: the master's shared socket is the only way in), the longest
stretch with no answer after the kill, and whether the master started a new worker that came up. Exit status 0
when the other worker kept answering and a new worker came up.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import httpx  # noqa: E402

QUESTIONS = [
    "NOD01 dated 3/3/26, when is the ROP due?",
    "Can carriers reinstate a consumer after an ROP termination?",
    "What are the service center hours?",
    "How do I export my book of business?",
]
TIMEOUT_S = 30.0
STARTED = re.compile(r"Started server process \[(\d+)\]")
READY = "Application startup complete."


@dataclass
class Outcome:
    """One request: when it started and ended (seconds since the load began) and how it went."""

    started: float
    ended: float
    result: str  # "ok", "status 503", "connection ReadError", "timeout"


@dataclass
class Server:
    """`enroller serve --workers 2` and what its log says about its workers."""

    process: subprocess.Popen[bytes]
    url: str
    log: Path
    events: list[tuple[float, str]] = field(default_factory=list)  # (monotonic time, log line) as first seen

    def workers(self) -> list[int]:
        """The worker processes: the master's children that run uvicorn (not multiprocessing's helpers)."""
        pid = self.process.pid
        try:
            children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []
        workers = []
        for child in children:
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if "resource_tracker" not in cmdline and "semaphore_tracker" not in cmdline:
                workers.append(child)
        return workers

    def poll_log(self) -> None:
        """Note the log lines not seen before, with the time they were first seen."""
        lines = self.log.read_text(errors="replace").splitlines()
        now = time.monotonic()
        self.events += [(now, line) for line in lines[len(self.events) :]]

    def ready_count(self) -> int:
        """How many workers have finished start-up so far (respawned ones included)."""
        return sum(READY in line for _, line in self.events)

    def stop(self) -> None:
        """SIGTERM to the master (it stops its workers); if it lingers, SIGKILL to it and to its workers, by id."""
        if self.process.poll() is not None:
            return
        workers = self.workers()
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def start_server(tmp: Path, index: Path, startup_timeout: float) -> Server:
    """Start the two-worker server on a free loopback port and wait until both workers have started."""
    from tests.chroma_server import free_port
    from tests.production.conftest import enroller_env

    port = free_port()
    log = tmp / "serve.log"
    env = enroller_env(tmp, ENROLLER_RATE_LIMIT="0", ENROLLER_LOG_LEVEL="ERROR")
    command = [sys.executable, "-m", "bots.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        process = subprocess.Popen(
            [*command, "--workers", "2", "--index", str(index)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + startup_timeout
    while time.monotonic() < deadline:
        server.poll_log()
        if process.poll() is not None:
            break
        if server.ready_count() >= 2 and len(server.workers()) == 2:
            return server
        time.sleep(0.3)
    server.stop()
    raise SystemExit(f"the server did not start 2 workers in {startup_timeout:.0f} s: {log.read_text()[-2000:]}")


def build_index(tmp: Path) -> Path:
    """The built-in guides indexed into the throwaway folder by `enroller ingest`."""
    from tests.production.conftest import enroller_env, run_enroller

    index = tmp / "index"
    done = run_enroller("ingest", "--index", str(index), "--quiet", env=enroller_env(tmp), timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"enroller ingest failed: {done.stderr[-2000:]}")
    return index


def classify(exc: Exception) -> str:
    """An httpx error as "timeout" or "connection <kind>"."""
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    return f"connection {type(exc).__name__}"


async def client_loop(number: int, url: str, t0: float, deadline: float, outcomes: list[Outcome]) -> None:
    """One client asking back to back on its own keep-alive connection (re-opened after an error)."""
    n = 0
    while time.monotonic() < deadline:
        async with httpx.AsyncClient(timeout=TIMEOUT_S) as http:
            while time.monotonic() < deadline:
                question = QUESTIONS[(number + n) % len(QUESTIONS)]
                n += 1
                started = time.monotonic()
                try:
                    response = await http.post(f"{url}/api/ask", json={"question": question})
                    result = "ok" if response.is_success else f"status {response.status_code}"
                except httpx.HTTPError as exc:
                    result = classify(exc)
                outcomes.append(Outcome(started - t0, time.monotonic() - t0, result))
                if result != "ok":
                    break  # a fresh connection, as a real client would after an error


async def kill_one(server: Server, t0: float, kill_at: float, notes: dict[str, Any]) -> None:
    """At `kill_at` s, SIGKILL one worker; then watch the log and the children for the respawn."""
    await asyncio.sleep(max(0.0, kill_at - (time.monotonic() - t0)))
    before = server.workers()
    victim = before[0]
    ready_before = server.ready_count()
    os.kill(victim, signal.SIGKILL)
    killed = time.monotonic()
    notes.update(workers_before=before, killed_pid=victim, killed_at_s=round(killed - t0, 2))
    notes["survivor_pid"] = next(pid for pid in before if pid != victim)
    while time.monotonic() - killed < notes["respawn_timeout_s"]:
        server.poll_log()
        now = server.workers()
        new = [pid for pid in now if pid not in before]
        if new and "new_pid" not in notes:
            notes.update(new_pid=new[0], new_pid_seen_after_s=round(time.monotonic() - killed, 2))
        if new and server.ready_count() > ready_before:
            notes["respawn_ready_at_s"] = round(time.monotonic() - t0, 2)
            notes["respawn_ready_after_s"] = round(time.monotonic() - killed, 2)
            break
        await asyncio.sleep(0.2)
    notes["survivor_alive"] = notes["survivor_pid"] in server.workers()


async def run(server: Server, clients: int, seconds: float, kill_at: float, respawn_timeout: float) -> dict[str, Any]:
    """Load for `seconds` with a kill at `kill_at`; the outcomes and what happened to the workers."""
    outcomes: list[Outcome] = []
    notes: dict[str, Any] = {"respawn_timeout_s": respawn_timeout}
    t0 = time.monotonic()
    deadline = t0 + seconds
    killer = asyncio.create_task(kill_one(server, t0, kill_at, notes))
    await asyncio.gather(*(client_loop(i, server.url, t0, deadline, outcomes) for i in range(clients)))
    await killer  # bounded by respawn_timeout
    return {"outcomes": outcomes, "notes": notes, "wall_s": time.monotonic() - t0}


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (1-99) of `values` in ms, 0.0 when empty."""
    if len(values) < 2:
        return round(values[0] * 1000, 1) if values else 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000, 1)


def report(outcomes: list[Outcome], notes: dict[str, Any], wall: float) -> dict[str, Any]:
    """The figures: totals, errors by kind, latency, and the window between the kill and the respawn."""
    ok = [o for o in outcomes if o.result == "ok"]
    errors = Counter(o.result for o in outcomes if o.result != "ok")
    killed_at = notes["killed_at_s"]
    respawned_at = notes.get("respawn_ready_at_s", wall)
    window = [o for o in ok if killed_at < o.started and o.ended < respawned_at]
    after = sorted(o.ended for o in ok if o.ended > killed_at)
    gaps = [b - a for a, b in zip([killed_at, *after], after, strict=False)]
    return {
        "seconds": round(wall, 1),
        "requests": len(outcomes),
        "answered": len(ok),
        "errors": sum(errors.values()),
        "connection_errors": sum(n for kind, n in errors.items() if kind.startswith("connection")),
        "timeouts": errors.get("timeout", 0),
        "non_2xx": sum(n for kind, n in errors.items() if kind.startswith("status")),
        "errors_by_kind": dict(errors),
        "errors_after_kill_s": sorted({round(o.ended - killed_at, 1) for o in outcomes if o.result != "ok"}),
        "p50_ms": percentile([o.ended - o.started for o in ok], 50),
        "p95_ms": percentile([o.ended - o.started for o in ok], 95),
        "answered_before_kill": sum(o.ended <= killed_at for o in ok),
        "answered_between_kill_and_respawn": len(window),
        "longest_gap_after_kill_s": round(max(gaps), 2) if gaps else None,
        "remaining_worker_kept_answering": bool(window) and notes.get("survivor_alive", False),
        "respawned": "respawn_ready_after_s" in notes,
        **{k: v for k, v in notes.items() if k != "respawn_timeout_s"},
    }


def main(argv: list[str] | None = None) -> int:
    """Start the server, load it, kill a worker, print (and optionally write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the load (default 20)")
    parser.add_argument("--kill-at", type=float, help="second of the load the worker is killed at (default half-way)")
    parser.add_argument("--index", type=Path, help="an existing index to serve (default: the built-in guides)")
    parser.add_argument("--startup-timeout", type=float, default=300.0, help="seconds for both workers to start")
    parser.add_argument("--respawn-timeout", type=float, default=120.0, help="seconds for the new worker to start")
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    kill_at = args.seconds / 2 if args.kill_at is None else args.kill_at
    if not 0 < kill_at < args.seconds:
        parser.error("--kill-at must fall inside the load")

    tmp = Path(tempfile.mkdtemp(prefix="enroller-worker-kill-"))
    index = args.index.resolve() if args.index is not None else build_index(tmp)
    server = start_server(tmp, index, args.startup_timeout)
    try:
        for _ in range(4):  # warm both workers (the shared socket spreads these)
            httpx.post(f"{server.url}/api/ask", json={"question": QUESTIONS[0]}, timeout=TIMEOUT_S)
        print(f"worker kill: {args.clients} clients, {args.seconds:.0f} s, kill at {kill_at:.0f} s", file=sys.stderr)
        result = asyncio.run(run(server, args.clients, args.seconds, kill_at, args.respawn_timeout))
        after = httpx.post(f"{server.url}/api/ask", json={"question": QUESTIONS[0]}, timeout=TIMEOUT_S)
        figures = report(result["outcomes"], result["notes"], result["wall_s"])
        figures["answers_after_the_run"] = after.status_code
        figures["workers_at_end"] = server.workers()
    finally:
        server.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(figures, indent=2))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["remaining_worker_kept_answering"] and figures["respawned"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
