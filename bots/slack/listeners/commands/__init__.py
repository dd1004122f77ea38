"""Slash command `/enroller QUESTION`: a private answer that restates the question, with "Share in channel"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bots.slack.answering import EMPTY_QUESTION, deps_of, respond_privately

log = logging.getLogger("enroller.slack")

COMMAND = "/enroller"


def register(app: App) -> None:
    """Add the slash command listener."""
    app.command(COMMAND)(handle_enroller_command)


def handle_enroller_command(ack: Ack, command: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    """Ack at once, then answer privately (ephemeral) through the command's response_url."""
    ack()
    question = (command.get("text") or "").strip()
    if not question:
        respond(response_type="ephemeral", text=f"Usage: `{COMMAND} your question`. {EMPTY_QUESTION}")
        return
    respond_privately(
        deps_of(context),
        respond,
        question,
        refusal="I can't answer that",
        source="slash command",
        share=True,
        replace_original=False,
    )
