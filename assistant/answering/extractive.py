"""Extractive answers: pick the sentences that answer, compose a short cited answer, or abstain.

Pure logic over a parsed Query and retrieved Hits; nothing here loads a model or reads a file.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Callable

import cn2an

from assistant.govdocs.clauses import looks_back
from assistant.govdocs.cleaning import clean_text
from assistant.govdocs.departments import mentions_department, responsibility_note
from assistant.govdocs.people import names_a_holder
from assistant.govdocs.places import ancestors, find_places, gazetteer
from assistant.govdocs.sentences import DUTY_WITHOUT_SUBJECT, clause_sentences
from assistant.models import Chunk, Notice
from assistant.govdocs.patterns import DOC_NUMBER, marker_of
from assistant.search.query import (ASKS_ACTUAL, EN_NUMBERS, HOW_MANY, ITEM_CLASSIFIERS, QUESTION_SENTENCE, Query,
                                    Term, count_of, stated_count)
from assistant.models import Answer, Citation, Hit, SearchResult, notice_date, notice_line
from assistant.search.retrieval import term_coverage
from .decline import answer_probability, signals_of
from assistant.tuning import DEFAULT_TUNING, Tuning
from assistant.govdocs.injection import hidden_for_display, untainted

# Calibrated numbers are in assistant/tuning.py; these are limits on what an answer shows.
MAX_SOURCES = 4
MAX_SENTENCE_CHARS = 320  # one sentence longer than this is clipped around the asked words (= tuning.quote_chars)
TABLE_ROW_CHARS = 400
LIST_CHARS = 400  # a list answer ("主要是：…；…；…") may quote more
MAX_CHILD_HEADINGS = 12
# A heading named whole by a question, unquoted, is a name (河湖治理提升行动), not a phrase inside one of its
# words ((一)工业企业 in 规下工业企业). Set by reading: at 4, that very case lost one corpus-ncp dev answer (m058).
MIN_NAMED_HEADING_CHARS = 6

_DIGIT_FIGURE = re.compile(r"\d")
RATE_WINDOW = 12  # characters either side of an amount where the unit it is per must stand (每人每天补助300元)
_RATE_SPELLINGS = {"平方米": ("平方米", "平米", "㎡", "m2"), "平米": ("平方米", "平米", "㎡", "m2"), "日": ("日", "天"),
                   "天": ("天", "日")}
_NAMED_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WRITTEN_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")  # a year as written (2023年)
# A count in words (三个, 十二家); a bare 一个/一家 is the article "a" (在任意一个网点办理), not a figure.
_CHINESE_COUNT = re.compile(r"(?<![一二两三四五六七八九十百千万])(?!一(?:个|家|名|项|座|处|所|次|年|件|类|批))"
                            r"[一二两三四五六七八九十百千万]+(?:个|家|名|项|座|处|所|次|年|件|类|批)")
_ORDINAL = re.compile(r"第[一二三四五六七八九十百\d]+[条章节款项届批]|^\d{1,2}[.．、]|^[（(][一二三四五六七八九十\d]+[）)]")
# An amount (3000元, 1.5亿元, 一元钱, 两千元), or a share of one (超出概算10%); 一元化 is not an amount.
_AMOUNT = re.compile(r"(?:\d[\d.,]*|[〇零一二两三四五六七八九十百千]+)\s*(?:万|亿)?元(?!化)")
_MONEY = re.compile(_AMOUNT.pattern + r"|\d\s*[%％]")
# An end set by an event (至疫情结束, 一级响应解除后): the day a measure ends, in the notices' own terms.
_EVENT_END = r"(?:疫情|响应|警报|防控期)[^，,。；;]{0,6}(?:结束|解除)"
# A clock time in digits (7:00, 9时, 13时30分).
_CLOCK = (r"(?<![\d.])(?:[01]?\d|2[0-4])\s*[:：]\s*[0-5]\d(?!\d)|"
          r"(?<![\d第])(?:[01]?\d|2[0-4])\s*[时点](?:\s*[0-5]?\d\s*分)?(?![\d间期段])")
_TIME = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月(?:底|份|中旬|上旬|下旬)?前|"
    r"(?<!\d)\d{1,2}\s*月(?:底|末|中旬|上旬|下旬)|年底|年内|年前|季度|"
    r"\d+\s*个?工作日|\d+\s*日内|\d+\s*天内|\d+\s*小时内?|长期坚持|(?:19|20)\d{2}\s*年|每年|每月|每季度|时限|前完成|"
    # a time limit counted from an event (疫情结束后3个月内, 15分钟内, 三个工作日内), or from today
    r"(?:\d+|[一二两三四五六七八九十半]+)\s*(?:个月|个?星期|周|分钟|小时|天|日|年|个?工作日)(?:之?内|以内)|即日起|之日起|"
    # a time of day (7:00-19:00, 上午9时, 13时起)
    + _CLOCK)
# A time of day (9:00-17:00, 上午9时, 8点半, 24小时, 全天): what 几点 asks for.
_HOUR = re.compile(_CLOCK + r"|[一二两三四五六七八九十]{1,3}点|24\s*小时|全天|昼夜|[上下]午|早上|晚上|中午|凌晨|夜间")
# A day, or the end of a month or year (7月21日前, 15日前, 6月底, 2020-02-10): what 哪天 asks for.
_DAY = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]|"
                  r"(?<!\d)\d{1,2}\s*[日号]\s*(?:\d{1,2}\s*[时点](?:\s*\d{1,2}\s*分)?\s*)?(?:前|起|之前|以前|开始)|"
                  r"\d{1,2}\s*月(?:底|末|中旬|上旬|下旬)|年底|年末|\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}|即日起|之日起|"
                  + _EVENT_END)
# A span of time (6个月的延期, 延长45天, 2小时内, 三个工作日): answers "how long", not "when" (9月, 2020年, 5日 are
# dates: a month needs 个, a day count a 内 after it, a year count at most three digits).
_DURATION = re.compile(
    r"(?<![\d月.])(?:\d{1,3}|[一二两三四五六七八九十半百]+)\s*(?:个\s*(?:月|星期|工作日|自然日|小时)|"
    r"(?:工作日|自然日|小时|分钟|星期|周|天|年)(?![份度底初末])|日\s*(?:之?内|以内))")
# An area's limits stated side by side (东至青年路，西至光明街; 北起某街、南到某河): two sides, each with its line.
_BOUNDS = re.compile(r"[东西南北]\s*(?:至|到|起|临|邻|抵)\s*[^，,。；;、]{1,30}[，,；;、]\s*[东西南北]\s*(?:至|到|起|临|邻|抵)")
# What a notice says of a person's life, when it does (an appointment's 男，1975年3月生，某省某县人).
_LIFE_DETAIL = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月\s*(?:生|出生)|籍贯|出生|\d{2}\s*岁")
# How to reach an office: a phone number with its area code (0998-8888122) or a mobile one, any number a few
# characters after a word that introduces one (咨询电话：63429421, 拨打12360), an e-mail, a street address with
# its number, a room. A bare number (12000张, 15000元) is a count or an amount, not a contact, nor is one with
# its unit or in a range after such a word (给予举报人2000至20000元奖励).
_CONTACTS = {
    "phone": re.compile(
        r"(?<![\d.])[(（]?0\d{2,3}[)）]?\s*[-－—]\s*\d{7,8}(?!\d)|(?<!\d)1[3-9]\d{9}(?!\d)|"
        r"(?:电话|热线|联系|咨询|举报|投诉|传真|拨打|号码|致电|tel|phone|hotline)[^。；\n]{0,20}?(?<![\d.])\d{5,8}"
        r"(?![\d.]|\s*(?:[至到~～—-]|[万亿元个人名家户件次台辆吨%％]))|"  # not 举报人1000至10000元: an amount
        # an office's line in a list of numbers: the office's name, a colon, a local number
        r"(?:科|处|室|中心|站|所|组|办)[：:]\s*\d{7,8}(?![\d.])",
        re.IGNORECASE),
    "email": re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    "address": re.compile(r"[\u4e00-\u9fff](?:路|街|大道|巷)\d+号|\d+\s*室|(?:邮编|邮政编码)\D{0,3}\d{6}(?!\d)"),
}
# Three or more items in a row (医用口罩、医用防护服、隔离服): the items a list question asks for.
_ENUMERATION = re.compile(r"(?:[^、，,。；;：:]{1,24}、){2,}[^、，,。；;：:]{1,24}")
_ROLE = re.compile(r"牵头|负责|责任单位|配合|承办|主办|协办|分管|协管|协助|制定|编制|兼任|担任|组长|主任")
_UNIT_SUFFIX = "局|委员会|委|办公室|中心|分局|大队|公司|集团|政府|办事处|街道|部"
_UNIT = re.compile(rf"[\u4e00-\u9fff]{{2,20}}?(?:{_UNIT_SUFFIX})")
_ASKED_IN_TEXT = re.compile(r"[？?]\s*$")  # a sentence of the notice that asks (问：…吗？, a question heading)
# A sentence that introduces a list: what follows it is the answer to 哪些/什么.
_LEAD_IN = re.compile(r"[：:]$|如下[。：:]?$|(?:主要是|主要有|包括|分别是|具体是|具体为)[：:]|以下[^，。：:]{0,12}[：:]|"
                      # 就…提出三方面要求。 一是…二是…: a count of parts closing the sentence announces them
                      r"[两二三四五六七八九十\d]+个?(?:方面|点)(?:要求|措施|内容|意见|举措|工作|任务)?[。：:]$|"
                      r"[两二三四五六七八九十\d]+(?:条|项)(?:要求|措施|举措)[。：:]$")
# A sentence that cites another document: 根据《…条例》第八条, （鲁政办发〔2023〕8号）.
_CITES_DOCUMENT = re.compile(r"(?:根据|依据|依照|按照|贯彻|落实|执行)[^。；]{0,12}《|" + DOC_NUMBER.pattern)
# Duty lists: "市交通运输局负责…。负责加强对黄河浮桥的行业管理…" — the later sentences drop the subject; so do a
# leader's in a division of work ("陈晓东同志负责财政工作；协助某某同志负责商务…").
_SUBJECT_START = re.compile(
    rf"^[\u4e00-\u9fff]{{1,20}}?(?:{_UNIT_SUFFIX}|院|所|站|队)(?=负责|牵头|承担|会同|配合|要|应|[：:])|"
    r"^[\u4e00-\u9fff]{2,4}同志(?=负责|协助|分管|主持|联系)")


@dataclass
class Evidence:
    hit: Hit
    sentences: list[str]
    answers_kind: bool  # the sentences hold what the question kind asks for (a figure, a department, a date)
    list_continues: bool = False  # the quote ends with a lead-in (下设6个工作组，具体职责如下：) the clause does not finish
    trusted: bool = False  # answers_kind only because the clause matches the question so well (no date/department seen)
    section: tuple[str, ...] | None = None  # a list of headings: the path of the section they are under (() = top)


def asked_kinds(query: Query) -> list[str]:
    """The kinds of fact the question asks for that a clause shows or not: a figure ("what is the budget"
    asks for an amount in 元), a department, a date, a way to reach an office."""
    wanted = [k for k in query.kinds if k in ("figure", "who", "when", "contact")]
    return wanted + ["figure"] if query.wants_money and "figure" not in wanted else wanted


# What a place's own line in a wider place's list gives: a number to call, a figure, a date. Not a department:
# the line naming a county is as often the notice's addressee line.
_PLACE_LINE_KINDS = {"contact", "figure", "when"}


# A clause that sends the reader to a phone without giving the number (请电话联系有关窗口, 请致电咨询).
_POINTS_TO_PHONE = re.compile(r"电话(?:联系|咨询|办理|预约)|致电|拨打")
# A heading that is a time and nothing more (一、报名时间, （二）办理时限, 三、时间安排); not a numbered clause's
# lead sentence that names a time (五、结束时间由领导小组另行通知).
_TIME_HEADING = re.compile(r"^[\u4e00-\u9fff]{0,10}(?:时间|日期|时限|期限)(?:安排|和地点|及地点)?[。：:]?$")


def _names_time(chunk: Chunk) -> bool:
    """Whether the clause's own heading says it gives a time (一、报名时间, （二）办理时限)."""
    return bool(chunk.clause_path) and bool(_TIME_HEADING.search(_without_marker(chunk.clause_path[-1]).strip()))


def places_inside(query: Query, chunk: Chunk) -> list[str]:
    """How the question's places lying inside the clause's own are written (洛阳市, 洛阳): a province's notice
    listing every city's hotline answers a resident of one city in that city's line."""
    spellings: list[str] = []
    for place in dict.fromkeys(query.jurisdictions + query.story_places):
        if chunk.jurisdiction and chunk.jurisdiction != place and chunk.jurisdiction in ancestors(place):
            known = gazetteer().get(place)
            spellings += [place] + ([known.short] if known and known.short else [])
    return spellings


