"""The database schema and its versioned migrations (a small Alembic-free scheme, SQLite and PostgreSQL).

`schema_version` holds one row per applied migration; the schema's version is the highest. Each migration runs in
its own transaction, under a lock that makes two processes starting at once take turns: `BEGIN IMMEDIATE` on SQLite,
`pg_advisory_xact_lock` on PostgreSQL. SQLite files also carry the version in `PRAGMA user_version`, the mark the
first release used (its files have user_version=1 and no `schema_version` table; they are upgraded in place), and
the one an older release checks before refusing a newer file.

The tables below are the current schema. A future migration that alters one must spell out its own DDL rather than
create the table from these definitions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from assistant.errors import AssistantError

metadata = sa.MetaData()

# Timestamps are ISO 8601 text in UTC, as the first release wrote them, so that both backends sort them alike.
schema_version = sa.Table(
    "schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("applied_at", sa.Text, nullable=False),
)

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("created_at", sa.Text, nullable=False),
)

turns = sa.Table(
    "turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.Text, sa.ForeignKey("conversations.id"), nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("today", sa.Text, nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("route", sa.Text, nullable=False),
    sa.Column("answer_json", sa.Text, nullable=False),
    sa.Column("pending_json", sa.Text),
    sa.Index("turns_by_conversation", "conversation_id", "id"),
    sqlite_autoincrement=True,
)

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.Text, sa.ForeignKey("conversations.id"), nullable=False),
    sa.Column("turn_id", sa.Integer, sa.ForeignKey("turns.id")),
    sa.Column("answer", sa.Text),
    sa.Column("rating", sa.Integer, nullable=False),
    sa.Column("comment", sa.Text),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.CheckConstraint("rating IN (-1, 1)", name="feedback_rating_is_plus_or_minus_one"),
    sa.Index("feedback_by_rating", "rating", "id"),
)

slack_events = sa.Table(
    "slack_events",
    metadata,
    sa.Column("event_id", sa.Text, primary_key=True),
    sa.Column("received_at", sa.Text, nullable=False),
)

#: Who asked the app into a Slack thread (the latest @-mention's author): only their follow-ups are answered.
slack_askers = sa.Table(
    "slack_askers",
    metadata,
    sa.Column("conversation_id", sa.Text, primary_key=True),
    sa.Column("user_id", sa.Text, nullable=False),
    sa.Column("asked_at", sa.Text, nullable=False),
)

help_requests = sa.Table(
    "help_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("topic", sa.Text, nullable=False),
    sa.Column("category", sa.Text, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("case_number", sa.Text),
    sa.Column("reference", sa.Text, nullable=False, unique=True),
)

webinar_runs = sa.Table(
    "webinar_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", sa.Text, nullable=False),
    sa.Column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Index("webinar_runs_by_name", "name", "id"),
)


@dataclass(frozen=True)
class Migration:
    """One step of the schema: `apply` brings a database at `version - 1` to `version`."""

    version: int
    description: str
    apply: Callable[[sa.Connection], None]


def _create(*tables: sa.Table) -> Callable[[sa.Connection], None]:
    def apply(conn: sa.Connection) -> None:
        for table in tables:
            table.create(conn, checkfirst=True)  # checkfirst: files of the first release already have version 1

    return apply


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "conversations and their turns", _create(conversations, turns)),
    Migration(2, "feedback, Slack events, help requests, webinar runs",
              _create(feedback, slack_events, help_requests, webinar_runs)),
    Migration(3, "who asked the app into each Slack thread", _create(slack_askers)),
)  # fmt: skip

SCHEMA_VERSION = MIGRATIONS[-1].version

# pg_advisory_xact_lock key: "EnAs" in ASCII; any constant works as long as every process uses the same one.
_PG_LOCK_KEY = 0x456E4173


class NewerSchemaError(AssistantError):
    """The database was made by a newer release; nothing was written to it."""

    def __init__(self, found: int) -> None:
        super().__init__(f"schema {found}, this release knows up to {SCHEMA_VERSION}")
        self.found = found


def migrate(engine: sa.Engine, target: int = SCHEMA_VERSION) -> int:
    """Apply the missing migrations up to `target`, one transaction each; return the version reached.

    On SQLite, pass an engine from `assistant.store.create_engine`: its transactions include DDL and honour
    `sqlite_begin`, which the lock below needs (a bare pysqlite engine commits DDL as it goes).
    """
    while True:
        with _locked(engine) as conn:
            version = current_version(conn)
            if version > SCHEMA_VERSION:
                raise NewerSchemaError(version)
            if version >= target:
                return version
            step = MIGRATIONS[version]  # versions start at 1: MIGRATIONS[v] brings v to v + 1
            schema_version.create(conn, checkfirst=True)
            step.apply(conn)
            conn.execute(schema_version.insert().values(version=step.version, applied_at=now()))
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql(f"PRAGMA user_version={int(step.version)}")


def current_version(conn: sa.Connection) -> int:
    """The schema version of the connected database (0 for an empty one)."""
    version = 0
    if sa.inspect(conn).has_table(schema_version.name):
        version = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar_one() or 0
    if conn.dialect.name == "sqlite":
        version = max(version, conn.exec_driver_sql("PRAGMA user_version").scalar_one())
    return int(version)


@contextmanager
def _locked(engine: sa.Engine) -> Iterator[sa.Connection]:
    """A transaction that no other process's migration runs alongside."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.execution_options(sqlite_begin="BEGIN IMMEDIATE")  # read by the store's "begin" event hook
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
            yield conn


def now() -> str:
    """The current UTC time as stored: ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")
