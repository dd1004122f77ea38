"""The help-request suggestion: ranked categories and why, what to include, PII, and an answer that may make
the request unnecessary. Called on every pause in typing, so it never stores anything and stays fast."""

from __future__ import annotations

from assistant.engine import Assistant, abstain_signals
from assistant.pii import redact_pii
from bots.http.models import (
    CategorySuggestion,
    CitedPage,
    MayAnswer,
    PiiWarning,
    SuggestRequest,
    SuggestResponse,
    document_url,
)
from tools.help_request import HelpRequestInput, help_request_facts, help_request_router
from tools.text import find_phrases

#: Fewer words than this is not yet a question worth searching the toolkits for.
MIN_ANSWER_WORDS = 5
ANSWER_K = 6


def suggest_help_request(assistant: Assistant, request: SuggestRequest) -> SuggestResponse:
    """Rank the categories for a (partial) description; add the toolkit answer when one is confident."""
    redaction = redact_pii(request.description)
    text = redaction.text
    pii = PiiWarning(kinds=list(redaction.kinds), message=assistant.texts.pii_warning) if redaction.found else None
    if not text.strip():
        return SuggestResponse(categories=[], include=[], pii=pii)
    routed = help_request_router(HelpRequestInput(description=text))
    keywords = {c.name: c.keywords for c in help_request_facts().categories}
    categories = [
        CategorySuggestion(
            category=alt.category,
            team=alt.team,
            confidence=alt.confidence,
            matched=find_phrases(text, keywords.get(alt.category, [])),
        )
        for alt in routed.alternatives
    ]
    topic_matches = request.topic == routed.category if request.topic else None
    return SuggestResponse(
        categories=categories,
        include=routed.include,
        escalation_type=routed.escalation_type,
        best_practice=routed.best_practice,
        topic_matches=topic_matches,
        pii=pii,
        may_answer=confident_answer(assistant, text),
    )


def confident_answer(assistant: Assistant, question: str) -> MayAnswer | None:
    """The toolkits' answer to `question` (already redacted) when it clears the assistant's abstain policy."""
    if len(question.split()) < MIN_ANSWER_WORDS:
        return None
    hits = assistant.search(question, ANSWER_K)
    if not hits:
        return None
    signals = abstain_signals(question, hits)
    if signals.abstain_reason(assistant.texts.abstain) is not None:
        return None
    composition = signals.composition
    return MayAnswer(
        text=composition.text,
        citations=[CitedPage(**c.model_dump(), url=document_url(c.source, c.page)) for c in composition.citations],
    )
