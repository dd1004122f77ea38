"""`POST /api/ask`: one question, the structured answer."""

from __future__ import annotations

import copy
import logging
import uuid
from typing import Any

from fastapi import APIRouter

from assistant.engine import Assistant
from assistant.models import Answer
from assistant.store import DATABASE_ERRORS, database_reason
from bots.http.deps import AssistantDep
from bots.http.models import AskBody

router = APIRouter(tags=["ask"])
log = logging.getLogger("enroller.http")


@router.post("/ask", response_model=Answer)
def ask(body: AskBody, assistant: AssistantDep) -> Answer:
    """Answer a question (tools or cited toolkit passages); pass `conversation_id` back to follow up."""
    try:
        return assistant.ask(body)
    except DATABASE_ERRORS as exc:
        # The database is down: still answer, without conversation memory (a follow-up is read on its own).
        log.warning("answering without conversation memory: %s", database_reason(exc))
        return without_memory(assistant).ask(body)


class MemorylessStore:
    """Stands in for the conversation store while the database is unavailable: remembers nothing."""

    def new_conversation(self) -> str:
        """A fresh id (not stored)."""
        return uuid.uuid4().hex

    def history(self, conversation_id: str, limit: int = 6) -> list[Answer]:
        """No earlier turns."""
        return []

    def pending(self, conversation_id: str) -> dict[str, Any] | None:
        """Nothing pending."""
        return None

    def append(self, answer: Answer, **kwargs: Any) -> None:
        """Drop the turn."""


def without_memory(assistant: Assistant) -> Assistant:
    """The same assistant (index, tools, LLM) over a store that remembers nothing, for this one request."""
    view = copy.copy(assistant)
    view.store = MemorylessStore()  # type: ignore[assignment]
    return view
