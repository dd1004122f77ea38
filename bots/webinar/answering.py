"""Group a run's questions and answer each group once through the `Assistant`, from its most central question."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from assistant.models import AskRequest
from bots.webinar.grouping import Embed, GroupingParams, embed_questions, fitted_index, group_texts
from bots.webinar.intake import Intake
from bots.webinar.models import Group, Question, WebinarReport

Progress = Callable[[int, int], None]


def build_groups(
    questions: Sequence[Question],
    *,
    params: GroupingParams | None = None,
    embed: Embed = embed_questions,
    index: Any | None = None,
) -> list[Group]:
    """Near-duplicate questions as groups (representative first), most asked first: askers plus upvotes. With
    the built-in guides' index, questions one passage answers best are likelier one group (`fitted_index`)."""
    groups = []
    passages = fitted_index(index) if index is not None else None
    for members in group_texts([q.text for q in questions], params=params, embed=embed, index=passages):
        askers = sum(questions[i].askers for i in members)
        upvotes = sum(questions[i].upvotes for i in members)
        groups.append(
            Group(
                questions=[questions[i].text for i in members], count=askers + upvotes, askers=askers, upvotes=upvotes
            )
        )
    return sorted(groups, key=lambda g: -g.count)


def answer_groups(
    groups: list[Group],
    assistant: Any,
    *,
    today: date | None,
    progress: Progress | None = None,
    known: dict[str, Group] | None = None,
) -> list[Group]:
    """Each group answered from its representative (an earlier answer to any of its questions is reused, the
    representative's first); abstentions are marked for the presenter."""
    known = known or {}
    answered = []
    for n, grouped in enumerate(groups, start=1):
        before = next((known[q] for q in grouped.questions if q in known), None)
        if before is not None and before.answer is not None:
            group = grouped.model_copy(
                update={k: getattr(before, k) for k in ("answer", "route", "citations", "for_presenter", "reviewed")}
            )
        else:
            answer = assistant.ask(AskRequest(question=grouped.representative, today=today))
            group = grouped.model_copy(
                update={
                    "answer": answer.answer,
                    "route": answer.route,
                    "citations": answer.citations,
                    "for_presenter": answer.route == "fallback",
                }
            )
        answered.append(group)
        if progress is not None:
            progress(n, len(groups))
    return answered


def build_report(
    intake: Intake,
    assistant: Any,
    *,
    today: date | None = None,
    progress: Progress | None = None,
    known: dict[str, Group] | None = None,
    embed: Embed = embed_questions,
) -> WebinarReport:
    """The whole run: groups answered (relative to `today`, else the webinar's date), dropped messages listed."""
    retriever = getattr(assistant, "retriever", None)
    groups = build_groups(intake.questions, embed=embed, index=retriever() if callable(retriever) else None)
    groups = answer_groups(groups, assistant, today=today or intake.info.date, progress=progress, known=known)
    return WebinarReport(webinar=intake.info, groups=groups, dropped=intake.dropped)
