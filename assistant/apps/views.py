"""What the web UI shows, as plain HTML strings and table rows: source cards, a notice by its clause tree,
the notice table and the "who owns what" table, the corpus files and the feedback of the 管理 page, and how
the chat's messages map onto the stored turns. Pure functions over the plain data; no Gradio here."""
from __future__ import annotations

import html
import re
import time
from collections import Counter

from assistant.models import Answer, Citation, notice_date
from assistant.govdocs.cleaning import clean_text
from assistant.govdocs.departments import group_departments, is_department, scoped_name
from assistant.models import Chunk, Notice

NOTICE_COLUMNS = ["标题", "文号", "发文机关", "日期", "地区", "类型", "条款数"]
OWNERSHIP_COLUMNS = ["部门", "角色", "任务", "文件"]
FILE_COLUMNS = ["文件", "包含的公文", "状态", "大小", "入库时间"]
FEEDBACK_COLUMNS = ["时间", "评价", "问题", "回答（摘要）", "来源", "补充说明"]
TITLES_SHOWN = 3  # a gazette holds dozens of notices: the first few titles, then how many more
EXCERPT_CHARS = 120


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


# --- the chat: which messages are stored turns ------------------------------------------------------------

PENDING = "检索中……"  # the reply while the answer is being found
# Markers of replies that are not stored answers. The colon stays outside the bold: Markdown does not close
# "**" after a full-width colon that a character follows, and the asterisks would show.
NOT_ANSWERED = "**未能回答**："  # an error instead of an answer (nothing stored)
STOPPED_MARK = "**已停止**："
STOPPED = STOPPED_MARK + "这个问题没有回答完，未保存到对话记录。"


def message_text(message) -> str:
    """The text of a chat message, whether its content is a string (as the server writes it) or a list of
    parts (as the page sends it back)."""
    content = message.get("content") if isinstance(message, dict) else getattr(message, "content", message)
    if isinstance(content, list):
        return "".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return content if isinstance(content, str) else ""


def is_answer(reply) -> bool:
    """Whether an assistant message is an answer kept as a turn (not an error, a stopped or pending reply)."""
    text = message_text(reply)
    return not (text.startswith(NOT_ANSWERED) or text.startswith(STOPPED_MARK) or text == PENDING)


def answered_turns_before(history: list, index: int) -> int:
    """How many stored turns the chat shows before message `index`: the user messages whose reply is an
    answer. Errors and stopped questions are shown in the chat but not stored, so message positions and
    turn numbers differ once one has happened."""
    count = 0
    for position in range(min(index, len(history))):
        message = history[position]
        if _role(message) == "user" and position + 1 < index and _role(history[position + 1]) == "assistant" \
                and is_answer(history[position + 1]):
            count += 1
    return count


def question_before(history: list, index: int) -> int | None:
    """The position of the user message that message `index` (an assistant reply) answers."""
    for position in range(min(index, len(history)) - 1, -1, -1):
        if _role(history[position]) == "user":
            return position
    return None


def _role(message) -> str:
    return message.get("role", "") if isinstance(message, dict) else getattr(message, "role", "")


# --- the 管理 page ----------------------------------------------------------------------------------------

FILE_STATUS_WORDS = {"indexed": "已收录", "kept": "读取失败", "failed": "读取失败", "not_ingested": "未收录",
                     "missing": "已不在文件库中"}


def file_status(entry) -> str:
    """A corpus file's status in words: 已收录, 读取失败 with the reason, or 未收录."""
    word = FILE_STATUS_WORDS.get(entry.status, entry.status)
    if entry.status == "kept":
        return f"{word}：{entry.reason}（仍使用之前收录的版本）"
    if entry.status == "missing":
        return f"{word}（重新入库后从索引中移除）"
    if entry.status == "not_ingested" and not entry.reason:
        return f"{word}（尚未入库）"
    return f"{word}：{entry.reason}" if entry.reason else word


def size_words(size: int | None) -> str:
    """
    >>> size_words(900), size_words(12_345), size_words(3_400_000)
    ('900 字节', '12.1 KB', '3.2 MB')
    """
    if size is None:
        return ""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def time_words(when: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(when)) if when else ""


def file_rows(entries) -> list[list]:
    """One row per corpus file (FILE_COLUMNS), from service.CorpusEntry."""
    rows = []
    for e in entries:
        titles = "；".join(e.titles[:TITLES_SHOWN])
        if len(e.titles) > TITLES_SHOWN:
            titles += f" 等 {len(e.titles)} 份"
        rows.append([e.name, titles, file_status(e), size_words(e.size), time_words(e.ingested_at)])
    return rows


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    one_line = " ".join((text or "").split())
    return one_line if len(one_line) <= limit else one_line[:limit - 1] + "…"


def feedback_rows(entries: list[dict]) -> list[list]:
    """One row per feedback entry (FEEDBACK_COLUMNS), in the order given (the store's: newest first). The
    rating in words (the page's font may have no emoji); a follow-up with the question it was read as."""
    rows = []
    for f in entries:
        question = f["question"] + (f"（理解为：{f['standalone']}）" if f.get("standalone") else "")
        # One mention per notice: an answer often cites several clauses of the same one.
        sources = "；".join(dict.fromkeys(
            f"《{s.get('notice_title', '')}》" + (f"（{s['doc_number']}）" if s.get("doc_number") else "")
            for s in f.get("sources") or []))
        rows.append([time_words(f["created"]), "有用" if f["rating"] > 0 else "没用", question,
                     excerpt(f["answer"]), sources, f.get("comment", "")])
    return rows
