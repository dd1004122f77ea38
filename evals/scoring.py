"""Score the assistant on a golden question set: retrieval, answers, citations, tools, abstention, latency.

`enroller eval [SET] [--split dev|test|all] [--index DIR] [--json]` runs it. Sets:
- `fresh` (evals/fresh/): written from the three sources alone by someone who never saw the code; dev
  (id mod 5 in {0, 1}) tunes, test reports.
- `holdout` (evals/holdout/), `blind`, `wild` and `street` (evals/blind/, evals/wild/, evals/street/, dev = id
  mod 5 in {0, 1, 2}): four more sets written the same way, later; see evals/README.md for which set tuned what.
- `legacy` (evals/*.jsonl): the first sets, written with the code in view; kept as regression sets.

Thresholds (evals/thresholds.yaml) guard against regressions: a metric under its floor (or over its
ceiling) makes `enroller eval` exit 1.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

EVALS_DIR = Path(__file__).resolve().parent
DEFAULT_TODAY = date(2026, 1, 5)
PACIFIC = ZoneInfo("America/Los_Angeles")
#: A question about "now" is asked at this local time on its `today` (the Service Center is open then on
#: a regular weekday, closed on a holiday or weekend).
NOW_TIME = dtime(10, 30)
SETS = ("fresh", "holdout", "blind", "wild", "street", "desk", "counter", "harbor", "legacy")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every JSON object of a .jsonl file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def normalise(text: str) -> str:
    """Lower-case with single spaces, curly quotes and dashes made plain."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})
    return " ".join(text.translate(table).lower().split())


def contains_fact(answer: str, phrases: list[str] | str) -> bool:
    """True when any key phrase occurs in the answer (case and whitespace ignored)."""
    items = [phrases] if isinstance(phrases, str) else phrases
    text = normalise(answer)
    return any(normalise(p) in text for p in items)


def first_sentence(text: str) -> str:
    """The answer's first sentence (up to the first sentence end, or the first blank line)."""
    head = text.strip().split("\n\n", 1)[0]
    return _SENTENCE_END.split(head, 1)[0]


@dataclass
class QuestionSet:
    """The items of one set, filtered to a split."""

    name: str
    documents: list[dict[str, Any]]
    unanswerable: list[dict[str, Any]]
    tools: list[dict[str, Any]]
    conversations: list[dict[str, Any]]


def in_split(item: dict[str, Any], split: str) -> bool:
    """Whether an item belongs to the split (items without one count as test)."""
    return split == "all" or item.get("split", "test") == split


def load_set(name: str, split: str = "test") -> QuestionSet:
    """Read a named set from evals/, keeping the items of `split`."""

    def pick(path: Path) -> list[dict[str, Any]]:
        return [q for q in read_jsonl(path) if in_split(q, split)] if path.is_file() else []

    if name in ("fresh", "holdout", "blind", "wild", "street", "desk", "counter", "harbor"):
        folder = EVALS_DIR / name
        return QuestionSet(
            name,
            pick(folder / "doc_questions.jsonl"),
            pick(folder / "unanswerable.jsonl"),
            pick(folder / "tool_questions.jsonl"),
            pick(folder / "conversations.jsonl"),
        )
    if name == "legacy":
        return QuestionSet(
            name,
            pick(EVALS_DIR / "questions.jsonl"),
            pick(EVALS_DIR / "out_of_scope.jsonl"),
            pick(EVALS_DIR / "tool_questions.jsonl"),
            [],
        )
    raise ValueError(f"unknown question set {name!r}; known: {', '.join(SETS)}")


@dataclass
class Tally:
    """Counts of one rate metric, with the misses for reading."""

    hits: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, label: str) -> None:
        """Count one case."""
        self.total += 1
        if ok:
            self.hits += 1
        else:
            self.misses.append(label)

    @property
    def rate(self) -> float:
        """Share of hits (0 with no cases)."""
        return self.hits / self.total if self.total else 0.0


def _today(item: dict[str, Any]) -> date:
    return date.fromisoformat(item["today"]) if item.get("today") else DEFAULT_TODAY


