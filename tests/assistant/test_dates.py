"""Date mentions in an enroller's words, resolved against today (past for events, future for calls)."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.dates import parse_dates

TODAY = date(2026, 3, 20)  # a Friday


@pytest.mark.parametrize(
    ("text", "today", "direction", "expected"),
    [
        pytest.param("NOD01 2026-03-03", TODAY, "past", date(2026, 3, 3), id="iso"),
        pytest.param("dated 3/3/26", TODAY, "past", date(2026, 3, 3), id="m-d-yy"),
        pytest.param("dated 3/3/2026", TODAY, "past", date(2026, 3, 3), id="m-d-yyyy"),
        pytest.param("dated 12/10", date(2026, 1, 15), "past", date(2025, 12, 10), id="no-year-past-goes-back"),
        pytest.param("jan 1", date(2025, 12, 20), "future", date(2026, 1, 1), id="no-year-future-goes-ahead"),
        pytest.param("March 3", TODAY, "past", date(2026, 3, 3), id="month-name"),
        pytest.param("Mar 3rd, 2025", TODAY, "past", date(2025, 3, 3), id="month-abbrev-ordinal-year"),
        pytest.param("3 March 2026", TODAY, "past", date(2026, 3, 3), id="day-month"),
        pytest.param("on Dec 19th", date(2025, 12, 22), "past", date(2025, 12, 19), id="dec-ordinal"),
        pytest.param("open on the 31st?", date(2025, 12, 20), "future", date(2025, 12, 31), id="ordinal-day"),
        pytest.param("open on the 31st?", date(2026, 4, 2), "future", date(2026, 5, 31), id="ordinal-skips"),
        pytest.param("went out yesterday", TODAY, "past", date(2026, 3, 19), id="yesterday"),
        pytest.param("open tomorrow", date(2025, 12, 30), "future", date(2025, 12, 31), id="tomorrow"),
        pytest.param("open today", TODAY, "future", TODAY, id="today"),
        pytest.param("dated last Friday", date(2026, 3, 23), "past", date(2026, 3, 20), id="last-weekday"),
        pytest.param("dated last Friday", TODAY, "past", date(2026, 3, 13), id="last-weekday-on-that-weekday"),
        pytest.param("chat hours on friday?", date(2026, 1, 27), "future", date(2026, 1, 30), id="on-weekday"),
        pytest.param("open on thanksgiving?", date(2025, 11, 20), "future", date(2025, 11, 27), id="thanksgiving"),
        pytest.param("the friday after thanksgiving", date(2025, 11, 20), "future", date(2025, 11, 28), id="day-after"),
        pytest.param("MLK day", date(2026, 1, 14), "future", date(2026, 1, 19), id="mlk"),
        pytest.param("open the day after xmas?", date(2025, 12, 1), "future", date(2025, 12, 26), id="day-after-xmas"),
        pytest.param("day before thanksgiving", date(2025, 11, 1), "future", date(2025, 11, 26), id="day-before"),
        pytest.param(
            "escalated the friday before mlk day", date(2026, 1, 22), "past", date(2026, 1, 16), id="weekday-before"
        ),
        pytest.param(
            "the monday after thanksgiving", date(2025, 11, 20), "future", date(2025, 12, 1), id="weekday-after"
        ),
        pytest.param("sc hours for halloween", date(2025, 10, 20), "future", date(2025, 10, 31), id="halloween"),
        pytest.param("christmas day", date(2025, 12, 22), "future", date(2025, 12, 25), id="christmas"),
        pytest.param("dated 2/29", date(2028, 3, 10), "past", date(2028, 2, 29), id="leap-day-in-leap-year"),
        pytest.param("3 days ago", TODAY, "past", date(2026, 3, 17), id="days-ago"),
        pytest.param("12/31/25", date(2026, 1, 2), "past", date(2025, 12, 31), id="year-end"),
    ],
)
def test_resolves(text: str, today: date, direction: str, expected: date) -> None:
    """Each written form resolves to the intended calendar date."""
    found = parse_dates(text, today, direction)  # type: ignore[arg-type]
    assert [f.value for f in found] == [expected]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("escalations take 7-10 business days", id="range-of-days"),
        pytest.param("24/7 support", id="around-the-clock"),
        pytest.param("may I upload docs", id="may-the-verb"),
        pytest.param("the 95-day ROP", id="number-with-unit"),
    ],
)
def test_ignores_non_dates(text: str) -> None:
    """Numbers that are not dates are not mistaken for dates."""
    assert parse_dates(text, TODAY) == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("NOD01 dated 2026-02-30", "2026-02-30", id="feb-30-iso"),
        pytest.param("NOD01 dated 2/30/26", "2026-02-30", id="feb-30-slashes"),
        pytest.param("dated 13/01/2026", "month 13", id="month-13"),
    ],
)
def test_impossible_dates_are_reported(text: str, problem: str) -> None:
    """An impossible date is found, has no value, and says what is wrong."""
    [found] = parse_dates(text, TODAY)
    assert found.value is None
    assert found.problem is not None
    assert problem in found.problem


def test_several_dates_in_reading_order() -> None:
    """Two dates come back in the order they were written."""
    found = parse_dates("termed for ROP on 6/1/26, NOD01 was 2/25/26", date(2026, 6, 12))
    assert [f.value for f in found] == [date(2026, 6, 1), date(2026, 2, 25)]


@pytest.mark.parametrize(
    "text", ["open on Friday November 27?", "open friday, 11/27?", "open 11/27 (fri)?", "open Nov 27th Friday"]
)
def test_a_weekday_beside_a_date_labels_it(text: str) -> None:
    """ "Friday November 27" is one date, November 27, not also the next Friday."""
    found = parse_dates(text, date(2025, 11, 20), "future")
    assert [f.value for f in found] == [date(2025, 11, 27)]


def test_a_weekday_away_from_a_date_is_its_own_date() -> None:
    """ "on Friday, or else 11/27" names two days."""
    found = parse_dates("on friday or else on 11/27?", date(2025, 11, 20), "future")
    assert [f.value for f in found] == [date(2025, 11, 21), date(2025, 11, 27)]
