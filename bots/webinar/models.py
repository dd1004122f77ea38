"""The webinar feature's data shapes: what parsing yields, what grouping and answering produce, what is exported.

Asker names and e-mail addresses live only in `Message.asker` while a file is processed (to count distinct
askers and to redact names from question texts); nothing below `Message` carries them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from assistant.models import Citation, Route

Format = Literal["zoom_qa", "zoom_chat", "zoom_cloud_chat", "table_csv", "table_xlsx", "plain_text"]
MessageKind = Literal["message", "reaction"]


class Message(BaseModel):
    """One entry of an export as read (text already redacted); `reply_to` is the quoted start of the message
    it replies to or reacts to (Zoom cuts it to 20 characters plus "...")."""

    text: str
    asker: str | None = Field(default=None, description="Name or e-mail, in memory only: never exported.")
    upvotes: int = 0
    reply_to: str | None = Field(default=None, exclude=True, description="In memory only (may cut through PII).")
    opening: str = Field(default="", exclude=True, description="The unredacted first characters, for quotes to match.")
    kind: MessageKind = "message"
    is_qa: bool = Field(
        default=False, description="From a Q&A panel or a question column: every entry is meant as one."
    )


class ParsedFile(BaseModel):
    """One input file: the format detected from its content, the webinar details it names, its messages."""

    path: str
    format: Format
    topic: str | None = None
    webinar_date: dt.date | None = None
    messages: list[Message] = Field(default_factory=list)
    private_skipped: int = Field(default=0, description="Direct messages left out (never read further).")


class Question(BaseModel):
    """One question kept for grouping (redacted, asker names removed)."""

    text: str
    askers: int = 1
    upvotes: int = 0
    source: str = ""


class Dropped(BaseModel):
    """A message that is not a question, and why."""

    text: str
    why: str


class WebinarInfo(BaseModel):
    """The webinar the run is about."""

    title: str | None = None
    date: dt.date | None = None
    files: list[str] = Field(default_factory=list)
    formats: list[str] = Field(default_factory=list)
    messages: int = 0
    questions: int = Field(default=0, description="Messages kept as questions (repeats included).")
    private_skipped: int = 0


class Group(BaseModel):
    """Near-duplicate questions answered once: `questions[0]` is the most central (the one answered)."""

    questions: list[str]
    count: int = Field(description="Askers (same-question replies included) plus upvotes.")
    askers: int = 0
    upvotes: int = 0
    answer: str | None = None
    route: Route | None = None
    citations: list[Citation] = Field(default_factory=list)
    for_presenter: bool = False
    reviewed: bool = Field(default=False, description="A person edited the answer before export.")

    @property
    def representative(self) -> str:
        """The question the group is answered and listed by."""
        return self.questions[0]


class WebinarReport(BaseModel):
    """A whole run: the `.json` output and what `--run` stores."""

    webinar: WebinarInfo
    groups: list[Group] = Field(default_factory=list)
    dropped: list[Dropped] = Field(default_factory=list)

    @property
    def answered(self) -> list[Group]:
        """Groups with an answer, most asked first."""
        return [g for g in self.groups if not g.for_presenter]

    @property
    def for_presenter(self) -> list[Group]:
        """Groups the assistant abstained on, most asked first."""
        return [g for g in self.groups if g.for_presenter]
