"""The built-in guides in knowledge/docs: titled, cited to real PDF pages, and written in our own words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfReader

from knowledge import DOCS_DIR
from tools.facts import documents

DOCS = sorted(DOCS_DIR.glob("*.md"))

# `[webinar p.105]`, `[rop_guide p.3, p.4]`: the machine-readable citation form every fact carries.
CITATION = re.compile(r"\[([a-z_]+) (p\.\d+(?:,\s*p\.\d+)*)\]")
CITATION_LIKE = re.compile(r"\[[a-z_]+ p\.[^\]]*\]")
# A block that only says the sources are silent states no fact, so it needs no citation (the brief asks
# us to say so explicitly instead of guessing).
SILENCE_MARKERS = ("sources are silent", "sources do not", "not printed in our sources", "does not say")
LIST_ITEM = re.compile(r"^([-*+]|\d+\.)\s")
TABLE_SEPARATOR = re.compile(r"\|[\s:|-]+\|")
SHARED_RUN = 12  # words in a row shared with a source text that count as copying


@dataclass(frozen=True)
class Block:
    """One paragraph, list item or table row of a Markdown guide."""

    line: int
    text: str


def split_blocks(markdown: str) -> list[Block]:
    """Split Markdown into fact-bearing blocks: paragraphs, list items and table body rows."""
    blocks: list[Block] = []
    lines = [line.strip() for line in markdown.splitlines()]
    open_block = False  # whether the next plain line continues the last block (no blank line between)
    for number, line in enumerate(lines, 1):
        next_line = lines[number] if number < len(lines) else ""
        if not line or line.startswith("#"):
            open_block = False
        elif line.startswith("|"):
            is_separator = TABLE_SEPARATOR.fullmatch(line) is not None
            is_header = TABLE_SEPARATOR.fullmatch(next_line) is not None
            if not (is_separator or is_header):
                blocks.append(Block(number, line))
            open_block = False
        elif LIST_ITEM.match(line) or not open_block:
            blocks.append(Block(number, line))
            open_block = True
        else:
            blocks[-1] = Block(blocks[-1].line, f"{blocks[-1].text} {line}")
    return blocks


def parse_citations(text: str) -> list[tuple[str, int]]:
    """Every (document key, page) pair cited in `text`."""
    found: list[tuple[str, int]] = []
    for key, pages in CITATION.findall(text):
        found.extend((key, int(page)) for page in re.findall(r"\d+", pages))
    return found


def uncited_blocks(markdown: str) -> list[Block]:
    """Blocks that state something but carry no citation (the `Based on:` line and silence notes excepted)."""
    missing = []
    for block in split_blocks(markdown):
        lowered = block.text.lower()
        if block.text.startswith("Based on:") or any(marker in lowered for marker in SILENCE_MARKERS):
            continue
        if not parse_citations(block.text):
            missing.append(block)
    return missing


def normalise_words(text: str) -> list[str]:
    """Lower-case words with citations, punctuation and apostrophes removed."""
    text = CITATION_LIKE.sub(" ", text).lower().replace("’", "").replace("'", "")
    return re.findall(r"[a-z0-9]+", text)


def shared_runs(text: str, source_runs: set[tuple[str, ...]], size: int = SHARED_RUN) -> list[str]:
    """Runs of `size` consecutive words of `text` that also occur in the sources."""
    words = normalise_words(text)
    runs = (tuple(words[i : i + size]) for i in range(len(words) - size + 1))
    return [" ".join(run) for run in runs if run in source_runs]


def word_runs(text: str, size: int = SHARED_RUN) -> set[tuple[str, ...]]:
    """All runs of `size` consecutive normalised words in `text`."""
    words = normalise_words(text)
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


@cache
def pdf_page_count(path: Path) -> int:
    """Number of pages of a corpus PDF."""
    return len(PdfReader(path).pages)


@pytest.fixture(scope="module")
def seed_runs(corpus_dir: Path) -> set[tuple[str, ...]]:
    """Every 12-word run of the source texts in ../shared/seeds."""
    seeds = sorted((corpus_dir.parent / "seeds").glob("*.txt"))
    if not seeds:
        pytest.fail(f"no source texts found next to {corpus_dir}")
    runs: set[tuple[str, ...]] = set()
    for path in seeds:
        runs |= word_runs(path.read_text(encoding="utf-8", errors="replace"))
    return runs


def doc_id(path: Path) -> str:
    """Readable test id for a guide."""
    return path.stem


# ---------------------------------------------------------------- the checkers themselves can fail


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Hours are 8 to 6. [webinar p.105]", [("webinar", 105)], id="single-page"),
        pytest.param("x [rop_guide p.3, p.4]", [("rop_guide", 3), ("rop_guide", 4)], id="several-pages"),
        pytest.param("x [webinar p.99] and [bob_job_aid p.1]", [("webinar", 99), ("bob_job_aid", 1)], id="two-docs"),
        pytest.param("x (webinar p.105)", [], id="round-brackets-not-a-citation"),
        pytest.param("x [webinar page 105]", [], id="spelled-page-not-a-citation"),
        pytest.param("x [Webinar p.105]", [], id="key-is-lower-case"),
    ],
)
def test_parse_citations(text: str, expected: list[tuple[str, int]]) -> None:
    """Only the exact `[key p.N, p.M]` form counts as a citation."""
    assert parse_citations(text) == expected


@pytest.mark.parametrize(
    ("markdown", "uncited_lines"),
    [
        pytest.param("# T\n\n- A fact. [webinar p.1]\n- Another fact.\n", [4], id="uncited-bullet"),
        pytest.param("# T\n\nA paragraph\nwrapped over lines. [webinar p.2]\n", [], id="wrapped-paragraph-cited"),
        pytest.param("# T\n\nA claim with no source.\n\nNext. [rop_guide p.1]\n", [3], id="uncited-paragraph"),
        pytest.param("| A | B |\n|---|---|\n| x | y [webinar p.1] |\n| z | w |\n", [4], id="uncited-table-row"),
        pytest.param("Based on: Some Title\n\n1. Step. [webinar p.3]\n", [], id="based-on-line-exempt"),
        pytest.param("- The sources are silent on this.\n", [], id="silence-note-exempt"),
    ],
)
def test_uncited_blocks(markdown: str, uncited_lines: list[int]) -> None:
    """The citation check flags exactly the paragraphs, bullets and table rows without a citation."""
    assert [block.line for block in uncited_blocks(markdown)] == uncited_lines


def test_shared_runs_detects_copied_sentence(seed_runs: set[tuple[str, ...]]) -> None:
    """A sentence lifted from the ROP guide is caught, even with different case and punctuation."""
    copied = (
        "the ROP AUTO-DISCONTINUANCE process identifies these conditionally eligible consumers, in an "
        "'enrolled' or 'pending' status"
    )
    assert shared_runs(copied, seed_runs)
    assert not shared_runs("Conditionally eligible consumers get 95 days to send their documents in.", seed_runs)


# ---------------------------------------------------------------- the guides


def test_guide_count() -> None:
    """The project ships 8 to 10 guides."""
    assert 8 <= len(DOCS) <= 10, [p.name for p in DOCS]


@pytest.mark.parametrize("path", DOCS, ids=doc_id)
def test_guide_has_title_based_on_and_sections(path: Path) -> None:
    """A guide opens with one `# Title`, then `Based on:` naming source titles, then `##` sections."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines[0].startswith("# ")
    assert lines[0].removeprefix("# ").strip()
    assert sum(line.startswith("# ") for line in lines) == 1
    assert lines[1].startswith("Based on: ")
    titles = {info.title for info in documents().values()}
    named = [title.strip() for title in lines[1].removeprefix("Based on: ").split(";")]
    assert named
    assert all(title in titles for title in named), named
    assert sum(line.startswith("## ") for line in lines) >= 2


