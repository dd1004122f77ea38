"""The conversation store on SQLite and PostgreSQL: round trips, order and limits, pending state, threads, schema
versions and migrations (the first release's SQLite files included), bad files, the feedback / Slack event /
help request / webinar tables, and PII."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from assistant import migrations
from assistant.models import Answer, Citation, ToolCall
from assistant.store import SCHEMA_VERSION, ConversationStore, StoreError, create_engine

TODAY = date(2026, 3, 20)
SECRETS = ("123-45-6789", "916-555-0143", "jane.doe@example.com")
PII_TEXT = "SSN 123-45-6789, phone 916-555-0143, email jane.doe@example.com"

# The first release's schema and how it opened a file, verbatim: the upgrade test builds its files this way.
V1_SCHEMA = """
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


def _answer(cid: str, n: int) -> Answer:
    return Answer(
        question=f"question {n}",
        answer=f"answer {n}",
        route="tool",
        tool_calls=[ToolCall(name="rop_calculator", arguments={"notice_date": "2026-03-03"}, result={"n": n})],
        citations=[Citation(source="rop.pdf", title="ROP", page=8, snippet="only Covered California")],
        conversation_id=cid,
    )


def _url(database: str | Path) -> str:
    return f"sqlite:///{database}" if isinstance(database, Path) else database


def _with_engine(database: str | Path, work: Callable[[sa.Engine], Any]) -> Any:
    engine = create_engine(_url(database))
    try:
        return work(engine)
    finally:
        engine.dispose()


def _dump(database: str | Path) -> str:
    """Every row of every table, as text."""

    def read(engine: sa.Engine) -> str:
        with engine.connect() as conn:
            return "\n".join(
                repr(row) for table in migrations.metadata.sorted_tables for row in conn.execute(sa.select(table))
            )

    text: str = _with_engine(database, read)
    return text


def _in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(0..count-1) in threads released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


# --- conversations and turns -------------------------------------------------------------------------------------


def test_round_trip_keeps_every_field(database: str | Path) -> None:
    """A stored answer comes back equal, tool calls and citations included, after reopening the database."""
    store = ConversationStore(database)
    cid = store.new_conversation()
    store.append(_answer(cid, 1), today=TODAY)
    store.close()
    with ConversationStore(database) as reopened:
        assert reopened.history(cid) == [_answer(cid, 1)]


def test_history_is_oldest_first_and_limited(database: str | Path) -> None:
    """History returns the last `limit` turns in the order they happened."""
    with ConversationStore(database) as store:
        cid = store.new_conversation()
        for n in range(8):
            store.append(_answer(cid, n), today=TODAY)
        assert [a.answer for a in store.history(cid, limit=3)] == ["answer 5", "answer 6", "answer 7"]
        assert len(store.history(cid)) == 6
        assert store.history("no-such-conversation") == []


def test_gap_turns_are_fallbacks_and_thumbs_down_since_a_date(database: str | Path) -> None:
    """Fallback turns and 👎'd turns come back (oldest first, flagged), others and older ones do not."""
    with ConversationStore(database) as store:
        cid = store.new_conversation()
        routes = ["fallback", "tool", "retrieval", "fallback", "tool"]
        for n, route in enumerate(routes):
            store.append(_answer(cid, n).model_copy(update={"route": route}), today=TODAY)
        first = store.last_turn_id(cid) - len(routes) + 1  # type: ignore[operator]
        store.add_feedback(cid, -1, turn_id=first + 2)
        store.add_feedback(cid, -1, turn_id=first + 3)
        store.add_feedback(cid, 1, turn_id=first + 4)

        def backdate(engine: sa.Engine) -> None:
            with engine.begin() as conn:
                turn = migrations.turns
                conn.execute(turn.update().where(turn.c.id == first).values(created_at="2025-01-02T08:00:00+00:00"))

        _with_engine(database, backdate)
        everything = store.gap_turns()
        assert [(g.question, g.route, g.thumbs_down) for g in everything] == [
            ("question 0", "fallback", False),
            ("question 2", "retrieval", True),
            ("question 3", "fallback", True),
        ]
        assert everything[0].created_at.startswith("2025-01-02")
        assert [g.question for g in store.gap_turns(since=date(2026, 1, 1))] == ["question 2", "question 3"]


