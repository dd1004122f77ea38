"""The deterministic router: which tool (with which arguments), the documents, or a follow-up question.

It reads one redacted question plus the recent turns of the conversation. Patterns live in
knowledge/routing.yaml; this module only applies them. Arguments are validated later by each tool's
pydantic model; the router's job is to find them in the text, never to compute with them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from assistant.dates import FoundDate, parse_dates
from assistant.models import Answer
from ingest.spelling import one_edit
from ingest.text import replace_words
from tools.delegation import delegation_facts
from tools.facts import knowledge_file, load_facts
from tools.text import find_phrases

# --- the data file -----------------------------------------------------------------------------------


def _compile(values: Any) -> Any:
    """Regular expressions from the data file, compiled case-insensitively (a bad one fails at load time)."""
    if not isinstance(values, list):
        return values
    compiled = []
    for value in values:
        if not isinstance(value, str):
            compiled.append(value)
            continue
        try:
            compiled.append(re.compile(value, re.IGNORECASE))
        except re.error as exc:  # pydantic reports ValueErrors with the field; re.error would be a traceback
            raise ValueError(f"not a valid regular expression {value!r}: {exc}") from None
    return compiled


Patterns = Annotated[list[re.Pattern[str]], BeforeValidator(_compile)]


class _Compiled(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid", populate_by_name=True)


class _Section(_Compiled):
    """A tool's rules, with questions that must (`examples`) and must not (`not`) be routed to it: checked by
    `enroller check` and the tests, so an operator's regex edit is safe to make."""

    examples: list[str] = Field(default_factory=list)
    not_: list[str] = Field(default_factory=list, alias="not")


class RopRules(_Section):
    """How ROP questions are recognised and their dates assigned (knowledge/routing.yaml `rop`)."""

    triggers: Patterns
    #: Triggers that count only with a date in the question.
    weak_triggers: Patterns = Field(default_factory=list)
    #: A termination for another reason (non-payment): the reinstatement trigger does not make it ROP.
    not_rop: Patterns = Field(default_factory=list)
    needs_date: Patterns
    about_now: Patterns
    roles: dict[str, Patterns]
    # Nouns that name the notice ("nod01", "notice") but not what happened to it: a verb in the same
    # clause ("received the NOD01 on 5/12") decides the date's role before them.
    weak_roles: Patterns = Field(default_factory=list)
    inconsistencies: dict[str, Patterns]
    followup: str


class ServiceCenterRules(_Section):
    """Service Center hours questions."""

    triggers: Patterns
    weak_triggers: Patterns
    asks_hours: Patterns
    now: Patterns


class EscalationRules(_Section):
    """Escalation timeline questions."""

    triggers: Patterns
    asks_timeline: Patterns


class DelegationRules(_Section):
    """Delegation Tool result questions."""

    triggers: Patterns
    result_words: Patterns


class TextToolRules(_Section):
    """A free-text tool: its triggers and the words that only talk about the request itself."""

    triggers: Patterns
    meta_words: set[str]
    followup: str | None = None
    #: Right after a question that named this tool's subject (`follow_up_after`), a question matching one of
    #: `follow_ups` ("which one for a calheers error?") asks the tool.
    follow_up_after: Patterns = Field(default_factory=list)
    follow_ups: Patterns = Field(default_factory=list)
    #: Words beyond `meta_words` a question needs to describe its case itself (fewer: the one before it does).
    min_content_words: int = 2


class RoutingRules(_Compiled):
    """Schema of knowledge/routing.yaml."""

    shorthand: dict[str, str] = Field(default_factory=dict)
    #: Words the patterns rely on; a word one typo away from one of them is read as it ("delgation").
    spelling: list[str] = Field(default_factory=list)

    rop: RopRules
    service_center: ServiceCenterRules
    escalation: EscalationRules
    delegation: DelegationRules
    help_request: TextToolRules
    resolution: TextToolRules
    smalltalk: Patterns
    out_of_scope: Patterns


