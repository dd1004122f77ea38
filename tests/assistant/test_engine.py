"""`Assistant.ask` wiring with our own boundaries faked: the search function and the LLM responder."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant.engine import Assistant, EmptyQuestionError, assistant_texts
from assistant.models import AskRequest, Citation, ToolCall
from tests.assistant.fakes import FakeHit

TODAY = date(2026, 1, 5)


def _search_returning(*hits: FakeHit) -> Any:
    def search(query: str, k: int) -> list[FakeHit]:
        return list(hits)[:k]

    return search


CARRIER_HIT = FakeHit(
    "rop.pdf",
    "ROP guide",
    8,
    "Only Covered California can reinstate these consumers; carriers cannot process ROP reinstatements.",
)


def test_empty_question_is_an_error() -> None:
    """A blank question raises a clear error instead of answering."""
    assistant = Assistant(search=_search_returning())
    with pytest.raises(EmptyQuestionError, match="empty"):
        assistant.ask("   ")


def test_document_answer_cites_the_passage_page() -> None:
    """A confident retrieval answer quotes the passage and cites its document and page."""
    assistant = Assistant(search=_search_returning(CARRIER_HIT))
    answer = assistant.ask("can carriers reinstate consumers after an ROP termination?", today=TODAY)
    assert answer.route == "retrieval"
    assert "carriers cannot process ROP reinstatements" in answer.answer
    assert [(c.source, c.page) for c in answer.citations] == [("rop.pdf", 8)]


def test_low_similarity_abstains_with_service_center_hours() -> None:
    """When the best passage is not similar enough, the answer is a fallback with today's Service Center hours."""
    weak = FakeHit("deck.pdf", "Webinar", 3, "Welcome to the webinar about enrollment tools.", dense_score=0.05)
    assistant = Assistant(search=_search_returning(weak))
    answer = assistant.ask("what's the best pizza place near the office?", today=TODAY)
    assert answer.route == "fallback"
    assert [c.name for c in answer.tool_calls] == ["service_center_hours"]
    assert answer.tool_calls[0].arguments == {"date": TODAY.isoformat()}
    assert "couldn't find" in answer.answer


@pytest.mark.parametrize(
    ("question", "passage", "route"),
    [
        pytest.param(
            "what's the fax number for rop documents",
            "Upload ROP verification documents in the Documents section of the application.",
            "fallback",
            id="fax-number-not-stated",
        ),
        pytest.param(
            "what is the phone number for the agent service center",
            "Call the Agent/CEC Service Center at (800) 555-0100 for provisioning requests.",
            "retrieval",
            id="phone-number-stated",
        ),
        pytest.param(
            "how long does the reasonable opportunity period last for documents",
            "The reasonable opportunity period gives consumers documents time to clear an inconsistency.",
            "fallback",
            id="duration-not-stated",
        ),
        pytest.param(
            "how long does the reasonable opportunity period last",
            "The reasonable opportunity period lasts 95 days from the date on the notice.",
            "retrieval",
            id="duration-stated",
        ),
        pytest.param(
            "how many photos do i need to send with the storefront application",
            "Storefront applications need photos of the location and its signage, sent with the application.",
            "fallback",
            id="count-not-stated",
        ),
        pytest.param(
            "how many non-payment reinstatement escalations were there in 2025",
            "Escalation Type Count in Best Practice Non-Payment Reinstatement 2,722 Keep consumers current.",
            "retrieval",
            id="count-stated-in-a-table",
        ),
        pytest.param(
            "what's the email for the agent contracts team",
            "The agent contracts team reviews agency agreements and e-mails agents about renewals.",
            "fallback",
            id="email-address-not-stated",
        ),
        pytest.param(
            "what time of day does the daily summary email arrive",
            "The daily summary email lists new alerts; it arrives every morning by 7:00 a.m.",
            "retrieval",
            id="time-of-day-stated",
        ),
    ],
)
def test_asking_for_a_number_needs_a_passage_that_states_one(question: str, passage: str, route: str) -> None:
    """Asking for a phone number or a length of time is answered only from passages that give one, however
    close the passage is otherwise."""
    hit = FakeHit("guide.pdf", "Guide", 2, passage, dense_score=0.8)
    answer = Assistant(search=_search_returning(hit)).ask(question, today=TODAY)
    assert answer.route == route, answer.trace


