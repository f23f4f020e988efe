"""Tables extracted as tab-separated lines: one labelled record per row, page breaks repaired."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .models import Line

_ROW_NUMBER = re.compile(r"^\d{1,4}$")


@dataclass
class TableRow:
    number: str
    values: dict[str, str]
    lines: list[Line] = field(default_factory=list)

    def labelled_text(self, number_label: str) -> str:
        """'序号 51｜年度目标任务：…｜责任单位：…' — every value labelled by its column header."""
        parts = [f"{number_label} {self.number}"]
        parts += [f"{header}：{value}" for header, value in self.values.items() if value]
        return "｜".join(parts)


def _cells(raw: str) -> list[str]:
    return [re.sub(r"\s+", " ", cell).strip() for cell in raw.split("\t")]


def _align(cells: list[str], headers: list[str]) -> dict[str, str]:
    """Map cells to headers. Extra cells (a header spanning sub-columns) merge into the second column."""
    n, h = len(cells), len(headers)
    if n <= h:
        return {headers[i]: cells[i] if i < n else "" for i in range(1, h)}
    tail = h - 2  # the last columns line up from the right
    middle = " ".join(c for c in cells[1 : n - tail] if c)
    values = {headers[1]: middle}
    for offset, header in enumerate(headers[2:]):
        values[header] = cells[n - tail + offset]
    return values


def parse_table(lines: list[Line]) -> tuple[list[str], list[TableRow]]:
    """Headers and rows of consecutive tab-separated lines; repeated header rows are dropped and
    rows continued after a page break (no row number, or the same number again) are joined."""
    headers: list[str] = []
    rows: list[TableRow] = []
    for line in lines:
        cells = _cells(line.raw)
        first = cells[0] if cells else ""
        if not headers and not _ROW_NUMBER.match(first):
            headers = [c for c in cells if c] or ["序号"]
            continue
        if headers and first == headers[0]:
            continue  # the header repeated on a new page
        if not headers:
            headers = ["序号"] + [f"列{i}" for i in range(1, len(cells))]
        values = _align(cells, headers)
        if _ROW_NUMBER.match(first) and not (rows and rows[-1].number == first):
            rows.append(TableRow(first, values, [line]))
        elif rows:
            previous = rows[-1]
            for header, value in values.items():
                if value:
                    joined = previous.values.get(header, "")
                    previous.values[header] = (joined + " " + value).strip() if joined else value
            previous.lines.append(line)
    return headers, rows
