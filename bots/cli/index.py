"""`enroller ingest` and `enroller search`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bots.cli.common import EXIT_BAD_INPUT, EXIT_OK, fail, print_json, read_batch, terminal_progress


def register(sub: Any) -> None:
    """Add `ingest` and `search` to the `enroller` parser's subparsers."""
    p = sub.add_parser("ingest", help="index PDFs, Markdown and text files (no PATH: the built-in guides)")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="files or folders (walked recursively)")
    p.add_argument("--index", type=Path, help="index directory (default: ENROLLER_INDEX_DIR or DATA_DIR/index)")
    p.add_argument("--prune", action="store_true", help="drop chunks of indexed files that no longer exist")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="hybrid search of the index, with document and page")
    p.add_argument("query", nargs="?", help="what to look for")
    p.add_argument("--batch", type=Path, metavar="FILE.jsonl", help='lines {"id", "question"}; one output line each')
    p.add_argument("--k", type=int, default=5, help="number of results (default 5)")
    p.add_argument("--index", type=Path, help="index directory (default: ENROLLER_INDEX_DIR or DATA_DIR/index)")
    p.add_argument("--mode", choices=["hybrid", "bm25", "dense"], default="hybrid", help="retrieval mode")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_search)


def _index_dir(explicit: Path | None) -> Path:
    from assistant.settings import get_settings

    return explicit if explicit is not None else get_settings().resolved_index_dir


def _target(explicit: Path | None) -> Any:
    """--index, else CHROMA_URL's server (`ChromaServerIndex`), else the configured index folder."""
    from assistant.settings import get_settings

    url = get_settings().chroma_url if explicit is None else None
    if url:
        from ingest.store_chroma import server_index

        return server_index(url)
    return _index_dir(explicit)


def cmd_ingest(args: argparse.Namespace) -> int:
    """Index files; report each skipped file by name; exit 2 if any failed."""
    from ingest.index import IndexProblem, ingest_paths
    from knowledge import DOCS_DIR

    index = _target(args.index)
    paths = list(args.paths) or [DOCS_DIR]
    try:
        with terminal_progress(quiet=args.quiet) as progress:
            report = ingest_paths(paths, index, prune=args.prune, progress=progress)
    except IndexProblem as exc:
        return fail(str(exc))
    for path, reason in report.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    for path in report.removed:
        print(f"removed {path}", file=sys.stderr)
    state = "updated" if report.changed else "already up to date"
    print(f"{report.index_dir}: {state}; {report}")
    return EXIT_BAD_INPUT if report.failed else EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    """Search the index: one query, or a JSONL batch (one output line per input line)."""
    from ingest.index import IndexProblem, index_exists
    from ingest.retrieval import Retriever

    if args.batch is not None and args.query:
        return fail("give either a QUERY or --batch FILE.jsonl, not both")
    if args.batch is None and not (args.query and args.query.strip()):
        return fail("query: required (or --batch FILE.jsonl)")
    if args.k < 1:
        return fail(f"--k: must be at least 1 (got {args.k})")
    if args.batch is not None and not args.batch.is_file():
        return fail(f"--batch: no such file: {args.batch}")
    index = _target(args.index)
    retriever: Any
    if not isinstance(index, Path):
        from ingest.retrieval import ServerRetriever

        retriever = ServerRetriever(index)
        try:
            retriever.refresh()
        except IndexProblem as exc:
            return fail(str(exc))
    elif not index_exists(index):
        return fail(f"no index at {index}: run `enroller ingest PATH --index {index}` first")
    else:
        try:
            retriever = Retriever.open(index)
        except IndexProblem as exc:
            return fail(str(exc))
    if args.batch is not None:
        return _search_batch(retriever, args.batch, k=args.k, mode=args.mode)
    hits = retriever.search(args.query, k=args.k, mode=args.mode)
    if args.json:
        print_json({"query": args.query, "results": [h.to_json() for h in hits]})
    else:
        print(render_hits(hits))
    return EXIT_OK


def _search_batch(retriever: Any, path: Path, *, k: int, mode: str) -> int:
    status = EXIT_OK
    for line in read_batch(path):
        if line.error is not None:
            print(f"enroller: error: {path}:{line.number}: {line.error}", file=sys.stderr)
            print(json.dumps({"id": line.item_id, "error": line.error}), flush=True)
            status = EXIT_BAD_INPUT
            continue
        hits = retriever.search(line.question, k=k, mode=mode)
        out = {"id": line.item_id, "query": line.question, "results": [h.to_json() for h in hits]}
        print(json.dumps(out, ensure_ascii=False), flush=True)
    return status


def render_hits(hits: list[Any]) -> str:
    """Human-readable results: title, page, snippet."""
    if not hits:
        return "No results."
    lines = []
    for n, hit in enumerate(hits, start=1):
        snippet = " ".join(hit.text.split())
        snippet = snippet if len(snippet) <= 220 else snippet[:217] + "..."
        lines.append(f"{n}. {hit.title} — page {hit.page}  ({hit.source}, score {hit.score:.3f})\n   {snippet}")
    return "\n".join(lines)
