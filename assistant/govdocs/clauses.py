"""The clause tree of one notice: headings (一、 （一） 1. （1） 第X章 第X条, and unnumbered ones),
the passages under them, and table rows."""
from __future__ import annotations

import re

from .cleaning import (Paragraph, clean_text, is_date_line, is_doc_number_line, is_heading_line,
                       is_title_like)
from .departments import parse_responsibility, parse_unit_cell
from assistant.models import Clause, Line
from .patterns import (ADDRESSEE, ATTACHMENT, CONTACT_LINE, MARKER_RANK, MARKERS, PUBLIC_NOTE, SENTENCE_END,
                       ends_sentence, marker_of)
from .tables import is_caption_row, parse_table

HEADER_PATH = "发文信息"  # the path of a notice's own header: title, 文号, cover letter, signature
_LEAD_SENTENCE = re.compile(r"^([^。；！？，]{4,16})。")
_MAX_TITLE = 40
_MIN_BODY_AFTER_HEADLINE = 10  # characters after a headline that make them text, not a subtitle
_UNIT_COLUMN = re.compile(r"责任单位|牵头单位|责任部门|承办单位")
_SUPPORT_COLUMN = re.compile(r"配合单位|协办单位")
# A report's part that looks back (2022年政府工作回顾, 过去五年工作总结) rather than ahead (2023年主要目标和重点任务).
_LOOKS_BACK = re.compile(r"回顾|工作总结|^过去")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def looks_back(clause_path: list[str] | tuple[str, ...], year: int | None) -> bool:
    """Whether a clause stands in a part reviewing the past: its top heading says so, or names only years
    before its notice's.

    >>> looks_back(["2022年工作回顾"], 2023), looks_back(["2023年主要目标和重点任务", "一、稳增长"], 2023)
    (True, False)
    """
    if not clause_path:
        return False
    heading = clause_path[0]
    years = [int(y) for y in _YEAR.findall(heading)]
    return bool(_LOOKS_BACK.search(heading)) or bool(years and year and max(years) < year)


def _heading_title(text: str, kind: str) -> str:
    """Title of a numbered item: the marker and its lead sentence ('22. 大力发展绿色智慧交通')."""
    marker_match = dict(MARKERS)[kind].match(text)
    marker, rest = marker_match.group(0).strip(), text[marker_match.end():]
    if kind == "article":
        return marker
    lead = re.split(r"[。；！？：:]", rest, maxsplit=1)[0]
    if len(lead) > _MAX_TITLE:
        lead = lead[:_MAX_TITLE] + "…"
    sep = " " if kind in ("arabic",) else ""
    return f"{marker}{sep}{lead}".strip()


_LABELLED_VALUE = re.compile(r"^[\u4e00-\u9fff]{2,6}[：:]\s*\S")


def _is_plain_heading(paragraphs: list[Paragraph], i: int) -> bool:
    """An unnumbered heading such as '扎实推进共同富裕' (its number lost in extraction)."""
    text = paragraphs[i].clean
    if not (4 <= len(text) <= 30) or ends_sentence(text) or "，" in text or "。" in text:
        return False
    if marker_of(text) or is_date_line(text) or is_doc_number_line(text) or ADDRESSEE.match(text):
        return False
    if _LABELLED_VALUE.match(text):
        return False  # 联系人：某某, 地址：某路1号 — a field of a contact block, not a heading
    if paragraphs[i].is_table_row or i + 1 >= len(paragraphs):
        return False
    if i > 0:
        prev = paragraphs[i - 1].clean
        if len(prev) <= 30 and not prev.endswith("。"):
            return False  # the last item of a list of names or units, or the content of a heading
    nxt = paragraphs[i + 1]
    if nxt.is_table_row or is_date_line(nxt.clean):
        return False
    # A heading is followed by a numbered item or by running text, not by another short line (a list).
    return bool(marker_of(nxt.clean)) or len(nxt.clean) >= 40 or ends_sentence(nxt.clean)


def _is_signature(paragraphs: list[Paragraph], i: int) -> bool:
    text = paragraphs[i].clean
    if is_date_line(text) or PUBLIC_NOTE.search(text) or is_doc_number_line(text):
        return True
    return i + 1 < len(paragraphs) and is_date_line(paragraphs[i + 1].clean) and len(text) <= 30


