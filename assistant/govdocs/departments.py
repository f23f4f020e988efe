"""Lead and supporting departments from the parenthesis that closes a task, or a 责任单位 table cell."""
from __future__ import annotations

import re

_UNIT_END = re.compile(
    r"(?:局|委|办|中心|部|院|队|公司|会|处|所|站|室|厅|政府|街道|办事处|管委会|分局|大队|支队|团|联|镇|镇办|部门|单位|"
    r"工委|银行|集团|团区委|团市委|法院|检察院)$"
)
# The closing parenthesis of a task: （区科技局牵头，…配合） / (责任单位:市交通运输局、…) / [市教育局牵头,…配合]
_TRAILING_PAREN = re.compile(r"[（(\[［【]([^（()）\[\]［］【】]{2,300})[）)\]］】]\s*[。；;]?\s*$")
_ROLE_WORDS = re.compile(r"牵头|负责|配合|责任单位|参与|协助|落实|承办")
_LEAD_PART = re.compile(r"(.*?)(?:按照(?:分工|职责|职能)(?:分别)?|分别|共同|具体)?(?:牵头|负责)(?:落实)?$")
_SUPPORT_PART = re.compile(r"(.*?)(?:等(?:有关|相关)?(?:部门|单位)(?:单位)?)?(?:按职责)?(?:配合|参与|协助)$")
_ROLE_LABEL = re.compile(r"^(牵头|责任|主责|配合|参与|协助)(?:单位|部门)[：:]\s*")
_TRIM = re.compile(r"^(?:由|和|及)|(?:等(?:有关|相关)?(?:部门|单位)(?:单位)?|等)$")


def split_units(text: str) -> list[str]:
    """Split '区发展改革局、区工业和信息化局等部门' into unit names; re-join names broken by spaces."""
    pieces = [p.strip() for p in re.split(r"[、，,；;／/\s]+", text) if p.strip()]
    units: list[str] = []
    pending = ""
    for piece in pieces:
        piece = _TRIM.sub("", pending + piece)
        pending = ""
        if not piece:
            continue
        if not _UNIT_END.search(piece) and len(piece) < 8:
            pending = piece  # a name broken across a line or cell: '区行政审批 服务局'
            continue
        units.append(piece)
    if pending:
        units.append(pending)
    return units


def _only_departments(roles: tuple[list[str], list[str]]) -> tuple[list[str], list[str]]:
    lead, support = roles
    return [n for n in lead if is_department(n)], [n for n in support if is_department(n)]


def parse_responsibility(text: str) -> tuple[list[str], list[str]]:
    """(lead, support) departments from the parenthesis that ends a clause; ([], []) when there is none."""
    compact = re.sub(r"\s+", "", text)
    m = _TRAILING_PAREN.search(compact)
    if not m or not _ROLE_WORDS.search(m.group(1)):
        return [], []
    return _only_departments(parse_role_text(m.group(1)))


def responsibility_note(text: str) -> str:
    """The parenthesis that closes a task and names who leads it ('（区科技局牵头，区财政局配合）'), as written;
    '' when there is none."""
    compact = re.sub(r"\s+", "", text)
    m = _TRAILING_PAREN.search(compact)
    return m.group(0).rstrip("。；; ") if m and _ROLE_WORDS.search(m.group(1)) else ""


def parse_role_text(inner: str) -> tuple[list[str], list[str]]:
    """Roles inside the parenthesis: 'A、B按照分工牵头，C、D等部门配合' or '责任单位：A、B'."""
    inner = inner.strip()
    lead: list[str] = []
    support: list[str] = []
    m = re.match(r"^(?:主要)?责任单位[：:]\s*(.*)$", inner)
    if m:
        return split_units(m.group(1)), []
    for part in re.split(r"[，,；;]", inner):
        part = part.strip()
        label = _ROLE_LABEL.match(part)
        if label:  # '牵头单位：市财政局' / '责任单位：市工信局'
            part = part[label.end():]
            (support if label.group(1) in ("配合", "参与", "协助") else lead).extend(split_units(part))
            continue
        if not part:
            continue
        if re.search(r"(?:配合|参与|协助)$", part):
            support += split_units(_SUPPORT_PART.match(part).group(1))
        elif re.search(r"(?:牵头|负责)(?:落实)?$", part):
            lead += split_units(_LEAD_PART.match(part).group(1))
        elif not lead:
            lead += split_units(part)
        else:
            support += split_units(part)
    return lead, support