@pytest.mark.parametrize("path", DOCS, ids=doc_id)
def test_guide_length(path: Path) -> None:
    """A guide is 300 to 900 words, not counting citation markers."""
    count = len(CITATION_LIKE.sub(" ", path.read_text(encoding="utf-8")).split())
    assert 300 <= count <= 900, count


@pytest.mark.parametrize("path", DOCS, ids=doc_id)
def test_every_fact_is_cited(path: Path) -> None:
    """Every paragraph, list item and table row carries a `[key p.N]` citation or says the sources are silent."""
    missing = uncited_blocks(path.read_text(encoding="utf-8"))
    assert not missing, [f"line {b.line}: {b.text[:80]}" for b in missing]


@pytest.mark.parametrize("path", DOCS, ids=doc_id)
def test_citations_point_at_real_pages(path: Path, corpus_dir: Path) -> None:
    """Every citation names a document key from sources.yaml and a page that exists in that PDF."""
    text = path.read_text(encoding="utf-8")
    cited = parse_citations(text)
    assert cited
    assert len(CITATION_LIKE.findall(text)) == len(CITATION.findall(text)), "a malformed citation"
    docs = documents()
    for key, page in cited:
        assert key in docs, key
        assert 1 <= page <= pdf_page_count(corpus_dir / docs[key].file), (key, page)


@pytest.mark.parametrize("path", DOCS, ids=doc_id)
def test_guide_does_not_copy_sources(path: Path, seed_runs: set[tuple[str, ...]]) -> None:
    """No run of 12 or more consecutive words is shared with the source texts."""
    assert shared_runs(path.read_text(encoding="utf-8"), seed_runs) == []
