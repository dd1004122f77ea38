"""Redact consumer PII from a question before it is logged, stored, or sent to an LLM.

What counts: SSNs and ITINs (full, or the last four digits when the text says they are), phone numbers,
e-mail addresses and dates of birth. Other dates stay: the tools need a NOD01 date, not a birthday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SSN_WORDS = r"(?:ssn|ss\#|itin|social(?:\s+security)?(?:\s+(?:number|no\.?|\#))?|tax\s+id)"
_EXT = r"(?:\s*(?:[xX]|[eE]xt\.?|extension)\s*\d{1,6})?"  # a phone extension: x204, ext. 12
_OWNER = r"(?:(?:her|his|their|the|my|client'?s?|consumer'?s?)\s+)?"

# Order matters: e-mail before phone (digits inside addresses), SSN shapes before phone shapes,
# date-of-birth dates before anything that could eat part of them.
_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    ("email", "[EMAIL]", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)),
    # ITIN: 9XX-7X-XXXX / 9XX-8X-XXXX / 9XX-9X-XXXX (IRS ranges), before the SSN shape that would also match.
    ("itin", "[ITIN]", re.compile(r"(?<![\d-])(?<!\d\.)9\d{2}(?:[- ]?|\.)[789]\d(?:[- ]?|\.)\d{4}(?![\d-]|\.\d)")),
    ("ssn", "[SSN]", re.compile(r"(?<![\d-])\d{3}-\d{2}-\d{4}(?![\d-])")),
    ("ssn", "[SSN]", re.compile(r"(?<![\d-])\d{3} \d{2} \d{4}(?![\d-])")),
    ("ssn", "[SSN]", re.compile(r"(?<![\d-])(?<!\d\.)\d{3}\.\d{2}\.\d{4}(?![\d-]|\.\d)")),
    # Masked forms an enroller might paste: ***-**-6789, xxx-xx-6789.
    ("ssn", "[SSN]", re.compile(r"(?<![\w-])[x*#]{3}-?[x*#]{2}-?\d{4}(?![\d-])", re.IGNORECASE)),
    # Nine bare digits or "last 4" right after an SSN/ITIN word.
    (
        "ssn",
        r"\g<1>[SSN]",
        re.compile(
            rf"(\b{_SSN_WORDS}\s*(?:is|was|:|=|\#|number|no\.?)?\s*(?:ending(?:\s+in)?|last\s+(?:4|four)(?:\s+digits)?"
            rf"(?:\s+(?:is|are|of))?)?\s*)\d{{4}}(?:\d{{5}})?\b",
            re.IGNORECASE,
        ),
    ),
    (
        "ssn",
        r"\g<1>[SSN]",
        re.compile(
            rf"(\blast\s+(?:4|four)(?:\s+digits)?\s+(?:of\s+)?{_OWNER}{_SSN_WORDS}\s*(?:is|are|:|=|\#)?\s*)\d{{4}}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "dob",
        r"\g<1>[DOB]",
        re.compile(
            r"(\b(?:dob|d\.o\.b\.?|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?)\s*(?:is|was|:|=|-)?\s*)"
            r"(?:\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
            r"[A-Za-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?,?\s+\d{4})",
            re.IGNORECASE,
        ),
    ),
    (
        "phone",
        "[PHONE]",
        re.compile(
            rf"(?<![\w-])(?:(?:\+?1|001)[\s.-]?)?(?:\(\d{{3}}\)\s?|\d{{3}}[\s.-])\d{{3}}[\s.-]\d{{4}}{_EXT}(?![\w-])"
        ),
    ),
    # Ten bare digits (a full stop may end the sentence) are a phone number unless the text calls them a case
    # or application number.
    (
        "phone",
        r"\g<1>[PHONE]",
        re.compile(
            r"((?<![\w/.-])(?<!case )(?<!case# )(?<!case # )(?<!case number )(?<!case no\. ))"
            rf"(?:\+?1)?\d{{10}}{_EXT}(?![\w/-]|\.\d)",
            re.IGNORECASE,
        ),
    ),
]


@dataclass(frozen=True)
class Redaction:
    """A question with PII replaced by placeholders, and which kinds were found."""

    text: str
    kinds: tuple[str, ...]

    @property
    def found(self) -> bool:
        """Whether anything was redacted."""
        return bool(self.kinds)


def redact_pii(text: str) -> Redaction:
    """Replace SSNs/ITINs, phone numbers, e-mail addresses and dates of birth with placeholders."""
    kinds: list[str] = []
    for kind, replacement, pattern in _PATTERNS:
        text, count = pattern.subn(replacement, text)
        if count and kind not in kinds:
            kinds.append(kind)
    return Redaction(text=text, kinds=tuple(kinds))
