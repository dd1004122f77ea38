"""Slack's own variables, under Slack's names (SLACK_BOT_TOKEN, ...): read here, not in assistant.Settings."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class SlackSettings(BaseSettings):
    """The Slack app's credentials and Web API address. See .env.example."""

    model_config = SettingsConfigDict(env_prefix="SLACK_", env_file=".env", extra="ignore")

    bot_token: str | None = Field(default=None, description="Bot token, xoxb-…")
    signing_secret: str | None = Field(default=None, description="Signing secret (HTTP mode).")
    app_token: str | None = Field(default=None, description="App-level token, xapp-… (Socket Mode).")
    api_url: str | None = Field(default=None, description="Web API base URL; default Slack's own.")

    @field_validator("api_url")
    @classmethod
    def _base_url(cls, value: str | None) -> str | None:
        # The method name is joined onto the base URL with urljoin, which without a trailing "/" replaces the last
        # segment (https://proxy/api + chat.postMessage → https://proxy/chat.postMessage). Today's WebClient adds the
        # "/" itself; normalising here keeps that true for any client handed this URL.
        if not value or not value.strip():
            return None
        return value.strip().rstrip("/") + "/"

    @property
    def http_ready(self) -> bool:
        """Whether HTTP mode can run: a bot token and a signing secret."""
        return bool(self.bot_token and self.signing_secret)
