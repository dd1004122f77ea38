"""Conversation memory on SQLAlchemy 2 (SQLite or PostgreSQL): each turn's (already redacted) Answer, so follow-ups
can refer back, and the tables later features write to (feedback, Slack event ids and thread askers, help requests,
webinar runs).

An Engine with a connection pool serves every thread: the CLI uses the store from one thread, Slack and HTTP handlers
from many. SQLite files run in WAL mode with a busy timeout, so threads and processes can write alongside each other.
The schema is created and migrated on open (`assistant.migrations`).

The store never sees raw questions: `Assistant.ask` redacts PII before it calls `append`, and `append` redacts the
question once more in case another caller forgets. Every free-text field the other methods are given (feedback
comments, help-request descriptions, webinar data) goes through `assistant.pii.redact_pii` before it is written.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import StaticPool

from assistant.errors import AssistantError
from assistant.migrations import (
    SCHEMA_VERSION,
    NewerSchemaError,
    conversations,
    feedback,
    help_requests,
    migrate,
    now,
    slack_askers,
    slack_events,
    turns,
    webinar_runs,
)
from assistant.models import Answer
from assistant.pii import redact_pii

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = [
    "DATABASE_ERRORS",
    "SCHEMA_VERSION",
    "ConversationStore",
    "Feedback",
    "GapTurn",
    "HelpRequest",
    "StoreError",
    "create_engine",
    "database_reason",
]

#: Seconds a SQLite write waits for another connection's write lock before "database is locked".
BUSY_TIMEOUT_S = 10.0
#: Seconds a new PostgreSQL connection may take (psycopg's own default is 130 s): a server that accepts TCP and
#: never answers must not hold a request that long.
CONNECT_TIMEOUT_S = 5
#: Seconds a PostgreSQL statement waits for a lock another session holds (a migration's or maintenance job's
#: `LOCK TABLE`), and seconds any statement may run, before the server cancels it (PostgreSQL's own default for
#: both is to wait forever). 0: no bound.
LOCK_TIMEOUT_S = 5.0
STATEMENT_TIMEOUT_S = 15.0


class StoreError(AssistantError, RuntimeError):
    """The conversation database cannot be opened or is not ours."""


#: The database went away (server down, connection refused or timed out, SQLite locked) after the store opened, or
#: PostgreSQL cancelled a statement over its lock or statement timeout (psycopg's LockNotAvailable and QueryCanceled
#: are OperationalErrors).
DATABASE_ERRORS: tuple[type[Exception], ...] = (sa.exc.OperationalError, sa.exc.InterfaceError)


def database_reason(exc: Exception) -> str:
    """One line saying why the database failed (the driver's first line: no password, no SQL)."""
    orig = getattr(exc, "orig", None) or exc
    first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    return f"the database is unavailable: {first}"


@dataclass(frozen=True)
class Feedback:
    """A thumbs up (+1) or down (-1) on an answer, as stored (comment redacted)."""

    id: int
    conversation_id: str
    turn_id: int | None
    answer: str | None
    rating: int
    comment: str | None
    created_at: str


@dataclass(frozen=True)
class HelpRequest:
    """A request for help from a person, as stored (free text redacted)."""

    reference: str
    created_at: str
    topic: str
    category: str
    description: str
    case_number: str | None


@dataclass(frozen=True)
class GapTurn:
    """A stored turn the assistant could not answer well: it fell back, or someone gave it a thumbs down."""

    turn_id: int
    question: str
    route: str
    created_at: str
    thumbs_down: bool


class ConversationStore:
    """Recent turns per conversation id, and the other records, in SQLite or PostgreSQL.

    `url_or_path` is a SQLAlchemy URL (`sqlite:///…`, `postgresql+psycopg://…`) or a file path (a SQLite file;
    missing parent folders are created). The timeouts, in seconds, are `create_engine`'s; `from_settings` takes
    them from ENROLLER_DB_*.
    """

    def __init__(
        self,
        url_or_path: str | Path,
        *,
        connect_timeout: int = CONNECT_TIMEOUT_S,
        lock_timeout: float = LOCK_TIMEOUT_S,
        statement_timeout: float = STATEMENT_TIMEOUT_S,
        busy_timeout: float = BUSY_TIMEOUT_S,
    ) -> None:
        self.url, self.path = _resolve(url_or_path)
        self._name = str(self.path) if self.path is not None else self.url.render_as_string(hide_password=True)
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._engine = create_engine(
                self.url,
                connect_timeout=connect_timeout,
                lock_timeout=lock_timeout,
                statement_timeout=statement_timeout,
                busy_timeout=busy_timeout,
            )
        except (OSError, sa.exc.ArgumentError, ImportError) as exc:
            raise StoreError(f"{self._name}: cannot open the conversation database ({exc})") from exc
        try:
            migrate(self._engine)
        except NewerSchemaError as exc:
            self._engine.dispose()
            raise StoreError(f"{self._name}: made by a newer Enroller Assist ({exc}); upgrade this one") from exc
        except (sa.exc.SQLAlchemyError, sqlite3.DatabaseError) as exc:
            self._engine.dispose()
            detail = " ".join(str(getattr(exc, "orig", None) or exc).split())
            if self.path is not None:
                raise StoreError(f"{self._name}: not a usable conversation database ({detail}); move it aside") from exc
            raise StoreError(f"{self._name}: cannot use the database ({detail}); check the URL and the server") from exc

    @classmethod
    def from_settings(cls, settings: Settings) -> ConversationStore:
        """The store DATABASE_URL names (else SQLite under DATA_DIR), with the ENROLLER_DB_* timeouts."""
        return cls(
            settings.resolved_database_url,
            connect_timeout=settings.db_connect_timeout,
            lock_timeout=settings.db_lock_timeout,
            statement_timeout=settings.db_statement_timeout,
            busy_timeout=settings.db_busy_timeout,
        )

    @property
    def name(self) -> str:
        """The database file, or its URL with the password hidden: safe to print."""
        return self._name

    def __enter__(self) -> ConversationStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def new_conversation(self) -> str:
        """A fresh conversation id."""
        cid = uuid.uuid4().hex
        with self._engine.begin() as conn:
            conn.execute(conversations.insert().values(id=cid, created_at=now()))
        return cid

    def append(self, answer: Answer, *, today: date, pending: dict[str, Any] | None = None) -> None:
        """Store one turn (creating the conversation if the caller chose its own id)."""
        question = redact_pii(answer.question).text
        if question != answer.question:
            answer = answer.model_copy(update={"question": question})
        with self._engine.begin() as conn:
            conn.execute(self._insert_ignore(conversations).values(id=answer.conversation_id, created_at=now()))
            conn.execute(
                turns.insert().values(
                    conversation_id=answer.conversation_id,
                    created_at=now(),
                    today=today.isoformat(),
                    question=answer.question,
                    route=answer.route,
                    answer_json=answer.model_dump_json(),
                    pending_json=json.dumps(pending) if pending is not None else None,
                )
            )

    def history(self, conversation_id: str, limit: int = 6) -> list[Answer]:
        """The last `limit` turns of a conversation, oldest first ([] for an unknown id)."""
        query = (
            sa.select(turns.c.answer_json)
            .where(turns.c.conversation_id == conversation_id)
            .order_by(turns.c.id.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            rows = conn.execute(query).scalars().all()
        return [Answer.model_validate_json(row) for row in reversed(rows)]

    def pending(self, conversation_id: str) -> dict[str, Any] | None:
        """What the latest turn left waiting for an answer (a follow-up question's missing argument)."""
        query = (
            sa.select(turns.c.pending_json)
            .where(turns.c.conversation_id == conversation_id)
            .order_by(turns.c.id.desc())
            .limit(1)
        )
        with self._engine.connect() as conn:
            raw = conn.execute(query).scalar()
        if raw is None:
            return None
        value: dict[str, Any] = json.loads(raw)
        return value

    def last_turn_id(self, conversation_id: str) -> int | None:
        """The id of a conversation's latest turn (what feedback on "the answer just given" refers to)."""
        query = sa.select(sa.func.max(turns.c.id)).where(turns.c.conversation_id == conversation_id)
        with self._engine.connect() as conn:
            value: int | None = conn.execute(query).scalar()
        return value

    def turn_id(self, conversation_id: str, turn: int | None = None) -> int | None:
        """The id of a conversation's `turn`-th turn (1 is its first answer), or of its latest when `turn` is None;
        None when there is no such turn."""
        if turn is None:
            return self.last_turn_id(conversation_id)
        if turn < 1:
            return None
        query = (
            sa.select(turns.c.id)
            .where(turns.c.conversation_id == conversation_id)
            .order_by(turns.c.id)
            .offset(turn - 1)
            .limit(1)
        )
        with self._engine.connect() as conn:
            value: int | None = conn.execute(query).scalar()
        return value

    def turn_count(self, conversation_id: str) -> int:
        """How many turns a conversation has (0 for an unknown id)."""
        query = sa.select(sa.func.count()).select_from(turns).where(turns.c.conversation_id == conversation_id)
        with self._engine.connect() as conn:
            count: int = conn.execute(query).scalar_one()
        return count

    def add_feedback(
        self,
        conversation_id: str,
        rating: int,
        *,
        turn_id: int | None = None,
        answer: str | None = None,
        comment: str | None = None,
    ) -> int:
        """Record +1 or -1 on a turn (by id) or an answer (by its text); free text is redacted. Returns its id."""
        if rating not in (-1, 1):
            raise ValueError(f"rating must be +1 or -1, not {rating!r}")
        with self._engine.begin() as conn:
            conn.execute(self._insert_ignore(conversations).values(id=conversation_id, created_at=now()))
            row_id: int = conn.execute(
                feedback.insert()
                .values(
                    conversation_id=conversation_id,
                    turn_id=turn_id,
                    answer=_redact(answer),
                    rating=rating,
                    comment=_redact(comment),
                    created_at=now(),
                )
                .returning(feedback.c.id)
            ).scalar_one()
        return row_id

    def list_feedback(self, bad_only: bool = False) -> list[Feedback]:
        """All feedback, oldest first; with `bad_only`, only the thumbs down."""
        query = sa.select(*feedback.c).order_by(feedback.c.id)
        if bad_only:
            query = query.where(feedback.c.rating < 0)
        with self._engine.connect() as conn:
            return [Feedback(**row._mapping) for row in conn.execute(query)]

    def gap_turns(self, since: date | None = None) -> list[GapTurn]:
        """Turns (from every interface) that fell back or got a 👎 on their turn id, created on or after `since`
        (UTC), oldest first; questions as stored (redacted)."""
        down = sa.select(feedback.c.turn_id).where(feedback.c.rating < 0, feedback.c.turn_id.is_not(None))
        disliked = turns.c.id.in_(down)
        query = (
            sa.select(turns.c.id, turns.c.question, turns.c.route, turns.c.created_at, disliked.label("down"))
            .where(sa.or_(turns.c.route == "fallback", disliked))
            .order_by(turns.c.id)
        )
        if since is not None:
            query = query.where(turns.c.created_at >= since.isoformat())
        with self._engine.connect() as conn:
            return [
                GapTurn(
                    turn_id=r.id, question=r.question, route=r.route, created_at=r.created_at, thumbs_down=bool(r.down)
                )
                for r in conn.execute(query)
            ]

    def record_event(self, event_id: str) -> bool:
        """Note a Slack event id; False when it was seen before (by any process): Slack retries deliveries."""
        with self._engine.begin() as conn:
            insert = self._insert_ignore(slack_events).values(event_id=event_id, received_at=now())
            # RETURNING rather than rowcount: a row comes back only if this INSERT wrote it (psycopg's rowcount is -1).
            return conn.execute(insert.returning(slack_events.c.event_id)).first() is not None

    def set_thread_asker(self, conversation_id: str, user_id: str) -> None:
        """Note who asked the app into a Slack thread (the latest asker replaces an earlier one)."""
        values = {"conversation_id": conversation_id, "user_id": user_id, "asked_at": now()}
        upsert = self._insert(slack_askers).values(**values)
        upsert = upsert.on_conflict_do_update(
            index_elements=[slack_askers.c.conversation_id],
            set_={"user_id": upsert.excluded.user_id, "asked_at": upsert.excluded.asked_at},
        )
        with self._engine.begin() as conn:
            conn.execute(upsert)

    def thread_asker(self, conversation_id: str) -> str | None:
        """Who asked the app into a Slack thread (None: nobody, so it answers no follow-up there)."""
        query = sa.select(slack_askers.c.user_id).where(slack_askers.c.conversation_id == conversation_id)
        with self._engine.connect() as conn:
            value: str | None = conn.execute(query).scalar()
        return value

    def add_help_request(self, *, topic: str, category: str, description: str, case_number: str | None = None) -> str:
        """Store a request for a person's help (free text redacted); returns its reference, e.g. HR-20260320-1A2B3C."""
        created_at = now()
        reference = f"HR-{created_at[:10].replace('-', '')}-{uuid.uuid4().hex[:6].upper()}"
        with self._engine.begin() as conn:
            conn.execute(
                help_requests.insert().values(
                    created_at=created_at,
                    topic=redact_pii(topic).text,
                    category=redact_pii(category).text,
                    description=redact_pii(description).text,
                    case_number=case_number,
                    reference=reference,
                )
            )
        return reference

    def help_request(self, reference: str) -> HelpRequest | None:
        """A stored help request by its reference (None if unknown)."""
        columns = [help_requests.c[f] for f in HelpRequest.__dataclass_fields__]
        query = sa.select(*columns).where(help_requests.c.reference == reference)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return HelpRequest(**row._mapping) if row is not None else None

    def save_webinar_run(self, name: str, data: dict[str, Any]) -> None:
        """Store a webinar run's results (JSON; strings redacted) under `name`; the newest run of a name wins."""
        with self._engine.begin() as conn:
            conn.execute(webinar_runs.insert().values(name=name, created_at=now(), data=_redact_json(data)))

    def load_webinar_run(self, name: str) -> dict[str, Any] | None:
        """The newest run saved under `name` (None if there is none)."""
        query = sa.select(webinar_runs.c.data).where(webinar_runs.c.name == name).order_by(webinar_runs.c.id.desc())
        with self._engine.connect() as conn:
            data: dict[str, Any] | None = conn.execute(query.limit(1)).scalar()
        return data

    def close(self) -> None:
        """Close the database connections."""
        self._engine.dispose()

    def _insert(self, table: sa.Table) -> Any:
        """An INSERT in this engine's dialect, which can take an ON CONFLICT clause."""
        dialect = postgresql if self._engine.dialect.name == "postgresql" else sqlite
        return dialect.insert(table)

    def _insert_ignore(self, table: sa.Table) -> Any:
        """INSERT … ON CONFLICT DO NOTHING in this engine's dialect (atomic across processes)."""
        return self._insert(table).on_conflict_do_nothing()


def _resolve(url_or_path: str | Path) -> tuple[sa.URL, Path | None]:
    """The SQLAlchemy URL, and the SQLite file it names (None for PostgreSQL or an in-memory database)."""
    if isinstance(url_or_path, Path) or "://" not in url_or_path:
        path = Path(url_or_path).expanduser()
        return sa.URL.create("sqlite", database=str(path)), path
    try:
        url = sa.make_url(url_or_path)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"not a database URL or path: {url_or_path!r}") from exc
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return url, Path(url.database).expanduser()
    return url, None


def create_engine(
    url: str | sa.URL,
    *,
    connect_timeout: int = CONNECT_TIMEOUT_S,
    lock_timeout: float = LOCK_TIMEOUT_S,
    statement_timeout: float = STATEMENT_TIMEOUT_S,
    busy_timeout: float = BUSY_TIMEOUT_S,
) -> sa.Engine:
    """An Engine set up as the store uses it: SQLite with WAL, a busy timeout (`busy_timeout` seconds), foreign
    keys, real transactions (DDL included; `sqlite_begin="BEGIN IMMEDIATE"` as an execution option takes the write
    lock up front, which `assistant.migrations.migrate` relies on), shareable across threads; PostgreSQL with
    pre-ping, a connect timeout (`connect_timeout` seconds, unless the URL sets its own) and, on every connection,
    `lock_timeout` and `statement_timeout` (seconds; 0 for none), so a table another session has locked costs a
    request those seconds and a database error (503) instead of a wait without end. Settings the URL's own
    `options` gives win (they come after ours)."""
    url = sa.make_url(url)
    if url.get_backend_name() != "sqlite":
        connect_args: dict[str, Any] = {} if "connect_timeout" in url.query else {"connect_timeout": connect_timeout}
        lock_ms, statement_ms = _milliseconds(lock_timeout), _milliseconds(statement_timeout)
        options = f"-c lock_timeout={lock_ms} -c statement_timeout={statement_ms}"
        own = url.query.get("options")
        own_options = " ".join(own) if isinstance(own, tuple) else own
        connect_args["options"] = f"{options} {own_options}" if own_options else options
        return sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
    in_memory = url.database in (None, "", ":memory:")
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout},
        # One shared connection for an in-memory database (a pool would give each connection its own).
        poolclass=StaticPool if in_memory else None,
    )

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event below opens transactions, DDL included
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={_milliseconds(busy_timeout)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            if not in_memory:
                _enable_wal(cursor, busy_timeout)
        finally:
            cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))

    return engine


def _milliseconds(seconds: float) -> int:
    return max(0, round(seconds * 1000))


def _enable_wal(cursor: sqlite3.Cursor, busy_timeout: float) -> None:
    """Switch the file to WAL (once per file: the mode sticks). The switch needs the file to itself and SQLite
    reports "database is locked" at once, without the busy timeout, while another connection uses it: retry."""
    deadline = time.monotonic() + busy_timeout
    while cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _redact(text: str | None) -> str | None:
    return redact_pii(text).text if text is not None else None


def _redact_json(value: Any) -> Any:
    if isinstance(value, str):
        return redact_pii(value).text
    if isinstance(value, dict):
        return {key: _redact_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_json(item) for item in value]
    return value
