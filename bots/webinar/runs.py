"""`--run NAME`: a run stored in the conversation database, so later batches merge into its groups and counts."""

from __future__ import annotations

from typing import Any

from bots.webinar.intake import Intake
from bots.webinar.models import Dropped, Group, Question, WebinarInfo, WebinarReport
from bots.webinar.rules import normalize


def merge_intakes(previous: dict[str, Any] | None, new: Intake) -> tuple[Intake, dict[str, Group]]:
    """The stored run's questions plus the new batch's (the same wording adds askers), and its answered groups
    by representative (reused rather than asked again; a person's edit survives)."""
    if previous is None:
        return new, {}
    old_questions = [Question.model_validate(q) for q in previous.get("questions", [])]
    report = WebinarReport.model_validate(previous["report"])
    merged: dict[str, Question] = {normalize(q.text): q for q in old_questions}
    for question in new.questions:
        key = normalize(question.text)
        if key in merged:
            old = merged[key]
            merged[key] = old.model_copy(
                update={"askers": old.askers + question.askers, "upvotes": old.upvotes + question.upvotes}
            )
        else:
            merged[key] = question
    old_info = report.webinar
    info = WebinarInfo(
        title=old_info.title or new.info.title,
        date=old_info.date or new.info.date,
        files=[*old_info.files, *new.info.files],
        formats=sorted({*old_info.formats, *new.info.formats}),
        messages=old_info.messages + new.info.messages,
        questions=old_info.questions + new.info.questions,
        private_skipped=old_info.private_skipped + new.info.private_skipped,
    )
    dropped: list[Dropped] = [*report.dropped, *new.dropped]
    # Every question of a stored group carries its answer: a new batch may make another member the centre.
    known = {question: g for g in report.groups for question in g.questions}
    return Intake(info=info, questions=list(merged.values()), dropped=dropped), known


def run_record(report: WebinarReport, intake: Intake) -> dict[str, Any]:
    """What is stored for a run: the report and its questions with their counts (no asker names)."""
    return {
        "report": report.model_dump(mode="json"),
        "questions": [q.model_dump(mode="json") for q in intake.questions],
    }
