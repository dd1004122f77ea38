"""Grounded answers without an LLM: the best run of lines of the top passages, each line cited.

For each of the top three passages the composer finds the run of consecutive lines (sentences, bullets,
slide lines) that covers most of the question's weighted terms, starting on a line that shares words with
it; the best run comes first, then the lines after it and the runs of the other passages, up to about 90
words and four sentences. Nothing here writes new facts: every sentence of a composed answer is text of a
retrieved passage, and carries the citation of the page it came from. Our own guides in knowledge/docs mark each fact
with its original source, e.g. `[webinar p.105]`; those markers become citations of the original PDF page and
are stripped from the text shown to the enroller.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.models import Citation, unique_citations
from ingest.text import answer_tokenize as tokenize
from tools.errors import FactsError
from tools.facts import documents


class HitLike(Protocol):
    """The fields of a retrieval hit the composer reads (ingest.retrieval.Hit has them all)."""

    source: str
    title: str
    page: int
    text: str
    doc_date: str | None


#: The direct sentence and at most two supporting ones (issue 8's answer shape; dev with three supports: 269 of
#: 330 key facts, median 63 words; with two: 264, 51).
MAX_SENTENCES = 3
#: How many of the top retrieved passages an answer is composed from.
COMPOSED_PASSAGES = 3
MAX_WORDS = 90
#: Words the shaped answer may run to: the direct sentence plus its supporting ones.
SHAPE_WORDS = 90
_SHAPE_WORD_COST = 0.003
_SHAPE_EXCERPT_COST = 0.05
#: Share of the previous line's score a line inherits when choosing the lead (fresh and holdout dev: 0.3 / 0.5
#: / 0.7 gave first sentence +2 / +3 / +2 of 172, key fact unchanged).
_FOLLOW_SHARE = 0.5
#: A lead gains this much times the share of its words the question does not have: a line that only restates
#: the question tells the enroller nothing new (fresh, holdout and blind dev, first sentence holds the key fact:
#: 0 / 0.05 / 0.1 / 0.2 / 0.35 gave 215 / 216 / 218 / 215 / 209 of 330).
_NOVELTY = 0.1
#: A supporting line's cost per line between it and the lead (dev: 0.05 and 0.1 kept 264 of 330 key facts with
#: two supports, 0.01-0.02 262; ordering by position alone 262).
_DISTANCE_COST = 0.05

_MARKER = re.compile(r"\[(?P<key>[a-z_]+)\s+(?P<pages>p\.?\s*\d+(?:\s*[,–-]\s*(?:p\.?\s*)?\d+)*)\]")
_PAGE_NUMBER = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_BULLET = re.compile(r"^\s*(?:[•●▪◦‣∙·*>\-–—]|o\s|\d{1,2}[.)]\s)\s*")
_PLACE_QUESTION = re.compile(r"\bwhere\b|\bwhich (?:tab|menu|page|section|screen)\b", re.I)
#: Where a thing is, as the toolkits say it: a place in the portal or the application.
_PLACE = re.compile(
    r"\b(?:found (?:in|on|under|at)|located|go to|navigate to|click(?:ing)?|select|from (?:your|the)|under the|"
    r"in (?:your|the) [\w ]{0,30}(?:page|tab|menu|section|mailbox|portal|links|dashboard)|quick links|tab|menu)\b",
    re.I,
)
#: A "where" question's lead gains this when it names a place. Dev first sentence (fresh, holdout, blind, wild):
#: 0 / 0.08 / 0.15 / 0.2 / 0.3 gave 271 / 272 / 273 / 273 / 273 of 424 (legacy 90 / 91 / 91 / 91 / 91), key fact
#: 336 / 336 / 336 / 335 / 333.
_PLACE_BONUS = 0.15
_NUMERIC_QUESTION = re.compile(r"\b(when|how (long|many|much|soon)|what (time|date|day|hours)|deadline|days?)\b", re.I)


@dataclass(frozen=True)
class Composition:
    """A composed answer: its sentences (most direct first) and the citations they stand on."""

    sentences: tuple[str, ...]
    citations: tuple[Citation, ...]
    score: float
    #: The passage lines the answer was chosen from (what abstention checks the question's subject against).
    context: str = ""
    #: The citations of each sentence, in order.
    sentence_citations: tuple[tuple[Citation, ...], ...] = ()

    def restricted_to(self, pages: set[tuple[str, int]]) -> Composition:
        """Only the sentences that stand on one of `pages` (document, page), with their citations."""
        kept = [
            (text, cites)
            for text, cites in zip(self.sentences, self.sentence_citations, strict=False)
            if any((c.source, c.page) in pages for c in cites)
        ]
        return Composition(
            sentences=tuple(text for text, _ in kept),
            citations=tuple(unique_citations(c for _, cites in kept for c in cites)),
            score=self.score,
            context=self.context,
            sentence_citations=tuple(cites for _, cites in kept),
        )

    @property
    def text(self) -> str:
        """The sentences joined into one paragraph."""
        return " ".join(self.sentences)


def split_sentences(text: str, *, keep_short: bool = False) -> list[str]:
    """Split a passage into sentences and bullet lines, dropping fragments too short to answer anything."""
    pieces: list[str] = []
    for raw_line in text.splitlines():
        line = _table_row(raw_line)
        if line is None:
            continue
        line = _BULLET.sub("", line).strip()
        if not line:
            continue
        pieces.extend(p.strip() for p in _SENTENCE_END.split(line) if p.strip())
    merged = _merge_continuations(pieces)
    return merged if keep_short else [p for p in merged if len(p.split()) >= 3]


_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def _table_row(line: str) -> str | None:
    """A Markdown table row as plain text ("a — b — c"); None for the |---| rule under the header."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|")):
        return line
    if _TABLE_RULE.match(stripped):
        return None
    cells = [c.strip() for c in stripped.strip("|").split("|") if c.strip()]
    return " — ".join(cells)


