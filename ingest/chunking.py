"""Cut documents into chunks that follow their structure and never cross a page.

Slide decks: one chunk per slide, the slide title prepended. Guides (PDF or Markdown): passages of a
few paragraphs under their section heading, with the document title and heading prepended for
embedding. A citation therefore always names exactly one page.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from ingest.loaders import Document

# A PDF whose pages are short on average is a slide deck (the webinar averages ~280 characters a page).
DECK_MIN_PAGES = 15
DECK_MAX_AVG_CHARS = 700
TARGET_WORDS = 110
MAX_WORDS = 170
SLIDE_MAX_WORDS = 220
# A slide denser than SLIDE_MAX_WORDS is cut into overlapping windows of this many words.
SLIDE_WINDOW_WORDS = TARGET_WORDS * 3 // 2
SLIDE_WINDOW_OVERLAP = 20
MIN_GUIDE_WORDS = 4
# Sentence-level dense matching: 40-word windows every 25 words (as good as 30/15 here, 40% fewer vectors).
WINDOW_WORDS = 40
WINDOW_STEP = 25

_HEADING = re.compile(r"^\s*(?:#{1,4}\s+(?P<md>.+?)\s*#*|(?P<num>\d{1,2}\.\s+[A-Z][^.!?]{3,90}))\s*$")


@dataclass(frozen=True)
class Chunk:
    """One retrievable passage."""

    chunk_id: str
    source: str
    title: str
    page: int
    section: str
    text: str
    doc_date: str | None
    kind: str

    @property
    def keyword_text(self) -> str:
        """What BM25 sees: document title, section heading and passage."""
        return f"{self.keyword_head}\n{self.text}"

    @property
    def embed_text(self) -> str:
        """What the embedder sees: a slide under its slide title; a guide passage under the document title
        and its section heading."""
        if self.kind == "slide":
            return f"{self.section}\n{self.text}" if self.section else self.text
        return f"{self.keyword_head}\n{self.text}"

    @property
    def keyword_head(self) -> str:
        """Document title and section heading, as one line."""
        return self.title if not self.section or self.section == self.title else f"{self.title} — {self.section}"

    def windows(self) -> list[str]:
        """Short overlapping word windows of the passage, each with its heading, for sentence-level matching."""
        words = self.text.split()
        prefix = f"{self.section}: " if self.section else ""
        return [prefix + " ".join(w) for w in _windows(words, WINDOW_WORDS, overlap=WINDOW_WORDS - WINDOW_STEP)]

    def to_metadata(self) -> dict[str, str | int]:
        """Flat metadata for Chroma (no None values)."""
        data = asdict(self)
        data.pop("text")
        return {k: ("" if v is None else v) for k, v in data.items()}


def is_deck(doc: Document) -> bool:
    """Whether a document reads like a slide deck."""
    if doc.kind != "pdf" or len(doc.pages) < DECK_MIN_PAGES:
        return False
    avg = sum(len(p.text) for p in doc.pages) / len(doc.pages)
    return avg <= DECK_MAX_AVG_CHARS


def chunk_document(doc: Document) -> list[Chunk]:
    """All chunks of a document, in page order."""
    deck = is_deck(doc)
    chunks: list[Chunk] = []
    section = ""
    for page in doc.pages:
        if not page.text.strip():
            continue
        if deck:
            pieces = _slide_pieces(page.text)
        else:
            pieces, section = _guide_pieces(page.text, section, doc.title, by_line=doc.kind != "pdf")
        for n, (heading, text) in enumerate(pieces):
            chunks.append(
                Chunk(
                    chunk_id=_chunk_id(doc, page.number, n, text),
                    source=doc.source,
                    title=doc.title,
                    page=page.number,
                    section=heading,
                    text=text,
                    doc_date=doc.doc_date,
                    kind="slide" if deck else "passage",
                )
            )
    return chunks


def _chunk_id(doc: Document, page: int, n: int, text: str) -> str:
    # The full path is hashed in: two folders may hold files of the same name (even the same text).
    digest = hashlib.sha1(f"{doc.path}|{page}|{n}|{text}".encode()).hexdigest()[:12]
    return f"{doc.source}#p{page}-{n}-{digest}"


def _slide_title(lines: list[str]) -> str:
    """The slide's title: its first line, joined with a continuation ("Delegation Tool:" + "Step 3")."""
    if not lines:
        return ""
    title = lines[0]
    for line in lines[1:3]:
        if len(title) > 60:
            break
        if (
            title.endswith((":", "&", "-"))
            or line.startswith("(")
            or (len(line.split()) <= 3 and len(title.split()) <= 3)
        ):
            title = f"{title} {line}"
        else:
            break
    return title


