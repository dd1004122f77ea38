"""A fake Slack Web API on 127.0.0.1 recording every call (and every response_url POST)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0001"


@dataclass
class Call:
    """One request the fake received: the Web API method (or "response_url") and its arguments."""

    method: str
    args: dict[str, Any]


class FakeSlack:
    """Answers the Web API methods the app uses; `fail[method] = "error"` makes one fail like Slack does."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.fail: dict[str, str] = {}
        self.history: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._ts = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                if "json" in (self.headers.get("Content-Type") or ""):
                    args = json.loads(raw or "{}")
                else:
                    args = {k: _maybe_json(v[0]) for k, v in parse_qs(raw).items()}
                path = self.path.split("?", 1)[0]
                method = path.removeprefix("/api/") if path.startswith("/api/") else "response_url"
                body = fake.respond(method, args)
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The Web API base URL (what SLACK_API_URL would be)."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    @property
    def response_url(self) -> str:
        """A response_url Slack would put in a command or interaction payload."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/response/1"

    def respond(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """Record the call and answer it."""
        with self._lock:
            self.calls.append(Call(method, args))
            self._ts += 1
            ts = f"1800000000.{self._ts:06d}"
        if method in self.fail:
            return {"ok": False, "error": self.fail[method]}
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": BOT_ID, "team_id": TEAM, "user": "enroller"}
        if method in ("chat.postMessage", "chat.startStream", "chat.update"):
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts", ts)}
        if method == "conversations.history":
            return {"ok": True, "messages": self.history}
        return {"ok": True}

    def named(self, method: str) -> list[Call]:
        """The calls of one method, in order."""
        return [c for c in self.calls if c.method == method]

    def methods(self) -> list[str]:
        """Every method called except auth.test, in order."""
        return [c.method for c in self.calls if c.method != "auth.test"]

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _maybe_json(value: str) -> Any:
    if value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def event_envelope(event: dict[str, Any], *, event_id: str) -> dict[str, Any]:
    """The Events API delivery around `event`, as Slack posts it to the app."""
    return {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": event,
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }


def signed_mention(
    event_id: str, text: str, *, secret: str, ts: str = "1700000000.000100"
) -> tuple[bytes, dict[str, str]]:
    """An app_mention Events API delivery of `text` at `ts`, with its JSON content type and Slack's v0 signature
    made with `secret` (what Slack sends to /slack/events)."""
    from slack_sdk.signature import SignatureVerifier

    mention = {"type": "app_mention", "user": "U1", "text": f"<@{BOT_USER}> {text}", "ts": ts, "channel": "C1"}
    body = json.dumps(event_envelope(mention, event_id=event_id))
    stamp = str(int(time.time()))
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=body) or ""
    headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature}
    return body.encode(), headers
