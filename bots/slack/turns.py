"""What ties a Slack message to the assistant: conversation ids, references to one answered turn, question text."""

from __future__ import annotations

import re
from dataclasses import dataclass

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")


def conversation_id_for(team_id: str | None, channel_id: str, thread_ts: str) -> str:
    """The conversation of a Slack thread: the whole thread is one conversation."""
    return f"slack:{team_id or '-'}:{channel_id}:{thread_ts}"


def clean_question(text: str, bot_user_id: str | None = None) -> str:
    """The question without the app's @-mention (other mentions become plain "@someone")."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    text = _MENTION.sub("@someone", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class TurnRef:
    """One answered turn, as carried in a button's value: its conversation, its 1-based place in it, its row id."""

    conversation_id: str
    number: int
    turn_id: int | None = None

    def encode(self) -> str:
        """The button value (well under Slack's 2,000 characters: conversation ids are at most 200)."""
        return f"{self.turn_id or 0}|{self.number}|{self.conversation_id}"

    @classmethod
    def decode(cls, value: str) -> TurnRef:
        """Read a value made by `encode`; raises ValueError for anything else."""
        turn_id, number, conversation_id = value.split("|", 2)
        if not conversation_id:
            raise ValueError("no conversation id")
        return cls(conversation_id, int(number), int(turn_id) or None)
