"""Where the real source PDFs are, for tests that read them: skipped with a reason when they are not here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from assistant.settings import source_corpus_dir


def corpus_or_skip() -> Path:
    """The source corpus folder (../shared/corpus or ENROLLER_CORPUS_DIR); skip the test when it is absent."""
    corpus = source_corpus_dir()
    if corpus is None or not corpus.is_dir():
        message = f"source corpus not found ({corpus or '../shared/corpus'}); set ENROLLER_CORPUS_DIR"
        if os.environ.get("CI") == "true":
            pytest.fail(message)  # CI always has shared/ beside the clone: a skip there would hide a regression
        pytest.skip(message)
    return corpus