def parse_unit_cell(cell: str) -> tuple[list[str], list[str]]:
    """A 责任单位 table cell: units marked (牵头) lead, the rest support; unmarked cells all lead. A cell
    shifted from another column ('2023年12月底前完成') names no department."""
    return _only_departments(_parse_unit_cell(cell))


def _parse_unit_cell(cell: str) -> tuple[list[str], list[str]]:
    """A 责任单位 table cell: units marked (牵头) lead, the rest support; unmarked cells all lead."""
    if re.search(r"[（(]\s*牵头\s*[）)]", cell):
        lead, support = [], []
        for segment in re.split(r"(?<=[）)])", cell):
            is_lead = re.search(r"[（(]\s*牵头\s*[）)]", segment)
            names = split_units(re.sub(r"[（(]\s*牵头\s*[）)]", "", segment))
            (lead if is_lead else support).extend(names)
        return lead, support
    if _ROLE_WORDS.search(cell):
        return parse_role_text(cell)
    return split_units(cell), []


# --- one department under several names, and whose department it is -------------------------------------

_LEVEL_PREFIX = re.compile(r"^(?:省|市|区|县)")
_JOINERS = {"和", "与", "及", "暨"}
_DEPARTMENT_END = re.compile(
    r"(?:管理委员会|委员会|办公室|办公厅|管委会|工委|中心|分局|大队|支队|局|委|办|厅|部|院|队|处|所|站|室|政府|街道|镇|"
    r"集团|公司|银行|支行|分行|法院|检察院|海关|社|工会|联|会|开发区|部门|单位|专班)$")


def is_department(name: str) -> bool:
    """A unit's name, not a deadline or a cut-off fragment: '2023年12月底前完成', '政府' and '公室' are not
    (a two-character name is one only as an organisation's short name: 妇联, 海关)."""
    name = name.strip()
    if not 2 <= len(name) <= 40 or re.search(r"\d|年|月底|完成|[，。；：:]|各$", name):
        return False
    if len(name) == 2:
        return name not in ("政府", "部门", "单位") and bool(re.search(r"(?:联|关|会)$", name))
    return bool(_DEPARTMENT_END.search(name))


def scoped_name(name: str, jurisdiction: str) -> str:
    """'区教体局' of a district's notice is that district's 教体局 (its name put in front); '市教育局' there is the
    surrounding city's; '各镇办' there is every town and street office of that district.
    Names that already say where they are, or whose level the notice's place cannot resolve, stay."""
    from .places import ancestors, gazetteer

    if name.startswith("各") and jurisdiction and not name.startswith("各级"):
        return jurisdiction + name  # 各X: every X of the notice's own place
    m = _LEVEL_PREFIX.match(name)
    if not m or not jurisdiction:
        return name
    wanted = {"省": "province", "市": "city", "区": "county", "县": "county"}[m.group(0)]
    for place in [jurisdiction] + ancestors(jurisdiction):
        info = gazetteer().get(place)
        level = info.level if info else ("county" if place.endswith(("区", "县")) else "")
        if level == wanted:
            return place + name[1:]
    return name


