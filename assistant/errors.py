"""Errors of the assistant layer, under the shared `EnrollerError` base (see tools/errors.py)."""

from __future__ import annotations

from pydantic import ValidationError

from tools.errors import EnrollerError, InvalidInputError, describe_validation_error


class AssistantError(EnrollerError):
    """Base of the errors raised by `assistant`."""


class EmptyQuestionError(AssistantError, InvalidInputError):
    """The question is empty or only whitespace."""

    field = "question"


class InvalidRequestError(AssistantError, InvalidInputError):
    """An `AskRequest` field is invalid; the message names the field, e.g. "today: ..."."""

    def __init__(self, exc: ValidationError) -> None:
        first = exc.errors()[0]
        self.field = ".".join(str(p) for p in first.get("loc", ())) or None
        super().__init__(describe_validation_error(exc).replace("Value error, ", ""))


class SettingsError(AssistantError):
    """The configuration (environment variables, .env) is invalid."""


class StartupError(AssistantError):
    """The assistant cannot start: the index is missing or unusable, or the database cannot be opened."""
