"""`enroller check`, and start-up refusing a broken override with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import get_settings
from bots.cli import main
from tests.assistant.test_knowledge import season_override


def test_check_passes_on_shipped_knowledge(capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 0 on the shipped knowledge, printing each file and the routing examples it checked."""
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "ok   knowledge: rop.yaml (shipped)" in out
    assert "routing examples:" in out
    assert out.rstrip().endswith("check: ok")


def test_check_fails_on_a_broken_override(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A broken override file → exit 2, the file named; `enroller ask` then refuses to start with one line."""
    ops = tmp_path / "ops"
    ops.mkdir()
    (ops / "crw.yaml").write_text("risk_levels: {high: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("ENROLLER_KNOWLEDGE_DIR", str(ops))
    assert main(["check"]) == 2
    out = capsys.readouterr().out
    assert f"FAIL knowledge: {ops / 'crw.yaml'}: not valid YAML" in out
    assert "check: 1 problem" in out

    assert main(["ask", "is the service center open today?"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines == [lines[0]]
    assert lines[0].startswith(f"enroller: error: {ops / 'crw.yaml'}: not valid YAML")
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    "argv",
    [["serve", "--port", "0"], ["tool", "service_center_hours", "--json", '{"date": "2026-11-27"}'], ["tools"]],
    ids=["serve", "tool", "tools"],
)
def test_every_command_refuses_a_broken_override(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve` (before uvicorn starts) and the tool commands stop on a bad override with one line, exit 2."""
    import uvicorn

    ops = tmp_path / "ops"
    ops.mkdir()
    (ops / "routing.yaml").write_text("rop:\n  triggers: ['reasonable (opportunity']\n", encoding="utf-8")
    monkeypatch.setenv("ENROLLER_KNOWLEDGE_DIR", str(ops))
    started: list[object] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: started.append(a))
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert started == []
    assert captured.err.count("\n") == 1
    assert captured.err.startswith(f"enroller: error: {ops / 'routing.yaml'}: rop.triggers")
    assert "Traceback" not in captured.err


def test_tool_command_reads_the_operator_season(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`enroller tool service_center_hours` for 2026-11-27: an estimate on the shipped calendar, confirmed once
    the operator publishes the 2026-27 season in ENROLLER_KNOWLEDGE_DIR."""
    assert main(["tool", "service_center_hours", "--json", '{"date": "2026-11-27"}']) == 0
    assert json.loads(capsys.readouterr().out)["confirmed"] is False
    monkeypatch.setenv("ENROLLER_KNOWLEDGE_DIR", str(season_override(tmp_path / "ops").parent))
    get_settings.cache_clear()  # a new command reads the environment afresh
    assert main(["tool", "service_center_hours", "--json", '{"date": "2026-11-27"}']) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["confirmed"] is True
    assert out["closure_reason"] == "Day After Thanksgiving"


def test_bad_setting_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid environment variable is named, not dumped as a validation error."""
    monkeypatch.setenv("ENROLLER_LLM_TIMEOUT", "soon")
    assert main(["check"]) == 2
    assert "FAIL settings: ENROLLER_LLM_TIMEOUT" in capsys.readouterr().out
    assert main(["ask", "hi"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("enroller: error: ENROLLER_LLM_TIMEOUT")
    assert len(err.strip().splitlines()) == 1
