"""Group near-duplicate questions: centred MiniLM cosine similarity, complete-linkage clusters.

Every enroller question shares the same frame ("how do I … for my consumer … Covered California"), and MiniLM's
vectors share a common direction for it, so raw cosines of unrelated questions are high and close together. The
vectors are therefore centred before the cosine: on the mean of the questions being grouped, shrunk towards the
mean of typical enroller questions (the router's examples in knowledge/routing.yaml) with `PRIOR_WEIGHT`
pseudo-questions, so a batch of two is not pulled apart by its own mean. The similarity of two questions is that
cosine `+ TERM_WEIGHT * jaccard(key terms) - NUMBER_PENALTY` (the penalty when both name numbers or dates and share
none) `- ACTION_PENALTY` when both name an action (knowledge/webinar.yaml `grouping_actions`: accept, remove,
transfer, export...) and share none: "accept a delegation" and "remove a delegation" are two questions. Groups
are complete-linkage clusters cut at `THRESHOLD`: every two questions of a group are that similar, so a chain of
near neighbours never joins two questions that are not alike themselves.

The constants were tuned on the dev half of the labelled pairs (tests/bots/webinar/fixtures/topics.yaml: topics
of paraphrases and their related-but-different topics, split by a stable hash of the topic) with
bench/webinar_bench.py --tune; test_grouping.py checks pairwise precision and recall on the other, held-out half.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ingest.embedding import EMBEDDING_DIM

THRESHOLD = 0.20
TERM_WEIGHT = 0.0
NUMBER_PENALTY = 0.0
#: Dev half: 0.0 / 0.25 / 0.5 gave pairwise precision 0.831 / 0.926 / 0.924 at recall 0.817 / 0.817 / 0.793.
ACTION_PENALTY = 0.25
#: How many typical enroller questions the batch's mean is shrunk towards before centring.
PRIOR_WEIGHT = 10
#: Above this many questions the batched sentence-transformers encoder beats one NumPy pass per question.
BATCH_FROM = 200

Embed = Callable[[Sequence[str]], np.ndarray]

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


def centred(vectors: np.ndarray, prior: np.ndarray, prior_weight: float) -> np.ndarray:
    """Unit vectors after removing the common direction: the rows' mean shrunk towards `prior` (a mean vector)
    with `prior_weight` pseudo-rows. A row left at zero (a question equal to the mean) stays zero."""
    n = vectors.shape[0]
    if n == 0:
        return vectors
    mean = (n * vectors.mean(0) + prior_weight * prior) / (n + prior_weight)
    out = vectors - mean
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    result: np.ndarray = out / np.where(norms == 0, 1, norms)
    return result


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

    threshold: float = THRESHOLD
    term_weight: float = TERM_WEIGHT
    number_penalty: float = NUMBER_PENALTY
    prior_weight: float = PRIOR_WEIGHT
    action_penalty: float = ACTION_PENALTY


def similarity_matrix(texts: Sequence[str], vectors: np.ndarray, params: GroupingParams) -> np.ndarray:
    """Pairwise similarity: cosine, plus shared key terms, minus the penalty for different numbers."""
    n = len(texts)
    cosine = vectors @ vectors.T
    compared = [comparable(t) for t in texts]
    terms = [key_terms(t) for t in compared]
    vocab = {term: i for i, term in enumerate(sorted(set().union(*terms)))} if terms else {}
    has = np.zeros((n, max(1, len(vocab))), dtype=np.float32)
    numbers = np.zeros((n, max(1, len(vocab))), dtype=np.float32)
    for row, words in enumerate(terms):
        for word in words:
            has[row, vocab[word]] = 1.0
            if _NUMBER.search(word):
                numbers[row, vocab[word]] = 1.0
    shared = has @ has.T
    sizes = has.sum(1)
    union = sizes[:, None] + sizes[None, :] - shared
    jaccard = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    counts = numbers.sum(1)
    both_numbered = (counts[:, None] > 0) & (counts[None, :] > 0)
    conflict = both_numbered & ((numbers @ numbers.T) == 0)
    acts = _actions_in(compared)
    different_actions = np.array([[bool(a and b and not a & b) for b in acts] for a in acts], dtype=bool)
    result: np.ndarray = (
        cosine
        + params.term_weight * jaccard
        - params.number_penalty * conflict
        - params.action_penalty * different_actions
    )
    return result


def actions_named(texts: Sequence[str]) -> list[frozenset[int]]:
    """For each text, which of knowledge/webinar.yaml's `grouping_actions` it names."""
    return _actions_in([comparable(t) for t in texts])


def _actions_in(compared: Sequence[str]) -> list[frozenset[int]]:
    """`actions_named` of texts already through `comparable`."""
    from bots.webinar.rules import webinar_rules

    patterns = webinar_rules().actions
    return [frozenset(n for n, p in enumerate(patterns) if p.search(t)) for t in compared]


def cluster(similarity: np.ndarray, threshold: float) -> list[list[int]]:
    """Complete-linkage clusters whose members are all at least `threshold` similar to each other; largest first."""
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
        linkage(squareform(distance, checks=False), method="complete"), t=2.0 - threshold, criterion="distance"
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
    prior = prior_questions() if params.prior_weight else []
    vectors = embed([*texts, *prior])
    own, others = vectors[: len(texts)], vectors[len(texts) :]
    prior_mean = others.mean(0) if len(others) else np.zeros(vectors.shape[1], dtype=vectors.dtype)
    return centred(own, prior_mean, params.prior_weight if len(others) else 0.0)


def group_texts(
    texts: Sequence[str], *, params: GroupingParams | None = None, embed: Embed = embed_questions
) -> list[list[int]]:
    """Indexes of `texts` grouped as near-duplicates, each group's most central member first."""
    params = params or GroupingParams()
    if not texts:
        return []
    similarity = similarity_matrix(texts, question_vectors(texts, params, embed), params)
    groups = []
    for members in cluster(similarity, params.threshold):
        centre = central_index(members, similarity)
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
