"""Errors of the webinar feature: a file that cannot be read as any export (the caller's fault: CLI exit 2)."""

from __future__ import annotations

from tools.errors import InvalidInputError


class WebinarError(InvalidInputError):
    """Base of the webinar feature's errors."""


class WebinarFileError(WebinarError):
    """An input file is missing, empty, or holds no questions in any format we read."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem
