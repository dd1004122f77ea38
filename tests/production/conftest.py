"""Production shape: a real Chroma server and PostgreSQL on 127.0.0.1, `enroller serve` workers as processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.assistant.conftest import postgres_server, postgres_url  # fixtures, shared with the store tests
from tests.chroma_server import ChromaServer, free_port, running_chroma

__all__ = ["postgres_server", "postgres_url"]

REPO = Path(__file__).resolve().parents[2]
WORKER_START_SECONDS = 120


@pytest.fixture
def chroma() -> Iterator[ChromaServer]:
    """A Chroma server of its own on 127.0.0.1 (skipped where it cannot start, never under CI)."""
    with running_chroma() as server:
        yield server


def enroller_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    """The environment of an `enroller` process: offline, its own data folder, plus `variables`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENROLLER_", "SLACK_"))}
    env.pop("DATABASE_URL", None)
    env.pop("CHROMA_URL", None)
    env.update(
        HF_HUB_OFFLINE="1",
        HF_HUB_DISABLE_PROGRESS_BARS="1",
        TOKENIZERS_PARALLELISM="false",
        ANONYMIZED_TELEMETRY="False",
        ENROLLER_DATA_DIR=str(tmp_path / "data"),
        PYTHONPATH=str(REPO),
    )
    env.update(variables)
    return env


def run_enroller(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """`enroller ARGS` from this checkout, to completion."""
    return subprocess.run(
        [sys.executable, "-m", "bots.cli", *args],
        check=False,
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Worker:
    """One `enroller serve` process on its own port of 127.0.0.1."""

    def __init__(self, env: dict[str, str], log: Path, *extra: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bots.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port), *extra],
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = WORKER_START_SECONDS) -> dict[str, Any]:
        """Wait for /readyz 200; its body. Fails with the worker's log if it does not get there."""
        deadline = time.monotonic() + timeout
        last: Any = None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            status, body = self.request("GET", "/readyz")
            if status == 200:
                return dict(body)
            last = body
            time.sleep(0.3)
        tail = self.log.read_text(errors="replace")[-3000:]
        raise AssertionError(f"worker on {self.port} not ready ({last}): {tail}")

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """Status and decoded JSON body (0 when nothing listens yet)."""
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        request = urllib.request.Request(
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as resp:
                text = resp.read().decode()
                return resp.status, json.loads(text) if text else None
        except urllib.error.HTTPError as exc:
            text = exc.read().decode()
            try:
                return exc.code, json.loads(text)
            except ValueError:
                return exc.code, text
        except OSError:
            return 0, None

    def stop(self) -> None:
        """Stop this worker (and its uvicorn children) by its own process id."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
