"""Find the dates an enroller wrote, in any common form, and resolve them against `today`.

"2026-03-03", "3/3/26", "3/3", "March 3", "Mar 3rd, 2026", "3 March", "the 31st", "yesterday",
"last Friday", "on Friday", "Thanksgiving", "MLK day". A date without a year is resolved by what it
refers to: something that already happened (a NOD01, a termination) is the most recent such date on or
before today; a day the enroller wants to call the Service Center is the next one on or after today.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Direction = Literal["past", "future"]

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4, "may": 5,
    "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9,
    "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2, "thursday": 3,
    "thu": 3, "thur": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5, "sunday": 6, "sun": 6,
}  # fmt: skip

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_WEEKDAY_RE = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"

_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}|\d{2}))?(?![\d/-])")
_MONTH_DAY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}}){_ORD}\b(?:,?\s+(\d{{4}})\b)?", re.IGNORECASE)
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}}){_ORD}\s+(?:of\s+)?({_MONTH_RE})\b\.?(?:,?\s+(\d{{4}})\b)?", re.IGNORECASE)
_ORDINAL_DAY = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(today|tonight|yesterday|tomorrow)\b", re.IGNORECASE)
_WEEKDAY = re.compile(rf"\b(last|this|next|on|coming)?\s*\b({_WEEKDAY_RE})\b\.?", re.IGNORECASE)
_AGO = re.compile(r"\b(\d{1,3}|a|one|two|three|four|five|six|seven)\s+(day|week)s?\s+ago\b", re.IGNORECASE)
_WORD_NUMBERS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}


@dataclass(frozen=True)
class FoundDate:
    """One date mention: where it is in the text, what it says, and the date it means (None if impossible)."""

    start: int
    end: int
    text: str
    value: date | None
    problem: str | None = None
    has_year: bool = True


def _thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


# Named days enrollers ask about: the calendar date in a given year (federal/state rules).
HOLIDAYS: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"\b(?:day after thanksgiving|friday after thanksgiving|black friday)\b", re.I),
     lambda y: _thanksgiving(y) + timedelta(days=1)),
    (re.compile(r"\bthanksgiving(?: day)?\b", re.I), _thanksgiving),
    (re.compile(r"\bchristmas eve\b", re.I), lambda y: date(y, 12, 24)),
    (re.compile(r"\b(?:christmas|xmas)(?: day)?\b", re.I), lambda y: date(y, 12, 25)),
    (re.compile(r"\bnew year'?s eve\b", re.I), lambda y: date(y, 12, 31)),
    (re.compile(r"\bnew year'?s?(?: day)?\b(?!\s+(?:plan|coverage|enrollment))", re.I), lambda y: date(y, 1, 1)),
    (re.compile(r"\b(?:mlk|martin luther king(?: jr\.?)?)(?: jr\.?)?(?: day)?\b", re.I),
     lambda y: _nth_weekday(y, 1, 0, 3)),
    (re.compile(r"\b(?:presidents'?|washington'?s) day\b", re.I), lambda y: _nth_weekday(y, 2, 0, 3)),
    (re.compile(r"\b(?:cesar chavez|césar chávez) day\b", re.I), lambda y: date(y, 3, 31)),
    (re.compile(r"\bmemorial day\b", re.I), lambda y: _last_weekday(y, 5, 0)),
    (re.compile(r"\bjuneteenth\b", re.I), lambda y: date(y, 6, 19)),
    (re.compile(r"\b(?:independence day|july 4th|4th of july|fourth of july)\b", re.I), lambda y: date(y, 7, 4)),
    (re.compile(r"\blabor day\b", re.I), lambda y: _nth_weekday(y, 9, 0, 1)),
    (re.compile(r"\bveteran'?s'? day\b", re.I), lambda y: date(y, 11, 11)),
    # Days named though they are no holidays: a date, and whether the Service Center is open is the tool's to say.
    (re.compile(r"\bhalloween\b", re.I), lambda y: date(y, 10, 31)),
    (re.compile(r"\bvalentine'?s(?: day)?\b", re.I), lambda y: date(y, 2, 14)),
    (re.compile(r"\b(?:st\.? |saint )patrick'?s day\b", re.I), lambda y: date(y, 3, 17)),
    (re.compile(r"\b(?:columbus|indigenous peoples'?) day\b", re.I), lambda y: _nth_weekday(y, 10, 0, 2)),
]  # fmt: skip


def _year_of_two_digits(yy: int) -> int:
    return 2000 + yy if yy < 70 else 1900 + yy


def _resolve_without_year(month: int, day: int, today: date, direction: Direction) -> date | None:
    """The month/day in the year that puts it on the right side of today (None when never valid)."""
    years = [today.year, today.year - 1, today.year + 1] if direction == "past" else [today.year, today.year + 1]
    candidates = []
    for year in years:
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if direction == "past":
        eligible = [d for d in candidates if d <= today]
        return max(eligible) if eligible else None
    eligible = [d for d in candidates if d >= today]
    return min(eligible) if eligible else None


def _build(year: int | None, month: int, day: int, today: date, direction: Direction) -> tuple[date | None, str | None]:
    if not 1 <= month <= 12:
        return None, f"month {month} does not exist"
    if year is None:
        resolved = _resolve_without_year(month, day, today, direction)
        if resolved is None:
            if direction == "past":
                # e.g. Feb 29 outside leap years: try the last leap year before today
                for back in range(1, 9):
                    try:
                        cand = date(today.year - back, month, day)
                    except ValueError:
                        continue
                    return cand, None
            return None, f"{month}/{day} is not a date on the calendar"
        return resolved, None
    try:
        return date(year, month, day), None
    except ValueError:
        return None, f"{year:04d}-{month:02d}-{day:02d} is not a date on the calendar"


_HOLIDAY_SHIFT = re.compile(
    r"(?:\bthe )?\b(day|monday|tuesday|wednesday|thursday|friday|saturday|sunday) (after|before)\s+$", re.IGNORECASE
)


def _add(
    found: list[FoundDate],
    match: re.Match[str],
    value: date | None,
    problem: str | None,
    *,
    has_year: bool,
    start: int | None = None,
) -> None:
    """Record `match` (from `start`, when words before it belong to the mention) unless it overlaps one found."""
    start = match.start() if start is None else start
    end = match.end()
    if any(not (end <= f.start or start >= f.end) for f in found):
        return  # an earlier, more specific pattern already claimed this text
    found.append(FoundDate(start, end, match.string[start:end].strip(), value, problem, has_year))


def parse_dates(text: str, today: date, direction: Direction = "past") -> list[FoundDate]:
    """Every date mention in `text`, in reading order, resolved against `today` in `direction`."""
    found: list[FoundDate] = []
    year: int | None
    for m in _ISO.finditer(text):
        value, problem = _build(int(m.group(1)), int(m.group(2)), int(m.group(3)), today, direction)
        _add(found, m, value, problem, has_year=True)
    for m in _MONTH_DAY.finditer(text):
        month = MONTHS[m.group(1).lower()]
        year = int(m.group(3)) if m.group(3) else None
        if m.group(1).lower() == "may" and not re.search(r"\d", text[m.end(1) : m.end(1) + 3]):
            continue
        value, problem = _build(year, month, int(m.group(2)), today, direction)
        _add(found, m, value, problem, has_year=year is not None)
    for m in _DAY_MONTH.finditer(text):
        month = MONTHS[m.group(2).lower()]
        year = int(m.group(3)) if m.group(3) else None
        value, problem = _build(year, month, int(m.group(1)), today, direction)
        _add(found, m, value, problem, has_year=year is not None)
    for pattern, rule in HOLIDAYS:
        for m in pattern.finditer(text):
            value = _holiday(rule, today, direction)
            # "the day after Christmas", "day before New Year's": one day on from the named day; "the friday
            # before MLK day": the nearest such weekday before (or after) it.
            shift = _HOLIDAY_SHIFT.search(text[: m.start()])
            if shift is not None:
                step = 1 if shift.group(2).lower() == "after" else -1
                shifted = value + timedelta(days=step)
                if shift.group(1).lower() != "day":
                    while shifted.weekday() != WEEKDAYS[shift.group(1).lower()]:
                        shifted += timedelta(days=step)
                _add(found, m, shifted, None, has_year=False, start=shift.start())
                continue
            _add(found, m, value, None, has_year=False)
    for m in _NUMERIC.finditer(text):
        if _looks_like_fraction(text, m):
            continue
        year = None
        if m.group(3):
            year = int(m.group(3)) if len(m.group(3)) == 4 else _year_of_two_digits(int(m.group(3)))
        value, problem = _build(year, int(m.group(1)), int(m.group(2)), today, direction)
        _add(found, m, value, problem, has_year=year is not None)
    for m in _ORDINAL_DAY.finditer(text):
        n = int(m.group(1))
        if n > 31 and (n >= 40 or re.match(r"\s+days?\b", text[m.end() :], re.IGNORECASE)):
            continue  # "the 95th day", "the 45th": a count of days, not a mistyped day of the month ("the 32nd")
        value = _day_of_month(int(m.group(1)), today, direction)
        problem = None if value else f"no month has a day {m.group(1)}"
        _add(found, m, value, problem, has_year=False)
    for m in _AGO.finditer(text):
        n = _WORD_NUMBERS.get(m.group(1).lower()) or int(m.group(1))
        days = n * (7 if m.group(2).lower() == "week" else 1)
        _add(found, m, today - timedelta(days=days), None, has_year=False)
    for m in _RELATIVE.finditer(text):
        word = m.group(1).lower()
        offset = {"yesterday": -1, "tomorrow": 1}.get(word, 0)
        _add(found, m, today + timedelta(days=offset), None, has_year=False)
    for m in _WEEKDAY.finditer(text):
        if m.group(2).lower() in ("sun", "sat", "wed", "mon") and not m.group(1) and m.group(2).islower():
            continue  # bare short forms are too ambiguous in prose ("sat on it")
        if _names_a_date_beside(text, m, found):
            continue  # "Friday November 27", "11/27 (Fri)": the weekday only labels the date beside it
        value = _weekday(WEEKDAYS[m.group(2).lower()], (m.group(1) or "").lower(), today, direction)
        _add(found, m, value, None, has_year=False)
    return sorted(found, key=lambda f: f.start)


_LABEL_GAP = re.compile(r"[\s,()]{0,3}")


def _names_a_date_beside(text: str, m: re.Match[str], found: list[FoundDate]) -> bool:
    """Whether the weekday mention `m` stands right before or after a date already found."""
    start, end = m.start(2), m.end()
    for f in found:
        if f.start >= end and _LABEL_GAP.fullmatch(text[end : f.start]):
            return True
        if f.end <= start and _LABEL_GAP.fullmatch(text[f.end : start]):
            return True
    return False


def _looks_like_fraction(text: str, m: re.Match[str]) -> bool:
    """'24/7', '7-10 business days', '1-3 years' are not dates."""
    after = text[m.end() : m.end() + 24].lower()
    if m.group(3) is None and re.match(
        r"\s*(?:business\s+|calendar\s+)?(?:days?|weeks?|months?|years?|hours?|%)", after
    ):
        return True
    return m.group(0) == "24/7"


def _holiday(rule: object, today: date, direction: Direction) -> date:
    assert callable(rule)
    this_year: date = rule(today.year)
    if direction == "future":
        return this_year if this_year >= today else rule(today.year + 1)
    return this_year if this_year <= today else rule(today.year - 1)


def _day_of_month(day: int, today: date, direction: Direction) -> date | None:
    if not 1 <= day <= 31:
        return None
    step = 1 if direction == "future" else -1
    year, month = today.year, today.month
    for _ in range(14):
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate is not None and (candidate >= today if direction == "future" else candidate <= today):
            return candidate
        month += step
        if month == 13:
            year, month = year + 1, 1
        elif month == 0:
            year, month = year - 1, 12
    return None


def _weekday(weekday: int, qualifier: str, today: date, direction: Direction) -> date:
    if qualifier == "last":
        delta = (today.weekday() - weekday) % 7 or 7
        return today - timedelta(days=delta)
    if qualifier == "next":
        delta = (weekday - today.weekday()) % 7 or 7
        return today + timedelta(days=delta)
    # "escalated on Monday" is the Monday just gone; "open on Monday?" the one coming.
    if qualifier == "coming" or direction == "future":
        return today + timedelta(days=(weekday - today.weekday()) % 7)
    return today - timedelta(days=(today.weekday() - weekday) % 7)
