"""service_center_hours: regular hours, every published holiday and extended day, weekends, `at` and next_open."""

from __future__ import annotations

from typing import Any

import pytest

from tools.errors import ToolInputError
from tools.registry import get_tool, run_tool
from tools.service_center import ServiceCenterOutput

DECK = "OE2026_CalHEERS_Enroller_Portal_Webinar.pdf"


def run(**kwargs: Any) -> ServiceCenterOutput:
    """Validate through the registry and run."""
    out = get_tool("service_center_hours").run(kwargs)
    assert isinstance(out, ServiceCenterOutput)
    return out


@pytest.mark.parametrize(
    ("day", "name"),
    [
        pytest.param("2025-11-11", "Veterans Day", id="veterans-day"),
        pytest.param("2025-11-27", "Thanksgiving Day", id="thanksgiving"),
        pytest.param("2025-11-28", "Day After Thanksgiving", id="day-after-thanksgiving"),
        pytest.param("2025-12-25", "Christmas Day", id="christmas"),
        pytest.param("2026-01-01", "New Year's Day", id="new-year"),
        pytest.param("2026-01-19", "Martin Luther King Day", id="mlk"),
    ],
)
def test_published_holidays_are_closed(day: str, name: str) -> None:
    """Every holiday the deck lists is closed, named, confirmed and cited to page 105."""
    out = run(date=day)
    assert (out.open, out.opens, out.closes, out.closure_reason) == (False, None, None, name)
    assert out.confirmed
    assert any(s.document == DECK and s.page == 105 for s in out.sources)
    assert name in out.summary


@pytest.mark.parametrize(
    ("day", "closes", "chat_closes"),
    [
        pytest.param("2025-12-30", "20:00", "18:00", id="dec-30"),
        pytest.param("2025-12-31", "20:00", "18:00", id="dec-31"),
        pytest.param("2026-01-29", "20:00", "18:00", id="jan-29"),
        pytest.param("2026-01-30", "20:00", "18:00", id="jan-30"),
        pytest.param("2026-01-31", "22:00", None, id="jan-31-saturday"),
    ],
)
def test_extended_open_enrollment_days(day: str, closes: str, chat_closes: str | None) -> None:
    """Extended OE days open 08:00 and close late (page 106); chat hours are not extended by the deck."""
    out = run(date=day)
    assert (out.open, out.opens, out.closes, out.extended) == (True, "08:00", closes, True)
    assert out.chat_closes == chat_closes
    assert any(s.page == 106 for s in out.sources)


@pytest.mark.parametrize(
    ("day", "is_open", "reason"),
    [
        pytest.param("2025-12-29", True, None, id="monday-before-extended"),
        pytest.param("2026-01-02", True, None, id="friday-after-new-year"),
        pytest.param("2025-11-26", True, None, id="wednesday-before-thanksgiving"),
        pytest.param("2025-11-29", False, "weekend", id="saturday"),
        pytest.param("2025-11-30", False, "weekend", id="sunday"),
        pytest.param("2026-01-20", True, None, id="day-after-mlk"),
        pytest.param("2026-01-24", False, "weekend", id="saturday-not-extended"),
        pytest.param("2026-02-01", False, "weekend", id="sunday-after-last-extended"),
        pytest.param("2026-01-28", True, None, id="wednesday-before-extended"),
        pytest.param("2025-12-26", True, None, id="day-after-christmas"),
        pytest.param("2025-11-10", True, None, id="day-before-veterans-day"),
        pytest.param("2025-11-12", True, None, id="day-after-veterans-day"),
        pytest.param("2026-01-16", True, None, id="friday-before-mlk"),
    ],
)
def test_regular_days_and_weekends(day: str, is_open: bool, reason: str | None) -> None:
    """Weekdays open 8:00AM to 6:00PM for voice and chat; weekends closed."""
    out = run(date=day)
    assert out.open is is_open
    assert out.closure_reason == reason
    if is_open:
        assert (out.opens, out.closes, out.chat_opens, out.chat_closes) == ("08:00", "18:00", "08:00", "18:00")
        assert not out.extended


@pytest.mark.parametrize(
    ("day", "is_open", "reason"),
    [
        pytest.param("2026-11-26", False, "Thanksgiving Day", id="thanksgiving-2026"),
        pytest.param("2026-03-31", False, "Cesar Chavez Day", id="cesar-chavez"),
        pytest.param("2026-03-30", True, None, id="ordinary-monday"),
    ],
)
def test_dates_past_the_published_calendar_are_labelled_estimates(day: str, is_open: bool, reason: str) -> None:
    """Outside the deck's calendar the answer is an estimate, says so, and is never `confirmed`."""
    out = run(date=day)
    assert out.open is is_open
    assert out.closure_reason == reason
    assert not out.confirmed
    assert out.note is not None
    assert out.summary.startswith("Not confirmed")


