"""When not to answer from the documents: signals measured on the passages the answer would stand on.

Five signals, each a property of the question and the chosen passages rather than of a topic list:
- `dense`: how similar the best passage is to the question (MiniLM cosine, blended with its best window);
- `overlap`: the share of the question's terms that the composed answer contains;
- `coverage`: the share of the question's *subject* weight that the composed answer contains, where a
  term weighs its corpus IDF times how unusual it is in everyday English (`wordfreq`): "commission" or
  "NOD02", absent from the answer, weigh a lot; "she", "want" or "way" nothing. A question whose subject
  the passage never mentions is one the documents do not answer, however close the nearest slide is;
- `answer type`: a question that asks for a phone or fax number, an e-mail address, a time of day, an amount
  of money, a length of time, a weekday, a limit ... is answered only by passages that state one ("what's the
  fax number for ROP documents" is not answered by the slide about uploading documents, however similar), and,
  with `answer_type_window`, state it within that many words of one of the question's subject words ("how
  long is the one-time passcode good for" is not answered by a passage that mentions the passcode and, three
  lines on, "10 business days" for escalations);
- `count`: a question that asks "how many <things>" is answered only by passages that put a number near
  those things ("how many photos for the storefront app" is not answered by the storefront slide that
  counts nothing; "how many escalations were there" is answered by the table of escalation counts).

Thresholds and answer types live in knowledge/assistant.yaml, calibrated on the fresh, holdout and blind sets' dev
splits (`python evals/run_assistant_eval.py --calibrate` prints the threshold grid).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from pydantic import Field, field_validator

from assistant.composer import COMPOSED_PASSAGES, Composition, compose_answer, tokenize
from ingest.glossary import normalize_query
from ingest.text import stem as index_stem
from ingest.text import tokenize as index_tokenize
from tools.facts import Facts

_WORD = re.compile(r"[a-z0-9][a-z0-9'/\-]*")
# Zipf frequency (log10 per billion words) at which an English word stops carrying a subject: "want" is
# 6.0, "phone" 5.3, "commission" 4.9, "storefront" 2.9. Linear between the two bounds.
_COMMON_ZIPF = 6.0
_RARE_ZIPF = 4.0
# A word rarer than this (halfway between the two bounds) names the question's subject for the answer types'
# window: chosen on the dev splits of the four fresh sets (4.5 / 5.0 / 5.5 / 6.0 at a window of 10 words refused
# 3 / 2 / 2 / 2 answerable and caught 64 / 65 / 63 / 59 unanswerable of 405 / 160).
_SUBJECT_ZIPF = 5.0


class AnswerType(Facts):
    """A kind of answer a question can ask for: `asks` matches such a question (lower-cased), `states` a
    passage that gives one. Both are regular expressions."""

    name: str
    asks: str
    states: str

    @field_validator("asks", "states")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value

    def unmet(self, question: str, passages: str, subject: frozenset[str] = frozenset(), window: int = 0) -> bool:
        """Whether `question` asks for this kind of answer and `passages` state none (with a `window`, none
        within `window` words of a `subject` term the passages use; anywhere when they use none)."""
        if not re.search(self.asks, question.lower()):
            return False
        stated = [m.start() for m in re.finditer(self.states, passages, re.IGNORECASE)]
        if not stated:
            return True
        if window <= 0 or not subject:
            return False
        words = [(m.start(), (index_tokenize(m.group()) or [""])[0]) for m in _PASSAGE_WORD.finditer(passages)]
        near = [i for i, (_, term) in enumerate(words) if term in subject]
        if not near:
            return False
        starts = [start for start, _ in words]
        return not any(abs(bisect_left(starts, at) - i) <= window for at in stated for i in near)


class AbstainPolicy(Facts):
    """When a document answer is too weak to give (knowledge/assistant.yaml)."""

    min_dense: float
    min_overlap: float
    answer_types: list[AnswerType] = Field(default_factory=list)
    min_coverage: float = 0.0
    #: "How many <things>" needs a number within this many words of <things> in the passages (0: off).
    count_window: int = 0
    #: An answer type must be stated within this many words of one of the question's subject words (words rarer
    #: in everyday English than `_SUBJECT_ZIPF`) when the passages use any; 0: anywhere in the passages.
    answer_type_window: int = 0
    #: Coverage is required only of passages less similar than this: a close passage may answer in other
    #: words ("upload files" for "attach a screenshot"); a loosely related one must share the subject.
    coverage_below_similarity: float = 1.0


class TermIndex(Protocol):
    """What coverage needs from the keyword index: a term's IDF and whether the corpus holds it."""

    def idf(self, term: str) -> float: ...

    def __contains__(self, term: object) -> bool: ...