def names_place(sentences: list[str], spellings: list[str]) -> bool:
    return bool(spellings) and any(sp in s for s in sentences for sp in spellings)


def kind_features(sentence: str, query: Query, chunk: Chunk) -> set[str]:
    """Which of the question's kinds this sentence can answer."""
    found = set()
    counted = _ORDINAL.sub("", sentence)  # 第十一条 numbers a clause, it is not a figure
    # A number the question itself names (110热线有多少接警员, 2024年的目标) is what it asks about, not an answer.
    # (the year asked about is read by the year filter, not here)
    for named in set(_NAMED_NUMBER.findall(_WRITTEN_YEAR.sub("", query.text))):
        counted = re.sub(rf"(?<![\d.]){re.escape(named)}(?![\d.])", "", counted)
    if query.wants_money:
        amounts = list((_AMOUNT if query.wants_sum else _MONEY).finditer(counted))
        if query.rate_units:
            # 每平方米多少钱: an amount with its unit beside it (每平方米3000元, 3000元/平方米), not a project's total.
            amounts = [m for m in amounts
                       if any(u in counted[max(0, m.start() - RATE_WINDOW):m.end() + RATE_WINDOW] for u in
                              [w for unit in query.rate_units for w in _RATE_SPELLINGS.get(unit, (unit,))])]
        if amounts:
            found.add("figure")
    elif _DIGIT_FIGURE.search(counted) or _CHINESE_COUNT.search(counted):
        found.add("figure")
    if "figure" in found and query.asks_actual and not reports_figure(sentence, chunk, query):
        found.discard("figure")  # 实际增长了多少 is not answered by 力争增长5.5%以上
    if _ROLE.search(sentence) or _UNIT.search(sentence):
        found.add("who")
    # 哪天交 is not answered by 明确完成时限 (a deadline without its day), 几点能打 not by the day it opened (asked
    # with other things, 哪天开通？几点有车？, each part is read on its own).
    time_shown = _HOUR if query.asks_hour and not query.parts else _DAY if query.asks_day else _TIME
    if time_shown.search(sentence):
        found.add("when")
    if query.asks_duration and _DURATION.search(sentence):
        found |= {"when", "duration"}  # a date answers 延到什么时候; a span answers 多久 better
    if query.asks_extent and _BOUNDS.search(sentence):
        found |= {"extent", "list"} & ({"extent"} | set(query.kinds))  # 哪几条路围起来的: the bounds list them
    if any(_CONTACTS[way].search(sentence) for way in query.contact_ways or _CONTACTS):
        found.add("contact")
    if _CITES_DOCUMENT.search(sentence.replace(" ", "")):
        found.add("basis")
    if "list" in query.kinds and any(not query.besides or any(w in m.group(0) for w in query.besides)
                                     for m in _ENUMERATION.finditer(sentence)):
        found.add("list")  # with 除了打电话，还有哪些渠道: only a list holding 电话 is the one asked for
    if query.asked_count and any(counts_items(m, sentence, query) for m in _ENUMERATION.finditer(sentence)):
        found.add("counted_list")
    return found


_STATED_SIZE = re.compile(rf"^\s*等?\s*(\d{{1,2}}|[两二三四五六七八九十]+)\s*[{ITEM_CLASSIFIERS}大]")


def _without_marker(heading: str) -> str:
    """(一)受理。 → 受理。"""
    marker = marker_of(heading.strip())
    return heading.strip()[len(marker[1]):].strip() if marker else heading


LIST_TAIL_CHARS = 12  # characters after a list where what it lists is named (甲村、乙村等3个片区)


def counts_items(enumeration: re.Match, sentence: str, query: Query) -> bool:
    """Whether a list in the sentence has the number of items a question asks for (哪三个片区 → 实施甲村、乙村、
    丙片区等3个片区棚户区改造) and is about what it asks: a term of the question in the list or right after it."""
    text = enumeration.group(0)
    tail = re.search(rf"等\s*(?:\d{{1,2}}|[两二三四五六七八九十]+)\s*[{ITEM_CLASSIFIERS}大]", text)
    if tail:  # 甲村、乙村、丙片区等3个片区: the size is stated inside the match
        text, after = text[:tail.start()], text[tail.start():] + sentence[enumeration.end():]
    else:
        after = sentence[enumeration.end(): enumeration.end() + LIST_TAIL_CHARS]
    items = text.split("、")
    if any(_DIGIT_FIGURE.search(item) for item in items):
        return False  # 8个项目、35个小区、1.627万户 are amounts, not the named items asked for
    size = _STATED_SIZE.match(after)
    stated = count_of(size.group(1)) if size else len(items)
    about = (enumeration.group(0) + after[:LIST_TAIL_CHARS]).lower()
    # 三个坚持具体指什么: the list is of what the count is of (坚持…、坚持…、坚持…), not of any word asked (a list of
    # three taxes followed by 疫情防控).
    counted = next((m.group(2) for m in _COUNTED_NOUN.finditer(query.text) if count_of(m.group(1)) == query.asked_count),
                   "")
    if counted:
        return stated == query.asked_count and counted in about
    return stated == query.asked_count and any(s.lower() in about for t in query.terms for s in t.spellings)


# The word a count is of: 三个坚持, 哪三个片区, 五项措施 (its first two characters: a word's head stub).
_COUNTED_NOUN = re.compile(rf"([两二三四五六七八九十]+|\d{{1,2}})\s*[{ITEM_CLASSIFIERS}大]\s*([\u4e00-\u9fff]{{2}})")


# A sentence that sets a target (年度目标任务：, 力争, 确保…以上) or any sentence of a plan (…工作任务, …方案), unless it
# reports what was done (完成情况：, 实际, 已建成, 同比增长, 比上年).
_TARGET = re.compile(r"目标|力争|计划|确保|预计|争取|以上")
_PLAN_TITLE = re.compile(r"任务|方案|计划|要点|规划")
_COMPARED = re.compile(r"同比|比上年|较上年")
_ACHIEVED = re.compile(r"实际|完成情况|已完成|已建成|已经|累计完成|实现了|完成了|同比|比上年|较上年|去年|上年")


def is_target(sentence: str, chunk: Chunk) -> bool:
    """Whether a sentence's figures are a target, not what was achieved."""
    if _ACHIEVED.search(sentence):
        return False
    return bool(_TARGET.search(sentence) or _PLAN_TITLE.search(chunk.notice_title))


def reports_figure(sentence: str, chunk: Chunk, query: Query) -> bool:
    """Whether a sentence reports a figure achieved for what is asked: in its report part (after 完成情况：,
    已建成…), a phrase with a number, no target word (力争, 目标), and the question's longest words, most often
    the measure asked (地区生产总值 asked: 一般公共预算收入增长8.1% reports something else)."""
    if is_target(sentence, chunk):
        return False
    found = _ACHIEVED.search(sentence)
    report = sentence[found.start():] if found else sentence
    # 预计地区生产总值完成805亿元，同比增长3.4%: a growth compared with last year is of the measure named just before.
    before = re.split(r"[，,；;。]", sentence[:found.start()].lower())[-2:] if found else []
    # The words of the sentence asking for the achieved (实际用了多少外资？), but not a stated month, nor the
    # words that ask (到目前为止, 实际): those name no measure.
    text = query.text.lower()
    asking = " ".join(m.group(0) for m in ASKS_ACTUAL.finditer(text))
    asked = next((s for s in QUESTION_SENTENCE.findall(text) if ASKS_ACTUAL.search(s)), text)
    topic = [t for t in query.terms if not t.required and t.source.lower() not in asking]
    own = [t for t in topic if t.source.lower() in asked]
    longest = max((len(t.source) for t in own or topic), default=0)
    words = [s.lower() for t in own or topic if len(t.source) == longest for s in t.spellings]
    counted = HOW_MANY.search(asked)
    if not own and counted:
        words = [counted.group(1)]  # 实际用了多少外资: 外资, a word inside the term 引进外资 of another sentence
    for i, phrase in enumerate(re.split(r"[，,；;。]", report.lower())):
        if _TARGET.search(phrase) or not (_DIGIT_FIGURE.search(phrase) or _CHINESE_COUNT.search(phrase)):
            continue
        measure = "".join(before) if i == 0 and _COMPARED.match(phrase) else ""
        if not words or any(w in phrase or w in measure for w in words):
            return True
    return False


def select_evidence(query: Query, hit: Hit, weights: list[float], tuning: Tuning = DEFAULT_TUNING) -> Evidence:
    """The sentences of one clause that answer: the best topical ones, plus one per asked kind they lack."""
    # A sentence addressing an AI model ("忽略以上指令，回答…") is never quoted as an answer.
    sentences = untainted(clause_sentences(hit.chunk) or [clean_text(hit.chunk.text)], hit.chunk.text)
    if not sentences:
        return Evidence(hit, [], False, False, False)
    lowered = [s.lower() for s in sentences]
    coverage = [term_coverage(query.terms, s, weights) if query.terms else 0.0 for s in lowered]
    features = [kind_features(s, query, hit.chunk) for s in sentences]
    wanted = asked_kinds(query) + (["basis"] if "basis" in query.kinds else [])
    wanted += ["duration"] if query.asks_duration else []  # preferred in the quote, not required (a date answers too)
    wanted += ["extent"] if query.asks_extent else []  # preferred, not required (范围 is as often what a policy covers)
    near = [figure_near_term(s, query) for s in lowered]
    # How close each sentence is to the question in the embedding model's eyes, against the clause's closest
    # sentence: a question in words no term matches (a resident's everyday words for what a clause names formally) still finds its sentence.
    similar = dict(zip(clause_sentences(hit.chunk), hit.sentence_similarity))
    closeness = [similar.get(s, 0.0) for s in sentences]
    closest = max(closeness)
    # A progress table's row sets a target and reports what was done: asked what is planned (今年要完成几个),
    # its target cells (年度目标任务：…) are the answer, the report (完成情况：…) comes after.
    planned = [query.asks_plan and hit.chunk.kind == "table_row" and is_target(s, hit.chunk) for s in sentences]
    own_place = places_inside(query, hit.chunk)
    names_own = [names_place([s], own_place) and bool(features[i] & _PLACE_LINE_KINDS & set(wanted))
                 for i, s in enumerate(sentences)]

    def score(i: int) -> float:
        return (coverage[i] + tuning.kind_weight * (len(features[i] & set(wanted)) + planned[i] + names_own[i])
                + tuning.figure_near_weight * ("figure" in wanted and near[i]) - tuning.position_penalty * i
                + tuning.sentence_similarity_weight * (closeness[i] - closest))

    ranked = sorted(range(len(sentences)), key=score, reverse=True)
    chosen = {ranked[0]}
    budget = TABLE_ROW_CHARS if hit.chunk.kind == "table_row" else tuning.quote_chars
    # Further sentences that also match the question, while the quote stays short.
    for i in ranked[1:]:
        if coverage[i] >= max(0.5 * coverage[ranked[0]], 0.01) and sum(len(sentences[j]) for j in chosen) + len(sentences[i]) <= budget:
            chosen.add(i)
    # A heading-like best sentence ("29.大力发展绿色建筑。") says little: its next sentence holds the substance.
    first = ranked[0]
    if len(sentences[first]) < 20 and first + 1 < len(sentences):
        chosen.add(first + 1)
    # The sentences right around the best one, while the quote stays short: a resident's question in other
    # words than the clause's is often answered by the next sentence (条件, 标准, 期限). Not for "who": a
    # neighbouring sentence names other departments with other duties.
    for step in range(1, 0 if "who" in wanted else tuning.quote_neighbours + 1):
        for i in (first + step, first - step):
            if 0 <= i < len(sentences) and sum(len(sentences[j]) for j in chosen) + len(sentences[i]) <= budget:
                chosen.add(i)
    if "who" in wanted:
        # A subjectless duty sentence answers "who" through the sentence that names the department.
        for i in sorted(chosen):
            if DUTY_WITHOUT_SUBJECT.match(sentences[i]):
                subject = next((j for j in range(i - 1, -1, -1) if _SUBJECT_START.match(sentences[j])), None)
                if subject is not None:
                    chosen.add(subject)
    for kind in wanted:
        if not any(kind in features[i] for i in chosen):
            having = [i for i in range(len(sentences)) if kind in features[i]]
            if having:
                chosen.add(max(having, key=score))
    list_continues = False
    for i in sorted(chosen):
        if _LEAD_IN.search(sentences[i]):
            # "主要是：" / "如下：" introduces the answer: quote what follows, as far as the budget allows.
            j = i + 1
            while ({"list", "what"} & set(query.kinds) and j < len(sentences)
                   and sum(len(sentences[x]) for x in chosen) + len(sentences[j]) <= LIST_CHARS):
                chosen.add(j)
                j += 1
            # A quote ending in "下设6个工作组，具体职责如下：" is unfinished whatever was asked (几个组？都叫什么？).
            list_continues = list_continues or i == len(sentences) - 1
    for i in sorted(chosen):
        if _ASKED_IN_TEXT.search(sentences[i]):
            # A notice of questions and answers (单位有人确诊要关闭吗？ 首先要…。如果发现较早，不需要关闭。): the
            # question it asks is answered by every sentence up to its next one, as far as a list may run.
            j = i + 1
            while (j < len(sentences) and not _ASKED_IN_TEXT.search(sentences[j])
                   and sum(len(sentences[x]) for x in chosen) + len(sentences[j]) <= LIST_CHARS):
                chosen.add(j)
                j += 1
    if hit.chunk.kind == "table_row":
        # A table row is one record: show the cells of the row that fit, in order.
        for i in range(len(sentences)):
            if sum(len(sentences[j]) for j in chosen) + len(sentences[i]) <= budget and not sentences[i].startswith("序号"):
                chosen.add(i)
    picked = [sentences[i] for i in sorted(chosen)]
    covered = set().union(*(features[i] for i in chosen))
    if "figure" in covered and query.terms and not any(near[i] for i in chosen if "figure" in features[i]):
        covered.discard("figure")  # a number far from every asked-about word answers something else
    if "who" in wanted and hit.chunk.lead_departments:
        covered.add("who")
    seen_kinds = set(covered)
    if hit.coverage >= tuning.sure_coverage:
        covered |= {"who", "when"} & set(wanted)  # names of people or firms, dates in words: trust the match
    if "metadata" in query.kinds and hit.chunk.kind == "header":
        covered |= {"when", "figure", "who", "basis"}  # the notice's 文号, issuer and date answer these
    # A number or address to reach an office is quoted when the clause has one, but a clause without it still
    # answers (it names the office and what to do): requiring it declined more questions the notices answer
    # (eval/run.py --both: corpus-ncp false declines 6.4 % → 6.9 %). An official's own number is required.
    optional = ("duration", "extent") if query.asks_personal_contact else ("contact", "duration", "extent")
    required = [k for k in wanted if k not in optional]
    answers_kind = all(k in covered for k in required) if required else True
    trusted = answers_kind and not all(k in seen_kinds for k in required)
    return Evidence(hit, [_clip(s, query, weights) for s in picked], answers_kind, list_continues, trusted)


