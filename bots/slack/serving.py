"""Running the Slack app: mounted on a FastAPI app (HTTP mode, POST /slack/events) or over Socket Mode."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, Response
from slack_bolt import App
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool

from assistant.engine import Assistant
from bots.slack.app import build_slack_app
from bots.slack.settings import SlackSettings

EVENTS_PATH = "/slack/events"


class ThreadedSlackRequestHandler(SlackRequestHandler):
    """Bolt's FastAPI handler, with the sync App's dispatch moved off the event loop: Bolt's own handler calls it on
    the loop, so one slow ack (or, with process_before_response, a whole answer) would stall every other request."""

    async def handle(self, req: Request, addition_context_properties: dict[str, Any] | None = None) -> Response:
        """Verify and dispatch one POST from Slack (signature checked by the app: 401 when bad or stale)."""
        body = await req.body()
        bolt_request = to_bolt_request(req, body, addition_context_properties)
        bolt_response = await run_in_threadpool(self.app.dispatch, bolt_request)
        return to_starlette_response(bolt_response)


def mount_slack(
    fastapi_app: FastAPI,
    assistant: Assistant,
    slack_settings: SlackSettings,
    *,
    client: Any = None,
    process_before_response: bool = False,
) -> App:
    """Add POST /slack/events (events, slash command, interactivity, shortcuts) to `fastapi_app`; returns the app."""
    bolt_app = build_slack_app(assistant, slack_settings, client, process_before_response=process_before_response)
    handler = ThreadedSlackRequestHandler(bolt_app)

    @fastapi_app.post(EVENTS_PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        return await handler.handle(request)

    return bolt_app


def run_socket_mode(assistant: Assistant, slack_settings: SlackSettings) -> None:
    """Connect to Slack over Socket Mode with SLACK_APP_TOKEN and serve until interrupted."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    bolt_app = build_slack_app(assistant, slack_settings)
    SocketModeHandler(bolt_app, slack_settings.app_token).start()
