"""escalation_timeline: 7-10 business days, weekends and Service Center holidays skipped (calendar: test_calendar)."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from tests.corpus import corpus_or_skip
from tools.errors import ToolInputError
from tools.escalation import EscalationInput, EscalationOutput, escalation_facts, escalation_timeline
from tools.facts import source
from tools.registry import get_tool, run_tool


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


@pytest.mark.parametrize(
    ("escalated", "earliest", "latest"),
    [
        pytest.param("2026-11-20", date(2026, 12, 3), date(2026, 12, 8), id="estimated-thanksgiving-2026"),
        pytest.param("2026-12-18", date(2026, 12, 30), date(2027, 1, 5), id="estimated-year-end-2026"),
        pytest.param("2026-01-23", date(2026, 2, 3), date(2026, 2, 6), id="starts-inside-ends-outside"),
    ],
)
def test_windows_past_the_published_calendar_say_so(escalated: str, earliest: date, latest: date) -> None:
    """Holidays after the deck's calendar are estimates: confirmed is false and the summary says so."""
    out = get_tool("escalation_timeline").run({"escalation_date": escalated})
    assert isinstance(out, EscalationOutput)
    assert not out.confirmed
    assert (out.earliest, out.latest) == (earliest, latest)
    assert "estimated" in out.summary


def test_window_inside_the_published_calendar_is_confirmed() -> None:
    """A window wholly inside the deck's calendar is confirmed and carries no estimate caveat."""
    out = get_tool("escalation_timeline").run({"escalation_date": "2025-12-01"})
    assert isinstance(out, EscalationOutput)
    assert out.confirmed
    assert "estimated" not in out.summary


def test_run_tool_by_name() -> None:
    """run_tool validates a plain dict and returns the same dates as the typed call."""
    out = run_tool("escalation_timeline", {"escalation_date": "2025-12-19"})
    direct = escalation_timeline(EscalationInput(escalation_date=date(2025, 12, 19)))
    assert out == direct


@pytest.mark.parametrize(
    "payload",
    [
        pytest.param({"escalation_date": "2025-13-01"}, id="month-13"),
        pytest.param({"escalation_date": "2026-02-30"}, id="february-30"),
        pytest.param({}, id="missing"),
        pytest.param({"escalation_date": ""}, id="empty"),
    ],
)
def test_bad_date_names_the_field(payload: dict[str, str]) -> None:
    """A missing or impossible escalation date is an error naming escalation_date."""
    with pytest.raises(ToolInputError, match="escalation_date"):
        get_tool("escalation_timeline").run(payload)


def test_window_and_exceptions_are_on_the_cited_deck_page() -> None:
    """The 7-10 business days and both exceptions are on the page the facts cite (page 99)."""
    facts = escalation_facts()
    corpus = corpus_or_skip()
    page = facts.source.page
    text = " ".join(PdfReader(corpus / source("webinar", page).document).pages[page - 1].extract_text().split())
    span = facts.resolution_business_days
    assert f"{span.earliest}-{span.latest} business days" in text
    assert "Help Desk Ticket" in text
    assert "Carrier coordination" in text
    assert {e.source.page for e in facts.exceptions} == {page}
