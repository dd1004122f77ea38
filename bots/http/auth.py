"""Bearer tokens for /api/*, and the session cookie the pages use after one sign-in.

Tokens are compared in constant time and never logged or echoed. The cookie holds no token: it is an HMAC of
a fixed label keyed by the token, so it stays valid across workers and restarts and dies with its token.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from pydantic import SecretStr

SESSION_COOKIE = "enroller_session"
_SESSION_LABEL = b"enroller-assist session v1"


def _matches(candidate: str, secrets: Sequence[str]) -> bool:
    """Whether `candidate` equals one of `secrets`, comparing against all of them in constant time."""
    given = candidate.encode()
    found = False
    for secret in secrets:
        found |= hmac.compare_digest(given, secret.encode())
    return found


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header (None when absent or another scheme)."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def token_is_valid(token: str | None, tokens: Sequence[SecretStr]) -> bool:
    """Whether `token` is one of the configured tokens."""
    return token is not None and _matches(token, [t.get_secret_value() for t in tokens])


def session_value(token: SecretStr) -> str:
    """The session cookie value for a signed-in token."""
    return hmac.new(token.get_secret_value().encode(), _SESSION_LABEL, hashlib.sha256).hexdigest()


def session_is_valid(cookie: str | None, tokens: Sequence[SecretStr]) -> bool:
    """Whether a session cookie was issued for one of the configured tokens."""
    return cookie is not None and _matches(cookie, [session_value(t) for t in tokens])


def safe_next(path: str | None) -> str:
    """Where to go after signing in: a local path only (never another site)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/help-request"
    return path
