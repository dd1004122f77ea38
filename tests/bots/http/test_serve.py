"""`enroller serve`'s refusal of an open bind, and the token helpers (no server, no model)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from bots.cli import main
from bots.http.auth import bearer_token, safe_next, session_is_valid, session_value, token_is_valid


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::"])
def test_serve_refuses_an_open_bind_without_tokens(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A non-loopback address with no ENROLLER_API_TOKENS is refused (exit 2) unless --allow-open."""
    assert main(["serve", "--host", host]) == 2
    assert "refusing to serve" in capsys.readouterr().err


def test_serve_allow_open_binds_a_non_loopback_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """--allow-open lets a token-less, non-loopback bind through to uvicorn (stubbed: nothing listens)."""
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123", "--allow-open"]) == 0
    assert [(c["host"], c["port"]) for c in calls] == [("0.0.0.0", 8123)]


def test_serve_rejects_zero_workers(capsys: pytest.CaptureFixture[str]) -> None:
    """--workers must be at least 1."""
    assert main(["serve", "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_tokens_and_sessions() -> None:
    """Bearer parsing, token match, and a session cookie that holds no token but verifies against it."""
    tokens = [SecretStr("alpha"), SecretStr("beta")]
    assert bearer_token("Bearer beta") == "beta"
    assert bearer_token("Basic beta") is None
    assert token_is_valid("beta", tokens)
    assert not token_is_valid("gamma", tokens)
    cookie = session_value(tokens[1])
    assert "beta" not in cookie
    assert session_is_valid(cookie, tokens)
    assert not session_is_valid(cookie, [SecretStr("other")])


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("/chat", "/chat"),
        ("//evil.example.com", "/help-request"),
        ("https://x", "/help-request"),
        (None, "/help-request"),
    ],
)
def test_safe_next(given: str | None, expected: str) -> None:
    """After sign-in only a local path is followed."""
    assert safe_next(given) == expected
