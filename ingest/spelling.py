"""Typos in a query, read as the index's own words: "sumary emial" finds the daily summary email.

A query word is corrected only when all of these hold: the index never uses it; it is rare in everyday
English (`wordfreq`, so "mother" is never read as "other"); and exactly one edit (a letter added, dropped or
changed, or two neighbours swapped) turns it into a word the index does use, the most frequent such word when
there are several. Everything else is left as typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

#: Shorter words are never corrected ("cec", "bob", "ssn" are shorthand, not typos).
MIN_LETTERS = 4
#: A word at least this common in English (wordfreq's Zipf scale) is a word, not a typo. Common typos sit
#: below it ("recieved" 2.75, "thier" 2.99); the words enrollers write about their clients sit above.
COMMON_ZIPF = 3.0
_WORD = re.compile(r"[A-Za-z]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


def one_edit(word: str) -> set[str]:
    """Every string one edit from `word` (Norvig's four edits)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | swaps | replaces | inserts) - {word}


class Speller:
    """Corrects a query's typos to the words of the texts it was built from."""

    def __init__(self, texts: Iterable[str]):
        self.counts: Counter[str] = Counter(w.lower() for t in texts for w in _WORD.findall(t))

    def correct_word(self, word: str) -> str:
        lower = word.lower()
        if len(lower) < MIN_LETTERS or lower in self.counts or _zipf(lower) >= COMMON_ZIPF:
            return word
        near = [w for w in one_edit(lower) if w in self.counts and len(w) >= MIN_LETTERS]
        if not near:
            return word
        return max(near, key=lambda w: (self.counts[w], w))

    def correct(self, text: str) -> str:
        """`text` with each typo of an index word replaced by that word."""
        return _WORD.sub(lambda m: self.correct_word(m.group(0)), text)