class FailingLlm:
    """An LLM responder that is down."""

    calls = 0

    def respond(self, question: str, *, today: date, history: Any = ()) -> Any:
        from assistant.llm import LlmUnavailable

        FailingLlm.calls += 1
        raise LlmUnavailable("connection refused")


@dataclass
class FakeResult:
    """What LlmResponder.respond returns."""

    answer: str
    tool_calls: list[ToolCall]
    citations: list[Citation]
    route: str


class RecordingLlm:
    """An LLM responder that answers and records what it was sent."""

    def __init__(self) -> None:
        self.questions: list[str] = []

    def respond(self, question: str, *, today: date, history: Any = ()) -> FakeResult:
        self.questions.append(question)
        cite = Citation(source="rop.pdf", title="ROP guide", page=8, snippet="only Covered California")
        return FakeResult("Only Covered California can reinstate [1].", [], [cite], "retrieval")


def test_llm_failure_falls_back_to_the_deterministic_path(caplog: pytest.LogCaptureFixture) -> None:
    """When the LLM errors, the deterministic path answers and the log says so."""
    assistant = Assistant(search=_search_returning(CARRIER_HIT), llm=FailingLlm())
    with caplog.at_level(logging.WARNING, logger="enroller.assistant"):
        answer = assistant.ask("can carriers reinstate consumers after an ROP termination?", today=TODAY)
    assert FailingLlm.calls >= 1
    assert answer.route == "retrieval"
    assert "carriers cannot process ROP reinstatements" in answer.answer
    assert any("LLM unavailable" in r.getMessage() for r in caplog.records)


def test_llm_gets_the_redacted_question_and_its_answer_is_used() -> None:
    """In LLM mode the model sees the question with PII replaced, and its cited answer is returned."""
    llm = RecordingLlm()
    assistant = Assistant(search=_search_returning(CARRIER_HIT), llm=llm)
    answer = assistant.ask("SSN 123-45-6789: can the carrier reinstate her?", today=TODAY)
    assert llm.questions
    assert "123-45-6789" not in llm.questions[0]
    assert "[SSN]" in llm.questions[0]
    assert answer.route == "retrieval"
    assert answer.citations[0].page == 8


def test_missing_index_still_answers_tools_and_says_search_is_unavailable(tmp_path: Path) -> None:
    """With the index gone, a tool question is answered with a notice that document search is unavailable,
    and a document question falls back with the same notice: never an exception."""
    from assistant.settings import Settings

    settings = Settings(data_dir=tmp_path / "data")
    with Assistant(settings=settings, index_dir=tmp_path / "no-index") as assistant:
        tool = assistant.ask("nod01 dated 2026-03-03, when does the rop end?", today=date(2026, 3, 20))
        doc = assistant.ask("what does the CRW do?", today=date(2026, 3, 20))
    assert tool.route == "tool"
    assert "2026-06-06" in tool.answer
    assert any(p.kind == "notice" and "Document search is unavailable" in p.text for p in tool.parts)
    assert doc.route == "fallback"
    assert "Document search is unavailable" in doc.answer
    assert any(t.step == "retrieve" and "unavailable" in t.detail for t in doc.trace)


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("how many photos do i need to send", "photos"),
        ("how many eligibility/aptc discrepancy escalations were there", "escalations"),
        ("whats the ecm id format, like how many characters", "characters"),
        ("is there a cap on how many it shows?", None),
        ("how many more days?", "days"),
        ("nod01 dated 1/15, how many days left right now", "days"),
        ("what is the ROP?", None),
    ],
)
def test_counted_noun_is_the_head_of_the_phrase_after_how_many(question: str, noun: str | None) -> None:
    """What a "how many" question counts: the last word before the verb ("it" counts nothing)."""
    from assistant.abstain import counted_noun

    assert counted_noun(question) == noun


def test_states_count_needs_a_number_near_the_counted_thing() -> None:
    """A number far from the counted word, or none at all, does not count it; stems match ("photo" ~ "photos")."""
    from assistant.abstain import states_count

    assert states_count("photos", "Upload two photo files of the storefront.", 15)
    assert not states_count("photos", "Upload photos of the storefront.", 15)
    far = "Photos of the storefront " + "word " * 20 + "within 45 days."
    assert not states_count("photos", far, 15)
    assert states_count("photos", far, 30)


