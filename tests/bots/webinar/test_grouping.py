"""Grouping quality on labelled pairs (paraphrases vs related-but-different questions), with the real MiniLM."""

from __future__ import annotations

import hashlib
import itertools
import random
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from bots.webinar.grouping import (
    GroupingParams,
    actions_named,
    best_passages,
    centred,
    cluster,
    fitted_index,
    group_texts,
    key_terms,
    local_density,
    numbers_named,
    pair_features,
    pairwise_scores,
    similarity_matrix,
)

#: What the grouping (no document index), fitted on the dev halves of both banks, reaches on topics.yaml's held-out
#: test half (measured there: precision 0.868, recall 0.772; the hand-weighted method before it measured 0.854 /
#: 0.827; the issue asks for 0.90 each: not reached). A little under the measured values, so a change that loses a
#: few pairs fails.
MIN_PRECISION = 0.85
MIN_RECALL = 0.75
#: The same on topics_blind.yaml's held-out test half (measured: precision 0.680, recall 0.620; the hand-weighted
#: method measured 0.613 / 0.601).
MIN_BLIND_PRECISION = 0.66
MIN_BLIND_RECALL = 0.60
#: With the built-in guides' index (same_passage, the passage scorer), measured on the test halves: topics.yaml
#: 0.880 / 0.815, topics_blind.yaml 0.691 / 0.634.
MIN_INDEX_PRECISION = 0.86
MIN_INDEX_RECALL = 0.79
MIN_INDEX_BLIND_PRECISION = 0.67
MIN_INDEX_BLIND_RECALL = 0.61


def half_of(label: str) -> str:
    """Which half, dev or test: a stable hash of a topic's id (or a singleton's "single:" label) puts it in one half."""
    return "test" if int(hashlib.sha256(label.encode("utf-8")).hexdigest(), 16) % 2 else "dev"


def labelled_pairs(topics: dict[str, Any], half: str | None = None) -> tuple[list[str], list[tuple[int, int, bool]]]:
    """The bank's questions (all, or one half's: whole topics, never split), and pairs: same topic = same question;
    a related topic (in the same half) or a random other question = different."""
    texts: list[str] = []
    label: list[str] = []
    for tid, topic in topics["topics"].items():
        if half is None or half_of(tid) == half:
            for q in topic["questions"]:
                texts.append(q)
                label.append(tid)
    for q in topics["singletons"]:
        if half is None or half_of(f"single:{q}") == half:
            texts.append(q)
            label.append(f"single:{q}")
    where: dict[str, list[int]] = {}
    for i, tid in enumerate(label):
        where.setdefault(tid, []).append(i)
    pairs: list[tuple[int, int, bool]] = []
    for tid, topic in topics["topics"].items():
        if tid not in where:
            continue
        pairs += [(i, j, True) for i, j in itertools.combinations(where[tid], 2)]
        pairs += [
            (min(i, j), max(i, j), False)
            for r in topic["related"]
            if r in where
            for i in where[tid]
            for j in where[r]
            if i < j
        ]
    pairs = list(dict.fromkeys(pairs))
    rng = random.Random(3)
    while sum(1 for p in pairs if not p[2]) < (1500 if half is None else 750):
        i, j = rng.sample(range(len(texts)), 2)
        if label[i] != label[j]:
            pairs.append((min(i, j), max(i, j), False))
    return texts, pairs


def test_labelled_pairs_cover_paraphrases_and_related_questions(topics: dict[str, Any]) -> None:
    """The labelled set has hundreds of paraphrase pairs and related-but-different pairs."""
    _, pairs = labelled_pairs(topics)
    assert sum(1 for p in pairs if p[2]) >= 300
    assert sum(1 for p in pairs if not p[2]) >= 1500


