"""The pages over real HTTP without a browser: sign-in and its cookie, submitting a help request (stored or
forwarded to the portal's webhook), the chat and its feedback."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from assistant.engine import Assistant
from tests.bots.http.conftest import TOKEN, FakeWebhook, LiveServer, ServerFactory

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
