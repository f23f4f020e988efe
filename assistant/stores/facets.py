"""What a clause can be filtered by (places, years, 文号), computed once from its text and notice.

Both stores filter on these same facets — the local one with in-memory masks, Milvus with scalar fields —
so a restriction selects the same clauses whichever store serves the question.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Chunk, Notice
from assistant.govdocs.patterns import DOC_NUMBER, normalize_doc_number
from assistant.govdocs.places import ancestors, bare_name, find_places, level_of

REPORT_TYPES = {"报告", "总结", "公报", "通报"}  # issued after the year they report on
# Every year a text mentions: overlapping, so "2023" is found in "20232024" as a plain substring test would.
_YEARS_IN_TEXT = re.compile(r"(?=((?:19|20)\d{2}))")
_YEAR_IN_TITLE = re.compile(r"(?:19|20)\d{2}")


@dataclass
class Restriction:
    """The clauses a question may draw on: each non-empty list must be met by one of its values."""

    notice_ids: list[str] = field(default_factory=list)
    doc_numbers: list[str] = field(default_factory=list)  # normalised 文号 (the notice's own, or cited)
    places: list[str] = field(default_factory=list)  # clauses of the place, or of a higher level naming it
    within: list[str] = field(default_factory=list)  # clauses of places inside these
    years: list[int] = field(default_factory=list)
    # With places or within: the clauses of notices whose place is unknown too (a bank's or an agency's notice
    # naming no place is not another place's, and may be what a resident of any place asks about).
    placeless: bool = False

    def is_empty(self) -> bool:
        return not (self.notice_ids or self.doc_numbers or self.places or self.within or self.years)


@dataclass
class ClauseFacets:
    places: list[str]  # its own jurisdiction, and lower-level places its text names (a task assigned to them)
    within: list[str]  # the places its jurisdiction lies inside (张店区 → 淄博市, 山东省, 全国)
    years: list[int] | None  # the years it fits; None when it gives no year at all (fits any)
    doc_numbers: list[str]  # its notice's 文号 and the 文号 it cites


def clause_facets(chunk: Chunk, notice: Notice | None, search_text: str) -> ClauseFacets:
    """Facets of one clause; `search_text` is its cleaned, lower-cased index text."""
    own = chunk.jurisdiction
    own_level = level_of(own or "全国")
    # 福州市鼓楼区 is asked about as 鼓楼区 too
    places = list(dict.fromkeys([own, bare_name(own)])) if own else []
    for name in find_places(search_text):
        if level_of(name) > own_level and name not in places:
            places.append(name)
    return ClauseFacets(places, ancestors(own), clause_years(chunk, notice, search_text),
                        clause_doc_numbers(notice, search_text))


def clause_years(chunk: Chunk, notice: Notice | None, search_text: str) -> list[int] | None:
    """A clause fits a year it mentions, its notice's year, and — for a report — the year before it.
    A notice with no date is dated by the year in its title; one with neither fits every year."""
    years = {int(m.group(1)) for m in _YEARS_IN_TEXT.finditer(search_text)}
    year = chunk.year
    if year is None:
        found = _YEAR_IN_TITLE.search(chunk.notice_title)
        year = int(found.group(0)) if found else None
    if year is None:
        return None
    years.add(year)
    if notice is not None and notice.doc_type in REPORT_TYPES:
        years.add(year - 1)
    return sorted(years)


def clause_doc_numbers(notice: Notice | None, search_text: str) -> list[str]:
    found = [notice.doc_number_norm] if notice is not None and notice.doc_number_norm else []
    for m in DOC_NUMBER.finditer(search_text):
        number = normalize_doc_number(m.group(1))
        if number and number not in found:
            found.append(number)
    return found
