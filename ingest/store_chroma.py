"""The index in a Chroma server (`CHROMA_URL`): the same generations as an index folder, shared by every worker.

Layout in the server (collection names need `[a-zA-Z0-9._-]`):

    enroller.index               small records: "manifest:<generation>" (its manifest JSON, written once its
                                 collections are complete) and "current" (the generation in use; one upsert
                                 switches it, so a reader sees the old generation or the new one, never half)
    enroller.<generation>.chunks   chunks, their metadata and vectors
    enroller.<generation>.windows  the chunks' window vectors

No BM25 file is stored: every worker builds the keyword index in memory from the chunks it loads (about
50-75 ms per 1,000 chunks), so all workers rank alike and no worker needs local index files. An ingest
killed half-way leaves collections without a manifest; the pointer never names them, and the next ingest
deletes them. Run one ingest at a time per server (as with a folder).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from ingest.chunking import Chunk
from ingest.errors import IndexProblem, ServerUnavailable
from ingest.index import (
    GenerationData,
    _embedding_function,
    add_chunks,
    add_windows,
    generation_from_records,
    kept_generations,
    new_generation_name,
)
from ingest.manifest import FileEntry, Manifest, new_manifest, parse_manifest

__all__ = ["ChromaServerIndex", "parse_chroma_url", "server_index"]

log = logging.getLogger("enroller.ingest")

PREFIX = "enroller"
META = f"{PREFIX}.index"
POINTER = "current"
_PAGE = 1000  # records per `get`/`add` call (the server allows about 5,000)
_DUMMY = [1.0]  # the meta records are looked up by id; Chroma still wants a vector for each


@dataclass(frozen=True)
class ServerAddress:
    """Where the Chroma server listens."""

    host: str
    port: int
    ssl: bool

    @property
    def url(self) -> str:
        """The address as a URL."""
        return f"{'https' if self.ssl else 'http'}://{self.host}:{self.port}"


def parse_chroma_url(url: str) -> ServerAddress:
    """`http://host:port` (or https); ValueError naming what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected http://host:port, got {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"bad port in {url!r}") from exc
    return ServerAddress(parts.hostname, port or (443 if parts.scheme == "https" else 8000), parts.scheme == "https")


def _chunks_name(generation: str) -> str:
    return f"{PREFIX}.{generation}.chunks"


def _windows_name(generation: str) -> str:
    return f"{PREFIX}.{generation}.windows"


def _generation_of(collection_name: str) -> str | None:
    head, _, kind = collection_name.rpartition(".")
    if kind not in ("chunks", "windows") or not head.startswith(f"{PREFIX}."):
        return None
    return head[len(PREFIX) + 1 :]


