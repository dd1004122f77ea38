"""What the app holds for its lifetime: the settings, the one Assistant (or why it did not start)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assistant.engine import Assistant
from assistant.settings import Settings


@dataclass
class AppState:
    """The app's long-lived objects, built once by the lifespan (or injected by a test)."""

    settings: Settings
    index_dir: Path
    assistant: Assistant | None = None
    #: Why the assistant could not be built (e.g. no index): /readyz and every /api call report it.
    startup_error: str | None = None

    @property
    def auth_required(self) -> bool:
        """Whether ENROLLER_API_TOKENS is set."""
        return bool(self.settings.api_tokens)