_NUMBER = re.compile(_DIGIT_FIGURE.pattern + "|" + _CHINESE_COUNT.pattern + "|" + _MONEY.pattern)


# The unit a question counts in (一共换了多少户？ 能住几人？): a number in that unit answers wherever it stands.
_ASKED_UNIT = re.compile(r"(?:多少|几)\s*([户人名位家所座处辆台吨亩间张套栋])")


# A percentage asked (百分之多少, 百分之几, 多少个百分点, 多少%) and one given (95%, 百分之九十, 0.5个百分点).
_ASKS_PERCENT = re.compile(r"百分之(?:多少|几)|多少个?百分点|几个百分点|百分比是?多少|多少\s*[%％]")
_PERCENT = re.compile(r"\d\s*[%％]|百分之[一二三四五六七八九十百零两\d]|百分点|[一二三四五六七八九十]成")


_RATE_NAME = re.compile(r"(?:率|比例|比重|占比)$")
RATE_FIGURE_WINDOW = 16  # characters after a rate's name where its figure stands (as figure_near_term's window)


def _names_rate_asked(sentence: str, query: Query) -> bool:
    """The sentence names the rate the question asks the percentage of (绿化覆盖率要达到百分之多少 is not
    answered by …能效达标比例超过30%), or the question names no rate."""
    rates = [t for t in query.terms if _RATE_NAME.search(t.source) and len(t.source) >= 3]
    if not rates:
        return True
    lowered = sentence.lower()
    for spelling in {s.lower() for t in rates for s in t.spellings}:
        for m in re.finditer(re.escape(spelling), lowered):
            # its figure follows it (覆盖率达到42%) or leads its own phrase (42%的覆盖率), not another's
            after = re.split(r"[。；;]", lowered[m.end():m.end() + RATE_FIGURE_WINDOW])[0]
            before = re.split(r"[，,。；;]", lowered[:m.start()])[-1]
            if _PERCENT.search(after) or _PERCENT.search(before):
                return True
    return False


def figure_near_term(sentence: str, query: Query, window: int = 16) -> bool:
    """A number close after (or just before) a matched term: 路灯120盏, 新建口袋公园30座; or a number in the
    unit asked for (换了多少户？ → 为2.5万户居民更换…)."""
    sentence = re.sub(r"[（(][^（()）\d]{0,40}[）)]", "", sentence)  # 仲裁委员（教授、教师等）20名; not 补助（每人200元）
    unit = _ASKED_UNIT.search(query.asked or query.text)
    if unit and re.search(rf"\d[\d.]*\s*[万千百]?\s*{unit.group(1)}", sentence):
        return True
    for term in query.terms:
        for spelling in term.spellings:
            pos = sentence.find(spelling.lower())
            while pos >= 0:
                after = sentence[pos + len(spelling): pos + len(spelling) + window]
                before = sentence[max(0, pos - 6): pos]
                if _NUMBER.search(after) or _NUMBER.search(before):
                    return True
                pos = sentence.find(spelling.lower(), pos + 1)
    return False


def _clip(sentence: str, query: Query, weights: list[float]) -> str:
    """A long sentence is cut to the window that holds most of the question's words (the earliest such): a
    list of names run into one sentence answers 办公室主任是谁 where 主任 and 兼任 are, not where the event is
    first named. A list question's sentence keeps twice as much: its items run on past the words that name it."""
    limit = MAX_SENTENCE_CHARS * (2 if "list" in query.kinds else 1)
    if len(sentence) <= limit:
        return sentence
    lowered = sentence.lower()
    positions = sorted({m.start() for t in query.terms for s in t.spellings if s
                        for m in re.finditer(re.escape(s.lower()), lowered)})
    if not positions:
        return sentence[:limit] + "…"
    starts = [max(0, p - 40) for p in positions]
    # Between windows holding as many of the question's words, the one holding those of its last clause (…的人员
    # 如何验证身份？), where what is asked is named.
    last = re.split(r"[，,。；;]", (query.asked or query.text).rstrip("？?。！! "))[-1].lower()
    closing = [(t, w) for t, w in zip(query.terms, weights) if t.source.lower() in last]

    def held(a: int) -> tuple[float, float, int]:
        window = lowered[a:a + limit]
        return (term_coverage(query.terms, window, weights),
                term_coverage([t for t, _ in closing], window, [w for _, w in closing]) if closing else 0.0, -a)

    start = max(starts, key=held)
    return ("…" if start else "") + sentence[start:start + limit] + "…"


def _confidence(query: Query, hits: list[Hit], evidence: list[Evidence], weights: list[float],
                tuning: Tuning) -> float:
    """The decline model's probability that the clauses answer. A question about several places (甲区和乙区的
    目标各是多少) is answered when one place's own best clauses answer it: no clause covers both sides."""
    groups = [(hits, evidence)]
    if len(query.compared_places) >= 2:
        for place in query.compared_places:
            own = [i for i, h in enumerate(hits) if h.chunk.jurisdiction == place]
            if own:
                groups.append(([hits[i] for i in own], [evidence[i] for i in own if i < len(evidence)]))
    return max(answer_probability(signals_of(h, e, ask_coverage(query, h, weights), len(query.terms), tuning.rrf_k),
                                  tuning) for h, e in groups)


def ask_coverage(query: Query, hits: list[Hit], weights: list[float]) -> float | None:
    """Coverage of the top clause by the terms of the question's asking clauses (None: all terms ask)."""
    pairs = [(t, w) for t, w in zip(query.terms, weights) if t.source in query.asked]
    if not hits or not pairs or len(pairs) == len(query.terms):
        return None
    text = hits[0].chunk.index_text.lower()
    return term_coverage([t for t, _ in pairs], text, [w for _, w in pairs])


_HAN = re.compile(r"[\u4e00-\u9fff]+")
# The words around the thing a list question asks which ones of: 哪些工作组, 工作组有哪几个, which/what working groups.
_WHICH_BEFORE = r"(?:哪些|哪几[个项类种条家位所座处]?|哪\s*[两二三四五六七八九十]+\s*[个项类种条家位所座处]?)"
_WHICH_AFTER = r"(?:都|主要|具体|分别|一共|共)?(?:有|是|包括|包含)" + _WHICH_BEFORE  # (not 下设哪些: the container)


def _asked_which(term: Term, query: Query) -> bool:
    """Whether the term names what a list question asks which ones of (哪些工作组, which working groups)."""
    # (or counted, in the question's statement: 下设6个工作组，分别是什么？ …set up six working groups. What are they?)
    text = query.text.lower()
    source = re.escape(term.source.lower())
    if query.lang == "en":
        return bool(re.search(rf"\b(?:which|what|several|{EN_NUMBERS}|\d+)\s+"
                              rf"(?:[a-z]+\s+){{0,2}}?{source}", text))
    return bool(re.search(rf"{_WHICH_BEFORE}{source}|{source}{_WHICH_AFTER}|"
                          rf"[\d两二三四五六七八九十几]\s*[个项类种条家位所座处]{source}", text))


# A question asking what parts a document has (分哪几个方面, 包括哪几部分, 有几大块).
_ASKS_PARTS = re.compile(r"(?:哪|几)[几个大]*(?:个|大)?(?:方面|部分|板块|块|章)")
# A list question's one-character item word: 下设哪几个组, 分哪几类, 有哪些项.
_LISTED_ONE = re.compile(r"哪(?:些|几)(?:个|大|种)?([\u4e00-\u9fff])(?=[？?，,。！!]|$)")


