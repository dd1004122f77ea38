"""Exceptions raised by the domain tools and the fact loader."""

from __future__ import annotations

from pydantic import ValidationError


class EnrollerToolError(Exception):
    """Base of every error raised by `tools`."""


class UnknownToolError(EnrollerToolError, KeyError):
    """No tool is registered under the requested name."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        return f"unknown tool {self.name!r}; known tools: {', '.join(self.known)}"


class ToolInputError(EnrollerToolError, ValueError):
    """A tool's input is invalid; `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class FactsError(EnrollerToolError):
    """A knowledge data file is missing or does not match its schema."""


def describe_validation_error(exc: ValidationError) -> str:
    """Render a pydantic ValidationError as one line that names the field(s)."""
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err.get("loc", ())) or "input"
        msg = err.get("msg", "invalid value")
        if err.get("type") == "missing":
            msg = "required field is missing"
        elif err.get("type") == "extra_forbidden":
            msg = "unknown field"
        value = err.get("input")
        if err.get("type") not in ("missing", "extra_forbidden") and isinstance(value, str | int | float):
            msg = f"{msg} (got {value!r})"
        parts.append(f"{field}: {msg}")
    return "; ".join(parts)
