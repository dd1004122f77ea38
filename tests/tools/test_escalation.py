"""escalation_timeline and the business-day calendar: 7-10 business days, weekends and holidays skipped."""

from __future__ import annotations

from datetime import date

import pytest

from tools.calendar import add_business_days, is_business_day
from tools.errors import ToolInputError
from tools.escalation import EscalationOutput
from tools.registry import get_tool


@pytest.mark.parametrize(
    ("escalated", "earliest", "latest"),
    [
        pytest.param("2026-03-02", "2026-03-11", "2026-03-16", id="plain-weeks"),
        pytest.param("2025-11-24", "2025-12-05", "2025-12-10", id="over-thanksgiving"),
        pytest.param("2025-12-19", "2025-12-31", "2026-01-06", id="over-christmas-and-new-year"),
        pytest.param("2025-12-23", "2026-01-05", "2026-01-08", id="year-end"),
        pytest.param("2026-01-09", "2026-01-21", "2026-01-26", id="over-mlk"),
        pytest.param("2025-11-08", "2025-11-19", "2025-11-24", id="saturday-start-over-veterans-day"),
    ],
)
def test_window(escalated: str, earliest: str, latest: str) -> None:
    """Earliest = 7 business days after, latest = 10, skipping weekends and Service Center holidays."""
    out = get_tool("escalation_timeline").run({"escalation_date": escalated})
    assert isinstance(out, EscalationOutput)
    assert (out.earliest.isoformat(), out.latest.isoformat()) == (earliest, latest)
    assert earliest in out.summary
    assert latest in out.summary
    assert len(out.exceptions) == 2
    assert any(s.page == 99 for s in out.sources)


def test_exceptions_name_help_desk_and_carrier() -> None:
    """The known exceptions (help-desk tickets, carrier coordination) come with the window."""
    out = get_tool("escalation_timeline").run({"escalation_date": "2026-03-02"})
    assert isinstance(out, EscalationOutput)
    text = " ".join(out.exceptions)
    assert "Help Desk Ticket" in text
    assert "carrier" in text


def test_windows_past_the_published_calendar_say_so() -> None:
    """Holidays after the deck's calendar are estimates, and the output says so."""
    out = get_tool("escalation_timeline").run({"escalation_date": "2026-11-20"})
    assert isinstance(out, EscalationOutput)
    assert not out.confirmed
    assert (out.earliest, out.latest) == (date(2026, 12, 3), date(2026, 12, 8))  # 11/26-27 estimated closed


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2025, 11, 27), False, id="holiday"),
        pytest.param(date(2025, 11, 29), False, id="saturday"),
        pytest.param(date(2026, 1, 31), False, id="extended-saturday-is-not-a-business-day"),
        pytest.param(date(2025, 12, 31), True, id="extended-weekday"),
        pytest.param(date(2025, 12, 1), True, id="monday"),
    ],
)
def test_business_days(day: date, expected: bool) -> None:
    """Business days are weekdays the Service Center is open."""
    assert is_business_day(day) is expected


def test_add_zero_business_days_is_the_same_day() -> None:
    """Adding no business days returns the start date; negative counts are refused."""
    assert add_business_days(date(2025, 11, 27), 0) == date(2025, 11, 27)
    with pytest.raises(ValueError, match="negative"):
        add_business_days(date(2025, 11, 27), -1)


def test_bad_date_names_the_field() -> None:
    """An impossible escalation date is an error naming escalation_date."""
    with pytest.raises(ToolInputError, match="escalation_date"):
        get_tool("escalation_timeline").run({"escalation_date": "2025-13-01"})
