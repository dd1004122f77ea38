"""Answering in Slack: ask the one Assistant, find the turn a button points at, and post a reply in a thread.

Every listener goes through here, so PII handling, the working indicator and error wording are the same in
channels, DMs, the slash command and the shortcuts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from assistant.engine import Assistant
from assistant.models import Answer, AskRequest
from assistant.pii import Redaction, redact_pii
from bots.slack.turns import TurnRef, clean_question, conversation_id_for
from bots.slack.views.answer_builder import build_answer_blocks, fallback_text, render_parts
from bots.slack.views.feedback_builder import build_feedback_blocks, build_question_block
from bots.slack.views.mrkdwn import split_text
from tools.errors import EnrollerError, InvalidInputError

log = logging.getLogger("enroller.slack")

Block = dict[str, Any]

PII_REMINDER = (
    "Please don't paste consumer details in Slack: your message looked like it held {kinds}. I answered without "
    "them and stored nothing of them; consider deleting your message."
)
_PII_NAMES = {"ssn": "an SSN", "itin": "an ITIN", "phone": "a phone number", "email": "an e-mail address"}
_PII_NAMES["dob"] = "a date of birth"
THINKING = "is thinking…"
LOADING_MESSAGES = ["Checking the toolkit guides…", "Looking up the dates…", "Reading the cited pages…"]
EMPTY_QUESTION = "Ask me a question after the mention, e.g. “When does the ROP end for an NOD01 dated March 3?”"
FAILED = "Sorry, I could not answer that just now. Please try again in a minute."


@dataclass(frozen=True)
class SlackDeps:
    """What every listener needs, put in each request's context by the app (no globals)."""

    assistant: Assistant
    public_url: str | None = None
    helpers: str | None = None
    portal_url: str | None = None
    follow_ups: bool = True
    follow_ups_teams_off: frozenset[str] = frozenset()

    @classmethod
    def from_assistant(cls, assistant: Assistant) -> SlackDeps:
        """The dependencies with the assistant's own settings (ENROLLER_PUBLIC_URL, ENROLLER_SLACK_HELPERS, …)."""
        s = assistant.settings
        off = frozenset(s.slack_follow_ups_teams_off)
        return cls(assistant, s.public_url, s.slack_helpers, s.portal_url, s.slack_follow_ups, off)

    def follow_ups_in(self, team_id: str | None) -> bool:
        """Whether thread follow-ups are answered without a mention in this workspace: ENROLLER_SLACK_FOLLOW_UPS,
        unless the team is in ENROLLER_SLACK_FOLLOW_UPS_TEAMS_OFF (one app may serve several workspaces of an
        Enterprise Grid org, each with its own team id)."""
        return self.follow_ups and team_id not in self.follow_ups_teams_off


def deps_of(context: Any) -> SlackDeps:
    """The SlackDeps the app's middleware put in a request's context."""
    deps: SlackDeps = context["enroller"]
    return deps


@dataclass(frozen=True)
class Reply:
    """An answered turn: the answer, where it sits in its conversation, and what was redacted from the question."""

    answer: Answer
    ref: TurnRef
    redaction: Redaction


@dataclass(frozen=True)
class Incoming:
    """A message to answer in its thread."""

    team_id: str | None
    channel: str
    user: str
    text: str
    ts: str
    thread_ts: str
    is_dm: bool

    @classmethod
    def from_event(cls, event: dict[str, Any], team_id: str | None) -> Incoming:
        """From a `message` or `app_mention` event."""
        return cls(
            team_id=team_id,
            channel=event["channel"],
            user=event.get("user", ""),
            text=event.get("text", ""),
            ts=event["ts"],
            thread_ts=event.get("thread_ts") or event["ts"],
            is_dm=event.get("channel_type") == "im",
        )

    @property
    def conversation_id(self) -> str:
        """The thread's conversation."""
        return conversation_id_for(self.team_id, self.channel, self.thread_ts)


def answer_question(deps: SlackDeps, text: str, conversation_id: str | None = None) -> Reply:
    """Ask the assistant (PII redacted first; raises InvalidInputError for an empty or over-long question)."""
    redaction = redact_pii(text)
    answer = deps.assistant.ask(AskRequest(question=redaction.text, conversation_id=conversation_id))
    store = deps.assistant.store
    number = len(store.history(answer.conversation_id, limit=1_000_000))
    ref = TurnRef(answer.conversation_id, number, store.last_turn_id(answer.conversation_id))
    return Reply(answer, ref, redaction)


def find_turn(deps: SlackDeps, ref: TurnRef) -> Answer | None:
    """The answer a button's TurnRef points at (None if it is gone)."""
    turns = deps.assistant.store.history(ref.conversation_id, limit=1_000_000)
    return turns[ref.number - 1] if 0 < ref.number <= len(turns) else None


def reply_blocks(deps: SlackDeps, reply: Reply, *, share: bool = False, head: list[Block] | None = None) -> list[Block]:
    """The full reply: optional head blocks, the answer, its sources, then 👍/👎 and "Still need help?"."""
    tail = build_feedback_blocks(reply.ref, share=share)
    head = head or []
    body = build_answer_blocks(reply.answer, public_url=deps.public_url, reserve=len(tail) + len(head))
    return [*head, *body, *tail]