def test_dev_and_test_halves_split_by_topic(topics: dict[str, Any]) -> None:
    """The halves share no question, each holds paraphrase and related pairs, and together hold every question."""
    dev, dev_pairs = labelled_pairs(topics, "dev")
    test, test_pairs = labelled_pairs(topics, "test")
    assert not set(dev) & set(test)
    assert len(dev) + len(test) == len(labelled_pairs(topics)[0])
    for pairs in (dev_pairs, test_pairs):
        assert sum(1 for p in pairs if p[2]) >= 150
        assert sum(1 for p in pairs if not p[2]) >= 750


def test_different_numbers_keep_questions_apart() -> None:
    """Two questions naming different dates are pushed apart; key terms drop stop words."""
    texts = ["Hours on 1/31?", "Hours on 11/27?"]
    vectors = np.eye(2, dtype=np.float32)[[0, 0]]
    sim = similarity_matrix(texts, vectors, GroupingParams(number_penalty=0.3, term_weight=0.0))
    assert sim[0, 1] == pytest.approx(0.7)
    assert "the" not in key_terms("What are the hours?")


def test_cluster_keeps_dissimilar_apart() -> None:
    """Two tight pairs far from each other stay two groups."""
    sim = np.array([[1, 0.9, 0.1, 0.1], [0.9, 1, 0.1, 0.1], [0.1, 0.1, 1, 0.8], [0.1, 0.1, 0.8, 1]])
    assert cluster(sim, 0.5) == [[0, 1], [2, 3]]


def test_cluster_does_not_chain() -> None:
    """Complete linkage: 0 is like 1 and 1 like 2, but 0 is not like 2, so the three are not one group."""
    sim = np.array([[1, 0.8, 0.1], [0.8, 1, 0.8], [0.1, 0.8, 1]])
    assert len(cluster(sim, 0.5)) == 2


def test_centring_removes_the_shared_direction() -> None:
    """Two questions alike only in the frame every question shares are far apart once centred."""
    frame = np.array([1.0, 0.0, 0.0])
    vectors = np.array([[0.9, 0.3, 0.0], [0.9, 0.0, 0.3]])
    out = centred(vectors, frame, prior_weight=10)
    assert float(vectors[0] @ vectors[1]) > 0.8
    assert float(out[0] @ out[1]) < 0.2
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)


def test_pairwise_scores_count_pairs() -> None:
    """Precision and recall over labelled pairs."""
    assert pairwise_scores([[0, 1], [2]], [(0, 1, True), (1, 2, True), (0, 2, False)]) == (1.0, 0.5)


@pytest.mark.slow
def test_grouping_precision_and_recall_on_held_out_pairs(topics: dict[str, Any]) -> None:
    """With the parameters tuned on the dev half, pairwise precision and recall on the test half hold their
    measured level (the test half's questions grouped on their own, as one webinar's)."""
    texts, pairs = labelled_pairs(topics, "test")
    groups = group_texts(texts)
    precision, recall = pairwise_scores(groups, pairs)
    print(f"test half: pairwise precision {precision:.3f} recall {recall:.3f} on {len(pairs)} pairs")
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL


@pytest.mark.slow
def test_grouping_precision_and_recall_on_held_out_blind_pairs(topics_blind: dict[str, Any]) -> None:
    """The same on the blind bank's test half (many close related topics; never used to fit or choose)."""
    texts, pairs = labelled_pairs(topics_blind, "test")
    precision, recall = pairwise_scores(group_texts(texts), pairs)
    print(f"blind test half: pairwise precision {precision:.3f} recall {recall:.3f} on {len(pairs)} pairs")
    assert precision >= MIN_BLIND_PRECISION
    assert recall >= MIN_BLIND_RECALL


