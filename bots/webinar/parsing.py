"""Read webinar exports, detecting the format from the content (never the extension).

Formats: Zoom's Q&A report CSV (a preamble, then a table with Question / Asker Name / Asker Email / Answer(s)),
Zoom chat saved locally (new, old and localised styles, with replies, reactions and direct messages), Zoom chat
from the cloud recording, other platforms' CSV or XLSX with a question column (votes used when present), and plain
text with one question a line. Every text is redacted (`assistant.pii.redact_pii`) as it is read, before anything
else sees it; direct messages are counted and skipped without being read further.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cache
from pathlib import Path

from assistant.pii import redact_pii
from bots.webinar.errors import WebinarFileError
from bots.webinar.models import Format, Message, ParsedFile
from bots.webinar.rules import WebinarRules, webinar_rules

FORMAT_NAMES: dict[Format, str] = {
    "zoom_qa": "Zoom webinar Q&A report (CSV)",
    "zoom_chat": "Zoom chat saved locally (.txt)",
    "zoom_cloud_chat": "Zoom chat from the cloud recording",
    "table_csv": "CSV with a question column",
    "table_xlsx": "spreadsheet (XLSX) with a question column",
    "plain_text": "plain text, one question a line",
}

#: Header names of a question column, an asker column and a votes column, lowercased (Slido, Teams, GoTo, ...).
QUESTION_COLUMNS = ("question", "questions", "question text", "content", "message", "text", "question details")
ASKER_COLUMNS = ("asker name", "asker", "asked by", "author", "name", "participant", "user", "from", "submitted by")
EMAIL_COLUMNS = ("asker email", "email", "e-mail", "author email")
VOTE_COLUMNS = ("upvotes", "upvote", "votes", "vote count", "likes", "upvote count", "score", "thumbs up")
DATE_FORMATS = (
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%B %d, %Y %I:%M %p",
    "%b %d, %Y",
)

_REPLY = re.compile(
    r'^\s*(?:Replying to|Respondiendo a|Antwort auf|En réponse à)\s+"(?P<quote>[^"]*)"\s*(?P<rest>.*)$', re.S
)
_REACTION = re.compile(
    r'^\s*(?:Reacted to|Reaccionó a|Hat auf|A réagi à)\s+"(?P<quote>[^"]*)"\s+(?:with|con|mit|avec)\s+(?P<emoji>\S+)',
    re.S,
)
_CLOUD_LINE = re.compile(r"^(?P<time>\d{1,2}:\d{2}:\d{2})\t(?P<name>[^\t]+?):\t?(?P<text>.*)$")
_TIME = r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?)"
#: Zoom quotes the first 20 characters of the message a reply or reaction is about.
QUOTE_CHARS = 20
_UPVOTE_EMOJI = ("👍", "➕", "+1", "👆", "💯", "🙋")


def _chat_header(rules: WebinarRules) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Zoom's saved-chat header lines: `10:01:00 From  Ana  to  Everyone:` (new: message on the next lines; old:
    on the same line) and the oldest style `10:01:00\t From  Ana : text` (no recipient: public)."""
    return _chat_patterns(tuple(rules.chat_words.from_words), tuple(rules.chat_words.to_words))