@pytest.mark.parametrize(
    ("question", "passages", "unmet"),
    [
        pytest.param(
            "average hold time on the agent sc line?", "Voice: Monday - Friday 8:00AM to 6:00PM.", True, id="none"
        ),
        pytest.param("what's the avg wait", "The average wait is under five minutes.", False, id="stated"),
        pytest.param("how long is the rop", "Voice: Monday - Friday 8:00AM to 6:00PM.", False, id="not-asked"),
    ],
)
def test_a_question_asking_for_an_average_needs_passages_that_state_one(
    question: str, passages: str, unmet: bool
) -> None:
    """knowledge/assistant.yaml's answer type for an average: the toolkits state none, so asking for one
    abstains unless the passages give one."""
    kind = next(t for t in assistant_texts().abstain.answer_types if t.name == "an average")
    assert kind.unmet(question, passages) is unmet


_PASSCODE = (
    "Enter the consumer's cell phone number to receive the one-time passcode. Delegation is processed when you "
    "enter the passcode. " + "Other updates to the portal are listed below. " * 3 + "Escalations may take up to "
    "10 business days."
)


@pytest.mark.parametrize(
    ("question", "passages", "window", "unmet"),
    [
        pytest.param("how long is the one-time passcode good for", _PASSCODE, 10, True, id="far-from-subject"),
        pytest.param("how long is the one-time passcode good for", _PASSCODE, 0, False, id="anywhere"),
        pytest.param("how long is the one-time passcode good for", _PASSCODE, 60, False, id="wide-window"),
        pytest.param("how long do escalations take", _PASSCODE, 10, False, id="near-subject"),
        pytest.param("how long is it good for", "The code works for 10 minutes.", 10, False, id="no-subject-word"),
    ],
)
def test_an_answer_type_must_be_stated_near_the_questions_subject(
    question: str, passages: str, window: int, unmet: bool
) -> None:
    """With a window, a length of time counts only within that many words of a word the question's subject
    carries ("passcode", not "long" or "good"); a question whose subject the passages never use looks anywhere."""
    from assistant.abstain import subject_terms

    kind = next(t for t in assistant_texts().abstain.answer_types if t.name == "a length of time")
    assert kind.unmet(question, passages, subject_terms(question), window) is unmet


def test_subject_terms_are_the_uncommon_words() -> None:
    """Everyday words carry no subject; enrollers' terms do."""
    from assistant.abstain import subject_terms

    terms = subject_terms("how long is the delegation one-time passcode good for my client")
    assert {"passcode", "delegation"} <= terms
    assert not terms & {"long", "good", "time"}


@pytest.mark.parametrize(
    ("name", "question", "answers", "misses"),
    [
        (
            "a day of the week",
            "what day of the week does the batch run",
            "Changes made after 9:00 p.m. on Friday show the following Friday.",
            "The batch runs after day 95.",
        ),
        ("a time zone", "what time zone is the cutoff in", "Open 8AM to 6PM Pacific.", "Open 8AM to 6PM."),
        ("a dollar figure", "whats 138% fpl in dollars", "A household of two at $29,000.", "Up to 138% FPL."),
        (
            "a limit",
            "is there a character limit on the description",
            "Descriptions are limited to 500 characters.",
            "Describe the issue in the description box.",
        ),
        (
            "a person",
            "who presented the oe2026 webinar",
            "Presented by the Outreach and Sales Division.",
            "2026 Open Enrollment Period CalHEERS and Enroller Portal Webinar.",
        ),
        (
            "a length of time",
            "whats the usual hold time on the agent line",
            "Hold times run about 15 minutes.",
            "Voice and chat are available Monday to Friday.",
        ),
        (
            "a file format or size",
            "what format is the export in",
            "The export downloads as an Excel spreadsheet.",
            "Select Export to download your Book of Business.",
        ),
    ],
)
def test_answer_types_a_passage_must_state(name: str, question: str, answers: str, misses: str) -> None:
    """Each answer type of knowledge/assistant.yaml: a passage stating that kind of answer answers its question;
    one that does not, however close, does not."""
    kind = next(t for t in assistant_texts().abstain.answer_types if t.name == name)
    assert not kind.unmet(question, answers)
    assert kind.unmet(question, misses)


