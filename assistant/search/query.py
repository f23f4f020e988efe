"""Query understanding: what a question asks about (place, year, 文号, kind) and its search terms.

Pure functions over the question text and data files in assistant/data; no index or model needed.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import cn2an

from assistant.models import QuestionKind
from assistant.wordlists import read_words
from assistant.govdocs.cleaning import to_simplified
from assistant.govdocs.departments import departments_in
from assistant.govdocs.patterns import DOC_NUMBER, DOC_TYPES, normalize_doc_number
from assistant.govdocs.places import ancestors, find_places, gazetteer, level_name, names_central_body, place_spans

_DATA = Path(__file__).parent / "data"
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_MONTH = re.compile(r"(?<!\d)(1[0-2]|[1-9])\s*月份?")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff〔〕\[\]（）()0-9０-９%％.·—\-]{2,}")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9\-']*|\d+(?:\.\d+)?")

# The measure words that count the items of a list (哪三个片区, 哪几项, 哪三道防线, 分哪几步), not those of time (哪几天).
ITEM_CLASSIFIERS = "个项条类种件批家所座处道步点招级层"

# Question kinds, tried in this order; a question may have several (谁负责？啥时候完成？).
# Numbers an English question counts items in (which six rivers, the three measures).
EN_NUMBERS = "two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_EN_COUNT = {w: n for n, w in enumerate(EN_NUMBERS.split("|"), start=2)}
_EN_ASKED_COUNT = re.compile(rf"\b(?:which|what|name|list)(?: the)?\s+({EN_NUMBERS}|\d{{1,2}})\s+[a-z]", re.IGNORECASE)


_KIND_RULES: list[tuple[str, re.Pattern]] = [
    ("metadata", re.compile(
        r"文号|发文|印发|签发|落款|发布日期|哪天发|什么时候发|何时发|哪个(?:单位|部门|机关)(?:印)?发|哪一?期|公报|"
        # who issued it (哪几个部委联合下的, 哪些部门联合发布的)
        r"(?:哪|几)[几个些家]*(?:部门|部委|单位|机关|机构)[^，,。？?]{0,4}(?:联合)?(?:下发|发布|下的|发的|出的|出台|印发)|"
        # when, where and by whom a report was delivered (哪天、在什么会上作的？谁作的报告？): its subtitle says
        r"谁[^，,。？?]{0,10}作的|作的报告|(?:哪天|什么时候|何时|什么时间)[^，,。？?]{0,8}作的|在(?:哪次|哪个|什么)会(?:议)?上|"
        r"document number|issued|issuing|\bissue\b|signed|\bsign\b|which (?:office|body|authority) (?:issued|published)|"
        r"who (?:delivered|gave|presented) the (?:\w+ ){0,4}report|at (?:which|what) (?:meeting|session)|"
        r"date of (?:the )?(?:notice|document)")),
    # The document or rule a notice rests on: 依据哪部法规, 贯彻省里哪个文件.
    ("basis", re.compile(
        r"(?:依据|根据|按照|依照|贯彻|落实|引用)(?:的是|了)?(?:哪|什么)|(?:哪部|哪个|哪份)(?:法|条例|文件|办法|规章)|"
        r"based on (?:which|what)|under which (?:law|regulation|rule|document)|which (?:law|regulation|document)")),
    ("who", re.compile(
        r"谁|哪[一两几三四五]?位|哪[两几三四五]?个人|哪个部门|哪些部门|哪个单位|哪些单位|哪家单位|什么部门|什么单位|哪个机构|什么机构|责任单位|牵头|负责|配合|主办|承办|分管|协管|"
        r"\bwho(?:m|se)?\b|which (?:department|unit|bureau|office|body|agency|company|official|leader)s?|responsible|in charge|"
        r"\blead(?!ing (?:group|team)s?\b)|\bassist|organi[sz]er")),
    ("when", re.compile(
        r"什么时候|啥时候|啥时|几时|何时|哪天|哪一天|哪一?年(?!度|级)|哪一?个?月|哪个?季度|几月|几号|日期|截止|时限|期限|多久|多长时间|之前|前完成|什么时间|几点|"
        r"(?<![这那前后头好十])(?:几天|几日|几个月|几周|几个星期|几个?小时|几个工作日)|多少天|多少个?工作日|多少个?小时|"
        r"\bwhen\b|deadline|by when|what date|which date|how long|how quickly|time limit")),
    # How to reach an office: a number to call, an address to post to, an e-mail (not 打电话上报, which asks when).
    ("contact", re.compile(
        r"(?:电话|手机|号码|热线|邮编|邮政编码)(?:号码?)?(?:是)?(?:多少|几号|是什么|有吗|有没有)|(?:什么|哪个|哪些|几个)(?:电话|号码|热线|邮箱|地址)|"
        r"打(?:什么|哪个|哪)|联系(?:电话|方式)|(?:怎么|怎样|如何|咋)(?:跟[^，,。？?]{1,6})?联系(?=[？?，,。呢吗啊]|$)|"
        r"(?:咨询|举报|服务|申报)电话|电话和邮箱|邮箱(?:是|地址)|"
        r"寄(?:到|往|给)?(?:哪|什么地方)|地址(?:是|在)?(?:哪|什么)|"
        r"(?:phone|telephone|hotline) number|e-?mail address|mailing address|(?:which|what) (?:number|address)|"
        r"where (?:do|should|can) (?:i|we) (?:mail|send|post)")),
    ("figure", re.compile(
        r"多少|(?<![这那前后头好十])几(?:个|家|名|项|座|处|所|次|年|件|条)|比例|占比|增长率|增速|增长了|目标是|指标|达到|"
        r"how many|how much|what share|what percentage|what proportion|\brate\b|\bratios?\b|target|\bfigures?\b|"
        r"number of|growth")),
    ("list", re.compile(r"哪些|有哪几|列出|包括什么|包含哪|都有|分别是|"
                        rf"哪\s*(?:[两二三四五六七八九十几]+|\d{{1,2}})\s*(?:[{ITEM_CLASSIFIERS}]|方面)|"  # 是哪三个片区, 哪几项
                        r"which (?:three|two|four|five)|\blist(?:s|ed)?\b|what are|"
                        # which six rivers does…, what working groups were…: which/what and a plural noun asked of
                        # (not 'ss', 'us', 'is': what progress has…, what status is…)
                        rf"\b(?:which|what)\s+(?:(?:{EN_NUMBERS}|\d{{1,2}})\s+)?(?:[a-z'-]+\s+){{0,2}}"
                        r"[a-z'-]*[a-hj-rtv-z]s\s+(?:are|were|do|does|did|have|has|had|will|would|should|must|can|"
                        r"is|was)\b")),
    # Which documents a gazette issue or file holds: 这期公报发布了哪些文件 / 第7期收录了几份通知.
    ("contents", re.compile(
        r"(?:公报|本期|这期|该期|一期|第\s*\d+\s*期|期里|期中|文件汇编|汇编)[^？?。]{0,20}?"
        r"(?:哪些|哪几|什么|几份|几个|多少)(?:份|个|篇)?(?:文件|通知|决定|公文|规范性文件)|"
        r"(?:收录|刊登|刊发|刊载)了?(?:哪些|哪几|几份|多少)|"
        r"which (?:documents|notices|papers) (?:are|were|does|did)[^?]{0,40}(?:gazette|issue|bulletin)")),
]
_KIND_RULES_BY_NAME = dict(_KIND_RULES)
# Questions about money need a figure in 元 as the answer, not any number.
_MONEY = re.compile(r"多少钱|多少元|几块钱|几元|工资|薪酬|薪资|薪水|月薪|年薪|资金|经费|奖金|奖励|预算|补贴|补助|补偿|投资额|价格|价钱|单价|"
                    r"money|budget|fund|bonus|prize|subsid|compensation|"
                    r"how much (?:money|funding)")
# ...but only when the question asks for an amount: 补偿方案是谁制定的 is not a money question.
# ...asked in a clause that asks (报送补助的人数和金额，每月几号前报？ asks a date: 几号 is no amount).
_AMOUNT_ASK = re.compile(r"多少|几(?![号月点时天日周])|金额|总额|标准|预算|经费|奖金|什么价|单价|"
                         r"how much|how many|amount|total|budget|bonus|prize")
# ...or the day something starts (什么时候开始跑的, 从什么时候起停征): a time of day (7:00-19:00) does not say it.
_ASKS_DAY = re.compile(r"哪一?天|几号|几月几[日号]|哪个日子|什么日期|具体日期|which day|what date|"
                       r"(?:什么时候|啥时候|何时|什么时间)(?:开始|起|之前|以前|前)|从(?:什么时候|啥时候|何时|哪天)|"
                       # when it ends (优惠到什么时候结束, 哪天截止): an end day, not a span (7*24小时服务)
                       r"(?:什么时候|啥时候|何时|什么时间)(?:结束|截止|为止|到期)|到(?:什么时候|啥时候|何时)(?:为止)?(?=[？?，,。]|$)")
# The time of day (每天几点到几点, 哪个时段能打通, what time does it open): hours, not a day.
# Not 哪几点要求 (which few points).
_ASKS_HOUR = re.compile(r"(?<![哪有])几点(?:钟|半|到|至|开|关|上班|下班|营业|办公|前|以前|之前|后|以后|之后|截止|结束|开始|可以|能|[？?，,。]|$)|"
                        r"什么时段|哪个时段|哪些时段|\bwhat time\b|\bwhich hours\b|\bopening hours\b")
# When something starts (从哪天开始, 什么时候起施行): a notice says so once, for all its measures (本公告自…起施行).
_ASKS_START = re.compile(r"(?:什么时候|啥时候|何时|什么时间|哪一?天|几号|几月几[日号])(?:开始|起|施行|实施|执行|生效|启动)|"
                         r"从(?:什么时候|啥时候|何时|什么时间|哪一?天|几号|几月几[日号])|when does .{0,40}(?:start|take effect)|"
                         r"\b(?:from|since|starting) (?:when|what date|which date|which day)\b")
# (一个月, 一年 ask per month, per year too; not 一家, 一张: 一家企业最多贷多少钱, 多少钱一张 ask no rate.)
_RATE_UNIT = re.compile(r"每\s*(?:一\s*)?个?(平方米|平米|亩|人|户|月|天|日|年|吨|辆|台|家|次|小时|公里|间|套|名|张|份|学期|课时)|"
                        r"(?<![第这那前后上下头])一个?(月|年|天|日|周|小时|学期)(?![性度])")
# A sum of money asked for (多少钱, a price): a percentage does not answer it, an amount in 元 does.
_ASKS_SUM = re.compile(r"多少钱|几块钱|多少元|几元|价格|价钱|how much money|how much does|\bprice|\bcost\b")
_QUESTIONY = re.compile(r"多少|谁|什么|哪|几|啥|吗|怎么|如何|何时|是否")
# How long something lasts or may take (延多久, 几个工作日内办完, 隔离多少天): a span answers it.
# 这几天, 前几个月, 好几天 tell, they do not ask.
# Where an area ends (征收范围是哪一块, 四至, 哪几条路围起来的, 在不在范围里).
_ASKS_EXTENT = re.compile(r"范围|四至|边界|界线|哪一?块|哪一?片|(?:哪|几)条(?:路|街|马路)|围起来|"
                          r"\bboundar(?:y|ies)|\bextent\b|\barea\b")
_ASKS_DURATION = re.compile(r"多久|多长时间|多长期限|(?<![这那前后头好十第哪])(?:几天|几日|几个月|几周|几个星期|几个?小时|几个工作日|几年)|"
                            r"多少天|多少个?工作日|多少个?小时|多少个月|how long|how many (?:days|weeks|months|hours)")
# How to get something done (怎么买口罩, 如何申请, 要走什么手续, 办理流程): the steps, often one numbered clause each.
_ASKS_PROCEDURE = re.compile(r"(?:怎么|怎样|如何|咋)(?:才能|样才能|去|来)?(?:买|购买|办|申请|申领|领|预约|报名|登记|申报|缴|交|退|提取|订)|"
                             r"(?:什么|哪些|啥)(?:手续|流程|步骤)|(?:办理|申请|申报)(?:流程|步骤|程序)|"
                             r"how (?:do|can|should) (?:i|we) (?:apply|buy|book|register|get|claim)")
# The way to reach an office a question asks for: 打什么电话 a number, 寄到哪里 an address (any, when it names none).
_CONTACT_WAYS = {"phone": re.compile(r"电话|号码|热线|拨打|打哪|打什么|致电|phone|call|hotline"),
                 "email": re.compile(r"邮箱|e-?mail"),
                 "address": re.compile(r"寄|地址|邮编|邮政编码|address|post|mail(?!box)")}
# The number to call asked for itself (电话号码是多少, 热线是多少, what is the phone number).
_ASKS_NUMBER = re.compile(r"(?:电话|号码|热线)(?:号码?)?(?:是)?(?:多少|几号)|(?:phone|telephone|hotline) number")
# What was achieved, not what was planned: 实际增长了多少, 到目前为止建成了几个, 已经完成多少.
ASKS_ACTUAL = re.compile(r"实际|到目前为止|截至目前|截止目前|目前已经|已经(?:建成|完成|实现|达到|增长|发放|到位)|"
                          r"(?:最后|最终)(?:一共|总共|共)?(?:完成|实现|达到|建成|增长|落地)了|"
                          r"actually|so far|to date|has (?:been )?(?:built|completed|achieved)|"
                          r"how (?:much|many|fast) did\b|did [\w' ]{1,40} (?:grow|increase|rise|fall|reach)\b")
# A question about what is planned for the year (今年要改造多少个小区, this year's target) — not one looking back
# (去年完成了多少, 实际增长了多少): a report's review of the past year does not answer it.
_ASKS_PLAN = re.compile(r"今年|本年度?|年内|计划|目标|打算|准备|将要|this year|target|plan")
_LOOKS_BACK = re.compile(r"去年|上一?年|过去|以来|回顾|last year|in the past")
# Relative time words carry no usable year: the corpus decides what "this year" is.
_RELATIVE_YEAR = re.compile(r"今年|本年度|明年|去年|上一年|this year|last year|next year")
# Words of the question itself, not of the topic: they never decide whether a clause answers.
QUESTION_WORDS = set(read_words(_DATA / "question_words.txt"))


@dataclass
class Term:
    """One concept of the question: any of its spellings counts as a match."""

    spellings: tuple[str, ...]
    source: str  # the words of the question it came from
    required: bool = False  # a clause without it cannot answer (a stated month: 10月份 is not 9月份)
    in_story: bool = False  # from the asker's account of themselves, outside the question's focus (weighs less)


@dataclass
class Query:
    text: str  # the question as asked
    lang: str  # "zh" or "en"
    search_text: str  # Chinese text given to BM25 and the embedding model
    jurisdictions: list[str] = field(default_factory=list)  # full place names the question states
    story_places: list[str] = field(default_factory=list)  # those of them named only in the asker's account
    years: list[int] = field(default_factory=list)
    months: list[int] = field(default_factory=list)
    doc_numbers: list[str] = field(default_factory=list)  # normalised 文号
    doc_types: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # figure / who / when / list / metadata / what
    wants_money: bool = False
    wants_sum: bool = False  # the money asked for is a sum in 元 (多少钱), not a share of one
    terms: list[Term] = field(default_factory=list)  # topic terms a clause must cover to answer
    # The clauses that ask ('房租能减免吗？能减多少？'), without a resident's account of themselves
    # ('我在南宁租了国企的门面开店，生意受疫情影响很大'); the whole question when no clause asks.
    asked: str = ""
    # The asking clauses with the clause each follows (听邻居说区里免费换过燃气软管，那次一共换了多少户？):
    # searched beside the whole question when a resident's story is much longer than the question.
    focus: str = ""
    asks_person: bool = False  # who holds a post (组长是谁, 谁分管教育): answered only by a clause naming someone
    asks_duration: bool = False  # how long (延多久, 几天内办完): a span of time answers it as a date does
    asks_procedure: bool = False  # how to get something done (怎么买, 如何申请, 手续): every step of the notice
    asks_judgement: bool = False  # only an opinion or one's own case is asked (起诉能赢吗): no document answers
    # Where an area's limits lie (征收范围是哪一块, 哪几条路围起来的): a clause giving its bounds (东至…西至…) answers.
    asks_extent: bool = False
    asks_day: bool = False  # which day (哪天, 几号, 截止到哪天): a deadline word without its day (时限) does not answer
    asks_hour: bool = False  # what time of day (几点到几点, 哪个时段): a date does not answer it
    asks_start: bool = False  # when something starts (从什么时候开始, 哪天起施行)
    asks_actual: bool = False  # what was achieved (实际增长了多少, 到目前为止建成了几个): a target does not answer it
    asks_plan: bool = False  # what is planned for the year (今年要改造多少个): a review of the past year does not answer it
    contact_ways: list[str] = field(default_factory=list)  # phone / email / address asked for (电话多少？寄到哪里？)
    # A named person's own number or address asked (区长王某的办公电话): only a clause giving one answers — an
    # office's duties or a list naming the person do not.
    asks_personal_contact: bool = False
    # The number itself asked (服务热线是多少, 号码多少): a clause naming the office without it does not answer.
    asks_number: bool = False
    asks_personal_detail: bool = False  # an official's age or birthplace (区长某某多大年纪): no notice says
    # Departments named in what is asked (县民政局具体负责哪些事？): a clause that never names one does not answer.
    departments: list[str] = field(default_factory=list)
    # The unit a sum of money is asked per (每平方米补偿多少钱 → 平方米, 每人每天 → 人, 天): an amount without it
    # (项目总投资12亿元) does not answer.
    rate_units: list[str] = field(default_factory=list)
    names_central_body: bool = False  # names a central body (税务总局, 财政部): its notices answer for any place
    # What a "how many" question counts (接待了多少游客 → 游客): a word no document uses counts nothing there.
    counted: str = ""
    asked_count: int = 0  # how many items a list question expects (五大工程是哪五个 → 5), 0 when it does not say
    besides: list[str] = field(default_factory=list)  # an item the list asked for holds (除了打电话 → 电话)
    # Each question of several asked at once (老旧小区改造多少个？棚改呢？), read on its own with the place, year
    # and kind of the whole: a part the chosen clauses do not cover is searched for by itself.
    parts: list["Query"] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.kinds[0] if self.kinds else "what"

    @property
    def compared_places(self) -> list[str]:
        """The places the question asks about, when it asks about several (甲区和乙区各建多少): not those of
        the asker's own account (我老家在甲省，单位在乙区…), which are no sides of a comparison."""
        return [p for p in self.jurisdictions if p not in self.story_places]

    @property
    def place_asked(self) -> str:
        """The one place the question is about: the one it asks of, beside where the asker is from (我是甲市的，
        来乙区打工…这是乙区的规定吗？ → 乙区), or the only place it names; "" for several or none."""
        if len(self.compared_places) == 1:
            return self.compared_places[0]
        return self.jurisdictions[0] if len(self.jurisdictions) == 1 else ""


