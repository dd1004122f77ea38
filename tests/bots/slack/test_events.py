"""Events over real HTTP: threads, DMs, follow-ups, what is ignored, retries, signatures, escaping, PII."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.bots.slack.conftest import PUBLIC_URL, SlackServer, mention, message
from tests.bots.slack.fake_slack import BOT_ID, BOT_USER, FakeSlack, event_envelope


def _texts(blocks: list[dict]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_mention_is_answered_in_its_thread_with_sources(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """An @-mention gets 👀, then a threaded reply: answer sections, linked and dated sources, 👍/👎 and "Still need
    help?"."""
    resp = slack.event(mention("can carriers reinstate after an ROP termination?"), event_id="Ev1")
    assert resp.status == 200
    assert fake_slack.methods() == ["reactions.add", "reactions.remove", "chat.postMessage"]
    assert fake_slack.named("reactions.add")[0].args["name"] == "eyes"
    post = fake_slack.named("chat.postMessage")[0].args
    assert post["channel"] == "C1"
    assert post["thread_ts"] == "1700000000.000100"
    assert post["unfurl_links"] is False
    assert post["unfurl_media"] is False
    kinds = [b["type"] for b in post["blocks"]]
    assert kinds[-3:] == ["context", "context_actions", "actions"]
    sources = post["blocks"][-3]["elements"][0]["text"]
    assert sources == f"[1] <{PUBLIC_URL}/documents/rop-guide.pdf#page=8|ROP guide, p. 8> (Oct 10, 2025)"
    assert "carriers cannot process ROP reinstatements" in _texts(post["blocks"])
    feedback = post["blocks"][-2]["elements"][0]
    assert feedback["type"] == "feedback_buttons"
    assert feedback["negative_button"]["value"].startswith("-1|")


