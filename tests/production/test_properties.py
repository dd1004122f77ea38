"""Hostile input, as properties (hypothesis): tool dates stay ordered, date parsing never crashes, and PII made by
Faker, in any position and format, never survives redaction."""

from __future__ import annotations

from datetime import date, timedelta

from faker import Faker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.dates import parse_dates
from assistant.pii import redact_pii
from bench.pii_gen import TEMPLATES, decoys, digits, pii_samples
from tools.rop import RopInput, rop_calculator

# Bounded: a few hundred examples each, so the suite stays quick on two cores.
BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAYS = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


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


@BOUNDED
@given(seed=st.integers(min_value=0, max_value=10**6), template=st.sampled_from(TEMPLATES))
def test_faker_pii_never_survives_redaction(seed: int, template: str) -> None:
    """Every Faker SSN, ITIN, phone, e-mail and date of birth, in every format of bench/pii_gen.py (what
    bench/pii_recall.py measures against Presidio), wherever it sits in a question, is gone after redaction."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    for sample in pii_samples(fake):
        redacted = redact_pii(template.format(v=sample.written)).text
        assert sample.value not in redacted, (sample, redacted)
        if sample.kind != "email":
            assert digits(sample.value) not in digits(redacted), (sample, redacted)


@BOUNDED
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_decoys_survive_redaction(seed: int) -> None:
    """Case numbers, notice dates, amounts, ZIP codes and application numbers are not mistaken for PII."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    for decoy in decoys(fake).values():
        assert redact_pii(f"about {decoy}, please").text == f"about {decoy}, please"