def _heading_like(text: str) -> bool:
    """A slide or section title rather than a statement: short, no verb-ending punctuation."""
    return len(text.split()) <= 6 and not text.endswith((".", "!", "?"))


_DANGLING = frozenset(
    "a an the of to for and or in into on under by with from your their our its is are at as via thru through "
    "than that this these those be can will".split()
)


def _merge_continuations(lines: list[str]) -> list[str]:
    # PDF text breaks lines mid-sentence: a line starting in lower case, or one after a line that ends on
    # "in", "your", "the"..., continues the previous line.
    merged: list[str] = []
    for line in lines:
        if merged and not merged[-1].endswith((".", "!", "?", ":")):
            last_word = merged[-1].rsplit(maxsplit=1)[-1].lower()
            if line[:1].islower() or last_word in _DANGLING:
                merged[-1] = f"{merged[-1]} {line}"
                continue
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
            citations.append(
                Citation(source=info.file, title=info.title, page=int(number), snippet=snippet, doc_date=info.date)
            )
    text = re.sub(r"\s+([.,;:])", r"\1", _MARKER.sub("", sentence)).strip()
    return text, citations


def hit_citation(hit: HitLike, snippet: str) -> Citation:
    """The citation of a retrieved passage itself."""
    return Citation(source=hit.source, title=hit.title, page=hit.page, snippet=snippet, doc_date=hit.doc_date)


@dataclass(frozen=True)
class _Unit:
    """One line or sentence of a passage, source markers resolved."""

    text: str
    citations: tuple[Citation, ...]


def _units(hit: HitLike) -> list[_Unit]:
    out = []
    for raw in split_sentences(hit.text, keep_short=True):
        text, cites = marker_citations(raw, snippet="")
        if not text:
            continue
        snippet = text if len(text) <= 300 else text[:297] + "..."
        found = [c.model_copy(update={"snippet": snippet}) for c in cites] or [hit_citation(hit, snippet)]
        out.append(_Unit(text=text, citations=tuple(found)))
    return out


@dataclass(frozen=True)
class _Excerpt:
    """A run of consecutive units of one passage, scored against the question."""

    units: tuple[_Unit, ...]
    hit_rank: int
    start: int
    score: float
    terms: frozenset[str]

    @property
    def words(self) -> int:
        return sum(len(u.text.split()) for u in self.units)


_MAX_RUN = 4
_RUN_WORDS = 60
_RANK_PRIOR = (0.12, 0.06, 0.02)
_WORD_COST = 0.0  # measured: any per-word cost made the composer prefer short, less direct lines
_HEADING_COST = 0.08
_INDIRECT_COST = 0.02
_MIN_WORDS = 30  # a chosen run shorter than this takes the lines that follow it
_FILL_WORDS = 90  # then the answer grows with following lines up to this many words
_TOP_KEEP = 0.5
_EXTRA_KEEP = 0.5


