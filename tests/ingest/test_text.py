"""The one tokenizer: BM25, the composer and abstention read words the same way."""

from __future__ import annotations

import pytest

import assistant.composer
import ingest.keyword
from ingest.text import answer_tokenize, tokenize

TEXT = "Clients don't get reinstatements; AI/AN eligibilities, NOD01 notices and the process’s things"


def test_bm25_tokens() -> None:
    """Stop words out, 'ai/an' and 'nod01' kept whole, light suffix stripping ('-ies' -> '-y', '-ss' kept)."""
    assert tokenize(TEXT) == [
        "client", "don", "t", "reinstatement", "ai/an", "eligibility", "nod01", "notic", "process", "s",
    ]  # fmt: skip


def test_answer_tokens_are_the_bm25_tokens_less_the_consumer_words() -> None:
    """The composer's tokens are BM25's, without 'client'/'consumer' (every consumer question has them)."""
    assert answer_tokenize(TEXT) == [t for t in tokenize(TEXT) if t != "client"]
    assert answer_tokenize("the consumer's clients") == ["s"]


def test_each_caller_uses_the_shared_tokenizer() -> None:
    """Keyword search and the composer import the one implementation."""
    assert ingest.keyword.tokenize is tokenize
    assert assistant.composer.tokenize is answer_tokenize


@pytest.mark.integration
def test_bm25_scores_are_the_same_floats_in_every_process() -> None:
    """A query's BM25 scores do not depend on the string-hash seed (terms are added in the query's order), so a
    near tie between two passages is broken the same way every run."""
    from tests.hash_seeds import outputs_under_hash_seeds

    code = """
from ingest.keyword import BM25Index
words = "alpha beta gamma delta epsilon zeta eta theta iota kappa".split()
line = "the consumer {} notice termination reinstatement ROP days {} service center hours"
texts = [line.format(w, i) for i, w in enumerate(words)]
texts += ["termination of coverage after the ROP ends, reinstatement within 30 days", "hours on holidays"]
scores = BM25Index.build(texts).scores("consumer notice termination reinstatement rop days service center hours alpha")
print(scores.tobytes().hex())
"""
    assert len(outputs_under_hash_seeds(code)) == 1
