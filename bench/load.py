"""Load on the production shape (a benchmark, not a test): N concurrent clients for S seconds against two
`enroller serve` workers on 127.0.0.1 that share a Chroma server and PostgreSQL, over `/api/ask`,
`/api/help-requests/suggest` and signed Slack events (answered into a fake Slack Web API on loopback).

    .venv/bin/python bench/load.py [--clients 32] [--seconds 60] [--rate-limit 0] [--out FILE.json]

It starts everything itself, on loopback only, in a throwaway folder: `chroma run`, a PostgreSQL server
(initdb + pg_ctl), `enroller ingest` of ../shared/corpus into the Chroma server, two workers, and the fake
Slack. Each client is an asyncio task with its own bearer token that loops (ask 45 %, suggest 40 %, Slack
event 15 %), alternating workers. Reported: requests and errors (any non-2xx, timeouts and connection errors)
by kind, p50 / p95 latency, throughput, Slack answers posted, and each worker's RSS before and after.
`--rate-limit` is ENROLLER_RATE_LIMIT for the workers (0, the default here: off, so the figures are the
server's own; set it to see 429s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import httpx  # noqa: E402

QUESTIONS = [
    "NOD01 dated 3/3/26, when is the ROP due?",
    "Can carriers reinstate a consumer after an ROP termination?",
    "What are the service center hours?",
    "How do I export my book of business?",
    "What happens at auto discontinuance?",
    "Which help request category for a delegation problem?",
]
SUGGESTIONS = [
    "Consumer was terminated for non-payment but paid the binder on time",
    "I cannot see my client in the book of business export",
    "The delegation says more than one case was found",
    "NOD01 data inconsistency documents uploaded but still pending",
]
TIMEOUT_S = 30.0


@dataclass
class Stats:
    """Latencies (ms) of the 2xx responses and the errors, by kind."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def record(self, kind: str, started: float, outcome: str | int) -> None:
        if outcome == 200:
            self.latencies[kind].append((time.perf_counter() - started) * 1000)
        else:
            self.errors[kind][str(outcome)] += 1


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MB), from /proc."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return round(total / 1024, 1)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of `values`, 0.0 when empty."""
    if not values:
        return 0.0
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 1)


def slack_event(n: int, client: int) -> tuple[bytes, dict[str, str]]:
    """A signed app_mention delivery (the two-worker test's), made unique per request: its own event id,
    message ts and user, so every event is a new thread."""
    from slack_sdk.signature import SignatureVerifier

    from tests.production.test_two_workers import SECRET, signed_event

    raw, _ = signed_event(f"EvLoad{client}x{n}", random.choice(QUESTIONS))
    payload = json.loads(raw)
    payload["event"].update(user=f"U{client}", ts=f"{1700000000 + n}.{client:06d}")
    body = json.dumps(payload)
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body) or ""
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature, "Content-Type": "application/json"}
    return body.encode(), headers


async def client_loop(
    number: int, token: str, *, urls: list[str], deadline: float, stats: Stats, http: httpx.AsyncClient
) -> None:
    """One enroller: requests back to back until the deadline."""
    rng = random.Random(number)
    auth = {"Authorization": f"Bearer {token}"}
    n = 0
    while time.perf_counter() < deadline:
        url = urls[(number + n) % len(urls)]
        n += 1
        roll = rng.random()
        started = time.perf_counter()
        try:
            if roll < 0.45:
                kind = "ask"
                response = await http.post(f"{url}/api/ask", json={"question": rng.choice(QUESTIONS)}, headers=auth)
            elif roll < 0.85:
                kind = "suggest"
                text = rng.choice(SUGGESTIONS)
                body = {"description": text[: rng.randint(20, len(text))]}
                response = await http.post(f"{url}/api/help-requests/suggest", json=body, headers=auth)
            else:
                kind = "slack"
                raw, headers = slack_event(n, number)
                response = await http.post(f"{url}/slack/events", content=raw, headers=headers)
            stats.record(kind, started, 200 if response.is_success else response.status_code)
        except httpx.TimeoutException:
            stats.record(kind, started, "timeout")
        except httpx.HTTPError as exc:
            stats.record(kind, started, type(exc).__name__)


async def run_load(urls: list[str], tokens: list[str], seconds: float) -> tuple[Stats, float]:
    """All clients at once for `seconds`; the stats and the wall time."""
    stats = Stats()
    limits = httpx.Limits(max_connections=len(tokens) * 2, max_keepalive_connections=len(tokens) * 2)
    async with httpx.AsyncClient(timeout=TIMEOUT_S, limits=limits) as http:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(
                client_loop(i, token, urls=urls, deadline=deadline, stats=stats, http=http)
                for i, token in enumerate(tokens)
            )
        )
        return stats, time.perf_counter() - started


