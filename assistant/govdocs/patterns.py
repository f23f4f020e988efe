"""Regular expressions for the shapes of Chinese government documents (shared by the parsers)."""
from __future__ import annotations

import re
from pathlib import Path

from assistant.wordlists import read_words

CN_NUM = "一二三四五六七八九十百零〇两"
CJK = "\u4e00-\u9fff"

DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# 文号: 张政字〔2023〕68号, 淄政办字[2023]33 号, 川政办字〔2023〕22号; a 公告's own numbering, by year
# (某某局公告2031年第8号). Groups: 1 the whole, 2 (or 4) the year, 3 (or 5) the number.
DOC_NUMBER = re.compile(
    rf"([{CJK}]{{1,12}}[〔\[［【(（]\s*((?:19|20)\d{{2}})\s*[〕\]］】)）]\s*(\d{{1,4}})\s*号|"
    rf"[{CJK}]{{0,12}}公告\s*((?:19|20)\d{{2}})\s*年\s*第\s*(\d{{1,4}})\s*号)"
)
# The bracket pair of a 文号, normalised for search to 〔〕.
DOC_NUMBER_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕",
                                     "(": "〔", ")": "〕", "（": "〔", "）": "〕"})

# Heading markers, from the outermost kind to the innermost. A document may skip kinds.
MARKERS: list[tuple[str, re.Pattern]] = [
    ("part", re.compile(rf"^第[{CN_NUM}\d]+[编部](?:分)?\s*")),
    ("chapter", re.compile(rf"^第[{CN_NUM}\d]+章\s*")),
    ("section", re.compile(rf"^第[{CN_NUM}\d]+节\s*")),
    ("article", re.compile(rf"^第[{CN_NUM}\d]+条\s*")),
    ("cn_num", re.compile(rf"^[{CN_NUM}]{{1,3}}\s*[、．.]\s*")),
    ("cn_paren", re.compile(rf"^[（(]\s*[{CN_NUM}]{{1,3}}\s*[）)]\s*[、．.]?\s*")),
    ("arabic", re.compile(r"^\d{1,3}\s*[\.．、](?![\d%％])\s*")),
    ("arabic_paren", re.compile(r"^[（(]\s*\d{1,3}\s*[）)]\s*")),
    ("circled", re.compile(r"^[①-⑳]\s*")),
]
MARKER_RANK = {name: rank for rank, (name, _) in enumerate(MARKERS, start=1)}

ATTACHMENT = re.compile(r"^附\s*件\s*\d*\s*[：:]?")
# A line giving whom to contact (联系人：某某, 联系电话：…): the cover letter's, never a title or a heading.
CONTACT_LINE = re.compile(r"^(?:联\s*系\s*人|联系电话|联系方式|咨询电话|电子邮箱|邮\s*箱|传\s*真)\s*[：:]")
ADDRESSEE = re.compile(rf"^各[{CJK}、，,（）()\s]{{2,120}}[：:]$")
# Words a document title ends with; the last matching word is the document type.
DOC_TYPES = tuple(read_words(Path(__file__).parent / "data" / "doc_types.txt"))
TITLE_END = re.compile(r"(?:" + "|".join(DOC_TYPES) + r")(?:[（(](?:试行|暂行|修订|征求意见稿)[）)])?$")
SENTENCE_END = "。！？；;!?"
CLAUSE_END = SENTENCE_END + "：:"
CLOSERS = "”’」』》）)]】"
PUBLIC_NOTE = re.compile(r"此件公开发布")
# The last word of an issuing body's name: 财政部, 税务总局, 省卫生健康委, 市人民政府办公室, 疫情防控指挥部
ISSUER_END = re.compile(r"(?:部|局|厅|委|委员会|政府|办公室|办公厅|办|院|署|中心|银行|小组|指挥部)$")


def marker_of(text: str) -> tuple[str, str] | None:
    """Return (kind, marker text) when the text starts with a heading marker."""
    for name, pattern in MARKERS:
        m = pattern.match(text)
        if m:
            return name, m.group(0).strip()
    return None


def ends_sentence(text: str) -> bool:
    """True when text ends a sentence or clause (allowing closing quotes/brackets after the stop)."""
    t = text.rstrip()
    end = len(t)  # walk back by index: slicing a long text once per closing mark would be quadratic
    while end and t[end - 1] in CLOSERS:
        if t[end - 1] in "）)":
            return True  # a closing bracket ends a task line (（区科技局负责）) or follows a stop (…。）)
        end -= 1
    return end > 0 and t[end - 1] in CLAUSE_END


# Words a sentence puts before a 文号 that the greedy prefix would swallow: 文号为张政办字〔2023〕20号, 依据鲁政办发…
_DOC_LEAD_WORDS = re.compile(r"^(?:[文号为是见即的依据根照按及和与或详印发自经由从][\s]*)+(?=[\u4e00-\u9fff]{2})")


def normalize_doc_number(doc_number: str) -> str:
    """The 文号 with 〔〕 brackets and without words that precede it in a sentence."""
    m = DOC_NUMBER.search(doc_number.replace(" ", ""))
    if not m:
        return doc_number
    return _DOC_LEAD_WORDS.sub("", m.group(1).translate(DOC_NUMBER_BRACKETS))


def same_doc_number(a: str, b: str) -> bool:
    """Normalised 文号 that agree, allowing a shorter prefix on one side (政办字〔2023〕5号)."""
    return bool(a and b) and (a.endswith(b) or b.endswith(a))
