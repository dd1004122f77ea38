"""`enroller ask`, `enroller chat` and `enroller demo`."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    """Add this module's subcommands to the `enroller` parser's subparsers."""
    _ = (sub, argparse)
