"""Reading every export format: detection from the content, the messages, replies, reactions and direct messages."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bots.webinar.errors import WebinarFileError
from bots.webinar.intake import collect_questions
from bots.webinar.parsing import detect_format, parse_bytes, parse_file
from tests.bots.webinar.conftest import EXPORTS, FIXTURES

FORMATS = {
    "zoom_qa_report.csv": "zoom_qa",
    "zoom_chat_new.txt": "zoom_chat",
    "zoom_chat_old.txt": "zoom_chat",
    "zoom_chat_de.txt": "zoom_chat",
    "cloud_chat.txt": "zoom_cloud_chat",
    "slido_export.csv": "table_csv",
    "teams_qa.xlsx": "table_xlsx",
    "questions.txt": "plain_text",
}


def test_the_fixture_holds_at_least_300_questions(expected: dict[str, Any]) -> None:
    """The fixtures carry at least 300 attendee questions, in every format."""
    assert expected["_total_questions"] >= 300
    assert sum(e["kept"] for n, e in expected.items() if not n.startswith("_")) >= 300
    assert set(FORMATS) == set(EXPORTS)


@pytest.mark.parametrize("name", EXPORTS)
def test_format_is_detected_from_the_content(name: str) -> None:
    """Each export's format is recognised."""
    assert parse_file(FIXTURES / name).format == FORMATS[name]


@pytest.mark.parametrize("name", EXPORTS)
def test_extension_does_not_decide_the_format(name: str, tmp_path: Path) -> None:
    """A file renamed to another extension is read the same way."""
    renamed = tmp_path / "export.dat"
    shutil.copy(FIXTURES / name, renamed)
    assert parse_file(renamed).format == FORMATS[name]


@pytest.mark.parametrize("name", EXPORTS)
def test_each_file_yields_its_questions_and_drops(name: str, expected: dict[str, Any]) -> None:
    """Kept questions, dropped messages by reason, private messages skipped and upvotes are what was written."""
    parsed = parse_file(FIXTURES / name)
    intake = collect_questions([parsed])
    want = expected[name]
    assert intake.info.questions == want["kept"]
    assert Counter(d.why for d in intake.dropped) == Counter(want["dropped"])
    assert parsed.private_skipped == want["private"]
    assert sum(q.upvotes for q in intake.questions) == want["upvotes"]


def test_zoom_qa_preamble_gives_topic_and_date() -> None:
    """The Q&A report's header row is found after its preamble; Actual Start Time is the webinar date."""
    parsed = parse_file(FIXTURES / "zoom_qa_report.csv")
    assert parsed.topic == "OE 2026 Enroller Update - Session 1"
    assert parsed.webinar_date == date(2026, 11, 18)


def test_zoom_qa_header_row_is_found_whatever_the_preamble() -> None:
    """A longer or shorter preamble (and no date) still finds the table."""
    text = (
        "Question And Answer Report\nReport Generated:,x\nExtra line\n\nHost,Jane\n\n"
        "Question Details\n\n#,Question,Asker Name,Asker Email,Answer(s)\n"
        "1,How long is the ROP?,Ann Lee,ann@example.org,live answered\n"
    )
    parsed = parse_bytes(text.encode())
    assert parsed.format == "zoom_qa"
    assert [m.text for m in parsed.messages] == ["How long is the ROP?"]
    assert parsed.webinar_date is None


def test_new_style_chat_message_on_the_next_lines() -> None:
    """New-style saved chat: the header line, then the message tab-indented (several lines joined)."""
    text = "10:01:00 From  Ann Lee  to  Everyone:\n\tHow long is\n\tthe ROP?\n10:02:00 From  Bo  to  Everyone:\n\thi\n"
    assert [m.text for m in parse_bytes(text.encode()).messages] == ["How long is the ROP?", "hi"]


def test_old_style_and_oldest_style_chat_on_one_line() -> None:
    """Older files put the message on the header line; the oldest have no recipient."""
    text = "10:01:00 From Ann Lee to Everyone: How long is the ROP?\n10:02:00\t From  Bo : Is OE ending 1/31?\n"
    parsed = parse_bytes(text.encode())
    assert parsed.format == "zoom_chat"
    assert [m.text for m in parsed.messages] == ["How long is the ROP?", "Is OE ending 1/31?"]


def test_localised_chat_and_its_direct_messages() -> None:
    """A German client's "Von … an Alle:" is public; "(Direktnachricht)" is private and skipped."""
    text = (
        "10:01:00 Von  Ann Lee  an  Alle:\n\tHow long is the ROP?\n"
        "10:02:00 Von  Bo  an  Ann Lee(Direktnachricht):\n\tmy SSN is 123-45-6789\n"
    )
    parsed = parse_bytes(text.encode())
    assert [m.text for m in parsed.messages] == ["How long is the ROP?"]
    assert parsed.private_skipped == 1


