"""`enroller serve`: the HTTP API and pages under uvicorn."""

from __future__ import annotations

import argparse
import ipaddress
import os
from pathlib import Path
from typing import Any

from bots.cli.common import EXIT_OK, fail, load_operator_knowledge


def register(sub: Any) -> None:
    """Add `serve` to the `enroller` parser's subparsers."""
    p = sub.add_parser("serve", help="serve the HTTP API, the help-request form and the chat page")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--index", type=Path, help="index directory (default: the configured one)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument(
        "--allow-open", action="store_true", help="bind a non-loopback address even with no ENROLLER_API_TOKENS"
    )
    p.set_defaults(func=cmd_serve)


def is_loopback(host: str) -> bool:
    """Whether `host` only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the app; refuse an open, token-less bind unless --allow-open."""
    import uvicorn

    from assistant.settings import get_settings

    if args.workers < 1:
        return fail("--workers must be at least 1")
    settings = get_settings()
    if not settings.api_tokens and not is_loopback(args.host) and not args.allow_open:
        return fail(
            f"refusing to serve on {args.host} with no ENROLLER_API_TOKENS: anyone on the network could use it; "
            "set tokens, bind 127.0.0.1, or pass --allow-open"
        )
    load_operator_knowledge()  # a bad file refuses to start here, in one line, not as a traceback per worker
    if args.index is not None:
        # Workers build their own app from the environment, so the flag travels as the variable.
        os.environ["ENROLLER_INDEX_DIR"] = str(args.index.resolve())
        get_settings.cache_clear()
    if args.workers == 1:
        from bots.http import create_app

        uvicorn.run(create_app(get_settings()), host=args.host, port=args.port, log_level="info")
    else:
        uvicorn.run(
            "bots.http.app:app_factory",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level="info",
        )
    return EXIT_OK
