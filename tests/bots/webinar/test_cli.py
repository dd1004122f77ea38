"""`enroller webinar`: bad input is one line and exit 2, before any model or index is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bots.cli import main


def test_missing_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that does not exist: one error line naming it, exit 2."""
    assert main(["webinar", str(tmp_path / "nope.csv")]) == 2
    err = capsys.readouterr().err
    assert "nope.csv: no such file" in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_output_format_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--out with an extension we do not write is refused up front."""
    source = tmp_path / "q.txt"
    source.write_text("How long is the ROP?\n", encoding="utf-8")
    assert main(["webinar", str(source), "--out", str(tmp_path / "faq.pdf")]) == 2
    assert ".json" in capsys.readouterr().err
