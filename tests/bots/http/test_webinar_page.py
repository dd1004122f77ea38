"""The /webinar and /gaps pages without a browser or a model: a scripted assistant and bag-of-words grouping.
Paste and upload, type and size checks, edits marked reviewed, every download, and the gaps list."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from assistant.models import Answer, AskRequest
from assistant.settings import Settings
from assistant.store import ConversationStore
from bots.http import create_app
from bots.http.routers.webinar import MAX_UPLOAD_BYTES
from tests.bots.webinar.fakes import FakeAssistant, fake_embed

FIXTURES = Path(__file__).resolve().parents[1] / "webinar" / "fixtures"
PASTED = """Hi everyone!
How long is the ROP for a consumer?
how long is the ROP for a consumer
Can you hear me?
Can a consumer with Medi-Cal also buy a dental plan? My email is jane.doe@example.com
Thanks!
"""


@dataclass
class StoredFakeAssistant(FakeAssistant):
    """The scripted assistant with a real store (webinar runs, gaps)."""

    store: Any = None
    searched: list[str] = field(default_factory=list)

    def search(self, query: str, k: int = 5) -> list[Any]:
        """Nothing found (the app warms up with one search)."""
        self.searched.append(query)
        return []


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app around the scripted assistant; grouping without the model."""
    from bots.webinar import answering

    real = answering.build_report
    monkeypatch.setattr(answering, "build_report", lambda *a, **k: real(*a, **{**k, "embed": fake_embed}))
    monkeypatch.setattr("bots.webinar.gaps.embed_questions", fake_embed)
    store = ConversationStore(tmp_path / "db.sqlite3")
    assistant = StoredFakeAssistant(store=store)
    app = create_app(Settings(data_dir=tmp_path, index_dir=tmp_path / "no-index", llm=None), assistant)  # type: ignore[arg-type]
    with TestClient(app) as test_client:
        yield test_client
    store.close()


def _run(client: TestClient, **kwargs: Any) -> tuple[str, str]:
    response = client.post("/webinar", follow_redirects=False, **kwargs)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    return location.rsplit("/", 1)[1], client.get(location).text


def test_form_is_labelled(client: TestClient) -> None:
    """A labelled paste box and file input, the accepted types named, the script included."""
    html = client.get("/webinar").text
    for needle in ('<label for="text">', '<label for="files">', 'accept=".csv,.txt,.xlsx"', "/static/webinar.js"):
        assert needle in html


def test_paste_groups_answers_and_sets_aside(client: TestClient) -> None:
    """Greetings are set aside, the repeat merged, the ROP question answered, the other for the presenter; no
    e-mail address on the page."""
    _run_id, html = _run(client, data={"text": PASTED})
    assert "2 groups from 3 questions" in html
    assert "The ROP is 95 days." in html
    assert "Presenter&#39;s answer" in html or "Presenter's answer" in html
    assert "jane.doe@example.com" not in html
    assert "ROP Guide, page 3" in html


def test_upload_every_fixture_format(client: TestClient) -> None:
    """The Zoom Q&A report and an XLSX are read together."""
    files = [
        ("files", ("zoom_qa_report.csv", (FIXTURES / "zoom_qa_report.csv").read_bytes(), "text/csv")),
        ("files", ("teams_qa.xlsx", (FIXTURES / "teams_qa.xlsx").read_bytes(), "application/octet-stream")),
    ]
    _run_id, html = _run(client, files=files)
    assert "Zoom" in html
    assert re.search(r"\d+ groups from \d+ questions", html)


@pytest.mark.parametrize(
    ("name", "body", "message"),
    [
        ("slides.pdf", b"%PDF-1.4", "slides.pdf: not a file we read"),
        ("huge.csv", b"Question\n" + b"x" * (MAX_UPLOAD_BYTES + 10), "huge.csv: larger than 5 MB"),
        ("empty.txt", b"", "empty.txt:"),
    ],
)
def test_bad_uploads_are_explained(client: TestClient, name: str, body: bytes, message: str) -> None:
    """A wrong type, an oversized or an empty file: the form again, 422, saying which file and why."""
    response = client.post("/webinar", files=[("files", (name, body, "application/octet-stream"))])
    assert response.status_code == 422
    assert message in response.text
    assert 'role="alert"' in response.text