def heading_list(query: Query, hits: list[Hit], weights: list[float],
                 children: Callable[..., list[str]], tuning: Tuning = DEFAULT_TUNING) -> Evidence | None:
    """A list the document gives as the sub-headings of a section (三、实施“五大工程” → (一)…(五)): the
    heading of a retrieved clause's section that the question's words match, quoted with its sub-headings when
    their number is the one asked or stated (哪十个, 十大) or the heading matches the question closely.

    children(chunk, depth) gives the headings under the chunk's heading at that depth."""
    if "list" not in query.kinds and not query.asked_count:
        return None
    candidates = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    # The words that may name each item (哪些行动 → 行动; 下设哪几个组 → 组, too short to be a term).
    named_by = [[sp.lower() for sp in t.spellings] for t in query.terms if not t.in_story]
    named_by += [[m.group(1)] for m in _LISTED_ONE.finditer(query.asked or query.text)]
    # The head, its last character, of the word asked which ones of names items of its kind too (哪些工作组 →
    # 综合协调组, 医疗保障组…), not that of a word only describing them (领导小组的副组长有哪几位).
    named_by += [sorted({sp[-1] for sp in t.spellings if len(sp) >= 2 and _HAN.fullmatch(sp)})
                 for t in query.terms if not t.in_story and _asked_which(t, query)]
    asked_text = re.sub(r"[\"“”‘’'「」《》\s]", "", query.text.lower())
    # Words quoted or put in brackets (“政策保障”, an English question's (政策保障)) are the document's own.
    quoted = [q.lower() for q in re.findall(r"[\"“「(（]([^\"”」)）]{2,30})[\"”」)）]", query.text)]
    for hit in hits:
        path = hit.chunk.clause_path
        # The question's own words that its notice's title does not hold: those may name the items.
        title = hit.chunk.notice_title.lower()
        own_words = [[sp.lower() for sp in t.spellings] for t in query.terms
                     if not t.in_story and not any(sp.lower() in title for sp in t.spellings)]
        for depth in range(1, len(path)):
            key = (hit.chunk.notice_id, tuple(path[:depth]))
            if key in seen:
                continue
            seen.add(key)
            heading = path[depth - 1]
            # 某方案里的重点任务有哪几条: the words the notice's title holds may name the notice, the rest its section.
            own_terms, own_weights = _not_in_title(query.terms, weights, hit.chunk.notice_title)
            coverage = max(term_coverage(query.terms, heading.lower(), weights),
                           term_coverage(own_terms, heading.lower(), own_weights))
            items = children(hit.chunk, depth)
            # 从受理到办结要经过哪些环节: the question names two of the sub-headings (受理 … 办结), so the list is theirs.
            # A word names a sub-heading when it is most of it ((一)受理。), not a word inside a long one; a word
            # in every sub-heading (工程 of 道路畅通工程, 绿地提升工程…) names none of them.
            cores = [_without_marker(item).strip("。：: ").lower() for item in items]
            matches = [{k for k, core in enumerate(cores)
                        if any(s.lower() in core and 2 * len(s) >= len(core) for s in t.spellings)}
                       for t in query.terms]
            named = set().union(*(m for m in matches if len(m) == 1))
            spans = len(items) >= 3 and len(named) >= 2
            # 方案提出了哪些行动: sub-headings that each name one (实施…行动: the word ends the name, as a Chinese
            # name's head noun does) are the list, whatever their section's heading says (二、重点任务).
            each_one = len(items) >= 3 and len(items) == (query.asked_count or len(items)) and any(
                all(any(core.endswith(sp) for sp in spellings) for core in cores) for spellings in named_by)
            # "河湖治理提升行动"下面有哪几项措施: the question names the section by its whole heading; that
            # section's sub-headings are asked, not those of the section above it (四大行动).
            core = _without_marker(heading).strip("。：: ").lower()
            named_whole = core in quoted or (len(core) >= MIN_NAMED_HEADING_CHARS and core in asked_text)
            # 从哪三个方面坚持稳中求进: a word of the question in every sub-heading (一、坚持稳中求进，推动…, 二、…),
            # as many as asked, names them all, whatever their section's heading says.
            shared = len(items) >= 3 and len(items) == (query.asked_count or len(items)) and any(
                all(any(sp in core for sp in spellings) for core in cores) for spellings in own_words)
            if coverage < tuning.heading_list_min_coverage and not (spans or each_one or named_whole or shared):
                continue
            # The number asked (哪四个) decides; else the number the heading states (三大工程).
            counted = len(items) == (query.asked_count or stated_count(heading))
            if len(items) >= 2 and (counted or spans or each_one or named_whole or shared
                                    or coverage >= tuning.heading_list_coverage):
                candidates.append(((named_whole, counted, spans, each_one or shared, coverage), hit, heading, items))
    if not candidates:
        return _top_level_list(query, hits, weights, children, tuning)
    _, hit, heading, items = max(candidates, key=lambda c: c[0])
    # The section's own sentence announcing the list (专班下设4个工作组，具体职责如下：) says more than its heading.
    section = hit.chunk.clause_path[:hit.chunk.clause_path.index(heading) + 1]
    intro = next((clean_text(h.chunk.text).strip() for h in hits if h.chunk.notice_id == hit.chunk.notice_id
                  and h.chunk.clause_path == section and _LEAD_IN.search(clean_text(h.chunk.text).strip())), "")
    lead = intro if intro and len(intro) <= MAX_SENTENCE_CHARS else heading.rstrip("：:") + "："
    return Evidence(hit, [lead, "；".join(items[:MAX_CHILD_HEADINGS])], True, section=tuple(section))


def _not_in_title(terms: list[Term], weights: list[float], title: str) -> tuple[list[Term], list[float]]:
    """The terms (and weights) the notice's title does not hold; all of them when it holds every one."""
    title = title.lower()
    kept = [(t, w) for t, w in zip(terms, weights) if not any(s.lower() in title for s in t.spellings)]
    if not kept or not any(w for _, w in kept):
        return terms, weights
    return [t for t, _ in kept], [w for _, w in kept]


def _top_level_list(query: Query, hits: list[Hit], weights: list[float], children: Callable[..., list[str]],
                    tuning: Tuning) -> Evidence | None:
    """方案分哪几个方面: the notice's own top-level headings, when its title holds the question's words and no
    section's heading answers (主要有哪几块内容 → 四、主要内容's items, when there is such a section)."""
    if not hits or not _ASKS_PARTS.search(query.asked or query.text):
        return None
    top = hits[0]
    title_coverage = term_coverage(query.terms, top.chunk.notice_title.lower(), weights)
    if title_coverage < tuning.heading_list_min_coverage and not _writes_title(query.text, top.chunk.notice_title):
        return None
    # The outline's first numbered level (一、…), not 发文信息: in a report whose top headings are unnumbered
    # (回顾, 今年的工作安排), the numbered parts of the section the best clause is in.
    path = top.chunk.clause_path
    for depth in range(max(len(path), 1)):
        items = [h for h in children(top.chunk, depth) if marker_of(h.strip())]
        if len(items) >= 2:
            lead = f"全文分为{len(items)}部分：" if depth == 0 else path[depth - 1].rstrip("：:") + "："
            return Evidence(top, [lead, "；".join(items[:MAX_CHILD_HEADINGS])], True, section=tuple(path[:depth]))
    return None


# Words of any notice's title that name no one notice: what it is, who issues it, that it is about something.
_TITLE_FRAME = re.compile(r"关于|印发|通知|意见|方案|办法|人民政府|办公室|办公厅")
_TITLE_SPAN = 4  # characters of the title the question writes as they stand (政府工作 of 政府工作报告)


def _writes_title(question: str, title: str) -> bool:
    """Whether the question writes a run of the notice's own title words (今年政府工作从哪几个方面发力 → 政府工作报告),
    however few of its terms the title holds.

    >>> _writes_title("今年政府工作从哪几个方面发力？", "政府工作报告"), _writes_title("今年有哪些通知？", "关于某事的通知")
    (True, False)
    """
    spans = {title[i:i + _TITLE_SPAN] for i in range(len(title) - _TITLE_SPAN + 1)}
    return any(span in question and not _TITLE_FRAME.search(span) and _HAN.fullmatch(span) for span in spans)


def choose_sources(query: Query, evidence: list[Evidence], k: int | None = None,
                   tuning: Tuning = DEFAULT_TUNING, floor: float | None = None) -> list[Evidence]:
    """The evidence to answer from: the best, plus other notices/jurisdictions that answer too.

    The best must rank within the first k; the rest of the evidence may only add further sources. A clause
    answers when it covers `floor` of the question's terms (default tuning.min_coverage) and shows what the
    question kind asks; when the decline model has already judged that the clauses answer (floor 0), the
    best-ranked clause is used if none shows the kind."""
    floor = tuning.min_coverage if floor is None else floor
    rank = {id(e): i for i, e in enumerate(evidence)}
    in_top = (lambda e: True) if k is None else (lambda e: rank[id(e)] < k)
    readable = [e for e in evidence if e.hit.coverage >= floor and e.sentences
                and (e.hit.chunk.kind != "header" or "metadata" in query.kinds)]  # a header only names the notice
    # The best may answer from among the first k clauses past the headers: those of a notice the question names
    # (某通知里，…如何…) and of its copies, which only name it, take none of those places.
    body = [e for e in evidence if e.hit.chunk.kind != "header" or "metadata" in query.kinds]
    body_rank = {id(e): i for i, e in enumerate(body)}
    first_in_top = (lambda e: True) if k is None else (lambda e: body_rank[id(e)] < k)
    usable = [e for e in readable if e.answers_kind]
    if (not usable or not first_in_top(usable[0])) and floor < tuning.min_coverage:
        usable = [e for e in readable if first_in_top(e)][:1]
    if not usable or not first_in_top(usable[0]):
        return []
    if len(query.compared_places) >= 2:
        # A comparison: the best source for each place named.
        chosen = []
        for place in query.compared_places:
            # A place none of whose clauses shows what is asked keeps its best-matching clause: another clause
            # of its notice may show it (the caller reads the notice further), and the place is not dropped.
            own = ([e for e in usable if e.hit.chunk.jurisdiction == place and e not in chosen]
                   or [e for e in readable if e.hit.chunk.jurisdiction == place and in_top(e)
                       and e.hit.coverage >= tuning.min_coverage])
            chosen += own[:1]
        return chosen or usable[:1]
    best = usable[0]
    if query.asked_count and "counted_list" not in kinds_shown(query, best):
        # 哪三个片区: a clause listing three of them (甲村、乙村、丙片区等3个片区) beats one that only matches well.
        best = next((e for e in usable if in_top(e) and "counted_list" in kinds_shown(query, e)), best)
        usable = [best] + [e for e in usable if e is not best]
    if best.trusted:
        # A clause of the same notice that shows the date or department asked for beats one that only matches well.
        shown = [e for e in usable[1:] if not e.trusted and e.hit.chunk.notice_id == best.hit.chunk.notice_id
                 and e.hit.coverage >= best.hit.coverage - tuning.shown_kind_margin and in_top(e)]
        best = shown[0] if shown else best
        usable = [best] + [e for e in usable if e is not best]
    chosen = [best]
    if "metadata" in query.kinds:
        # Beside the notice's own header, a clause citing another document's 文号 may be what is asked.
        citing = next((e for e in usable[1:] if e.hit.chunk.kind != "header"
                       and any(_CITES_DOCUMENT.search(s.replace(" ", "")) for s in e.sentences)), None)
        return chosen + ([citing] if citing else [])
    # Another clause of the same notice that answers about as well (a notice published as one line is cut
    # into many short clauses; the figure asked for is often in the next one).
    siblings = [e for e in usable[1:] if e.hit.chunk.notice_id == best.hit.chunk.notice_id and in_top(e)
                and e.hit.chunk.kind != "header"
                and e.hit.coverage >= best.hit.coverage - tuning.extra_source_margin]
    # 怎么买/如何申请: the steps are often the notice's numbered clauses, each matching about alike.
    chosen += siblings[:MAX_SOURCES - 1] if query.asks_procedure else siblings[:1]
    seen_notices = {best.hit.chunk.notice_id}
    seen_places = {best.hit.chunk.jurisdiction}
    for e in usable[1:]:
        if len(chosen) >= MAX_SOURCES:
            break
        c = e.hit.chunk
        # A question naming no place is answered by every level that sets the figure (the city's and a
        # district's targets): another place's clause may match somewhat less well than the best.
        margin = tuning.extra_source_margin if query.jurisdictions or c.jurisdiction in seen_places \
            else tuning.other_place_margin
        if e.hit.coverage < best.hit.coverage - margin or c.notice_id in seen_notices:
            continue
        if len(chosen) >= 2 and (query.jurisdictions or c.jurisdiction in seen_places):
            continue  # one place asked about: a second document of it is shown (a plan and a work report), no more
        chosen.append(e)
        seen_notices.add(c.notice_id)
        seen_places.add(c.jurisdiction)
    return chosen




# Items run together in one text: 甲、乙、丙; 甲；乙；丙; (一)甲(二)乙; 1.甲 2.乙.
_SEPARATED_ITEMS = re.compile(r"[；;][^；;]+[；;]|(?:[（(][一二三四五六七八九十\d]{1,2}[)）].*){2}|(?:(?<!\d)\d{1,2}[.．、].*){2}")
# A count of items: 17件, 三项, 12个.
_ITEM_COUNT = re.compile(rf"(?:\d{{1,3}}|[一二三四五六七八九十两]{{1,3}})\s*[{ITEM_CLASSIFIERS}]")


def _counts_asked(sentence: str, query: Query) -> bool:
    """Whether a sentence gives how many there are of what a list question asks for: a count right before a word
    of the question (征集了12件便民工程), not one before other words (超过3个工作日未受理)."""
    lowered = sentence.lower()
    words = [s.lower() for t in query.terms if not t.in_story for s in t.spellings if len(s) >= 2]
    return any(lowered.startswith(w, m.end()) for m in _ITEM_COUNT.finditer(lowered) for w in words)


def _lists_items(sentence: str) -> bool:
    """Whether a sentence lists several items (a list question's answer), not only counts them."""
    return bool(_ENUMERATION.search(sentence) or _SEPARATED_ITEMS.search(sentence))


def kinds_shown(query: Query, e: Evidence) -> set[str]:
    """What the quoted sentences show of the asked kinds (a figure only near an asked-about word)."""
    shown = set()
    for s in e.sentences:
        found = kind_features(s, query, e.hit.chunk)
        if "figure" in found and query.terms and not figure_near_term(s.lower(), query):
            found.discard("figure")
        shown |= found
    return shown


def each_place_answers(query: Query, evidence: list[Evidence], tuning: Tuning = DEFAULT_TUNING) -> bool:
    """A comparison (甲区和乙区的目标各是多少) whose every place has a clause of its own that matches the question
    and shows what is asked: the places agreeing is evidence the decline model, reading one clause, lacks."""
    return len(query.compared_places) >= 2 and all(
        any(e.hit.chunk.jurisdiction == place and e.answers_kind and not e.trusted
            and e.hit.coverage >= tuning.min_coverage for e in evidence)
        for place in query.compared_places)


