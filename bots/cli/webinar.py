"""`enroller webinar FILE... [--index DIR] [--today D] [--out F]... [--run NAME]`: a webinar's exports in, grouped
questions answered with citations out (a publishable FAQ), the unanswered ones set aside for the presenter.

`enroller gaps [--since D] [--out F]`: the stored questions the assistant fell back on and the 👎'd ones, grouped."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bots.cli.ask import _iso_date
from bots.cli.common import EXIT_OK, fail, print_json


def register(sub: Any) -> None:
    """Add `webinar` to the `enroller` parser's subparsers."""
    p = sub.add_parser("webinar", help="group and answer a webinar's questions (Zoom/Slido/Teams exports, text)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="exports: Zoom Q&A CSV or chat, CSV, XLSX, text")
    p.add_argument("--index", type=Path, help="index directory (default: the built-in knowledge index)")
    p.add_argument("--today", type=_iso_date, help="answer as if today were YYYY-MM-DD (default: the webinar's date)")
    p.add_argument("--out", type=Path, action="append", default=[], metavar="F", help=".json .md .html .csv .xlsx")
    p.add_argument("--run", metavar="NAME", help="store the run; later batches under the same name merge into it")
    p.set_defaults(func=cmd_webinar)

    g = sub.add_parser("gaps", help="what enrollers asked that the assistant fell back on or got a 👎 for, grouped")
    g.add_argument("--since", type=_iso_date, help="only questions asked on or after YYYY-MM-DD (UTC)")
    g.add_argument("--out", type=Path, metavar="F", help=".json .md .csv (default: a table on stdout)")
    g.set_defaults(func=cmd_gaps)


@contextmanager
def _progress_bar(total_label: str) -> Iterator[Any]:
    """A bar on stderr while groups are answered (nothing when stderr is not a terminal)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(total_label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=Console(stderr=True)
    ) as bar:
        task = bar.add_task(total_label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def cmd_webinar(args: argparse.Namespace) -> int:
    """Read, drop, group, answer, write."""
    from bots.webinar.answering import build_report
    from bots.webinar.intake import collect_questions
    from bots.webinar.outputs import FORMATS, write_report
    from bots.webinar.parsing import FORMAT_NAMES, parse_file
    from bots.webinar.runs import merge_intakes, run_record

    for out in args.out:
        if out.suffix.lower() not in FORMATS:
            return fail(f"--out: cannot write {out.suffix or out.name}; use {', '.join(FORMATS)}")
    parsed = [parse_file(path) for path in args.files]
    for item in parsed:
        print(f"enroller: {item.path}: {FORMAT_NAMES[item.format]}, {len(item.messages)} messages", file=sys.stderr)
    intake = collect_questions(parsed)
    from assistant.wiring import build_assistant

    with build_assistant(index_dir=args.index) as assistant:
        previous = assistant.store.load_webinar_run(args.run) if args.run else None
        intake, known = merge_intakes(previous, intake)
        with _progress_bar("answering groups") as progress:
            report = build_report(intake, assistant, today=args.today, progress=progress, known=known)
        if args.run:
            assistant.store.save_webinar_run(args.run, run_record(report, intake))
    for out in args.out:
        write_report(report, out)
        print(f"enroller: wrote {out}", file=sys.stderr)
    why = Counter(d.why for d in report.dropped)
    summary = {
        "questions": report.webinar.questions,
        "groups": len(report.groups),
        "for_presenter": len(report.for_presenter),
        "dropped": dict(why),
        "private_skipped": report.webinar.private_skipped,
    }
    if not args.out:
        from bots.webinar.outputs import report_markdown

        sys.stdout.write(report_markdown(report))
    else:
        print_json(summary)
    return EXIT_OK


def cmd_gaps(args: argparse.Namespace) -> int:
    """Read the store's gaps, group them, print a table or write --out."""
    from bots.webinar.gaps import GAP_FORMATS, build_gaps, gaps_table, read_gap_questions, render_gaps

    if args.out is not None and args.out.suffix.lower() not in GAP_FORMATS:
        return fail(f"--out: cannot write {args.out.suffix or args.out.name}; use {', '.join(GAP_FORMATS)}")
    from assistant.settings import get_settings
    from assistant.store import ConversationStore

    settings = get_settings()
    with ConversationStore.from_settings(settings) as store:
        questions = read_gap_questions(store, args.since)
    report = build_gaps(questions, since=args.since)
    if args.out is None:
        sys.stdout.write(gaps_table(report))
        return EXIT_OK
    args.out.write_text(render_gaps(report, args.out.suffix), encoding="utf-8")
    print(f"enroller: wrote {args.out} ({len(report.groups)} groups, asked {report.asked} times)", file=sys.stderr)
    return EXIT_OK
