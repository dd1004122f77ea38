"""The Slack app over the real Assistant (`build_assistant` on the indexed source PDFs)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.engine import Assistant
from assistant.settings import Settings
from assistant.wiring import build_assistant
from tests.bots.slack.conftest import PUBLIC_URL, SlackServer, mention
from tests.bots.slack.fake_slack import FakeSlack

pytestmark = pytest.mark.slow


@pytest.fixture
def real_assistant(corpus_index: Path) -> Iterator[Assistant]:
    """The one Assistant, built the one way, on the real index."""
    with build_assistant(Settings(public_url=PUBLIC_URL), index_dir=corpus_index, notice=lambda _m: None) as assistant:
        yield assistant


def test_mention_gets_cited_pages_of_the_real_guides(real_assistant: Assistant, fake_slack: FakeSlack) -> None:
    """A document question is answered in its thread with sources linked to real PDF pages."""
    server = SlackServer(real_assistant, fake_slack).start()
    try:
        server.event(mention("Can the carrier reinstate a consumer after an ROP termination?"), event_id="EvReal")
        tool = "My client's NOD01 is dated March 3, 2026. When does the ROP end?"
        server.event(mention(tool, ts="1700000000.000500"), event_id="EvTool")
    finally:
        server.stop()
    first, second = (c.args for c in fake_slack.named("chat.postMessage"))
    assert first["thread_ts"] == "1700000000.000100"
    sources = next(b for b in first["blocks"] if b["type"] == "context")["elements"]
    links = [re.match(rf"\[\d\] <{re.escape(PUBLIC_URL)}/documents/(.+?)#page=(\d+)\|", e["text"]) for e in sources]
    assert links
    assert all(m is not None for m in links)
    assert all(m[1].endswith(".pdf") and int(m[2]) >= 1 for m in links if m is not None)
    card = next(b for b in second["blocks"] if "fields" in b)
    assert "*ROP ends*\nSat Jun 6, 2026" in json.dumps(card, ensure_ascii=False).replace("\\n", "\n")
