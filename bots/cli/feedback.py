"""`enroller feedback export [--bad] [--json]`: the stored 👍/👎 (redacted), one line each, for eval candidates."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bots.cli.common import EXIT_OK, print_json


def register(sub: Any) -> None:
    """Add `feedback` (with `export`) to the `enroller` parser's subparsers."""
    from bots.cli.common import EnrollerParser

    p = sub.add_parser("feedback", help="stored feedback on answers (from Slack)")
    actions = p.add_subparsers(dest="feedback_command", required=True, parser_class=EnrollerParser)
    e = actions.add_parser("export", help="print stored feedback, oldest first")
    e.add_argument("--bad", action="store_true", help="only the thumbs down")
    e.add_argument("--json", action="store_true", help="JSON lines (question, answer, route, citations, comment)")
    e.set_defaults(func=cmd_feedback_export)


def feedback_records(bad_only: bool = False) -> list[dict[str, Any]]:
    """Every stored feedback as a flat record; a Slack turn's question, route and citations unpacked."""
    from assistant.settings import get_settings
    from assistant.store import ConversationStore

    settings = get_settings()
    with ConversationStore.from_settings(settings) as store:
        rows = store.list_feedback(bad_only=bad_only)
    records = []
    for row in rows:
        turn: dict[str, Any] = {}
        if row.answer and row.answer.startswith("{"):
            try:
                turn = json.loads(row.answer)
            except json.JSONDecodeError:
                turn = {}
        records.append(
            {
                "id": row.id,
                "created_at": row.created_at,
                "rating": row.rating,
                "conversation_id": row.conversation_id,
                "turn_id": row.turn_id,
                "question": turn.get("question"),
                "answer": turn.get("answer", row.answer) if turn else row.answer,
                "route": turn.get("route"),
                "citations": turn.get("citations", []),
                "comment": row.comment,
            }
        )
    return records


def cmd_feedback_export(args: argparse.Namespace) -> int:
    """Print the feedback: JSON lines with --json, else one readable line each."""
    for record in feedback_records(bad_only=args.bad):
        if args.json:
            print_json(record)
            continue
        mark = "+1" if record["rating"] > 0 else "-1"
        comment = f" — {record['comment']}" if record["comment"] else ""
        print(f"{record['created_at']}  {mark}  {record['question'] or record['conversation_id']}{comment}")
    return EXIT_OK
