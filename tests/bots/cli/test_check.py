"""`enroller check`, and start-up refusing a broken override with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.cli import main


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


def test_bad_setting_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """An invalid environment variable is named, not dumped as a validation error."""
    monkeypatch.setenv("ENROLLER_LLM_TIMEOUT", "soon")
    assert main(["check"]) == 2
    assert "FAIL settings: ENROLLER_LLM_TIMEOUT" in capsys.readouterr().out
    assert main(["ask", "hi"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("enroller: error: ENROLLER_LLM_TIMEOUT")
    assert len(err.strip().splitlines()) == 1
