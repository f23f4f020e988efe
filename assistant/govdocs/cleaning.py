"""Text cleaning for PDF extractions: the cleaned form is for matching, the raw form is kept for display."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import opencc

from assistant.models import Line
from .patterns import (ADDRESSEE, ATTACHMENT, CLOSERS, CN_NUM, DATE, DOC_NUMBER, ISSUER_END, TITLE_END,
                       ends_sentence, marker_of)

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_LEADING_BULLET = re.compile(r"^\s*(?:[-•>]\s+)+")
# Whitespace survives only between two Latin letters/digits ("Robotex 2023", "10 G").
# Any Unicode space counts (web pages use U+2002 and U+00A0 for layout); zero-width marks are dropped.
_SPACE = re.compile(r"(?<![A-Za-z0-9])[^\S\n]+|[^\S\n]+(?![A-Za-z0-9])")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_KANA = re.compile(r"[\u3040-\u30fa\u30fc-\u30ff]")  # Japanese kana never occur in these documents
_WORDLIKE = re.compile(r"[\u4e00-\u9fffA-Za-z0-9，。、；：！？“”‘’（）《》〔〕【】,.;:!?()%％\-—·]")
_PAGE_NUMBER = re.compile(r"^[-—–－─\s]*\d{1,3}[-—–－─\s]*$|^第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?$")
_RUNNING_HEADER = re.compile(
    r"^(?:[\u4e00-\u9fff]{2,12}(?:人民政府)?公报|(?:19|20)\d{2}年第\d+期|\(?（?总第\d+期\)?）?|"
    r"(?:[市区县]政府)?(?:办公室)?文件[一二三四五六七八九十]?|（?\(?此页无正文\)?）?)$"
)
_MASTHEAD = re.compile(r"^主管(?:主办)?[：:]|^主办[：:]|\d{1,2}月\d{1,2}日(?:编发|出版)$")
# The first match of DATE / DOC_NUMBER, found only when it starts within the first 30 / 4 characters
# (the lazy prefix tries each start in order, as search() would).
_DATE_NEAR_START = re.compile(r"(?s).{0,30}?" + DATE.pattern)
# A web page's buttons printed after the signing date: '2020年2月5日【打印本页】【关闭窗口】'.
_PAGE_BUTTONS = re.compile(r"(?:【[^】]{1,8}】|\[[^\]]{1,8}\])*")
_DOC_NUMBER_NEAR_START = re.compile(r"(?s).{0,4}?" + DOC_NUMBER.pattern)
# A page number after a tab, or in brackets, ends a table-of-contents entry. The tab is looked for from
# the start of its run of spaces only, and spaces are never given back: trying every tab of a long run
# of tabs, each time to the run's end, was quadratic.
_TOC_PAGE = re.compile(r"(?:(?<!\s)[^\S\t]*+\t\s*+\(?（?\d{1,3}\)?）?\s*|[（(]\d{1,3}[)）])$")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """The simplified-character form a text is matched in (a notice may write 後 for 后); the original
    is what is shown.

    >>> to_simplified("疫情結束後")
    '疫情结束后'
    """
    return _t2s().convert(text) if text else text


def clean_text(raw: str) -> str:
    """Cleaned form of any span of original text: no stray spaces, no line breaks, no markup junk."""
    parts: list[str] = []  # joined once at the end: repeated `text += line` is quadratic on many lines
    for line in raw.splitlines():
        line = _LEADING_BULLET.sub("", _BOOKMARK.sub("", line)).strip()
        if not line:
            continue
        if parts and _joins_with_space(parts[-1], line):
            parts.append(" ")  # a Latin word broken across lines keeps its space
        parts.append(line)
    return _ZERO_WIDTH.sub("", _SPACE.sub("", "".join(parts)))


def _joins_with_space(before: str, after: str) -> bool:
    a, b = before[-1], after[0]
    return a.isascii() and a.isalnum() and b.isascii() and b.isalnum()


def join_clean(before: str, after: str) -> str:
    """clean_text(a + "\n" + b) from clean_text(a) and clean_text(b): the cleaning of one line never
    depends on its neighbours (lines are stripped, so no run of spaces crosses a line break)."""
    if not before or not after:
        return before or after
    return before + (" " if _joins_with_space(before, after) else "") + after


def is_garbage(clean: str) -> bool:
    """OCR noise such as '▼ ネル ☆ カ ハ 戸 子 仏 ▼' or a lone punctuation mark."""
    if _KANA.search(clean):
        return True
    if not clean:
        return True
    wordlike = len(clean) - len(_WORDLIKE.sub("", clean))  # findall's list held a string per character
    if wordlike / len(clean) < 0.5:
        return True
    return not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", clean)


def is_page_furniture(clean: str) -> bool:
    """Page numbers, running headers, a gazette's masthead and similar lines outside any document."""
    return bool(_PAGE_NUMBER.match(clean) or _RUNNING_HEADER.match(clean) or _MASTHEAD.search(clean))


