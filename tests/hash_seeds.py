"""Run a snippet of Python in fresh interpreters with different string-hash seeds: what a set's iteration order
could change (a float sum's last bits, a tie broken the other way) shows up as more than one distinct output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def outputs_under_hash_seeds(code: str, seeds: range = range(1, 7)) -> set[str]:
    """The distinct stdouts of `code` run once per PYTHONHASHSEED in `seeds` (from the repository root)."""
    outputs = set()
    for seed in seeds:
        env = {**os.environ, "PYTHONHASHSEED": str(seed), "PYTHONPATH": str(REPO)}
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=True
        )
        outputs.add(done.stdout)
    return outputs
