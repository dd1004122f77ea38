"""Read source files into pages: PDFs one record per page (1-based, as a viewer shows), Markdown and text.

A file that cannot be read (corrupt, encrypted, image-only, not UTF-8) raises `LoadError` naming the
file and the reason; the caller reports it and goes on with the others.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ingest.errors import IngestError

PDF_SUFFIXES = {".pdf"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
TEXT_SUFFIXES = {".txt", ".text"}
SUPPORTED_SUFFIXES = PDF_SUFFIXES | MARKDOWN_SUFFIXES | TEXT_SUFFIXES

# A running header/footer line appears on at least this share of a document's pages (and on 3+ pages).
_REPEAT_SHARE = 0.4
_GENERIC_TITLES = {"", "untitled", "powerpoint presentation", "microsoft word", "(unspecified)"}
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December|"
    "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_DATE_PATTERNS = [
    re.compile(rf"accurate as of\s+((?:{_MONTHS})\.?\s+\d{{1,2}},\s+\d{{4}})", re.IGNORECASE),
    re.compile(rf"\b((?:{_MONTHS})\.?\s+\d{{1,2}},\s+\d{{4}})\b"),
]


class LoadError(IngestError):
    """A file could not be read; `reason` says why in a few words."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class Page:
    """The text of one page of one document."""

    number: int
    text: str


@dataclass
class Document:
    """A loaded source file."""

    path: Path
    title: str
    kind: str  # "pdf", "markdown" or "text"
    pages: list[Page] = field(default_factory=list)
    doc_date: str | None = None

    @property
    def source(self) -> str:
        """The file name citations show."""
        return self.path.name


def iter_source_files(paths: list[Path]) -> Iterator[Path]:
    """Every supported file under `paths` (folders walked recursively, hidden files skipped), sorted."""
    seen: set[Path] = set()
    for root in paths:
        candidates = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in candidates:
            if any(part.startswith(".") for part in path.relative_to(root).parts if root.is_dir()):
                continue
            if path.is_file() and (path.suffix.lower() in SUPPORTED_SUFFIXES or not root.is_dir()):
                resolved = path.resolve()
                if resolved not in seen:
                    seen.add(resolved)
                    yield resolved


def load_document(path: Path) -> Document:
    """Load one file by its suffix, or raise LoadError."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise LoadError(path, "no such file")
    if suffix in PDF_SUFFIXES:
        doc = _load_pdf(path)
    elif suffix in MARKDOWN_SUFFIXES | TEXT_SUFFIXES:
        doc = _load_text(path, "markdown" if suffix in MARKDOWN_SUFFIXES else "text")
    else:
        raise LoadError(path, f"unsupported file type {suffix or '(none)'}; use PDF, Markdown or text")
    if doc.doc_date is None:
        doc.doc_date = find_doc_date(" ".join(p.text for p in doc.pages[:3]))
    return doc


def _load_pdf(path: Path) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            try:
                unlocked = reader.decrypt("")
            except Exception as exc:  # pypdf raises several types for unsupported encryption
                raise LoadError(path, f"encrypted PDF that cannot be opened ({exc})") from exc
            if not unlocked:
                raise LoadError(path, "encrypted PDF (password required)")
        raw_pages = [page.extract_text() or "" for page in reader.pages]
        meta_title = (reader.metadata.title if reader.metadata else None) or ""
    except LoadError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(path, f"not a readable PDF ({type(exc).__name__}: {exc})") from exc
    if not raw_pages:
        raise LoadError(path, "PDF has no pages")
    if not any(t.strip() for t in raw_pages):
        raise LoadError(path, "no extractable text (empty or image-only PDF; OCR it first)")
    cleaned = strip_repeated_lines(raw_pages)
    doc_date = find_doc_date(" ".join(raw_pages[:3]))  # before stripping: dates often sit in running headers
    title = meta_title.strip() if meta_title.strip().lower() not in _GENERIC_TITLES else ""
    title = title or _first_heading("\n".join(raw_pages[:1])) or _title_from_name(path)
    pages = [Page(number=i, text=text) for i, text in enumerate(cleaned, start=1)]
    return Document(path=path, title=title, kind="pdf", pages=pages, doc_date=doc_date)


def _load_text(path: Path, kind: str) -> Document:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(path, f"not UTF-8 text (byte {exc.start}); re-save it as UTF-8") from exc
    except OSError as exc:
        raise LoadError(path, f"cannot be read ({exc.strerror})") from exc
    if not text.strip():
        raise LoadError(path, "empty file")
    title = (_first_heading(text) if kind == "markdown" else "") or _title_from_name(path)
    return Document(path=path, title=title, kind=kind, pages=[Page(number=1, text=text)])


def _first_heading(text: str) -> str:
    for line in text.splitlines():
        m = re.match(r"^\s*#{1,3}\s+(.+?)\s*#*\s*$", line)
        if m:
            return m.group(1).strip()
    return ""


def _title_from_name(path: Path) -> str:
    return re.sub(r"[_\-]+", " ", path.stem).strip() or path.name


def _line_key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().lower()))


def strip_repeated_lines(pages: list[str]) -> list[str]:
    """Remove running headers/footers: lines (digits ignored) that repeat on many pages of a document."""
    if len(pages) < 3:
        return [p.strip() for p in pages]
    counts: Counter[str] = Counter()
    for text in pages:
        counts.update({_line_key(line) for line in text.splitlines() if line.strip()})
    threshold = max(3, int(len(pages) * _REPEAT_SHARE))
    repeated = {key for key, n in counts.items() if n >= threshold}
    # A bare number on most pages is a slide/page number; keep the rule for other lines as is.
    out = []
    for text in pages:
        kept = [line for line in text.splitlines() if line.strip() and _line_key(line) not in repeated]
        out.append("\n".join(kept).strip())
    return out


def find_doc_date(text: str) -> str | None:
    """The first date the text states ("accurate as of October 10, 2025", "June 20, 2024") as ISO."""
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if m:
            raw = re.sub(r"\s+", " ", m.group(1).replace(".", ""))
            for fmt in ("%B %d, %Y", "%b %d, %Y"):
                try:
                    return datetime.strptime(raw.replace("Sept ", "Sep "), fmt).date().isoformat()
                except ValueError:
                    continue
    return None
