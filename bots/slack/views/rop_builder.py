"""Block Kit for the "ROP dates" shortcut: the modal with date pickers, reading it back, and the result card."""

from __future__ import annotations

from typing import Any

from bots.slack.views.mrkdwn import escape, plain, section, split_text

Block = dict[str, Any]

ROP_MODAL = "rop_modal"
#: (block_id, action_id, label, required) of the date pickers, in the order shown.
ROP_DATES = (
    ("notice_date", "notice_date", "NOD01 (Eligibility Notice) date", True),
    ("received_date", "received_date", "Date the consumer received it (if late)", False),
    ("termination_date", "termination_date", "Termination date (if already terminated)", False),
)
INCONSISTENCY = "inconsistency"


def build_rop_modal(inconsistencies: dict[str, str]) -> dict[str, Any]:
    """The modal: NOD01 date (required), received and termination dates and the inconsistency type (optional).
    `inconsistencies` maps each kind's key to its label."""
    blocks: list[Block] = [
        {
            "type": "input",
            "block_id": block_id,
            "optional": not required,
            "label": plain(label),
            "element": {"type": "datepicker", "action_id": action_id},
        }
        for block_id, action_id, label, required in ROP_DATES
    ]
    options = [{"text": plain(label, 75), "value": key} for key, label in inconsistencies.items()][:100]
    blocks.append(
        {
            "type": "input",
            "block_id": INCONSISTENCY,
            "optional": True,
            "label": plain("Inconsistency type"),
            "element": {"type": "static_select", "action_id": INCONSISTENCY, "options": options},
        }
    )
    return {
        "type": "modal",
        "callback_id": ROP_MODAL,
        "title": plain("ROP dates"),
        "submit": plain("Calculate"),
        "close": plain("Cancel"),
        "blocks": blocks,
    }


def read_rop_values(values: dict[str, Any]) -> dict[str, str]:
    """The rop_calculator arguments in a submitted modal's `view.state.values` (unset pickers left out)."""
    payload: dict[str, str] = {}
    for block_id, action_id, _label, _required in ROP_DATES:
        picked = values.get(block_id, {}).get(action_id, {}).get("selected_date")
        if picked:
            payload[block_id] = picked
    option = values.get(INCONSISTENCY, {}).get(INCONSISTENCY, {}).get("selected_option")
    if option:
        payload["inconsistency"] = option["value"]
    return payload


def build_rop_result_blocks(result: dict[str, Any], card: Block | None) -> list[Block]:
    """The rop_calculator result posted privately: the dates card, the summary, what to do now, its sources."""
    blocks: list[Block] = [{"type": "header", "text": plain("ROP dates")}]
    if card is not None:
        blocks.append(card)
    blocks.extend(section(piece) for piece in split_text(escape(str(result.get("summary", "")))))
    actions = [escape(str(a)) for a in result.get("actions", [])]
    if actions:
        blocks.extend(
            section(piece) for piece in split_text("*What to do now*\n" + "\n".join(f"• {a}" for a in actions))
        )
    sources = [f"{escape(s['title'])}, p. {s['page']}" for s in result.get("sources", [])[:5]]
    if sources:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": "; ".join(sources)}]})
    return blocks
