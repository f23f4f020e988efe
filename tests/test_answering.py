"""Query understanding, fusion, evidence selection, answer composition and fact checking, on tiny fixtures."""
from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.answering.extractive import (MAX_SENTENCE_CHARS, clause_showing_kind, compose_answer, kind_features, list_file_contents,
                                            select_evidence)
from assistant.govdocs.sentences import clause_sentences
from assistant.models import Citation, Hit, QuestionKind, SearchResult
from assistant.models import Chunk, Notice
from assistant.search.query import asking_clauses, parse_query
from assistant.search.retrieval import diversify, reciprocal_rank_fusion, term_coverage, weighted_score_fusion
from assistant.answering.verify import chinese_number, unsupported_facts
from conftest import ROOT


# --- query understanding -------------------------------------------------------------------------

@pytest.mark.parametrize("question,places", [
    ("张店区2023年充电桩目标是多少?", ["张店区"]),
    ("淄川今年绿色建筑任务", ["淄川区"]),
    ("淄博市张店区今年要建几个智慧社区", ["张店区"]),  # the city before its district only locates it
    ("张店和淄川的科技型中小企业目标谁定得高？", ["张店区", "淄川区"]),
    ("What is Zhangdian's 2023 charging-pile target?", ["张店区"]),
    ("What is Huantai County's 2023 target for high-tech enterprises?", ["桓台县"]),
    ("今年充电桩要建多少个？", []),
    ("我姥姥家在福园东区，小区在不在征收范围里？", []),  # 东区, 城区, 郊区: everyday words without their city
    ("城区和郊区的充电桩各建多少？", []),
    ("想对比一下张店和淄川的充电桩各建多少？", ["张店区", "淄川区"]),  # jieba reads 一下张 as one word
    ("依法行政和执法有什么要求？", []),  # 政和 (政和县) inside 行政和
    ("市里和张店区的方案，截止时间分别是哪天？", ["张店区", "淄博市"]),  # 市里: the named district's city
    ("市政府办的方案和桓台县的方案，截止时间分别是哪天？", ["桓台县", "淄博市"]),  # the city by its government
    ("城市里和桓台县的公园各有几个？", ["桓台县"]),  # 城市里 is no 市里
    ("桓台要办的山东选拔赛是哪天？", ["桓台县"]),  # the province around the county only locates it
    ("山东省和桓台县的目标各是多少？", ["山东省", "桓台县"]),  # set side by side: compared
    ("山东的截止时间是哪天？桓台县的呢？", ["山东省", "桓台县"]),  # 乙的呢: asked of the other place too
    ("桓台县的目标是多少？山东呢？", ["桓台县", "山东省"]),
    ("市里的方案要求多少？桓台县的目标又是多少？", ["桓台县", "淄博市"]),  # 市里 asked in a sentence of its own
    ("桓台县和省里的规定一样吗？", ["桓台县", "山东省"]),
    ("市里的规定是什么？", []),  # no district named: which city is unknown
    ("我在桓台县教书，市里对乡村老师有什么安排？", ["桓台县"]),  # the county's question, asked of its city
    # A person's name spelt out with its Chinese beside it is no place spelt alike (Qinggang, 青冈县).
    ("Which fields does Wang Qinggang (王庆刚) look after in Huantai?", ["桓台县"]),
])
def test_jurisdictions_from_names_short_forms_and_english(question, places):
    assert parse_query(question).jurisdictions == places


def test_years_months_and_doc_numbers():
    q = parse_query("张政发〔2023〕4号 里 2022年度 的情况")
    assert q.doc_numbers == ["张政发〔2023〕4号"]
    assert q.years == [2022]  # the year inside the 文号 names the document, not the period
    assert parse_query("淄政办字[2023]34号文件是关于什么的？").doc_numbers == ["淄政办字〔2023〕34号"]
    assert parse_query("今年充电桩要建多少个？").years == []  # "this year" is not a date we can trust
    assert parse_query("临淄区10月份5G基站建了多少处？").months == [10]


def test_a_day_named_is_one_term_not_its_number_alone():
    # 3月15日 matches a clause of that day, not any clause holding 15 (15个项目) or another day of March.
    q = parse_query("3月15日的发布会上，口罩日产量是多少？")
    day = next(t for t in q.terms if t.source == "3月15日")
    assert "3月15号" in day.spellings
    assert not any(t.source == "15" for t in q.terms)
    w = [1.0] * len(q.terms)
    assert term_coverage(q.terms, "3月15日口罩日产量达到200万只", w) > term_coverage(q.terms, "3月12日口罩日产量15万只", w)


def test_a_day_named_leaves_no_piece_and_a_bare_count_is_no_term():
    # 7月21日前 is not cut into 7月21日 and 日前 (recently); 两个 names nothing a clause must hold (前两个聘期).
    q = parse_query("县里的台账要求5月20日前报，镇里的呢？两个截止时间分别是？")
    sources = [t.source for t in q.terms]
    assert "5月20日" in sources and "日前" not in sources and "两个" not in sources
    assert "三个" not in [t.source for t in parse_query("今年新建三个公园，分别在哪？").terms]


@pytest.mark.parametrize("question,kind", [
    ("张店区2023年充电桩目标是多少?", "figure"),
    ("张店新建充电桩那条任务是谁牵头？", "who"),
    ("黄河防汛职责那个通知是哪天印发的？", "metadata"),
    ("淄博市碳达峰工作方案的文号是多少？", "metadata"),
    ("政务公开的工作台账啥时候交？", "when"),
    ("张店英才科技创新类都有谁入选？", "who"),
    ("碳达峰方案的十大行动具体是哪些？", "list"),
    ("赛事办公室主任由哪位兼任？", "who"),
    ("某某市的专项督查安排在哪几天？", "when"),  # 哪几天 asks for dates; 哪几项 for a list
    ("专项督查重点查哪几项？", "list"),
    ("Who leads Zichuan's 2023 talent-attraction task?", "who"),
    ("By when should all town-centre kindergartens meet the standard?", "when"),
    ("Has the county's new heating plant been put into operation?", "what"),  # op-eration holds no ratio
    ("What is the whole budget of the county's park plan?", "what"),  # whole holds no "who"
    ("Which specialist does the county's hospital plan hire first?", "what"),  # nor specialist a "list"
    ("县里那份稳就业的若干措施是哪个机构出的？", "metadata"),
    ("口罩出口的事该找什么机构？", "who"),
    ("What tasks does the county's leading group for flood control set out?", "list"),  # a leading group is a body
])
def test_question_kind(question, kind):
    assert parse_query(question).kind == kind


def test_a_residents_story_asks_nothing_only_the_question_does():
    q = parse_query("我之前在外地上班，去年回老家开了个小饭馆，生意一直不太好，房租压力很大，家里还有两个孩子上学。"
                    "想问问区里对小餐馆有没有补贴？补多少？")
    assert "figure" in q.kinds and "when" not in q.kinds  # 之前 tells the story, it asks no date


def test_kinds_can_combine_and_money_is_noticed():
    q = parse_query("民办学校收费公示那一项谁负责？啥时候完成？")
    assert {"who", "when"} <= set(q.kinds)
    # 怎么联系 asks for a way to reach someone; 联系群众 (to stay close to the people) asks nothing of the kind.
    assert {"who", "contact"} <= set(parse_query("报名找谁，怎么联系？").kinds)
    assert "contact" in parse_query("想问补贴的事，怎么跟社区联系？").kinds
    assert "contact" not in parse_query("村干部怎么联系群众？").kinds
    assert parse_query("入选的人每人能拿到多少奖励资金？").wants_money
    assert not parse_query("新建多少个充电桩？").wants_money
    # Money named in what is reported, a date asked:
    assert not parse_query("补助的人数、天数和金额，每个月几号前要报上去？").wants_money
    assert parse_query("我领的是失业补助金，每个月能领多少？").wants_money


def test_terms_leave_out_question_words_places_and_years_and_add_synonyms():
    q = parse_query("张店区2023年充电设施的目标是多少？")
    sources = [t.source for t in q.terms]
    assert not {"张店区", "张店", "2023", "多少", "目标"} & set(sources)
    spellings = {s for t in q.terms for s in t.spellings}
    assert "充电桩" in spellings  # colloquial 充电设施 also matches the documents' 充电桩


def test_hearsay_pronouns_and_a_modal_cut_onto_a_word_are_not_topics():
    # 听说 (hearsay), 他们 (the story's people), 人能 (一个人能补多少 cut 一个/人能) carry no topic: a clause
    # answering the subsidy must not need them.
    sources = {t.source for t in parse_query("听说县里给招残疾人的小作坊发补贴，他们一个人能补多少？").terms}
    assert {"补贴", "残疾人", "小作坊"} <= sources
    assert not {"听说", "他们", "一个", "人能"} & sources


def test_the_askers_own_people_and_a_verbs_result_are_not_topics():
    # 我妈/咱村: who asks; 公布出来/定下来: the verb 公布/定 is asked, not a word no notice uses.
    sources = {t.source for t in parse_query("我妈在咱村领养老金，标准啥时候公布出来？").terms}
    assert {"养老金", "标准", "公布"} <= sources
    assert not {s for s in sources if s.startswith(("我", "咱")) or s.endswith("出来")}
    assert "出来" not in sources and "来了" not in sources
    assert "报名" in {t.source for t in parse_query("报名时间定下来了吗？").terms}


def test_a_word_is_known_to_the_dictionary_before_anything_else_loads_it():
    # The trailing-modal rule keeps 可能/社会 whole only if the dictionary is loaded when first asked: asked in
    # a fresh interpreter, where no earlier test has loaded it.
    import subprocess
    import sys

    check = ("from assistant.search.query import _is_known_word\n"
             "assert _is_known_word('社会') and not _is_known_word('房租能')\n")
    subprocess.run([sys.executable, "-c", check], check=True, cwd=ROOT)


def test_a_department_abbreviated_with_another_unit_matches_its_full_name():
    # The glossary spells out 住建局; a city's 委 and a province's 厅 are spelt out alike.
    for question, clause in (("住建委对工地复工有什么要求？", "市住房和城乡建设委员会要求工地复工前完成消杀。"),
                             ("省人社厅发的补贴怎么领？", "由省人力资源和社会保障厅统一发放补贴。")):
        named = [t for t in parse_query(question).terms if t.source.endswith(("委", "厅"))]
        assert named and all(term_coverage([t], clause, [1.0]) == 1.0 for t in named), question


def test_this_part_or_that_part_points_and_is_no_topic():
    assert "这部分" not in {t.source for t in parse_query("押金被扣了一些，这部分能退回来吗？").terms}
    # 这件事, 那笔钱, 这块: a measure word points as 这个 does.
    for question, pointing in (("区里补贴车主这件事，找谁问？", "这件"), ("上个月那笔钱什么时候到？", "那笔")):
        assert pointing not in {t.source for t in parse_query(question).terms}, question


def test_places_of_the_askers_account_are_no_sides_of_a_comparison():
    story = parse_query("我老家在安徽，年后回到上海，单位在嘉定区，合租的房子没有独立卫生间，没法居家隔离。"
                        "听说附近有集中隔离点，要怎么申请？费用谁出？")
    assert len(story.jurisdictions) == 2 and story.compared_places == []
    assert parse_query("桓台县和高青县今年各新建多少处口袋公园？").compared_places == ["桓台县", "高青县"]
    # Named only in telling who the asker is (俺是济南的), while what is asked names another place.
    told = parse_query("我是济宁的，打算带孩子去临沂玩两天。临沂的景区门票打折吗？灯会是哪几天？")
    assert told.story_places == ["济宁市"] and told.compared_places == ["临沂市"]
    # Asked of the place the asker is from, it is compared: 我是济宁的…济宁和临沂的门票都打折吗？
    assert parse_query("我是济宁的，想带孩子出去玩。济宁和临沂的景区门票都打折吗？").story_places == []


def test_a_place_named_only_where_the_asker_tells_of_themselves_is_their_own_account():
    from assistant.search.query import places_of_own_account
    assert places_of_own_account("我爸妈在河南种地，今年种粮还能领补贴吗？") == {"河南省"}
    assert places_of_own_account("河南对种粮的农户今年还发补贴吗？") == set()
    assert places_of_own_account("我在河南种地。河南今年种粮还能领补贴吗？") == set()  # asked about as well


def test_each_part_of_a_question_keeps_the_place_and_year_it_names():
    query = parse_query("市里的方案对公园绿地到2030年要求多少？桓台县今年的绿地目标又是多少？")
    city, county = query.parts
    assert city.jurisdictions == ["淄博市"] and city.years == [2030]
    # 今年 is the part's own year: the other part's 2030 does not restrict it.
    assert county.jurisdictions == ["桓台县"] and county.years == []


def test_the_kind_asked_is_read_off_what_is_asked_not_the_askers_account():
    # 之前 tells the asker's past; the question asks an amount, not a date.
    assert parse_query("我之前在超市上班，后来辞职了，失业金能领多少？").kinds == [QuestionKind.FIGURE]


def test_a_count_in_chinese_numerals_matches_the_same_count_in_digits():
    # 干满一年 asked, 稳定就业1年以上 written: the same count.
    counts = [t for t in parse_query("帮工干满一年的能补多少？").terms if t.source == "一年"]
    assert counts and term_coverage(counts, "帮工稳定就业1年以上的按每人800元补助。", [1.0]) == 1.0
    counts = [t for t in parse_query("停业三个月的房租能减吗？").terms if t.source.startswith("三个")]
    assert counts and term_coverage(counts, "停业3个月以上的，减免房租。", [1.0]) == 1.0


def test_everyday_words_for_passing_the_buck_and_the_poor_match_the_documents_words():
    clause = "受理有关单位推诿扯皮、敷衍塞责等问题线索；对吸纳贫困劳动力的合作社给予奖补。"
    for question in ("单位互相踢皮球，找谁反映？", "他们敷衍了事怎么办？", "招贫困户干活有补助吗？"):
        q = parse_query(question)
        assert term_coverage(q.terms, clause, [1.0] * len(q.terms)) > 0, question


def test_a_span_of_the_askers_recent_past_is_no_topic():
    # 这两年 tells when the story happened; 前三个月 may be what a rule grants (减免前三个月房租).
    sources = {t.source for t in parse_query("我在城西开了个花店，这两年生意一般，区里对小店有啥扶持？").terms}
    assert "两年" not in sources and "花店" in sources
    sources = {t.source for t in parse_query("前三个月的房租能免吗？").terms}
    assert any("三个" in s for s in sources)


def test_the_places_compared_counted_and_the_word_for_difference_are_not_topics():
    sources = {t.source for t in parse_query("桓台和高青两个县今年各建多少公里供水管网？差距有多大？").terms}
    assert "供水" in "".join(sources)
    assert not {"两个", "差距"} & sources


def test_places_written_together_leave_no_piece_of_a_name_as_a_topic():
    # 广西南宁 is cut 广西/西南/南宁 by the tokenizer: 西南 (the south-west) is no topic of the question.
    sources = {t.source for t in parse_query("家在广西南宁，孩子上学的交通补贴怎么领？").terms}
    assert "补贴" in "".join(sources) and not any("西" in s or "南" in s for s in sources)


@pytest.mark.parametrize("question, topic", [("供暖方面，两个县今年各自投了多少钱？", "供暖"),
                                             ("垃圾分类这块，街道有什么安排？", "垃圾分类"),
                                             ("这张社保卡是干什么用的？", "社保卡")])
def test_topic_markers_and_asking_what_for_are_not_topics(question, topic):
    # 方面/这块 only mark the topic and 干什么用 only asks: a clause need not hold them to answer.
    sources = {t.source for t in parse_query(question).terms}
    assert any(s in topic or topic in s for s in sources)
    assert not {"方面", "这块", "干什么", "什么用", "这张"} & sources



@pytest.mark.parametrize("question", ["这个供水管理办法啥时候到期？", "那个补贴政策管到哪年？", "养犬规定现在还有效吗？",
                                      "停车收费办法什么时候失效？"])
def test_expiry_in_everyday_words_matches_a_documents_term_of_validity(question):
    # A notice states its term as "本办法自印发之日起施行，有效期至2027年3月31日" / "有效期届满"; residents ask when it expires.
    q = parse_query(question)
    clause = "第三十条 本办法自印发之日起施行，有效期至2027年3月31日。"
    assert term_coverage(q.terms, clause, [1.0] * len(q.terms)) > 0
    spellings = {s for t in q.terms for s in t.spellings}
    assert "有效期" in spellings

def test_everyday_words_for_a_fine_and_a_lapsed_permit_find_the_notices_words():
    q = parse_query("我的营业执照过期了，继续开门会不会被罚？")
    clause = "营业执照逾期未换领的，疫情期间不予处罚。"
    spellings = {s for t in q.terms for s in t.spellings}
    assert {"逾期", "处罚"} <= spellings
    assert term_coverage(q.terms, clause, [1.0] * len(q.terms)) >= 0.5
    q = parse_query("来办事的人不肯量体温，窗口会怎么处理？")
    clause = "对拒不接受体温测量的人员，窗口可暂停办理。"
    assert term_coverage(q.terms, clause, [1.0] * len(q.terms)) >= 0.5


def test_english_question_is_translated_to_chinese_search_terms():
    q = parse_query("What is Zhangdian's 2023 charging-pile target?")
    assert q.lang == "en" and q.years == [2023]
    assert "充电桩" in q.search_text and "张店区" in q.search_text
    q = parse_query("Which company is the organizer (承办单位) of the Robotex contest?")
    assert "承办单位" in q.search_text  # Chinese words inside an English question are kept
    # What an office will not accept, and what is late: the words a notice uses for them.
    assert "不受理" in parse_query("What requests does the hotline not accept?").search_text
    assert "逾期" in parse_query("What if the reply is overdue?").search_text


def test_an_english_question_asking_which_things_asks_for_a_list_and_says_how_many():
    from assistant.search.query import detect_kinds

    for asked in ("Which five lakes will the county clean up?", "What working groups were set up for the fair?",
                  "What fees does the port waive?"):
        assert QuestionKind.LIST in detect_kinds(asked), asked
    for asked in ("What progress has the county made?", "What status is the task in?", "What does the plan say?",
                  "What is the deadline?"):
        assert QuestionKind.LIST not in detect_kinds(asked), asked
    assert parse_query("Which five lakes will the county clean up?").asked_count == 5
    assert parse_query("Which lakes will the county clean up?").asked_count == 0


# --- fusion and diversification ------------------------------------------------------------------

def test_reciprocal_rank_fusion_prefers_items_ranked_high_in_both():
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]])
    assert [item for item, _ in fused][:2] == [1, 3]


def test_weighted_fusion_normalises_each_list():
    fused = weighted_score_fusion([[(1, 10.0), (2, 5.0), (3, 0.0)], [(3, 0.9), (2, 0.8), (1, 0.1)]], [0.5, 0.5])
    assert [item for item, _ in fused][0] == 2  # second in both beats first-and-last


def _chunk(i, notice="n1", text="文本", kind="clause", place="张店区", **kw) -> Chunk:
    return Chunk(id=f"c{i}", notice_id=notice, notice_title=f"{notice}的通知", clause_path=["一、任务"], text=text,
                 index_text=text, file="f.txt", line_start=i, line_end=i, kind=kind, jurisdiction=place, year=2023, **kw)


