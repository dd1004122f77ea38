"""The index on disk: incremental re-ingest, changed and deleted files, bad files, interruption, CLI."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from bots.cli import main
from ingest import ensure_builtin_index
from ingest.index import current_generation, index_exists, ingest_paths, read_manifest
from ingest.retrieval import Retriever, expand_query
from knowledge import DOCS_DIR
from tests.ingest.conftest import make_encrypted_pdf, make_image_only_pdf, make_pdf

pytestmark = pytest.mark.slow


def _sources(index: Path, query: str, k: int = 10) -> list[tuple[str, int]]:
    return [(h.source, h.page) for h in Retriever.open(index).search(query, k=k)]


def test_ingest_then_search_cites_file_and_page(docs: Path, tmp_path: Path) -> None:
    """A folder is walked recursively; a question finds the right file and page."""
    index = tmp_path / "index"
    report = ingest_paths([docs], index, progress=False)
    assert (report.files, report.pages, report.skipped) == (2, 4, [])
    assert index_exists(index)
    assert _sources(index, "who can reinstate, can carriers?")[0] == ("guide.pdf", 2)
    assert _sources(index, "when is the help line open")[0] == ("hours.md", 1)


def test_reingest_unchanged_is_a_no_op(docs: Path, tmp_path: Path) -> None:
    """Re-ingesting unchanged files embeds nothing and keeps the same generation."""
    index = tmp_path / "index"
    ingest_paths([docs], index, progress=False)
    before = current_generation(index)
    again = ingest_paths([docs], index, progress=False)
    assert (again.changed, again.embedded, again.unchanged) == (False, 0, 2)
    assert current_generation(index) == before


def test_changed_file_replaces_its_chunks(docs: Path, tmp_path: Path) -> None:
    """A changed file's old chunks go, its new ones come; the other file is reused, not re-embedded."""
    index = tmp_path / "index"
    ingest_paths([docs], index, progress=False)
    (docs / "notes" / "hours.md").write_text("# Service hours note\n\nThe help line now opens at seven.\n")
    report = ingest_paths([docs], index, progress=False)
    assert report.changed
    assert report.unchanged == 1
    assert report.embedded == 1
    texts = " ".join(h.text for h in Retriever.open(index).search("help line hours", k=10))
    assert "opens at seven" in texts
    assert "Thanksgiving" not in texts


def test_deleted_file_is_pruned_only_with_prune(docs: Path, tmp_path: Path) -> None:
    """Without --prune a deleted file's chunks stay; with it they are removed."""
    index = tmp_path / "index"
    ingest_paths([docs], index, progress=False)
    (docs / "notes" / "hours.md").unlink()
    kept = ingest_paths([docs], index, progress=False)
    assert not kept.removed
    assert "hours.md" in {s for s, _ in _sources(index, "help line Thanksgiving")}
    pruned = ingest_paths([docs], index, prune=True, progress=False)
    assert [Path(p).name for p in pruned.removed] == ["hours.md"]
    assert "hours.md" not in {s for s, _ in _sources(index, "help line Thanksgiving")}


def test_bad_files_are_reported_and_skipped_others_indexed(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Corrupt, encrypted, image-only PDFs and non-UTF-8 text are named with a reason; exit 2; the rest indexed."""
    bad = docs / "bad"
    bad.mkdir()
    (bad / "corrupt.pdf").write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    make_encrypted_pdf(make_pdf(tmp_path / "plain.pdf", ["locked content"]), bad / "locked.pdf")
    make_image_only_pdf(bad / "scan.pdf")
    (bad / "notes.txt").write_bytes("caf\xe9".encode("latin-1"))
    index = tmp_path / "index"
    code = main(["ingest", str(docs), "--index", str(index), "--quiet"])
    captured = capsys.readouterr()
    assert code == 2
    for name, reason in [
        ("corrupt.pdf", "not a readable PDF"),
        ("locked.pdf", "encrypted"),
        ("scan.pdf", "no extractable text"),
        ("notes.txt", "not UTF-8"),
    ]:
        assert any(name in line and reason in line for line in captured.err.splitlines()), (name, captured.err)
    assert "4 skipped" in captured.out
    assert _sources(index, "carriers reinstate")[0] == ("guide.pdf", 2)


def test_failed_reread_keeps_what_was_indexed(docs: Path, tmp_path: Path) -> None:
    """A file that was indexed and is now corrupt keeps its old chunks (nothing already stored is lost)."""
    index = tmp_path / "index"
    ingest_paths([docs], index, progress=False)
    (docs / "guide.pdf").write_bytes(b"%PDF-1.7 broken now")
    report = ingest_paths([docs], index, progress=False)
    assert [Path(p).name for p, _ in report.skipped] == ["guide.pdf"]
    assert _sources(index, "carriers reinstate")[0] == ("guide.pdf", 2)


def test_interrupted_ingest_leaves_the_old_index_answering(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If embedding dies half-way, CURRENT still points at the previous complete generation."""
    index = tmp_path / "index"
    ingest_paths([docs], index, progress=False)
    before = current_generation(index)
    make_pdf(docs / "new.pdf", ["A brand new page about storefront applications."])

    import ingest.embedding

    def explode(texts: list[str]) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest.embedding, "embed_texts", explode)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([docs], index, progress=False)
    monkeypatch.undo()
    assert current_generation(index) == before
    assert not any(key.endswith("new.pdf") for key in read_manifest(before).files)
    assert _sources(index, "carriers reinstate")[0] == ("guide.pdf", 2)
    recovered = ingest_paths([docs], index, progress=False)
    assert recovered.embedded == 1
    assert ("new.pdf", 1) in _sources(index, "storefront applications")