def report(stats: Stats, wall: float, rss: dict[str, dict[str, float]], slack_answers: int) -> dict[str, Any]:
    """The figures, by kind and in total."""
    kinds: dict[str, Any] = {}
    every: list[float] = []
    errors_total = 0
    for kind in ("ask", "suggest", "slack"):
        ok = stats.latencies.get(kind, [])
        errors = dict(stats.errors.get(kind, {}))
        errors_total += sum(errors.values())
        every += ok
        kinds[kind] = {
            "ok": len(ok),
            "errors": errors,
            "p50_ms": percentile(ok, 50),
            "p95_ms": percentile(ok, 95),
            "per_second": round(len(ok) / wall, 1),
        }
    return {
        "seconds": round(wall, 1),
        "requests": len(every) + errors_total,
        "errors": errors_total,
        "p50_ms": percentile(every, 50),
        "p95_ms": percentile(every, 95),
        "per_second": round(len(every) / wall, 1),
        "by_kind": kinds,
        "slack_answers_posted": slack_answers,
        "rss_mb": rss,
    }


def main(argv: list[str] | None = None) -> int:
    """Start the services, load them, print (and optionally write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rate-limit", type=int, default=0, help="ENROLLER_RATE_LIMIT of the workers (0: off).")
    parser.add_argument("--out", type=Path, help="Also write the figures here as JSON.")
    args = parser.parse_args(argv)

    from assistant.settings import source_corpus_dir
    from tests.bots.slack.fake_slack import FakeSlack
    from tests.chroma_server import ChromaServer
    from tests.postgres import PostgresServer, find_bin_dir
    from tests.production.conftest import Worker, enroller_env, run_enroller
    from tests.production.test_two_workers import SECRET

    corpus = source_corpus_dir()
    bin_dir = find_bin_dir()
    if corpus is None or bin_dir is None:
        print("needs ../shared/corpus and the PostgreSQL binaries (make system-deps)", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="enroller-load-"))
    chroma, postgres, fake = ChromaServer(), PostgresServer(bin_dir), FakeSlack().start()
    workers: list[Worker] = []
    try:
        chroma.start()
        postgres.start()
        tokens = [f"load-token-{i:02d}" for i in range(args.clients)]
        env = enroller_env(
            tmp,
            CHROMA_URL=chroma.url,
            DATABASE_URL=postgres.url(postgres.create_database()),
            SLACK_BOT_TOKEN="xoxb-load",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.url,
            ENROLLER_API_TOKENS=",".join(tokens),
            ENROLLER_RATE_LIMIT=str(args.rate_limit),
            ENROLLER_LOG_LEVEL="ERROR",
        )
        ingest = run_enroller("ingest", str(corpus), "--quiet", env=env)
        if ingest.returncode != 0:
            print(ingest.stderr, file=sys.stderr)
            return 1
        workers = [Worker({**env, "ENROLLER_DATA_DIR": str(tmp / f"w{n}")}, tmp / f"w{n}.log") for n in (1, 2)]
        for worker in workers:
            worker.wait_ready()
        urls = [w.url for w in workers]
        # One warm call of each kind per worker, so the figures are steady state, not first-request cost.
        warm = (
            ("/api/ask", {"question": QUESTIONS[0]}),
            ("/api/help-requests/suggest", {"description": SUGGESTIONS[0]}),
        )
        for worker in workers:
            for path, body in warm:
                worker.request("POST", path, body, headers={"Authorization": f"Bearer {tokens[0]}"})
        before = {f"worker{i + 1}": rss_mb(w.process.pid) for i, w in enumerate(workers)}
        print(f"load: {args.clients} clients, {args.seconds:.0f} s, workers {urls}", file=sys.stderr)
        stats, wall = asyncio.run(run_load(urls, tokens, args.seconds))
        time.sleep(2)  # let queued Slack answers land
        after = {f"worker{i + 1}": rss_mb(w.process.pid) for i, w in enumerate(workers)}
        answers = sum(1 for c in fake.calls if c.method in ("chat.postMessage", "chat.startStream"))
        rss = {name: {"before": before[name], "after": after[name]} for name in before}
        figures = report(stats, wall, rss, answers)
    finally:
        for worker in workers:
            worker.stop()
        fake.stop()
        postgres.stop()
        chroma.stop()
    print(json.dumps(figures, indent=2))
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if figures["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
