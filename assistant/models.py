"""The assistant's public data shapes: what `Assistant.ask` returns, and what the CLI prints as JSON."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Route = Literal["tool", "retrieval", "fallback"]


class Citation(BaseModel):
    """One document page an answer stands on."""

    source: str = Field(description="File name of the document.")
    title: str
    page: int = Field(ge=1)
    snippet: str = Field(description="The passage (or sentence) cited.")


class ToolCall(BaseModel):
    """One deterministic tool run: its name, validated arguments and JSON result."""

    name: str
    arguments: dict[str, Any]
    result: dict[str, Any]


class Answer(BaseModel):
    """The answer to one question. `enroller ask --json` prints exactly these fields."""

    question: str = Field(description="The question as stored: PII already redacted.")
    answer: str
    route: Route
    tool_calls: list[ToolCall] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    conversation_id: str
