"""Delegation Tool result explainer: what the search result means and what to do next."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from tools.facts import Facts, SourceRef, knowledge_file, load_facts, unique_sources
from tools.models import ToolInput, ToolOutput
from tools.text import find_phrases, score

Result = Literal["match_found", "no_match", "multiple_cases", "already_delegated", "unknown"]


class _Result(Facts):
    label: str
    explanation: str
    next_step: str
    phrases: list[str]
    source: SourceRef


class _Unknown(Facts):
    explanation: str
    next_step: str


class _Tip(Facts):
    text: str
    source: SourceRef


class DelegationFacts(Facts):
    """Schema of knowledge/delegation.yaml."""

    results: dict[str, _Result]
    unknown: _Unknown
    tips: list[_Tip]


@knowledge_file("delegation.yaml", DelegationFacts)
def delegation_facts() -> DelegationFacts:
    """Delegation Tool results, loaded once."""
    return load_facts("delegation.yaml", DelegationFacts)


def _not_blank(value: str, field: str) -> str:
    if not value.strip():
        raise ValueError(f"{field} is empty; paste or describe what the tool showed")
    return value


class DelegationInput(ToolInput):
    """Arguments of delegation_result_explainer."""

    message: str = Field(description="What the Delegation Tool showed, pasted or in your own words.")

    @field_validator("message")
    @classmethod
    def _required(cls, value: str) -> str:
        return _not_blank(value, "message")


class DelegationOutput(ToolOutput):
    """Result of delegation_result_explainer."""

    result: Result
    explanation: str
    next_step: str
    tips: list[str]
    matched: list[str] = Field(description="Phrases in the message that decided the result.")


def delegation_result_explainer(inp: DelegationInput) -> DelegationOutput:
    """Explain a Delegation Tool search result and the next step.

    Use it when an enroller pastes or paraphrases what the Enroller Portal's Delegation Tool said after a
    consumer search (one match found, unable to locate, more than one case, already delegated).
    `message` is that text.
    """
    facts = delegation_facts()
    best: tuple[float, str, list[str]] | None = None
    for key, result in facts.results.items():
        hits = find_phrases(inp.message, result.phrases)
        if hits and (best is None or score(hits) > best[0]):
            best = (score(hits), key, hits)
    tips = [t.text for t in facts.tips]
    refs = [t.source for t in facts.tips]
    if best is None:
        return DelegationOutput(
            summary=f"{facts.unknown.explanation} {facts.unknown.next_step}",
            sources=unique_sources([facts.results["no_match"].source, *refs]),
            result="unknown",
            explanation=facts.unknown.explanation,
            next_step=facts.unknown.next_step,
            tips=tips,
            matched=[],
        )
    _, key, hits = best
    chosen = facts.results[key]
    explanation = " ".join(chosen.explanation.split())
    next_step = " ".join(chosen.next_step.split())
    return DelegationOutput(
        summary=f"{chosen.label}: {explanation} Next step: {next_step}",
        sources=unique_sources([chosen.source, *refs]),
        result=key,
        explanation=explanation,
        next_step=next_step,
        tips=tips,
        matched=hits,
    )