def _slide_pieces(text: str) -> list[tuple[str, str]]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = _slide_title(lines)
    body = "\n".join(lines)  # keep the lines: slides are bullet lists, the composer splits on them
    words = body.split()
    if len(words) <= SLIDE_MAX_WORDS:
        return [(title, body)]
    # A dense slide is split into windows; each keeps the slide title.
    return [(title, " ".join(w)) for w in _windows(words, SLIDE_WINDOW_WORDS, overlap=SLIDE_WINDOW_OVERLAP)]


def _windows(words: list[str], size: int, overlap: int) -> list[list[str]]:
    out = []
    start = 0
    while start < len(words):
        out.append(words[start : start + size])
        if start + size >= len(words):
            break
        start += size - overlap
    return out


def _guide_pieces(text: str, section: str, title: str, *, by_line: bool) -> tuple[list[tuple[str, str]], str]:
    """Group paragraphs under their heading into passages of about TARGET_WORDS words."""
    blocks: list[tuple[str, list[str]]] = []  # (heading, lines)
    current: list[str] = []
    heading = section
    lines = _drop_contents(raw.strip() for raw in text.splitlines() if raw.strip())
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        m = _HEADING.match(line)
        if not m:
            current.append(line)
            continue
        if current:
            blocks.append((heading, current))
            current = []
        heading = (m.group("md") or m.group("num") or "").strip().strip("*").strip()
        # A heading wrapped onto a second short line ("... ROP Auto-" / "Discontinuance Begins").
        if i < len(lines) and m.group("num") and _continues(heading, lines[i]):
            heading = f"{heading}{'' if heading.endswith('-') else ' '}{lines[i]}"
            i += 1
        if heading == title:
            heading = ""
    if current:
        blocks.append((heading, current))

    pieces: list[tuple[str, str]] = []
    for block_heading, lines in blocks:
        words = " ".join(lines).split()
        if len(words) < MIN_GUIDE_WORDS:
            continue  # a stray label ("Guide Contents") is not a passage
        if len(words) <= MAX_WORDS:
            pieces.append((block_heading, "\n".join(lines)))
            continue
        windows = _line_windows(lines) if by_line else _sentence_windows(" ".join(words))
        pieces.extend((block_heading, window) for window in windows)
    return pieces, heading


_DOT_LEADERS = re.compile(r"\.{4,}\s*\d*")


def _drop_contents(lines: Iterable[str]) -> list[str]:
    """Remove table-of-contents entries: a line with dot leaders, and the entry title just before it."""
    out: list[str] = []
    for line in lines:
        if _DOT_LEADERS.search(line):
            if _DOT_LEADERS.sub("", line).strip() == "" and out:
                out.pop()  # "1. Overview and Purpose" followed by "........ 1"
            continue
        out.append(line)
    return out


_DANGLING = ("-", " and", " the", " with", " to", " of", " for", " your", " a")


def _continues(heading: str, nxt: str) -> bool:
    if heading.endswith(_DANGLING):
        return len(nxt.split()) <= 6
    return len(nxt.split()) <= 2 and not nxt.endswith((".", ":")) and nxt[:1].islower()


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")


def _line_windows(lines: list[str]) -> list[str]:
    """Markdown and text: lines are meaningful (list items, table rows), so passages are runs of whole lines."""
    out: list[str] = []
    current: list[str] = []
    count = 0
    for line in lines:
        n = len(line.split())
        if current and count + n > TARGET_WORDS:
            out.append("\n".join(current))
            current, count = [], 0
        current.append(line)
        count += n
    if current:
        out.append("\n".join(current))
    return out


def _sentence_windows(text: str) -> list[str]:
    """Passages of whole sentences, about TARGET_WORDS words, overlapping by one sentence."""
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    out: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in sentences:
        n = len(sentence.split())
        if current and count + n > TARGET_WORDS:
            out.append(" ".join(current))
            current = current[-1:] if len(current[-1].split()) < TARGET_WORDS // 2 else []
            count = sum(len(s.split()) for s in current)
        current.append(sentence)
        count += n
    if current:
        out.append(" ".join(current))
    return out
