"""Feedback from Slack into the store: the rating with the turn's question, answer, route and citations."""

from __future__ import annotations

import json

from bots.slack.answering import SlackDeps, find_turn
from bots.slack.turns import TurnRef


def store_feedback(deps: SlackDeps, ref: TurnRef, rating: int, comment: str | None = None) -> int:
    """Record 👍 (+1) or 👎 (-1) on a turn. The answer field holds the turn as JSON (question, answer, route,
    citations: already redacted by the assistant, and redacted again by the store); the comment is redacted too."""
    turn = find_turn(deps, ref)
    record = None
    if turn is not None:
        record = json.dumps(
            {
                "question": turn.question,
                "answer": turn.answer,
                "route": turn.route,
                "citations": [{"source": c.source, "title": c.title, "page": c.page} for c in turn.citations],
            },
            ensure_ascii=False,
        )
    return deps.assistant.store.add_feedback(
        ref.conversation_id, rating, turn_id=ref.turn_id, answer=record, comment=(comment or "").strip() or None
    )
