"""The domain glossary (knowledge/glossary.yaml): acronyms, their expansions, and enroller shorthand.

Used on both sides of the search: a query's acronyms are expanded for the embedder and its shorthand is
rewritten; a chunk that spells a term out ("Book of Business") also gets the acronym ("BoB") in its BM25
text, so a question typed with the acronym finds the pages that only use the long form.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

from pydantic import BaseModel

from tools.facts import SourceRef, knowledge_file, load_facts


class Term(BaseModel):
    """One acronym: what it stands for and where a document spells it out."""

    expansion: str
    source: SourceRef | None = None


class Glossary(BaseModel):
    """Schema of knowledge/glossary.yaml."""

    terms: dict[str, Term]
    shorthand: dict[str, str] = {}


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


@cache
def _patterns() -> list[tuple[str, re.Pattern[str], re.Pattern[str]]]:
    return [(term, _word(term), _word(t.expansion)) for term, t in glossary().terms.items()]


@cache
def _shorthand_pattern() -> re.Pattern[str] | None:
    words = sorted(glossary().shorthand, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![\w/])(" + "|".join(re.escape(w) for w in words) + r")(?![\w/])", re.IGNORECASE)


def normalize_query(query: str) -> str:
    """Enroller shorthand ("termed", "elig", "docs") rewritten the way the toolkits say it."""
    pattern = _shorthand_pattern()
    if pattern is None:
        return query
    table = {k.lower(): v for k, v in glossary().shorthand.items()}
    return pattern.sub(lambda m: table[m.group(1).lower()], query)


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
