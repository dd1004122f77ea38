"""What an ingest will do, decided before anything is loaded, embedded or written.

`plan_ingest` is pure: from the files found (with their content hashes), the previous manifest and
the pipeline id it decides, file by file, whether to reuse the indexed chunks, re-chunk the file,
skip it (and why), keep a file indexed before that was not named this time, or remove it (`prune`,
`exact`). One content is indexed once: a second file with the same bytes is skipped, and a file indexed
before whose bytes are now found under another path (moved, or the folder copied) gives way to it.
`IngestPlan.settle` then folds in what loading the re-chunked files gave (their chunks, or the reason
they failed) and says which files, chunk ids and fresh chunks the new generation holds, in order.

A file that cannot be read or loaded keeps what was indexed of it before: nothing stored is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

from ingest.chunking import Chunk
from ingest.manifest import FileEntry, Manifest


@dataclass(frozen=True)
class FoundFile:
    """A source file found on disk: its path (the manifest key) and SHA-256, or why it could not be read."""

    key: str
    sha256: str | None
    error: str = ""


class Action(Enum):
    """What happens to one file."""

    REUSE = "reuse"  # found, unchanged: its chunks and vectors are carried over
    RECHUNK = "rechunk"  # found, new or changed (or the pipeline changed): load, chunk and embed it
    SKIP = "skip"  # found but unreadable: reported; what was indexed of it before stays
    KEEP = "keep"  # indexed before, not found this time (not named, or no prune): it stays
    REMOVE = "remove"  # indexed before, not found this time, and gone from disk (prune), not named (exact)
    # or its content found under another path: its chunks go


@dataclass(frozen=True)
class Step:
    """The decision for one file; `previous` is its entry in the previous manifest, if reusable."""

    key: str
    action: Action
    previous: FileEntry | None = None
    sha256: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Loaded:
    """A re-chunked file: its new manifest entry and chunks."""

    entry: FileEntry
    chunks: list[Chunk]


LoadOutcome = Loaded | str  # a loaded file, or the reason it could not be loaded


@dataclass
class Settled:
    """The content of the next generation, in index order, and what to report."""

    files: dict[str, FileEntry] = field(default_factory=dict)
    reused_ids: list[str] = field(default_factory=list)  # chunk ids carried over from the previous generation
    fresh: list[Chunk] = field(default_factory=list)  # chunks to embed
    skipped: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def pages(self) -> int:
        """Pages of all the files the generation holds."""
        return sum(entry.pages for entry in self.files.values())

    def _reuse(self, key: str, entry: FileEntry) -> None:
        self.files[key] = entry
        self.reused_ids.extend(entry.chunk_ids)

    def _skip(self, step: Step, reason: str) -> None:
        self.skipped.append((step.key, reason))
        if step.previous is not None:
            self._reuse(step.key, step.previous)  # keep what was indexed before


@dataclass(frozen=True)
class IngestPlan:
    """One step per file found (in the order found), then one per previously indexed file not found."""

    found_steps: tuple[Step, ...]
    previous_steps: tuple[Step, ...]

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step, in index order."""
        return self.found_steps + self.previous_steps

    def keys(self, action: Action) -> list[str]:
        """The files whose step is `action`, in order."""
        return [s.key for s in self.steps if s.action is action]

    @property
    def to_load(self) -> list[Step]:
        """The steps whose files must be loaded and chunked."""
        return [s for s in self.found_steps if s.action is Action.RECHUNK]

    def settle(self, loaded: Mapping[str, LoadOutcome]) -> Settled:
        """The next generation's files and chunks, given what loading each file of `to_load` gave."""
        out = Settled()
        for step in self.steps:
            if step.action is Action.REUSE:
                assert step.previous is not None
                out._reuse(step.key, step.previous)
                out.unchanged += 1
            elif step.action is Action.KEEP:
                assert step.previous is not None
                out._reuse(step.key, step.previous)
            elif step.action is Action.SKIP:
                out._skip(step, step.reason)
            elif step.action is Action.REMOVE:
                out.removed.append(step.key)
            else:
                outcome = loaded[step.key]
                if isinstance(outcome, str):
                    out._skip(step, outcome)
                else:
                    out.files[step.key] = outcome.entry
                    out.fresh.extend(outcome.chunks)
        return out


def reusable_files(previous: Manifest | None, pipeline: str) -> dict[str, FileEntry]:
    """Files of the previous manifest whose chunks can be reused: none if it was built by another pipeline."""
    if previous is None or previous.pipeline != pipeline:
        return {}
    return dict(previous.files)


def files_to_reread(previous: Manifest | None, pipeline: str) -> list[str]:
    """Files indexed by another pipeline: they are read again (if still on disk), not dropped."""
    if previous is None or previous.pipeline == pipeline:
        return []
    return list(previous.files)


def plan_ingest(
    found: Sequence[FoundFile],
    previous: Manifest | None,
    pipeline: str,
    *,
    prune: bool,
    exists: Callable[[str], bool],
    exact: bool = False,
) -> IngestPlan:
    """Decide what to do with every file; `exists` tells whether a previously indexed file is still on disk.

    `prune` removes files indexed before that are gone from disk; `exact` removes every file indexed before
    that was not found this time, so the index holds exactly what `found` names.
    """
    old = reusable_files(previous, pipeline)
    found_steps = []
    first_with: dict[str, str] = {}  # content hash -> the first file found with it
    for f in found:
        entry = old.get(f.key)
        twin = first_with.setdefault(f.sha256, f.key) if f.sha256 is not None else f.key
        if twin != f.key:
            found_steps.append(Step(f.key, Action.SKIP, reason=f"same content as {twin}"))
        elif f.sha256 is None:
            found_steps.append(Step(f.key, Action.SKIP, previous=entry, reason=f.error))
        elif entry is not None and entry.sha256 == f.sha256:
            found_steps.append(Step(f.key, Action.REUSE, previous=entry, sha256=f.sha256))
        else:
            found_steps.append(Step(f.key, Action.RECHUNK, previous=entry, sha256=f.sha256))
    seen = {f.key for f in found}

    def gives_way(key: str, entry: FileEntry) -> bool:
        return exact or entry.sha256 in first_with or (prune and not exists(key))

    previous_steps = [
        Step(key, Action.REMOVE if gives_way(key, entry) else Action.KEEP, previous=entry)
        for key, entry in old.items()
        if key not in seen
    ]
    return IngestPlan(tuple(found_steps), tuple(previous_steps))
