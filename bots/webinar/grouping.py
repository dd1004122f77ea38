"""Group near-duplicate questions: a learned pair scorer over centred MiniLM cosines and shared terms, average-linkage
clusters.

Every enroller question shares the same frame ("how do I … for my consumer … Covered California"), and MiniLM's
vectors share a common direction for it, so raw cosines of unrelated questions are high and close together. The
vectors are therefore centred before the cosine: on the mean of the questions being grouped, shrunk towards the
mean of typical enroller questions (the router's examples in knowledge/routing.yaml) with `PRIOR_WEIGHT`
pseudo-questions, so a batch of two is not pulled apart by its own mean.

Two questions' similarity is a probability that they ask one question: a logistic regression (`SCORER_WEIGHTS`)
over `pair_features`: the centred and the raw cosine; the local cosine, 2cos - r_i - r_j with r a question's mean
cosine to its `NEIGHBOURS` nearest other questions (CSLS: in a corner of the subject crowded with close but
different questions, "open the day after Thanksgiving" and "the holiday list", a high cosine is weaker evidence;
a question retyped counts once there, `RETYPED`); IDF-weighted key-term cosine and key-term Jaccard; numbers or
dates named on both sides and shared / all different (dates compared however written, `numbers_named`); the same
for the actions of knowledge/webinar.yaml `grouping_actions` (accept, remove, transfer, export...). A pair no
closer than typical questions (centred cosine <= 0) scores 0. Groups are average-linkage clusters cut at
`THRESHOLD`: two groups join while their members' mean probability is at least that.

Fitted with bench/webinar_bench.py --fit on the dev halves of both labelled banks (tests/bots/webinar/fixtures/
topics.yaml and the blind topics_blind.yaml, written without seeing this code: topics of paraphrases and their
related-but-different topics, split by a stable hash of the topic), each bank's pairs weighted to count equally;
the neighbourhood size, the cut and the linkage chosen by the mean of the two dev F1s. Pairwise precision / recall
on the dev halves: topics 0.938 / 0.799, blind 0.792 / 0.631 (mean F1 0.783); the hand-weighted method before it
(cosine minus an action penalty, complete linkage at 0.20; still `GroupingParams(learned=False)`) had 0.926 /
0.817 and 0.602 / 0.543 (0.719). Tried and not kept on dev (mean F1): 3 or 5 neighbours (0.774, 0.764), the local
cosine left out (0.723), cosines and actions only (0.740), a length-ratio feature (+0.006 at 3 neighbours, with a
negative weight no general rule supports), the density measured on the prior questions only (~0.72), key-term-equal
questions counted as retyped (0.758 at 3), stronger L2 (worse in 2-fold cross-validation by topic within dev).
With retyped copies of the dev questions added (bench --fit), the original pairs keep 0.958 / 0.817 and 0.792 /
0.592. Embedding the questions as typed instead of through `comparable` (shorthand and acronyms spelled out)
loses on dev (0.711). test_grouping.py checks both banks' held-out test halves.

With a document index (`group_texts(..., index=Retriever)`), one more feature: same_passage, both questions
answered best by one passage (`best_passages`: the hybrid score search ranks by, for all questions in one matrix
product), since a FAQ's duplicates are questions with one answer; its own scorer (`PASSAGE_SCORER_WEIGHTS`, 5
neighbours, cut 0.40), fitted the same way with the built-in guides' index (knowledge/docs, 84 passages). Dev:
topics 0.936 / 0.775, blind 0.841 / 0.685 (mean F1 0.802; with 2 neighbours 0.790); test: topics 0.880 / 0.815,
blind 0.691 / 0.634. Without an index (or an empty one) the grouping is the scorer above, unchanged. Tried on dev
and not kept (mean F1, 2 neighbours): overlap of the top 3 / 5 passages (0.763 / 0.777), rank-weighted top 3 / 5
(0.753 / 0.761), the best passage's document instead of the passage (0.805 but 0.799 vs 0.817 in 3-fold
cross-validation by topic within dev, where the passage won), similarity of the retrieval score profiles (0.756 -
0.777), the router's intent differing (0.779), its tool call shared / conflicting (0.783), IDF-weighted soft term
matching over MiniLM word vectors (0.751 - 0.770). Session 9 (same dev halves, mean F1): the kind of answer asked
differing (9 kinds: a date or time, a number, steps or a place, yes or no ...; 0.814 at 3 neighbours, but 0.834 vs
0.834 in 3-fold cross-validation by topic within dev, and on test 0.879 / 0.809, 0.688 / 0.618), the router's
resolved dates shared / conflicting for one tool (0.793 / 0.788 at 2 / 5 neighbours), negation on one side only
(0.798), the rarest word not shared (0.790 - 0.802).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ingest.embedding import EMBEDDING_DIM

#: The cut on the learned probability that two questions are one (average linkage); see the module docstring.
THRESHOLD = 0.38
LINKAGE = "average"
#: The pair scorer: logistic-regression weights over `pair_features`, fitted on the dev pairs of both fixtures
#: (bench/webinar_bench.py --fit prints them; each pair weighted so the two files count equally, L2 0.01).
SCORER_WEIGHTS: dict[str, float] = {
    "centred": 2.054,
    "raw": -2.437,
    "local": 5.534,
    "idf": 5.04,
    "jaccard": -7.673,
    "number_conflict": -0.737,
    "number_shared": 0.986,
    "action_conflict": -0.278,
    "action_shared": 2.173,
}
SCORER_BIAS = 2.689
#: The scorer used when the questions' best passages are known (`best_passages`, a document index given): the
#: same features plus same_passage, fitted the same way with the built-in guides' index (knowledge/docs).
PASSAGE_SCORER_WEIGHTS: dict[str, float] = {
    "centred": 0.06,
    "raw": -0.847,
    "local": 5.792,
    "idf": 2.955,
    "jaccard": -5.632,
    "number_conflict": -0.608,
    "number_shared": 1.124,
    "action_conflict": -0.196,
    "action_shared": 2.29,
    "same_passage": 0.963,
}
PASSAGE_SCORER_BIAS = 1.651
#: The passage scorer's neighbourhood size and cut (average linkage), chosen with it on dev.
PASSAGE_NEIGHBOURS = 5
PASSAGE_THRESHOLD = 0.40
#: How many nearest neighbours (among the batch and the prior questions) measure a question's local density.
NEIGHBOURS = 2
#: Two questions at least this close (centred cosine) are one question retyped, for `local_density` (no dev pair
#: is that close; without it, a chat repeating its questions split paraphrases: bench --fit checks with copies).
RETYPED = 0.95
#: The hand-weighted similarity (GroupingParams(learned=False)), the method before the learned scorer: cosine
#: minus penalties, complete linkage cut at 0.20.
HAND_THRESHOLD = 0.20
TERM_WEIGHT = 0.0
NUMBER_PENALTY = 0.0
#: Dev half: 0.0 / 0.25 / 0.5 gave pairwise precision 0.831 / 0.926 / 0.924 at recall 0.817 / 0.817 / 0.793.
ACTION_PENALTY = 0.25
#: How many typical enroller questions the batch's mean is shrunk towards before centring.
PRIOR_WEIGHT = 10
#: Above this many questions the batched sentence-transformers encoder beats one NumPy pass per question.
BATCH_FROM = 200

Embed = Callable[[Sequence[str]], np.ndarray]


class PassageIndex(Protocol):
    """What `best_passages` reads of a document index (ingest.retrieval.Retriever has it)."""

    @property
    def chunks(self) -> Sequence[Any]: ...  # each with .source
    @property
    def vectors(self) -> np.ndarray: ...  # one row per chunk

    def hybrid_scores(self, queries: Sequence[str], vectors: np.ndarray) -> np.ndarray: ...


_STOP = frozenset(
    """a an the and or but if of to in on at for from by with about as into after before over under than then is
    are was were be been being do does did doing have has had having can could should would will shall may might
    must what whats what's when where which who whom whose why how i me my we our us you your they them their he
    him his she her it its this that these those there here any anyone some someone so just also still again now
    not no yes get got gets go going way there's is it's im i'm we're they're don't doesn't can't isn't
    please thanks hi hello question quick know need want like one does anybody everyone tell said say""".split()
)
_WORD = re.compile(r"[a-z0-9][a-z0-9'/-]*")
_NUMBER = re.compile(r"\d")


def comparable(text: str) -> str:
    """A question as compared: enroller shorthand normalised and acronyms spelled out (the glossary the index uses),
    so "ROP" meets "reasonable opportunity period"."""
    from ingest.glossary import expand_query, normalize_query

    return expand_query(normalize_query(text))


def embed_questions(texts: Sequence[str]) -> np.ndarray:
    """Unit-length MiniLM vectors, one row per text (the same model the index uses; never a download)."""
    if not texts:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    texts = [comparable(t) for t in texts]
    if len(texts) >= BATCH_FROM:
        from ingest.embedding import embed_texts

        return embed_texts(list(texts))
    from ingest.embedding import embed_query

    return np.stack([embed_query(t) for t in texts]).astype(np.float32)


def prior_questions() -> list[str]:
    """Typical enroller questions, not from any webinar: the router's examples (knowledge/routing.yaml)."""
    from assistant.routing import routing_rules

    examples: list[str] = []
    for _, section in routing_rules():
        examples += getattr(section, "examples", [])
        examples += getattr(section, "not_", [])
    return examples