class ChromaServerIndex:
    """An `IndexStore` in a Chroma server: what `ingest_paths` writes to and `ServerRetriever` reads from."""

    def __init__(self, url: str) -> None:
        self.address = parse_chroma_url(url)
        self._client: Any = None
        self._lock = threading.Lock()

    @property
    def location(self) -> str:
        """The server's URL."""
        return self.address.url

    def __repr__(self) -> str:
        return f"ChromaServerIndex({self.location!r})"

    # --- connection --------------------------------------------------------------------------------

    def _connect(self) -> Any:
        with self._lock:
            if self._client is None:
                import chromadb
                from chromadb.config import Settings as ChromaSettings

                self._client = chromadb.HttpClient(
                    host=self.address.host,
                    port=self.address.port,
                    ssl=self.address.ssl,
                    settings=ChromaSettings(anonymized_telemetry=False),
                )
            return self._client

    @contextmanager
    def _server(self) -> Iterator[Any]:
        """The client; any transport failure becomes `ServerUnavailable` (and the next call reconnects)."""
        from chromadb.errors import NotFoundError

        try:
            yield self._connect()
        except NotFoundError as exc:
            raise IndexProblem(f"Chroma server at {self.location}: {exc}") from exc
        except IndexProblem:
            raise
        except Exception as exc:  # httpx, ValueError("Could not connect…"), server errors: all mean unreachable
            self._client = None
            raise ServerUnavailable(
                f"Chroma server at {self.location} unreachable ({type(exc).__name__}: {exc})"
            ) from exc

    def _meta(self, client: Any) -> Any:
        return client.get_or_create_collection(META, embedding_function=None)

    # --- reading -----------------------------------------------------------------------------------

    def current_name(self) -> str | None:
        """The generation the pointer names (None: nothing ingested yet)."""
        with self._server() as client:
            got = self._meta(client).get(ids=[POINTER], include=["documents"])
        docs = got.get("documents") or []
        return str(docs[0]) if docs and docs[0] else None

    def has_current(self) -> bool:
        """Whether the pointer names a generation."""
        return self.current_name() is not None

    def manifest(self, generation: str) -> Manifest:
        """The manifest of `generation`."""
        with self._server() as client:
            got = self._meta(client).get(ids=[f"manifest:{generation}"], include=["documents"])
        docs = got.get("documents") or []
        where = f"{self.location} {META}/manifest:{generation}"
        if not docs or not docs[0]:
            raise IndexProblem(f"{where}: missing; run `enroller ingest` again")
        return parse_manifest(str(docs[0]), where=where, generation=f"{self.location} generation {generation}")

    def current_manifest(self) -> Manifest | None:
        """The manifest of the generation in use."""
        name = self.current_name()
        return self.manifest(name) if name is not None else None

    def load(self, generation: str) -> GenerationData:
        """All chunks of `generation`, in manifest order, with their vectors and window vectors."""
        from ingest.embedding import no_vectors

        order = self.manifest(generation).chunk_order
        if not order:
            return GenerationData([], no_vectors(), no_vectors(), np.zeros(0, dtype=np.int64))
        ef = _embedding_function()
        with self._server() as client:
            chunks = client.get_collection(_chunks_name(generation), embedding_function=ef)
            got = _merge(
                chunks.get(ids=order[start : start + _PAGE], include=["embeddings", "documents", "metadatas"])
                for start in range(0, len(order), _PAGE)
            )
            windows = client.get_collection(_windows_name(generation), embedding_function=ef)
            window_pages = []
            offset = 0
            while True:
                page = windows.get(include=["embeddings", "metadatas"], limit=_PAGE, offset=offset)
                window_pages.append(page)
                offset += len(page["ids"])
                if len(page["ids"]) < _PAGE:
                    break
            wins = _merge(iter(window_pages))
        return generation_from_records(order, got, wins, where=f"{self.location} generation {generation}")

    def load_current(self) -> GenerationData:
        """The generation in use."""
        name = self.current_name()
        if name is None:
            raise IndexProblem(f"no index in the Chroma server at {self.location}: run `enroller ingest` first")
        return self.load(name)

    def status(self) -> str:
        """One line for /readyz: the generation in use; `IndexProblem` when there is none or no server."""
        name = self.current_name()
        if name is None:
            raise IndexProblem(f"no index in the Chroma server at {self.location}: run `enroller ingest`")
        return f"ok (Chroma server {self.location}, generation {name})"

    # --- writing -----------------------------------------------------------------------------------

    def write_generation(
        self,
        chunks: list[Chunk],
        vectors: list[np.ndarray],
        windows: list[np.ndarray],
        files: dict[str, FileEntry],
        *,
        pipeline: str,
    ) -> str:
        """Write the generation's collections, check them, write its manifest, then move the pointer."""
        from ingest.embedding import MODEL_NAME
        from ingest.index import _COSINE

        name = new_generation_name()
        ef = _embedding_function()
        expected_windows = sum(len(block) for block in windows)
        with self._server() as client:
            batch = min(_PAGE, int(client.get_max_batch_size()))
            chunk_col = client.create_collection(_chunks_name(name), embedding_function=ef, metadata=dict(_COSINE))
            add_chunks(chunk_col, chunks, vectors, batch=batch)
            window_col = client.create_collection(_windows_name(name), embedding_function=ef, metadata=dict(_COSINE))
            add_windows(window_col, chunks, windows, batch=batch)
            # Before the switch: the collections hold what was written (not removed by another ingest meanwhile).
            if chunk_col.count() != len(chunks) or window_col.count() != expected_windows:
                raise IndexProblem(f"{self.location}: generation {name} is incomplete after writing; ingest again")
            manifest = new_manifest(
                embedding_model=MODEL_NAME, pipeline=pipeline, files=files, chunk_order=[c.chunk_id for c in chunks]
            )
            meta = self._meta(client)
            previous = self.current_name()
            meta.upsert(
                ids=[f"manifest:{name}"],
                documents=[manifest.model_dump_json()],
                metadatas=[{"kind": "manifest", "generation": name}],
                embeddings=[_DUMMY],
            )
            meta.upsert(
                ids=[POINTER],
                documents=[name],
                metadatas=[{"kind": "pointer", "generation": name, "switched": time.strftime("%Y-%m-%dT%H:%M:%S%z")}],
                embeddings=[_DUMMY],
            )  # the switch
            self._remove_old_generations(client, keep=name, previous=previous)
        log.info("generation %s is now current in %s (%d chunks)", name, self.location, len(chunks))
        return name

    def _remove_old_generations(self, client: Any, keep: str, previous: str | None = None) -> None:
        """Delete all but `keep` and the generation in use before it (`kept_generations`), and orphaned
        collections (no manifest)."""
        meta = self._meta(client)
        listed = meta.get(where={"kind": "manifest"}, include=["metadatas"])
        complete = {str(m["generation"]) for m in listed["metadatas"] or []}
        present = {g for c in client.list_collections() if (g := _generation_of(_name(c))) is not None}
        kept = kept_generations(sorted(complete), keep, previous)
        for generation in sorted((complete | present) - kept):
            for collection in (_chunks_name(generation), _windows_name(generation)):
                if generation in present:
                    try:
                        client.delete_collection(collection)
                    except Exception as exc:  # already gone: nothing to remove
                        log.debug("could not delete %s: %s", collection, exc)
            meta.delete(ids=[f"manifest:{generation}"])


def _name(collection: Any) -> str:
    return collection if isinstance(collection, str) else str(collection.name)


def _merge(pages: Iterator[Any]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {"ids": [], "documents": [], "metadatas": [], "embeddings": []}
    for page in pages:
        for key, values in out.items():
            found = page.get(key)
            if found is not None:
                values.extend(list(found))
    return out


@cache
def server_index(url: str) -> ChromaServerIndex:
    """One `ChromaServerIndex` per URL and process (its HTTP client is reused)."""
    return ChromaServerIndex(url)