@dataclass(frozen=True)
class AbstainSignals:
    """The signals for one question and its passages, and the answer composed from them."""

    question: str
    dense: float | None
    overlap: float
    coverage: float | None
    missing: tuple[str, ...]
    composition: Composition
    #: The question's subject words as index terms (`subject_terms`), for the answer types' window.
    subject: frozenset[str] = frozenset()

    def abstain_reason(self, policy: AbstainPolicy) -> str | None:
        """Why to abstain under `policy`, or None to answer."""
        if self.dense is not None and self.dense < policy.min_dense:
            return f"best passage similarity {self.dense:.2f} < min_dense {policy.min_dense:.2f}"
        if not self.composition.sentences:
            return "no sentence of the passages matches the question"
        if self.overlap < policy.min_overlap:
            return f"answer covers {self.overlap:.2f} of the question's terms < min_overlap {policy.min_overlap:.2f}"
        passages = self.composition.context or self.composition.text
        for kind in policy.answer_types:
            if kind.unmet(self.question, passages, self.subject, policy.answer_type_window):
                return f"the question asks for {kind.name} and the passages state none"
        counted = counted_noun(self.question) if policy.count_window else None
        if counted is not None and not states_count(counted, passages, policy.count_window):
            return f"the question asks how many {counted} and the passages count none"
        loose = self.dense is None or self.dense < policy.coverage_below_similarity
        if self.coverage is not None and loose and self.coverage < policy.min_coverage:
            missing = ", ".join(self.missing) or "-"
            return (
                f"answer covers {self.coverage:.2f} of the question's subject < min_coverage "
                f"{policy.min_coverage:.2f} (missing: {missing})"
            )
        return None

    def describe(self) -> str:
        """The signals as one line for the trace."""
        dense = f"{self.dense:.2f}" if self.dense is not None else "n/a"
        coverage = f"{self.coverage:.2f}" if self.coverage is not None else "n/a"
        return (
            f"similarity {dense}, term overlap {self.overlap:.2f}, subject coverage {coverage}, "
            f"composer score {self.composition.score:.2f}"
        )


def abstain_signals(question: str, hits: Sequence[Any], terms: TermIndex | None = None) -> AbstainSignals:
    """Compose an answer from `hits` and measure it: the one signal the engine and the calibration share.
    Without a `terms` index (a test's fake search) there is no coverage signal."""
    # The question in the toolkits' words ("termed" -> "terminated termination") for sentence matching too.
    query = normalize_query(question)
    composition = compose_answer(query, hits)
    # The most similar of the passages the answer is composed from (the fused ranking may put a keyword match
    # first, with a closer passage second).
    scores = [d for h in hits[:COMPOSED_PASSAGES] if (d := getattr(h, "dense_score", None)) is not None]
    dense = max(scores) if scores else None
    coverage: float | None = None
    missing: tuple[str, ...] = ()
    if terms is not None:
        coverage, missing = subject_coverage(query, composition.context or composition.text, terms)
    return AbstainSignals(
        question=question,
        dense=float(dense) if dense is not None else None,
        overlap=answer_overlap(query, composition),
        coverage=coverage,
        missing=missing,
        composition=composition,
        subject=subject_terms(query),
    )