def respond_privately(
    deps: SlackDeps, respond: Any, question: str, *, refusal: str, source: str, share: bool = False, **extra: Any
) -> None:
    """Answer `question` for one person through `respond` (ephemeral): the PII reminder first, then the answer
    under the question restated. `refusal` opens the message for bad input; `extra` goes with both posts."""
    try:
        reply = answer_question(deps, question)
    except InvalidInputError as exc:
        respond(response_type="ephemeral", text=f"{refusal}: {exc}")
        return
    except EnrollerError as exc:
        log.warning("%s failed: %s", source, exc)
        respond(response_type="ephemeral", text=FAILED)
        return
    if reply.redaction.found:
        respond(response_type="ephemeral", text=pii_reminder(reply.redaction), **extra)
    blocks = reply_blocks(deps, reply, share=share, head=[build_question_block(reply.answer.question)])
    respond(response_type="ephemeral", text=fallback_text(reply.answer), blocks=blocks, **extra)


def is_thread_asker(deps: SlackDeps, msg: Incoming) -> bool:
    """Whether `msg` comes from the person who asked the app into its thread (so it needs no new mention); the
    thread's starter is not the asker when someone else mentioned the app in it."""
    return deps.assistant.store.thread_asker(msg.conversation_id) == msg.user


def pii_reminder(redaction: Redaction) -> str:
    """The reminder not to paste consumer data in Slack, naming what was found."""
    kinds = sorted({_PII_NAMES.get(k, k) for k in redaction.kinds})
    return PII_REMINDER.format(kinds=" and ".join(kinds) if len(kinds) < 3 else ", ".join(kinds))


def remind_pii(client: WebClient, redaction: Redaction, *, channel: str, user: str, thread_ts: str | None) -> None:
    """Post the reminder as an ephemeral message (only the author sees it)."""
    try:
        client.chat_postEphemeral(channel=channel, user=user, text=pii_reminder(redaction), thread_ts=thread_ts)
    except SlackApiError as exc:
        log.warning("PII reminder not delivered: %s", exc.response.get("error"))


def answer_in_thread(
    client: WebClient,
    deps: SlackDeps,
    msg: Incoming,
    *,
    bot_user_id: str | None,
    set_status: Any = None,
    say_stream: Any = None,
) -> None:
    """Answer `msg` in its thread: 👀 (or the assistant status in a DM) while working, then the blocks; in a DM the
    answer is streamed when Slack allows it."""
    question = clean_question(msg.text, bot_user_id)
    if not question:
        client.chat_postMessage(channel=msg.channel, thread_ts=msg.thread_ts, text=EMPTY_QUESTION)
        return
    redaction = redact_pii(question)
    if redaction.found:
        remind_pii(client, redaction, channel=msg.channel, user=msg.user, thread_ts=msg.thread_ts)
    status = (
        msg.is_dm and set_status is not None and _try(set_status, status=THINKING, loading_messages=LOADING_MESSAGES)
    )
    if not status:
        _try(client.reactions_add, channel=msg.channel, timestamp=msg.ts, name="eyes")
    try:
        reply = answer_question(deps, redaction.text, msg.conversation_id)
    except InvalidInputError as exc:
        client.chat_postMessage(channel=msg.channel, thread_ts=msg.thread_ts, text=f"I can't answer that: {exc}")
        return
    except EnrollerError as exc:
        log.warning("answer failed: %s", exc)
        client.chat_postMessage(channel=msg.channel, thread_ts=msg.thread_ts, text=FAILED)
        return
    finally:
        if not status:
            _try(client.reactions_remove, channel=msg.channel, timestamp=msg.ts, name="eyes")
    if not msg.is_dm:
        # In the database, not in memory: a follow-up reaching another worker still knows whose thread this is.
        deps.assistant.store.set_thread_asker(msg.conversation_id, msg.user)
    if msg.is_dm and say_stream is not None and _stream(deps, reply, say_stream):
        return
    client.chat_postMessage(
        channel=msg.channel,
        thread_ts=msg.thread_ts,
        text=fallback_text(reply.answer),
        blocks=reply_blocks(deps, reply),
        unfurl_links=False,
        unfurl_media=False,
    )


def _stream(deps: SlackDeps, reply: Reply, say_stream: Any) -> bool:
    """Stream the answer text, then stop with the tool cards, sources and buttons; False if Slack refused the
    stream."""
    tail = build_feedback_blocks(reply.ref)
    blocks = build_answer_blocks(reply.answer, public_url=deps.public_url, reserve=len(tail))
    # The text sections are what is streamed; everything else (tool cards, the sources) comes with the stop.
    rest = [b for b in blocks if not (b["type"] == "section" and "text" in b)]
    try:
        stream = say_stream()
        for piece in split_text(render_parts(reply.answer), 4000):
            stream.append(markdown_text=piece + "\n\n")
        stream.stop(blocks=[*rest, *tail])
    except SlackApiError as exc:
        log.info("streaming refused (%s): posting the answer instead", exc.response.get("error"))
        return False
    return True


def _try(call: Any, **kwargs: Any) -> bool:
    """Call a cosmetic Web API method (reaction, status); its failure must never stop the answer."""
    try:
        call(**kwargs)
    except SlackApiError as exc:
        log.info("%s failed: %s", getattr(call, "__name__", "call"), exc.response.get("error"))
        return False
    return True
