"""The domain glossary (knowledge/glossary.yaml): acronyms, their expansions, and enroller shorthand.

Used on both sides of the search: a query's acronyms are expanded for the embedder and its shorthand is
rewritten; a chunk that spells a term out ("Book of Business") also gets the acronym ("BoB") in its BM25
text, so a question typed with the acronym finds the pages that only use the long form.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

from pydantic import Field

from ingest.text import replace_words
from tools.facts import Facts, SourceRef, knowledge_file, load_facts


class Term(Facts):
    """One acronym: what it stands for and where a document spells it out."""

    expansion: str
    source: SourceRef | None = None


class Glossary(Facts):
    """Schema of knowledge/glossary.yaml."""

    terms: dict[str, Term]
    shorthand: dict[str, str] = Field(default_factory=dict)


@knowledge_file("glossary.yaml", Glossary)
def glossary() -> Glossary:
    """Acronyms and their expansions, loaded once."""
    return load_facts("glossary.yaml", Glossary)


def fingerprint() -> str:
    """A short hash of the acronyms and expansions: the BM25 text depends on them, so a change re-indexes."""
    pairs = sorted((term, t.expansion) for term, t in glossary().terms.items())
    return hashlib.sha256(repr(pairs).encode("utf-8")).hexdigest()[:12]


def _word(text: str) -> re.Pattern[str]:
    # Whole words only; '/' counts as part of a word so "AI/AN" is one term and "AI" inside it is not.
    # PDF text breaks lines inside phrases ("Book of\nBusiness"): any run of white space matches a space.
    phrase = r"\s+".join(re.escape(part) for part in text.split())
    return re.compile(rf"(?<![\w/]){phrase}(?![\w/])", re.IGNORECASE)


def _patterns() -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
    return _term_patterns(tuple((term, t.expansion) for term, t in glossary().terms.items()))


@cache
def _term_patterns(pairs: tuple[tuple[str, str], ...]) -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
    # Keyed by the glossary's content: an operator's override gets its own patterns, never stale ones.
    return [(term, _word(term), _word(expansion)) for term, expansion in pairs]


def normalize_query(query: str) -> str:
    """Enroller shorthand ("termed", "elig", "docs") rewritten the way the toolkits say it (a phrase rewritten to
    nothing, "remind me", leaves no gap)."""
    rewritten = replace_words(query, glossary().shorthand, joiners="/")
    return re.sub(r"  +", " ", rewritten).strip() if rewritten != query else rewritten


def expand_query(query: str) -> str:
    """The query with each known acronym's expansion appended (once)."""
    terms = glossary().terms
    extra = [
        terms[term].expansion
        for term, acronym, _ in _patterns()
        if acronym.search(query) and terms[term].expansion.lower() not in query.lower()
    ]
    return f"{query} ({'; '.join(extra)})" if extra else query


def with_acronyms(text: str) -> str:
    """`text` plus the acronym of every term it spells out without using the acronym (for BM25)."""
    extra = [term for term, acronym, expansion in _patterns() if expansion.search(text) and not acronym.search(text)]
    return f"{text}\n{' '.join(extra)}" if extra else text
