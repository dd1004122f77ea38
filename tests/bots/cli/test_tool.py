"""`enroller tools` and `enroller tool NAME`: JSON out, --help, one-line errors with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bots.cli import main
from tools.registry import TOOLS


def test_tools_lists_every_tool(capsys: pytest.CaptureFixture[str]) -> None:
    """`enroller tools` prints each registered tool with its one-line description."""
    assert main(["tools"]) == 0
    out = capsys.readouterr().out
    for name in TOOLS:
        assert name in out


@pytest.mark.parametrize("name", sorted(TOOLS))
def test_tool_help_shows_the_fields(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`enroller tool NAME --help` shows every input field, required or optional."""
    assert main(["tool", name, "--help"]) == 0
    out = capsys.readouterr().out
    for field in TOOLS[name].input_model.model_fields:
        assert field in out


@pytest.mark.parametrize(
    ("name", "payload", "key", "value"),
    [
        pytest.param("rop_calculator", {"notice_date": "2026-03-03"}, "rop_due_date", "2026-06-06", id="rop"),
        pytest.param("service_center_hours", {"date": "2025-12-31"}, "closes", "20:00", id="hours"),
        pytest.param("escalation_timeline", {"escalation_date": "2025-12-19"}, "latest", "2026-01-06", id="escalation"),
        pytest.param(
            "delegation_result_explainer", {"message": "more than one case"}, "result", "multiple_cases", id="d"
        ),
        pytest.param("help_request_router", {"description": "my license expired"}, "team", None, id="help"),
        pytest.param(
            "resolution_reason_picker", {"outcome": "moved to Nevada"}, "reason", "Moved out of state", id="r"
        ),
    ],
)
def test_tool_prints_its_output_model_as_json(
    name: str, payload: dict[str, str], key: str, value: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--json '{...}'` prints the output model (summary and sources included) as JSON, exit 0."""
    assert main(["tool", name, "--json", json.dumps(payload)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["summary"]
    assert data["sources"][0]["page"] >= 1
    if value is not None:
        assert data[key] == value
    else:
        assert key in data


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        pytest.param(
            ["tool", "rop_calculator", "--json", '{"notice_date": "2026-02-30"}'], "notice_date", id="bad-date"
        ),
        pytest.param(["tool", "rop_calculator", "--json", "{}"], "notice_date", id="missing-field"),
        pytest.param(["tool", "help_request_router", "--json", '{"description": "  "}'], "description", id="empty"),
        pytest.param(["tool", "rop_calculator", "--json", "{notice_date: 1"], "not valid JSON", id="malformed-json"),
        pytest.param(["tool", "rop_calculator", "--json", "[1, 2]"], "input", id="not-an-object"),
        pytest.param(["tool", "rop_calculator", "--json", '{"nod": "2026-03-03"}'], "nod", id="unknown-field"),
        pytest.param(["tool", "no_such_tool", "--json", "{}"], "unknown tool", id="unknown-tool"),
        pytest.param(["tool", "rop_calculator"], "--json", id="no-arguments"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv: list[str], names: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Bad input exits 2 with exactly one stderr line naming the problem, and nothing on stdout."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, lines
    assert names in lines[0]
    assert "Traceback" not in captured.err


def test_console_script_path_never_tracebacks() -> None:
    """Through `python -m assistant` (a real process) an impossible date is exit 2 and one line."""
    proc = subprocess.run(
        [sys.executable, "-m", "bots.cli", "tool", "rop_calculator", "--json", '{"notice_date": "2026-02-30"}'],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "notice_date" in proc.stderr