def test_generation_complete_but_never_switched_is_not_kept_over_the_previous(
    docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Killed after its manifest but before CURRENT moved: the next ingest keeps the generation that was in
    use (readers may still hold it), not the orphan that never was."""
    import ingest.index

    index = tmp_path / "index"
    ingest_paths([docs], index, progress=False)
    before = current_generation(index)
    assert before is not None
    make_pdf(docs / "new.pdf", ["A brand new page about storefront applications."])

    real_replace = os.replace

    def die_at_the_switch(src: Path, dst: Path) -> None:
        if Path(dst).name == "CURRENT":
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(ingest.index.os, "replace", die_at_the_switch)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([docs], index, progress=False)
    monkeypatch.undo()
    assert current_generation(index) == before
    make_pdf(docs / "newer.pdf", ["Another page about broker of record changes."])
    ingest_paths([docs], index, progress=False)
    after = current_generation(index)
    assert after is not None
    assert {g.name for g in (index / "generations").iterdir()} == {before.name, after.name}


def test_missing_path_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A path that does not exist is named, exit 2."""
    code = main(["ingest", str(tmp_path / "nope"), "--index", str(tmp_path / "i"), "--quiet"])
    assert code == 2
    assert "nope: no such file or folder" in capsys.readouterr().err


def test_progress_bar_goes_to_stderr(
    docs: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the progress bar draws on stderr; stdout holds only the one summary line."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["ingest", str(docs), "--index", str(tmp_path / "i")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [out.strip()]
    assert "2 files (0 unchanged), 4 pages" in out
    assert "\x1b" not in out


def test_builtin_index_is_built_once(builtin_index: Path, tmp_path: Path) -> None:
    """`ensure_builtin_index` indexed knowledge/docs (the session's index); run again, it is a no-op."""
    index = tmp_path / "builtin"
    shutil.copytree(builtin_index, index)
    gen = current_generation(index)
    assert gen is not None
    assert len(read_manifest(gen).files) == len(list(DOCS_DIR.glob("*.md")))
    ensure_builtin_index(index)
    assert current_generation(index) == gen


def test_search_json_shape(corpus_index: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`search --json` prints {"query", "results": [{source, title, page, text, score, chunk_id, doc_date}]}."""
    q = "can the carrier reinstate my client after an ROP termination?"
    assert main(["search", q, "--index", str(corpus_index), "--json", "--k", "3"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == q
    assert len(data["results"]) == 3
    for result in data["results"]:
        assert set(result) == {"source", "title", "page", "text", "score", "chunk_id", "doc_date"}
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    carriers = next(r for r in data["results"] if r["page"] == 8)  # the page that says carriers cannot
    assert carriers["source"] == "Understanding_ROP_and_Auto_Discontinuance.pdf"
    assert carriers["doc_date"] == "2024-06-20"
    assert "unable to process reinstatements" in " ".join(carriers["text"].split())


def test_search_batch_one_line_per_input(
    corpus_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`search --batch` answers every line in order, bad lines included (as errors), exit 2 if any was bad."""
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"id": "a", "question": "service center hours"}\n'
        "not json\n"
        '{"id": "c", "question": "book of business export"}\n'
        '{"id": "d"}\n',
        encoding="utf-8",
    )
    code = main(["search", "--batch", str(batch), "--index", str(corpus_index)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 2
    assert [line["id"] for line in lines] == ["a", None, "c", "d"]
    assert lines[0]["results"][0]["page"] == 105
    assert "error" in lines[1]
    assert lines[2]["results"][0]["source"] == "Book_of_Business_Export_Job_Aid_Agents.pdf"
    assert "question" in lines[3]["error"]


def test_search_without_an_index_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Searching a directory with no index exits 2 and says how to build one."""
    assert main(["search", "anything", "--index", str(tmp_path / "none")]) == 2
    assert "enroller ingest" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("query", "expansion"),
    [
        ("when does the ROP end", "Reasonable Opportunity Period"),
        ("crw priority 5", "Consumer Retention Workspace"),
        ("AI/AN verification", "American Indian or Alaskan Native"),
        ("bob export", "Book of Business"),
    ],
)
def test_acronyms_are_expanded(query: str, expansion: str) -> None:
    """Known acronyms get their expansion appended to the query, whatever the case."""
    assert expansion in expand_query(query)


def test_expansion_is_not_repeated() -> None:
    """A query that already spells the term out is left alone."""
    q = "ROP (Reasonable Opportunity Period) timeline"
    assert expand_query(q) == q


def test_new_pipeline_version_rebuilds_everything(docs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After chunking changes (a new pipeline version) unchanged files are re-chunked, none are dropped."""
    import ingest.index

    index = tmp_path / "index"
    other = tmp_path / "other.md"
    other.write_text("# Other\n\nA note indexed on its own earlier about storefront renewals.\n", encoding="utf-8")
    ingest_paths([docs], index, progress=False)
    ingest_paths([other], index, progress=False)
    monkeypatch.setattr(ingest.index, "PIPELINE_VERSION", "test-next")
    report = ingest_paths([docs], index, progress=False)
    assert report.unchanged == 0
    assert report.embedded == report.chunks
    assert ("other.md", 1) in _sources(index, "storefront renewals")


def test_same_file_name_in_two_folders(tmp_path: Path) -> None:
    """Two files with the same name but different text in different folders are both indexed, without ID
    clashes."""
    for folder, season in (("a", "spring"), ("b", "autumn")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "note.md").write_text(f"# Note\n\nStorefront renewals are due in {season}.\n")
    index = tmp_path / "index"
    ingest_paths([tmp_path / "a"], index, progress=False)
    report = ingest_paths([tmp_path / "b"], index, progress=False)
    assert report.chunks == 2
    hits = Retriever.open(index).search("storefront renewals", k=10)
    assert sorted(h.text.split()[-1] for h in hits) == ["autumn.", "spring."]


def test_a_copied_folder_is_indexed_once(tmp_path: Path) -> None:
    """The same bytes under two paths are indexed once: a second copy in one run is skipped naming the first,
    and a folder indexed before then found under a new path (moved, or copied) gives way to the new path."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "note.md").write_text("# Note\n\nStorefront renewals are due in spring.\n")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    index = tmp_path / "index"
    both = ingest_paths([tmp_path / "a", tmp_path / "b"], index, progress=False)
    assert both.chunks == 1
    assert both.skipped == [(str(tmp_path / "b" / "note.md"), f"same content as {tmp_path / 'a' / 'note.md'}")]
    shutil.copytree(tmp_path / "a", tmp_path / "c")
    moved = ingest_paths([tmp_path / "c"], index, progress=False)
    assert moved.removed == [str(tmp_path / "a" / "note.md")]
    assert moved.chunks == 1
    manifest = read_manifest(current_generation(index))
    assert list(manifest.files) == [str(tmp_path / "c" / "note.md")]


def test_exact_ingest_holds_only_the_files_named(docs: Path, tmp_path: Path) -> None:
    """`exact` (what `enroller eval` builds its index with): files indexed before from elsewhere, still on disk,
    are removed, so the index holds the named folder and nothing else."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "extra.md").write_text("# Extra\n\nStorefront renewals are due in spring.\n")
    index = tmp_path / "index"
    ingest_paths([docs, other], index, progress=False)
    report = ingest_paths([docs], index, exact=True, progress=False)
    assert [Path(p).name for p in report.removed] == ["extra.md"]
    assert (report.files, report.unchanged, report.embedded) == (2, 2, 0)
    assert "extra.md" not in {s for s, _ in _sources(index, "storefront renewals")}


def test_generation_names_sort_in_creation_order_within_one_second() -> None:
    """Names made in quick succession sort as they were made (pruning keeps the newest by name)."""
    from ingest.index import new_generation_name

    names = [new_generation_name() for _ in range(50)]
    assert sorted(names) == names
    assert len(set(names)) == 50
