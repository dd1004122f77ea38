"""Faults on a real server: PostgreSQL stopped, hanging or its tables locked under a running app, a SQLite file
locked by another connection, and an LLM endpoint that is down or slow."""

from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import sqlalchemy as sa

from assistant.engine import Assistant
from assistant.llm import LlmResponder, load_chat_model
from assistant.settings import Settings
from assistant.store import DATABASE_ERRORS, ConversationStore, StoreError, database_reason
from bots.http import create_app
from tests.assistant.conftest import postgres_server, postgres_url
from tests.assistant.fakes import FakeHit
from tests.bots.http.conftest import LiveServer, http_settings, serve_app
from tests.bots.slack.conftest import fake_slack
from tests.bots.slack.fake_slack import FakeSlack, signed_mention
from tests.postgres import PostgresServer

__all__ = ["fake_slack", "postgres_server", "postgres_url"]

LOCK_TIMEOUT = 1.0  # seconds: ENROLLER_DB_LOCK_TIMEOUT / ENROLLER_DB_BUSY_TIMEOUT in these tests (defaults 5 and 10)
ROP_QUESTION = "NOD01 dated 3/3/26, when is the ROP due?"
PASSAGE = FakeHit("rop.pdf", "ROP guide", 8, "Carriers are unable to process reinstatements for these cases.")


def fake_search(query: str, k: int) -> list[FakeHit]:
    """One fixed passage: these tests are about the faults, not retrieval."""
    return [PASSAGE][:k]


# --- PostgreSQL down -------------------------------------------------------------------------------------


def _pg_ctl(server: PostgresServer, action: str) -> None:
    """Stop or start the session's server in place (same port and data: its databases survive)."""
    options = f"-p {server.port} -k {server.root} -h 127.0.0.1 -c fsync=off -c synchronous_commit=off"
    server._run(
        str(server.bin_dir / "pg_ctl"), "-D", str(server.data), "-o", options,
        "-l", str(server.root / "server.log"), "-m", "fast", "-w", "-t", "60", action,
    )  # fmt: skip


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


@contextlib.contextmanager
def _pg_tables_locked(url: str, tables: tuple[str, ...]) -> Iterator[None]:
    """Another session (its own psycopg connection) holding ACCESS EXCLUSIVE on `tables` in an open transaction,
    as a migration or a maintenance job would; released (rolled back) on exit."""
    plain = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as conn:
        conn.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")
        try:
            yield
        finally:
            conn.rollback()


@contextlib.contextmanager
def _conversation_served(settings: Settings, tmp_path: Path) -> Iterator[tuple[LiveServer, str, ConversationStore]]:
    """The HTTP app on 127.0.0.1 over the store `settings` name (fake search, no rate limit), with one ROP question
    answered there: (the server, that conversation's id, the store); the store is closed on exit."""
    store = ConversationStore.from_settings(settings)
    assistant = Assistant(search=fake_search, store=store, settings=settings)
    try:
        for server in serve_app(create_app(http_settings(tmp_path, None, rate_limit=0), assistant)):
            first = httpx.post(f"{server.url}/api/ask", json={"question": ROP_QUESTION}, timeout=30)
            assert first.status_code == 200, first.text
            yield server, first.json()["conversation_id"], store
            break
    finally:
        store.close()


@pytest.fixture
def pg_app(postgres_server: PostgresServer, tmp_path: Path) -> Iterator[tuple[LiveServer, str]]:
    """A real server whose assistant keeps its state in PostgreSQL."""
    url = postgres_server.url(postgres_server.create_database())
    store = ConversationStore(url)
    assistant = Assistant(search=fake_search, store=store, settings=Settings(llm=None))
    settings = http_settings(tmp_path, None, rate_limit=0)
    try:
        yield from ((server, url) for server in serve_app(create_app(settings, assistant)))
    finally:
        store.close()