def test_conversations_do_not_mix(database: str | Path) -> None:
    """Turns of one conversation never show up in another's history."""
    with ConversationStore(database) as store:
        a, b = store.new_conversation(), store.new_conversation()
        assert a != b
        store.append(_answer(a, 1), today=TODAY)
        store.append(_answer(b, 2), today=TODAY)
        assert [x.answer for x in store.history(a)] == ["answer 1"]
        assert [x.answer for x in store.history(b)] == ["answer 2"]


def test_pending_is_that_of_the_latest_turn_only(database: str | Path) -> None:
    """A follow-up's pending argument is visible until the next turn replaces it."""
    with ConversationStore(database) as store:
        cid = "slack-thread-1700000000.000100"  # callers may bring their own ids
        waiting = {"tool": "rop_calculator", "arguments": {}, "missing": "notice_date"}
        store.append(_answer(cid, 1), today=TODAY, pending=waiting)
        assert store.pending(cid) == waiting
        store.append(_answer(cid, 2), today=TODAY)
        assert store.pending(cid) is None
        assert store.pending("unknown") is None


def test_threads_append_concurrently(database: str | Path) -> None:
    """Appends from several threads (one store, its pool of connections) all land."""
    with ConversationStore(database) as store:
        cid = store.new_conversation()

        def work(offset: int) -> None:
            for n in range(25):
                store.append(_answer(cid, offset * 100 + n), today=TODAY)

        assert _in_threads(4, work) == [None] * 4
        assert len(store.history(cid, limit=1000)) == 100


# --- opening: URLs, paths, bad files, schema versions, migrations ------------------------------------------------


def test_sqlite_urls_and_plain_path_strings_are_accepted(tmp_path: Path) -> None:
    """A sqlite:/// URL and a plain path string name the same kind of file; parent folders are created."""
    for target, file in (
        (f"sqlite:///{tmp_path}/by-url/c.sqlite3", tmp_path / "by-url" / "c.sqlite3"),
        (str(tmp_path / "by-str" / "c.sqlite3"), tmp_path / "by-str" / "c.sqlite3"),
    ):
        with ConversationStore(target) as store:
            cid = store.new_conversation()
            store.append(_answer(cid, 1), today=TODAY)
        assert file.is_file()
        with ConversationStore(file) as store:
            assert store.history(cid) == [_answer(cid, 1)]


def test_in_memory_sqlite_works(tmp_path: Path) -> None:
    """sqlite:// (in memory) is one shared database for the store's lifetime, nothing written to disk."""
    with ConversationStore("sqlite://") as store:
        assert store.path is None
        cid = store.new_conversation()
        store.append(_answer(cid, 1), today=TODAY)
        assert store.history(cid) == [_answer(cid, 1)]
        assert store.record_event("Ev1") is True


def test_sqlite_file_is_in_wal_mode(tmp_path: Path) -> None:
    """SQLite files use WAL (readers do not wait for writers)."""
    path = tmp_path / "c.sqlite3"
    ConversationStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_corrupt_file_is_a_clear_error_and_is_kept(tmp_path: Path) -> None:
    """A file that is not a SQLite database is reported by path and left untouched."""
    path = tmp_path / "enroller.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match=r"enroller\.sqlite3.*not a usable"):
        ConversationStore(path)
    assert path.read_bytes() == b"this is not a database" * 100


def test_unreachable_postgresql_is_a_clear_error_without_the_password() -> None:
    """A PostgreSQL server that does not answer is a StoreError naming the URL, password hidden."""
    with socket.socket() as s:  # bound, then released: nothing listens on it
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://enroller:s3cret@127.0.0.1:{port}/enroller?connect_timeout=5"
    with pytest.raises(StoreError, match=rf"127\.0\.0\.1:{port}/enroller.*check the URL") as info:
        ConversationStore(url)
    assert "s3cret" not in str(info.value)


def test_schema_version_is_recorded_and_newer_databases_refused(database: str | Path) -> None:
    """The database carries our schema version; one from a newer schema is refused by name and not rewritten."""
    ConversationStore(database).close()

    def bump(engine: sa.Engine) -> str:
        with engine.begin() as conn:
            assert migrations.current_version(conn) == SCHEMA_VERSION
            versions = conn.execute(sa.select(migrations.schema_version.c.version)).scalars().all()
            assert sorted(versions) == [m.version for m in migrations.MIGRATIONS]
            conn.execute(migrations.schema_version.insert().values(version=SCHEMA_VERSION + 1, applied_at="later"))
        return _dump(database)

    before = _with_engine(database, bump)
    name = r"enroller\.sqlite3" if isinstance(database, Path) else str(database).rsplit("/", 1)[1]
    with pytest.raises(StoreError, match=rf"{name}.*newer.*schema {SCHEMA_VERSION + 1}"):
        ConversationStore(database)
    assert _dump(database) == before


