"""Slash command, shortcuts, modals, buttons and App Home over real HTTP, against the fake Web API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bots.cli import main
from tests.bots.slack.conftest import HELPERS, SlackServer, mention
from tests.bots.slack.fake_slack import FakeSlack

QUESTION = "can carriers reinstate after an ROP termination?"


def _action(fake: FakeSlack, action_id: str, method: str = "chat.postMessage", index: int = 0) -> dict[str, Any]:
    """The element with `action_id` in the blocks of a recorded call."""
    blocks = fake.named(method)[index].args["blocks"]
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return dict(element)
    raise AssertionError(f"no {action_id} in {blocks}")


def _click(slack: SlackServer, element: dict[str, Any], *, value: str | None = None, **where: Any) -> None:
    action = {"type": element["type"], "action_id": element["action_id"], "block_id": "b", "value": value}
    action["value"] = value if value is not None else element.get("value")
    payload = {"type": "block_actions", "user": {"id": "U1"}, "actions": [action], **where}
    assert slack.interact(payload).status == 200


def test_slash_command_answers_privately_and_can_share(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """`/enroller QUESTION` answers ephemerally, restating the question; "Share in channel" posts it for everyone."""
    assert slack.command(QUESTION).status == 200
    reply = fake_slack.named("response_url")[0].args
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0]["text"]["text"] == f"*You asked:* {QUESTION}"
    assert "carriers cannot process ROP reinstatements" in json.dumps(reply["blocks"])
    share = next(e for b in reply["blocks"] for e in b.get("elements", []) if e.get("action_id") == "share_answer")
    container = {"type": "message", "is_ephemeral": True, "channel_id": "C1"}
    _click(slack, share, channel={"id": "C1"}, container=container)
    shared = fake_slack.named("chat.postMessage")[0].args
    assert shared["channel"] == "C1"
    assert shared["blocks"][0]["text"]["text"] == f"<@U1> asked: {QUESTION}"
    assert fake_slack.named("response_url")[-1].args["delete_original"] is True


def _share(slack: SlackServer, fake: FakeSlack, question: str, channel: str = "C1") -> None:
    """Ask `question` with /enroller, then click "Share in channel" on the private answer."""
    assert slack.command(question, channel=channel).status == 200
    share = _action(fake, "share_answer", method="response_url")
    _click(slack, share, channel={"id": channel}, container={"type": "message", "is_ephemeral": True})


def test_shared_answer_header_stays_within_a_section(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """A question near the 4,000-character limit is restated, privately and when shared, within 3,000 characters,
    shortened at a word with "…"."""
    question = ("can carriers reinstate after an ROP termination? " * 80)[:3990]
    _share(slack, fake_slack, question)
    private = fake_slack.named("response_url")[0].args["blocks"][0]["text"]["text"]
    shared = fake_slack.named("chat.postMessage")[0].args["blocks"][0]["text"]["text"]
    for head, lead in ((private, "*You asked:* "), (shared, "<@U1> asked: ")):
        assert head.startswith(lead + "can carriers reinstate")
        assert len(head) <= 3000
        assert head.endswith("…")
        assert question.startswith(head.removeprefix(lead).removesuffix("…"))
        assert question[len(head.removeprefix(lead)) - 1] == " "  # the cut fell between words


def test_share_where_the_app_is_not_a_member_says_to_invite_it(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """Slack refusing the shared post (not_in_channel) gets an ephemeral "invite me" line, not an error; the private
    answer stays."""
    fake_slack.fail["chat.postMessage"] = "not_in_channel"
    _share(slack, fake_slack, QUESTION, channel="C9")
    assert fake_slack.named("chat.postMessage")[0].args["channel"] == "C9"
    reply = fake_slack.named("response_url")[-1].args
    assert reply["response_type"] == "ephemeral"
    assert reply["replace_original"] is False
    assert "/invite @Enroller Assist" in reply["text"]
    assert not any(c.args.get("delete_original") for c in fake_slack.named("response_url"))


def test_empty_slash_command_says_how(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """`/enroller` alone gets a usage line, privately."""
    slack.command("")
    reply = fake_slack.named("response_url")[0].args
    assert reply["response_type"] == "ephemeral"
    assert "Usage: `/enroller your question`" in reply["text"]


def test_message_shortcut_answers_that_message_privately(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """ "Ask Enroller Assist" on someone's message answers it for the person who clicked, ephemerally."""
    payload = {
        "type": "message_action",
        "callback_id": "ask_enroller_message",
        "user": {"id": "U2"},
        "channel": {"id": "C1"},
        "message": {"type": "message", "user": "U1", "ts": "1700000000.000100", "text": QUESTION},
    }
    assert slack.interact(payload).status == 200
    reply = fake_slack.named("response_url")[0].args
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0]["text"]["text"] == f"*You asked:* {QUESTION}"
    assert "ROP guide, p. 8" in json.dumps(reply["blocks"])
    assert not fake_slack.named("chat.postMessage")