class _Builder:
    """Walks the paragraphs once, keeping the stack of open headings."""

    def __init__(self, title: str):
        self.title = title
        self.stack: list[tuple[float, str]] = []  # (rank, heading)
        self.root: list[str] = []  # an attachment's title, above every heading inside it
        self.clauses: list[Clause] = []
        self.header: list[Paragraph] = []
        self.pending: list[Paragraph] = []
        self.pending_path: list[str] = []
        self.in_body = False

    def path(self) -> list[str]:
        return self.root + [heading for _, heading in self.stack]

    def flush(self) -> None:
        if not self.pending:
            return
        raw = "\n".join(p.raw for p in self.pending)
        text = clean_text(raw)
        lead, support = parse_responsibility(text)
        self.clauses.append(Clause(
            path=list(self.pending_path), raw=raw, text=text,
            line_start=self.pending[0].line_start, line_end=self.pending[-1].line_end,
            lead_departments=lead, support_departments=support,
        ))
        self.pending = []

    def add(self, paragraph: Paragraph, path: list[str]) -> None:
        if self.pending and path != self.pending_path:
            self.flush()
        self.pending_path = path
        self.pending.append(paragraph)

    def push(self, rank: float, heading: str) -> None:
        self.flush()
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        self.stack.append((rank, heading))


def _is_subtitle(text: str) -> bool:
    """'——2024年1月9日在某县…会议上' under a report's title; '——优惠政策要给力。…' is text (it holds a sentence)."""
    return text.startswith("——") and not any(stop in text for stop in SENTENCE_END)


def _continues_subtitle(header: list[Paragraph], text: str) -> bool:
    """A short line under a report's subtitle continues it: '——2024年1月9日在某县' / '第五届人民代表大会第三次
    会议上' / '某县人民政府县长　李明' (where, when and by whom the report was given) — no sentence in it."""
    if not header or len(text) > 30 or re.search(r"[。；;：:，,！？]", text) or marker_of(text):
        return False  # a numbered line (一、2023年工作回顾) is a heading
    subtitle = next((k for k in range(len(header) - 1, -1, -1) if header[k].clean.startswith("——")), None)
    # Right under the subtitle: not after the salutation (各位代表：) that opens the speech.
    return (subtitle is not None and subtitle >= len(header) - 2
            and not any(h.clean.endswith(("：", ":")) for h in header[subtitle + 1:]))


def parse_clauses(paragraphs: list[Paragraph], title: str) -> list[Clause]:
    """Clauses of one notice, in order; the first is the notice's header (title, 文号, cover letter…)."""
    b = _Builder(title)
    paragraphs = _headline_apart(paragraphs, title)
    tabular = _tabular(paragraphs)
    i = 0
    expect_attachment_title = False
    while i < len(paragraphs):
        p = paragraphs[i]
        text = p.clean
        if tabular[i]:
            j = i
            while j < len(paragraphs) and tabular[j]:
                j += 1
            b.flush()
            b.clauses += _table_clauses(paragraphs[i:j], b.path())
            i = j
            continue
        if not b.in_body and (i == 0 or text == title or _is_signature(paragraphs, i) or ADDRESSEE.match(text)
                              or is_doc_number_line(text) or _is_subtitle(text)
                              or (not b.pending and _continues_subtitle(b.header, text))):
            b.header.append(p)
            i += 1
            continue
        if _is_signature(paragraphs, i):
            b.header.append(p)
            i += 1
            continue
        if ATTACHMENT.match(text):
            b.flush()
            b.stack, b.root = [], []
            expect_attachment_title = len(text) <= 6
            if not expect_attachment_title:
                b.header.append(p)  # '附件：…名单' — the list of attachments under a cover letter
            i += 1
            continue
        marker = marker_of(text)
        if expect_attachment_title and CONTACT_LINE.match(text):
            # 附件：1.…申请表 2.…名单 联系人：某某: the list of attachments ended, the cover letter goes on.
            expect_attachment_title = False
        if expect_attachment_title and not marker:
            b.root = [f"附件：{text}"]
            expect_attachment_title = False
            b.in_body = True
            i += 1
            continue
        if not marker and is_title_like(text) and len(text) <= 60 and not b.stack:
            # The document a cover letter issues ('淄博市碳达峰工作方案') starts the body.
            b.flush()
            b.in_body = True
            i += 1
            continue
        if marker:
            b.in_body = True
            kind, _ = marker
            if is_heading_line(text):
                b.push(MARKER_RANK[kind], text)
            else:
                b.push(MARKER_RANK[kind], _heading_title(text, kind))
                b.add(p, b.path())
            i += 1
            continue
        if b.in_body and _is_plain_heading(paragraphs, i):
            b.push(_plain_heading_rank(b.stack, paragraphs[i + 1].clean), text)
            i += 1
            continue
        if not b.in_body and i + 1 < len(paragraphs) and _is_plain_heading(paragraphs, i) and len(b.header) > 0 \
                and _has_body_after(paragraphs, i):
            b.in_body = True
            b.push(_plain_heading_rank(b.stack, paragraphs[i + 1].clean), text)
            i += 1
            continue
        if not b.in_body:
            b.add(p, [])  # text before the first heading: a cover letter or a preamble
            i += 1
            continue
        lead = _LEAD_SENTENCE.match(text)
        if lead and len(text) >= 80:
            # A paragraph opening with a short bold sentence ('积极扩大有效投资。…') is its own clause.
            b.flush()
            b.add(p, b.path() + [lead.group(1)])
            b.flush()
        else:
            b.add(p, b.path())
        i += 1
    b.flush()
    header = _header_clause(b.header)
    return ([header] if header else []) + b.clauses


