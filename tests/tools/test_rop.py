"""rop_calculator: NOD03 and ROP due dates, late receipt, impacts, reinstatement window, phases, actions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from bots.cli import main
from tests.corpus import corpus_or_skip
from tools.errors import ToolInputError
from tools.registry import get_tool, run_tool
from tools.rop import RopInput, RopOutput, rop_calculator, rop_facts

ROP_PDF = "Understanding_ROP_and_Auto_Discontinuance.pdf"


def run(**kwargs: Any) -> RopOutput:
    """Validate through the registry (as the CLI and the assistant do) and run."""
    out = get_tool("rop_calculator").run(kwargs)
    assert isinstance(out, RopOutput)
    return out


@pytest.mark.parametrize(
    ("notice", "nod03", "due"),
    [
        pytest.param("2026-03-03", "2026-04-17", "2026-06-06", id="spring"),
        pytest.param("2026-01-31", "2026-03-17", "2026-05-06", id="month-end-january"),
        pytest.param("2026-12-15", "2027-01-29", "2027-03-20", id="crosses-year-end"),
        pytest.param("2027-12-15", "2028-01-29", "2028-03-19", id="leap-year-2028"),
        pytest.param("2028-02-29", "2028-04-14", "2028-06-03", id="notice-on-leap-day"),
        pytest.param("2026-11-30", "2027-01-14", "2027-03-05", id="november-end"),
        pytest.param("2025-12-31", "2026-02-14", "2026-04-05", id="new-years-eve"),
        pytest.param("2027-11-26", "2028-01-10", "2028-02-29", id="due-on-leap-day"),
        pytest.param("2028-11-26", "2029-01-10", "2029-03-01", id="no-leap-day-2029"),
        pytest.param("2026-01-15", "2026-03-01", "2026-04-20", id="nod03-on-march-first"),
    ],
)
def test_nod03_and_due_dates(notice: str, nod03: str, due: str) -> None:
    """NOD03 = notice + 45 days, ROP due = notice + 95 calendar days."""
    out = run(notice_date=notice)
    assert (out.nod03_date.isoformat(), out.rop_due_date.isoformat()) == (nod03, due)
    assert nod03 in out.summary
    assert due in out.summary


@pytest.mark.parametrize(
    ("received", "late_due"),
    [
        pytest.param(None, None, id="no-received-date"),
        pytest.param("2026-03-03", None, id="received-same-day"),
        pytest.param("2026-03-08", None, id="received-day-5-not-late"),
        pytest.param("2026-03-09", "2026-06-07", id="received-day-6-late"),
        pytest.param("2026-03-12", "2026-06-10", id="received-9-days-late"),
    ],
)
def test_late_receipt_is_a_labelled_note_not_a_second_due_date(received: str | None, late_due: str | None) -> None:
    """The due date is always NOD01 + 95 (what CalHEERS uses); a late notice adds a note naming the federal
    rule (45 CFR 155.315(f)) and its date, saying the guide does not cover it and to call first."""
    out = run(notice_date="2026-03-03", received_date=received)
    assert out.rop_due_date.isoformat() == "2026-06-06"
    if late_due is None:
        assert out.late_receipt_note is None
        return
    note = out.late_receipt_note
    assert note is not None
    assert late_due in note
    assert "45 CFR 155.315(f)" in note
    assert "does not cover late receipt" in note
    assert "Service Center" in note
    assert note in out.summary
    # The regulation is named; no extra page is cited for it.
    assert out.sources == run(notice_date="2026-03-03").sources


@pytest.mark.parametrize(
    ("termination", "today", "phase", "deadline", "days_left"),
    [
        pytest.param("2026-01-02", None, None, "2026-02-01", None, id="no-today"),
        pytest.param("2026-01-02", "2026-01-02", "reinstatement_window", "2026-02-01", 30, id="termination-day"),
        pytest.param("2026-01-02", "2026-02-01", "reinstatement_window", "2026-02-01", 0, id="last-day"),
        pytest.param("2026-01-02", "2026-02-02", "reinstatement_closed", "2026-02-01", None, id="day-after"),
        pytest.param("2024-02-01", "2024-02-15", "reinstatement_window", "2024-03-02", 16, id="leap-february"),
    ],
)
def test_termination_date_alone_answers_reinstatement(
    termination: str, today: str | None, phase: str | None, deadline: str, days_left: int | None
) -> None:
    """No NOD01 date needed: the 30-day window from the termination date, today's standing, and always the
    way back (Report a Change, then the Service Center, not the carrier)."""
    out = run(termination_date=termination, **({"today": today} if today else {}))
    assert out.notice_date is None
    assert out.rop_due_date is None
    assert out.reinstatement_deadline.isoformat() == deadline
    assert out.phase == phase
    assert out.days_left == days_left
    assert "Report a Change" in out.summary
    assert "carrier cannot reinstate" in out.summary
    if phase == "reinstatement_closed":
        assert "Qualifying Life Event" in out.summary
        assert "future effective date" in out.summary
        assert out.summary.startswith(f"The 30-day window closed on {deadline}")
    else:
        assert out.summary.startswith(
            f"Terminated {termination}: documents restoring eligibility must come in by {deadline}"
        )


def test_no_date_at_all_names_what_is_missing() -> None:
    """Neither a NOD01 date nor a termination date: one error naming what to give."""
    from tools.errors import ToolInputError
    from tools.registry import get_tool

    with pytest.raises(ToolInputError, match="NOD01 date, or the termination date") as info:
        get_tool("rop_calculator").run({"inconsistency": "income"})
    assert info.value.field == "notice_date"


@pytest.mark.parametrize(
    ("spelling", "key", "impact"),
    [
        pytest.param("income", "income", "financial_help", id="income"),
        pytest.param("Income", "income", "financial_help", id="income-capital"),
        pytest.param("MEC", "mec", "financial_help", id="mec"),
        pytest.param("minimum essential coverage", "mec", "financial_help", id="mec-words"),
        pytest.param("AI/AN", "ai_an", "financial_help", id="ai-an"),
        pytest.param("American Indian or Alaskan Native", "ai_an", "financial_help", id="ai-an-words"),
        pytest.param("Minimum Essential Coverage", "mec", "financial_help", id="mec-words-capital"),
        pytest.param("american indian", "ai_an", "financial_help", id="american-indian"),
        pytest.param("ai_an", "ai_an", "financial_help", id="ai-an-key"),
        pytest.param("ssn", "ssn", "financial_help", id="ssn"),
        pytest.param("SSN", "ssn", "financial_help", id="ssn-capital"),
        pytest.param("social security number", "ssn", "financial_help", id="ssn-lower-words"),
        pytest.param("Social Security Number", "ssn", "financial_help", id="ssn-words"),
        pytest.param("citizenship", "citizenship", "coverage", id="citizenship"),
        pytest.param("Citizenship", "citizenship", "coverage", id="citizenship-capital"),
        pytest.param("Lawful Presence", "lawful_presence", "coverage", id="lawful-presence-capital"),
        pytest.param("income inconsistency", "income", "financial_help", id="income-with-suffix"),
        pytest.param("lawful presence", "lawful_presence", "coverage", id="lawful-presence"),
        pytest.param("lawful_presence", "lawful_presence", "coverage", id="lawful-presence-key"),
        pytest.param("immigration", "lawful_presence", "coverage", id="immigration"),
        pytest.param("incarceration", "incarceration", "coverage", id="incarceration"),
        pytest.param("incarcerated", "incarceration", "coverage", id="incarcerated"),
        pytest.param("deceased", "deceased", "coverage", id="deceased"),
        pytest.param("death", "deceased", "coverage", id="death"),
    ],
)
def test_inconsistency_spellings_and_impact(spelling: str, key: str, impact: str) -> None:
    """Common spellings map to one key; income/MEC/AI-AN/SSN cost financial help, the rest coverage."""
    out = run(notice_date="2026-03-03", inconsistency=spelling)
    assert out.inconsistency == key
    assert out.impact == impact
    assert out.impact_explanation
    expected_page = 1 if impact == "financial_help" else 2
    assert any(s.document == ROP_PDF and s.page == expected_page for s in out.sources)


@pytest.mark.parametrize(
    ("termination", "deadline"),
    [
        pytest.param("2026-06-07", "2026-07-07", id="june"),
        pytest.param("2026-01-31", "2026-03-02", id="over-february"),
        pytest.param("2028-01-31", "2028-03-01", id="over-leap-february"),
        pytest.param("2026-12-15", "2027-01-14", id="over-year-end"),
    ],
)
def test_reinstatement_deadline(termination: str, deadline: str) -> None:
    """After an ROP termination there are 30 calendar days to restore with no gap; then a new QLE."""
    out = run(notice_date="2025-10-20", termination_date=termination)
    assert out.reinstatement_deadline is not None
    assert out.reinstatement_deadline.isoformat() == deadline
    assert out.after_reinstatement_deadline is not None
    assert "Qualifying Life Event" in out.after_reinstatement_deadline
    assert "future effective date" in out.after_reinstatement_deadline


@pytest.mark.parametrize(
    ("today", "termination", "phase", "days_left"),
    [
        pytest.param("2026-03-03", None, "before_warning", 95, id="notice-day"),
        pytest.param("2026-04-16", None, "before_warning", 51, id="day-before-nod03"),
        pytest.param("2026-04-17", None, "warning_sent", 50, id="nod03-day"),
        pytest.param("2026-06-06", None, "warning_sent", 0, id="rop-due-day"),
        pytest.param("2026-06-05", None, "warning_sent", 1, id="day-before-due"),
        pytest.param("2026-06-07", None, "past_due", None, id="day-after-due"),
        pytest.param("2026-06-09", "2026-06-10", "past_due", None, id="day-before-termination"),
        pytest.param("2026-06-10", "2026-06-10", "reinstatement_window", 30, id="termination-day"),
        pytest.param("2026-07-10", "2026-06-10", "reinstatement_window", 0, id="last-reinstatement-day"),
        pytest.param("2026-07-11", "2026-06-10", "reinstatement_closed", None, id="day-after-window"),
    ],
)
def test_phase_and_days_left(today: str, termination: str | None, phase: str, days_left: int | None) -> None:
    """With today, the phase and the days left to the deadline that matters, at every window edge."""
    out = run(notice_date="2026-03-03", termination_date=termination, today=today)
    assert out.phase == phase
    assert out.days_left == days_left


def test_restoration_actions_carry_the_guides_warnings() -> None:
    """In the reinstatement window the actions say: no new effective date, carriers can't, DACA → Medi-Cal."""
    out = run(notice_date="2026-03-03", termination_date="2026-06-10", today="2026-06-12")
    text = " ".join(out.actions)
    assert "do NOT re-enroll" in text
    assert "Carriers (QHPs) cannot reinstate" in text
    assert "Medi-Cal" in text
    assert any(s.page == 8 for s in out.sources)