def test_diversify_gives_other_notices_a_turn_unless_they_match_much_worse():
    hits = [Hit(_chunk(i, "a"), 1 - i / 10) for i in range(5)] + [Hit(_chunk(9, "b"), 0.55)]
    assert [h.chunk.notice_id for h in diversify(hits, 5, cap=3, penalty=0.6)] == ["a", "a", "a", "b", "a"]
    hits[-1].score = 0.1  # far worse than the fourth clause of "a": "a" keeps its place
    assert [h.chunk.notice_id for h in diversify(hits, 5, cap=3, penalty=0.6)] == ["a", "a", "a", "a", "a"]


def test_term_coverage_requires_required_terms():
    q = parse_query("临淄区10月份5G基站建了多少处？")
    weights = [1.0] * len(q.terms)
    assert term_coverage(q.terms, "截至9月底，累计新建5g基站183处", weights) == 0.0
    assert term_coverage(q.terms, "截至10月底，累计新建5g基站183处", weights) > 0.5


# --- evidence and composition --------------------------------------------------------------------

NOTICES = {
    "n1": Notice(title="张店区重点工作任务的通知", doc_number="张政办字〔2023〕20号", issuer="张店区人民政府办公室",
                 date="2023-08-26", jurisdiction="张店区", id="n1"),
    "n2": Notice(title="政府工作报告", issuer="张店区人民政府", date="2023-01-07", jurisdiction="张店区", id="n2"),
    "n3": Notice(title="淄川区重点工作任务的通知", doc_number="川政办字〔2023〕22号", issuer="淄川区人民政府办公室",
                 date="2023-08-23", jurisdiction="淄川区", id="n3"),
}
PILE_A = _chunk(1, "n1", "实施交通运输降碳行动。新增各类充电桩1775个。（区发展改革局、张店交警大队牵头，区住建局配合）",
                lead_departments=["区发展改革局", "张店交警大队"], support_departments=["区住建局"])
PILE_B = _chunk(2, "n2", "加强充电桩等新型基础设施建设，充电桩保有量达到3000个以上。")
PILE_C = _chunk(3, "n3", "完成充电设施1220个。（区发改局牵头）", place="淄川区", lead_departments=["区发改局"])
OTHER = _chunk(4, "n1", "推进老旧小区改造35个。")


def _equal_weights(terms):
    return [1.0] * len(terms)


def _answer(question, chunks, coverage=None, similarity=0.88):
    """Hits as a good retrieval gives them: ranked first by both retrievers, close to the question."""
    q = parse_query(question)
    cov = 1.0 if coverage is None else coverage
    # The fused score of a clause ranked i+1 by both retrievers (reciprocal ranks, k=60) and its coverage boost.
    hits = [Hit(c, 2 / (61 + i) + 0.02 * cov, i + 1, i + 1, coverage=cov, dense_score=similarity - i / 100)
            for i, c in enumerate(chunks)]
    return compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)


def _good(chunk, rank=1, coverage=1.0):
    """A hit ranked `rank` by both retrievers: its fused score (reciprocal ranks, k=60) and coverage boost."""
    return Hit(chunk, 2 / (60 + rank) + 0.02 * coverage, rank, rank, coverage=coverage, dense_score=0.88)


def test_figure_answer_quotes_the_sentence_with_the_figure_and_cites_it():
    answer = _answer("张店区充电桩目标是多少？", [PILE_A, OTHER])
    assert not answer.abstained
    assert "1775个" in answer.text and "[1]" in answer.text
    assert answer.citations[0].chunk is PILE_A and answer.citations[0].marker == 1
    assert "35个" not in answer.text


def test_a_quote_in_which_the_issuer_speaks_of_itself_names_the_issuer():
    hotline = _chunk(5, "n1", "我局开通企业服务热线：0533-1234567（服务时间：9:00-17:00）。")
    answer = _answer("企业服务热线是多少？", [hotline])
    assert "0533-1234567" in answer.text and "张店区人民政府办公室" in answer.text  # whose 我局 it is
    answer = _answer("张店区充电桩目标是多少？", [PILE_A])
    assert "张店区人民政府办公室" not in answer.text  # no self-reference: the title alone


def test_two_documents_of_one_district_are_both_given_with_their_sources():
    answer = _answer("张店区充电桩目标是多少？", [PILE_A, PILE_B])
    assert "1775个" in answer.text and "3000个" in answer.text
    assert "[1]" in answer.text and "[2]" in answer.text
    assert answer.citations[1].notice.title == "政府工作报告"


def test_comparison_gives_each_place_named():
    answer = _answer("张店和淄川充电桩目标分别是多少？", [PILE_A, PILE_B, PILE_C])
    assert "1775个" in answer.text and "1220个" in answer.text
    assert "张店区" in answer.text and "淄川区" in answer.text


def test_who_answer_names_lead_and_supporting_departments():
    answer = _answer("张店新增充电桩谁牵头？", [PILE_A])
    assert "区发展改革局" in answer.text and "张店交警大队" in answer.text


def test_weak_evidence_abstains_and_points_to_the_closest_notices():
    answer = _answer("张店区充电桩目标是多少？", [PILE_A], coverage=0.1, similarity=0.72)
    assert answer.abstained and "没有" in answer.text and "张店区重点工作任务的通知" in answer.text


def test_money_question_without_a_money_figure_abstains():
    answer = _answer("张店新增充电桩每个补贴多少钱？", [PILE_A])
    assert answer.abstained


def test_empty_restriction_abstains_with_the_reason():
    q = parse_query("周村区充电桩目标是多少？")
    answer = compose_answer(q, SearchResult([Hit(PILE_A, 0.5, coverage=1.0)], "语料中没有周村区的文件"),
                            NOTICES, _equal_weights)
    assert answer.abstained and "周村区" in answer.text


def test_a_year_the_corpus_lacks_is_said_and_the_year_it_has_is_offered():
    q = parse_query("张店区2022年充电桩目标是多少？")
    result = SearchResult([_good(PILE_A)], "语料中没有2022年的相关文件", "year")
    answer = compose_answer(q, result, NOTICES, _equal_weights)
    assert answer.abstained  # 2022 is not answered…
    assert answer.text.startswith("语料中没有2022年的相关文件") and "1775个" in answer.text  # …2023 is offered
    assert answer.citations[0].chunk is PILE_A
    unrelated = compose_answer(q, SearchResult([_good(OTHER, coverage=0.0)], "语料中没有2022年的相关文件", "year"),
                               NOTICES, _equal_weights)
    assert unrelated.abstained and "35个" not in unrelated.text  # nothing offered that does not answer


def test_a_year_no_quoted_clause_speaks_of_is_said_and_the_other_year_offered():
    q = parse_query("张店区2022年充电桩目标是多少？")  # the corpus has 2022 documents, but not this target
    answer = compose_answer(q, SearchResult([_good(PILE_A)]), NOTICES, _equal_weights)
    assert answer.abstained and answer.text.startswith("文件中没有找到2022年的相关内容") and "1775个" in answer.text
    assert not _answer("张店区2023年充电桩目标是多少？", [PILE_A]).abstained


def test_a_past_year_is_answered_by_a_reports_review_not_its_plan():
    # Made-up: a 2023 work report; its plan matches the question best, its review of 2022 (一年来…) answers it.
    plan = _chunk(16, "n2", "主要预期目标：地区生产总值增长6%左右，一般公共预算收入增长5%。")
    review = replace(_chunk(17, "n2", "一年来，综合实力稳中有升。预计地区生产总值完成612亿元，同比增长3.1%。"),
                     clause_path=["一、过去一年工作回顾"])
    answer = compose_answer(parse_query("2022年地区生产总值是多少？"), SearchResult([_good(plan), _good(review, 2)]),
                            NOTICES, _equal_weights)
    assert not answer.abstained and "612亿元" in answer.text and "6%左右" not in answer.text
    # Without the review among the hits, the plan is offered as another year's, as before.
    alone = compose_answer(parse_query("2022年地区生产总值是多少？"), SearchResult([_good(plan)]), NOTICES,
                           _equal_weights)
    assert alone.abstained and alone.text.startswith("文件中没有找到2022年")


def test_an_undated_table_is_of_the_year_its_title_names():
    table = Notice(title="2022年重点工作完成情况通报表", jurisdiction="张店区", id="t1")
    row = _chunk(12, "t1", "年度目标任务：新建充电桩500个。完成情况：完成。", kind="table_row")
    q = parse_query("2022年重点工作通报表里充电桩的目标是多少？")
    answer = compose_answer(q, SearchResult([_good(row)]), dict(NOTICES, t1=table), _equal_weights)
    assert not answer.abstained and "500个" in answer.text
    q = parse_query("2021年重点工作通报表里充电桩的目标是多少？")
    answer = compose_answer(q, SearchResult([_good(row)]), dict(NOTICES, t1=table), _equal_weights)
    assert answer.abstained and answer.text.startswith("文件中没有找到2021年")


def test_a_contact_person_asked_is_found_in_another_clause_of_the_notice():
    # Made-up: the notice's best clause says what to do; its last line names the contact person.
    rules = _chunk(51, "n1", "办理跨省通行证的单位向市交通委提出申请，市交通委审核后发放通行证。")
    contact = _chunk(52, "n1", "办理跨省通行证咨询市交通委。（联系人：李明远；邮箱：tongxing@example.cn）")
    q = parse_query("办理跨省通行证，市交通委的联系人是谁？")
    hits = [_good(rules), _good(contact, rank=2, coverage=0.6)]  # too far below the best to be quoted beside it
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert not answer.abstained and "李明远" in answer.text


def test_who_holds_a_post_is_answered_only_by_a_clause_naming_someone():
    assert parse_query("碳达峰领导小组的组长是谁？").asks_person
    assert parse_query("Who is the director of the hotline centre?").asks_person
    assert not parse_query("新增充电桩谁牵头？").asks_person  # a body is asked for
    assert parse_query("某某局上周开的视频会议是谁主持的？").asks_person  # who acted at a meeting: a person
    assert parse_query("Who chaired the video conference?").asks_person
    body_only = _chunk(13, "n1", "由碳达峰领导小组统筹推进，研究重大问题，组长单位负责日常工作。")
    answer = _answer("碳达峰领导小组的组长是谁？", [body_only])
    assert answer.abstained and "没有写明" in answer.text
    named = _chunk(14, "n1", "成立碳达峰领导小组，组长：王京文，区委副书记、区长。")
    assert "王京文" in _answer("碳达峰领导小组的组长是谁？", [named]).text


def test_who_spoke_at_a_press_conference_is_a_person_named_in_the_story_not_its_reporter():
    from assistant.govdocs.people import names_a_person

    for asked in ("发布会上由谁回答减税问题？", "是哪位官员表示供应完全能够保障？", "介绍救治机制的是哪位？"):
        assert parse_query(asked).asks_person, asked
    assert not parse_query("疫情信息由谁来负责发布？").asks_person  # a body publishes
    assert not names_a_person("某某日报讯（记者陈晓东 周珺）会议召开。")
    assert names_a_person("省商务厅副厅长高志在发布会上表示。")  # (a name the tagger does not read as one)
    # The story names the speaker in a paragraph of its own, apart from the answer the question's words match.
    answer_part = _chunk(56, "n1", "关于减税问题，我省已出台8项措施，小微企业增值税减按1%征收。")
    speaker = _chunk(57, "n1", "在3日召开的发布会上，省税务局副局长陈晓东回答了减税问题。")
    q = parse_query("发布会上由谁回答减税问题？")
    hits = [_good(answer_part)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights,
                            more_of=lambda notice_id: [_good(speaker, 2, coverage=0.5)])
    assert not answer.abstained and "陈晓东" in answer.text


def test_a_holder_named_in_a_sentence_the_quote_left_out_answers_who_holds_the_post():
    clause = _chunk(23, "n1", "各乡镇要制定汛期转移安置预案，把转移安置责任落实到村、落实到户。"
                              "在县防汛指挥部内设立转移安置组，负责汛期群众转移、临时安置和生活保障。"
                              "组长由分管副县长担任，成员由县民政局、县应急局组成。")
    answer = _answer("防汛转移安置组的组长由谁来当？", [clause])
    assert not answer.abstained and "分管副县长担任" in answer.text


def test_a_metadata_answer_names_the_gazette_issue_the_notice_appeared_in():
    notices = dict(NOTICES, n1=replace(NOTICES["n1"], gazette_issue="某市人民政府公报2031年第4期（总第120期）"))
    header = _chunk(24, "n1", "张店区重点工作任务的通知", kind="header")
    q = parse_query("这个重点工作任务的通知登在公报哪一期？")
    answer = compose_answer(q, SearchResult([_good(header)]), notices, _equal_weights)
    assert not answer.abstained and "刊于某市人民政府公报2031年第4期" in answer.text


def test_two_years_asked_one_answered_is_answered_with_the_other_said():
    q = parse_query("张店区2023年工作任务里，2022年的充电桩目标是多少？")  # PILE_A's notice is of 2023
    answer = compose_answer(q, SearchResult([_good(PILE_A)]), NOTICES, _equal_weights)
    assert not answer.abstained and "1775个" in answer.text and "未写明2022年" in answer.text


def test_a_month_no_retrieved_clause_speaks_of_is_declined():
    row = _chunk(15, "n1", "9月份目标任务：新建5G基站200处。完成情况：完成。", kind="table_row")
    answer = _answer("10月份5G基站建了多少处？", [row])
    assert answer.abstained and "10月" in answer.text
    assert not _answer("9月份5G基站建了多少处？", [row]).abstained


def test_a_figure_asked_is_not_answered_by_a_clause_on_the_topic_without_one():
    topic_only = _chunk(18, "n1", "县医保窗口的群众好评率纳入年度考核，好评率偏低的予以通报。")
    assert _answer("县医保窗口的群众好评率具体是多少？", [topic_only]).abstained
    with_figure = _chunk(19, "n1", "全年县医保窗口群众好评率达到98.5%，按时办结率99%。")
    assert "98.5%" in _answer("县医保窗口的群众好评率具体是多少？", [with_figure]).text
    # A figure in brackets is a figure (体温异常（37.5度以上）), not an aside to leave out.
    bracketed = _chunk(20, "n1", "学生每日晨检，发现体温异常（37.5度以上）的立即送医。")
    answer = _answer("晨检体温到多少度以上要送医？", [bracketed])
    assert not answer.abstained and "37.5度" in answer.text


def test_a_number_asked_is_not_answered_by_a_clause_saying_one_was_published():
    said = _chunk(21, "n1", "区医保局开通了医保业务咨询热线，方便群众足不出户办理业务。")
    answer = _answer("区医保局的医保咨询热线号码是多少？", [said])
    assert answer.abstained and "没有给出所问的电话号码" in answer.text
    given = _chunk(22, "n1", "区医保局开通医保业务咨询热线：0571-88886666，方便群众足不出户办理业务。")
    assert "0571-88886666" in _answer("区医保局的医保咨询热线号码是多少？", [given]).text
    assert not _answer("有事该怎么联系区医保局？", [said]).abstained  # how to reach them, not the number


def test_a_time_the_notice_leaves_open_is_said_not_answered_with_its_other_dates():
    closed = _chunk(16, "n1", "自2月3日起暂停开放全部游泳馆，恢复开放时间另行通知。咨询电话：12345678。")
    answer = _answer("游泳馆具体哪天恢复开放？", [closed])
    assert answer.abstained and "恢复开放时间另行通知" in answer.text and answer.citations
    started = _answer("游泳馆从哪天开始暂停开放的？", [closed])  # the day it started is stated
    assert not started.abstained and "2月3日" in started.text
    assert not _answer("游泳馆哪天恢复开放？咨询电话多少？", [closed]).abstained  # the number answers the rest
    dated = _chunk(17, "n1", "游泳馆于3月1日恢复开放，其余场馆开放时间另行通知。")
    assert "3月1日" in _answer("游泳馆具体哪天恢复开放？", [dated]).text  # the open time is another's


def test_a_month_of_the_askers_own_account_is_not_one_the_answer_must_name():
    q = parse_query("我的医保登记有效期到5月就满了，现在不方便去医院，能不能延期？")
    assert not any(t.required for t in q.terms)
    assert [t.source for t in parse_query("我想问10月份的通报里基站建了多少处？").terms if t.required] == ["10月"]


def test_a_report_of_one_month_does_not_speak_of_the_months_its_rows_mention():
    from dataclasses import replace
    row = replace(_chunk(16, "n1", "年度目标任务：12月底前新建5G基站200处。完成情况：部分完成。", kind="table_row"),
                  notice_title="某区重点工作9月份完成情况通报")
    assert _answer("12月份的通报里5G基站建了多少处？", [row]).abstained
    assert not _answer("9月份的通报里5G基站建了多少处？", [row]).abstained
    # A row's figures as of an earlier month (截至8月底) are that month's: the report speaks of it.
    as_of = replace(row, text="年度目标任务：新建5G基站200处。完成情况：完成。截至8月底，已建成5G基站180处。")
    assert not _answer("8月底5G基站建了多少处？", [as_of]).abstained
    assert _answer("8月底5G基站建了多少处？", [row]).abstained
    undated = replace(row, notice_title="某区重点工作任务分解表")
    assert not _answer("12月份5G基站建多少处？", [undated]).abstained  # a plan's own deadline


def test_a_list_introduced_by_a_lead_in_is_quoted_on():
    text = "在总结成绩的同时，我们也认识到，还面临一系列困难，主要是：中心城区辐射带动力不够强；产业结构有待优化；公共服务供给仍有差距。"
    answer = _answer("张店面临哪些主要困难？", [_chunk(5, "n2", text)])
    assert "辐射带动力" in answer.text and "公共服务供给" in answer.text


def test_a_list_in_sub_headings_is_given_from_the_clause_tree():
    lead = _chunk(6, "n1", "大赛办公室下设3个工作组，具体职责如下：")
    headings = {"c6": ["（一）综合协调组", "（二）安全保障组", "（三）宣传报道组"]}
    q = parse_query("大赛办公室下设哪些工作组？")
    answer = compose_answer(q, SearchResult([_good(lead)]), NOTICES, _equal_weights,
                            children=lambda c: headings.get(c.id, []))
    assert "综合协调组" in answer.text and "宣传报道组" in answer.text
    assert "综合协调组" in " ".join(answer.citations[0].quotes)


def test_a_news_item_without_number_issuer_or_date_is_named_without_empty_brackets():
    item = _chunk(190, "n9", "某某市三部门联合出台十条措施，支持小微企业渡过难关。")
    notices = dict(NOTICES, n9=Notice(title="某某市出台十条措施", id="n9"))
    answer = compose_answer(parse_query("某某市十条措施是哪几个部门联合出台的？"), SearchResult([_good(item)]), notices,
                            _equal_weights)
    assert "《某某市出台十条措施》：" in answer.text and "（）" not in answer.text


def test_a_header_clause_answers_only_questions_about_the_document():
    header = _chunk(7, "n1", "张店区重点工作任务的通知 张政办字〔2023〕20号 各镇政府、街道办事处", kind="header")
    assert _answer("张店区重点工作任务的通知是什么时候发的？文号是多少？", [header]).text.count("张政办字〔2023〕20号")
    assert _answer("张店区重点工作任务有哪些？", [header]).abstained


def test_a_question_about_the_basis_is_answered_by_the_clause_citing_it():
    basis = _chunk(8, "n1", "根据《国有土地上房屋征收与补偿条例》第八条的规定，决定征收。项目已具备征收条件。")
    other = _chunk(9, "n1", "征收范围东至西五路，西至西六路。")
    q = parse_query("房屋征收决定是依据哪部法规作出的？")
    assert "basis" in q.kinds
    answer = _answer("房屋征收决定是依据哪部法规作出的？", [other, basis])
    assert "补偿条例》第八条" in answer.text and answer.citations[0].chunk is basis


