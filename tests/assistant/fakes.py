"""Fakes for our own boundaries, shared by the assistant tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class FakeHit:
    """A retrieval hit with every field the engine, composer and LLM layer read."""

    source: str
    title: str
    page: int
    text: str
    score: float = 1.0
    chunk_id: str = "c"
    doc_date: str | None = None
    section: str = ""
    dense_score: float = 0.8