def shrunk_mean(vectors: np.ndarray, prior: np.ndarray, prior_weight: float) -> np.ndarray:
    """The rows' mean shrunk towards `prior` (a mean vector) with `prior_weight` pseudo-rows; `prior` for no rows."""
    n = vectors.shape[0]
    if n == 0:
        return prior
    result: np.ndarray = (n * vectors.mean(0) + prior_weight * prior) / (n + prior_weight)
    return result


def _around(vectors: np.ndarray, mean: np.ndarray) -> np.ndarray:
    """Unit vectors of `vectors - mean`; a row left at zero (a question equal to the mean) stays zero."""
    out = vectors - mean
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    result: np.ndarray = out / np.where(norms == 0, 1, norms)
    return result


def centred(vectors: np.ndarray, prior: np.ndarray, prior_weight: float) -> np.ndarray:
    """Unit vectors after removing the common direction: the rows' mean shrunk towards `prior` (a mean vector)
    with `prior_weight` pseudo-rows (`shrunk_mean`). A row left at zero (a question equal to the mean) stays zero."""
    if vectors.shape[0] == 0:
        return vectors
    return _around(vectors, shrunk_mean(vectors, prior, prior_weight))


def _stem(word: str) -> str:
    """A crude stem, enough for "terminated"/"termination", "reinstate"/"reinstated", "documents"/"document"."""
    for suffix in ("ations", "ation", "ments", "ment", "ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def key_terms(text: str) -> frozenset[str]:
    """The words that carry a question's subject: lowercased, stop words removed, crudely stemmed."""
    return frozenset(_stem(w.strip("'")) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1)


@dataclass(frozen=True)
class GroupingParams:
    """The similarity's weights and the cut (defaults: the tuned values above)."""

    #: None: the cut fitted with the scorer used (`THRESHOLD`, or `PASSAGE_THRESHOLD` with a document index).
    threshold: float | None = None
    term_weight: float = TERM_WEIGHT
    number_penalty: float = NUMBER_PENALTY
    prior_weight: float = PRIOR_WEIGHT
    action_penalty: float = ACTION_PENALTY
    #: False: the hand-weighted `similarity_matrix` (give it a threshold near `HAND_THRESHOLD` and complete linkage).
    learned: bool = True
    linkage: str = LINKAGE


def similarity_matrix(texts: Sequence[str], vectors: np.ndarray, params: GroupingParams) -> np.ndarray:
    """The hand-weighted pairwise similarity: cosine, plus shared key terms, minus the penalties for naming
    numbers (key terms with a digit) but sharing none, and for naming actions but sharing none."""
    cosine = vectors @ vectors.T
    compared = [comparable(t) for t in texts]
    terms = [key_terms(t) for t in compared]
    number_conflict, _ = _conflict_and_share([frozenset(t for t in words if _NUMBER.search(t)) for words in terms])
    action_conflict, _ = _conflict_and_share(_actions_in(compared))
    result: np.ndarray = (
        cosine
        + params.term_weight * _jaccard(_indicators(terms).astype(np.float32))  # float32, as the cosines
        - params.number_penalty * number_conflict
        - params.action_penalty * action_conflict
    )
    return result


_MONTHS = {m: n + 1 for n, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split())}
_MONTH_DAY = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b")
_SLASH_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})(?:/\d{2,4})?\b")
_INTEGER = re.compile(r"\d+")


