"""Exceptions raised by the domain tools and the fact loader, and the base every package's errors share.

Each package has its own `errors.py` (tools, ingest, assistant) under `EnrollerError`; an interface maps
them in one place: `InvalidInputError` is the caller's fault (CLI exit 2, HTTP 422, a Slack ephemeral
message), `KnowledgeError` an operator's bad data file (refuse to start), anything else a server problem.
"""

from __future__ import annotations

from pydantic import ValidationError


class EnrollerError(Exception):
    """Base of every error Enroller Assist raises on purpose."""

    #: The input field (or knowledge file field) the error is about, when there is one.
    field: str | None = None


class InvalidInputError(EnrollerError, ValueError):
    """The caller's input is wrong; the message says which field and why."""


class EnrollerToolError(EnrollerError):
    """Base of every error raised by `tools`."""


class UnknownToolError(EnrollerToolError, InvalidInputError):
    """No tool is registered under the requested name."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        return f"unknown tool {self.name!r}; known tools: {', '.join(self.known)}"


class ToolInputError(EnrollerToolError, InvalidInputError):
    """A tool's input is invalid; `field` names the offending field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class KnowledgeError(EnrollerError):
    """A knowledge data file is missing, not YAML, or does not match its schema (an operator's error, not the
    caller's): `file` names it, `field` the offending field when one is known, `problem` what is wrong."""

    def __init__(self, file: str, problem: str, field: str | None = None) -> None:
        self.file = file
        self.field = field
        self.problem = problem
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {problem}")


# The older name, kept for callers that catch it.
FactsError = KnowledgeError


def describe_validation_error(exc: ValidationError) -> str:
    """Render a pydantic ValidationError as one line that names the field(s)."""
    parts = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err.get("loc", ())) or str((err.get("ctx") or {}).get("field", "input"))
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