_HOW_MANY = re.compile(r"\bhow many ((?:[a-z][a-z/'-]*\s*){1,4})")
#: Words that end the noun phrase after "how many" ("how many photos do i need" -> photos).
_PHRASE_END = frozenset(
    """of do does did is are can will would should were was have has had i we you they he she it in for per on at
    a an the to get need there that this my your their before after each usually since until till when left
    remaining right now still already ago exactly approximately roughly""".split()
)
#: Heads that count nothing in particular ("how many more", "how many times" is a frequency, kept).
_NO_HEAD = frozenset({"more", "total", "different", "other", "people", "ways"})
_NUMBER_WORD = re.compile(
    r"^(?:\d[\d,.]*%?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|ninety|hundred|thousand)$",
    re.IGNORECASE,
)
_PASSAGE_WORD = re.compile(r"[A-Za-z0-9][\w,.%/'-]*")


def counted_noun(question: str) -> str | None:
    """What a "how many ...?" question counts: the last word of the noun phrase after "how many", or None."""
    m = _HOW_MANY.search(question.lower())
    if not m:
        return None
    words: list[str] = []
    for word in m.group(1).split():
        if word in _PHRASE_END:
            break
        words.append(word)
    if not words:
        return None
    head = words[-1].split("/")[-1].strip("'-")
    return head if head and head not in _NO_HEAD else None


def states_count(noun: str, passages: str, window: int) -> bool:
    """Whether `passages` put a number within `window` words of `noun` (compared by stem: "photos" ~ "photo")."""
    target = index_stem(noun)
    words = [w.strip(".,;:") for w in _PASSAGE_WORD.findall(passages)]
    numbers = [i for i, w in enumerate(words) if _NUMBER_WORD.match(w)]
    if not numbers:
        return False
    for i, word in enumerate(words):
        if index_stem(word.lower()) == target and any(abs(i - j) <= window for j in numbers):
            return True
    return False


def answer_overlap(query: str, composition: Composition) -> float:
    """Share of the question's terms that the composed answer contains."""
    q = set(tokenize(query))
    return len(q & set(tokenize(composition.text))) / len(q) if q else 0.0


def subject_weights(query: str, terms: TermIndex) -> dict[str, float]:
    """Each index term of the question with its subject weight (corpus IDF × everyday-English rarity)."""
    weights: dict[str, float] = {}
    for word in _WORD.findall(query.lower()):
        tokens = index_tokenize(word)
        if not tokens:
            continue
        term = tokens[0]
        weights[term] = max(weights.get(term, 0.0), terms.idf(term) * _rarity(word))
    return weights


def subject_coverage(query: str, answer: str, terms: TermIndex) -> tuple[float, tuple[str, ...]]:
    """The share of the question's subject weight found in `answer`, and the heaviest missing terms."""
    weights = subject_weights(query, terms)
    total = sum(weights.values())
    if total <= 0:
        return 1.0, ()
    present = set(index_tokenize(answer))
    covered = sum(w for t, w in weights.items() if t in present)
    missing = sorted((t for t in weights if t not in present and weights[t] > 0), key=lambda t: -weights[t])
    return covered / total, tuple(missing[:3])


def subject_terms(query: str) -> frozenset[str]:
    """The index terms of the question's words that carry its subject: rarer in everyday English than
    `_SUBJECT_ZIPF` ("passcode", "storefront", "nod01"; not "long", "good", "client")."""
    terms = set()
    for word in _WORD.findall(query.lower()):
        tokens = index_tokenize(word)
        if tokens and _zipf(word) < _SUBJECT_ZIPF:
            terms.add(tokens[0])
    return frozenset(terms)


@cache
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))


@cache
def _rarity(word: str) -> float:
    zipf = _zipf(word)
    return min(1.0, max(0.0, (_COMMON_ZIPF - zipf) / (_COMMON_ZIPF - _RARE_ZIPF)))
