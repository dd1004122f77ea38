"""The SQLite conversation store: round trips, order and limits, pending state, threads, bad files."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest

from assistant.models import Answer, Citation, ToolCall
from assistant.store import SCHEMA_VERSION, ConversationStore, StoreError

TODAY = date(2026, 3, 20)


def _answer(cid: str, n: int) -> Answer:
    return Answer(
        question=f"question {n}",
        answer=f"answer {n}",
        route="tool",
        tool_calls=[ToolCall(name="rop_calculator", arguments={"notice_date": "2026-03-03"}, result={"n": n})],
        citations=[Citation(source="rop.pdf", title="ROP", page=8, snippet="only Covered California")],
        conversation_id=cid,
    )


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    """A stored answer comes back equal, tool calls and citations included, after reopening the file."""
    path = tmp_path / "db" / "enroller.sqlite3"
    store = ConversationStore(path)
    cid = store.new_conversation()
    store.append(_answer(cid, 1), today=TODAY)
    store.close()
    reopened = ConversationStore(path)
    assert reopened.history(cid) == [_answer(cid, 1)]
    reopened.close()


def test_history_is_oldest_first_and_limited(tmp_path: Path) -> None:
    """History returns the last `limit` turns in the order they happened."""
    store = ConversationStore(tmp_path / "c.sqlite3")
    cid = store.new_conversation()
    for n in range(8):
        store.append(_answer(cid, n), today=TODAY)
    assert [a.answer for a in store.history(cid, limit=3)] == ["answer 5", "answer 6", "answer 7"]
    assert store.history("no-such-conversation") == []


def test_conversations_do_not_mix(tmp_path: Path) -> None:
    """Turns of one conversation never show up in another's history."""
    store = ConversationStore(tmp_path / "c.sqlite3")
    a, b = store.new_conversation(), store.new_conversation()
    store.append(_answer(a, 1), today=TODAY)
    store.append(_answer(b, 2), today=TODAY)
    assert [x.answer for x in store.history(a)] == ["answer 1"]
    assert [x.answer for x in store.history(b)] == ["answer 2"]


def test_pending_is_that_of_the_latest_turn_only(tmp_path: Path) -> None:
    """A follow-up's pending argument is visible until the next turn replaces it."""
    store = ConversationStore(tmp_path / "c.sqlite3")
    cid = "slack-thread-1700000000.000100"  # callers may bring their own ids
    waiting = {"tool": "rop_calculator", "arguments": {}, "missing": "notice_date"}
    store.append(_answer(cid, 1), today=TODAY, pending=waiting)
    assert store.pending(cid) == waiting
    store.append(_answer(cid, 2), today=TODAY)
    assert store.pending(cid) is None
    assert store.pending("unknown") is None


def test_threads_append_concurrently(tmp_path: Path) -> None:
    """Appends from several threads all land (one shared connection, serialised by a lock)."""
    store = ConversationStore(tmp_path / "c.sqlite3")
    cid = store.new_conversation()

    def work(offset: int) -> None:
        for n in range(25):
            store.append(_answer(cid, offset + n), today=TODAY)

    threads = [threading.Thread(target=work, args=(i * 100,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.history(cid, limit=1000)) == 100


def test_corrupt_file_is_a_clear_error_and_is_kept(tmp_path: Path) -> None:
    """A file that is not a SQLite database is reported by path and left untouched."""
    path = tmp_path / "enroller.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"enroller\.sqlite3"):
        ConversationStore(path)
    assert path.read_bytes().startswith(b"this is not a database")


def test_schema_version_is_recorded_and_newer_files_refused(tmp_path: Path) -> None:
    """The file carries our schema version; a file from a newer schema is refused by path, not rewritten."""
    path = tmp_path / "c.sqlite3"
    ConversationStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match=r"c\.sqlite3.*newer"):
        ConversationStore(path)
