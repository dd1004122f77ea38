"""Per-client rate limits on a real server (uvicorn on 127.0.0.1): one token over its limit gets 429 with
`Retry-After` while another token, the health probes and the pages keep answering."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bots.http import create_app
from bots.http.ratelimit import TokenBuckets
from tests.bots.http.conftest import LiveServer, http_settings, serve_app

NOISY = "noisy-token-1"
QUIET = "quiet-token-2"
LIMIT = 6


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with two tokens and ENROLLER_RATE_LIMIT=6 (no index: /api/tools answers without one)."""
    data = tmp_path_factory.mktemp("rate-limit")
    settings = http_settings(data, data / "no-index", api_tokens=[NOISY, QUIET], rate_limit=LIMIT)
    yield from serve_app(create_app(settings))


def _tools(server: LiveServer, token: str) -> httpx.Response:
    return httpx.get(f"{server.url}/api/tools", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_one_client_cannot_starve_another(limited: LiveServer) -> None:
    """NOISY bursts its minute's worth, then 429 + Retry-After; QUIET and /healthz are untouched."""
    statuses = [_tools(limited, NOISY).status_code for _ in range(LIMIT)]
    assert statuses == [200] * LIMIT
    refused = _tools(limited, NOISY)
    assert refused.status_code == 429
    retry_after = int(refused.headers["Retry-After"])
    assert 1 <= retry_after <= 60 // LIMIT
    assert refused.json() == {
        "detail": f"too many requests: at most {LIMIT} a minute per client; retry in {retry_after} s",
        "field": None,
    }
    assert _tools(limited, QUIET).status_code == 200
    assert httpx.get(f"{limited.url}/healthz", timeout=10).status_code == 200
    # After Retry-After the bucket has refilled one request.
    time.sleep(retry_after)
    assert _tools(limited, NOISY).status_code == 200
    assert _tools(limited, NOISY).status_code == 429


def test_limit_is_documented(limited: LiveServer) -> None:
    """/openapi.json lists 429 on the API."""
    spec = httpx.get(f"{limited.url}/openapi.json", timeout=10).json()
    assert "429" in spec["paths"]["/api/ask"]["post"]["responses"]


def test_buckets_refill_at_the_configured_pace() -> None:
    """60 a minute: a burst of 60, then one a second."""
    now = [0.0]
    buckets = TokenBuckets(60, clock=lambda: now[0])
    assert all(buckets.take("a") == 0.0 for _ in range(60))
    assert buckets.take("a") == pytest.approx(1.0)
    assert buckets.take("b") == 0.0
    now[0] += 1.0
    assert buckets.take("a") == 0.0
    assert buckets.take("a") > 0


def test_buckets_are_bounded() -> None:
    """Old keys are dropped (and start full again) so many clients cannot grow memory without bound."""
    buckets = TokenBuckets(1, clock=lambda: 0.0, max_keys=3)
    for key in "abcd":
        assert buckets.take(key) == 0.0
    assert buckets.take("a") == 0.0  # dropped, so full again
    assert buckets.take("d") > 0


def test_rate_limit_off(tmp_path: Path) -> None:
    """ENROLLER_RATE_LIMIT=0: no middleware at all."""
    app = create_app(http_settings(tmp_path, tmp_path / "no-index", rate_limit=0))
    assert not any(m.cls.__name__ == "RateLimitMiddleware" for m in app.user_middleware)