@lru_cache(maxsize=1)
def glossary() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(English phrase → Chinese terms, colloquial Chinese → official terms) from data/glossary.json.

    English phrases are keyed by english_key, so any spelling of a phrase finds its entry.
    """
    path = _DATA / "glossary.json"
    if not path.exists():
        return {}, {}
    data = json.loads(path.read_text(encoding="utf-8"))
    # Keys are read as questions are (english_key): "13th five-year plans" is stored as "13 th five year plan".
    # Spellings that read the same share one entry, their Chinese terms merged in file order.
    en: dict[str, list[str]] = {}
    for phrase, chinese in data.get("en", {}).items():
        key = english_key(phrase)
        if not key:
            continue
        merged = en.setdefault(key, [])
        for term in chinese:
            if term not in merged:
                merged.append(term)
    return en, _with_unit_variants(data.get("synonyms", {}))


# The same department is a 局 in a county or city, a 委(员会) in some cities, a 厅 in a province: an abbreviation
# the glossary spells out for one unit (住建局) is spelt out for the others too (住建委, 住建厅).
_UNIT_SPELLINGS = {"局": ("局",), "委": ("委", "委员会"), "厅": ("厅",)}


def _with_unit_variants(synonyms: dict[str, list[str]]) -> dict[str, list[str]]:
    """The glossary's department abbreviations with their other units.

    >>> _with_unit_variants({"住建局": ["住房和城乡建设局"]})["住建委"]
    ['住房和城乡建设委', '住房和城乡建设委员会']
    """
    out = dict(synonyms)
    for short, fulls in synonyms.items():
        unit = short[-1:]
        if unit not in _UNIT_SPELLINGS or len(short) < 3:
            continue
        stems = [re.sub(r"(?:委员会|局|委|厅)$", "", f) for f in fulls if re.search(r"(?:委员会|局|委|厅)$", f)]
        for other, spellings in _UNIT_SPELLINGS.items():
            key = short[:-1] + other
            if other != unit and key not in out and stems:
                out[key] = list(dict.fromkeys(stem + s for stem in stems for s in spellings))
    return out


_LATIN = re.compile(r"[a-z]{2}")


_GLOSSED = re.compile(r"\s*[（(]\s*[\u4e00-\u9fff]+\s*[)）]")


@lru_cache(maxsize=1)
def _english_place_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One regex over every English place name (longest first), and name → full Chinese place name."""
    names: dict[str, str] = {}
    for place in gazetteer().values():
        for english in place.english:
            names.setdefault(english, place.name)
    alternatives = "|".join(re.escape(e) for e in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![a-z])({alternatives})(?:'s)?(?![a-z])"), names


def is_english(text: str) -> bool:
    latin = len(re.findall(r"[A-Za-z]", text))
    cjk = len(re.findall(r"[\u4e00-\u9fff]", text))
    return latin > 2 * cjk


# A question for the holder of a post, not for the body in charge: 组长是谁, 谁兼任办公室主任, 谁分管教育工作,
# "who is the director of". (谁牵头 / 哪个部门负责 ask for a body and are not matched.)
_PERSON_ASK = re.compile(
    r"(?:主任|组长|局长|区长|市长|县长|省长|书记|主席|站长|校长|院长|队长|指挥长|召集人|联系人)(?:是谁|由谁|叫什么|是哪位|由哪位)|"
    r"(?:谁|哪位|哪一位)(?:[副正]?[区市县镇省]长|领导|同志)?(?:来)?(?:担任|兼任|当|分管|主管)|(?:分管|主管)[^，。？?]{0,12}(?:的是谁|是谁|是哪位)|"
    r"哪一?位(?:领导|同志|官员|负责人|专家|嘉宾|发言人)|"
    r"\bwho (?:is|was|serves as)\b.{0,40}\b(?:director|head|leader|chair(?:man|person)?|chief|mayor|secretary)\b|"
    r"\bwho (?:heads|chairs)\b|"
    # who acted at a meeting (是谁主持的, 谁讲的话, 谁作的报告): a person, not the body that held it
    r"谁(?:来)?(?:主持|讲话|讲的话|作的?报告|做的?报告|出席|致辞|签发|带队)|"
    # who spoke for an office at a press conference (由谁回答…问题, 介绍…的是谁): its spokesperson, by name
    r"谁(?:来)?(?:回答|介绍|解读|答记者问)|(?:回答|介绍|解读)[^，。？?]{0,20}(?:的是谁|是谁|的是哪位|是哪位)|"
    r"\bwho (?:chaired|presided|spoke|gave the (?:speech|report)|signed)\b", re.I)


def asks_for_person(text: str) -> bool:
    """Whether a question asks who holds a post.

    >>> asks_for_person("领导小组组长是谁？"), asks_for_person("充电桩建设谁牵头？")
    (True, False)
    """
    return bool(_PERSON_ASK.search(text))


# 电话是多少 / 邮编是多少 asks a way to reach an office, not a figure.
_CONTACT_NUMBER = re.compile(r"(?:电话|号码|热线|邮编|邮政编码|传真)(?:号码?)?(?:是)?(?:多少|几号)")


_WHICH_IS_MORE = re.compile(r"谁(?:定得|定的|的目标|的指标|的)?(?:更|比较|最)?(?:高|低|多|少|大|小|快|慢|早|晚)"
                            r"(?=[？?。，,！!]|呢|吗|啊|$)")


def detect_kinds(text: str) -> list[QuestionKind]:
    # 哪几家单位 asks for a list, not a count; 哪几天 (督查安排在哪几天) asks for dates.
    lowered = re.sub(r"哪几(?![天日号])", "哪些", text.lower())
    lowered = _WHICH_IS_MORE.sub("多少", lowered)  # 两区的目标谁定得高？ compares figures, it asks for no one
    kinds = [QuestionKind(kind) for kind, pattern in _KIND_RULES if pattern.search(lowered)]
    if QuestionKind.FIGURE in kinds and QuestionKind.CONTACT in kinds and not _KIND_RULES_BY_NAME["figure"].search(
            _CONTACT_NUMBER.sub("", lowered)):
        kinds.remove(QuestionKind.FIGURE)
    return kinds or [QuestionKind.WHAT]


def detect_years(text: str) -> list[int]:
    return sorted({int(y) for y in _YEAR.findall(text) if not _inside_doc_number(text, y)})


def _inside_doc_number(text: str, year: str) -> bool:
    """A year inside a 文号 (张政发〔2023〕4号) names the document, not the period asked about."""
    return any(year in (m.group(2), m.group(4)) for m in DOC_NUMBER.finditer(text)) and text.count(year) == 1


def detect_jurisdictions(text: str) -> list[str]:
    """Places the question names; a city named just before one of its districts (淄博市张店区) is dropped."""
    found = find_places(text)
    lower = text.lower()
    if _LATIN.search(lower):  # the pattern of every English place name is slow: only where English is
        pattern, english_names = _english_place_pattern()
        # Words followed by their Chinese in brackets (Liu Qinggang (刘庆刚)) are that Chinese, read above: a
        # person's name spelt out is no place that happens to be spelt alike.
        found += [english_names[m.group(1)] for m in pattern.finditer(lower)
                  if not _GLOSSED.match(lower, m.end())]
    places = gazetteer()
    result: list[str] = []
    for name in found:
        if name not in result:
            result.append(name)
    parents = {places[n].parent for n in result if n in places}
    result = [n for n in result if not (n in parents and _named_together(text, n, result))]
    # A province or city around another place named (桓台要办的山东选拔赛, 我在济南…山东省的政策) only locates it,
    # unless the two are set side by side (山东省和桓台县的目标各是多少).
    around = {a for n in result for a in ancestors(n)}
    result = [n for n in result if n not in around or _set_beside(text, n, [o for o in result if o != n])]
    # 市里和某区的规定: "the city" set beside a named district is that district's city (省里: its province);
    # 我在桓台县教书，市里有什么安排 asks the county's question of its city, no comparison.
    # The city may be named by its government (市政府办的方案和某区的方案): the word opens its phrase.
    for word, level in _WIDER_PLACE_WORDS:
        if re.search(rf"(?:^|[，,。？?！!\s]){word}[^，,。？?和与跟及、]{{0,20}}(?:和|与|跟|及|、)|(?:和|与|跟|及|、){word}",
                     text) or _asked_of_apart(text, word, result):
            result += [a for n in list(result) for a in ancestors(n)
                       if level_name(a) == level and a not in result][:1]
    return result


# The words for "the city" and "the province" of a place named (市里, 市级, 市政府; 省里…), and their level.
_WIDER_PLACE_WORDS = ((r"市(?:里|级|政府办公室|政府办|政府)", "city"), (r"省(?:里|级|政府办公厅|政府)", "province"))


def _asked_of_apart(text: str, word: str, places: list[str]) -> bool:
    """Whether one question sentence opens with the word for "the city" (市里的方案要求多少？) and another asks of a
    place named (某区的目标又是多少？): the two are asked side by side."""
    sentences = [s for s in QUESTION_SENTENCE.findall(text) if re.search(r"[？?]|呢", s)]
    opening = [i for i, s in enumerate(sentences) if re.match(rf"\s*(?:那|那么|而)?\s*{word}", s)]
    named = [set(find_places(s)) for s in sentences]
    return any(i != j and named[j] & set(places) for i in opening for j in range(len(sentences)))


def _set_beside(text: str, name: str, others: list[str] = ()) -> bool:
    """Whether the text sets the place beside another (甲和乙, 甲、乙, 甲与乙相比; 甲的目标是5%，乙的呢？): a
    comparison, not a location."""
    def spelled(place: str) -> str:
        short = gazetteer()[place].short if place in gazetteer() else ""
        return "|".join(re.escape(s) for s in (place, short) if s)

    if re.search(rf"(?:{spelled(name)})[^，,。？?和与跟及、]{{0,12}}?(?:和|与|跟|及|、|相比|对比)|"
                 rf"(?:和|与|跟|及|、|对比)\s*(?:{spelled(name)})", text):
        return True
    # 乙的呢？ asks of another place what the sentence before asked of this one.
    return any(re.search(rf"(?:^|[，,。？?！!；;])\s*(?:那|那么|而)?\s*(?:{spelled(p)})[\u4e00-\u9fff]{{0,4}}?的?呢", text)
               for p in [name, *others])


def _named_together(text: str, parent: str, names: list[str]) -> bool:
    short = gazetteer()[parent].short if parent in gazetteer() else parent
    children = [n for n in names if n in gazetteer() and gazetteer()[n].parent == parent]
    for child in children:
        child_short = gazetteer()[child].short or child
        if re.search(rf"(?:{re.escape(parent)}|{re.escape(short)})\s*{re.escape(child_short)}", text):
            return True
    return False


# A person's name in pinyin (Chen Xiaodong, Bai Qingshan): a capitalised surname and given name.
_ROMANIZED_NAME = re.compile(r"\b([A-Z][a-z]{0,5})[ -]([A-Z][a-z]{1,11})\b")
_ROMANIZED_WORD = re.compile(r"\b([A-Z][a-z]{5,15})\b")


def romanized_names(text: str) -> list[tuple[str, str]]:
    """Pairs of capitalised words in an English question that may be a Chinese name in pinyin, as (surname,
    given name) in lowercase; which are names is decided by the corpus's words (Searcher.names_in_pinyin).

    >>> romanized_names("Who does Chen Xiaodong assist in Huantai?")
    [('chen', 'xiaodong'), ('', 'huantai')]
    """
    if not is_english(text):
        return []
    pairs = list(dict.fromkeys((a.lower(), b.lower()) for a, b in _ROMANIZED_NAME.findall(text)))
    # A place or thing the documents name, in pinyin as one word (Xiaotangshan-style hospitals, firms in Yizhuang):
    # ("", word); the corpus's words say which are Chinese.
    in_pairs = {w for pair in pairs for w in pair}
    words = [w.lower() for w in _ROMANIZED_WORD.findall(text)]
    return pairs + list(dict.fromkeys(("", w) for w in words if w not in in_pairs))


def with_names(query: Query, names: dict[str, str]) -> Query:
    """The query with the Chinese names found for its pinyin ones (and not written in it) as terms and search
    words."""
    new = {romanized: chinese for romanized, chinese in names.items() if chinese not in query.search_text}
    if not new:
        return query
    return replace(query, terms=query.terms + [Term((chinese,), romanized) for romanized, chinese in new.items()],
                   search_text=query.search_text + " " + " ".join(new.values()))


def translate_english(text: str) -> tuple[list[Term], list[str]]:
    """Glossary terms found in an English question, and the Chinese words it already contains."""
    en, _ = glossary()
    words = english_words(text)
    terms: list[Term] = []
    max_len = max((k.count(" ") + 1 for k in en), default=1)
    i = 0
    while i < len(words):
        for size in range(min(max_len, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + size])
            if phrase in en:
                terms.append(Term(tuple(en[phrase]), phrase))
                i += size
                break
        else:
            i += 1
    chinese = [m.group(0) for m in _CJK_RUN.finditer(text) if re.search(r"[\u4e00-\u9fff]", m.group(0))]
    return terms, chinese


# How English is read, the same for glossary keys and questions (english_words).
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "′": "'", "`": "'", "“": '"', "”": '"'})
_POSSESSIVE = re.compile(r"(?<=[a-z])'(?:s\b)?")  # people's → people, farmers' → farmers
_SEPARATORS = re.compile(r"[-‐‑‒–—―/\\_]+")  # five-year, rain/sewage
_ENGLISH_WORD = re.compile(r"[a-z]+|\d+(?:\.\d+)?")  # letters and digits apart: 13th → 13 th, 5g → 5 g


