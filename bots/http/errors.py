"""Errors of the HTTP interface, and the one place every error becomes a response.

`InvalidInputError` (the caller's fault) → 422 naming the field; an unknown tool → 404; malformed JSON → 400;
an assistant that could not start, or a database gone away → 503 with the reason; a missing or wrong token → 401
(pages: the sign-in page). API bodies are `{"detail": message, "field": name-or-null}` everywhere; a page request
(not /api, the browser accepts HTML) gets its page again with the message and the user's input kept, when the app
was given a `page_error` renderer for that page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, RedirectResponse, Response

from assistant.store import DATABASE_ERRORS, database_reason
from tools.errors import EnrollerError, InvalidInputError, KnowledgeError, UnknownToolError


class HttpError(EnrollerError):
    """Base of the errors the HTTP layer raises itself; `status` is the response code."""

    status = 500


class NotReadyError(HttpError):
    """The assistant did not start (no index, database unreachable): every /api call says why."""

    status = 503


class AuthRequiredError(HttpError):
    """/api/* without a valid bearer token (or session cookie) while ENROLLER_API_TOKENS is set."""

    status = 401


class SignInRequiredError(HttpError):
    """A page requested without a session cookie while tokens are required: go to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__("sign in first")
        self.next_path = next_path


class NotFoundError(HttpError):
    """No such document (or other resource)."""

    status = 404


class UpstreamError(HttpError):
    """The help-request webhook did not accept the request."""

    status = 502


def error_body(message: str, field: str | None = None) -> dict[str, Any]:
    """The JSON body of every error response."""
    return {"detail": message, "field": field}


def _json(status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(error_body(message, field), status_code=status, headers=headers)


def describe_request_error(exc: RequestValidationError) -> tuple[int, str, str | None]:
    """Status, one-line message and field of a FastAPI validation error (body, query or path)."""
    errors = list(exc.errors())
    first = errors[0] if errors else {}
    if first.get("type") == "json_invalid":
        reason = (first.get("ctx") or {}).get("error", "invalid JSON")
        return 400, f"malformed JSON body: {reason}", None
    parts = []
    field_name: str | None = None
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        name = ".".join(loc) or "body"
        field_name = field_name or name
        msg = str(err.get("msg", "invalid value")).replace("Value error, ", "")
        if err.get("type") == "missing":
            msg = "required field is missing"
        elif err.get("type") == "extra_forbidden":
            msg = "unknown field"
        elif err.get("type") == "model_attributes_type":
            msg = "expected a JSON object"
        parts.append(f"{name}: {msg}")
    return 422, "; ".join(parts), field_name


#: Renders an error on a page as that page again (`(request, status, message, field)`), or None for no such page.
PageErrorRenderer = Callable[[Request, int, str, str | None], Awaitable[Response | None]]


def wants_page(request: Request) -> bool:
    """Whether the error should be shown as a page: not /api, and the client (a browser) accepts HTML."""
    path = request.url.path
    return path != "/api" and not path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def install_error_handlers(app: FastAPI, page_error: PageErrorRenderer | None = None) -> None:
    """Map every error to its response, once for the whole app; `page_error` renders the pages' own."""

    async def respond(
        request: Request, status: int, message: str, field: str | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        if page_error is not None and wants_page(request):
            page = await page_error(request, status, message, field)
            if page is not None:
                return page
        return _json(status, message, field, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        status, message, field_name = describe_request_error(exc)
        return await respond(request, status, message, field_name)

    @app.exception_handler(SignInRequiredError)
    async def _sign_in(request: Request, exc: SignInRequiredError) -> Response:
        return RedirectResponse(f"/sign-in?next={quote(exc.next_path, safe='/')}", status_code=303)

    @app.exception_handler(AuthRequiredError)
    async def _auth(request: Request, exc: AuthRequiredError) -> Response:
        return _json(401, str(exc), headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(HttpError)
    async def _http(request: Request, exc: HttpError) -> Response:
        return await respond(request, exc.status, str(exc), exc.field)

    @app.exception_handler(UnknownToolError)
    async def _unknown_tool(request: Request, exc: UnknownToolError) -> Response:
        return await respond(request, 404, str(exc), "name")

    @app.exception_handler(InvalidInputError)
    async def _invalid(request: Request, exc: InvalidInputError) -> Response:
        return await respond(request, 422, str(exc), exc.field)

    @app.exception_handler(KnowledgeError)
    async def _knowledge(request: Request, exc: KnowledgeError) -> Response:
        return await respond(request, 503, f"a knowledge file is invalid: {exc}", exc.field)

    for database_error in DATABASE_ERRORS:

        @app.exception_handler(database_error)
        async def _database(request: Request, exc: Exception) -> Response:
            # Writes that matter (feedback, help requests) fail loudly; each is one transaction, so nothing is
            # half-written.
            return await respond(request, 503, database_reason(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _starlette(request: Request, exc: StarletteHTTPException) -> Response:
        return await respond(request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))
