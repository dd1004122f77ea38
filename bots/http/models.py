"""Request and response bodies of the JSON API (the assistant's own `AskRequest` / `Answer` are reused)."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.models import AskRequest, Citation

MAX_DESCRIPTION_CHARS = 4000


def document_url(source: str, page: int) -> str:
    """Where a cited page opens: the served PDF at that page."""
    return f"/documents/{quote(source)}#page={page}"


class AskBody(AskRequest):
    """`POST /api/ask`'s body: the assistant's own `AskRequest`, refusing a field it does not know (422 naming it)
    rather than dropping it, so a misspelt `today` is not silently answered for the real today."""

    model_config = ConfigDict(extra="forbid", title="AskRequest")


class SearchHit(BaseModel):
    """One passage found by `GET /api/search`."""

    source: str
    title: str
    page: int
    snippet: str
    score: float
    url: str = Field(description="The document page, served by /documents.")


class SearchResponse(BaseModel):
    """What `GET /api/search` returns."""

    query: str
    hits: list[SearchHit]


class ToolInfo(BaseModel):
    """One deterministic tool, as `GET /api/tools` lists it."""

    name: str
    description: str
    input_schema: dict[str, Any]


class CitedPage(Citation):
    """A citation with the link to its page."""

    url: str


class SuggestRequest(BaseModel):
    """What the help-request form sends on every pause in typing."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(max_length=MAX_DESCRIPTION_CHARS, description="The problem as typed so far.")
    topic: str | None = Field(default=None, max_length=200, description="The topic the user has chosen, if any.")


class CategorySuggestion(BaseModel):
    """One help-request category, ranked."""

    category: str
    team: str
    confidence: float
    matched: list[str] = Field(description="Words of the description that point here.")


class PiiWarning(BaseModel):
    """The description holds consumer PII: what kinds, and what to do."""

    kinds: list[str]
    message: str


class MayAnswer(BaseModel):
    """An answer from the toolkits the assistant is confident of: "this may answer it before you submit"."""

    text: str
    citations: list[CitedPage]


class SuggestResponse(BaseModel):
    """What `POST /api/help-requests/suggest` returns."""

    categories: list[CategorySuggestion] = Field(description="Best first.")
    include: list[str] = Field(description="What to put in the request.")
    escalation_type: str | None = None
    best_practice: str | None = None
    topic_matches: bool | None = Field(default=None, description="Whether the chosen topic is the suggested one.")
    pii: PiiWarning | None = None
    may_answer: MayAnswer | None = None


class FeedbackRequest(BaseModel):
    """👍 (+1) or 👎 (-1) on one answer of a conversation: its `turn`, else the latest."""

    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(min_length=1, max_length=200)
    rating: Literal[1, -1]
    comment: str | None = Field(default=None, max_length=2000)
    turn: int | None = Field(
        default=None,
        ge=1,
        description="Which answer: its number in the conversation, 1 for the first (default: the latest).",
    )

    @field_validator("conversation_id")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        return value


class FeedbackResponse(BaseModel):
    """The stored feedback's id."""

    id: int
    conversation_id: str
    rating: int
    turn: int = Field(description="The number of the answer rated, 1 for the conversation's first.")


class ReadyResponse(BaseModel):
    """What `/readyz` says: each check and, when not ready, why."""

    ready: bool
    checks: dict[str, str]
    reason: str | None = None


class ErrorBody(BaseModel):
    """Every error response: one readable message, and the field at fault when there is one."""

    detail: str
    field: str | None = None


#: The errors every /api route may answer with, documented once so /openapi.json describes the real bodies
#: (FastAPI's default 422 schema is a list of errors; ours is `ErrorBody`).
API_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Malformed JSON body."},
    401: {"model": ErrorBody, "description": "Missing or invalid API token (when tokens are set)."},
    404: {"model": ErrorBody, "description": "No such tool, conversation or document."},
    413: {"model": ErrorBody, "description": "Request body too large."},
    422: {"model": ErrorBody, "description": "Invalid input, naming the field."},
    429: {"model": ErrorBody, "description": "Over this client's rate limit; see the Retry-After header."},
    503: {"model": ErrorBody, "description": "Not ready (no index, database unreachable), with the reason."},
}