def english_words(text: str) -> list[str]:
    """The words of English text as the glossary reads them: lowercase, singular, without possessive 's;
    hyphens and slashes part words, and digits part from letters.

    >>> english_words("The 13th Five-Year Plans' charging/swapping stations")
    ['the', '13', 'th', 'five', 'year', 'plan', 'charging', 'swapping', 'station']
    """
    text = _POSSESSIVE.sub("", text.lower().translate(_QUOTES))
    return [_singular(w) for w in _ENGLISH_WORD.findall(_SEPARATORS.sub(" ", text))]


def english_key(text: str) -> str:
    """The glossary key of an English phrase: every spelling of it ("13th five-year plans",
    "13 th five year plan") gives the same key."""
    return " ".join(english_words(text))


def _singular(word: str) -> str:
    word = word.removesuffix("'s").removesuffix("'")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Which one or that one (哪两个人, 哪几位, 那一类, 这批): pointing words, not the topic (两个, 一类 are corpus words).
_POINTING = re.compile(r"[哪那这][一两几三四五六七八九十]?(?:[个位家所项条种类批些份次名件块笔桩回场张]|部分)|"
                       # a span of the asker's recent past (这两年生意不好, 这几天): when it happened, no topic
                       # (not 前三个月: a rule may grant it)
                       r"[这那][一两几三四五六七八九十]{1,2}(?:年|天|个月|个星期|周)|"
                       # the places compared, counted (两个区, 这三个县): they are named elsewhere in the question
                       r"[两三四五几]个(?:区县|区|县|市|省|镇|街道|地方|城市)")
