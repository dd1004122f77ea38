"""Score the deterministic assistant on the question sets over ../shared/corpus.

    .venv/bin/python evals/run_assistant_eval.py [--index DIR] [--split test|dev|all] [--calibrate] [--out FILE]

Document questions (evals/questions.jsonl): the answer contains a key phrase; a top-3 citation names the
right document (and, reported too, the right page); the assistant did not abstain.
Tool questions (evals/tool_questions.jsonl): the right tool ran with the expected arguments.
Out-of-scope questions (evals/out_of_scope.jsonl): route "fallback".
Latency: marginal time per question in one process (p50/p95), and a fresh `enroller ask` process from start
to first answer. `--calibrate` grid-searches the abstention thresholds on the dev split.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from assistant.settings import source_corpus_dir  # noqa: E402 - the project root goes on sys.path first
from evals.scoring import Tally, contains_fact, read_jsonl  # noqa: E402

CORPUS = source_corpus_dir() or ROOT.parent / "shared" / "corpus"
EVALS = ROOT / "evals"
DEFAULT_TODAY = date(2026, 1, 5)


def build_corpus_index(target: Path) -> None:
    """Index ../shared/corpus into `target` (skipped when it already holds an index)."""
    from ingest.index import index_exists, ingest_paths

    if not index_exists(target):
        report = ingest_paths([CORPUS], index_dir=target, progress=False)
        print(f"indexed {CORPUS} into {target}: {report}", file=sys.stderr)


def in_split(item: dict[str, Any], split: str) -> bool:
    """Whether an item belongs to the requested split (items without one count as test)."""
    return split == "all" or item.get("split", "test") == split


def evaluate(index: Path, split: str) -> dict[str, Any]:
    """Run every question set through one Assistant; return the metrics."""
    from assistant.wiring import build_assistant

    assistant = build_assistant(index_dir=index)
    docs = [q for q in read_jsonl(EVALS / "questions.jsonl") if in_split(q, split)]
    tools = read_jsonl(EVALS / "tool_questions.jsonl")
    oos = [q for q in read_jsonl(EVALS / "out_of_scope.jsonl") if in_split(q, split)]

    assistant.ask("warm up: how many days is the ROP?", today=DEFAULT_TODAY)
    fact, doc_top3, page_top3, answered = Tally(), Tally(), Tally(), Tally()
    timings: list[float] = []
    for q in docs:
        started = time.perf_counter()
        a = assistant.ask(q["question"], today=DEFAULT_TODAY)
        timings.append((time.perf_counter() - started) * 1000)
        label = f"{q['id']}: {q['question']}"
        fact.add(contains_fact(a.answer, q["answer"]), f"{label} -> {a.answer[:160]!r}")
        top3 = a.citations[:3]
        doc_top3.add(any(c.source == q["source"] for c in top3), label)
        page_top3.add(any(c.source == q["source"] and c.page in q["pages"] for c in top3), label)
        answered.add(a.route != "fallback", label)

    routing, arguments = Tally(), Tally()
    for q in tools:
        today = date.fromisoformat(q["today"]) if q.get("today") else DEFAULT_TODAY
        started = time.perf_counter()
        a = assistant.ask(q["question"], today=today)
        timings.append((time.perf_counter() - started) * 1000)
        names = [c.name for c in a.tool_calls]
        label = f"{q['id']}: {q['question']} -> {names}"
        routing.add(q["tool"] in names, label)
        call = next((c for c in a.tool_calls if c.name == q["tool"]), None)
        expected = q.get("arguments", {})
        got = call.arguments if call else {}
        ok = call is not None and all(str(got.get(k)) == str(v) for k, v in expected.items())
        arguments.add(ok, f"{label} expected {expected} got {got}")

    abstain = Tally()
    for q in oos:
        started = time.perf_counter()
        a = assistant.ask(q["question"], today=DEFAULT_TODAY)
        timings.append((time.perf_counter() - started) * 1000)
        abstain.add(a.route == "fallback", f"{q['id']}: {q['question']} -> {a.route}: {a.answer[:120]!r}")
    assistant.close()

    ordered = sorted(timings)
    return {
        "split": split,
        "counts": {"documents": len(docs), "tools": len(tools), "out_of_scope": len(oos)},
        "key_fact": fact,
        "top3_document": doc_top3,
        "top3_page": page_top3,
        "false_abstention": Tally(answered.total - answered.hits, answered.total, answered.misses),
        "tool_routing": routing,
        "tool_arguments": arguments,
        "oos_abstention": abstain,
        "latency_ms": {
            "p50": statistics.median(ordered),
            "p95": ordered[int(0.95 * (len(ordered) - 1))],
        },
    }


def cold_start(index: Path) -> float:
    """Seconds from starting a fresh `enroller ask` process to its printed answer."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    started = time.perf_counter()
    subprocess.run(
        [
            *(sys.executable, "-m", "bots.cli", "ask", "who can reinstate a consumer after ROP termination?"),
            *("--index", str(index), "--today", DEFAULT_TODAY.isoformat()),
        ],
        check=True,
        capture_output=True,
        env=env,
    )
    return time.perf_counter() - started