#: Which tool each section of routing.yaml routes to (the section name is also the plan's intent).
SECTION_TOOLS: dict[str, str] = {
    "rop": "rop_calculator",
    "service_center": "service_center_hours",
    "escalation": "escalation_timeline",
    "delegation": "delegation_result_explainer",
    "help_request": "help_request_router",
    "resolution": "resolution_reason_picker",
}


@knowledge_file("routing.yaml", RoutingRules)
def routing_rules() -> RoutingRules:
    """The router's patterns, loaded once."""
    return load_facts("routing.yaml", RoutingRules)


# --- the plan ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedCall:
    """A tool to run and the arguments found for it (validated by the tool, not here)."""

    name: str
    arguments: dict[str, Any]


@dataclass
class Plan:
    """What to do with one turn."""

    intent: str
    calls: list[PlannedCall] = field(default_factory=list)
    retrieve: bool = False
    query: str = ""
    followup: str | None = None
    pending: dict[str, Any] | None = None
    matched: list[str] = field(default_factory=list)
    #: The words the answer must address (the question itself), when `query` adds the conversation to it.
    focus: str = ""
    #: Dates the router had to complete (a year, a weekday, a holiday), said out loud in the answer.
    notes: list[str] = field(default_factory=list)


def _hits(patterns: Patterns, text: str) -> list[str]:
    return [m.group(0) for p in patterns if (m := p.search(text))]


_WORD = re.compile(r"[a-z0-9']+")
_PLACEHOLDER = re.compile(r"\[(?:SSN|ITIN|PHONE|EMAIL|DOB)\]")
_REFERS_BACK = re.compile(r"\b(?:that|this|it|them|those|same|what about|how about|and if)\b", re.IGNORECASE)
# The consumer talked about before ("can the carrier reinstate her?"): enough to search with the last question.
_CONSUMER_PRONOUN = re.compile(r"\b(?:she|he|her|him|they|their)\b", re.IGNORECASE)
#: A question this short that refers back is searched together with the question before it ...
_FOLLOWUP_WORDS = 8
#: ... and so is a longer one that opens as a reply ("and how up to date is the data in it", "ok. anything
#: i should include in the search next time so it finds ppl better?").
_ON_TIME = re.compile(r"\b(?:got|received|came|arrived)\b.{0,20}\bon time\b|\bon time instead\b", re.I)
#: A reply that puts another case to the tool just used: "and for ...", "and if ...", "what if ...", "what about ...".
_FOLLOW_ON = re.compile(r"^\W*(?:(?:and|also|ok(?:ay)?,?\s+and)\s+(?:for|if|with)|(?:what|how) (?:if|about))\b", re.I)
_CONTINUES = re.compile(r"^\W*(?:and|ok(?:ay)?|so|also|then|but|what about|how about|thanks?|got it|cool)\b", re.I)
_CONTINUED_WORDS = 20
#: A reply of at most this many words ("and by when") is elliptical: it continues the question before it.
_ELLIPTICAL_WORDS = 4


#: The same case again with one thing changed ("same issue", "same question for her sister").
_SAME_CASE = re.compile(r"\bsame (?:issue|question|thing|inconsistency|situation|problem|deal|case)\b", re.I)


def _content_words(text: str, meta: set[str]) -> list[str]:
    return [w for w in _WORD.findall(_PLACEHOLDER.sub(" ", text.lower())) if w not in meta and not w.isdigit()]


def _last_call(history: list[Answer], name: str) -> dict[str, Any] | None:
    for turn in reversed(history):
        for call in turn.tool_calls:
            if call.name == name:
                return dict(call.arguments)
    return None


def _just_called(history: list[Answer], name: str) -> dict[str, Any] | None:
    """The arguments `name` ran with in the turn just before, if it ran there."""
    if not history:
        return None
    return next((dict(c.arguments) for c in history[-1].tool_calls if c.name == name), None)


_DAY_SHIFT = re.compile(r"\b(?:the )?(next day|day after|day before)\b", re.IGNORECASE)


