"""A small Okapi BM25 index over the chunks, saved as JSON next to the Chroma store.

Our own tokenizer (`ingest.text.tokenize`: lower case, stop words out, light suffix stripping) keeps
enroller terms such as "nod01", "aptc" or "ai/an" intact, which a generic tokenizer would split or drop.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ingest.text import STOPWORDS, tokenize

__all__ = ["K1", "STOPWORDS", "B", "BM25Index", "tokenize"]

# Measured on the question set: short slides favour a low length normalisation.
K1 = 0.9
B = 0.4


class BM25Index:
    """Okapi BM25 over a fixed list of documents."""

    def __init__(self, postings: dict[str, dict[int, int]], lengths: list[int]) -> None:
        self.postings = postings
        self.lengths = np.asarray(lengths, dtype=np.float32)
        self.size = len(lengths)
        self.avg_length = float(self.lengths.mean()) if self.size else 0.0
        self._idf = {
            term: math.log(1 + (self.size - len(docs) + 0.5) / (len(docs) + 0.5)) for term, docs in postings.items()
        }

    @classmethod
    def build(cls, texts: Sequence[str]) -> BM25Index:
        """Index `texts` (their order is the document numbering)."""
        postings: dict[str, dict[int, int]] = {}
        lengths = []
        for doc_id, text in enumerate(texts):
            tokens = tokenize(text)
            lengths.append(len(tokens))
            for term, count in Counter(tokens).items():
                postings.setdefault(term, {})[doc_id] = count
        return cls(postings, lengths)

    def idf(self, term: str) -> float:
        """The term's inverse document frequency; a term no chunk holds gets the highest possible value."""
        found = self._idf.get(term)
        return found if found is not None else math.log(1 + (self.size + 0.5) / 0.5)

    def __contains__(self, term: object) -> bool:
        return term in self._idf

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for `query` (0 where no term matches)."""
        out = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return out
        norm = K1 * (1 - B + B * self.lengths / (self.avg_length or 1.0))
        for term in dict.fromkeys(tokenize(query)):  # each term once, in the query's order: the same floats every run
            docs = self.postings.get(term)
            if not docs:
                continue
            ids = np.fromiter(docs.keys(), dtype=np.int64, count=len(docs))
            tf = np.fromiter(docs.values(), dtype=np.float32, count=len(docs))
            out[ids] += self._idf[term] * tf * (K1 + 1) / (tf + norm[ids])
        return out

    def save(self, path: Path) -> None:
        """Write the index as JSON."""
        data = {"lengths": self.lengths.astype(int).tolist(), "postings": self.postings}
        path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> BM25Index:
        """Read an index written by `save`."""
        data = json.loads(path.read_text(encoding="utf-8"))
        postings = {term: {int(k): v for k, v in docs.items()} for term, docs in data["postings"].items()}
        return cls(postings, data["lengths"])
