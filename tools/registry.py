"""The catalogue of deterministic tools: name → function, input model, output model."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from tools.delegation import DelegationInput, DelegationOutput, delegation_result_explainer
from tools.errors import ToolInputError, UnknownToolError, describe_validation_error
from tools.escalation import EscalationInput, EscalationOutput, escalation_description_facts, escalation_timeline
from tools.help_request import HelpRequestInput, HelpRequestOutput, help_request_router
from tools.models import ToolInput, ToolOutput
from tools.resolution import ResolutionInput, ResolutionOutput, resolution_reason_picker
from tools.rop import RopInput, RopOutput, rop_calculator, rop_description_facts
from tools.service_center import ServiceCenterInput, ServiceCenterOutput, service_center_hours


@dataclass(frozen=True)
class ToolSpec:
    """A registered tool and its typed boundary."""

    name: str
    func: Callable[[Any], ToolOutput]
    input_model: type[ToolInput]
    output_model: type[ToolOutput]
    #: The numbers the docstring's {placeholders} stand for, read from the knowledge files on every call, so
    #: an operator's YAML edit never leaves the LLM or `enroller tools` reading a stale number.
    facts: Callable[[], Mapping[str, Any]] | None = None

    @property
    def description(self) -> str:
        """The tool's docstring with its facts filled in: what an LLM and `enroller tools` show."""
        text = inspect.cleandoc(self.func.__doc__ or self.name)
        return text.format(**self.facts()) if self.facts is not None else text

    @property
    def headline(self) -> str:
        """First line of the description."""
        return self.description.splitlines()[0]

    def validate(self, payload: dict[str, Any]) -> ToolInput:
        """Validate a raw argument dict into the input model, or raise ToolInputError."""
        if not isinstance(payload, dict):
            raise ToolInputError("input", "expected a JSON object of arguments")
        try:
            return self.input_model.model_validate(payload)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first.get("loc", ())) or str(
                (first.get("ctx") or {}).get("field", "input")
            )
            message = describe_validation_error(exc)
            raise ToolInputError(field, message.removeprefix(f"{field}: ")) from exc

    def run(self, payload: dict[str, Any] | ToolInput) -> ToolOutput:
        """Validate `payload` (unless already a model) and call the tool."""
        inp = payload if isinstance(payload, ToolInput) else self.validate(payload)
        return self.func(inp)


TOOLS: dict[str, ToolSpec] = {
    spec.name: spec
    for spec in (
        ToolSpec("rop_calculator", rop_calculator, RopInput, RopOutput, rop_description_facts),
        ToolSpec("service_center_hours", service_center_hours, ServiceCenterInput, ServiceCenterOutput),
        ToolSpec(
            "escalation_timeline", escalation_timeline, EscalationInput, EscalationOutput, escalation_description_facts
        ),
        ToolSpec("delegation_result_explainer", delegation_result_explainer, DelegationInput, DelegationOutput),
        ToolSpec("help_request_router", help_request_router, HelpRequestInput, HelpRequestOutput),
        ToolSpec("resolution_reason_picker", resolution_reason_picker, ResolutionInput, ResolutionOutput),
    )
}


def get_tool(name: str) -> ToolSpec:
    """Look a tool up by name, or raise UnknownToolError listing the known names."""
    try:
        return TOOLS[name]
    except KeyError:
        raise UnknownToolError(name, sorted(TOOLS)) from None


def run_tool(name: str, payload: dict[str, Any]) -> ToolOutput:
    """Validate `payload` for tool `name` and run it."""
    return get_tool(name).run(payload)
