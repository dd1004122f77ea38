"""Grounded answers without an LLM: pick the best sentences of the top passages, each one cited.

Nothing here writes new facts: every sentence of a composed answer is a sentence (or bullet) of a retrieved
passage, and carries the citation of the page it came from. Our own guides in knowledge/docs mark each fact
with its original source, e.g. `[webinar p.105]`; those markers become citations of the original PDF page and
are stripped from the text shown to the enroller.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from assistant.models import Citation
from tools.errors import FactsError
from tools.facts import documents


class HitLike(Protocol):
    """The fields of a retrieval hit the composer reads (ingest.retrieval.Hit has them all)."""

    source: str
    title: str
    page: int
    text: str


MAX_SENTENCES = 4
MAX_WORDS = 90

_MARKER = re.compile(r"\[(?P<key>[a-z_]+)\s+(?P<pages>p\.?\s*\d+(?:\s*[,–-]\s*(?:p\.?\s*)?\d+)*)\]")
_PAGE_NUMBER = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙·*>\-–—]|o\s|\d{1,2}[.)]\s)\s*")
_TOKEN = re.compile(r"[a-z0-9]+(?:[/'][a-z0-9]+)*")
_STOPWORDS = frozenset(
    """
    a an and are as at be been but by can could do does did for from had has have how i if in into is it
    its me my of on or our so than that the their them then there these they this to up was we were what
    when where which who why will with would you your yours client clients consumer consumers s t
    """.split()
)
_NUMERIC_QUESTION = re.compile(r"\b(when|how (long|many|much|soon)|what (time|date|day|hours)|deadline|days?)\b", re.I)


@dataclass(frozen=True)
class Sentence:
    """One candidate sentence with where it came from."""

    text: str
    hit_rank: int
    position: int
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Composition:
    """A composed answer: its sentences (most direct first) and the citations they stand on."""

    sentences: tuple[str, ...]
    citations: tuple[Citation, ...]
    score: float

    @property
    def text(self) -> str:
        """The sentences joined into one paragraph."""
        return " ".join(self.sentences)


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens without stopwords, lightly stemmed (plural and -ing/-ed endings)."""
    return [_stem(t) for t in _TOKEN.findall(text.lower()) if t not in _STOPWORDS]


def _stem(token: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(token) > len(suffix) + 3 and token.endswith(suffix):
            return token[: -len(suffix)]
    return token


def split_sentences(text: str) -> list[str]:
    """Split a passage into sentences and bullet lines, dropping fragments too short to answer anything."""
    out: list[str] = []
    for raw_line in text.splitlines():
        line = _BULLET.sub("", raw_line).strip()
        if not line:
            continue
        for raw_piece in _SENTENCE_END.split(line):
            piece = raw_piece.strip()
            if len(piece.split()) >= 3:
                out.append(piece)
    return _merge_continuations(out)


def _merge_continuations(lines: list[str]) -> list[str]:
    # PDF text breaks lines mid-sentence; a line starting in lower case continues the previous one.
    merged: list[str] = []
    for line in lines:
        if merged and line[:1].islower() and not merged[-1].endswith((".", "!", "?", ":")):
            merged[-1] = f"{merged[-1]} {line}"
        else:
            merged.append(line)
    return merged


def marker_citations(sentence: str, snippet: str) -> tuple[str, list[Citation]]:
    """Strip `[webinar p.105]`-style source markers from `sentence`; return the text and their citations."""
    citations: list[Citation] = []
    for match in _MARKER.finditer(sentence):
        key = match.group("key")
        try:
            info = documents()[key]
        except (KeyError, FactsError):
            continue
        for number in _PAGE_NUMBER.findall(match.group("pages")):
            citations.append(Citation(source=info.file, title=info.title, page=int(number), snippet=snippet))
    text = re.sub(r"\s+([.,;:])", r"\1", _MARKER.sub("", sentence)).strip()
    return text, citations


def hit_citation(hit: HitLike, snippet: str) -> Citation:
    """The citation of a retrieved passage itself."""
    return Citation(source=hit.source, title=hit.title, page=hit.page, snippet=snippet)


def candidate_sentences(hits: Sequence[HitLike], max_hits: int = 3) -> list[Sentence]:
    """Every sentence of the top passages, with its citations (source markers resolved)."""
    out: list[Sentence] = []
    for rank, hit in enumerate(hits[:max_hits]):
        for position, raw in enumerate(split_sentences(hit.text)):
            text, cites = marker_citations(raw, snippet="")
            if len(text.split()) < 3:
                continue
            snippet = text if len(text) <= 300 else text[:297] + "..."
            if cites:
                cites = [c.model_copy(update={"snippet": snippet}) for c in cites]
            else:
                cites = [hit_citation(hit, snippet)]
            out.append(Sentence(text=text, hit_rank=rank, position=position, citations=tuple(cites)))
    return out


def score_sentences(question: str, sentences: Sequence[Sentence]) -> list[float]:
    """Score each sentence for how directly it answers `question` (idf-weighted overlap plus rank priors)."""
    q_terms = set(tokenize(question))
    if not sentences:
        return []
    token_sets = [set(tokenize(s.text)) for s in sentences]
    df = Counter(t for ts in token_sets for t in ts)
    n = len(sentences)

    def idf(term: str) -> float:
        return math.log((n + 1) / (df.get(term, 0) + 0.5)) + 1.0

    total = sum(idf(t) for t in q_terms) or 1.0
    wants_number = bool(_NUMERIC_QUESTION.search(question))
    scores: list[float] = []
    for sent, tokens in zip(sentences, token_sets, strict=True):
        overlap = sum(idf(t) for t in q_terms & tokens) / total
        prior = (0.25, 0.12, 0.05)[sent.hit_rank] if sent.hit_rank < 3 else 0.0
        early = 0.05 if sent.position < 2 else 0.0
        number = 0.1 if wants_number and any(ch.isdigit() for ch in sent.text) else 0.0
        brevity = -0.05 if len(sent.text.split()) > 45 else 0.0
        scores.append(overlap + prior + early + number + brevity)
    return scores


def compose_answer(question: str, hits: Sequence[HitLike], *, max_sentences: int = MAX_SENTENCES) -> Composition:
    """Compose a 1–4 sentence extractive answer to `question` from `hits`, the most direct sentence first."""
    sentences = candidate_sentences(hits)
    if not sentences:
        return Composition(sentences=(), citations=(), score=0.0)
    scores = score_sentences(question, sentences)
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], sentences[i].hit_rank, sentences[i].position))
    best = scores[order[0]]
    chosen: list[int] = []
    words = 0
    seen: set[str] = set()
    for i in order:
        sent = sentences[i]
        key = " ".join(tokenize(sent.text))
        if key in seen:
            continue
        if chosen and (scores[i] < 0.55 * best or words + len(sent.text.split()) > MAX_WORDS):
            continue
        chosen.append(i)
        seen.add(key)
        words += len(sent.text.split())
        if len(chosen) >= max_sentences:
            break
    texts = tuple(_as_sentence(sentences[i].text) for i in chosen)
    citations = _dedupe(c for i in chosen for c in sentences[i].citations)
    return Composition(sentences=texts, citations=tuple(citations), score=best)


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else f"{text}."


def _dedupe(citations: Any) -> list[Citation]:
    seen: set[tuple[str, int]] = set()
    out: list[Citation] = []
    for c in citations:
        key = (c.source, c.page)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