# An official's own number or home address asked (区长王某的办公电话, 王局长的手机, 入选的某某，他的手机号): by the
# post, with or without the name, or by 他/她 (a name alone is not read: the tagger takes 养老金 for one).
_OFFICIAL_POST = r"(?:[省市区县镇]长|书记|主任|局长|处长|科长|组长|校长|院长)"
_PERSONAL_CONTACT = re.compile(
    rf"(?:(?:{_OFFICIAL_POST}|同志|先生|女士)(?:[\u4e00-\u9fff]{{2,3}}?)?|[他她])的?"
    r"(?:办公|个人|私人|家庭)?(?:电话|手机|号码|联系方式|邮箱|微信|住址|地址)(?![上里中])")  # not 他手机上装哪个APP
# An official's own life (区长某某是哪里人、多大年纪): by the post, with or without the name (not 他/她, which a
# resident says of a relative: 他的老家在河南，养老金能转吗).
_PERSONAL_DETAIL = re.compile(
    rf"(?:{_OFFICIAL_POST}|分管[\u4e00-\u9fff]{{1,6}}?的|领导|负责人)(?:[\u4e00-\u9fff]{{2,3}}?)?的?[，,、]?(?:今年|现在|目前|如今)?"
    r"(?:是)?(?:哪里人|哪儿人|哪的人|多大(?:年纪|岁数|了)|年纪|年龄|岁数|籍贯|生日|出生年月|学历|老家|家乡)")
# Where an event is held (在哪儿办, 在哪个场馆): the words that ask it are no topic (the glossary adds 地点 to the search).
_WHERE = re.compile(r"(?:在|到|去)?(?:哪里|哪儿|哪|什么地方|啥地方)(?=办|举办|举行|开|比|召开|进行)|"
                    r"哪个(?:场馆|地方|场地|会场|地点)")