@pytest.mark.slow
@pytest.mark.parametrize(
    ("bank", "min_precision", "min_recall"),
    [
        ("topics", MIN_INDEX_PRECISION, MIN_INDEX_RECALL),
        ("topics_blind", MIN_INDEX_BLIND_PRECISION, MIN_INDEX_BLIND_RECALL),
    ],
)
def test_grouping_with_an_index_on_held_out_pairs(
    bank: str, min_precision: float, min_recall: float, builtin_index: Path, request: pytest.FixtureRequest
) -> None:
    """With the built-in guides' index, questions answered best by one passage are likelier one: both banks'
    held-out test halves hold the passage scorer's measured level."""
    from ingest.retrieval import Retriever

    texts, pairs = labelled_pairs(request.getfixturevalue(bank), "test")
    precision, recall = pairwise_scores(group_texts(texts, index=Retriever.open(builtin_index)), pairs)
    print(f"{bank} test half with the index: pairwise precision {precision:.3f} recall {recall:.3f}")
    assert precision >= min_precision
    assert recall >= min_recall


def _fake_index() -> Any:
    """A document index of three one-word passages (dense vectors on the axes, BM25 by the word)."""
    from ingest.keyword import BM25Index
    from ingest.retrieval import Retriever

    words = ["delegation", "storefront", "hours"]
    chunks = [SimpleNamespace(text=f"{w} " * 10) for w in words]
    data = SimpleNamespace(
        chunks=chunks,
        vectors=np.eye(3, dtype=np.float32),
        window_vectors=np.zeros((0, 3), dtype=np.float32),
        window_owner=np.zeros(0, dtype=np.int64),
    )
    return Retriever(data, BM25Index.build([c.text for c in chunks]))


def test_best_passages_and_same_passage() -> None:
    """Each question's best passage by the fused score; same_passage marks the pairs one passage answers best;
    no index (or an empty one) groups exactly as before."""
    texts = ["delegation?", "storefront?", "delegation please", "hours?"]
    raw = np.eye(3, dtype=np.float32)[[0, 1, 0, 2]]
    passages = best_passages(texts, raw, _fake_index())
    assert passages.tolist() == [0, 1, 0, 2]
    features = pair_features(texts, raw, raw, np.zeros((0, 3)), [], passages=passages)
    assert features["same_passage"][0, 2] == 1.0
    assert features["same_passage"][0, 1] == 0.0
    assert "same_passage" not in pair_features(texts, raw, raw, np.zeros((0, 3)), [])
    empty = _fake_index()
    empty.chunks = []
    vectors = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0]], dtype=np.float32)
    params = GroupingParams(prior_weight=0)
    embed = lambda given: vectors[: len(given)]  # noqa: E731
    assert group_texts(["a b", "a c", "d e"], params=params, embed=embed, index=empty) == group_texts(
        ["a b", "a c", "d e"], params=params, embed=embed
    )


def test_the_passage_scorer_is_used_only_with_the_built_in_guides() -> None:
    """The passage scorer was fitted on the built-in guides' index: an index that holds only those guides gets
    it; one with another source (the toolkit PDFs) or without the dense and keyword parts does not."""
    guides = _fake_index()
    for chunk, name in zip(
        guides.chunks, ["delegation-tool.md", "rop-timeline.md", "service-center-hours.md"], strict=True
    ):
        chunk.source = name
    assert fitted_index(guides) is guides
    guides.chunks[0].source = "Understanding_ROP_and_Auto_Discontinuance.pdf"
    assert fitted_index(guides) is None
    assert fitted_index(SimpleNamespace(chunks=[SimpleNamespace(source="rop-timeline.md", text="x")])) is None


def test_a_report_groups_with_the_assistants_own_index(builtin_index: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`build_report` hands the assistant's own index to the grouping (the passage scorer then applies: it holds
    the built-in guides), and the report's groups are the ones the grouping made with it."""
    from assistant.engine import Assistant
    from bots.webinar import answering
    from bots.webinar.intake import Intake
    from bots.webinar.models import Question, WebinarInfo

    seen: list[Any] = []

    def spy(texts: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("index"))
        return group_texts(texts, **kwargs)

    monkeypatch.setattr(answering, "group_texts", spy)
    texts = ["when does the nod03 go out", "nod03 timing?", "is the sc open on thanksgiving", "sc hours thanksgiving"]
    intake = Intake(info=WebinarInfo(), questions=[Question(text=t) for t in texts], dropped=[])
    with Assistant(index_dir=builtin_index) as assistant:
        report = answering.build_report(intake, assistant)
        assert seen == [assistant.retriever()]
    assert sorted(q for g in report.groups for q in g.questions) == sorted(texts)


