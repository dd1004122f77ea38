"""The assistant's public data shapes: what `Assistant.ask` takes and returns, and what the CLI prints as JSON."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from tools.facts import documents
from tools.models import ToolOutput

Route = Literal["tool", "retrieval", "fallback"]
PartKind = Literal["notice", "tool", "excerpt", "followup", "fallback"]

#: Longer questions are refused: nobody types more, and a pasted document is not a question.
MAX_QUESTION_CHARS = 4000


class AskRequest(BaseModel):
    """One question to answer, from any interface: validated here so every interface rejects the same input."""

    question: str = Field(description="The question, in the enroller's own words.")
    conversation_id: str | None = Field(default=None, max_length=200, description="Continue this conversation.")
    today: date | None = Field(default=None, description="Answer as if today were this date (default: Pacific today).")
    now: datetime | None = Field(default=None, description="The moment for 'open right now?' (default: the clock).")

    @field_validator("question")
    @classmethod
    def _question_text(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if len(value) > MAX_QUESTION_CHARS:
            raise ValueError(f"is {len(value)} characters; at most {MAX_QUESTION_CHARS}")
        return value

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2026-12-01T09:30:00-08:00")
        return value

    @field_validator("conversation_id")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None


class Citation(BaseModel):
    """One document page an answer stands on."""

    source: str = Field(description="File name of the document.")
    title: str
    page: int = Field(ge=1)
    snippet: str = Field(description="The passage (or sentence) cited.")
    doc_date: str | None = Field(default=None, description="The document's date (ISO), when it states one.")


class ToolCall(BaseModel):
    """One deterministic tool run: its name, validated arguments and JSON result."""

    name: str
    arguments: dict[str, Any]
    result: dict[str, Any]


def short_arguments(arguments: dict[str, Any]) -> str:
    """Tool arguments on one line, long values cut: `notice_date=2026-03-03, message=The delegation...`."""
    parts = []
    for key, value in arguments.items():
        text = str(value)
        parts.append(f"{key}={text if len(text) <= 40 else text[:37] + '...'}")
    return ", ".join(parts)


class AnswerPart(BaseModel):
    """One piece of an answer, in reading order, with the citations it stands on (indexes into `citations`)."""

    kind: PartKind
    text: str
    citations: list[int] = Field(default_factory=list)


class TraceStep(BaseModel):
    """One step the assistant took: the intent and the rule that matched, tool arguments, retrieval scores,
    why it abstained. Shown by `enroller ask --explain`; never holds unredacted text."""

    step: str
    detail: str


class Answer(BaseModel):
    """The answer to one question. `enroller ask --json` prints exactly these fields."""

    question: str = Field(description="The question as stored: PII already redacted.")
    answer: str = Field(description="The plain-text rendering of `parts`.")
    route: Route
    tool_calls: list[ToolCall] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    conversation_id: str
    parts: list[AnswerPart] = Field(default_factory=list)
    trace: list[TraceStep] = Field(default_factory=list)

    @model_validator(mode="after")
    def _citation_indexes_exist(self) -> Answer:
        for part in self.parts:
            bad = [i for i in part.citations if not 0 <= i < len(self.citations)]
            if bad:
                raise ValueError(f"part {part.kind!r} cites {bad}, but there are {len(self.citations)} citations")
        return self


def tool_citations(out: ToolOutput) -> list[Citation]:
    """The pages a tool's output stands on, as citations under its summary, each with its document's date
    (knowledge/sources.yaml; the tool's own JSON carries no date)."""
    dates = {info.file: info.date for info in documents().values()}
    return [
        Citation(source=s.document, title=s.title, page=s.page, snippet=out.summary, doc_date=dates.get(s.document))
        for s in out.sources
    ]


def unique_citations(citations: Iterable[Citation | None]) -> list[Citation]:
    """Citations without repeats of the same document page, first seen first (None skipped)."""
    seen: set[tuple[str, int]] = set()
    out: list[Citation] = []
    for citation in citations:
        if citation is None:
            continue
        key = (citation.source, citation.page)
        if key not in seen:
            seen.add(key)
            out.append(citation)
    return out
