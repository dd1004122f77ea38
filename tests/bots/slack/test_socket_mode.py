"""`enroller slack` (Socket Mode): its missing-token error, and the Bolt app it hands to slack_bolt's handler."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest
from slack_bolt import App

from assistant.engine import Assistant
from assistant.settings import Settings
from assistant.store import ConversationStore
from bots.cli import main
from bots.slack import SlackSettings
from tests.bots.slack.conftest import fake_search
from tests.bots.slack.fake_slack import FakeSlack


@pytest.fixture(autouse=True)
def _no_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run where no .env supplies Slack tokens, with none in the environment either."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)


class FakeSocketModeHandler:
    """Stands in for slack_bolt's SocketModeHandler: records the app and token, and on start makes one Web API call
    through the app's client (as the app's listeners would)."""

    started: ClassVar[list[FakeSocketModeHandler]] = []

    def __init__(self, app: App, app_token: str | None = None) -> None:
        self.app = app
        self.app_token = app_token

    def start(self) -> None:
        FakeSocketModeHandler.started.append(self)
        self.app.client.chat_postMessage(channel="C1", text="connected")


def test_without_the_app_token_it_exits_2_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With only SLACK_BOT_TOKEN set, `enroller slack` exits 2 with one error line naming SLACK_APP_TOKEN."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    assert main(["slack"]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("enroller: error: SLACK_APP_TOKEN not set")
    assert "SLACK_BOT_TOKEN" not in lines[0]
    assert captured.out == ""


def test_socket_mode_starts_the_bolt_app_with_the_app_token(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fake_slack: FakeSlack
) -> None:
    """With both tokens, `enroller slack` builds the Bolt app over the one Assistant and starts Socket Mode with the
    app-level token; its client reaches SLACK_API_URL given without a trailing "/"."""
    import slack_bolt.adapter.socket_mode

    assistant = Assistant(search=fake_search, store=ConversationStore(tmp_path / "s.sqlite3"), settings=Settings())
    monkeypatch.setattr("assistant.wiring.build_assistant", lambda: assistant)
    monkeypatch.setattr(slack_bolt.adapter.socket_mode, "SocketModeHandler", FakeSocketModeHandler)
    FakeSocketModeHandler.started.clear()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url.rstrip("/"))
    assert main(["slack"]) == 0
    (handler,) = FakeSocketModeHandler.started
    assert isinstance(handler.app, App)
    assert handler.app_token == "xapp-test"
    assert handler.app.client.token == "xoxb-test"
    post: Any = fake_slack.named("chat.postMessage")[0].args
    assert post["text"] == "connected"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        pytest.param("http://127.0.0.1:9/api", "http://127.0.0.1:9/api/", id="no-slash"),
        pytest.param("http://127.0.0.1:9/api/", "http://127.0.0.1:9/api/", id="slash"),
        pytest.param(" ", None, id="blank"),
    ],
)
def test_api_url_always_ends_with_a_slash(given: str, used: str | None) -> None:
    """SLACK_API_URL is a base URL for urljoin: a missing trailing "/" is added; blank means Slack's own."""
    assert SlackSettings(api_url=given).api_url == used
