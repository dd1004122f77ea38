"""The NumPy MiniLM query encoder: the same vectors as sentence-transformers, on one BLAS thread."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.embedding import embed_texts
from ingest.minilm import encode_query

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("can the carrier reinstate my client after an ROP termination?", id="question"),
        pytest.param("NOD01", id="one-token-ish"),
        pytest.param("Agent/CEC Service Center Hours Voice: Monday – Friday 8:00AM to 6:00PM", id="punctuation"),
        pytest.param("consumer " * 400, id="truncated-at-256-tokens"),
    ],
)
def test_matches_sentence_transformers(text: str) -> None:
    """Same unit vector (to float32 precision) as the torch model, long inputs truncated the same way."""
    ours = encode_query(text)
    theirs = embed_texts([text])[0]
    assert ours.shape == (384,)
    assert abs(float(np.linalg.norm(ours)) - 1.0) < 1e-5
    assert float(np.abs(ours - theirs).max()) < 1e-4


def test_query_runs_on_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """A query's products run on one BLAS thread (two threads stall in the VM's slow spells); the limit ends after."""
    from threadpoolctl import threadpool_info

    from ingest import minilm

    def blas_threads() -> set[int]:
        return {int(lib["num_threads"]) for lib in threadpool_info() if lib["user_api"] == "blas"}

    seen: list[set[int]] = []
    encoder = minilm._encoder()
    real_encode = type(encoder).encode

    def spy(self: minilm.MiniLMEncoder, text: str) -> np.ndarray:
        seen.append(blas_threads())
        return real_encode(self, text)

    monkeypatch.setattr(type(encoder), "encode", spy)
    before = blas_threads()
    minilm.encode_query("when does the ROP end")
    assert seen == [{1}]
    assert blas_threads() == before


def test_activations_stay_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every layer works in float32 like the weights: a float64 activation (NumPy 2 promotes on a float64 scalar)
    makes each following product copy its weights to float64 first, more than doubling a query's time."""
    from ingest import minilm

    seen: list[np.dtype[np.generic]] = []
    real_gelu = minilm._gelu

    def recording_gelu(x: np.ndarray) -> np.ndarray:
        seen.append(x.dtype)
        out = real_gelu(x)
        seen.append(out.dtype)
        return out

    monkeypatch.setattr(minilm, "_gelu", recording_gelu)
    vector = encode_query("when does the ROP end for a NOD01 sent on March 3?")
    assert vector.dtype == np.float32
    assert seen
    assert set(seen) == {np.dtype(np.float32)}
