"""`GET /api/search`: passages of the indexed documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from bots.http.deps import AssistantDep
from bots.http.models import SearchHit, SearchResponse, document_url

router = APIRouter(tags=["search"])

SNIPPET_CHARS = 300


@router.get("/search", response_model=SearchResponse)
def search(
    assistant: AssistantDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description="What to look for.")],
    k: Annotated[int, Query(ge=1, le=20, description="How many passages.")] = 5,
) -> SearchResponse:
    """The best `k` passages for `q`, with the page each is on."""
    hits = assistant.search(q, k)
    return SearchResponse(
        query=q,
        hits=[
            SearchHit(
                source=h.source,
                title=h.title,
                page=h.page,
                snippet=_snippet(h.text),
                score=round(float(h.score), 4),
                url=document_url(h.source, h.page),
            )
            for h in hits
        ],
    )


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET_CHARS else text[: SNIPPET_CHARS - 1].rsplit(" ", 1)[0] + "…"
