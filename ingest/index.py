"""The on-disk index: Chroma (vectors) + BM25 (keywords) + a manifest, in generations.

Layout of an index directory:

    CURRENT                      name of the generation in use (replaced atomically)
    generations/<name>/chroma/   Chroma PersistentClient, collections "chunks" and "windows"
    generations/<name>/bm25.json keyword index over the same chunks, same order
    generations/<name>/manifest.json  files, content hashes, chunk ids; written last (`ingest.manifest`)

An ingest builds a new generation next to the current one and switches CURRENT only when the new one is
complete, so an interrupted or failed ingest leaves the previous index answering. Unchanged files
(same SHA-256) reuse their chunks and vectors; nothing is re-embedded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ingest.chunking import Chunk, chunk_document
from ingest.errors import IndexProblem, IngestError, ManifestFormatError
from ingest.keyword import BM25Index
from ingest.loaders import LoadError, iter_source_files, load_document
from ingest.manifest import INDEX_FORMAT, MANIFEST, FileEntry, Manifest, new_manifest, read_manifest, write_manifest
from ingest.plan import Action, FoundFile, IngestPlan, Loaded, LoadOutcome, Settled, files_to_reread, plan_ingest

# Re-exported: these lived here before `ingest.errors` and `ingest.manifest`.
__all__ = [
    "INDEX_FORMAT",
    "MANIFEST",
    "GenerationData",
    "IndexProblem",
    "IndexStore",
    "IngestError",
    "IngestReport",
    "LocalIndex",
    "ProgressFn",
    "current_generation",
    "index_exists",
    "ingest_paths",
    "load_generation",
    "pipeline_id",
    "read_manifest",
    "scan_sources",
]

log = logging.getLogger("enroller.ingest")

# Bump when chunking or embedding changes: an index built by another pipeline is rebuilt on next ingest.
PIPELINE_VERSION = "chunks-5"
COLLECTION = "chunks"
WINDOWS = "windows"
CURRENT_FILE = "CURRENT"
GENERATIONS_DIR = "generations"
CHROMA_DIR = "chroma"
BM25_FILE = "bm25.json"
_HASH_BLOCK = 1 << 20  # bytes read at a time to hash a file
_EMBED_BATCH = 64  # texts per progress step while embedding
_CHROMA_BATCH = 1000  # records per Chroma `add` call
_COSINE = {"hnsw:space": "cosine"}  # vectors are unit length


def pipeline_id() -> str:
    """How chunks and BM25 texts are made: the pipeline version plus the glossary the BM25 text draws on."""
    from ingest.glossary import fingerprint

    return f"{PIPELINE_VERSION}+glossary-{fingerprint()}"


@dataclass
class IngestReport:
    """What an ingest did."""

    index_dir: Path | str  # the folder, or the Chroma server's URL
    files: int = 0
    unchanged: int = 0
    pages: int = 0
    chunks: int = 0
    embedded: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    changed: bool = False

    @property
    def failed(self) -> bool:
        """Whether any file could not be indexed."""
        return bool(self.skipped)

    def __str__(self) -> str:
        parts = [
            f"{self.files} files ({self.unchanged} unchanged)",
            f"{self.pages} pages",
            f"{self.chunks} chunks ({self.embedded} embedded)",
            f"{len(self.skipped)} skipped",
        ]
        if self.removed:
            parts.append(f"{len(self.removed)} removed")
        return ", ".join(parts) + f", {self.seconds:.1f} s"


def _chroma_client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


def _embedding_function() -> Any:
    from ingest.embedding import MiniLMEmbeddingFunction

    return MiniLMEmbeddingFunction()


def current_generation(index_dir: Path) -> Path | None:
    """The generation directory CURRENT points to, if it is complete."""
    pointer = index_dir / CURRENT_FILE
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    gen = index_dir / GENERATIONS_DIR / name
    return gen if (gen / MANIFEST).is_file() else None


def index_exists(index_dir: Path) -> bool:
    """Whether `index_dir` holds a complete index."""
    return current_generation(Path(index_dir)) is not None


@dataclass
class GenerationData:
    """Everything retrieval needs from one generation, in index order."""

    chunks: list[Chunk]
    vectors: np.ndarray  # one row per chunk
    window_vectors: np.ndarray  # one row per window
    window_owner: np.ndarray  # index into `chunks` of each window

    def windows_of(self, index: int) -> np.ndarray:
        """The window vectors of chunk number `index`."""
        return self.window_vectors[self.window_owner == index]


def load_generation(generation: Path) -> GenerationData:
    """All chunks of a generation with their vectors and window vectors."""
    from ingest.embedding import no_vectors

    order = read_manifest(generation).chunk_order
    if not order:
        return GenerationData([], no_vectors(), no_vectors(), np.zeros(0, dtype=np.int64))
    client = _chroma_client(generation / CHROMA_DIR)
    ef = _embedding_function()
    got = client.get_collection(COLLECTION, embedding_function=ef).get(
        ids=order, include=["embeddings", "documents", "metadatas"]
    )
    windows = client.get_collection(WINDOWS, embedding_function=ef).get(include=["embeddings", "metadatas"])
    return generation_from_records(order, got, windows, where=str(generation))


def generation_from_records(order: list[str], got: Any, windows: Any, *, where: str) -> GenerationData:
    """Chunks (in manifest order) and vectors from what Chroma's `get` returned for the chunk and window
    collections: ids, documents, metadatas and embeddings."""
    from ingest.embedding import EMBEDDING_DIM

    by_id = {cid: i for i, cid in enumerate(got["ids"])}
    if len(by_id) != len(order) or not all(cid in by_id for cid in order):
        raise IndexProblem(f"{where}: Chroma holds {len(by_id)} of {len(order)} chunks; re-ingest")
    chunks: list[Chunk] = []
    rows = []
    for cid in order:
        i = by_id[cid]
        meta = got["metadatas"][i]
        chunks.append(
            Chunk(
                chunk_id=cid,
                source=str(meta["source"]),
                title=str(meta["title"]),
                page=int(meta["page"]),
                section=str(meta.get("section", "")),
                text=got["documents"][i],
                doc_date=str(meta["doc_date"]) or None,
                kind=str(meta.get("kind", "passage")),
            )
        )
        rows.append(got["embeddings"][i])
    position = {cid: n for n, cid in enumerate(order)}
    owner = np.asarray([position[str(m["chunk_id"])] for m in windows["metadatas"]], dtype=np.int64)
    window_vectors = np.asarray(windows["embeddings"], dtype=np.float32).reshape(-1, EMBEDDING_DIM)
    return GenerationData(chunks, np.asarray(rows, dtype=np.float32), window_vectors, owner)


@runtime_checkable
class IndexStore(Protocol):
    """Where generations live: a local folder (`LocalIndex`) or a Chroma server (`ingest.store_chroma`)."""

    @property
    def location(self) -> str:
        """The folder or URL, for messages."""
        ...

    def has_current(self) -> bool:
        """Whether a complete generation is in use (its manifest may still be of another format)."""
        ...

    def current_manifest(self) -> Manifest | None:
        """The manifest of the generation in use (None if none); `ManifestFormatError` if another format."""
        ...

    def load_current(self) -> GenerationData:
        """Chunks and vectors of the generation in use."""
        ...

    def write_generation(
        self,
        chunks: list[Chunk],
        vectors: list[np.ndarray],
        windows: list[np.ndarray],
        files: dict[str, FileEntry],
        *,
        pipeline: str,
    ) -> str:
        """Write a complete new generation, then make it the one in use (all or nothing); its name."""
        ...


@dataclass(frozen=True)
class LocalIndex:
    """An index folder (the layout in this module's docstring)."""

    index_dir: Path

    @property
    def location(self) -> str:
        """The folder."""
        return str(self.index_dir)

    def has_current(self) -> bool:
        """Whether CURRENT points at a complete generation."""
        return current_generation(self.index_dir) is not None

    def current_manifest(self) -> Manifest | None:
        """The manifest CURRENT points at."""
        gen = current_generation(self.index_dir)
        return read_manifest(gen) if gen is not None else None

    def load_current(self) -> GenerationData:
        """The generation CURRENT points at."""
        gen = current_generation(self.index_dir)
        if gen is None:
            raise IndexProblem(f"no index at {self.index_dir}: run `enroller ingest` first")
        return load_generation(gen)

    def write_generation(
        self,
        chunks: list[Chunk],
        vectors: list[np.ndarray],
        windows: list[np.ndarray],
        files: dict[str, FileEntry],
        *,
        pipeline: str,
    ) -> str:
        """A new generation folder, then CURRENT switched to it."""
        return _write_generation(self.index_dir, chunks, vectors, windows, files, pipeline=pipeline).name


def _previous_index(store: IndexStore, pipeline: str) -> tuple[Manifest | None, list[str]]:
    """The current generation's manifest (None if there is none, or it is of another index format) and the
    files it lists whose chunks cannot be reused, to be read again."""
    try:
        manifest = store.current_manifest()
    except ManifestFormatError as exc:
        return None, exc.files  # an older index format: rebuild everything
    if manifest is None:
        return None, []
    return manifest, files_to_reread(manifest, pipeline)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_HASH_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


def scan_sources(paths: Sequence[Path], reread: Sequence[str] = ()) -> tuple[list[FoundFile], list[tuple[str, str]]]:
    """The source files under `paths` (then those of `reread` still on disk) with their hashes, and the
    paths that do not exist, each with its reason."""
    missing: list[tuple[str, str]] = []
    files: list[Path] = []
    for root in paths:
        if not Path(root).exists():
            missing.append((str(root), "no such file or folder"))
            continue
        files.extend(iter_source_files([Path(root)]))
    files.extend(p for p in map(Path, reread) if p.is_file() and p not in files)
    found = []
    for path in files:
        try:
            found.append(FoundFile(str(path), _sha256(path)))
        except OSError as exc:
            found.append(FoundFile(str(path), None, f"cannot be read ({exc.strerror})"))
    return found, missing


ProgressFn = Callable[[str, int, int], None]


def ingest_paths(
    paths: Sequence[Path],
    index_dir: Path | IndexStore,
    *,
    prune: bool = False,
    exact: bool = False,
    progress: bool | ProgressFn = True,
) -> IngestReport:
    """Index the PDFs, Markdown and text files under `paths` into `index_dir` (incrementally, atomically).

    `index_dir` is a folder, or an `IndexStore` such as `ingest.store_chroma.ChromaServerIndex`.
    Stages: plan (pure, `ingest.plan`: which files to re-chunk, reuse, skip or remove), load and chunk the
    files to re-chunk, embed the new chunks, then write a new generation and switch CURRENT to it.
    """
    started = time.perf_counter()
    store = index_dir if isinstance(index_dir, IndexStore) else LocalIndex(Path(index_dir))
    notify = _progress_callback(progress)
    pipeline = pipeline_id()

    had_current = store.has_current()
    previous, reread = _previous_index(store, pipeline)
    found, missing = scan_sources(paths, reread)
    plan = plan_ingest(found, previous, pipeline, prune=prune, exact=exact, exists=lambda key: Path(key).exists())
    settled = plan.settle(_load_changed(plan, notify))

    report = IngestReport(
        index_dir=store.index_dir if isinstance(store, LocalIndex) else store.location,
        files=len(found),
        unchanged=settled.unchanged,
        pages=settled.pages,
        chunks=len(settled.reused_ids) + len(settled.fresh),
        removed=settled.removed,
        skipped=missing + settled.skipped,
        changed=bool(settled.fresh or settled.removed or not had_current),
    )
    if report.changed:
        chunks, vectors, windows = _embed(settled, store if had_current else None, notify)
        report.embedded = len(settled.fresh)
        store.write_generation(chunks, vectors, windows, settled.files, pipeline=pipeline)
        report.chunks = len(chunks)
    report.seconds = time.perf_counter() - started
    return report


def _load_changed(plan: IngestPlan, notify: ProgressFn) -> dict[str, LoadOutcome]:
    """Load and chunk the files the plan re-chunks (progress counts every file found)."""
    loaded: dict[str, LoadOutcome] = {}
    for n, step in enumerate(plan.found_steps, start=1):
        path = Path(step.key)
        notify(f"reading {path.name}", n, len(plan.found_steps))
        if step.action is not Action.RECHUNK:
            continue
        assert step.sha256 is not None
        try:
            doc = load_document(path)
        except LoadError as exc:
            loaded[step.key] = exc.reason
            continue
        chunks = chunk_document(doc)
        entry = FileEntry(
            sha256=step.sha256,
            source=doc.source,
            title=doc.title,
            pages=len(doc.pages),
            doc_date=doc.doc_date,
            chunk_ids=[c.chunk_id for c in chunks],
        )
        loaded[step.key] = Loaded(entry, chunks)
    return loaded


def _embed(
    settled: Settled, old_gen: IndexStore | None, notify: ProgressFn
) -> tuple[list[Chunk], list[np.ndarray], list[np.ndarray]]:
    """The next generation's chunks with their vectors and window vectors: reused ones first (read from the
    previous generation), then the fresh ones, embedded now."""
    old_chunks: dict[str, tuple[Chunk, np.ndarray, np.ndarray]] = {}
    if settled.reused_ids and old_gen is not None:
        data = old_gen.load_current()
        wanted = set(settled.reused_ids)
        old_chunks = {
            c.chunk_id: (c, data.vectors[i], data.windows_of(i))
            for i, c in enumerate(data.chunks)
            if c.chunk_id in wanted
        }
    fresh = settled.fresh
    fresh_windows = [c.windows() for c in fresh]
    texts = [c.embed_text for c in fresh] + [w for ws in fresh_windows for w in ws]
    embedded = _embed_with_progress(texts, notify)
    vectors_new = embedded[: len(fresh)]
    windows_new = []
    offset = len(fresh)
    for ws in fresh_windows:
        windows_new.append(embedded[offset : offset + len(ws)])
        offset += len(ws)
    kept = [old_chunks[cid] for cid in settled.reused_ids if cid in old_chunks]
    chunks = [k[0] for k in kept] + fresh
    vectors = [k[1] for k in kept] + list(vectors_new)
    windows = [k[2] for k in kept] + windows_new
    return chunks, vectors, windows


def _progress_callback(progress: bool | ProgressFn) -> ProgressFn:
    if callable(progress):
        return progress
    return lambda message, done, total: None


def _embed_with_progress(texts: list[str], notify: ProgressFn) -> np.ndarray:
    from ingest.embedding import EMBEDDING_DIM, embed_texts, no_vectors

    if not texts:
        return no_vectors()
    batch = _EMBED_BATCH
    # Shortest first: each batch pads to its longest text, so batches of similar lengths do less work
    # (measured on the corpus: 9.6 s in file order, 6.0 s sorted, for 389 passages and windows).
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), EMBEDDING_DIM), dtype=np.float32)
    for start in range(0, len(texts), batch):
        notify("embedding chunks", min(start + batch, len(texts)), len(texts))
        rows = order[start : start + batch]
        out[rows] = embed_texts([texts[i] for i in rows])
    return out


