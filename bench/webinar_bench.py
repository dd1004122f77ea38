"""Webinar Q&A at scale (a benchmark, not a test): 1,000 questions parsed, grouped and answered; seconds and peak
memory printed (issue 11 asks for ≤ 60 s on this machine).

    .venv/bin/python bench/webinar_bench.py [--questions N] [--index DIR] [--out FILE.json]
    .venv/bin/python bench/webinar_bench.py --tune
    .venv/bin/python bench/webinar_bench.py --fit

`--fit` fits the learned pair scorer (bots/webinar/grouping.py SCORER_WEIGHTS: logistic regression over
`pair_features`) on the dev halves of both labelled files (topics.yaml and the blind topics_blind.yaml, each file's
pairs weighted to count equally), searches the cut and the linkage by the mean of the two dev F1s, and prints the
weights, then dev and test precision/recall for both files: the fitted scorer, the shipped defaults and the
hand-weighted method (test halves reported, never used to choose).

`--tune` instead searches the hand-weighted method's (GroupingParams(learned=False)) threshold, key-term weight,
number penalty and prior weight on the dev half of topics.yaml's labelled pairs (tests/bots/webinar/test_grouping.py
builds them, split by topic) and prints the best by dev F1 with precision and recall, and what each scores on the
held-out test half, which is never used to choose (the hand-weighted constants came from such a search).

The questions are the fixture's question bank (tests/bots/webinar/fixtures/topics.yaml, written in enrollers'
words) drawn with a fixed seed and varied the way a chat varies them (case, "quick question:", trailing thanks,
a missing question mark), mixed with greetings, audio checks and thanks, and written as a Zoom chat saved locally.
The Assistant is built first, as `enroller webinar` and the app build it (index opened, model loaded, one warm-up
search): that start-up is reported on its own, and the timed run is parse → drop → group → answer. The index is
--index, else the configured one when it exists, else ../shared/corpus indexed into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

TOPICS = ROOT / "tests" / "bots" / "webinar" / "fixtures" / "topics.yaml"
BLIND = TOPICS.with_name("topics_blind.yaml")
#: The pair scorer's neighbourhood sizes `--fit` tries (the first also for the reduced feature sets).
NEIGHBOURS = (2, 3, 5)
NOISE = ["Hi everyone!", "Can you hear me?", "Thank you!", "Good morning from Fresno", "Thanks so much!"]
NAMES = ["Maria Lopez", "Tom Nguyen", "Aisha Khan", "Luis Ortega", "Grace Kim", "Dev Patel", "Ana Silva", "Joe Park"]


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def question_bank() -> list[str]:
    """Every question of the fixture bank."""
    import yaml

    data: dict[str, Any] = yaml.safe_load(TOPICS.read_text(encoding="utf-8"))
    bank = [q for topic in data.get("topics", {}).values() for q in topic["questions"]]
    bank += [q for q in data.get("singletons", []) if isinstance(q, str)]
    return bank


def vary(question: str, rng: random.Random) -> str:
    """The same question as another attendee types it."""
    text = question
    if rng.random() < 0.25:
        text = text.lower()
    if rng.random() < 0.2:
        text = rng.choice(["Quick question: ", "Question - ", "Hello, "]) + text[0].lower() + text[1:]
    if rng.random() < 0.2:
        text = text.rstrip("?")
    if rng.random() < 0.15:
        text += rng.choice([" Thanks!", " thank you", " (asking for a client)"])
    return text


def zoom_chat(count: int, seed: int = 11) -> tuple[bytes, int]:
    """A Zoom chat (saved locally) holding `count` questions and some noise; (its bytes, messages written)."""
    rng = random.Random(seed)
    bank = question_bank()
    lines, seconds, messages = [], 9 * 3600, 0
    for n in range(count):
        if n % 10 == 0:
            seconds += rng.randint(5, 40)
            lines += [f"{time.strftime('%H:%M:%S', time.gmtime(seconds))} From  {rng.choice(NAMES)}  to  Everyone:"]
            lines += [f"\t{rng.choice(NOISE)}"]
            messages += 1
        seconds += rng.randint(5, 40)
        lines += [f"{time.strftime('%H:%M:%S', time.gmtime(seconds))} From  {rng.choice(NAMES)}  to  Everyone:"]
        lines += [f"\t{vary(rng.choice(bank), rng)}"]
        messages += 1
    return ("\n".join(lines) + "\n").encode("utf-8"), messages


def index_dir(given: Path | None, work: Path) -> Path | None:
    """The index to answer from: --index, the configured one, or the corpus indexed now (None: nothing found)."""
    if given is not None:
        return given
    from assistant.settings import get_settings, source_corpus_dir

    configured = get_settings().resolved_index_dir
    if (configured / "CURRENT").is_file():
        return configured
    corpus = source_corpus_dir()
    if corpus is None:
        return None
    from ingest.index import ingest_paths

    index = work / "index"
    ingest_paths([corpus], index, progress=False)
    return index


def tune() -> int:
    """Grid-search GroupingParams on the dev half of the labelled pairs (embedding once); print the best ten by
    dev F1, each with what it scores on the held-out test half (never used to choose)."""
    import itertools

    import numpy as np
    import yaml

    from bots.webinar.grouping import (
        GroupingParams,
        cluster,
        embed_questions,
        pairwise_scores,
        prior_questions,
        question_vectors,
        similarity_matrix,
    )
    from tests.bots.webinar.test_grouping import labelled_pairs

    topics = yaml.safe_load(TOPICS.read_text(encoding="utf-8"))
    halves = {half: labelled_pairs(topics, half) for half in ("dev", "test")}
    prior = embed_questions(prior_questions())
    embedded = {half: np.vstack([embed_questions(texts), prior]) for half, (texts, _) in halves.items()}

    def score(half: str, params: GroupingParams) -> tuple[float, float]:
        texts, pairs = halves[half]
        vectors = question_vectors(texts, params, embed=lambda _texts: embedded[half])
        cut = params.threshold if params.threshold is not None else 0.0
        return pairwise_scores(cluster(similarity_matrix(texts, vectors, params), cut), pairs)

    rows = []
    for weight, penalty, prior_weight in itertools.product((0.0, 0.1, 0.2), (0.0, 0.15, 0.3), (0, 10, 30)):
        for threshold in [round(0.10 + 0.02 * i, 2) for i in range(26)]:
            params = GroupingParams(threshold, weight, penalty, prior_weight, learned=False, linkage="complete")
            precision, recall = score("dev", params)
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            rows.append((f1, precision, recall, params))
    for half, (texts, pairs) in halves.items():
        print(f"{half}: {len(texts)} questions, {len(pairs)} labelled pairs ({sum(p[2] for p in pairs)} same)")
    print(f"{'devF1':>6} {'prec':>6} {'recall':>6} | {'test P':>6} {'test R':>6} | thresh terms numbers prior")
    rows.sort(key=lambda r: (-r[0], r[3].threshold or 0.0))
    for f1, precision, recall, params in rows[:10]:
        test_p, test_r = score("test", params)
        print(
            f"{f1:6.3f} {precision:6.3f} {recall:6.3f} | {test_p:6.3f} {test_r:6.3f} | {params.threshold or 0.0:6.2f} "
            f"{params.term_weight:5.2f} {params.number_penalty:7.2f} {params.prior_weight:5.0f}"
        )
    return 0


def fit_logistic(x: Any, y: Any, sample: Any, l2: float = 0.01) -> Any:
    """Weights (bias last) of an L2-regularised logistic regression, by Newton's method (NumPy only)."""
    import numpy as np

    xb = np.hstack([x, np.ones((x.shape[0], 1))])
    w = np.zeros(xb.shape[1])
    ridge = l2 * np.diag(np.r_[np.ones(x.shape[1]), 0.0])
    for _ in range(50):
        p = 1 / (1 + np.exp(-xb @ w))
        step = np.linalg.solve(
            (xb * (sample * p * (1 - p))[:, None]).T @ xb + ridge, xb.T @ (sample * (p - y)) + ridge @ w
        )
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def _given(vectors: Any) -> Any:
    """An `Embed` that returns vectors already computed (the questions and the prior, embedded once)."""
    return lambda _texts: vectors