def test_a_misspelt_question_gets_the_answer_the_spelt_one_does(builtin_index: Path) -> None:
    """The search reads "sumary emial" as the index's "summary email", and so do the composer and the abstention
    judgement: the answer is the same as for the question spelt right (it differs when only the search reads it)."""
    with Assistant(index_dir=builtin_index) as assistant:
        spelt = assistant.ask(AskRequest(question="where do i find the daily summary email")).answer
        typed = assistant.ask(AskRequest(question="where do i find the daily sumary emial")).answer
        assert typed == spelt
        assistant._respelled = lambda text: text  # type: ignore[method-assign]
        assert assistant.ask(AskRequest(question="where do i find the daily sumary emial")).answer != spelt


@pytest.mark.parametrize(
    ("question", "hit", "abstains"),
    [
        ("can carriers reinstate consumers after an ROP termination?", CARRIER_HIT, False),
        (
            "what's the best pizza place near the office?",
            FakeHit("deck.pdf", "Webinar", 3, "Welcome to the webinar about enrollment tools.", dense_score=0.05),
            True,
        ),
        (
            "what's the fax number for rop documents",
            FakeHit("rop.pdf", "ROP guide", 5, "Upload ROP verification documents in the Documents section."),
            True,
        ),
    ],
    ids=["answered", "dissimilar", "answer-type"],
)
def test_judge_question_is_the_judgement_ask_makes(question: str, hit: FakeHit, abstains: bool) -> None:
    """The calibration's signal (`judge_question`) abstains exactly where `ask` falls back, for the same reason
    the trace gives."""
    assistant = Assistant(search=_search_returning(hit))
    judged = assistant.judge_question(question, TODAY)
    assert judged is not None
    signals, reason = judged
    answer = assistant.ask(question, today=TODAY)
    assert (reason is not None) is abstains
    assert (answer.route == "fallback") is abstains
    if abstains:
        assert [s.detail for s in answer.trace if s.step == "abstain"] == [reason]
    else:
        assert signals.composition.text
        assert signals.composition.text in answer.answer


def test_a_page_cited_by_a_tool_and_an_excerpt_keeps_the_documents_words() -> None:
    """The ROP tool and a toolkit excerpt both cite the guide's p. 3: that citation's snippet is the page's own
    text (what a Slack source or a web page shows under it), not the tool's summary; the tool still cites it."""
    page3 = FakeHit(
        "Understanding_ROP_and_Auto_Discontinuance.pdf",
        "ROP guide",
        3,
        "If the consumer is still inconsistent after the reasonable opportunity period, eligibility ends.",
    )
    answer = Assistant(search=_search_returning(page3)).ask(
        "my client's NOD01 went out 2026-03-03, when does the ROP end?", today=TODAY
    )
    (cited,) = [c for c in answer.citations if c.page == 3]
    assert cited.snippet.startswith("If the consumer is still inconsistent")
    n = answer.citations.index(cited)
    tool = next(p for p in answer.parts if p.kind == "tool")
    excerpt = next(p for p in answer.parts if p.kind == "excerpt")
    assert n in tool.citations
    assert n in excerpt.citations
    others = [c for c in answer.citations if c.page != 3]
    assert others
    assert all(c.snippet == tool.text[: len(c.snippet)] or c.snippet in tool.text for c in others)


def test_tool_citations_carry_their_documents_date() -> None:
    """A tool answer's pages carry the document's date from knowledge/sources.yaml, as search hits' do."""
    from tools.facts import documents

    dates = {info.file: info.date for info in documents().values()}
    answer = Assistant(search=_search_returning()).ask("NOD01 dated 2026-03-03: when does the ROP end?", today=TODAY)
    tool = next(p for p in answer.parts if p.kind == "tool")
    cited = [answer.citations[n] for n in tool.citations]
    assert cited
    assert all(c.doc_date is not None for c in cited)
    assert all(c.doc_date == dates[c.source] for c in cited)


@pytest.mark.parametrize(
    ("name", "question"),
    [
        ("a web address", "can the consumer upload documents on the website?"),
        ("a limit", "what counts for the minimum essential coverage inconsistency"),
        ("a person", "is there a version of the toolkit for spanish speakers?"),
    ],
)
def test_a_question_that_only_mentions_a_website_or_mec_asks_for_no_address_or_limit(name: str, question: str) -> None:
    """Mentioning a website is not asking for its address; minimum essential coverage is no minimum; Spanish
    speakers are no presenters."""
    kind = next(t for t in assistant_texts().abstain.answer_types if t.name == name)
    assert not kind.unmet(question, "Upload verification documents in the Documents section.")