@cache
def _chat_patterns(from_words: tuple[str, ...], to_words: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    froms = "|".join(re.escape(w) for w in sorted(from_words, key=len, reverse=True))
    tos = "|".join(re.escape(w) for w in sorted(to_words, key=len, reverse=True))
    to_line = re.compile(
        rf"^{_TIME}\s+(?:{froms})\s+(?P<name>.+?)\s+(?:{tos})\s+(?P<target>.+?)\s*:(?P<text>.*)$", re.IGNORECASE
    )
    bare = re.compile(rf"^{_TIME}\s+(?:{froms})\s+(?P<name>.+?)\s+:\s?(?P<text>.*)$", re.IGNORECASE)
    return to_line, bare


def _is_private(target: str, rules: WebinarRules) -> bool:
    """Anything but a message to everyone is private (a `(Direct Message)` or `(Privately)` marker, or a name)."""
    low = target.lower()
    if any(marker.lower() in low for marker in rules.chat_words.direct_markers):
        return True
    return low.strip() not in {e.lower() for e in rules.chat_words.everyone}


def _decode(raw: bytes, path: str) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        return text.replace("\r\n", "\n").replace("\r", "\n")
    return raw.decode("cp1252", errors="replace").replace("\r\n", "\n")


def detect_format(raw: bytes, text: str | None = None) -> Format:
    """The export's format, from its content."""
    if raw[:4] == b"PK\x03\x04":
        return "table_xlsx"
    text = text if text is not None else _decode(raw, "input")
    lines = [line for line in text.split("\n")[:400] if line.strip()]
    to_line, bare = _chat_header(webinar_rules())
    if sum(1 for line in lines if to_line.match(line) or bare.match(line)) >= max(1, len(lines) // 10):
        return "zoom_chat"
    if sum(1 for line in lines if _CLOUD_LINE.match(line)) >= max(1, len(lines) // 10):
        return "zoom_cloud_chat"
    rows = _csv_rows(text)
    if _find_header(rows, need=("asker name",)) is not None:
        return "zoom_qa"
    if _find_header(rows) is not None and any(len(r) > 1 for r in rows):
        return "table_csv"
    return "plain_text"


def parse_file(path: Path) -> ParsedFile:
    """Read one export (any format above); raises `WebinarFileError` for a missing, empty or unreadable file."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise WebinarFileError(name, "no such file") from None
    except OSError as exc:
        raise WebinarFileError(name, f"cannot be read ({exc.strerror or exc})") from exc
    return parse_bytes(raw, name)


def parse_bytes(raw: bytes, name: str = "pasted text") -> ParsedFile:
    """Read one export from its bytes (an upload, a paste)."""
    if not raw.strip():
        raise WebinarFileError(name, "the file is empty")
    fmt = detect_format(raw) if raw[:4] == b"PK\x03\x04" else None
    if fmt == "table_xlsx":
        parsed = _parse_xlsx(raw, name)
    else:
        text = _decode(raw, name)
        fmt = detect_format(raw, text)
        parser = {
            "zoom_chat": _parse_zoom_chat,
            "zoom_cloud_chat": _parse_cloud_chat,
            "zoom_qa": _parse_zoom_qa,
            "table_csv": _parse_table_csv,
            "plain_text": _parse_plain_text,
        }[fmt]
        parsed = parser(text, name)
    if not parsed.messages:
        raise WebinarFileError(name, f"read as {FORMAT_NAMES[parsed.format]}, but it holds no messages")
    return parsed


def _clean(text: str) -> str:
    """Redacted, whitespace collapsed."""
    return " ".join(redact_pii(text).text.split())


def _asker_key(name: str | None) -> str | None:
    name = (name or "").strip()
    return name.lower() or None


# --- Zoom chat --------------------------------------------------------------------------------------------


def _chat_message(text: str, asker: str | None) -> Message | None:
    """One chat message: a reaction, a reply (its quote kept to match), or plain text."""
    text = text.strip()
    if not text:
        return None
    reaction = _REACTION.match(text)
    if reaction:
        return Message(text=_clean(reaction["emoji"]), asker=asker, reply_to=reaction["quote"], kind="reaction")
    reply = _REPLY.match(text)
    if reply:
        rest = reply["rest"].strip()
        return Message(text=_clean(rest), asker=asker, reply_to=reply["quote"], opening=rest[:QUOTE_CHARS])
    return Message(text=_clean(text), asker=asker, opening=text[:QUOTE_CHARS])


def _parse_zoom_chat(text: str, name: str) -> ParsedFile:
    rules = webinar_rules()
    to_line, bare = _chat_header(rules)
    parsed = ParsedFile(path=name, format="zoom_chat")
    current: tuple[str, list[str]] | None = None  # (asker, lines) of the public message being read
    private = False

    def flush() -> None:
        if current is not None:
            message = _chat_message("\n".join(current[1]), _asker_key(current[0]))
            if message is not None:
                parsed.messages.append(message)

    for line in text.split("\n"):
        match = to_line.match(line) or bare.match(line)
        if match:
            flush()
            current = None
            target = match.groupdict().get("target")
            private = target is not None and _is_private(target, rules)
            if private:
                parsed.private_skipped += 1
                continue
            current = (match["name"].strip(), [match["text"].strip()] if match["text"].strip() else [])
        elif current is not None and not private and line.strip():
            current[1].append(line.strip())
    flush()
    return parsed


def _parse_cloud_chat(text: str, name: str) -> ParsedFile:
    parsed = ParsedFile(path=name, format="zoom_cloud_chat")
    current: tuple[str, list[str]] | None = None
    for line in text.split("\n"):
        match = _CLOUD_LINE.match(line)
        if match:
            if current is not None and (message := _chat_message("\n".join(current[1]), _asker_key(current[0]))):
                parsed.messages.append(message)
            current = (match["name"], [match["text"]])
        elif current is not None and line.strip():
            current[1].append(line.strip())
    if current is not None and (message := _chat_message("\n".join(current[1]), _asker_key(current[0]))):
        parsed.messages.append(message)
    return parsed


# --- tables ----------------------------------------------------------------------------------------------


def _csv_rows(text: str) -> list[list[str]]:
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    except csv.Error:
        return []


def _find_header(rows: Sequence[Sequence[object]], need: Iterable[str] = ()) -> int | None:
    """The index of the first row (within the first 40) naming a question column (and every `need` column)."""
    need = tuple(need)
    for i, row in enumerate(rows[:40]):
        cells = [str(c or "").strip().lower() for c in row]
        if any(c in QUESTION_COLUMNS for c in cells) and all(n in cells for n in need):
            return i
    return None


def _column(header: Sequence[str], names: Sequence[str]) -> int | None:
    for wanted in names:
        if wanted in header:
            return header.index(wanted)
    return None


def _parse_date(value: str) -> date | None:
    value = " ".join(str(value).split())
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _table_messages(rows: Sequence[Sequence[object]], header_at: int, *, is_qa: bool) -> list[Message]:
    header = [str(c or "").strip().lower() for c in rows[header_at]]
    q_col = _column(header, QUESTION_COLUMNS)
    a_col = _column(header, ASKER_COLUMNS)
    e_col = _column(header, EMAIL_COLUMNS)
    v_col = _column(header, VOTE_COLUMNS)
    messages = []
    for row in rows[header_at + 1 :]:
        cells = [str(c) if c is not None else "" for c in row]
        if q_col is None or q_col >= len(cells) or not cells[q_col].strip():
            continue
        asker = cells[a_col] if a_col is not None and a_col < len(cells) else None
        if not asker or asker.lower().startswith("anonymous"):
            asker = cells[e_col] if e_col is not None and e_col < len(cells) else None
        votes = 0
        if v_col is not None and v_col < len(cells):
            try:
                votes = max(0, int(float(cells[v_col] or 0)))
            except ValueError:
                votes = 0
        message = _chat_message(cells[q_col], _asker_key(asker))
        if message is not None:
            messages.append(message.model_copy(update={"upvotes": votes, "is_qa": is_qa}))
    return messages


def _parse_zoom_qa(text: str, name: str) -> ParsedFile:
    rows = _csv_rows(text)
    header_at = _find_header(rows, need=("asker name",))
    assert header_at is not None  # detect_format found it
    parsed = ParsedFile(path=name, format="zoom_qa", messages=_table_messages(rows, header_at, is_qa=True))
    # The preamble: a "Topic,Webinar ID,Actual Start Time,..." row, its values on the next row.
    for i, row in enumerate(rows[:header_at]):
        low = [c.lower() for c in row]
        if "topic" in low and i + 1 < header_at:
            values = rows[i + 1]
            topic_at = low.index("topic")
            parsed.topic = values[topic_at] if topic_at < len(values) else None
            for label in ("actual start time", "start time", "scheduled time"):
                if label in low and low.index(label) < len(values):
                    parsed.webinar_date = _parse_date(values[low.index(label)])
                    if parsed.webinar_date:
                        break
            break
    return parsed


def _parse_table_csv(text: str, name: str) -> ParsedFile:
    rows = _csv_rows(text)
    header_at = _find_header(rows)
    assert header_at is not None
    return ParsedFile(path=name, format="table_csv", messages=_table_messages(rows, header_at, is_qa=True))


def _parse_xlsx(raw: bytes, name: str) -> ParsedFile:
    try:
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # a zip that is not a workbook: openpyxl raises several kinds
        raise WebinarFileError(name, f"not a readable spreadsheet ({exc})") from exc
    for sheet in book.worksheets:
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        header_at = _find_header(rows)
        if header_at is not None:
            messages = _table_messages(rows, header_at, is_qa=True)
            book.close()
            return ParsedFile(path=name, format="table_xlsx", messages=messages)
    book.close()
    raise WebinarFileError(name, f"no sheet has a question column ({', '.join(QUESTION_COLUMNS[:5])}, ...)")


def _parse_plain_text(text: str, name: str) -> ParsedFile:
    messages = [
        Message(text=_clean(line.lstrip("-*•0123456789.) \t")), is_qa=True)
        for line in text.split("\n")
        if line.strip() and line.lstrip("-*•0123456789.) \t")
    ]
    return ParsedFile(path=name, format="plain_text", messages=messages)


def is_upvote(emoji: str) -> bool:
    """Whether a reaction counts as one more asker of the question it reacts to."""
    return any(mark in emoji for mark in _UPVOTE_EMOJI)
