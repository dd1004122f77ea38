"""`create_app(settings)`: the FastAPI app. Its lifespan builds the one `Assistant` (knowledge validated, index
opened, embedder warmed) before the first request; a missing index or database leaves the app up and /readyz
saying why, a bad knowledge file stops it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from assistant.engine import Assistant
from assistant.errors import StartupError
from assistant.settings import Settings, get_settings
from bots.http.deps import require_session, require_token
from bots.http.errors import install_error_handlers
from bots.http.limits import MAX_BODY_BYTES, MAX_FORM_BYTES, BodyLimitMiddleware
from bots.http.models import API_ERRORS
from bots.http.ratelimit import RateLimitMiddleware
from bots.http.routers import ask, documents, feedback, health, help_requests, pages, search, tools, webinar
from bots.http.state import AppState

log = logging.getLogger("enroller.http")

HERE = Path(__file__).resolve().parent
WARM_UP_QUERY = "help request category"


def create_app(
    settings: Settings | None = None, assistant: Assistant | None = None, *, index_dir: Path | None = None
) -> FastAPI:
    """The app. `assistant` (tests) skips building one; `index_dir` (`serve --index`) overrides the setting."""
    settings = settings or get_settings()
    state = AppState(
        settings=settings,
        index_dir=Path(index_dir) if index_dir is not None else settings.resolved_index_dir,
        assistant=assistant,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = state.assistant is None
        if owned:
            await run_in_threadpool(_start, state, index_dir)
        if state.assistant is not None:
            # Opening the index and loading the embedder here keeps the first request as fast as the rest.
            await run_in_threadpool(state.assistant.search, WARM_UP_QUERY, 1)
        yield
        if owned and state.assistant is not None:
            state.assistant.close()

    app = FastAPI(
        title="Enroller Assist",
        summary="Answers, deterministic tools and help-request suggestions for Covered California enrollers.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.enroller = state
    install_error_handlers(app, page_error=pages.render_page_error)

    api = APIRouter(prefix="/api", dependencies=[Depends(require_token)], responses=API_ERRORS)
    for module in (ask, search, tools, help_requests, feedback):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)
    app.include_router(documents.router, dependencies=[Depends(require_session)])
    app.include_router(pages.router)
    app.include_router(pages.signed_in)
    app.include_router(webinar.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    slack_settings = _slack_settings()
    if slack_settings is not None:
        from bots.http.routers.slack import slack_router

        app.include_router(slack_router(state, slack_settings))

    # The last added runs first. The body limit inside the rate limit (a client over its limit is refused before
    # its body is read), and CORS outside both, so the portal's page can read a 413 or a 429 too.
    app.add_middleware(
        BodyLimitMiddleware,
        limit=MAX_BODY_BYTES,
        large={"/help-request": MAX_FORM_BYTES, "/webinar": MAX_FORM_BYTES, "/webinar/export": MAX_FORM_BYTES},
    )
    if settings.rate_limit:
        app.add_middleware(RateLimitMiddleware, per_minute=settings.rate_limit)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        max_age=600,
    )
    return app


def _slack_settings() -> Any:
    """Slack's own variables, when HTTP mode can run (a bot token and a signing secret), else None."""
    from bots.slack.settings import SlackSettings

    slack = SlackSettings()
    return slack if slack.http_ready else None


def _start(state: AppState, index_dir: Path | None) -> None:
    from assistant.wiring import build_assistant

    try:
        state.assistant = build_assistant(state.settings, index_dir=index_dir)
    except StartupError as exc:
        state.startup_error = str(exc)
        log.error("not ready: %s", exc)


def app_factory() -> FastAPI:
    """For `uvicorn --factory` with several workers: settings from the environment."""
    return create_app()


__all__ = ["create_app"]
