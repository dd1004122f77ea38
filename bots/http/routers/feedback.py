"""`POST /api/feedback`: 👍/👎 on a conversation's latest answer."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.engine import Assistant
from bots.http.deps import AssistantDep
from bots.http.errors import NotFoundError
from bots.http.models import FeedbackRequest, FeedbackResponse

router = APIRouter(tags=["feedback"])


@router.post("/feedback", response_model=FeedbackResponse, status_code=201)
def add_feedback(body: FeedbackRequest, assistant: AssistantDep) -> FeedbackResponse:
    """Record the rating (comment redacted) against the conversation's latest turn."""
    return record_feedback(assistant, body)


def record_feedback(assistant: Assistant, body: FeedbackRequest) -> FeedbackResponse:
    """Store feedback on the conversation's latest turn; 404 for a conversation with no turns."""
    store = assistant.store
    turn_id = store.last_turn_id(body.conversation_id)
    if turn_id is None:
        error = NotFoundError(f"no conversation {body.conversation_id!r}: ask a question first")
        error.field = "conversation_id"
        raise error
    row = store.add_feedback(body.conversation_id, body.rating, turn_id=turn_id, comment=body.comment)
    return FeedbackResponse(id=row, conversation_id=body.conversation_id, rating=body.rating)