def _now(item: dict[str, Any]) -> datetime | None:
    return datetime.combine(_today(item), NOW_TIME, tzinfo=PACIFIC) if item.get("now") else None


def _arguments_match(item: dict[str, Any], call: Any) -> tuple[bool, dict[str, Any]]:
    """The expected arguments are there (for a question about now, an `at` on that day counts as the date)."""
    got = dict(call.arguments) if call is not None else {}
    if call is None:
        return False, got
    expected = dict(item.get("arguments") or {})
    if item.get("now") and "date" in expected and str(got.get("at", "")).startswith(expected["date"]):
        expected.pop("date")
    ok = all(str(got.get(k)) == str(v) for k, v in expected.items())
    if ok and item.get("expected_category"):
        ok = call.result.get("category") == item["expected_category"]
    return ok, got


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))] if ordered else 0.0


def evaluate(assistant: Any, qset: QuestionSet) -> dict[str, Any]:
    """Run every item of `qset` through `assistant` (and its search); return the metrics as a dict whose
    rate metrics are Tally objects."""
    timings: list[float] = []

    def ask(question: str, *, today: date, now: datetime | None = None, conversation: str | None = None) -> Any:
        from assistant.models import AskRequest

        started = time.perf_counter()
        answer = assistant.ask(AskRequest(question=question, today=today, now=now, conversation_id=conversation))
        timings.append((time.perf_counter() - started) * 1000)
        return answer

    ask("warm up: how many days is the ROP?", today=DEFAULT_TODAY)
    r1, r5, reciprocal = Tally(), Tally(), []
    fact, fact_first, pages, false_abstain = Tally(), Tally(), Tally(), Tally()
    words: list[int] = []
    abstained_total = 0
    for q in qset.documents:
        label = f"{q['id']}: {q['question']}"
        gold = {(q["source"], p) for p in q["pages"]}
        hits = assistant.search(q["question"], 10)
        ranks = [n for n, h in enumerate(hits, start=1) if (h.source, h.page) in gold]
        r1.add(bool(ranks) and ranks[0] == 1, label)
        r5.add(bool(ranks) and ranks[0] <= 5, label)
        reciprocal.append(1 / ranks[0] if ranks else 0.0)
        a = ask(q["question"], today=_today(q))
        fact.add(contains_fact(a.answer, q["answer"]), f"{label} -> {a.answer[:160]!r}")
        fact_first.add(contains_fact(first_sentence(a.answer), q["answer"]), f"{label} -> {first_sentence(a.answer)!r}")
        pages.add(any((c.source, c.page) in gold for c in a.citations[:3]), label)
        # Counted as a rate of abstentions; the "misses" listed are the questions it wrongly abstained on.
        false_abstain.total += 1
        if a.route == "fallback":
            false_abstain.hits += 1
            false_abstain.misses.append(label)
            abstained_total += 1
        if a.route == "retrieval":
            words.append(len(a.answer.split()))

    abstain_recall = Tally()
    for q in qset.unanswerable:
        a = ask(q["question"], today=_today(q))
        abstain_recall.add(a.route == "fallback", f"{q['id']}: {q['question']} -> {a.route}: {a.answer[:120]!r}")
        abstained_total += a.route == "fallback"

    routing, arguments = Tally(), Tally()
    for q in qset.tools:
        a = ask(q["question"], today=_today(q), now=_now(q))
        # The fallback's own Service Center call is no routing: only a tool answer counts.
        names = [c.name for c in a.tool_calls] if a.route == "tool" else []
        label = f"{q['id']}: {q['question']} -> {names}"
        routing.add(q["tool"] in names, label)
        call = next((c for c in a.tool_calls if c.name == q["tool"]), None) if names else None
        ok, got = _arguments_match(q, call)
        expected = {
            **(q.get("arguments") or {}),
            **({"category": q["expected_category"]} if q.get("expected_category") else {}),
        }
        arguments.add(ok, f"{label} expected {expected} got {got}")

    turns = Tally()
    for conv in qset.conversations:
        cid: str | None = None
        for n, turn in enumerate(conv["turns"], start=1):
            a = ask(turn["question"], today=_today(conv), conversation=cid)
            cid = a.conversation_id
            label = f"{conv['id']}#{n}: {turn['question']}"
            if turn.get("tool"):
                calls = a.tool_calls if a.route == "tool" else []
                call = next((c for c in calls if c.name == turn["tool"]), None)
                ok, got = _arguments_match({**turn, "today": conv.get("today")}, call)
                turns.add(ok, f"{label} expected {turn['tool']}{turn.get('arguments')} got {got}")
            elif turn.get("answer"):
                turns.add(contains_fact(a.answer, turn["answer"]), f"{label} -> {a.answer[:160]!r}")

    precision_hits = abstain_recall.hits
    return {
        "set": qset.name,
        "counts": {
            "documents": len(qset.documents),
            "unanswerable": len(qset.unanswerable),
            "tools": len(qset.tools),
            "conversation_turns": sum(len(c["turns"]) for c in qset.conversations),
        },
        "recall_at_1": r1,
        "recall_at_5": r5,
        "mrr_at_10": round(statistics.fmean(reciprocal), 3) if reciprocal else 0.0,
        "key_fact": fact,
        "key_fact_first_sentence": fact_first,
        "median_answer_words": statistics.median(words) if words else 0,
        "citation_page": pages,
        "false_abstention": false_abstain,
        "abstention_recall": abstain_recall,
        "abstention_precision": round(precision_hits / abstained_total, 3) if abstained_total else 1.0,
        "tool_routing": routing,
        "tool_arguments": arguments,
        "conversation_turns": turns,
        "latency_ms": {"p50": round(_percentile(timings, 0.5), 1), "p95": round(_percentile(timings, 0.95), 1)},
    }


