"""Hybrid retrieval: BM25 over jieba tokens and dense FAISS search, fused by reciprocal rank."""
from __future__ import annotations

from dataclasses import dataclass

from .index import LocalIndex
from .models import Chunk


@dataclass
class Hit:
    chunk: Chunk
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60, weights: list[float] | None = None) -> list[tuple[int, float]]:
    """Fuse ranked lists of ids: score(id) = Σ weight / (k + rank), rank starting at 1."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def hybrid_search(index: LocalIndex, query_vector, query: str, k: int = 5, depth: int = 50) -> list[Hit]:
    """Top-k chunks for a query by fusing BM25 and dense rankings."""
    bm25 = [row for row, _ in index.search_bm25(index.tokenizer.tokenize(query), depth)]
    dense = [row for row, _ in index.search_dense(query_vector, depth)]
    fused = reciprocal_rank_fusion([bm25, dense])[:k]
    bm25_rank = {row: r for r, row in enumerate(bm25, start=1)}
    dense_rank = {row: r for r, row in enumerate(dense, start=1)}
    return [Hit(index.chunks[row], score, bm25_rank.get(row), dense_rank.get(row)) for row, score in fused]