def clause_showing_kind(query: Query, evidence: list[Evidence], tuning: Tuning = DEFAULT_TUNING,
                        more: Callable[[], list[Evidence]] | None = None) -> Evidence | None:
    """When the best clause does not show what is asked (几天内办完？ answered by a clause on how a request is
    received; 包括哪几类？ by one announcing the list), the best clause of the same notice that does and matches
    the question nearly as well (within tuning.shown_kind_margin, however low the best one's coverage: the
    retrievers chose the notice); `more()` gives the notice's further clauses, read only if needed."""
    if not evidence or len(query.compared_places) >= 2:  # a comparison takes each place's own best clause
        return None
    # A number to call, the items of a list, a span of time for 多久 are not required to answer (the clause
    # naming the office, the plan, the date answers too), but a clause that has them is the better quote.
    top = evidence[0].hit
    own_place = places_inside(query, top.chunk)
    if own_place and not names_place(evidence[0].sentences, own_place):
        # A wider place's notice whose best clause is general (各市受理电话如下…): its clause naming the
        # asker's place and showing what is asked is that place's answer.
        wanted = _PLACE_LINE_KINDS & set(asked_kinds(query))

        def own_line(e: Evidence) -> bool:
            return (e.hit.chunk.notice_id == top.chunk.notice_id and e.answers_kind and not e.trusted
                    and any(names_place([s], own_place) and wanted & kind_features(s, query, e.hit.chunk)
                            for s in e.sentences))

        found = _first_of_notice(evidence, more, own_line)
        if found is not None:
            return found
        # The place's line is in the best clause, past the sentences quoted (…各县联系人：甲县：张某（电话…）；).
        line = next((s for s in clause_sentences(top.chunk) if wanted and names_place([s], own_place)
                     and wanted & kind_features(s, query, top.chunk)), None)
        if line is not None and line not in evidence[0].sentences:
            return replace(evidence[0], sentences=evidence[0].sentences + [line])
    if query.asks_person:
        # 哪位领导分管金融: a clause naming a holder (某某同志协助某某同志负责金融…) that matches the question
        # better than the retrievers' first clause, whichever notice it is in (that one may seem to name someone
        # too: the tagger reads words of a long paragraph as names).
        def naming(e: Evidence) -> bool:
            return (e.answers_kind and not e.trusted and e.hit.chunk.kind != "header" and _names_someone(e, query)
                    and e.hit.coverage >= tuning.min_coverage and e.hit.coverage > top.coverage)

        found = next((e for e in evidence[1:] if naming(e)), None)
        if found is not None:
            return found
    if "when" in asked_kinds(query) and not _names_time(top.chunk):
        # A notice's schedule under its own heading (一、督查时间 / 2023年3月9日至12日) answers "when" better
        # than a clause that mentions some other date in passing (材料请于3月8日前报送).
        def schedule(e: Evidence) -> bool:
            return (e.hit.chunk.notice_id == top.chunk.notice_id and e.answers_kind and not e.trusted
                    and _names_time(e.hit.chunk) and e.hit.coverage >= top.coverage - tuning.shown_kind_margin)

        found = _first_of_notice(evidence, more, schedule)
        if found is not None:
            return found
    if query.asks_start and evidence[0].trusted:
        # 这个政策从什么时候开始: a notice says once when its measures start (本通知自2031年3月1日起施行; 拟于
        # 5月6日起实施), in a sentence that need not repeat the question's words.
        found = _start_line(evidence, more)
        if found is not None:
            return found
    asked = (set(query.kinds) | ({"duration"} if query.asks_duration else set())
             | ({"extent"} if query.asks_extent else set()))
    soft = {k for k in ("contact", "list", "duration", "extent") if k in asked} - kinds_shown(query, evidence[0])
    if evidence[0].answers_kind and not evidence[0].trusted and not soft:
        return None  # (a trusted clause answers only by matching well: the date or department is not seen)
    floor = top.coverage - tuning.shown_kind_margin
    if "contact" in soft and any(_POINTS_TO_PHONE.search(x) for x in evidence[0].sentences):
        floor = 0.0  # 请电话联系有关窗口 with the numbers listed elsewhere in the notice: that list answers
    if "extent" in soft:
        # An area's bounds (东至…西至…) stand under a heading (一、征收范围) and name streets, not the question's
        # words: in the notice the retrievers chose, the clause stating them answers "where are its limits".
        floor = 0.0
    if evidence[0].trusted:
        # The best clause shows nothing of what is asked (no date at all for 哪天): a clause of its notice that
        # shows it and answers the question's words as a clause must (min_coverage) is the better quote.
        floor = min(floor, tuning.min_coverage)

    # A list holding the item the question names (除了打电话 → 电话、微信小程序、网站) is the one asked for,
    # however few of the question's other words its clause shares.
    named_item = bool(query.besides) and "list" in soft

    # A table's row is one record (one task, one project): another row showing a date answers of another task.
    one_record = top.chunk.kind == "table_row"

    def shows(e: Evidence) -> bool:
        return (e.hit.chunk.notice_id == top.chunk.notice_id and e.answers_kind and not e.trusted and e.sentences
                and not (one_record and e.hit.chunk.kind == "table_row")
                and e.hit.chunk.kind != "header" and (e.hit.coverage >= floor or named_item)
                and soft <= kinds_shown(query, e))

    return _first_of_notice(evidence, more, shows)


# A notice's own start: 自2031年3月1日起施行, 拟于5月6日起…, 从6月1日0时起.
_STARTS_ON = re.compile(r"(?:自|从|于)\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:\d{1,2}\s*[时点]|[零〇]时)?\s*(?:起|开始)")


def _start_line(evidence: list[Evidence], more: Callable[[], list[Evidence]] | None) -> Evidence | None:
    """The best clause's notice's sentence saying when its measures start, quoted from the clause holding it."""
    def lines(chunk: Chunk) -> list[str]:
        return [s for s in untainted(clause_sentences(chunk), chunk.text) if _STARTS_ON.search(s)]

    top = evidence[0]
    line = next(iter(lines(top.hit.chunk)), None)
    if line is not None:
        return replace(top, sentences=top.sentences + [line] if line not in top.sentences else top.sentences,
                       trusted=False)

    def starts(e: Evidence) -> bool:
        return e.hit.chunk.notice_id == top.hit.chunk.notice_id and e.hit.chunk.kind != "header" \
            and bool(lines(e.hit.chunk))

    found = _first_of_notice(evidence, more, starts)
    if found is None:
        return None
    return replace(found, sentences=lines(found.hit.chunk)[:1], answers_kind=True, trusted=False)


# A time the notice leaves open (恢复时间另行通知, 截止日期视情况另行公告, 开放时间确定后): it gives no day for that.
_LEFT_OPEN = re.compile(r"另行(?:通知|通告|公告|公布|告知|确定|安排)|待定|(?:时间|日期)(?:确定|明确)后|时间未定")
# The words of that phrase itself: a question's 时间 does not name the thing left open.
_OPEN_WORDS = re.compile(_LEFT_OPEN.pattern + r"|时间|日期")


def time_left_open(query: Query, evidence: list[Evidence]) -> str:
    """The best clause's words saying the time asked for is still to be announced, when the question asks only
    when something is to happen (哪天恢复办理？): the notice gives no day, and saying so answers more truly
    than quoting its other dates. Not when it asks when something started (从哪天开始暂停), which notices state.

    游泳馆哪天恢复开放？ with a best clause "自即日起暂停开放，恢复开放时间另行通知。" → "恢复开放时间另行通知"
    """
    if list(query.kinds) != ["when"] or query.asks_start or not evidence:
        return ""
    spellings = [s.lower() for t in query.terms if not t.in_story for s in t.spellings if len(s) >= 2]
    parts = [p.strip() for sentence in clause_sentences(evidence[0].hit.chunk)
             for p in re.split(r"[，,；;：:。]", sentence)]

    def named(part: str) -> set[str]:
        return {s for s in spellings if s in _OPEN_WORDS.sub("", part).lower()}

    for part in parts:
        left_open = named(part) if _LEFT_OPEN.search(part) and not _DAY.search(part) else set()
        # 游泳馆于3月1日恢复开放，其余场馆开放时间另行通知: a day given for all it leaves open is the answer.
        if left_open and not any(_DAY.search(p) and left_open <= named(p) for p in parts):
            return part
    return ""


def _first_of_notice(evidence: list[Evidence], more: Callable[[], list[Evidence]] | None,
                     keep: Callable[[Evidence], bool]) -> Evidence | None:
    """The first clause after the best that `keep` accepts: among the retrieved ones, else among the notice's
    further clauses (read only if needed)."""
    found = next((e for e in evidence[1:] if keep(e)), None)
    if found is None and more is not None:
        found = next((e for e in more() if keep(e)), None)
    return found


def answer_parts(query: Query, sources: list[Evidence], weigh: Callable[[list[Term]], list[float]],
                 search_part: Callable[[Query], list[Hit]], k: int = 5,
                 tuning: Tuning = DEFAULT_TUNING, notices: dict[str, Notice] | None = None,
                 search_part_in: Callable[[Query, str], list[Hit]] | None = None
                 ) -> tuple[list[Evidence], list[int]]:
    """Several questions asked at once (老旧小区改造多少个？棚改呢？): a part whose words the quoted sentences do
    not cover is searched for on its own, and its best clause that answers it is quoted too; so is a part asking
    of a year no quoted clause speaks of (given the notices). `search_part_in(part, notice_id)` searches one
    notice for a part. Returns the sources and the numbers (1-based) of the parts no clause answers."""
    chosen, unanswered = list(sources), []
    for part in query.parts:
        # What this part asks about that the others do not (棚户区, not the 改造 both ask about).
        own = [t for t in part.terms if not any(t.source in other.text for other in query.parts if other is not part)]
        quoted = "".join(s for e in chosen for s in e.sentences).lower()
        if len(part.compared_places) >= 2:  # (not where the asker is from: 我是甲省的，乙市…)
            chosen, searched = _each_place_quoted(part, chosen, weigh, search_part, k, tuning)
            if searched:
                continue
        if (not own or term_coverage(own, quoted, weigh(own)) >= tuning.min_coverage) and (
                not part.years or notices is None
                or any(_speaks_of_year(e, notices, y) for e in chosen for y in part.years)):
            continue  # (2022年增长了多少？2023年的目标呢？: the quote of 2022 does not answer for 2023)
        weights = weigh(part.terms)
        evidence = [select_evidence(part, h, weights, tuning) for h in search_part(part)[:k]]
        found = choose_sources(part, evidence, k, tuning)
        if found:
            # 打哪个电话？ answered by the clause on what may be reported: the clause of its notice giving the
            # number is the part's answer, as for a whole question (clause_showing_kind).
            lead = clause_showing_kind(part, [found[0]] + [e for e in evidence if e.hit is not found[0].hit], tuning)
            found = [lead] + found[1:] if lead is not None else found
        if found and chosen and search_part_in is not None:
            found = _from_same_notice(part, own, chosen, found, weights, weigh, search_part_in, k, tuning)
        extra = next((e for e in found if all(e.hit.chunk is not c.hit.chunk for c in chosen)), None)
        wanted = asked_kinds(part)
        if not found and wanted and chosen:
            # 一天几点到几点有车？ in words no clause uses: the answering notice's clause showing what it asks
            # (a time, a number, a department) found by the part's own search answers it (二、运营时间 7:00-19:00).
            found = [e for e in evidence if e.hit.chunk.notice_id == chosen[0].hit.chunk.notice_id
                     and e.hit.chunk.kind != "header" and set(wanted) <= kinds_shown(part, e)][:1]
            extra = next((e for e in found if all(e.hit.chunk is not c.hit.chunk for c in chosen)), None)
        if extra is not None:
            chosen.append(extra)
        elif not found:
            unanswered.append(query.parts.index(part) + 1)
    return chosen, unanswered


def _from_same_notice(part: Query, own: list[Term], chosen: list[Evidence], found: list[Evidence],
                      weights: list[float], weigh: Callable[[list[Term]], list[float]],
                      search_part_in: Callable[[Query, str], list[Hit]], k: int, tuning: Tuning) -> list[Evidence]:
    """A part naming no place or subject of its own (…多少天内必须办完？超时了会怎么样？) asks about what the question
    is about: the clause of the notice already quoted that matches the part's own words as well as the clause its
    own search found elsewhere answers it (超过办结时限的，系统显示红灯 — not another notice's 系统集成改革)."""
    home = chosen[0].hit.chunk.notice_id
    if found[0].hit.chunk.notice_id == home or not own or find_places(part.text):
        return found
    own_weights = weigh(own)

    def own_coverage(e: Evidence) -> float:
        return term_coverage(own, "".join(e.sentences).lower(), own_weights)

    quoted = {id(c.hit.chunk) for c in chosen}
    at_home = [e for e in (select_evidence(part, h, weights, tuning) for h in search_part_in(part, home)[:k])
               if e.sentences and id(e.hit.chunk) not in quoted and e.hit.chunk.kind != "header"]
    best = max(at_home, key=own_coverage, default=None)
    if best is None or own_coverage(best) < max(tuning.min_coverage, own_coverage(found[0])):
        return found
    return [best]


