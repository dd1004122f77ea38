"""A throwaway Chroma server for tests: `chroma run` on a free port of 127.0.0.1 over a temp folder, stopped after.

Skipped where the `chroma` command cannot start; under CI (CI=true) that is a failure instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

STARTUP_SECONDS = 30


def chroma_command() -> str | None:
    """The `chroma` CLI of this Python environment (else on PATH), or None."""
    beside = Path(sys.executable).parent / "chroma"
    return str(beside) if beside.exists() else shutil.which("chroma")


def free_port() -> int:
    """A port nothing listens on (now) on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def cannot_run(reason: str) -> None:
    """Skip, or fail under CI: the production tests must run there."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: this test may not be skipped)")
    pytest.skip(reason)


class ChromaServer:
    """`chroma run --path DIR --host 127.0.0.1 --port N`; `url` once it answers its heartbeat."""

    def __init__(self, path: Path | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="enroller-chroma-"))
        self.path = path or self.root / "db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait for its heartbeat; RuntimeError with its log if it does not come up."""
        command = chroma_command()
        if command is None:
            raise FileNotFoundError("the `chroma` command (shipped with chromadb) is not installed")
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
        with (self.root / "server.log").open("ab") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [command, "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"chroma run did not start: {self.log_tail()}")

    def log_tail(self) -> str:
        """The end of the server's output."""
        log = self.root / "server.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def kill(self) -> None:
        """Stop the server at once (SIGKILL), keeping its data: `start` brings it back on the same port."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server (this process only) and delete its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def running_chroma() -> Iterator[ChromaServer]:
    """A started server (skip/fail as `cannot_run` says when it cannot start), stopped afterwards."""
    server = ChromaServer()
    try:
        server.start()
    except (OSError, RuntimeError) as exc:
        server.stop()
        cannot_run(f"cannot start a Chroma server: {exc}")
    try:
        yield server
    finally:
        server.stop()
