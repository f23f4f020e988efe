"""Tables extracted as tab-separated lines: one labelled record per row, page breaks repaired."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.models import Line

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


def is_caption_row(raw: str) -> bool:
    """A tab-separated line that cannot be a header row: fewer than two different non-empty cells and
    no row number ('附表1' above a table, a merged title cell repeated across columns, a title
    indented with tabs). It is text, not a table row."""
    cells = _cells(raw)
    return not _ROW_NUMBER.match(cells[0]) and len({c for c in cells if c}) < 2


def _align(cells: list[str], headers: list[str]) -> dict[str, str]:
    """Map cells to headers. Extra cells (a header spanning sub-columns) merge into the second column;
    with fewer than two headers there is no such column, and extra cells get numbered columns."""
    n, h = len(cells), len(headers)
    if n <= h:
        return {headers[i]: cells[i] if i < n else "" for i in range(1, h)}
    if h < 2:
        return {f"列{i}": cells[i] for i in range(1, n)}
    tail = h - 2  # the last columns line up from the right
    middle = " ".join(c for c in cells[1 : n - tail] if c)
    values = {headers[1]: middle}
    for offset, header in enumerate(headers[2:]):
        values[header] = cells[n - tail + offset]
    return values


def parse_table(lines: list[Line]) -> tuple[list[str], list[TableRow]]:
    """Headers and rows of consecutive tab-separated lines; repeated header rows are dropped and
    rows continued after a page break (no row number, or the same number again) are joined.
    Caption rows before the header (see is_caption_row) are skipped: callers keep them as text."""
    headers: list[str] = []
    rows: list[TableRow] = []
    # The values of each row as lists of pieces, joined once at the end: a row continued over
    # thousands of lines must not be re-concatenated for every line.
    pieces: list[dict[str, list[str]]] = []
    for line in lines:
        cells = _cells(line.raw)
        first = cells[0] if cells else ""
        if not headers and not _ROW_NUMBER.match(first):
            if is_caption_row(line.raw):
                continue
            headers = [c for c in cells if c] or ["序号"]
            continue
        if headers and first == headers[0]:
            continue  # the header repeated on a new page
        if not headers:
            headers = ["序号"] + [f"列{i}" for i in range(1, len(cells))]
        values = _align(cells, headers)
        if _ROW_NUMBER.match(first) and not (rows and rows[-1].number == first):
            rows.append(TableRow(first, values, [line]))
            pieces.append({header: [value] if value else [] for header, value in values.items()})
        elif rows:
            for header, value in values.items():
                if value:
                    pieces[-1].setdefault(header, []).append(value)
            rows[-1].lines.append(line)
    for row, row_pieces in zip(rows, pieces):
        row.values = {header: " ".join(parts) for header, parts in row_pieces.items()}
    return headers or ["序号"], rows
