"""Faker-made PII in the formats people type, placed anywhere in a question, with where each value sits.

Shared by tests/production/test_properties.py (every value is gone after redaction) and bench/pii_recall.py
(recall next to Presidio's recognizers). Kinds: ssn, itin, phone, email, dob. A bare nine-digit number is an
SSN only after an SSN word and a date only a date of birth after a birth word (alone they may be a case number
or a notice date), so those formats carry their words with them. Decoys are what a question also holds and
must keep: case numbers, notice dates, amounts, ZIP codes.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date

from faker import Faker

KINDS = ("ssn", "itin", "phone", "email", "dob")


@dataclass(frozen=True)
class Sample:
    """One PII value as written (`value`), the words before it that belong with it (`lead`), and its format."""

    kind: str
    fmt: str
    value: str
    lead: str = ""

    @property
    def written(self) -> str:
        """The value with its lead-in words, as it goes into a text."""
        return f"{self.lead}{self.value}"


def digits(value: str) -> str:
    """The digits of `value`."""
    return re.sub(r"\D", "", value)


def _ssn_like(kind: str, dashed: str, fake: Faker) -> list[Sample]:
    a, b, c = dashed.split("-")
    word = "SSN" if kind == "ssn" else "ITIN"
    return [
        Sample(kind, "dashed", dashed),
        Sample(kind, "spaced", f"{a} {b} {c}"),
        Sample(kind, "dotted", f"{a}.{b}.{c}"),
        Sample(
            kind, "bare after its word", f"{a}{b}{c}", lead=fake.random_element([f"{word} ", f"{word}: ", f"{word}# "])
        ),
    ]


def _phones(fake: Faker) -> list[Sample]:
    area, exchange, line = fake.random_int(201, 989), fake.random_int(201, 999), fake.random_int(0, 9999)
    n = f"{area}{exchange}{line:04d}"
    a, e, s = n[:3], n[3:6], n[6:]
    ext = fake.random_int(1, 9999)
    return [
        Sample("phone", "dashed", f"{a}-{e}-{s}"),
        Sample("phone", "parentheses", f"({a}) {e}-{s}"),
        Sample("phone", "parentheses, no space", f"({a}){e}-{s}"),
        Sample("phone", "dotted", f"{a}.{e}.{s}"),
        Sample("phone", "spaced", f"{a} {e} {s}"),
        Sample("phone", "+1", f"+1 {a}-{e}-{s}"),
        Sample("phone", "1-", f"1-{a}-{e}-{s}"),
        Sample("phone", "ten digits", n),
        Sample("phone", "with extension", f"{a}-{e}-{s} {fake.random_element(['x', 'ext. ', 'ext '])}{ext}"),
        Sample("phone", "Faker phone_number()", fake.phone_number()),
    ]


def _emails(fake: Faker) -> list[Sample]:
    user = fake.user_name()
    return [
        Sample("email", "free mail", fake.free_email()),
        Sample("email", "company", fake.company_email()),
        Sample("email", "plus tag, subdomain", f"{user}+cc@mail.{fake.domain_name()}"),
        Sample("email", "upper case", fake.email().upper()),
    ]


_DATE_FORMATS = {
    "m/d/yyyy": "%m/%d/%Y",
    "m-d-yyyy": "%m-%d-%Y",
    "m/d/yy": "%m/%d/%y",
    "yyyy-mm-dd": "%Y-%m-%d",
    "Month d, yyyy": "%B %d, %Y",
    "Mon d yyyy": "%b %d %Y",
    "d Month yyyy": "%d %B %Y",
}
_BIRTH_WORDS = ["DOB ", "DOB: ", "dob ", "d.o.b. ", "date of birth ", "date of birth is ", "born on ", "born ",
                "birthday: ", "Birth date - "]  # fmt: skip


def _births(fake: Faker) -> list[Sample]:
    born = fake.date_of_birth(minimum_age=0, maximum_age=95)
    return [
        Sample("dob", fmt, born.strftime(pattern), lead=fake.random_element(_BIRTH_WORDS))
        for fmt, pattern in _DATE_FORMATS.items()
    ]


def pii_samples(fake: Faker) -> list[Sample]:
    """One value of every kind in every format (new values on each call)."""
    return [
        *_ssn_like("ssn", fake.ssn(), fake),
        *_ssn_like("itin", fake.itin(), fake),
        *_phones(fake),
        *_emails(fake),
        *_births(fake),
    ]


def decoys(fake: Faker) -> dict[str, str]:
    """Numbers a question holds that are not PII and must survive redaction, by name."""
    notice = fake.date_between(date(2024, 1, 1), date(2027, 12, 31))
    return {
        "case number": f"case {fake.random_int(1000000000, 9999999999)}",
        "notice date": f"NOD01 dated {notice.strftime('%m/%d/%Y')}",
        "amount": f"a premium of ${fake.random_int(10, 900)}.{fake.random_int(0, 99):02d}",
        "ZIP code": f"ZIP {fake.postcode()}",
        "application number": f"application {fake.random_int(100000, 999999)}",
    }


#: Where a value sits in a question: alone, first, last, in parentheses, quoted, before punctuation, on its own line.
TEMPLATES = [
    "{v}",
    "{v} is on the notice",
    "my consumer's number is {v}, what now?",
    "Can you check {v}.",
    "consumer ({v}) got a NOD01",
    'she wrote "{v}" on the form',
    "Hi,\n{v}\nthanks",
    "is {v}? or maybe not",
]


@dataclass
class Text:
    """A generated question and where its PII values and decoys sit (start, end of the value, lead excluded)."""

    text: str
    pii: list[tuple[Sample, int, int]] = field(default_factory=list)
    decoys: list[tuple[str, str, int, int]] = field(default_factory=list)  # name, as written, start, end


def make_texts(n: int, seed: int) -> list[Text]:
    """`n` questions, each one or two PII values (never two formats of one value) and one decoy in random
    templates; deterministic per seed."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        chosen = [rng.choice(pii_samples(fake)) for _ in range(rng.choice([1, 2]))]
        parts: list[tuple[str, Sample | str]] = [(s.written, s) for s in chosen]
        decoy = rng.choice(sorted(decoys(fake).items()))
        parts.insert(rng.randrange(len(parts) + 1), (decoy[1], decoy[0]))
        text = Text("")
        pieces: list[str] = []
        for written, sample in parts:
            head = rng.choice(TEMPLATES)
            start = len(" ".join(pieces)) + (1 if pieces else 0) + head.index("{v}")
            pieces.append(head.format(v=written))
            if isinstance(sample, str):
                text.decoys.append((sample, written, start, start + len(written)))
            else:
                start += len(sample.lead)
                text.pii.append((sample, start, start + len(sample.value)))
        text.text = " ".join(pieces)
        out.append(text)
    return out
