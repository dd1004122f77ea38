"""Helpers every `enroller` subcommand module shares: one-line errors, JSON output, exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, NoReturn

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class UsageError(Exception):
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
