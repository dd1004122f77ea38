"""What is not a question is dropped, by rules kept as data (knowledge/webinar.yaml); PII never survives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bots.webinar.intake import collect_questions
from bots.webinar.parsing import parse_bytes, parse_file
from bots.webinar.rules import WebinarRules, classify, webinar_rules
from tests.bots.webinar.conftest import export_paths
from tools.errors import KnowledgeError
from tools.facts import use_knowledge_dir

CASES = [
    ("Good morning everyone!", False, "greeting"),
    ("Joining from Riverside 👋", False, "greeting"),
    ("Can you hear me?", False, "audio check"),
    ("slides are frozen for me", False, "audio check"),
    ("Thank you!", True, "thanks"),
    ("Thanks so much Maria", False, "thanks"),
    ("👍👍", False, "reaction"),
    ("+1", True, "reaction"),
    ("same q here", False, "same question"),
    ("I'm from the Fresno office", False, "not a question"),
    ("My client moved, so I updated her address", False, "not a question"),
]
KEPT = [
    ("Good morning, how long is the ROP?", "How long is the ROP?"),
    ("Thank you! Where do we find the slides?", "Where do we find the slides?"),
    ("Thanks, but what if the NOD01 was mailed late?", "Thanks, but what if the NOD01 was mailed late?"),
    ("Hi Maria, can a CEC sign for the consumer?", "Can a CEC sign for the consumer?"),
    ("Quick question: does the ROP restart after a new NOD01", "Does the ROP restart after a new NOD01"),
    (
        "Can you hear back from the Service Center the same day?",
        "Can you hear back from the Service Center the same day?",
    ),
    # Chat questions without a "?" whose question word follows some context (the benchmark's chat found these).
    (
        "Client missed the January 31 deadline, can they still sign up",
        "Client missed the January 31 deadline, can they still sign up",
    ),
    ("our office moved, how do we update the agency address", "Our office moved, how do we update the agency address"),
]


@pytest.mark.parametrize(("text", "is_qa", "why"), CASES, ids=[c[0] for c in CASES])
def test_not_a_question_is_dropped_with_its_reason(text: str, is_qa: bool, why: str) -> None:
    """Greetings, audio checks, thanks, reactions, "same question" and chatter are dropped, each saying why."""
    assert classify(text, is_qa=is_qa).why == why


@pytest.mark.parametrize(("text", "question"), KEPT, ids=[k[0] for k in KEPT])
def test_questions_are_kept_without_the_greeting(text: str, question: str) -> None:
    """A question survives, with a greeting or thanks before it removed."""
    verdict = classify(text, is_qa=False)
    assert verdict.kept
    assert verdict.text == question


def test_qa_entries_need_no_question_mark() -> None:
    """A Q&A panel entry is a question even without a question word; a chat line is not."""
    assert classify("ROP length for green card holders", is_qa=True).kept
    assert not classify("ROP length for green card holders", is_qa=False).kept


def test_every_rule_example_holds() -> None:
    """Each rule drops its examples and none of its `not` list (checked at load, asserted here too)."""
    rules = webinar_rules()
    for rule in rules.drop:
        for example in rule.examples:
            assert classify(example, is_qa=True).why is not None, example
        for counter in rule.not_:
            assert classify(counter, is_qa=False).kept, counter


def test_an_operator_rule_file_that_contradicts_itself_is_refused(tmp_path: Path) -> None:
    """An override whose example the rule does not match is a KnowledgeError naming the rule."""
    shipped = Path(__file__).resolve().parents[3] / "knowledge" / "webinar.yaml"
    text = shipped.read_text(encoding="utf-8").replace('"Hi all",', '"Hi all", "What is an ROP",', 1)
    (tmp_path / "webinar.yaml").write_text(text, encoding="utf-8")
    use_knowledge_dir(tmp_path)
    with pytest.raises(KnowledgeError, match="What is an ROP"):
        webinar_rules()


def test_same_question_without_a_quote_is_dropped_unmatched() -> None:
    """A bare "same question" cannot be matched to a question: dropped, saying so."""
    text = (
        "10:01:00 From  Ann  to  Everyone:\n\tHow long is the ROP?\n10:02:00 From  Bo  to  Everyone:\n\tsame question\n"
    )
    intake = collect_questions([parse_bytes(text.encode())])
    assert intake.questions[0].askers == 1
    assert intake.dropped[0].why == "same question (no question to match)"


def test_pii_and_asker_names_never_survive(expected: dict[str, Any]) -> None:
    """No SSN, phone, e-mail, birth date or asker name from the fixtures is in any kept or dropped text."""
    intake = collect_questions([parse_file(p) for p in export_paths()])
    texts = [q.text for q in intake.questions] + [d.text for d in intake.dropped]
    blob = "\n".join(texts).lower()
    for secret in expected["_pii"]:
        assert secret.lower() not in blob, secret
    for name in expected["_names"]:
        assert name.lower() not in blob, name
    assert "[SSN]" in "\n".join(texts)
    assert "[PHONE]" in "\n".join(texts)
    # The questions themselves survive redaction.
    assert any("how long does she have" in t.lower() for t in texts)


def test_rules_model_is_the_registered_schema() -> None:
    """webinar.yaml validates into WebinarRules (as start-up checks do)."""
    assert isinstance(webinar_rules(), WebinarRules)
