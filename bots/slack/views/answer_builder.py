"""Block Kit for an `Answer`: tool cards, the answer text in mrkdwn (escaped, split), and a sources context block."""

from __future__ import annotations

from datetime import date
from typing import Any

from assistant.models import Answer, Citation, ToolCall
from bots.slack.views.mrkdwn import MESSAGE_BLOCKS, SECTION_LIMIT, document_url, escape, link, section, split_text

Block = dict[str, Any]

#: Sources shown under an answer (Onyx shows five too; more is noise in a thread).
MAX_SOURCES = 5
_SHORTENED = " … _(shortened to fit Slack)_"


def build_answer_blocks(answer: Answer, *, public_url: str | None = None, reserve: int = 0) -> list[Block]:
    """The answer's blocks: a card per tool result, its parts as mrkdwn sections, then its sources; at most
    `MESSAGE_BLOCKS - reserve` blocks (the caller adds `reserve` of its own, e.g. feedback buttons)."""
    cards = [card for call in answer.tool_calls if (card := build_tool_card(call)) is not None]
    sources = build_sources_block(answer.citations, public_url=public_url)
    tail = [sources] if sources is not None else []
    budget = MESSAGE_BLOCKS - reserve - len(cards) - len(tail)
    sections = [section(piece) for piece in split_text(render_parts(answer), SECTION_LIMIT)] or [section("…")]
    if len(sections) > budget:
        sections = sections[: max(budget, 1)]
        last = sections[-1]["text"]["text"]
        trimmed = split_text(last, SECTION_LIMIT - len(_SHORTENED))[0]
        sections[-1] = section(trimmed + _SHORTENED)
    return [*cards, *sections, *tail]


def render_parts(answer: Answer) -> str:
    """The answer's parts as one mrkdwn text: document text escaped, each part marked with its sources' numbers."""
    shown = min(len(answer.citations), MAX_SOURCES)
    paragraphs = []
    for part in answer.parts or []:
        text = escape(part.text.strip())
        if part.kind == "notice":
            text = f"_{text}_"
        marks = "".join(f"[{i + 1}]" for i in part.citations if i < shown)
        paragraphs.append(f"{text} {marks}" if marks else text)
    if not paragraphs:
        paragraphs.append(escape(answer.answer.strip()))
    return "\n\n".join(p for p in paragraphs if p)


def build_sources_block(citations: list[Citation], *, public_url: str | None = None) -> Block | None:
    """A context block with up to five sources, "[n] Title, p. N (Mon D, YYYY)", linked to the page when PUBLIC_URL
    is set; the date is the document's own, left out when it states none."""
    if not citations:
        return None
    elements = []
    for number, citation in enumerate(citations[:MAX_SOURCES], start=1):
        label = f"{citation.title}, p. {citation.page}"
        url = document_url(public_url, citation.source, citation.page)
        shown = link(url, label) if url else escape(label)
        dated = f" ({_day(citation.doc_date, weekday=False)})" if citation.doc_date else ""
        elements.append({"type": "mrkdwn", "text": f"[{number}] {shown}{dated}"})
    return {"type": "context", "elements": elements}


def build_tool_card(call: ToolCall) -> Block | None:
    """A compact card for a tool result: ROP dates, hours on a day, help-request category and team."""
    fields = _CARDS.get(call.name, lambda _r: [])(call.result)
    if not fields:
        return None
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields[:10]]}


def _day(value: Any, *, weekday: bool = True) -> str:
    try:
        d = date.fromisoformat(str(value))
    except ValueError:
        return escape(str(value))
    return f"{d:%a %b} {d.day}, {d.year}" if weekday else f"{d:%b} {d.day}, {d.year}"


def _rop_fields(r: dict[str, Any]) -> list[str]:
    fields = [f"*NOD01 date*\n{_day(r['notice_date'])}", f"*NOD03 warning*\n{_day(r['nod03_date'])}"]
    fields.append(f"*ROP ends*\n{_day(r['rop_due_date'])}")
    if r.get("reinstatement_deadline"):
        fields.append(f"*Restore by*\n{_day(r['reinstatement_deadline'])}")
    if r.get("days_left") is not None:
        fields.append(f"*Days left*\n{r['days_left']}")
    return fields


def _hours_fields(r: dict[str, Any]) -> list[str]:
    if r.get("open") and r.get("opens") and r.get("closes"):
        hours = f"{r['opens']}–{r['closes']} Pacific"
    else:
        hours = f"closed ({escape(str(r.get('closure_reason') or 'closed'))})"
    fields = [f"*Service Center*\n{_day(r['date'])}", f"*Voice line*\n{hours}"]
    if r.get("chat_opens") and r.get("chat_closes"):
        fields.append(f"*Chat*\n{r['chat_opens']}–{r['chat_closes']}")
    if r.get("open_now") is not None:
        fields.append(f"*Right now*\n{'open' if r['open_now'] else 'closed'}")
    if not r.get("confirmed", True):
        fields.append("*Calendar*\nestimate (not published)")
    return fields


def _help_fields(r: dict[str, Any]) -> list[str]:
    return [f"*Help-request category*\n{escape(str(r['category']))}", f"*Goes to*\n{escape(str(r['team']))}"]


_CARDS = {"rop_calculator": _rop_fields, "service_center_hours": _hours_fields, "help_request_router": _help_fields}


def fallback_text(answer: Answer, limit: int = 3000) -> str:
    """The message's `text` (notifications, screen readers): the plain answer, escaped and shortened at a word."""
    return split_text(escape(answer.answer), limit)[0] if answer.answer.strip() else "Enroller Assist answered."
