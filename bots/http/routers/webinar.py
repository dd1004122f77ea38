"""The `/webinar` page: paste questions or upload exports, see the groups and answers, edit answers, download the
FAQ in every format (an edited answer is marked reviewed by a person); and `/gaps`: what the assistant fell back on.

A run is stored (redacted) under a random name in the conversation database, so the result page, the edits and the
downloads survive a reload and work with several workers."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from assistant.engine import Assistant
from bots.http.deps import AssistantDep, require_session
from bots.http.errors import NotFoundError
from bots.http.routers.pages import TEMPLATES
from bots.http.state import AppState
from bots.webinar.errors import WebinarError
from bots.webinar.models import Group, ParsedFile, WebinarReport

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_session)])

#: One uploaded file at most (the whole form is capped by the body-limit middleware at MAX_FORM_BYTES).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Pasted text at most (characters).
MAX_PASTE_CHARS = 500_000
UPLOAD_TYPES = (".csv", ".txt", ".xlsx")
DOWNLOADS = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_RUN = re.compile(r"^web-[0-9a-f]{32}$")


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    state: AppState = request.app.state.enroller
    context.setdefault("auth_required", state.auth_required)
    context.setdefault("upload_types", UPLOAD_TYPES)
    context.setdefault("max_upload_mb", MAX_UPLOAD_BYTES // (1024 * 1024))
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


@router.get("/webinar")
def webinar_page(request: Request) -> HTMLResponse:
    """Paste or upload."""
    return _render(request, "webinar.html", text="")


async def _read_uploads(files: list[UploadFile]) -> tuple[list[ParsedFile], list[str]]:
    """Each upload checked (type, size) and parsed; problems as sentences."""
    from bots.webinar.parsing import parse_bytes

    parsed, errors = [], []
    for upload in files:
        name = Path(upload.filename or "").name
        if not name:
            continue
        if Path(name).suffix.lower() not in UPLOAD_TYPES:
            errors.append(f"{name}: not a file we read; upload {', '.join(UPLOAD_TYPES)} (Zoom, Teams, Slido, text).")
            continue
        raw = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(raw) > MAX_UPLOAD_BYTES:
            errors.append(f"{name}: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; split the export.")
            continue
        try:
            parsed.append(parse_bytes(raw, name))
        except WebinarError as exc:
            errors.append(f"{exc}.")
    return parsed, errors


def _answer_run(assistant: Assistant, parsed: list[ParsedFile]) -> tuple[str, int]:
    """Drop, group, answer and store the run; (its name, how many questions were kept)."""
    from bots.webinar.answering import build_report
    from bots.webinar.intake import collect_questions
    from bots.webinar.runs import run_record

    intake = collect_questions(parsed)
    if not intake.questions:
        return "", 0
    report = build_report(intake, assistant)
    name = f"web-{uuid.uuid4().hex}"
    assistant.store.save_webinar_run(name, run_record(report, intake))
    return name, len(intake.questions)


@router.post("/webinar")
async def webinar_submit(
    request: Request,
    assistant: AssistantDep,
    text: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    """Read the pasted text and the files, then show the run (or the form again with what is wrong)."""
    from bots.webinar.parsing import parse_bytes

    errors: list[str] = []
    parsed, upload_errors = await _read_uploads(files or [])
    errors += upload_errors
    if len(text) > MAX_PASTE_CHARS:
        errors.append(f"The pasted text is longer than {MAX_PASTE_CHARS:,} characters; upload it as a file.")
    elif text.strip():
        try:
            parsed.append(parse_bytes(text.encode("utf-8"), "pasted text"))
        except WebinarError as exc:
            errors.append(f"{exc}.")
    if not errors and not parsed:
        errors.append("Paste some questions or choose a file.")
    name = ""
    if not errors:
        name, kept = await run_in_threadpool(_answer_run, assistant, parsed)
        if not kept:
            errors.append("No questions found: only greetings, thanks, reactions or audio checks.")
    if errors:
        return _render(request, "webinar.html", 422, text=text if len(text) <= MAX_PASTE_CHARS else "", errors=errors)
    return RedirectResponse(f"/webinar/{name}", status_code=303)


def _load(assistant: Assistant, run: str) -> dict[str, Any]:
    data = assistant.store.load_webinar_run(run) if _RUN.match(run) else None
    if data is None:
        raise NotFoundError(f"no webinar run {run!r}: start again from /webinar")
    return data


@router.get("/webinar/{run}")
def webinar_run_page(request: Request, run: str, assistant: AssistantDep, saved: str | None = None) -> HTMLResponse:
    """The groups, their answers in editable boxes, the downloads."""
    report = WebinarReport.model_validate(_load(assistant, run)["report"])
    return _render(request, "webinar_run.html", run=run, report=report, downloads=list(DOWNLOADS), saved=saved)


def _clean(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


def apply_edits(report: WebinarReport, answers: dict[int, str]) -> WebinarReport:
    """The report with people's answers: a changed answer (or one written for the presenter's list) replaces the
    assistant's and is marked reviewed by a person; an emptied box keeps what was there."""
    groups: list[Group] = []
    for n, group in enumerate(report.groups):
        typed = _clean(answers.get(n, ""))
        before = "" if group.for_presenter and not group.reviewed else _clean(group.answer or "")
        edited = typed and typed != before
        groups.append(
            group.model_copy(update={"answer": typed, "reviewed": True, "for_presenter": False}) if edited else group
        )
    return report.model_copy(update={"groups": groups})


