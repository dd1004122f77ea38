"""ROP date calculator: NOD03 and ROP due dates, the reinstatement window, and what to do now.

Rules (knowledge/rop.yaml): the NOD03 warning goes out 45 days after the NOD01; the ROP ends 95 days
after the NOD01 date (the date CalHEERS uses); a notice received late gets a labelled note about the
federal from-receipt rule (45 CFR 155.315(f)), never a second due date; after an ROP termination there
are 30 calendar days to restore eligibility with no gap (from the termination date alone).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from tools.facts import Facts, SourceRef, knowledge_file, load_facts, unique_sources
from tools.models import ToolInput, ToolOutput

Impact = Literal["financial_help", "coverage"]
Phase = Literal["before_warning", "warning_sent", "past_due", "reinstatement_window", "reinstatement_closed"]


class _Timeline(Facts):
    nod03_after_days: int
    rop_days: int
    presumed_receipt_days: int
    late_receipt_rop_days: int
    reinstatement_days: int
    escalation_business_days: int
    sources: list[SourceRef]


class _Inconsistency(Facts):
    label: str
    aliases: list[str]
    impact: Impact


class _Fact(Facts):
    text: str
    source: SourceRef


class _Wording(Facts):
    dates: str
    late_receipt: str
    terminated: str
    reinstate_how: str
    window_closed: str


class RopFacts(Facts):
    """Schema of knowledge/rop.yaml."""

    regulations: str
    wording: _Wording
    timeline: _Timeline
    after_reinstatement_deadline: str
    after_reinstatement_source: SourceRef
    inconsistencies: dict[str, _Inconsistency]
    impacts: dict[Impact, _Fact]
    actions: dict[str, list[_Fact]]


@knowledge_file("rop.yaml", RopFacts)
def rop_facts() -> RopFacts:
    """The ROP rules, loaded once."""
    return load_facts("rop.yaml", RopFacts)


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", re.sub(r"[().,]", "", text.lower())).strip()


def normalize_inconsistency(value: str) -> str:
    """Map a spelling or abbreviation ("MEC", "Lawful presence", "AI/AN") to its canonical key."""
    wanted = _norm(value)
    for key, info in rop_facts().inconsistencies.items():
        if wanted == _norm(key) or wanted in {_norm(a) for a in info.aliases}:
            return key
    for key, info in rop_facts().inconsistencies.items():  # "income inconsistency", "ssn verification"
        if any(re.search(rf"\b{re.escape(_norm(a))}\b", wanted) for a in info.aliases if len(a) > 2):
            return key
    known = ", ".join(rop_facts().inconsistencies)
    raise ValueError(f"unknown inconsistency {value!r}; use one of: {known}")


class RopInput(ToolInput):
    """Arguments of rop_calculator."""

    notice_date: date | None = Field(
        default=None,
        description="Date printed on the Eligibility Notice (NOD01), YYYY-MM-DD; optional when only the "
        "termination date is known (the reinstatement window needs only that).",
    )
    received_date: date | None = Field(
        default=None, description="When the consumer actually received the NOD01, if later than usual."
    )
    inconsistency: str | None = Field(
        default=None,
        description="Data inconsistency: income, mec, ai_an, ssn, citizenship, lawful_presence, incarceration, "
        "deceased (common spellings accepted).",
    )
    termination_date: date | None = Field(default=None, description="Date the enrollment was terminated for ROP.")
    today: date | None = Field(default=None, description="Today's date, to report the phase and days left.")

    @field_validator("inconsistency")
    @classmethod
    def _canonical_inconsistency(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return normalize_inconsistency(value)
        except ValueError:
            known = ", ".join(rop_facts().inconsistencies)
            raise PydanticCustomError(
                "unknown_inconsistency", "unknown kind; use one of: {known}", {"known": known}
            ) from None

    @field_validator("received_date", "termination_date", "today")
    @classmethod
    def _not_before_notice(cls, value: date | None, info: ValidationInfo) -> date | None:
        # A field validator (not a model one) so the error is reported on the field itself; notice_date is
        # declared first, so it is in info.data when it was valid.
        notice = info.data.get("notice_date")
        if value is not None and isinstance(notice, date) and value < notice:
            raise PydanticCustomError(
                "date_order",
                "{value} is before notice_date {notice}; check the NOD01 date",
                {"value": value.isoformat(), "notice": notice.isoformat()},
            )
        return value

    @model_validator(mode="after")
    def _needs_a_date(self) -> RopInput:
        if self.notice_date is None and self.termination_date is None:
            # `field` in the context puts the error on notice_date (a model check has no field of its own).
            raise PydanticCustomError(
                "needs_date",
                "required: the NOD01 date, or the termination date for reinstatement",
                {"field": "notice_date"},
            )
        if self.notice_date is None and self.received_date is not None:
            raise PydanticCustomError(
                "needs_date", "a received date needs the NOD01 date too", {"field": "notice_date"}
            )
        return self


class RopOutput(ToolOutput):
    """Result of rop_calculator."""

    notice_date: date | None = None
    nod03_date: date | None = Field(
        default=None, description="When the Warning-Documents Needed Notice (NOD03) goes out (needs the NOD01 date)."
    )
    rop_due_date: date | None = Field(
        default=None, description="Last day of the ROP: the NOD01 date plus the ROP length in rop.yaml (CalHEERS date)."
    )
    rop_basis: str | None = Field(default=None, description="Which rule set the ROP due date.")
    late_receipt_note: str | None = Field(
        default=None, description="Only when the notice arrived late: the federal from-receipt rule, labelled."
    )
    inconsistency: str | None = None
    impact: Impact | None = Field(default=None, description="financial_help (APTC/CSR) or coverage (terminated).")
    impact_explanation: str | None = None
    reinstatement_deadline: date | None = Field(
        default=None,
        description="Last day to restore eligibility with no gap (termination + the reinstatement window).",
    )
    after_reinstatement_deadline: str | None = None
    phase: Phase | None = Field(
        default=None,
        description="Only with today: before_warning (before the NOD03), warning_sent (NOD03 out, ROP running), "
        "past_due (ROP ended), reinstatement_window (inside the reinstatement window after termination), "
        "reinstatement_closed.",
    )
    days_left: int | None = Field(default=None, description="Days until the deadline that matters in this phase.")
    actions: list[str] = Field(default_factory=list, description="What the enroller should do now.")
    regulations: str


def _phase(
    inp: RopInput, nod03: date | None, due: date | None, deadline: date | None
) -> tuple[Phase | None, int | None]:
    """Where `today` falls, and the days left to the deadline that matters then.

    today < NOD03 date → before_warning; NOD03 date ≤ today ≤ ROP due → warning_sent (days left to the
    ROP due date in both); today > ROP due with no termination (or before it) → past_due; termination
    given and termination ≤ today ≤ termination + 30 → reinstatement_window (days left to the
    reinstatement deadline); later → reinstatement_closed. Deadlines are inclusive: 0 days left on the day.
    """
    today = inp.today
    if today is None:
        return None, None
    if deadline is not None and inp.termination_date is not None and today >= inp.termination_date:
        if today <= deadline:
            return "reinstatement_window", (deadline - today).days
        return "reinstatement_closed", None
    if nod03 is None or due is None:
        return None, None
    if today < nod03:
        return "before_warning", (due - today).days
    if today <= due:
        return "warning_sent", (due - today).days
    return "past_due", None


_PHASE_ACTIONS: dict[str | None, tuple[str, ...]] = {
    None: ("prevention", "mitigation"),
    "before_warning": ("prevention", "mitigation"),
    "warning_sent": ("mitigation", "prevention"),
    # Past day 95 termination is imminent or done: get ready to restore (RAC, Service Center, not carriers).
    "past_due": ("past_due", "restoration"),
    "reinstatement_window": ("restoration",),
    "reinstatement_closed": ("closed",),
}

_PHASE_TEXT = {
    "before_warning": "the NOD03 has not gone out yet and {days} days are left in the ROP",
    "warning_sent": "the NOD03 warning has gone out and {days} days are left in the ROP",
    "past_due": "the ROP has ended and the consumer is due for auto-discontinuance if still inconsistent",
    "reinstatement_window": "{days} days are left in the {window}-day reinstatement window",
    "reinstatement_closed": "the {window}-day reinstatement window has closed, so a new Qualifying Life Event and a "
    "future effective date are needed",
}


def _fill(template: str, **values: object) -> str:
    """A wording template from rop.yaml with its dates (ISO) and numbers filled in, on one line."""
    shown = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
    return " ".join(template.format(**shown).split())


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def rop_description_facts() -> dict[str, object]:
    """The numbers and kinds rop_calculator's description states, from rop.yaml."""
    facts = rop_facts()
    t = facts.timeline
    return {
        "nod03_after_days": t.nod03_after_days,
        "rop_days": t.rop_days,
        "reinstatement_days": t.reinstatement_days,
        "inconsistencies": ", ".join(facts.inconsistencies),
    }


