"""Block Kit for the App Home tab: the Service Center now, today's hours, next closures, shortcuts, recent questions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bots.slack.views.mrkdwn import VIEW_BLOCKS, escape, plain, section

Block = dict[str, Any]

OPEN_ROP_ACTION = "open_rop_modal"


@dataclass(frozen=True)
class Closure:
    """A day the Service Center is closed (weekends aside), and whether the calendar confirms it."""

    day: date
    reason: str
    confirmed: bool


def build_home_view(
    hours: dict[str, Any], closures: list[Closure], recent: list[str], *, command: str = "/enroller"
) -> dict[str, Any]:
    """The Home tab. `hours` is a service_center_hours result for now; `recent` the user's last questions."""
    if hours.get("open_now"):
        status = f"🟢 *The Service Center is open now* (voice {hours.get('opens')}–{hours.get('closes')} Pacific)."
    else:
        nxt = str(hours.get("next_open") or "")
        status = "🔴 *The Service Center is closed now*" + (
            f"; it next opens {escape(nxt[:16].replace('T', ' '))}." if nxt else "."
        )
    if hours.get("open") and hours.get("opens"):
        today = f"Today: voice {hours['opens']}–{hours['closes']}"
        if hours.get("chat_opens"):
            today += f", chat {hours['chat_opens']}–{hours['chat_closes']}"
    else:
        today = f"Today: closed ({escape(str(hours.get('closure_reason') or 'closed'))})"
    if not hours.get("confirmed", True):
        today += " _(estimate: outside the published calendar)_"
    blocks: list[Block] = [
        {"type": "header", "text": plain("Enroller Assist")},
        section(status),
        section(today),
    ]
    if closures:
        lines = [
            f"• {c.day:%a %b} {c.day.day}, {c.day.year}: {escape(c.reason)}" + ("" if c.confirmed else " _(estimate)_")
            for c in closures
        ]
        blocks.append(section("*Next closures*\n" + "\n".join(lines)))
    blocks.append({"type": "divider"})
    blocks.append(
        section(
            f"*Ask me* by @-mentioning me in a channel, in a DM, or with `{command} your question` (only you see it). "
            "On any message: *⋯ → Ask Enroller Assist*."
        )
    )
    blocks.append(
        {
            "type": "actions",
            "elements": [{"type": "button", "action_id": OPEN_ROP_ACTION, "text": plain("ROP dates"), "value": "rop"}],
        }
    )
    if recent:
        lines = [f"• {escape(q[:200])}" for q in recent]
        blocks.append(section("*Your recent questions*\n" + "\n".join(lines)))
    return {"type": "home", "blocks": blocks[:VIEW_BLOCKS]}