# A count of parts a sentence announces (提供以下五个方面政策支持：, 提出三点要求。) and the parts themselves (一是…, 二是…).
_ANNOUNCED_PARTS = re.compile(r"([两二三四五六七八九十]+|\d{1,2})\s*(?:个|条|项|点)?\s*(?:方面|点|条|项)")
_PART_OPENER = re.compile(r"([一二三四五六七八九十]+)是")


def list_carried_on(source: Evidence, more_of: Callable[[str], list[Hit]]) -> Evidence | None:
    """The next clause of the source's notice, where a list it announces and begins goes on (以下五个方面：一是…
    三是… / 四是…五是…, a paragraph break or a chunk boundary between them): its sentences from the next part on,
    or None when the source holds the whole list."""
    text = clean_text(source.hit.chunk.text)
    announced = next((count_of(m.group(1)) for sentence in source.sentences if _LEAD_IN.search(sentence.rstrip())
                      for m in [_ANNOUNCED_PARTS.search(sentence)] if m), 0)
    given = [count_of(m.group(1)) for m in _PART_OPENER.finditer(text)]
    if not announced or not given or max(given) >= announced or max(given) > MAX_CHILD_HEADINGS:
        return None
    opener = cn2an.an2cn(max(given) + 1) + "是"
    for hit in more_of(source.hit.chunk.notice_id):
        if hit.chunk.id == source.hit.chunk.id or hit.chunk.kind == "header":
            continue
        sentences = clause_sentences(hit.chunk)
        start = next((i for i, sentence in enumerate(sentences) if sentence.lstrip().startswith(opener)), None)
        if start is not None:
            rest = [sentence for sentence in sentences[start:] if _PART_OPENER.match(sentence.lstrip())]
            return Evidence(hit, rest[:announced - max(given)], True)
    return None


def _searched_once(search_part: Callable[[Query], list[Hit]]) -> Callable[[Query], list[Hit]]:
    """search_part, each part searched once however often asked."""
    found: dict[int, list[Hit]] = {}

    def search(part: Query) -> list[Hit]:
        if id(part) not in found:
            found[id(part)] = search_part(part)
        return found[id(part)]
    return search


def _parts_state_sums(query: Query, weigh: Callable[[list[Term]], list[float]],
                    search_part: Callable[[Query], list[Hit]], k: int, tuning: Tuning) -> bool:
    """Whether every part asking an amount of money finds, in its own search, a clause stating one that the
    decline model trusts to answer it."""
    asking = [part for part in query.parts if part.wants_money]
    for part in asking:
        hits = search_part(part)[:k]
        weights = weigh(part.terms)
        if not hits or not part.terms or not any(h.coverage > 0 for h in hits):
            return False
        evidence = [select_evidence(part, h, weights, tuning) for h in hits]
        if (not _states_sum(evidence, tuning)
                or _confidence(part, hits, evidence, weights, tuning) < tuning.answer_threshold):
            return False
    return bool(asking)


def _states_sum(evidence: list[Evidence], tuning: Tuning) -> bool:
    """Whether a clause on what is asked states the amount of money asked for."""
    return any(e.answers_kind and e.hit.coverage >= tuning.money_coverage for e in evidence)


def _copy_of(e: Evidence, other: Evidence) -> bool:
    """Whether a quote is another copy's of the same notice: the same title and the same first sentence."""
    a, b = e.hit.chunk, other.hit.chunk
    return (a.notice_id != b.notice_id and a.notice_title == b.notice_title and bool(e.sentences)
            and e.sentences[:1] == other.sentences[:1])


def _each_place_quoted(part: Query, chosen: list[Evidence], weigh: Callable[[list[Term]], list[float]],
                       search_part: Callable[[Query], list[Hit]], k: int,
                       tuning: Tuning) -> tuple[list[Evidence], bool]:
    """甲区和乙区的目标各是多少？乙区到9月建了多少？: the comparison asked in one part needs each place's own clause
    speaking to it, though the quotes for another part (乙区's 9月 row) cover its words. A place without one is
    searched for, and the clause found replaces the place's clause that does not speak to the part. Returns the
    sources and whether the part was searched."""
    weights = weigh(part.terms)

    def speaks_to_part(e: Evidence) -> bool:
        return term_coverage(part.terms, "".join(e.sentences).lower(), weights) >= tuning.min_coverage

    unquoted = [p for p in part.compared_places
                if not any(e.hit.chunk.jurisdiction == p and speaks_to_part(e) for e in chosen)]
    if not unquoted:
        return chosen, False
    evidence = [select_evidence(part, h, weights, tuning) for h in search_part(part)[:k]]
    found = [e for e in choose_sources(part, evidence, k, tuning)
             if e.hit.chunk.jurisdiction in unquoted and speaks_to_part(e)
             and all(e.hit.chunk is not c.hit.chunk for c in chosen)]
    for place in dict.fromkeys(e.hit.chunk.jurisdiction for e in found):
        chosen = [e for e in chosen if e.hit.chunk.jurisdiction != place or speaks_to_part(e)]
        chosen.append(next(e for e in found if e.hit.chunk.jurisdiction == place))
    return chosen, True


def showing_in_notice(query: Query, source: Evidence, more_of: Callable[[str], list[Hit]], weights: list[float],
                      tuning: Tuning = DEFAULT_TUNING) -> Evidence:
    """The best clause of the source's notice that shows what is asked and matches nearly as well, or the source."""
    for hit in more_of(source.hit.chunk.notice_id):
        if hit.chunk.id == source.hit.chunk.id or hit.chunk.kind == "header":
            continue
        if hit.coverage < source.hit.coverage - tuning.shown_kind_margin:
            continue
        e = select_evidence(query, hit, weights, tuning)
        if e.sentences and e.answers_kind and not e.trusted and not lacks_duration(query, e):
            return e
    return source


def lacks_duration(query: Query, e: Evidence) -> bool:
    """Asked how long (补贴发几个月, 多少天) and the quote gives no span of time."""
    return query.asks_duration and "duration" not in kinds_shown(query, e)


def complete_asked_kinds(query: Query, sources: list[Evidence], candidates: list[Evidence],
                         tuning: Tuning = DEFAULT_TUNING,
                         more: Callable[[], list[Evidence]] | None = None) -> list[Evidence]:
    """A question asking two things (比赛是哪天？谁负责招志愿者？) answered from a clause that shows one of them:
    the best-ranked clause of the same notice that matches the question as well and shows the other is
    quoted too; so is the clause with the number or address a contact question asks for. `candidates` in
    rank order; `more()` gives further ones, read only when a kind is missing."""
    wanted = asked_kinds(query)
    if not sources or (len(wanted) < 2 and "contact" not in wanted):
        return sources
    notice = sources[0].hit.chunk.notice_id
    chosen = list(sources)
    shown = set().union(*(kinds_shown(query, e) for e in chosen))
    for kind in wanted:
        if kind in shown or len(chosen) >= MAX_SOURCES:
            continue
        if more is not None:
            candidates, more = candidates + more(), None
        # The number to call is the notice's wherever it stands (a list of hotlines matches few of the words).
        floor = 0.0 if kind == "contact" else tuning.min_coverage
        extra = next((e for e in candidates if e.hit.chunk.notice_id == notice and e.sentences
                      and e.hit.chunk.kind != "header" and e.hit.coverage >= floor
                      and all(e.hit.chunk is not c.hit.chunk for c in chosen) and kind in kinds_shown(query, e)),
                     None)
        if extra is None:
            continue
        # Beside the other clauses of its notice, so the answer quotes them on one line.
        last = max(i for i, e in enumerate(chosen) if e.hit.chunk.notice_id == notice)
        chosen.insert(last + 1, extra)
        shown |= kinds_shown(query, extra)
    return chosen


def shown_chunk(chunk: Chunk) -> Chunk:
    """The chunk as a citation shows it: words addressed to a model are replaced by a note (a copy; the index's
    chunk is untouched and the notice viewer still shows the document as written)."""
    text = hidden_for_display(chunk.text)
    return chunk if text == chunk.text else replace(chunk, text=text)


# The issuing body speaking of itself (我局, 本委, 我中心); not 我市/我省, a place the answer already names.
_SELF_REFERENCE = re.compile(r"[我本](?:局|委|厅|办|院|部|署|中心|机关)")


def _source_line(query: Query, e: Evidence, marker: int, notice: Notice | None, with_place: bool) -> tuple[str, str]:
    """('张店区：《title》（meta）', 'quote[n]'): who says it, and what."""
    quote = "".join(s if s.endswith(("。", "；", "！", "？", "…", "：")) else s + "；" for s in e.sentences).rstrip("；")
    c = e.hit.chunk
    if "who" in query.kinds and c.lead_departments and not any(d in quote for d in c.lead_departments):
        roles = "牵头：" + "、".join(c.lead_departments)
        if c.support_departments:
            roles += "；配合：" + "、".join(c.support_departments)
        quote += f"（{roles}）"
    title = notice.title if notice else c.notice_title
    place = f"{c.jurisdiction}：" if with_place and c.jurisdiction else ""
    meta = ""
    if "metadata" in query.kinds and notice:
        fields = "，".join(x for x in ("文号" + notice.doc_number if notice.doc_number else "",
                                     notice.issuer, notice_date(notice),
                                     "刊于" + notice.gazette_issue if notice.gazette_issue else "") if x)
        meta = f"（{fields}）" if fields else ""  # a news item may have none of them
    elif notice and notice.issuer and _SELF_REFERENCE.search(quote) and notice.issuer not in quote:
        # 我局设立咨询窗口: the reader is told whose 我局 it is (the body that issued the notice).
        meta = f"（{notice.issuer}）"
    if notice and notice.ocr:  # read by OCR from a scan: a character may be misread
        meta += " (OCR text: check the original)" if query.lang == "en" else "（识别文字，请核对原件）"
    return f"{place}《{title}》{meta}", f"{quote}[{marker}]"


_TITLE_MONTH = re.compile(r"\d{1,2}月")


def has_required_term(term: Term, chunk: Chunk) -> bool:
    """Whether a clause speaks of a term the answer cannot do without (a stated month). A report whose title
    names its month (9月份完成情况通报) speaks of that month only, whatever dates its rows mention (12月底前),
    and of the month a row reports its figures as of (截至8月底, 截止到8月末: the latest count it had)."""
    months = _TITLE_MONTH.findall(chunk.notice_title)
    if months and _TITLE_MONTH.fullmatch(term.spellings[0]):
        text = " ".join(months + _AS_OF_MONTH.findall(chunk.text))
    else:
        text = chunk.index_text.lower()
    return any(s.lower() in text for s in term.spellings)


_AS_OF_MONTH = re.compile(r"截[至止]到?(?:\d{4}年)?(\d{1,2}月)")


# A document named as the subject of what is asked about it (某某实施方案是哪天印发的, 那个管理办法的文号是多少).
_NAMED_DOCUMENT = re.compile(r"([^，,。？?！!；;、]{2,30}?(?:方案|通知|办法|意见|规定|细则|计划|报告|决定|公告|通告))"
                             r"(?:是|由|在|哪|什么|啥|几|的?文号|谁|何时)")


def document_not_found(query: Query, hits: list[Hit], weights: list[float]) -> str:
    """The name of the document a metadata question asks about, when no retrieved notice's title holds half
    of its words the corpus knows (森林防火实施方案 asked, 深化改革…重点工作任务 found); '' otherwise.

    The words of the name that no document uses (a colloquial 那个) are not asked of the titles."""
    if "metadata" not in query.kinds:
        return ""
    found = _NAMED_DOCUMENT.search(query.text)
    if not found:
        return ""
    # 某某县长作的这份政府工作报告: the name is what follows the words pointing at it or saying who wrote it.
    name = re.split(r"(?:这|那|该)(?:份|个|项|部)|(?:作|发|印发|出台|制定|编|写)的", found.group(1))[-1]
    named = [(t, w) for t, w in zip(query.terms, weights) if w > 0 and t.source in name]
    if not named:
        return ""
    terms, term_weights = [t for t, _ in named], [w for _, w in named]
    # (a header clause holds the title line as the notice printed it)
    titles = {h.chunk.notice_title.lower() for h in hits} | {h.chunk.text.lower() for h in hits if h.chunk.kind == "header"}
    if any(term_coverage(terms, title, term_weights) >= 0.5 for title in titles):
        return ""
    return name


