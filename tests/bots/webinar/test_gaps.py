"""`enroller gaps`: fallback and 👎'd questions from the store, grouped, counted, dated and redacted; every output."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from assistant.models import Answer
from assistant.settings import get_settings
from assistant.store import ConversationStore
from bots.cli import main
from bots.webinar.gaps import GapQuestion, build_gaps, gaps_markdown, gaps_table, read_gap_questions
from tests.bots.webinar.fakes import fake_embed

TODAY = date(2026, 1, 5)


def _turn(cid: str, question: str, route: str) -> Answer:
    return Answer(question=question, answer="…", route=route, conversation_id=cid)  # type: ignore[arg-type]


@pytest.fixture
def store() -> ConversationStore:
    """The store the CLI opens (under the test's ENROLLER_DATA_DIR), with a few turns and feedback."""
    db = ConversationStore(get_settings().resolved_database_url)
    cid = db.new_conversation()
    for question, route in [
        ("Can a dental plan be added mid-year for my client?", "fallback"),
        ("can a dental plan be added mid year for my client", "fallback"),
        ("Can a dental plan be added mid-year for a family?", "fallback"),
        ("How long is the ROP?", "tool"),
        ("What is the broker of record change form? Call me at 916-555-0143", "retrieval"),
        ("Is vision covered for adults in Bronze plans?", "fallback"),
    ]:
        db.append(_turn(cid, question, route), today=TODAY)
    last = db.last_turn_id(cid)
    assert last is not None
    db.add_feedback(cid, -1, turn_id=last - 1)  # the broker of record question: 👎
    db.add_feedback(cid, 1, turn_id=last - 2)  # the ROP answer: 👍 (not a gap)
    slack_turn = {"question": "Why does CalHEERS show a pending status forever?", "route": "retrieval"}
    db.add_feedback("slack-thread", -1, answer=json.dumps(slack_turn))  # Slack without a turn id
    return db


def test_reads_fallbacks_thumbs_down_and_slack_feedback(store: ConversationStore) -> None:
    """Every gap is read once; the 👍'd and well answered turns are not."""
    found = read_gap_questions(store)
    texts = [q.text for q in found]
    assert len(texts) == 6
    assert "How long is the ROP?" not in texts
    assert "Why does CalHEERS show a pending status forever?" in texts
    assert sum(q.thumbs_down for q in found) == 2
    assert read_gap_questions(store, since=date(2999, 1, 1)) == []


def test_groups_counts_dates_and_redaction() -> None:
    """Repeats and paraphrases land in one group with their count, 👎 and first and last dates; PII is redacted."""
    questions = [
        GapQuestion("Can a dental plan be added mid-year for my client?", date(2026, 1, 2), True, False),
        GapQuestion("can a dental plan be added mid year for my client", date(2026, 1, 9), True, True),
        GapQuestion("Can a dental plan be added mid-year for a client?", date(2026, 1, 4), True, False),
        GapQuestion("Is vision covered for adults? my SSN is 123-45-6789", date(2026, 1, 3), True, False),
    ]
    report = build_gaps(questions, embed=fake_embed)
    top = report.groups[0]
    assert top.count == 3
    assert top.thumbs_down == 1
    assert (top.first_asked, top.last_asked) == (date(2026, 1, 2), date(2026, 1, 9))
    assert len(top.questions) == 2  # the same wording merged, the paraphrase grouped
    assert report.asked == 4
    dumped = report.model_dump_json() + gaps_markdown(report) + gaps_table(report)
    assert "123-45-6789" not in dumped


def test_cli_table_and_every_output(
    store: ConversationStore, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A table by default; .json, .md and .csv by --out; no phone number anywhere."""
    monkeypatch.setattr("bots.webinar.gaps.embed_questions", fake_embed)
    store.close()
    assert main(["gaps"]) == 0
    table = capsys.readouterr().out
    assert "dental plan" in table
    assert "916-555-0143" not in table
    for suffix in (".json", ".md", ".csv"):
        out = tmp_path / f"gaps{suffix}"
        assert main(["gaps", "--since", "2020-01-01", "--out", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert "dental plan" in text
        assert "broker of record" in text
        assert "916-555-0143" not in text
    data = json.loads((tmp_path / "gaps.json").read_text(encoding="utf-8"))
    assert data["since"] == "2020-01-01"
    assert data["groups"][0]["count"] == 3
    rows = list(csv.DictReader(io.StringIO((tmp_path / "gaps.csv").read_text(encoding="utf-8"))))
    assert rows[0]["asked"] == "3"
    assert {r["thumbs_down"] for r in rows} >= {"1"}


def test_cli_since_in_the_future_and_bad_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing since a future date says so; an unknown --out extension is exit 2 before the store is read."""
    assert main(["gaps", "--since", "2999-01-01"]) == 0
    assert "No unanswered" in capsys.readouterr().out
    assert main(["gaps", "--out", str(tmp_path / "gaps.pdf")]) == 2
    assert ".csv" in capsys.readouterr().err