def numbers_named(text: str) -> frozenset[str]:
    """The dates and numbers a question names, dates as month/day however written ("nov 28th", "11/28",
    "11/28/25" are all "11/28"), other numbers without leading zeros or suffixes ("6pm" is "6", "nod01" is "1")."""
    rest = text.lower()
    found = {f"{_MONTHS[m.group(1)]}/{int(m.group(2))}" for m in _MONTH_DAY.finditer(rest)}
    rest = _MONTH_DAY.sub(" ", rest)
    found |= {f"{int(m.group(1))}/{int(m.group(2))}" for m in _SLASH_DATE.finditer(rest)}
    rest = _SLASH_DATE.sub(" ", rest)
    found |= {str(int(m.group())) for m in _INTEGER.finditer(rest)}
    return frozenset(found)


def _indicators(sets: Sequence[frozenset[Any]]) -> np.ndarray:
    """One row per set, one column per distinct member: 1 where the row's set holds it."""
    vocab = {item: n for n, item in enumerate(sorted(set().union(*sets), key=str))} if sets else {}
    out = np.zeros((len(sets), max(1, len(vocab))), dtype=np.float64)
    for row, items in enumerate(sets):
        for item in items:
            out[row, vocab[item]] = 1.0
    return out


def _conflict_and_share(sets: Sequence[frozenset[Any]]) -> tuple[np.ndarray, np.ndarray]:
    """(both name something and share nothing, they share something) for every pair, as 0/1 matrices."""
    has = _indicators(sets)
    shared = (has @ has.T) > 0
    named = has.sum(1) > 0
    return ((named[:, None] & named[None, :]) & ~shared).astype(np.float64), shared.astype(np.float64)


