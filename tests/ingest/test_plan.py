"""The ingest plan: pure decisions from the files found, the previous manifest and the pipeline.

No Chroma, no model, no disk.
"""

from __future__ import annotations

from collections.abc import Callable

from ingest.chunking import Chunk
from ingest.manifest import FileEntry, Manifest
from ingest.plan import Action, FoundFile, Loaded, files_to_reread, plan_ingest

PIPELINE = "chunks-test+glossary-0"


def entry(name: str, sha: str, chunks: int = 2) -> FileEntry:
    return FileEntry(
        sha256=sha,
        source=name,
        title=name.title(),
        pages=1,
        doc_date=None,
        chunk_ids=[f"{name}#p1-{n}" for n in range(chunks)],
    )


def manifest(files: dict[str, FileEntry], pipeline: str = PIPELINE) -> Manifest:
    order = [cid for e in files.values() for cid in e.chunk_ids]
    return Manifest(
        created="2025-01-01T00:00:00", embedding_model="m", pipeline=pipeline, files=files, chunk_order=order
    )


def loaded(name: str, sha: str) -> Loaded:
    chunk = Chunk(f"{name}#p1-new", name, name.title(), 1, "", "new text", None, "passage")
    return Loaded(entry(name, sha, chunks=0).model_copy(update={"chunk_ids": [chunk.chunk_id]}), [chunk])


def on_disk(*keys: str) -> Callable[[str], bool]:
    return lambda key: key in keys


PREVIOUS = manifest({"/d/a.md": entry("a.md", "aaa"), "/d/b.md": entry("b.md", "bbb")})


def test_first_ingest_rechunks_every_file() -> None:
    found = [FoundFile("/d/a.md", "aaa"), FoundFile("/d/b.md", "bbb")]
    plan = plan_ingest(found, None, PIPELINE, prune=False, exists=on_disk())
    assert [s.action for s in plan.steps] == [Action.RECHUNK, Action.RECHUNK]
    settled = plan.settle({"/d/a.md": loaded("a.md", "aaa"), "/d/b.md": loaded("b.md", "bbb")})
    assert list(settled.files) == ["/d/a.md", "/d/b.md"]
    assert [c.chunk_id for c in settled.fresh] == ["a.md#p1-new", "b.md#p1-new"]
    assert (settled.reused_ids, settled.unchanged, settled.skipped, settled.removed) == ([], 0, [], [])


def test_unchanged_file_is_reused_and_new_file_is_chunked() -> None:
    found = [FoundFile("/d/a.md", "aaa"), FoundFile("/d/b.md", "bbb"), FoundFile("/d/c.md", "ccc")]
    plan = plan_ingest(found, PREVIOUS, PIPELINE, prune=False, exists=on_disk())
    assert plan.keys(Action.REUSE) == ["/d/a.md", "/d/b.md"]
    assert [s.key for s in plan.to_load] == ["/d/c.md"]
    settled = plan.settle({"/d/c.md": loaded("c.md", "ccc")})
    assert settled.unchanged == 2
    assert settled.reused_ids == ["a.md#p1-0", "a.md#p1-1", "b.md#p1-0", "b.md#p1-1"]
    assert [c.chunk_id for c in settled.fresh] == ["c.md#p1-new"]
    assert settled.files["/d/a.md"] == PREVIOUS.files["/d/a.md"]


def test_changed_file_is_rechunked_and_its_old_chunks_go() -> None:
    found = [FoundFile("/d/a.md", "aaa"), FoundFile("/d/b.md", "b2")]
    plan = plan_ingest(found, PREVIOUS, PIPELINE, prune=False, exists=on_disk())
    assert plan.keys(Action.RECHUNK) == ["/d/b.md"]
    settled = plan.settle({"/d/b.md": loaded("b.md", "b2")})
    assert settled.reused_ids == ["a.md#p1-0", "a.md#p1-1"]
    assert settled.files["/d/b.md"].sha256 == "b2"
    assert settled.files["/d/b.md"].chunk_ids == ["b.md#p1-new"]
    assert settled.unchanged == 1


def test_unchanged_ingest_has_nothing_to_do() -> None:
    found = [FoundFile("/d/a.md", "aaa"), FoundFile("/d/b.md", "bbb")]
    plan = plan_ingest(found, PREVIOUS, PIPELINE, prune=False, exists=on_disk("/d/a.md", "/d/b.md"))
    settled = plan.settle({})
    assert (plan.to_load, settled.fresh, settled.removed) == ([], [], [])
    assert settled.files == PREVIOUS.files


def test_removed_file_is_kept_without_prune() -> None:
    found = [FoundFile("/d/a.md", "aaa")]
    plan = plan_ingest(found, PREVIOUS, PIPELINE, prune=False, exists=on_disk("/d/a.md"))
    assert plan.keys(Action.KEEP) == ["/d/b.md"]
    settled = plan.settle({})
    assert settled.removed == []
    assert list(settled.files) == ["/d/a.md", "/d/b.md"]
    assert settled.unchanged == 1  # only files found count as unchanged


def test_removed_file_is_dropped_with_prune() -> None:
    found = [FoundFile("/d/a.md", "aaa")]
    plan = plan_ingest(found, PREVIOUS, PIPELINE, prune=True, exists=on_disk("/d/a.md"))
    settled = plan.settle({})
    assert settled.removed == ["/d/b.md"]
    assert list(settled.files) == ["/d/a.md"]
    assert settled.reused_ids == ["a.md#p1-0", "a.md#p1-1"]


