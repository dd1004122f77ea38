"""The server-rendered pages: sign-in, the help-request form, and the chat."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from assistant.errors import InvalidRequestError
from assistant.models import Answer
from assistant.store import DATABASE_ERRORS
from bots.http.auth import SESSION_COOKIE, safe_next, session_value, token_is_valid
from bots.http.deps import AssistantDep, StateDep, require_session
from bots.http.models import FeedbackRequest, document_url
from bots.http.routers.documents import indexed_documents
from bots.http.routers.feedback import record_feedback
from bots.http.state import AppState
from bots.http.submission import Attachment, HelpRequestForm, check_case_number, submit_help_request
from bots.http.uploads import ACCEPT_ATTRIBUTE, Upload, check_uploads
from tools.errors import InvalidInputError
from tools.help_request import HelpRequestInput, help_request_facts, help_request_router

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parents[1] / "templates")
TEMPLATES.env.globals["document_url"] = document_url
TEMPLATES.env.globals["accept_files"] = ACCEPT_ATTRIBUTE

router = APIRouter(include_in_schema=False)
signed_in = APIRouter(include_in_schema=False, dependencies=[Depends(require_session)])

MAX_QUESTION_CHARS = 4000
CHAT_HISTORY = 20


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    state: AppState = request.app.state.enroller
    context.setdefault("auth_required", state.auth_required)
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)


@router.get("/")
def home() -> Response:
    """The form is the front page."""
    return RedirectResponse("/help-request", status_code=303)


# --- sign-in -----------------------------------------------------------------------------------------


@router.get("/sign-in")
def sign_in_page(
    request: Request, state: StateDep, next_path: Annotated[str | None, Query(alias="next")] = None
) -> Response:
    """Ask for an API token once (only when tokens are required)."""
    if not state.auth_required:
        return RedirectResponse(safe_next(next_path), status_code=303)
    return _render(request, "sign_in.html", next=safe_next(next_path))


@router.post("/sign-in")
def sign_in(
    request: Request,
    state: StateDep,
    token: Annotated[str, Form()] = "",
    next_path: Annotated[str, Form(alias="next")] = "",
) -> Response:
    """Check the token; on success set the HttpOnly session cookie and go on."""
    target = safe_next(next_path)
    tokens = state.settings.api_tokens
    if not token_is_valid(token.strip(), tokens):
        return _render(request, "sign_in.html", status_code=401, next=target, error="That token is not valid.")
    match = next(t for t in tokens if token_is_valid(token.strip(), [t]))
    response = RedirectResponse(target, status_code=303)
    secure = (state.settings.public_url or "").startswith("https://")
    response.set_cookie(
        SESSION_COOKIE, session_value(match), httponly=True, samesite="strict", secure=secure, max_age=12 * 3600
    )
    return response


# --- help request ------------------------------------------------------------------------------------


@signed_in.get("/help-request")
def help_request_page(request: Request) -> HTMLResponse:
    """The portal's three steps, with the live category suggestion."""
    return _render(request, "help_request.html", categories=help_request_facts().categories, values={})


