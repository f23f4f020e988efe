"""Hybrid retrieval: the store's BM25 (jieba) and dense rankings fused, restricted and boosted by what the query states.

`Searcher.search` is the core; `assistant.apps.langchain_adapter.HybridRetriever` exposes it to LangChain chains.
"""
from __future__ import annotations

import math
import re
from functools import cached_property

import numpy as np

from assistant.config import Fusion
from assistant.embedding import Embedder
from assistant.govdocs.cleaning import to_simplified
from assistant.govdocs.clauses import looks_back
from assistant.govdocs.notices import document_name
from assistant.govdocs.places import COUNTRY, ancestors, level_name
from assistant.models import Chunk, Filters, Hit, SearchResult
from assistant.stores.base import Store
from assistant.stores.facets import Restriction
from assistant.tuning import DEFAULT_TUNING, Tuning
from .query import Query, Term

# A document named by fewer characters (方案, 通知) is no name: every notice of its kind would be "named".
MIN_DOCUMENT_NAME = 4


def _bare(text: str) -> str:
    """Text without spaces, quotation marks and brackets, as names are compared."""
    return re.sub(r"[\s《》〈〉“”\"'‘’「」()（）]", "", text)



def reciprocal_rank_fusion(rankings: list[list[int]], k: int = DEFAULT_TUNING.rrf_k, weights: list[float] | None = None) -> list[tuple[int, float]]:
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


def fits_asked_year(years: list[int], chunk: Chunk, text: str) -> bool:
    """Whether a clause is of a year asked: its notice's year, a year it names, or — in a report's review of
    the past year (一年来…) — the year before its notice's."""
    return (chunk.year in years or any(str(y) in text for y in years)
            or bool(chunk.year and chunk.year - 1 in years and looks_back(chunk.clause_path, chunk.year)))


def diversify(ranked: list[Hit], k: int, cap: int = DEFAULT_TUNING.per_notice_cap,
              penalty: float = DEFAULT_TUNING.diversity_penalty) -> list[Hit]:
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


def each_place_a_turn(hits: list[Hit], own: dict[str, list[Hit]], k: int, turn: int = DEFAULT_TUNING.place_turn
                      ) -> list[Hit]:
    """The hits with each place's own best `turn` clauses (own[place], searched for it alone) in the first k,
    taking the last places there, for a place none of the first k is of (a comparison of two districts)."""
    top = hits[:k]
    extra: list[Hit] = []
    for place, place_hits in own.items():
        if any(h.chunk.jurisdiction == place for h in top):
            continue
        extra += [h for h in place_hits[:turn] if all(h.chunk.id != t.chunk.id for t in top + extra)]
    if not extra:
        return hits
    kept = top[:max(k - len(extra), 1)]
    return kept + extra + [h for h in hits[len(kept):] if all(h.chunk.id != e.chunk.id for e in extra)]


_HAN_WORD = re.compile(r"[\u4e00-\u9fff]+")


