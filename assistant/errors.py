"""Errors of the assistant layer, under the shared `EnrollerError` base (see tools/errors.py)."""

from __future__ import annotations

from tools.errors import EnrollerError, InvalidInputError


class AssistantError(EnrollerError):
    """Base of the errors raised by `assistant`."""


class EmptyQuestionError(AssistantError, InvalidInputError):
    """The question is empty or only whitespace."""

    field = "question"


class SettingsError(AssistantError):
    """The configuration (environment variables, .env) is invalid."""


class StartupError(AssistantError):
    """The assistant cannot start: the index is missing or unusable, or the database cannot be opened."""