def test_only_an_amount_asked_for_makes_a_money_question():
    assert not parse_query("小西湖征收补偿方案是谁制定的？").wants_money
    assert parse_query("征收补偿标准是多少？").wants_money
    answer = _answer("初步设计概算超出投资额多少须重新报批？", [_chunk(10, "n1", "初步设计概算超出投资额10%以上的，应重新报批。")])
    assert "10%以上" in answer.text  # a share of an amount answers it


def test_a_duty_sentence_without_subject_is_answered_with_the_department_named_before_it():
    duties = _chunk(11, "n1", "市委宣传部负责新闻发布工作。市交通运输局负责防汛交通运输保障。负责加强对黄河浮桥的行业管理。",
                    place="淄博市")
    answer = _answer("黄河浮桥的行业管理归哪个部门？", [duties])
    assert "市交通运输局" in answer.text and "市委宣传部" not in answer.text
    # A leader's duties in a division of work: the later one drops the name too.
    leaders = _chunk(14, "n1", "王丽同志负责财政、审计工作。陈晓东同志协助王丽同志负责统计工作；"
                               "协助赵刚同志负责商务、服务业等方面的工作。", place="淄博市")
    answer = _answer("是谁在协助赵刚副区长抓商务这块？", [leaders])
    assert "陈晓东" in answer.text and "王丽同志负责财政" not in answer.text


def test_a_clause_showing_the_date_leads_over_one_that_only_matches_well():
    duties = _chunk(12, "n1", "区服务业发展中心：做好机器人大赛的综合协调工作。")
    when = _chunk(13, "n1", "时间：2023年8月26日")
    q = parse_query("机器人大赛哪天比？")
    hits = [_good(duties), _good(when, 2, 0.75)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert "2023年8月26日" in answer.text and answer.citations[0].chunk is when


@pytest.mark.parametrize("limit", ["疫情解除后3个月内由用户补缴", "发现异常后应在十五分钟内电话报告", "收到申请之日起五个工作日以内办结",
                                   "自即日起暂停办理", "窗口办理时间为8:30-17:00", "每日上午9时开始受理",
                                   "缴费期限延长至7月底"])
def test_a_time_limit_counted_from_an_event_answers_when(limit):
    clause = _chunk(1, text=f"关于欠缴费用的处理。{limit}。")
    q = parse_query("欠的费用最晚什么时候交？")
    assert select_evidence(q, Hit(clause, 1.0, coverage=0.0), _equal_weights(q.terms)).answers_kind


def test_what_time_of_day_asks_when_and_a_ratio_or_an_ordinal_is_no_time():
    assert "when" in parse_query("服务窗口每天几点到几点办公？").kinds
    q = parse_query("服务窗口每天几点到几点办公？")
    for text, answers in [("服务窗口办公时间为9:00-17:00。", True), ("服务窗口按1:2配备人员。", False),
                          ("服务窗口的第2点要求是文明服务。", False)]:
        chunk = _chunk(1, text="关于服务窗口的安排。" + text)
        assert select_evidence(q, Hit(chunk, 1.0, coverage=0.0), _equal_weights(q.terms)).answers_kind is answers


@pytest.mark.parametrize("text,title,answers", [
    ("全年力争新建充电桩500个以上。", "某区工作报告", False),  # a target
    ("新建充电桩500个。", "某区2024年重点工作任务", False),  # a plan's figure is a target too
    ("完成情况：已建成充电桩320个。", "某区重点工作任务9月份完成情况通报", True),
    ("去年新建充电桩480个，同比增长20%。", "某区工作报告", True),
])
def test_what_was_achieved_is_not_answered_by_a_target(text, title, answers):
    from dataclasses import replace
    chunk = replace(_chunk(1, text="关于充电桩建设。" + text), notice_title=title)
    q = parse_query("到目前为止实际建成了多少个充电桩？")
    assert q.asks_actual
    assert select_evidence(q, Hit(chunk, 1.0, coverage=1.0), _equal_weights(q.terms)).answers_kind is answers
    plain = parse_query("充电桩建多少个？")
    assert not plain.asks_actual
    assert parse_query("某县去年的游客人数最后完成了多少？").asks_actual  # what the year ended with
    assert not parse_query("某县最后一批补贴完成发放的时间？").asks_actual  # 最后 of a batch asks no result
    assert select_evidence(plain, Hit(chunk, 1.0, coverage=1.0), _equal_weights(plain.terms)).answers_kind


def test_a_count_without_a_time_limit_does_not_answer_when():
    clause = _chunk(1, text="关于欠缴费用的处理。共涉及3个月的费用，由用户补缴。")
    q = parse_query("欠的费用最晚什么时候交？")
    assert not select_evidence(q, Hit(clause, 1.0, coverage=0.0), _equal_weights(q.terms)).answers_kind


@pytest.mark.parametrize("question,asks", [
    ("疫情期间贷款还不上，能往后延多久？", True), ("工单部门最多几天得办完？", True), ("隔离要隔多少天？", True),
    ("复工审批几个工作日能批下来？", True), ("这个人才称号管几年？", True), ("哪几年的数据可以查？", False),
    ("这几天景区门票多少钱一张？", False), ("前几个月的房租能免吗？", False), ("贷款什么时候还？", False),
])
def test_how_long_is_a_question_of_its_own(question, asks):
    q = parse_query(question)
    assert q.asks_duration is asks
    if asks:
        assert {"when", "figure"} & set(q.kinds)  # 几年 asks a count of years as much as a span


@pytest.mark.parametrize("question,judgement", [
    ("我和物业因为停车费吵起来了，去法院告他能赢吗？", True), ("你觉得这个补贴标准合理吗？", True),
    ("两家争一块菜地，到底谁占理？", True), ("我上个月提交的申请，能帮我查查到哪了吗？", True),
    ("上周申请了补贴，现在审核到哪一步了？钱什么时候能到账？", True), ("我反映的问题，处理结果出来了吗？", True),
    ("What do you think of the new parking rules?", True), ("你估计停车场大概几月份能建好？", True),
    ("停车费怎么收？听说要涨价，靠谱吗？", False),  # the first clause asks the rule
    ("那项工程9月份进展到哪一步了？", False),  # a task's progress is in the report
    ("停车收费标准是多少？", False),
    # the opinion word opens the sentence, the asking word closes it
    ("你觉得那条路修了这么久，是不是施工队不行？", True),
    ("区里定的增长20%以上，这个目标是不是定得太高了？", True), ("这个标准会不会太低？", True),
    ("我打热线反映了楼下噪音，工单现在办到哪个环节了？能帮我查一下吗？", True),
    # the weather on a day: no notice forecasts or reports it; weather as a topic is asked about
    ("下周六运动会那天天气咋样，会不会下雨？", True), ("开幕式那天下雨了没有？", True),
    ("极端天气应对由哪个部门负责？", False), ("下雨天施工有什么要求？", False),
    ("下周城里会不会下暴雨？", True), ("明天下大雪吗？", True), ("暴雨天气停课由谁决定？", False),
    ("明天白天最高气温多少度？", True), ("晨检时体温到多少度以上要隔离？", False),
    ("老板说延长假期那几天不发工资，这合理吗？", False),  # the rule on pay answers it
])
def test_a_question_asking_only_an_opinion_or_ones_own_case_is_told_apart(question, judgement):
    assert parse_query(question).asks_judgement is judgement


def test_an_opinion_is_declined_with_the_reason_and_the_closest_clauses():
    answer = _answer("你觉得张店区充电桩目标定得是不是太高了？", [PILE_A])
    assert answer.abstained and "个人判断" in answer.text and answer.citations


@pytest.mark.parametrize("clause,answers", [
    ("对还款困难的贷款户，给予6个月的延期。", True), ("检验合格证有效期顺延45天。", True),
    ("承办单位2小时内反馈初步处置情况。", True), ("一般事项三个工作日内办结。", True),
    ("贷款于9月5日起发放。", True),  # a date answers too (延到哪天)
    ("共发放贷款300万元。", False), ("贷款户增加3户。", False), ("9月份贷款户增加。", False),
])
def test_a_span_of_time_answers_how_long_and_a_count_does_not(clause, answers):
    chunk = _chunk(1, text="关于贷款的安排。" + clause)
    q = parse_query("贷款能延多久？")
    assert select_evidence(q, Hit(chunk, 1.0, coverage=0.0), _equal_weights(q.terms)).answers_kind is answers


def test_a_clause_trusted_only_for_matching_well_gives_way_to_one_of_its_notice_that_shows_the_date():
    # Made-up plan: the duties clause matches every word (trusted to answer "when" without a date); the
    # clause with the date ranks beyond the first five, and leads.
    duties = _chunk(50, "n1", "公安分局负责灯会期间的安全保障；交警大队负责灯会期间的交通疏导。")
    others = [_chunk(60 + i, "n3", f"第{i}项其他工作安排。", place="淄川区") for i in range(5)]
    when = _chunk(51, "n1", "时间：2024年2月10日；地点：人民公园。")
    q = parse_query("听说要办灯会，啥时候办？在哪儿办？")
    hits = [_good(duties, coverage=0.9)] + [_good(c, 2 + i, 0.1) for i, c in enumerate(others)] + [_good(when, 8, 0.9)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert answer.citations[0].chunk is when and "2024年2月10日" in answer.text


def test_how_long_prefers_the_clause_with_a_span_to_one_with_a_date():
    dated = _chunk(48, "n1", "2月7日，领导小组下发通知，要求加强公共区域消毒工作。")
    span = _chunk(49, "n1", "公共区域每3天进行1次消毒。")
    q = parse_query("公共区域多久消毒一次？")
    answer = compose_answer(q, SearchResult([_good(dated, coverage=0.8), _good(span, 2, 0.6)]), NOTICES, _equal_weights)
    assert answer.citations[0].chunk is span and "每3天" in answer.text
    when = compose_answer(parse_query("公共区域消毒的通知是哪天下发的？"),
                          SearchResult([_good(dated, coverage=0.8), _good(span, 2, 0.6)]), NOTICES, _equal_weights)
    assert when.citations[0].chunk is dated


def test_the_clause_of_the_best_notice_that_shows_what_is_asked_leads():
    # Made-up rules of a hotline: the best match tells how a request is received, a clause further down
    # (past the per-notice cap of the first hits) how long a department has, and leads; a clause of the same
    # notice that matches far worse is not taken.
    received = _chunk(41, "n1", "热线受理人员能直接答复的，应直接答复；不能直接答复的，即时形成工单转至承办单位。")
    limit = _chunk(42, "n1", "承办单位接到工单后，一般事项5个工作日内办结。")
    far = _chunk(43, "n1", "热线平台于3个工作日内完成升级。")
    elsewhere = _chunk(44, "n3", "承办单位接到工单后，一般事项7个工作日内办结。", place="淄川区")
    q = parse_query("热线工单转给承办单位，最多几天得办完？")
    hits = [_good(received, coverage=0.6), _good(elsewhere, 2, 0.5)]
    alone = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert "5个工作日" not in alone.text
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights,
                            more=lambda: [_good(far, 11, 0.1), _good(limit, 12, 0.5)])
    assert "5个工作日" in answer.text and "3个工作日" not in answer.text
    assert answer.citations[0].chunk is limit and answer.text.index("5个工作日") < answer.text.index("7个工作日")


def test_a_list_question_is_answered_by_the_clause_that_lists_the_items():
    # Made-up measures: the best match announces the purchase, the next clause of the notice lists what is
    # bought; a question that asks no list keeps the best match.
    announce = _chunk(51, "n1", "实施防疫物资全额收储。对本地企业生产的防疫物资，由指定机构全额收储。")
    items = _chunk(52, "n1", "首批收储的防疫物资包括医用口罩、医用防护服、隔离服、测温仪。")
    hits = [_good(announce, coverage=0.8), _good(items, 2, 0.55)]
    answer = compose_answer(parse_query("首批收储的防疫物资包括哪几类？"), SearchResult(hits), NOTICES, _equal_weights)
    assert answer.citations[0].chunk is items and "隔离服" in answer.text
    who = compose_answer(parse_query("防疫物资由谁收储？"), SearchResult(hits), NOTICES, _equal_weights)
    assert who.citations[0].chunk is announce


def test_a_list_question_naming_one_item_is_answered_by_the_list_that_holds_it():
    # Made-up archive rules: the best match speaks of channels and lists other things; the list of channels,
    # which holds the 电话 the asker already knows, matches few of the question's words.
    purpose = _chunk(61, "n1", "第一条 为畅通群众查档渠道，规范查档申请、受理、答复、复核等工作，制定本办法。")
    channels = _chunk(62, "n1", "第二条 查档服务由电话、网站、微信公众号、信函等组成，统一受理查档申请。")
    hits = [_good(purpose, coverage=0.9), _good(channels, 2, 0.3)]
    q = parse_query("除了打电话，还能通过哪些渠道申请查档？")
    assert "电话" in q.besides
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert answer.citations[0].chunk is channels and "微信公众号" in answer.text
    plain = compose_answer(parse_query("查档申请要经过哪些环节？"), SearchResult(hits), NOTICES, _equal_weights)
    assert plain.citations[0].chunk is purpose  # no item named: the list of 申请、受理、答复 of the best match


def test_a_question_pointing_back_with_this_keeps_the_whole_sentence_it_points_to():
    from assistant.search.query import focus_of

    told = "我家在城东，老人带孙子，我们俩都上班，孩子上初中，家里事多。上周有人来给换了水表，没收钱。"
    assert focus_of(told + "请问这是谁安排的？换了多少户？").startswith("上周有人来给换了水表")
    # asked without pointing back: the clause before the question only
    assert focus_of(told + "请问水表是谁安排换的？换了多少户？").startswith("没收钱")


def test_a_number_in_the_unit_asked_answers_how_many_wherever_it_stands():
    from assistant.answering.extractive import figure_near_term

    q = parse_query("旧水表一共给多少户换了？")
    assert figure_near_term("区里免费为3.2万户居民更换智能水表。", q)
    assert not figure_near_term("区里免费为居民更换智能水表，此项工作由区水务局牵头，年内共投入资金3200万元。", q)


def test_a_list_counted_by_any_measure_word_is_a_list_of_that_many():
    from assistant.search.query import stated_count

    for asked, n in (("为了守住城区，县里设了哪三道关口？", 3), ("办理分哪几步？", 0), ("要做到哪四点？", 4),
                     ("某局的通知对各地提了哪三方面要求？", 3)):
        q = parse_query(asked)
        assert "list" in q.kinds and stated_count(asked) == n, asked
    assert "list" not in parse_query("哪几天开放？").kinds  # days are a time, not items


def test_each_of_several_questions_asked_at_once_is_read_with_the_place_and_kind_of_the_whole():
    q = parse_query("桓台县今年改造多少个老旧小区？棚改呢？")
    assert [p.text for p in q.parts] == ["桓台县今年改造多少个老旧小区？", "棚改呢？"]
    assert q.parts[1].jurisdictions == ["桓台县"] and "figure" in q.parts[1].kinds
    assert not parse_query("桓台县今年改造多少个老旧小区，涉及多少户？").parts  # one sentence, one question


def test_what_the_asker_does_not_know_is_told_not_asked():
    from assistant.search.query import asking_clauses

    q = "俺爹在村里种了几亩花生，每年的补贴到底发了多少一直搞不清，镇上会在哪儿公示？"
    assert asking_clauses(q) == "镇上会在哪儿公示？"
    assert "figure" not in parse_query(q).kinds and not parse_query(q).wants_money
    assert "figure" in parse_query("每年的补贴到底发了多少？").kinds


def test_a_place_named_only_in_telling_of_oneself_is_where_the_asker_is():
    from assistant.search.query import told_of_self

    told = parse_query("我在杭州西湖区开饭店，员工社保能缓交吗？")
    assert told_of_self(told).story_places == told.jurisdictions and len(told.jurisdictions) == 1
    asked = parse_query("杭州西湖区的小饭店，员工的社保能缓交吗？")
    assert told_of_self(asked).story_places == []


def test_a_question_whose_whole_search_states_no_sum_is_answered_part_by_part_when_its_price_part_finds_one():
    # Made-up festival: the whole question's clauses name the festival but state no price; the price part's own
    # search finds the clause that does. Without searching parts, the question is declined as before.
    dates = _chunk(66, "n1", "印发第五届荷花节活动方案，拟定7月8日至12日举办第五届荷花节。")
    price = _chunk(67, "n1", "荷花节期间，区内收费景区对所有游客执行半价门票，每张门票20元。")
    q = parse_query("我和家人想去看看。第五届荷花节是几号到几号办的？那几天景区门票多少钱？")
    assert len(q.parts) == 2 and q.wants_money

    def search_part(part):
        return [_good(price)] if "门票" in part.text else [_good(dates)]

    answer = compose_answer(q, SearchResult([_good(dates)]), NOTICES, _equal_weights, search_part=search_part)
    assert not answer.abstained and "7月8日" in answer.text and "20元" in answer.text
    assert compose_answer(q, SearchResult([_good(dates)]), NOTICES, _equal_weights).abstained
    # No clause states the price: declined, as before, rather than answering the dates alone.
    unpriced = compose_answer(q, SearchResult([_good(dates)]), NOTICES, _equal_weights,
                              search_part=lambda part: [_good(dates)])
    assert unpriced.abstained


def test_a_part_takes_where_the_asker_is_from_with_the_places_of_the_whole():
    # The asker's home province is no place compared: the second part compares nothing.
    q = parse_query("我是江西一所中学的老师，听说厦门的博物馆对教师免费开放，等放假想去看看，要带什么证件？优惠到什么时候？")
    assert q.parts[1].jurisdictions == q.jurisdictions and len(q.jurisdictions) == 2
    assert len(q.parts[1].compared_places) < 2


def test_a_part_the_quoted_clause_does_not_cover_is_answered_from_its_own_search():
    # Made-up plan: the best clause answers the first question; the second (棚改呢？) is searched on its own.
    old_estates = _chunk(61, "n1", "实施老旧小区改造，全年改造老旧小区20个、涉及3000户。")
    shanty = _chunk(62, "n1", "推进棚户区改造，全年改造棚户区2个、600套。")
    q = parse_query("今年老旧小区改造多少个？棚户区改造呢？")
    searched = []

    def search_part(part):
        searched.append(part.text)
        return [_good(shanty)] if "棚户区" in part.text else [_good(old_estates)]

    answer = compose_answer(q, SearchResult([_good(old_estates)]), NOTICES, _equal_weights, search_part=search_part)
    assert "20个" in answer.text and "600套" in answer.text and [c.chunk for c in answer.citations[:2]] == [old_estates, shanty]
    assert searched == ["棚户区改造呢？"]  # the part the quote already covers is not searched again
    alone = compose_answer(q, SearchResult([_good(old_estates)]), NOTICES, _equal_weights)
    assert "600套" not in alone.text
    # A part no clause answers is said so; the rest is still answered.
    nothing = compose_answer(q, SearchResult([_good(old_estates)]), NOTICES, _equal_weights, search_part=lambda p: [])
    assert not nothing.abstained and "20个" in nothing.text and "第2问：文件中没有找到相关内容" in nothing.text


def test_a_comparison_asking_how_long_quotes_each_places_clause_giving_a_span():
    # Made-up: 淄川's best clause states who qualifies (a rate, no span); another clause of its notice the span.
    zhang = _chunk(91, "n1", "对不裁员的企业，按3个月的社会保险费的50%返还。")
    terms = _chunk(92, "n3", "2023年3月1日前申请返还的企业，裁员率不超过5.5%，不欠缴社会保险费。", place="淄川区")
    span = _chunk(93, "n3", "对不裁员的企业，返还6个月的社会保险费的50%。", place="淄川区")
    q = parse_query("张店和淄川对不裁员企业的社会保险费返还各按几个月算？")
    hits = [_good(zhang), _good(terms, 2)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights,
                            more_of=lambda notice_id: [_good(terms), _good(span, 2, coverage=0.9)])
    assert "3个月" in answer.text and "6个月" in answer.text


def test_a_county_asking_a_citys_contact_list_gets_its_own_line():
    # Made-up city notice: the contacts of each county are listed after the general rule; the county's line is
    # quoted, however far down the list it stands, and the clause is cited once.
    names = ["刘建国", "陈立新", "杨海涛", "黄志强", "吴文斌", "徐晓东", "孙国庆", "马春生"]
    counties = ["张店区", "淄川区", "博山区", "周村区", "临淄区", "沂源县", "高青县", "桓台县"]
    lines = "；".join(f"{c}：{n}（联系电话0533-{str(i) * 7}）" for i, (c, n) in enumerate(zip(counties, names), 1))
    listing = _chunk(96, "n5", "应急运输车辆申请绿色通道通行证的，承运单位向市交通运输局申报办理。"
                     "市级联系人：市运输中心郑海波（联系电话0533-1000000）。各区县联系人：" + lines + "。", place="淄博市")
    q = parse_query("在淄博的桓台县，想给应急运输车辆办绿色通道通行证，当地的联系人是谁、电话多少？")
    answer = compose_answer(q, SearchResult([_good(listing)]), NOTICES, _equal_weights)
    assert "马春生（联系电话0533-8888888）" in answer.text and answer.text.count("[1]") == 1
    assert "[2]" not in answer.text


def test_a_comparison_asked_in_one_part_gets_each_places_own_clause():
    # Made-up: 甲 (张店区) and 乙 (淄川区) targets asked, then 乙's progress by a month. The whole question's month
    # found 乙's row and a 张店区 clause on something else; the comparison part finds 张店区's own target.
    row = _chunk(81, "n3", "年度目标：新建公园绿地12处。9月进度：已建成公园绿地7处。", place="淄川区")
    unrelated = _chunk(82, "n1", "推进老旧小区改造35个。")
    target = _chunk(83, "n1", "新建公园绿地20处以上。")
    q = parse_query("公园绿地方面，张店和淄川今年的目标各是多少？淄川到9月建了多少？")

    def search_part(part):
        return [_good(target), _good(row, 2)] if len(part.jurisdictions) == 2 else [_good(row)]

    hits = [_good(row), _good(unrelated, 2)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights, search_part=search_part)
    assert "12处" in answer.text and "7处" in answer.text and "20处" in answer.text
    assert "35个" not in answer.text


def test_a_comparison_each_of_whose_places_has_its_own_answering_clause_is_answered():
    # Weak retrieval signals (ranked low by both retrievers, far in meaning): one clause alone would be declined;
    # a clause of each place asked about, each showing its figure, is answered.
    zhang = _chunk(71, "n1", "大力发展绿色建筑。完成绿色建筑500万平方米以上。")
    zi = _chunk(72, "n3", "大力发展绿色建筑。新增绿色建筑10万平方米。", place="淄川区")

    def weak(chunk, rank):
        return Hit(chunk, 2 / (60 + rank) + 0.012, rank, rank, coverage=0.6, dense_score=0.45)

    q = parse_query("张店和淄川今年绿色建筑的面积任务各是多少？")
    answer = compose_answer(q, SearchResult([weak(zhang, 9), weak(zi, 10)]), NOTICES, _equal_weights)
    assert not answer.abstained and "500万平方米" in answer.text and "10万平方米" in answer.text
    one_side = compose_answer(q, SearchResult([weak(zhang, 9)]), NOTICES, _equal_weights)
    assert one_side.abstained


def test_a_second_asked_kind_is_quoted_from_another_clause_of_the_same_notice():
    # Made-up plan: the duties clause answers "who", a clause further down (past the per-notice cap of the
    # first hits) the "when"; another notice's dated clause is not taken.
    duties = _chunk(21, "n1", "区文化和旅游局：负责灯会的招商、布展和志愿者招募工作。")
    when = _chunk(22, "n1", "时间：2024年2月10日至2月24日，地点：人民公园东门广场。")
    elsewhere = _chunk(23, "n3", "灯会于2024年1月30日开幕。", place="淄川区")
    q = parse_query("今年灯会是哪天办？志愿者归哪个单位招？")
    hits = [_good(duties), _good(elsewhere, 2, 0.6)]
    alone = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert "区文化和旅游局" in alone.text and "2月10日" not in alone.text
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights, more=lambda: [_good(when, 12, 0.6)])
    assert "区文化和旅游局" in answer.text and "2024年2月10日" in answer.text and "1月30日" not in answer.text
    assert [c.chunk for c in answer.citations[:2]] == [duties, when]
    # Asked one kind only: nothing is added.
    one = compose_answer(parse_query("灯会的志愿者归哪个单位招？"), SearchResult(hits), NOTICES, _equal_weights,
                         more=lambda: [_good(when, 12, 0.6)])
    assert "2月10日" not in one.text