def test_direct_messages_never_reach_the_questions(expected: dict[str, Any]) -> None:
    """The fixtures' direct messages (with an SSN in them) appear nowhere."""
    for name in ("zoom_chat_new.txt", "zoom_chat_old.txt", "zoom_chat_de.txt"):
        parsed = parse_file(FIXTURES / name)
        assert parsed.private_skipped == expected[name]["private"] > 0
        assert all(not m.text.lower().startswith("my client's ssn is") for m in parsed.messages)


def test_replies_and_reactions_keep_their_quote() -> None:
    """`Replying to "…"` keeps only the reply as text; `Reacted to "…" with 👍` becomes a reaction."""
    text = (
        "10:01:00 From  Ann  to  Everyone:\n\tHow long is the ROP for citizenship?\n"
        '10:02:00 From  Bo  to  Everyone:\n\tReplying to "How long is the ROP ..."\n\tsame question\n'
        '10:03:00 From  Cy  to  Everyone:\n\tReacted to "How long is the ROP ..." with 👍\n'
    )
    messages = parse_bytes(text.encode()).messages
    assert [(m.text, m.kind) for m in messages[1:]] == [("same question", "message"), ("👍", "reaction")]
    intake = collect_questions([parse_bytes(text.encode())])
    assert [(q.text, q.askers, q.upvotes) for q in intake.questions] == [("How long is the ROP for citizenship?", 2, 1)]


def test_cloud_recording_chat_spans_lines() -> None:
    """Cloud-recording chat: `HH:MM:SS<TAB>Name:<TAB>text`, a message continued on the next line."""
    text = "00:58:04\tAlex:\tHow long is\nthe ROP?\n00:59:00\tBo:\tthanks\n"
    parsed = parse_bytes(text.encode())
    assert parsed.format == "zoom_cloud_chat"
    assert [m.text for m in parsed.messages] == ["How long is the ROP?", "thanks"]


def test_table_csv_question_column_and_votes() -> None:
    """Another platform's CSV: its question column is read and its votes count."""
    text = "Content,Votes,Author\nHow long is the ROP?,4,Ann\nIs OE ending 1/31?,0,Bo\n"
    parsed = parse_bytes(text.encode())
    assert parsed.format == "table_csv"
    assert [(m.text, m.upvotes) for m in parsed.messages] == [("How long is the ROP?", 4), ("Is OE ending 1/31?", 0)]


def test_plain_text_one_question_a_line() -> None:
    """Plain text: each non-empty line is a question (list markers removed)."""
    parsed = parse_bytes(b"1. How long is the ROP?\n\n- Is OE ending 1/31?\n")
    assert parsed.format == "plain_text"
    assert [m.text for m in parsed.messages] == ["How long is the ROP?", "Is OE ending 1/31?"]


def test_xlsx_is_detected_without_its_extension(tmp_path: Path) -> None:
    """The spreadsheet's header row is found under a title row."""
    raw = (FIXTURES / "teams_qa.xlsx").read_bytes()
    assert detect_format(raw) == "table_xlsx"
    parsed = parse_bytes(raw, "upload")
    assert parsed.messages[0].upvotes >= 0
    assert len(parsed.messages) == 31


@pytest.mark.parametrize(
    ("raw", "problem"),
    [(b"", "empty"), (b"   \n\n", "empty"), (b"PK\x03\x04not really a zip", "not a readable spreadsheet")],
    ids=["empty", "blank", "broken-xlsx"],
)
def test_unreadable_input_is_one_clear_error(raw: bytes, problem: str) -> None:
    """An empty or broken file raises WebinarFileError (an InvalidInputError: exit 2) naming the problem."""
    with pytest.raises(WebinarFileError, match=problem):
        parse_bytes(raw, "upload")


def test_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    """A missing file names itself."""
    with pytest.raises(WebinarFileError, match="no such file"):
        parse_file(tmp_path / "nope.csv")


def test_several_files_merge_into_one_intake() -> None:
    """Files read together share counts: a question repeated across files has several askers."""
    files = [parse_file(FIXTURES / name) for name in EXPORTS]
    intake = collect_questions(files)
    assert intake.info.questions == sum(collect_questions([f]).info.questions for f in files)
    assert max(q.askers for q in intake.questions) >= 2
    assert intake.info.date == date(2026, 11, 18)
    assert len(intake.info.formats) == len(EXPORTS)