def _parts(name: str) -> tuple[str, str, str]:
    """(place or level prefix, core words, unit word): 临淄区 / 教育和体育 / 局."""
    end = _DEPARTMENT_END.search(name)
    unit = end.group(0) if end else ""
    body = name[: len(name) - len(unit)]
    from .places import gazetteer

    prefix = next((body[:k] for k in range(min(len(body) - 1, 12), 1, -1) if body[:k] in gazetteer()), "")
    if not prefix and _LEVEL_PREFIX.match(body):
        prefix = body[0]
    return prefix, body[len(prefix):], unit


def _words(core: str) -> list[str]:
    import jieba  # segmentation of a short name; the dictionary is jieba's own

    words = [w for w in jieba.lcut(core, HMM=False) if w not in _JOINERS]
    # A four-character word is two words for abbreviation: 监督管理 → 监督 + 管理 (市场监管局).
    return [part for w in words for part in ([w[:2], w[2:]] if len(w) == 4 else [w])]


def _abbreviates(short: str, words: list[str]) -> bool:
    """'发改' abbreviates 发展/改革: a non-empty beginning of each word, in order."""
    if not words:
        return not short
    first, rest = words[0], words[1:]
    return any(short.startswith(first[:k]) and _abbreviates(short[k:], rest) for k in range(1, len(first) + 1))


def same_department(a: str, b: str) -> bool:
    """区发改局, 区发展改革局 and 区发展和改革局 are one department; 市政局 and 市财政局 are not."""
    if a == b:
        return True
    (pa, ca, ua), (pb, cb, ub) = _parts(a), _parts(b)
    if pa != pb or ua != ub or not ca or not cb:
        return False
    ca, cb = "".join(_words(ca)), "".join(_words(cb))
    short, long_ = sorted((ca, cb), key=len)
    return short == long_ or _abbreviates(short, _words(long_))


def group_departments(names: list[str]) -> dict[str, str]:
    """name → the name shown for its department (the longest of the names that are one department)."""
    shown: dict[str, str] = {}
    groups: list[str] = []
    for name in sorted(set(names), key=lambda n: (-len(n), n)):
        for head in groups:
            if same_department(name, head):
                shown[name] = head
                break
        else:
            groups.append(name)
            shown[name] = name
    return shown


# --- a department a question names, and whether a clause speaks of it -------------------------------------

# A department with its level (县民政局, 区教体局, 市应急管理局): a place's own name may precede the level word.
# 区里新建的几所公办园 and 区里那个分拣中心 name none: the words between are a department's (no 里, 那, 几, 了…).
# 喀什地区交警支队, 社区卫生服务中心, 园区管委会: 区 ends another word there (a prefecture, a community), not a level.
_NAMED_UNIT = re.compile(
    r"(?:[省市县]|(?<![地社园景])区)(?![里内上级])[^\W\d的了那这个几所在里新我你他她它们与及或是有要将被把对从向为]{1,10}?"
    r"(?:管委会|委员会|办公室|分局|大队|支队|中心|局|委|办)")


def departments_in(text: str) -> list[str]:
    """The departments a question names by their level and function.

    >>> departments_in("防汛分工里，县民政局具体负责哪些事？")
    ['县民政局']
    """
    names = [m.group(0) for m in _NAMED_UNIT.finditer(text)]
    return list(dict.fromkeys(n for n in names if "的" not in n and is_department(n)))


def mentions_department(name: str, text: str) -> bool:
    """Whether text speaks of the department, by its name without the level (民政局) or a fuller name of which
    the asked one is an abbreviation (区人社局 → 人力资源和社会保障局: its characters in order, close together).

    >>> mentions_department("区人社局", "由区人力资源和社会保障局负责")
    True
    >>> mentions_department("县民政局", "县应急局、县财政局负责")
    False
    """
    _, core, unit = _parts(name)
    if not core:
        return False
    if core + unit in text:
        return True
    spread = "[\u4e00-\u9fff]{0,6}?".join(re.escape(ch) for ch in core)
    return bool(re.search(spread + "[\u4e00-\u9fff]{0,6}?" + re.escape(unit), text))
