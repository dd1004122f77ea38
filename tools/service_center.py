"""Agent/CEC Service Center hours: open or closed on a date, or right now, and when it next opens."""

from __future__ import annotations

import datetime as dt
from datetime import datetime, time, timedelta

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tools.calendar import day_schedule, last_published_day, service_center_facts, service_center_zone
from tools.facts import unique_sources
from tools.models import ToolInput, ToolOutput

_SEARCH_DAYS = 31  # no closure run in any calendar is longer than this


class ServiceCenterInput(ToolInput):
    """Arguments of service_center_hours: exactly one of `date` or `at`."""

    date: dt.date | None = Field(default=None, description="The day to check, YYYY-MM-DD.")
    at: datetime | None = Field(
        default=None, description="A moment to check, ISO datetime with UTC offset (e.g. 2025-11-27T17:30:00-08:00)."
    )

    @field_validator("at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        # A naive time is ambiguous (Pacific? UTC?): refuse it rather than guess.
        if value is not None and value.utcoffset() is None:
            raise PydanticCustomError("naive_datetime", "needs a UTC offset, e.g. 2025-11-27T17:30:00-08:00")
        return value

    @model_validator(mode="after")
    def _one_of(self) -> ServiceCenterInput:
        if (self.date is None) == (self.at is None):
            raise PydanticCustomError(
                "date_or_at", "give exactly one of `date` (YYYY-MM-DD) or `at` (ISO datetime with offset)"
            )
        return self


class ServiceCenterOutput(ToolOutput):
    """Result of service_center_hours. Times are HH:MM in America/Los_Angeles."""

    date: dt.date
    open: bool = Field(description="Whether the Service Center opens at all that day.")
    opens: str | None = Field(default=None, description="Voice line opening time, HH:MM.")
    closes: str | None = Field(default=None, description="Voice line closing time, HH:MM.")
    chat_opens: str | None = None
    chat_closes: str | None = None
    closure_reason: str | None = Field(default=None, description="Holiday name, or 'weekend'.")
    extended: bool = Field(default=False, description="Extended Open Enrollment hours that day.")
    confirmed: bool = Field(description="False when the date is outside the deck's published calendar.")
    note: str | None = None
    open_now: bool | None = Field(default=None, description="Only for `at`: open at that moment.")
    next_open: datetime | None = Field(default=None, description="Only for `at`: the next opening time.")


def _hhmm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _clock(value: time) -> str:
    hour = value.hour % 12 or 12
    suffix = "AM" if value.hour < 12 else "PM"
    return f"{hour}:{value.minute:02d}{suffix}"


def _next_open(moment: datetime) -> datetime:
    zone = service_center_zone()
    local = moment.astimezone(zone)
    for offset in range(_SEARCH_DAYS + 1):
        day = local.date() + timedelta(days=offset)
        sched = day_schedule(day)
        if not sched.open or sched.opens is None:
            continue
        start = datetime.combine(day, sched.opens, tzinfo=zone)
        if start > local:
            return start
    raise ValueError(f"at: no opening found within {_SEARCH_DAYS} days of {moment.isoformat()}")


def service_center_hours(inp: ServiceCenterInput) -> ServiceCenterOutput:
    """Agent/CEC Service Center voice and chat hours on a date, or whether it is open at a moment.

    Use it when an enroller asks if the Service Center (agent line, chat) is open on a day, on a holiday,
    today, or right now, what time it closes, or when it opens next. Give `date` (YYYY-MM-DD) for a day,
    or `at` (ISO datetime with offset) for a moment; times are Pacific. Dates outside the deck's published
    calendar are estimates and say so.
    """
    zone = service_center_zone()
    local = inp.at.astimezone(zone) if inp.at is not None else None
    day = local.date() if local is not None else inp.date
    assert day is not None  # the validator guarantees one of them
    sched = day_schedule(day)
    facts = service_center_facts()
    refs = list(sched.sources)
    when = f"{day.strftime('%A')}, {day.isoformat()}"

    note = None
    if not sched.confirmed:
        refs.extend(w.source for w in facts.published if w.source is not None)
        note = (
            f"The published Service Center calendar runs only through {last_published_day().isoformat()}; this is "
            "an estimate from the California holiday calendar, not a confirmed schedule."
        )
    elif sched.published_by:
        note = f"Calendar published by {sched.published_by} (not from a toolkit page)."

    if sched.open and sched.opens and sched.closes:
        hours = f"{_clock(sched.opens)} to {_clock(sched.closes)} Pacific"
        extra = f" (extended Open Enrollment hours, {sched.extended_reason})" if sched.extended else ""
        chat = (
            f"; chat {_clock(sched.chat_opens)} to {_clock(sched.chat_closes)}"
            if sched.chat_opens and sched.chat_closes
            else "; the deck does not give chat hours for this day"
        )
        text = f"The Agent/CEC Service Center is open on {when}: voice {hours}{extra}{chat}."
    else:
        why = "the weekend" if sched.closure_reason == "weekend" else sched.closure_reason
        text = f"The Agent/CEC Service Center is closed on {when} ({why})."
    if not sched.confirmed:
        text = f"Not confirmed: {text[0].lower()}{text[1:]} {note}"
    elif note:
        text = f"{text} {note}"

    open_now = next_open = None
    if local is not None:
        open_now = bool(sched.open and sched.opens and sched.closes and sched.opens <= local.time() < sched.closes)
        if open_now and sched.closes:
            text += f" At {local.strftime('%H:%M')} it is open until {_clock(sched.closes)}."
        else:
            next_open = _next_open(local)
            text += (
                f" At {local.strftime('%H:%M')} it is closed; it next opens "
                f"{next_open.strftime('%A')}, {next_open.date().isoformat()} at {_clock(next_open.time())}."
            )

    return ServiceCenterOutput(
        summary=text,
        sources=unique_sources(refs),
        date=day,
        open=sched.open,
        opens=_hhmm(sched.opens),
        closes=_hhmm(sched.closes),
        chat_opens=_hhmm(sched.chat_opens),
        chat_closes=_hhmm(sched.chat_closes),
        closure_reason=sched.closure_reason,
        extended=sched.extended,
        confirmed=sched.confirmed,
        note=note,
        open_now=open_now,
        next_open=next_open,
    )