def _write_generation(
    index_dir: Path,
    chunks: list[Chunk],
    vectors: list[np.ndarray],
    windows: list[np.ndarray],
    files: dict[str, FileEntry],
    *,
    pipeline: str,
) -> Path:
    """Write a complete new generation (Chroma, BM25, manifest last), then switch CURRENT to it."""
    from ingest.embedding import MODEL_NAME

    generations = index_dir / GENERATIONS_DIR
    generations.mkdir(parents=True, exist_ok=True)
    name = new_generation_name()
    gen = generations / name
    gen.mkdir()
    client = _chroma_client(gen / CHROMA_DIR)
    collection = client.create_collection(COLLECTION, embedding_function=_embedding_function(), metadata=dict(_COSINE))
    add_chunks(collection, chunks, vectors)
    window_collection = client.create_collection(
        WINDOWS, embedding_function=_embedding_function(), metadata=dict(_COSINE)
    )
    add_windows(window_collection, chunks, windows)
    build_keyword_index(chunks).save(gen / BM25_FILE)
    manifest = new_manifest(
        embedding_model=MODEL_NAME, pipeline=pipeline, files=files, chunk_order=[c.chunk_id for c in chunks]
    )
    write_manifest(gen, manifest)
    previous = current_generation(index_dir)
    pointer_tmp = index_dir / f"{CURRENT_FILE}.{uuid.uuid4().hex[:6]}.tmp"
    pointer_tmp.write_text(name, encoding="utf-8")
    os.replace(pointer_tmp, index_dir / CURRENT_FILE)  # the switch: atomic on POSIX
    _remove_old_generations(index_dir, keep=name, previous=previous.name if previous else None)
    return gen


