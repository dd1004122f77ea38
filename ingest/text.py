"""Word tokenizers shared by keyword search (BM25) and the answer composer.

The two are not the same function, and merging them would change retrieval or composed answers:

- `tokenize` (BM25): "ai/an" is one token but the apostrophe splits ("don't" -> "don", "t"; curly
  apostrophes are read as straight ones), a long stop-word list (conversational fillers such as "thing",
  "get", "should" included), and suffix stripping with minimum lengths that maps "-ies" to "-y"
  ("eligibilities" -> "eligibility") and leaves "-ss" words alone ("process").
- `answer_tokenize` (composer): "don't" and "ai/an" stay whole, a shorter stop-word list that also drops
  "client(s)" and "consumer(s)", and a simpler stemmer ("-ing", "-ed", "-es", "-s"; "process" -> "proces").
"""

from __future__ import annotations

import re

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


_ANSWER_TOKEN = re.compile(r"[a-z0-9]+(?:[/'][a-z0-9]+)*")
ANSWER_STOPWORDS = frozenset(
    """
    a an and are as at be been but by can could do does did for from had has have how i if in into is it
    its me my of on or our so than that the their them then there these they this to up was we were what
    when where which who why will with would you your yours client clients consumer consumers s t
    """.split()
)


def answer_stem(token: str) -> str:
    """The composer's stemmer: plural and -ing/-ed endings off words of more than three letters left."""
    for suffix in ("ing", "ed", "es", "s"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def answer_tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stopwords, lightly stemmed (plural and -ing/-ed endings)."""
    return [answer_stem(t) for t in _ANSWER_TOKEN.findall(text.lower()) if t not in ANSWER_STOPWORDS]
