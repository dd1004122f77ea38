"""Hybrid retrieval over an index: dense (MiniLM cosine) and BM25, fused, with acronyms expanded.

The index is loaded once (chunks and vectors from Chroma, the BM25 JSON) and searched in memory: a
query costs one embedding (~10 ms) plus two vector operations over a few hundred chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel

from ingest.chunking import Chunk
from ingest.index import IndexProblem, current_generation, load_generation
from ingest.keyword import BM25Index
from ingest.settings import get_settings
from tools.facts import SourceRef, load_facts

Mode = Literal["hybrid", "bm25", "dense"]
Fusion = Literal["convex", "rrf"]

# Tuned on evals/questions.jsonl split "dev" by evals/run_retrieval_bench.py (see the README).
DENSE_WEIGHT = 0.55
RRF_K = 60


class _Term(BaseModel):
    expansion: str
    source: SourceRef | None = None


class Glossary(BaseModel):
    """Schema of knowledge/glossary.yaml."""

    terms: dict[str, _Term]


@cache
def glossary() -> Glossary:
    """Acronyms and their expansions, loaded once."""
    return load_facts("glossary.yaml", Glossary)


@cache
def _acronym_patterns() -> list[tuple[re.Pattern[str], str]]:
    return [
        (re.compile(rf"(?<![\w/]){re.escape(term)}(?![\w/])", re.IGNORECASE), t.expansion)
        for term, t in glossary().terms.items()
    ]


def expand_query(query: str) -> str:
    """The query with each known acronym's expansion appended (once)."""
    extra = [exp for pattern, exp in _acronym_patterns() if pattern.search(query) and exp.lower() not in query.lower()]
    return f"{query} ({'; '.join(extra)})" if extra else query


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

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray, bm25: BM25Index, *, fusion: Fusion = "convex"):
        self.chunks = chunks
        self.vectors = vectors
        self.bm25 = bm25
        self.fusion: Fusion = fusion

    @classmethod
    def open(cls, index_dir: Path | None = None, *, fusion: Fusion = "convex") -> Retriever:
        """Load the current generation of `index_dir` (default: the configured index)."""
        index_dir = Path(index_dir) if index_dir is not None else get_settings().resolved_index_dir
        gen = current_generation(index_dir)
        if gen is None:
            raise IndexProblem(f"no index at {index_dir}: run `enroller ingest` first")
        chunks, vectors = load_generation(gen)
        return cls(chunks, vectors, BM25Index.load(gen / "bm25.json"), fusion=fusion)

    def __len__(self) -> int:
        return len(self.chunks)

    def search(self, query: str, k: int = 5, mode: Mode = "hybrid") -> list[Hit]:
        """The `k` best chunks for `query`."""
        if not query.strip() or not self.chunks:
            return []
        expanded = expand_query(query)
        bm25 = self.bm25.scores(expanded)
        dense = np.zeros(len(self.chunks), dtype=np.float32)
        if mode != "bm25":
            from ingest.embedding import embed_query

            dense = self.vectors @ embed_query(expanded)
        if mode == "bm25":
            fused = bm25.astype(np.float64)
        elif mode == "dense":
            fused = dense.astype(np.float64)
        elif self.fusion == "rrf":
            fused = _rrf(dense, bm25)
        else:
            top = float(bm25.max())
            fused = DENSE_WEIGHT * dense + (1 - DENSE_WEIGHT) * (bm25 / top if top > 0 else bm25)
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


def _rrf(dense: np.ndarray, bm25: np.ndarray) -> np.ndarray:
    out = np.zeros(len(dense), dtype=np.float64)
    for scores in (dense, bm25):
        ranks = np.empty(len(scores), dtype=np.int64)
        ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
        out += 1.0 / (RRF_K + ranks)
    return out
