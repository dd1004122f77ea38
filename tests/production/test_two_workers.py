"""Must show (issue 12): the real corpus ingested into a Chroma server, two `enroller serve` workers over it and
one PostgreSQL database: the same answer and citations from both, and a Slack retry that reaches the other
worker is not answered twice."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.settings import source_corpus_dir
from tests.bots.slack.fake_slack import FakeSlack, signed_mention
from tests.chroma_server import ChromaServer, cannot_run
from tests.production.conftest import Worker, enroller_env, run_enroller

pytestmark = pytest.mark.slow

SECRET = "production-signing-secret"
QUESTION = "Can carriers reinstate a consumer after an ROP termination?"
ANSWER_METHODS = ("chat.postMessage", "chat.startStream")


def _corpus() -> Path:
    corpus = source_corpus_dir()
    if corpus is None or not any(corpus.glob("*.pdf")):
        cannot_run("the real corpus (../shared/corpus or ENROLLER_CORPUS_DIR) is not here")
    assert corpus is not None
    return corpus


def _answers(fake: FakeSlack) -> list[Any]:
    return [c for c in fake.calls if c.method in ANSWER_METHODS]


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API both workers call."""
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def test_two_workers_share_the_index_and_the_database(
    tmp_path: Path, chroma: ChromaServer, postgres_url: str, fake_slack: FakeSlack
) -> None:
    """`enroller ingest` with CHROMA_URL fills the server; two workers (no local index) answer alike; a Slack
    retry sent to the other worker is acked and not answered again."""
    corpus = _corpus()
    env = enroller_env(
        tmp_path,
        CHROMA_URL=chroma.url,
        DATABASE_URL=postgres_url,
        SLACK_BOT_TOKEN="xoxb-production-test",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.url,
    )
    started = time.perf_counter()
    ingest = run_enroller("ingest", str(corpus), "--quiet", env=env)
    assert ingest.returncode == 0, ingest.stderr
    assert chroma.url in ingest.stdout
    ingest_seconds = time.perf_counter() - started

    workers = [
        Worker({**env, "ENROLLER_DATA_DIR": str(tmp_path / f"worker{n}")}, tmp_path / f"worker{n}.log") for n in (1, 2)
    ]
    try:
        for worker in workers:
            ready = worker.wait_ready()
            assert chroma.url in ready["checks"]["index"]
            assert "postgresql" in ready["checks"]["database"].lower()
        for worker in workers:
            assert not (tmp_path / f"worker{workers.index(worker) + 1}" / "index").exists()  # no local index

        replies = []
        for worker in workers:
            status, body = worker.request("POST", "/api/ask", {"question": QUESTION, "today": "2026-01-15"})
            assert status == 200, body
            replies.append(body)
        first, second = replies
        assert first["citations"], first
        assert first["answer"] == second["answer"]
        assert first["citations"] == second["citations"]
        assert {c["source"] for c in first["citations"]} <= {p.name for p in corpus.glob("*.pdf")}

        # A follow-up on the other worker continues the same conversation (it lives in PostgreSQL).
        status, follow = workers[1].request(
            "POST", "/api/ask", {"question": "and who can?", "conversation_id": first["conversation_id"]}
        )
        assert status == 200, follow
        assert follow["conversation_id"] == first["conversation_id"]

        raw, headers = signed_mention("EvProduction1", QUESTION, secret=SECRET)
        status, _ = workers[0].request("POST", "/slack/events", raw=raw, headers=headers)
        assert status == 200
        deadline = time.monotonic() + 60
        while not _answers(fake_slack) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(_answers(fake_slack)) == 1
        raw, headers = signed_mention("EvProduction1", QUESTION, secret=SECRET)
        retry = {**headers, "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        status, _ = workers[1].request("POST", "/slack/events", raw=raw, headers=retry)
        assert status == 200
        time.sleep(3)  # time enough for the other worker to answer, if it were going to
        assert len(_answers(fake_slack)) == 1

        # The Chroma server goes down: not ready (with the reason), but never a 500; tool questions answer, and
        # document questions answer from the generation each worker holds in memory.
        chroma.kill()
        status, ready = workers[0].request("GET", "/readyz")
        assert status == 503
        assert "unreachable" in ready["reason"]
        assert chroma.url in ready["reason"]
        status, tool = workers[1].request("POST", "/api/ask", {"question": "Is the service center open on 2026-11-26?"})
        assert status == 200, tool
        assert tool["tool_calls"], tool
        time.sleep(6)  # past the pointer's refresh interval
        status, body = workers[1].request("POST", "/api/ask", {"question": QUESTION, "today": "2026-01-15"})
        assert status == 200, body
        assert body["citations"] == first["citations"]
    finally:
        for worker in workers:
            worker.stop()
    print(f"ingest of the corpus into the server: {ingest_seconds:.1f} s")