def test_dates_are_compared_however_written() -> None:
    """ "nov 28th", "11/28" and "11/28/25" name one date; "6pm" is 6; a question without numbers names none."""
    assert numbers_named("open friday nov 28th?") == numbers_named("open 11/28") == numbers_named("11/28/25?")
    assert numbers_named("is it 6pm or 5") == {"6", "5"}
    assert numbers_named("what are the hours") == frozenset()


def test_pair_features_count_local_density_and_shared_numbers() -> None:
    """The local cosine is lower for a pair in a crowded corner than the plain cosine says; a shared date and a
    conflicting one are told apart."""
    texts = ["closed nov 11?", "closed 11/11?", "closed 11/28?", "export my book"]
    vectors = np.array([[1.0, 0.0, 0.0], [0.9, 0.436, 0.0], [0.9, -0.436, 0.0], [0.0, 0.0, 1.0]])
    features = pair_features(texts, vectors, vectors, np.zeros((0, 3)), [])
    assert features["number_shared"][0, 1] == 1.0
    assert features["number_conflict"][0, 2] == 1.0
    assert features["number_conflict"][0, 3] == 0.0
    assert features["local"][0, 1] < features["centred"][0, 1]
    assert np.allclose(features["centred"], features["raw"])


def test_a_question_retyped_does_not_crowd_its_corner() -> None:
    """Copies of a question (cosine at least RETYPED) are not its neighbours and count once as another's."""
    a, b, c = np.array([1.0, 0.0, 0.0]), np.array([0.6, 0.8, 0.0]), np.array([0.0, 0.0, 1.0])
    alone = np.array([a, b, c])
    repeated = np.array([a, a, a, b, c])
    none = np.zeros((3, 0))
    density = local_density(alone @ alone.T, none)
    assert np.allclose(local_density(repeated @ repeated.T, np.zeros((5, 0)))[[0, 3, 4]], density)


def test_hand_weighted_method_still_groups() -> None:
    """GroupingParams(learned=False) is the method before the learned scorer: cosine cut by complete linkage."""
    vectors = np.array([[1.0, 0.0], [0.99, 0.14], [0.0, 1.0]], dtype=np.float32)
    params = GroupingParams(learned=False, prior_weight=0, threshold=0.5, linkage="complete")
    groups = group_texts(["a b", "a c", "d e"], params=params, embed=lambda texts: vectors[: len(texts)])
    assert sorted(sorted(g) for g in groups) == [[0, 1], [2]]


def test_different_actions_on_one_subject_are_kept_apart() -> None:
    """ "accept a delegation" and "remove a delegation" name different actions: their similarity drops by the
    action penalty; two wordings of one action, or a question naming none, keep theirs."""
    texts = [
        "how do i accept a delegation",
        "how do i remove a delegation",
        "accepting a delegation request?",
        "what is a delegation",
    ]
    accept, remove, accepting, neither = actions_named(texts)
    assert accept == accepting
    assert accept
    assert remove
    assert not accept & remove
    assert neither == frozenset()
    vectors = np.tile(np.array([[1.0, 0.0]], dtype=np.float32), (4, 1))
    params = GroupingParams(action_penalty=0.25)
    sim = similarity_matrix(texts, vectors, params)
    assert sim[0, 1] == pytest.approx(0.75)
    assert sim[0, 2] == pytest.approx(1.0)
    assert sim[1, 3] == pytest.approx(1.0)
