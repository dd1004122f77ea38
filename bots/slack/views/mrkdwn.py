"""Slack text helpers: escaping document text for mrkdwn, links, and splitting within Block Kit's limits."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

#: Slack's limit on a section's text, and on blocks per message (modals and App Home take 100).
SECTION_LIMIT = 3000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100

_ENTITY = re.compile(r"&(?:amp|lt|gt);")


def escape(text: str) -> str:
    """Escape `&`, `<` and `>` as Slack asks, so a PDF's `<!channel>` or `<http://x|y>` stays plain text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str, label: str) -> str:
    """A mrkdwn link whose label is escaped (a `|` or `>` in a title cannot end it early)."""
    return f"<{url}|{escape(label).replace('|', '¦')}>"


def document_url(public_url: str | None, source: str, page: int) -> str | None:
    """PUBLIC_URL/documents/<file>#page=N, or None when no public URL is configured."""
    if not public_url:
        return None
    return f"{public_url.rstrip('/')}/documents/{quote(source)}#page={page}"


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """`text` in pieces of at most `limit` characters, split at whitespace (a word longer than the limit, such as a
    long URL, is the only thing cut, and never inside an escape like `&amp;`)."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = max(rest.rfind(" ", 0, limit + 1), rest.rfind("\n", 0, limit + 1))
        if cut <= 0:
            cut = limit
            entity = _ENTITY.search(rest, max(0, limit - 4), limit + 4)
            if entity is not None and entity.start() < limit < entity.end():
                cut = entity.start()
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def shorten(text: str, limit: int = SECTION_LIMIT) -> str:
    """`text` within `limit` characters: cut at a word (never inside an escape) and ended with "…" when too long."""
    text = text.strip()
    return text if len(text) <= limit else split_text(text, limit - 1)[0] + "…"


def section(text: str) -> dict[str, Any]:
    """A mrkdwn section block (the caller keeps `text` within SECTION_LIMIT)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def plain(text: str, limit: int = 150) -> dict[str, Any]:
    """A plain_text object, shortened to `limit` (button labels take 75, headers 150)."""
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return {"type": "plain_text", "text": text, "emoji": True}
