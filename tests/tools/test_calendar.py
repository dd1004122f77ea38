"""tools.calendar: the Service Center's day schedule, the published window, estimates and business days."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from pypdf import PdfReader

from tests.corpus import corpus_or_skip
from tools.calendar import add_business_days, day_schedule, is_business_day, is_published, service_center_facts
from tools.facts import source


@pytest.mark.parametrize(
    ("day", "published"),
    [
        pytest.param(date(2025, 10, 9), False, id="day-before-deck-date"),
        pytest.param(date(2025, 10, 10), True, id="deck-date"),
        pytest.param(date(2026, 1, 31), True, id="last-extended-day"),
        pytest.param(date(2026, 2, 1), False, id="day-after-last-extended-day"),
    ],
)
def test_published_window_edges(day: date, published: bool) -> None:
    """The deck's calendar covers 2025-10-10 through 2026-01-31, edges included; days outside are estimates."""
    assert is_published(day) is published
    assert day_schedule(day).confirmed is published


def test_every_published_holiday_is_closed_and_not_a_business_day() -> None:
    """Each holiday in knowledge/service_center.yaml closes the Service Center and is skipped as a business day."""
    for holiday in service_center_facts().holidays:
        sched = day_schedule(holiday.date)
        assert (sched.open, sched.closure_reason, sched.confirmed) == (False, holiday.name, True), holiday.date
        assert not is_business_day(holiday.date)


def test_every_extended_day_opens_late() -> None:
    """Each extended Open Enrollment day is open, flagged extended, with the deck's later closing time."""
    for extended in service_center_facts().extended:
        sched = day_schedule(extended.date)
        assert sched.open
        assert sched.extended
        assert (sched.opens, sched.closes) == (extended.opens, extended.closes)
        assert sched.closes is not None
        assert sched.closes > time(18, 0)


@pytest.mark.parametrize(
    ("day", "is_open", "reason"),
    [
        pytest.param(date(2025, 10, 9), True, None, id="ordinary-thursday-before-window"),
        pytest.param(date(2026, 2, 16), False, "Presidents' Day", id="presidents-day"),
        pytest.param(date(2026, 3, 31), False, "Cesar Chavez Day", id="cesar-chavez-day"),
        pytest.param(date(2026, 7, 3), False, "Independence Day (observed)", id="observed-independence-day"),
        pytest.param(date(2026, 11, 27), False, "Day After Thanksgiving", id="day-after-thanksgiving-2026"),
        pytest.param(date(2026, 12, 31), True, None, id="new-years-eve-2026-not-extended"),
        pytest.param(date(2027, 1, 2), False, "weekend", id="saturday-2027"),
    ],
)
def test_estimates_outside_the_window(day: date, is_open: bool, reason: str | None) -> None:
    """Outside the deck, closures come from the California holiday calendar and are never confirmed."""
    sched = day_schedule(day)
    assert (sched.open, sched.closure_reason, sched.confirmed) == (is_open, reason, False)
    assert not sched.extended


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2025, 11, 27), False, id="holiday"),
        pytest.param(date(2025, 11, 29), False, id="saturday"),
        pytest.param(date(2025, 11, 30), False, id="sunday"),
        pytest.param(date(2026, 1, 31), False, id="extended-saturday-is-not-a-business-day"),
        pytest.param(date(2025, 12, 31), True, id="extended-weekday"),
        pytest.param(date(2025, 12, 1), True, id="monday"),
        pytest.param(date(2026, 5, 25), False, id="estimated-memorial-day"),
    ],
)
def test_business_days(day: date, expected: bool) -> None:
    """Business days are weekdays the Service Center is open."""
    assert is_business_day(day) is expected


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        pytest.param(date(2025, 11, 27), 0, date(2025, 11, 27), id="zero-is-same-day"),
        pytest.param(date(2025, 12, 1), 1, date(2025, 12, 2), id="next-day"),
        pytest.param(date(2025, 11, 26), 1, date(2025, 12, 1), id="over-thanksgiving-weekend"),
        pytest.param(date(2025, 12, 24), 2, date(2025, 12, 29), id="over-christmas"),
        pytest.param(date(2025, 12, 31), 1, date(2026, 1, 2), id="over-new-year"),
        pytest.param(date(2026, 1, 30), 1, date(2026, 2, 2), id="extended-saturday-skipped"),
        pytest.param(date(2028, 2, 28), 2, date(2028, 3, 1), id="over-leap-day"),
    ],
)
def test_add_business_days(start: date, count: int, expected: date) -> None:
    """Counting starts the day after `start` and skips weekends and holidays."""
    assert add_business_days(start, count) == expected


def test_negative_business_days_are_refused() -> None:
    """A negative count is an error rather than a silent step backwards."""
    with pytest.raises(ValueError, match="negative"):
        add_business_days(date(2025, 11, 27), -1)


def _page_text(page: int) -> str:
    """Text of one page of the webinar deck from the real corpus PDF."""
    corpus = corpus_or_skip()
    file = source("webinar", page).document
    return " ".join(PdfReader(corpus / file).pages[page - 1].extract_text().split())


def _deck_date(day: date) -> str:
    """The deck's M/D/YYYY spelling, with or without leading zeros."""
    return rf"0?{day.month}/0?{day.day}/{day.year}"


def test_holidays_are_on_the_cited_deck_page() -> None:
    """Every holiday in the facts appears with its date on the page it cites (page 105)."""
    for holiday in service_center_facts().holidays:
        text = _page_text(holiday.source.page)
        assert re.search(_deck_date(holiday.date), text), holiday.date


def test_extended_hours_are_on_the_cited_deck_page() -> None:
    """Every extended day appears on its cited page (106) with the same closing time."""
    for extended in service_center_facts().extended:
        text = _page_text(extended.source.page)
        closes = f"{extended.closes.hour % 12}:{extended.closes.minute:02d}PM"
        assert re.search(rf"{_deck_date(extended.date)} 8:00AM\s*\S\s*{closes}", text), extended.date


def test_regular_hours_are_on_the_cited_deck_page() -> None:
    """The regular voice and chat hours (Monday-Friday, 8:00AM to 6:00PM) are on the cited page."""
    regular = service_center_facts().regular
    text = _page_text(regular.source.page)
    assert text.count("8:00AM to 6:00PM") == 2
    assert (regular.voice.opens, regular.voice.closes) == (time(8, 0), time(18, 0))
    assert regular.chat == regular.voice


def test_observances_are_not_estimated_closures() -> None:
    """Susan B. Anthony Day (an observance in the CA calendar) is not a closure; a shared date keeps the holiday."""
    from datetime import date

    from tools.calendar import day_schedule

    assert day_schedule(date(2028, 2, 15)).open  # Tuesday, Susan B. Anthony Day only
    shared = day_schedule(date(2027, 2, 15))  # Presidents' Day and Susan B. Anthony Day
    assert not shared.open
    assert shared.closure_reason == "Presidents' Day"