def _best_excerpt(
    question_terms: set[str], idf: Callable[[str], float], units: list[_Unit], rank: int, wants_number: bool
) -> _Excerpt | None:
    total = math.fsum(idf(t) for t in question_terms) or 1.0
    unit_terms = [set(tokenize(u.text)) for u in units]
    best: _Excerpt | None = None
    for i in range(len(units)):
        covered: set[str] = set()
        words = 0
        for j in range(i, min(len(units), i + _MAX_RUN)):
            words += len(units[j].text.split())
            if j > i and words > _RUN_WORDS:
                break
            covered |= unit_terms[j] & question_terms
            coverage = math.fsum(idf(t) for t in covered) / total
            if coverage == 0:
                continue
            run = units[i : j + 1]
            # Answers usually follow the words that match the question: a run may end past the match, but
            # each extra word costs a little, and a run that is only a bare title costs more.
            number = 0.08 if wants_number and any(ch.isdigit() for u in run for ch in u.text) else 0.0
            heading_only = _HEADING_COST if j == i and _heading_like(units[i].text) else 0.0
            # The most direct line first: a run that opens on a line sharing nothing with the question
            # ranks below the same run started at the line that does.
            indirect = _INDIRECT_COST if not unit_terms[i] & question_terms else 0.0
            score = coverage + _RANK_PRIOR[min(rank, 2)] + number - heading_only - indirect - _WORD_COST * words
            if best is None or score > best.score:
                best = _Excerpt(tuple(run), rank, i, score, frozenset(covered))
    return best


def _extend(excerpt: _Excerpt, units: list[_Unit]) -> _Excerpt:
    """Add the lines after a short run: on slides the answer tends to sit just below the matching line."""
    run = list(excerpt.units)
    end = excerpt.start + len(run)
    while end < len(units) and sum(len(u.text.split()) for u in run) < _MIN_WORDS:
        run.append(units[end])
        end += 1
    return _Excerpt(tuple(run), excerpt.hit_rank, excerpt.start, excerpt.score, excerpt.terms)


def _fill(chosen: list[_Excerpt], excerpts: list[_Excerpt], unit_lists: list[list[_Unit]]) -> list[_Excerpt]:
    """Grow the answer up to the word budget: the lines after each excerpt, then the next best passage's
    excerpt. Slides keep the answer a line or two below the words that match the question."""
    out = list(chosen)
    budget = _FILL_WORDS - sum(e.words for e in out)
    for n, excerpt in enumerate(out):
        units = unit_lists[excerpt.hit_rank]
        start, end = excerpt.start, excerpt.start + len(excerpt.units)
        while end < len(units) and len(units[end].text.split()) <= budget:
            budget -= len(units[end].text.split())
            end += 1
        out[n] = _Excerpt(tuple(units[start:end]), excerpt.hit_rank, start, excerpt.score, excerpt.terms)
    used = {e.hit_rank for e in out}
    for extra in excerpts:
        if extra.hit_rank in used or extra.score < _EXTRA_KEEP * out[0].score or extra.words > budget:
            continue
        out.append(extra)
        used.add(extra.hit_rank)
        budget -= extra.words
    return out