def new_generation_name() -> str:
    """A fresh generation name: sortable by creation time (to the microsecond: two ingests within one second
    must still sort in order, or pruning keeps the wrong one), unique across machines."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    return f"{stamp}-{uuid.uuid4().hex[:6]}"


def add_chunks(collection: Any, chunks: list[Chunk], vectors: Sequence[np.ndarray], batch: int = _CHROMA_BATCH) -> None:
    """Add chunks with their precomputed vectors to a Chroma collection, `batch` records per call."""
    for start in range(0, len(chunks), batch):
        part = chunks[start : start + batch]
        collection.add(
            ids=[c.chunk_id for c in part],
            documents=[c.text for c in part],
            metadatas=[c.to_metadata() for c in part],
            embeddings=[v.tolist() for v in vectors[start : start + batch]],
        )


def add_windows(
    collection: Any, chunks: list[Chunk], windows: Sequence[np.ndarray], batch: int = _CHROMA_BATCH
) -> None:
    """Add each chunk's window vectors (ids `<chunk id>~<n>`, metadata naming the chunk)."""
    ids, metas, rows = [], [], []
    for chunk, block in zip(chunks, windows, strict=True):
        for n, row in enumerate(block):
            ids.append(f"{chunk.chunk_id}~{n}")
            metas.append({"chunk_id": chunk.chunk_id})
            rows.append(row.tolist())
    for start in range(0, len(ids), batch):
        collection.add(
            ids=ids[start : start + batch],
            metadatas=metas[start : start + batch],
            embeddings=rows[start : start + batch],
        )