def _called_about_her(history: list[Answer], name: str, turns: int = 2) -> bool:
    """Whether `name` ran within the last `turns` turns and every turn since asked about the same consumer
    ("does she lose her whole plan?"): not after "who can see CRW reports?"."""
    for turn in list(reversed(history))[:turns]:
        if any(c.name == name for c in turn.tool_calls):
            return True
        if not _CONSUMER_PRONOUN.search(turn.question):
            return False
    return False


def _previous_question(history: list[Answer]) -> str | None:
    for turn in reversed(history):
        if turn.question.strip():
            return turn.question
    return None


# --- dates said out loud ------------------------------------------------------------------------------

_PLAIN_DAYS = {"today", "tonight", "now"}


def _date_notes(items: list[FoundDate]) -> list[str]:
    """'I read "3/3" as Tuesday, 2026-03-03.' for every date whose year (or day) the router filled in."""
    notes = []
    for item in items:
        if item.value is None or item.has_year or item.text.strip().lower() in _PLAIN_DAYS:
            continue
        notes.append(f'I read "{item.text.strip()}" as {item.value.strftime("%A")}, {item.value.isoformat()}.')
    return notes


def _stale_notice_note(item: FoundDate, today: date) -> str | None:
    """A NOD01 date without a year that puts the whole ROP in the past: say so and ask."""
    from tools.rop import rop_facts

    if item.value is None or item.has_year:
        return None
    rop_days = rop_facts().timeline.rop_days
    ended = item.value + timedelta(days=rop_days)
    if ended >= today:
        return None
    return (
        f'With no year given, "{item.text.strip()}" is the last one before today, {item.value.isoformat()}, '
        f"and that ROP already ended on {ended.isoformat()}. If the notice is more recent, give the full date."
    )


# --- ROP ---------------------------------------------------------------------------------------------

_ROLE_WINDOW = 60


def _assign_roles(text: str, found: list[FoundDate], rules: RopRules) -> dict[str, FoundDate]:
    """Give each date a role by the nearest role word before it (same clause); unlabelled → notice."""
    roles: dict[str, FoundDate] = {}
    unlabelled: list[FoundDate] = []
    previous_end = 0
    for item in found:
        window_start = max(previous_end, item.start - _ROLE_WINDOW)
        window = text[window_start : item.start].lower()
        best: tuple[int, str] | None = None
        weak_best: tuple[int, str] | None = None
        for role, patterns in rules.roles.items():
            for pattern in patterns:
                weak = any(pattern.pattern == w.pattern for w in rules.weak_roles)
                for m in pattern.finditer(window):
                    if weak:
                        if weak_best is None or m.end() > weak_best[0]:
                            weak_best = (m.end(), role)
                    elif best is None or m.end() > best[0]:
                        best = (m.end(), role)
        best = best or weak_best
        if best is None and item.text.lower() not in _PLAIN_DAYS:
            # "6/1/26 termination": a role word right after the date counts too (not after "today": "clear it
            # today, nod01 was nov 24th" names the notice's own date).
            after = text[item.end : item.end + 20].lower()
            for role, patterns in rules.roles.items():
                if any(p.match(after.lstrip(" ,")) for p in patterns):
                    best = (0, role)
                    break
        if best is not None and best[1] not in roles:
            roles[best[1]] = item
        else:
            unlabelled.append(item)
        previous_end = item.end
    for item in unlabelled:
        # "is there still time today?" asks about now; only a role word makes today a notice's date.
        if "notice_date" not in roles and item.text.lower() not in _PLAIN_DAYS:
            roles["notice_date"] = item
    return roles


def _inconsistency(text: str, rules: RopRules) -> tuple[str | None, list[str]]:
    cleaned = _PLACEHOLDER.sub(" ", text)
    for key, patterns in rules.inconsistencies.items():
        hits = _hits(patterns, cleaned)
        if hits:
            return key, hits
    return None, []


