"""Questions answered end to end on the real sample-corpus index (slow: real model, FAISS and BM25)."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace

import pytest
from openai_stub import StubLLM

from assistant.config import Settings
from assistant.ingest.build import ingest
from assistant.pipeline import Assistant
from assistant.apps.langchain_adapter import HybridRetriever

from conftest import ROOT

pytestmark = pytest.mark.slow
KEY_TASKS = "张店区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务"


@pytest.fixture(scope="module")
def assistant(sample_settings, embedder):
    """The assistant on the sample corpus, once with the local store and once with Milvus Lite."""
    return Assistant(sample_settings, embedder=embedder)


def _squash(text):
    return "".join(text.split())


@pytest.mark.parametrize("question", ["张店区2023年充电桩目标是多少?", "What is Zhangdian's 2023 charging-pile target?"])
def test_charging_pile_question_gives_both_zhangdian_figures_and_no_other_district(assistant, question):
    answer = assistant.ask(question)
    assert not answer.abstained
    assert "1775" in answer.text and "3000" in answer.text
    assert "1220" not in answer.text and "4万" not in answer.text  # 淄川区 and 淄博市 figures stay out
    used = [c for c in answer.citations if c.quotes]
    titles = [c.notice.title for c in used]
    assert any(KEY_TASKS in t for t in titles) and "政府工作报告" in titles
    for c in used:  # each quoted sentence really is in the clause it cites
        assert all(_squash(q.rstrip("…")).strip("…") in _squash(c.chunk.text).replace(" ", "") or "…" in q
                   for q in c.quotes)


def test_a_district_named_keeps_other_districts_out(assistant):
    answer = assistant.ask("淄川区充电设施建设任务是多少个？")
    assert "1220" in answer.text and "1775" not in answer.text
    assert answer.citations[0].chunk.jurisdiction == "淄川区"


def test_a_county_no_document_names_is_answered_by_its_city_only_when_the_city_answers_well(assistant):
    # 桓台县 occurs in no document of the sample corpus; 淄博市's plan applies there.
    answer = assistant.ask("我在桓台县的村小教书，市里推进乡村教育振兴，对乡村老师的周转宿舍有什么安排？")
    assert not answer.abstained and answer.text.startswith("桓台县的文件中没有直接规定")
    assert answer.citations[0].chunk.jurisdiction == "淄博市"
    assert assistant.ask("桓台县地铁什么时候开通？").abstained


def test_a_county_question_its_own_documents_miss_is_answered_by_the_city_document_and_said_so(assistant):
    answer = assistant.ask("我在高青县的村小教书，市里推进乡村教育振兴，对乡村老师的周转宿舍有什么安排？")
    assert not answer.abstained and answer.text.startswith("高青县的文件中没有直接规定")
    assert "周转宿舍" in answer.text and answer.citations[0].chunk.jurisdiction == "淄博市"


def test_status_question_lists_every_row_of_that_status(assistant):
    answer = assistant.ask("临淄区9月份有哪些任务未完成？")
    assert "未完成7项" in answer.text and len([c for c in answer.citations if c.quotes]) == 7
    assert all("完成情况：未完成" in c.chunk.text for c in answer.citations)


def test_an_english_question_the_glossary_cannot_read_is_translated_once_by_the_configured_llm(sample_settings, embedder):
    from dataclasses import replace

    from openai_stub import StubLLM

    from assistant.answering.llm import TRANSLATE_PROMPT
    from assistant.pipeline import Assistant

    def reply(messages):
        if messages and TRANSLATE_PROMPT in messages[0]["content"]:
            return "张店区2023年要新增多少个电动汽车充电桩？"
        return "没有找到答案"  # the answer itself stays extractive

    question = "How many e-car power posts will Zhangdian put up in 2023?"
    with StubLLM(reply) as stub:
        settings = replace(sample_settings, llm_base_url=stub.base_url, llm_model="stub")
        assistant = Assistant(settings, embedder=embedder)
        first = assistant.ask(question)
        assistant.ask(question)
        translations = [r for r in stub.requests if TRANSLATE_PROMPT in r["body"]["messages"][0]["content"]]
    assert len(translations) == 1  # translated once, not per ask
    assert not first.abstained and "1775" in first.text
    without = Assistant(sample_settings, embedder=embedder).parse(question)
    assert "充电桩" not in without.search_text  # the glossary alone does not know these words


def test_who_question_names_the_lead_department(assistant):
    answer = assistant.ask("张店新增充电桩那条任务由哪个部门牵头？")
    assert "区发展改革局" in answer.text


@pytest.mark.parametrize("question", [
    "周村区2023年新建充电桩的目标是多少？",  # no document of that district
    "淄政办字[2023]34号文件是关于什么的？",  # no such document number
    "入选张店英才的人每人能拿到多少奖励资金？",  # the notice exists but names no amount
    "临淄区10月份重点工作完成情况里5G基站建了多少处？",  # only the September progress table exists
    "临淄区12月份的重点工作通报里哪些任务未完成？",  # nor is that table listed for a status asked of December
    "What was Linzi District's total GDP in 2022?",  # Linzi has only a 2023 progress table
])
def test_questions_the_corpus_cannot_answer_are_declined_with_closest_notices(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained and ("没有" in answer.text or "do not answer" in answer.text)
    assert answer.citations  # the closest clauses are still shown


def test_langchain_retriever_returns_cited_documents(assistant):
    retriever = HybridRetriever(searcher=assistant.searcher, k=3)
    docs = retriever.invoke("淄川区充电设施建设任务")
    assert len(docs) == 3 and all(d.metadata["jurisdiction"] == "淄川区" for d in docs)
    assert "1220" in _squash(docs[0].page_content) or any("1220" in _squash(d.page_content) for d in docs)
    assert {"notice_title", "doc_number", "clause_path", "score"} <= set(docs[0].metadata)


def _cli(*args, env_extra=None):
    import os

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "assistant", *args], cwd=ROOT, capture_output=True, text=True,
                          env=env, timeout=300)


def test_cli_ask_json_has_the_documented_shape(sample_index_dir):
    run = _cli("ask", "张店区2023年充电桩目标是多少?", "--json", "--k", "5", "--index", str(sample_index_dir))
    assert run.returncode == 0, run.stderr
    record = json.loads(run.stdout)
    assert {"answer", "abstained", "citations"} <= set(record)
    assert len(record["citations"]) == 5
    assert [c["marker"] for c in record["citations"]] == [1, 2, 3, 4, 5]
    assert {"marker", "notice_title", "doc_number", "issuer", "date", "jurisdiction", "clause_path", "text",
            "score", "gazette_issue"} <= set(record["citations"][0])
    # The target is in a district gazette: its citation says which issue (the cover names no number, a day).
    assert any("编发的一期" in c["gazette_issue"] for c in record["citations"])
    assert "1775" in record["answer"]


def test_cli_ask_with_an_llm_endpoint_streams_and_checks(sample_index_dir):
    with StubLLM(lambda messages: "张店区新增各类充电桩1775个[1]。") as stub:
        run = _cli("ask", "张店区2023年充电桩目标是多少?", "--index", str(sample_index_dir),
                   "--llm-base-url", stub.base_url, "--llm-model", "stub")
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("张店区新增各类充电桩1775个[1]。")
    with StubLLM(lambda messages: "张店区新增充电桩8888个[1]。") as stub:
        run = _cli("ask", "张店区2023年充电桩目标是多少?", "--json", "--index", str(sample_index_dir),
                   env_extra={"ASSISTANT_LLM_BASE_URL": stub.base_url, "ASSISTANT_LLM_MODEL": "stub"})
    record = json.loads(run.stdout)
    assert record["mode"] == "extractive" and "8888" in record["note"] and "8888" not in record["answer"]


def test_cli_rejects_empty_and_huge_questions_with_a_message(sample_index_dir):
    for question in ["   ", "字" * 20000]:
        run = _cli("ask", question, "--index", str(sample_index_dir))
        assert run.returncode == 1 and run.stderr.startswith("error: 问题") and "Traceback" not in run.stderr


def test_eval_runner_writes_records_and_prints_scores(tmp_path, sample_index_dir):
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "a", "question": "淄川区充电设施建设任务是多少？", "lang": "zh", "type": "figure", "answer": "",
         "must_contain": ["1220"], "gold": [{"file": "x", "quote": "完成充电设施1220个"}], "notice": ""},
        {"id": "b", "question": "周村区2023年新建充电桩的目标是多少？", "lang": "zh", "type": "unanswerable",
         "answer": "", "must_contain": [], "gold": [], "notice": ""},
    ]
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "results.jsonl"
    run = subprocess.run([sys.executable, "eval/run.py", "--questions", str(questions), "--out", str(out),
                          "--index", str(sample_index_dir), "--no-baseline"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["a", "b"]
    assert {"answer", "abstained", "citations", "latency_ms"} <= set(records[0])
    lines = run.stdout.splitlines()
    header = [c.strip() for c in next(line for line in lines if line.startswith("| group")).strip("|").split("|")]
    overall = [c.strip() for c in next(line for line in lines if line.startswith("| overall")).strip("|").split("|")]
    cell = dict(zip(header, overall))
    assert cell["n"] == "2"
    assert cell["hit@5"] == "1.000" and cell["abstention"] == "1.000"  # hit@5 for a; abstention for b


def test_a_new_document_is_answered_after_ingest(tmp_path, small_corpus, embedder):
    settings = Settings(corpus_dir=small_corpus, index_dir=tmp_path / "index")
    ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    answer = Assistant(settings, embedder=embedder).ask("桓台县今年新建多少处口袋公园？谁牵头？")
    assert "12处" in answer.text and "县住房城乡建设局" in answer.text
    assert answer.citations[0].notice.doc_number == "桓政办字〔2024〕12号"


def test_places_asked_about_that_no_document_covers_are_named_before_the_answer(tmp_path, small_corpus, embedder):
    settings = Settings(corpus_dir=small_corpus, index_dir=tmp_path / "index")
    ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    assistant = Assistant(settings, embedder=embedder)
    answer = assistant.ask("邹平市和桓台县今年各新建多少处口袋公园？")
    assert not answer.abstained and "12处" in answer.text
    assert answer.text.startswith("语料中没有邹平市的文件")
    # Places the corpus covers are answered without the note; 山东省 is covered by its counties' notices.
    for question in ("高青县和桓台县今年各新建多少处口袋公园？", "山东省和桓台县今年各新建多少处口袋公园？"):
        assert "语料中没有" not in assistant.ask(question).text
    # A place of the asker's own account is not asked about: no note that it has no documents.
    answer = assistant.ask("我是邹平市过来的，家里老人孩子都跟着来了，现在在桓台县一家厂里上班。听说桓台今年要新建口袋公园，能建多少处？")
    assert "12处" in answer.text and "语料中没有" not in answer.text
    # A county's short name read as the everyday word (老平房: a bungalow, not 平房区) in every asked part too.
    query = assistant.parse("我家住的是老平房，院子不大。想问两件事：一是今年新建几处口袋公园？二是谁牵头？")
    assert len(query.parts) == 2 and not [p for q in [query, *query.parts] for p in q.jurisdictions]
    # Where the asker lives is searched with the places around it for their own rules, not for the notices of
    # their other cities (山东省 has none of its own here; 桓台县's are no rule of 济南's).
    answer = assistant.ask("我住济南历下区，孩子上小学，老人在家带孩子。听说济南今年也要建口袋公园，能建多少处？")
    assert answer.abstained and answer.text.startswith("语料中没有历下区的文件")


def _assistant_on(tmp_path, embedder, files: dict[str, str]) -> Assistant:
    """An assistant on a corpus of the given files (name → text), ingested into tmp_path."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in files.items():
        (corpus / name).write_text(text, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    return Assistant(settings, embedder=embedder)


# A made-up city notice on a topic of its own: the city has notices, none on what the tests below ask.
_CITY_PARKS_NOTICE = ("淄博市人民政府办公室关于做好城市公园管理工作的通知\n淄政办字〔2024〕5号\n各区县人民政府：\n"
                      "一、公园开放时间为每日6:00至22:00。\n二、公园内禁止燃放烟花爆竹。\n淄博市人民政府办公室\n2024年3月1日\n")


def test_a_citys_question_answered_only_in_a_districts_notice_says_so(tmp_path, embedder):
    assistant = _assistant_on(tmp_path, embedder, {
        "city.txt": _CITY_PARKS_NOTICE,
        "county.txt": "高青县生态环境分局关于公布支持企业复工复产环保服务热线的通告\n为帮助企业解决复工复产中遇到的环保问题，"
                      "现公布环保服务热线：0533-6961234，受理时间为工作日9:00-17:00，受理危险废物转移、排污许可办理等问题。\n"
                      "高青县生态环境分局\n2024年2月20日\n"})
    answer = assistant.ask("淄博企业复工遇到排污许可办理的问题，有没有环保服务热线？")
    assert not answer.abstained and "0533-6961234" in answer.text
    assert answer.text.startswith("淄博市本级的文件中没有直接规定；其下辖高青县")


def test_a_provinces_weak_answer_gives_way_to_one_of_its_cities_notices_that_answers_surely(tmp_path, embedder):
    # A provincial bureau's notice may be published under the city site that carried it: the province's own
    # notice touches the topic without the figure (answered, but unsurely), the city's answers it.
    assistant = _assistant_on(tmp_path, embedder, {
        "province.txt": "河北省人民政府办公厅关于支持企业开展疫情防控科研攻关的通知\n各市人民政府：\n"
                        "一、支持企业加大疫情防控研发投入，各级税务部门要落实好研发费用税前加计扣除等税收优惠政策。\n"
                        "二、加强对企业的政策辅导，及时回应企业诉求。\n河北省人民政府办公厅\n2024年2月10日\n",
        "city.txt": "石家庄市税务局关于支持疫情防控科研攻关的税收措施的通知\n各县（市、区）税务局：\n"
                    "一、企业用于疫情防控的研发费用，据实扣除后再按实际发生额的60%在税前加计扣除。\n"
                    "二、疫情防控物资生产企业可按月申请退还增量留抵税额。\n石家庄市税务局\n2024年2月12日\n"})
    answer = assistant.ask("河北企业用于疫情防控的研发费用能按多少比例加计扣除？")
    assert not answer.abstained and "60%" in answer.text
    assert answer.text.startswith("河北省本级的文件中没有直接规定；其下辖石家庄市")


def test_a_question_naming_a_document_is_answered_from_it(tmp_path, embedder):
    # Made-up county: its work report and its task list give one target in two wordings.
    assistant = _assistant_on(tmp_path, embedder, {
        "report.txt": "政府工作报告\n——2031年1月9日在桓台县第五届人民代表大会第三次会议上\n各位代表：\n"
                      "一、今年工作安排\n稳就业。新增城镇就业6200人以上，城镇登记失业率控制在3%以内。\n"
                      "二、加强政府自身建设\n坚持依法行政。\n",
        "tasks.txt": "桓台县人民政府办公室关于印发桓台县2031年重点工作任务的通知\n各镇人民政府：\n"
                     "一、促进居民就业\n落实就业优先政策，年内新增城镇就业6000人，发放创业担保贷款5000万元。（县人社局牵头）\n"
                     "桓台县人民政府办公室\n2031年2月1日\n"})
    # The question's words (年内) are the task list's; the document it names leads.
    answer = assistant.ask("桓台县政府工作报告里，年内新增城镇就业多少人？")
    assert not answer.abstained and "6200人以上" in answer.text.split("[1]")[0]


def test_a_citys_question_naming_a_street_only_a_districts_notice_speaks_of_is_answered_from_it(tmp_path, embedder):
    # Made-up street office notice: the city's own notices never speak of the street it names (东风路), so the
    # question is about the district's matter and its answer needs no more than the usual confidence.
    assistant = _assistant_on(tmp_path, embedder, {
        "city.txt": _CITY_PARKS_NOTICE,
        "district.txt": "张店区某某街道办事处关于推行垃圾分类积分的通告\n为推进垃圾分类，现通告如下：\n"
                        "一、东风路街道在各小区设置智能回收箱30个。\n"
                        "二、向居民发放“绿色积分卡”，分类投放可累计积分，积分可在社区超市兑换日用品。\n"
                        "张店区某某街道办事处\n2031年2月10日\n"})
    answer = assistant.ask("淄博东风路街道发的绿色积分卡有什么用？")
    assert not answer.abstained and "积分可在社区超市兑换日用品" in answer.text
    assert answer.text.startswith("淄博市本级的文件中没有直接规定；其下辖张店区")


def test_a_place_asked_about_wants_its_own_rule_one_of_the_askers_account_the_rule_that_applies(tmp_path, embedder):
    # 陵城区 has no notice here; its city's does. With a bar no answer reaches, only the place the question asks
    # about (陵城区的…) is held to it; where the asker lives (我在陵城区种地) just says where the rule applies.
    assistant = _assistant_on(tmp_path, embedder, {"city.txt": (
        "德州市人民政府办公室关于做好农村公路养护工作的通知\n德政办字〔2024〕3号\n各县（市、区）人民政府：\n"
        "一、各县（市、区）要落实农村公路养护资金，2024年底前完成农村公路养护500公里。\n"
        "德州市人民政府办公室\n2024年3月5日\n")})
    assistant.settings = replace(assistant.settings, tuning=replace(assistant.settings.tuning, no_documents_threshold=1.0))
    told = assistant.ask("我在陵城区的村里种地，农村公路养护今年有什么安排？")
    assert not told.abstained and "500公里" in told.text and told.text.startswith("陵城区的文件中没有直接规定")
    assert assistant.ask("陵城区农村公路养护今年有什么安排？").abstained


def test_a_detail_the_places_own_notice_lacks_is_not_taken_from_another_level(tmp_path, embedder):
    # The county's notice says a hotline was opened without giving its number: the State's hotline is no answer.
    assistant = _assistant_on(tmp_path, embedder, {
        "county.txt": "仁寿县医疗保障局关于医保业务网上办理的通告\n为方便群众办事，县医保局开通医保业务咨询热线，"
                      "群众可通过网上办理医保业务，足不出户办理。\n仁寿县医疗保障局\n2024年2月5日\n",
        "state.txt": "国家医疗保障局关于做好医保业务网上办理的通知\n各省医疗保障局：\n一、各地医保局要开通医保业务"
                     "咨询热线，群众也可拨打12393医保服务热线咨询医保问题。\n国家医疗保障局\n2024年2月3日\n"})
    answer = assistant.ask("仁寿县医保局开通的医保咨询热线号码是多少？")
    assert answer.abstained and "没有给出所问的电话号码" in answer.text and "12393" not in answer.text


def test_a_story_of_what_some_provinces_did_answers_for_no_other_province(tmp_path, embedder):
    # Made-up national news: two provinces' rent relief; a third province has a notice of its own on another topic.
    roundup = ("各地出台惠企政策助小微企业渡难关\n近日，各地纷纷出台支持小微企业的政策。"
               "江苏、浙江对承租国有经营用房的小微企业，免收3个月房租。\n"
               "广东对吸纳就业的小微企业给予每人1000元补贴。\n")
    directory = ("河北省民政厅公布各市儿童救助热线\n为做好疫情期间儿童救助工作，现公布各市热线："
                 "石家庄市0311-1234567，唐山市0315-7654321，\n保定市0312-1112223，沧州市0317-3334445。\n")
    own = ("甘肃省人民政府办公厅关于做好春季造林工作的通知\n各市州人民政府：\n一、全省今年完成造林200万亩。\n"
           "甘肃省人民政府办公厅\n2031年2月1日\n")
    assistant = _assistant_on(tmp_path, embedder, {"roundup.txt": roundup, "directory.txt": directory, "own.txt": own})
    assert assistant.ask("甘肃对承租国有经营用房的小微企业，房租能免几个月？").abstained
    # A province's list of every city's number, cut into clauses, still answers for each city.
    answer = assistant.ask("石家庄市的儿童救助热线是多少？")
    assert not answer.abstained and "0311-1234567" in answer.text


def test_the_place_asked_beside_where_the_asker_comes_from_is_answered_by_its_citys_rule(tmp_path, embedder):
    # Made-up notices: the asker's home city has one on another topic; the district asked about has none, its
    # city has the rule.
    assistant = _assistant_on(tmp_path, embedder, {
        "home.txt": "阜阳市人民政府办公室关于做好春季农业生产的通知\n各县（市、区）人民政府：\n"
                    "一、全市今年完成小麦种植面积500万亩。\n阜阳市人民政府办公室\n2031年2月1日\n",
        "city.txt": "上海市住房和城乡建设管理委员会关于建筑工地疫情防控的通知\n各区建设管理部门：\n"
                    "一、施工现场实行封闭管理，外地来沪务工人员到沪未满14天的，不得离开施工现场。\n"
                    "二、工地要统一采购生活用品。\n上海市住房和城乡建设管理委员会\n2031年2月10日\n"})
    answer = assistant.ask("我是安徽阜阳的，过完年来上海闵行一个工地干活，门卫不让出门。这是闵行的规定吗？要关多久才能出去？")
    assert not answer.abstained and "14天" in answer.text
    assert answer.text.startswith("闵行区的文件中没有直接规定")


def test_a_central_body_named_beside_the_askers_city_answers_from_its_national_notice(tmp_path, embedder):
    from assistant.govdocs.places import names_central_body

    assert names_central_body("听说财政部出了个公告") and not names_central_body("市财政局出了个通知")
    assistant = _assistant_on(tmp_path, embedder, {
        "city.txt": "洛阳市人民政府办公室关于做好城市公园管理工作的通知\n各县区人民政府：\n"
                    "一、公园开放时间为每日6:00至22:00。\n二、公园内禁止燃放烟花爆竹。\n洛阳市人民政府办公室\n2024年3月1日\n",
        "national.txt": "财政部关于受灾餐饮企业亏损结转年限的公告\n财政部公告2024年第9号\n"
                        "一、受灾害影响较大的餐饮企业，2024年度发生的亏损，最长结转年限由5年延长至8年。\n"
                        "二、企业在年度汇算时提交政策声明即可享受。\n财政部\n2024年2月6日\n"})
    answer = assistant.ask("我在洛阳开了家小饭馆，今年亏得厉害。听说财政部出了个公告，饭馆今年的亏损能往后结转几年？")
    assert not answer.abstained and "8年" in answer.text
    assert not answer.text.startswith("洛阳市的文件中没有直接规定")


def test_a_departments_tasks_in_a_task_list_are_each_listed_with_its_clause(tmp_path, embedder):
    # Made-up task list: each task names who carries it out, as such plans do.
    assistant = _assistant_on(tmp_path, embedder, {"tasks.txt": (
        "洛南县人民政府办公室关于印发洛南县2024年重点工作任务的通知\n各镇人民政府，县政府各部门：\n"
        "一、推进乡村振兴\n1.推进河道清淤。完成主要河道清淤20公里。（县水利局负责）\n"
        "2.建设智慧农场。新建智慧农场3个。（县农业农村局牵头，县水利局配合）\n"
        "二、改善民生\n3.实施农田灌溉改造。改造灌区5万亩。（县水利局负责）\n"
        "4.开展全民健身活动。举办赛事10场。（县体育局负责）\n洛南县人民政府办公室\n2024年2月1日\n")})
    answer = assistant.ask("洛南县重点工作任务中，县水利局负责的是哪几项？")
    assert not answer.abstained
    assert "推进河道清淤" in answer.text and "实施农田灌溉改造" in answer.text
    assert "全民健身" not in answer.text
    assert len([c for c in answer.citations if c.quotes]) == 2


def test_a_notice_naming_no_place_answers_a_resident_of_any_place_asking_about_it(tmp_path, embedder):
    # Made-up news of a bank naming no place, beside a city's notice on another topic.
    assistant = _assistant_on(tmp_path, embedder, {
        "city.txt": _CITY_PARKS_NOTICE,
        "bank.txt": "助力小微企业渡难关\n某某银行宣布，即日起小微企业客户通过该行企业APP转账，一律免收手续费；"
                    "受疫情影响的小微企业贷款可延期三个月，期间只还息不还本。\n",
        "parks.txt": "公园开放时间调整的说明\n疫情期间，公园开放时间调整为每日8:00至18:00。\n"})
    answer = assistant.ask("我在淄博开了家小网店，听说某某银行的企业APP转账不收手续费了，是真的吗？")
    assert not answer.abstained and "免收手续费" in answer.text
    # Asked of the city in words its own notices use, a notice naming no place is not searched beside them.
    parks = assistant.ask("淄博的公园每天几点开放？")
    assert "6:00" in parks.text and "8:00" not in parks.text
    # Whether a place has notices of its own is still decided without it.
    assert assistant.retrieve(assistant.parse("成都的银行有什么优惠？"), 5).empty_reason


def test_an_official_named_in_pinyin_is_found_by_the_documents_spelling(tmp_path, embedder):
    # Made-up division of work: English names the officials in pinyin, the notice in characters. The tokenizer
    # keeps 陈晓东 whole and cuts 柏青山 (柏/青山): both are found.
    assistant = _assistant_on(tmp_path, embedder, {"duties.txt": (
        "桓台县人民政府关于公布部分领导同志工作分工的通知\n各镇人民政府：\n"
        "陈晓东同志负责县政府常务工作，分管财政、审计工作。\n"
        "车晓彤同志协助陈晓东同志负责金融证券保险等方面的工作。\n"
        "柏青山同志协助陈晓东同志负责统计、商务等方面的工作。\n"
        "桓台县人民政府\n2031年3月2日\n")})
    answer = assistant.ask("In Huantai county, which areas does Bai Qingshan assist Chen Xiaodong with?")
    assert not answer.abstained and "柏青山同志协助" in answer.text.split("[1]")[0]
    assert assistant.searcher.names_in_pinyin([("che", "xiaotong"), ("bai", "qingshan"), ("wu", "mingzi")]) == {
        "che xiaotong": "车晓彤", "bai qingshan": "柏青山"}


def test_a_place_named_in_pinyin_as_one_word_is_found_by_the_documents_spelling(tmp_path, embedder):
    # Made-up notices of two business parks; the English question names one in pinyin, which no glossary lists.
    assistant = _assistant_on(tmp_path, embedder, {
        "park.txt": "关于支持中关村企业复工的通知\n中关村园区企业复工后，房租减免两个月。\n",
        "other.txt": "关于支持园区企业复工的通知\n某某园区企业复工后，水电费减半收取三个月。\n"})
    assert assistant.searcher.names_in_pinyin([("", "zhongguancun"), ("", "welcome")]) == {"zhongguancun": "中关村"}
    answer = assistant.ask("What rent relief do firms in Zhongguancun get after reopening?")
    assert not answer.abstained and answer.citations[0].chunk.file == "park.txt"
