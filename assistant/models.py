"""Plain data passed between the stages: file → Notice → Clause → Chunk → Hit → Answer."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Line:
    """One non-empty line of a source file: its raw text and its cleaned form."""

    number: int  # 1-based line number in the file
    raw: str
    clean: str


@dataclass
class Notice:
    """One document inside a file (a gazette holds several): its metadata and line span."""

    title: str
    doc_number: str = ""  # 文号 as written, e.g. 淄政办字[2023]33号
    doc_number_norm: str = ""  # brackets normalised for search: 淄政办字〔2023〕33号
    issuer: str = ""
    date: str = ""  # YYYY-MM-DD, "" when the document gives none
    public: bool = False  # the document says 此件公开发布
    jurisdiction: str = ""
    doc_type: str = ""
    file: str = ""  # path relative to the corpus folder
    line_start: int = 0
    line_end: int = 0
    id: str = ""

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
    kind: str = "clause"  # "clause" or "table_row"
    lead_departments: list[str] = field(default_factory=list)
    support_departments: list[str] = field(default_factory=list)


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
    kind: str = "clause"
    jurisdiction: str = ""
    year: int | None = None
    lead_departments: list[str] = field(default_factory=list)
    support_departments: list[str] = field(default_factory=list)

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
