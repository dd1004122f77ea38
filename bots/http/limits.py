"""Request body limits, enforced before any body reaches a handler (pure ASGI middleware)."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bots.http.errors import error_body

#: API bodies are a question or a description: nobody types 16 KB.
MAX_BODY_BYTES = 16 * 1024
#: The help-request form carries screenshots.
MAX_FORM_BYTES = 8 * 1024 * 1024


class BodyLimitMiddleware:
    """Answer 413 for a body over the limit (declared by Content-Length, or counted as it streams in)."""

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BODY_BYTES, large: dict[str, int] | None = None) -> None:
        self.app = app
        self.limit = limit
        self.large = large or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.large.get(scope["path"], self.limit)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _reject(limit, scope, receive, send)
            return
        # Read the whole body first (it is small, or refused): FastAPI turns any error raised while it reads the
        # body into a 400, so a limit hit mid-stream must be answered here, before the app runs.
        chunks: list[bytes] = []
        seen = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > limit:
                await _reject(limit, scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _reject(limit: int, scope: Scope, receive: Receive, send: Send) -> None:
    message = f"request body too large: at most {limit // 1024} KB"
    response: Any = JSONResponse(error_body(message), status_code=413, headers={"Connection": "close"})
    await response(scope, receive, send)