def test_past_due_actions_prepare_the_restoration() -> None:
    """After day 95 the actions say what auto-discontinuance does and how to restore (not via the carrier)."""
    out = run(notice_date="2026-03-03", today="2026-06-20")
    text = " ".join(out.actions)
    assert "auto-discontinuance" in text
    assert "Report a Change" in text
    assert "Carriers (QHPs) cannot reinstate" in text


def test_closed_window_actions_need_a_new_qle() -> None:
    """After the 30-day window the actions say a new QLE and a future effective date are needed."""
    out = run(notice_date="2026-03-03", termination_date="2026-06-10", today="2026-08-01")
    text = " ".join(out.actions)
    assert "new Qualifying Life Event" in text
    assert "future effective date" in text


def test_summary_is_plain_sentences_with_iso_dates() -> None:
    """The summary quotes every computed date in ISO form, the impact, and the phase."""
    out = run(
        notice_date="2026-03-03",
        inconsistency="citizenship",
        termination_date="2026-06-10",
        today="2026-06-12",
    )
    for iso in ("2026-03-03", "2026-04-17", "2026-06-06", "2026-06-10", "2026-07-10", "2026-06-12"):
        assert iso in out.summary
    assert "enrollment is terminated" in out.summary
    assert "28 days are left" in out.summary
    # Termination first (deadline and today's standing), the dates, the impact, the way back: four sentences.
    assert len(re.findall(r"\.(?:\s|$)", out.summary)) <= 4


