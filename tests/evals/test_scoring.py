"""evals.scoring: the metrics `enroller eval` reports and the thresholds that stop a regression."""

from __future__ import annotations

import pytest

from evals.scoring import Tally, check_thresholds, contains_fact, first_sentence, load_set, load_thresholds


def test_first_sentence_stops_at_the_first_sentence_end() -> None:
    """The first sentence ends at '. ' before a capital or digit, or at a blank line."""
    assert first_sentence("The ROP is 95 days. After that, coverage ends.") == "The ROP is 95 days."
    assert first_sentence("Open 8:00AM to 6:00PM.\n\nFrom the toolkit: ...") == "Open 8:00AM to 6:00PM."
    assert first_sentence("Column Z (e.g. the formatted one) is it.") == "Column Z (e.g. the formatted one) is it."


def test_key_fact_ignores_case_spacing_and_curly_quotes() -> None:
    """A key phrase matches across case, runs of spaces and typographic quotes."""
    assert contains_fact("the  CONSUMER’s case", ["consumer's case"])
    assert not contains_fact("the consumer", ["consumer's case"])


def test_thresholds_report_floors_and_ceilings() -> None:
    """A rate under its floor and a number over its ceiling are both reported; a met one is not."""
    metrics = {
        "counts": {"documents": 2},
        "key_fact": Tally(hits=1, total=2),
        "median_answer_words": 70,
        "tool_routing": Tally(hits=2, total=2),
        "latency_ms": {"p50": 10.0, "p95": 20.0},
    }
    broken = check_thresholds(
        metrics,
        {
            "key_fact": {"min": 0.9},
            "median_answer_words": {"max": 50},
            "tool_routing": {"min": 1.0},
            "latency_ms.p50": {"max": 100},
        },
    )
    assert len(broken) == 2
    assert broken[0].startswith("key_fact 0.500 is under its threshold 0.9")
    assert "median_answer_words 70.000 is over its ceiling 50" in broken[1]


@pytest.mark.parametrize(
    ("name", "documents", "unanswerable", "tools"),
    [
        ("fresh", 60, 30, 25),
        ("holdout", 60, 30, 25),
        ("blind", 60, 30, 25),
        ("wild", 60, 30, 25),
        ("street", 50, 25, 75),
        ("harbor", 45, 15, 45),
    ],
)
def test_the_fresh_sets_split_and_thresholds_load(name: str, documents: int, unanswerable: int, tools: int) -> None:
    """Each fresh set's dev and test splits are disjoint, and CI's thresholds exist for the test split (the street set
    leans on tool wordings: fewer document questions, more tool ones)."""
    dev, test = load_set(name, "dev"), load_set(name, "test")
    assert {q["id"] for q in dev.documents}.isdisjoint(q["id"] for q in test.documents)
    assert {q["id"] for q in dev.tools}.isdisjoint(q["id"] for q in test.tools)
    assert len(test.documents) >= documents
    assert len(test.unanswerable) >= unanswerable
    assert len(test.tools) >= tools
    assert test.conversations
    assert "key_fact" in load_thresholds(name, "test")


@pytest.mark.parametrize("name", ["desk", "counter"])
def test_the_tool_wording_sets_have_tool_thresholds(name: str) -> None:
    """The desk and counter sets hold tool questions and conversations only; their test splits have floors for
    those metrics."""
    dev, test = load_set(name, "dev"), load_set(name, "test")
    assert not test.documents
    assert not test.unanswerable
    assert {q["id"] for q in dev.tools}.isdisjoint(q["id"] for q in test.tools)
    assert len(test.tools) >= 100
    assert {"tool_routing", "tool_arguments", "conversation_turns"} <= set(load_thresholds(name, "test"))


def test_a_metric_with_no_items_reads_n_a_in_the_table() -> None:
    """A set without document questions (desk) shows its document metrics as n/a, not as 0.0%."""
    from evals.scoring import Tally, report_table

    counted = Tally()
    counted.add(True, "x")
    lines = list(report_table({"recall_at_1": Tally(), "tool_routing": counted}))
    assert lines[0].split() == ["recall_at_1", "n/a", "(no", "items", "in", "this", "set)"]
    assert "100.0%  (1/1)" in lines[1]