def _headline_apart(paragraphs: list[Paragraph], title: str) -> list[Paragraph]:
    """A notice published as one line opens with its headline and goes on with its text after a space
    ('某区信访办公室关于暂停接待来访的通知 在暂停期间，可来信反映…'): the headline is the header, the rest is
    text a question is answered from.

    >>> line = "某局关于暂停窗口服务的通知 即日起暂停窗口服务。"
    >>> [p.clean for p in _headline_apart([Paragraph([Line(1, line, clean_text(line))])], "某局关于暂停窗口服务的通知")]
    ['某局关于暂停窗口服务的通知', '即日起暂停窗口服务。']
    """
    if not paragraphs or not title:
        return paragraphs
    first = paragraphs[0].lines[0]
    headline = title.rstrip("…").replace(" ", "")
    if len(first.clean) < len(headline) + _MIN_BODY_AFTER_HEADLINE or not first.clean.replace(" ", "").startswith(headline):
        return paragraphs
    # Where the headline ends in the raw line (its characters counted without spaces), up to the next space.
    seen, cut = 0, None
    for k, ch in enumerate(first.raw):
        if not ch.isspace():
            seen += 1
        if seen >= len(headline):
            rest = first.raw[k + 1:]
            if not rest[:1].isspace():
                return paragraphs  # the headline runs on into the text: no space marks where it ends
            cut = k + 1
            break
    if cut is None:
        return paragraphs
    while cut < len(first.raw) and first.raw[cut].isspace():
        cut += 1  # the spaces stay with the headline: the raw pieces still make up the line
    head = Line(first.number, first.raw[:cut], clean_text(first.raw[:cut]), first.after_break)
    body = Line(first.number, first.raw[cut:], clean_text(first.raw[cut:]), True)
    return [Paragraph([head]), Paragraph([body] + paragraphs[0].lines[1:])] + paragraphs[1:]


def _tabular(paragraphs: list[Paragraph]) -> list[bool]:
    """Which paragraphs are table rows. Tab-separated lines that open a run of them but cannot be its
    header ('附表1', a title indented with tabs: see is_caption_row) are text."""
    tabular = [p.is_table_row for p in paragraphs]
    for i, p in enumerate(paragraphs):
        if tabular[i] and (i == 0 or not tabular[i - 1]) and is_caption_row(p.lines[0].raw):
            tabular[i] = False
    return tabular


def _has_body_after(paragraphs: list[Paragraph], i: int) -> bool:
    return any(len(p.clean) >= 40 for p in paragraphs[i + 1 : i + 4])


def _plain_heading_rank(stack: list[tuple[float, str]], next_text: str) -> float:
    """An unnumbered heading sits at the outermost open level above the item that follows it."""
    nxt = marker_of(next_text)
    limit = MARKER_RANK[nxt[0]] if nxt else float("inf")
    above = [rank for rank, _ in stack if rank < limit]
    if above:
        return min(above)
    return (limit - 0.5) if nxt else 0.5


def _header_clause(paragraphs: list[Paragraph]) -> Clause | None:
    if not paragraphs:
        return None
    raw = "\n".join(p.raw for p in paragraphs)
    return Clause(path=[HEADER_PATH], raw=raw, text=clean_text(raw), line_start=paragraphs[0].line_start,
                  line_end=paragraphs[-1].line_end, kind="header")


def _table_clauses(paragraphs: list[Paragraph], path: list[str]) -> list[Clause]:
    lines: list[Line] = [line for p in paragraphs for line in p.lines]
    headers, rows = parse_table(lines)
    if not rows:  # a header and nothing under it, or rows without numbers: keep the text
        raw = "\n".join(p.raw for p in paragraphs)
        text = clean_text(raw)
        return [Clause(path=list(path), raw=raw, text=text, line_start=paragraphs[0].line_start,
                       line_end=paragraphs[-1].line_end)] if text else []
    unit_columns = [h for h in headers if _UNIT_COLUMN.search(h)]
    support_columns = [h for h in headers if _SUPPORT_COLUMN.search(h)]
    clauses = []
    for row in rows:
        lead, support = [], []
        for column in unit_columns:
            l, s = parse_unit_cell(row.values.get(column, ""))
            lead += l
            support += s
        for column in support_columns:
            support += parse_unit_cell(row.values.get(column, ""))[0]
        text = row.labelled_text(headers[0])
        clauses.append(Clause(
            path=path + [f"{headers[0]} {row.number}"], raw=text, text=clean_text(text),
            line_start=row.lines[0].number, line_end=row.lines[-1].number, kind="table_row",
            lead_departments=lead, support_departments=support,
        ))
    return clauses
