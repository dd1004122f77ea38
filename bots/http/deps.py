"""Dependencies every router shares, as `Annotated` aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from assistant.engine import Assistant
from assistant.settings import Settings
from bots.http.auth import SESSION_COOKIE, bearer_token, session_is_valid, token_is_valid
from bots.http.errors import AuthRequiredError, NotReadyError, SignInRequiredError
from bots.http.state import AppState


def get_state(request: Request) -> AppState:
    """The app's state (settings, assistant)."""
    state: AppState = request.app.state.enroller
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings_dep(state: StateDep) -> Settings:
    """The app's settings."""
    return state.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_assistant(state: StateDep) -> Assistant:
    """The one Assistant, or 503 with the reason it did not start."""
    if state.assistant is None:
        raise NotReadyError(f"not ready: {state.startup_error or 'the assistant is starting'}")
    return state.assistant


AssistantDep = Annotated[Assistant, Depends(get_assistant)]


def is_signed_in(request: Request, state: AppState) -> bool:
    """Whether the request carries a valid bearer token or session cookie (always, when auth is off)."""
    if not state.auth_required:
        return True
    tokens = state.settings.api_tokens
    if token_is_valid(bearer_token(request.headers.get("authorization")), tokens):
        return True
    return session_is_valid(request.cookies.get(SESSION_COOKIE), tokens)


def require_token(request: Request, state: StateDep) -> None:
    """/api/*: a bearer token (or the pages' session cookie) when ENROLLER_API_TOKENS is set; 401 otherwise."""
    if not is_signed_in(request, state):
        raise AuthRequiredError("missing or invalid API token: send Authorization: Bearer <token>")


def require_session(request: Request, state: StateDep) -> None:
    """Pages: signed in (when tokens are set), else off to the sign-in page."""
    if not is_signed_in(request, state):
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequiredError(path)
