"""Split a file's paragraphs into notices and read each notice's metadata (title, 文号, issuer, date…)."""
from __future__ import annotations

import re

from .cleaning import (Paragraph, clean_text, is_date_line, is_doc_number_line, is_table_row, is_title_like)
from assistant.models import Notice
from .patterns import (ADDRESSEE, ATTACHMENT, DATE, DOC_NUMBER, DOC_TYPES, ISSUER_END, PUBLIC_NOTE, ends_sentence,
                       marker_of, normalize_doc_number)
from .places import infer_jurisdiction, level_name, place_spans

MAX_JOINT_SIGNERS = 6  # offices signing one notice together, one under another
_ORG = re.compile(
    r"([\u4e00-\u9fff]{2,40}?(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|委员会|领导小组|"
    r"指挥部|管委会|局|厅|委|办|部|署|国务院))(?!门|分)"  # not 人社部门, 委员 …
)
# A news release names its source: '记者从省扶贫办获悉', '商务部办公厅印发…', '市人社局日前出台…'
_REPORTED_BY = re.compile(r"记者从([\u4e00-\u9fff]{2,30}?)(?:了解到|获悉)")
_ANNOUNCED_BY = re.compile(
    r"(?:^|[，,。])([\u4e00-\u9fff]{2,30}?)(?:日前|近日|今天|今日|昨天|昨日)?(?:联合)?(?:印发|发布|出台|下发|公布|发文)")
_ISSUED = re.compile(r"关于(?:印发|转发|公布|颁布)《?(.+?)》?的(?:通知|决定)$")
# Longer than any title (is_title_like): the opening paragraph of a document without a title line,
# such as a whole notice published as one line. Its title is its headline.
MAX_TITLE = 90
_HEADLINE_END = re.compile(r"[。！？；;!?]")
# A word naming an issuer: joint issuers are separated by spaces before the headline's subject.
_ISSUER_WORD = re.compile(r"^(?!.*关于).{2,30}(?:部|局|厅|委|委员会|政府|办公室|办公厅|院|署|中心|银行|小组|指挥部)$")


def _headline(paragraph: Paragraph) -> str:
    """The headline that opens a long paragraph (a notice published as one line puts a space after its
    headline): its first space-separated words — more while they name issuers ('财政部 税务总局 关于…')
    — cut at a stop and to MAX_TITLE characters."""
    words = paragraph.lines[0].raw[: 4 * MAX_TITLE].split()
    title = ""
    for k, word in enumerate(words):
        title = clean_text(" ".join(words[: k + 1]))
        if len(title) >= 4 and not _ISSUER_WORD.match(clean_text(word)):
            break
    if len(title) > MAX_TITLE:
        stop = _HEADLINE_END.search(title)
        if stop and stop.start() >= 4:
            title = title[: stop.start()]
    if not title:
        title = paragraph.clean
    return title if len(title) <= MAX_TITLE else title[:MAX_TITLE] + "…"


def _title_of(paragraph: Paragraph) -> str:
    title = paragraph.clean
    if len(title) > MAX_TITLE:
        title = _headline(paragraph)
    # '张店区人民政府办公室张店区人民政府办公室关于…' — an issuer line repeated before the title.
    title = re.sub(r"^(.{4,30}?)\1", r"\1", title)
    return title


def _is_notice_start(paragraphs: list[Paragraph], i: int, issued: str, current: str) -> bool:
    text = paragraphs[i].clean
    if not is_title_like(text) or ATTACHMENT.match(text) or marker_of(text):
        return False  # ('6.《…的公告》' is an item of a list of documents)
    if i > 0 and ATTACHMENT.match(paragraphs[i - 1].clean):
        return False  # the title of an attachment
    if issued and _same_title(text, issued):
        return False  # the document a cover letter issues
    if i > 0 and current and _same_title(text, current):
        return False  # a web page's headline, then the document's own title
    if "关于" in text:
        return True
    following = paragraphs[i + 1 : i + 3]
    return any(is_doc_number_line(p.clean) for p in following)


def _same_title(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"[《》“”\"'（）()\s第]|赛季|届", "", s)

    a, b = norm(a), norm(b)
    return bool(a) and bool(b) and (a in b or b in a or _overlap(a, b) > 0.8)


def _overlap(a: str, b: str) -> float:
    grams_a = {a[i : i + 2] for i in range(len(a) - 1)}
    grams_b = {b[i : i + 2] for i in range(len(b) - 1)}
    return len(grams_a & grams_b) / max(1, min(len(grams_a), len(grams_b)))


