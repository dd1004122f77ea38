"""`enroller check`: validate knowledge (shipped plus overrides), settings, the index and the database before
deploying an edit. Prints what it checked; exit 0 when everything holds, 2 otherwise."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bots.cli.common import EXIT_BAD_INPUT, EXIT_OK


def register(sub: Any) -> None:
    """Add `check` to the `enroller` parser's subparsers."""
    p = sub.add_parser("check", help="validate knowledge files and overrides, settings, the index and the database")
    p.add_argument("--index", type=Path, help="index directory to check (default: the configured one)")
    p.add_argument("--knowledge", type=Path, help="override folder to check (default: ENROLLER_KNOWLEDGE_DIR)")
    p.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    """Run every check, print one line each, and a verdict."""
    from assistant.errors import SettingsError
    from assistant.settings import get_settings

    problems = 0
    try:
        settings = get_settings()
    except SettingsError as exc:
        print(f"FAIL settings: {exc}")
        print("check: 1 problem")
        return EXIT_BAD_INPUT
    override = args.knowledge if args.knowledge is not None else settings.knowledge_dir
    print(
        f"ok   settings: data {settings.data_dir}; LLM {settings.llm or 'none (deterministic)'}; "
        f"knowledge overrides {override or 'none'}"
    )
    problems += _check_knowledge(override)
    problems += _check_index(args.index if args.index is not None else settings.index_dir, settings)
    problems += _check_database(settings)
    print("check: ok" if not problems else f"check: {problems} problem{'s' if problems != 1 else ''}")
    return EXIT_OK if not problems else EXIT_BAD_INPUT


def _check_knowledge(override: Path | None) -> int:
    from assistant.knowledge import check_knowledge
    from tools.facts import use_knowledge_dir

    report = check_knowledge(override)
    for item in report.files:
        where = f"override {item.path}" if item.overridden else "shipped"
        if item.error is None:
            print(f"ok   knowledge: {item.name} ({where})")
    for problem in report.problems:
        print(f"FAIL knowledge: {problem}")
    if report.examples_checked:
        bad = sum(1 for p in report.problems if p.field and p.field.endswith((".examples", ".not")))
        state = "ok  " if not bad else "FAIL"
        print(f"{state} routing examples: {report.examples_checked} checked, {bad} misrouted")
    use_knowledge_dir(None)
    return len(report.problems)


def _check_index(explicit: Path | None, settings: Any) -> int:
    from ingest.index import IndexProblem, index_exists
    from ingest.retrieval import Retriever

    index = explicit if explicit is not None else settings.resolved_index_dir
    if not index_exists(index):
        if explicit is None:
            print(f"ok   index: {index} not built yet (the built-in guides are indexed on first use)")
            return 0
        print(f"FAIL index: no index at {index}: run `enroller ingest PATH --index {index}`")
        return 1
    try:
        retriever = Retriever.open(index)
    except IndexProblem as exc:
        print(f"FAIL index: {exc}")
        return 1
    sources = {c.source for c in retriever.chunks}
    print(f"ok   index: {index} ({len(retriever)} chunks from {len(sources)} documents)")
    return 0


def _check_database(settings: Any) -> int:
    from assistant.store import ConversationStore, StoreError

    try:
        with ConversationStore.from_settings(settings) as store:
            name = store.name
    except StoreError as exc:
        print(f"FAIL database: {exc}")
        return 1
    print(f"ok   database: {name} (schema up to date)")
    return 0
