"""The Agent/CEC Service Center calendar: opening hours per day and business-day arithmetic.

Days inside the window the webinar deck publishes are confirmed from knowledge/service_center.yaml.
Days outside it are estimated from the `holidays` package's California calendar and flagged as such:
a guess must never read as the official schedule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from functools import cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import holidays
from pydantic import BeforeValidator, Field, model_validator

from tools.facts import Facts, SourceRef, knowledge_file, load_facts


class _Hours(Facts):
    opens: time
    closes: time


class _Published(Facts):
    """One published calendar window: the deck's (with its page), or an operator's (with `published_by`)."""

    start: date
    end: date
    source: SourceRef | None = None
    published_by: str | None = None

    @model_validator(mode="after")
    def _says_where_from(self) -> _Published:
        if self.source is None and not self.published_by:
            raise ValueError(
                "a published window needs a `source` page or a `published_by` note saying who published it"
            )
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, dict) else value


class _Regular(Facts):
    weekdays: list[int]
    voice: _Hours
    chat: _Hours
    source: SourceRef


class _Holiday(Facts):
    date: dt.date
    name: str
    # Operator-published dates cite no page (no toolkit states them); their window's `published_by` says who.
    source: SourceRef | None = None


class _Extended(Facts):
    date: dt.date
    opens: time
    closes: time
    reason: str
    source: SourceRef | None = None


class ServiceCenterFacts(Facts):
    """Schema of knowledge/service_center.yaml."""

    timezone: str
    # One window or a list: an operator adds the new season's window beside the deck's.
    published: Annotated[list[_Published], BeforeValidator(_as_list)]
    regular: _Regular
    holidays: list[_Holiday]
    extended: list[_Extended]
    estimate_ignores: list[str] = Field(default_factory=list)


@knowledge_file("service_center.yaml", ServiceCenterFacts)
def service_center_facts() -> ServiceCenterFacts:
    """The Service Center calendar, loaded once."""
    return load_facts("service_center.yaml", ServiceCenterFacts)


def service_center_zone() -> ZoneInfo:
    """The Service Center's time zone."""
    return ZoneInfo(service_center_facts().timezone)


@dataclass(frozen=True)
class DaySchedule:
    """One day at the Service Center: open or not, voice and chat hours, and how sure we are."""

    day: date
    open: bool
    opens: time | None
    closes: time | None
    chat_opens: time | None
    chat_closes: time | None
    closure_reason: str | None
    extended: bool
    extended_reason: str | None
    confirmed: bool
    sources: list[SourceRef] = field(default_factory=list)
    published_by: str | None = None


@cache
def _estimated_holidays(year: int, ignored: frozenset[str]) -> dict[date, str]:
    # Keyed by the ignore list too: an operator's edited list must not meet a cache built from the shipped one.
    out = {}
    for day, names in holidays.country_holidays("US", subdiv="CA", years=year).items():
        # One date may carry several names ("Presidents' Day; Susan B. Anthony Day"): keep the real closures.
        kept = [n.strip() for n in str(names).split(";") if n.strip() not in ignored]
        if kept:
            out[day] = "; ".join(kept)
    return out


def published_window(day: date) -> _Published | None:
    """The published calendar window that covers `day`, if any."""
    return next((w for w in service_center_facts().published if w.start <= day <= w.end), None)


def is_published(day: date) -> bool:
    """Whether a published calendar (the deck's, or one an operator added) covers `day`."""
    return published_window(day) is not None


def last_published_day() -> date:
    """The last day any published calendar covers."""
    return max(w.end for w in service_center_facts().published)


def day_schedule(day: date) -> DaySchedule:
    """Hours of the Service Center on `day` (confirmed inside the published window, estimated outside)."""
    facts = service_center_facts()
    regular = facts.regular
    window = published_window(day)
    confirmed = window is not None
    by = window.published_by if window is not None else None
    refs = [regular.source]
    for extended in facts.extended:
        if extended.date == day:
            weekday = day.weekday() in regular.weekdays
            return DaySchedule(
                day,
                True,
                extended.opens,
                extended.closes,
                regular.chat.opens if weekday else None,
                regular.chat.closes if weekday else None,
                None,
                True,
                extended.reason,
                True,
                [*refs, *([extended.source] if extended.source else [])],
                by,
            )
    closure: str | None = None
    for holiday in facts.holidays:
        if holiday.date == day:
            closure = holiday.name
            if holiday.source is not None:
                refs.append(holiday.source)
    if closure is None and not confirmed:
        closure = _estimated_holidays(day.year, frozenset(facts.estimate_ignores)).get(day)
    if closure is None and day.weekday() not in regular.weekdays:
        closure = "weekend"
    if closure is not None:
        return DaySchedule(day, False, None, None, None, None, closure, False, None, confirmed, refs, by)
    return DaySchedule(
        day,
        True,
        regular.voice.opens,
        regular.voice.closes,
        regular.chat.opens,
        regular.chat.closes,
        None,
        False,
        None,
        confirmed,
        refs,
        by,
    )


def is_business_day(day: date) -> bool:
    """A weekday on which the Service Center is not closed for a holiday."""
    return day.weekday() in service_center_facts().regular.weekdays and day_schedule(day).open


def add_business_days(start: date, count: int) -> date:
    """The date `count` business days after `start` (start itself not counted)."""
    if count < 0:
        raise ValueError("count must not be negative")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    return day