def test_sqlite_user_version_mirrors_the_schema_and_a_newer_one_is_refused(tmp_path: Path) -> None:
    """SQLite files keep PRAGMA user_version in step (older releases check it); a newer one is refused."""
    path = tmp_path / "c.sqlite3"
    ConversationStore(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(StoreError, match=r"c\.sqlite3.*newer"):
        ConversationStore(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1


def test_first_release_sqlite_file_is_upgraded_in_place(tmp_path: Path) -> None:
    """A file the first release wrote (user_version=1, raw sqlite3) keeps its turns and gains the new tables."""
    path = tmp_path / "enroller.sqlite3"
    old = _answer("old-conversation", 1)
    waiting = {"tool": "rop_calculator", "arguments": {}, "missing": "notice_date"}
    db = sqlite3.connect(path, check_same_thread=False, timeout=10)  # exactly as the first release opened it
    db.execute("PRAGMA journal_mode=WAL")
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0
    with db:
        db.executescript(V1_SCHEMA)
        db.execute("PRAGMA user_version=1")
    with db:
        db.execute(
            "INSERT OR IGNORE INTO conversations VALUES (?, ?)", (old.conversation_id, "2026-03-20T10:00:00+00:00")
        )
        for answer, pending in ((_answer(old.conversation_id, 0), None), (old, waiting)):
            db.execute(
                "INSERT INTO turns (conversation_id, created_at, today, question, route, answer_json, pending_json)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    answer.conversation_id,
                    "2026-03-20T10:00:00+00:00",
                    TODAY.isoformat(),
                    answer.question,
                    answer.route,
                    answer.model_dump_json(),
                    json.dumps(pending) if pending is not None else None,
                ),
            )
    db.close()

    with ConversationStore(path) as store:
        assert store.history(old.conversation_id) == [_answer(old.conversation_id, 0), old]
        assert store.pending(old.conversation_id) == waiting
        store.append(_answer(old.conversation_id, 2), today=TODAY)  # turn ids continue after the old ones
        assert [a.answer for a in store.history(old.conversation_id)] == ["answer 0", "answer 1", "answer 2"]
        assert store.record_event("Ev1") is True
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT count(*) FROM turns").fetchone()[0] == 3
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"feedback", "slack_events", "slack_askers", "help_requests", "webinar_runs", "schema_version"} <= tables


def test_version_1_database_is_migrated_without_losing_turns(database: str | Path) -> None:
    """A database left at schema 1 by the migrations (on either backend) is brought up to date, turns kept."""

    def at_version_1(engine: sa.Engine) -> None:
        assert migrations.migrate(engine, target=1) == 1
        with engine.begin() as conn:
            assert migrations.current_version(conn) == 1
            assert not sa.inspect(conn).has_table("feedback")
            conn.execute(migrations.conversations.insert().values(id="c1", created_at="2026-03-20T10:00:00+00:00"))
            conn.execute(
                migrations.turns.insert().values(
                    conversation_id="c1",
                    created_at="2026-03-20T10:00:00+00:00",
                    today=TODAY.isoformat(),
                    question="question 1",
                    route="tool",
                    answer_json=_answer("c1", 1).model_dump_json(),
                )
            )

    if isinstance(database, Path):
        database.parent.mkdir(parents=True)
    _with_engine(database, at_version_1)
    with ConversationStore(database) as store:
        assert store.history("c1") == [_answer("c1", 1)]
        assert store.add_feedback("c1", 1, turn_id=store.last_turn_id("c1")) > 0
    assert _with_engine(database, migrations.migrate) == SCHEMA_VERSION


@pytest.mark.integration
def test_processes_starting_at_once_migrate_once(database: str | Path) -> None:
    """Several stores (each its own engine, as separate processes would have) opening a new database together."""
    if isinstance(database, Path):
        database.parent.mkdir(parents=True)
    results = _in_threads(4, lambda _: ConversationStore(database))
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    for store in results:
        store.close()

    def versions(engine: sa.Engine) -> list[int]:
        with engine.connect() as conn:
            return sorted(conn.execute(sa.select(migrations.schema_version.c.version)).scalars())

    assert _with_engine(database, versions) == [m.version for m in migrations.MIGRATIONS]


