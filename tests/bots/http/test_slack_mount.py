"""`enroller serve`'s app mounts Slack at POST /slack/events when Slack's token and signing secret are set."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from slack_sdk.signature import SignatureVerifier

from assistant.engine import Assistant
from tests.bots.http.conftest import ServerFactory

SECRET = "test-signing-secret"


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_slack_events_are_served_with_signatures_checked(
    start_server: ServerFactory, http_assistant: Assistant, corpus_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, the app answers Slack's URL check when signed and refuses
    a bad or stale signature with 401; without them there is no such route."""
    unset = start_server(http_assistant, corpus_index)
    assert _post(f"{unset.url}/slack/events", b"{}", {}) in (404, 405)

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SECRET)
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")  # never reached: the URL check needs no API call
    server = start_server(http_assistant, corpus_index)
    body = json.dumps({"type": "url_verification", "challenge": "abc", "token": "t"}).encode()

    def headers(timestamp: int, secret: str = SECRET) -> dict[str, str]:
        signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body.decode())
        return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature}

    now = int(time.time())
    assert _post(f"{server.url}/slack/events", body, headers(now)) == 200
    assert _post(f"{server.url}/slack/events", body, headers(now, "wrong-secret")) == 401
    assert _post(f"{server.url}/slack/events", body, headers(now - 600)) == 401
