"""`enroller ask` / `ask --batch`: the JSON contract, one line per batch input, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bots.cli import main

ANSWER_KEYS = {"question", "answer", "route", "tool_calls", "citations", "conversation_id", "parts", "trace"}


@pytest.mark.slow
def test_ask_json_has_exactly_the_contract_fields(corpus_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ask --json` prints one object with the contract's keys; tool calls carry name, arguments, result."""
    code = main(["ask", "NOD01 dated 2026-03-03, when is the ROP due?", "--index", str(corpus_index), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert set(data) == ANSWER_KEYS
    assert data["route"] == "tool"
    assert set(data["tool_calls"][0]) == {"name", "arguments", "result"}
    assert data["tool_calls"][0]["result"]["rop_due_date"] == "2026-06-06"
    assert all(set(c) == {"source", "title", "page", "snippet", "doc_date"} for c in data["citations"])
    kinds = [p["kind"] for p in data["parts"]]
    assert kinds[0] == "tool"
    assert set(kinds) <= {"notice", "tool", "excerpt", "followup", "fallback"}
    assert all(0 <= i < len(data["citations"]) for p in data["parts"] for i in p["citations"])
    assert data["parts"][0]["citations"], "the tool part cites the ROP guide"
    assert data["answer"].startswith(data["parts"][0]["text"])
    steps = [t["step"] for t in data["trace"]]
    assert steps[0] == "route"
    assert "tool" in steps
    assert "rop" in data["trace"][0]["detail"]


@pytest.mark.slow
def test_explain_prints_the_steps(corpus_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`ask --explain` adds the steps: the intent and its rule, retrieval scores, or why it abstained."""
    assert main(["ask", "how do i file my CA 540 this year", "--index", str(corpus_index), "--explain"]) == 0
    out = capsys.readouterr().out
    assert "How I got there:" in out
    assert "route: intent " in out


@pytest.mark.slow
def test_conversation_id_carries_a_follow_up(corpus_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Passing the conversation id back lets a follow-up reuse the earlier NOD01 date."""
    main(["ask", "my client's NOD01 is dated 3/3/2026, when does the ROP end?", "--index", str(corpus_index), "--json"])
    first = json.loads(capsys.readouterr().out)
    args = ["ask", "and when does the NOD03 go out?", "--index", str(corpus_index), "--json"]
    main([*args, "--conversation", first["conversation_id"], "--today", "2026-03-20"])
    second = json.loads(capsys.readouterr().out)
    assert second["conversation_id"] == first["conversation_id"]
    assert second["tool_calls"][0]["arguments"]["notice_date"] == "2026-03-03"
    assert "2026-04-17" in second["answer"]


@pytest.mark.slow
def test_batch_prints_one_line_per_input(
    corpus_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each batch line gets one output line with its id, in order; a bad line gets an error line and exit 2."""
    batch = tmp_path / "q.jsonl"
    lines = [
        {"id": "a", "question": "is the service center open on 2025-11-27?"},
        {"id": "b", "question": "what does the Daily Summary Email tell me about ROP?", "today": "2026-01-05"},
        {"id": "c", "question": "   "},
        {"id": "d", "question": "delegation tool says one match found", "today": "2026-01-05"},
        {"id": "e", "question": "open on the 31st?", "today": "2026-02-30"},
    ]
    batch.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    code = main(["ask", "--batch", str(batch), "--index", str(corpus_index), "--json"])
    captured = capsys.readouterr()
    out = [json.loads(line) for line in captured.out.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d", "e"]
    assert out[0]["tool_calls"][0]["result"]["open"] is False
    assert "error" in out[2]
    assert set(out[3]) == ANSWER_KEYS | {"id"}
    assert code == 2
    assert "q.jsonl:3" in captured.err
    assert "today" in out[4]["error"]
    assert "q.jsonl:5" in captured.err


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        pytest.param(["ask", "   "], "question", id="empty-question"),
        pytest.param(["ask", "hello", "--today", "2026-02-30"], "--today", id="impossible-today"),
        pytest.param(["ask", "hello", "--index", "/nonexistent/index"], "enroller ingest", id="missing-index"),
        pytest.param(["ask", "--batch", "/nonexistent/q.jsonl"], "--batch", id="missing-batch-file"),
    ],
)
def test_bad_input_exits_2_with_one_line(argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad command lines exit 2 with one stderr line naming the problem, no traceback."""
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert needle in err
    assert "Traceback" not in err


def test_demo_answers_from_the_builtin_index(default_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`enroller demo` (the README's main job) answers a tool question and a document question from the
    built-in guides, each with its sources (building the index is tests/assistant/test_wiring.py's job)."""
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "2026-06-06" in out  # the ROP tool answer
    assert "tool: rop_calculator" in out
    assert "tool: delegation_result_explainer" in out
    assert out.count("Sources:") == 4
    last = out.split("Q (")[-1]
    assert "tool:" not in last  # the document question is answered from the guides
    assert "Understanding_ROP_and_Auto_Discontinuance.pdf" in last


def test_chat_keeps_the_conversation_until_new(
    corpus_index: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In `enroller chat` a follow-up uses the earlier NOD01 date; after /new that context is gone."""
    lines = iter(["NOD01 dated 3/3/26, when does the ROP end?", "and the NOD03?", "/new", "and the NOD03?", "/quit"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(lines))
    assert main(["chat", "--index", str(corpus_index), "--today", "2026-03-20"]) == 0
    before, after = capsys.readouterr().out.split("(new conversation)")
    assert before.count("tool: rop_calculator(notice_date=2026-03-03)") == 2  # the follow-up kept the date
    assert "rop_calculator" not in after
