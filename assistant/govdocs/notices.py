"""Split a file's paragraphs into notices and read each notice's metadata (title, 文号, issuer, date…)."""
from __future__ import annotations

import re

from .cleaning import (Paragraph, clean_text, is_date_line, is_doc_number_line, is_title_like)
from assistant.models import Notice
from .patterns import ATTACHMENT, DATE, DOC_NUMBER, DOC_TYPES, PUBLIC_NOTE, normalize_doc_number
from .places import infer_jurisdiction

_ORG = re.compile(
    r"([\u4e00-\u9fff]{2,30}?(?:人民政府办公室|人民政府办公厅|人民政府|政府办公室|办公室|办公厅|委员会|领导小组|局|厅|委|国务院))"
)
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


def _is_notice_start(paragraphs: list[Paragraph], i: int, issued: str) -> bool:
    text = paragraphs[i].clean
    if not is_title_like(text) or ATTACHMENT.match(text):
        return False
    if i > 0 and ATTACHMENT.match(paragraphs[i - 1].clean):
        return False  # the title of an attachment
    if issued and _same_title(text, issued):
        return False  # the document a cover letter issues
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


def split_notices(paragraphs: list[Paragraph]) -> list[tuple[int, int]]:
    """(start, end) paragraph ranges, one per notice. A cover letter and what it issues stay together;
    front matter before the first notice (a gazette cover) is dropped."""
    starts: list[int] = []
    issued = ""
    for i in range(len(paragraphs)):
        if _is_notice_start(paragraphs, i, issued):
            # A 文号 printed just above the title belongs to this notice (川政办字〔2023〕22号 / 淄川区…).
            start = i - 1 if i > 0 and is_doc_number_line(paragraphs[i - 1].clean) else i
            if starts and start - starts[-1] <= 1:
                continue
            starts.append(start)
            issued = issued_document(_title_of(paragraphs[i]))
    if not starts:
        return [(0, len(paragraphs))] if paragraphs else []
    front = sum(len(p.clean) for p in paragraphs[: starts[0]])
    if front >= 300:  # real content before the first title: a notice of its own
        starts.insert(0, 0)
    bounds = starts + [len(paragraphs)]
    return [(bounds[k], bounds[k + 1]) for k in range(len(starts))]


def read_metadata(paragraphs: list[Paragraph], file: str) -> Notice:
    """Metadata of one notice from its paragraphs."""
    head = paragraphs[:8]
    title_index = next((k for k, p in enumerate(head) if is_title_like(p.clean) and not is_doc_number_line(p.clean)), 0)
    title = _title_of(paragraphs[title_index])
    doc_number = ""
    for p in paragraphs[: title_index + 4]:
        m = DOC_NUMBER.search(p.clean)
        if m and is_doc_number_line(p.clean):
            doc_number = m.group(1)
            break
    date, signer = _signing_date(paragraphs)
    issuer = _issuer(title, signer, paragraphs[: title_index + 4])
    body = "\n".join(p.clean for p in paragraphs)
    return Notice(
        title=title,
        doc_number=doc_number,
        doc_number_norm=normalize_doc_number(doc_number) if doc_number else "",
        issuer=issuer,
        date=date,
        public=any(PUBLIC_NOTE.search(p.clean) for p in paragraphs),
        jurisdiction=infer_jurisdiction(issuer, title, body),
        doc_type=_doc_type(title),
        file=file,
        line_start=paragraphs[0].line_start,
        line_end=paragraphs[-1].line_end,
    )


def _signing_date(paragraphs: list[Paragraph]) -> tuple[str, str]:
    """The first signing date (the cover letter's) and the signer printed with or just above it.
    Without a signature, a date in the opening lines ('——2023年1月7日在…会议上') counts."""
    for k, p in enumerate(paragraphs):
        if is_date_line(p.clean):
            m = DATE.search(p.clean)
            signer = p.clean[: m.start()].strip()
            if not signer and k > 0 and len(paragraphs[k - 1].clean) <= 30:
                signer = paragraphs[k - 1].clean
            return _iso(m), signer
    for p in paragraphs[:6]:
        m = DATE.search(p.clean)
        if m and len(p.clean) <= 60:
            return _iso(m), ""
    return "", ""


def _iso(m: re.Match) -> str:
    year, month, day = (int(g) for g in m.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def _issuer(title: str, signer: str, head: list[Paragraph]) -> str:
    before = title.split("关于")[0] if "关于" in title else ""
    m = _ORG.fullmatch(before) if before else None
    if m:
        return m.group(1)
    m = _ORG.search(signer) if signer else None
    if m and not signer.endswith("文件"):
        return _ORG.search(signer).group(1)
    for p in head:  # a report's speaker line: '张店区人民政府区长 苏振华'
        m = _ORG.search(p.clean)
        if m and len(p.clean) <= 40 and not is_title_like(p.clean):
            return m.group(1)
    m = _ORG.match(title)
    return m.group(1) if m and not title.startswith(m.group(1) + "关于") and len(m.group(1)) < len(title) else ""


def _doc_type(title: str) -> str:
    stripped = re.sub(r"[（(](?:试行|暂行|修订|征求意见稿)[）)]$", "", title)
    for word in sorted(DOC_TYPES, key=len, reverse=True):
        if stripped.endswith(word):
            return word
    return ""