def test_unknown_inconsistency_lists_the_accepted_kinds() -> None:
    """The error for an unknown kind names the field and lists every accepted kind."""
    with pytest.raises(ToolInputError) as info:
        run_tool("rop_calculator", {"notice_date": "2026-03-03", "inconsistency": "zodiac"})
    assert info.value.field == "inconsistency"
    for kind in ("income", "mec", "ai_an", "ssn", "citizenship", "lawful_presence", "incarceration", "deceased"):
        assert kind in info.value.message


def test_actions_before_the_due_date_are_prevention_and_mitigation() -> None:
    """Before the ROP ends the actions point at documents, the daily summary alert and the BoB filter."""
    out = run(notice_date="2026-03-03", today="2026-04-20")
    text = " ".join(out.actions)
    assert "Documents and Correspondence" in text
    assert "Conditionally Eligible" in text


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({"notice_date": "2026-02-30"}, "notice_date", id="impossible-date"),
        pytest.param({}, "notice_date", id="missing-notice"),
        pytest.param({"notice_date": "03/03/2026"}, "notice_date", id="not-iso"),
        pytest.param({"notice_date": "2026-03-03", "inconsistency": "zodiac"}, "inconsistency", id="unknown-kind"),
        pytest.param(
            {"notice_date": "2026-03-03", "received_date": "2026-03-01"}, "received_date", id="received-early"
        ),
        pytest.param(
            {"notice_date": "2026-03-03", "termination_date": "2026-01-01"}, "termination_date", id="term-early"
        ),
        pytest.param({"notice_date": "2026-03-03", "today": "2026-01-01"}, "today", id="today-before-notice"),
        pytest.param({"notice_date": "2026-03-03", "today": "2026-02-29"}, "today", id="today-not-leap-year"),
        pytest.param({"notice_date": None}, "notice_date", id="null-notice"),
        pytest.param({"notice_date": "2026-03-03", "colour": "red"}, "colour", id="unknown-field"),
    ],
)
def test_bad_input_names_the_field(payload: dict[str, Any], field: str) -> None:
    """Invalid input raises ToolInputError whose message names the offending field."""
    with pytest.raises(ToolInputError) as info:
        get_tool("rop_calculator").run(payload)
    assert info.value.field == field
    assert "Value error" not in str(info.value)