def is_date_line(clean: str) -> bool:
    """A signing-date line, possibly preceded by the signer: '淄博市人民政府2023年6月13日'."""
    # The first date must start within the signer's 30 characters: looking no further keeps a long
    # paragraph (checked again for every line joined to it) from being searched to its end each time.
    m = _DATE_NEAR_START.match(clean)
    if not m or not _PAGE_BUTTONS.fullmatch(clean, m.end()):
        return False
    signer = clean[: m.start(1)]
    return len(signer) <= 30 and not re.search(r"[：:，,。；]|[于在至到]$", signer)


def is_doc_number_line(clean: str) -> bool:
    m = _DOC_NUMBER_NEAR_START.match(clean)  # the first 文号, when it starts within 4 characters
    return bool(m) and len(clean) - len(m.group(1)) <= 4


def is_title_like(clean: str) -> bool:
    """A short line ending with a document-type word, e.g. '…工作方案的通知'."""
    return 4 <= len(clean) <= 90 and bool(TITLE_END.search(clean)) and not ends_sentence(clean)


def is_table_row(raw: str) -> bool:
    return "\t" in raw.strip("\n") and len([c for c in raw.split("\t") if c.strip()]) >= 1 and raw.count("\t") >= 2


def split_lines(text: str) -> list[Line]:
    """Non-empty lines with their 1-based line numbers and cleaned forms; a long line that holds a whole
    document is cut into its paragraphs (split_long_line), each piece keeping the line's number."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        raw = raw.rstrip(" \r\n\u3000")  # trailing tabs are kept: they are empty table cells
        if not raw.strip():
            continue
        clean = clean_text(raw)
        pieces = split_long_line(raw) if len(clean) > LONG_LINE and not is_table_row(raw) else []
        if not _spaces_end_paragraphs(pieces, opening=not lines):
            lines.append(Line(number=number, raw=raw, clean=clean))
            continue
        for k, piece in enumerate(pieces):
            lines.append(Line(number=number, raw=piece, clean=clean_text(piece), after_break=k > 0))
    return lines


# Longer than any title (90 characters, is_title_like) or signature line: a line this long is a
# paragraph, or a whole document published on one line, whose spaces separate its paragraphs.
LONG_LINE = 90
# The share of a long line's text in pieces that end a sentence, heading or title above which its spaces
# end paragraphs. Measured (char-weighted, /tmp/share.py in the issue-16 note): PDF lines with spaces for
# line breaks 0–0.16 (one of 51 at 0.79, of 3 pieces); one-line documents of corpus-ncp median 0.94.
ONE_LINE_SHARE = 0.5
_WHITESPACE_RUN = re.compile(r"[^\S\t\n]+")  # spaces of any width, not tabs (table cells)
# A numbered heading written inline right after a stop: '…如下：一、总体要求' / '…。（二）…' / '…。3.…'
_INLINE_HEADING = re.compile(
    rf"(?<=[。；;：:！？!?])(?=第[{CN_NUM}\d]{{1,4}}[章节条]|[{CN_NUM}]{{1,3}}、|[（(][{CN_NUM}\d]{{1,3}}[）)]"
    rf"|\d{{1,3}}[\.．、](?![\d%％]))"
)


def split_long_line(raw: str) -> list[str]:
    """The paragraphs of a long line: cut at runs of spaces — except between two Latin words or digits
    ('Robotex 2023'), after a bare heading marker ('1. 总体要求') and around a single character
    (letter-spaced '各 区 县') — and before a numbered
    heading that follows a stop. The join step (join_broken_lines) puts a headline cut by a space back.

    >>> split_long_line("关于做好复工工作的通知 各区县：为做好复工工作，现通知如下：一、总体要求 坚持分类指导。")
    ['关于做好复工工作的通知', '各区县：为做好复工工作，现通知如下：', '一、总体要求', '坚持分类指导。']
    """
    tokens = _WHITESPACE_RUN.split(raw.strip())
    pieces: list[str] = []
    for token in tokens:
        if not token:
            continue
        if pieces and _keeps_space(pieces[-1], token):
            pieces[-1] += " " + token
        else:
            pieces.append(token)
    return [part for piece in pieces for part in _INLINE_HEADING.split(piece) if part]


def _spaces_end_paragraphs(pieces: list[str], opening: bool) -> bool:
    """Whether the spaces of a long line end paragraphs (a document published on one line) rather than
    wrapped lines (a PDF extraction that put spaces for line breaks): most of the text between the
    first and the last space is in pieces that end a sentence, a heading or a title. The first piece of
    a file's opening line is its headline and does not count."""
    inner = pieces[1 if opening else 0 : -1]
    if not inner:
        return opening and len(pieces) == 2  # a headline and its one paragraph
    if not opening and len(pieces) < 3:
        return False  # too little to tell
    closed = sum(len(piece) for piece in inner if _ends_paragraph(clean_text(piece)))
    return closed >= ONE_LINE_SHARE * sum(len(piece) for piece in inner)


