"""build_assistant: the one composition root, what it says, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import StartupError
from assistant.settings import Settings
from assistant.wiring import build_assistant
from ingest.index import index_exists


@pytest.mark.slow
def test_first_start_builds_the_builtin_index_and_says_so(tmp_path: Path) -> None:
    """With no index anywhere, the built-in guides are indexed under DATA_DIR, with a note, never silently;
    the mode is said once; the assistant answers from the guides."""
    notes: list[str] = []
    settings = Settings(data_dir=tmp_path / "data")
    with build_assistant(settings, notice=notes.append) as assistant:
        answer = assistant.ask("can the carrier reinstate after an ROP termination?")
    assert index_exists(settings.resolved_index_dir)
    assert notes[0].startswith("indexing the built-in guides into")
    assert notes[1:] == ["deterministic mode (no LLM configured)"]
    assert answer.route == "retrieval"
    assert answer.citations


def test_explicit_index_must_exist(tmp_path: Path) -> None:
    """An --index or ENROLLER_INDEX_DIR that holds no index is refused (nothing is built there)."""
    missing = tmp_path / "nowhere"
    with pytest.raises(StartupError, match=r"no index at .*nowhere.*enroller ingest"):
        build_assistant(Settings(data_dir=tmp_path / "data"), index_dir=missing, notice=lambda _: None)
    with pytest.raises(StartupError, match="no index at"):
        build_assistant(Settings(data_dir=tmp_path / "data", index_dir=missing), notice=lambda _: None)
    assert not missing.exists()


def test_unusable_database_is_a_startup_error(tmp_path: Path, default_index: Path) -> None:
    """A database file that is not a database stops start-up with one line naming it."""
    bad = tmp_path / "not-a-db.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{bad}")
    with pytest.raises(StartupError, match=r"not-a-db\.sqlite3"):
        build_assistant(settings, index_dir=default_index, notice=lambda _: None)
