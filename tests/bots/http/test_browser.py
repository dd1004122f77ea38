"""The pages in a real browser: Playwright driving Debian's chromium (`make system-deps`; never `playwright
install`), axe-core from npm run inside each page. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from assistant.engine import Assistant
from tests.bots.http.conftest import TOKEN, LiveServer, ServerFactory

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PROFILE_TEXT = "I need to change the agency address on my enroller profile"
CASE_TEXT = "My client's application was terminated for non-payment but she paid the binder"
MAY_ANSWER_TEXT = (
    "How many days does the consumer have to resolve a data inconsistency during the reasonable opportunity period?"
)


def _missing(what: str) -> None:
    """Fail in CI (the set-up must install it), skip on a developer's machine without it."""
    message = f"{what} missing: run `make system-deps`"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless chromium under Playwright."""
    if not CHROMIUM.exists():
        _missing(str(CHROMIUM))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page; its screenshot is saved under tests/artifacts/ when the test ends."""
    context = browser.new_context(viewport={"width": 1100, "height": 1400})
    tab = context.new_page()
    # Generous: a first answer on a loaded 2-core CI machine can take seconds (a test, not a benchmark).
    tab.set_default_timeout(60_000)
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not AXE_JS.is_file():
        _missing(str(AXE_JS))
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def tab_to(page: Any, element_id: str, limit: int = 25) -> None:
    """Press Tab until the element with `element_id` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} never got the focus with Tab")


def test_typing_changes_the_suggestion_and_accepting_fills_the_topic(open_server: LiveServer, page: Any) -> None:
    """The suggested category follows the description as it is typed; one click puts it in Step 1."""
    page.goto(f"{open_server.url}/help-request")
    suggested = page.locator("#suggested-category")
    page.locator("textarea[name=description]").press_sequentially(PROFILE_TEXT, delay=5)
    page.wait_for_function("() => document.getElementById('suggested-category').textContent.includes('Agency/Entity')")
    assert "Agent Contracts or Certification Services" in suggested.text_content()
    assert "profile" in page.locator(".ea-why").text_content()
    page.locator("textarea[name=description]").fill("")
    page.locator("textarea[name=description]").press_sequentially(CASE_TEXT, delay=5)
    page.wait_for_function("() => document.getElementById('suggested-category').textContent.includes('Consumer Case')")
    page.locator("#accept-suggestion").click()
    assert page.locator("#topic").input_value() == "Consumer Case/Application Issue"
    assert page.locator("#review-topic").text_content() == "Consumer Case/Application Issue"
    assert page.locator("#accept-suggestion").is_hidden()


def test_pii_in_the_description_is_warned_about(open_server: LiveServer, page: Any) -> None:
    """An SSN in the text shows the PII warning."""
    page.goto(f"{open_server.url}/help-request")
    page.locator("#description").fill("Client SSN 123-45-6789 cannot log in to her application")
    page.locator("#pii-warning").wait_for(state="visible")
    assert page.locator("#pii-warning").text_content()


@pytest.fixture
def bare_site(
    start_server: ServerFactory, http_assistant: Assistant, corpus_index: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[str, str]]:
    """Another origin serving a bare page that only includes the widget script from the assistant's server
    (which allows that origin by CORS): (page URL, assistant URL). Parametrized with a token, the server requires
    it and the page passes it as `data-token`, as the portal does."""
    token: str | None = getattr(request, "param", None)
    holder: dict[str, str] = {}
    token_attribute = f" data-token='{token}'" if token else ""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = (
                "<!doctype html><html lang='en'><head><title>Portal form</title></head><body><main>"
                "<h1>Portal help request</h1><label for='details'>Details</label>"
                "<textarea id='details' name='description'></textarea>"
                f"<script src='{holder['assistant']}/static/suggest.js' data-for='description'{token_attribute}>"
                "</script>"
                "</main></body></html>"
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    site = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    origin = f"http://127.0.0.1:{site.server_address[1]}"
    tokens = {"api_tokens": [token]} if token else {}
    assistant_server = start_server(http_assistant, corpus_index, cors_origins=[origin], **tokens)
    holder["assistant"] = assistant_server.url
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield f"{origin}/form", assistant_server.url
    site.shutdown()
    site.server_close()


@pytest.mark.parametrize("bare_site", [None, TOKEN], ids=["open-server", "token-server"], indirect=True)
def test_the_widget_works_on_a_bare_page(bare_site: tuple[str, str], page: Any) -> None:
    """A page on another origin that only includes suggest.js gets the live suggestion beside its textarea, also
    from a server that requires a token (the page's `data-token`)."""
    url, _assistant = bare_site
    page.goto(url)
    page.locator("#details").press_sequentially(PROFILE_TEXT, delay=5)
    page.wait_for_function(
        "() => (document.getElementById('suggested-category') || {textContent: ''}).textContent"
        ".includes('Agency/Entity')"
    )
    assert page.locator("#accept-suggestion").is_hidden()  # no topic field to fill on this page
    assert run_axe(page) == []


def test_the_form_shows_an_answer_that_may_make_the_request_unnecessary(open_server: LiveServer, page: Any) -> None:
    """A description the toolkits answer shows "this may answer it" with links to the cited PDF pages."""
    page.goto(f"{open_server.url}/help-request")
    page.locator("#description").fill(MAY_ANSWER_TEXT)
    link = page.locator('#may-answer a[href*="#page="]').first
    link.wait_for()
    assert page.locator("#may-answer-title").text_content() == "This may answer it before you submit"
    assert re.fullmatch(
        rf"{re.escape(open_server.url)}/documents/[^#]+\.pdf#page=\d+", link.get_attribute("href") or ""
    )


def test_chat_citations_link_to_the_right_page(open_server: LiveServer, page: Any) -> None:
    """A chat answer lists its citations as links to the served PDF at the cited page."""
    page.goto(f"{open_server.url}/chat")
    page.locator("#question").fill("How long is the reasonable opportunity period for a data inconsistency?")
    page.get_by_role("button", name="Ask").click()
    page.locator("a.citation").first.wait_for()
    cid = page.locator("input[name=conversation_id]").first.get_attribute("value")
    answer = open_server.assistant.store.history(cid)[-1]
    hrefs = [a.get_attribute("href") for a in page.locator("a.citation").all()]
    expected = [f"/documents/{c.source}#page={c.page}" for c in answer.citations if c.source.endswith(".pdf")]
    assert hrefs == expected
    served = page.request.get(open_server.url + hrefs[0].split("#")[0])
    assert served.status == 200
    assert served.headers["content-type"] == "application/pdf"
    page.get_by_role("button", name="Yes, helpful").click()
    page.get_by_text("feedback was recorded").wait_for()


def test_keyboard_only_help_request(open_server: LiveServer, page: Any) -> None:
    """Tab, type and Enter alone: describe, accept the suggestion, submit, and get a reference."""
    page.goto(f"{open_server.url}/help-request")
    tab_to(page, "description")
    page.keyboard.type(CASE_TEXT)
    page.wait_for_function("() => !document.getElementById('accept-suggestion').hidden")
    tab_to(page, "accept-suggestion")
    page.keyboard.press("Enter")
    assert page.locator("#topic").input_value() == "Consumer Case/Application Issue"
    tab_to(page, "case_number")
    page.keyboard.type("1234567890")
    for _ in range(25):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.type") == "submit":
            break
    page.keyboard.press("Enter")
    page.locator("#reference").wait_for()
    assert re.fullmatch(r"HR-\d{8}-[0-9A-F]{6}", page.locator("#reference").text_content() or "")


def test_skip_link_is_first(open_server: LiveServer, page: Any) -> None:
    """The first Tab reaches the skip link, and Enter on it moves on to the content."""
    page.goto(f"{open_server.url}/chat")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Skip to content"


@pytest.mark.parametrize("path", ["/help-request", "/chat", "/sign-in"])
def test_no_serious_accessibility_violations(
    path: str, open_server: LiveServer, secured: LiveServer, page: Any
) -> None:
    """axe-core finds no serious or critical violation on each page (the form with a suggestion showing)."""
    server = secured if path == "/sign-in" else open_server
    page.goto(server.url + path)
    if path == "/help-request":
        page.locator("#description").fill(CASE_TEXT + " SSN 123-45-6789")
        page.locator("#pii-warning").wait_for(state="visible")
    if path == "/chat":
        page.locator("#question").fill("When does the ROP end if the NOD01 was 2026-03-03?")
        page.get_by_role("button", name="Ask").click()
        page.locator("article.answer").wait_for()
    assert run_axe(page) == []
