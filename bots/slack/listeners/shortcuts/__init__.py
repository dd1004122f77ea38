"""Shortcuts: "Ask Enroller Assist" on a message (a private answer for whoever clicked) and "ROP dates" (a modal)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bots.slack.answering import EMPTY_QUESTION, deps_of, respond_privately
from bots.slack.turns import clean_question
from bots.slack.views.rop_builder import build_rop_modal
from tools.rop import rop_facts

log = logging.getLogger("enroller.slack")

ASK_MESSAGE = "ask_enroller_message"
ROP_DATES = "rop_dates"


def register(app: App) -> None:
    """Add the shortcut listeners."""
    app.message_shortcut(ASK_MESSAGE)(handle_ask_message_shortcut)
    app.global_shortcut(ROP_DATES)(handle_rop_dates_shortcut)


def handle_ask_message_shortcut(ack: Ack, shortcut: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Answer the message the shortcut was used on, privately, for the person who clicked."""
    ack()
    text = clean_question((shortcut.get("message") or {}).get("text", ""), context.bot_user_id)
    if not text:
        respond(response_type="ephemeral", text=EMPTY_QUESTION)
        return
    respond_privately(deps_of(context), respond, text, refusal="I can't answer that message", source="message shortcut")


def handle_rop_dates_shortcut(ack: Ack, shortcut: dict[str, Any], client: WebClient) -> None:
    """Open the ROP dates modal."""
    ack()
    open_rop_modal(client, shortcut["trigger_id"])


def open_rop_modal(client: WebClient, trigger_id: str) -> None:
    """Open the modal (within the trigger's 3 seconds) with the inconsistency kinds from rop.yaml."""
    kinds = {key: info.label for key, info in rop_facts().inconsistencies.items()}
    client.views_open(trigger_id=trigger_id, view=build_rop_modal(kinds))