# A modal the tokenizer may join to the word before it in everyday questions (房租能减多少 → 房租能 + 减).
_TRAILING_VERB_WORDS = "能要会可都也就还才又该"
# A verb's result or direction put after it (公开出来, 定下来, 办起来) at the end of what is asked: the verb is the
# topic; joined to it, the tokenizer makes one unknown word no notice uses.
_RESULT_AFTER_VERB = re.compile(r"(?<=[\u4e00-\u9fff])(?:出来|起来|下来)(?=[了的吗没呢啊不？?，,。！!]|$)")
# The asker's own people and places (我妈, 俺爹, 咱村): who asks, never what is asked about.
_FIRST_PERSON = re.compile(r"[我俺咱]")
# From when (从哪天起, 什么时候开始): words that ask the day, cut by the tokenizer into 天起, 开始 as if topics.
_FROM_WHEN = re.compile(r"(?:从|自)?(?:哪一?天|什么时候|啥时候|何时|几月几[号日]|几号)(?:起|开始)")
# A name in quotation marks: 2–12 characters of Chinese, letters or digits.
_QUOTED_NAME = re.compile(r"[“\"「『]([\u4e00-\u9fffA-Za-z0-9]{2,12})[”\"」』]")
# A yes-or-no question asked by repeating the verb (能不能, 是不是, 会不会, 有没有, 可不可以) asks as 是否 does;
# tokenized, it leaves 不能, 不是, 没有 behind as if the question were about a prohibition.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1|可不可以")
# (金奖 only after a verb: 资金奖励 holds the characters 金奖 too)
_OUTCOME = re.compile(r"冠军|亚军|季军|第[一二三1-3]名|[一二三1-3]等奖|特等奖|夺冠|(?<=[获得拿了])[金银铜]奖")
_EDITION = re.compile(r"第\s*(\d{1,3}|[一二三四五六七八九十百]{1,4})\s*(届|批)")
QUESTION_SENTENCE = re.compile(r"[^。！？?!]+[。！？?!]*")
# The asker speaking of themselves (我爸在上海…, 俺家…), not asking (我想问…, 我想知道…).
_OWN_ACCOUNT = re.compile(r"(?:我|俺|咱)(?!想问|想知道|想了解|想咨询|问一?下|请问)")


def chinese_terms(text: str, tokenize) -> list[Term]:
    """Topic terms of a Chinese question: its tokens minus question words, places and years, with synonyms."""
    _, synonyms = glossary()
    place_words = _place_words()
    terms: list[Term] = []
    seen: set[str] = set()
    for phrase, official in synonyms.items():
        if phrase in text and phrase not in seen:
            seen.add(phrase)
            # 谁牵头 → 牵头/责任单位 helps search, but which clause answers is decided by the topic words.
            if phrase not in QUESTION_WORDS and not _QUESTIONY.search(phrase):
                terms.append(Term((phrase, *official), phrase))
    for found in _MONTH.finditer(text):
        month = found.group(1)
        # A month of the asker's own account (我爸的登记5月到期) is no month the answer must speak of.
        sentence = next(m.group() for m in QUESTION_SENTENCE.finditer(text) if m.start() <= found.start() < m.end())
        # A day's date (2月20日调研时) names an event, which its notice's other clauses speak of without the
        # date: the month helps find it, but a clause need not repeat it as a reporting month (9月份) must be.
        # So does a month describing the event (5月份办的那场招聘会, 3月印发的方案), not the period asked about.
        dated = bool(re.match(r"\s*\d{1,2}\s*[日号]|(?:份|底|初|中旬|下旬|上旬)?(?:办|举办|开|召开|发|印发|出台|发布|下发)的",
                              text[found.end():]))
        terms.append(Term((f"{month}月",), f"{month}月", required=not (dated or _OWN_ACCOUNT.search(sentence))))
        seen.add(month)
        day = re.match(r"\s*(\d{1,2})\s*[日号]", text[found.end():])
        if day:
            # The day as one term (2月17日): its number alone (17) would match any clause holding 17.
            date = f"{month}月{day.group(1)}日"
            terms.append(Term((date, f"{month}月{day.group(1)}号"), date))
            seen.add(day.group(1))
    for found in _OUTCOME.finditer(text):
        # Who won (拿了冠军, 一等奖是哪个项目): plans and notices announce contests, only a result names a winner.
        terms.append(Term((found.group(0),), found.group(0), required=True))
        seen.add(found.group(0))
    for found in _EDITION.finditer(text):
        # A stated edition or batch (第二十一届, 第3批) is what is asked about: the 20th festival does not answer.
        number = found.group(1)
        count = count_of(number)
        # The first is often called so (首批, 首届) or not numbered at all (本期): 首 spells it too.
        spellings = tuple(dict.fromkeys([found.group(0), f"第{count}{found.group(2)}",
                                         f"第{cn2an.an2cn(str(count))}{found.group(2)}"]
                                        + ([f"首{found.group(2)}"] if count == 1 else [])))
        terms.append(Term(spellings, found.group(0), required=True))
        seen.update([found.group(0), found.group(0)[1:], number])
    for found in _QUOTED_NAME.finditer(text):
        # A name in quotation marks (扫“某某通”, “一网通办”) is one term: cut up, a place word in it would be
        # dropped and the rest lost in everyday words.
        name = found.group(1)
        if name not in seen and name not in QUESTION_WORDS:
            terms.append(Term((name, *synonyms.get(name, [])), name))
            seen.add(name)
    # The places named are cut out first: the tokenizer would cut across two names written together
    # (广西南宁 → 广西/西南/南宁) and leave a piece of them as a topic.
    to_cut = _POINTING.sub(" ", _A_NOT_A.sub(" ", _WHERE.sub(" ", _FROM_WHEN.sub(" ", _without_places(text)))))
    # A day named is a term already: cut out, its last character does not start another word (5月20日前 → 日前);
    # nor is a small bare count (两个).
    to_cut = _BARE_COUNT.sub(" ", _DAY_NAMED.sub(" ", to_cut))
    for token in tokenize(_RESULT_AFTER_VERB.sub("", to_cut)):
        if len(token) >= 2 and token[-1] in _TRAILING_VERB_WORDS and not _is_known_word(token):
            # 房租能减多少 cut as 房租能: the word is 房租 (最多能 → 最多, a question word; 一个人能 → 一个/人能:
            # 人, one character, is no topic).
            token = token[:-1]
        if token in seen or token in QUESTION_WORDS or token in place_words or _YEAR.fullmatch(token):
            continue
        if any(token in t.source for t in terms):
            continue  # already part of a longer synonym phrase
        if (len(token) == 1 and not token.isdigit()) or _FIRST_PERSON.match(token):
            continue
        seen.add(token)
        terms.append(Term((token, *synonyms.get(token, []), *_numeral_spellings(token)), token))
    return _drop_subterms(terms)


# A small count with the general measure word only (两个, 三个): it names nothing (两个截止时间分别是哪天, 前两个
# 聘期); a span of time does (三个月, 5个工作日), and so does a count in figures (那95个出入口).
_BARE_COUNT = re.compile(r"(?<![\d零一二两三四五六七八九十百千])[一二两三四五六七八九十]个"
                         r"(?!月|工作日|小时|星期|季度|百分点)")
_DAY_NAMED = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]")
# A count and its unit (一年, 三个月, 15天): documents write the count in either numerals.
_COUNT_WITH_UNIT = re.compile(r"([零一二两三四五六七八九十百千]+|\d+)(个月|年|天|日|周|个|次|人|倍|元|万元)")


def _numeral_spellings(token: str) -> tuple[str, ...]:
    """The token's count in the other numerals (一年 → 1年, 3个月 → 三个月), when it is a count and its unit.

    >>> _numeral_spellings("一年"), _numeral_spellings("3个月"), _numeral_spellings("一直")
    (('1年',), ('三个月',), ())
    """
    found = _COUNT_WITH_UNIT.fullmatch(token)
    if not found:
        return ()
    number, unit = found.groups()
    try:
        other = cn2an.an2cn(number) if number.isdigit() else str(count_of(number))
    except ValueError:
        return ()
    return (other + unit,)


def _without_places(text: str) -> str:
    for _, (start, end) in reversed(place_spans(text)):
        text = text[:start] + " " + text[end:]
    return text


@lru_cache(maxsize=4096)
def _is_known_word(token: str) -> bool:
    """Whether jieba's dictionary lists the token (新动能, 可能 are words; 房租能 is a cut the tokenizer made up)."""
    import jieba

    jieba.initialize()  # the dictionary loads lazily: uninitialized, every word would look unknown
    return bool(jieba.get_FREQ(token))


def _drop_subterms(terms: list[Term]) -> list[Term]:
    """jieba's search mode yields 充电 and 充电桩: keep the longest, it is the concept."""
    sources = [t.source for t in terms]
    return [t for t in terms if not any(t.source != s and t.source in s for s in sources)]


@lru_cache(maxsize=1)
def _place_words() -> set[str]:
    words = set()
    for place in gazetteer().values():
        words.add(place.name)
        if place.short:
            words.add(place.short)
    return words | {"区", "市", "县", "全区", "全市", "本区", "本市"}


FOCUS_SHARE = 0.6  # below this share of the question the asking part is searched on its own too

# A clause asks when it holds a question word or mark; the others tell the asker's story.
# 这么/那么 and 十几/好几 do not ask (长这么大, 十几里山路); 咋/啥 do (每天来回咋整).
_ASKING = re.compile(r"[?？]|吗|(?<![这那多])么|多少|(?<![十百千万好这那前后头])几(?!乎)|哪|谁|何|怎|咋|啥|是否|能否|可否|"
                     r"有没有|是不是|"
                     r"\b(?:what|which|who|when|how|whether|is|are|does|do|can)\b", re.I)