def batch_marginal_ms(index: Path, workdir: Path) -> float:
    """Marginal milliseconds per question of `enroller ask --batch`: (time for N+100 - time for N) / 100."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_PROGRESS_BARS": "1"}
    questions = [q["question"] for q in read_jsonl(EVALS / "questions.jsonl")]
    small, large = workdir / "batch-small.jsonl", workdir / "batch-large.jsonl"
    for path, count in ((small, 10), (large, 110)):
        lines = [{"id": n, "question": questions[n % len(questions)]} for n in range(count)]
        path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")

    def run(path: Path) -> float:
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bots.cli", "ask", "--batch", str(path), "--index", str(index), "--json"],
            check=True,
            capture_output=True,
            env=env,
        )
        return time.perf_counter() - started

    small_s = min(run(small) for _ in range(2))
    large_s = min(run(large) for _ in range(2))
    return (large_s - small_s) / 100 * 1000


def calibrate(index: Path, split: str) -> None:
    """Grid-search the similarity and overlap thresholds on `split` of every question set, with the signals the
    engine itself measures (`Assistant.judge_question`: routing, redaction, search, respelling, composition).
    A question the engine abstains on for another reason (an answer type the passages lack) counts as abstained
    at every grid point, as it would be."""
    from assistant.wiring import build_assistant
    from evals.scoring import SETS, load_set

    answerable: list[tuple[float, float, bool]] = []
    unanswerable: list[tuple[float, float, bool]] = []
    with build_assistant(index_dir=index) as assistant:
        policy = assistant.texts.abstain
        for name in SETS:
            qset = load_set(name, split)
            for items, into in ((qset.documents, answerable), (qset.unanswerable, unanswerable)):
                for q in items:
                    judged = assistant.judge_question(q["question"], DEFAULT_TODAY)
                    if judged is None:  # routed to a tool or out of scope: no document judgement
                        continue
                    signals, reason = judged
                    dense = signals.dense if signals.dense is not None else 1.0
                    # Abstained for a reason the grid does not move (answer type, count, coverage).
                    other = reason is not None and dense >= policy.min_dense and signals.overlap >= policy.min_overlap
                    into.append((dense, signals.overlap, other))
    print(f"{len(answerable)} answerable, {len(unanswerable)} unanswerable ({split} splits of {', '.join(SETS)})")
    print(f"in force: min_dense {policy.min_dense:.2f}, min_overlap {policy.min_overlap:.2f}")
    print("min_dense min_overlap  false_abstain  abstained")
    for d in [x / 100 for x in range(20, 61, 2)]:
        for o in [x / 100 for x in range(0, 31, 5)]:
            fa = sum(1 for s in answerable if s[0] < d or s[1] < o or s[2]) / max(len(answerable), 1)
            ab = sum(1 for s in unanswerable if s[0] < d or s[1] < o or s[2]) / max(len(unanswerable), 1)
            print(f"{d:9.2f} {o:11.2f}  {fa:13.3f}  {ab:9.3f}")


def main() -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="an index of ../shared/corpus (built if missing)")
    parser.add_argument("--split", choices=["test", "dev", "all"], default="all")
    parser.add_argument("--calibrate", action="store_true", help="print the abstention threshold grid")
    parser.add_argument("--out", type=Path, help="also write the metrics as JSON here")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory(prefix="enroller-eval-") as tmp:
        os.environ.setdefault("ENROLLER_DATA_DIR", tmp)
        index = args.index or Path(tmp) / "index"
        build_corpus_index(index)
        if args.calibrate:
            calibrate(index, "dev" if args.split == "all" else args.split)  # never tune on test by default
            return 0
        metrics = evaluate(index, args.split)
        metrics["cold_start_s"] = cold_start(index)
        metrics["batch_marginal_ms"] = batch_marginal_ms(index, Path(tmp))
    report: dict[str, Any] = {}
    for name, value in metrics.items():
        if isinstance(value, Tally):
            report[name] = {"rate": round(value.rate, 3), "hits": value.hits, "total": value.total}
            print(f"{name:18} {value.rate:6.1%}  ({value.hits}/{value.total})")
            for miss in value.misses[:40]:
                print(f"    miss {miss}")
        else:
            report[name] = value
            print(f"{name:18} {value}")
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