def issued_document(title: str) -> str:
    """'关于印发《X》的通知' → 'X' (the document the cover letter issues)."""
    m = _ISSUED.search(title)
    return m.group(1) if m else ""


_NAME_END = re.compile(r"的(?:通知|通告|公告|决定|函|批复)$")


def document_name(title: str) -> str:
    """What people call the document a title names: the document issued, without the issuer, the places and the
    year it opens with (a question names it so: 县政府工作报告里…, 某某工作方案里的任务).

    >>> document_name("桓台县人民政府办公室关于印发2031年桓台县政务公开工作方案的通知")
    '政务公开工作方案'
    """
    name = issued_document(title) or _NAME_END.sub("", title.split("关于", 1)[-1])
    name = re.sub(r"[（(](?:试行|暂行|修订|征求意见稿)[）)]$", "", name)
    while True:
        stripped = re.sub(r"^\s*(?:\d{4}\s*年(?:度)?|20\d{2}(?:—|-|－)20\d{2}年)\s*", "", name)
        spans = place_spans(stripped)
        if spans and spans[0][1][0] == 0:
            stripped = stripped[spans[0][1][1]:]
        if stripped == name:
            return name.strip()
        name = stripped


# A gazette's cover: its name (某市人民政府公报), the issue (2031年第4期) and its running number (总第120期).
_GAZETTE_NAME = re.compile(r"^([\u4e00-\u9fff]{2,20}公报)$")
_GAZETTE_ISSUE = re.compile(r"((?:19|20)\d{2})\s*年\s*第\s*(\d{1,3})\s*期")
_GAZETTE_RUN = re.compile(r"总\s*第\s*(\d{1,5})\s*期")
# A cover without a name or number: who runs it and the day the issue came out (主管主办：某区人民政府 /
# 2031年08月30日编发), above the contents list.
_GAZETTE_RUN_BY = re.compile(r"^主管(?:主办)?[：:](.{2,30})$")
_GAZETTE_EDITION = re.compile(r"^((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日(?:编发|出版|编印)$")
COVER_LINES = 8  # non-empty lines a cover prints its name and issue in, before the contents list


def gazette_issue(text: str) -> str:
    """The issue a gazette file is, read off its cover; "" when the file does not open as a gazette.

    >>> gazette_issue("某市人民政府公报\n\n2031 年第 4 期\n\n(总第 120 期)\n目 录\n…")
    '某市人民政府公报2031年第4期（总第120期）'
    >>> gazette_issue("主管主办：某区人民政府\n2031 年 08 月 30 日编发\n目 录\n…")
    '某区人民政府主管主办、2031年8月30日编发的一期'
    """
    lines = [re.sub(r"\s+", "", line) for line in text.splitlines()[:60] if line.strip()][:COVER_LINES]
    name = next((m.group(1) for m in map(_GAZETTE_NAME.match, lines) if m), "")
    issue = next((m for m in map(_GAZETTE_ISSUE.search, lines) if m), None)
    if name and issue is not None:
        run = next((m.group(1) for m in map(_GAZETTE_RUN.search, lines) if m), "")
        return f"{name}{issue.group(1)}年第{int(issue.group(2))}期" + (f"（总第{run}期）" if run else "")
    run_by = next((m.group(1) for m in map(_GAZETTE_RUN_BY.match, lines) if m), "")
    edition = next((m for m in map(_GAZETTE_EDITION.match, lines) if m), None)
    if run_by and edition is not None and any(line in ("目录", "目次") for line in lines):
        y, m, d = (int(x) for x in edition.groups())
        return f"{run_by}主管主办、{y}年{m}月{d}日编发的一期"
    return ""


def split_notices(paragraphs: list[Paragraph]) -> list[tuple[int, int]]:
    """(start, end) paragraph ranges, one per notice. A cover letter and what it issues stay together;
    front matter before the first notice (a gazette cover) is dropped."""
    starts: list[int] = []
    issued = ""
    # The opening paragraph is a headline even when no document-type word ends it (a news release).
    current = _title_of(paragraphs[0]) if paragraphs else ""
    for i in range(len(paragraphs)):
        if _is_notice_start(paragraphs, i, issued, current):
            # A 文号 printed just above the title belongs to this notice (川政办字〔2023〕22号 / 淄川区…).
            start = i - 1 if i > 0 and is_doc_number_line(paragraphs[i - 1].clean) else i
            if starts and start - starts[-1] <= 1:
                continue
            starts.append(start)
            current = _title_of(paragraphs[i])
            issued = issued_document(current)
    if not starts:
        return [(0, len(paragraphs))] if paragraphs else []
    front = sum(len(p.clean) for p in paragraphs[: starts[0]])
    if front >= 300:  # real content before the first title: a notice of its own
        starts.insert(0, 0)
    bounds = starts + [len(paragraphs)]
    return [(bounds[k], bounds[k + 1]) for k in range(len(starts))]


