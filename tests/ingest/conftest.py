"""Fixture documents built in the tests: real PDFs (fpdf2, pypdf), Markdown, broken files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from tests.chroma_server import ChromaServer, running_chroma


def make_pdf(path: Path, pages: list[str], *, title: str | None = None) -> Path:
    """A text PDF, one string per page (lines split on newlines)."""
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        for line in text.splitlines():
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_image_only_pdf(path: Path) -> Path:
    """A PDF whose page has a drawing but no text (like a scanned page)."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    return path


def make_encrypted_pdf(source: Path, path: Path) -> Path:
    """A copy of `source` that needs a password to open."""
    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    with path.open("wb") as fh:
        writer.write(fh)
    return path


GUIDE_PAGES = [
    "Covered California\nAcme Guide Header\nPage 1 of 3\n1. Reinstatement rules\n"
    "After a termination the consumer has thirty calendar days to send documents.\n"
    "The guide was accurate as of October 10, 2025.",
    "Covered California\nAcme Guide Header\nPage 2 of 3\n2. Carriers\n"
    "Carriers cannot reinstate these cases; only the exchange can help with eligibility.",
    "Covered California\nAcme Guide Header\nPage 3 of 3\n3. Passcodes\n"
    "The consumer reads the one-time passcode to the enroller to finish the delegation.",
]


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A folder with a three-page guide PDF and a Markdown note in a subfolder."""
    folder = tmp_path / "docs"
    (folder / "notes").mkdir(parents=True)
    make_pdf(folder / "guide.pdf", GUIDE_PAGES, title="Acme Enroller Guide")
    (folder / "notes" / "hours.md").write_text(
        "# Service hours note\n\nThe help line is open weekdays from eight to six.\n\n"
        "## Holidays\n\nIt is closed on Thanksgiving Day and the day after.\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture
def chroma() -> Iterator[ChromaServer]:
    """A Chroma server of its own on 127.0.0.1 (skipped where it cannot start, never under CI)."""
    with running_chroma() as server:
        yield server