def _plan_rop(text: str, today: date, history: list[Answer], pending: dict[str, Any] | None) -> Plan | None:
    rules = routing_rules().rop
    mentions = parse_dates(text, today, "past")
    triggers = _hits(rules.triggers, text)
    if not triggers and any(f.value is not None for f in mentions):
        triggers = _hits(rules.weak_triggers, text)
    if _hits(rules.not_rop, text) and not re.search(r"\brop\b|reasonable opportunity|\bnod\s?-?0?[13]\b", text, re.I):
        triggers = []  # "termed for non-payment, can they be reinstated?" is not an ROP question
    inconsistency, inc_hits = _inconsistency(text, rules)
    previous = _last_call(history, "rop_calculator")
    continuing = pending is not None and pending.get("tool") == "rop_calculator"
    # Without ROP words, only a turn right after an ROP answer can continue it ("what if it was income?",
    # "she got termed on 5/11, how long do we have?").
    # A reply that changes the inconsistency or names a termination may also come after a question about the
    # same consumer ("does she lose her whole plan?", then "and if it was a lawful presence one instead?").
    terminated = bool(_hits(rules.roles["termination_date"], text))
    on_time = bool(_ON_TIME.search(text))
    follows_up = (
        _just_called(history, "rop_calculator") is not None
        and bool(inc_hits or _REFERS_BACK.search(text) or terminated or on_time)
    ) or (
        _called_about_her(history, "rop_calculator") and bool(_CONTINUES.search(text)) and bool(inc_hits or terminated)
    )
    if not triggers and not continuing and not follows_up:
        return None
    if (
        not triggers
        and not continuing
        and not (inc_hits or terminated or mentions or on_time or _hits(rules.about_now, text))
    ):
        # "do i call the carrier for that?", "and what's that one called officially?" right after an ROP answer:
        # nothing new for the calculator, so the same dates again would not answer it; the documents do.
        return None

    found = [f for f in mentions if f.value is not None or f.problem]
    bad = next((f for f in found if f.problem), None)
    if bad is not None:
        return Plan(
            intent="rop",
            followup=f"{bad.text!r} isn't a real date ({bad.problem}). What date is printed on the NOD01 notice?",
            pending={"tool": "rop_calculator", "arguments": {}, "missing": "notice_date"},
            matched=triggers,
        )
    roles = _assign_roles(text, [f for f in found if f.value is not None], rules)
    if (
        previous is not None
        and follows_up
        and "termination_date" in previous
        and "notice_date" not in previous
        and set(roles) == {"notice_date"}
        and not _hits(rules.roles["notice_date"], text)
    ):
        # "and for the deceased one on 2/24" right after a termination's window: a date with no role word takes
        # the role the last one had.
        roles = {"termination_date": roles["notice_date"]}
    arguments: dict[str, Any] = {}
    # "her sister's is dated 12/5, same issue, same question": the new date, the rest (today too) as before.
    same_case = bool(_SAME_CASE.search(text))
    if continuing and pending is not None:
        arguments.update(pending.get("arguments", {}))
    elif previous is not None and (not roles.get("notice_date") or same_case):
        arguments.update({k: v for k, v in previous.items() if k != "today" or same_case})
    for role, item in roles.items():
        assert item.value is not None
        arguments[role] = item.value.isoformat()
    if "received_date" not in roles and on_time:
        arguments.pop("received_date", None)  # "what if she got it on time instead": no late receipt
    if inconsistency:
        arguments["inconsistency"] = inconsistency
    if _hits(rules.about_now, text) or "today" in arguments:  # a carried-over "now" is this turn's today
        arguments["today"] = today.isoformat()
    matched = triggers + inc_hits

    notes = _date_notes(list(roles.values()))
    stale = _stale_notice_note(roles["notice_date"], today) if "notice_date" in roles else None
    if stale is not None:
        notes.append(stale)
    if "notice_date" not in arguments and "termination_date" in arguments:
        # The reinstatement window needs only the termination date; today says whether it is still open.
        arguments.setdefault("today", today.isoformat())
    elif "notice_date" not in arguments:
        if continuing or _hits(rules.needs_date, text):
            return Plan(
                intent="rop",
                followup=rules.followup,
                pending={"tool": "rop_calculator", "arguments": arguments, "missing": "notice_date"},
                matched=matched,
            )
        return None  # a general ROP question: the documents answer it
    return Plan(
        intent="rop",
        calls=[PlannedCall("rop_calculator", arguments)],
        retrieve=True,
        query=text,
        matched=matched,
        notes=notes,
    )


