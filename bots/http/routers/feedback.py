"""`POST /api/feedback`: 👍/👎 on one answer of a conversation (by default its latest)."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.engine import Assistant
from bots.http.deps import AssistantDep
from bots.http.errors import NotFoundError
from bots.http.models import FeedbackRequest, FeedbackResponse

router = APIRouter(tags=["feedback"])


@router.post("/feedback", response_model=FeedbackResponse, status_code=201)
def add_feedback(body: FeedbackRequest, assistant: AssistantDep) -> FeedbackResponse:
    """Record the rating (comment redacted) against the answer `turn` names, else the conversation's latest."""
    return record_feedback(assistant, body)


def record_feedback(assistant: Assistant, body: FeedbackRequest) -> FeedbackResponse:
    """Store feedback on the answer it names (its turn id); 404 for a conversation or turn that does not exist."""
    store = assistant.store
    count = store.turn_count(body.conversation_id)
    if count == 0:
        error = NotFoundError(f"no conversation {body.conversation_id!r}: ask a question first")
        error.field = "conversation_id"
        raise error
    turn = body.turn if body.turn is not None else count
    turn_id = store.turn_id(body.conversation_id, turn)
    if turn_id is None:
        error = NotFoundError(f"turn {turn}: this conversation has {count} answer{'s' if count != 1 else ''}")
        error.field = "turn"
        raise error
    row = store.add_feedback(body.conversation_id, body.rating, turn_id=turn_id, comment=body.comment)
    return FeedbackResponse(id=row, conversation_id=body.conversation_id, rating=body.rating, turn=turn)
