"""The free-text tools: delegation results, help-request categories, CRW resolution reasons."""

from __future__ import annotations

from typing import Any

import pytest

from tools.delegation import DelegationOutput
from tools.errors import ToolInputError
from tools.help_request import HelpRequestOutput
from tools.registry import get_tool
from tools.resolution import ResolutionOutput

CONSUMER = "Consumer Case/Application Issue"
PROFILE = "Agency/Entity or Enroller Profile Issue"


def delegation(message: str) -> DelegationOutput:
    """Run the delegation explainer."""
    out = get_tool("delegation_result_explainer").run({"message": message})
    assert isinstance(out, DelegationOutput)
    return out


@pytest.mark.parametrize(
    ("message", "result", "page", "step"),
    [
        pytest.param("One Match Found", "match_found", 27, "passcode", id="one-match-found"),
        pytest.param("it found a match, what next", "match_found", 27, "cell phone", id="found-a-match"),
        pytest.param(
            "We are unable to locate this consumer on an existing case.", "no_match", 28, "new application", id="pasted"
        ),
        pytest.param("delegation tool cant locate the consumer", "no_match", 28, "new application", id="cant-locate"),
        pytest.param("search shows no results for her", "no_match", 28, "new application", id="no-results"),
        pytest.param(
            "This consumer has more than one case, Covered California must review to identify the accurate case",
            "multiple_cases",
            28,
            "Service Center",
            id="pasted-multiple",
        ),
        pytest.param("says multiple cases found", "multiple_cases", 28, "Service Center", id="multiple-cases"),
        pytest.param(
            "This consumer is already delegated to you.", "already_delegated", 28, "active", id="pasted-already"
        ),
        pytest.param("it says already delegated??", "already_delegated", 28, "active", id="already-delegated"),
        pytest.param("the screen went blank", "unknown", 28, "Service Center", id="unknown"),
    ],
)
def test_delegation_results(message: str, result: str, page: int, step: str) -> None:
    """Pasted or paraphrased results map to the deck's explanation, next step and page."""
    out = delegation(message)
    assert out.result == result
    assert step.lower() in out.next_step.lower()
    assert out.sources[0].page == page
    assert any("Social Security Number" in tip for tip in out.tips)
    assert any("disclaimer" in tip for tip in out.tips)
    assert bool(out.matched) is (result != "unknown")


def help_request(description: str) -> HelpRequestOutput:
    """Run the help-request router."""
    out = get_tool("help_request_router").run({"description": description})
    assert isinstance(out, HelpRequestOutput)
    return out


@pytest.mark.parametrize(
    ("description", "category", "escalation"),
    [
        pytest.param(
            "My consumer was terminated for non-payment but she paid the carrier on time",
            CONSUMER,
            "non_payment_reinstatement",
            id="non-payment",
        ),
        pytest.param("client was termed for ROP, docs were uploaded", CONSUMER, "rop_reinstatement", id="rop"),
        pytest.param(
            "the termination date on the case is wrong, should be 8/31",
            CONSUMER,
            "termination_or_effective_date_change",
            id="term-date",
        ),
        pytest.param("client's APTC is wrong after renewal", CONSUMER, "eligibility_or_aptc_discrepancy", id="aptc"),
        pytest.param("getting a CalHEERS error message when submitting the app", CONSUMER, None, id="calheers-error"),
        pytest.param("my agency address changed", PROFILE, None, id="agency-address"),
        pytest.param("my certification expired", PROFILE, None, id="certification"),
        pytest.param("I need to add an enroller to our agency", PROFILE, None, id="add-enroller"),
        pytest.param("locked out of my portal account, password reset", PROFILE, None, id="login"),
        pytest.param("update the license number on my profile", PROFILE, None, id="license"),
    ],
)
def test_help_request_categories(description: str, category: str, escalation: str | None) -> None:
    """Descriptions route to the deck's categories; escalation types bring their best practice."""
    out = help_request(description)
    assert out.category == category
    assert out.team == (
        "Agent/CEC Service Center" if category == CONSUMER else "Agent Contracts or Certification Services"
    )
    assert out.escalation_type == escalation
    assert (out.best_practice is not None) is (escalation is not None)
    assert out.matched
    assert out.alternatives[0].category == category
    assert out.alternatives == sorted(out.alternatives, key=lambda a: a.confidence, reverse=True)
    assert any("never a full SSN" in item for item in out.include)


def test_help_request_without_clues_is_low_confidence() -> None:
    """A description with no known words still answers, but with low confidence and no matched terms."""
    out = help_request("something odd happened")
    assert out.confidence < 0.6
    assert out.matched == []
    assert "Low confidence" in out.summary


def resolution(outcome: str) -> ResolutionOutput:
    """Run the resolution-reason picker."""
    out = get_tool("resolution_reason_picker").run({"outcome": outcome})
    assert isinstance(out, ResolutionOutput)
    return out


@pytest.mark.parametrize(
    ("outcome", "reason"),
    [
        pytest.param("they already renewed for 2026", "Renewed", id="renewed"),
        pytest.param("client got a job with benefits", "Enrolled in employer coverage", id="employer"),
        pytest.param("turned 65 and went on medicare", "Enrolled in Medicare", id="medicare"),
        pytest.param("county approved her for Medi-Cal", "Enrolled in Medi-Cal", id="medi-cal"),
        pytest.param("moved to oregon last month", "Moved out of state", id="moved"),
        pytest.param("family told me he passed away", "Deceased", id="deceased"),
        pytest.param("left 3 voicemails, no answer", "Unable to contact", id="unreachable"),
        pytest.param("not interested, too expensive", "Consumer declined", id="declined"),
        pytest.param("we talked about the weather", "Other", id="other"),
    ],
)
def test_resolution_reasons(outcome: str, reason: str) -> None:
    """Outcomes map to a reason; required fields and a drafted note come with it; the list is not official."""
    out = resolution(outcome)
    assert out.reason == reason
    assert out.required_fields == ["Status", "Resolution Reason", "Steps to Resolve"]
    assert reason in out.steps_to_resolve
    assert not out.official_list
    assert "not the portal's official list" in out.summary
    assert (out.confidence < 0.5) is (reason == "Other")


@pytest.mark.parametrize(
    ("tool", "payload", "field"),
    [
        pytest.param("delegation_result_explainer", {"message": "   "}, "message", id="blank-message"),
        pytest.param("delegation_result_explainer", {}, "message", id="missing-message"),
        pytest.param("help_request_router", {"description": ""}, "description", id="empty-description"),
        pytest.param("resolution_reason_picker", {"outcome": " \n"}, "outcome", id="blank-outcome"),
        pytest.param("resolution_reason_picker", {"outcome": 5}, "outcome", id="not-text"),
    ],
)
def test_bad_input_names_the_field(tool: str, payload: dict[str, Any], field: str) -> None:
    """Empty or missing text is an error naming the field."""
    with pytest.raises(ToolInputError) as info:
        get_tool(tool).run(payload)
    assert field in str(info.value)
