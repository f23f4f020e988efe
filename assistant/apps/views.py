"""What the web UI shows, as plain HTML strings and table rows: source cards, a notice by its clause tree,
the notice table and the "who owns what" table. Pure functions over the plain data; no Gradio here."""
from __future__ import annotations

import html
import re
from collections import Counter

from assistant.models import Answer, Citation, notice_date
from assistant.govdocs.cleaning import clean_text
from assistant.govdocs.departments import group_departments, is_department, scoped_name
from assistant.models import Chunk, Notice

NOTICE_COLUMNS = ["标题", "文号", "发文机关", "日期", "地区", "类型", "条款数"]
OWNERSHIP_COLUMNS = ["部门", "角色", "任务", "文件"]


def highlight(text: str, quotes: list[str]) -> str:
    """HTML-escaped text with each quoted passage wrapped in <mark>."""
    spans = []
    for quote in quotes:
        for piece in re.split(r"…+", quote):
            piece = piece.strip("；;。 ")
            if len(piece) >= 4:
                start = text.find(piece)
                if start >= 0:
                    spans.append((start, start + len(piece)))
    spans.sort()
    out, pos = [], 0
    for start, end in spans:
        if start < pos:
            continue  # overlapping quotes: the first one marks the passage
        out += [html.escape(text[pos:start]), "<mark>", html.escape(text[start:end]), "</mark>"]
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def display_text(chunk: Chunk) -> str:
    """A clause as shown to people: PDF line breaks and noise spaces removed; table rows cell by cell."""
    if chunk.kind == "table_row":
        return "\n".join(re.sub(r"\s+", " ", cell).strip() for cell in chunk.text.split("｜"))
    return clean_text(chunk.text)


def source_card(c: Citation) -> str:
    """One card: the notice's identity, the clause path, and the clause with the quoted text marked."""
    n = c.notice
    title = n.title if n else c.chunk.notice_title
    facts = [("文号", n.doc_number if n else ""), ("发文机关", n.issuer if n else ""),
             ("日期", notice_date(n)), ("地区", c.chunk.jurisdiction),
             ("注意", "识别文字，请核对原件" if n and n.ocr else "")]
    meta = "".join(f'<span class="fact"><b>{k}</b> {html.escape(v)}</span>' for k, v in facts if v)
    path = html.escape(c.chunk.clause_path_text or "正文")
    used = " used" if c.quotes else ""
    body = highlight(display_text(c.chunk), c.quotes)
    return (f'<div class="source-card{used}" data-marker="{c.marker}" data-chunk="{html.escape(c.chunk.id)}">'
            f'<div class="card-head"><span class="marker">[{c.marker}]</span> 《{html.escape(title)}》</div>'
            f'<div class="card-meta">{meta}</div><div class="card-path">条款：{path}</div>'
            f'<div class="card-text">{body}</div></div>')


def source_cards(answer: Answer | None) -> str:
    if answer is None or not answer.citations:
        return ""
    label = "最接近的文件（未找到答案）" if answer.abstained else "来源"
    cards = "".join(source_card(c) for c in answer.citations)
    note = f'<div class="answer-note">{html.escape(answer.note)}</div>' if answer.note else ""
    return f'{note}<div class="sources"><div class="sources-label">{label}</div>{cards}</div>'


def source_choices(answer: Answer | None) -> list[tuple[str, str]]:
    """(label, chunk id) per citation, for the "open the whole notice" selector."""
    if answer is None:
        return []
    choices = []
    for c in answer.citations:
        title = c.notice.title if c.notice else c.chunk.notice_title
        path = c.chunk.clause_path[-1] if c.chunk.clause_path else "正文"
        choices.append((f"[{c.marker}] {title[:40]} › {path[:30]}", c.chunk.id))
    return choices


def notice_header(notice: Notice) -> str:
    facts = [("文号", notice.doc_number), ("发文机关", notice.issuer), ("日期", notice_date(notice)),
             ("地区", notice.jurisdiction), ("类型", notice.doc_type), ("文件", notice.file)]
    meta = "".join(f'<span class="fact"><b>{k}</b> {html.escape(v)}</span>' for k, v in facts if v)
    return f'<h3 class="notice-title">{html.escape(notice.title)}</h3><div class="card-meta">{meta}</div>'


