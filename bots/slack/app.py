"""`build_slack_app`: the Bolt app over the one Assistant (build, register listeners, return)."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from assistant.engine import Assistant
from bots.slack import listeners
from bots.slack.answering import SlackDeps
from bots.slack.middleware import inject_deps, skip_seen_events
from bots.slack.settings import SlackSettings


def build_slack_app(
    assistant: Assistant,
    slack_settings: SlackSettings,
    client: WebClient | None = None,
    *,
    process_before_response: bool = False,
) -> App:
    """The Bolt app. `client` defaults to a WebClient on SLACK_API_URL. Keep `process_before_response` False in a
    long-running server (Bolt acks, then runs the listener in its thread pool); tests set it True."""
    client = client or WebClient(token=slack_settings.bot_token, base_url=slack_settings.api_url or WebClient.BASE_URL)
    app = App(
        client=client,
        signing_secret=slack_settings.signing_secret,
        token_verification_enabled=False,  # auth.test runs lazily on the first request, not at import or start-up
        process_before_response=process_before_response,
        logger=logging.getLogger("enroller.slack.bolt"),
    )
    # Bolt and slack_sdk log whole request bodies at DEBUG, messages before redaction among them: never below INFO.
    floor = max(logging.INFO, logging.getLogger().getEffectiveLevel())
    for name in ("enroller.slack.bolt", "slack_bolt", "slack_sdk"):
        logging.getLogger(name).setLevel(floor)
    deps = SlackDeps.from_assistant(assistant)
    app.use(inject_deps(deps))
    app.use(skip_seen_events(deps))
    listeners.register(app)
    return app
