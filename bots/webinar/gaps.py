"""What enrollers ask that the assistant can't answer: the stored questions it fell back on and the 👎'd ones (from
every interface: CLI, Slack, HTTP), grouped the same way as a webinar's, with counts and dates, redacted.

Questions come from `ConversationStore.gap_turns` (turns that fell back or whose turn got a 👎) and from 👎 feedback
that names no turn but carries the turn as JSON (Slack records it so). Everything is redacted once more here.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from assistant.pii import redact_pii
from bots.webinar.answering import build_groups
from bots.webinar.errors import WebinarError
from bots.webinar.grouping import Embed, embed_questions
from bots.webinar.models import Question
from bots.webinar.rules import normalize

GAP_FORMATS = (".json", ".md", ".csv")
GAP_CSV_COLUMNS = (
    "rank",
    "question",
    "asked",
    "fell_back",
    "thumbs_down",
    "first_asked",
    "last_asked",
    "other_wordings",
)


class GapGroup(BaseModel):
    """Near-duplicate unanswered questions: `questions[0]` is the most central."""

    questions: list[str]
    count: int = Field(description="Times asked (a turn both fallen back on and 👎'd counts once).")
    fell_back: int = 0
    thumbs_down: int = 0
    first_asked: date
    last_asked: date

    @property
    def representative(self) -> str:
        """The question the group is listed by."""
        return self.questions[0]


class GapsReport(BaseModel):
    """The whole list, most asked first."""

    since: date | None = None
    asked: int = Field(default=0, description="Questions counted (every group's count).")
    groups: list[GapGroup] = Field(default_factory=list)


@dataclass
class _Seen:
    text: str
    dates: list[date] = field(default_factory=list)
    fell_back: int = 0
    thumbs_down: int = 0


@dataclass(frozen=True)
class GapQuestion:
    """One unanswered question as read from the store."""

    text: str
    asked_on: date
    fell_back: bool
    thumbs_down: bool


def _day(created_at: str) -> date:
    return date.fromisoformat(created_at[:10])


def read_gap_questions(store: Any, since: date | None = None) -> list[GapQuestion]:
    """Fallback and 👎'd turns since `since`, plus 👎 feedback that carries its turn's question (Slack)."""
    found = [
        GapQuestion(t.question, _day(t.created_at), t.route == "fallback", t.thumbs_down)
        for t in store.gap_turns(since)
    ]
    for row in store.list_feedback(bad_only=True):
        if row.turn_id is not None or not (row.answer or "").startswith("{"):
            continue  # a turn id: gap_turns has it already
        try:
            turn = json.loads(row.answer)
        except json.JSONDecodeError:
            continue
        question = turn.get("question") if isinstance(turn, dict) else None
        asked_on = _day(row.created_at)
        if question and (since is None or asked_on >= since):
            found.append(GapQuestion(question, asked_on, turn.get("route") == "fallback", True))
    return found


def build_gaps(
    questions: Sequence[GapQuestion], *, since: date | None = None, embed: Embed | None = None
) -> GapsReport:
    """Same wordings merged, then grouped as webinar questions are; counts, 👎 and dates per group."""
    seen: dict[str, _Seen] = {}
    for q in questions:
        text = redact_pii(q.text).text.strip()
        if not text:
            continue
        item = seen.setdefault(normalize(text), _Seen(text))
        item.dates.append(q.asked_on)
        item.fell_back += q.fell_back
        item.thumbs_down += q.thumbs_down
    items = list(seen.values())
    by_text = {item.text: item for item in items}
    grouped = build_groups([Question(text=i.text, askers=len(i.dates)) for i in items], embed=embed or embed_questions)
    groups = []
    for group in grouped:
        members = [by_text[t] for t in group.questions]
        dates = [d for m in members for d in m.dates]
        groups.append(
            GapGroup(
                questions=group.questions,
                count=group.count,
                fell_back=sum(m.fell_back for m in members),
                thumbs_down=sum(m.thumbs_down for m in members),
                first_asked=min(dates),
                last_asked=max(dates),
            )
        )
    groups.sort(key=lambda g: (-g.count, -g.last_asked.toordinal()))
    return GapsReport(since=since, asked=sum(g.count for g in groups), groups=groups)


def gaps_table(report: GapsReport, width: int = 70) -> str:
    """A plain table for a terminal: rank, asked, 👎, last asked, question."""
    if not report.groups:
        since = f" since {report.since}" if report.since else ""
        return f"No unanswered or 👎'd questions{since}.\n"
    lines = [f"{'#':>3}  {'asked':>5}  {'down':>4}  {'first':<10}  {'last':<10}  question"]
    for n, g in enumerate(report.groups, start=1):
        text = g.representative if len(g.representative) <= width else g.representative[: width - 1] + "…"
        more = f" (+{len(g.questions) - 1} wordings)" if len(g.questions) > 1 else ""
        lines.append(f"{n:>3}  {g.count:>5}  {g.thumbs_down:>4}  {g.first_asked}  {g.last_asked}  {text}{more}")
    return "\n".join(lines) + "\n"


def gaps_json(report: GapsReport) -> str:
    """The report as JSON: since, asked, groups (questions, count, fell_back, thumbs_down, first/last asked)."""
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def gaps_markdown(report: GapsReport) -> str:
    """The list a trainer writes the next guide from, in Markdown."""
    lines = ["# What enrollers ask that the assistant can't answer", ""]
    if report.since:
        lines += [f"Since {report.since:%B %-d, %Y}.", ""]
    lines += [f"{len(report.groups)} questions, asked {report.asked} times.", ""]
    if report.groups:
        lines += ["| # | Question | Asked | 👎 | First asked | Last asked |", "|---|---|---|---|---|---|"]
    for n, g in enumerate(report.groups, start=1):
        question = g.representative.replace("|", "\\|")
        lines.append(f"| {n} | {question} | {g.count} | {g.thumbs_down} | {g.first_asked} | {g.last_asked} |")
    others = [(n, g) for n, g in enumerate(report.groups, start=1) if len(g.questions) > 1]
    if others:
        lines += ["", "## Other wordings", ""]
        for n, g in others:
            lines += [f"{n}. {g.representative}", *(f"   - {q}" for q in g.questions[1:])]
    return "\n".join(lines) + "\n"


def gaps_csv(report: GapsReport) -> str:
    """One row per group."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(GAP_CSV_COLUMNS)
    for n, g in enumerate(report.groups, start=1):
        writer.writerow(
            [
                n,
                g.representative,
                g.count,
                g.fell_back,
                g.thumbs_down,
                g.first_asked,
                g.last_asked,
                " | ".join(g.questions[1:]),
            ]
        )
    return out.getvalue()


def render_gaps(report: GapsReport, suffix: str) -> str:
    """The report in the format named by a file extension (.json, .md, .csv)."""
    writers = {".json": gaps_json, ".md": gaps_markdown, ".csv": gaps_csv}
    writer = writers.get(suffix.lower())
    if writer is None:
        raise WebinarError(
            f"--out: cannot write {suffix or 'a file without an extension'}; use {', '.join(GAP_FORMATS)}"
        )
    return writer(report)
