"""`POST /api/ask`: one question, the structured answer."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.models import Answer, AskRequest
from bots.http.deps import AssistantDep

router = APIRouter(tags=["ask"])


@router.post("/ask", response_model=Answer)
def ask(body: AskRequest, assistant: AssistantDep) -> Answer:
    """Answer a question (tools or cited toolkit passages); pass `conversation_id` back to follow up."""
    return assistant.ask(body)
