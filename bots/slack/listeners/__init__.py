"""Bolt listeners, grouped by kind; `register(app)` adds them all."""

from __future__ import annotations

from slack_bolt import App

from bots.slack.listeners import actions, commands, events, shortcuts, views


def register(app: App) -> None:
    """Add every listener group to `app`."""
    for group in (events, commands, actions, shortcuts, views):
        group.register(app)
