"""What the help-request form accepts as attachments: screenshots (PNG, JPEG, GIF, WebP) and PDFs, told apart by
their first bytes (never by the name or the browser's word), each at most `MAX_FILE_BYTES`, at most `MAX_FILES`.
Anything else is refused with a message naming the file and what is accepted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PureWindowsPath

MAX_FILES = 5
MAX_FILE_BYTES = 5 * 1024 * 1024
ACCEPTED = "PNG, JPEG, GIF or WebP screenshots, or PDF files"
#: The `accept` attribute of the file input.
ACCEPT_ATTRIBUTE = "image/png,image/jpeg,image/gif,image/webp,application/pdf"
_NAMES = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP", "application/pdf": "PDF"}


@dataclass(frozen=True)
class Upload:
    """One file as the form sent it."""

    filename: str
    content_type: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The accepted type `data` starts like, or None."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def safe_filename(name: str) -> str:
    """The file's own name (no folders, no control characters), at most 100 characters."""
    base = PureWindowsPath(name.replace("/", "\\")).name
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip() or "file"
    return cleaned[-100:]


def check_uploads(uploads: list[Upload]) -> tuple[list[Upload], str | None]:
    """The uploads to keep (named safely, typed by their content), or the one message saying what is wrong."""
    if len(uploads) > MAX_FILES:
        return [], f"Attach at most {MAX_FILES} files (you chose {len(uploads)})."
    kept = []
    for upload in uploads:
        name = safe_filename(upload.filename)
        if not upload.data:
            return [], f"{name} is empty."
        if len(upload.data) > MAX_FILE_BYTES:
            size = len(upload.data) / (1024 * 1024)
            return [], f"{name} is {size:.1f} MB: each file may be at most {MAX_FILE_BYTES // (1024 * 1024)} MB."
        found = sniff(upload.data)
        if found is None:
            return [], f"{name} is not a screenshot or PDF: attach {ACCEPTED}."
        declared = upload.content_type.split(";")[0].strip().lower()
        if declared in _NAMES and declared != found:
            return [], f"{name} says it is {_NAMES[declared]} but is {_NAMES[found]}: save it again and attach that."
        kept.append(Upload(name, found, upload.data))
    return kept, None
