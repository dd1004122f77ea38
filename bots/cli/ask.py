"""`enroller ask`, `enroller chat` and `enroller demo`: the assistant on the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from assistant.models import Answer, AskRequest, short_arguments
from bots.cli.common import EXIT_BAD_INPUT, EXIT_OK, BatchLine, fail, print_json, read_batch, terminal_progress

DEMO_QUESTIONS = (
    ("My client's NOD01 is dated March 3, 2026. When does the ROP end?", "2026-03-20"),
    ("Is the service center open on December 31, 2025?", "2025-12-20"),
    ("The delegation search says more than one case was found. What now?", "2026-01-05"),
    ("What should I do after a consumer is terminated for an ROP inconsistency?", "2026-01-05"),
)


def register(sub: Any) -> None:
    """Add `ask`, `chat` and `demo` to the `enroller` parser's subparsers."""
    p = sub.add_parser("ask", help="answer one question (or a JSONL batch) with citations")
    p.add_argument("question", nargs="?", help="the question, in your own words")
    p.add_argument("--batch", type=Path, metavar="FILE.jsonl", help='lines {"id", "question", "today"?}')
    p.add_argument("--index", type=Path, help="index directory (default: the built-in knowledge index)")
    p.add_argument("--today", type=_iso_date, help="answer as if today were YYYY-MM-DD")
    p.add_argument("--conversation", metavar="ID", help="continue a conversation (see the JSON output)")
    p.add_argument("--json", action="store_true", help="print the answer as one JSON object")
    p.add_argument("--explain", action="store_true", help="also print the steps taken (intent, tools, scores)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="an interactive conversation in the terminal")
    p.add_argument("--index", type=Path, help="index directory (default: the built-in knowledge index)")
    p.add_argument("--today", type=_iso_date, help="answer as if today were YYYY-MM-DD")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("demo", help="index the built-in knowledge if needed and answer a few example questions")
    p.add_argument("--index", type=Path, help="index directory (default: the built-in knowledge index)")
    p.set_defaults(func=cmd_demo)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def _build_assistant(index: Path | None) -> Any:
    from assistant.wiring import build_assistant

    with terminal_progress() as progress:
        return build_assistant(index_dir=index, progress=progress)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question, or every line of a JSONL batch, in one process."""
    if args.batch is not None and args.question:
        return fail("give either a QUESTION or --batch FILE.jsonl, not both")
    if args.batch is None and not (args.question and args.question.strip()):
        return fail("question: required (or --batch FILE.jsonl)")
    if args.batch is not None and not args.batch.is_file():
        return fail(f"--batch: no such file: {args.batch}")
    with _build_assistant(args.index) as assistant:
        if args.batch is not None:
            return _ask_batch(assistant, args.batch, default_today=args.today, as_json=args.json, explain=args.explain)
        answer = assistant.ask(args.question, conversation_id=args.conversation, today=args.today)
        if args.json:
            print_json(answer.model_dump(mode="json"))
        else:
            print(render_answer(answer, explain=args.explain))
        return EXIT_OK


def _batch_request(line: BatchLine, default_today: date | None) -> AskRequest:
    """A batch line as an `AskRequest` (its own `today`, else the --today default); raises
    InvalidRequestError naming the field."""
    from pydantic import ValidationError

    from assistant.errors import InvalidRequestError

    fields: dict[str, Any] = {"question": line.question, "today": line.fields.get("today") or default_today}
    if line.fields.get("conversation_id"):
        fields["conversation_id"] = line.fields["conversation_id"]
    try:
        return AskRequest.model_validate(fields)
    except ValidationError as exc:
        raise InvalidRequestError(exc) from exc


def _ask_batch(assistant: Any, path: Path, *, default_today: date | None, as_json: bool, explain: bool) -> int:
    from tools.errors import InvalidInputError

    status = EXIT_OK
    for line in read_batch(path):
        error = line.error
        if error is None:
            try:
                answer = assistant.ask(_batch_request(line, default_today))
            except InvalidInputError as exc:
                error = str(exc)
        if error is not None:
            status = EXIT_BAD_INPUT
            print(f"enroller: error: {path}:{line.number}: {error}", file=sys.stderr)
            if as_json:
                print_json({"id": line.item_id, "error": error})
            else:
                print(f"[{line.item_id}] error: {error}")
            continue
        if as_json:
            print_json({"id": line.item_id, **answer.model_dump(mode="json")})
        else:
            print(f"[{line.item_id}] {answer.question}\n{render_answer(answer, explain=explain)}\n")
        sys.stdout.flush()
    return status


def render_answer(answer: Answer, *, explain: bool = False) -> str:
    """The answer as plain text: the answer, then where it comes from (and, with `explain`, the steps)."""
    lines = [answer.answer]
    if answer.tool_calls:
        lines.append("")
        lines.extend(f"  tool: {c.name}({short_arguments(c.arguments)})" for c in answer.tool_calls)
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        lines.extend(f"  - {c.title}, p. {c.page} ({c.source})" for c in answer.citations)
    if explain and answer.trace:
        lines.append("")
        lines.append("How I got there:")
        lines.extend(f"  {step.step}: {step.detail}" for step in answer.trace)
    return "\n".join(lines)


def cmd_chat(args: argparse.Namespace) -> int:
    """An interactive conversation: follow-ups keep their context; /new starts over, /quit leaves."""
    assistant = _build_assistant(args.index)
    conversation: str | None = None
    print("Enroller Assist. Ask about ROP dates, delegation, help requests, the CRW, Service Center hours.")
    print("Type /new for a new conversation, /quit to leave. Don't paste consumer PII.")
    try:
        while True:
            try:
                question = input("\nyou> ").strip()
            except EOFError:
                break
            if not question:
                continue
            if question in ("/quit", "/exit"):
                break
            if question == "/new":
                conversation = None
                print("(new conversation)")
                continue
            answer = assistant.ask(question, conversation_id=conversation, today=args.today)
            conversation = answer.conversation_id
            print("\n" + render_answer(answer))
    finally:
        assistant.close()
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    """The README's main job: index the built-in knowledge (if needed) and answer a few real questions."""
    with _build_assistant(args.index) as assistant:
        for question, today in DEMO_QUESTIONS:
            answer = assistant.ask(question, today=date.fromisoformat(today))
            print(f"Q ({today}): {question}\n{render_answer(answer)}\n{'-' * 100}")
    return EXIT_OK
