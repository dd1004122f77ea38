"""Conversation memory in SQLite: each turn's (already redacted) Answer, so follow-ups can refer back.

One connection guarded by a lock: the CLI uses it from one thread, Slack and HTTP handlers from many.
The store never sees raw questions; `Assistant.ask` redacts PII before it calls `append`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from assistant.models import Answer

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    created_at TEXT NOT NULL,
    today TEXT NOT NULL,
    question TEXT NOT NULL,
    route TEXT NOT NULL,
    answer_json TEXT NOT NULL,
    pending_json TEXT
);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns(conversation_id, id);
"""


class StoreError(RuntimeError):
    """The conversation database cannot be opened or is not ours."""


class ConversationStore:
    """Recent turns per conversation id, in a SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10)
            self._db.execute("PRAGMA journal_mode=WAL")
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: made by a newer Enroller Assist (schema {version})")
            with self._db:
                self._db.executescript(_SCHEMA)
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a usable conversation database ({exc}); move it aside") from exc

    def new_conversation(self) -> str:
        """A fresh conversation id."""
        cid = uuid.uuid4().hex
        with self._lock, self._db:
            self._db.execute("INSERT INTO conversations VALUES (?, ?)", (cid, _now()))
        return cid

    def append(self, answer: Answer, *, today: date, pending: dict[str, Any] | None = None) -> None:
        """Store one turn (creating the conversation if the caller chose its own id)."""
        with self._lock, self._db:
            self._db.execute("INSERT OR IGNORE INTO conversations VALUES (?, ?)", (answer.conversation_id, _now()))
            self._db.execute(
                "INSERT INTO turns (conversation_id, created_at, today, question, route, answer_json, pending_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    answer.conversation_id,
                    _now(),
                    today.isoformat(),
                    answer.question,
                    answer.route,
                    answer.model_dump_json(),
                    json.dumps(pending) if pending is not None else None,
                ),
            )

    def history(self, conversation_id: str, limit: int = 6) -> list[Answer]:
        """The last `limit` turns of a conversation, oldest first ([] for an unknown id)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT answer_json FROM turns WHERE conversation_id = ? ORDER BY id DESC LIMIT ?",
                (conversation_id, limit),
            ).fetchall()
        return [Answer.model_validate_json(row[0]) for row in reversed(rows)]

    def pending(self, conversation_id: str) -> dict[str, Any] | None:
        """What the latest turn left waiting for an answer (a follow-up question's missing argument)."""
        with self._lock:
            row = self._db.execute(
                "SELECT pending_json FROM turns WHERE conversation_id = ? ORDER BY id DESC LIMIT 1",
                (conversation_id,),
            ).fetchone()
        if row is None or row[0] is None:
            return None
        value: dict[str, Any] = json.loads(row[0])
        return value

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