class Searcher:
    """Searches one loaded index (any store) with one embedder."""

    def __init__(self, index: Store, embedder: Embedder, fusion: Fusion | str = Fusion.RRF,
                 tuning: Tuning = DEFAULT_TUNING):
        self.index = index
        self.tuning = tuning
        self.embedder = embedder
        self.fusion = Fusion(fusion)  # an unknown value raises instead of silently becoming RRF
        # One string of all texts: "does the corpus use this phrase anywhere" is then one C-level search.
        self._all_text = "\n".join(index.search_texts)
        # The texts of notices whose place is unknown (a bank's news), and of all others.
        self._placeless_text = "\n".join(t for c, t in zip(index.chunks, index.search_texts) if not c.jurisdiction)
        self._placed_text = "\n".join(t for c, t in zip(index.chunks, index.search_texts) if c.jurisdiction)
        counts, n = index.token_document_counts()
        n = max(n, 1)
        self._idf = {tok: math.log(1 + n / max(df, 1)) for tok, df in counts.items()}

    def names_in_pinyin(self, romanized: list[tuple[str, str]]) -> dict[str, str]:
        """The corpus's spelling of each name in pinyin (("chen", "xiaodong") → 陈晓东, ("", "yizhuang") → 亦庄), where
        exactly one reads so: an English question names people, and places below a county, as the documents write
        them. A name the tokenizer keeps whole is one of the corpus's words; one it cuts (孙/立新) is its given
        name's word after a character read as the surname."""
        found: dict[str, str] = {}
        for surname, given in romanized:
            spellings = set(self._words_by_pinyin.get(surname + given, []))
            if not surname:  # one word (Xiaotangshan): the corpus's word read so, if only one
                if len(spellings) == 1:
                    found[given] = spellings.pop()
                continue
            if not spellings and surname in self._chars_by_pinyin:  # (not "Which Shandong", "In Zhangdian")
                surnames = "".join(self._chars_by_pinyin[surname])
                for word in self._words_by_pinyin.get(given, []):
                    spellings |= {m.group(0) for m in re.finditer(f"[{surnames}]{word}", self._all_text)}
            if len(spellings) == 1:
                found[f"{surname} {given}"] = spellings.pop()
        return found

    @cached_property
    def _pinyin_of_char(self) -> dict[str, str]:
        """The toneless pinyin of each character of the corpus's words; built once, when first asked."""
        from pypinyin import lazy_pinyin

        chars = sorted({c for word in self._idf for c in word if _HAN_WORD.fullmatch(c)})
        return dict(zip(chars, lazy_pinyin(chars)))

    @cached_property
    def _chars_by_pinyin(self) -> dict[str, list[str]]:
        by_pinyin: dict[str, list[str]] = {}
        for char, reading in self._pinyin_of_char.items():
            by_pinyin.setdefault(reading, []).append(char)
        return by_pinyin

    @cached_property
    def _words_by_pinyin(self) -> dict[str, list[str]]:
        """The corpus's 2-3 character words by their toneless pinyin (each character's most common reading)."""
        by_pinyin: dict[str, list[str]] = {}
        for word in self._idf:
            if 2 <= len(word) <= 3 and _HAN_WORD.fullmatch(word):
                by_pinyin.setdefault("".join(self._pinyin_of_char[c] for c in word), []).append(word)
        return by_pinyin

    def term_weights(self, terms: list[Term]) -> list[float]:
        """Rare terms weigh more. A word the corpus never uses weighs nothing: in a question it is far more
        often colloquial (评上, 帮忙) than a missing topic, and missing topics are caught by the answer checks.
        Words of the asker's story outside the question's focus weigh tuning.story_term_weight as much."""
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
        # A resident's account of themselves (我家住老小区，孩子七岁…) matters less than what they ask.
        return [w * self.tuning.story_term_weight if t.in_story else w for t, w in zip(terms, weights)]

    def only_placeless_speak_of(self, terms: list[Term]) -> bool:
        """Whether a word of the question is used only by notices whose place is unknown (某某银行, named by a
        resident of any city): those notices are then searched beside the places asked. Otherwise they are left
        out of a search restricted to places: always included, they crowded the places' own answers."""
        return any(s.lower() in self._placeless_text and s.lower() not in self._placed_text
                   for t in terms for s in t.spellings[:3] if len(s) >= 2)

    def named_documents(self, question: str) -> set[str]:
        """The notices the question names by what people call them (县政府工作报告里…, 某某工作方案里的任务)."""
        asked = _bare(to_simplified(question))
        return {notice_id for notice_id, name in self._document_names.items() if name in asked}

    @cached_property
    def _document_names(self) -> dict[str, str]:
        names = {n.id: _bare(document_name(n.title)) for n in self.index.notice_by_id.values()}
        return {notice_id: name for notice_id, name in names.items() if len(name) >= MIN_DOCUMENT_NAME}

    def restrict(self, filters: Filters, within: list[str] | None = None) -> tuple[Restriction | None, str, str]:
        """The restriction the filters make, and — when it excludes everything — why and what is missing.
        When no place named has notices of its own, those within them answer (or within `within` only)."""
        if not (filters.jurisdictions or filters.years or filters.notice_ids or filters.doc_numbers):
            return None, "", ""
        index = self.index
        restriction = Restriction(notice_ids=list(filters.notice_ids), doc_numbers=list(filters.doc_numbers))
        if filters.doc_numbers and not index.mask(restriction).any():
            return restriction, "语料中没有文号为 " + "、".join(filters.doc_numbers) + " 的文件", "doc_number"
        if filters.jurisdictions:
            names = sorted(set(filters.jurisdictions))
            restriction.places = names
            if not index.mask(restriction).any():
                # No notice of the place itself: its districts' notices answer for it (山东 → 淄博市, 张店区).
                restriction.places, restriction.within = [], sorted(set(within)) if within else names
            if not index.mask(restriction).any():
                return restriction, "语料中没有" + "、".join(within or filters.jurisdictions) + "的文件", "place"
        if filters.years:
            restriction.years = sorted(set(filters.years))
            if not index.mask(restriction).any():
                years = "、".join(f"{y}年" for y in restriction.years)
                return restriction, f"语料中没有{years}的相关文件", "year"
        return restriction, "", ""

    def search(self, query: Query, k: int = 5, filters: Filters | None = None, depth: int | None = None,
               query_vector: np.ndarray | None = None, focus_vector: np.ndarray | None = None) -> SearchResult:
        """Top-k clauses for a parsed query, restricted by the query's own statements and the given filters."""
        # Where the asker lives or works (named only in their story): the rules that apply there too, its city's
        # and province's, whether or not a clause names it (not the State's alone, which would answer any place's
        # question); its own clauses are favoured below (story_place_boost).
        places = list(dict.fromkeys(query.jurisdictions + [a for p in query.story_places for a in ancestors(p)
                                                           if level_name(a) != "country"]))
        if places and query.names_central_body:  # 我在某市开饭馆…税务总局的那个指引里说… asks the national rule
            places.append(COUNTRY)
        stated = Filters(places, list(query.years), [], list(query.doc_numbers))
        if filters:
            stated.jurisdictions = filters.jurisdictions or stated.jurisdictions
            stated.years = filters.years or stated.years
            stated.notice_ids = filters.notice_ids
            stated.doc_numbers = filters.doc_numbers or stated.doc_numbers
        tuning = self.tuning
        depth = depth or tuning.depth
        # The places around where the asker lives are searched for their own rules only: a province with no
        # notice of its own is not answered for by its other cities' (住某区 → not a neighbouring city's notice).
        own = list(query.jurisdictions) if query.story_places and not (filters and filters.jurisdictions) else None
        restriction, reason, missing = self.restrict(stated, within=own)
        if reason:
            return SearchResult([], reason, missing)
        if restriction is not None and (restriction.places or restriction.within):
            restriction.placeless = self.only_placeless_speak_of(query.terms)
        tokens = self.index.tokenizer.tokenize(query.search_text)
        bm25 = self.index.search_bm25(query.search_text, tokens, depth, restriction)
        if query_vector is None:
            query_vector = self.embedder.embed_query(to_simplified(query.search_text))
        dense = self.index.search_dense(query_vector, depth, restriction)
        rankings, weights = [bm25, dense], [1.0, 1.0]
        if query.focus and tuning.focus_weight:
            # A resident's long story around a short question: the asking part is searched on its own too.
            if focus_vector is None:
                focus_vector = self.embedder.embed_query(to_simplified(query.focus))
            focus_tokens = self.index.tokenizer.tokenize(query.focus)
            rankings += [self.index.search_bm25(query.focus, focus_tokens, depth, restriction),
                         self.index.search_dense(focus_vector, depth, restriction)]
            weights += [tuning.focus_weight] * 2
        if self.fusion is Fusion.WEIGHTED:
            fused = weighted_score_fusion(rankings, [w / 2 for w in weights])
            scale = 1.0 / (tuning.rrf_k + 1)  # keep boosts comparable with the RRF scale
            fused = [(row, s * scale) for row, s in fused]
        else:
            fused = reciprocal_rank_fusion([[r for r, _ in ranking] for ranking in rankings], tuning.rrf_k, weights)
        if len(rankings) > 2:  # on the two rankings' scale, so boosts and the decline model read it alike
            fused = [(row, s * 2 / sum(weights)) for row, s in fused]
        bm25_rank = {row: r for r, (row, _) in enumerate(bm25, start=1)}
        dense_rank = {row: r for r, (row, _) in enumerate(dense, start=1)}
        dense_score = dict(dense)
        weights = self.term_weights(query.terms)
        named = self.named_documents(query.text)
        hits, row_of = [], {}
        for row, score in fused:
            chunk = self.index.chunks[row]
            row_of[id(chunk)] = row
            coverage = term_coverage(query.terms, self.index.search_texts[row], weights)
            score += tuning.coverage_weight * coverage
            if query.years and fits_asked_year(query.years, chunk, self.index.search_texts[row]):
                score += tuning.year_boost
            if query.doc_types and any(chunk.notice_title.endswith(d) for d in query.doc_types):
                score += tuning.doc_type_boost
            if query.asks_plan and looks_back(chunk.clause_path, chunk.year):
                score -= tuning.review_penalty
            if query.story_places and any(p in self.index.facets[row].places for p in query.story_places):
                score += tuning.story_place_boost
            if chunk.notice_id in named:
                score += tuning.named_document_boost
            hits.append(Hit(chunk, score, bm25_rank.get(row), dense_rank.get(row), coverage,
                            float(dense_score.get(row, 0.0))))
        hits.sort(key=lambda h: -h.score)
        hits = diversify(hits, k, tuning.per_notice_cap, tuning.diversity_penalty) if k < len(hits) else hits
        for hit in hits[:k]:
            hit.sentence_similarity = self.index.sentence_similarities(row_of[id(hit.chunk)], query_vector)
        return SearchResult(hits, "")
