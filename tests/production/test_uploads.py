"""Help-request attachments on a real server: oversized, binary and wrongly typed files are refused with a clear
message on the form (422, nothing stored or forwarded); screenshots and PDFs go through."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from assistant.engine import Assistant
from assistant.settings import Settings
from assistant.store import ConversationStore
from bots.http import create_app
from bots.http.uploads import MAX_FILE_BYTES, MAX_FILES, safe_filename, sniff
from tests.bots.http.conftest import FakeWebhook, LiveServer, fake_webhook, http_settings, serve_app, start_webhook

__all__ = ["fake_webhook", "start_webhook"]

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"
FORM = {"topic": "", "description": "The portal shows error 500 when I upload proof of income.", "case_number": ""}


@pytest.fixture
def forwarding(tmp_path: Path, fake_webhook: FakeWebhook) -> Iterator[LiveServer]:
    """A server (no index needed: the form only classifies the description) forwarding to the fake portal."""
    assistant = Assistant(
        search=lambda q, k: [], store=ConversationStore(tmp_path / "db.sqlite3"), settings=Settings(llm=None)
    )
    settings = http_settings(tmp_path, None, rate_limit=0, help_request_webhook=fake_webhook.url)
    yield from serve_app(create_app(settings, assistant))


def _topic() -> str:
    from tools.help_request import help_request_facts

    return help_request_facts().categories[0].name


def _post(server: LiveServer, files: list[tuple[str, tuple[str, bytes, str]]]) -> httpx.Response:
    return httpx.post(f"{server.url}/help-request", data={**FORM, "topic": _topic()}, files=files, timeout=30)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            ("huge.png", PNG + b"\x00" * MAX_FILE_BYTES, "image/png"),
            "huge.png is 5.0 MB: each file may be at most 5 MB.",
        ),
        (("tool.exe", b"MZ\x90\x00\x03" + b"\x00" * 100, "application/octet-stream"), "tool.exe is not a screenshot"),
        (("page.html", b"<script>alert(1)</script>", "text/html"), "page.html is not a screenshot or PDF"),
        (("logo.svg", b"<svg onload=alert(1)>", "image/svg+xml"), "logo.svg is not a screenshot or PDF"),
        (("fake.png", b"\x00\x01binary\xff" * 20, "image/png"), "fake.png is not a screenshot or PDF"),
        (("report.png", PDF, "image/png"), "report.png says it is PNG but is PDF"),
        (("empty.png", b"", "image/png"), "empty.png is empty."),
        (("../../etc/passwd", b"root:x:0:0", "text/plain"), "passwd is not a screenshot or PDF"),
    ],
    ids=["oversized", "binary", "html", "svg", "not-really-png", "mistyped", "empty", "path"],
)
def test_bad_uploads_are_refused_with_a_clear_message(
    forwarding: LiveServer, fake_webhook: FakeWebhook, upload: tuple[str, bytes, str], message: str
) -> None:
    """The form comes back (422) with the reason next to the file input; nothing reaches the portal."""
    response = _post(forwarding, [("files", upload)])
    assert response.status_code == 422, response.text[:300]
    assert 'id="files-error"' in response.text
    assert message.replace("'", "&#39;") in response.text
    assert fake_webhook.received == []


def test_too_many_files(forwarding: LiveServer, fake_webhook: FakeWebhook) -> None:
    """More than MAX_FILES files: refused, saying how many are allowed."""
    files = [("files", (f"s{i}.png", PNG, "image/png")) for i in range(MAX_FILES + 1)]
    response = _post(forwarding, files)
    assert response.status_code == 422
    assert f"Attach at most {MAX_FILES} files (you chose {MAX_FILES + 1})." in response.text
    assert fake_webhook.received == []


def test_a_body_over_the_form_limit_is_413(forwarding: LiveServer) -> None:
    """Past the form's 8 MB the body is refused before the app reads it, saying the limit."""
    files = [("files", ("a.png", PNG + b"\x00" * (9 * 1024 * 1024), "image/png"))]
    response = _post(forwarding, files)
    assert response.status_code == 413
    assert response.json()["detail"] == "request body too large: at most 8192 KB"


def test_screenshots_and_pdfs_go_through(forwarding: LiveServer, fake_webhook: FakeWebhook) -> None:
    """A PNG and a PDF: forwarded, typed by their content, names without folders."""
    files = [
        ("files", ("C:\\Users\\me\\error.png", PNG, "image/png")),
        ("files", ("proof.pdf", PDF, "application/pdf")),
    ]
    response = _post(forwarding, files)
    assert response.status_code == 200, response.text[:300]
    [sent] = fake_webhook.received
    assert [(a["filename"], a["content_type"]) for a in sent["attachments"]] == [
        ("error.png", "image/png"),
        ("proof.pdf", "application/pdf"),
    ]


def test_sniff_and_names() -> None:
    """Types come from the bytes; names lose their folders and control characters."""
    assert sniff(PNG) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0JFIF") == "image/jpeg"
    assert sniff(b"GIF89a....") == "image/gif"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(PDF) == "application/pdf"
    assert sniff(b"<html>") is None
    assert safe_filename("../../x/y.png") == "y.png"
    assert safe_filename("a\x00b\r\n.png") == "ab.png"
    assert safe_filename("") == "file"
