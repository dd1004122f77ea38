"""Answering groups once and writing every output format (a fake Assistant and embedder: no model)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bots.webinar.answering import build_report
from bots.webinar.intake import collect_questions
from bots.webinar.models import WebinarReport
from bots.webinar.outputs import UnknownOutputError, render_report, write_report
from bots.webinar.parsing import parse_bytes, parse_file
from bots.webinar.runs import merge_intakes, run_record
from tests.bots.webinar.conftest import export_paths
from tests.bots.webinar.fakes import FakeAssistant, fake_embed

CHAT = (
    "10:01:00 From  Ann Lee  to  Everyone:\n\tGood morning!\n"
    "10:02:00 From  Ann Lee  to  Everyone:\n\tHow long is the ROP?\n"
    "10:03:00 From  Bo Diaz  to  Everyone:\n\tHow long is the ROP period?\n"
    '10:04:00 From  Cy Park  to  Everyone:\n\tReplying to "How long is the ROP?"\n\tsame question\n'
    "10:05:00 From  Di Moss  to  Everyone:\n\tWhere will the slides be posted?\n"
)


@pytest.fixture
def report() -> WebinarReport:
    """A small run: one answered group of three askers, one for the presenter."""
    intake = collect_questions([parse_bytes(CHAT.encode(), "chat.txt")])
    return build_report(intake, FakeAssistant(), embed=fake_embed)


def test_groups_are_answered_once_and_ranked(report: WebinarReport) -> None:
    """Near-duplicates form one group answered from its representative; abstentions go to the presenter."""
    assert [g.count for g in report.groups] == [3, 1]
    rop = report.groups[0]
    assert rop.route == "retrieval"
    assert not rop.for_presenter
    assert len(rop.questions) == 2
    assert report.groups[1].for_presenter


def test_json_output_has_the_documented_shape(report: WebinarReport) -> None:
    """webinar, groups (questions, count, answer, route, citations, for_presenter) and dropped (text, why)."""
    data = json.loads(render_report(report, ".json"))
    assert set(data) == {"webinar", "groups", "dropped"}
    group = data["groups"][0]
    assert {"questions", "count", "answer", "route", "citations", "for_presenter"} <= set(group)
    assert group["citations"][0]["page"] == 3
    assert data["dropped"][0] == {"text": "Good morning!", "why": "greeting"}


def test_markdown_faq_lists_presenter_questions_last(report: WebinarReport) -> None:
    """The Markdown FAQ: title, contents, answers with their pages, how many asked; the presenter's list last."""
    text = render_report(report, ".md").decode()
    assert text.startswith("# Webinar questions and answers")
    assert "## Contents" in text
    assert "ROP Guide, page 3" in text
    assert "Asked by 3" in text
    assert text.index("## For the presenter") > text.index("The ROP is 95 days.")


def test_html_faq_is_self_contained_and_escaped(report: WebinarReport) -> None:
    """The HTML FAQ has no scripts or external files, prints, and escapes what attendees typed."""
    report.groups[1].questions[0] = "<script>alert(1)</script>"
    html = render_report(report, ".html").decode()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "@media print" in html
    assert "http" not in html


def test_csv_and_xlsx_have_one_row_per_group(report: WebinarReport, tmp_path: Path) -> None:
    """The spreadsheet outputs: a header, then one row per group."""
    rows = list(csv.reader(io.StringIO(render_report(report, ".csv").decode())))
    assert rows[0][:3] == ["rank", "question", "asked"]
    assert len(rows) == 1 + len(report.groups)
    from openpyxl import load_workbook

    write_report(report, tmp_path / "faq.xlsx")
    sheet = load_workbook(tmp_path / "faq.xlsx")["FAQ"]
    assert sheet.max_row == 1 + len(report.groups)


def test_unknown_output_extension_is_refused(report: WebinarReport) -> None:
    """An extension we do not write is an InvalidInputError naming the choices."""
    with pytest.raises(UnknownOutputError, match=r"\.json"):
        render_report(report, ".pdf")


def test_no_output_carries_names_emails_or_pii(tmp_path: Path) -> None:
    """Across every fixture and every format, no asker name, e-mail or fake PII is written."""
    intake = collect_questions([parse_file(p) for p in export_paths()])
    report = build_report(intake, FakeAssistant(), embed=fake_embed)
    expected = json.loads((export_paths()[0].parent / "expected.json").read_text(encoding="utf-8"))
    for suffix in (".json", ".md", ".html", ".csv"):
        text = render_report(report, suffix).decode().lower()
        for secret in [*expected["_pii"], *expected["_names"], "@example.org"]:
            assert secret.lower() not in text, (suffix, secret)


def test_a_later_batch_merges_into_the_stored_run() -> None:
    """--run: a second batch adds askers to the same question and reuses its answer."""
    assistant = FakeAssistant()
    first = collect_questions([parse_bytes(CHAT.encode(), "batch1.txt")])
    report = build_report(first, assistant, embed=fake_embed)
    stored = json.loads(json.dumps(run_record(report, first)))
    second = collect_questions([parse_bytes(b"How long is the ROP?\nIs OE ending on 1/31?\n", "batch2.txt")])
    merged, known = merge_intakes(stored, second)
    asked_before = len(assistant.asked)
    again = build_report(merged, assistant, embed=fake_embed, known=known)
    assert again.groups[0].count == 4
    assert again.webinar.files == ["batch1.txt", "batch2.txt"]
    assert len(assistant.asked) == asked_before + 1  # only the new question was asked