def _place_text(paragraphs: list[Paragraph]) -> str:
    """The text places are counted in: a table's cells stay apart, so a leader's name in one cell and the
    department in the next (于海南 | 区发改局) do not read as a place (海南区)."""
    parts = []
    for p in paragraphs:
        if any(is_table_row(line.raw) for line in p.lines):
            parts += [clean_text(cell) for line in p.lines for cell in line.raw.split("\t")]
        else:
            parts.append(p.clean)
    return "\n".join(x for x in parts if x)


def read_metadata(paragraphs: list[Paragraph], file: str) -> Notice:
    """Metadata of one notice from its paragraphs."""
    head = paragraphs[:8]
    title_index = next((k for k, p in enumerate(head) if is_title_like(p.clean) and not is_doc_number_line(p.clean)), 0)
    title = _title_of(paragraphs[title_index])
    doc_number = ""
    date, signer, date_inferred = _signing_date(paragraphs)
    # Under the title as a rule; a ministry's notice may print it after the signature instead, where a line of a
    # compilation may be another document's number: one of another year than the notice's is cited, not its own.
    head = paragraphs[: title_index + 4]
    for p in head + paragraphs[title_index + 4 :]:
        m = DOC_NUMBER.search(p.clean)
        if m and is_doc_number_line(p.clean):
            if p not in head and date and not date_inferred and (m.group(2) or m.group(4)) != date[:4]:
                continue
            doc_number = m.group(1)
            break
    issuer = _issuer(title, signer, paragraphs[: title_index + 4])
    jurisdiction = infer_jurisdiction(issuer, title, _place_text(paragraphs))
    return Notice(
        title=title,
        doc_number=doc_number,
        doc_number_norm=normalize_doc_number(doc_number) if doc_number else "",
        issuer=issuer,
        date=date,
        date_inferred=date_inferred,
        public=any(PUBLIC_NOTE.search(p.clean) for p in paragraphs),
        jurisdiction=jurisdiction,
        level=level_name(jurisdiction),
        doc_type=_doc_type(title),
        file=file,
        line_start=paragraphs[0].line_start,
        line_end=paragraphs[-1].line_end,
    )


def _signing_date(paragraphs: list[Paragraph]) -> tuple[str, str, bool]:
    """The notice's date and the signer printed with or just above it. In order of trust: the first
    signing-date line (the cover letter's); a labelled date ('发布日期：…'); a date that opens one of the
    first paragraphs — a short line under the title ('——2023年1月7日在…会议上') or a news dateline
    ('2月22日，记者从…获悉', its year taken from the text); a web page's time stamp ('2020-02-19 07:37');
    then a full date the text says something was issued or held on, else the first full date that does
    not bound a period ('执行至…', '自…起') — those two only inferred."""
    for k, p in enumerate(paragraphs):
        if is_date_line(p.clean):
            m = DATE.search(p.clean)
            signer = p.clean[: m.start()].strip()
            if not signer and k > 0 and len(paragraphs[k - 1].clean) <= 30:
                signer = paragraphs[k - 1].clean
                # Joint issuers sign one under another (农业农村部 / 财政部): all of them.
                joint = [signer]
                above = paragraphs[max(0, k - MAX_JOINT_SIGNERS):k - 1] if _ORG.fullmatch(signer) else []
                for before in reversed(above):
                    if len(before.clean) > 30 or not _ORG.fullmatch(before.clean):
                        break
                    joint.insert(0, before.clean)
                signer = "、".join(joint)
            return _iso(m), signer, False
    text = "\n".join(p.clean for p in paragraphs)
    m = _LABELLED_DATE.search(text)
    if m:
        return _iso(m), "", False
    for p in paragraphs[:6]:
        m = DATE.search(p.clean)
        if m and (len(p.clean) <= 60 or m.start() <= 2):
            return _iso(m), "", False
        m = _DATELINE.match(p.clean)
        year = _year_of(text)
        if m and year:
            return f"{year}-{int(m.group(1)):02d}-{int(m.group(2)):02d}", "", False
        m = _TIMESTAMP.search(p.clean[:80])
        if m:
            return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}", "", False
    for m in DATE.finditer(text):
        if _ISSUED_ON.match(text, m.end()) or _HELD_ON.search(text[max(0, m.start() - 2) : m.start()]):
            return _iso(m), "", True
    for m in DATE.finditer(text):
        if not _PERIOD_BOUND.search(text[max(0, m.start() - 4) : m.start()]) and not _UNTIL.match(text, m.end()):
            return _iso(m), "", True
    dates = sorted(_iso(m) for m in DATE.finditer(text))
    return (dates[0], "", True) if dates else ("", "", False)