def _jaccard(has: np.ndarray) -> np.ndarray:
    """Jaccard similarity of every pair of rows of a 0/1 indicator matrix (0 for two empty rows)."""
    shared = has @ has.T
    sizes = has.sum(1)
    union = sizes[:, None] + sizes[None, :] - shared
    result: np.ndarray = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    return result


def local_density(cosine: np.ndarray, to_prior: np.ndarray, neighbours: int = NEIGHBOURS) -> np.ndarray:
    """Each question's mean cosine to its `neighbours` nearest other questions, among the batch (`cosine`) and the
    prior questions (`to_prior`). A question retyped (a cosine of at least `RETYPED`: the same words with a
    greeting, a thank-you, other case) counts once, and never as a neighbour of its own copies: a question asked
    ten times is not in a crowded corner of the subject."""
    n = cosine.shape[0]
    retyped = cosine >= RETYPED
    np.fill_diagonal(retyped, True)
    first = np.ones(n, dtype=bool)  # the first of each run of copies stands for them all
    for i in range(n):
        if first[i]:
            later = retyped[i].copy()
            later[: i + 1] = False
            first &= ~later
    others = np.where(retyped | ~first[None, :], -np.inf, cosine)
    others = np.hstack([others, to_prior])
    k = min(neighbours, int(first.sum()) - 1 + to_prior.shape[1])
    if k <= 0:
        return np.zeros(n)
    nearest = np.sort(others, axis=1)[:, -k:]
    result: np.ndarray = np.where(np.isfinite(nearest), nearest, 0.0).mean(1)
    return result


