"""Hostile input, as properties (hypothesis): tool dates stay ordered, date parsing never crashes, and PII made by
Faker, in any position and format, never survives redaction."""

from __future__ import annotations

import re
from datetime import date, timedelta

from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.dates import parse_dates
from assistant.pii import redact_pii
from tools.rop import RopInput, rop_calculator

# Bounded: a few hundred examples each, so the suite stays quick on two cores.
BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
fake = Faker("en_US")


@BOUNDED
@given(notice=DAYS, today_offset=st.integers(min_value=0, max_value=400))
def test_rop_dates_are_ordered(notice: date, today_offset: int) -> None:
    """Any valid NOD01 date: NOD03 after the notice, the ROP due date after the NOD03."""
    out = rop_calculator(RopInput(notice_date=notice, today=notice + timedelta(days=today_offset)))
    assert out.nod03_date is not None
    assert out.rop_due_date is not None
    assert notice < out.nod03_date < out.rop_due_date


@BOUNDED
@given(termination=DAYS)
def test_reinstatement_deadline_follows_the_termination(termination: date) -> None:
    """Any termination date: the reinstatement deadline is after it."""
    out = rop_calculator(RopInput(termination_date=termination))
    assert out.reinstatement_deadline is not None
    assert out.reinstatement_deadline > termination


@BOUNDED
@given(text=st.text(max_size=300), today=DAYS, direction=st.sampled_from(["past", "future"]))
def test_date_parsing_never_crashes(text: str, today: date, direction: str) -> None:
    """Arbitrary text (any Unicode) yields a list of dates, never an exception."""
    found = parse_dates(text, today, direction)  # type: ignore[arg-type]
    assert isinstance(found, list)


@BOUNDED
@given(
    text=st.from_regex(r"[0-9 /.,:-]{0,40}(?:may|june|jan|dec|\d{1,4})[0-9 /.,:-]{0,40}", fullmatch=True),
    today=DAYS,
)
def test_date_like_noise_never_crashes(text: str, today: date) -> None:
    """Digits, separators and month names in odd arrangements: parsed or ignored, never a crash."""
    assert isinstance(parse_dates(text, today), list)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _pii_samples(seed: int) -> list[tuple[str, str]]:
    """(kind, value) pairs Faker makes: SSNs and ITINs (dashed and bare), US phones, e-mails."""
    Faker.seed(seed)
    ssn = fake.ssn()
    itin = fake.itin()
    phone = f"{fake.random_int(200, 999)}-{fake.random_int(200, 999)}-{fake.random_int(1000, 9999)}"
    return [
        ("ssn", ssn),
        # Nine bare digits count as an SSN only after an SSN word (alone they may be a case number: by design).
        ("ssn", f"SSN {_digits(ssn)}"),
        ("itin", itin),
        ("phone", phone),
        ("phone", f"({phone[:3]}) {phone[4:]}"),
        ("email", fake.email()),
    ]


TEMPLATES = [
    "{v}",
    "my consumer's number is {v}, what now?",
    "{v} is on the notice",
    "Can you check {v}.",
    "consumer ({v}) got a NOD01",
]


@BOUNDED
@given(seed=st.integers(min_value=0, max_value=10**6), template=st.sampled_from(TEMPLATES))
def test_faker_pii_never_survives_redaction(seed: int, template: str) -> None:
    """Every Faker SSN, ITIN, phone and e-mail, wherever it sits in a question, is gone after redaction."""
    for kind, value in _pii_samples(seed):
        redacted = redact_pii(template.format(v=value)).text
        assert value not in redacted, (kind, value, redacted)
        if kind != "email":
            assert _digits(value) not in _digits(redacted), (kind, value, redacted)


@BOUNDED
@given(birth=st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)), fmt=st.sampled_from(["%m/%d/%Y"]))
def test_dates_of_birth_never_survive_redaction(birth: date, fmt: str) -> None:
    """A date of birth, introduced as one, is redacted."""
    value = birth.strftime(fmt)
    redacted = redact_pii(f"her date of birth is {value} and she needs help").text
    assert value not in redacted, redacted