# --- Service Center, escalations --------------------------------------------------------------------


def _plan_service_center(text: str, today: date, now: datetime | None, history: list[Answer]) -> Plan | None:
    rules = routing_rules().service_center
    found = [f for f in parse_dates(text, today, "future") if f.value is not None]
    # "r u open?" names no day but asks about now: a weak trigger counts with a day or a now word.
    asks_now = bool(_hits(rules.now, text))
    triggers = _hits(rules.triggers, text) or (_hits(rules.weak_triggers, text) if found or asks_now else [])
    previous = _just_called(history, "service_center_hours")
    if (
        not triggers
        and history
        and _SERVICE_CENTER_NAMED.search(history[-1].answer)
        and _CALL_THEM.search(text)
        and _hits(rules.asks_hours, text)
    ):
        # "what hours can i call them" right after an answer that said to call the Service Center.
        triggers = ["(the Service Center the last answer named)"]
    if previous is not None and not triggers and len(_WORD.findall(text)) <= 8:
        # "ok and 1/31?", "what about the day after?" right after an hours answer
        # A day named in the reply wins ("what about the day after xmas"); else "the day after" the last one.
        if found:
            assert found[0].value is not None
            return _service_center_plan({"date": found[0].value.isoformat()}, text, [found[0].text])
        shift = _DAY_SHIFT.search(text)
        if shift and previous.get("date"):
            step = -1 if "before" in shift.group(1).lower() else 1
            shifted = date.fromisoformat(previous["date"]) + timedelta(days=step)
            return _service_center_plan({"date": shifted.isoformat()}, text, [shift.group(0)])
        hours = _hits(rules.asks_hours, text)
        if hours:
            # "what are the normal hours?" right after an hours answer is about the Service Center, today.
            return _service_center_plan({"date": today.isoformat()}, text, hours)
    if not triggers or not _hits(rules.asks_hours, text):
        return None
    arguments: dict[str, Any]
    # "open right now? it's saturday i know": a day that is today does not turn "now" into the day's hours.
    if now is not None and _hits(rules.now, text) and all(f.value == today for f in found):
        arguments = {"at": now.isoformat()}
    elif found:
        assert found[0].value is not None
        arguments = {"date": found[0].value.isoformat()}
    else:
        arguments = {"date": today.isoformat()}
    plan = _service_center_plan(arguments, text, triggers)
    plan.notes = _date_notes(found[:1])
    return plan


_SERVICE_CENTER_NAMED = re.compile(r"\b(?:call|contact|reach)(?: the)? (?:Agent/CEC )?Service Center\b", re.I)
_CALL_THEM = re.compile(r"\b(?:call|reach|contact|talk to|get) (?:them|they|someone|somebody)\b|\bare they\b", re.I)


def _service_center_plan(arguments: dict[str, Any], text: str, matched: list[str]) -> Plan:
    return Plan(
        intent="service_center",
        calls=[PlannedCall("service_center_hours", arguments)],
        retrieve=True,
        query=text,
        matched=matched,
    )


#: A follow-up of at most this many words that only gives another date ("and mine from the 2nd?") right after a
#: dated tool's answer asks that tool again.
_DATE_FOLLOW_UP_WORDS = 10


def _escalation_follow_up(text: str, history: list[Answer]) -> bool:
    """A short reply right after an escalation's timeline that names no ROP or Service Center subject."""
    if _just_called(history, "escalation_timeline") is None or len(text.split()) > _DATE_FOLLOW_UP_WORDS:
        return False
    rules = routing_rules()
    return not (_hits(rules.rop.triggers, text) or _hits(rules.service_center.triggers, text))