def test_nothing_or_only_greetings(client: TestClient) -> None:
    """An empty form, and a paste with no question, are each one clear error."""
    assert "Paste some questions or choose a file." in client.post("/webinar", data={"text": " "}).text
    response = client.post("/webinar", data={"text": "Hi all!\nThanks!\nCan you hear me?"})
    assert response.status_code == 422
    assert "No questions found" in response.text


def test_a_body_over_the_limit_is_413(client: TestClient) -> None:
    """Above the form limit the middleware refuses before the handler reads anything."""
    response = client.post("/webinar", files=[("files", ("big.csv", b"x" * (9 * 1024 * 1024), "text/csv"))])
    assert response.status_code == 413
    assert "too large" in response.text


def test_edit_then_download_every_format(client: TestClient) -> None:
    """An edited answer and a presenter's answer are marked reviewed in every export, and saved for reloads."""
    run, html = _run(client, data={"text": PASTED})
    boxes = dict(re.findall(r'<textarea id="(answer-\d+)"[^>]*>([^<]*)</textarea>', html))
    rop = next(k for k, v in boxes.items() if "95 days" in v)
    other = next(k for k in boxes if k != rop)
    form = {"run": run, rop: "The ROP is 95 days from the notice date.", other: "Yes: ask the presenter's team."}
    downloads = {}
    for kind in ("json", "md", "html", "csv", "xlsx"):
        response = client.post("/webinar/export", data={**form, "format": kind})
        assert response.status_code == 200, response.text
        assert f'.{kind}"' in response.headers["content-disposition"]
        downloads[kind] = response.content
    data = json.loads(downloads["json"])
    assert [g["reviewed"] for g in data["groups"]] == [True, True]
    assert not any(g["for_presenter"] for g in data["groups"])
    assert "95 days from the notice date" in downloads["md"].decode()
    assert "reviewed" in downloads["csv"].decode().splitlines()[0]
    assert downloads["xlsx"][:2] == b"PK"
    assert "reviewed by a person" in client.get(f"/webinar/{run}").text
    saved = client.post("/webinar/export", data={**form, "format": "save"}, follow_redirects=False)
    assert saved.status_code == 303


def test_unchanged_answers_are_not_marked(client: TestClient) -> None:
    """Downloading without an edit marks nothing reviewed."""
    run, html = _run(client, data={"text": PASTED})
    boxes = dict(re.findall(r'<textarea id="(answer-\d+)"[^>]*>([^<]*)</textarea>', html))
    data = json.loads(client.post("/webinar/export", data={"run": run, **boxes, "format": "json"}).content)
    assert not any(g["reviewed"] for g in data["groups"])


def test_unknown_run_is_404(client: TestClient) -> None:
    """A made-up run name is not found (and never looked up unless it has the right shape)."""
    assert client.get("/webinar/web-" + "0" * 32).status_code == 404
    assert client.post("/webinar/export", data={"run": "../../etc", "format": "json"}).status_code == 404


def test_gaps_page_and_downloads(client: TestClient) -> None:
    """Fallback turns are listed with their count; each download is offered; a bad date is explained."""
    store: ConversationStore = client.app.state.enroller.assistant.store  # type: ignore[attr-defined]
    cid = store.new_conversation()
    for _ in range(2):
        store.append(
            Answer(question="Can I enroll a pet?", answer="…", route="fallback", conversation_id=cid),
            today=date(2026, 1, 5),
        )
    html = client.get("/gaps").text
    assert "Can I enroll a pet?" in html
    assert "<caption>" in html
    assert "1 questions, asked 2 times." in html
    for kind in ("csv", "md", "json"):
        response = client.get(f"/gaps/download?format={kind}")
        assert response.status_code == 200
        assert "Can I enroll a pet?" in response.text
    assert client.get("/gaps?since=2999-01-01").text.count("Can I enroll a pet?") == 0
    assert client.get("/gaps?since=yesterday").status_code == 422


def test_scripted_assistant_shape() -> None:
    """The fake answers as the real one does for the page's purposes (an AskRequest in, an Answer out)."""
    assert StoredFakeAssistant().ask(AskRequest(question="ROP?")).route == "retrieval"
