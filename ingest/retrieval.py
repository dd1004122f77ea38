"""Hybrid retrieval over an index: dense (MiniLM cosine) and BM25, fused, with acronyms expanded.

The index is loaded once (chunks and vectors from Chroma, the BM25 JSON) and searched in memory: a
query costs one embedding (~10 ms) plus two vector operations over a few hundred chunks.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from ingest.chunking import Chunk
from ingest.glossary import Glossary, expand_query, glossary, normalize_query
from ingest.index import BM25_FILE, GenerationData, IndexProblem, current_generation, load_generation
from ingest.keyword import BM25Index
from ingest.spelling import Speller

if TYPE_CHECKING:
    from ingest.store_chroma import ChromaServerIndex

Mode = Literal["hybrid", "bm25", "dense"]
Fusion = Literal["convex", "rrf"]

# Re-exported: callers search with the same query rewriting.
__all__ = ["Glossary", "Hit", "Retriever", "ServerRetriever", "expand_query", "glossary", "normalize_query"]

log = logging.getLogger("enroller.retrieval")

# Tuned on evals/questions.jsonl by evals/run_retrieval_bench.py (see the README): the dense score is
# a blend of the whole chunk and its best 40-word window; BM25 is normalised by the best score.
DENSE_WEIGHT = 0.6
CHUNK_VS_WINDOW = 0.5
RRF_K = 60
#: Whether a query's typos are read as the index's words before searching (`ingest/spelling.py`).
RESPELL = True
# A passage of fewer words than this is a slide title or a screenshot's labels ("Start New Application"):
# it matches every question on its topic, yet the answer is on the slides after it. Its fused score is
# scaled by (words / SHORT_WORDS) ** SHORT_POWER. Measured on the fresh and holdout dev splits and the
# legacy set: recall@1 +3 of 79 on holdout dev, no change on the others (8 / 0.5; 6-10 and 0.35-1.0 alike).
SHORT_WORDS = 8
SHORT_POWER = 0.5


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with its scores."""

    source: str
    title: str
    page: int
    text: str
    score: float
    chunk_id: str
    doc_date: str | None
    section: str
    dense_score: float
    bm25_score: float

    def to_json(self) -> dict[str, object]:
        """The fields `enroller search --json` prints."""
        return {
            "source": self.source,
            "title": self.title,
            "page": self.page,
            "text": self.text,
            "score": round(self.score, 4),
            "chunk_id": self.chunk_id,
            "doc_date": self.doc_date,
        }


class Retriever:
    """Searches one index generation in memory."""

    def __init__(self, data: GenerationData, bm25: BM25Index, *, fusion: Fusion = "convex"):
        self.chunks = data.chunks
        self.vectors = data.vectors
        self.window_vectors = data.window_vectors
        self.window_owner = data.window_owner
        self.bm25 = bm25
        self.fusion: Fusion = fusion
        words = np.array([len(c.text.split()) for c in self.chunks], dtype=np.float64)
        self._brevity = np.minimum(1.0, words / SHORT_WORDS) ** SHORT_POWER
        self._speller: Speller | None = None
        #: Read a query's typos as the index's words ("sumary emial"); `ingest/spelling.py`.
        self.respell = RESPELL

    @property
    def speller(self) -> Speller:
        if self._speller is None:
            self._speller = Speller(c.text for c in self.chunks)
        return self._speller

    @classmethod
    def open(cls, index_dir: Path, *, fusion: Fusion = "convex") -> Retriever:
        """Load the current generation of `index_dir`."""
        index_dir = Path(index_dir)
        gen = current_generation(index_dir)
        if gen is None:
            raise IndexProblem(f"no index at {index_dir}: run `enroller ingest` first")
        return cls(load_generation(gen), BM25Index.load(gen / BM25_FILE), fusion=fusion)

    def __len__(self) -> int:
        return len(self.chunks)

    def respelled(self, text: str) -> str:
        """`text` with its typos read as the index's words (when `respell` is on)."""
        return self.speller.correct(text) if self.respell else text

    def keyword_query(self, query: str) -> str:
        """`query` as BM25 reads it: normalised, its typos read as the index's words."""
        return self.respelled(normalize_query(query))

    def dense_scores(self, queries: np.ndarray) -> np.ndarray:
        """Each query vector's similarity to each chunk (rows: queries): the whole chunk's cosine blended with
        its best window's."""
        whole = queries @ self.vectors.T
        if not len(self.window_vectors):
            return whole
        best_window = np.full(whole.shape, -1.0, dtype=whole.dtype)
        # Each chunk's best window, per query (the transposed view writes into best_window).
        np.maximum.at(best_window.T, self.window_owner, (queries @ self.window_vectors.T).T)
        return np.where(best_window > -1.0, CHUNK_VS_WINDOW * whole + (1 - CHUNK_VS_WINDOW) * best_window, whole)

    def fuse(self, dense: np.ndarray, bm25: np.ndarray) -> np.ndarray:
        """The hybrid score search ranks by, one row per query: dense and BM25 fused (convex, BM25 scaled by
        the row's best, or reciprocal rank), short passages scaled down."""
        if self.fusion == "rrf":
            fused = np.stack([_rrf(d, b) for d, b in zip(dense, bm25, strict=True)])
        else:
            top = bm25.max(axis=1, keepdims=True)
            fused = DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * (bm25 / np.where(top > 0, top, 1.0))
        return np.asarray(fused * self._brevity, dtype=np.float64)

    def hybrid_scores(self, queries: Sequence[str], vectors: np.ndarray) -> np.ndarray:
        """`fuse` for many queries at once, given their vectors (rows: queries, columns: chunks)."""
        bm25 = np.stack([np.asarray(self.bm25.scores(self.keyword_query(q)), dtype=np.float64) for q in queries])
        return self.fuse(self.dense_scores(vectors), bm25)

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """The `k` best chunks for `query`."""
        if not query.strip() or not self.chunks:
            return []
        # Expansions help the embedding (MiniLM may not know "NOD01"), but in BM25 they pull every page that
        # spells the acronym out above the page that answers: measured, keywords match the raw question best.
        query = self.keyword_query(query)
        bm25 = self.bm25.scores(query)
        dense = np.zeros(len(self.chunks), dtype=np.float32)
        if mode != "bm25":
            from ingest.embedding import embed_query

            dense = self.dense_scores(embed_query(expand_query(query))[None, :])[0]
        if mode == "bm25":
            fused = bm25.astype(np.float64)
        elif mode == "dense":
            fused = dense.astype(np.float64)
        else:
            fused = self.fuse(dense[None, :], np.asarray(bm25)[None, :])[0]
        order = np.argsort(-fused, kind="stable")[:k]
        return [
            Hit(
                source=c.source,
                title=c.title,
                page=c.page,
                text=c.text,
                score=float(fused[i]),
                chunk_id=c.chunk_id,
                doc_date=c.doc_date,
                section=c.section,
                dense_score=float(dense[i]),
                bm25_score=float(bm25[i]),
            )
            for i in order
            for c in (self.chunks[i],)
            if mode != "bm25" or bm25[i] > 0
        ]


