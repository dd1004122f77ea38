"""The manifest models: old manifests still read, bad ones give a clear error naming the file (no traceback)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bots.cli import main
from ingest.errors import IndexProblem, IngestError, ManifestFormatError
from ingest.manifest import MANIFEST, FileEntry, new_manifest, read_manifest, write_manifest
from tools.errors import EnrollerError

# A manifest as the code before the pydantic models wrote it (json.dumps of a dict, indent=1).
OLD_MANIFEST = {
    "format": 2,
    "created": "2025-10-01T12:00:00+0000",
    "embedding_model": "all-MiniLM-L6-v2",
    "pipeline": "chunks-5+glossary-abc",
    "files": {
        "/docs/guide.pdf": {
            "sha256": "f" * 64,
            "source": "guide.pdf",
            "title": "Acme Enroller Guide",
            "pages": 3,
            "doc_date": "2025-10-10",
            "chunk_ids": ["guide.pdf#p1-0-abc", "guide.pdf#p2-0-def"],
        },
        "/docs/notes/hours.md": {
            "sha256": "0" * 64,
            "source": "hours.md",
            "title": "Service hours note",
            "pages": 1,
            "doc_date": None,
            "chunk_ids": [],
        },
    },
    "chunk_order": ["guide.pdf#p1-0-abc", "guide.pdf#p2-0-def"],
}


def _generation(tmp_path: Path, text: str) -> Path:
    gen = tmp_path / "index" / "generations" / "g1"
    gen.mkdir(parents=True)
    (gen / MANIFEST).write_text(text, encoding="utf-8")
    (tmp_path / "index" / "CURRENT").write_text("g1", encoding="utf-8")
    return gen


def test_manifest_written_by_the_old_code_reads(tmp_path: Path) -> None:
    gen = _generation(tmp_path, json.dumps(OLD_MANIFEST, indent=1))
    manifest = read_manifest(gen)
    assert manifest.pipeline == "chunks-5+glossary-abc"
    assert manifest.files["/docs/guide.pdf"].pages == 3
    assert manifest.files["/docs/notes/hours.md"].doc_date is None
    assert manifest.chunk_order == OLD_MANIFEST["chunk_order"]


def test_written_manifest_has_the_same_keys_and_layout(tmp_path: Path) -> None:
    gen = _generation(tmp_path, json.dumps(OLD_MANIFEST, indent=1))
    write_manifest(gen, read_manifest(gen))
    assert (gen / MANIFEST).read_text(encoding="utf-8") == json.dumps(OLD_MANIFEST, indent=1)
    one = FileEntry.model_validate(OLD_MANIFEST["files"]["/docs/guide.pdf"])
    fresh = new_manifest(embedding_model="m", pipeline="p", files={"/x.md": one}, chunk_order=[])
    assert list(fresh.model_dump()) == list(OLD_MANIFEST)
    assert fresh.format == 2


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "not a JSON object"),
        (json.dumps({**OLD_MANIFEST, "files": {"/a.md": {"sha256": "x"}}}), "files./a.md.source"),
        (json.dumps({k: v for k, v in OLD_MANIFEST.items() if k != "chunk_order"}), "chunk_order"),
    ],
)
def test_corrupt_manifest_is_an_index_problem_naming_the_file(tmp_path: Path, text: str, why: str) -> None:
    gen = _generation(tmp_path, text)
    with pytest.raises(IndexProblem) as raised:
        read_manifest(gen)
    assert str(gen / MANIFEST) in str(raised.value)
    assert why in str(raised.value)


def test_other_index_format_lists_its_files(tmp_path: Path) -> None:
    gen = _generation(tmp_path, json.dumps({**OLD_MANIFEST, "format": 1}))
    with pytest.raises(ManifestFormatError) as raised:
        read_manifest(gen)
    assert "index format 1, expected 2" in str(raised.value)
    assert raised.value.files == ["/docs/guide.pdf", "/docs/notes/hours.md"]


def test_index_problem_is_an_ingest_error() -> None:
    from ingest.index import IndexProblem as FromIndex

    assert FromIndex is IndexProblem
    assert issubclass(IndexProblem, IngestError)
    assert issubclass(IngestError, EnrollerError)
    assert issubclass(IndexProblem, RuntimeError)


@pytest.mark.parametrize("command", ["search", "ingest"])
def test_cli_reports_a_corrupt_manifest_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    gen = _generation(tmp_path, "{not json")
    docs = tmp_path / "docs"
    docs.mkdir()
    args = ["search", "anything"] if command == "search" else ["ingest", str(docs), "--quiet"]
    assert main([*args, "--index", str(tmp_path / "index")]) == 2
    err = capsys.readouterr().err
    assert str(gen / MANIFEST) in err
    assert "Traceback" not in err
