"""Block Kit for "Still need help?": the help-request category for the question, the portal, the helper group."""

from __future__ import annotations

from typing import Any

from bots.slack.turns import TurnRef
from bots.slack.views.mrkdwn import escape, link, plain, section

Block = dict[str, Any]

RESOLVE_ACTION = "mark_resolved"


def build_help_blocks(
    route: dict[str, Any], *, portal_url: str | None, helpers: str | None, ref: TurnRef, asker: str | None
) -> list[Block]:
    """A help_request_router result as a suggestion: category, team, what to include, the portal; with a helper
    group, the group is tagged and anyone can mark it resolved."""
    portal = link(portal_url, "Enroller Portal") if portal_url else "the Enroller Portal"
    lines = [
        f"*Still need help?* File a Help Request in {portal} under *{escape(str(route['category']))}* "
        f"(it goes to {escape(str(route['team']))}).",
    ]
    include = [escape(str(item)) for item in route.get("include", [])]
    if include:
        lines.append("Include:\n" + "\n".join(f"• {item}" for item in include))
    blocks: list[Block] = [section("\n".join(lines))]
    if helpers:
        who = f"<@{asker}>" if asker else "someone"
        blocks.append(section(f"<!subteam^{helpers}> {who} needs a person's help with this question."))
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": RESOLVE_ACTION,
                        "text": plain("Mark resolved"),
                        "style": "primary",
                        "value": ref.encode(),
                    }
                ],
            }
        )
    return blocks


def build_resolved_blocks(blocks: list[Block], resolver: str) -> list[Block]:
    """The help message once resolved: the same text, the button replaced by who resolved it."""
    kept = [b for b in blocks if b.get("type") != "actions"]
    return [*kept, {"type": "context", "elements": [{"type": "mrkdwn", "text": f"✅ Resolved by <@{resolver}>"}]}]