def metric_value(metrics: dict[str, Any], name: str) -> float:
    """A metric as one number (a Tally's rate, latency as `latency_ms.p50` / `.p95`)."""
    if "." in name:
        head, tail = name.split(".", 1)
        return float(metrics[head][tail])
    value = metrics[name]
    return value.rate if isinstance(value, Tally) else float(value)


def check_thresholds(metrics: dict[str, Any], thresholds: dict[str, Any]) -> list[str]:
    """Every threshold the metrics break, as one line each (`min` floors, `max` ceilings)."""
    broken = []
    for name, rule in thresholds.items():
        try:
            value = metric_value(metrics, name)
        except KeyError:
            continue
        if metrics.get("counts") and isinstance(metrics.get(name), Tally) and not metrics[name].total:
            continue  # a metric this set has no cases for
        if "min" in rule and value < rule["min"]:
            broken.append(f"{name} {value:.3f} is under its threshold {rule['min']}")
        if "max" in rule and value > rule["max"]:
            broken.append(f"{name} {value:.3f} is over its ceiling {rule['max']}")
    return broken


def load_thresholds(set_name: str, split: str) -> dict[str, Any]:
    """The thresholds for a set and split from evals/thresholds.yaml ({} when none are set)."""
    data = yaml.safe_load((EVALS_DIR / "thresholds.yaml").read_text(encoding="utf-8")) or {}
    return dict((data.get(set_name) or {}).get(split) or {})


def report_json(metrics: dict[str, Any]) -> dict[str, Any]:
    """The metrics as plain JSON (rates with their counts)."""
    out: dict[str, Any] = {}
    for name, value in metrics.items():
        if isinstance(value, Tally):
            out[name] = {"rate": round(value.rate, 3), "hits": value.hits, "total": value.total}
        else:
            out[name] = value
    return out


def report_table(metrics: dict[str, Any], *, misses: int = 0) -> Iterable[str]:
    """The metrics as an aligned table, optionally followed by up to `misses` misses per metric."""
    for name, value in metrics.items():
        if isinstance(value, Tally) and not value.total:
            yield f"{name:26} {'n/a':>7}  (no items in this set)"
        elif isinstance(value, Tally):
            yield f"{name:26} {value.rate:7.1%}  ({value.hits}/{value.total})"
            for miss in value.misses[:misses]:
                yield f"    miss {miss}"
        else:
            yield f"{name:26} {value}"
