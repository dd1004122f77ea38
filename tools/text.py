"""Plain-text matching shared by the free-text tools: normalise, then find listed phrases as whole words."""

from __future__ import annotations

import re

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def normalize(text: str) -> str:
    """Lower-case, unify quotes, turn punctuation (except ' / -) into spaces and squeeze whitespace."""
    text = text.translate(_APOSTROPHES).lower()
    text = re.sub(r"[^\w'/\- ]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def find_phrases(text: str, phrases: list[str]) -> list[str]:
    """The listed phrases that occur in `text` as whole words (longest first, no overlaps counted twice)."""
    norm = f" {normalize(text)} "
    found: list[str] = []
    taken: list[tuple[int, int]] = []
    for phrase in sorted({normalize(p) for p in phrases if p.strip()}, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w]){re.escape(phrase)}(?![\w])", norm):
            span = m.span()
            if any(not (span[1] <= a or span[0] >= b) for a, b in taken):
                continue
            taken.append(span)
            if phrase not in found:
                found.append(phrase)
    return found


def score(matches: list[str]) -> float:
    """Evidence of a set of matched phrases: longer phrases count more than single words."""
    return sum(1.0 + 0.5 * (len(m.split()) - 1) for m in matches)