# '发布日期：2020年2月3日' / '发文日期 2020年2月3日'
_LABELLED_DATE = re.compile(r"(?:发布|成文|印发|发文|公布)(?:日期|时间)[：:]?\s*" + DATE.pattern)
# A news dateline: '2月22日，记者从省扶贫办获悉…' / '2月14日，商务部办公厅印发…'
_DATELINE = re.compile(r"^(\d{1,2})月(\d{1,2})日(?:[上下]午|晚|电|讯)?[，,]")
_TIMESTAMP = re.compile(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})\s*\d{1,2}:\d{2}")
# '…2020年2月3日印发/发布/召开…', '于2020年2月3日…'
_ISSUED_ON = re.compile(r"(?:\d{1,2}时)?[，,]?(?:正式|联合)?(?:印发|发布|公布|出台|召开|举行|下发|发出)")
_HELD_ON = re.compile(r"于$")
# A date that bounds a period is not the notice's: '执行至2021年7月31日', '自2020年1月1日起', '…日前'
_PERIOD_BOUND = re.compile(r"(?:至|到|截至|截止|延长至|自|从|起|期限为)$")
_UNTIL = re.compile(r"(?:\d{1,2}时)?(?:起|前|止|之前|以前|到期|至|—|-|～)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _year_of(text: str) -> int:
    """The year a text is written in, for a dateline without one: the year it names most often."""
    years = [int(y) for y in _YEAR.findall(text)]
    return max(set(years), key=lambda y: (years.count(y), y)) if years else 0


def _iso(m: re.Match) -> str:
    year, month, day = (int(g) for g in m.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def _issuer(title: str, signer: str, head: list[Paragraph]) -> str:
    before = title.split("关于")[0] if "关于" in title else ""
    m = _ORG.fullmatch(before) if before else None
    if m:
        return m.group(1)
    if "、" in signer and all(_ORG.fullmatch(part) for part in signer.split("、")):
        return signer  # issued jointly
    m = _ORG.search(signer) if signer else None
    if m and not signer.endswith("文件"):
        return _ORG.search(signer).group(1)
    for p in head:  # a web page's headline, then the document's own title with its issuer before it
        if title.startswith("关于") and p.clean.endswith(title) and p.clean != title:
            m = _ORG.fullmatch(p.clean[: -len(title)])
            if m:
                return m.group(1)
    for p in head:  # a report's speaker line: '张店区人民政府区长 苏振华'; never a table row's cells run together
        if any(is_table_row(line.raw) for line in p.lines):
            continue
        m = _ORG.search(p.clean)
        if (m and len(p.clean) <= 40 and not is_title_like(p.clean) and not _addresses(p.clean)
                and not ends_sentence(p.clean)):
            return m.group(1)
    m = _ORG.match(title)
    if (m and not title.startswith("关于") and not title.startswith(m.group(1) + "关于")
            and len(m.group(1)) < len(title) and ISSUER_END.search(m.group(1))):
        return m.group(1)
    opening = "".join(p.clean for p in head)[:300]
    for pattern in (_REPORTED_BY, _ANNOUNCED_BY):
        m = pattern.search(opening)
        org = _ORG.fullmatch(m.group(1)) if m else None
        if org and not _addresses(org.group(1)):
            return org.group(1)
    return ""


def _addresses(text: str) -> bool:
    """An addressee line ('各县（区）卫生健康委：') names the receivers, not the issuer."""
    return text.startswith("各") or bool(ADDRESSEE.match(text))


def _doc_type(title: str) -> str:
    stripped = re.sub(r"[（(](?:试行|暂行|修订|征求意见稿)[）)]$", "", title)
    for word in sorted(DOC_TYPES, key=len, reverse=True):
        if stripped.endswith(word):
            return word
    return ""