def pair_features(
    texts: Sequence[str],
    vectors: np.ndarray,
    raw: np.ndarray,
    prior: np.ndarray,
    prior_texts: Sequence[str],
    *,
    neighbours: int = NEIGHBOURS,
    passages: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Every pair's features for the learned scorer (n x n matrices): `vectors` are the centred question vectors,
    `raw` the uncentred ones, `prior` the centred prior questions (their neighbours too) and `prior_texts` their
    texts (their key terms count in the IDF).

    centred: cosine of the centred vectors; raw: cosine before centring; local: the centred cosine less each
    question's mean cosine to its `neighbours` nearest others (2cos - r_i - r_j, the hubness correction of CSLS:
    a question in a crowded corner of the subject needs more than its neighbours' similarity); idf: cosine of the
    key terms weighted by IDF over the batch and the prior; jaccard: of the key terms; number_conflict /
    number_shared: both name numbers or dates and share none / share one (dates normalised, `numbers_named`);
    action_conflict / action_shared: the same for knowledge/webinar.yaml's `grouping_actions`; same_passage (only
    with `passages`, each question's best passage from `best_passages`): both are answered best by one passage."""
    n = len(texts)
    cosine = vectors @ vectors.T
    compared = [comparable(t) for t in texts]
    terms = [key_terms(t) for t in compared]
    density = local_density(cosine, vectors @ prior.T if len(prior) else np.zeros((n, 0)), neighbours)
    prior_terms = [key_terms(comparable(t)) for t in prior_texts]
    has = _indicators([*terms, *prior_terms])
    idf = np.log((has.shape[0] + 1) / (has.sum(0) + 1)) + 1
    has = has[:n]
    weighted = has * idf
    weighted /= np.maximum(np.linalg.norm(weighted, axis=1, keepdims=True), 1e-12)
    number_conflict, number_shared = _conflict_and_share([numbers_named(t) for t in compared])
    action_conflict, action_shared = _conflict_and_share(_actions_in(compared))
    features = {
        "centred": cosine,
        "raw": raw @ raw.T,
        "local": 2 * cosine - density[:, None] - density[None, :],
        "idf": weighted @ weighted.T,
        "jaccard": _jaccard(has),
        "number_conflict": number_conflict,
        "number_shared": number_shared,
        "action_conflict": action_conflict,
        "action_shared": action_shared,
    }
    if passages is not None:
        features["same_passage"] = (passages[:, None] == passages[None, :]).astype(np.float64)
    return features


def fitted_index(index: Any) -> PassageIndex | None:
    """`index` when the passage scorer was fitted for it (it holds the built-in guides, knowledge/docs, and
    nothing else, as `make run` indexes them); else None, and the grouping uses the scorer without passages. With
    the three source PDFs indexed instead, same_passage lowered both banks' dev F1 (topics 0.938/0.799 ->
    0.912/0.799, blind 0.792/0.631 -> 0.735/0.592), so it is not used with another index."""
    from knowledge import DOCS_DIR

    chunks = getattr(index, "chunks", None)
    if not chunks or not hasattr(index, "hybrid_scores"):
        return None
    guides = {p.name for p in DOCS_DIR.iterdir()}
    return index if {str(c.source) for c in chunks} <= guides else None


def best_passages(texts: Sequence[str], raw: np.ndarray, index: PassageIndex) -> np.ndarray:
    """Each question's best passage (a chunk number of `index`) by the hybrid score `Retriever.search` ranks by
    (`Retriever.hybrid_scores`), for all questions at once: `raw` are the questions' uncentred vectors, which are
    the query vectors search embeds (`comparable` is its rewriting). Two questions one passage answers best have
    one answer: a FAQ's definition of a duplicate."""
    result: np.ndarray = np.argmax(index.hybrid_scores(texts, raw), axis=1)
    return result


def learned_similarity(
    features: dict[str, np.ndarray], weights: dict[str, float] | None = None, bias: float | None = None
) -> np.ndarray:
    """The scorer's probability that each pair asks one question: logistic of the weighted features, and 0 for two
    questions no closer than typical enroller questions are (centred cosine at most 0: 3 of the 779 dev paraphrase
    pairs), whatever the other features say: the scorer was fitted where that holds and must not extrapolate.
    Without `weights`, the passage scorer when the features hold same_passage, else the scorer without it."""
    if weights is None:
        with_passages = "same_passage" in features
        weights = PASSAGE_SCORER_WEIGHTS if with_passages else SCORER_WEIGHTS
        bias = (PASSAGE_SCORER_BIAS if with_passages else SCORER_BIAS) if bias is None else bias
    logit = sum(weight * features[name] for name, weight in weights.items()) + (SCORER_BIAS if bias is None else bias)
    probability = 1.0 / (1.0 + np.exp(-np.asarray(logit, dtype=np.float64)))
    result: np.ndarray = np.where(features["centred"] > 0, probability, 0.0)
    return result


def actions_named(texts: Sequence[str]) -> list[frozenset[int]]:
    """For each text, which of knowledge/webinar.yaml's `grouping_actions` it names."""
    return _actions_in([comparable(t) for t in texts])


def _actions_in(compared: Sequence[str]) -> list[frozenset[int]]:
    """`actions_named` of texts already through `comparable`."""
    from bots.webinar.rules import webinar_rules

    patterns = webinar_rules().actions
    return [frozenset(n for n, p in enumerate(patterns) if p.search(t)) for t in compared]


def cluster(similarity: np.ndarray, threshold: float, method: str = "complete") -> list[list[int]]:
    """Hierarchical clusters cut at `threshold`, largest first. Complete linkage: every two members are at least
    that similar; average linkage: two clusters join while their members' mean similarity is at least that."""
    n = similarity.shape[0]
    if n == 0:
        return []
    if n == 1:
        return [[0]]
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = np.clip(2.0 - similarity, 0.0, None)  # similarity can exceed 1 with the term bonus
    np.fill_diagonal(distance, 0.0)
    distance = (distance + distance.T) / 2
    labels = fcluster(
        linkage(squareform(distance, checks=False), method=method), t=2.0 - threshold, criterion="distance"
    )
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(int(label), []).append(index)
    return sorted(groups.values(), key=lambda g: (-len(g), g[0]))


def central_index(members: Sequence[int], similarity: np.ndarray) -> int:
    """The member most similar on average to the others (the group's representative)."""
    if len(members) == 1:
        return members[0]
    sub = similarity[np.ix_(members, members)]
    return members[int(np.argmax(sub.sum(1)))]


def question_vectors(texts: Sequence[str], params: GroupingParams, embed: Embed = embed_questions) -> np.ndarray:
    """The questions' vectors, centred (see the module docstring); the prior embedded in the same call."""
    return embedded(texts, params, embed)[0]


def embedded(
    texts: Sequence[str], params: GroupingParams, embed: Embed = embed_questions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(the questions' centred vectors, their raw vectors, the prior questions' vectors centred on the same mean,
    the prior questions): one embedding call for questions and prior."""
    prior = prior_questions() if params.prior_weight or params.learned else []
    vectors = embed([*texts, *prior])
    own, others = vectors[: len(texts)], vectors[len(texts) :]
    if not len(others):
        return centred(own, np.zeros(vectors.shape[1], dtype=vectors.dtype), 0.0), own, others, prior
    mean = shrunk_mean(own, others.mean(0), params.prior_weight)
    return (_around(own, mean) if len(own) else own), own, _around(others, mean), prior


def pair_similarity(
    texts: Sequence[str],
    params: GroupingParams,
    embed: Embed = embed_questions,
    index: PassageIndex | None = None,
) -> np.ndarray:
    """The pairwise similarity the grouping cuts: the learned probability (with same_passage when a document
    `index` holding passages is given, else without it), or (learned=False) the hand-weighted `similarity_matrix`."""
    return _scored(texts, params, embed, index)[0]


def _scored(
    texts: Sequence[str], params: GroupingParams, embed: Embed, index: PassageIndex | None
) -> tuple[np.ndarray, float]:
    """`pair_similarity` and the cut that goes with it (params.threshold, else the scorer's fitted cut)."""
    vectors, raw, prior, prior_texts = embedded(texts, params, embed)
    if not params.learned:
        return similarity_matrix(texts, vectors, params), THRESHOLD if params.threshold is None else params.threshold
    if index is None or not len(index.chunks) or np.asarray(index.vectors).shape[1:] != raw.shape[1:]:
        features = pair_features(texts, vectors, raw, prior, prior_texts)
        return learned_similarity(features), THRESHOLD if params.threshold is None else params.threshold
    passages = best_passages(texts, raw, index)
    features = pair_features(texts, vectors, raw, prior, prior_texts, neighbours=PASSAGE_NEIGHBOURS, passages=passages)
    return learned_similarity(features), PASSAGE_THRESHOLD if params.threshold is None else params.threshold


def group_texts(
    texts: Sequence[str],
    *,
    params: GroupingParams | None = None,
    embed: Embed = embed_questions,
    index: PassageIndex | None = None,
) -> list[list[int]]:
    """Indexes of `texts` grouped as near-duplicates, each group's most central member first; with a document
    `index` (an ingest.retrieval.Retriever), questions answered best by one passage are likelier one."""
    params = params or GroupingParams()
    if not texts:
        return []
    scores, cut = _scored(texts, params, embed, index)
    groups = []
    for members in cluster(scores, cut, params.linkage):
        centre = central_index(members, scores)
        groups.append([centre, *(m for m in members if m != centre)])
    return groups


def pairwise_scores(groups: Sequence[Sequence[int]], pairs: Sequence[tuple[int, int, bool]]) -> tuple[float, float]:
    """Pairwise precision and recall of a grouping on labelled pairs (i, j, same question?)."""
    label = {i: g for g, members in enumerate(groups) for i in members}
    tp = sum(1 for i, j, same in pairs if same and label[i] == label[j])
    fp = sum(1 for i, j, same in pairs if not same and label[i] == label[j])
    fn = sum(1 for i, j, same in pairs if same and label[i] != label[j])
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall
