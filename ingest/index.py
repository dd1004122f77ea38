"""The on-disk index: Chroma (vectors) + BM25 (keywords) + a manifest, in generations.

Layout of an index directory:

    CURRENT                      name of the generation in use (replaced atomically)
    generations/<name>/chroma/   Chroma PersistentClient, collection "chunks"
    generations/<name>/bm25.json keyword index over the same chunks, same order
    generations/<name>/manifest.json  files, content hashes, chunk ids; written last

An ingest builds a new generation next to the current one and switches CURRENT only when the new one is
complete, so an interrupted or failed ingest leaves the previous index answering. Unchanged files
(same SHA-256) reuse their chunks and vectors; nothing is re-embedded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest.chunking import Chunk, chunk_document
from ingest.loaders import LoadError, iter_source_files, load_document

log = logging.getLogger("enroller.ingest")

INDEX_FORMAT = 2
# Bump when chunking or embedding changes: an index built by another pipeline is rebuilt on next ingest.
PIPELINE_VERSION = "chunks-5"
COLLECTION = "chunks"
WINDOWS = "windows"
CURRENT_FILE = "CURRENT"
MANIFEST = "manifest.json"
_KEEP_GENERATIONS = 2  # the current one and the one before it


def pipeline_id() -> str:
    """How chunks and BM25 texts are made: the pipeline version plus the glossary the BM25 text draws on."""
    from ingest.glossary import fingerprint

    return f"{PIPELINE_VERSION}+glossary-{fingerprint()}"


class IndexProblem(RuntimeError):
    """The index directory is missing, unreadable or from an incompatible version."""


@dataclass
class IngestReport:
    """What an ingest did."""

    index_dir: Path
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
    gen = index_dir / "generations" / name
    return gen if (gen / MANIFEST).is_file() else None


def index_exists(index_dir: Path) -> bool:
    """Whether `index_dir` holds a complete index."""
    return current_generation(Path(index_dir)) is not None


def read_manifest(generation: Path) -> dict[str, Any]:
    """The manifest of a generation."""
    data: dict[str, Any] = json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    if data.get("format") != INDEX_FORMAT:
        raise IndexProblem(f"{generation}: index format {data.get('format')!r}, expected {INDEX_FORMAT}; re-ingest")
    return data


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
    manifest = read_manifest(generation)
    order: list[str] = manifest["chunk_order"]
    empty = np.zeros((0, 384), dtype=np.float32)
    if not order:
        return GenerationData([], empty, empty, np.zeros(0, dtype=np.int64))
    client = _chroma_client(generation / "chroma")
    ef = _embedding_function()
    got = client.get_collection(COLLECTION, embedding_function=ef).get(
        ids=order, include=["embeddings", "documents", "metadatas"]
    )
    by_id = {cid: i for i, cid in enumerate(got["ids"])}
    if len(by_id) != len(order):
        raise IndexProblem(f"{generation}: Chroma holds {len(by_id)} of {len(order)} chunks; re-ingest")
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
    windows = client.get_collection(WINDOWS, embedding_function=ef).get(include=["embeddings", "metadatas"])
    owner = np.asarray([position[str(m["chunk_id"])] for m in windows["metadatas"]], dtype=np.int64)
    window_vectors = np.asarray(windows["embeddings"], dtype=np.float32).reshape(-1, 384)
    return GenerationData(chunks, np.asarray(rows, dtype=np.float32), window_vectors, owner)


def _reusable_files(generation: Path | None) -> dict[str, Any]:
    """Files of the current generation whose chunks can be reused: none if it was built another way."""
    if generation is None:
        return {}
    try:
        manifest = read_manifest(generation)
    except IndexProblem:
        return {}  # an older index format: rebuild everything
    if manifest.get("pipeline") != pipeline_id():
        return {}  # chunking or embedding changed since: re-chunk and re-embed every file
    files: dict[str, Any] = manifest["files"]
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


ProgressFn = Callable[[str, int, int], None]


def ingest_paths(
    paths: Sequence[Path],
    index_dir: Path,
    *,
    prune: bool = False,
    progress: bool | ProgressFn = True,
) -> IngestReport:
    """Index the PDFs, Markdown and text files under `paths` into `index_dir` (incrementally, atomically)."""
    started = time.perf_counter()
    index_dir = Path(index_dir)
    report = IngestReport(index_dir=index_dir)
    notify = _progress_callback(progress)

    old_gen = current_generation(index_dir)
    old_files: dict[str, Any] = _reusable_files(old_gen)
    carried: list[Path] = []
    if old_gen is not None and not old_files:
        # Built by another pipeline: files indexed before (and still on disk) are re-read too, not dropped.
        with contextlib.suppress(IndexProblem, OSError, KeyError, ValueError):
            carried = [Path(k) for k in json.loads((old_gen / MANIFEST).read_text(encoding="utf-8"))["files"]]
    old_chunks: dict[str, tuple[Chunk, np.ndarray, np.ndarray]] = {}

    files: list[Path] = []
    for root in paths:
        if not Path(root).exists():
            report.skipped.append((str(root), "no such file or folder"))
            continue
        files.extend(iter_source_files([Path(root)]))
    files.extend(p for p in carried if p.is_file() and p not in files)

    new_files: dict[str, Any] = {}
    fresh: list[Chunk] = []
    reused_ids: list[str] = []
    for n, path in enumerate(files, start=1):
        notify(f"reading {path.name}", n, len(files))
        key = str(path)
        try:
            sha = _sha256(path)
        except OSError as exc:
            report.skipped.append((key, f"cannot be read ({exc.strerror})"))
            if key in old_files:
                new_files[key] = old_files[key]  # keep what was indexed before
                reused_ids.extend(old_files[key]["chunk_ids"])
            continue
        previous = old_files.get(key)
        if previous is not None and previous["sha256"] == sha:
            new_files[key] = previous
            reused_ids.extend(previous["chunk_ids"])
            report.unchanged += 1
            continue
        try:
            doc = load_document(path)
        except LoadError as exc:
            report.skipped.append((key, exc.reason))
            if previous is not None:
                new_files[key] = previous
                reused_ids.extend(previous["chunk_ids"])
            continue
        chunks = chunk_document(doc)
        fresh.extend(chunks)
        new_files[key] = {
            "sha256": sha,
            "source": doc.source,
            "title": doc.title,
            "pages": len(doc.pages),
            "doc_date": doc.doc_date,
            "chunk_ids": [c.chunk_id for c in chunks],
        }

    for key, entry in old_files.items():
        if key in new_files:
            continue
        if prune and not Path(key).exists():
            report.removed.append(key)
        else:
            new_files[key] = entry  # not named this time (or still on disk): keep it
            reused_ids.extend(entry["chunk_ids"])

    report.files = len(files)
    report.pages = sum(int(e["pages"]) for e in new_files.values())
    report.chunks = len(reused_ids) + len(fresh)
    report.changed = bool(fresh or report.removed or old_gen is None)
    if not report.changed:
        report.seconds = time.perf_counter() - started
        return report

    if reused_ids and old_gen is not None:
        data = load_generation(old_gen)
        wanted = set(reused_ids)
        old_chunks = {
            c.chunk_id: (c, data.vectors[i], data.windows_of(i))
            for i, c in enumerate(data.chunks)
            if c.chunk_id in wanted
        }

    fresh_windows = [c.windows() for c in fresh]
    texts = [c.embed_text for c in fresh] + [w for ws in fresh_windows for w in ws]
    embedded = _embed_with_progress(texts, notify)
    report.embedded = len(fresh)
    vectors_new = embedded[: len(fresh)]
    windows_new = []
    offset = len(fresh)
    for ws in fresh_windows:
        windows_new.append(embedded[offset : offset + len(ws)])
        offset += len(ws)
    kept = [old_chunks[cid] for cid in reused_ids if cid in old_chunks]
    all_chunks = [k[0] for k in kept] + fresh
    all_vectors = [k[1] for k in kept] + list(vectors_new)
    all_windows = [k[2] for k in kept] + windows_new
    _write_generation(index_dir, all_chunks, all_vectors, all_windows, new_files)
    report.chunks = len(all_chunks)
    report.seconds = time.perf_counter() - started
    return report


def _progress_callback(progress: bool | ProgressFn) -> ProgressFn:
    if callable(progress):
        return progress
    return lambda message, done, total: None


def _embed_with_progress(texts: list[str], notify: ProgressFn) -> np.ndarray:
    from ingest.embedding import embed_texts

    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    batch = 64
    # Shortest first: each batch pads to its longest text, so batches of similar lengths do less work
    # (measured on the corpus: 9.6 s in file order, 6.0 s sorted, for 389 passages and windows).
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), 384), dtype=np.float32)
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
    files: dict[str, Any],
) -> Path:
    from ingest.glossary import with_acronyms
    from ingest.keyword import BM25Index

    generations = index_dir / "generations"
    generations.mkdir(parents=True, exist_ok=True)
    name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
    gen = generations / name
    gen.mkdir()
    client = _chroma_client(gen / "chroma")
    collection = client.create_collection(
        COLLECTION, embedding_function=_embedding_function(), metadata={"hnsw:space": "cosine"}
    )
    step = 1000
    for start in range(0, len(chunks), step):
        part = chunks[start : start + step]
        collection.add(
            ids=[c.chunk_id for c in part],
            documents=[c.text for c in part],
            metadatas=[c.to_metadata() for c in part],
            embeddings=[v.tolist() for v in vectors[start : start + step]],
        )
    window_collection = client.create_collection(
        WINDOWS, embedding_function=_embedding_function(), metadata={"hnsw:space": "cosine"}
    )
    ids, metas, rows = [], [], []
    for chunk, block in zip(chunks, windows, strict=True):
        for n, row in enumerate(block):
            ids.append(f"{chunk.chunk_id}~{n}")
            metas.append({"chunk_id": chunk.chunk_id})
            rows.append(row.tolist())
    for start in range(0, len(ids), step):
        window_collection.add(
            ids=ids[start : start + step],
            metadatas=metas[start : start + step],
            embeddings=rows[start : start + step],
        )
    BM25Index.build([with_acronyms(c.keyword_text) for c in chunks]).save(gen / "bm25.json")
    manifest = {
        "format": INDEX_FORMAT,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "embedding_model": "all-MiniLM-L6-v2",
        "pipeline": pipeline_id(),
        "files": files,
        "chunk_order": [c.chunk_id for c in chunks],
    }
    tmp = gen / f"{MANIFEST}.tmp"
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(tmp, gen / MANIFEST)
    pointer_tmp = index_dir / f"{CURRENT_FILE}.{uuid.uuid4().hex[:6]}.tmp"
    pointer_tmp.write_text(name, encoding="utf-8")
    os.replace(pointer_tmp, index_dir / CURRENT_FILE)  # the switch: atomic on POSIX
    _remove_old_generations(index_dir, keep=name)
    return gen


def _remove_old_generations(index_dir: Path, keep: str) -> None:
    generations = sorted((index_dir / "generations").iterdir(), key=lambda p: p.name)
    complete = [g for g in generations if (g / MANIFEST).is_file() and g.name != keep]
    stale = [g for g in generations if not (g / MANIFEST).is_file() and g.name != keep]
    for gen in [*complete[: max(0, len(complete) - (_KEEP_GENERATIONS - 1))], *stale]:
        shutil.rmtree(gen, ignore_errors=True)
    for leftover in index_dir.glob(f"{CURRENT_FILE}.*.tmp"):
        leftover.unlink(missing_ok=True)
