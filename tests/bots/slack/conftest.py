"""The Slack app over real HTTP: a uvicorn server on 127.0.0.1 with Slack mounted, signed requests, a fake Web API."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import uvicorn
from fastapi import FastAPI
from slack_sdk.signature import SignatureVerifier

from assistant.engine import Assistant
from assistant.settings import Settings
from assistant.store import ConversationStore
from bots.slack import SlackSettings, mount_slack
from tests.assistant.fakes import FakeHit
from tests.bots.slack.fake_slack import BOT_USER, TEAM, FakeSlack, event_envelope

SECRET = "test-signing-secret"
PUBLIC_URL = "https://enroller.example.org"
HELPERS = "S0HELPERS"

#: A document page whose text would ping the channel and make links if it were not escaped (and `<http://x|y>` were
#: not dropped to its label).
HOSTILE_HIT = FakeHit(
    "carrier-guide.pdf",
    "Carrier payments guide",
    7,
    "Carriers process binder payments; tell <!channel> and see <#C0123|general>, <http://x|y> & the carrier's own site "
    "for payment.",
    dense_score=0.9,
)
ROP_HIT = FakeHit(
    "rop-guide.pdf",
    "ROP guide",
    8,
    "Only Covered California can reinstate these consumers; carriers cannot process ROP reinstatements.",
    doc_date="2025-10-10",
    dense_score=0.9,
)


def fake_search(query: str, k: int) -> list[FakeHit]:
    """Our own boundary faked: the hostile page for payment questions, the ROP page otherwise."""
    return [HOSTILE_HIT if "pay" in query.lower() else ROP_HIT][:k]


@dataclass
class Response:
    """What the server answered."""

    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SlackServer:
    """FastAPI with `mount_slack`, served by uvicorn on a free loopback port."""

    def __init__(self, assistant: Assistant, fake: FakeSlack) -> None:
        self.assistant = assistant
        self.fake = fake
        app = FastAPI()
        settings = SlackSettings(bot_token="xoxb-test", signing_secret=SECRET, api_url=fake.url)
        # In tests the listener finishes before the HTTP response, so the calls can be asserted right after.
        mount_slack(app, assistant, settings, process_before_response=True)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def start(self) -> SlackServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()

    # --- requests Slack would send --------------------------------------------------------------

    def post(
        self,
        raw: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        signed_body: str | None = None,
        **headers: str,
    ) -> Response:
        """POST `raw` to /slack/events signed with Slack's v0 scheme (over `signed_body` instead, to tamper)."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signed = raw if signed_body is None else signed_body
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=signed)
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/slack/events",
            data=raw.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": signature or "",
                **headers,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as resp:
                return Response(resp.status, resp.read().decode())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read().decode())

    def event(self, event: dict[str, Any], *, event_id: str, **headers: str) -> Response:
        """An Events API delivery."""
        return self.post(json.dumps(event_envelope(event, event_id=event_id)), "application/json", **headers)

    def command(self, text: str, *, user: str = "U1", channel: str = "C1") -> Response:
        """A `/enroller` slash command."""
        fields = {
            "command": "/enroller",
            "text": text,
            "user_id": user,
            "channel_id": channel,
            "team_id": TEAM,
            "trigger_id": "trigger-1",
            "response_url": self.fake.response_url,
        }
        return self.post(urlencode(fields), "application/x-www-form-urlencoded")

    def interact(self, payload: dict[str, Any]) -> Response:
        """An interactivity payload (buttons, shortcuts, modals)."""
        payload = {"team": {"id": TEAM}, "response_url": self.fake.response_url, "trigger_id": "trigger-2", **payload}
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def mention(text: str, *, ts: str = "1700000000.000100", user: str = "U1", **extra: Any) -> dict[str, Any]:
    """An app_mention event in channel C1."""
    return {"type": "app_mention", "user": user, "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": "C1", **extra}


def message(text: str, *, ts: str, user: str = "U1", channel: str = "C1", **extra: Any) -> dict[str, Any]:
    """A message event (channel_type channel unless given)."""
    return {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "channel_type": "channel",
    } | extra


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Web API, recording every call."""
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    """One SQLite file, shared by every app instance in a test."""
    return tmp_path / "slack.sqlite3"


def _settings() -> Settings:
    return Settings(public_url=PUBLIC_URL, slack_helpers=HELPERS)


@pytest.fixture
def make_server(fake_slack: FakeSlack, database: Path) -> Iterator[Callable[[], SlackServer]]:
    """Start app instances (each with its own Assistant and store on the shared database file)."""
    started: list[SlackServer] = []

    def make() -> SlackServer:
        store = ConversationStore(database)
        server = SlackServer(Assistant(search=fake_search, store=store, settings=_settings()), fake_slack).start()
        started.append(server)
        return server

    yield make
    for server in started:
        server.stop()
        server.assistant.store.close()


@pytest.fixture
def slack(make_server: Callable[[], SlackServer]) -> SlackServer:
    """One app instance on a real server."""
    return make_server()