_OPEN_ON_GO = """
import sys
from assistant.store import ConversationStore
print("ready", flush=True)
sys.stdin.readline()
with ConversationStore(sys.argv[1]) as store:
    print(store.record_event("Ev-from-processes"))
"""


@pytest.mark.integration
def test_separate_processes_starting_at_once(database: str | Path) -> None:
    """Real processes opening one new database at the same moment: all open it, one of them records the event."""
    if isinstance(database, Path):
        database.parent.mkdir(parents=True)
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_ON_GO, str(database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],  # this checkout's packages
        )
        for _ in range(3)
    ]
    try:
        for p in procs:  # every interpreter has imported the store: the opens below start together
            assert p.stdout is not None
            assert p.stdout.readline() == "ready\n", p.communicate(timeout=60)[1]
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        outputs = [p.communicate(timeout=60) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outputs]
    assert sorted(out.strip() for out, _ in outputs) == ["False", "False", "True"]


# --- feedback, Slack events, help requests, webinar runs ---------------------------------------------------------


def test_turns_are_found_by_their_number(database: str | Path) -> None:
    """turn_id(cid, n) is the n-th turn's id (1 the first; None past the end or for n < 1); no n: the latest."""
    with ConversationStore(database) as store:
        cid = store.new_conversation()
        for n in (1, 2, 3):
            store.append(_answer(cid, n), today=TODAY)
        latest = store.last_turn_id(cid)
        assert latest is not None
        assert store.turn_count(cid) == 3
        assert store.turn_count("unknown") == 0
        assert [store.turn_id(cid, n) for n in (1, 2, 3)] == [latest - 2, latest - 1, latest]
        assert store.turn_id(cid) == latest
        assert store.turn_id(cid, 4) is None
        assert store.turn_id(cid, 0) is None
        assert store.turn_id("unknown", 1) is None


def test_feedback_is_listed_and_filtered(database: str | Path) -> None:
    """Thumbs up and down on a turn or an answer; bad_only keeps the downs; ratings other than ±1 are refused."""
    with ConversationStore(database) as store:
        assert store.list_feedback() == []
        cid = store.new_conversation()
        store.append(_answer(cid, 1), today=TODAY)
        turn = store.last_turn_id(cid)
        assert turn is not None
        assert store.last_turn_id("unknown") is None
        good = store.add_feedback(cid, 1, turn_id=turn)
        bad = store.add_feedback("slack-thread-1", -1, answer="answer 9", comment="wrong deadline")
        with pytest.raises(ValueError, match="rating"):
            store.add_feedback(cid, 0)
        everything = store.list_feedback()
        assert [f.id for f in everything] == [good, bad]
        assert (everything[0].turn_id, everything[0].rating, everything[0].comment) == (turn, 1, None)
        only_bad = store.list_feedback(bad_only=True)
        assert len(only_bad) == 1
        assert only_bad[0].id == bad
        assert (only_bad[0].conversation_id, only_bad[0].answer, only_bad[0].comment) == (
            "slack-thread-1",
            "answer 9",
            "wrong deadline",
        )
        assert only_bad[0].created_at.startswith(str(date.today().year))


def test_slack_events_are_recorded_once_across_stores(database: str | Path) -> None:
    """record_event is True the first time only, even when several stores race on the same id."""
    with ConversationStore(database) as store:
        assert store.record_event("Ev0001") is True
        assert store.record_event("Ev0001") is False
        assert store.record_event("Ev0002") is True
        stores = [ConversationStore(database) for _ in range(4)]
        try:
            results = _in_threads(4, lambda i: stores[i].record_event("Ev-raced"))
        finally:
            for other in stores:
                other.close()
        assert sorted(results) == [False, False, False, True]


def test_slack_thread_asker_is_shared_and_the_latest_wins(database: str | Path) -> None:
    """The asker of a Slack thread is read by another store on the same database; a later asker replaces it."""
    with ConversationStore(database) as store, ConversationStore(database) as other:
        assert store.thread_asker("slack:T:C:1.1") is None
        store.set_thread_asker("slack:T:C:1.1", "U1")
        assert other.thread_asker("slack:T:C:1.1") == "U1"
        other.set_thread_asker("slack:T:C:1.1", "U3")
        assert store.thread_asker("slack:T:C:1.1") == "U3"
        assert store.thread_asker("slack:T:C:2.2") is None


