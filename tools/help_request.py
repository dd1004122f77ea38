"""Help-request router: which Enroller Portal help-request category (and team) fits a problem."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from tools.escalation import escalation_facts
from tools.facts import Facts, SourceRef, knowledge_file, load_facts, unique_sources
from tools.models import ToolInput, ToolOutput
from tools.text import find_phrases, score


class _Category(Facts):
    name: str
    team: str
    source: SourceRef
    keywords: list[str]


class _Include(Facts):
    text: str
    source: SourceRef | None = None


class HelpRequestFacts(Facts):
    """Schema of knowledge/help_requests.yaml."""

    categories: list[_Category]
    include: list[_Include]
    escalation_keywords: dict[str, list[str]]


@knowledge_file("help_requests.yaml", HelpRequestFacts)
def help_request_facts() -> HelpRequestFacts:
    """Help-request categories and routing keywords, loaded once."""
    return load_facts("help_requests.yaml", HelpRequestFacts)


class HelpRequestInput(ToolInput):
    """Arguments of help_request_router."""

    description: str = Field(description="The enroller's problem in their own words (no consumer PII).")

    @field_validator("description")
    @classmethod
    def _required(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("description is empty; describe the problem in a sentence")
        return value


class CategoryScore(BaseModel):
    """One candidate category and how well it fits."""

    category: str
    team: str
    confidence: float = Field(ge=0, le=1)


class HelpRequestOutput(ToolOutput):
    """Result of help_request_router."""

    category: str
    team: str
    confidence: float = Field(ge=0, le=1)
    alternatives: list[CategoryScore] = Field(description="Every category, best first.")
    include: list[str] = Field(description="What to put in the request.")
    escalation_type: str | None = Field(default=None, description="The deck's escalation type this looks like.")
    best_practice: str | None = None
    matched: list[str] = Field(description="Words in the description that decided the category.")


def help_request_router(inp: HelpRequestInput) -> HelpRequestOutput:
    """Suggest the Enroller Portal help-request category and team for a problem.

    Use it when an enroller asks which help-request category to choose or where to send a problem.
    `description` is the problem in plain words. Returns the category, the team it goes to, a confidence,
    the alternatives, what to include, and the deck's best practice when it looks like a known escalation.
    """
    facts = help_request_facts()
    scored = []
    for cat in facts.categories:
        hits = find_phrases(inp.description, cat.keywords)
        scored.append((score(hits), cat, hits))
    total = sum(s for s, _, _ in scored)
    # With no evidence at all, consumer-case problems are by far the common case: lean there, weakly.
    ranked: list[tuple[float, _Category, list[str]]]
    if total == 0:
        ranked = [(0.55 if i == 0 else 0.45, cat, []) for i, (_, cat, _) in enumerate(scored)]
    else:
        smoothed = [(s + 0.25) / (total + 0.25 * len(scored)) for s, _, _ in scored]
        ranked = [(p, cat, hits) for p, (_, cat, hits) in zip(smoothed, scored, strict=True)]
    ranked.sort(key=lambda item: item[0], reverse=True)
    confidence, best, matched = ranked[0]

    escalation_type = best_practice = None
    refs: list[SourceRef] = [best.source]
    if best.name == facts.categories[0].name:
        esc_best = max(
            ((score(find_phrases(inp.description, words)), key) for key, words in facts.escalation_keywords.items()),
            default=(0.0, ""),
        )
        if esc_best[0] > 0:
            escalation_type = esc_best[1]
            info = escalation_facts().types[escalation_type]
            best_practice = " ".join(info.best_practice.split())
            refs.append(info.source)
    refs.extend(i.source for i in facts.include if i.source is not None)

    summary = f'Use the "{best.name}" category; it goes to the {best.team}.'
    if confidence < 0.6:
        summary += " (Low confidence: the description fits more than one category.)"
    if escalation_type is not None:
        label = escalation_facts().types[escalation_type].label
        summary += f" This looks like a {label} escalation; best practice: {best_practice}"
    summary += " Include the case number and screenshots of any error; never a full SSN."
    return HelpRequestOutput(
        summary=summary,
        sources=unique_sources(refs),
        category=best.name,
        team=best.team,
        confidence=round(confidence, 2),
        alternatives=[CategoryScore(category=c.name, team=c.team, confidence=round(p, 2)) for p, c, _ in ranked],
        include=[" ".join(i.text.split()) for i in facts.include],
        escalation_type=escalation_type,
        best_practice=best_practice,
        matched=matched,
    )
