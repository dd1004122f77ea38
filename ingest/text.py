"""The one tokenizer and stemmer that keyword search (BM25), the answer composer and abstention share.

`tokenize`: "ai/an" is one token, the apostrophe splits ("don't" -> "don", "t"; curly apostrophes read as
straight ones), a stop-word list with conversational fillers ("thing", "get", "should"), and suffix
stripping with minimum lengths that maps "-ies" to "-y" and leaves "-ss" words alone ("process").
`answer_tokenize` is the same tokens less the words every consumer question has ("client", "consumer").
The composer used its own tokenizer until 2026-12-01; measured on the fresh dev split and the legacy sets,
sharing this one changed key facts by +0 and +1 question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache

_TOKEN = re.compile(r"[a-z0-9]+(?:/[a-z0-9]+)?")
STOPWORDS = frozenset(
    """a an and are as at be been but by can could did do does doing for from had has have how i if in into is it
    its me my of on or our so than that the their them then there these they this those to too was we were what
    when where which while who whom why will with would you your yours am any all about after again also just
    get got gets go goes going should i'm im don't dont can't cant isn't whats what's thing things""".split()
)


def stem(token: str) -> str:
    """Light suffix stripping so 'reinstatements', 'reinstated' and 'reinstate' meet."""
    for suffix, min_len in (("ies", 5), ("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if token.endswith(suffix) and len(token) >= min_len and not token.endswith("ss"):
            return token[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return token


def tokenize(text: str) -> list[str]:
    """BM25 tokens of a text."""
    return [stem(t) for t in _TOKEN.findall(text.lower().replace("’", "'")) if t not in STOPWORDS]


#: Words every question about a consumer has: no evidence that a sentence answers this one.
ANSWER_EXTRA_STOPWORDS = frozenset({"client", "consumer"})


def answer_tokenize(text: str) -> list[str]:
    """The composer's tokens: the BM25 tokens (one tokenizer, one stemmer) less the consumer words."""
    return [t for t in tokenize(text) if t not in ANSWER_EXTRA_STOPWORDS]


def replace_words(text: str, table: Mapping[str, str], *, joiners: str = "") -> str:
    """`text` with every whole word or phrase of `table` (any case) replaced by its value, longest first.
    `joiners` are characters that count as part of a word besides letters and digits ("/" keeps "ai/an" whole,
    "'" keeps "didn't" whole)."""
    if not table:
        return text
    lowered = {key.lower(): value for key, value in table.items()}
    pattern = _words_pattern(tuple(sorted(lowered, key=len, reverse=True)), joiners)
    return pattern.sub(lambda m: lowered.get(m.group(0).lower(), m.group(0)), text)


@cache
def _words_pattern(keys: tuple[str, ...], joiners: str) -> re.Pattern[str]:
    # Keyed by the words themselves, so an operator's edited list gets its own pattern, never a stale one.
    edge = rf"\w{re.escape(joiners)}"
    return re.compile(rf"(?<![{edge}])(?:" + "|".join(re.escape(k) for k in keys) + rf")(?![{edge}])", re.IGNORECASE)
