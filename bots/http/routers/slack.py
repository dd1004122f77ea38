"""POST /slack/events on the app that `enroller serve` runs, when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are
set: every Slack request type (events, slash command, interactivity, shortcuts) through the one Assistant."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response

from bots.http.state import AppState
from bots.slack.serving import EVENTS_PATH, ThreadedSlackRequestHandler
from bots.slack.settings import SlackSettings


def slack_router(state: AppState, slack_settings: SlackSettings) -> APIRouter:
    """A router whose Bolt app is built on the first Slack request, once the lifespan has built the Assistant."""
    router = APIRouter(include_in_schema=False)
    lock = threading.Lock()
    handler: dict[str, Any] = {}

    def current() -> ThreadedSlackRequestHandler:
        with lock:
            if "slack" not in handler:
                from bots.slack.app import build_slack_app

                if state.assistant is None:
                    raise HTTPException(status_code=503, detail=f"not ready: {state.startup_error or 'starting'}")
                handler["slack"] = ThreadedSlackRequestHandler(build_slack_app(state.assistant, slack_settings))
            return handler["slack"]

    @router.post(EVENTS_PATH)
    async def slack_events(request: Request) -> Response:
        """Slack's events, commands and interactions (signatures verified by Bolt: 401 when bad or stale)."""
        return await current().handle(request)

    return router
