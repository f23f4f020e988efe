"""Text cleaning for PDF extractions: the cleaned form is for matching, the raw form is kept for display."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .models import Line
from .patterns import (ADDRESSEE, ATTACHMENT, DATE, DOC_NUMBER, TITLE_END, ends_sentence, marker_of)

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_LEADING_BULLET = re.compile(r"^\s*(?:[-•>]\s+)+")
# Whitespace survives only between two Latin letters/digits ("Robotex 2023", "10 G").
_SPACE = re.compile(r"(?<![A-Za-z0-9])[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?![A-Za-z0-9])")
_KANA = re.compile(r"[\u3040-\u30fa\u30fc-\u30ff]")  # Japanese kana never occur in these documents
_WORDLIKE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9，。、；：！？“”‘’（）《》〔〕【】,.;:!?()%％\-—·]")
_PAGE_NUMBER = re.compile(r"^[-—–－─\s]*\d{1,3}[-—–－─\s]*$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$")
_RUNNING_HEADER = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,12}(?:人民政府)?公报|(?:19|20)\d{2}年第\d+期|\(?（?总第\d+期\)?）?|"
    r"(?:[市区县]政府)?(?:办公室)?文件[一二三四五六七八九十]?|（?\(?此页无正文\)?）?)$"
)
_MASTHEAD = re.compile(r"^主管(?:主办)?[：:]|^主办[：:]|\d{1,2}月\d{1,2}日(?:编发|出版)$")
_TOC_PAGE = re.compile(r"(?:\t\s*\(?（?\d{1,3}\)?）?\s*|[（(]\d{1,3}[)）])$")


def clean_text(raw: str) -> str:
    """Cleaned form of any span of original text: no stray spaces, no line breaks, no markup junk."""
    lines = [_LEADING_BULLET.sub("", _BOOKMARK.sub("", line)) for line in raw.splitlines()]
    text = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if text and text[-1].isascii() and text[-1].isalnum() and line[0].isascii() and line[0].isalnum():
            text += " "  # a Latin word broken across lines keeps its space
        text += line
    return _SPACE.sub("", text).replace("\u3000", "")


def is_garbage(clean: str) -> bool:
    """OCR noise such as '▼ ネル ☆ カ ハ 戸 子 仏 ▼' or a lone punctuation mark."""
    if _KANA.search(clean):
        return True
    if not clean:
        return True
    wordlike = len(_WORDLIKE.findall(clean))
    if wordlike / len(clean) < 0.5:
        return True
    return not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", clean)


def is_page_furniture(clean: str) -> bool:
    """Page numbers, running headers, a gazette's masthead and similar lines outside any document."""
    return bool(_PAGE_NUMBER.match(clean) or _RUNNING_HEADER.match(clean) or _MASTHEAD.search(clean))


def is_date_line(clean: str) -> bool:
    """A signing-date line, possibly preceded by the signer: '淄博市人民政府2023年6月13日'."""
    m = DATE.search(clean)
    if not m or m.end() != len(clean):
        return False
    signer = clean[: m.start()]
    return len(signer) <= 30 and not re.search(r"[：:，,。；]|[于在至到]$", signer)


def is_doc_number_line(clean: str) -> bool:
    m = DOC_NUMBER.search(clean)
    return bool(m) and len(clean) - len(m.group(1)) <= 4


def is_title_like(clean: str) -> bool:
    """A short line ending with a document-type word, e.g. '…工作方案的通知'."""
    return 4 <= len(clean) <= 90 and bool(TITLE_END.search(clean)) and not ends_sentence(clean)


def is_table_row(raw: str) -> bool:
    return "\t" in raw.strip("\n") and len([c for c in raw.split("\t") if c.strip()]) >= 1 and raw.count("\t") >= 2