def compose_answer(question: str, hits: Sequence[HitLike], *, max_sentences: int = MAX_SENTENCES) -> Composition:
    """Compose a short extractive answer: the best run of lines of the best passage first, cited by page."""
    q_terms = set(tokenize(question))
    unit_lists = [_units(hit) for hit in hits[:COMPOSED_PASSAGES]]
    all_units = [u for units in unit_lists for u in units]
    if not all_units or not q_terms:
        return Composition(sentences=(), citations=(), score=0.0)
    df = Counter(t for u in all_units for t in set(tokenize(u.text)))
    n = len(all_units)

    def idf(term: str) -> float:
        return math.log((n + 1) / (df.get(term, 0) + 0.5)) + 1.0

    wants_number = bool(_NUMERIC_QUESTION.search(question))
    excerpts = [
        _extend(e, units)
        for rank, units in enumerate(unit_lists)
        if (e := _best_excerpt(q_terms, idf, units, rank, wants_number))
    ]
    if not excerpts:
        return Composition(sentences=(), citations=(), score=0.0)
    excerpts.sort(key=lambda e: (-e.score, e.hit_rank))
    chosen = [excerpts[0]]
    top = next((e for e in excerpts if e.hit_rank == 0), None)
    if top is not None and top is not chosen[0] and top.score >= _TOP_KEEP * chosen[0].score:
        chosen.append(top)  # the best-ranked passage stays in view even when another has a better line
    for extra in excerpts:
        if extra in chosen:
            continue
        known = frozenset().union(*(c.terms for c in chosen))
        fits = sum(c.words for c in chosen) + extra.words <= MAX_WORDS
        if extra.score >= 0.8 * chosen[0].score and extra.terms - known and fits:
            chosen.append(extra)
    chosen = _fill(chosen, excerpts, unit_lists)
    pieces = [
        (sentence, cites, k)
        for k, excerpt in enumerate(chosen)
        for sentence, cites in _render_cited(excerpt.units)
        if sentence
    ]
    wants_place = bool(_PLACE_QUESTION.search(question))
    lead, support = _shape(pieces, q_terms, idf, wants_number, max_sentences, wants_place=wants_place)
    kept = list({text: (text, cites, k) for text, cites, k in [pieces[lead], *(pieces[i] for i in support)]}.values())
    sentences = tuple(text for text, _, _ in kept)
    # A page is cited only for the sentences shown from it.
    citations = unique_citations(c for _, cites, _ in kept for c in cites)
    # What abstention checks the question's subject against: the passages the answer was chosen from.
    context = " ".join(hit.text for hit in hits[:COMPOSED_PASSAGES])
    return Composition(
        sentences=sentences,
        citations=tuple(citations),
        score=chosen[0].score,
        context=context,
        sentence_citations=tuple(cites for _, cites, _ in kept),
    )


def _shape(
    pieces: Sequence[tuple[str, tuple[Citation, ...], int]],
    question_terms: set[str],
    idf: Callable[[str], float],
    wants_number: bool,
    max_sentences: int,
    *,
    wants_place: bool = False,
) -> tuple[int, list[int]]:
    """The direct answer first: the sentence that covers most of the question (a number when the question
    asks for one), then at most `max_sentences - 1` supporting sentences (its passage's first, those covering
    more of the question before nearer ones), within the word budget. Returns the lead's index and the supports'."""
    total = math.fsum(idf(t) for t in question_terms) or 1.0
    tokens = [set(tokenize(text)) for text, _, _ in pieces]

    def score(n: int) -> float:
        text, _, k = pieces[n]
        # "95-day" answers "how many days": hyphenated words count as their parts too.
        covered = (tokens[n] | set(tokenize(text.replace("-", " ")))) & question_terms
        number = 0.08 if wants_number and any(ch.isdigit() for ch in text) else 0.0
        if wants_place and _PLACE.search(text):
            number += _PLACE_BONUS
        # A bare heading is no answer; a long line wins only by covering more, not by being long.
        heading = _HEADING_COST if _heading_like(text) or _title_only(text) else 0.0
        # Lines of the best excerpt are preferred a little: another passage leads only by covering more.
        prior = _SHAPE_EXCERPT_COST * k
        cover = math.fsum(idf(t) for t in covered) / total  # fsum: the same sum in any set order
        return cover + number - heading - prior - _SHAPE_WORD_COST * len(text.split())

    base = [score(n) for n in range(len(pieces))]

    def novelty(n: int) -> float:
        return len(tokens[n] - question_terms) / len(tokens[n]) if tokens[n] else 0.0

    def lead_score(n: int) -> float:
        # A line right after one that matches the question inherits part of its score: the answer tends to
        # follow the sentence that restates the question ("Certain calls require provisioning ..." then
        # "These requests are escalated to the next level of support.").
        follows = n > 0 and pieces[n - 1][2] == pieces[n][2] and not _title_only(pieces[n][0])
        return base[n] + (_FOLLOW_SHARE * max(0.0, base[n - 1]) if follows else 0.0) + _NOVELTY * novelty(n)

    lead = max(range(len(pieces)), key=lambda n: (lead_score(n), -n))
    if _title_only(pieces[lead][0]) and lead + 1 < len(pieces) and pieces[lead + 1][2] == pieces[lead][2]:
        lead += 1  # a slide's title or question line leads into its answer: start on the answer
    budget = SHAPE_WORDS - len(pieces[lead][0].split())
    support: list[int] = []
    # Supporting lines while the budget lasts: the lead's passage's, then the other passages'.
    others = (n for n in range(len(pieces)) if n != lead)

    def order(n: int) -> tuple[bool, float]:
        # Lines of the lead's passage first, the most relevant first (a line's cover of the question, less a
        # little for each line between it and the lead).
        return (pieces[n][2] != pieces[lead][2], -(base[n] - _DISTANCE_COST * abs(n - lead)))

    for n in sorted(others, key=order):
        if len(support) >= max_sentences - 1:
            break
        words = len(pieces[n][0].split())
        if words > budget:
            continue
        support.append(n)
        budget -= words
    support.sort(key=lambda n: (pieces[n][2] != pieces[lead][2], n))
    return lead, support


