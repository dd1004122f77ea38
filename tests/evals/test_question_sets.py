"""The evaluation question sets in evals/ are well formed and agree with the corpus and the tool contracts."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

EVALS_DIR = Path(__file__).resolve().parents[2] / "evals"

# The six tool names are a fixed contract; tools/registry.py is checked against this list below.
TOOL_NAMES = (
    "rop_calculator",
    "service_center_hours",
    "escalation_timeline",
    "delegation_result_explainer",
    "help_request_router",
    "resolution_reason_picker",
)
# Text tools take the enroller's words; the eval only scores the tool name, so `arguments` stays empty.
TEXT_FIELD = {
    "delegation_result_explainer": "message",
    "help_request_router": "description",
    "resolution_reason_picker": "outcome",
}
DATE_FIELDS = {"notice_date", "received_date", "termination_date", "today", "date", "escalation_date"}
INCONSISTENCIES = {"income", "mec", "ai_an", "ssn", "citizenship", "lawful_presence", "incarceration", "deceased"}
MIN_PER_TOOL = {
    "rop_calculator": 8,
    "service_center_hours": 6,
    "escalation_timeline": 4,
    "delegation_result_explainer": 4,
    "help_request_router": 4,
    "resolution_reason_picker": 4,
}
COPIED_RUN = 8  # words in a row shared with a source that mean a question was copied, not paraphrased
DEV_COUNT = {"questions.jsonl": 30, "out_of_scope.jsonl": 10}


def read_jsonl(name: str) -> list[dict[str, Any]]:
    """Items of one evals/*.jsonl file, one JSON object per non-blank line."""
    lines = (EVALS_DIR / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


QUESTIONS = read_jsonl("questions.jsonl")
TOOL_QUESTIONS = read_jsonl("tool_questions.jsonl")
OUT_OF_SCOPE = read_jsonl("out_of_scope.jsonl")


def normalise(text: str) -> str:
    """Lower-case text with runs of whitespace collapsed to one space."""
    return " ".join(text.lower().split())


def plain_words(text: str) -> list[str]:
    """Lower-case words without punctuation or apostrophes."""
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))


@cache
def page_texts(pdf: Path) -> tuple[str, ...]:
    """Normalised pypdf text of every page of a corpus PDF (index 0 = PDF page 1)."""
    return tuple(normalise(page.extract_text() or "") for page in PdfReader(pdf).pages)


def answer_on_pages(item: dict[str, Any], corpus_dir: Path) -> bool:
    """Whether at least one answer phrase occurs in the text of one of the item's listed pages."""
    texts = page_texts(corpus_dir / item["source"])
    return any(normalise(answer) in texts[page - 1] for page in item["pages"] for answer in item["answer"])


def registry_tools() -> dict[str, Any] | None:
    """tools.registry.TOOLS, or None while the tool modules it imports have not landed yet."""
    try:
        from tools.registry import TOOLS
    except ImportError:
        return None
    return dict(TOOLS)


def item_id(item: dict[str, Any]) -> str:
    """Readable test id: the item's own id."""
    return str(item["id"])


# ---------------------------------------------------------------- the page check itself can fail


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        pytest.param(
            {"source": "Understanding_ROP_and_Auto_Discontinuance.pdf", "pages": [7], "answer": ["30 calendar days"]},
            True,
            id="right-page",
        ),
        pytest.param(
            {"source": "Understanding_ROP_and_Auto_Discontinuance.pdf", "pages": [3], "answer": ["30 calendar days"]},
            False,
            id="wrong-page",
        ),
        pytest.param(
            {"source": "OE2026_CalHEERS_Enroller_Portal_Webinar.pdf", "pages": [105], "answer": ["8:00am  TO 6:00pm"]},
            True,
            id="case-and-spacing-ignored",
        ),
        pytest.param(
            {"source": "OE2026_CalHEERS_Enroller_Portal_Webinar.pdf", "pages": [105], "answer": ["9:00AM to 5:00PM"]},
            False,
            id="wrong-fact",
        ),
    ],
)
def test_answer_on_pages(item: dict[str, Any], expected: bool, corpus_dir: Path) -> None:
    """The page check accepts an answer only on a page whose PDF text contains it."""
    assert answer_on_pages(item, corpus_dir) is expected


# ---------------------------------------------------------------- document questions


def test_questions_shape() -> None:
    """At least 90 document questions with unique ids and exactly the agreed keys."""
    assert len(QUESTIONS) >= 90
    assert len({q["id"] for q in QUESTIONS}) == len(QUESTIONS)
    for q in QUESTIONS:
        assert set(q) == {"id", "question", "source", "pages", "answer", "split"}, q["id"]
        assert re.fullmatch(r"q\d{3}", q["id"]), q["id"]
        assert q["question"].strip(), q["id"]
        assert q["pages"], q["id"]
        assert all(isinstance(p, int) for p in q["pages"]), q["id"]
        assert 1 <= len(q["answer"]) <= 3, q["id"]
        assert all(a.strip() for a in q["answer"]), q["id"]


def test_questions_splits() -> None:
    """The first 30 questions are dev, the rest test, and both splits cover all three documents."""
    dev, test = QUESTIONS[: DEV_COUNT["questions.jsonl"]], QUESTIONS[DEV_COUNT["questions.jsonl"] :]
    assert {q["split"] for q in dev} == {"dev"}
    assert {q["split"] for q in test} == {"test"}
    sources = {q["source"] for q in QUESTIONS}
    assert {q["source"] for q in dev} == sources
    assert {q["source"] for q in test} == sources


def test_questions_proportions(corpus_dir: Path) -> None:
    """Questions cover all three documents roughly in proportion (webinar ~60%, ROP ~25%, BoB ~15%)."""
    counts = Counter(q["source"] for q in QUESTIONS)
    share = {name: counts[name] / len(QUESTIONS) for name in counts}
    assert set(counts) == {p.name for p in corpus_dir.glob("*.pdf")}
    assert 0.5 <= share["OE2026_CalHEERS_Enroller_Portal_Webinar.pdf"] <= 0.7
    assert 0.15 <= share["Understanding_ROP_and_Auto_Discontinuance.pdf"] <= 0.35
    assert 0.08 <= share["Book_of_Business_Export_Job_Aid_Agents.pdf"] <= 0.25


def test_questions_spread_over_pages() -> None:
    """Questions target many different pages, not the same few."""
    pages = {(q["source"], p) for q in QUESTIONS for p in q["pages"]}
    assert len(pages) >= 60
    top_five = Counter((q["source"], q["pages"][0]) for q in QUESTIONS).most_common(5)
    assert sum(n for _, n in top_five) <= len(QUESTIONS) / 3, top_five


def test_questions_are_not_duplicated() -> None:
    """No question text appears twice across the three sets."""
    texts = [normalise(q["question"]) for q in QUESTIONS + TOOL_QUESTIONS + OUT_OF_SCOPE]
    assert [t for t, n in Counter(texts).items() if n > 1] == []


def test_questions_are_paraphrased(corpus_dir: Path) -> None:
    """Document questions are in an enroller's words: none shares 8 consecutive words with the sources."""
    seeds = sorted((corpus_dir.parent / "seeds").glob("*.txt"))
    assert seeds
    source_words = [w for path in seeds for w in plain_words(path.read_text(encoding="utf-8", errors="replace"))]
    runs = {tuple(source_words[i : i + COPIED_RUN]) for i in range(len(source_words) - COPIED_RUN + 1)}
    copied = []
    for q in QUESTIONS:
        words = plain_words(q["question"])
        if any(tuple(words[i : i + COPIED_RUN]) in runs for i in range(len(words) - COPIED_RUN + 1)):
            copied.append(q["id"])
    assert copied == []


@pytest.mark.parametrize("item", QUESTIONS, ids=item_id)
def test_question_answer_is_on_its_pages(item: dict[str, Any], corpus_dir: Path) -> None:
    """The source PDF exists, every page is within it, and an answer phrase is in a listed page's text."""
    pdf = corpus_dir / item["source"]
    assert pdf.is_file(), item["source"]
    assert all(1 <= page <= len(page_texts(pdf)) for page in item["pages"]), item["pages"]
    assert answer_on_pages(item, corpus_dir), (item["answer"], item["pages"])


# ---------------------------------------------------------------- tool questions


def test_tool_questions_shape() -> None:
    """At least 30 tool questions with unique ids, the agreed keys, an ISO `today` and a known tool."""
    assert len(TOOL_QUESTIONS) >= 30
    assert len({q["id"] for q in TOOL_QUESTIONS}) == len(TOOL_QUESTIONS)
    for q in TOOL_QUESTIONS:
        assert set(q) == {"id", "question", "today", "tool", "arguments"}, q["id"]
        assert re.fullmatch(r"t\d{3}", q["id"]), q["id"]
        date.fromisoformat(q["today"])
        assert q["tool"] in TOOL_NAMES, q["tool"]
        assert isinstance(q["arguments"], dict), q["id"]


def test_tool_questions_spread() -> None:
    """Each tool has its minimum number of questions."""
    counts = Counter(q["tool"] for q in TOOL_QUESTIONS)
    assert {tool: counts[tool] for tool in MIN_PER_TOOL if counts[tool] < MIN_PER_TOOL[tool]} == {}


def test_registry_matches_tool_names() -> None:
    """The tool names used here are exactly the registry's (once tools/registry.py is importable)."""
    tools = registry_tools()
    if tools is None:
        pytest.skip("tools/registry.py cannot be imported yet (tool modules not landed)")
    assert set(tools) == set(TOOL_NAMES)


@pytest.mark.parametrize("item", TOOL_QUESTIONS, ids=item_id)
def test_tool_arguments_follow_conventions(item: dict[str, Any]) -> None:
    """Dates are ISO, past events are not after `today`, service-center days not before it, keys canonical."""
    args, today = item["arguments"], date.fromisoformat(item["today"])
    if item["tool"] in TEXT_FIELD:
        assert args == {}
        return
    assert args, "a date tool needs its arguments"
    for key, value in args.items():
        if key in DATE_FIELDS:
            day = date.fromisoformat(value)
            if item["tool"] == "service_center_hours":
                assert day >= today, "a service-center date without a year is the next occurrence"
            else:
                assert day <= today, f"{key} is something that already happened"
    if item["tool"] == "rop_calculator":
        assert "notice_date" in args
        assert args.get("inconsistency", "income") in INCONSISTENCIES
        assert args.get("today", item["today"]) == item["today"]
    if "received_date" in args:
        assert args["received_date"] >= args["notice_date"]


@pytest.mark.parametrize("item", TOOL_QUESTIONS, ids=item_id)
def test_tool_arguments_validate(item: dict[str, Any]) -> None:
    """The expected arguments (or, for text tools, the question as the text) pass the tool's input model."""
    tools = registry_tools()
    if tools is None:
        pytest.skip("tools/registry.py cannot be imported yet (tool modules not landed)")
    payload = dict(item["arguments"])
    if item["tool"] in TEXT_FIELD:
        payload[TEXT_FIELD[item["tool"]]] = item["question"]
    tools[item["tool"]].validate(payload)


# ---------------------------------------------------------------- out-of-scope questions


def test_out_of_scope_shape() -> None:
    """At least 25 out-of-scope questions with unique ids; the first 10 dev, the rest test."""
    assert len(OUT_OF_SCOPE) >= 25
    assert len({q["id"] for q in OUT_OF_SCOPE}) == len(OUT_OF_SCOPE)
    for position, q in enumerate(OUT_OF_SCOPE):
        assert set(q) == {"id", "question", "split"}, q["id"]
        assert re.fullmatch(r"o\d{3}", q["id"]), q["id"]
        assert q["question"].strip()
        assert q["split"] == ("dev" if position < DEV_COUNT["out_of_scope.jsonl"] else "test"), q["id"]


# ---------------------------------------------------------------- conversation scripts


def test_conversation_scripts_are_well_formed(corpus_dir: Path) -> None:
    """The optional multi-turn scripts use known routes and tools, ISO dates, and cite real PDF pages."""
    scripts = yaml.safe_load((EVALS_DIR / "conversations.yaml").read_text(encoding="utf-8"))
    assert len(scripts) >= 8
    assert len({s["id"] for s in scripts}) == len(scripts)
    for script in scripts:
        assert len(script["turns"]) >= 2, script["id"]
        for turn in script["turns"]:
            assert turn["ask"].strip()
            date.fromisoformat(turn["today"])
            assert turn.get("route", "tool") in {"tool", "retrieval", "fallback"}
            assert turn.get("tool", "rop_calculator") in TOOL_NAMES
            for cite in turn.get("cites", []):
                pdf = corpus_dir / cite["source"]
                assert pdf.is_file(), cite
                assert 1 <= cite.get("page", 1) <= len(page_texts(pdf)), cite
