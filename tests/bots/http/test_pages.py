"""The pages over real HTTP without a browser: sign-in and its cookie, submitting a help request (stored or
forwarded to the portal's webhook), the chat and its feedback."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import httpx
import pytest

from assistant.engine import Assistant
from tests.bots.http.conftest import TOKEN, FakeWebhook, LiveServer, ServerFactory, WebhookFactory

pytestmark = pytest.mark.slow

DESCRIPTION = "My client's application was terminated for non-payment but she paid. Her SSN is 123-45-6789."


def test_pages_ask_for_a_token_once(secured: LiveServer) -> None:
    """With tokens set, a page sends you to sign in; the right token sets an HttpOnly cookie that opens the
    pages and the API."""
    with httpx.Client(base_url=secured.url) as client:
        first = client.get("/help-request")
        assert first.status_code == 303
        assert first.headers["location"] == "/sign-in?next=/help-request"
        wrong = client.post("/sign-in", data={"token": "nope", "next": "/help-request"})
        assert wrong.status_code == 401
        assert "not valid" in wrong.text
        right = client.post("/sign-in", data={"token": TOKEN, "next": "/chat"})
        assert right.status_code == 303
        assert right.headers["location"] == "/chat"
        cookie = right.headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "samesite=strict" in cookie.lower()
        assert TOKEN not in cookie
        assert client.get("/help-request").status_code == 200
        assert client.get("/api/tools").status_code == 200


def test_sign_in_never_redirects_off_site(secured: LiveServer) -> None:
    """`next` is a local path only."""
    response = httpx.post(f"{secured.url}/sign-in", data={"token": TOKEN, "next": "//evil.example.com/"})
    assert response.headers["location"] == "/help-request"


def test_help_request_form_has_the_three_steps(open_server: LiveServer) -> None:
    """The form: topic, description textarea, case number and files, review; the widget script is included."""
    html = httpx.get(f"{open_server.url}/help-request").text
    for needle in (
        "Step 1",
        "Step 2",
        "Step 3",
        '<textarea id="description" name="description"',
        'name="case_number"',
        'type="file"',
        'src="/static/suggest.js" data-for="description"',
    ):
        assert needle in html


def test_submitting_stores_a_redacted_request(open_server: LiveServer, http_assistant: Assistant) -> None:
    """Submitting stores the request with PII redacted and shows its reference."""
    response = httpx.post(
        f"{open_server.url}/help-request",
        data={"topic": "Consumer Case/Application Issue", "description": DESCRIPTION, "case_number": "1234567890"},
        files={"files": ("error.png", b"\x89PNG fake", "image/png")},
    )
    assert response.status_code == 200, response.text
    match = re.search(r'id="reference">(HR-[0-9]{8}-[0-9A-F]{6})<', response.text)
    assert match, response.text
    stored = http_assistant.store.help_request(match.group(1))
    assert stored is not None
    assert "123-45-6789" not in stored.description
    assert stored.case_number == "1234567890"
    assert stored.category == "Consumer Case/Application Issue"
    assert "removed from the description" in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"topic": "", "description": "x"}, "Choose a topic.", id="no-topic"),
        pytest.param(
            {"topic": "Consumer Case/Application Issue", "description": " "},
            "Describe the problem.",
            id="no-description",
        ),
        pytest.param(
            {"topic": "Consumer Case/Application Issue", "description": "x", "case_number": "123-45-6789"},
            "looks like an SSN",
            id="ssn-as-case-number",
        ),
    ],
)
def test_a_bad_field_reshows_the_form(open_server: LiveServer, data: dict[str, str], message: str) -> None:
    """A missing topic or description, or an SSN typed as the case number, re-shows the form with the error."""
    response = httpx.post(f"{open_server.url}/help-request", data=data)
    assert response.status_code == 422
    assert message in response.text
    assert 'role="alert"' in response.text


def test_submitting_forwards_to_the_webhook(
    start_server: ServerFactory, http_assistant: Assistant, corpus_index: Path, fake_webhook: FakeWebhook
) -> None:
    """With ENROLLER_HELP_REQUEST_WEBHOOK set, the redacted request goes to the portal as JSON, files included."""
    server = start_server(http_assistant, corpus_index, help_request_webhook=fake_webhook.url)
    response = httpx.post(
        f"{server.url}/help-request",
        data={"topic": "Consumer Case/Application Issue", "description": DESCRIPTION},
        files={"files": ("error.png", b"\x89PNG fake", "image/png")},
    )
    assert response.status_code == 200, response.text
    assert "PORTAL-1" in response.text
    (sent,) = fake_webhook.received
    assert sent["topic"] == "Consumer Case/Application Issue"
    assert "123-45-6789" not in sent["description"]
    assert sent["attachments"][0]["filename"] == "error.png"


def test_chat_answers_with_linked_citations_and_takes_feedback(
    open_server: LiveServer, http_assistant: Assistant
) -> None:
    """The chat page shows the answer's parts and its citations as links to the PDF page; 👍/👎 is stored."""
    with httpx.Client(base_url=open_server.url, timeout=30) as client:
        page = client.post("/chat", data={"question": "How long is the reasonable opportunity period?"})
        assert page.status_code == 200
        assert re.search(r'href="/documents/[^"]+\.pdf#page=\d+"', page.text), page.text
        cid = re.search(r'name="conversation_id" value="([0-9a-f]+)"', page.text)
        assert cid
        thanks = client.post("/chat/feedback", data={"conversation_id": cid.group(1), "rating": "1"})
        assert "feedback was recorded" in thanks.text
    assert any(f.conversation_id == cid.group(1) and f.rating == 1 for f in http_assistant.store.list_feedback())