def _plan_escalation(text: str, today: date, history: list[Answer] | None = None) -> Plan | None:
    rules = routing_rules().escalation
    triggers = _hits(rules.triggers, text)
    if not triggers and _escalation_follow_up(text, history or []):
        triggers = ["(follow-up)"]  # "another one from 10/15, same question", "and mine from the 2nd?"
    elif not triggers or not _hits(rules.asks_timeline, text):
        return None
    found = [f for f in parse_dates(text, today, "past") if f.value is not None]
    if not found:
        return None  # "how long do escalations take" is answered from the deck
    assert found[0].value is not None
    return Plan(
        intent="escalation",
        calls=[PlannedCall("escalation_timeline", {"escalation_date": found[0].value.isoformat()})],
        retrieve=True,
        query=text,
        matched=triggers,
        notes=_date_notes(found[:1]),
    )


# --- free-text tools ---------------------------------------------------------------------------------

# A pasted message in double quotes, or in single quotes that are not apostrophes ("can't", "client's").
_QUOTED = re.compile(r"[\"“”]([^\"“”]{12,})[\"“”]|(?<!\w)'([^']{12,})'(?!\w)")


def _plan_delegation(text: str, history: list[Answer]) -> Plan | None:
    rules = routing_rules().delegation
    triggers = _hits(rules.triggers, text)
    # A result the tool itself recognises ("she has two cases", delegation.yaml's phrases) is one too.
    results = _hits(rules.result_words, text) or [
        p for result in delegation_facts().results.values() for p in find_phrases(text, result.phrases)
    ]
    if not triggers and _just_called(history, "delegation_result_explainer") is not None:
        triggers = ["(follow-up)"]  # "what if it says already delegated?" right after a delegation answer
    if not triggers or not results:
        return None
    quoted = _QUOTED.search(text)
    message = (quoted.group(1) or quoted.group(2)) if quoted else text
    return Plan(
        intent="delegation",
        calls=[PlannedCall("delegation_result_explainer", {"message": message})],
        retrieve=True,
        query=text,
        matched=triggers + results,
    )


def _plan_text_tool(
    text: str, history: list[Answer], rules: TextToolRules, *, tool: str, argument: str, intent: str
) -> Plan | None:
    triggers = _hits(rules.triggers, text)
    previous = _previous_question(history)
    if not triggers and previous is not None and _hits(rules.follow_up_after, previous):
        triggers = [f"(follow-up) {hit}" for hit in _hits(rules.follow_ups, text)]
    content = _content_words(text, rules.meta_words)
    if not triggers and _just_called(history, tool) is not None and _FOLLOW_ON.search(text):
        # "and for my own agency address change?" right after a category, "what if she just couldn't be reached
        # at all" right after a reason: another case described, for the same tool ("thanks!" is none).
        if len(content) < rules.min_content_words:
            return None
        triggers = ["(follow-up)"]
    if not triggers:
        return None
    if len(content) >= rules.min_content_words:
        description = text
    elif previous is not None:
        description = previous  # "which category for that?" is about the last thing described
    else:
        return None  # "which help request categories are there?": a document question
    return Plan(
        intent=intent,
        calls=[PlannedCall(tool, {argument: description})],
        retrieve=False,
        query=text,
        matched=triggers,
    )


# --- the router --------------------------------------------------------------------------------------


def plan_turn(
    question: str,
    today: date,
    history: list[Answer] | None = None,
    now: datetime | None = None,
    pending: dict[str, Any] | None = None,
) -> Plan:
    """Decide how to answer `question` (already redacted), given the conversation so far."""
    plan = _plan_turn(question, today, history or [], now, pending)
    # "my email is [EMAIL], how long is the ROP?": a placeholder is no subject to search for (the search read
    # "email" and answered about the Daily Summary Email).
    if _PLACEHOLDER.search(plan.query) or _PLACEHOLDER.search(plan.focus):
        plan = dataclasses.replace(plan, query=_unplaced(plan.query), focus=_unplaced(plan.focus))
    return plan


