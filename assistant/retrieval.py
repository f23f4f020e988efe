"""Hybrid retrieval: BM25 (jieba) and dense (FAISS) rankings fused, filtered and boosted by what the query states.

`Searcher.search` is the core; `HybridRetriever` exposes it as a LangChain retriever for use in chains.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from .cleaning import clean_text
from .models import Chunk
from .patterns import DOC_NUMBER, normalize_doc_number, same_doc_number
from .places import gazetteer, is_within, level_of
from .query import Query, Term, parse_query

# Tuned on eval/questions.jsonl (python eval/run.py --sweep): see the issue notes.
RRF_K = 60
DEPTH = 60  # candidates taken from each ranking before fusion
COVERAGE_WEIGHT = 0.02  # a fully covered clause moves up about as much as from rank 1 to rank 60 in one list
YEAR_BOOST = 0.004
DOC_TYPE_BOOST = 0.002
PER_NOTICE_CAP = 3  # diversify: at most this many clauses of one notice in the top k, unless nothing else matches
DIVERSITY_PENALTY = 0.6
MASK_CACHE_LIMIT = 256  # cached 文号 masks (one byte per clause each)
REPORT_TYPES = {"报告", "总结", "公报", "通报"}  # issued after the year they report on


@dataclass
class Filters:
    """Restrictions on what may be retrieved; empty means no restriction."""

    jurisdictions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    notice_ids: list[str] = field(default_factory=list)
    doc_numbers: list[str] = field(default_factory=list)


@dataclass
class Hit:
    chunk: Chunk
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
    coverage: float = 0.0  # IDF-weighted share of the query's terms found in the clause (with its title and path)


@dataclass
class SearchResult:
    hits: list[Hit]
    # Why nothing could match, when a stated restriction excludes every clause ("" otherwise).
    empty_reason: str = ""


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = RRF_K, weights: list[float] | None = None) -> list[tuple[int, float]]:
    """Fuse ranked lists of ids: score(id) = Σ weight / (k + rank), rank starting at 1."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def weighted_score_fusion(scored: list[list[tuple[int, float]]], weights: list[float]) -> list[tuple[int, float]]:
    """Fuse (id, score) lists by min-max normalised scores; the alternative RRF was measured against."""
    total: dict[int, float] = {}
    for pairs, weight in zip(scored, weights):
        if not pairs:
            continue
        values = [s for _, s in pairs]
        low, high = min(values), max(values)
        for item, s in pairs:
            norm = (s - low) / (high - low) if high > low else 1.0
            total[item] = total.get(item, 0.0) + weight * norm
    return sorted(total.items(), key=lambda pair: (-pair[1], pair[0]))


def term_coverage(terms: list[Term], text: str, weights: list[float]) -> float:
    """Weighted share of terms with at least one spelling in the text."""
    if not terms:
        return 0.0
    total = sum(weights)
    if total == 0 or any(t.required and not any(s.lower() in text for s in t.spellings) for t in terms):
        return 0.0
    found = sum(w for t, w in zip(terms, weights) if any(s.lower() in text for s in t.spellings))
    return found / total if total else 0.0


def diversify(ranked: list[Hit], k: int, cap: int = PER_NOTICE_CAP, penalty: float = DIVERSITY_PENALTY) -> list[Hit]:
    """Top k where clauses beyond `cap` from one notice count at a discount: other notices get a turn
    unless they match much worse."""
    per_notice: dict[str, int] = {}
    adjusted = []
    for position, hit in enumerate(ranked):
        n = per_notice.get(hit.chunk.notice_id, 0)
        per_notice[hit.chunk.notice_id] = n + 1
        adjusted.append((hit.score * (penalty if n >= cap else 1.0), -position, hit))
    adjusted.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [hit for _, _, hit in adjusted[:k]]


def _names_lower_place(chunk: Chunk, text: str, names: set[str]) -> bool:
    for name in names:
        if level_of(name) > level_of(chunk.jurisdiction or "全国"):
            short = gazetteer()[name].short if name in gazetteer() else ""
            if name in text or (short and short in text):
                return True
    return False