def test_help_requests_get_a_reference(database: str | Path) -> None:
    """A help request is stored and found again by the reference it returns."""
    with ConversationStore(database) as store:
        first = store.add_help_request(
            topic="Special enrollment",
            category="eligibility",
            description="Move date unclear",
            case_number="1234567890",
        )
        second = store.add_help_request(topic="Billing", category="payments", description="Binder payment")
        assert first != second
        assert first.startswith("HR-")
        request = store.help_request(first)
        assert request is not None
        assert (request.reference, request.topic, request.category, request.description, request.case_number) == (
            first,
            "Special enrollment",
            "eligibility",
            "Move date unclear",
            "1234567890",  # a case number is what the helper needs: kept
        )
        assert store.help_request("HR-none") is None


def test_webinar_runs_round_trip_newest_wins(database: str | Path) -> None:
    """A run's JSON comes back as saved; saving a name again replaces what load returns; unknown names are None."""
    with ConversationStore(database) as store:
        assert store.load_webinar_run("march") is None
        data = {"questions": [{"ask": "ROP days?", "score": 0.5, "ok": True, "n": None}], "total": 3}
        store.save_webinar_run("march", data)
        assert store.load_webinar_run("march") == data
        store.save_webinar_run("march", {"total": 4})
        assert store.load_webinar_run("march") == {"total": 4}


# --- PII ---------------------------------------------------------------------------------------------------------


def test_nothing_is_stored_unredacted(database: str | Path) -> None:
    """A redacted Answer round-trips unchanged; an unredacted question and every free text is redacted on write."""
    with ConversationStore(database) as store:
        redacted = _answer("c1", 1).model_copy(update={"question": "SSN [SSN], phone [PHONE]: how many ROP days?"})
        store.append(redacted, today=TODAY)
        assert store.history("c1") == [redacted]
        store.append(_answer("c1", 2).model_copy(update={"question": f"{PII_TEXT}: and now?"}), today=TODAY)
        assert store.history("c1")[-1].question == "SSN [SSN], phone [PHONE], email [EMAIL]: and now?"
        store.add_feedback("c1", -1, answer=f"answer {PII_TEXT}", comment=f"comment {PII_TEXT}")
        reference = store.add_help_request(topic=f"topic {PII_TEXT}", category="other", description=PII_TEXT)
        store.save_webinar_run("w", {"notes": [PII_TEXT], "by_field": {"q": PII_TEXT}})
        request = store.help_request(reference)
        assert request is not None
        assert request.description == "SSN [SSN], phone [PHONE], email [EMAIL]"
        assert store.load_webinar_run("w") == {"notes": [request.description], "by_field": {"q": request.description}}
        assert store.list_feedback()[0].comment == f"comment {request.description}"
    stored = _dump(database)
    assert "[SSN]" in stored
    for secret in SECRETS:
        assert secret not in stored
    if isinstance(database, Path):
        raw = b"".join(p.read_bytes() for p in database.parent.iterdir() if p.is_file())
        for secret in SECRETS:
            assert secret.encode() not in raw


def test_each_connection_carries_the_lock_statement_and_busy_timeouts(
    database: str | Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENROLLER_DB_LOCK_TIMEOUT / _STATEMENT_TIMEOUT reach every PostgreSQL connection, ENROLLER_DB_BUSY_TIMEOUT
    every SQLite one (defaults 5 s, 15 s and 10 s)."""
    from assistant.settings import Settings

    monkeypatch.setenv("ENROLLER_DB_LOCK_TIMEOUT", "1.5")
    monkeypatch.setenv("ENROLLER_DB_STATEMENT_TIMEOUT", "7")
    monkeypatch.setenv("ENROLLER_DB_BUSY_TIMEOUT", "2")
    settings = Settings(database_url=_url(database))
    for store, expected in (
        (ConversationStore(database), ("5s", "15s", 10000)),
        (ConversationStore.from_settings(settings), ("1500ms", "7s", 2000)),
    ):
        with store, store._engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                shown = (
                    conn.exec_driver_sql("SHOW lock_timeout").scalar(),
                    conn.exec_driver_sql("SHOW statement_timeout").scalar(),
                )
                assert shown == expected[:2]
            else:
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == expected[2]


def test_a_database_url_s_own_options_win(postgres_url: str) -> None:
    """`options` in DATABASE_URL are kept, after ours, so a lock_timeout the URL sets is the one in force."""
    url = sa.make_url(postgres_url).update_query_dict({"options": "-c lock_timeout=2500 -c search_path=public"})
    with ConversationStore(url.render_as_string(hide_password=False)) as store, store._engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "2500ms"
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "15s"
        assert conn.exec_driver_sql("SHOW search_path").scalar() == "public"