_ALWAYS_ASKING = re.compile(r"吗|(?<![这那多])么|多少|怎|咋|是否|能否|可否|有没有|是不是")
_CLAUSE = re.compile(r"[^，,。！？?!；;]+[，,。！？?!；;]*")


# An asking clause that opens by pointing back (这是…, 那这个…, 请问此事…) at what the asker has just told.
_POINTS_BACK = re.compile(r"\s*(?:请问|想问一?下|问一?下)?\s*(?:那么?)?\s*(?:这|那|此)(?!里|儿|边|些年|几年|时候)")
_SENTENCE_ENDS = ("。", "！", "!", "？", "?", "；", ";")
# The asker's case, told before, named by the question (政府对我们这种情况有没有说法？ 像我这样的能领吗？).
_SITUATION_TOLD = re.compile(r"(?:这|那)(?:种|个|样的?)?(?:情况|情形|事儿?|问题)|像我(?:们)?(?:这|那)样")
# Asking whether what the asker heard is true (真有这回事吗, 是真的吗, 属实吗): what was heard is what is asked.
_CHECKS_TRUTH = re.compile(r"真有(?:这|那|此)|有(?:这|那)(?:回|种|个)?事|(?:是|当)真的?吗|是不是真的|真的假的|属实|"
                           r"是不是(?:谣言|瞎说|乱说)|(?:是|算)(?:谣言|瞎说)吗")
# A clause telling what the asker heard (听邻居说…, 据说…, 网上传…).
_HEARSAY = re.compile(r"听[^，,。？?！!]{0,8}?说|听说|据说|传言|传闻|(?:网上|群里|朋友圈)[^，,。？?！!]{0,4}(?:传|说)")


def _sentence_start(clauses: list[tuple[str, bool]], i: int) -> int:
    """The index of the first clause of the sentence clause i is in."""
    while i and not clauses[i - 1][0].rstrip().endswith(_SENTENCE_ENDS):
        i -= 1
    return i


def focus_of(text: str, max_share: float = FOCUS_SHARE) -> str:
    """The asking clauses of a question, each with the clause before it (which often names what "那次" or
    "这个" refers to); "" when that is most of the question anyway.

    >>> focus_of("我家在城东，孩子今年七岁，老人带着。听说区里新建了学校，今年能招多少学生？")
    '听说区里新建了学校，今年能招多少学生？'
    >>> focus_of("我家在城东，老人带孙子，我们俩都上班，孩子上初中，家里事多。上周有人来给换了水表，没收钱。请问这是谁安排的？换了多少户？")
    '上周有人来给换了水表，没收钱。请问这是谁安排的？换了多少户？'
    """
    clauses = _clauses_asking(text)
    keep = set()
    for i, (clause, asks) in enumerate(clauses):
        if asks:
            keep.update((i - 1, i) if i else (i,))
            if _SITUATION_TOLD.search(clause):
                keep.update(range(i))  # the case is all the asker has told
            if i and _POINTS_BACK.match(clause) and clauses[i - 1][0].rstrip().endswith(_SENTENCE_ENDS):
                # 请问这是谁组织的？ opens a sentence: what 这 points to is told in the sentence before, whole.
                keep.update(range(_sentence_start(clauses, i - 1), i))
            if "它" in clause:
                # 新盖了个某某小学，楼挺气派，可它今年招不招生？: "it" is named earlier in the sentence.
                keep.update(range(_sentence_start(clauses, i), i))
            if _CHECKS_TRUTH.search(clause):
                # 听老李说县里要用地热水供暖，我觉得他瞎说，真有这回事吗？: from what was heard on is asked.
                heard = [j for j in range(i) if _HEARSAY.search(clauses[j][0])]
                if heard:
                    keep.update(range(heard[-1], i))
    focus = "".join(c for i, (c, _) in enumerate(clauses) if i in keep)
    return focus if keep and len(focus) <= max_share * len(text) else ""


# An opinion or a forecast (你觉得哪个效率高, 起诉能赢吗, 谁占理, 目标是不是太保守) or the state of one's own case
# (帮我查查工单办到哪一步; a task's progress in a report is no case of one's own): documents state rules and targets;
# they neither judge nor track a case.
_JUDGEMENT = re.compile(
    r"你们?(?:认为|觉得|估计|预计|预测|猜|说说)|您(?:认为|觉得|估计|预计|预测)|怎么看|(?:如何|怎么)评价|"
    # a rule or target judged (这个补贴标准合理吗); one's employer's conduct asked about (老板不发工资，这合理吗？) is
    # answered by the rule
    r"(?:是不是|会不会)[^，,。？?]{0,4}太|(?:标准|政策|规定|措施|方案|目标|指标|收费|价格|定得)[^，,。？?]{0,8}(?:合理吗|公平吗)|"
    r"能赢吗|能不能赢|会赢吗|"
    r"谁占理|谁有理|谁对谁错|靠谱吗|值不值|值得吗|划算吗|该买|哪个(?:更)?(?:好|划算|效率更高)|"
    r"帮我查|帮忙查|给我查|查查我|查一下我|(?:工单|诉求|申请|案子)[^。？?，,]{0,6}(?:办|处理|进展|审核|审批)到|(?:审核|审批)到哪一?步|"
    r"(?:处理|办理|审核)结果出来了|钱(?:什么时候|啥时候|哪天)能?到账|"
    # the weather on a day (a forecast or a report, which notices do not give): 天气咋样, 会不会下雨, 下雨没有
    r"天气(?:怎么样|咋样|如何|好不好|怎样)|(?:会不会|会|要)(?:下[暴大中小阵]?[雨雪]|降温|刮风|起风)|下[暴大中小阵]?[雨雪]了?(?:吗|没有|没)|"
    r"(?:气温|天气|今天|明天|后天|下周|周末|白天|晚上|夜里)[^，,。？?]{0,8}多少度|冷不冷|热不热|"  # not 体温多少度
    r"what do you think|in your opinion|do you think|should i (?:buy|invest|sell)|track my", re.I)


def asks_judgement(text: str) -> bool:
    """Whether every clause that asks asks for an opinion, a forecast or the state of one's own case.

    >>> asks_judgement("房东不退押金，我去法院起诉他能赢吗？")
    True
    >>> asks_judgement("今年供暖有没有新办法？听说要用矿井水取暖，靠谱吗？")
    False
    """
    # Read by sentence: the opinion word may open it and the asking word close it (你觉得…，是不是施工单位不行？).
    sentences = [s for s in QUESTION_SENTENCE.findall(text) if any(_ASKING.search(c) for c in _CLAUSE.findall(s))]
    return bool(sentences) and all(_JUDGEMENT.search(s) for s in sentences)


# 多少游客？ 几个接线员呢？: the counted word closes the clause (多少天内要备案 counts no 天内).
# 几大部分, 几大行动: "how many major parts", 大 not the start of the word counted (大部分 "most").
HOW_MANY = re.compile(r"(?:多少|几)\s*(?:个|名|位|家|所|座|处|项|件|条|台|辆|只|头|种|户|人|次|批|大)?\s*"
                       r"((?![个名位家所座处项件条台辆只头种户人次批天年月日])[\u4e00-\u9fff]{2,5}?)"
                       r"(?=[？?。，,！!；;]|$|了|呢|吗|啊)")


def counted_word(asked: str, terms: list[Term]) -> str:
    """The topic word a "how many" question counts, right after 多少/几个 (接待了多少游客 → 游客); '' if none.

    >>> counted_word("一共有多少个接线员？", [Term(("接线员",), "接线员")])
    '接线员'
    """
    for found in HOW_MANY.finditer(asked):
        after = found.group(1)
        if re.match(r"[十百千万亿]", after):
            continue  # 多少万方, 几个亿吨: a magnitude and its unit of measure, nothing counted by name
        if re.search(r"占[了到据]?\s*$", asked[:found.start()]):
            continue  # 占多少分量/比重: a share, whatever the word for it (a percentage answers), nothing counted
        word = next((t.source for t in terms if after == t.source), "")
        if word and not _names_no_thing(word):
            return word
    return ""


# jieba's part-of-speech tags of words that open no name of a thing: adverbs (才, 就, 比较), prepositions, conjunctions,
# particles, pronouns.
_FUNCTION_TAGS = ("d", "p", "c", "u", "r")


@lru_cache(maxsize=4096)
def _names_no_thing(word: str) -> bool:
    """Whether the word after 多少 closes the question, not names what is counted (押金最多退多少才行？, 交多少就可以):
    it opens with a function word, or is one adjective (多少合适？)."""
    import jieba.posseg  # tagged by jieba's dictionary, not a list of ours

    tagged = list(jieba.posseg.cut(word))
    return tagged[0].flag.startswith(_FUNCTION_TAGS) or all(t.flag.startswith(("a", "d")) for t in tagged)


# "除了打电话，还能通过哪些渠道…" names one item of the list it asks for.
_BESIDES = re.compile(r"除了?\s*([^，,。？?！!；;]{1,12}?)\s*(?:以外|之外)?[，,]")


