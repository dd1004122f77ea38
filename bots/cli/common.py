"""Helpers every `enroller` subcommand module shares: one-line errors, JSON output, exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from tools.errors import InvalidInputError

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def load_operator_knowledge(*, shipped_too: bool = True) -> None:
    """Validate the shipped knowledge and the operator's ENROLLER_KNOWLEDGE_DIR overrides and put them in force,
    for commands that run without building an Assistant; a bad file raises KnowledgeError (one line, exit 2).
    With `shipped_too=False` and no overrides anywhere, nothing is checked up front (each tool validates the
    shipped file it reads, as it always did)."""
    from assistant.knowledge import load_knowledge
    from assistant.settings import get_settings
    from tools.facts import knowledge_dir_override

    directory = get_settings().knowledge_dir
    if not shipped_too and directory is None and knowledge_dir_override() is None:
        return
    load_knowledge(directory)


class UsageError(InvalidInputError):
    """Bad command-line input: printed as one line on stderr, exit 2."""


class EnrollerParser(argparse.ArgumentParser):
    """argparse that reports errors as one line (no usage dump), exit 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def fail(message: str) -> int:
    """Print one error line on stderr and return the bad-input exit code."""
    print(f"enroller: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def print_json(obj: Any) -> None:
    """Write `obj` as one line of JSON on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class BatchLine:
    """One line of a `--batch FILE.jsonl`: its number, id, question and fields, or what is wrong with it."""

    number: int
    item_id: Any
    question: str
    fields: dict[str, Any]
    error: str | None = None


def read_batch(path: Path) -> Iterator[BatchLine]:
    """The lines of a JSONL batch, each {"id", "question", ...}; bad lines come back with `error` set."""
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            item_id: Any = None
            try:
                item = json.loads(line)
                if not isinstance(item, dict):
                    raise ValueError("expected a JSON object")
                item_id = item.get("id")
                question = item.get("question")
                if not isinstance(question, str) or not question.strip():
                    raise ValueError("question: required, a non-empty string")
            except ValueError as exc:  # json.JSONDecodeError is a ValueError
                message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                yield BatchLine(number, item_id, "", {}, error=message)
                continue
            yield BatchLine(number, item_id, question, item)


@contextmanager
def terminal_progress(*, quiet: bool = False) -> Iterator[Any]:
    """A progress callback that draws bars on stderr while a person watches (False when stderr is not a
    terminal or `quiet`): stdout keeps only the result, so scripts can read it."""
    if quiet or not sys.stderr.isatty():
        yield False
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(message: str, done: int, total: int) -> None:
            phase = "embedding" if message.startswith("embedding") else "reading"
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total, description=message[:28])

        yield update