class ServerRetriever:
    """Searches, in memory, the generation a Chroma server's pointer names; follows the pointer when it moves.

    The pointer is read at most every `refresh_seconds`; a new generation is loaded (and its BM25 built) by
    one thread while the others keep answering from the previous one. With the server down, the generation
    already in memory keeps answering and `problem` says why the server could not be read; with nothing in
    memory, searches find nothing rather than fail.
    """

    def __init__(
        self,
        index: ChromaServerIndex,
        *,
        fusion: Fusion = "convex",
        refresh_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.index = index
        self.fusion: Fusion = fusion
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self._current: Retriever | None = None
        self.generation: str | None = None
        self.problem: str | None = None
        self._checked = -math.inf
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Read the pointer now and load its generation if it is not the one in memory (`IndexProblem` if
        the server is unreachable or holds no index)."""
        name = self.index.current_name()
        if name is None:
            raise IndexProblem(f"no index in the Chroma server at {self.index.location}: run `enroller ingest`")
        if name != self.generation:
            from ingest.index import build_keyword_index

            data = self.index.load(name)
            self._current = Retriever(data, build_keyword_index(data.chunks), fusion=self.fusion)
            log.info("loaded generation %s from %s (%d chunks)", name, self.index.location, len(data.chunks))
            self.generation = name

    def _maybe_refresh(self) -> None:
        if self._clock() - self._checked < self.refresh_seconds:
            return
        # The first load waits; later ones happen in whichever thread gets there first.
        if not self._lock.acquire(blocking=self._current is None):
            return
        try:
            if self._clock() - self._checked < self.refresh_seconds:
                return
            try:
                self.refresh()
                self.problem = None
            except IndexProblem as exc:
                if self.problem != str(exc):
                    log.warning("document search: %s", exc)
                self.problem = str(exc)
            self._checked = self._clock()
        finally:
            self._lock.release()

    @property
    def bm25(self) -> BM25Index:
        """The keyword index of the generation in memory (an empty one before any is loaded)."""
        return self._current.bm25 if self._current is not None else BM25Index({}, [])

    @property
    def chunks(self) -> list[Chunk]:
        """The chunks in memory."""
        return self._current.chunks if self._current is not None else []

    def __len__(self) -> int:
        return len(self.chunks)

    def respelled(self, text: str) -> str:
        """`text` with its typos read as the words of the generation in memory (as its search reads them)."""
        return self._current.respelled(text) if self._current is not None else text

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """The `k` best chunks of the generation in memory (after following the pointer if it is time)."""
        self._maybe_refresh()
        current = self._current
        return current.search(query, k=k, mode=mode) if current is not None else []


def _rrf(dense: np.ndarray, bm25: np.ndarray) -> np.ndarray:
    out = np.zeros(len(dense), dtype=np.float64)
    for scores in (dense, bm25):
        ranks = np.empty(len(scores), dtype=np.int64)
        ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
        out += 1.0 / (RRF_K + ranks)
    return out
