"""knowledge/glossary.yaml: each cited page spells the term out; shorthand rewrites whole words only."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from ingest.retrieval import glossary, normalize_query

CITED = sorted(term for term, entry in glossary().terms.items() if entry.source is not None)


@cache
def _page_text(pdf: Path, page: int) -> str:
    text = PdfReader(pdf).pages[page - 1].extract_text() or ""
    # Slides break lines anywhere and write hyphens or spaces between words: compare letters only.
    return re.sub(r"[^a-z0-9/]+", "", text.lower())


def _squash(text: str) -> str:
    return re.sub(r"[^a-z0-9/]+", "", text.lower())


@pytest.mark.parametrize("term", CITED)
def test_cited_page_defines_the_term(corpus_dir: Path, term: str) -> None:
    """The page a glossary entry cites spells the term out (the acronym itself is often enrollers' shorthand)."""
    entry = glossary().terms[term]
    assert entry.source is not None
    source = entry.source.resolve()
    text = _page_text(corpus_dir / source.document, source.page)
    assert _squash(entry.expansion) in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("client got termed", "consumer got terminated", id="past-tense"),
        pytest.param("Elig docs?", "eligibility documents?", id="case-and-punctuation"),
        pytest.param("terminal app", "terminal application", id="no-partial-word"),
        pytest.param("w/o SSN", "without SSN", id="slash-shorthand"),
    ],
)
def test_shorthand_rewrites_whole_words(query: str, expected: str) -> None:
    """Enroller shorthand becomes the toolkits' words; longer words containing it stay as they are."""
    assert normalize_query(query) == expected