def build_keyword_index(chunks: Sequence[Chunk]) -> BM25Index:
    """The BM25 index over chunks, in their order: what every generation's keyword search uses."""
    from ingest.glossary import with_acronyms

    return BM25Index.build([with_acronyms(c.keyword_text) for c in chunks])


def kept_generations(complete: Sequence[str], keep: str, previous: str | None) -> set[str]:
    """What to keep after switching to `keep`: it and the generation in use before it (`previous`; else the
    newest other complete one). A generation complete but never switched to (its ingest was killed between
    the manifest and the switch) is not kept in place of the one readers may still hold."""
    others = sorted(g for g in complete if g != keep)
    before = previous if previous in others else (others[-1] if others else None)
    return {keep} if before is None else {keep, before}


def _remove_old_generations(index_dir: Path, keep: str, previous: str | None = None) -> None:
    generations = sorted((index_dir / GENERATIONS_DIR).iterdir(), key=lambda p: p.name)
    complete = [g.name for g in generations if (g / MANIFEST).is_file()]
    kept = kept_generations(complete, keep, previous)
    for gen in generations:
        if gen.name not in kept:  # older complete ones, and half-written ones (no manifest)
            shutil.rmtree(gen, ignore_errors=True)
    for leftover in index_dir.glob(f"{CURRENT_FILE}.*.tmp"):
        leftover.unlink(missing_ok=True)
