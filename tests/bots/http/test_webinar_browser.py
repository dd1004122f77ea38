"""/webinar in a real browser (Playwright, Debian's chromium, the shared corpus index, the real model): paste →
groups → edit → download every format, by keyboard where a person would; axe-core on both pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.bots.http.conftest import LiveServer
from tests.bots.http.test_browser import browser, page, run_axe, tab_to  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow

PASTED = "\n".join(
    [
        "Hi everyone!",
        "How long is the reasonable opportunity period after a NOD01?",
        "how many days is the ROP after a NOD01 notice",
        "Can you hear me?",
        "Can my client with Medi-Cal also buy a dental plan from Covered California?",
        "Thanks so much!",
        "What should I bring to the holiday potluck?",
    ]
)
EDITED = "Ninety-five days from the notice date (edited by the trainer)."


def _submit(server: LiveServer, page: Any) -> None:  # noqa: F811
    page.goto(f"{server.url}/webinar")
    page.locator("#text").fill(PASTED)
    tab_to(page, "webinar-submit")
    page.keyboard.press("Enter")
    page.locator("#summary").wait_for()


def test_paste_group_edit_download(open_server: LiveServer, page: Any, tmp_path: Path) -> None:  # noqa: F811
    """Pasted questions become groups with answers; an edited answer is flagged on the page and comes back
    reviewed in every download."""
    _submit(open_server, page)
    groups = page.locator("li.group")
    assert 2 <= groups.count() <= 4  # the two ROP wordings share a group; greetings and thanks are set aside
    assert "Set aside (3)" in page.locator("details summary").last.text_content()
    answered = page.locator("textarea[data-original]:not([data-original=''])").first
    box_id = answered.get_attribute("id")
    answered.fill(EDITED)
    assert "reviewed by a person" in page.locator(f"#{box_id}-status").text_content()
    files = {}
    for kind in ("json", "md", "html", "csv", "xlsx"):
        with page.expect_download() as info:
            page.locator(f"#download-{kind}").click()
        download = info.value
        assert download.suggested_filename.endswith(f".{kind}")
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        files[kind] = target
    data = json.loads(files["json"].read_text(encoding="utf-8"))
    edited = [g for g in data["groups"] if g["answer"] == EDITED]
    assert len(edited) == 1
    assert edited[0]["reviewed"] is True
    assert all(not g["reviewed"] for g in data["groups"] if g["answer"] != EDITED)
    assert EDITED in files["md"].read_text(encoding="utf-8")
    assert EDITED in files["html"].read_text(encoding="utf-8")
    assert files["xlsx"].read_bytes()[:2] == b"PK"
    page.reload()
    assert "reviewed by a person" in page.locator(f"#{box_id.replace('answer', 'group')}").text_content()


def test_wrong_file_type_is_caught_before_sending(open_server: LiveServer, page: Any, tmp_path: Path) -> None:  # noqa: F811
    """Choosing a PDF says so next to the field, and the form is not sent."""
    pdf = tmp_path / "slides.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    page.goto(f"{open_server.url}/webinar")
    page.locator("#files").set_input_files(str(pdf))
    page.locator("#files-error").wait_for(state="visible")
    assert "slides.pdf: not a file we read" in page.locator("#files-error").text_content()
    page.locator("#webinar-submit").click()
    assert page.url.endswith("/webinar")
    assert page.locator("#files").get_attribute("aria-invalid") == "true"


def test_no_serious_accessibility_violations_on_webinar_pages(open_server: LiveServer, page: Any) -> None:  # noqa: F811
    """axe-core: the form, and the results with an edited answer."""
    page.goto(f"{open_server.url}/webinar")
    assert run_axe(page) == []
    _submit(open_server, page)
    page.locator("textarea").first.fill("An answer a person wrote.")
    assert run_axe(page) == []
    page.goto(f"{open_server.url}/gaps")
    assert run_axe(page) == []
