"""The `enroller` command: a thin shell over the library. Exit 0 on success, 2 on bad input."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from bots.cli import ask as cli_ask
from bots.cli import check as cli_check
from bots.cli import eval as cli_eval
from bots.cli import feedback as cli_feedback
from bots.cli import index as cli_index
from bots.cli import serve as cli_serve
from bots.cli import slack as cli_slack
from bots.cli import webinar as cli_webinar
from bots.cli.common import EXIT_OK, EnrollerParser, UsageError, fail, load_operator_knowledge, print_json
from tools.errors import EnrollerError

# --- tools -------------------------------------------------------------------------------------------


def cmd_tools(args: argparse.Namespace) -> int:
    """List the deterministic tools."""
    from tools.registry import TOOLS

    load_operator_knowledge(shipped_too=False)  # the descriptions quote the facts, overrides included
    width = max(len(n) for n in TOOLS)
    for name, spec in TOOLS.items():
        print(f"{name:<{width}}  {spec.headline}")
    return EXIT_OK


def _describe_tool_fields(name: str) -> str:
    from tools.registry import get_tool

    spec = get_tool(name)
    lines = [f"usage: enroller tool {name} --json '{{...}}'", "", spec.description, "", "fields:"]
    schema = spec.input_model.model_json_schema()
    required = set(schema.get("required", []))
    for field, prop in schema.get("properties", {}).items():
        kind = prop.get("type") or " | ".join(
            str(p.get("type", p.get("$ref", "?"))) for p in prop.get("anyOf", []) if p.get("type") != "null"
        )
        if prop.get("format"):
            kind = f"{kind} ({prop['format']})"
        flag = "required" if field in required else "optional"
        desc = prop.get("description", "")
        lines.append(f"  {field:<20} {kind:<18} {flag:<9} {desc}")
    return "\n".join(lines)


def cmd_tool(args: argparse.Namespace) -> int:
    """Run one tool on JSON arguments and print its output model as JSON."""
    from tools.errors import EnrollerToolError
    from tools.registry import get_tool

    try:
        spec = get_tool(args.name)
    except EnrollerToolError as exc:
        return fail(str(exc))
    load_operator_knowledge(shipped_too=False)
    if args.help:
        print(_describe_tool_fields(args.name))
        return EXIT_OK
    raw = args.json
    if raw is None:
        return fail(f"--json is required: the arguments for {args.name} as a JSON object")
    if raw == "-":
        raw = sys.stdin.read()
    try:
        payload = json.loads(raw)
    except json.JSONDecodeError as exc:
        return fail(f"--json is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    try:
        result = spec.run(payload)
    except EnrollerToolError as exc:
        return fail(f"{args.name}: {exc}")
    print_json(result.model_dump(mode="json"))
    return EXIT_OK


# --- parser ------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = EnrollerParser(prog="enroller", description="Enroller Assist: answers for Covered California enrollers.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=EnrollerParser)

    p = sub.add_parser("tools", help="list the deterministic tools")
    p.set_defaults(func=cmd_tools)

    p = sub.add_parser("tool", help="run one tool: enroller tool NAME --json '{...}'", add_help=False)
    p.add_argument("name", help="tool name (see `enroller tools`)")
    p.add_argument("--json", help="the tool's arguments as a JSON object ('-' reads stdin)")
    p.add_argument("-h", "--help", action="store_true", help="show the tool's fields")
    p.set_defaults(func=cmd_tool)

    cli_index.register(sub)  # ingest, search
    cli_ask.register(sub)  # ask, chat, demo
    cli_check.register(sub)  # check
    cli_eval.register(sub)  # eval
    cli_slack.register(sub)  # slack (Socket Mode)
    cli_feedback.register(sub)  # feedback export
    cli_serve.register(sub)  # serve
    cli_webinar.register(sub)  # webinar, gaps
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `enroller` console script."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return fail(str(exc))
    try:
        code: int = args.func(args)
    except EnrollerError as exc:
        # The one place CLI errors are mapped: a bad knowledge file, a missing index, bad input → one line, exit 2.
        return fail(str(exc))
    except BrokenPipeError:
        # `enroller ... | head`: the reader left; say nothing more (and keep Python from complaining at exit).
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