def _rop_submission(values: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "user": {"id": "U1"},
        "view": {"type": "modal", "callback_id": "rop_modal", "state": {"values": values}},
    }


def test_rop_modal_round_trip(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """The "ROP dates" shortcut opens a modal with date pickers; submitting it DMs the rop_calculator result."""
    assert slack.interact({"type": "shortcut", "callback_id": "rop_dates", "user": {"id": "U1"}}).status == 200
    view = fake_slack.named("views.open")[0].args["view"]
    assert view["callback_id"] == "rop_modal"
    pickers = {b["block_id"]: b for b in view["blocks"]}
    assert pickers["notice_date"]["element"]["type"] == "datepicker"
    assert pickers["notice_date"]["optional"] is False
    assert pickers["received_date"]["optional"] is True
    assert pickers["termination_date"]["element"]["type"] == "datepicker"
    assert any(o["value"] == "income" for o in pickers["inconsistency"]["element"]["options"])

    values = {
        "notice_date": {"notice_date": {"type": "datepicker", "selected_date": "2026-03-03"}},
        "received_date": {"received_date": {"type": "datepicker", "selected_date": None}},
        "inconsistency": {"inconsistency": {"type": "static_select", "selected_option": {"value": "income"}}},
    }
    resp = slack.interact(_rop_submission(values))
    assert resp.status == 200
    assert resp.body == ""  # closes the modal
    post = fake_slack.named("chat.postMessage")[0].args
    assert post["channel"] == "U1"  # the app's DM with the person: private
    assert (post["unfurl_links"], post["unfurl_media"]) == (False, False)
    card = json.dumps(post["blocks"])
    assert "Fri Apr 17, 2026" in card  # NOD03: 45 days after March 3
    assert "Sat Jun 6, 2026" in card  # ROP end: 95 days after March 3


def test_rop_modal_reports_a_bad_date_on_its_field(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """A received date before the notice date stays in the modal with the error under that picker."""
    values = {
        "notice_date": {"notice_date": {"type": "datepicker", "selected_date": "2026-03-03"}},
        "received_date": {"received_date": {"type": "datepicker", "selected_date": "2026-03-01"}},
    }
    resp = slack.interact(_rop_submission(values))
    assert resp.status == 200
    body = resp.json()
    assert body["response_action"] == "errors"
    assert "before notice_date" in body["errors"]["received_date"]
    assert not fake_slack.named("chat.postMessage")


def test_thumbs_down_is_stored_redacted_and_exported(
    slack: SlackServer,
    fake_slack: FakeSlack,
    database: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """👎 opens the "what was wrong?" modal; its comment is stored redacted with the turn, and exported (as JSON
    lines with --json, else one readable line each)."""
    slack.event(mention(QUESTION), event_id="Ev1")
    element = _action(fake_slack, "answer_feedback")
    bad = element["negative_button"]["value"]
    _click(slack, element, value=bad, channel={"id": "C1"}, message={"ts": "1800000000.000003", "thread_ts": "1"})
    modal = fake_slack.named("views.open")[0].args
    assert modal["trigger_id"] == "trigger-2"
    assert modal["view"]["callback_id"] == "feedback_modal"
    submission = {
        "type": "view_submission",
        "user": {"id": "U1"},
        "view": {
            "type": "modal",
            "callback_id": "feedback_modal",
            "private_metadata": modal["view"]["private_metadata"],
            "state": {"values": {"comment": {"comment_input": {"value": "Wrong page; call me at 916-555-0142"}}}},
        },
    }
    assert slack.interact(submission).status == 200
    good = element["positive_button"]["value"]
    _click(slack, element, value=good, channel={"id": "C1"})
    assert fake_slack.named("response_url")[-1].args["text"].startswith("Thanks")

    stored = slack.assistant.store.list_feedback(bad_only=True)
    assert [f.rating for f in stored] == [-1]
    assert stored[0].comment == "Wrong page; call me at [PHONE]"
    assert len(slack.assistant.store.list_feedback()) == 2

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    assert main(["feedback", "export", "--bad", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["rating"] == -1
    assert record["question"] == QUESTION
    assert record["route"] == "retrieval"
    assert record["citations"] == [{"source": "rop-guide.pdf", "title": "ROP guide", "page": 8}]
    assert record["comment"] == "Wrong page; call me at [PHONE]"
    assert "916-555-0142" not in lines[0]

    assert main(["feedback", "export"]) == 0  # without --json: one readable line each, oldest first
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[1:] for line in lines] == [
        ["-1", f"{QUESTION} — Wrong page; call me at [PHONE]"],
        ["+1", QUESTION],
    ]
    assert "916-555-0142" not in "".join(lines)


def test_closing_the_feedback_modal_still_stores_the_thumbs_down(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """Skipping the comment keeps the 👎."""
    slack.event(mention(QUESTION), event_id="Ev1")
    element = _action(fake_slack, "answer_feedback")
    _click(slack, element, value=element["negative_button"]["value"], channel={"id": "C1"})
    metadata = fake_slack.named("views.open")[0].args["view"]["private_metadata"]
    closed = {
        "type": "view_closed",
        "user": {"id": "U1"},
        "view": {"type": "modal", "callback_id": "feedback_modal", "private_metadata": metadata},
    }
    assert slack.interact(closed).status == 200
    stored = slack.assistant.store.list_feedback(bad_only=True)
    assert [(f.rating, f.comment) for f in stored] == [(-1, None)]


def test_still_need_help_tags_the_helpers_and_can_be_resolved(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """ "Still need help?" suggests the help-request category in the thread, tags the helper group, and anyone
    can mark it resolved."""
    slack.event(mention("the consumer's APTC is wrong after the income change, who fixes it?"), event_id="Ev1")
    element = _action(fake_slack, "still_need_help")
    where = {"channel": {"id": "C1"}, "message": {"ts": "1800000000.000003", "thread_ts": "1700000000.000100"}}
    _click(slack, element, **where)
    help_post = fake_slack.named("chat.postMessage")[1].args
    assert help_post["thread_ts"] == "1700000000.000100"
    assert (help_post["unfurl_links"], help_post["unfurl_media"]) == (False, False)
    text = json.dumps(help_post["blocks"])
    assert "Consumer Case/Application Issue" in text
    assert f"<!subteam^{HELPERS}> <@U1>" in text
    resolve = _action(fake_slack, "mark_resolved", index=1)
    message = {"ts": "1800000000.000009", "thread_ts": "1700000000.000100", "blocks": help_post["blocks"]}
    payload = {"type": "block_actions", "user": {"id": "U7"}, "channel": {"id": "C1"}, "message": message}
    payload["actions"] = [{"type": "button", "action_id": "mark_resolved", "block_id": "b", "value": resolve["value"]}]
    assert slack.interact(payload).status == 200
    update = fake_slack.named("chat.update")[0].args
    assert update["ts"] == "1800000000.000009"
    assert "Resolved by <@U7>" in json.dumps(update["blocks"])
    assert "mark_resolved" not in json.dumps(update["blocks"])


def test_app_home_is_published(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """Opening the Home tab publishes the Service Center status, today's hours, closures, shortcuts and the user's
    recent questions (redacted)."""
    fake_slack.history = [
        {"type": "message", "user": "U1", "text": "ROP end for NOD01 March 3?", "ts": "3"},
        {"type": "message", "user": "U1", "text": "my client 123-45-6789 was terminated", "ts": "2"},
        {"type": "message", "user": "UBOT", "text": "an answer", "ts": "1", "bot_id": "BBOT"},
    ]
    event = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1.1"}
    assert slack.event(event, event_id="EvHome").status == 200
    publish = fake_slack.named("views.publish")[0].args
    assert publish["user_id"] == "U1"
    text = json.dumps(publish["view"], ensure_ascii=False)
    assert publish["view"]["type"] == "home"
    assert "The Service Center is" in text
    assert "Today:" in text
    assert "Next closures" in text
    assert "open_rop_modal" in text
    assert "ROP end for NOD01 March 3?" in text
    assert "my client [SSN] was terminated" in text
    assert "123-45-6789" not in text
    assert "an answer" not in text


def test_suggested_prompts_are_set(slack: SlackServer, fake_slack: FakeSlack) -> None:
    """The messages tab and a new assistant thread both get the suggested prompts."""
    tab = {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "messages", "event_ts": "1.1"}
    slack.event(tab, event_id="EvTab")
    thread = {"channel_id": "D1", "thread_ts": "5.5", "user_id": "U1", "context": {}}
    slack.event({"type": "assistant_thread_started", "assistant_thread": thread, "event_ts": "5.6"}, event_id="EvAt")
    calls = fake_slack.named("assistant.threads.setSuggestedPrompts")
    assert len(calls) == 2
    titles = [p["title"] for p in calls[0].args["prompts"]]
    assert titles == ["ROP dates for a notice date", "Is the Service Center open now?", "Which help-request category?"]
    assert calls[1].args["thread_ts"] == "5.5"
    assert not fake_slack.named("views.publish")
