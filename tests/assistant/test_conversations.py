"""Scripted multi-turn conversations through `Assistant.ask` over a real index of ../shared/corpus."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.engine import Assistant
from assistant.models import Answer

CASES = yaml.safe_load((Path(__file__).parent / "conversations.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def corpus_assistant_factory(corpus_index: Path) -> Any:
    """Build assistants over the shared corpus index (each with the test's own data dir)."""

    def build() -> Assistant:
        return Assistant(index_dir=corpus_index)

    return build


def _check_turn(turn: dict[str, Any], answer: Answer) -> None:
    text = answer.answer.lower()
    if "route" in turn:
        assert answer.route == turn["route"], answer.answer
    if turn.get("no_tool"):
        assert answer.tool_calls == []
    if "tool" in turn:
        call = next((c for c in answer.tool_calls if c.name == turn["tool"]), None)
        assert call is not None, f"expected {turn['tool']}, got {[c.name for c in answer.tool_calls]}"
        for key, value in turn.get("arguments", {}).items():
            assert str(call.arguments.get(key)) == str(value), call.arguments
        for key, value in turn.get("result", {}).items():
            assert call.result.get(key) == value, call.result
    for phrase in turn.get("answer_has", []):
        assert phrase.lower() in text, answer.answer
    for phrase in turn.get("answer_lacks", []):
        assert phrase.lower() not in text, answer.answer
    for phrase in turn.get("question_lacks", []):
        assert phrase not in answer.question
    for cite in turn.get("cites", []):
        assert any(
            c.source == cite["source"] and ("page" not in cite or c.page == cite["page"]) for c in answer.citations
        ), [(c.source, c.page) for c in answer.citations]


@pytest.mark.slow
@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_scripted_conversation(case: dict[str, Any], corpus_assistant_factory: Any) -> None:
    """Each scripted turn gets the route, tool, arguments, answer phrases and citations the script names."""
    assistant = corpus_assistant_factory()
    conversation: str | None = None
    try:
        for turn in case["turns"]:
            answer = assistant.ask(turn["ask"], conversation_id=conversation, today=date.fromisoformat(turn["today"]))
            conversation = answer.conversation_id
            _check_turn(turn, answer)
    finally:
        assistant.close()


@pytest.mark.slow
def test_pii_never_reaches_the_database_or_the_log(
    corpus_assistant_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An SSN, phone and e-mail typed into a question appear in neither the SQLite file nor the debug log."""
    from assistant.logs import configure_logging
    from assistant.settings import get_settings

    monkeypatch.setenv("ENROLLER_LOG_LEVEL", "DEBUG")
    get_settings.cache_clear()
    configure_logging()
    assistant = corpus_assistant_factory()
    secrets = ("123-45-6789", "916-555-0143", "jane.doe@example.com")
    try:
        answer = assistant.ask(
            "SSN 123-45-6789, phone 916-555-0143, email jane.doe@example.com: how many days is the ROP?",
            today=date(2026, 1, 5),
        )
    finally:
        assistant.close()
    settings = get_settings()
    stored = b"".join(p.read_bytes() for p in settings.data_dir.rglob("*") if p.is_file())
    assert settings.database_path.exists()
    log_text = (settings.log_dir / "enroller.log").read_text(encoding="utf-8")
    assert "how many days is the ROP" in log_text  # the turn was logged, redacted
    for secret in secrets:
        assert secret.encode() not in stored
        assert secret not in answer.question
