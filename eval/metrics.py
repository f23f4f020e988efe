"""Scoring of answer records against the question set (pure functions, no model)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import mean

ANSWERABLE_METRICS = ("hit@1", "hit@5", "MRR", "answer_acc", "citation_acc", "false_abstention")


def squash(text: str) -> str:
    """Whitespace removed: PDF extractions break lines and space out characters at random."""
    return re.sub(r"\s+", "", text or "")


def gold_rank(question: dict, record: dict, k: int = 5) -> int | None:
    """1-based rank of the first citation whose text holds a gold quote, within the top k."""
    quotes = [squash(g["quote"]) for g in question.get("gold", [])]
    for rank, citation in enumerate(record.get("citations", [])[:k], start=1):
        text = squash(citation.get("text", ""))
        if any(q and q in text for q in quotes):
            return rank
    return None


def answer_correct(question: dict, record: dict) -> bool:
    answer = squash(record.get("answer", ""))
    return not record.get("abstained") and all(squash(m) in answer for m in question.get("must_contain", []))


def char_recall(question: dict, record: dict) -> float:
    """Share of the reference answer's characters (letters, digits, CJK; as a multiset) that the answer
    holds — how much of the gold answer a reader finds in ours, whatever its wording. 0 when declined."""
    if record.get("abstained"):
        return 0.0
    reference = Counter(_WORD_CHARS.findall(question.get("answer", "")))
    if not reference:
        return 0.0
    ours = Counter(_WORD_CHARS.findall(record.get("answer", "")))
    return sum(min(n, ours[ch]) for ch, n in reference.items()) / sum(reference.values())


_WORD_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


def citation_correct(question: dict, record: dict) -> bool:
    citations = record.get("citations", [])
    if record.get("abstained") or not citations:
        return False
    return squash(citations[0].get("notice_title", "")) == squash(question.get("notice", ""))


@dataclass
class Scores:
    n: int = 0
    values: dict[str, list[float]] = field(default_factory=dict)

    def add(self, name: str, value: float) -> None:
        self.values.setdefault(name, []).append(float(value))

    def get(self, name: str) -> float | None:
        v = self.values.get(name)
        return mean(v) if v else None


def score(questions: list[dict], records: dict[str, dict]) -> dict[str, Scores]:
    """Scores per question type, per language ("lang:en") and "overall"."""
    groups: dict[str, Scores] = {}
    for q in questions:
        record = records.get(q["id"])
        if record is None:
            continue
        for group in ("overall", q["type"], "lang:" + q.get("lang", "zh"), *q.get("groups", [])):
            s = groups.setdefault(group, Scores())
            s.n += 1
            if q["type"] == "unanswerable" or not q.get("gold"):
                s.add("abstention", record.get("abstained", False))
            else:
                rank = gold_rank(q, record)
                s.add("hit@1", rank == 1)
                s.add("hit@5", rank is not None)
                s.add("MRR", 1.0 / rank if rank else 0.0)
                s.add("answer_acc", answer_correct(q, record))
                s.add("char_recall", char_recall(q, record))
                s.add("citation_acc", citation_correct(q, record))
                s.add("false_abstention", record.get("abstained", False))
            s.add("latency_ms", record.get("latency_ms", 0.0))
    return groups


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
