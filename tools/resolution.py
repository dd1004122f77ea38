"""CRW resolution-reason picker: the reason and a drafted note for closing a retention case.

The portal's official reason list is not in our sources: knowledge/crw.yaml holds an operator-edited
list, and every answer says so (`official_list: false`).
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from tools.facts import Facts, SourceRef, knowledge_file, load_facts, unique_sources
from tools.models import ToolInput, ToolOutput
from tools.text import find_phrases, score


class _Reason(Facts):
    reason: str
    keywords: list[str]


class _RiskLevels(Facts):
    source: SourceRef
    levels: dict[int, str]


class _Aging(Facts):
    source: SourceRef
    days: list[int]


class _Required(Facts):
    source: SourceRef
    fields: list[str]


class CrwFacts(Facts):
    """Schema of knowledge/crw.yaml."""

    risk_levels: _RiskLevels
    aging_buckets: _Aging
    required_fields: _Required
    choose_reason_source: SourceRef
    official_list: bool
    resolution_reasons: list[_Reason]


@knowledge_file("crw.yaml", CrwFacts)
def crw_facts() -> CrwFacts:
    """CRW facts and the operator-maintained reason list, loaded once."""
    return load_facts("crw.yaml", CrwFacts)


class ResolutionInput(ToolInput):
    """Arguments of resolution_reason_picker."""

    outcome: str = Field(description="What the renewal outreach found, in plain words (no consumer PII).")

    @field_validator("outcome")
    @classmethod
    def _required(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("outcome is empty; say what the outreach found")
        return value


class ReasonScore(BaseModel):
    """One candidate reason and how well it fits."""

    reason: str
    confidence: float = Field(ge=0, le=1)


class ResolutionOutput(ToolOutput):
    """Result of resolution_reason_picker."""

    reason: str
    confidence: float = Field(ge=0, le=1)
    alternatives: list[ReasonScore]
    required_fields: list[str]
    steps_to_resolve: str = Field(description="A drafted note for the Steps to Resolve field.")
    matched: list[str]
    official_list: bool = Field(description="False: the reasons are our list, not the portal's official one.")


def resolution_reason_picker(inp: ResolutionInput) -> ResolutionOutput:
    """Pick the Consumer Retention Workspace (CRW) resolution reason for closing a case, with a drafted note.

    Use it when an enroller closing a CRW renewal case says what the outreach found (renewed, got employer
    coverage, Medicare, Medi-Cal, moved out of state, deceased, could not reach them, declined) and asks
    which resolution reason to pick. `outcome` is that finding in plain words.
    """
    facts = crw_facts()
    scored = [
        (score(find_phrases(inp.outcome, r.keywords)), r, find_phrases(inp.outcome, r.keywords))
        for r in facts.resolution_reasons
    ]
    total = sum(s for s, _, _ in scored)
    other = next(r for r in facts.resolution_reasons if not r.keywords)
    ranked: list[tuple[float, _Reason, list[str]]]
    if total == 0:
        ranked = [(1.0, other, [])]
        confidence = 0.3
    else:
        ranked = sorted(((s / total, r, hits) for s, r, hits in scored if s > 0), key=lambda x: x[0], reverse=True)
        confidence = ranked[0][0] * (0.95 if len(ranked[0][2]) > 1 or len(ranked[0][2][0].split()) > 1 else 0.85)
    _, best, matched = ranked[0]
    outcome = " ".join(inp.outcome.split()).rstrip(".")
    note = f'Outreach outcome: {outcome}. Closing with resolution reason "{best.reason}".'
    summary = (
        f'Pick "{best.reason}" as the Resolution Reason, set the Status, and fill in Steps to Resolve '
        f"(all three are required). Note: this reason list is maintained by our operators, not the portal's "
        f"official list - pick the closest match the portal shows."
    )
    if total == 0:
        summary = "Nothing in that outcome matches a specific reason; " + summary[0].lower() + summary[1:]
    return ResolutionOutput(
        summary=summary,
        sources=unique_sources([facts.required_fields.source, facts.choose_reason_source]),
        reason=best.reason,
        confidence=round(min(confidence, 1.0), 2),
        alternatives=[ReasonScore(reason=r.reason, confidence=round(p, 2)) for p, r, _ in ranked[1:4] if p > 0],
        required_fields=list(facts.required_fields.fields),
        steps_to_resolve=note,
        matched=matched,
        official_list=facts.official_list,
    )