# --- errors on pages --------------------------------------------------------------------------------

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
FORM = {"topic": "Consumer Case/Application Issue", "description": "Binder paid but the case was terminated"}


def closed_port_url() -> str:
    """A loopback URL nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/help-requests"


def test_an_unreadable_webhook_reply_still_counts_as_forwarded(
    start_server: ServerFactory, http_assistant: Assistant, corpus_index: Path, start_webhook: WebhookFactory
) -> None:
    """A 2xx reply that says JSON but is not: the request went in, so the page says forwarded, with no reference."""
    hook = start_webhook(200, "application/json", b"not json at all")
    server = start_server(http_assistant, corpus_index, help_request_webhook=hook.url)
    response = httpx.post(f"{server.url}/help-request", data=FORM, headers=HTML)
    assert response.status_code == 200, response.text
    assert len(hook.received) == 1
    assert "sent to the Enroller Portal" in response.text
    assert 'id="reference"' not in response.text


@pytest.mark.parametrize("failure", ["unreachable", "500"])
def test_a_failed_webhook_reshows_the_form_with_the_input(
    start_server: ServerFactory,
    http_assistant: Assistant,
    corpus_index: Path,
    start_webhook: WebhookFactory,
    failure: str,
) -> None:
    """An unreachable portal, or one that refuses: the form again, what was typed kept, and why (not JSON)."""
    hook = closed_port_url() if failure == "unreachable" else start_webhook(500, "text/plain", b"oops").url
    server = start_server(http_assistant, corpus_index, help_request_webhook=hook)
    response = httpx.post(
        f"{server.url}/help-request",
        data={**FORM, "case_number": "1234567890"},
        files={"files": ("error.png", b"\x89PNG fake", "image/png")},
        headers=HTML,
    )
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "was not submitted" in response.text
    assert "Choose your files again" in response.text
    assert f">{FORM['description']}</textarea>" in response.text
    assert 'value="1234567890"' in response.text
    assert f'<option value="{FORM["topic"]}" selected>' in response.text


def test_page_errors_are_pages_when_not_ready(start_server: ServerFactory, tmp_path: Path) -> None:
    """With no index, posting the chat or the form shows that page with the reason and the input kept; the same
    request without HTML in Accept (a script) still gets the JSON error."""
    server = start_server(None, tmp_path / "no-index")
    chat = httpx.post(f"{server.url}/chat", data={"question": "When does the ROP end?"}, headers=HTML)
    assert chat.status_code == 503
    assert chat.headers["content-type"].startswith("text/html")
    assert "no index at" in chat.text
    assert ">When does the ROP end?</textarea>" in chat.text
    form = httpx.post(f"{server.url}/help-request", data=FORM, headers=HTML)
    assert form.status_code == 503
    assert "no index at" in form.text
    assert f">{FORM['description']}</textarea>" in form.text
    feedback = httpx.post(f"{server.url}/chat/feedback", data={"conversation_id": "abc", "rating": "1"}, headers=HTML)
    assert feedback.status_code == 503
    assert 'role="alert"' in feedback.text
    script = httpx.post(f"{server.url}/chat", data={"question": "When does the ROP end?"})
    assert script.status_code == 503
    assert "no index at" in script.json()["detail"]


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        pytest.param(
            {"conversation_id": "no-such-conversation", "rating": "1"}, 404, "ask a question first", id="unknown"
        ),
        pytest.param({"conversation_id": "abc", "rating": "5"}, 422, "rating", id="bad-rating"),
    ],
)
def test_chat_feedback_errors_are_pages(
    open_server: LiveServer, data: dict[str, str], status: int, message: str
) -> None:
    """Feedback the server cannot take shows the chat page with the reason, not a JSON body."""
    response = httpx.post(f"{open_server.url}/chat/feedback", data=data, headers=HTML)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text
    assert 'role="alert"' in response.text


def test_each_chat_answer_takes_its_own_feedback(open_server: LiveServer, http_assistant: Assistant) -> None:
    """Every answer on the page has its own 👍/👎, naming its turn; rating the first answer stores that turn."""
    store = http_assistant.store
    with httpx.Client(base_url=open_server.url, timeout=30) as client:
        first = client.post("/chat", data={"question": "How long is the reasonable opportunity period?"})
        cid = re.search(r'name="conversation_id" value="([0-9a-f]+)"', first.text)
        assert cid
        page = client.post("/chat", data={"question": "When is the service center open?", "conversation_id": cid[1]})
        assert page.text.count('action="/chat/feedback"') == 2
        assert re.findall(r'name="turn" value="(\d+)"', page.text) == ["1", "2"]
        thanks = client.post("/chat/feedback", data={"conversation_id": cid[1], "rating": "-1", "turn": "1"})
        assert "feedback was recorded (answer 1)" in thanks.text
    (stored,) = [f for f in store.list_feedback() if f.conversation_id == cid[1]]
    assert stored.rating == -1
    assert stored.turn_id == store.turn_id(cid[1], 1) != store.last_turn_id(cid[1])
