"""Button listeners: 👍/👎, "Still need help?", "Share in channel", "Mark resolved", and Home's "ROP dates"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.pii import redact_pii
from bots.slack.answering import Reply, deps_of, find_turn, reply_blocks
from bots.slack.feedback import store_feedback
from bots.slack.listeners.shortcuts import open_rop_modal
from bots.slack.turns import TurnRef
from bots.slack.views.answer_builder import fallback_text
from bots.slack.views.feedback_builder import (
    FEEDBACK_ACTION,
    HELP_ACTION,
    SHARE_ACTION,
    build_feedback_modal,
    build_question_block,
    build_thanks_text,
    read_feedback_value,
)
from bots.slack.views.help_builder import RESOLVE_ACTION, build_help_blocks, build_resolved_blocks
from bots.slack.views.home_builder import OPEN_ROP_ACTION
from bots.slack.views.mrkdwn import escape
from tools.registry import run_tool

log = logging.getLogger("enroller.slack")

GONE = "That answer is no longer stored; ask again, please."
NOT_IN_CHANNEL = (
    "I can't post in this channel yet: invite me with `/invite @Enroller Assist`, then click “Share in channel” again."
)
SHARE_FAILED = "Sorry, I could not share that answer here."
#: Slack's errors for a channel the app is not in (or cannot see, e.g. a private one it was never invited to).
_NOT_A_MEMBER = {"not_in_channel", "channel_not_found"}


def register(app: App) -> None:
    """Add the button listeners."""
    app.action(FEEDBACK_ACTION)(handle_answer_feedback)
    app.action(HELP_ACTION)(handle_still_need_help)
    app.action(SHARE_ACTION)(handle_share_answer)
    app.action(RESOLVE_ACTION)(handle_mark_resolved)
    app.action(OPEN_ROP_ACTION)(handle_open_rop_modal)


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The channel and thread of the message a button sits on."""
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    message = body.get("message") or {}
    thread = message.get("thread_ts") or (body.get("container") or {}).get("thread_ts") or message.get("ts")
    return channel, thread


def handle_answer_feedback(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """👍 is stored at once; 👎 opens a small modal asking what was wrong (stored on send, or on close)."""
    ack()
    rating, ref = read_feedback_value(action["value"])
    if rating > 0:
        store_feedback(deps_of(context), ref, rating)
        respond(response_type="ephemeral", replace_original=False, text=build_thanks_text(rating))
        return
    channel, _thread = _where(body)
    client.views_open(trigger_id=body["trigger_id"], view=build_feedback_modal(ref, channel_id=channel))


def handle_still_need_help(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Suggest the help-request category for the question; in a thread, tag the helper group when one is set."""
    ack()
    deps = deps_of(context)
    ref = TurnRef.decode(action["value"])
    turn = find_turn(deps, ref)
    if turn is None:
        respond(response_type="ephemeral", replace_original=False, text=GONE)
        return
    route = run_tool("help_request_router", {"description": turn.question}).model_dump(mode="json")
    channel, thread = _where(body)
    ephemeral = bool((body.get("container") or {}).get("is_ephemeral"))
    helpers = deps.helpers if not ephemeral and channel else None
    blocks = build_help_blocks(route, portal_url=deps.portal_url, helpers=helpers, ref=ref, asker=body["user"]["id"])
    text = f"Help-request category: {route['category']}"
    if helpers and channel:
        client.chat_postMessage(
            channel=channel, thread_ts=thread, blocks=blocks, text=text, unfurl_links=False, unfurl_media=False
        )
    else:
        respond(response_type="ephemeral", replace_original=False, blocks=blocks, text=text)


def handle_share_answer(
    ack: Ack, action: dict[str, Any], body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond
) -> None:
    """Post a private answer in the channel for everyone, and remove the private copy."""
    ack()
    deps = deps_of(context)
    ref = TurnRef.decode(action["value"])
    turn = find_turn(deps, ref)
    channel, _thread = _where(body)
    if turn is None or channel is None:
        respond(response_type="ephemeral", replace_original=False, text=GONE)
        return
    reply = Reply(turn, ref, redact_pii(turn.question))
    head = [build_question_block(turn.question, asker=body["user"]["id"])]
    blocks = reply_blocks(deps, reply, head=head)
    try:
        client.chat_postMessage(
            channel=channel, blocks=blocks, text=fallback_text(turn), unfurl_links=False, unfurl_media=False
        )
    except SlackApiError as exc:
        error = str(exc.response.get("error"))
        log.info("share in %s refused: %s", channel, error)
        text = NOT_IN_CHANNEL if error in _NOT_A_MEMBER else f"{SHARE_FAILED} (Slack said: {escape(error)})"
        respond(response_type="ephemeral", replace_original=False, text=text)
        return
    respond(delete_original=True)


def handle_mark_resolved(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """Anyone may mark a help request in a thread resolved: the button becomes who resolved it."""
    ack()
    message = body.get("message") or {}
    channel, _thread = _where(body)
    if channel is None:
        return
    blocks = build_resolved_blocks(message.get("blocks", []), body["user"]["id"])
    client.chat_update(channel=channel, ts=message["ts"], blocks=blocks, text="Resolved")


def handle_open_rop_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    """Home's "ROP dates" button: the same modal as the global shortcut."""
    ack()
    open_rop_modal(client, body["trigger_id"])