def rop_calculator(inp: RopInput) -> RopOutput:
    """Reasonable Opportunity Period dates for a consumer with a data inconsistency.

    Use it when an enroller gives an NOD01 (Eligibility Notice) date and asks when the NOD03 warning goes
    out (day {nod03_after_days}), when the ROP ends ({rop_days} calendar days after the NOD01 date), what an
    unresolved inconsistency does, how long they have after an ROP termination ({reinstatement_days}
    calendar days to restore with no gap), or what to do now. `notice_date` is the date on the NOD01;
    `received_date` only if the notice arrived late; `inconsistency` the kind ({inconsistencies});
    `termination_date` if coverage was already terminated; `today` to get the phase and days left.
    """
    facts = rop_facts()
    t = facts.timeline
    words = facts.wording
    refs: list[SourceRef] = list(t.sources)
    numbers = t.model_dump()
    nod03 = due = None
    basis = late_note = None
    sentences: list[str] = []
    if inp.notice_date is not None:
        nod03 = inp.notice_date + timedelta(days=t.nod03_after_days)
        # The guide's 95 days from the NOD01 date is what CalHEERS applies, late notice or not.
        due = inp.notice_date + timedelta(days=t.rop_days)
        basis = f"{t.rop_days} calendar days from the NOD01 date"
        sentences.append(_fill(words.dates, notice=inp.notice_date, nod03=nod03, due=due, **numbers))
        presumed = inp.notice_date + timedelta(days=t.presumed_receipt_days)
        if inp.received_date is not None and inp.received_date > presumed:
            late_due = inp.received_date + timedelta(days=t.late_receipt_rop_days)
            late_note = _fill(
                words.late_receipt,
                received=inp.received_date,
                late_by=(inp.received_date - inp.notice_date).days,
                late_due=late_due,
                **numbers,
            )

    impact: Impact | None = None
    impact_text: str | None = None
    if inp.inconsistency is not None:
        impact = facts.inconsistencies[inp.inconsistency].impact
        impact_text = facts.impacts[impact].text
        refs.append(facts.impacts[impact].source)

    deadline = after = None
    if inp.termination_date is not None:
        deadline = inp.termination_date + timedelta(days=t.reinstatement_days)
        after = facts.after_reinstatement_deadline
        refs.append(facts.after_reinstatement_source)

    phase, days_left = _phase(inp, nod03, due, deadline)
    groups = _PHASE_ACTIONS[phase]
    if phase is None and inp.termination_date is not None:
        groups = ("restoration",)
    chosen = [fact for group in groups for fact in facts.actions[group]]
    refs.extend(f.source for f in chosen)

    if inp.inconsistency is not None and impact_text is not None:
        sentences.append(f"{facts.inconsistencies[inp.inconsistency].label} inconsistency: {_lower_first(impact_text)}")
    status = (
        f"as of {inp.today.isoformat()}, {_PHASE_TEXT[phase].format(days=days_left, window=t.reinstatement_days)}"
        if phase is not None and inp.today is not None
        else None
    )
    if deadline is not None and inp.termination_date is not None:
        # A termination question: the deadline first, then today's standing, then what to do.
        terminated = _fill(words.terminated, termination=inp.termination_date, deadline=deadline, **numbers)
        if phase == "reinstatement_closed":
            sentences.insert(0, _fill(words.window_closed, deadline=deadline, **numbers))
        elif status is not None:
            sentences.insert(0, f"{terminated.rstrip('.')}; {status}.")
        else:
            sentences.insert(0, terminated)
        # Always, open window or closed: the way back goes through RAC and the Service Center, never the carrier.
        sentences.append(_fill(words.reinstate_how, **numbers))
    elif status is not None:
        sentences.append(f"{status[0].upper()}{status[1:]}.")
    if late_note is not None:
        sentences.append(late_note)

    return RopOutput(
        summary=" ".join(sentences),
        sources=unique_sources(refs),
        notice_date=inp.notice_date,
        nod03_date=nod03,
        rop_due_date=due,
        rop_basis=basis,
        late_receipt_note=late_note,
        inconsistency=inp.inconsistency,
        impact=impact,
        impact_explanation=impact_text,
        reinstatement_deadline=deadline,
        after_reinstatement_deadline=after,
        phase=phase,
        days_left=days_left,
        actions=[" ".join(f.text.split()) for f in chosen],
        regulations=facts.regulations,
    )