def test_postgres_down_answers_still_served_writes_fail_loudly(
    postgres_server: PostgresServer, pg_app: tuple[LiveServer, str]
) -> None:
    """With PostgreSQL stopped: /api/ask still answers (no memory); feedback is 503 with the reason; /readyz
    says so; nothing is half-written once the server is back."""
    server, url = pg_app
    first = httpx.post(f"{server.url}/api/ask", json={"question": ROP_QUESTION}, timeout=30)
    assert first.status_code == 200, first.text
    cid = first.json()["conversation_id"]
    turns_before = _count(url, "turns")

    _pg_ctl(postgres_server, "stop")
    try:
        started = time.monotonic()
        down = httpx.post(f"{server.url}/api/ask", json={"question": ROP_QUESTION, "conversation_id": cid}, timeout=60)
        assert down.status_code == 200, down.text
        assert "2026-06-06" in down.json()["answer"]
        assert time.monotonic() - started < 20

        feedback = httpx.post(f"{server.url}/api/feedback", json={"conversation_id": cid, "rating": 1}, timeout=60)
        assert feedback.status_code == 503, feedback.text
        assert "database" in feedback.json()["detail"]

        ready = httpx.get(f"{server.url}/readyz", timeout=60)
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"].startswith("unreachable")
    finally:
        _pg_ctl(postgres_server, "start")

    assert _count(url, "feedback") == 0
    assert _count(url, "turns") == turns_before
    # Back up: memory and writes work again.
    again = httpx.post(f"{server.url}/api/feedback", json={"conversation_id": cid, "rating": 1}, timeout=30)
    assert again.status_code == 201, again.text
    assert _count(url, "feedback") == 1


# --- PostgreSQL down for Slack's event ids -------------------------------------------------------------------

SLACK_SECRET = "faults-signing-secret"
ANSWER_METHODS = ("chat.postMessage", "chat.startStream")