@pytest.mark.parametrize(
    ("at", "open_now", "next_open"),
    [
        pytest.param("2025-12-01T07:59:00-08:00", False, "2025-12-01T08:00:00-08:00", id="minute-before-opening"),
        pytest.param("2025-12-01T08:00:00-08:00", True, None, id="at-opening"),
        pytest.param("2025-12-01T17:59:00-08:00", True, None, id="minute-before-closing"),
        pytest.param("2025-12-01T18:00:00-08:00", False, "2025-12-02T08:00:00-08:00", id="at-closing"),
        pytest.param("2025-12-31T19:30:00-08:00", True, None, id="extended-evening"),
        pytest.param(
            "2025-12-31T20:00:00-08:00", False, "2026-01-02T08:00:00-08:00", id="after-extended-skips-holiday"
        ),
        pytest.param("2025-11-26T18:30:00-08:00", False, "2025-12-01T08:00:00-08:00", id="thanksgiving-weekend"),
        pytest.param("2025-11-27T10:00:00-08:00", False, "2025-12-01T08:00:00-08:00", id="on-thanksgiving"),
        pytest.param(
            "2025-11-27T19:00:00-08:00", False, "2025-12-01T08:00:00-08:00", id="thanksgiving-thursday-evening"
        ),
        pytest.param("2025-11-28T09:00:00-08:00", False, "2025-12-01T08:00:00-08:00", id="day-after-thanksgiving"),
        pytest.param("2025-12-30T07:59:00-08:00", False, "2025-12-30T08:00:00-08:00", id="before-extended-opening"),
        pytest.param("2025-12-30T18:30:00-08:00", True, None, id="extended-past-regular-close"),
        pytest.param("2025-12-30T19:59:00-08:00", True, None, id="minute-before-extended-close"),
        pytest.param("2025-12-24T18:00:00-08:00", False, "2025-12-26T08:00:00-08:00", id="christmas-eve-close"),
        pytest.param("2026-01-31T21:59:00-08:00", True, None, id="last-extended-saturday-night"),
        pytest.param("2026-01-31T22:00:00-08:00", False, "2026-02-02T08:00:00-08:00", id="after-last-extended-close"),
        pytest.param("2026-01-16T18:00:00-08:00", False, "2026-01-20T08:00:00-08:00", id="mlk-long-weekend"),
        pytest.param("2026-11-25T18:00:00-08:00", False, "2026-11-30T08:00:00-08:00", id="estimated-thanksgiving-2026"),
        pytest.param("2026-07-01T12:00:00-07:00", True, None, id="summer-pdt-offset"),
        pytest.param("2026-01-30T21:00:00-08:00", False, "2026-01-31T08:00:00-08:00", id="friday-to-extended-saturday"),
        pytest.param("2025-12-01T17:30:00+00:00", True, None, id="utc-offset-converted"),
    ],
)
def test_at_a_moment(at: str, open_now: bool, next_open: str | None) -> None:
    """`at` reports open_now and, when closed, the next opening (holidays and weekends skipped)."""
    out = run(at=at)
    assert out.open_now is open_now
    assert (out.next_open.isoformat() if out.next_open else None) == next_open


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        pytest.param({"date": "2026-02-30"}, "date", "valid date", id="impossible-date"),
        pytest.param({"date": "2025-12-31T10:00:00-08:00"}, "date", "zero time", id="datetime-as-date"),
        pytest.param({}, "input", "exactly one of `date`", id="neither"),
        pytest.param({"date": None, "at": None}, "input", "or `at`", id="both-null"),
        pytest.param({"date": "2025-12-31", "at": "2025-12-31T10:00:00-08:00"}, "input", "`at`", id="both"),
        pytest.param({"at": "2025-12-31T10:00:00"}, "at", "UTC offset", id="naive-datetime"),
        pytest.param({"at": "2025-12-31"}, "at", "UTC offset", id="date-given-as-at"),
        pytest.param({"at": "2025-12-31T25:00:00-08:00"}, "at", "valid datetime", id="hour-25"),
    ],
)
def test_bad_input_names_the_field(payload: dict[str, Any], field: str, words: str) -> None:
    """Invalid input raises ToolInputError on the right field (both names when the pair is wrong), no traceback."""
    with pytest.raises(ToolInputError) as info:
        get_tool("service_center_hours").run(payload)
    assert info.value.field == field
    assert words in info.value.message
    assert "Value error" not in str(info.value)


def test_extended_day_summary_names_date_and_hours() -> None:
    """The summary names the weekday, the ISO date, the hours in words and the extended OE hours."""
    out = run(date="2025-12-31")
    assert "Wednesday, 2025-12-31" in out.summary
    assert "8:00AM to 8:00PM" in out.summary
    assert "extended Open Enrollment hours" in out.summary
    assert "chat 8:00AM to 6:00PM" in out.summary


def test_closed_day_summary_says_why() -> None:
    """A holiday's summary says closed and names the holiday."""
    out = run(date="2025-11-28")
    assert out.summary == "The Agent/CEC Service Center is closed on Friday, 2025-11-28 (Day After Thanksgiving)."


def test_unconfirmed_moment_says_so() -> None:
    """An `at` past the published calendar still answers, labelled not confirmed with a note."""
    out = run(at="2026-03-31T10:00:00-07:00")
    assert out.open_now is False
    assert not out.confirmed
    assert out.summary.startswith("Not confirmed")
    assert out.note is not None
    assert "estimate" in out.note
    assert out.next_open is not None
    assert out.next_open.isoformat() == "2026-04-01T08:00:00-07:00"


def test_date_only_has_no_moment_fields() -> None:
    """With `date` there is no open_now nor next_open: they only make sense for a moment."""
    out = run(date="2025-12-01")
    assert (out.open_now, out.next_open) == (None, None)


def test_run_tool_by_name() -> None:
    """run_tool validates a plain dict: 2025-12-31 is open until 20:00, extended and confirmed."""
    out = run_tool("service_center_hours", {"date": "2025-12-31"})
    assert isinstance(out, ServiceCenterOutput)
    assert (out.open, out.closes, out.extended, out.confirmed) == (True, "20:00", True, True)
