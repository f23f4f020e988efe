"""Check a generated answer against its sources: every figure, date and 文号 must appear in a cited clause."""
from __future__ import annotations

import re

from assistant.models import Citation, chinese_date
from assistant.govdocs.patterns import DATE, DOC_NUMBER, normalize_doc_number, same_doc_number
from assistant.govdocs.injection import QUOTED, without_instructions

_MARKER = re.compile(r"\[(\d{1,2})\]")
_ISO_DATE = re.compile(r"((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿]{2,}")
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


def markers_in(text: str) -> list[int]:
    return [int(m) for m in _MARKER.findall(text)]


def chinese_number(text: str) -> int | None:
    """一千七百七十五 → 1775; None when the characters do not form a number."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= 10_000:
                total += (section + (digit or 0)) * unit
                section, digit = 0, None
            else:
                section += (1 if digit is None else digit) * unit
                digit = None
        else:
            return None
    return total + section + (digit or 0)


def _numbers(text: str) -> set[str]:
    text = re.sub(r"(?<=\d)[,，](?=\d{3})", "", text)
    found = {_canonical(n) for n in _NUMBER.findall(text)}
    for m in _CN_NUMBER.finditer(text):
        value = chinese_number(m.group(0))
        if value is not None:
            found.add(str(value))
    return found


def _canonical(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else number.lstrip("0") or "0"


def _dates(text: str) -> set[tuple[int, int, int]]:
    found = {(int(y), int(m), int(d)) for y, m, d in DATE.findall(text)}
    found |= {(int(y), int(m), int(d)) for y, m, d in _ISO_DATE.findall(text)}
    return found


def _doc_numbers(text: str) -> set[str]:
    return {normalize_doc_number(m.group(1)) for m in DOC_NUMBER.finditer(re.sub(r"\s+", "", text))}


def source_text(citation: Citation) -> str:
    """What a citation vouches for: its clause, and its notice's title, 文号, issuer and date."""
    # A sentence addressing an AI model vouches for nothing, even if the model repeated it.
    parts = [without_instructions(citation.chunk.text), citation.chunk.notice_title, citation.chunk.clause_path_text]
    if citation.notice:
        n = citation.notice
        parts += [n.doc_number, n.issuer, n.date, chinese_date(n.date)]
    return re.sub(r"[ \t\u3000]+", "", "\n".join(parts))


def unsupported_facts(answer: str, citations: list[Citation]) -> list[str]:
    """Figures, dates and 文号 in the answer that no cited clause contains; also unknown or missing markers."""
    by_marker = {c.marker: c for c in citations}
    used = markers_in(answer)
    problems = [f"[{m}]" for m in used if m not in by_marker]
    cited = [by_marker[m] for m in used if m in by_marker]
    body = _MARKER.sub(" ", answer)
    # A passage quoted word for word from a cited clause is faithful whatever it says ("文件中写有“…”").
    raw = re.sub(r"\s+", "", "\n".join(c.chunk.text for c in cited))
    body = QUOTED.sub(lambda m: " " if len(m.group(0)) > 4 and re.sub(r"\s+", "", m.group(0)[1:-1]) in raw
                      else m.group(0), body)
    if not cited:
        return problems + ["没有标注来源"] if _numbers(body) or _dates(body) else problems
    return problems + missing_facts(body, "\n".join(source_text(c) for c in cited))


def missing_facts(body: str, sources: str) -> list[str]:
    """文号, dates and figures of `body` that `sources` does not contain."""
    problems = []
    source_dates = _dates(sources)
    source_docs = _doc_numbers(sources)
    for doc in sorted(_doc_numbers(body)):
        if not any(same_doc_number(doc, known) for known in source_docs):
            problems.append(doc)
    for date in sorted(_dates(body) - source_dates):
        problems.append(f"{date[0]}年{date[1]}月{date[2]}日")
    # Numbers inside dates and 文号 were checked above as wholes.
    stripped = DOC_NUMBER.sub(" ", DATE.sub(" ", _ISO_DATE.sub(" ", re.sub(r"\s+", "", body))))
    source_numbers = _numbers(sources)
    for number in sorted(_numbers(stripped) - source_numbers):
        problems.append(number)
    return problems