def fit() -> int:
    """Fit the pair scorer on both dev halves, choose cut and linkage on them; print weights and every half's
    precision and recall (test halves never used to choose)."""
    import numpy as np
    import yaml

    from bots.webinar.grouping import (
        HAND_THRESHOLD,
        PASSAGE_NEIGHBOURS,
        PASSAGE_THRESHOLD,
        THRESHOLD,
        GroupingParams,
        best_passages,
        cluster,
        embed_questions,
        embedded,
        group_texts,
        learned_similarity,
        pair_features,
        pairwise_scores,
        prior_questions,
        similarity_matrix,
    )
    from bots.webinar.grouping import NEIGHBOURS as SHIPPED_NEIGHBOURS
    from ingest import ensure_builtin_index
    from ingest.retrieval import Retriever
    from tests.bots.webinar.test_grouping import labelled_pairs

    files = {"topics": TOPICS, "blind": BLIND}
    prior = prior_questions()
    index = Retriever.open(ensure_builtin_index(Path(tempfile.mkdtemp(prefix="webinar-fit-")) / "index"))
    sets: dict[tuple[str, str], Any] = {}
    for name, path in files.items():
        topics = yaml.safe_load(path.read_text(encoding="utf-8"))
        for half in ("dev", "test"):
            texts, pairs = labelled_pairs(topics, half)
            vectors: np.ndarray = embed_questions([*texts, *prior])
            own, raw, prior_vectors, _ = embedded(texts, GroupingParams(), embed=_given(vectors))
            hand = similarity_matrix(texts, own, GroupingParams())
            passages = best_passages(texts, raw, index)
            features = {
                k: pair_features(texts, own, raw, prior_vectors, prior, neighbours=k, passages=passages)
                for k in NEIGHBOURS
            }
            sets[name, half] = (texts, pairs, features, hand)
            print(f"{name} {half}: {len(texts)} questions, {len(pairs)} pairs ({sum(p[2] for p in pairs)} same)")
    dev = [key for key in sets if key[1] == "dev"]

    def f1(pr: tuple[float, float]) -> float:
        return 2 * pr[0] * pr[1] / (pr[0] + pr[1]) if sum(pr) else 0.0

    def fitted(names: list[str], k: int) -> tuple[dict[str, float], float]:
        xs, ys, ws = [], [], []
        for key in dev:
            _, pairs, by_k, _ = sets[key]
            features = by_k[k]
            xs.append(np.array([[features[n][i, j] for n in names] for i, j, _ in pairs]))
            ys.append(np.array([same for _, _, same in pairs], dtype=float))
            ws.append(np.full(len(pairs), 1.0 / len(pairs)))
        y = np.concatenate(ys)
        w = fit_logistic(np.vstack(xs), y, np.concatenate(ws) * len(y) / len(dev))
        return {n: round(float(v), 3) for n, v in zip(names, w[:-1], strict=True)}, round(float(w[-1]), 3)

    def scores(key: tuple[str, str], weights: dict[str, float], bias: float, cut: float, method: str, *, k: int) -> Any:
        _, pairs, by_k, _ = sets[key]
        return pairwise_scores(cluster(learned_similarity(by_k[k], weights, bias), cut, method), pairs)

    def best_cut(weights: dict[str, float], bias: float, k: int) -> tuple[float, float, str]:
        rows = []
        for method in ("average", "complete"):
            for threshold in [round(0.10 + 0.02 * i, 2) for i in range(36)]:
                mean_f1 = float(np.mean([f1(scores(key, weights, bias, threshold, method, k=k)) for key in dev]))
                rows.append((mean_f1, threshold, method))
        return max(rows, key=lambda r: (r[0], -r[1]))

    everything = [n for n in next(iter(sets.values()))[2][NEIGHBOURS[0]] if n != "same_passage"]
    candidates = [("all", everything, k) for k in NEIGHBOURS] + [
        ("no local", [n for n in everything if n != "local"], NEIGHBOURS[0]),
        ("cosines+actions", ["centred", "local", "action_conflict", "action_shared"], NEIGHBOURS[0]),
    ]
    with_passages = [("all+passage", [*everything, "same_passage"], k) for k in NEIGHBOURS]
    print(f"\n{'features':16} neighbours {'devF1':>6} cut linkage")
    best: dict[bool, Any] = {}
    for label, names, k in candidates + with_passages:
        weights, bias = fitted(names, k)
        mean_f1, threshold, method = best_cut(weights, bias, k)
        print(f"{label:16} {k:10} {mean_f1:6.3f} {threshold:.2f} {method}")
        passage = "same_passage" in names
        if passage not in best or mean_f1 > best[passage][0]:
            best[passage] = (mean_f1, label, weights, bias, threshold, method, k)
    for passage, prefix in ((False, "SCORER"), (True, "PASSAGE_SCORER")):
        _, label, weights, bias, threshold, method, k = best[passage]
        print(f"\nbest on dev: {label}, NEIGHBOURS = {k}, {method} linkage cut at {threshold}")
        print(f"{prefix}_WEIGHTS = {weights}\n{prefix}_BIAS = {bias}\n")
        defaults = GroupingParams()
        for key, (_, pairs, by_k, hand) in sets.items():
            fit_p, fit_r = scores(key, weights, bias, threshold, method, k=k)
            chosen = by_k[PASSAGE_NEIGHBOURS if passage else SHIPPED_NEIGHBOURS]
            if not passage:
                chosen = {n: v for n, v in chosen.items() if n != "same_passage"}
            shipped_sim = learned_similarity(chosen)
            cut = PASSAGE_THRESHOLD if passage else THRESHOLD
            shipped = pairwise_scores(cluster(shipped_sim, cut, defaults.linkage), pairs)
            old = pairwise_scores(cluster(hand, HAND_THRESHOLD, "complete"), pairs)
            print(
                f"{key[0]:6} {key[1]:4}: fitted P {fit_p:.3f} R {fit_r:.3f} | shipped P {shipped[0]:.3f} R "
                f"{shipped[1]:.3f} | hand-weighted P {old[0]:.3f} R {old[1]:.3f}"
            )
    print("\nshipped defaults with retyped copies (as a chat repeats questions) added to each dev half:")
    for given, about in ((None, "no index"), (index, "the built-in guides' index")):
        rng = random.Random(5)
        for key in dev:
            texts, pairs, _, _ = sets[key]
            copies = [c for t in texts for c in (vary(t, rng) for _ in range(rng.randint(0, 3))) if c not in texts]
            groups = group_texts([*texts, *copies], index=given)
            kept = [members for members in ([m for m in g if m < len(texts)] for g in groups) if members]
            precision, recall = pairwise_scores(kept, pairs)
            print(
                f"{key[0]:6} {key[1]:4} ({about}): {len(copies)} copies, P {precision:.3f} R {recall:.3f} on the "
                "original pairs"
            )
    return 0


