"""Real uvicorn servers on 127.0.0.1 (a free port each) around `create_app`, sharing one Assistant built on the
session's corpus index, and a fake portal webhook on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from assistant.engine import Assistant
from assistant.settings import Settings
from bots.http import create_app

TOKEN = "test-token-9f2c"


@dataclass
class LiveServer:
    """A running server: its base URL and the app's state."""

    url: str
    app: Any

    @property
    def assistant(self) -> Assistant:
        """The app's assistant (it must have started)."""
        assistant: Assistant = self.app.state.enroller.assistant
        return assistant


def serve_app(app: Any) -> Iterator[LiveServer]:
    """Run `app` under uvicorn in a thread until the generator is closed."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server stopped during start-up")
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not start in 120 s")
        time.sleep(0.02)
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def http_settings(data_dir: Path, index_dir: Path | None, **extra: Any) -> Settings:
    """Settings for a test server: everything under `data_dir`, no LLM."""
    # No rate limit unless a test asks for one: every test client shares 127.0.0.1 (tests/production checks 429).
    return Settings(data_dir=data_dir, index_dir=index_dir, llm=None, **{"rate_limit": 0, **extra})


@pytest.fixture(scope="session")
def http_assistant(tmp_path_factory: pytest.TempPathFactory, corpus_index: Path) -> Iterator[Assistant]:
    """One Assistant over the corpus index, built the way the app builds it, shared by every server."""
    from assistant.wiring import build_assistant

    settings = http_settings(tmp_path_factory.mktemp("http-data"), corpus_index)
    with build_assistant(settings, index_dir=corpus_index, notice=lambda _message: None) as assistant:
        yield assistant


ServerFactory = Callable[..., LiveServer]


@pytest.fixture(scope="module")
def start_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerFactory]:
    """Start servers on demand (`start_server(assistant, index_dir, **settings)`); all stopped after the module."""
    running: list[Iterator[LiveServer]] = []

    def start(assistant: Assistant | None, index_dir: Path | None, **extra: Any) -> LiveServer:
        settings = http_settings(tmp_path_factory.mktemp("http-server"), index_dir, **extra)
        gen = serve_app(create_app(settings, assistant))
        running.append(gen)
        return next(gen)

    yield start
    for gen in running:
        gen.close()


@pytest.fixture(scope="module")
def secured(start_server: ServerFactory, http_assistant: Assistant, corpus_index: Path) -> LiveServer:
    """A server that requires TOKEN and allows the portal's origin."""
    return start_server(http_assistant, corpus_index, api_tokens=[TOKEN], cors_origins=["https://portal.example.org"])


@pytest.fixture(scope="module")
def open_server(start_server: ServerFactory, http_assistant: Assistant, corpus_index: Path) -> LiveServer:
    """A server with no tokens (loopback only), as `enroller serve` runs by default."""
    return start_server(http_assistant, corpus_index)


@dataclass
class FakeWebhook:
    """The portal's help-request endpoint on loopback: records each JSON body, answers with a reference."""

    url: str
    received: list[dict[str, Any]] = field(default_factory=list)


WebhookFactory = Callable[..., FakeWebhook]


@pytest.fixture
def start_webhook() -> Iterator[WebhookFactory]:
    """Start portal webhooks (`start_webhook(status, content_type, body)`) that record each POST's JSON body and
    answer with that reply; all stopped after the test."""
    servers: list[ThreadingHTTPServer] = []

    def start(status: int = 201, content_type: str = "application/json", body: bytes = b"{}") -> FakeWebhook:
        hook = FakeWebhook(url="")

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                hook.received.append(json.loads(self.rfile.read(length)))
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                return

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        hook.url = f"http://127.0.0.1:{server.server_address[1]}/help-requests"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return hook

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fake_webhook(start_webhook: WebhookFactory) -> FakeWebhook:
    """A webhook that accepts every POST and answers {"reference": "PORTAL-1"}."""
    return start_webhook(201, "application/json", json.dumps({"reference": "PORTAL-1"}).encode())
