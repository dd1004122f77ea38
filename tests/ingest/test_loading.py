"""Loaders and chunking: page numbers, titles, dates, header removal, structure-following chunks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from ingest.chunking import chunk_document, is_deck
from ingest.loaders import LoadError, load_document
from tests.ingest.conftest import make_encrypted_pdf, make_image_only_pdf, make_pdf

WEBINAR = "OE2026_CalHEERS_Enroller_Portal_Webinar.pdf"
ROP = "Understanding_ROP_and_Auto_Discontinuance.pdf"
BOB = "Book_of_Business_Export_Job_Aid_Agents.pdf"


def _words(text: str) -> list[str]:
    """Words without bare numbers (slide numbers are stripped as running footers)."""
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if not w.isdigit()]


@pytest.mark.parametrize("name", [WEBINAR, ROP, BOB])
def test_every_chunk_comes_from_its_page(corpus_dir: Path, name: str) -> None:
    """Each chunk's text is found on the PDF page it cites (so no chunk crosses a page)."""
    reader = PdfReader(corpus_dir / name)
    doc = load_document(corpus_dir / name)
    assert [p.number for p in doc.pages] == list(range(1, len(reader.pages) + 1))
    for chunk in chunk_document(doc):
        page_words = " ".join(_words(reader.pages[chunk.page - 1].extract_text()))
        sample = " ".join(_words(chunk.text)[:8])
        assert sample in page_words, (chunk.page, chunk.text[:80])


@pytest.mark.parametrize(
    ("name", "title", "doc_date"),
    [
        (WEBINAR, "2026 Open Enrollment Period CalHEERS and Enroller Portal Webinar", "2025-10-10"),
        (ROP, "Understanding Reasonable Opportunity Period (ROP) & Auto-Discontinuance", "2024-06-20"),
        (BOB, "Book of Business Export Job Aid Agents", None),
    ],
)
def test_title_and_date(corpus_dir: Path, name: str, title: str, doc_date: str | None) -> None:
    """Titles come from PDF metadata; the stated document date is kept as ISO metadata."""
    doc = load_document(corpus_dir / name)
    assert doc.title == title
    assert doc.doc_date == doc_date
    assert {c.doc_date for c in chunk_document(doc)} == {doc_date}


def test_running_headers_and_footers_are_removed(corpus_dir: Path) -> None:
    """The ROP guide's repeated header/footer lines appear in no chunk; its body text does."""
    chunks = chunk_document(load_document(corpus_dir / ROP))
    text = " ".join(" ".join(c.text for c in chunks).split())
    assert "OutreachandSales@covered.ca.gov" not in text
    assert "Page 3 of 6" not in text
    assert "Outreach and Sales Division" not in text
    assert "30 calendar days from the date of termination" in text


def test_slides_are_one_chunk_each_with_their_title(corpus_dir: Path) -> None:
    """The webinar is read as a deck: one chunk per slide, the slide title as its section and in embed text."""
    doc = load_document(corpus_dir / WEBINAR)
    chunks = chunk_document(doc)
    assert is_deck(doc)
    assert len({c.page for c in chunks}) == len(chunks)
    slide = next(c for c in chunks if c.page == 27)
    assert slide.section == "Delegation Tool: Step 3"
    assert slide.keyword_text.startswith(f"{doc.title} — Delegation Tool: Step 3")
    assert slide.embed_text.startswith("Delegation Tool: Step 3\n")
    assert all(w.startswith("Delegation Tool: Step 3: ") for w in slide.windows())
    assert "one-time passcode" in slide.text


def test_guides_chunk_under_their_headings(corpus_dir: Path) -> None:
    """Guide passages carry their section heading, and the heading goes into the embedded text."""
    chunks = chunk_document(load_document(corpus_dir / ROP))
    carriers = next(c for c in chunks if "unable to process reinstatements" in " ".join(c.text.split()))
    assert carriers.page == 8
    assert carriers.section.startswith("3. Contact the Agent/CEC Service Center")
    assert carriers.embed_text.startswith(f"{carriers.title} — {carriers.section}\n")
    assert carriers.section in carriers.keyword_text
    assert all(c.kind == "passage" for c in chunks)


def test_markdown_title_and_sections(docs: Path) -> None:
    """Markdown: title from the first heading, one page, sections from sub-headings."""
    doc = load_document(docs / "notes" / "hours.md")
    assert doc.title == "Service hours note"
    chunks = chunk_document(doc)
    assert {c.page for c in chunks} == {1}
    assert any(c.section == "Holidays" and "Thanksgiving" in c.text for c in chunks)


def test_header_lines_of_a_built_pdf_are_stripped(docs: Path) -> None:
    """Lines repeated on every page (header, 'Page N of 3') are gone; page text stays on its page."""
    doc = load_document(docs / "guide.pdf")
    assert doc.title == "Acme Enroller Guide"
    assert doc.doc_date == "2025-10-10"
    for page in doc.pages:
        assert "Acme Guide Header" not in page.text
        assert "Page" not in page.text
    assert "one-time passcode" in doc.pages[2].text


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(lambda d: make_image_only_pdf(d / "scan.pdf"), "no extractable text", id="image-only"),
        pytest.param(
            lambda d: _write(d / "broken.pdf", b"%PDF-1.4\n garbage \x00\x01"), "not a readable PDF", id="corrupt"
        ),
        pytest.param(lambda d: _write(d / "empty.pdf", b""), "not a readable PDF", id="zero-bytes"),
        pytest.param(
            lambda d: make_encrypted_pdf(make_pdf(d / "plain.pdf", ["secret text"]), d / "locked.pdf"),
            "encrypted",
            id="encrypted",
        ),
        pytest.param(lambda d: _write(d / "latin1.txt", "café résumé".encode("latin-1")), "not UTF-8", id="latin-1"),
        pytest.param(lambda d: _write(d / "blank.md", b"  \n"), "empty file", id="empty-markdown"),
    ],
)
def test_unreadable_files_raise_load_error_with_reason(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    """Bad files raise LoadError naming the file and why."""
    path = make(tmp_path)
    with pytest.raises(LoadError) as info:
        load_document(path)
    assert reason in info.value.reason
    assert path.name in str(info.value)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
