"""Built-in knowledge: YAML facts and the project's own Markdown guides."""

from __future__ import annotations

from pathlib import Path

KNOWLEDGE_DIR = Path(__file__).resolve().parent
DOCS_DIR = KNOWLEDGE_DIR / "docs"

__all__ = ["DOCS_DIR", "KNOWLEDGE_DIR"]