def main() -> int:
    """Build the assistant, then time parse → drop → group → answer on N questions; print the numbers."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=1000, help="questions in the chat (default 1000)")
    parser.add_argument("--index", type=Path, help="index directory (default: configured, else the corpus now)")
    parser.add_argument("--out", type=Path, help="also write the numbers as JSON")
    parser.add_argument("--tune", action="store_true", help="search the hand-weighted grouping's parameters")
    parser.add_argument("--fit", action="store_true", help="fit the grouping's pair scorer on the dev pairs")
    args = parser.parse_args()
    if args.tune:
        return tune()
    if args.fit:
        return fit()

    from assistant.settings import Settings
    from assistant.wiring import build_assistant
    from bots.webinar.answering import answer_groups, build_groups
    from bots.webinar.intake import collect_questions
    from bots.webinar.parsing import parse_bytes

    work = Path(tempfile.mkdtemp(prefix="webinar-bench-"))
    index = index_dir(args.index, work)
    if index is None:
        print("no index or corpus found: pass --index DIR or set ENROLLER_CORPUS_DIR", file=sys.stderr)
        return 2
    raw, written = zoom_chat(args.questions)
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    settings = Settings(data_dir=work / "data", index_dir=index, llm=None)
    with build_assistant(settings, index_dir=index, notice=lambda _m: None) as assistant:
        assistant.search("help request category", 1)  # as the app warms up: index opened, model loaded
        startup_s = time.perf_counter() - started
        rss_started = peak_rss_mb()

        t0 = time.perf_counter()
        parsed = parse_bytes(raw, "bench-chat.txt")
        t1 = time.perf_counter()
        intake = collect_questions([parsed])
        t2 = time.perf_counter()
        groups = build_groups(intake.questions)
        t3 = time.perf_counter()
        answered = answer_groups(groups, assistant, today=None)
        t4 = time.perf_counter()
    # The grouping again with the document index (same_passage; build_groups passes none): its cost alone.
    from bots.webinar.grouping import group_texts
    from ingest.retrieval import Retriever

    t5 = time.perf_counter()
    with_index = group_texts([q.text for q in intake.questions], index=Retriever.open(index))
    t6 = time.perf_counter()
    results = {
        "questions_written": args.questions,
        "messages_written": written,
        "messages_parsed": len(parsed.messages),
        "questions_kept": intake.info.questions,
        "distinct_wordings": len(intake.questions),
        "dropped": len(intake.dropped),
        "groups": len(answered),
        "for_presenter": sum(g.for_presenter for g in answered),
        "index": str(index),
        "startup_s": round(startup_s, 2),
        "parse_s": round(t1 - t0, 3),
        "drop_s": round(t2 - t1, 3),
        "group_s": round(t3 - t2, 2),
        "answer_s": round(t4 - t3, 2),
        "total_s": round(t4 - t0, 2),
        "groups_with_index": len(with_index),
        "group_with_index_s": round(t6 - t5, 2),
        "peak_rss_mb_before_start": round(rss_before, 1),
        "peak_rss_mb_after_start": round(rss_started, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "cpus": os.cpu_count(),
    }
    width = max(len(k) for k in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")
    verdict = "within" if results["total_s"] <= 60 else "OVER"
    print(f"\n{args.questions} questions parsed, grouped and answered in {results['total_s']} s ({verdict} 60 s)")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
