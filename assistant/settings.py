"""Run-time configuration: one Settings object, env prefix ENROLLER_, read once and cached.

Only the assistant layer and the interfaces read it; `ingest/` and `tools/` take explicit paths.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Annotated

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(user_data_dir("enroller-assist", appauthor=False))


class Settings(BaseSettings):
    """Everything the program may configure. See .env.example for each variable."""

    model_config = SettingsConfigDict(env_prefix="ENROLLER_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir, description="Where everything we write lives.")
    index_dir: Path | None = Field(default=None, description="Index directory; default DATA_DIR/index.")
    knowledge_dir: Path | None = Field(
        default=None, description="Folder of operator YAML files that replace the shipped ones of the same name."
    )
    # DATABASE_URL keeps its conventional name (no prefix), as hosting platforms set it.
    database_url: str | None = Field(
        default=None,
        validation_alias="DATABASE_URL",
        description="SQLAlchemy URL of the database; default SQLite under DATA_DIR.",
    )
    db_connect_timeout: int = Field(
        default=5,
        ge=2,
        description="Seconds to wait for PostgreSQL to accept a new connection (libpq's minimum is 2).",
    )
    db_lock_timeout: float = Field(
        default=5.0,
        ge=0,
        description="Seconds a PostgreSQL statement waits for a lock another session holds (LOCK TABLE); 0: forever.",
    )
    db_statement_timeout: float = Field(
        default=15.0, ge=0, description="Seconds any PostgreSQL statement may run before it is cancelled; 0: no limit."
    )
    db_busy_timeout: float = Field(
        default=10.0, ge=0, description="Seconds a SQLite write waits for another connection's write lock."
    )
    # CHROMA_URL, like DATABASE_URL, is a deployment's shared service: no prefix.
    chroma_url: str | None = Field(
        default=None,
        validation_alias="CHROMA_URL",
        description="Chroma server holding the index (http://host:port), shared by every worker; default a folder.",
    )
    llm: str | None = Field(default=None, description="LangChain chat model id, e.g. openai:gpt-4o-mini.")
    llm_base_url: str | None = Field(default=None, description="OpenAI-compatible base URL for a local server.")
    llm_api_key: str | None = Field(default=None, description="API key for the LLM (else the provider's own var).")
    llm_timeout: float = Field(default=30.0, gt=0, description="Seconds before an LLM call is abandoned.")
    log_level: str = Field(default="WARNING", description="Python logging level name.")
    public_url: str | None = Field(
        default=None, description="The URL people reach the web pages at; Slack sources link to PUBLIC_URL/documents/…."
    )
    slack_helpers: str | None = Field(
        default=None, description="Slack user group id (S…) tagged when someone asks for a person's help."
    )
    slack_follow_ups: bool = Field(
        default=True, description="Answer the asker's next messages in a thread it answered, without a new mention."
    )
    slack_follow_ups_teams_off: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Slack workspace (team) ids, comma-separated, where follow-ups are off (SLACK_FOLLOW_UPS or not).",
    )
    portal_url: str | None = Field(default=None, description="Link to the Enroller Portal in 'Still need help?'.")
    # HTTP (`enroller serve`). Comma-separated lists, as an operator types them (NoDecode: not JSON).
    api_tokens: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list, description="Bearer tokens /api/* accepts; empty: no auth (loopback only)."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins (e.g. the portal's) allowed to call the API from a browser."
    )
    rate_limit: int = Field(
        default=120,
        ge=0,
        description="Requests a minute each API token (else client address) may make to /api/* per worker; 0: off.",
    )
    help_request_webhook: str | None = Field(
        default=None, description="URL submitted help requests are POSTed to as JSON instead of being stored."
    )

    @field_validator("chroma_url")
    @classmethod
    def _chroma_address(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        from ingest.store_chroma import parse_chroma_url

        return parse_chroma_url(value).url

    @field_validator("api_tokens", "cors_origins", "slack_follow_ups_teams_off", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @property
    def resolved_index_dir(self) -> Path:
        """The index directory in force: ENROLLER_INDEX_DIR, else DATA_DIR/index."""
        return self.index_dir if self.index_dir is not None else self.data_dir / "index"

    @property
    def database_path(self) -> Path:
        """The default SQLite database file (used when DATABASE_URL is unset)."""
        return self.data_dir / "enroller.sqlite3"

    @property
    def resolved_database_url(self) -> str:
        """DATABASE_URL, else SQLite under DATA_DIR."""
        return self.database_url or f"sqlite:///{self.database_path}"

    @property
    def log_dir(self) -> Path:
        """Where log files go."""
        return self.data_dir / "logs"


@cache
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use; a bad variable raises
    `SettingsError` naming it."""
    from pydantic import ValidationError

    from assistant.errors import SettingsError
    from tools.errors import describe_validation_error

    try:
        return Settings()
    except ValidationError as exc:
        detail = describe_validation_error(exc)
        field = detail.split(":", 1)[0]
        variable = field if field.isupper() else f"ENROLLER_{field.upper()}"
        raise SettingsError(f"{variable}{detail[len(field) :]}") from exc


def source_corpus_dir() -> Path | None:
    """The real source PDFs tests and evaluation read: ENROLLER_CORPUS_DIR, else `shared/corpus` beside the
    checkout (../shared/corpus) or beside any folder above it. Never copied into the project."""
    explicit = os.environ.get("ENROLLER_CORPUS_DIR")
    if explicit:
        return Path(explicit)
    repo = Path(__file__).resolve().parents[1]
    for parent in repo.parents:
        candidate = parent / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return None