@signed_in.post("/help-request")
async def submit_help_request_page(  # noqa: PLR0917 (FastAPI passes each form field by keyword)
    request: Request,
    state: StateDep,
    assistant: AssistantDep,
    topic: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    case_number: Annotated[str, Form()] = "",
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> HTMLResponse:
    """Store (redacted) or forward the request and show its reference; a bad field re-shows the form."""
    categories = help_request_facts().categories
    values = {"topic": topic, "description": description, "case_number": case_number}
    errors: dict[str, str] = {}
    if topic not in {c.name for c in categories}:
        errors["topic"] = "Choose a topic."
    if not description.strip():
        errors["description"] = "Describe the problem."
    elif len(description) > MAX_QUESTION_CHARS:
        errors["description"] = f"At most {MAX_QUESTION_CHARS} characters."
    try:
        case = check_case_number(case_number)
    except InvalidInputError as exc:
        reason = str(exc).removeprefix("case_number: ")
        errors["case_number"] = reason[:1].upper() + reason[1:]
        case = None
    uploads = [
        Upload(f.filename or "file", f.content_type or "application/octet-stream", await f.read())
        for f in files or []
        if f.filename
    ]
    kept, files_error = check_uploads(uploads)
    if files_error:
        errors["files"] = files_error
    if errors:
        return _render(request, "help_request.html", 422, categories=categories, values=values, errors=errors)
    attachments = [Attachment(u.filename, u.content_type, u.data) for u in kept]
    suggested = help_request_router(HelpRequestInput(description=description)).category
    form = HelpRequestForm(topic, description, suggested, case, attachments)
    result = await run_in_threadpool(submit_help_request, form, assistant.store, state.settings.help_request_webhook)
    return _render(request, "help_request_done.html", result=result, form=form)


# --- chat --------------------------------------------------------------------------------------------


def _chat(
    request: Request,
    state: AppState,
    conversation_id: str | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    history: list[Answer] = []
    first_turn = 1
    if conversation_id and state.assistant is not None:
        history = state.assistant.store.history(conversation_id, limit=CHAT_HISTORY)
        # Each answer's 👍/👎 names its own turn; the page shows the last CHAT_HISTORY of them.
        first_turn = max(1, state.assistant.store.turn_count(conversation_id) - len(history) + 1)
    return _render(
        request,
        "chat.html",
        status_code,
        conversation_id=conversation_id if history else None,
        history=history,
        first_turn=first_turn,
        servable=set(indexed_documents(state.index_dir)),
        **context,
    )


# --- errors on pages ---------------------------------------------------------------------------------


async def render_page_error(request: Request, status: int, message: str, field: str | None) -> HTMLResponse | None:
    """The page an error happened on, again, with the message and what the user typed (errors.py calls this for
    browser requests); None for a path with no page of its own (the error is answered as JSON)."""
    state: AppState = request.app.state.enroller
    form = await _form_fields(request)
    path = request.url.path
    if status == 503:
        message = f"Enroller Assist cannot do that right now ({message}). What you typed is kept: try again shortly."
    if path == "/help-request":
        values = {name: form.get(name, "") for name in ("topic", "description", "case_number")}
        if form.get("files"):
            message += " Choose your files again: a browser cannot keep them on a page it shows anew."
        return _render(
            request,
            "help_request.html",
            status,
            categories=help_request_facts().categories,
            values=values,
            alert=message,
        )
    if path in {"/chat", "/chat/feedback"}:
        conversation_id = form.get("conversation_id") or request.query_params.get("c") or None
        try:
            return _chat(
                request, state, conversation_id, status_code=status, alert=message, question=form.get("question")
            )
        except DATABASE_ERRORS:  # the error may be the database itself: show the page without the conversation
            return _render(
                request, "chat.html", status, history=[], servable=set(), alert=message, question=form.get("question")
            )
    return None


async def _form_fields(request: Request) -> dict[str, str]:
    """The submitted form's text fields (FastAPI parsed it already; this is its cached copy), and whether files
    were chosen (`files`: "1"). {} when the request had no form."""
    if request.method != "POST":
        return {}
    try:
        form = await request.form()
    except Exception:  # the body was not a form (or is gone): nothing to keep
        return {}
    fields = {key: value for key, value in form.multi_items() if isinstance(value, str)}
    if any(getattr(value, "filename", None) for key, value in form.multi_items() if key == "files"):
        fields["files"] = "1"
    return fields


@signed_in.get("/chat")
def chat_page(request: Request, state: StateDep, c: str | None = None) -> HTMLResponse:
    """The conversation so far (`?c=` its id), and the question box."""
    return _chat(request, state, c)


@signed_in.post("/chat")
def chat_ask(
    request: Request,
    state: StateDep,
    assistant: AssistantDep,
    question: Annotated[str, Form()] = "",
    conversation_id: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Ask, then show the conversation with the new answer last."""
    if not question.strip() or len(question) > MAX_QUESTION_CHARS:
        error = "Type a question." if not question.strip() else f"At most {MAX_QUESTION_CHARS} characters."
        return _chat(request, state, conversation_id or None, status_code=422, error=error, question=question)
    answer = assistant.ask(question, conversation_id=conversation_id or None)
    return _chat(request, state, answer.conversation_id)


@signed_in.post("/chat/feedback")
def chat_feedback(  # noqa: PLR0917 (FastAPI passes each form field by keyword)
    request: Request,
    state: StateDep,
    assistant: AssistantDep,
    conversation_id: Annotated[str, Form()],
    rating: Annotated[int, Form()],
    turn: Annotated[int | None, Form()] = None,
) -> HTMLResponse:
    """👍/👎 on the answer the form belongs to (its `turn`), then the conversation again with a thank-you."""
    try:
        body = FeedbackRequest.model_validate({"conversation_id": conversation_id, "rating": rating, "turn": turn})
    except ValidationError as exc:
        raise InvalidRequestError(exc) from exc
    recorded = record_feedback(assistant, body)
    message = f"Thanks: your feedback was recorded (answer {recorded.turn})."
    return _chat(request, state, conversation_id, message=message)
