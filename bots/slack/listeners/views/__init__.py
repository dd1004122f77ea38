"""Modal listeners: the ROP dates submission and the 👎 "what was wrong?" modal."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from assistant.engine import PACIFIC
from assistant.models import ToolCall
from bots.slack.answering import deps_of
from bots.slack.feedback import store_feedback
from bots.slack.turns import TurnRef
from bots.slack.views.answer_builder import build_tool_card
from bots.slack.views.feedback_builder import COMMENT_BLOCK, COMMENT_INPUT, FEEDBACK_MODAL
from bots.slack.views.rop_builder import ROP_DATES, ROP_MODAL, build_rop_result_blocks, read_rop_values
from tools.errors import ToolInputError
from tools.registry import get_tool


def register(app: App) -> None:
    """Add the modal listeners."""
    app.view_submission(ROP_MODAL)(handle_rop_submission)
    app.view_submission(FEEDBACK_MODAL)(handle_feedback_submission)
    app.view_closed(FEEDBACK_MODAL)(handle_feedback_closed)


def handle_rop_submission(ack: Ack, view: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
    """Validate the dates (errors shown on the field in the modal), close it, and DM the rop_calculator result."""
    payload: dict[str, Any] = read_rop_values(view["state"]["values"])
    payload["today"] = datetime.now(PACIFIC).date().isoformat()
    spec = get_tool("rop_calculator")
    try:
        inp = spec.validate(payload)
    except ToolInputError as exc:
        blocks = {b[0] for b in ROP_DATES} | {"inconsistency"}
        field = exc.field if exc.field in blocks else "notice_date"
        ack(response_action="errors", errors={field: exc.message[:150]})
        return
    ack()
    result = spec.run(inp).model_dump(mode="json")
    card = build_tool_card(ToolCall(name=spec.name, arguments=inp.model_dump(mode="json"), result=result))
    user = body["user"]["id"]
    # Posting to the user's id lands in the app's DM with them: only they see it.
    client.chat_postMessage(
        channel=user,
        text=str(result["summary"]),
        blocks=build_rop_result_blocks(result, card),
        unfurl_links=False,
        unfurl_media=False,
    )


def _feedback_ref(view: dict[str, Any]) -> TurnRef:
    return TurnRef.decode(json.loads(view["private_metadata"])["ref"])


def handle_feedback_submission(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """Store the 👎 with what was wrong (redacted by the store)."""
    ack()
    comment = view["state"]["values"].get(COMMENT_BLOCK, {}).get(COMMENT_INPUT, {}).get("value")
    store_feedback(deps_of(context), _feedback_ref(view), -1, comment)


def handle_feedback_closed(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
    """Closing the modal still records the 👎, without a comment."""
    ack()
    store_feedback(deps_of(context), _feedback_ref(view), -1)
