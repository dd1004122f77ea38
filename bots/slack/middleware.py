"""Global middleware: the request's SlackDeps in its context, and Slack's retries never answered twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse

from assistant.store import DATABASE_ERRORS, database_reason
from bots.slack.answering import SlackDeps

log = logging.getLogger("enroller.slack")


def inject_deps(deps: SlackDeps) -> Callable[..., Any]:
    """Middleware putting `deps` in every request's context (listeners read it with `deps_of(context)`)."""

    def middleware(context: BoltContext, next: Callable[[], None]) -> None:
        context["enroller"] = deps
        next()

    return middleware


def skip_seen_events(deps: SlackDeps) -> Callable[..., Any]:
    """Middleware acking an event already seen without running a listener. Slack retries a delivery (header
    X-Slack-Retry-Num, same event_id) when the ack was late or lost; the ids live in the database, so a retry that
    reaches another worker, another process or a restarted app is still recognised. At most once: a delivery whose
    first attempt crashed mid-answer is not answered again. With the database unavailable the event cannot be
    checked or noted: 503 naming the database, no listener run, so Slack retries it once the database is back."""

    def middleware(body: dict[str, Any], request: BoltRequest, next: Callable[[], None]) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        try:
            first = not event_id or deps.assistant.store.record_event(str(event_id))
        except DATABASE_ERRORS as exc:
            reason = database_reason(exc)
            log.warning("event %s refused with 503 for Slack to retry: %s", event_id, reason)
            return BoltResponse(status=503, body=reason)
        if not first:
            retry = (request.headers.get("x-slack-retry-num") or ["-"])[0]
            log.info("event %s already handled (retry %s, %s): skipped", event_id, retry, _retry_reason(request))
            return BoltResponse(status=200, body="")
        next()
        return None

    return middleware


def _retry_reason(request: BoltRequest) -> str:
    return (request.headers.get("x-slack-retry-reason") or ["first delivery"])[0]