@pytest.fixture
def pg_slack_app(
    postgres_server: PostgresServer, fake_slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[LiveServer, str]]:
    """A real server with Slack mounted (as `enroller serve` mounts it), its state in PostgreSQL."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-faults")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SLACK_SECRET)
    monkeypatch.setenv("SLACK_API_URL", fake_slack.url)
    url = postgres_server.url(postgres_server.create_database())
    store = ConversationStore(url, lock_timeout=LOCK_TIMEOUT)
    assistant = Assistant(search=fake_search, store=store, settings=Settings(llm=None))
    try:
        yield from ((server, url) for server in serve_app(create_app(http_settings(tmp_path, None), assistant)))
    finally:
        store.close()


def _post_event(server: LiveServer, event_id: str, ts: str, retry: int | None = None) -> httpx.Response:
    """A signed app_mention delivery (with X-Slack-Retry-Num when it is Slack's retry)."""
    body, headers = signed_mention(event_id, ROP_QUESTION, secret=SLACK_SECRET, ts=ts)
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_error"}
    return httpx.post(f"{server.url}/slack/events", content=body, headers=headers, timeout=60)


def _answers(fake: FakeSlack, ts: str) -> list[Any]:
    """The answers posted in the thread of the mention at `ts`."""
    return [c for c in fake.calls if c.method in ANSWER_METHODS and c.args.get("thread_ts") == ts]


def _wait_answers(fake: FakeSlack, ts: str, count: int, seconds: float = 30) -> list[Any]:
    """Wait (the answer is posted after the ack) until `count` answers are in the thread, or the time is up."""
    deadline = time.monotonic() + seconds
    while len(_answers(fake, ts)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return _answers(fake, ts)


def test_postgres_down_slack_event_is_refused_then_its_retry_answered_once(
    postgres_server: PostgresServer, pg_slack_app: tuple[LiveServer, str], fake_slack: FakeSlack
) -> None:
    """PostgreSQL stopped: a signed event is 503 (Slack retries it), nothing posted or written; once PostgreSQL is
    back, Slack's retry is answered exactly once and a further retry is not answered again."""
    server, url = pg_slack_app
    first = _post_event(server, "EvFaultsUp", "1700000000.000100")
    assert first.status_code == 200, first.text
    assert len(_wait_answers(fake_slack, "1700000000.000100", 1)) == 1

    ts = "1700000000.000200"
    _pg_ctl(postgres_server, "stop")
    try:
        down = _post_event(server, "EvFaultsDown", ts)
        assert down.status_code == 503, down.text
        assert "database" in down.text
        time.sleep(1)  # an answer would be posted by now (the fake answers in milliseconds)
        assert _answers(fake_slack, ts) == []
    finally:
        _pg_ctl(postgres_server, "start")

    assert _count(url, "slack_events") == 1  # only the first event's id: nothing half-written while down
    turns_before = _count(url, "turns")
    retry = _post_event(server, "EvFaultsDown", ts, retry=1)
    assert retry.status_code == 200, retry.text
    assert len(_wait_answers(fake_slack, ts, 1)) == 1
    again = _post_event(server, "EvFaultsDown", ts, retry=2)
    assert again.status_code == 200, again.text
    time.sleep(1)
    assert len(_answers(fake_slack, ts)) == 1
    assert _count(url, "slack_events") == 2
    assert _count(url, "turns") == turns_before + 1


def test_postgres_locked_slack_event_is_refused_then_its_retry_answered_once(
    pg_slack_app: tuple[LiveServer, str], fake_slack: FakeSlack
) -> None:
    """slack_events locked ACCESS EXCLUSIVE by another session (lock timeout 1 s): the event is 503 naming the
    lock timeout within the timeout plus a margin, nothing posted or written; once released, Slack's retry is
    answered exactly once."""
    server, url = pg_slack_app
    ts = "1700000000.000300"
    with _pg_tables_locked(url, ("slack_events",)):
        started = time.monotonic()
        locked = _post_event(server, "EvFaultsLocked", ts)
        elapsed = time.monotonic() - started
        assert locked.status_code == 503, locked.text
        assert locked.text.startswith("the database is unavailable: "), locked.text
        assert "lock timeout" in locked.text
        print(f"slack_events locked: event refused in {elapsed:.2f} s")
        assert elapsed < LOCK_TIMEOUT + MARGIN, elapsed
        time.sleep(1)
        assert _answers(fake_slack, ts) == []
    assert _count(url, "slack_events") == 0
    retry = _post_event(server, "EvFaultsLocked", ts, retry=1)
    assert retry.status_code == 200, retry.text
    assert len(_wait_answers(fake_slack, ts, 1)) == 1
    assert _count(url, "slack_events") == 1


# --- PostgreSQL hanging ------------------------------------------------------------------------------------

CONNECT_TIMEOUT = 2  # seconds (libpq's minimum)
MARGIN = 8  # seconds on top: the answer itself, a loaded machine


class HangingGate:
    """A TCP gate on 127.0.0.1 in front of PostgreSQL: forwards while open; once `hang()` is called it drops the
    connections it carried and accepts new ones without ever answering (a server that is up but stuck)."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.hanging = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.accepted_while_hanging = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._sockets.append(client)
                if self.hanging:
                    self.accepted_while_hanging += 1
                    continue  # accepted, never read, never answered
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
                self._sockets.append(upstream)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)

    def _drop(self) -> None:
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._sockets.clear()

    def hang(self) -> None:
        """From now on: accept, never answer; the connections carried so far are cut."""
        with self._lock:
            self.hanging = True
            self._drop()

    def close(self) -> None:
        self._listener.close()
        with self._lock:
            self._drop()


@pytest.fixture
def hanging_gate(postgres_server: PostgresServer) -> Iterator[tuple[HangingGate, str]]:
    """A gate in front of a fresh database of the session's server, and the database's URL through the gate."""
    name = postgres_server.create_database()
    gate = HangingGate(postgres_server.port)
    try:
        yield gate, f"postgresql+psycopg://{postgres_server.user}@127.0.0.1:{gate.port}/{name}"
    finally:
        gate.close()


def test_a_hanging_database_cannot_hold_start_up(hanging_gate: tuple[HangingGate, str]) -> None:
    """Opening the store on a server that accepts and never answers fails within the connect timeout, naming it."""
    gate, url = hanging_gate
    gate.hang()
    started = time.monotonic()
    with pytest.raises(StoreError, match="cannot use the database"):
        ConversationStore(url, connect_timeout=CONNECT_TIMEOUT)
    assert time.monotonic() - started < CONNECT_TIMEOUT + MARGIN
    assert gate.accepted_while_hanging >= 1


def test_postgres_hanging_answers_in_bounded_time(hanging_gate: tuple[HangingGate, str], tmp_path: Path) -> None:
    """PostgreSQL accepting connections and never answering (ENROLLER_DB_CONNECT_TIMEOUT=2): /api/ask 200 without
    memory, feedback 503 naming the database, /readyz 503 unreachable, each within the timeout plus a margin."""
    gate, url = hanging_gate
    settings = Settings(llm=None, database_url=url, db_connect_timeout=CONNECT_TIMEOUT)
    with _conversation_served(settings, tmp_path) as (server, cid, _):
        gate.hang()
        timings: dict[str, float] = {}

        started = time.monotonic()
        follow_up = {"question": ROP_QUESTION, "conversation_id": cid}
        ask = httpx.post(f"{server.url}/api/ask", json=follow_up, timeout=60)
        timings["ask"] = time.monotonic() - started
        assert ask.status_code == 200, ask.text
        assert "2026-06-06" in ask.json()["answer"]

        started = time.monotonic()
        feedback = httpx.post(f"{server.url}/api/feedback", json={"conversation_id": cid, "rating": 1}, timeout=60)
        timings["feedback"] = time.monotonic() - started
        assert feedback.status_code == 503, feedback.text
        assert "database" in feedback.json()["detail"]

        started = time.monotonic()
        ready = httpx.get(f"{server.url}/readyz", timeout=60)
        timings["readyz"] = time.monotonic() - started
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"].startswith("unreachable")

        assert all(t < CONNECT_TIMEOUT + MARGIN for t in timings.values()), timings
        assert gate.accepted_while_hanging >= 3  # each request did try the database, and gave up on it


# --- Database locked --------------------------------------------------------------------------------------

MEMORY_TABLES = ("conversations", "turns")


def _timed(timings: dict[str, float], name: str, method: str, url: str, body: Any = None) -> httpx.Response:
    """`method url` (JSON `body`), its time in seconds noted under `name`."""
    started = time.monotonic()
    response = httpx.request(method, url, json=body, timeout=60)
    timings[name] = time.monotonic() - started
    return response


@pytest.mark.parametrize("tables", [("feedback",), ("feedback", *MEMORY_TABLES)], ids=["feedback", "all"])
def test_postgres_locked_tables_bounded_503_and_nothing_half_written(
    postgres_url: str, tables: tuple[str, ...], tmp_path: Path
) -> None:
    """Tables locked ACCESS EXCLUSIVE by another session (ENROLLER_DB_LOCK_TIMEOUT=1): feedback is 503 naming the
    database within the lock timeout plus a margin, /api/ask still 200 (without memory when its tables are the
    locked ones); once the lock is released a feedback write succeeds and exactly one row exists."""
    settings = Settings(llm=None, database_url=postgres_url, db_lock_timeout=LOCK_TIMEOUT)
    with _conversation_served(settings, tmp_path) as (server, cid, _):
        turns_before = _count(postgres_url, "turns")
        timings: dict[str, float] = {}
        rate = {"conversation_id": cid, "rating": -1, "comment": "refused while locked"}
        follow_up = {"question": ROP_QUESTION, "conversation_id": cid}

        with _pg_tables_locked(postgres_url, tables):
            feedback = _timed(timings, "feedback", "POST", f"{server.url}/api/feedback", rate)
            assert feedback.status_code == 503, feedback.text
            detail = feedback.json()["detail"]
            assert detail.startswith("the database is unavailable: "), detail
            assert "lock timeout" in detail, detail

            ask = _timed(timings, "ask", "POST", f"{server.url}/api/ask", follow_up)
            assert ask.status_code == 200, ask.text
            assert "2026-06-06" in ask.json()["answer"]

            ready = _timed(timings, "readyz", "GET", f"{server.url}/readyz")
            database = ready.json()["checks"]["database"]
            if "turns" in tables:  # /readyz reads the turns table: not ready while it is locked
                assert ready.status_code == 503, ready.text
                assert database.startswith("unreachable"), database
                assert "lock timeout" in database, database
            else:
                assert database.startswith("ok"), database

        print(f"locked {tables}: {timings}")  # the measured outcome (pytest -s), quoted in docs/deployment.md
        assert LOCK_TIMEOUT * 0.9 <= timings["feedback"] < LOCK_TIMEOUT + MARGIN, timings
        # /api/ask may meet the lock twice (reading the history, then writing the turn) before it answers.
        assert timings["ask"] < 2 * LOCK_TIMEOUT + MARGIN, timings
        assert timings["readyz"] < LOCK_TIMEOUT + MARGIN, timings

        assert _count(postgres_url, "feedback") == 0  # the refused write left nothing behind
        # Locked memory tables: answered without memory, the turn not stored; else stored as usual.
        assert _count(postgres_url, "turns") == turns_before + (0 if "turns" in tables else 1)
        again = httpx.post(f"{server.url}/api/feedback", json=rate, timeout=30)
        assert again.status_code == 201, again.text
        assert _count(postgres_url, "feedback") == 1


def test_postgres_statement_timeout_is_a_database_error(postgres_url: str) -> None:
    """ENROLLER_DB_STATEMENT_TIMEOUT bounds a statement that runs too long: a DATABASE_ERRORS error naming the
    cancellation (503 over HTTP), within the bound plus a margin."""
    store = ConversationStore(postgres_url, statement_timeout=LOCK_TIMEOUT)
    try:
        started = time.monotonic()
        with pytest.raises(DATABASE_ERRORS) as info, store._engine.connect() as conn:
            conn.execute(sa.text("SELECT pg_sleep(30)"))
        assert time.monotonic() - started < LOCK_TIMEOUT + MARGIN
        assert "statement timeout" in database_reason(info.value)
    finally:
        store.close()


def test_sqlite_locked_bounded_503_not_500(tmp_path: Path) -> None:
    """Another connection holding BEGIN EXCLUSIVE on the SQLite file (ENROLLER_DB_BUSY_TIMEOUT=1): feedback is 503
    `the database is unavailable: database is locked` (not a 500, not a hang) within the busy timeout plus a
    margin, /api/ask still 200; once released a feedback write succeeds and exactly one row exists."""
    path = tmp_path / "enroller.sqlite3"
    settings = Settings(llm=None, database_url=f"sqlite:///{path}", db_busy_timeout=LOCK_TIMEOUT)
    with _conversation_served(settings, tmp_path) as (server, cid, store):
        timings: dict[str, float] = {}
        rate = {"conversation_id": cid, "rating": 1}
        follow_up = {"question": ROP_QUESTION, "conversation_id": cid}

        holder = sqlite3.connect(path, isolation_level=None)
        try:
            holder.execute("BEGIN EXCLUSIVE")
            feedback = _timed(timings, "feedback", "POST", f"{server.url}/api/feedback", rate)
            assert feedback.status_code == 503, feedback.text
            assert feedback.json()["detail"] == "the database is unavailable: database is locked"

            ask = _timed(timings, "ask", "POST", f"{server.url}/api/ask", follow_up)
            assert ask.status_code == 200, ask.text
            assert "2026-06-06" in ask.json()["answer"]
        finally:
            holder.rollback()
            holder.close()

        print(f"sqlite locked: {timings}")
        assert LOCK_TIMEOUT * 0.9 <= timings["feedback"] < LOCK_TIMEOUT + MARGIN, timings
        assert timings["ask"] < LOCK_TIMEOUT + MARGIN, timings
        assert store.list_feedback() == []
        again = httpx.post(f"{server.url}/api/feedback", json=rate, timeout=30)
        assert again.status_code == 201, again.text
        assert len(store.list_feedback()) == 1


# --- LLM endpoint down or slow -----------------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _SlowHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        time.sleep(5)
        self.send_response(500)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture
def slow_llm() -> Iterator[str]:
    """An OpenAI-compatible base URL on loopback that takes 5 s and then fails."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _llm_assistant(base_url: str, timeout: float) -> Assistant:
    settings = Settings(llm="openai:gpt-4o-mini", llm_base_url=base_url, llm_api_key="test", llm_timeout=timeout)
    model = load_chat_model(settings)
    llm = LlmResponder(model, fake_search, timeout=timeout)
    return Assistant(search=fake_search, llm=llm, store=ConversationStore(":memory:"), settings=settings)


@pytest.mark.parametrize("kind", ["down", "slow"])
def test_llm_down_or_slow_gives_the_deterministic_answer_in_time(kind: str, slow_llm: str, tmp_path: Path) -> None:
    """Connection refused, or no reply within ENROLLER_LLM_TIMEOUT: the deterministic answer, within the limit."""
    base = f"http://127.0.0.1:{_closed_port()}/v1" if kind == "down" else slow_llm
    assistant = _llm_assistant(base, timeout=1.0)
    settings = http_settings(tmp_path, None, rate_limit=0)
    for server in serve_app(create_app(settings, assistant)):
        started = time.monotonic()
        response = httpx.post(f"{server.url}/api/ask", json={"question": ROP_QUESTION}, timeout=30)
        elapsed = time.monotonic() - started
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["route"] == "tool"
        assert "2026-06-06" in body["answer"]
        assert elapsed < 4.0, f"{kind}: {elapsed:.1f} s"
        break
