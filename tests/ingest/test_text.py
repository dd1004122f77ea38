"""The shared tokenizers: BM25's and the composer's differ, and each is used where it was.

The expected tokens are what the two tokenizers gave before they moved to `ingest.text`.
"""

from __future__ import annotations

import assistant.composer
import ingest.keyword
from ingest.text import answer_tokenize, tokenize


def test_bm25_tokens() -> None:
    text = "Clients don't get reinstatements; AI/AN eligibilities, NOD01 notices and the process’s things"
    assert tokenize(text) == [
        "client", "don", "t", "reinstatement", "ai/an", "eligibility", "nod01", "notic", "process", "s",
    ]  # fmt: skip


def test_answer_tokens() -> None:
    text = "Clients don't get reinstatements; AI/AN eligibilities, NOD01 notices and the process’s things"
    assert answer_tokenize(text) == [
        "don't", "get", "reinstatement", "ai/an", "eligibiliti", "nod01", "notic", "proces", "thing",
    ]  # fmt: skip


def test_each_caller_uses_its_tokenizer() -> None:
    assert ingest.keyword.tokenize is tokenize
    assert assistant.composer.tokenize is answer_tokenize