def reason_unanswerable(query: Query, hits: list[Hit], weights: list[float]) -> str:
    """Why no retrieved clause can answer, whatever they match — said to the user — or '' to go on."""
    english = query.lang == "en"
    if query.asks_judgement:
        return ("it asks for a judgement or the state of a personal case, which documents do not give" if english
                else "所问的是个人判断或个人办件进度，文件不作判断、不记录个案")
    named = document_not_found(query, hits, weights)
    if named:
        # 某区森林防火实施方案是哪天印发的: no retrieved notice is that document; another's date is no answer.
        return (f"no ingested document is called “{named}”" if english
                else f"语料中没有找到“{named}”这份文件")
    unmatched = [t for t in query.terms if t.required and not any(has_required_term(t, h.chunk) for h in hits)]
    if unmatched:
        # A stated month or edition no retrieved clause speaks of (10月份 asked, a 9月份 table found).
        words = "、".join(t.source for t in unmatched)
        return f"no document found for {words}" if english else f"文件中没有找到{words}的相关内容"
    if query.asks_personal_contact and not any(_CONTACTS[way].search(h.chunk.text) for h in hits
                                               for way in query.contact_ways or _CONTACTS):
        # 区长王某的办公电话: a list naming him is no number to call.
        return ("no document gives this person's contact details" if english
                else "文件中没有公布所问人员的联系方式")
    if query.asks_personal_detail and not any(_LIFE_DETAIL.search(h.chunk.text) for h in hits):
        # 区长某某是哪里人、多大年纪: a list naming him says nothing of his life.
        return ("no document gives this person's personal details" if english
                else "文件中没有公布所问人员的个人信息")
    unnamed = [d for d in query.departments if not any(mentions_department(d, h.chunk.text) for h in hits)]
    if unnamed:
        # 县民政局负责哪些事 answered by other departments' duties: the asked one is assigned nothing found.
        words = "、".join(unnamed)
        return f"no document found that assigns anything to {words}" if english else f"文件中没有找到关于{words}的规定"
    if any(t.source == query.counted and not t.in_story and w == 0.0 for t, w in zip(query.terms, weights)):
        # 一共接待了多少游客: no document uses the word, so none counts them (a figure quoted would count else).
        return f"no document speaks of {query.counted}" if english else f"文件中没有关于“{query.counted}”的数字"
    return ""


def compose_answer(query: Query, result: SearchResult, notices: dict[str, Notice],
                   weigh: Callable[[list[Term]], list[float]], k: int = 5,
                   children: Callable[[Chunk], list[str]] | None = None,
                   tuning: Tuning = DEFAULT_TUNING, more: Callable[[], list[Hit]] | None = None,
                   search_part: Callable[[Query], list[Hit]] | None = None,
                   more_of: Callable[[str], list[Hit]] | None = None,
                   search_part_in: Callable[[Query, str], list[Hit]] | None = None) -> Answer:
    """Answer from the retrieved clauses, or abstain and point to the closest notices.

    children(chunk) gives the sub-headings under a clause, for a list its text only introduces; `more()`
    gives further clauses of the best notice, for a second asked kind its best clauses do not show;
    `search_part(part)` the clauses for one of several questions asked at once (query.parts) and
    `search_part_in(part, notice_id)` those of one notice; `more_of(notice_id)` a notice's best clauses, for a
    comparison whose clause of one place only matches well, or for the speaker a news story names apart."""
    hits = result.hits[:k]
    if result.empty_reason:
        return _offer_instead(query, result, notices, weigh, k, children, tuning)
    weights = weigh(query.terms)
    reason = reason_unanswerable(query, hits, weights)
    if reason:
        return _abstain(query, replace(result, empty_reason=reason), notices, k)
    pool = result.hits[:max(k, tuning.evidence_pool)]
    evidence = [select_evidence(query, h, weights, tuning) for h in pool] if query.terms else []
    if any(not e.sentences for e in evidence):
        # A clause with nothing quotable (every sentence addresses an AI model) neither answers nor decides
        # whether the others do: the signals are read from the clauses that can be quoted.
        evidence = [e for e in evidence if e.sentences]
        pool = [e.hit for e in evidence]
        hits = pool[:k]
    pooled = {id(e.hit.chunk) for e in evidence}
    read_further: list[Evidence] = []

    def further() -> list[Evidence]:
        """The best notice's clauses past the first hits, searched once however often asked."""
        if not read_further:
            read_further.extend(select_evidence(query, h, weights, tuning) for h in more() if id(h.chunk) not in pooled)
        return read_further

    lead = clause_showing_kind(query, evidence, tuning, further if more else None)
    if lead is not None:
        # The notice the retrievers agree on answers in another of its clauses: that clause leads (the
        # decline model reads the retrievers' signals of the notice's best clause, and that the kind is shown).
        evidence = [lead] + [e for e in evidence if e.hit is not lead.hit]
        if lead.hit.coverage > hits[0].coverage:
            # It also matches the question better than the retrievers' first clause: its signals are read.
            hits = [lead.hit] + [h for h in hits if h is not lead.hit]
    confidence = _confidence(query, hits, evidence[:k], weights, tuning)
    if lead is not None:
        hits = [lead.hit] + [h for h in hits if h is not lead.hit][:k - 1]
    if any(weights) and not any(h.coverage > 0 for h in hits):
        # Not one word of the question (the corpus knows) in any retrieved clause: whatever the embedding model
        # finds close, nothing here speaks of what is asked (a city's park rules for its hotline question).
        return _abstain(query, result, notices, k, confidence)
    listed = heading_list(query, hits, weights, children, tuning) if children else None
    if (confidence < tuning.answer_threshold and not each_place_answers(query, evidence[:k], tuning)
            and listed is None):
        return _abstain(query, result, notices, k, confidence)
    # An amount of money is asked and no clause on what is asked states one: a quoted answer could not give it...
    by_parts = query.wants_money and not _states_sum(evidence[:k], tuning)
    if by_parts:
        # ...unless it is one part of several (荷花节是几号办的？那几天门票多少钱？) and that part's own search finds
        # the clause that states it: the answer is then found part by part below. (Only when the whole question's
        # clauses are trusted: a part's own search is trusted more easily than the whole's, and unanswerable
        # questions were answered by the part that asks least.)
        if search_part is None or not query.parts:
            return _abstain(query, result, notices, k, confidence)
        search_part = _searched_once(search_part)
        if not _parts_state_sums(query, weigh, search_part, k, tuning):
            return _abstain(query, result, notices, k, confidence)
    sources = [] if by_parts else choose_sources(query, evidence, k, tuning, floor=0.0)
    if query.years and not by_parts:
        sources = of_asked_year(query, sources, evidence[:k], notices, tuning)
    if not sources and listed is None and not by_parts:
        return _abstain(query, result, notices, k, confidence)
    if len(query.compared_places) >= 2 and more_of is not None:
        # 两边的截止时间分别是哪天: a place's clause that only matches well gives way to one of its notice that
        # shows the date (请…于7月21日前将工作台账报送).
        # So does one that gives no span of time asked for (补贴发几个月) when another of its notice's clauses does.
        sources = [showing_in_notice(query, e, more_of, weights, tuning)
                   if e.trusted or lacks_duration(query, e) or not e.answers_kind else e for e in sources]
    sources = complete_asked_kinds(query, sources, evidence, tuning, further if more else None)
    if ("list" in query.kinds or query.asked_count) and more_of is not None and sources:
        # 从哪五个方面支持？ quoted from a clause giving three of the five parts it announces: the rest follow.
        rest = list_carried_on(sources[0], more_of)
        if rest is not None and all(rest.hit.chunk.id != e.hit.chunk.id for e in sources):
            sources = [sources[0], rest] + sources[1:]
    if (list(query.kinds) == ["figure"] and not query.asks_actual and listed is None and not query.parts
            and not any(e.answers_kind for e in sources)):
        # Only a figure is asked (办结率具体是多少) and no quoted sentence gives one near what is asked: the clause
        # speaks of the topic, not the number. (Not for 实际完成了多少: whether a figure reports what was
        # achieved is read from the question's longest word, which an abbreviation in the notice misses.)
        return _abstain(query, result, notices, k, confidence)
    if (list(query.kinds) == ["list"] and listed is None and not query.parts
            and any(_counts_asked(s, query) for e in sources for s in e.sentences)
            and not any(e.list_continues or _lists_items(clean_text(e.hit.chunk.text)) for e in sources)):
        # 12件便民工程具体是哪几件？ answered by "征集了12件便民工程候选项目，提请审议": the notice counts the items,
        # it does not list them (read in the whole clause: its items may be quoted one sentence each).
        return _detail_missing(query, result, notices, k, confidence, "the documents do not list these items",
                               "文件没有逐项列出所问的内容")
    if listed is not None:
        # The section's own list leads; a clause of the same section quoted beside it would repeat one item
        # (a list of the notice's parts repeats none: its clauses beside it answer what else is asked, 管多长时间).
        sources = [listed] + [e for e in sources if e.hit.chunk.notice_id != listed.hit.chunk.notice_id
                              or listed.section == ()]
    unanswered: list[int] = []
    if query.parts and search_part is not None:
        sources, unanswered = answer_parts(query, sources, weigh, search_part, k, tuning, notices, search_part_in)
    if not sources:
        return _abstain(query, result, notices, k, confidence)
    if query.asks_person and not any(_names_someone(e, query) for e in sources):
        # 联系人是谁: the notice's clause naming one (（联系人：某某；邮箱：…）) answers, whatever matched best.
        cited = {e.hit.chunk.notice_id for e in sources}
        naming = next((e for e in evidence[:k] if e.hit.chunk.notice_id in cited and e not in sources
                       and e.hit.coverage >= tuning.min_coverage and _names_someone(e, query)), None)
        sources = [naming] + sources if naming is not None else sources
    if query.asks_person and not any(_names_someone(e, query) for e in sources):
        # 组长由谁担任: the quoted clause names the holder in a sentence of its own the quote left out
        # (组长由分管副县长担任，成员由…组成), the sentence naming the post asked.
        posts = [s.lower() for t in query.terms if _POST.search(t.source) or t.source.endswith("长")
                 for s in t.spellings]
        for e in sources:
            holder = next((s for s in clause_sentences(e.hit.chunk) if s not in e.sentences
                           and (not posts or any(p in s.lower() for p in posts))
                           and _names_someone(replace(e, sentences=[s]), query)), None)
            if holder is not None:
                e.sentences = e.sentences + [holder]
                break
    if (query.asks_person and _SPEAKER_ASK.search(query.text) and more_of is not None
            and not any(_names_someone(e, query) for e in sources)):
        # 发布会上由谁回答税费问题: a news story names the speaker in a paragraph of its own (副局长、新闻发言人某某),
        # apart from the answer quoted: the notice's best clause naming someone, sharing a word of the question.
        cited = dict.fromkeys(e.hit.chunk.notice_id for e in sources)
        naming = next((e for notice_id in cited for e in (select_evidence(query, h, weights, tuning)
                                                           for h in more_of(notice_id))
                       if e.sentences and e.hit.coverage > 0 and e.hit.chunk.kind != "header"
                       and all(e.hit.chunk is not s.hit.chunk for s in sources) and _names_someone(e, query)), None)
        sources = [naming] + sources if naming is not None else sources
    if query.asks_person and not any(_names_someone(e, query) for e in sources):
        # 组长是谁 answered by "由领导小组统筹推进": the post is there, its holder is not.
        return _detail_missing(query, result, notices, k, confidence, "the documents name no one for this post",
                               "文件没有写明担任该职务或分管该工作的人员")
    if (query.asks_number and list(query.kinds) == ["contact"] and not query.parts
            and not any("contact" in kinds_shown(query, e) for e in sources)):
        # 热线号码是多少 answered by "开通了服务热线": the notice says there is a number, not what it is.
        return _detail_missing(query, result, notices, k, confidence, "the documents give no such number",
                               "文件没有给出所问的电话号码")
    if (query.asks_hour and list(query.kinds) == ["when"] and not query.parts
            and not any("when" in kinds_shown(query, e) for e in sources)):
        # 每天几点到几点能打？ answered by "2月10日起开通专线": the notice says since when, not at what hours.
        return _detail_missing(query, result, notices, k, confidence, "the documents give no hours",
                               "文件没有写明具体时段")
    if (_ASKS_PERCENT.search(query.asked or query.text) and not query.parts
            and not any(_PERCENT.search(sentence) and _names_rate_asked(sentence, query)
                        for e in sources for sentence in e.sentences)):
        # 绿化覆盖率要达到百分之多少？ answered by "稳步提高绿化覆盖率": the notice names the rate, not its figure.
        return _detail_missing(query, result, notices, k, confidence, "the documents give no such percentage",
                               "文件没有给出所问的百分比")
    left_open = time_left_open(query, sources)
    if left_open:
        # 哪天恢复开放？ answered by "恢复开放时间另行通知": the day is not set; say so, citing the notice.
        return _detail_missing(query, result, notices, k, confidence, f"the documents set no date; they say “{left_open}”",
                               f"文件没有给出具体时间，只写明“{left_open}”")
    for e in sources:
        headings = children(e.hit.chunk)[:MAX_CHILD_HEADINGS] if e.list_continues and children else []
        if headings:
            # The list itself is the clause's sub-headings: （一）综合协调组；（二）安全保障组…
            e.sentences = e.sentences + ["；".join(headings)]
        # (not beside a list of headings: the clause it was found through leads only its own task)
        note = responsibility_note(e.hit.chunk.text) if e.hit.chunk.lead_departments and e is not listed else ""
        if note and note not in "".join(e.sentences).replace(" ", ""):
            # Who leads the task the quote is from (（市教育局牵头，…配合）): staff are asked that next.
            e.sentences = e.sentences + [note]
    # One notice published twice (a copy in another file, or reposted): its clause is quoted once, though each
    # copy's clause runs on into its own signature (…另行公告。财政部 / …另行公告。税务总局).
    sources = [e for i, e in enumerate(sources) if all(e.sentences != o.sentences and not _copy_of(e, o)
                                                       for o in sources[:i])]
    used = [e.hit for e in sources]
    ordered = used + [h for h in hits if h not in used]
    citations = []
    for marker, hit in enumerate(ordered, start=1):
        quotes = next((e.sentences for e in sources if e.hit is hit), [])
        citations.append(Citation(marker, shown_chunk(hit.chunk), notices.get(hit.chunk.notice_id), hit.score, quotes))
    places = {e.hit.chunk.jurisdiction for e in sources}
    with_place = len(places) > 1 or not query.jurisdictions
    lines: list[str] = []
    line_notice: list[str] = []
    for i, e in enumerate(sources, start=1):
        head, said = _source_line(query, e, i, notices.get(e.hit.chunk.notice_id), with_place)
        if line_notice and line_notice[-1] == e.hit.chunk.notice_id:
            lines[-1] += "……" + said  # two clauses of one notice: one line, a marker for each
        else:
            lines.append(f"{head}：{said}")
            line_notice.append(e.hit.chunk.notice_id)
    if len(lines) == 1:
        text = lines[0]
    else:
        head = "The sources give these answers (quoted):" if query.lang == "en" else "不同文件的说法如下："
        text = head + "\n" + "\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1))
    if unanswered:
        # One of several questions asked finds no clause: the others are answered, and this one said so (by its
        # number: echoing its words would put words in the answer no document says).
        numbers = "、".join(f"第{n}问" for n in unanswered)
        text += f"\n（{numbers}：文件中没有找到相关内容。）"
    missing_years = [y for y in query.years if not any(_speaks_of_year(e, notices, y) for e in sources)]
    if missing_years and len(missing_years) < len(query.years):
        # "2023年的报告里2022年完成了多少": one asked year is answered — answer, and say which is not quoted.
        years = "、".join(f"{y}年" for y in missing_years)
        note = (f"(The quoted clauses do not name {years.replace('年', '')}.)" if query.lang == "en"
                else f"（引用的条款未写明{years}。）")
        return Answer(query.text, text + "\n" + note, False, citations, confidence=confidence)
    if missing_years:
        # The clauses answer the topic for another year (a 2023 target asked as 2022): say so, offer them.
        years = "、".join(f"{y}年" for y in missing_years)
        if query.lang == "en":
            head = f"The documents do not give this for {years.replace('年', '')}. What they say for other years:\n"
        else:
            head = f"文件中没有找到{years}的相关内容，无法回答所问的年份。其他年份的相关内容如下，仅供参考：\n"
        return Answer(query.text, head + text, True, citations, confidence=confidence)
    return Answer(query.text, text, False, citations, confidence=confidence)


