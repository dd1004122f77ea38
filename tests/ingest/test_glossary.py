"""knowledge/glossary.yaml: each cited page spells the term out; shorthand rewrites whole words only."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from ingest.glossary import glossary, normalize_query, with_acronyms

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
        pytest.param("can i attach a screenshot", "can i attach upload a screenshot image file", id="attach-is-upload"),
        pytest.param("remind me how long the rop is", "how long the rop is", id="asking-is-no-reminder"),
    ],
)
def test_shorthand_rewrites_whole_words(query: str, expected: str) -> None:
    """Enroller shorthand becomes the toolkits' words; longer words containing it stay as they are."""
    assert normalize_query(query) == expected


@pytest.mark.parametrize(
    ("text", "added"),
    [
        pytest.param("Export the Book of\nBusiness as a spreadsheet", ["BoB"], id="phrase-across-lines"),
        pytest.param("Book of Business (BoB) export", [], id="acronym-already-there"),
        pytest.param("a Warning-Documents Needed Notice goes out", ["NOD03"], id="hyphenated-expansion"),
        pytest.param("the bookkeeping of business cards", [], id="no-partial-phrase"),
        pytest.param("Remote Identity Proofing first, then identity proofing", ["RIDP", "IDP"], id="two-terms"),
    ],
)
def test_chunks_that_spell_a_term_out_get_its_acronym(text: str, added: list[str]) -> None:
    """BM25 text gains the acronym of each term the chunk writes out in full, and nothing else."""
    result = with_acronyms(text)
    assert result.startswith(text)
    assert result[len(text) :].split() == added


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "source", "page"),
    [
        pytest.param(
            "some columns in my BoB export are blank, is that a bug?",
            "Book_of_Business_Export_Job_Aid_Agents.pdf",
            3,
            id="bob-blank-columns",
        ),
        pytest.param(
            "is SSN required on the primary contact for ID verification",
            "OE2026_CalHEERS_Enroller_Portal_Webinar.pdf",
            76,
            id="ssn-primary-contact",
        ),
    ],
)
def test_acronym_question_finds_pages_that_only_spell_it_out(
    corpus_index: Path, question: str, source: str, page: int
) -> None:
    """A question typed with an acronym ranks first the page that only writes the term out in full."""
    from ingest.retrieval import Retriever

    top = Retriever.open(corpus_index).search(question, k=1)[0]
    assert (top.source, top.page) == (source, page)
