"""Draft replies to citizen enquiries (12345 hotline and the like), quoting the clauses that answer them."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from assistant.models import Answer, Citation, chinese_date

SALUTATION = "尊敬的市民朋友"
CONTACT_PLACEHOLDER = "联系人：【请填写】；联系电话：【请填写】"
SIGNATURE_PLACEHOLDER = "【答复单位】"
FOLLOW_UP_PLACEHOLDER = "【请填写后续办理情况，如转办单位和办理时限】"
_ORDINALS = "一二三四五六七八九十"


def draft_reply(enquiry: str, answer: Answer, today: date | None = None) -> str:
    """A reply in the usual form: 称呼, 答复内容 quoting the clauses with their notices and 文号, 联系方式."""
    today = today or date.today()
    summary = _summary(enquiry)
    lines = [f"{SALUTATION}：", f"　　您好！您反映的“{summary}”的诉求已收悉，现答复如下："]
    used = [c for c in answer.citations if c.quotes]
    if answer.abstained or not used:
        # No action is claimed that nobody took: whether and where the enquiry was passed on is the staff's to write.
        lines.append("　　经查询现行政策文件，暂未找到与您所提问题直接对应的规定。" + FOLLOW_UP_PLACEHOLDER)
    else:
        for i, c in enumerate(used):
            lead = f"{_ORDINALS[i]}是" if len(used) > 1 and i < len(_ORDINALS) else ""
            lines.append(f"　　{lead}根据{_source(c)}，{_quote(c)}")
        lines.append("　　以上内容摘自相关政策文件原文，具体以文件为准。")
    lines += ["　　感谢您对我们工作的关心和支持！", f"　　{CONTACT_PLACEHOLDER}", "",
              f"{SIGNATURE_PLACEHOLDER}", chinese_date(today.isoformat())]
    return "\n".join(lines)


def _summary(enquiry: str) -> str:
    text = re.sub(r"\s+", "", enquiry).strip("。？?！!")
    return text[:60] + ("……" if len(text) > 60 else "")


def _source(c: Citation) -> str:
    n = c.notice
    title = n.title if n else c.chunk.notice_title
    number = f"（{n.doc_number}）" if n and n.doc_number else ""
    clause = f"{c.chunk.clause_path[-1]}" if c.chunk.clause_path else ""
    return f"《{title}》{number}" + (f"“{clause}”" if clause and len(clause) <= 40 else "") + "的规定"


def _quote(c: Citation) -> str:
    text = "".join(q if q.endswith(("。", "；", "…")) else q + "；" for q in c.quotes).rstrip("；")
    return f"“{text}”" + ("" if text.endswith("。") else "。")


def write_docx(text: str, path: Path, title: str = "关于市民诉求的答复") -> Path:
    """Save the (edited) reply as a .docx: a centred title, then one paragraph per line."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # without it Word falls back to a Latin font for Chinese
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(16)
    for line in text.splitlines():
        doc.add_paragraph(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path
