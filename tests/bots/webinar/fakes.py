"""A fake Assistant for the webinar tests: answers from a script, abstains on the rest; a fake embedder."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.models import Answer, AskRequest, Citation


@dataclass
class FakeAssistant:
    """Answers questions that mention 'ROP' with a cited sentence; abstains (fallback) on everything else."""

    asked: list[str] = field(default_factory=list)

    def ask(self, request: AskRequest) -> Answer:
        """The scripted answer."""
        self.asked.append(request.question)
        if "rop" in request.question.lower() or "reasonable opportunity" in request.question.lower():
            citation = Citation(source="rop.pdf", title="ROP Guide", page=3, snippet="The ROP is 95 days.")
            return Answer(
                question=request.question,
                answer="The ROP is 95 days.",
                route="retrieval",
                citations=[citation],
                conversation_id="c",
            )
        return Answer(question=request.question, answer="I could not find that.", route="fallback", conversation_id="c")


def fake_embed(texts: Sequence[str]) -> np.ndarray:
    """Bag-of-words vectors: questions sharing most words land together (no model needed). Like MiniLM's, every
    vector also has a share of one common direction (column 0: the frame all enroller questions share), so raw
    cosines of unrelated questions are not 0 and a question's nearest neighbours are not at 0 either."""
    vocab: dict[str, int] = {}
    rows = []
    for text in texts:
        words = [w.strip("?,.!").lower() for w in text.split()]
        rows.append([vocab.setdefault(w, len(vocab) + 1) for w in words])
    out = np.zeros((len(texts), len(vocab) + 1), dtype=np.float32)
    for i, ids in enumerate(rows):
        out[i, ids] = 1.0
        out[i, 0] = np.sqrt(len(ids))  # as long as the words' part: a raw cosine of 0.5 between unrelated questions
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    result: np.ndarray = out / np.where(norms == 0, 1, norms)
    return result
