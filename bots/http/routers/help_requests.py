"""`POST /api/help-requests/suggest`: the live category suggestion for the help-request form."""

from __future__ import annotations

from fastapi import APIRouter

from bots.http.deps import AssistantDep
from bots.http.models import SuggestRequest, SuggestResponse
from bots.http.suggest import suggest_help_request

router = APIRouter(prefix="/help-requests", tags=["help requests"])


@router.post("/suggest", response_model=SuggestResponse, response_model_exclude_none=True)
def suggest(body: SuggestRequest, assistant: AssistantDep) -> SuggestResponse:
    """Ranked categories (and why), what to include, a PII warning, and an answer that may make the request
    unnecessary. Nothing is stored."""
    return suggest_help_request(assistant, body)
