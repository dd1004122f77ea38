"""The manifest declares exactly what the app registers."""

from __future__ import annotations

from pathlib import Path

import yaml

import bots.slack
from bots.slack.listeners.commands import COMMAND
from bots.slack.listeners.shortcuts import ASK_MESSAGE, ROP_DATES

MANIFEST = Path(bots.slack.__file__).with_name("manifest.yaml")


def test_manifest_matches_the_listeners() -> None:
    """Events, command, shortcuts, agent_view and scopes in the manifest are the ones the listeners use."""
    manifest = yaml.safe_load(MANIFEST.read_text())
    features = manifest["features"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert {(s["type"], s["callback_id"]) for s in features["shortcuts"]} == {
        ("message", ASK_MESSAGE),
        ("global", ROP_DATES),
    }
    assert features["agent_view"]["agent_description"]
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events == {
        "app_home_opened",
        "app_mention",
        "assistant_thread_started",
        "message.channels",
        "message.groups",
        "message.im",
    }
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "app_mentions:read",
        "assistant:write",
        "channels:history",
        "chat:write",
        "commands",
        "groups:history",
        "im:history",
        "reactions:write",
    }
    urls = {features["slash_commands"][0]["url"], manifest["settings"]["interactivity"]["request_url"]}
    assert urls == {manifest["settings"]["event_subscriptions"]["request_url"]}
    assert urls.pop().endswith("/slack/events")