class Searcher:
    """Searches one loaded index with one embedder."""

    def __init__(self, index, embedder, fusion: str = "rrf"):
        self.index = index
        self.embedder = embedder
        self.fusion = fusion
        self._search_texts = [clean_text(c.index_text).lower() for c in index.chunks]
        # One string of all texts: "does the corpus use this phrase anywhere" is then one C-level search.
        self._all_text = "\n".join(self._search_texts)
        self._idf = self._token_idf()
        # Filter masks per place, year and 文号, computed on first use: a question's filters combine them.
        self._place_masks: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._year_masks: dict[int, np.ndarray] = {}
        self._doc_number_masks: dict[str, np.ndarray] = {}
        self._notice_of_row = np.array([c.notice_id for c in index.chunks], dtype=object)
        # 文号 each clause mentions (a notice citing the plan it implements).
        self._doc_numbers = [{normalize_doc_number(m.group(1)) for m in DOC_NUMBER.finditer(text)}
                             for text in self._search_texts]

    def _token_idf(self) -> dict[str, float]:
        """IDF of every BM25 vocabulary token, from the BM25 matrix's column lengths."""
        scores = self.index.bm25.scores
        df = np.diff(np.asarray(scores["indptr"]))
        n = max(int(scores.get("num_docs", len(self.index.chunks))), 1)
        return {tok: math.log(1 + n / max(int(df[col]), 1))
                for tok, col in self.index.bm25.vocab_dict.items() if col < len(df)}

    def term_weights(self, terms: list[Term]) -> list[float]:
        """Rare terms weigh more. A word the corpus never uses weighs nothing: in a question it is far more
        often colloquial (评上, 帮忙) than a missing topic, and missing topics are caught by the answer checks."""
        n = max(len(self.index.chunks), 1)
        weights = []
        for term in terms:
            known = [self._idf[s.lower()] for s in term.spellings if s.lower() in self._idf]
            if known:
                weights.append(min(known))
            elif any(s.lower() in self._all_text for s in term.spellings[:3]):
                weights.append(math.log(1 + n) / 2)  # a phrase jieba cut differently in the corpus
            else:
                weights.append(0.0)
        return weights

    def mask_for(self, filters: Filters) -> tuple[np.ndarray | None, str]:
        """Boolean row mask for the filters, and a reason when it excludes everything."""
        chunks = self.index.chunks
        if not (filters.jurisdictions or filters.years or filters.notice_ids or filters.doc_numbers):
            return None, ""
        mask = np.ones(len(chunks), dtype=bool)
        if filters.notice_ids:
            mask &= np.isin(self._notice_of_row, list(filters.notice_ids))
        if filters.doc_numbers:
            mask &= np.logical_or.reduce([self._doc_number_mask(d) for d in filters.doc_numbers])
            if not mask.any():
                return mask, "语料中没有文号为 " + "、".join(filters.doc_numbers) + " 的文件"
        if filters.jurisdictions:
            names = sorted(set(filters.jurisdictions))
            exact = np.logical_or.reduce([self._place_mask(n)[0] for n in names])
            if not (mask & exact).any():
                # No notice of the place itself: its districts' notices answer for it (山东 → 淄博市, 张店区).
                exact = np.logical_or.reduce([self._place_mask(n)[1] for n in names])
            mask &= exact
            if not mask.any():
                return mask, "语料中没有" + "、".join(filters.jurisdictions) + "的文件"
        if filters.years:
            mask &= np.logical_or.reduce([self._year_mask(y) for y in sorted(set(filters.years))])
            if not mask.any():
                return mask, "语料中没有" + "、".join(f"{y}年" for y in sorted(set(filters.years))) + "的相关文件"
        return mask, ""

    def _doc_number_mask(self, wanted: str) -> np.ndarray:
        """Clauses of the notice with this 文号, or citing it."""
        if wanted not in self._doc_number_masks:
            if len(self._doc_number_masks) >= MASK_CACHE_LIMIT:  # 文号 come from users: bound the memory
                self._doc_number_masks.clear()
            by_notice = {n.id for n in self.index.notices if same_doc_number(n.doc_number_norm, wanted)}
            self._doc_number_masks[wanted] = np.array(
                [c.notice_id in by_notice or any(same_doc_number(wanted, cited) for cited in found)
                 for c, found in zip(self.index.chunks, self._doc_numbers)], dtype=bool)
        return self._doc_number_masks[wanted]

    def _place_mask(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Clauses of the place (or of a higher level naming it), and clauses of places within it."""
        if name not in self._place_masks:
            chunks, names = self.index.chunks, {name}
            # A city notice's clause counts for a district when it names the district (a task assigned to it).
            exact = np.array([c.jurisdiction == name or _names_lower_place(c, text, names)
                              for c, text in zip(chunks, self._search_texts)], dtype=bool)
            within = np.array([is_within(c.jurisdiction, name) for c in chunks], dtype=bool)
            self._place_masks[name] = (exact, within)
        return self._place_masks[name]

    def _year_mask(self, year: int) -> np.ndarray:
        """Clauses that fit the year. A report issued the next year reports on the year asked about; a notice
        with no date is dated by the year in its title; one with neither stays in."""
        if year not in self._year_masks:
            self._year_masks[year] = np.array([self._year_fits(c, text, {year})
                                               for c, text in zip(self.index.chunks, self._search_texts)],
                                              dtype=bool)
        return self._year_masks[year]

    def _year_fits(self, chunk: Chunk, text: str, years: set[int]) -> bool:
        if any(str(y) in text for y in years):
            return True
        notice = self.index.notice_by_id.get(chunk.notice_id)
        year = chunk.year
        if year is None:
            found = re.search(r"(?:19|20)\d{2}", chunk.notice_title)
            year = int(found.group(0)) if found else None
        if year is None:
            return True
        looks_back = notice is not None and notice.doc_type in REPORT_TYPES
        return year in years or (looks_back and year - 1 in years)

    def search(self, query: Query, k: int = 5, filters: Filters | None = None, depth: int = DEPTH,
               query_vector: np.ndarray | None = None) -> SearchResult:
        """Top-k clauses for a parsed query, restricted by the query's own statements and the given filters."""
        stated = Filters(list(query.jurisdictions), list(query.years), [], list(query.doc_numbers))
        if filters:
            stated.jurisdictions = filters.jurisdictions or stated.jurisdictions
            stated.years = filters.years or stated.years
            stated.notice_ids = filters.notice_ids
            stated.doc_numbers = filters.doc_numbers or stated.doc_numbers
        mask, reason = self.mask_for(stated)
        if reason:
            return SearchResult([], reason)
        tokens = self.index.tokenizer.tokenize(query.search_text)
        bm25 = self.index.search_bm25(tokens, depth, mask)
        if query_vector is None:
            query_vector = self.embedder.embed_query(query.search_text)
        dense = self.index.search_dense(query_vector, depth, mask)
        if self.fusion == "weighted":
            fused = weighted_score_fusion([bm25, dense], [0.5, 0.5])
            scale = 1.0 / (RRF_K + 1)  # keep boosts comparable with the RRF scale
            fused = [(row, s * scale) for row, s in fused]
        else:
            fused = reciprocal_rank_fusion([[r for r, _ in bm25], [r for r, _ in dense]])
        bm25_rank = {row: r for r, (row, _) in enumerate(bm25, start=1)}
        dense_rank = {row: r for r, (row, _) in enumerate(dense, start=1)}
        weights = self.term_weights(query.terms)
        hits = []
        for row, score in fused:
            chunk = self.index.chunks[row]
            coverage = term_coverage(query.terms, self._search_texts[row], weights)
            score += COVERAGE_WEIGHT * coverage
            if query.years and (chunk.year in query.years or any(str(y) in self._search_texts[row] for y in query.years)):
                score += YEAR_BOOST
            if query.doc_types and any(chunk.notice_title.endswith(d) for d in query.doc_types):
                score += DOC_TYPE_BOOST
            hits.append(Hit(chunk, score, bm25_rank.get(row), dense_rank.get(row), coverage))
        hits.sort(key=lambda h: -h.score)
        return SearchResult(diversify(hits, k) if k < len(hits) else hits, "")


class HybridRetriever(BaseRetriever):
    """LangChain face of the Searcher: question in, Documents (clause text + citation metadata) out."""

    searcher: Any
    k: int = 5
    filters: Filters | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        parsed = parse_query(query, self.searcher.index.tokenizer.tokenize)
        result = self.searcher.search(parsed, self.k, self.filters)
        return [hit_document(hit, self.searcher.index.notice_by_id.get(hit.chunk.notice_id)) for hit in result.hits]


def hit_document(hit: Hit, notice) -> Document:
    c = hit.chunk
    return Document(
        page_content=c.text,
        id=c.id,
        metadata={
            "chunk_id": c.id, "notice_id": c.notice_id, "notice_title": c.notice_title,
            "doc_number": notice.doc_number if notice else "", "issuer": notice.issuer if notice else "",
            "date": notice.date if notice else "", "jurisdiction": c.jurisdiction, "year": c.year,
            "clause_path": c.clause_path_text, "kind": c.kind, "score": hit.score, "coverage": hit.coverage,
        },
    )
