"""Typos in a query are read as the index's own words, and nothing else is changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.spelling import Speller

TEXTS = [
    "Your Daily Summary Email is in your secure mailbox. Apply for a storefront in the portal.",
    "Summary of the columns: the BoB export lists each column, column by column. Other consumers are listed too.",
]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        pytest.param("where is my daily sumary emial", "where is my daily summary email", id="insert-and-swap"),
        pytest.param("how do i aply for a storfront", "how do i apply for a storefront", id="short-and-long"),
        pytest.param("my mother was termed", "my mother was termed", id="common-english-word"),
        pytest.param("the bob colums", "the bob column", id="most-frequent-candidate"),
        pytest.param("what about tricare", "what about tricare", id="nothing-near"),
        pytest.param("SUMARY", "summary", id="any-case"),
    ],
)
def test_typos_become_index_words(typed: str, read: str) -> None:
    """One edit from an index word, rare in English, and not itself an index word: corrected; else kept."""
    assert Speller(TEXTS).correct(typed) == read


def test_short_words_and_index_words_stay() -> None:
    """Shorthand ("cec", "bob") is never a typo, and neither is a word the index uses."""
    speller = Speller(TEXTS)
    assert speller.correct("cec bob ssn") == "cec bob ssn"
    assert speller.correct("columns consumers") == "columns consumers"


def test_a_typo_finds_the_page_the_word_would(builtin_index: Path) -> None:
    """With the built-in guides indexed, a misspelt question ranks first the passage the spelt one does."""
    from ingest.retrieval import Retriever

    retriever = Retriever.open(builtin_index)
    right = retriever.search("where is the daily summary email", k=1)[0]
    typed = retriever.search("where is the daily sumary emial", k=1)[0]
    assert (typed.source, typed.page) == (right.source, right.page)
