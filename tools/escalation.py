"""Escalation timeline: when an Agent/CEC Service Center escalation should be resolved."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from tools.calendar import add_business_days, is_published
from tools.facts import Facts, SourceRef, knowledge_file, load_facts, unique_sources
from tools.models import ToolInput, ToolOutput


class _Range(Facts):
    earliest: int
    latest: int


class _Fact(Facts):
    text: str
    source: SourceRef


class EscalationType(Facts):
    """One escalation type from the deck, with its 2025 count and best practice."""

    label: str
    count_2025: int
    best_practice: str
    source: SourceRef


class _Wording(Facts):
    summary: str
    estimated: str


class EscalationFacts(Facts):
    """Schema of knowledge/escalations.yaml."""

    wording: _Wording
    resolution_business_days: _Range
    source: SourceRef
    exceptions: list[_Fact]
    types: dict[str, EscalationType]


@knowledge_file("escalations.yaml", EscalationFacts)
def escalation_facts() -> EscalationFacts:
    """Escalation facts, loaded once."""
    return load_facts("escalations.yaml", EscalationFacts)


class EscalationInput(ToolInput):
    """Arguments of escalation_timeline."""

    escalation_date: date = Field(description="The day the Service Center escalated the request, YYYY-MM-DD.")


class EscalationOutput(ToolOutput):
    """Result of escalation_timeline."""

    escalation_date: date
    earliest: date = Field(description="The start of the usual resolution window, in business days.")
    latest: date = Field(description="The end of the usual resolution window, in business days.")
    business_days: tuple[int, int]
    exceptions: list[str] = Field(description="Escalations that usually take longer.")
    confirmed: bool = Field(description="False when the window runs past the deck's published holiday calendar.")


def escalation_description_facts() -> dict[str, int]:
    """The numbers escalation_timeline's description states, from escalations.yaml."""
    span = escalation_facts().resolution_business_days
    return {"earliest": span.earliest, "latest": span.latest}


def escalation_timeline(inp: EscalationInput) -> EscalationOutput:
    """When a Service Center escalation should be resolved: {earliest} to {latest} business days.

    Use it when an enroller says a case was escalated on a date and asks when to expect a resolution.
    `escalation_date` is the day of the escalation; weekends and Service Center holidays are skipped.
    """
    facts = escalation_facts()
    span = facts.resolution_business_days
    earliest = add_business_days(inp.escalation_date, span.earliest)
    latest = add_business_days(inp.escalation_date, span.latest)
    confirmed = is_published(inp.escalation_date) and is_published(latest)
    exceptions = [" ".join(e.text.split()) for e in facts.exceptions]
    summary = " ".join(
        facts.wording.summary.format(
            escalated=inp.escalation_date.isoformat(),
            earliest=span.earliest,
            latest=span.latest,
            first_day=earliest.isoformat(),
            last_day=latest.isoformat(),
        ).split()
    )
    if not confirmed:
        summary += " " + " ".join(facts.wording.estimated.split())
    return EscalationOutput(
        summary=summary,
        sources=unique_sources([facts.source, *(e.source for e in facts.exceptions)]),
        escalation_date=inp.escalation_date,
        earliest=earliest,
        latest=latest,
        business_days=(span.earliest, span.latest),
        exceptions=exceptions,
        confirmed=confirmed,
    )