def test_a_question_naming_no_place_is_answered_by_each_level_that_sets_the_figure():
    district = _chunk(84, "n1", "加快发展新型储能，新型储能规模达到10万千瓦。")
    city = _chunk(85, "n3", "新型储能装机规模达到100万千瓦左右。", place="淄川区")
    hits = [_good(district, coverage=1.0), _good(city, 2, 0.78)]
    answer = compose_answer(parse_query("新型储能规模要达到多少？"), SearchResult(hits), NOTICES, _equal_weights)
    assert "10万千瓦" in answer.text and "100万千瓦" in answer.text
    one_place = compose_answer(parse_query("张店区新型储能规模要达到多少？"), SearchResult(hits), NOTICES, _equal_weights)
    assert "100万千瓦" not in one_place.text


def test_a_sum_asked_is_not_answered_by_an_amount_in_a_clause_on_something_else():
    topic = _chunk(81, "n1", "实施片区房屋征收，征收补偿方案另行公布。")
    budget = _chunk(82, "n3", "全年争取上级资金39.8亿元。", place="淄川区")
    q = parse_query("片区房屋征收每平方米补偿多少钱？")
    hits = [_good(topic, coverage=0.9), _good(budget, 2, 0.1)]
    assert compose_answer(q, SearchResult(hits), NOTICES, _equal_weights).abstained
    priced = _chunk(83, "n1", "住宅房屋按每平方米8000元给予征收补偿。")
    hits = [_good(topic, coverage=0.9), _good(priced, 2, 0.6)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert not answer.abstained and "8000元" in answer.text


def test_a_percentage_does_not_answer_how_much_money_but_answers_a_share_of_a_budget():
    share = _chunk(31, "n1", "关于公交票价的安排。持卡乘车优惠比例达到50%，老年人免费乘车。")
    amount = _chunk(32, "n1", "关于公交票价的安排。普通线路单一票价2元，持卡乘车优惠。")
    price = parse_query("公交车坐一趟要多少钱？")
    assert not select_evidence(price, Hit(share, 1.0, coverage=1.0), _equal_weights(price.terms)).answers_kind
    assert select_evidence(price, Hit(amount, 1.0, coverage=1.0), _equal_weights(price.terms)).answers_kind
    overrun = _chunk(33, "n1", "关于项目资金的安排。增加投资超过合同值10%的，须报批。")
    budget = parse_query("项目资金超出多少要报批？")
    assert budget.wants_money
    assert select_evidence(budget, Hit(overrun, 1.0, coverage=1.0), _equal_weights(budget.terms)).answers_kind


@pytest.mark.parametrize("question,asks", [
    ("停车证办不下来，打哪个电话问？", True), ("复议申请材料寄到哪里？", True), ("举报电话和邮箱是多少？", True),
    ("有咨询电话吗？", True), ("What is the hotline number for permits?", True),
    ("发现发热人员后要在多长时间内打电话上报？", False), ("12345热线晚上有人接吗？", False),
])
def test_a_question_asking_how_to_reach_an_office(question, asks):
    assert ("contact" in parse_query(question).kinds) is asks


def test_a_contact_question_quotes_the_sentence_with_the_number_and_still_answers_without_one():
    filler = "".join(f"第{i}项，按照统一部署有序推进相关工作并加强督促检查。" for i in range(1, 5))
    clause = _chunk(41, "n1", "停车证由区交通运输局统一办理，办理时须携带行驶证。" + filler + "办理进度可拨打0533-2181234。")
    asked = parse_query("停车证归哪个部门办？打哪个电话问？")
    evidence = select_evidence(asked, Hit(clause, 1.0, coverage=1.0), _equal_weights(asked.terms))
    assert evidence.answers_kind and any("0533-2181234" in s for s in evidence.sentences)
    not_asked = parse_query("停车证归哪个部门办？")
    plain = select_evidence(not_asked, Hit(clause, 1.0, coverage=1.0), _equal_weights(not_asked.terms))
    assert not any("0533-2181234" in s for s in plain.sentences)
    # A clause naming the office but no number still answers (what to do, whom to ask), without a number.
    counts = _chunk(42, "n1", "停车证由区交通运输局统一办理，全年办理12000张。")
    without = select_evidence(asked, Hit(counts, 1.0, coverage=1.0), _equal_weights(asked.terms))
    assert without.answers_kind and "contact" not in kind_features("全年办理12000张。", asked, counts)
    # An amount after 举报 is a reward, not a number to call.
    reward = parse_query("举报打哪个电话？")
    assert "contact" not in kind_features("经查属实的，给予举报人2000至20000元奖励。", reward, counts)
    assert "contact" not in kind_features("举报属实的，奖励举报人10000元。", reward, counts)
    assert "contact" in kind_features("举报电话：12320。", reward, counts)


def test_a_phone_number_or_a_postcode_asked_for_is_no_figure_and_a_story_names_no_money():
    q = parse_query("想先打电话问一下，号码是多少？")
    assert "contact" in q.kinds and "figure" not in q.kinds
    assert "figure" in parse_query("热线电话是多少？一年接了多少个电话？").kinds  # a count asked too
    letter = parse_query("我家有个拆迁补偿的问题想反映，可信访办暂停接待了。要是写信反映，信寄到哪个地址？邮编是多少？")
    assert not letter.wants_money and letter.contact_ways == ["address"]
    clause = _chunk(44, "n1", "来信请寄：新桥大街12号，邮编102300。")
    assert "contact" in kind_features("来信请寄：新桥大街12号，邮编102300。", letter, clause)


def test_the_number_asked_for_is_quoted_from_its_notice_however_few_words_its_clause_shares():
    office = _chunk(45, "n1", "婚姻登记处自2月3日起暂停办理结婚登记业务，恢复时间另行通知。")
    numbers = _chunk(46, "n1", "咨询电话：0533-2888123。")
    elsewhere = _chunk(47, "n3", "咨询电话：0533-5999888。", place="淄川区")
    q = parse_query("婚姻登记处现在还办结婚登记吗？咨询电话是多少？")
    hits = [_good(office), _good(elsewhere, 2, 0.1), _good(numbers, 3, 0.1)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert "暂停办理结婚登记" in answer.text and "0533-2888123" in answer.text and "0533-5999888" not in answer.text


def test_a_question_asking_a_number_is_not_answered_by_an_address_and_the_reverse():
    clause = _chunk(43, "n1", "材料请邮寄至人民路12号区政务服务中心208室。咨询电话：0533-2185678。")
    for question, wanted, other in [("材料办理有问题打什么电话？", "0533-2185678", "人民路12号"),
                                    ("材料寄到哪里？", "人民路12号", "0533-2185678")]:
        q = parse_query(question)
        found = [s for s in clause_sentences(clause) if "contact" in kind_features(s, q, clause)]
        assert any(wanted in s for s in found) and not any(other in s for s in found)


def test_table_row_is_split_into_its_cells():
    row = _chunk(5, kind="table_row", text="序号 7｜工作任务：加强民办学校收费公示｜责任单位：区教育和体育局｜时限要求：2023年12月底前完成")
    assert clause_sentences(row)[1:] == ["工作任务：加强民办学校收费公示", "责任单位：区教育和体育局", "时限要求：2023年12月底前完成"]
    q = parse_query("民办学校收费公示那一项谁负责？啥时候完成？")
    evidence = select_evidence(q, Hit(row, 1.0, coverage=1.0), _equal_weights(q.terms))
    assert evidence.answers_kind
    assert any("区教育和体育局" in s for s in evidence.sentences)
    assert any("2023年12月底前完成" in s for s in evidence.sentences)


# --- checking generated answers ------------------------------------------------------------------

CITES = [Citation(1, PILE_A, NOTICES["n1"], 0.5), Citation(2, PILE_B, NOTICES["n2"], 0.4)]


def test_supported_figures_dates_and_doc_numbers_pass():
    text = "张店区新增各类充电桩1775个[1]，保有量达到3000个以上[2]。见张政办字[2023]20号，2023年8月26日印发[1]。"
    assert unsupported_facts(text, CITES) == []


@pytest.mark.parametrize("text,problem", [
    ("张店区新增充电桩2000个[1]。", "2000"),
    ("保有量达到3000个以上[1]。", "3000"),  # the figure is real but not in the clause it cites
    ("该通知于2023年9月1日印发[1]。", "2023年9月1日"),
    ("文号为张政办字〔2023〕21号[1]。", "张政办字〔2023〕21号"),
    ("新增充电桩一千八百个[1]。", "1800"),
    ("新增充电桩1775个[7]。", "[7]"),
    ("新增充电桩1775个。", "没有标注来源"),
])
def test_unsupported_facts_are_caught(text, problem):
    assert problem in unsupported_facts(text, CITES)


def test_chinese_numbers():
    assert chinese_number("一千七百七十五") == 1775
    assert chinese_number("三万") == 30000
    assert chinese_number("十二") == 12


def test_which_documents_a_gazette_holds_lists_the_notices_of_its_file():
    first = Notice(title="关于甲的通知", doc_number="淄政字〔2023〕1号", date="2023-06-13", file="gazette.txt", id="g#1")
    second = Notice(title="关于乙的办法", file="gazette.txt", id="g#2")
    alone = Notice(title="单独的通知", file="single.txt", id="s#1")
    headers = {n.id: Chunk(id=n.id + ".1", notice_id=n.id, notice_title=n.title, clause_path=["发文信息"], text=n.title,
                           index_text=n.title, file=n.file, line_start=1, line_end=1, kind="header")
               for n in (first, second, alone)}
    q = parse_query("2023年第7期公报里发布了哪些文件？")
    assert "contents" in q.kinds
    hit = _good(Chunk(id="x", notice_id="g#2", notice_title="关于乙的办法", clause_path=[], text="乙。", index_text="乙。",
                      file="gazette.txt", line_start=5, line_end=5))
    answer = list_file_contents(q, [hit], [first, second, alone], headers.get)
    assert "2 份文件" in answer.text and "《关于甲的通知》（淄政字〔2023〕1号" in answer.text and "[2]" in answer.text
    assert [c.notice.id for c in answer.citations] == ["g#1", "g#2"] and not answer.abstained
    lone = _good(Chunk(id="y", notice_id="s#1", notice_title="单独的通知", clause_path=[], text="丙。", index_text="丙。",
                       file="single.txt", line_start=1, line_end=1))
    assert list_file_contents(q, [lone], [first, second, alone], headers.get) is None


def test_the_sentence_closest_to_the_question_in_meaning_is_quoted_when_no_word_matches():
    # Long sentences, none sharing a word with the question: without similarity the first one would lead.
    filler = "，".join(["按照统一部署有序推进相关工作并加强督促检查"] * 5)
    sentences = [f"第{i}项安排{filler}。" for i in range(1, 7)]
    sentences[4] = "居民小区内的公共停车位可以申请加装充电设施，物业服务企业应当予以配合并提供必要条件，" + filler + "。"
    clause = _chunk(1, text="".join(sentences))
    q = parse_query("我买了新能源车，回家以后去哪儿补电？")
    assert len(clause_sentences(clause)) == 6
    plain = select_evidence(q, Hit(clause, 1.0, coverage=0.0), _equal_weights(q.terms))
    assert sentences[0] in plain.sentences[0] and not any("物业服务企业" in s for s in plain.sentences)
    closest = (0.70, 0.71, 0.69, 0.72, 0.90, 0.70)
    chosen = select_evidence(q, Hit(clause, 1.0, coverage=0.0, sentence_similarity=closest), _equal_weights(q.terms))
    assert any("物业服务企业应当予以配合" in s for s in chosen.sentences)
    assert not any(s.startswith("第1项") for s in chosen.sentences)


def test_a_source_read_by_ocr_says_to_check_the_original():
    from dataclasses import replace as copy

    q = parse_query("张店区充电桩目标是多少？")
    scanned = dict(NOTICES, n1=copy(NOTICES["n1"], ocr=True))
    answer = compose_answer(q, SearchResult([_good(PILE_A)]), scanned, _equal_weights)
    assert "1775个" in answer.text and "识别文字，请核对原件" in answer.text
    assert "识别文字" not in compose_answer(q, SearchResult([_good(PILE_A)]), NOTICES, _equal_weights).text


def test_a_residents_story_is_told_apart_from_what_they_ask():
    from assistant.search.query import asking_clauses, focus_of

    story = ("我家住在城东的老小区，孩子今年七岁，长这么大没出过远门，每天来回十几里山路。"
             "听说街道要办四点半课堂，报名要交多少钱？")
    # 这么 and 十几 do not ask; the asking clause comes with the clause before it, which names the topic.
    assert asking_clauses(story) == "报名要交多少钱？"
    assert focus_of(story) == "听说街道要办四点半课堂，报名要交多少钱？"
    assert focus_of("四点半课堂报名要交多少钱？") == ""  # a plain question has no story around it
    assert asking_clauses("每天来回咋整？") == "每天来回咋整？"  # colloquial 咋/啥 ask too

    query = parse_query(story)
    assert query.focus == focus_of(story)
    in_story = {t.source for t in query.terms if t.in_story}
    assert "山路" in in_story and "课堂" not in in_story
    assert not any(t.in_story for t in parse_query("四点半课堂报名要交多少钱？").terms)
    # Asked three things, the asking part is most of the question (no search of its own), but what the asker
    # told first still weighs as a story.
    many = "我老伴在厂里看大门。听说夜班有补贴，一个月能发多少？是厂里发还是区里发？拿了要不要交税？"
    assert parse_query(many).focus == ""
    told = {t.source for t in parse_query(many).terms if t.in_story}
    assert "大门" in told and "补贴" not in told
    assert not any(t.in_story for t in parse_query("我想问问。APP上能申请夜班补贴吗？多少钱？谁发？").terms
                   if t.source == "app")  # a Latin word asked about, however it is cased


def test_a_question_about_two_places_is_answered_when_one_places_own_clause_answers():
    # The best clause (淄川's) shows no figure; 张店's clause, ranked lower, does. Judged together they look
    # like no answer; judged per place, 张店's answers.
    vague = _chunk(9, "n3", "推进充电设施建设，优化布局。", place="淄川区")
    q = parse_query("张店和淄川充电桩目标分别是多少？")
    hits = [Hit(vague, 2 / 61 + 0.01, 1, 1, coverage=0.5, dense_score=0.85),
            Hit(PILE_A, 2 / 63 + 0.01, 3, 3, coverage=0.5, dense_score=0.84)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert not answer.abstained and "1775个" in answer.text
    one_place = compose_answer(parse_query("淄川充电桩目标是多少？"), SearchResult(hits), NOTICES, _equal_weights)
    assert one_place.abstained  # asked of one place only, the same clauses are judged together


def test_an_amount_in_chinese_numerals_answers_a_money_question():
    fee = _chunk(10, "n1", "节庆期间，区内收费景区对所有游客执行“一元钱”票价。")
    vague = _chunk(11, "n1", "节庆期间，区内收费景区推行票务一元化管理。")
    q = parse_query("张店节庆期间景区门票多少钱？")
    assert q.wants_money
    assert "一元钱" in compose_answer(q, SearchResult([_good(fee)]), NOTICES, _equal_weights).text
    assert compose_answer(q, SearchResult([_good(vague)]), NOTICES, _equal_weights).abstained


# --- a number, a department or an edition the question names ---------------------------------------------

def test_a_number_the_question_names_is_not_the_figure_it_asks_for():
    q = parse_query("12345热线一共有多少个接线员？")
    chunk = _chunk(1, text="12345热线由电话、网站和微信小程序组成。")
    assert "figure" not in kind_features("12345热线由电话、网站和微信小程序组成。", q, chunk)
    assert "figure" in kind_features("12345热线现有接线员120名。", q, chunk)
    # the year asked about is the year filter's business: a clause of that year still shows its figures
    assert "figure" in kind_features("到2025年，学校网络全部达标。", parse_query("到2025年学校网络要达到多少？"), chunk)


@pytest.mark.parametrize("question", ["这个规划打算在哪一年实现？", "哪年建成？", "桥是哪个月通车的？"])
def test_which_year_or_month_asks_when(question):
    q = parse_query(question)
    assert "when" in q.kinds
    assert not {"哪一年", "哪年", "哪个月"} & {t.source for t in q.terms}


def test_a_stated_edition_must_be_the_one_a_clause_speaks_of():
    q = parse_query("第二十一届樱花节什么时候开幕？")
    edition = next(t for t in q.terms if t.required)
    assert {"第二十一届", "第21届"} <= set(edition.spellings)
    held = _chunk(1, text="第20届樱花节于4月2日在植物园开幕。")
    assert _answer("第二十一届樱花节什么时候开幕？", [held]).abstained
    assert not _answer("第二十届樱花节什么时候开幕？", [held]).abstained
    first = _chunk(2, text="首批樱花节志愿者共120名。")  # the first is called 首批 (首届) as often as 第一批
    assert not _answer("第一批樱花节志愿者有多少名？", [first]).abstained


@pytest.mark.parametrize("question,named", [
    ("防汛分工里，市民政局具体负责哪些事？", ["市民政局"]),
    ("张店区教体局负责哪些工作？", ["区教体局"]),
    ("听说区里新建了几所公办幼儿园，叫什么？", []),  # 区里 is no department
    ("我去区人社局问过了，失业金每月能领多少？", []),  # named in the asker's account, not in what is asked
    # 区 ending a prefecture's or a community's name is no district's level
    ("某某地区交警支队的服务电话是多少？", []), ("社区卫生服务中心能打疫苗吗？", []),
])
def test_departments_named_in_what_is_asked(question, named):
    assert parse_query(question).departments == named


def test_a_named_department_no_clause_speaks_of_is_declined_with_the_reason():
    duties = _chunk(1, text="市应急局负责组织协调防汛抢险救灾工作。市财政局负责防汛资金保障。")
    answer = _answer("防汛分工里，市民政局具体负责哪些事？", [duties])
    assert answer.abstained and "市民政局" in answer.text
    # An abbreviation of the name a clause uses is that department.
    named = _chunk(2, text="区人力资源和社会保障局负责失业保险金的发放。")
    assert not _answer("区人社局负责哪些事？", [named]).abstained


def test_pointing_words_are_not_topic_words_and_which_people_asks_who():
    q = parse_query("那一批获奖名单里，创业类是哪两个人？")
    assert "who" in q.kinds
    assert not {"两个", "一类", "一批"} & {t.source for t in q.terms}
    assert "创业" in {t.source for t in q.terms}


def test_economic_growth_in_everyday_words_finds_the_gdp_figure():
    q = parse_query("今年经济增速的目标定的是多少？")
    weights = [1.0] * len(q.terms)
    assert term_coverage(q.terms, "主要预期目标：地区生产总值增长6%左右", weights) > 0.5


# --- a list given as a section's sub-headings ------------------------------------------------------------

@pytest.mark.parametrize("question,count", [
    ("五大工程具体是哪五个？", 5), ("三项措施分别是什么？", 3), ("这次一共要办哪两件事？", 2),
    ("有哪些工程？", 0), ("一大批项目在哪里？", 0), ("第三大产业是什么？", 0),
])
def test_the_number_of_items_a_list_question_expects(question, count):
    assert parse_query(question).asked_count == count


_SECTION = "二、实施“三大工程”"
_WORKS = [replace(_chunk(i, "n1", text=t), clause_path=[_SECTION, h]) for i, (h, t) in enumerate([
    ("（一）道路畅通工程", "新改建道路12公里。"), ("（二）绿地提升工程", "新建口袋公园5处。"),
    ("（三）管网改造工程", "改造老旧管网30公里。")])]


def _children_in(chunks):
    """children(chunk, depth) over these chunks: the headings right under the chunk's heading at that depth."""
    def children(chunk, depth=None):
        parent = chunk.clause_path if depth is None else chunk.clause_path[:depth]
        return list(dict.fromkeys(c.clause_path[len(parent)] for c in chunks
                                  if c.clause_path[:len(parent)] == parent and len(c.clause_path) > len(parent)))
    return children


_children = _children_in(_WORKS)


def test_a_list_of_sub_headings_answers_a_question_asking_that_many():
    q = parse_query("三大工程具体是哪三个？")
    hits = [_good(c, rank) for rank, c in enumerate(_WORKS[1:2] + _WORKS[:1], start=1)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights, children=_children)
    assert not answer.abstained
    assert all(h in answer.text for h in ("道路畅通工程", "绿地提升工程", "管网改造工程"))
    # Asked for four, the three sub-headings of a heading that only shares a word are not quoted as the list.
    four = compose_answer(parse_query("城市建设要实施的工程是哪四个？"), SearchResult(hits), NOTICES, _equal_weights,
                          children=_children)
    assert "管网改造工程" not in four.text


_STEPS = [replace(_chunk(90 + i, "n1", text=t), clause_path=["第三章 办理流程", "第十条", h]) for i, (h, t) in enumerate([
    ("(一)登记。", "窗口人员当场登记申请事项。"), ("(二)审核。", "承办科室3个工作日内完成审核。"),
    ("(三)复核。", "分管负责人复核审核意见。"), ("(四)归档。", "办理完毕的材料统一归档。")])]


_step_children = _children_in(_STEPS)


def test_a_list_question_naming_its_first_and_last_steps_gets_the_sub_headings_between():
    # Made-up procedure: the question names two sub-headings (登记 … 归档), not the heading (第十条) above them.
    q = parse_query("一件申请从登记到归档，中间要经过哪些环节？")
    hits = [_good(_STEPS[3]), _good(_STEPS[0], 2)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights, children=_step_children)
    assert all(step in answer.text for step in ("登记", "审核", "复核", "归档"))
    one = compose_answer(parse_query("申请登记要准备哪些材料？"), SearchResult(hits), NOTICES, _equal_weights,
                         children=_step_children)
    assert "复核" not in one.text  # one sub-heading named: no list of steps


def test_a_quote_ending_in_a_lead_in_is_unfinished_whatever_was_asked():
    q = parse_query("专班办公室下面分了几个组？")
    chunk = _chunk(1, text="专班办公室设在区发改局。办公室下设3个工作组，具体职责如下：")
    e = select_evidence(q, Hit(chunk, 1.0, 1, 1, coverage=1.0), [1.0] * len(q.terms))
    assert e.list_continues


def test_sub_headings_under_a_heading_of_the_clause_start_at_the_sections_first_clause():
    from types import SimpleNamespace

    from assistant.pipeline import Assistant

    chunks = [replace(_chunk(9, "n1", text="总体要求。"), clause_path=["一、总体要求"])] + _WORKS
    index = SimpleNamespace(index=SimpleNamespace(chunks=chunks), position={c.id: i for i, c in enumerate(chunks)})
    last = _WORKS[-1]
    assert Assistant.sub_headings(index, last, 1) == ["（一）道路畅通工程", "（二）绿地提升工程", "（三）管网改造工程"]
    assert Assistant.sub_headings(index, last) == []  # nothing under the last clause itself


def test_each_place_of_a_comparison_gets_a_turn_in_the_first_hits():
    from assistant.search.retrieval import each_place_a_turn

    first = [Hit(_chunk(i, "a", place="甲县"), 1 - i / 10) for i in range(5)]
    other = [Hit(_chunk(10 + i, "b", place="乙县"), 0.3 - i / 10) for i in range(3)]
    merged = each_place_a_turn(first, {"乙县": other}, k=5, turn=2)
    assert [h.chunk.jurisdiction for h in merged[:5]] == ["甲县"] * 3 + ["乙县"] * 2
    assert len(merged) == 7 and merged[5:] == first[3:]  # the displaced clauses follow
    assert each_place_a_turn(first, {"甲县": first}, k=5) == first  # a place already there changes nothing


def test_what_was_achieved_is_answered_by_a_reported_figure_of_the_asked_measure_only():
    from assistant.answering.extractive import reports_figure

    q = parse_query("前三季度地区生产总值实际增长了多少？")
    assert q.asks_actual
    row = _chunk(1, text="x")
    assert not reports_figure("年度目标任务：地区生产总值增长5.5%以上。", row, q)  # a target
    # the report part speaks of other measures only
    assert not reports_figure("年度目标任务：地区生产总值增长5.5%以上。完成情况：部分完成。一般公共预算收入增长8.1%。", row, q)
    assert not reports_figure("完成情况：完成。目标调整为“力争地区生产总值增长6%”。", row, q)  # a target again
    assert reports_figure("年度目标任务：地区生产总值增长5.5%以上。完成情况：完成。地区生产总值同比增长6.2%。", row, q)
    english = parse_query("How much did the district's output grow in the first half?")
    assert english.asks_actual


def test_money_asked_per_unit_needs_an_amount_with_that_unit():
    q = parse_query("老城区房屋征收每平方米补偿多少钱？")
    assert q.wants_money and q.rate_units == ["平方米"]
    chunk = _chunk(1, text="x")
    assert "figure" not in kind_features("征收项目总投资12.5亿元，年内完成签约。", q, chunk)
    assert "figure" in kind_features("住宅按每平方米6800元给予货币补偿。", q, chunk)
    assert "figure" in kind_features("补偿标准为6800元/㎡。", q, chunk)
    daily = parse_query("医护人员每人每天补助多少钱？")
    assert "figure" in kind_features("给予每人每天300元补助。", daily, chunk)
    assert parse_query("补贴一共多少钱？").rate_units == []
    # 一个月 asks per month as 每月 does; 一次性 is no unit, 第一年 no rate.
    monthly = parse_query("驻村干部的生活补助一个月能发多少钱？")
    assert monthly.rate_units == ["月"]
    assert "figure" not in kind_features("累计发放创业担保贷款4500万元，落实生活补助政策。", monthly, chunk)
    assert "figure" in kind_features("驻村干部生活补助标准为每月800元。", monthly, chunk)
    assert parse_query("一次性补贴能拿多少钱？").rate_units == []
    assert parse_query("第一年补贴多少钱？").rate_units == []


def test_a_wage_asked_is_money():
    assert parse_query("社区网格员一个月工资多少？").wants_money
    assert parse_query("公益岗位的薪酬标准是多少？").wants_money


@pytest.mark.parametrize("question,counted", [
    ("一共接待了多少游客？", "游客"), ("热线有多少个接线员？", "接线员"),
    ("一共给多少户换了？", ""), ("多少天内要备案？", ""),  # a measure word, a span: nothing counted by name
    # 几大 "how many major": 大 is no part of the word counted, and 大部分 ("most") is not what is counted.
    ("这份规划包括几大板块？", "板块"), ("这份规划包括几大部分？", ""),
    ("天然气今年用几个亿方？", ""), ("今年造林多少万亩？", ""),  # a magnitude and a unit: nothing counted
    ("年度考核里日常检查占多少分量？", ""), ("群众评议占了多少权重？", ""),  # a share: a percentage answers
    # a word closing the question, not naming what is counted (才行 "will do", 合适 "suitable")
    ("押金最多退多少才行？", ""), ("每月交多少合适？", ""), ("要配多少志愿者？", "志愿者"),
])
def test_the_word_a_how_many_question_counts(question, counted):
    assert parse_query(question).counted == counted


def test_a_count_of_something_no_document_speaks_of_is_declined():
    clause = _chunk(1, text="热线实行7×24小时人工服务，设座席120个。")

    def weigh(terms):  # 接线员 is a word no document uses
        return [0.0 if t.source == "接线员" else 1.0 for t in terms]

    q = parse_query("热线有多少个接线员？")
    answer = compose_answer(q, SearchResult([_good(clause)]), NOTICES, weigh)
    assert answer.abstained and "接线员" in answer.text
    assert not compose_answer(parse_query("热线有多少个座席？"), SearchResult([_good(clause)]), NOTICES, weigh).abstained


@pytest.mark.parametrize("question", ["县政府工作报告是哪天、在什么会上作的？", "那个报告是谁作的？", "去年那份报告是谁在县人大会上作的？",
                                      "工作报告在哪次会议上作的？",
                                      "Who delivered the county's government work report, and at which meeting?"])
def test_when_where_and_by_whom_a_report_was_given_is_asked_of_its_header(question):
    assert "metadata" in parse_query(question).kinds


def test_a_notice_the_question_names_by_title_gives_the_header():
    from types import SimpleNamespace

    from assistant.pipeline import Assistant

    report = replace(_chunk(1, "n2", text="全县新建道路30公里。"), notice_title="政府工作报告")
    plan = replace(_chunk(2, "n1", text="政务公开工作方案的任务。"), notice_title="政务公开工作方案")
    header = replace(_chunk(3, "n2", text="政府工作报告——2024年1月9日", kind="header"), notice_title="政府工作报告")
    result = SearchResult([Hit(plan, 0.9), Hit(report, 0.8)])
    this = SimpleNamespace(header_of={"n2": header, "n1": None})
    Assistant._lead_with_header(this, result, "县里2024年政府工作报告是哪天作的？")
    assert result.hits[0].chunk is header


def test_which_day_is_answered_by_a_day_not_by_a_deadline_word():
    q = parse_query("工作台账最晚哪天要交上去？")
    assert q.asks_day
    chunk = _chunk(1, text="x")
    assert "when" not in kind_features("各单位要梳理工作台账，明确完成时限。", q, chunk)
    assert "when" in kind_features("请于7月21日前将工作台账报送。", q, chunk)
    assert "when" in kind_features("工作台账6月底前报送。", q, chunk)
    assert "when" in kind_features("自15日8时起，实行台账日报制度。", parse_query("从哪天开始实行的？"), chunk)  # its hour too
    assert "when" in kind_features("各单位要梳理工作台账，明确完成时限。", parse_query("工作台账什么时候交？"), chunk)
    before = parse_query("要在什么时间前把工作台账报上去？")  # a deadline's day
    assert before.asks_day and "when" not in kind_features("各单位要梳理工作台账，明确完成时限。", before, chunk)


def test_a_bare_one_of_something_is_no_figure():
    chunk = _chunk(1, text="x")
    q = parse_query("全县一共有多少个自助办税终端？")
    assert "figure" not in kind_features("纳税人可在任意一个自助办税终端就近办理。", q, chunk)
    assert "figure" in kind_features("全县共设十一个自助办税终端。", q, chunk)
    assert "figure" in kind_features("全县共设三个自助办税终端。", q, chunk)


def test_when_something_ends_asks_its_end_day_not_a_span():
    chunk = _chunk(1, text="x")
    for asked in ("这个减免优惠到什么时候结束？", "免费停车到什么时候为止？", "补贴申报什么时候截止？"):
        q = parse_query(asked)
        assert q.asks_day, asked
        assert "when" not in kind_features("网上平台提供7*24小时服务，一律免收手续费。", q, chunk)
    q = parse_query("这个减免优惠到什么时候结束？")
    assert "when" in kind_features("减免政策执行至2031年6月30日。", q, chunk)
    assert "when" in kind_features("减免政策执行至疫情结束。", q, chunk)


def test_from_when_in_english_asks_when_something_starts():
    assert parse_query("From when does the fee waiver for small shops apply?").asks_start
    assert parse_query("Since what date have the museums been closed?").asks_start
    assert not parse_query("When will the museums reopen?").asks_start


def test_when_something_starts_asks_its_day_not_a_time_of_day():
    q = parse_query("新开的公交线路是什么时候开始跑的？")
    assert q.asks_day
    chunk = _chunk(1, text="x")
    assert "when" not in kind_features("运营时间7:00-19:00。", q, chunk)
    assert "when" in kind_features("市交通运输局决定从2月10日13时起开通运营该线路。", q, chunk)


def test_a_part_in_words_no_clause_uses_is_answered_by_the_notices_clause_showing_what_it_asks():
    from assistant.answering.extractive import answer_parts

    opening = _chunk(1, text="市交通运输局决定从2月10日起开通运营15路公交线路。")
    hours = replace(_chunk(2, text="7:00-19:00。"), clause_path=["二、运营时间"])
    other = _chunk(3, "n2", text="出租车暂停运营。")
    q = parse_query("15路公交什么时候开始跑的？一天几点到几点有车？")
    first = select_evidence(q, _good(opening), [1.0] * len(q.terms))
    sources, unanswered = answer_parts(q, [first], _equal_weights,
                                       lambda part: [_good(other, coverage=0.2), _good(hours, 2, coverage=0.0)])
    assert unanswered == [] and any("7:00-19:00" in s for e in sources for s in e.sentences)
    # no clause of the answering notice shows a time: the part is said to be unanswered
    sources, unanswered = answer_parts(q, [first], _equal_weights, lambda part: [_good(other, coverage=0.2)])
    assert unanswered == [2]


def test_a_part_asking_a_number_to_call_quotes_the_clause_giving_it_not_the_one_its_words_match():
    from assistant.answering.extractive import answer_parts

    scope = _chunk(1, text="（二）不按规定报告到过疫情严重地区等真实行程的行为。")
    phone = _chunk(2, text="举报采取电话举报方式，举报电话：0533-2712345。")
    reward = _chunk(3, text="举报线索经查证属实的，给予最先举报人2000至20000元的奖励。")
    q = parse_query("邻居瞒报行程，想举报他，打哪个电话？查实了举报人有奖励吗，给多少？")
    first = select_evidence(q, _good(reward), [1.0] * len(q.terms))
    sources, unanswered = answer_parts(q, [first], _equal_weights,
                                       lambda part: [_good(scope), _good(phone, 2, coverage=0.8)])
    assert unanswered == [] and any("0533-2712345" in s for e in sources for s in e.sentences)
    assert all(e.hit.chunk is not scope for e in sources)


def test_a_part_naming_no_subject_of_its_own_is_answered_from_the_notice_already_quoted():
    from assistant.answering.extractive import answer_parts

    limit = _chunk(1, text="承办单位自接到工单之日起，一般事项5个工作日内办结。")
    late = _chunk(2, text="超过办结时限未回复的，系统显示红灯并发送催办单。")
    elsewhere = _chunk(3, "n2", text="深化系统集成改革，推进一网通办。")
    q = parse_query("承办单位接到工单几天内要办完？超时了系统会怎样？")
    first = select_evidence(q, _good(limit), [1.0] * len(q.terms))
    sources, _ = answer_parts(q, [first], _equal_weights, lambda part: [_good(elsewhere)],
                              search_part_in=lambda part, notice_id: [_good(late)] if notice_id == "n1" else [])
    assert [e.hit.chunk for e in sources] == [limit, late]
    # A part naming a place of its own is that place's question, wherever it is answered.
    q = parse_query("承办单位接到工单几天内要办完？桓台县的系统会怎样？")
    first = select_evidence(q, _good(limit), [1.0] * len(q.terms))
    sources, _ = answer_parts(q, [first], _equal_weights, lambda part: [_good(elsewhere)],
                              search_part_in=lambda part, notice_id: [_good(late)])
    assert late not in [e.hit.chunk for e in sources]


def test_a_yes_or_no_part_asks_whether_and_not_what_another_part_asks():
    from assistant.search.query import is_yes_no

    for asked in ("周末还能去吗？", "这样总可以吧？", "算不算违规？", "还照常办不？", "开门了没有？"):
        assert is_yes_no(asked), asked
    for asked in ("棚改呢？", "哪个更高？", "这样要交多少钱吗？", "怎么办不了？"):
        assert not is_yes_no(asked), asked
    q = parse_query("我住在甲镇，想请两三家亲戚来院里吃顿饭，这样总可以吧？要是看见有人办酒席，该打哪个电话？")
    assert len(q.parts) == 2 and QuestionKind.CONTACT in q.kinds
    assert q.parts[0].kinds == [QuestionKind.WHAT] and QuestionKind.CONTACT in q.parts[1].kinds
    # 棚改呢？ and 哪个更高？ ask what the rest of the question asks
    q = parse_query("老旧小区今年改造多少个？棚改呢？")
    assert q.parts[1].kinds == q.kinds
    q = parse_query("甲区和乙区今年的增长目标各是多少？哪个更高？")
    assert q.parts[1].kinds == q.kinds


def test_these_few_months_told_ask_no_count():
    from assistant.search.query import detect_kinds

    for told in ("我担心这几个月的工资就没了，还会补发吗？", "前几年的补贴还发吗？", "好几个部门都管这事吗？"):
        assert detect_kinds(told) == [QuestionKind.WHAT], told
    assert detect_kinds("一共派了几个督导组？") == [QuestionKind.FIGURE]
    assert len(parse_query("这几个月的工资还补发吗？有事打哪个电话？").parts[0].kinds) == 1


def test_a_growth_compared_with_last_year_is_of_the_measure_named_just_before_it():
    from assistant.answering.extractive import reports_figure

    chunk = _chunk(1, text="x")
    q = parse_query("甲县2022年粮食产量实际增长了多少？")
    assert reports_figure("预计粮食产量完成30万吨，同比增长2.1%。", chunk, q)
    assert not reports_figure("预计生猪出栏完成30万头，同比增长2.1%。", chunk, q)


def test_a_part_asking_of_another_year_than_the_quote_is_searched_on_its_own():
    from assistant.answering.extractive import answer_parts

    report = Notice(title="政府工作报告", issuer="甲县人民政府", date="2023-01-07", id="n1")
    review = replace(_chunk(1, text="一年来，我们稳中求进。预计粮食产量完成30万吨，同比增长2.1%。"),
                     clause_path=["2022年工作回顾"])
    target = replace(_chunk(2, text="今年的主要预期目标是：粮食产量增长3%左右。"), clause_path=["2023年工作安排"])
    q = parse_query("2022年粮食产量实际增长了多少？2023年的增长目标又是多少？")
    first = select_evidence(q, _good(review), [1.0] * len(q.terms))
    sources, unanswered = answer_parts(q, [first], _equal_weights, lambda part: [_good(target)],
                                       notices={"n1": report})
    assert unanswered == [] and [e.hit.chunk for e in sources] == [review, target]


def test_the_measure_of_an_achieved_figure_is_read_from_the_sentence_that_asks_it():
    from assistant.answering.extractive import reports_figure

    q = parse_query("今年引进外资的任务完成了没有？实际用了多少外资？")
    row = "年度目标任务：力争引进外资8000万美元。完成情况：未完成。1-9月实际利用外资4870万美元。"
    assert reports_figure(row, _chunk(1, text="x"), q)


def test_no_word_of_the_question_in_any_retrieved_clause_is_no_answer():
    parks = _chunk(1, text="公园开放时间为每日6:00至22:00。")
    assert _answer("企业复工遇到排污许可问题，有没有环保服务热线？", [parks], coverage=0.0).abstained
    assert not _answer("公园几点开门？", [parks], coverage=0.5).abstained


def test_a_lead_in_inside_a_sentence_continues_with_the_items_that_follow():
    q = parse_query("健康码在哪些情况下会显示红色？")
    chunk = _chunk(1, text="系统生成绿色、红色两种健康码。其中，红色表示核验不通过，属于以下三种情况之一：有发热记录；"
                           "来自高风险地区；属于密切接触者。")
    e = select_evidence(q, Hit(chunk, 1.0, 1, 1, coverage=1.0), [1.0] * len(q.terms))
    assert "属于密切接触者。" in e.sentences


def test_a_quoted_task_keeps_the_note_naming_who_leads_it():
    text = ("推进乡村学校照明改造，到2025年全部乡村学校教室照明达标。" + "加强校园安全管理，完善应急预案，定期开展演练。" * 12
            + "（市教育局牵头，市财政局配合）")
    chunk = replace(_chunk(1, text=text), lead_departments=["市教育局"], support_departments=["市财政局"])
    answer = _answer("乡村学校教室的灯有什么要求？", [chunk])
    assert not answer.abstained and "市教育局牵头" in answer.text


@pytest.mark.parametrize("question,kind", [
    ("两个区的科技型中小企业目标谁定得高？", "figure"), ("两个区谁多？", "figure"), ("谁负责高标准农田建设？", "who"),
])
def test_which_of_two_is_higher_compares_figures_it_asks_for_no_one(question, kind):
    assert parse_query(question).kind == kind


def test_a_comparisons_side_that_only_matches_well_gives_way_to_its_notices_clause_showing_the_date():
    from assistant.answering.extractive import showing_in_notice

    q = parse_query("甲县和乙县的方案，工作台账截止时间分别是哪天？")
    vague = Hit(_chunk(1, "n1", text="各部门要梳理工作台账，明确完成时限。"), 0.5, coverage=1.0)
    dated = Hit(_chunk(2, "n1", text="请各部门于7月21日前将工作台账报送。"), 0.4, coverage=0.9)
    weights = [1.0] * len(q.terms)
    source = select_evidence(q, vague, weights)
    assert source.trusted  # answers only because it matches so well: no day in it
    better = showing_in_notice(q, source, lambda notice_id: [vague, dated], weights)
    assert better.hit is dated
    assert showing_in_notice(q, source, lambda notice_id: [vague], weights) is source


def test_a_comparisons_side_with_no_clause_showing_the_date_is_read_further_not_dropped():
    # Made-up plans of two districts: the second's best clause names the 台账 but not the day; another of its
    # notice's clauses does.
    q = parse_query("福田区和罗湖区的方案，报送工作台账的截止时间分别是哪天？")
    futian = _chunk(1, "n1", text="请各部门于8月28日前将工作台账报区政务公开办备案。", place="福田区")
    luohu = _chunk(2, "n2", text="各部门要梳理形成工作台账，明确责任单位。", place="罗湖区")
    luohu_day = _chunk(3, "n2", text="请各单位于7月21日前将工作台账报区政府办公室。", place="罗湖区")
    hits = [_good(futian), _good(luohu, 2, coverage=0.6)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights,
                            more_of=lambda notice_id: [_good(luohu, 1, 0.6), _good(luohu_day, 2, 0.5)])
    assert "8月28日" in answer.text and "7月21日" in answer.text


def test_who_won_needs_a_clause_that_names_the_result():
    q = parse_query("那场机器人比赛最后是哪所学校拿了冠军？")
    assert [t.source for t in q.terms if t.required] == ["冠军"]
    plan = _chunk(1, text="比赛时间：2023年8月26日，地点：会展中心。区教体局负责组织学校报名参赛。")
    assert _answer("那场机器人比赛最后是哪所学校拿了冠军？", [plan]).abstained
    assert not [t for t in parse_query("专项资金奖励贡献突出的企业多少钱？").terms if t.required]  # 资金奖励 ≠ 金奖


def test_a_price_per_unit_is_a_sum_of_money_asked():
    q = parse_query("超出面积部分每平方米按什么价格结算？")
    assert q.wants_money and q.rate_units == ["平方米"]
    assert "figure" not in kind_features("项目总投资12亿元。", q, _chunk(1, text="x"))


@pytest.mark.parametrize("question,plan", [
    ("今年要改造多少个老旧小区？", True),
    ("区里计划建几个口袋公园？", True),
    ("What is this year's target for new parks?", True),
    ("去年改造了多少个老旧小区？", False),  # looking back
    ("今年到目前为止实际改造了多少个？", False),  # what was achieved
    ("老旧小区改造由哪个部门负责？", False),
])
def test_a_question_about_what_is_planned_is_told_from_one_looking_back(question, plan):
    assert parse_query(question).asks_plan is plan


@pytest.mark.parametrize("question,kept,dropped", [
    ("我们厂在某省，省里是不是有奖励？", {"奖励"}, {"不是", "是不是", "省里"}),
    ("小区会不会被停水？", {"停水"}, {"不会"}),
    ("县里有没有租金补贴？", {"租金", "补贴"}, {"没有", "有没有", "县里"}),
    ("哪些店不能开门？", {"不能", "开门"}, set()),  # a prohibition asked about stays
])
def test_a_yes_or_no_asked_by_repeating_the_verb_is_no_topic(question, kept, dropped):
    sources = {t.source for t in parse_query(question).terms}
    assert kept <= sources and not dropped & sources


def test_a_list_question_stating_its_size_is_answered_by_a_list_of_that_size():
    # Made-up plan lines: the best match gives amounts (8个项目、35个小区、1.6万户); the one naming three areas
    # (甲村、乙村、丙片区等3个片区) answers 哪三个片区, though it matches the question's words less well.
    amounts = _chunk(71, "n1", "稳步推进城市更新。实施老旧小区改造8个项目、35个小区、1.6万户，改造棚户区2个。")
    named = _chunk(72, "n2", "实施东关村、西营村、南湖片区等3个片区棚户区改造，完善功能配套。")
    hits = [_good(amounts, coverage=0.9), _good(named, 2, 0.7)]
    q = parse_query("今年要实施棚户区改造的是哪三个片区？")
    assert q.asked_count == 3 and "list" in q.kinds
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert answer.citations[0].chunk is named and "南湖片区" in answer.text
    four = compose_answer(parse_query("今年要实施棚户区改造的是哪四个片区？"), SearchResult(hits), NOTICES,
                          _equal_weights)
    assert four.citations[0].chunk is amounts  # no list of four: the best match stays first


def test_a_list_of_the_size_asked_is_of_what_the_count_is_of():
    # Made-up news: three taxes listed before 疫情防控 are not the "three priorities" asked about.
    q = parse_query("对疫情防控企业的“三个优先”具体指什么？")
    taxes = "落实增值税、房产税、土地使用税等减免政策，支持疫情防控物资生产。"
    priorities = "做到“三个优先”，即优先落实减税、优先办理退税、优先核准缓税。"
    assert "counted_list" not in kind_features(taxes, q, _chunk(1, text=taxes))
    assert "counted_list" in kind_features(priorities, q, _chunk(2, text=priorities))


def test_a_list_asked_of_a_clause_that_only_counts_its_items_is_declined_as_not_listed():
    # Made-up report: it says how many projects were chosen, not which.
    counted = _chunk(1, text="区政府征集遴选了12件便民工程候选项目，提请各位代表审议票决。")
    answer = _answer("今年票决的那12件便民工程具体是哪几件？", [counted])
    assert answer.abstained and "没有逐项列出" in answer.text
    # Listed in one sentence, by 、, by ；, or by numbers, they are the answer.
    for listed in ("便民工程包括：新建公园3处、改造小区12个、新增学位800个。",
                   "便民工程包括：新建公园3处；改造小区12个；新增学位800个。",
                   "便民工程包括：(一)新建公园3处(二)改造小区12个。"):
        assert not _answer("今年票决的那12件便民工程具体是哪几件？", [_chunk(2, text=listed)]).abstained, listed


def test_a_named_persons_own_number_is_answered_only_by_a_clause_giving_one():
    # Made-up: a leading group lists the district head; a later notice gives him as contact with a number.
    group = _chunk(81, "n1", "成立领导小组。组长：王建国区委副书记、区长；副组长：李明远副区长。")
    contact = _chunk(82, "n1", "联系人：王建国，联系电话：0533-2181234。")
    q = parse_query("区长王建国的办公电话是多少？")
    assert q.asks_personal_contact
    assert _answer("区长王建国的办公电话是多少？", [group]).abstained
    answer = _answer("区长王建国的办公电话是多少？", [group, contact])
    assert not answer.abstained and "0533-2181234" in answer.text
    office = parse_query("区政务公开办公室的电话是多少？")  # an office's number: a clause naming the office may do
    assert not office.asks_personal_contact
    # One named in a list, asked after by 他/她 (his mobile, her home address): no notice publishes it.
    # An official's age or birthplace: declined unless a clause gives it (an appointment notice's 1975年3月生).
    life = "区长王建国是哪里人、今年多大年纪？"
    assert parse_query(life).asks_personal_detail and _answer(life, [group]).abstained
    born = _chunk(83, "n1", "王建国，男，1975年3月生，山东沂源人，任区长。")
    assert not _answer(life, [born]).abstained
    assert not parse_query("他的老家在河南，养老金能转吗？").asks_personal_detail  # a relative, not an official
    assert parse_query("副县长李明远现在多大岁数，老家是哪的？").asks_personal_detail  # a time word between
    assert parse_query("局长王建国的老家在哪里？").asks_personal_detail
    assert parse_query("分管城建的王建国今年多大岁数？").asks_personal_detail
    assert not parse_query("分管城建的是哪位区领导？").asks_personal_detail
    asked = "入选名单里的李明远，他的手机号和家庭住址能告诉我吗？"
    assert parse_query(asked).asks_personal_contact
    assert _answer(asked, [group]).abstained
    # 他手机上 is where an app goes, not a number asked for.
    assert not parse_query("我哥公司复工要用通行码，他手机上该装哪个APP申请？").asks_personal_contact


def test_how_to_get_something_done_quotes_the_notices_steps():
    assert parse_query("普通市民怎么买口罩？").asks_procedure
    assert parse_query("开店要走什么手续？").asks_procedure
    assert not parse_query("口罩多少钱一个？").asks_procedure
    # Made-up: a notice whose steps are numbered clauses, each matching the question alike.
    steps = [_chunk(41, "n1", "1.市民通过“惠民码”小程序预约购买口罩。"),
             _chunk(42, "n1", "2.预约成功后凭短信到定点药店购买口罩。"),
             _chunk(43, "n1", "3.每天预约购买口罩时间为8:00-17:00。")]
    answer = _answer("普通市民怎么买口罩？", steps)
    assert all(s in answer.text for s in ("惠民码", "定点药店", "8:00-17:00"))
    one = _answer("普通市民在哪里买口罩？", steps)  # not the steps asked: the best clause and one more
    assert not all(s in one.text for s in ("惠民码", "定点药店", "8:00-17:00"))


@pytest.mark.parametrize("question,counts", [
    ("几个部门互相推，职责有争议时由谁来定？", False),  # 几个 = "several": the asking is 由谁来定
    ("我家几个孩子都在上学，学费能减免吗？", False),
    ("有几个片区要改造，分别是哪些？", True), ("几个部门负责这项工作？", True), ("一共几项任务？", True),
    ("工单涉及几个单位、互相推诿的时候，由谁来定？", False),  # a clause of when sets the scene
    ("补贴什么时候发，能发几个月？", True),
])
def test_a_few_in_a_clause_that_does_not_ask_counts_nothing(question, counts):
    assert ("figure" in parse_query(question).kinds) is counts


def test_a_quoted_name_is_one_term_and_from_when_asks_no_topic():
    # Made-up: a pass app named after its city; the place word inside the quotes must not swallow it.
    q = parse_query("进小区要扫“临沂通”，从哪天起执行？")
    sources = {t.source for t in q.terms}
    assert "临沂通" in sources and not {"天起", "开始"} & sources and q.asks_day
    assert not {"开始"} & {t.source for t in parse_query("“零见面审批”什么时候开始？").terms}
    assert "零见面审批" in {t.source for t in parse_query("“零见面审批”什么时候开始？").terms}


def test_contesting_a_decision_in_residents_words_matches_the_legal_terms():
    terms = {t.source: t.spellings for t in parse_query("我对这个决定不太服，想打官司，有时间限制吗？").terms}
    assert "不服" in terms["不太服"] and "行政复议" in terms["打官司"]


def test_a_modal_joined_to_a_noun_and_clause_joining_words_leave_the_topic_word():
    terms = {t.source: t.spellings for t in parse_query("要是今年内还在本市办，场租能补多少？").terms}
    assert "要是" not in terms and "场租" in terms and "场租能" not in terms
    assert "最多" not in {t.source for t in parse_query("一家企业最多能担保多少钱？").terms}
    rank = {t.source: t.spellings for t in parse_query("回来评职称有什么照顾？").terms}
    assert "职称评审" in rank["评职称"] and "倾斜" in rank["照顾"]
    reopen = {t.source: t.spellings for t in parse_query("理发店停了一个月，现在能开门吗？").terms}
    assert "复业" in reopen["开门"] and "恢复营业" in reopen["开门"]
    wages = {t.source: t.spellings for t in parse_query("老板欠了两个月工钱，打热线投诉后怎么处理？").terms}
    assert "工资" in wages["工钱"] and "用人单位" in wages["老板"]


def test_a_hotline_callers_words_match_the_service_rules():
    # "the past few days" asks nothing; the asking clause is the last one
    assert asking_clauses("前几天楼下路灯坏了，一般几天能办完？") == "一般几天能办完？"
    spelled = {s for t in parse_query("凌晨打过去有真人接吗？急事几天能办完？").terms for s in t.spellings}
    assert {"人工服务", "全时段", "紧急事项", "办理完毕"} <= spelled


def test_deciding_for_oneself_matches_the_official_word():
    terms = {t.source: t.spellings for t in parse_query("缴存比例能自己定吗？").terms}
    assert "自主确定" in terms["自己定"]


def test_everyday_words_for_a_restaurant_match_the_catering_term():
    terms = {t.source: t.spellings for t in parse_query("小饭馆什么时候可以复工？").terms}
    assert "餐饮" in terms["小饭馆"]


def test_everyday_words_for_a_meal_together_and_for_how_long_a_rule_holds_match_the_official_terms():
    spelled = {s for t in parse_query("家里老人过寿想办酒席请亲戚吃顿饭，算违规吗？").terms for s in t.spellings}
    assert {"聚餐", "宴席"} <= spelled
    valid = {s for t in parse_query("这个试行办法能用到哪年？").terms for s in t.spellings}
    assert "有效期" in valid


def test_where_an_event_is_held_is_asked_by_words_that_are_no_topic():
    q = parse_query("比赛是哪天、在哪个场馆办？")
    assert "场馆" not in {t.source for t in q.terms} and "地点" in q.search_text


def test_a_best_clause_showing_no_date_gives_way_to_its_notices_clause_with_the_date():
    # Made-up contest plan: duty clauses match the long question best but show no date; the clause giving
    # the date and venue matches only as well as a clause must (min_coverage).
    duty = _chunk(101, "n1", "区文旅局：负责做好马拉松赛事期间的宣传报道和现场保障工作。")
    when = _chunk(102, "n1", "时间：2024年5月18日 地点：市体育中心东广场")
    q = parse_query("我儿子想去看马拉松比赛，比赛是哪天？")
    hits = [_good(duty, coverage=0.9)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights, more=lambda: [_good(when, 9, 0.55)])
    assert "5月18日" in answer.text
    low = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights, more=lambda: [_good(when, 9, 0.3)])
    assert "5月18日" not in low.text  # matching less than a clause must: not put forward


@pytest.mark.parametrize("question,clause,full", [
    ("单位发的防护用品要交个税吗？", "单位发给个人的防护用品不计入工资收入，免征个人所得税。", "个人所得税"),
    ("疫情期间社保能缓交吗？", "受疫情影响的企业可缓缴社会保险费。", "社会保险"),
    ("个体户房租能减免吗？", "承租国有房产的个体工商户减免三个月房租。", "个体工商户"),
])
def test_an_everyday_abbreviation_matches_the_documents_full_term(question, clause, full):
    q = parse_query(question)
    assert any(full in t.spellings for t in q.terms)
    assert term_coverage(q.terms, clause, [1.0] * len(q.terms)) >= 0.5
    q = parse_query("来办事的人不肯量体温，窗口会怎么处理？")
    clause = "对拒不接受体温测量的人员，窗口可暂停办理。"
    assert term_coverage(q.terms, clause, [1.0] * len(q.terms)) >= 0.5


def test_a_plan_question_on_a_progress_row_quotes_the_rows_target_first():
    # Made-up progress row: a long report cell matches the question's words better than the target cell.
    report = "农村生活污水：累计完成11个村庄治理，农村生活污水处理设施尚未验收，" * 10
    row = _chunk(111, "n1", kind="table_row", text=(
        "序号 7｜年度目标任务：统筹布局全区污水处理设施，建成两座污水处理厂，改造雨污分流管网5公里，完成20个村生活污水治理，"
        "确保河流断面水质稳定达标。｜9月份目标任务：完成12个村。｜完成情况：部分完成。" + report))
    q = parse_query("今年农村生活污水治理要完成几个村？")
    assert q.asks_plan
    e = select_evidence(q, Hit(row, 1.0, 1, 1, coverage=1.0), [1.0] * len(q.terms))
    assert any("完成20个村" in s for s in e.sentences)


def test_a_wider_places_list_answers_the_askers_place_with_its_own_line():
    intro = _chunk(91, "p1", "省民政厅公布各地特殊儿童救助保护服务热线，发现无人照料的儿童可致电当地热线电话反映。"
                   "全省各地受理电话分别是：济南市未成年人保护中心0531-1234567。", place="山东省")
    lines = _chunk(92, "p1", "青岛市未成年人保护中心0532-7654321；淄博市未成年人救助保护中心0533-2112447；"
                   "烟台市未成年人保护中心0535-1111111。", place="山东省")

    def ask(question):  # the general clause matches the question's words; the list matches none of them
        hits = [_good(intro, 1, coverage=0.6), _good(lines, 2, coverage=0.0)]
        return compose_answer(parse_query(question), SearchResult(hits), NOTICES, _equal_weights)

    answer = ask("我住在淄博，邻居被隔离了，孩子没人照顾，该打哪个电话反映？")
    assert not answer.abstained and "0533-2112447" in answer.text.split("[1]")[0]
    other = ask("我住在济南，邻居被隔离了，孩子没人照顾，该打哪个电话反映？")
    assert "0531-1234567" in other.text.split("[1]")[0]  # the best clause already names the asker's place


def test_a_notices_schedule_under_its_own_heading_answers_when():
    duty = Chunk(id="c95", notice_id="s1", notice_title="s1的通知", clause_path=["三、工作要求", "（二）严守纪律"],
                 text="专项督查时，各督查组要轻车简从。督查材料请于3月8日12:00前报市政府督查室。", index_text="",
                 file="f.txt", line_start=1, line_end=1, kind="clause", jurisdiction="桓台县", year=2023)
    schedule = replace(duty, id="c96", clause_path=["一、专项督查时间"], text="2023年3月9日至12日")
    hits = [_good(duty, 1, coverage=0.9), _good(schedule, 2, coverage=0.7)]
    answer = compose_answer(parse_query("桓台县的专项督查安排在哪几天？"), SearchResult(hits), NOTICES, _equal_weights)
    assert answer.text.split("[1]")[0].endswith("2023年3月9日至12日")
    asked_who = compose_answer(parse_query("桓台县专项督查材料报给谁？"), SearchResult(hits), NOTICES, _equal_weights)
    assert "市政府督查室" in asked_who.text.split("[1]")[0]
    # A numbered clause whose lead sentence names a time is no schedule heading.
    stop = replace(duty, id="c94", clause_path=["五、督查停止时间由指挥部另行通告"], text="五、督查停止时间由指挥部另行通告，总结材料于3月20日前报送。")
    start = replace(duty, id="c93", text="自2023年3月9日10时起，全县开展专项督查。")
    answer = compose_answer(parse_query("桓台县的专项督查从什么时候开始？"),
                            SearchResult([_good(start, 1, coverage=0.9), _good(stop, 2, coverage=0.8)]), NOTICES,
                            _equal_weights)
    assert "2023年3月9日10时" in answer.text.split("[1]")[0]


def test_a_long_sentence_is_cut_where_the_questions_words_are():
    names = "、".join(f"某某{i}局局长张{i}" for i in range(60))
    roster = Chunk(id="c97", notice_id="n1", notice_title="n1的通知", clause_path=["四、组织机构"],
                   text=f"区政府成立某某赛事领导小组，名单如下：{names}，工作专班下设办公室，李明同志兼任办公室主任。",
                   index_text="", file="f.txt", line_start=1, line_end=1, kind="clause", jurisdiction="张店区", year=2023)
    answer = compose_answer(parse_query("某某赛事工作专班办公室的主任由谁兼任？"), SearchResult([_good(roster)]), NOTICES,
                            _equal_weights)
    assert "李明同志兼任办公室主任" in answer.text


def test_a_clause_sending_the_reader_to_phone_is_answered_by_the_notices_list_of_numbers():
    refer = Chunk(id="c98", notice_id="n1", notice_title="n1的通知", clause_path=["三、推行不见面办理"],
                  text="对无法网上办理的参保登记、缴费业务，可通过电话联系相关科室，通过快递方式登记办理。", index_text="",
                  file="f.txt", line_start=1, line_end=1, kind="clause", jurisdiction="张店区", year=2023)
    numbers = replace(refer, id="c99", text="谢谢您的合作！\n登记征缴科：61234567\n支付科：61234568\n稽核科：61234569")
    hits = [_good(refer, 1, coverage=0.8), _good(numbers, 2, coverage=0.1)]
    answer = compose_answer(parse_query("张店区办参保登记、缴费业务要联系哪个科室？电话多少？"), SearchResult(hits),
                            NOTICES, _equal_weights)
    assert "登记征缴科：61234567" in answer.text.split("[1]")[0]


def test_a_question_where_an_area_ends_is_answered_by_the_clause_stating_its_bounds():
    general = Chunk(id="c100", notice_id="n1", notice_title="n1的决定", clause_path=["一、征收范围", "2.其他区域"],
                    text="2.其他涉及东湖片区改造项目的区域。依照东湖片区改造项目总体规划，需要征收的房屋及附属物。",
                    index_text="", file="f.txt", line_start=1, line_end=1, kind="clause", jurisdiction="某某区",
                    year=2023)
    bounds = replace(general, id="c101", clause_path=["一、征收范围"],
                     text="1.东至青年路，西至光明街，南至建设路，北至人民路（不包括幸福小区）区域；")
    hits = [_good(general, 1, coverage=0.9), _good(bounds, 2, coverage=0.2)]
    answer = compose_answer(parse_query("东湖片区改造征收的范围是哪几条路围起来的？"), SearchResult(hits), NOTICES,
                            _equal_weights)
    assert "东至青年路" in answer.text.split("[1]")[0]
    # Not asked where it ends: the clause that matches the question is quoted first.
    asked_what = compose_answer(parse_query("东湖片区改造项目要征收哪些房屋？"), SearchResult(hits), NOTICES,
                                _equal_weights)
    assert "东至青年路" not in asked_what.text.split("[1]")[0]


def test_everyday_words_for_passing_the_buck_match_the_official_terms_for_a_dispute_over_duties():
    spelled = {s for t in parse_query("楼道灯坏了，物业和社区推来推去，好几个单位踢皮球，最后谁说了算？").terms
               for s in t.spellings}
    assert {"争议", "职责"} <= spelled


def test_what_the_asker_says_they_do_not_know_is_told_not_asked_when_another_sentence_asks():
    story = "我是某某村的，每年都说有补贴，可到底发了多少、都发给了谁，我们也不清楚。镇里有没有要求把这些补贴公开出来？"
    query = parse_query(story)
    assert query.kinds == ["what"] and query.asked == "镇里有没有要求把这些补贴公开出来？"
    # Nothing else asks: the sentence is the question.
    assert "figure" in parse_query("补贴到底发了多少，我也不清楚。").kinds
    # Asked with a question mark, it asks whatever follows.
    assert "figure" in parse_query("补贴到底发了多少？我也不清楚。").kinds


_ACTIONS = [replace(_chunk(95 + i, "n1", text=t), clause_path=["二、主要任务", h]) for i, (h, t) in enumerate([
    ("1. 实施书香校园行动", "每校建成图书角。"), ("2. 实施教师成长行动", "每年培训教师200人。"),
    ("3. 实施家校共育行动", "每学期召开家长会2次。"), ("4. 完善经费保障", "落实生均公用经费。")])]


def test_a_list_question_naming_what_each_item_is_gets_the_sub_headings_that_name_one():
    # Made-up plan: every action's heading says 行动, the section's heading (主要任务) does not.
    children = _children_in(_ACTIONS[:3])
    hits = [_good(_ACTIONS[1]), _good(_ACTIONS[2], 2)]
    answer = compose_answer(parse_query("某某教育提升方案提出了哪些行动？"), SearchResult(hits), NOTICES, _equal_weights,
                            children=children)
    assert all(a in answer.text.split("[1]")[0] for a in ("书香校园行动", "教师成长行动", "家校共育行动"))
    # A sub-heading without the word (完善经费保障): the headings do not each name an action, no list of them.
    mixed = compose_answer(parse_query("某某教育提升方案提出了哪些行动？"), SearchResult(hits), NOTICES, _equal_weights,
                           children=_children_in(_ACTIONS))
    assert "书香校园行动" not in mixed.text.split("[1]")[0]


def test_a_list_question_whose_item_word_is_one_character_gets_the_sub_headings_ending_in_it():
    groups = [replace(_chunk(101 + i, "n1", text=t), clause_path=["四、活动组织机构", h]) for i, (h, t) in enumerate([
        ("（一）综合协调组", "区某某中心负责综合协调。"), ("（二）安全保障组", "某某分局负责现场安全。"),
        ("（三）后勤服务组", "某某办负责食宿安排。")])]
    hits = [_good(groups[1]), _good(groups[0], 2)]
    answer = compose_answer(parse_query("某某活动的工作专班下设哪几个组？"), SearchResult(hits), NOTICES, _equal_weights,
                            children=_children_in(groups))
    assert all(g in answer.text.split("[1]")[0] for g in ("综合协调组", "安全保障组", "后勤服务组"))
    # The section's sentence announcing the list leads it, rather than the section's heading.
    intro = replace(_chunk(104, "n1", text="办公室下设3个工作组，具体职责如下："), clause_path=["四、活动组织机构"])
    answer = compose_answer(parse_query("某某活动的工作专班下设哪几个组？"), SearchResult(hits + [_good(intro, 3)]),
                            NOTICES, _equal_weights, children=_children_in(groups))
    assert "办公室下设3个工作组，具体职责如下：（一）综合协调组" in answer.text.replace("\n", "")
    # Asked by the word whose head is the item word (哪些工作组, working groups → 工作组 → 组).
    for asked in ("某某活动的办公室设了哪些工作组？", "What working groups does the fair's office have?",
                  "某某活动的办公室下设3个工作组，分别是什么？", "The fair's office set up three working groups. What are they?"):
        answer = compose_answer(parse_query(asked), SearchResult(hits), NOTICES, _equal_weights,
                                children=_children_in(groups))
        assert all(g in answer.text.split("[1]")[0] for g in ("综合协调组", "安全保障组", "后勤服务组")), asked
    # A word only describing who is asked about (领导小组的副组长) names no item: the groups are not its list.
    answer = compose_answer(parse_query("某某活动领导小组的副组长都有哪几位？"), SearchResult(hits), NOTICES,
                            _equal_weights, children=_children_in(groups))
    assert "后勤服务组" not in answer.text


_PLAN = [replace(_chunk(110 + i, "n1", text=t), clause_path=path) for i, (path, t) in enumerate([
    (["三、开展“四大行动”", "（一）河湖治理行动", "1. 清理河道淤积"], "清淤20公里。"),
    (["三、开展“四大行动”", "（一）河湖治理行动", "2. 修复岸线生态"], "修复岸线5公里。"),
    (["三、开展“四大行动”", "（一）河湖治理行动", "3. 整治入河排口"], "整治排口30个。"),
    (["三、开展“四大行动”", "（二）农田提质行动"], "改造农田1万亩。"),
    (["三、开展“四大行动”", "（三）村庄美化行动"], "美化村庄12个。"),
    (["三、开展“四大行动”", "（四）道路提升行动"], "改造道路8公里。")])]


def test_a_section_named_whole_by_the_question_gives_its_own_sub_headings():
    # Made-up plan: the question quotes the heading of one action; its measures, not the four actions, are asked.
    hits = [_good(_PLAN[1]), _good(_PLAN[3], 2)]
    answer = compose_answer(parse_query("方案里“河湖治理行动”下面具体有哪几项措施？"), SearchResult(hits), NOTICES,
                            _equal_weights, children=_children_in(_PLAN))
    listed = answer.text.split("[1]")[0]
    assert all(m in listed for m in ("清理河道淤积", "修复岸线生态", "整治入河排口"))
    assert "农田提质行动" not in listed
    # A short heading inside a longer word of the question ((一)工业企业 in 规下工业企业) names no section.
    firms = [replace(_chunk(130 + i, "n1", text=t), clause_path=["（一）工业企业", h]) for i, (h, t) in enumerate([
        ("1. 规下工业企业", "2月10日复工。"), ("2. 外贸加工", "2月20日复工。"), ("3. 建筑施工", "3月1日复工。")])]
    answer = compose_answer(parse_query("规下工业企业有哪几天可以复工？"), SearchResult([_good(firms[0])]), NOTICES,
                            _equal_weights, children=_children_in(firms))
    assert "建筑施工" not in answer.text
    # A short heading quoted, or given in brackets by an English question, is named whole.
    safeguards = [replace(_chunk(140 + i, "n1", text=t), clause_path=["四、政策保障", h]) for i, (h, t) in enumerate([
        ("(一)完善统计制度", "建立统计台账。"), ("(二)强化资金支持", "安排专项资金。"), ("(三)加强人才保障", "引进人才。")]
    )] + [replace(_chunk(143, "n1", text="实施十大工程。"), clause_path=["三、重点工程"])]
    for question in ("What do the safeguards (政策保障) of the county's river cleaning work plan list?",
                     "某某县河湖清淤治理工作方案的“政策保障”部分都写了哪些内容？"):
        answer = compose_answer(parse_query(question), SearchResult([_good(safeguards[3]), _good(safeguards[1], 2)]),
                                NOTICES, _equal_weights, children=_children_in(safeguards))
        assert all(m in answer.text for m in ("完善统计制度", "强化资金支持", "加强人才保障")), question


_REPORT = [replace(_chunk(120 + i, "n1", text=t), clause_path=["今年的主要任务", h]) for i, (h, t) in enumerate([
    ("一、坚持稳中求进，推动经济回升向好", "扩大有效投资。"), ("二、坚持稳中求进，建设美丽乡村", "改善人居环境。"),
    ("三、坚持稳中求进，办好惠民实事", "增加公共服务供给。")])]


def test_sub_headings_each_holding_the_questions_words_as_many_as_asked_are_the_list():
    # Made-up report: every part opens with the words asked about (坚持稳中求进); the section above names none.
    hits = [_good(_REPORT[1]), _good(_REPORT[0], 2)]
    answer = compose_answer(parse_query("报告提出从哪三个方面坚持稳中求进？"), SearchResult(hits), NOTICES, _equal_weights,
                            children=_children_in(_REPORT))
    listed = answer.text.split("[1]")[0]
    assert all(p in listed for p in ("推动经济回升向好", "建设美丽乡村", "办好惠民实事"))
    # Asked for another number, they are not the list asked for.
    four = compose_answer(parse_query("报告提出从哪四个方面坚持稳中求进？"), SearchResult(hits), NOTICES, _equal_weights,
                          children=_children_in(_REPORT))
    assert "办好惠民实事" not in four.text.split("[1]")[0]


def test_a_question_asking_what_parts_a_document_has_gets_its_top_level_headings():
    parts = [replace(_chunk(105 + i, "n1", text=t), clause_path=path) for i, (path, t) in enumerate([
        (["发文信息"], "某某区人民政府办公室"), (["一、工作目标"], "到年底建成智慧校园20所。"),
        (["二、重点任务", "1. 实施书香校园行动"], "每校建成图书角。（区教体局牵头，区财政局配合）"),
        (["三、保障措施"], "加强组织领导。")])]
    parts = [replace(c, notice_title="某某区教育提升工作方案") for c in parts]
    answer = compose_answer(parse_query("某某区教育提升工作方案分哪几个方面？"), SearchResult([_good(parts[2])]), NOTICES,
                            _equal_weights, children=_children_in(parts))
    quoted = answer.text.split("[1]")[0]
    assert "一、工作目标；二、重点任务；三、保障措施" in quoted and "发文信息" not in quoted and "牵头" not in quoted
    # Asked in words of its own beside a run of the title's words (教育提升): still the plan's parts.
    answer = compose_answer(parse_query("区里的教育提升工作在师资和校舍上要从哪几个方面重点发力攻坚？"),
                            SearchResult([_good(parts[2])]), NOTICES, _equal_weights, children=_children_in(parts))
    assert "一、工作目标；二、重点任务；三、保障措施" in answer.text.split("[1]")[0]


def test_the_parts_of_a_report_whose_top_headings_are_unnumbered_are_the_numbered_parts_of_its_section():
    # Made-up report: 回顾 and 安排 are unnumbered; this year's work is 一、…三、 under 安排.
    report = [replace(_chunk(140 + i, "n2", text=t), clause_path=path, notice_title="某某县政府工作报告")
              for i, (path, t) in enumerate([
                  (["去年工作回顾"], "去年全县生产总值增长5%。"),
                  (["今年工作安排"], "今年重点抓好以下工作。"),
                  (["今年工作安排", "一、稳增长"], "新开工项目30个。"),
                  (["今年工作安排", "二、促改革", "深化放管服"], "推行一网通办。"),
                  (["今年工作安排", "三、惠民生"], "新建幼儿园4所。")])]
    answer = compose_answer(parse_query("某某县今年政府工作报告分哪几个方面？"), SearchResult([_good(report[3])]),
                            NOTICES, _equal_weights, children=_children_in(report))
    quoted = answer.text.split("[1]")[0]
    assert "今年工作安排：一、稳增长；二、促改革；三、惠民生" in quoted and "回顾" not in quoted


def test_a_section_list_is_found_by_the_words_the_notices_title_does_not_hold():
    # 某方案里的重点举措有哪几条: 方案's words are in the title; 重点举措 names the section.
    plan = [replace(_chunk(150 + i, "n1", text=t), clause_path=path, notice_title="某某区信息公开工作方案")
            for i, (path, t) in enumerate([
                (["一、工作要求"], "全面落实上级要求。"),
                (["二、重点举措", "(一)夯实基础"], "修订任务清单。"),
                (["二、重点举措", "(二)深化公开"], "完善公开目录。"),
                (["二、重点举措", "(三)建强队伍"], "开展业务培训。"),
                (["三、保障措施"], "加强组织领导。")])]
    weights = lambda terms: [3.0 if t.source in ("信息公开", "工作方案") else 1.0 for t in terms]
    answer = compose_answer(parse_query("某某区信息公开工作方案里的重点举措有哪几条"),
                            SearchResult([_good(plan[2]), _good(plan[0], 2)]), NOTICES, weights,
                            children=_children_in(plan))
    assert "(一)夯实基础；(二)深化公开；(三)建强队伍" in answer.text.split("[1]")[0]


def test_when_a_notices_measure_starts_is_its_sentence_saying_from_which_day_it_applies():
    # Made-up notice: the relief clause has no date; the notice's last clause says when it all applies.
    relief = _chunk(160, "n1", text="一、对参加防汛工作的志愿者领取的交通补贴，免征某某费。")
    start = _chunk(161, "n1", text="三、本通知自2031年3月1日起施行，有效期两年。")
    hits = [_good(relief), _good(start, 2, coverage=0.1)]
    for question in ("志愿者的交通补贴免征某某费，这个政策从什么时候开始算？", "志愿者交通补贴免征某某费哪天起施行？"):
        answer = compose_answer(parse_query(question), SearchResult(hits), NOTICES, _equal_weights)
        assert "2031年3月1日起施行" in answer.text.split("[1]")[0], question
    # Asked for the end, the start is no answer.
    assert not parse_query("这个补贴政策到什么时候截止？").asks_start


def test_another_row_of_a_progress_table_does_not_answer_when_a_task_is_due():
    # Made-up table: the asked project's row gives its progress, not a date; another task's row has a date.
    project = _chunk(180, "n1", "年度目标任务：加快区人民医院新院区建设。9月份目标任务：主体完成60%。完成情况：完成。",
                     kind="table_row")
    meeting = _chunk(181, "n1", "年度目标任务：加强慢病管理。9月份目标任务：9月20日召开全区医疗机构推进会。完成情况：完成。",
                     kind="table_row")
    query = parse_query("区人民医院新院区哪天建成？")
    evidence = [select_evidence(query, h, [1.0] * len(query.terms))
                for h in (_good(project, coverage=0.6), _good(meeting, 2, coverage=0.6))]
    assert clause_showing_kind(query, evidence) is None
    # Clauses of a notice's text are no records: one showing the date still leads.
    text = replace(meeting, kind="clause")
    evidence[1] = select_evidence(query, _good(text, 2, coverage=0.6), [1.0] * len(query.terms))
    assert clause_showing_kind(query, [replace(evidence[0], hit=_good(replace(project, kind="clause"), 1, 0.6)),
                                       evidence[1]]) is not None


def test_who_is_in_charge_of_a_field_is_answered_by_the_clause_giving_that_charge_or_not_at_all():
    report = _chunk(110, "n2", text="深化科创金融集聚区建设，着力打造城市金融会客厅，集聚落地更多天使基金。")
    duties = _chunk(111, "n1", text="李明同志协助张华同志负责金融证券保险等方面的工作。完成区委、区政府交办的工作。")
    hits = [_good(report, 1, coverage=0.4), _good(duties, 2, coverage=0.9)]
    answer = compose_answer(parse_query("区政府哪位领导分管金融证券保险？"), SearchResult(hits), NOTICES, _equal_weights)
    assert not answer.abstained and "李明同志协助张华同志负责金融证券保险" in answer.text.split("[1]")[0]
    # Nobody is given the field asked: no name is offered as if one were.
    office = _chunk(112, "n1", text="区教育规划领导小组下设办公室，王强同志任办公室主任，负责区教育规划领导小组日常工作。")
    none = compose_answer(parse_query("区政府哪位领导分管教育工作？"), SearchResult([_good(duties), _good(office, 2)]),
                          NOTICES, _equal_weights)
    assert none.abstained and "王强" not in none.text
    assert parse_query("区里哪位副区长分管教育？").asks_person
    # The post asked, not a field: a row naming the task's 分管区领导 answers.
    row = _chunk(113, "n1", text="年度目标任务：办好第三届某某文化节。｜分管区领导：赵志刚；责任单位：区文旅局")
    post = compose_answer(parse_query("某某文化节这项任务分管的区领导是谁？"), SearchResult([_good(row)]), NOTICES,
                          _equal_weights)
    assert not post.abstained and "赵志刚" in post.text


def test_the_time_of_day_asked_is_answered_by_hours_not_by_a_date():
    opened = _chunk(410, "n1", "某某热线2月10日起开通专家咨询专线，每天有8位医学专家参与咨询。")
    hours = _chunk(411, "n1", "某某热线开通专家咨询专线，每天8:00至20:00有医学专家接听。")
    asked = "某某热线的专家咨询专线每天几点到几点能打进去？"
    assert parse_query(asked).asks_hour and not parse_query("通知提出了哪几点要求？").asks_hour
    assert _answer(asked, [opened], coverage=0.8).abstained
    assert not _answer(asked, [hours], coverage=0.8).abstained


def test_a_question_the_notice_asks_is_quoted_with_its_whole_answer():
    text = ("复工前要做哪些准备？\n企业要备足口罩和消毒用品。"
            "\n员工返岗后发烧怎么办？\n首先要让员工立即停止工作并佩戴口罩。随后由企业安排车辆送往发热门诊。"
            "同一车间的人员暂停集体活动。如果核酸检测结果为阴性，休息三天后即可返岗。\n食堂还能开吗？\n食堂可以分餐供应。")
    answer = _answer("员工上班以后发烧了，公司应该怎么处理？", [_chunk(412, "n1", text)])
    assert "休息三天后即可返岗" in answer.text and "食堂可以分餐供应" not in answer.text


def test_asking_whether_what_was_heard_is_true_asks_what_was_heard():
    from assistant.search.query import focus_of

    told = "我家住城西，冬天屋里冷得很，穿着棉袄还哆嗦。前两天听楼下老王说县里要用地热水来供暖，我觉得他是乱讲，"
    assert "地热水" in focus_of(told + "真有这回事吗？", max_share=1.0)
    q = parse_query(told + "真有这回事吗？")
    assert any(t.source == "供暖" and not t.in_story for t in q.terms)
    # asked something else, what was heard stays the asker's story
    assert "地热水" not in focus_of(told + "县里供暖归哪个部门管？", max_share=1.0)


def test_the_headers_of_a_named_notice_and_its_copies_leave_room_for_its_clause_that_answers():
    headers = [_chunk(20 + i, "n1", "县税务局关于做好办税服务若干措施的通知", kind="header") for i in range(5)]
    rule = _chunk(30, "n1", "对确需到办税大厅办理业务的人员，通过核验身份证件等方式进行验证，暂不要求刷脸。")
    q = parse_query("县税务局办税服务若干措施里，到大厅办理业务的人员怎么验证身份？")
    hits = [_good(c, rank=i + 1, coverage=0.5) for i, c in enumerate(headers)] + [_good(rule, rank=6, coverage=0.6)]
    answer = compose_answer(q, SearchResult(hits), NOTICES, _equal_weights)
    assert not answer.abstained and "核验身份证件" in answer.text


def test_one_notice_published_twice_is_quoted_once():
    text = "对承租国有房屋的个体工商户，免收3个月房租。"
    answer = _answer("承租国有房屋的个体工商户房租免几个月？", [_chunk(40, "n1", text), _chunk(41, "n3", text)])
    assert not answer.abstained and answer.text.count("免收3个月房租") == 1
    # each copy's clause runs on into its own signature
    copies = [replace(_chunk(i, n, text + signature), notice_title="关于减免个体工商户房租的通知")
              for i, n, signature in ((42, "n1", "甲县财政局"), (43, "n3", "甲县税务局"))]
    answer = _answer("承租国有房屋的个体工商户房租免几个月？", copies)
    assert not answer.abstained and answer.text.count("免收3个月房租") == 1
    # two notices of their own saying the same are both quoted
    answer = _answer("承租国有房屋的个体工商户房租免几个月？", [_chunk(42, "n1", text + "甲县财政局"),
                                                         _chunk(43, "n3", text + "甲县税务局")])
    assert answer.text.count("免收3个月房租") == 2


def test_a_long_sentence_is_clipped_where_the_last_asked_words_are():
    from assistant.answering.extractive import MAX_SENTENCE_CHARS, _clip

    filler = "，".join(["坚持统筹兼顾、分类施策、精准服务的原则"] * 20)
    sentence = "充分发挥部门职能" + filler + "，通过核验身份证件等方式进行验证。"
    assert len(sentence) > MAX_SENTENCE_CHARS + 40
    q = parse_query("发挥职能的那份措施里，怎么验证身份？")
    weights = [1.0] * len(q.terms)
    # as many of the question's words at either end: the end holds those of the clause that asks
    assert term_coverage(q.terms, sentence[:MAX_SENTENCE_CHARS], weights) == term_coverage(
        q.terms, sentence[-MAX_SENTENCE_CHARS:], weights)
    assert "核验身份证件" in _clip(sentence.lower(), q, weights)


def test_a_sentence_without_a_question_mark_asks_nothing_by_a_few_or_anything():
    from assistant.search.query import focus_of

    text = ("我老家在山里，过完年跟几个老乡来城里工地干活，包工头让先住着。宿舍里啥都缺，门卫不让出去买东西。"
            "这是谁定的规矩？要住多久才能出去？")
    told = focus_of(text, max_share=1.0)
    assert "老乡" not in told and "门卫不让出去" in told
    # the same words ask when the asker marks no question at all, or leaves the last sentence open
    assert "几个" in asking_clauses("想问一下今年一共建了几个口袋公园")
    assert asking_clauses("那份任务一共分了几大部分？分别是啥").endswith("分别是啥")


def test_asking_about_this_situation_asks_about_the_whole_case_told():
    from assistant.search.query import focus_of

    text = ("我家在山区，是低保户，去年借了小额贷款养羊。今年羊卖不出去，贷款下个月到期还不上，愁得睡不着。"
            "政府对我们这种情况有没有说法？能拖多久？")
    assert focus_of(text, max_share=1.0) == text


def test_the_place_asked_is_not_where_the_asker_comes_from():
    q = parse_query("我是安徽阜阳的，过完年来上海闵行一个工地干活，门卫不让出门。这是闵行的规定吗？要关多久？")
    assert set(q.jurisdictions) >= {"阜阳市", "闵行区"} and "阜阳市" in q.story_places
    assert q.place_asked == "闵行区"
    assert parse_query("阜阳和闵行的规定一样吗？").place_asked == ""


def test_it_in_the_asking_clause_points_to_what_its_sentence_named_before():
    from assistant.search.query import focus_of

    text = "我家孩子明年上学，我们住城南。前几天路过看见新盖了个青松路小学，楼挺气派，可不知道它今年招不招生？"
    assert "青松路小学" in focus_of(text, max_share=1.0)
    assert any(t.source == "小学" and not t.in_story for t in parse_query(text).terms)


def test_the_other_half_of_an_either_or_question_is_no_question_of_its_own():
    from assistant.search.query import question_parts

    assert question_parts("新学校开始招生了没有？还是光盖好了没用？") == []
    assert question_parts("今年改造多少个小区？棚改呢？") == ["今年改造多少个小区？", "棚改呢？"]


def test_a_day_named_dates_an_event_a_month_alone_is_the_period_asked():
    dated = parse_query("县长3月14日到开发区调研时，对企业复工提了什么要求？")
    assert not any(t.required for t in dated.terms if "3月" in t.source)  # the day is one term (3月14日), not required
    assert any(t.source == "3月14日" for t in dated.terms)
    assert any(t.source == "3月" and t.required for t in parse_query("县里3月份新开工了多少个项目？").terms)
    # a clause of the visit's news that does not repeat its date still answers
    weights = [1.0] * len(dated.terms)
    assert term_coverage(dated.terms, "县长要求加快企业复工，确保4月底前全面复工", weights) > 0


def test_a_metadata_question_about_a_document_no_notice_is_named_by_is_declined():
    title = "县人民政府办公室关于印发县深化改革推动高质量发展重点工作任务的通知"
    header = replace(_chunk(50, "n1", title, kind="header"), notice_title=title)
    q = parse_query("县森林防火实施方案是哪天印发的？")
    answer = compose_answer(q, SearchResult([_good(header, coverage=0.3)]), NOTICES, _equal_weights)
    assert answer.abstained and "森林防火实施方案" in answer.text
    # the notice named in other words of its title is answered
    asked = parse_query("县深化改革重点工作任务的通知是哪天印发的？")
    assert not compose_answer(asked, SearchResult([_good(header)]), NOTICES, _equal_weights).abstained
    # who gave it is no part of its name
    report = replace(_chunk(51, "n2", "政府工作报告", kind="header"), notice_title="政府工作报告")
    asked = parse_query("林海闽县长作的这份政府工作报告是哪天印发的？")
    assert not compose_answer(asked, SearchResult([_good(report)]), NOTICES, _equal_weights).abstained


def test_a_percentage_asked_is_not_answered_by_a_clause_without_one_or_with_another_measures():
    rule = _chunk(60, "n1", "各镇要加快城镇绿化建设，今年新建口袋公园12个，稳步提高建成区绿化覆盖率。")
    answer = _answer("建成区绿化覆盖率要达到百分之多少？", [rule])
    assert answer.abstained and "百分比" in answer.text
    given = _chunk(61, "n1", "各镇要加快城镇绿化建设，建成区绿化覆盖率达到42%以上。")
    assert "42%" in _answer("建成区绿化覆盖率要达到百分之多少？", [given]).text
    # Nor by one whose percentage is another measure's.
    other = _chunk(62, "n1", "到2025年，规模以上企业能效达标比例超过30%，建成区绿化覆盖率稳步提升。")
    answer = _answer("到2025年建成区绿化覆盖率要达到百分之多少？", [other])
    assert answer.abstained and "百分比" in answer.text
    named = _chunk(63, "n1", "到2025年，建成区绿化覆盖率达到42%，规模以上企业能效达标比例超过30%。")
    assert "42%" in _answer("到2025年建成区绿化覆盖率要达到百分之多少？", [named]).text


def test_asking_how_many_yuan_asks_a_sum_a_growth_rate_does_not_give():
    assert parse_query("全县农村居民人均纯收入是多少元？").wants_money
    growth = _chunk(64, "n1", "全年经济运行稳中有进，农村居民人均纯收入同比增长6.2%。")
    assert _answer("全县农村居民人均纯收入是多少元？", [growth]).abstained
    amount = _chunk(65, "n1", "全年经济运行稳中有进，农村居民人均纯收入达到21350元，同比增长6.2%。")
    assert "21350元" in _answer("全县农村居民人均纯收入是多少元？", [amount]).text


def test_a_list_a_clause_announces_and_begins_is_quoted_on_from_the_next_clause():
    # Made-up notice: the four parts announced are split over two paragraphs.
    begun = _chunk(71, "n1", "会议明确，县商务局将提供以下四个方面政策支持：一是减免个体摊位租金。二是发放社区消费券。")
    rest = _chunk(72, "n1", "三是开通审批绿色通道。四是提供小额免息贷款。")
    q = parse_query("县商务局从哪四个方面提供政策支持？")

    def more_of(notice_id):
        return [_good(begun), _good(rest, rank=2)]

    answer = compose_answer(q, SearchResult([_good(begun)]), NOTICES, _equal_weights, more_of=more_of)
    assert "减免个体摊位租金" in answer.text and "小额免息贷款" in answer.text
    assert [c.chunk for c in answer.citations[:2]] == [begun, rest]
    whole = _chunk(73, "n1", "县商务局将提供以下两个方面政策支持：一是减免个体摊位租金。二是发放社区消费券。")
    answer = compose_answer(parse_query("县商务局从哪两个方面提供政策支持？"), SearchResult([_good(whole)]), NOTICES,
                            _equal_weights, more_of=lambda notice_id: [_good(whole), _good(rest, rank=2)])
    assert "绿色通道" not in answer.text  # the list is whole: nothing carried on


def test_a_list_questions_long_sentence_keeps_its_last_items():
    # Made-up list of 12 kinds of venues, one sentence of about 400 characters.
    venues = ["城区各类歌舞娱乐场所", "全县范围内的网吧和电竞馆", "室内外健身房和游泳馆", "电影院及各类剧场",
              "棋牌室和麻将馆", "洗浴中心和足疗店", "大型室内游乐场", "各类培训机构的线下课堂", "县图书馆及分馆",
              "县博物馆和纪念馆", "农村文化礼堂", "农家乐及民宿"]
    sentence = ("为防止人员聚集，经县疫情防控指挥部研究决定，自即日起至另行通知之日止，在全县范围内暂停以下经营场所和"
                "公共活动场所的对外营业和开放，各乡镇、各部门要按照属地管理和行业管理的原则，逐一排查、逐一落实、"
                "逐一登记，确保不留死角不留盲区：" + "、".join(v + "（含连锁门店与分支机构）" for v in venues) + "。")
    assert MAX_SENTENCE_CHARS < len(sentence) < 2 * MAX_SENTENCE_CHARS
    clause = _chunk(74, "n1", sentence)
    text = _answer("县里暂停了哪些经营场所的营业？", [clause]).text
    assert "农家乐及民宿" in text and "城区各类歌舞娱乐场所" in text
    # A question asking no list is quoted around its words, as before.
    assert "农家乐及民宿" not in _answer("县里暂停营业的决定是哪个部门研究的？", [clause]).text


def test_a_sentence_announcing_its_count_of_parts_is_quoted_with_them():
    from assistant.answering.extractive import select_evidence

    clause = _chunk(70, "n1", "通知就加强农贸市场管理提出三方面要求。一是落实消毒制度，每日清洁两次。二是实行实名登记，"
                              "摊主凭证入场。三是严控人员密度，高峰时段限流。")
    q = parse_query("那份通知对农贸市场管理提出了哪三方面要求？")
    e = select_evidence(q, Hit(clause, 1.0, coverage=1.0), [1.0] * len(q.terms))
    quoted = "".join(e.sentences)
    assert "落实消毒制度" in quoted and "实行实名登记" in quoted and "严控人员密度" in quoted


def test_a_month_describing_the_event_is_no_period_a_clause_must_name():
    asked = parse_query("县里3月份办的那场招聘会，一共来了多少家企业？")
    assert any(t.source == "3月" and not t.required for t in asked.terms)
    assert any(t.source == "3月" and t.required for t in parse_query("县里3月份一共办了几场招聘会？").terms)


def test_the_city_named_by_its_level_beside_a_district_is_a_side_of_the_comparison():
    q = parse_query("市里和福田区各自的方案，要求报送台账的截止时间分别是哪天？")
    assert sorted(q.compared_places) == sorted(["深圳市", "福田区"])
    assert parse_query("我在市里上班，福田区的方案要求哪天前报送台账？").jurisdictions == ["福田区"]
    assert parse_query("超市里和福田区的菜价各是多少？").jurisdictions == ["福田区"]
