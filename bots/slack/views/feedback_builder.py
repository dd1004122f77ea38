"""Block Kit for feedback on an answer: 👍/👎 buttons, "Still need help?", "Share in channel", the 👎 modal."""

from __future__ import annotations

import json
from typing import Any

from bots.slack.turns import TurnRef
from bots.slack.views.mrkdwn import SECTION_LIMIT, escape, plain, section, shorten

Block = dict[str, Any]

FEEDBACK_ACTION = "answer_feedback"
HELP_ACTION = "still_need_help"
SHARE_ACTION = "share_answer"
FEEDBACK_MODAL = "feedback_modal"
COMMENT_BLOCK = "comment"
COMMENT_INPUT = "comment_input"


def build_feedback_blocks(ref: TurnRef, *, share: bool = False) -> list[Block]:
    """👍/👎 (Slack's feedback_buttons in a context_actions block), then "Still need help?" (and "Share in channel"
    for a private answer). The buttons carry the turn they are about."""
    value = ref.encode()
    buttons = {
        "type": "feedback_buttons",
        "action_id": FEEDBACK_ACTION,
        "positive_button": {"text": plain("👍"), "value": f"+1|{value}", "accessibility_label": "Good answer"},
        "negative_button": {"text": plain("👎"), "value": f"-1|{value}", "accessibility_label": "Bad answer"},
    }
    actions: list[Block] = [
        {"type": "button", "action_id": HELP_ACTION, "text": plain("Still need help?"), "value": value}
    ]
    if share:
        actions.insert(
            0, {"type": "button", "action_id": SHARE_ACTION, "text": plain("Share in channel"), "value": value}
        )
    return [{"type": "context_actions", "elements": [buttons]}, {"type": "actions", "elements": actions}]


def read_feedback_value(value: str) -> tuple[int, TurnRef]:
    """The rating (+1/-1) and turn of a feedback button's value; raises ValueError for anything else."""
    rating, rest = value.split("|", 1)
    if rating not in ("+1", "-1"):
        raise ValueError(f"not a rating: {rating!r}")
    return int(rating), TurnRef.decode(rest)


def build_feedback_modal(ref: TurnRef, *, channel_id: str | None = None) -> dict[str, Any]:
    """The small modal a 👎 opens: what was wrong (optional). Closing it still records the 👎."""
    metadata = json.dumps({"ref": ref.encode(), "channel": channel_id})
    return {
        "type": "modal",
        "callback_id": FEEDBACK_MODAL,
        "private_metadata": metadata,
        "notify_on_close": True,
        "title": plain("What was wrong?"),
        "submit": plain("Send"),
        "close": plain("Skip"),
        "blocks": [
            section("Thanks for telling us. What was wrong with the answer? (Optional; no consumer details, please.)"),
            {
                "type": "input",
                "block_id": COMMENT_BLOCK,
                "optional": True,
                "label": plain("What was wrong"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": COMMENT_INPUT,
                    "multiline": True,
                    "max_length": 1000,
                },
            },
        ],
    }


def build_thanks_text(rating: int) -> str:
    """The ephemeral line after a rating."""
    return "Thanks — noted." if rating > 0 else "Thanks — we'll use this to improve the answers."


def build_question_block(question: str, *, asker: str | None = None) -> Block:
    """The question restated above an answer: "You asked: …" over a private one (slash command, message shortcut),
    "<@asker> asked: …" over one shared in the channel; within a section's limit, shortened at a word."""
    lead = f"<@{asker}> asked: " if asker else "*You asked:* "
    return section(lead + shorten(escape(" ".join(question.split())), SECTION_LIMIT - len(lead)))
