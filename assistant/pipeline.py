"""The path of a question: parse → retrieve → select evidence → answer (extractive, or LLM checked) → cite."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from functools import cached_property, lru_cache

from assistant.answering.assigned import department_tasks
from assistant.answering.extractive import compose_answer, has_required_term, list_file_contents
from assistant.answering.llm import translate_question
from assistant.answering.status import ANY_STATUS, row_status, status_answer, wanted_statuses
from .config import Settings
from .errors import QueryError
from .models import Chunk
from assistant.govdocs.people import names_a_person
from assistant.govdocs.places import ancestors, gazetteer, is_locality, level_name, named_bare
from assistant.search.query import (Query, parse_query, places_of_own_account, romanized_names, told_of_self,
                                    with_names)
from assistant.models import Answer, Filters, Hit, QuestionKind, SearchResult
from assistant.search.retrieval import Searcher, each_place_a_turn

MAX_QUERY_CHARS = 2000
QUERY_VECTOR_CACHE = 4096  # question vectors kept (6 KB each): the hotline asks the same things all day


def check_question(question: str) -> str:
    """The question stripped, or a QueryError a user can act on."""
    question = "".join(ch for ch in (question or "") if ch.isprintable() or ch in "\n\t").strip()
    if not question:
        raise QueryError("问题为空：请输入一个问题，例如“张店区2023年充电桩目标是多少？”")
    if len(question) > MAX_QUERY_CHARS:
        raise QueryError(f"问题太长（{len(question)} 字）：请精简到 {MAX_QUERY_CHARS} 字以内，只写要问的内容。")
    return question


class Assistant:
    """Holds the loaded index, the embedder and (optionally) the LLM; answers questions."""

    def __init__(self, settings: Settings, index=None, embedder=None, llm=None):
        from .embedding import load_embedder
        from assistant.stores.registry import open_store

        self.settings = settings
        self.index = index or open_store(settings)
        self.embedder = embedder or load_embedder(settings)
        self.searcher = Searcher(self.index, self.embedder, settings.fusion, settings.tuning)
        self.header_of = {c.notice_id: c for c in self.index.chunks if c.kind == "header"}
        self.position = {c.id: i for i, c in enumerate(self.index.chunks)}  # chunks are stored in document order
        if llm is None and settings.llm_base_url:
            from assistant.answering.llm import LLMAnswerer

            llm = LLMAnswerer(settings)
        self.llm = llm
        # The question's vector is most of an answer's work (bench/results.md): asked again, it is looked up.
        self.embed_query = lru_cache(maxsize=QUERY_VECTOR_CACHE)(self._embed_query)
        self._translations: dict[str, str] = {}  # English question → its Chinese translation ("" if none)

    def warm_up(self) -> None:
        """Pay now what the first questions would otherwise wait for: every clause's places and years (seconds
        on a large index), the pattern of English place names, the tokenizer's dictionaries, the model's first
        run. A server calls this before it answers with this assistant."""
        _ = self.index.facets
        names_a_person("王某负责全面工作。")  # loads jieba's part-of-speech dictionary (about a second)
        for question in ("谁负责2023年的工作目标？", "Who is responsible for the 2023 targets?"):
            self.ask(question, use_llm=False)
        self.embed_query.cache_clear()

    def _embed_query(self, text: str):
        vector = self.embedder.embed_query(text)
        vector.flags.writeable = False  # shared by every answer that asks the same
        return vector

    def parse(self, question: str) -> Query:
        question = check_question(question)
        query = self._words_not_places(parse_query(question, self.index.tokenizer.tokenize), question)
        query = told_of_self(query)
        # Chen Xiaodong: an official's name as the documents write it (陈晓东).
        query = with_names(query, self.searcher.names_in_pinyin(romanized_names(question)))
        if query.lang == "en" and self.llm is not None:
            query = self._translated(query)
        return query

    def _words_not_places(self, query: Query, question: str) -> Query:
        """A county named only by its short name, far from every notice of the corpus (龙湖公园 → 龙湖区 of
        汕头, asked of a corpus with nothing of that city), is read as the everyday word it also is: the question is
        not declined for a place it never asked about."""
        def far(place: str) -> bool:
            around = {place} | ({gazetteer()[place].parent} if place in gazetteer() else set())
            return not any(p in around or around & set(ancestors(p)) for p in self._places_with_notices)

        stray = [p for p in query.jurisdictions if named_bare(p, question) and far(p)]
        if not stray:
            return query
        def without_stray(q: Query) -> Query:  # the question's parts too: each is searched on its own
            return replace(q, jurisdictions=[p for p in q.jurisdictions if p not in stray],
                           story_places=[p for p in q.story_places if p not in stray],
                           parts=[without_stray(part) for part in q.parts])

        return without_stray(query)

    def _translated(self, query: Query) -> Query:
        """An English question read through its Chinese translation by the configured LLM (once per
        question); places, years and 文号 the English already states are kept. The answer stays English."""
        chinese = self._translations.get(query.text)
        if chinese is None:
            chinese = translate_question(self.llm.chat, query.text)
            self._translations[query.text] = chinese
        if not chinese:
            return query
        read = parse_query(chinese, self.index.tokenizer.tokenize)
        return replace(read, text=query.text, lang="en", jurisdictions=query.jurisdictions or read.jurisdictions,
                       years=query.years or read.years, doc_numbers=query.doc_numbers or read.doc_numbers,
                       kinds=list(dict.fromkeys(query.kinds + read.kinds)),
                       wants_money=query.wants_money or read.wants_money)

    def retrieve(self, query: Query, k: int, filters: Filters | None = None) -> SearchResult:
        vector = self.embed_query(query.search_text)
        focus_vector = self.embed_query(query.focus) if query.focus else None
        result = self.searcher.search(query, k, filters, query_vector=vector, focus_vector=focus_vector)
        if result.empty_reason:
            # Nothing matches what the question states: the closest clauses without the missing part
            # (the same place's other years; the same question elsewhere), which the answer may offer.
            dropped = {"year": {"years": []}, "place": {"jurisdictions": []}}.get(
                result.missing, {"jurisdictions": [], "years": [], "doc_numbers": []})
            result.hits = self.searcher.search(replace(query, **dropped), k, filters, query_vector=vector,
                                               focus_vector=focus_vector).hits
        elif "metadata" in query.kinds and result.hits:
            self._lead_with_header(result, query.text)
        elif len(query.compared_places) >= 2 and result.hits:
            self._give_each_place_a_turn(query, result, k, filters, vector, focus_vector)
        return result

    def _give_each_place_a_turn(self, query: Query, result: SearchResult, k: int, filters: Filters | None,
                                vector, focus_vector) -> None:
        """A comparison (甲区和乙区各建多少) whose first hits are all one place's: each other place's own best
        clauses take the last places of the first k, so both sides can be answered and cited."""
        own: dict[str, list[Hit]] = {}
        for place in query.compared_places:
            if not any(h.chunk.jurisdiction == place for h in result.hits[:k]):
                found = self.searcher.search(replace(query, jurisdictions=[place]), k, filters, query_vector=vector,
                                             focus_vector=focus_vector)
                own[place] = [] if found.empty_reason else found.hits
        result.hits = each_place_a_turn(result.hits, own, k, self.settings.tuning.place_turn)

    def _lead_with_header(self, result: SearchResult, question: str = "") -> None:
        """A question about a notice's 文号/date/issuer is answered by its header (发文信息) clause: of the notice
        the question names by its title (县里2024年政府工作报告是哪天作的), else of the best-matching one."""
        top = result.hits[0]
        asked = "".join(question.split())
        named = [h for h in result.hits
                 if len(h.chunk.notice_title) >= 4 and "".join(h.chunk.notice_title.split()) in asked]
        if named:
            top = max(named, key=lambda h: len(h.chunk.notice_title))
        header = self.header_of.get(top.chunk.notice_id)
        if header is None or any(h.chunk is header for h in result.hits[:1]):
            return
        rest = [h for h in result.hits if h.chunk is not header]
        result.hits = [Hit(header, top.score, coverage=top.coverage)] + rest[: max(len(result.hits) - 1, 1)]

    def _more_of_top_notice(self, query: Query, result: SearchResult, filters: Filters | None) -> list[Hit]:
        """For a question asking two kinds of fact (哪天…谁负责…) whose best clauses show one: the top notice's
        best clauses, past the cap on clauses per notice that keeps the first hits varied."""
        if result.empty_reason or not result.hits:
            return []
        return self._clauses_of(query, result.hits[0].chunk.notice_id, filters)

    def _clauses_of(self, query: Query, notice_id: str, filters: Filters | None) -> list[Hit]:
        """One notice's clauses best matching the question (another clause of a notice a comparison cites)."""
        only = replace(filters or Filters(), notice_ids=[notice_id])
        return self.retrieve(query, self.settings.tuning.second_kind_pool, only).hits

    def _from_higher_level(self, query: Query, k: int, national: bool = True) -> Answer | None:
        """A county's question its own documents do not answer may be answered by its city's, province's or
        the State's (a county teacher asking about housing rules its city's plan sets): said as such.

        national=False for a place with no documents at all (我住武汉江岸区… → 武汉市's notices): its city's
        or province's rules apply there, but the State's alone would answer any place's local question."""
        place = query.place_asked
        higher = [p for p in ancestors(place) if p in self._places_with_notices
                  and (national or level_name(p) != "country")]
        # A place asked about (某县的目标是多少) wants its own rule, which a wider place's rarely gives; one
        # only of the asker's account (我爸妈在某县种地，能领补贴吗) wants the rule that applies there.
        asked_of = place not in places_of_own_account(query.text)
        bar = self.settings.tuning.no_documents_threshold if not national and asked_of else 0.0
        answer = self._answer_from(query, k, higher, bar, favour_named=True)
        return _said_to_come_from(
            answer, query, "The documents of {place} do not address this; those of {levels}, which apply there, say:\n",
            "{place}的文件中没有直接规定；适用于{place}的上级（{levels}）文件规定如下：\n")

    def _from_lower_level(self, query: Query, k: int) -> Answer | None:
        """A city's question its own documents do not answer may be answered by one of its districts' (a city's
        hotline in a district's notice; people name the city they live in): said as such, when the decline
        model is sure (tuning.lower_level_threshold)."""
        place = query.place_asked
        lower = sorted(p for p in self._places_with_notices if place in ancestors(p))
        answer = self._answer_from(query, k, lower, 0.0)
        if (answer is not None and (answer.confidence or 0.0) < self.settings.tuning.lower_level_threshold
                and not self._names_what_only_lower_has(query, answer, place)):
            answer = None
        return _said_to_come_from(
            answer, query, "The documents of {place} itself do not address this; those of {levels}, within it, say:\n",
            "{place}本级的文件中没有直接规定；其下辖{levels}的文件规定如下：\n")

    def _names_what_only_lower_has(self, query: Query, answer: Answer, place: str) -> bool:
        """Whether the question names a locality below the gazetteer's counties (东风路街道, 某某镇, 某某社区) that
        no notice of the place itself speaks of and a notice the lower-level answer quotes does: the question
        is about that lower place's own matter, and the answer needs no more than the usual confidence (a
        topic only a district's notice mentions is no such sign: that notice may not answer for the city)."""
        weights = self.searcher.term_weights(query.terms)
        named = [t for t, w in zip(query.terms, weights) if w > 0 and not t.in_story and is_locality(t.source)]
        if not named:
            return False  # (most questions: the index's texts are not read)
        cited = {c.chunk.notice_id for c in answer.citations if c.quotes}
        quoted, own = [], []
        for chunk, text in zip(self.index.chunks, self.index.search_texts):  # one pass over the index's texts
            if chunk.notice_id in cited:
                quoted.append(text)
            if chunk.jurisdiction == place:
                own.append(text)
        quoted_text, own_text = "".join(quoted), "\n".join(own)
        return any(any(s.lower() in quoted_text for s in t.spellings)
                   and not any(s.lower() in own_text for s in t.spellings) for t in named)

    def _answer_from(self, query: Query, k: int, places: list[str], bar: float,
                     favour_named: bool = False) -> Answer | None:
        """The question answered from these places' notices instead of the one it names, or None when they do
        not answer or the decline model is less sure than `bar`. With favour_named, their clauses naming the
        asked place (a region's list of hotlines, one per county) are favoured."""
        if not places:
            return None
        other = replace(query, jurisdictions=[], story_places=[query.place_asked] if favour_named else [])
        result = self.searcher.search(other, max(k, self.settings.tuning.evidence_pool), Filters(jurisdictions=places),
                                      query_vector=self.embed_query(other.search_text),
                                      focus_vector=self.embed_query(other.focus) if other.focus else None)
        if favour_named:
            # 各地…：甲省、乙省对承租…减免租金: a wider notice's clause naming other places states their rules,
            # not one that applies to the place asked.
            result.hits = [h for h in result.hits if self._speaks_for(h.chunk, query.place_asked)]
        if result.empty_reason or not result.hits:
            return None
        answer = compose_answer(other, result, self.index.notice_by_id, self.searcher.term_weights, k,
                                children=self.sub_headings, tuning=self.settings.tuning)
        if answer.abstained or (answer.confidence or 0.0) < bar:
            return None
        return answer

    def _speaks_for(self, chunk: Chunk, place: str) -> bool:
        """Whether a wider place's clause may apply to `place`: it names no place below its own, or its notice
        names `place`, one containing it or one inside it (a province's list of every city's hotline, cut
        into clauses, speaks for each city; a story of what some provinces did speaks for none else)."""
        if not any(p != chunk.jurisdiction for p in self.index.facets[self.position[chunk.id]].places):
            return True
        named = self._places_named_by_notice.get(chunk.notice_id, set())
        return any(p == place or p in ancestors(place) or place in ancestors(p) for p in named - {chunk.jurisdiction})

    @cached_property
    def _places_named_by_notice(self) -> dict[str, set[str]]:
        named: dict[str, set[str]] = {}
        for chunk, facets in zip(self.index.chunks, self.index.facets):
            named.setdefault(chunk.notice_id, set()).update(facets.places)
        return named

    def _say_places_not_covered(self, query: Query, answer: Answer) -> Answer:
        """A question about several places the corpus covers only some of (甲市的规定跟乙市的一样吗？) is
        answered for those it covers, saying first which places no document speaks for."""
        if len(query.jurisdictions) < 2:
            return answer
        covered = self._places_with_notices
        # (a place of the asker's own account, 我是外省过来的, is not asked about)
        missing = [p for p in query.compared_places
                   if p not in covered and not any(p in ancestors(c) for c in covered)]
        if not missing:
            return answer
        names = "、".join(missing)
        head = (f"The ingested documents include none of {names}; for the other places asked about:\n"
                if query.lang == "en" else f"语料中没有{names}的文件；其余所问地区的文件规定如下：\n")
        return replace(answer, text=head + answer.text)

    def _say_wider_place_answers(self, query: Query, answer: Answer) -> Answer:
        """Where the asker lives has no notices of its own (我在某县教书，…有什么安排？): the answer is its city's or
        province's rule, and says so."""
        place = query.jurisdictions[0] if len(query.jurisdictions) == 1 else ""
        if not place or query.story_places != [place] or place in self._places_with_notices \
                or answer.text.startswith(place):
            return answer
        return _said_to_come_from(
            answer, query, "The documents of {place} do not address this; those of {levels}, which apply there, say:\n",
            "{place}的文件中没有直接规定；适用于{place}的上级（{levels}）文件规定如下：\n")

    @cached_property
    def _places_with_notices(self) -> set[str]:
        return {n.jurisdiction for n in self.index.notice_by_id.values() if n.jurisdiction}

    def _clauses_of_notice_asked(self, query: Query, notice_id: str) -> list[Chunk]:
        """All clauses of one notice, in document order; none when it does not speak of a month or edition the
        question states (a 10月份 table asked, a 9月份 one found: not the notice asked about)."""
        clauses = [c for c in self.index.chunks if c.notice_id == notice_id]
        if any(t.required and not any(has_required_term(t, c) for c in clauses) for t in query.terms):
            return []
        return clauses

    def _status_rows(self, query: Query, result: SearchResult, statuses: frozenset[str],
                     of_department: bool = False) -> Answer | None:
        """The rows of the progress table the best-matching status row belongs to, filtered by status."""
        top = next((h.chunk for h in result.hits[:max(5, self.settings.tuning.evidence_pool)]
                    if h.chunk.kind == "table_row" and row_status(h.chunk.text)), None)
        rows = self._clauses_of_notice_asked(query, top.notice_id) if top is not None else []
        if not rows:
            return None
        return status_answer(query.text, statuses, rows, self.index.notice_by_id.get(top.notice_id),
                             english=query.lang == "en", of_department=of_department)

    def _department_tasks(self, query: Query, result: SearchResult) -> Answer | None:
        """The tasks given to the department asked about in the notice of the best-matching clause (not in another
        notice retrieved: 某应急预案里民政局负责什么 is not answered by a school plan's tasks)."""
        top = result.hits[0].chunk if result.hits else None
        clauses = self._clauses_of_notice_asked(query, top.notice_id) if top is not None else []
        if not clauses:
            return None
        return department_tasks(query.text, clauses, self.index.notice_by_id.get(top.notice_id),
                                english=query.lang == "en")

    def sub_headings(self, chunk: Chunk, depth: int | None = None) -> list[str]:
        """The headings one level under a clause, in document order (a list its text only introduces); with
        `depth`, under the clause's heading at that depth (三、实施五大工程 → its (一)…(五)); depth 0: the notice's
        own top-level headings (一、…二、…)."""
        parent = chunk.clause_path if depth is None else chunk.clause_path[:depth]
        chunks = self.index.chunks
        headings: list[str] = []
        i = self.position.get(chunk.id, len(chunks)) + (1 if depth is None else 0)
        while depth is not None and 0 < i < len(chunks) and chunks[i - 1].notice_id == chunk.notice_id \
                and chunks[i - 1].clause_path[:len(parent)] == parent:
            i -= 1  # back to the first clause under the heading
        while (parent or depth == 0) and i < len(chunks) and chunks[i].notice_id == chunk.notice_id:
            path = chunks[i].clause_path
            if path[:len(parent)] != parent:
                break
            if len(path) > len(parent) and path[len(parent)] not in headings:
                headings.append(path[len(parent)])
            i += 1
        return headings

    def ask(self, question: str, k: int = 5, filters: Filters | None = None, use_llm: bool = True) -> Answer:
        """The whole answer at once (extractive, or the checked LLM answer when one is configured)."""
        answer = None
        for answer in self.ask_stream(question, k, filters, use_llm):
            pass
        return answer

    def ask_stream(self, question: str, k: int = 5, filters: Filters | None = None,
                   use_llm: bool = True) -> Iterator[Answer]:
        """Yield the answer as it grows (LLM streaming); the last item is final and checked."""
        query = self.parse(question)
        result = self.retrieve(query, max(k, self.settings.tuning.evidence_pool), filters)
        statuses = wanted_statuses(query.text)
        if statuses and not result.empty_reason:
            listing = self._status_rows(query, result, statuses)
            if listing is not None:
                yield listing
                return
        if not statuses and query.departments and QuestionKind.LIST in query.kinds and not result.empty_reason:
            # 某局负责的任务有哪些 over a progress table: every row the department leads or supports; over a
            # task list, every task it is given.
            listing = (self._status_rows(query, result, ANY_STATUS, of_department=True)
                       or self._department_tasks(query, result))
            if listing is not None:
                yield listing
                return
        if QuestionKind.CONTENTS in query.kinds and not result.empty_reason:
            listing = list_file_contents(query, result.hits[:k], list(self.index.notice_by_id.values()), self.header_of.get)
            if listing is not None:
                yield listing
                return
        extractive = compose_answer(query, result, self.index.notice_by_id, self.searcher.term_weights, k,
                                    children=self.sub_headings, tuning=self.settings.tuning,
                                    more=lambda: self._more_of_top_notice(query, result, filters),
                                    more_of=lambda notice_id: self._clauses_of(query, notice_id, filters),
                                    search_part=lambda part: self.retrieve(part, k, filters).hits,
                                    search_part_in=lambda part, notice_id: self._clauses_of(part, notice_id, filters))
        # When and by whom a place's own document was issued (某区的方案哪天印发) is not answered by its city's
        # document on the topic, as a rule that applies there is (a district's notice may be the city's, filed
        # under the district it names: the lower level is still read).
        from_above = QuestionKind.METADATA not in query.kinds
        own = extractive  # the answer from the places asked, before another level's is tried
        if extractive.abstained and query.place_asked and not filters and not extractive.detail_missing:
            if not result.empty_reason:
                extractive = (self._from_lower_level(query, k)
                              or (self._from_higher_level(query, k) if from_above else None) or extractive)
            elif result.missing == "place" and from_above:
                extractive = self._from_higher_level(query, k, national=False) or extractive
        elif (query.place_asked and not filters and not result.empty_reason
              and extractive.confidence < self.settings.tuning.lower_level_threshold):
            # The place's own clauses answer weakly: one of its cities' notices may be the place's own (a
            # provincial bureau's notice published under the city site that carried it) and answer surely.
            lower = self._from_lower_level(query, k)
            if lower is not None and lower.confidence > extractive.confidence:
                extractive = lower
        if not extractive.abstained and extractive is own:
            # (another level's answer already says which place it stands for)
            extractive = self._say_places_not_covered(query, extractive)
            extractive = self._say_wider_place_answers(query, extractive)
        if not (use_llm and self.llm) or extractive.abstained:
            yield extractive
            return
        yield from self.llm.answer_stream(query, extractive)


def _said_to_come_from(answer: Answer | None, query: Query, english: str, chinese: str) -> Answer | None:
    """The answer headed by where its clauses come from instead of the place asked about; `english` and
    `chinese` are formats with {place} (the asked one) and {levels} (the places cited)."""
    if answer is None:
        return None
    unknown = "place not stated" if query.lang == "en" else "未注明地区"  # a notice naming no place answers too
    levels = "、".join(dict.fromkeys(c.chunk.jurisdiction or unknown for c in answer.citations if c.quotes))
    head = (english if query.lang == "en" else chinese).format(place=query.place_asked, levels=levels)
    return replace(answer, text=head + answer.text)