def besides_words(text: str, tokenize=None) -> list[str]:
    """The words of the item a list question names as one it knows (除了打电话 → 打电话, 电话): the list
    holding it is the one asked for. A word's last two characters are its head (打电话 → 电话).

    >>> besides_words("除了打电话，还能通过哪些渠道反映？")
    ['电话', '打电话']
    """
    found = _BESIDES.search(text)
    if not found:
        return []
    words: list[str] = []
    for token in (tokenize or _default_tokenize)(found.group(1)):
        if len(token) < 2 or token in QUESTION_WORDS:
            continue
        head = token[-2:] if len(token) > 2 and re.fullmatch(r"[\u4e00-\u9fff]+", token) else token
        for word in (token, head):
            if word not in words and word not in QUESTION_WORDS:
                words.append(word)
    return words


# 哪十个, 哪三项, 五大工程, 三项措施分别是: the number of items a list question expects.
_ASKED_COUNT = re.compile(rf"哪\s*([两二三四五六七八九十]+|\d{{1,2}})\s*[{ITEM_CLASSIFIERS}方面大]|"
                          r"(?<![第一\d])([两二三四五六七八九十]+|\d{1,2})\s*(?:大|项|个)[\u4e00-\u9fff]{1,8}?"
                          r"(?:分别|具体|都|各)?是(?:哪|什么|啥)")


def stated_count(text: str) -> int:
    """How many items the text says a list has (哪十个 → 10, 三项措施分别是什么 → 3, 五大工程 → 5); 0 if none.

    >>> stated_count("城建方案的五大工程具体是哪五个？"), stated_count("有哪些工程？")
    (5, 0)
    """
    found = _ASKED_COUNT.search(text) or _NAMED_COUNT.search(text)
    if not found:
        return 0
    return count_of(next(g for g in found.groups() if g))


def english_count(text: str) -> int:
    """How many items an English question says a list has (which six rivers → 6); 0 if none.

    >>> english_count("Which six rivers will be improved?"), english_count("Name the 3 measures.")
    (6, 3)
    """
    found = _EN_ASKED_COUNT.search(text)
    if not found:
        return 0
    word = found.group(1).lower()
    return int(word) if word.isdigit() else _EN_COUNT[word]


def count_of(number: str) -> int:
    """A count written in digits or Chinese numerals (12, 十二, 两 → 2).

    >>> count_of("十二"), count_of("两"), count_of("3")
    (12, 2, 3)
    """
    return int(number) if number.isdigit() else int(cn2an.cn2an(number.replace("两", "二"), "smart"))


# A set named by its size: 五大工程, 三大攻坚战, “六个一”, 五项措施 (not 一大批, 第三大).
_NAMED_COUNT = re.compile(r"(?<![第一\d])([两二三四五六七八九十]+|\d{1,2})\s*(?:大|项|个)(?=[\u4e00-\u9fff“\"])")


# 几 that may mean "a few" (几个部门, 种了几亩麦子): not 有几/是几/共几, which ask, nor 好几/这几/第几.
_FEW = re.compile(r"(?<![有是共第十百千万好这那哪])几(?=[个家位名项次条种天年]?[\u4e00-\u9fff])")


# A clause of when or if (两家单位互相推诿的时候，/ 要是几家都不管的话，) sets the scene for the question
# after it; a 谁 or 几 inside it asks nothing (not 什么时候, which asks).
_SETS_THE_SCENE = re.compile(r"(?:(?<!什么)(?<!啥)时候|的话|之后|以后)[，,]$")


def few_not_asked(text: str) -> str:
    """The text with 几 meaning "a few" spelled 多: in a clause that does not ask when a later clause of its
    sentence does (几个部门互相推，由谁来定？), it counts nothing asked.

    >>> few_not_asked("几个部门互相推，由谁来定？"), few_not_asked("有几个片区要改造？")
    ('多个部门互相推，由谁来定？', '有几个片区要改造？')
    >>> few_not_asked("涉及几个单位、互相推诿的时候，由谁来定？")
    '涉及多个单位、互相推诿的时候，由谁来定？'

    """
    out = []
    for sentence in QUESTION_SENTENCE.findall(text):
        clauses = _CLAUSE.findall(sentence)
        for i, clause in enumerate(clauses):
            later = "".join(clauses[i + 1:])
            if i < len(clauses) - 1 and not re.search(r"[?？]", clause) \
                    and (not _ASKING.search(_FEW.sub("多", clause)) or _SETS_THE_SCENE.search(clause)) \
                    and _ASKING.search(_FEW.sub("多", later)):
                clause = _FEW.sub("多", clause)
            out.append(clause)
    return "".join(out) or text


def asking_clauses(text: str) -> str:
    """The clauses of a question that ask something.

    >>> asking_clauses("我在南宁租了国企的门面开店，生意受疫情影响很大，房租能减免吗？能减多少？")
    '房租能减免吗？能减多少？'
    """
    asking = [c for c, asks in _clauses_asking(few_not_asked(text)) if asks]
    return "".join(asking) if asking else text


# The asker saying what they do not know (到底发了多少，我们也不清楚。): told, not asked, when another sentence
# asks with a question mark (区里有没有要求公开？).
_NOT_KNOWING = re.compile(r"不清楚|不知道|不明白|说不清|搞不清|弄不清|搞不懂|没人知道")


def _clauses_asking(text: str) -> list[tuple[str, bool]]:
    """Each clause of the text, and whether it asks."""
    sentences = QUESTION_SENTENCE.findall(text)
    marked = any(re.search(r"[?？]", s) for s in sentences)
    out = []
    for sentence in sentences:
        told = marked and not re.search(r"[?？]", sentence) and bool(_NOT_KNOWING.search(sentence))
        stated = marked and bool(re.search(r"[。！!；;]\s*$", sentence))  # ends as a statement, not left open
        clauses = _CLAUSE.findall(sentence)
        # Where the asker marks questions with ？, a sentence ending in 。 asks only in words that always ask:
        # 几, 啥, 哪, 谁 there say "a few", "anything" (跟几个老乡来打工, 宿舍里啥都缺).
        asking = _ALWAYS_ASKING if stated else _ASKING
        asks = [not told and bool(asking.search(c)) for c in clauses]
        for i, clause in enumerate(clauses):
            # 补贴发了多少一直弄不明白，政府在哪儿公开？: what the asker does not know, told before what they ask
            if asks[i] and _NOT_KNOWING.search(clause) and not re.search(r"[?？]", clause) and any(asks[i + 1:]):
                asks[i] = False
        out += list(zip(clauses, asks))
    return out


def self_told_places(text: str, places: list[str]) -> list[str]:
    """Places the asker names only in telling who they are (我是甲市的，想去乙市转转…乙市的门票…？), when the
    clauses that ask name another: where the asker is from, not what is asked about.

    >>> self_told_places("我是河南的，在北京工地干活。北京对返京有什么要求？", ["河南省", "北京市"])
    ['河南省']
    """
    clauses = _clauses_asking(text)
    asking = [sentence for sentence in QUESTION_SENTENCE.findall(text)
              if re.search(r"[？?]", sentence) or _ASKING.search(sentence)]
    asked = set(detect_jurisdictions("".join(asking)))
    if not asked:
        return []
    told = {p for c, asks in clauses if _tells_of_self(c, asks) for p in detect_jurisdictions(c)}
    return [p for p in places if p in told and p not in asked]


def _tells_of_self(clause: str, asks: bool) -> bool:
    """Whether a clause is the asker telling of themselves (我是河南的, 俺家住…), not asking."""
    return not asks and bool(re.match(r"\s*(?:我|俺|咱)", clause))


def places_of_own_account(text: str) -> set[str]:
    """Places named only where the asker tells of themselves (我爸妈在甲县种地，…能领补贴吗？): where they live,
    not a place asked about.

    >>> sorted(places_of_own_account("我爸妈在河南种地，今年种粮能领补贴吗？"))
    ['河南省']
    >>> places_of_own_account("河南对返乡人员有什么要求？")
    set()
    """
    told: set[str] = set()
    named: set[str] = set()
    for clause, asks in _clauses_asking(text):
        (told if _tells_of_self(clause, asks) else named).update(detect_jurisdictions(clause))
    return told - named


def told_of_self(query: Query) -> Query:
    """The query with a place named only where the asker tells of themselves (我在某区开了家饭店，…社保能缓交吗？)
    read as where they are: the rules of its city and province apply there too, its own favoured."""
    if query.story_places or query.lang != "zh":
        return query
    own = places_of_own_account(query.text)
    told = [p for p in query.jurisdictions if p in own]
    return replace(query, story_places=told) if told else query


def question_parts(text: str) -> list[str]:
    """The sentences of a question that ask, when it asks more than one.

    >>> question_parts("我家住老小区。今年改造多少个小区？棚改呢？")
    ['今年改造多少个小区？', '棚改呢？']
    """
    asking: list[str] = []
    for s in QUESTION_SENTENCE.findall(text):
        if asking and re.match(r"\s*(?:还是|或者|或是)", s):
            asking[-1] += s  # 开始招生了没有？还是光盖好了没用？: the other half of one either-or question
        elif _ASKING.search(s) or s.rstrip().endswith(("呢", "？", "?")):
            asking.append(s)
    return asking if len(asking) >= 2 else []


