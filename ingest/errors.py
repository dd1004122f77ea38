"""Exceptions raised by `ingest`, under the project-wide `EnrollerError` (see `tools.errors`)."""

from __future__ import annotations

from tools.errors import EnrollerError


class IngestError(EnrollerError):
    """Base of the errors raised while indexing or opening an index."""


class IndexProblem(IngestError, RuntimeError):
    """The index directory is missing, unreadable or from an incompatible version.

    Still a `RuntimeError`, as it was before `IngestError` existed.
    """


class ManifestFormatError(IndexProblem):
    """A manifest written by another index format: readable as JSON, but not by this code.

    `files` holds the file paths it lists (as far as they can be read), so an ingest can re-read them.
    """

    def __init__(self, message: str, files: list[str]) -> None:
        super().__init__(message)
        self.files = files


class ServerUnavailable(IndexProblem):
    """The Chroma server holding the index (CHROMA_URL) cannot be reached or did not answer."""