def test_prune_keeps_a_file_still_on_disk_but_not_named() -> None:
    found = [FoundFile("/d/a.md", "aaa")]
    plan = plan_ingest(found, PREVIOUS, PIPELINE, prune=True, exists=on_disk("/d/a.md", "/d/b.md"))
    assert plan.keys(Action.KEEP) == ["/d/b.md"]
    assert plan.settle({}).removed == []


def test_new_pipeline_version_rechunks_everything() -> None:
    found = [FoundFile("/d/a.md", "aaa"), FoundFile("/d/b.md", "bbb")]
    plan = plan_ingest(found, PREVIOUS, "chunks-next+glossary-0", prune=True, exists=on_disk())
    assert plan.keys(Action.RECHUNK) == ["/d/a.md", "/d/b.md"]
    assert plan.previous_steps == ()  # nothing of the old pipeline is reused, kept or removed
    settled = plan.settle({"/d/a.md": loaded("a.md", "aaa"), "/d/b.md": loaded("b.md", "bbb")})
    assert (settled.reused_ids, settled.unchanged) == ([], 0)
    assert len(settled.fresh) == 2


def test_files_of_another_pipeline_are_read_again() -> None:
    assert files_to_reread(PREVIOUS, "chunks-next+glossary-0") == ["/d/a.md", "/d/b.md"]
    assert files_to_reread(PREVIOUS, PIPELINE) == []
    assert files_to_reread(None, PIPELINE) == []


def test_file_that_fails_to_load_is_skipped_and_keeps_its_chunks() -> None:
    found = [FoundFile("/d/a.md", "a2"), FoundFile("/d/b.md", "bbb")]
    plan = plan_ingest(found, PREVIOUS, PIPELINE, prune=False, exists=on_disk())
    assert plan.keys(Action.RECHUNK) == ["/d/a.md"]
    settled = plan.settle({"/d/a.md": "not a readable PDF"})
    assert settled.skipped == [("/d/a.md", "not a readable PDF")]
    assert settled.files["/d/a.md"] == PREVIOUS.files["/d/a.md"]  # the previous entry, old hash included
    assert settled.reused_ids == ["a.md#p1-0", "a.md#p1-1", "b.md#p1-0", "b.md#p1-1"]
    assert settled.fresh == []


def test_new_file_that_fails_to_load_is_skipped_with_nothing_kept() -> None:
    plan = plan_ingest([FoundFile("/d/new.pdf", "nnn")], None, PIPELINE, prune=False, exists=on_disk())
    settled = plan.settle({"/d/new.pdf": "encrypted"})
    assert settled.skipped == [("/d/new.pdf", "encrypted")]
    assert (settled.files, settled.reused_ids) == ({}, [])


def test_unreadable_file_is_skipped_with_its_reason_and_keeps_its_chunks() -> None:
    found = [FoundFile("/d/a.md", None, "cannot be read (Permission denied)"), FoundFile("/d/b.md", "bbb")]
    plan = plan_ingest(found, PREVIOUS, PIPELINE, prune=True, exists=on_disk("/d/a.md", "/d/b.md"))
    assert plan.to_load == []
    settled = plan.settle({})
    assert settled.skipped == [("/d/a.md", "cannot be read (Permission denied)")]
    assert list(settled.files) == ["/d/a.md", "/d/b.md"]
    assert settled.unchanged == 1


def test_second_copy_of_the_same_content_is_skipped_naming_the_first() -> None:
    found = [FoundFile("/d/a.md", "aaa"), FoundFile("/copy/a.md", "aaa")]
    plan = plan_ingest(found, None, PIPELINE, prune=False, exists=on_disk())
    assert [s.key for s in plan.to_load] == ["/d/a.md"]
    settled = plan.settle({"/d/a.md": loaded("a.md", "aaa")})
    assert settled.skipped == [("/copy/a.md", "same content as /d/a.md")]
    assert list(settled.files) == ["/d/a.md"]
    assert [c.chunk_id for c in settled.fresh] == ["a.md#p1-new"]


def test_content_found_under_a_new_path_replaces_the_old_path_still_on_disk() -> None:
    # The folder was copied (or the checkout moved) and the old copy is still there: indexed once, at the new path.
    found = [FoundFile("/new/a.md", "aaa"), FoundFile("/new/b.md", "bbb")]
    plan = plan_ingest(found, PREVIOUS, PIPELINE, prune=False, exists=on_disk("/d/a.md", "/d/b.md"))
    assert plan.keys(Action.REMOVE) == ["/d/a.md", "/d/b.md"]
    settled = plan.settle({"/new/a.md": loaded("a.md", "aaa"), "/new/b.md": loaded("b.md", "bbb")})
    assert list(settled.files) == ["/new/a.md", "/new/b.md"]
    assert settled.reused_ids == []
    assert settled.removed == ["/d/a.md", "/d/b.md"]


def test_other_content_not_named_is_kept_without_exact_and_removed_with_it() -> None:
    found = [FoundFile("/d/a.md", "aaa")]
    exists = on_disk("/d/a.md", "/d/b.md")
    assert plan_ingest(found, PREVIOUS, PIPELINE, prune=True, exists=exists).keys(Action.KEEP) == ["/d/b.md"]
    plan = plan_ingest(found, PREVIOUS, PIPELINE, prune=False, exact=True, exists=exists)
    settled = plan.settle({})
    assert settled.removed == ["/d/b.md"]
    assert list(settled.files) == ["/d/a.md"]
    assert settled.unchanged == 1