def _ends_paragraph(clean: str) -> bool:
    """A piece that ends a sentence, or is a title, date or 文号 line. Not a short numbered heading: the
    first wrapped line of a numbered paragraph ('(七)组织、督促、指导高青县所属县') looks like one."""
    return ends_sentence(clean) or is_title_like(clean) or is_date_line(clean) or is_doc_number_line(clean)


def _keeps_space(before: str, after: str) -> bool:
    a, b = before[-1], after[0]
    latin = a.isascii() and a.isalnum() and b.isascii() and b.isalnum()
    last = before.rsplit(" ", 1)[-1]
    marker = marker_of(last)
    bare_marker = marker is not None and len(marker[1]) >= len(last.strip())  # '(二) 继续深化…'
    # A letter-spaced run ('财 政 部 2020年1月31日') stays with what follows it; a lone character
    # joins what precedes it only after a digit ('2020年2月7 日'). A space inside a short parenthesis
    # ('（记者 尹翠莉）') ends no paragraph.
    return latin or bare_marker or len(last) == 1 or (len(after) == 1 and a.isdigit()) or _open_bracket(before)


_OPEN_BRACKET = re.compile(r"[（(][^（()）]{0,12}$")


def _open_bracket(before: str) -> bool:
    """Whether text ends inside a parenthesis opened a few characters before ('…。（记者')."""
    return bool(_OPEN_BRACKET.search(before))


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


# A footer line names an office and a date ("<office> <date>印发"): about 25 characters; 60 leaves room.
FOOTER_LINE_CHARS = 60


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
        if len(line.clean) <= FOOTER_LINE_CHARS and re.search(r"\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发$", line.clean):
            continue  # "XX办公室 2023年6月13日印发" — not a one-line document that happens to end so
        kept.append(line)
    return kept


