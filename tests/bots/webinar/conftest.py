"""The webinar fixtures (written by fixtures/make_fixtures.py from fixtures/topics.yaml) and what they must yield."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPORTS = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".txt", ".xlsx"))


@pytest.fixture(scope="session")
def expected() -> dict[str, Any]:
    """What each fixture file must yield (kept, dropped by reason, private, upvotes), the PII and names in them."""
    data: dict[str, Any] = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def topics() -> dict[str, Any]:
    """The question bank: topics of paraphrases with their related-but-different topics, and singletons."""
    data: dict[str, Any] = yaml.safe_load((FIXTURES / "topics.yaml").read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def topics_blind() -> dict[str, Any]:
    """A second bank in the same schema, written without seeing the grouping (frozen: never edited to suit it)."""
    data: dict[str, Any] = yaml.safe_load((FIXTURES / "topics_blind.yaml").read_text(encoding="utf-8"))
    return data


def export_paths() -> list[Path]:
    """Every export fixture."""
    return [FIXTURES / name for name in EXPORTS]
