"""Slash command `/enroller QUESTION`: a private answer that restates the question, with "Share in channel"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bots.slack.answering import EMPTY_QUESTION, FAILED, answer_question, deps_of, pii_reminder, reply_blocks
from bots.slack.views.answer_builder import fallback_text
from bots.slack.views.feedback_builder import build_question_block
from tools.errors import EnrollerError, InvalidInputError

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
    deps = deps_of(context)
    try:
        reply = answer_question(deps, question)
    except InvalidInputError as exc:
        respond(response_type="ephemeral", text=f"I can't answer that: {exc}")
        return
    except EnrollerError as exc:
        log.warning("slash command failed: %s", exc)
        respond(response_type="ephemeral", text=FAILED)
        return
    if reply.redaction.found:
        respond(response_type="ephemeral", text=pii_reminder(reply.redaction), replace_original=False)
    blocks = reply_blocks(deps, reply, share=True, head=[build_question_block(reply.answer.question)])
    respond(response_type="ephemeral", text=fallback_text(reply.answer), blocks=blocks, replace_original=False)