@dataclass
class Paragraph:
    """Consecutive lines that form one logical line (a sentence broken by the PDF rejoined)."""

    lines: list[Line] = field(default_factory=list)
    # The cleaned text of the first _clean_n lines: lines are only ever appended, and recleaning the
    # whole paragraph for every line joined to it would be quadratic.
    _clean: str = field(default="", init=False, repr=False, compare=False)
    _clean_n: int = field(default=0, init=False, repr=False, compare=False)
    _clean_last: Line | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def raw(self) -> str:
        return "\n".join(line.raw for line in self.lines)

    @property
    def clean(self) -> str:
        n = self._clean_n
        if n > len(self.lines) or (n and self.lines[n - 1] is not self._clean_last):
            self._clean, n = "", 0  # the lines were replaced, not appended to
        if n < len(self.lines):
            parts = [self._clean] if self._clean else []
            for line in self.lines[n:]:
                if line.clean:
                    if parts and _joins_with_space(parts[-1], line.clean):
                        parts.append(" ")
                    parts.append(line.clean)
            self._clean, self._clean_n, self._clean_last = "".join(parts), len(self.lines), self.lines[-1]
        return self._clean

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
    if is_title_like(clean) or (len(clean) <= 6 and ATTACHMENT.match(clean)):
        return True
    # A short heading such as '一、工作要求' (its text follows on the next lines).
    return is_heading_line(clean)


def is_heading_line(clean: str) -> bool:
    """A numbered line that is only a heading ('一、工作要求'); its text follows on the next lines."""
    if len(clean) > 40:
        return False
    marker = marker_of(clean)
    if not marker or marker[0] == "article":  # '第六条 …' always has text, maybe broken over lines
        return False
    return "。" not in clean and not ends_sentence(clean)


# A cleaned text with more non-space characters than this is no title (90), heading (40), date line
# (signer 30 + date 11) or 文号 line (4 + 23): of the tests on a paragraph's end, only ends_sentence applies.
_LONG = 100
_NON_PAREN_CLOSERS = frozenset(CLOSERS) - frozenset("）)")


@dataclass
class _Open:
    """What join_broken_lines needs to know of the cleaned text of the paragraph it is extending, kept
    up to date line by line: rebuilding and re-testing a paragraph of n lines for each line is O(n²)."""

    text: str | None  # the cleaned text while it has at most _LONG non-space characters
    nonspace: int
    ends: bool  # ends_sentence(cleaned text)

    @classmethod
    def of(cls, clean: str) -> "_Open":
        return cls(clean, _nonspace(clean), ends_sentence(clean))

    def extend(self, clean: str) -> None:
        if not clean:
            return
        self.nonspace += _nonspace(clean)
        self.text = join_clean(self.text, clean) if self.text is not None and self.nonspace <= _LONG else None
        if not all(c in _NON_PAREN_CLOSERS for c in clean):
            self.ends = ends_sentence(clean)  # (a line of only closing quotes leaves the end as it was)

    def closes_block(self) -> bool:
        return _closes_block(self.text) if self.text is not None else self.ends


def _nonspace(text: str) -> int:
    return len(text) - sum(map(str.isspace, text))


def join_broken_lines(lines: list[Line]) -> list[Paragraph]:
    """Rejoin sentences the PDF broke across lines; keep headings, list items and table rows apart."""
    paragraphs: list[Paragraph] = []
    current: _Open | None = None
    for line in lines:
        if paragraphs and current is not None and _continues(paragraphs[-1], current, line, len(paragraphs) == 1):
            paragraphs[-1].lines.append(line)
            current.extend(line.clean)
        else:
            paragraphs.append(Paragraph([line]))
            current = _Open.of(line.clean)
    return paragraphs


def _continues(previous: Paragraph, current: _Open, line: Line, opening: bool) -> bool:
    if previous.is_table_row or is_table_row(line.raw):
        return False
    if current.closes_block() or starts_block(line.clean):
        return False
    if line.after_break and opening and current.text is not None:
        # A document published as one line puts a space after its headline, stop or no stop; a space
        # inside the headline ('…新型冠状病毒肺炎 疫情应急指挥部公告') is put back.
        joined = join_clean(current.text, line.clean)
        # Joint issuers are spaced before the headline: '财政部 税务总局 关于…的公告'.
        issuers = len(current.text) <= 24 and ISSUER_END.search(current.text) and not ends_sentence(line.clean)
        return is_title_like(joined) or bool(issuers)
    if current.text is None:
        return True  # a long paragraph: not short, see below
    before = current.text
    # PDF line breaks cut long lines. A short line is a heading, a name or an issuer: it continues
    # only into a title ('张店区人民政府办公室' + '关于…的通知').
    if len(before) <= 24:
        return line.clean.startswith("关于") or is_title_like(before + line.clean)
    return True
