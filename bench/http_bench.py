"""HTTP latency over loopback (a benchmark, not a test): `suggest` as the form sends it on each pause in
typing, and `/api/ask` warm.

    .venv/bin/python bench/http_bench.py [--index DIR] [--rounds N] [--out FILE.json]

Starts the real app under uvicorn on 127.0.0.1 (a free port) with a throwaway data folder, over the index
given (default: ../shared/corpus indexed into a temporary folder), and talks to it with one keep-alive client.
`suggest` p50/p95 covers every prefix a typist pauses at. `/api/ask` is measured warm (after one call per
question); "marginal" is what HTTP adds over calling `Assistant.ask` in the process for the same questions. The
rate limit is off (one client sends hundreds a minute); the 1-minute load average before and after is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

TODAY = date(2026, 1, 5)
DESCRIPTIONS = [
    "My client's application was terminated for non-payment but she paid the binder payment on time",
    "I need to change the agency address on my enroller profile and update my license",
    "Consumer got an NOD01 for a data inconsistency, how long do they have to send documents",
    "The delegation tool says more than one case was found for this consumer",
    "I am locked out of the portal and cannot reset my password",
    "Consumer was auto-discontinued after the reasonable opportunity period ended, can they be reinstated",
]
QUESTIONS = [
    "How long is the reasonable opportunity period?",
    "When does the ROP end if the NOD01 was 2026-03-03?",
    "Is the service center open on 2026-01-02?",
    "Which help request category is an agency address change?",
    "What happens after auto-discontinuance for ROP?",
    "How do I export my book of business?",
]


def pauses(text: str, every: int = 3) -> list[str]:
    """The prefixes a person pauses at: after every few words."""
    words = text.split()
    return [" ".join(words[:n]) for n in range(every, len(words) + 1, every)]


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: list[float]) -> dict[str, float]:
    """p50, p95 and max in milliseconds."""
    return {
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1),
    }


def main() -> int:
    """Run the benchmark and print (and optionally save) the numbers as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="index directory (default: the corpus, indexed now)")
    parser.add_argument("--rounds", type=int, default=5, help="times each request set is repeated")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    args = parser.parse_args()

    import httpx
    import uvicorn

    from assistant.settings import Settings, source_corpus_dir
    from assistant.wiring import build_assistant
    from bots.http import create_app

    work = Path(tempfile.mkdtemp(prefix="http-bench-"))
    index = args.index
    if index is None:
        from ingest.index import ingest_paths

        corpus = source_corpus_dir()
        if corpus is None:
            print("no corpus found: pass --index DIR or set ENROLLER_CORPUS_DIR", file=sys.stderr)
            return 2
        index = work / "index"
        ingest_paths([corpus], index, progress=False)
    # No rate limit: one client on 127.0.0.1 sends hundreds of requests a minute (the default 120 would 429 it).
    settings = Settings(data_dir=work / "data", index_dir=index, llm=None, rate_limit=0)
    assistant = build_assistant(settings, index_dir=index, notice=lambda _m: None)
    app = create_app(settings, assistant)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    results: dict[str, Any] = {
        "index": str(index),
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "loadavg_1m_before": round(os.getloadavg()[0], 2),
    }
    with httpx.Client(base_url=url, timeout=30) as client:
        prefixes = [p for d in DESCRIPTIONS for p in pauses(d)]
        for p in prefixes:  # warm: first calls open caches
            client.post("/api/help-requests/suggest", json={"description": p}).raise_for_status()
        timings = []
        for _ in range(args.rounds):
            for p in prefixes:
                started = time.perf_counter()
                client.post("/api/help-requests/suggest", json={"description": p}).raise_for_status()
                timings.append((time.perf_counter() - started) * 1000)
        results["suggest"] = summary(timings)

        for q in QUESTIONS:
            client.post("/api/ask", json={"question": q, "today": "2026-01-05"}).raise_for_status()
        http_times, direct_times = [], []
        for _ in range(args.rounds):
            for q in QUESTIONS:
                started = time.perf_counter()
                client.post("/api/ask", json={"question": q, "today": "2026-01-05"}).raise_for_status()
                http_times.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                assistant.ask(q, today=TODAY)
                direct_times.append((time.perf_counter() - started) * 1000)
        results["ask_http"] = summary(http_times)
        results["ask_in_process"] = summary(direct_times)
        results["ask_marginal_p50_ms"] = round(statistics.median(http_times) - statistics.median(direct_times), 1)
    results["loadavg_1m_after"] = round(os.getloadavg()[0], 2)
    server.should_exit = True
    thread.join(timeout=10)
    assistant.close()
    text = json.dumps(results, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