@router.post("/webinar/export")
async def webinar_export(request: Request, assistant: AssistantDep) -> Response:
    """Save the edits, then download the run in the format of the button pressed (or show it again: "save")."""
    from bots.webinar.outputs import render_report

    form = await request.form()
    run = str(form.get("run", ""))
    data = _load(assistant, run)
    answers = {
        int(key.removeprefix("answer-")): str(value)
        for key, value in form.multi_items()
        if key.startswith("answer-") and key.removeprefix("answer-").isdigit()
    }
    report = apply_edits(WebinarReport.model_validate(data["report"]), answers)
    if report != WebinarReport.model_validate(data["report"]):
        data = {**data, "report": report.model_dump(mode="json")}
        await run_in_threadpool(assistant.store.save_webinar_run, run, data)
    kind = str(form.get("format", ""))
    if kind not in DOWNLOADS:
        return RedirectResponse(f"/webinar/{run}?saved=1", status_code=303)
    body = await run_in_threadpool(render_report, report, f".{kind}")
    filename = f"webinar-faq-{(report.webinar.date or date.today()).isoformat()}.{kind}"
    return Response(
        body, media_type=DOWNLOADS[kind], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


# --- gaps --------------------------------------------------------------------------------------------------------


def _gaps(assistant: Assistant, since: date | None) -> Any:
    from bots.webinar.gaps import build_gaps, read_gap_questions

    return build_gaps(read_gap_questions(assistant.store, since), since=since)


def _since(value: str | None) -> tuple[date | None, str | None]:
    if not value:
        return None, None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return None, "Enter the date as YYYY-MM-DD, e.g. 2026-01-05."


@router.get("/gaps")
async def gaps_page(request: Request, assistant: AssistantDep, since: str | None = None) -> HTMLResponse:
    """What enrollers asked that the assistant fell back on or got a 👎 for, grouped, with downloads."""
    day, error = _since(since)
    if error:
        return _render(request, "gaps.html", 422, report=None, since=since, error=error)
    report = await run_in_threadpool(_gaps, assistant, day)
    return _render(request, "gaps.html", report=report, since=since or "")


@router.get("/gaps/download")
async def gaps_download(
    assistant: AssistantDep, kind: Annotated[str, Query(alias="format")] = "csv", since: str | None = None
) -> Response:
    """The gaps as .json, .md or .csv."""
    from bots.webinar.gaps import GAP_FORMATS, render_gaps

    day, error = _since(since)
    if error or f".{kind}" not in GAP_FORMATS:
        raise NotFoundError(error or f"no download {kind!r}; use json, md or csv")
    report = await run_in_threadpool(_gaps, assistant, day)
    return Response(
        render_gaps(report, f".{kind}"),
        media_type=DOWNLOADS[kind],
        headers={"Content-Disposition": f'attachment; filename="enroller-gaps.{kind}"'},
    )


__all__ = ["apply_edits", "router"]