def notice_html(notice: Notice, chunks: list[Chunk], focus: str = "", quotes: list[str] | None = None) -> str:
    """The whole notice structured by its clause tree; the clause `focus` (a chunk id) is marked and anchored."""
    parts = [f'<div class="notice-view">{notice_header(notice)}']
    shown_path: list[str] = []
    previous = ""
    for chunk in chunks:
        # Headings that change from the previous clause open a new section at their depth.
        for depth, heading in enumerate(chunk.clause_path):
            if depth >= len(shown_path) or shown_path[depth] != heading:
                level = min(depth + 4, 6)
                parts.append(f'<h{level} class="clause-heading">{html.escape(heading)}</h{level}>')
        shown_path = list(chunk.clause_path)
        text = display_text(chunk)
        text = _without_overlap(previous, text) if chunk.kind != "table_row" else text
        previous = display_text(chunk)
        if chunk.id == focus:
            parts.append(f'<div class="clause focus" id="focus-clause">{highlight(text, quotes or [])}</div>')
        else:
            parts.append(f'<div class="clause">{html.escape(text)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _without_overlap(previous: str, text: str) -> str:
    """Long clauses are indexed in overlapping parts: drop the sentence the previous part already showed."""
    for size in range(min(len(previous), len(text), 300), 5, -1):
        if previous.endswith(text[:size]):
            return text[size:]
    return text


_BRACKETS = str.maketrans({c: "〔" for c in "[［(（【"} | {c: "〕" for c in "]］)）】"})


def searchable(text: str) -> str:
    """Text as a search compares it: lower case, no spaces, and 文号 brackets alike — 〔2023〕, [2023], ［2023］,
    (2023) and 【2023】 are typed for the same number.

    >>> searchable("淄政办字[2023] 38号") == searchable("淄政办字〔2023〕38号")
    True
    """
    return "".join((text or "").translate(_BRACKETS).lower().split())


def matching_notices(notices: list[Notice], search: str = "", chunks: list[Chunk] | None = None) -> list[Notice]:
    """The notices whose title, 文号, issuer, date, place or type contain the search string, then (given the
    chunks) those whose text contains it."""
    needle = searchable(search)
    if not needle:
        return list(notices)
    fields = lambda n: searchable(" ".join((n.title, n.doc_number, n.issuer, n.date, n.jurisdiction, n.doc_type)))
    found = [n for n in notices if needle in fields(n)]
    if chunks is not None:
        ids = {n.id for n in found}
        in_text = {c.notice_id for c in chunks if c.notice_id not in ids and needle in searchable(c.text)}
        found += [n for n in notices if n.id in in_text]
    return found


def notice_rows(notices: list[Notice], chunks: list[Chunk], search: str = "") -> list[list]:
    """One row per matching notice (NOTICE_COLUMNS)."""
    counts = Counter(c.notice_id for c in chunks)
    return [[n.title, n.doc_number, n.issuer, n.date, n.jurisdiction, n.doc_type, counts.get(n.id, 0)]
            for n in matching_notices(notices, search, chunks)]


def ownership_rows(chunks: list[Chunk], notices: dict[str, Notice], department: str = "") -> list[list]:
    """Who owns what: one row per (department, role, task) from the 牵头/配合/责任单位 fields. A department
    is named with its place (区教体局 of a 临淄区 notice → 临淄区教体局) and under one name for all its
    spellings (区发改局 / 区发展和改革局); fragments such as '2023年12月底前完成' are left out."""
    shown = _department_labels(chunks)
    rows = []
    for c in chunks:
        task = _task_label(c)
        title = notices[c.notice_id].title if c.notice_id in notices else c.notice_title
        for role, names in (("牵头", c.lead_departments), ("配合", c.support_departments)):
            for name in names:
                label = shown.get(scoped_name(name, c.jurisdiction))
                if label and (not department or department in label):
                    rows.append([label, role, task, title])
    rows.sort(key=lambda r: (r[0], r[1] != "牵头"))
    return rows


def departments(chunks: list[Chunk]) -> list[str]:
    """Every department named as lead or support (with its place, one name per department), most tasks first."""
    shown = _department_labels(chunks)
    counts = Counter(shown[scoped_name(d, c.jurisdiction)] for c in chunks
                     for d in c.lead_departments + c.support_departments if scoped_name(d, c.jurisdiction) in shown)
    return [name for name, _ in counts.most_common()]


def _department_labels(chunks: list[Chunk]) -> dict[str, str]:
    names = {scoped_name(d, c.jurisdiction) for c in chunks for d in c.lead_departments + c.support_departments}
    return group_departments([n for n in names if is_department(n)])


def _task_label(chunk: Chunk) -> str:
    text = display_text(chunk).replace("\n", " ")
    heading = chunk.clause_path[-1] if chunk.clause_path else ""
    if chunk.kind == "table_row" or not heading:
        return text[:80] + ("…" if len(text) > 80 else "")
    return heading