def split_lines(text: str) -> list[Line]:
    """Non-empty lines with their 1-based line numbers and cleaned forms."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        raw = raw.rstrip(" \r\n\u3000")  # trailing tabs are kept: they are empty table cells
        if not raw.strip():
            continue
        lines.append(Line(number=number, raw=raw, clean=clean_text(raw)))
    return lines


def drop_noise(lines: list[Line]) -> list[Line]:
    """Remove OCR garbage, page furniture, tables of contents and the distribution footer (抄送…印发)."""
    lines = [ln for ln in lines if ln.clean and not is_garbage(ln.clean) and not is_page_furniture(ln.clean)]
    lines = _drop_table_of_contents(lines)
    return _drop_distribution_footer(lines)


def _drop_table_of_contents(lines: list[Line]) -> list[Line]:
    kept: list[Line] = []
    i = 0
    while i < len(lines):
        if lines[i].clean in ("目录", "目次"):
            i += 1
            while i < len(lines) and _is_toc_entry(lines, i):
                i += 1
            continue
        kept.append(lines[i])
        i += 1
    return kept


def _is_toc_entry(lines: list[Line], i: int) -> bool:
    line = lines[i]
    if line.clean.startswith("【") and line.clean.endswith("】"):
        return True
    if _TOC_PAGE.search(line.raw.rstrip()) or _TOC_PAGE.search(line.clean):
        return True
    # A title whose page number is on the next line (after its 文号).
    if i + 1 < len(lines) and (is_title_like(line.clean) or line.raw.endswith("\t")):
        nxt = lines[i + 1]
        return bool(_TOC_PAGE.search(nxt.raw.rstrip())) or nxt.clean.startswith("【")
    return False


def _drop_distribution_footer(lines: list[Line]) -> list[Line]:
    kept: list[Line] = []
    skip_until = -1
    for i, line in enumerate(lines):
        if i <= skip_until:
            continue
        if line.clean.startswith("抄送") or line.clean.startswith("主送"):
            # The footer runs to the line ending in '印发' (within a few lines).
            end = i
            for j in range(i, min(i + 5, len(lines))):
                if re.search(r"印发$", lines[j].clean):
                    end = j
                    break
            skip_until = end
            continue
        if re.search(r"\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发$", line.clean):
            continue
        kept.append(line)
    return kept


@dataclass
class Paragraph:
    """Consecutive lines that form one logical line (a sentence broken by the PDF rejoined)."""

    lines: list[Line] = field(default_factory=list)

    @property
    def raw(self) -> str:
        return "\n".join(line.raw for line in self.lines)

    @property
    def clean(self) -> str:
        return clean_text(self.raw)

    @property
    def line_start(self) -> int:
        return self.lines[0].number

    @property
    def line_end(self) -> int:
        return self.lines[-1].number

    @property
    def is_table_row(self) -> bool:
        return is_table_row(self.lines[0].raw)


def starts_block(clean: str) -> bool:
    """Lines that always begin a new logical line."""
    return bool(
        marker_of(clean) or ATTACHMENT.match(clean) or ADDRESSEE.match(clean) or is_date_line(clean)
        or is_doc_number_line(clean) or clean.startswith(("（此件", "(此件", "——"))
    )


def _closes_block(clean: str) -> bool:
    """Lines after which a new logical line begins."""
    if ends_sentence(clean) or is_date_line(clean) or is_doc_number_line(clean):
        return True
    if is_title_like(clean) or (ATTACHMENT.match(clean) and len(clean) <= 6):
        return True
    # A short heading such as '一、工作要求' (its text follows on the next lines).
    return is_heading_line(clean)


def is_heading_line(clean: str) -> bool:
    """A numbered line that is only a heading ('一、工作要求'); its text follows on the next lines."""
    marker = marker_of(clean)
    if not marker or marker[0] == "article":  # '第六条 …' always has text, maybe broken over lines
        return False
    return len(clean) <= 40 and "。" not in clean and not ends_sentence(clean)


def join_broken_lines(lines: list[Line]) -> list[Paragraph]:
    """Rejoin sentences the PDF broke across lines; keep headings, list items and table rows apart."""
    paragraphs: list[Paragraph] = []
    for line in lines:
        if paragraphs and _continues(paragraphs[-1], line):
            paragraphs[-1].lines.append(line)
        else:
            paragraphs.append(Paragraph([line]))
    return paragraphs


def _continues(previous: Paragraph, line: Line) -> bool:
    if previous.is_table_row or is_table_row(line.raw):
        return False
    before = previous.clean
    if _closes_block(before) or starts_block(line.clean):
        return False
    # PDF line breaks cut long lines. A short line is a heading, a name or an issuer: it continues
    # only into a title ('张店区人民政府办公室' + '关于…的通知').
    if len(before) <= 24:
        return line.clean.startswith("关于") or is_title_like(before + line.clean)
    return True
