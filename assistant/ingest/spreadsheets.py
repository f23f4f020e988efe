"""Spreadsheets (.xlsx/.xlsm, legacy .xls) as text the table parser reads: one tab-separated line per row.

Read with python-calamine (a maintained Rust reader of both the Office Open XML and the BIFF formats). A merged
title row (one filled cell: "某县某年重点任务进度表") becomes a plain line, so it titles the notice; the rows
under the header become labelled records (govdocs/tables.py); a date cell reads as a date (2023年9月30日).

    text = read_spreadsheet(Path("任务分解表.xlsx"))
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

from assistant.errors import UnreadableFileError

# .et: WPS Spreadsheets' own name for a workbook it writes in the .xls (BIFF) format, which the reader detects.
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".et"}
# Dense cells one sheet may hold: a task table has hundreds of rows and a dozen columns. A sheet whose used
# area is larger is almost certainly a stray cell far away (XFD1048576) or a hostile file.
MAX_SHEET_CELLS = 2_000_000
# The names spreadsheet programs give a new sheet say nothing about its content.
_DEFAULT_SHEET_NAME = re.compile(r"^(?:sheet|工作表|表)\s*\d*$", re.I)


def cell_text(value) -> str:
    """A cell as a reader of the table would write it: 12.0 → "12", a date → "2023年9月30日"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.year}年{value.month}月{value.day}日 {value.hour:02d}:{value.minute:02d}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return re.sub(r"\s+", " ", str(value)).strip()


def sheet_lines(rows: list[list]) -> list[str]:
    """Lines of one sheet. The header is the first row without a label-and-value cell that fills most of the
    table's width; rows above it
    (a merged title, "填报单位：… 填报日期：…") are lines of text, the header and the rows under it
    tab-separated table rows, except a row with one filled cell (a note, a sub-title), which stays text.
    Empty rows and empty trailing columns are dropped.

    Examples: tests/test_spreadsheets.py.
    """
    table = []
    for row in rows:
        cells = [cell_text(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        if any(cells):
            table.append(cells)
    if not table:
        return []
    width = max(sum(1 for c in cells if c) for cells in table)
    # "Most of the width": a header may leave a cell or two empty (a merged 完成情况 over two columns).
    # A label-and-value row ("填报单位：…", "日期：") is a form line above the table, never its header.
    header = next((i for i, cells in enumerate(table) if sum(1 for c in cells if c) >= max(2, 0.75 * width)
                   and not any("：" in c or ":" in c for c in cells)), 0)
    lines = []
    for i, cells in enumerate(table):
        filled = [c for c in cells if c]
        lines.append(" ".join(filled) if i < header or len(filled) == 1 else "\t".join(cells))
    return lines


_FILLED_CELL = re.compile(rb'<(?:\w+:)?c r="([A-Z]{1,3})(\d{1,7})"[^>/]*>')  # <c r="B7" t="s"> (not <c r="B7"/>)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def check_xlsx_extent(path: Path) -> None:
    """Refuse a workbook whose filled cells span more than MAX_SHEET_CELLS: the reader makes every sheet a
    dense grid, so one cell at XFD1048576 beside A1 would ask for 500 GB (and abort the process)."""
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                continue
            rows, columns = [], []
            with archive.open(info) as part:
                tail = b""
                for block in iter(lambda: part.read(1 << 20), b""):
                    text = tail + block
                    for match in _FILLED_CELL.finditer(text):
                        columns.append(_column_number(match.group(1)))
                        rows.append(int(match.group(2)))
                    tail = text[-64:]  # a tag cut by the block edge is read with the next block
            if rows and (max(rows) - min(rows) + 1) * (max(columns) - min(columns) + 1) > MAX_SHEET_CELLS:
                raise UnreadableFileError(
                    f"{path.name}：工作表的填写区域过大（第 {min(rows)}–{max(rows)} 行 × {max(columns) - min(columns) + 1} "
                    "列），已拒绝；请删除远处的单元格或拆分表格后再添加")


def read_spreadsheet(path: Path) -> str:
    """Every sheet in order, separated by a blank line; a later sheet's own name heads it unless it is a
    default name (Sheet1, 工作表1)."""
    from python_calamine import CalamineWorkbook

    if zipfile.is_zipfile(path):
        check_xlsx_extent(path)
    workbook = CalamineWorkbook.from_path(str(path))
    parts = []
    try:
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            if sheet.height * sheet.width > MAX_SHEET_CELLS:
                raise UnreadableFileError(
                    f"{path.name}：工作表“{name}”的区域过大（{sheet.height} 行 × {sheet.width} 列），已拒绝；"
                    "请删除远处的空白格式或拆分表格后再添加")
            lines = sheet_lines(sheet.to_python(skip_empty_area=True))
            if not lines:
                continue
            if parts and not _DEFAULT_SHEET_NAME.match(name.strip()) and name.strip() not in lines[0]:
                lines.insert(0, name.strip())  # not above the first sheet: its first line titles the notice
            parts.append("\n".join(lines))
    finally:
        workbook.close()
    return "\n\n".join(parts)
