#!/usr/bin/env python
"""Fit the decline model (answering/decline.py) on the dev questions and report it on the frozen test files.

    python eval/fit_decline.py [--index DIR]     # prints weights to copy into assistant/tuning.py

For every question the assistant retrieves as it would to answer, then reads the signals (coverage of the
question's words, question–clause similarity, agreement of the two rankings, a clause showing the asked
kind). Label: the question has a gold answer in the corpus. A logistic regression with both classes
weighted equally (few questions are unanswerable) is fitted on the dev files only; the test files are
scored with the fitted model, never fitted on. Questions whose stated place, year or 文号 is not in the
corpus are declined before the model and left out.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.answering.decline import SIGNAL_NAMES, signals_of  # noqa: E402
from assistant.answering.extractive import ask_coverage, select_evidence  # noqa: E402
from assistant.config import REPO_ROOT, add_common_args, settings_from_args  # noqa: E402
from eval.run import QUESTION_SETS, load_questions  # noqa: E402

SETS = QUESTION_SETS


def collect(assistant, questions: list[dict], k: int) -> tuple[np.ndarray, np.ndarray]:
    rows, labels = [], []
    tuning = assistant.settings.tuning
    for q in questions:
        query = assistant.parse(q["question"])
        result = assistant.retrieve(query, max(k, tuning.evidence_pool))
        if result.empty_reason or not query.terms:
            continue
        weights = assistant.searcher.term_weights(query.terms)
        evidence = [select_evidence(query, h, weights, tuning) for h in result.hits[:k]]
        rows.append(signals_of(result.hits[:k], evidence, ask_coverage(query, result.hits[:k], weights),
                               len(query.terms), tuning.rrf_k).vector())
        labels.append(1.0 if q.get("gold") else 0.0)
    return np.array(rows), np.array(labels)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.05, steps: int = 50) -> np.ndarray:
    """Weighted logistic regression by Newton's method on standardised signals (so the L2 penalty treats
    them alike); returns [bias, w1, …] on the raw scale."""
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    beta = _fit((x - mean) / std, y, l2, steps)
    weights = beta[1:] / std
    return np.concatenate([[beta[0] - (weights * mean).sum()], weights])


def fit_monotone(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """fit(), with every weight ≥ 0: more evidence never lowers the probability of answering. A signal the
    fit weighs negatively (it only corrects a correlated one) is left out and the rest refitted."""
    kept = list(range(x.shape[1]))
    while True:
        beta = fit(x[:, kept], y)
        negative = [kept[i] for i, w in enumerate(beta[1:]) if w < 0]
        if not negative:
            break
        kept = [j for j in kept if j not in negative]
    full = np.zeros(x.shape[1] + 1)
    full[0] = beta[0]
    for i, j in enumerate(kept):
        full[j + 1] = beta[i + 1]
    return full


def _fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int) -> np.ndarray:
    X = np.hstack([np.ones((len(x), 1)), x])
    sample_weight = np.where(y == 1, 0.5 / max(y.sum(), 1), 0.5 / max((1 - y).sum(), 1)) * len(y)
    beta = np.zeros(X.shape[1])
    penalty = l2 * np.eye(X.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-X @ beta))
        gradient = X.T @ (sample_weight * (p - y)) + penalty @ beta
        hessian = (X * (sample_weight * p * (1 - p))[:, None]).T @ X + penalty
        beta -= np.linalg.solve(hessian, gradient)
    return beta


def report(name: str, x: np.ndarray, y: np.ndarray, beta: np.ndarray, threshold: float) -> None:
    if not len(y):
        print(f"| {name} | 0 | – | – |")
        return
    p = 1 / (1 + np.exp(-(beta[0] + x @ beta[1:])))
    answered = p >= threshold
    declined_unanswerable = (~answered & (y == 0)).sum() / max((y == 0).sum(), 1)
    false_decline = (~answered & (y == 1)).sum() / max((y == 1).sum(), 1)
    print(f"| {name} | {len(y)} ({int((y == 0).sum())} unanswerable) | {declined_unanswerable:.3f} | {false_decline:.3f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--threshold", type=float, help="report the files at this threshold (default: tuning's)")
    add_common_args(parser)
    args = parser.parse_args()
    settings = settings_from_args(args)
    from assistant.embedding import load_embedder
    from assistant.ingest.build import ingest
    from assistant.pipeline import Assistant

    embedder = load_embedder(settings)
    data = {}
    for name, corpus, dev, test in SETS:
        index = settings.index_dir if name == "sample" else settings.index_dir.with_name(settings.index_dir.name + "-" + name)
        s = replace(settings, corpus_dir=corpus, index_dir=index)
        ingest(s, progress=False, embedder_factory=lambda _: embedder)
        assistant = Assistant(s, embedder=embedder)
        for split, files in (("dev", dev), ("test", test)):
            questions = [q for f in files if (REPO_ROOT / "eval" / f).exists() for q in load_questions(REPO_ROOT / "eval" / f)]
            data[(name, split)] = collect(assistant, questions, args.k)
    x = np.vstack([data[(n, "dev")][0] for n, *_ in SETS])
    y = np.concatenate([data[(n, "dev")][1] for n, *_ in SETS])
    beta = fit_monotone(x, y)
    print("decline_weights = (" + ", ".join(f"{w:.3f}" for w in beta[1:]) + f")  # {', '.join(SIGNAL_NAMES)}")
    print(f"decline_bias = {beta[0]:.3f}\n")
    print("threshold sweep on the dev questions (both corpora):")
    print("| threshold | unanswerable declined | answerable declined |\n|---|---|---|")
    p = 1 / (1 + np.exp(-(beta[0] + x @ beta[1:])))
    for t in THRESHOLDS:
        print(f"| {t:.2f} | {((p < t) & (y == 0)).sum() / max((y == 0).sum(), 1):.3f} | "
              f"{((p < t) & (y == 1)).sum() / max((y == 1).sum(), 1):.3f} |")
    threshold = args.threshold if args.threshold is not None else settings.tuning.answer_threshold
    current = np.array([settings.tuning.decline_bias, *settings.tuning.decline_weights])
    for label, weights in (("fitted", beta), ("in tuning.py now", current)):
        print(f"\n{label}, at threshold {threshold}:")
        print("| set | questions | unanswerable declined | answerable declined |\n|---|---|---|---|")
        for (name, split), (xs, ys) in data.items():
            report(f"{name} {split}", xs, ys, weights, threshold)
    return 0


THRESHOLDS = (0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)


if __name__ == "__main__":
    sys.exit(main())
