"""Per-client rate limits on /api/*: a token bucket per bearer token (else session cookie, else client address),
so one client cannot starve the rest; the suggest widget's calls per token and client address, in buckets of their
own. Over the limit → 429 with `Retry-After` (whole seconds).

Each bucket holds `per_minute` requests and refills at `per_minute / 60` a second, so a client may burst up to
its minute's worth and then keeps that pace. Buckets live in the worker (N workers: up to N× per client) and are
keyed by a hash, never by the token itself. Slack events, health probes, pages and static files are not limited
(Slack retries what we refuse; a probe must always answer).
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from bots.http.auth import SESSION_COOKIE, bearer_token
from bots.http.errors import error_body

#: Buckets kept per worker; the least recently seen are dropped first (a dropped bucket starts full again).
MAX_BUCKETS = 10_000
LIMITED_PREFIX = "/api/"
#: The widget's endpoint, called on every pause in typing: its own buckets (see `client_key`).
SUGGEST_PATH = "/api/help-requests/suggest"


class TokenBuckets:
    """`per_minute` requests per key, refilled continuously. Not thread-safe: used on the event loop only."""

    def __init__(
        self, per_minute: int, *, clock: Callable[[], float] = time.monotonic, max_keys: int = MAX_BUCKETS
    ) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, when)

    def take(self, key: str) -> float:
        """Take one request for `key`: 0.0 when allowed, else the seconds until one is available."""
        now = self.clock()
        tokens, then = self._buckets.pop(key, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - then) * self.rate)
        wait = 0.0
        if tokens >= 1.0:
            tokens -= 1.0
        else:
            wait = (1.0 - tokens) / self.rate
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return wait


def client_key(scope: Scope) -> str:
    """Who is asking: a hash of the bearer token or session cookie, else the client's address. The suggest
    widget's calls are counted apart, per token *and* address: every portal user sends the portal page's one
    `data-token`, so by token alone they would share (and starve) one bucket, and typing would eat into that
    client's budget for the rest of /api."""
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []}
    token = bearer_token(headers.get("authorization"))
    if token is None:
        token = _cookie(headers.get("cookie", ""), SESSION_COOKIE)
    client = scope.get("client")
    address = client[0] if client else "unknown"
    who = "t:" + hashlib.sha256(token.encode()).hexdigest()[:32] if token is not None else f"a:{address}"
    if scope.get("path") == SUGGEST_PATH:
        return f"s:{address}:{who}"
    return who


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name and value:
            return value
    return None


class RateLimitMiddleware:
    """429 with `Retry-After` for a client over its limit on /api/* (CORS preflights are never limited)."""

    def __init__(self, app: ASGIApp, *, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.per_minute = per_minute
        self.buckets = TokenBuckets(per_minute, clock=clock)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "OPTIONS" or not scope["path"].startswith(LIMITED_PREFIX):
            await self.app(scope, receive, send)
            return
        wait = self.buckets.take(client_key(scope))
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        retry_after = max(1, math.ceil(wait))
        message = f"too many requests: at most {self.per_minute} a minute per client; retry in {retry_after} s"
        response: Any = JSONResponse(error_body(message), status_code=429, headers={"Retry-After": str(retry_after)})
        await response(scope, receive, send)
