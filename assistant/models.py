"""Plain data passed between the stages: file → Notice → Clause → Chunk → Hit → Answer, and how a notice is cited."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum


class Choice(StrEnum):
    """A closed set of string values: an unknown one raises ValueError naming the allowed values.

    >>> ChunkKind("table_row") == "table_row"
    True
    """

    @classmethod
    def _missing_(cls, value):
        allowed = "、".join(member.value for member in cls)
        raise ValueError(f"{cls.__name__}：未知的取值“{value}”（可选：{allowed}）")


class ChunkKind(Choice):
    CLAUSE = "clause"
    TABLE_ROW = "table_row"
    HEADER = "header"  # a notice's cover: title, 文号, issuer, addressees


class QuestionKind(Choice):
    """What a question asks for; a question may ask for several (谁负责？什么时候完成？)."""

    METADATA = "metadata"  # 文号, issuer, date, gazette issue
    BASIS = "basis"  # the law or document a notice rests on
    WHO = "who"
    WHEN = "when"
    FIGURE = "figure"
    CONTACT = "contact"  # a phone number, postal address or e-mail to reach an office (电话多少？寄到哪里？)
    LIST = "list"
    CONTENTS = "contents"  # which documents a gazette issue or file holds
    WHAT = "what"


@dataclass
class Line:
    """One non-empty line of a source file: its raw text and its cleaned form."""

    number: int  # 1-based line number in the file
    raw: str
    clean: str
    # True for a piece of a long line that followed a space or an inline heading: a document published
    # as one line separates its paragraphs so (cleaning.split_long_line).
    after_break: bool = False


@dataclass
class Notice:
    """One document inside a file (a gazette holds several): its metadata and line span."""

    title: str
    doc_number: str = ""  # 文号 as written, e.g. 淄政办字[2023]33号
    doc_number_norm: str = ""  # brackets normalised for search: 淄政办字〔2023〕33号
    issuer: str = ""
    date: str = ""  # YYYY-MM-DD, "" when the document gives none
    # True when the date is only one the text mentions (no signature, label, dateline or time stamp):
    # shown as "据正文推断".
    date_inferred: bool = False
    public: bool = False  # the document says 此件公开发布
    jurisdiction: str = ""
    level: str = ""  # the jurisdiction's level: country / province / city / county ("" when unknown)
    doc_type: str = ""
    file: str = ""  # path relative to the corpus folder
    line_start: int = 0
    line_end: int = 0
    id: str = ""
    ocr: bool = False  # read by OCR from a scan or photo: characters may be misread ("识别文字，请核对原件")
    # The gazette issue the file is, from its cover (某市人民政府公报2031年第4期（总第120期）); "" for other files.
    gazette_issue: str = ""

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None


@dataclass
class Clause:
    """A passage of a notice with its place in the heading tree."""

    path: list[str]  # headings from the top, e.g. ["三、坚定不移扩大内需", "22. 大力发展绿色智慧交通"]
    raw: str  # original text, lines joined by newlines
    text: str  # cleaned text
    line_start: int
    line_end: int
    kind: ChunkKind = ChunkKind.CLAUSE
    lead_departments: list[str] = field(default_factory=list)
    support_departments: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.kind = ChunkKind(self.kind)


@dataclass
class Chunk:
    """The unit that is indexed and cited: a clause, a part of a long clause, or a table row."""

    id: str
    notice_id: str
    notice_title: str
    clause_path: list[str]
    text: str  # shown and quoted: the original text
    index_text: str  # embedded and BM25-indexed: title + path + cleaned text
    file: str
    line_start: int
    line_end: int
    kind: ChunkKind = ChunkKind.CLAUSE
    jurisdiction: str = ""
    year: int | None = None
    lead_departments: list[str] = field(default_factory=list)
    support_departments: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.kind = ChunkKind(self.kind)  # read back from a store as a plain string

    @property
    def clause_path_text(self) -> str:
        return " › ".join(self.clause_path)


@dataclass
class FileReport:
    """What ingest did with one file."""

    file: str
    status: str  # "indexed", "unchanged", "failed", "removed", "kept"
    reason: str = ""
    n_notices: int = 0
    n_chunks: int = 0


# --- retrieval -------------------------------------------------------------------------------------------


@dataclass
class Filters:
    """Restrictions on what may be retrieved; empty means no restriction."""

    jurisdictions: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    notice_ids: list[str] = field(default_factory=list)
    doc_numbers: list[str] = field(default_factory=list)


@dataclass
class Hit:
    chunk: Chunk
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None
    coverage: float = 0.0  # IDF-weighted share of the query's terms found in the clause (with its title and path)
    dense_score: float = 0.0  # cosine similarity of the question and the clause (0 when dense search missed it)
    # Cosine similarity of the question and each sentence of the clause (govdocs.sentences.clause_sentences
    # order), when the index holds sentence vectors; empty otherwise.
    sentence_similarity: tuple[float, ...] = ()


@dataclass
class SearchResult:
    hits: list[Hit]
    # Why nothing could match, when a stated restriction excludes every clause ("" otherwise).
    empty_reason: str = ""
    # What the corpus lacks then: "year" or "place" (the hits are then the closest clauses without that
    # restriction, which an answer may offer), or "doc_number".
    missing: str = ""


# --- answers ---------------------------------------------------------------------------------------------


@dataclass
class Citation:
    marker: int
    chunk: Chunk
    notice: Notice | None
    score: float
    quotes: list[str] = field(default_factory=list)  # the sentences the answer took from this clause


@dataclass
class Answer:
    question: str
    text: str
    abstained: bool
    citations: list[Citation]
    mode: str = "extractive"  # or "llm"
    note: str = ""  # e.g. why the LLM answer was replaced
    confidence: float | None = None  # the decline model's probability that the clauses answer (answering/decline.py)
    # Declined because the best clause speaks of what is asked and lacks the detail (a day left open, a number
    # not given, no one named): another level's notices are not searched for it.
    detail_missing: bool = False


def chinese_date(iso: str) -> str:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso or ""):
        return iso or ""
    y, m, d = iso.split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def notice_date(notice: Notice | None) -> str:
    """The notice's date in Chinese, marked when it was only inferred from the text."""
    if notice is None or not notice.date:
        return ""
    return chinese_date(notice.date) + ("（据正文推断）" if notice.date_inferred else "")


def notice_line(notice: Notice | None) -> str:
    """《title》（文号，issuer，date） — only the fields the notice has."""
    if notice is None:
        return ""
    meta = "，".join(x for x in (notice.doc_number, notice.issuer, notice_date(notice)) if x)
    if notice.ocr:
        meta += ("；" if meta else "") + "识别文字，请核对原件"
    return f"《{notice.title}》" + (f"（{meta}）" if meta else "")
