"""The Slack app: Bolt listeners over the one Assistant, for HTTP mode (`mount_slack`) and Socket Mode."""

from bots.slack.app import build_slack_app
from bots.slack.serving import mount_slack, run_socket_mode
from bots.slack.settings import SlackSettings

__all__ = ["SlackSettings", "build_slack_app", "mount_slack", "run_socket_mode"]