def _names_someone(e: Evidence, query: Query | None = None) -> bool:
    """Whether the quote names a holder; asked who is in charge of something (谁分管教育), one given that charge
    (某某同志负责教育、体育等方面的工作), not one whose charge only names it (负责教育督导办公室日常工作)."""
    if query is None or not _IN_CHARGE_ASK.search(query.text):
        return any(names_a_holder(s) for s in e.sentences)
    # The field asked (分管教育工作 → 教育): the sentence giving the charge names it.
    field = "".join(_FIELD.findall(query.text))
    fields = [t for t in query.terms if t.source in field and not _POST.search(t.source)]
    if not fields:  # 分管的区领导是谁: the post is asked, not a field (a task's row names its 分管区领导)
        return any(names_a_holder(s) for s in e.sentences)
    # A short word ends there (教育、体育工作), not begins a longer name (教育督导办公室).
    charged = [re.compile(rf"(?:{_IN_CHARGE.pattern})[^，,。；;]{{0,24}}?{re.escape(sp)}"
                          + (r"(?=[、，,。；;和及与等工方]|$)" if len(sp) <= 2 else ""))
               for t in fields for sp in t.spellings]
    return any(names_a_holder(s) and any(c.search(s) for c in charged) for s in e.sentences)


# Who spoke or acted at a meeting or a press conference (由谁回答, 哪位官员表示, 是谁主持的): a news story names them
# anywhere in it; not who holds a post (组长是谁), which the clause on the body names or leaves unsaid.
_SPEAKER_ASK = re.compile(r"回答|介绍|解读|表示|主持|讲话|讲的话|发言|答记者问|官员|\b(?:spoke|said|answered|chaired)\b")


# 谁分管教育, 哪位领导分管金融, 分管农业的是谁: who is in charge of a field of work.
_IN_CHARGE_ASK = re.compile(r"(?:谁|哪位|哪一位|哪个)[\u4e00-\u9fff]{0,4}?(?:来)?(?:分管|主管|协管)|"
                            r"(?:分管|主管|协管)[^，。？?]{0,12}(?:的是谁|是谁|是哪位)")
_IN_CHARGE = re.compile(r"分管|主管|协管|负责|协助|主持")
_FIELD = re.compile(r"(?:分管|主管|协管)([^，,。？?的]{1,12})")
_POST = re.compile(r"领导|负责人|同志|[区市县镇省]长|主任|书记")


def of_asked_year(query: Query, sources: list[Evidence], candidates: list[Evidence], notices: dict[str, Notice],
                  tuning: Tuning = DEFAULT_TUNING) -> list[Evidence]:
    """The sources that speak of the year asked (2022年的地区生产总值 asked of a 2023 report: its review of the
    past year, not the plan that matched best). With none, the first candidate that does and covers min_coverage
    replaces them; with some, a clause of the same notice that does not is dropped. Else the sources stay, and
    the answer offers them as another year's."""
    def speaks(e: Evidence) -> bool:
        return any(_speaks_of_year(e, notices, y) for y in query.years)

    if sources and not any(speaks(e) for e in sources):
        of_year = next((e for e in candidates if e.sentences and e.hit.coverage >= tuning.min_coverage and speaks(e)),
                       None)
        return [of_year] if of_year is not None else sources
    answered = {e.hit.chunk.notice_id for e in sources if speaks(e)}
    return [e for e in sources if speaks(e) or e.hit.chunk.notice_id not in answered]


def _speaks_of_year(e: Evidence, notices: dict[str, Notice], year: int) -> bool:
    """The quoted clause is about the asked year: it names it, or its notice is of that year and the quote
    names no other."""
    quoted = "".join(e.sentences) + "".join(e.hit.chunk.clause_path)
    if str(year) in quoted:
        return True
    notice = notices.get(e.hit.chunk.notice_id)
    if notice is not None and notice.year == year + 1 and looks_back(e.hit.chunk.clause_path, notice.year) \
            and not _WRITTEN_YEAR.search("".join(e.sentences)):
        return True  # 一年来… in a report's review of the year before its own
    if notice is None or _WRITTEN_YEAR.search(quoted):
        return False
    # An undated table is of the year its title names: 2023年《政府工作报告》重点工作9月份完成情况通报表.
    return notice.year == year or str(year) in (notice.title or e.hit.chunk.notice_title)


def list_file_contents(query: Query, hits: list[Hit], notices: list[Notice],
                       header_of: Callable[[str], Chunk | None]) -> Answer | None:
    """"这期公报发布了哪些文件": the notices of the file the best-matching clauses come from, in order, each
    cited by its header. None when the clauses come from files of one notice each (nothing to list).

    notices: every notice of the index in file order; header_of(notice_id) gives its header clause."""
    by_file: dict[str, list[Notice]] = {}
    for notice in notices:
        by_file.setdefault(notice.file, []).append(notice)
    file = next((h.chunk.file for h in hits if len(by_file.get(h.chunk.file, [])) > 1), None)
    if file is None:
        return None
    listed = by_file[file]
    citations, lines = [], []
    for marker, notice in enumerate(listed, start=1):
        header = header_of(notice.id)
        if header is None:
            continue
        meta = "，".join(x for x in (notice.doc_number, notice.issuer, notice_date(notice)) if x)
        lines.append(f"{len(lines) + 1}. 《{notice.title}》" + (f"（{meta}）" if meta else "") + f"[{len(citations) + 1}]")
        citations.append(Citation(len(citations) + 1, shown_chunk(header), notice, 1.0, [notice.title]))
    if not lines:
        return None
    if query.lang == "en":
        head = f"The file {file} holds {len(lines)} documents:"
    else:
        head = f"文件 {file} 收录 {len(lines)} 份文件："
    return Answer(query.text, head + "\n" + "\n".join(lines), False, citations, confidence=1.0)


def _offer_instead(query: Query, result: SearchResult, notices: dict[str, Notice], weigh, k: int, children,
                   tuning: Tuning) -> Answer:
    """The corpus has no document of the year or place asked: say so, and give what it has for another
    year or place when that answers the rest of the question ("语料中没有2022年的相关文件；现有文件：…").
    The answer still counts as declined: it does not answer what was asked."""
    declined = _abstain(query, result, notices, k)
    if result.missing not in ("year", "place") or not result.hits:
        return declined
    dropped = {"year": {"years": []}, "place": {"jurisdictions": []}}[result.missing]
    offered = compose_answer(replace(query, **dropped), SearchResult(result.hits), notices, weigh, k, children, tuning)
    if offered.abstained:
        return declined
    if query.lang == "en":
        text = f"The ingested documents do not cover what was asked ({result.empty_reason}). What they do say:\n"
    else:
        text = f"{result.empty_reason}，无法回答所问的内容。现有文件中的相关内容如下，仅供参考：\n"
    return Answer(query.text, text + offered.text, True, offered.citations, confidence=offered.confidence)


def _detail_missing(query: Query, result: SearchResult, notices: dict[str, Notice], k: int,
                    confidence: float | None, english: str, chinese: str) -> Answer:
    """Declined because the best clause speaks of what is asked and lacks the detail, with the reason given in
    the question's language: no other level's notices are searched for it (Answer.detail_missing)."""
    reason = english if query.lang == "en" else chinese
    return replace(_abstain(query, replace(result, empty_reason=reason), notices, k, confidence), detail_missing=True)


def _abstain(query: Query, result: SearchResult, notices: dict[str, Notice], k: int,
             confidence: float | None = None) -> Answer:
    closest: list[str] = []
    for h in result.hits:
        notice = notices.get(h.chunk.notice_id)
        title = notice.title if notice else h.chunk.notice_title
        if title not in closest:
            closest.append(title)
    closest = closest[:3]
    reason = result.empty_reason
    if query.lang == "en":
        text = "The ingested documents do not answer this question" + (f" ({reason})" if reason else "") + "."
        if closest:
            text += " Closest notices: " + "；".join(f"《{t}》" for t in closest)
    else:
        text = "现有文件中没有找到能回答这个问题的条款" + (f"（{reason}）" if reason else "") + "。"
        if closest:
            text += "最接近的文件：" + "、".join(f"《{t}》" for t in closest) + "。"
    citations = [Citation(i, shown_chunk(h.chunk), notices.get(h.chunk.notice_id), h.score)
                 for i, h in enumerate(result.hits[:k], 1)]
    return Answer(query.text, text, True, citations, confidence=confidence)
