"""Whether the retrieved clauses answer the question at all: a small logistic model over signals any
corpus gives (no word list), fitted on the dev questions by `eval/fit_decline.py`.

    p = answer_probability(Signals(coverage=0.8, ask_coverage=0.9, similarity=0.82, agreement=1, shows_kind=1, length=0.2))
    p >= DEFAULT_TUNING.answer_threshold   # answer; below it, say the corpus does not answer

Pure logic: the signals are read off the retrieved hits and the chosen evidence.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from assistant.tuning import DEFAULT_TUNING, Tuning

SIGNAL_NAMES = ("coverage", "ask_coverage", "similarity", "agreement", "shows_kind", "length", "fused",
                "sentence_similarity")
LONG_QUESTION_TERMS = 12  # the length signal is 1 from this many topic words on (a resident's whole story)


@dataclass(frozen=True)
class Signals:
    coverage: float  # IDF-weighted share of the question's topic words in the top clause (0–1)
    ask_coverage: float  # the same for the words of the clauses that ask (a resident's story left out)
    similarity: float  # cosine similarity of the question and the closest clause (the embedding model)
    agreement: float  # 1 when the top clause is in the first 5 of both the BM25 and the dense ranking, else 0
    shows_kind: float  # 1 when the top clause shows what the question kind asks (a figure, a department, a date)
    # The question's length in topic words (0–1; words, not characters, so English and Chinese compare): a
    # long question holds words no clause has (a resident's account of themselves), so its similarity to
    # the answering clause is lower; the model lowers the bar for it.
    length: float = 0.0
    # The top clause's score after fusing both retrievers' rankings, scaled so that a clause ranked first by
    # both is 1 (its term coverage and year boosts add to it): how strongly the retrievers agree on it.
    fused: float = 0.0
    # The closest sentence of any top clause to the question (cosine): sharper than the whole clause's
    # similarity when a notice is one long paragraph, as many published ones are.
    sentence_similarity: float = 0.0

    def vector(self) -> list[float]:
        return [float(getattr(self, name)) for name in SIGNAL_NAMES]


def signals_of(hits, evidence, ask_coverage: float | None = None, n_terms: int = 0,
               rrf_k: int = DEFAULT_TUNING.rrf_k) -> Signals:
    """Signals of the top-k hits and the evidence read from them (Evidence objects of extractive.py, in
    the order of the hits). Measured on the dev questions (area under the ROC curve, answerable vs not):
    coverage separates best on the sample corpus (0.95), similarity on corpus-ncp (0.93), where
    out-of-scope questions share few words with any notice; the top clause's kind beats any clause's
    (0.87 against 0.71)."""
    if not hits:
        return Signals(0.0, 0.0, 0.0, 0.0, 0.0)
    top = hits[0]
    agree = (top.bm25_rank or 99) <= 5 and (top.dense_rank or 99) <= 5
    return Signals(
        fused=top.score * (rrf_k + 1) / 2,
        sentence_similarity=max((max(h.sentence_similarity) if h.sentence_similarity else h.dense_score)
                                for h in hits),
        coverage=top.coverage,
        ask_coverage=top.coverage if ask_coverage is None else ask_coverage,
        similarity=max(h.dense_score for h in hits),
        agreement=1.0 if agree else 0.0,
        shows_kind=1.0 if evidence and evidence[0].answers_kind else 0.0,
        length=min(n_terms, LONG_QUESTION_TERMS) / LONG_QUESTION_TERMS,
    )


def answer_probability(signals: Signals, tuning: Tuning = DEFAULT_TUNING) -> float:
    z = tuning.decline_bias + sum(w * x for w, x in zip(tuning.decline_weights, signals.vector()))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
