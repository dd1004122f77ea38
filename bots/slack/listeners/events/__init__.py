"""Event listeners: @-mentions, DMs and thread follow-ups, App Home, the agent surface's suggested prompts."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.engine import PACIFIC
from assistant.pii import redact_pii
from bots.slack.answering import Incoming, answer_in_thread, deps_of, is_thread_asker
from bots.slack.views.home_builder import Closure, build_home_view
from tools.calendar import day_schedule
from tools.registry import run_tool

log = logging.getLogger("enroller.slack")

#: Prompts offered when the messages tab opens or an assistant thread starts (Slack shows up to four).
SUGGESTED_PROMPTS = [
    {
        "title": "ROP dates for a notice date",
        "message": "My client's NOD01 is dated March 3, 2026. When does the ROP end?",
    },
    {"title": "Is the Service Center open now?", "message": "Is the Service Center open right now?"},
    {
        "title": "Which help-request category?",
        "message": "Which help-request category do I pick for a consumer's wrong APTC?",
    },
]
#: Message subtypes that are a person's new message; every other subtype (edits, deletions, joins, bots) is ignored.
_PERSON_SUBTYPES = {None, "thread_broadcast", "file_share"}


def register(app: App) -> None:
    """Add the event listeners."""
    app.event("app_mention")(handle_app_mention)
    app.event("message")(handle_message)
    app.event("app_home_opened")(handle_app_home_opened)
    app.event("assistant_thread_started")(handle_assistant_thread_started)


def _from_person(event: dict[str, Any], context: BoltContext) -> bool:
    """A person's new message: not a bot, not the app itself, not an edit or a deletion."""
    if event.get("subtype") not in _PERSON_SUBTYPES or event.get("bot_id") or event.get("bot_profile"):
        return False
    user = event.get("user")
    return bool(user) and user != context.bot_user_id


def handle_app_mention(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """An @-mention in a channel: answer in the thread of the question."""
    if not _from_person(event, context):
        return
    msg = Incoming.from_event(event, context.team_id)
    answer_in_thread(client, deps_of(context), msg, bot_user_id=context.bot_user_id)


def handle_message(
    event: dict[str, Any], context: BoltContext, client: WebClient, set_status: Any = None, say_stream: Any = None
) -> None:
    """A DM (answered in its DM thread), or a thread follow-up from whoever asked the app into that thread."""
    if not _from_person(event, context):
        return
    deps = deps_of(context)
    msg = Incoming.from_event(event, context.team_id)
    if msg.is_dm:
        answer_in_thread(
            client, deps, msg, bot_user_id=context.bot_user_id, set_status=set_status, say_stream=say_stream
        )
        return
    if "thread_ts" not in event or not deps.follow_ups_in(msg.team_id):
        return  # a channel message outside a thread: only an @-mention asks the app in
    if context.bot_user_id and f"<@{context.bot_user_id}" in msg.text:
        return  # the app_mention event for this same message answers it
    # Only the person who asked the app in (not the thread's starter: someone else may have asked in their thread),
    # and only where it answered them: it never joins threads it was not asked into.
    if is_thread_asker(deps, msg):
        answer_in_thread(client, deps, msg, bot_user_id=context.bot_user_id)


def handle_assistant_thread_started(event: dict[str, Any], set_suggested_prompts: Any = None) -> None:
    """A new assistant thread in the agent surface: offer the suggested prompts."""
    if set_suggested_prompts is not None:
        _try_prompts(set_suggested_prompts)


def handle_app_home_opened(
    event: dict[str, Any], context: BoltContext, client: WebClient, set_suggested_prompts: Any = None
) -> None:
    """The messages tab: suggested prompts. The Home tab: the Service Center now, closures, recent questions."""
    if event.get("tab") == "messages":
        if set_suggested_prompts is not None:
            _try_prompts(set_suggested_prompts)
        return
    user = event["user"]
    now = datetime.now(PACIFIC)
    hours = run_tool("service_center_hours", {"at": now.isoformat()}).model_dump(mode="json")
    view = build_home_view(hours, next_closures(now.date()), recent_questions(client, event.get("channel"), user))
    client.views_publish(user_id=user, view=view)


def next_closures(start: Any, count: int = 3, horizon_days: int = 180) -> list[Closure]:
    """The next `count` days the Service Center is closed for something other than a weekend."""
    out: list[Closure] = []
    for offset in range(horizon_days):
        day = start + timedelta(days=offset)
        sched = day_schedule(day)
        if not sched.open and sched.closure_reason and sched.closure_reason != "weekend":
            out.append(Closure(day, sched.closure_reason, sched.confirmed))
            if len(out) == count:
                break
    return out


def recent_questions(client: WebClient, dm_channel: str | None, user: str, limit: int = 5) -> list[str]:
    """The user's last questions in the app's DM (read from Slack, shown redacted)."""
    if not dm_channel:
        return []
    try:
        history = client.conversations_history(channel=dm_channel, limit=50)
    except SlackApiError as exc:
        log.info("no DM history for the Home tab: %s", exc.response.get("error"))
        return []
    messages: list[dict[str, Any]] = history.get("messages") or []
    texts = [m.get("text", "") for m in messages if m.get("user") == user and not m.get("subtype")]
    return [redact_pii(t).text for t in texts if t.strip()][:limit]


def _try_prompts(set_suggested_prompts: Any) -> None:
    try:
        set_suggested_prompts(prompts=SUGGESTED_PROMPTS, title="Try asking")
    except SlackApiError as exc:
        log.info("suggested prompts not set: %s", exc.response.get("error"))