# A wider level named by its level beside a place (市里和某区各自…, 某县跟省里的规定一样吗): that place's city or
# province is a side of the comparison.
# (not 城市里, 超市里, 夜市里: words ending in 市 that name no city)
_LEVEL_BESIDE = re.compile(r"(?:(?<![城都超菜门夜集股上街黑闹])(?P<a>市|省)(?:里|级|本级)(?:和|与|跟|同|及))|"
                           r"(?:(?:和|与|跟|同|及)(?P<b>市|省)(?:里|级|本级))")


def with_level_named(jurisdictions: list[str], text: str) -> list[str]:
    """The places a question names, and the city or province it names by its level beside one of them.

    >>> with_level_named(["福田区"], "市里和福田区各自的方案，截止时间分别是哪天？")
    ['深圳市', '福田区']
    """
    found = _LEVEL_BESIDE.search(text)
    if not found or not jurisdictions:
        return jurisdictions
    level = "city" if (found.group("a") or found.group("b")) == "市" else "province"
    wider = next((a for p in jurisdictions for a in ancestors(p) if level_name(a) == level), "")
    return [wider] + jurisdictions if wider and wider not in jurisdictions else jurisdictions


def parse_query(text: str, tokenize=None) -> Query:
    """Read a question (Chinese or English) into a Query; tokenize defaults to jieba search mode."""
    asked_as = re.sub(r"\s+", " ", text).strip()
    text = to_simplified(asked_as)  # 補貼 is matched as 补贴; the question is shown as asked
    tokenize = tokenize or _default_tokenize
    lang = "en" if is_english(text) else "zh"
    jurisdictions = with_level_named(detect_jurisdictions(text), text)
    years = [] if _RELATIVE_YEAR.search(text.lower()) and not _YEAR.search(text) else detect_years(text)
    doc_numbers = [normalize_doc_number(m.group(1)) for m in DOC_NUMBER.finditer(text.replace(" ", ""))]
    if lang == "en":
        terms, chinese = translate_english(text)
        # "target", "who is responsible": words of the question, not of the topic (as in Chinese).
        asked = [t for t in terms if t.spellings[0] in QUESTION_WORDS or _QUESTIONY.search(t.spellings[0])]
        terms = [t for t in terms if t not in asked]
        terms += [t for word in chinese for t in chinese_terms(word, tokenize)]
        search_words = jurisdictions + [str(y) + "年" for y in years] + chinese
        search_words += [t.spellings[0] for t in terms + asked if t.spellings[0] not in search_words]
        search_text = " ".join(search_words)
    else:
        terms = chinese_terms(text, tokenize)
        _, synonyms = glossary()
        asked = [w for phrase, official in synonyms.items() if phrase in text and _QUESTIONY.search(phrase)
                 for w in official[:2]]
        extra = [s for t in terms for s in t.spellings[1:2] if s not in text] + asked
        search_text = text + (" " + " ".join(extra) if extra else "")
    terms = [t for t in terms if not any(dn in t.source or t.source in dn for dn in doc_numbers)]
    # The words of what the asker tells before asking weigh less, however much they ask (我爱人是医院的护士，…。
    # 补助一天多少钱？谁出？要交税吗？); the asking part is searched on its own too only when it is short (focus).
    told_around = focus_of(text, max_share=1.0) if lang == "zh" else ""
    focus = told_around if len(told_around) <= FOCUS_SHARE * len(text) else ""
    story_places: list[str] = []
    if told_around:
        terms = [replace(t, in_story=t.source not in told_around.lower()) for t in terms]  # (APP → app)
    if focus:
        # Where the asker works or lives (我在沂源一个厂里上班), named outside what they ask: the answer may be a
        # rule of the city that never names the county (the search widens to it when the county has no notices).
        asked_places = detect_jurisdictions(focus)
        story_places = [p for p in jurisdictions if p not in asked_places]
    if not story_places and len(jurisdictions) >= 2 and lang == "zh":
        story_places = self_told_places(text, jurisdictions)
    doc_types = [d for d in DOC_TYPES if d in search_text]
    lowered = text.lower()
    asked_lowered = asking_clauses(lowered)
    # Money named in what is asked, or just before it (我领的是失业补助金，每月能领多少？), not in a story
    # around it (有个拆迁补偿的问题…信寄到哪个地址？邮编是多少？).
    wants_money = bool(_MONEY.search(focus.lower() or lowered) and _AMOUNT_ASK.search(asked_lowered))
    # 之前投了保险 in a resident's story asks no date: the kinds are read off what is asked (with the clause
    # before it when that is short of the whole question).
    kinds = detect_kinds(few_not_asked(focus or (asking_clauses(text) if lang == "zh" else text)))
    query = Query(
        text=asked_as,
        lang=lang,
        search_text=search_text,
        jurisdictions=jurisdictions,
        story_places=story_places,
        years=years,
        months=[int(m) for m in _MONTH.findall(text)],
        doc_numbers=doc_numbers,
        doc_types=doc_types,
        kinds=kinds,
        wants_money=wants_money,
        wants_sum=wants_money and bool(_ASKS_SUM.search(lowered)),
        terms=terms,
        asked=asking_clauses(text),
        focus=focus,
        asks_person=asks_for_person(text),
        asks_duration=bool(_ASKS_DURATION.search(lowered)),
        asks_procedure=bool(_ASKS_PROCEDURE.search(asked_lowered)),
        asks_judgement=asks_judgement(text),
        asks_actual=bool(ASKS_ACTUAL.search(asked_lowered)),
        asks_plan=bool(_ASKS_PLAN.search(asked_lowered)) and not ASKS_ACTUAL.search(asked_lowered)
        and not _LOOKS_BACK.search(lowered),
        asks_day=bool(_ASKS_DAY.search(asked_lowered)),
        asks_hour=bool(_ASKS_HOUR.search(asked_lowered)),
        asks_start=bool(_ASKS_START.search(asked_lowered)),
        asks_extent=bool(_ASKS_EXTENT.search(asked_lowered)),
        contact_ways=[way for way, p in _CONTACT_WAYS.items() if p.search(asked_lowered)]
        if QuestionKind.CONTACT in kinds else [],
        asks_personal_contact=bool(_PERSONAL_CONTACT.search(text)),
        asks_number=QuestionKind.CONTACT in kinds and bool(_ASKS_NUMBER.search(asked_lowered)),
        asks_personal_detail=bool(_PERSONAL_DETAIL.search(text)),
        departments=departments_in(asking_clauses(text)) if lang == "zh" else [],
        asked_count=stated_count(text) if lang == "zh" else english_count(text),
        counted=counted_word(asking_clauses(text), terms) if lang == "zh" else "",
        besides=besides_words(text, tokenize) if lang == "zh" and QuestionKind.LIST in kinds else [],
        rate_units=list(dict.fromkeys(a or b for a, b in _RATE_UNIT.findall(asked_lowered))) if wants_money else [],
        names_central_body=names_central_body(text),
    )
    if lang == "zh":
        query.parts = [_part_of(query, part, tokenize) for part in question_parts(text)]
    return query


# A yes-or-no question (这样可以吧？ 还照常办吗？ 算不算违规？): no wh-word, and 吗/吧/么/不/没有 closing it or an A-not-A.
_WH_WORD = re.compile(r"多少|(?<![这那前后头好十])几(?!乎)|哪|谁|什么|啥|怎|咋|何|多[长久大高远]")
_YES_NO = re.compile(r"(?:吗|吧|么|不|没有?)\s*[？?。！!]*\s*$|" + _A_NOT_A.pattern)


def is_yes_no(text: str) -> bool:
    """Whether a sentence asks yes or no.

    >>> is_yes_no("周末还能去吗？"), is_yes_no("棚改呢？"), is_yes_no("哪个更高？")
    (True, False, False)
    """
    return not _WH_WORD.search(text) and bool(_YES_NO.search(text))


def _part_of(whole: Query, text: str, tokenize) -> Query:
    """One asked sentence as a query of its own: what it does not state (the place, the year, what kind of
    fact: 棚改呢？) it takes from the whole question."""
    part = parse_query(text, tokenize)
    # 市里的方案要求多少？ of a question that also asks of one of the city's districts: the part is the city's.
    level = next((level for word, level in _WIDER_PLACE_WORDS if re.match(rf"\s*(?:那|那么|而)?\s*{word}", text)), "")
    if not part.jurisdictions and level:
        part.jurisdictions = [p for p in whole.jurisdictions if level_name(p) == level
                              and any(p in ancestors(q) for q in whole.jurisdictions)]
    if not part.jurisdictions:
        # (with where the asker is from: 我是甲省的，乙市的景区免门票吗？有效期到哪天？ compares no places)
        part.jurisdictions, part.story_places = list(whole.jurisdictions), list(whole.story_places)
    # (今年的目标又是多少？ after 到2025年要求多少？ asks of this year, not of the other part's)
    part.years = part.years or ([] if _RELATIVE_YEAR.search(text.lower()) else list(whole.years))
    # (棚改呢？ and 哪个更高？ ask what the whole asks; 这样总可以吧？ beside 该打哪个电话？ asks whether, no number)
    if part.kinds == [QuestionKind.WHAT] and not is_yes_no(text):
        part.kinds = list(whole.kinds)
    return part


@lru_cache(maxsize=1)
def _default_tokenizer():
    from assistant.stores.tokenizer import Tokenizer

    return Tokenizer()


def _default_tokenize(text: str) -> list[str]:
    return _default_tokenizer().tokenize(text)