#: A redacted value with the words that only introduce it ("my email is [EMAIL]", "client's dob: [DOB]").
_INTRODUCED_PLACEHOLDER = re.compile(
    r"(?:\b(?:my|her|his|their|the|our|client'?s?|consumer'?s?)\s+)?"
    r"(?:\b(?:e-?mail(?:\s+address)?|phone(?:\s+number)?|cell|number|ssn|itin|social(?:\s+security)?(?:\s+number)?"
    r"|dob|date\s+of\s+birth|birth\s*day|birthdate)\s*(?:is|was|:|=|-)?\s*)?" + _PLACEHOLDER.pattern,
    re.IGNORECASE,
)


def _unplaced(text: str) -> str:
    return re.sub(r"\s{2,}", " ", _INTRODUCED_PLACEHOLDER.sub(" ", text)).strip(" ,;:-")


def _plan_turn(
    question: str, today: date, history: list[Answer], now: datetime | None, pending: dict[str, Any] | None
) -> Plan:
    rules = routing_rules()
    text = correct_spelling(expand_shorthand(question.strip(), rules.shorthand), rules.spelling)

    oos = _hits(rules.out_of_scope, text)
    if oos:
        return Plan(intent="out_of_scope", matched=oos)

    for candidate in (
        _plan_delegation(text, history),
        _plan_text_tool(
            text,
            history,
            rules.resolution,
            tool="resolution_reason_picker",
            argument="outcome",
            intent="resolution",
        ),
        _plan_text_tool(
            text,
            history,
            rules.help_request,
            tool="help_request_router",
            argument="description",
            intent="help_request",
        ),
        _plan_escalation(text, today, history),
        _plan_service_center(text, today, now, history),
        _plan_rop(text, today, history, pending),
    ):
        if candidate is not None:
            return candidate

    if _hits(rules.smalltalk, text):
        return Plan(intent="smalltalk", matched=_hits(rules.smalltalk, text))
    return Plan(intent="documents", retrieve=True, query=_document_query(text, history), matched=[], focus=text)


#: Words shorter than this are never corrected: "renter" is not a typo of "center".
_SPELLING_MIN = 7
_LETTERS = re.compile(r"[A-Za-z]+")


def correct_spelling(text: str, words: list[str]) -> str:
    """`text` with each word that is one typo away from exactly one of `words` (and is none of them) spelled
    as that word: "delgation tool", "recieved", "inconsistancy" reach the patterns written for them."""
    known = {w.lower() for w in words}

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        lower = word.lower()
        if len(lower) < _SPELLING_MIN or lower in known:
            return word
        edits = one_edit(lower)
        near = [w for w in known if w in edits]
        return near[0] if len(near) == 1 else word

    return _LETTERS.sub(fix, text) if known else text


def expand_shorthand(text: str, shorthand: dict[str, str]) -> str:
    """Rewrite enroller shorthand ("help req", "rn", "termed") into the words the patterns are written in."""
    # Apostrophes count as word characters: "didn't get" is a phrase, "r u" never matches inside "r u'".
    return replace_words(text, shorthand, joiners="'")


def _document_query(text: str, history: list[Answer]) -> str:
    """A short follow-up ("and for DACA?") is searched together with the question before it."""
    words = _WORD.findall(text.lower())
    previous = _previous_question(history)
    continues = bool(_CONTINUES.search(text))
    # "and by when?", "so how long": a reply this short names no subject of its own, so it refers back.
    elliptical = continues and len(words) <= _ELLIPTICAL_WORDS
    refers_back = elliptical or bool(_REFERS_BACK.search(text) or _CONSUMER_PRONOUN.search(text))
    # Right after a tool answered about a consumer's case, a question that refers back ("if it runs out does he
    # lose the plan or just the subsidy?") is about that case too, though longer than a bare follow-up.
    after_tool = bool(history and history[-1].tool_calls)
    limit = _CONTINUED_WORDS if continues or after_tool else _FOLLOWUP_WORDS
    if previous and refers_back and len(words) <= limit:
        return f"{previous} {text}"
    return text
