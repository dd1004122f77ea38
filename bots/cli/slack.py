"""`enroller slack`: the Slack app over Socket Mode (no public URL needed; HTTP mode is `enroller serve`)."""

from __future__ import annotations

import argparse
from typing import Any

from bots.cli.common import EXIT_OK, fail


def register(sub: Any) -> None:
    """Add `slack` to the `enroller` parser's subparsers."""
    p = sub.add_parser("slack", help="run the Slack app over Socket Mode (SLACK_APP_TOKEN, SLACK_BOT_TOKEN)")
    p.set_defaults(func=cmd_slack)


def cmd_slack(args: argparse.Namespace) -> int:
    """Connect to Slack and answer until interrupted."""
    from bots.slack import SlackSettings, run_socket_mode

    slack_settings = SlackSettings()
    missing = [
        name
        for name, value in (
            ("SLACK_BOT_TOKEN", slack_settings.bot_token),
            ("SLACK_APP_TOKEN", slack_settings.app_token),
        )
        if not value
    ]
    if missing:
        return fail(f"{' and '.join(missing)} not set: Socket Mode needs the bot token and an app-level token")
    from assistant.wiring import build_assistant

    with build_assistant() as assistant:
        run_socket_mode(assistant, slack_settings)
    return EXIT_OK