def test_direct_call_matches_registry() -> None:
    """Calling the function with its input model gives the same result as run_tool with a plain dict."""
    direct = rop_calculator(RopInput(notice_date=date(2026, 3, 3)))
    assert direct == run_tool("rop_calculator", {"notice_date": "2026-03-03"})


def test_cli_rejects_an_impossible_notice_date(capsys: pytest.CaptureFixture[str]) -> None:
    """`enroller tool rop_calculator` with 2026-02-30 exits 2 with one stderr line naming notice_date."""
    assert main(["tool", "rop_calculator", "--json", '{"notice_date":"2026-02-30"}']) == 2
    err = capsys.readouterr().err
    assert "notice_date" in err
    assert "Traceback" not in err


def _guide_page(page: int) -> str:
    """Text of one ROP guide page from the real corpus PDF, whitespace collapsed."""
    corpus = corpus_or_skip()
    return " ".join(PdfReader(corpus / ROP_PDF).pages[page - 1].extract_text().split())


def _action_page(group: str, words: str) -> int:
    """The page cited by the action in `group` whose text contains `words`."""
    return next(f.source.page for f in rop_facts().actions[group] if words in f.text)


@pytest.mark.parametrize(
    ("cited", "phrase"),
    [
        pytest.param(lambda: rop_facts().impacts["financial_help"].source.page, "APTC and/or CSR", id="aptc-impact"),
        pytest.param(lambda: rop_facts().impacts["coverage"].source.page, "Coverage terminated", id="coverage-impact"),
        pytest.param(lambda: rop_facts().after_reinstatement_source.page, "30 calendar days", id="thirty-days"),
        pytest.param(lambda: rop_facts().after_reinstatement_source.page, "new Qualifying Life", id="new-qle"),
        pytest.param(lambda: _action_page("restoration", "do NOT re-enroll"), "DO NOT re-enroll", id="no-re-enroll"),
        pytest.param(lambda: _action_page("restoration", "Carriers"), "Do not contact Qualified", id="carriers"),
        pytest.param(lambda: _action_page("restoration", "DACA"), "full-scope Medi-Cal", id="daca"),
        pytest.param(lambda: _action_page("restoration", "10 business days"), "up to 10 business", id="ten-days"),
        pytest.param(lambda: _action_page("mitigation", "Conditionally"), "Conditionally Eligible", id="bob-filter"),
        pytest.param(lambda: _action_page("mitigation", "NOD03"), "day after the NOD03", id="nod03-alert"),
        pytest.param(lambda: _action_page("prevention", "placeholder"), "placeholder", id="placeholder"),
        pytest.param(lambda: _action_page("past_due", "Day 95"), "Day 95", id="day-95"),
    ],
)
def test_facts_cite_the_right_guide_page(cited: Callable[[], int], phrase: str) -> None:
    """Each ROP fact's cited page of the guide really carries the rule it states."""
    assert phrase in _guide_page(cited())


def test_timeline_pages_carry_the_day_counts() -> None:
    """The timeline's cited pages state the 95-day ROP (p.1) and the day-45 NOD03 (p.3 and p.6)."""
    pages = {ref.page for ref in rop_facts().timeline.sources}
    assert pages == {1, 3, 6}
    assert "95-day period" in _guide_page(1)
    assert "Day 45" in _guide_page(3)
    assert "45 days after the NOD01" in _guide_page(6)