def test_thread_follow_up_needs_no_mention(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """The asker's next message in a thread the app answered is answered; others' messages and other threads are not."""
    slack.event(mention("can carriers reinstate after an ROP termination?"), event_id="Ev1")
    root = "1700000000.000100"
    thread = {"thread_ts": root, "parent_user_id": "U1"}
    slack.event(message("and who can reinstate them then?", ts="1700000000.000200", **thread), event_id="Ev2")
    slack.event(message("I have a question too", ts="1700000000.000300", user="U2", **thread), event_id="Ev3")
    other = {"thread_ts": "1600000000.000100", "parent_user_id": "U1"}
    slack.event(message("a thread it was never asked into", ts="1600000000.000200", **other), event_id="Ev4")
    slack.event(message("a plain channel message", ts="1700000001.000100"), event_id="Ev5")
    posts = fake_slack.named("chat.postMessage")
    assert [p.args["thread_ts"] for p in posts] == [root, root]
    history = slack.assistant.store.history(f"slack:T0001:C1:{root}")
    assert [t.question for t in history] == [
        "can carriers reinstate after an ROP termination?",
        "and who can reinstate them then?",
    ]


def test_follow_ups_come_from_the_asker_not_the_threads_starter(
    make_server: Callable[[], SlackServer], fake_slack: FakeSlack
) -> None:
    """U1 mentions the app in U2's thread: U1's next message there is answered (also by another app instance on the
    same database), U2's chatter in their own thread is not."""
    first, second = make_server(), make_server()
    root = "1700000000.000100"
    first.event(
        mention("can carriers reinstate after an ROP termination?", ts="1700000000.000150", thread_ts=root),
        event_id="Ev1",
    )
    thread = {"thread_ts": root, "parent_user_id": "U2"}
    second.event(message("and who can reinstate them then?", ts="1700000000.000200", **thread), event_id="Ev2")
    second.event(message("unrelated chatter", ts="1700000000.000300", user="U2", **thread), event_id="Ev3")
    first.event(message("more chatter", ts="1700000000.000400", user="U2", **thread), event_id="Ev4")
    assert len(fake_slack.named("chat.postMessage")) == 2
    history = first.assistant.store.history(f"slack:T0001:C1:{root}")
    assert [t.question for t in history] == [
        "can carriers reinstate after an ROP termination?",
        "and who can reinstate them then?",
    ]


def _follow_up(slack: SlackServer, team: str, number: int) -> None:
    """In workspace `team`: a mention answered in its thread, then the asker's follow-up there without a mention."""
    root = f"17000000{number:02d}.000100"
    mention_event = mention("can carriers reinstate after an ROP termination?", ts=root)
    follow_up = message("and who can reinstate them then?", ts=f"17000000{number:02d}.000200", thread_ts=root)
    for event_id, event in ((f"Ev{number}a", mention_event), (f"Ev{number}b", follow_up)):
        body = event_envelope(event, event_id=event_id) | {"team_id": team}
        body["authorizations"] = [{**body["authorizations"][0], "team_id": team}]
        assert slack.post(json.dumps(body), "application/json").status == 200


def _answered_threads(fake: FakeSlack) -> list[str]:
    return [c.args["thread_ts"] for c in fake.named("chat.postMessage")]


@pytest.mark.parametrize(
    ("env", "answered"),
    [
        pytest.param({}, {"T0001": 2, "T0002": 2}, id="default-on"),
        pytest.param({"ENROLLER_SLACK_FOLLOW_UPS": "false"}, {"T0001": 1, "T0002": 1}, id="off"),
        pytest.param({"ENROLLER_SLACK_FOLLOW_UPS_TEAMS_OFF": "T0002, T0009"}, {"T0001": 2, "T0002": 1}, id="team-off"),
    ],
)
def test_follow_ups_can_be_turned_off_everywhere_or_per_workspace(
    make_server: Callable[[], SlackServer],
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    answered: dict[str, int],
) -> None:
    """ENROLLER_SLACK_FOLLOW_UPS=false stops answering follow-ups without a mention (mentions still answered);
    ENROLLER_SLACK_FOLLOW_UPS_TEAMS_OFF does so only in the workspaces it lists."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    slack = make_server()
    for number, team in enumerate(answered, start=1):
        _follow_up(slack, team, number)
    threads = _answered_threads(fake_slack)
    for number, team in enumerate(answered, start=1):
        assert threads.count(f"17000000{number:02d}.000100") == answered[team], team


def test_mention_inside_the_thread_is_answered_once(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """A follow-up that mentions the app again arrives twice (message and app_mention) and is answered once."""
    slack.event(mention("can carriers reinstate after an ROP termination?"), event_id="Ev1")
    root = "1700000000.000100"
    text = f"<@{BOT_USER}> and then?"
    thread = {"thread_ts": root, "parent_user_id": "U1"}
    slack.event(message(text, ts="1700000000.000200", **thread), event_id="Ev2")
    slack.event(mention("and then?", ts="1700000000.000200", thread_ts=root), event_id="Ev3")
    assert len(fake_slack.named("chat.postMessage")) == 2


def test_dm_is_answered_in_the_dm_thread_with_status_and_stream(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """A DM sets the assistant's thinking status and streams the answer, ending with sources and feedback."""
    slack.event(
        message("can carriers reinstate after an ROP termination?", ts="1.5", channel="D1", channel_type="im"),
        event_id="Ev1",
    )
    methods = fake_slack.methods()
    assert methods[:2] == ["assistant.threads.setStatus", "chat.startStream"]
    assert methods[-1] == "chat.stopStream"
    assert "chat.postMessage" not in methods
    status = fake_slack.named("assistant.threads.setStatus")[0].args
    assert status["channel_id"] == "D1"
    assert status["thread_ts"] == "1.5"
    assert status["loading_messages"]
    streams = [c.args for c in fake_slack.calls if c.method.endswith("Stream")]
    # slack_sdk buffers appended text and sends it as markdown_text or as chunks, depending on its size.
    streamed = "".join(a.get("markdown_text", "") + "".join(ch["text"] for ch in a.get("chunks", [])) for a in streams)
    assert "carriers cannot process ROP reinstatements" in streamed
    stop = fake_slack.named("chat.stopStream")[0].args
    assert [b["type"] for b in stop["blocks"]] == ["context", "context_actions", "actions"]
    assert not fake_slack.named("reactions.add")


def test_dm_tool_answer_streams_with_its_card(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """An ROP question in a DM ends its stream with the rop_calculator card (the dates), then sources and feedback."""
    question = "My client's NOD01 is dated March 3, 2026. When does the ROP end?"
    slack.event(message(question, ts="1.5", channel="D1", channel_type="im"), event_id="Ev1")
    stop = fake_slack.named("chat.stopStream")[0].args
    cards = [b for b in stop["blocks"] if "fields" in b]
    assert len(cards) == 1
    fields = [f["text"] for f in cards[0]["fields"]]
    assert "*NOD01 date*\nTue Mar 3, 2026" in fields
    assert "*ROP ends*\nSat Jun 6, 2026" in fields
    assert [b["type"] for b in stop["blocks"]][-2:] == ["context_actions", "actions"]


def test_dm_falls_back_to_a_message_when_streaming_is_refused(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """Where Slack refuses the agent features (status, stream), the DM gets 👀 and an ordinary threaded reply."""
    fake_slack.fail.update({"assistant.threads.setStatus": "not_allowed", "chat.startStream": "not_allowed"})
    slack.event(
        message("can carriers reinstate after an ROP termination?", ts="1.5", channel="D1", channel_type="im"),
        event_id="Ev1",
    )
    assert "reactions.add" in fake_slack.methods()
    post = fake_slack.named("chat.postMessage")[0].args
    assert post["channel"] == "D1"
    assert post["thread_ts"] == "1.5"


def test_bots_edits_deletions_and_own_messages_are_ignored(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """Other bots, the app itself, edits and deletions never get an answer, not even in a DM."""
    dm = {"channel": "D1", "channel_type": "im"}
    events = [
        message("hello from a bot", ts="1.1", user="U9", bot_id="B9", subtype="bot_message", **dm),
        message("a bot user", ts="1.2", user="U9", bot_id="B9", **dm),
        message("my own answer", ts="1.3", user=BOT_USER, bot_id=BOT_ID, **dm),
        message("", ts="1.4", subtype="message_changed", message={"text": "edited", "user": "U1"}, **dm),
        message("", ts="1.5", subtype="message_deleted", deleted_ts="1.1", **dm),
        mention("from a bot", ts="1.6", bot_id="B9"),
    ]
    for number, event in enumerate(events):
        assert slack.event(event, event_id=f"Ev{number}").status == 200
    assert fake_slack.methods() == []


def test_retries_are_not_answered_twice_even_by_another_instance(
    make_server: Callable[[], SlackServer], fake_slack: FakeSlack
) -> None:
    """Slack's retry (same event_id, X-Slack-Retry-Num) is acked but not answered, also by a second app instance
    that shares only the database file."""
    first, second = make_server(), make_server()
    event = mention("can carriers reinstate after an ROP termination?")
    assert first.event(event, event_id="EvRetry").status == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert second.event(event, event_id="EvRetry", **retry).status == 200
    assert first.event(event, event_id="EvRetry", **{"X-Slack-Retry-Num": "2"}).status == 200
    assert len(fake_slack.named("chat.postMessage")) == 1
    assert len(fake_slack.named("reactions.add")) == 1


def test_bad_and_stale_signatures_are_rejected(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """A wrong secret, a tampered body or a request older than five minutes gets 401 and does nothing."""
    body = json.dumps({"type": "event_callback", "event_id": "EvBad", "event": mention("hi")})
    assert slack.post(body, "application/json", secret="not-the-secret").status == 401
    assert slack.post(body, "application/json", timestamp=int(time.time()) - 6 * 60).status == 401
    assert slack.post(body, "application/json", signed_body=body.replace("hi", "ho")).status == 401
    assert fake_slack.methods() == []
    assert slack.assistant.store.record_event("EvBad")  # never recorded: the retry of a real delivery still works


def test_document_text_cannot_ping_the_channel_or_make_links(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """`<!channel>`, a `<#C…|…>` channel link and a `<http://x|y>` link in a PDF's text reach Slack as plain text:
    the first two escaped, the link dropped to its label by the composer, so the sentence still reads."""
    slack.event(mention("who processes binder payments?"), event_id="Ev1")
    post = fake_slack.named("chat.postMessage")[0].args
    sections = " ".join(b["text"]["text"] for b in post["blocks"] if b["type"] == "section" and "text" in b)
    assert (
        "tell &lt;!channel&gt; and see &lt;#C0123|general&gt;, y &amp; the carrier's own site for payment" in sections
    )
    for sent in (sections, post["text"]):
        assert "<!channel>" not in sent
        assert "<#C0123|general>" not in sent
        assert "<http" not in sent
        assert "http://x" not in sent
        assert "|y" not in sent
        assert "&lt; " not in sent  # no half of a dropped link left behind
    assert "y &amp; the carrier's" in post["text"]


SSN = "123-45-6789"


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.LogCaptureFixture]:
    """Capture every log record at DEBUG: the root's and the `enroller` logger's (which does not propagate: it
    writes its own file), with no logger left disabled by an earlier test's logging configuration."""
    caplog.set_level(logging.DEBUG)
    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            monkeypatch.setattr(logger, "disabled", False)
    enroller = logging.getLogger("enroller")
    enroller.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        enroller.removeHandler(caplog.handler)


def _no_ssn_logged(caplog: pytest.LogCaptureFixture) -> None:
    """No log record of the request (any logger, any level down to DEBUG) holds the SSN, message or traceback."""
    assert {r.name.split(".")[0] for r in caplog.records} >= {"enroller"}  # the capture saw our own logging
    assert not [r.name for r in caplog.records if SSN in r.getMessage()]
    assert SSN not in caplog.text


def test_pii_is_answered_without_it_and_the_author_reminded(
    make_server: Callable[[], SlackServer], fake_slack: FakeSlack, database: Path, every_log: pytest.LogCaptureFixture
) -> None:
    """An SSN in a mention: answered with it redacted, an ephemeral reminder to the author, nothing stored or logged
    raw (logging at DEBUG from before the app starts until after the answer)."""
    slack = make_server()
    every_log.set_level(logging.DEBUG, logger="enroller")  # start-up set it to the configured level
    slack.event(mention(f"client SSN {SSN}, can carriers reinstate after an ROP termination?"), event_id="Ev1")
    reminder = fake_slack.named("chat.postEphemeral")[0].args
    assert reminder["user"] == "U1"
    assert reminder["channel"] == "C1"
    assert "an SSN" in reminder["text"]
    post = fake_slack.named("chat.postMessage")[0].args
    assert SSN not in json.dumps([c.args for c in fake_slack.calls])
    assert post["thread_ts"] == "1700000000.000100"
    stored = b"".join(p.read_bytes() for p in database.parent.glob(f"{database.name}*"))
    assert SSN.encode() not in stored
    assert b"[SSN]" in stored
    _no_ssn_logged(every_log)


def test_pii_in_a_dm_is_streamed_without_it_and_never_logged(
    make_server: Callable[[], SlackServer], fake_slack: FakeSlack, every_log: pytest.LogCaptureFixture
) -> None:
    """An SSN in a DM: the reminder goes to the author, the streamed answer and every other call leave it out, and
    no log record holds it."""
    slack = make_server()
    every_log.set_level(logging.DEBUG, logger="enroller")  # start-up set it to the configured level
    text = f"client SSN {SSN}, can carriers reinstate after an ROP termination?"
    slack.event(message(text, ts="1.5", channel="D1", channel_type="im"), event_id="Ev1")
    assert fake_slack.named("chat.postEphemeral")[0].args["user"] == "U1"
    assert "chat.stopStream" in fake_slack.methods()
    assert SSN not in json.dumps([c.args for c in fake_slack.calls])
    _no_ssn_logged(every_log)
