"""`enroller eval [SET]`: the golden question sets in one command, with thresholds that stop a regression."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from bots.cli.common import EXIT_OK, print_json

EXIT_BELOW_THRESHOLD = 1


def register(sub: Any) -> None:
    """Add `eval` to the `enroller` parser's subparsers."""
    p = sub.add_parser("eval", help="score the assistant on a golden question set (exit 1 under a threshold)")
    p.add_argument(
        "set",
        nargs="?",
        default="fresh",
        choices=["fresh", "holdout", "blind", "wild", "street", "desk", "counter", "harbor", "legacy"],
        help="question set (fresh)",
    )
    p.add_argument("--split", choices=["dev", "test", "all"], default="test", help="which items (default test)")
    p.add_argument("--index", type=Path, help="an index of the source PDFs (default: built under DATA_DIR)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--misses", type=int, default=0, metavar="N", help="list up to N misses per metric")
    p.add_argument("--no-thresholds", action="store_true", help="report only; never exit 1")
    p.set_defaults(func=cmd_eval)


def cmd_eval(args: argparse.Namespace) -> int:
    """Ingest the source corpus if needed, run the set, print the metrics, check the thresholds."""
    from assistant.settings import get_settings, source_corpus_dir
    from assistant.wiring import build_assistant
    from bots.cli.common import terminal_progress
    from evals.scoring import check_thresholds, evaluate, load_set, load_thresholds, report_json, report_table
    from ingest.index import ingest_paths

    settings = get_settings()
    index = args.index
    if index is None:
        corpus = source_corpus_dir()
        if corpus is None or not corpus.is_dir():
            print(
                f"enroller: eval skipped: the source corpus is not here ({corpus or '../shared/corpus'}); "
                "set ENROLLER_CORPUS_DIR to the folder of the toolkit PDFs",
                file=sys.stderr,
            )
            return EXIT_OK
        index = settings.data_dir / "eval-index"
        with terminal_progress() as progress:
            # exact: the eval's index holds the corpus and nothing else (never a copy found elsewhere before)
            report = ingest_paths([corpus], index, exact=True, progress=progress)
        if report.changed:
            print(f"enroller: indexed {corpus} into {index}: {report}", file=sys.stderr)
    qset = load_set(args.set, args.split)
    with tempfile.TemporaryDirectory(prefix="enroller-eval-") as tmp:
        # The eval's conversations go to a throwaway database, never into the user's.
        run_settings = settings.model_copy(update={"database_url": f"sqlite:///{Path(tmp) / 'eval.sqlite3'}"})
        with build_assistant(run_settings, index_dir=index, notice=lambda _: None) as assistant:
            metrics = evaluate(assistant, qset)
    metrics = {"split": args.split, **metrics}
    broken = [] if args.no_thresholds else check_thresholds(metrics, load_thresholds(args.set, args.split))
    if args.json:
        print_json({**report_json(metrics), "below_threshold": broken})
    else:
        for line in report_table(metrics, misses=args.misses):
            print(line)
        for line in broken:
            print(f"BELOW THRESHOLD: {line}")
    return EXIT_BELOW_THRESHOLD if broken else EXIT_OK