def _title_only(text: str) -> bool:
    """A line that names a topic or asks a question instead of answering: "If RIDP Does Not Succeed?",
    "Enroller Portal Notifications Bell Notifications."."""
    words = text.split()
    return text.rstrip().endswith("?") or len(words) <= 6


def _render_cited(units: Sequence[_Unit]) -> list[tuple[str, tuple[Citation, ...]]]:
    """Lines of a slide become one sentence ("Title: line; line."), full sentences stay as they are; each with
    the citations of the lines it was made from."""
    out: list[tuple[str, tuple[Citation, ...]]] = []
    pending: list[_Unit] = []
    for unit in units:
        pending.append(unit)
        if unit.text.strip().endswith((".", "!", "?")):
            out.append(_cited_sentence(pending))
            pending = []
    if pending:
        out.append(_cited_sentence(pending))
    return out


def _cited_sentence(units: list[_Unit]) -> tuple[str, tuple[Citation, ...]]:
    text = clean_sentence(_join([u.text.strip() for u in units]))
    return text, tuple(c for u in units for c in u.citations)


_URL = re.compile(r"\(?\b(?:https?://|www\.)\S+\)?|\S*[=&]\S*[=&]\S*", re.IGNORECASE)
#: A link in Slack's or an e-mail's angle-bracket markup, `<http://x|label>` or `<http://x>`: its label is text.
_ANGLE_LINK = re.compile(r"<(?:https?://|mailto:|www\.)[^<>|\s]*(?:\|([^<>]*))?>", re.IGNORECASE)
# Footnote markers: a roman numeral glued to a stop ("coverage.ii") or standing alone between sentences ("laws. ii
# To avoid ..."), and a number glued to a stop after a word ("form.1"). Words ending in i ("Hawaii", "taxi"), times
# ("9:00 p.m.") and decimals ("138.1") are text, not markers.
_FOOTNOTE = re.compile(
    r"(?<=[.,;:)])(?:i{1,3}|iv|vi{0,3})(?=[\s.,;]|$)"
    r"|(?:^|(?<=[.!?:]\s))(?:i{2,3}|iv|vi{1,3})\s+(?=[A-Z])"
    r"|(?<=[A-Za-z)][.,;:])\d{1,2}(?=\s|$)"
)


def clean_sentence(text: str) -> str:
    """A sentence fit to show: no links (a labelled one leaves its label), no footnote markers, single spaces."""
    text = _ANGLE_LINK.sub(lambda m: m.group(1) or "", text)
    text = _URL.sub("", text)
    text = _FOOTNOTE.sub("", text)
    text = re.sub(r"\s+([.,;:])", r"\1", text)
    return " ".join(text.split())


def _join(parts: list[str]) -> str:
    text = parts[0]
    previous = parts[0]
    for n, part in enumerate(parts[1:]):
        if text.endswith(":") or len(previous.split()) <= 2 or len(part.split()) <= 2:
            sep = " "  # a label wrapped over lines ("Consumer Case" / "Number") reads as one phrase
        elif n == 0 and _heading_like(parts[0]):
            sep = ": "
        else:
            sep = "; "
        text = f"{text}{sep}{part}"
        previous = part
    return _as_sentence(text)


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", ":")) else f"{text}."
