"""Spreadsheets as offices keep them: real .xlsx/.xlsm/.xls files written here, read into notices and answered."""
from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import UnreadableFileError
from assistant.ingest.build import ingest
from assistant.ingest.readers import read_document
from assistant.ingest.sandbox import ParseLimits, parse_file
from assistant.ingest.spreadsheets import cell_text, sheet_lines
from assistant.pipeline import Assistant
from assistant.stores.local import open_index

TITLE = "高青县2024年为民办实事项目进度通报表"


def write_progress_xlsx(path: Path) -> None:
    """A merged title row, a 填报 line with a date cell, a header, three task rows, a second named sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "进度"
    sheet.append([TITLE])
    sheet.merge_cells("A1:E1")
    sheet.append(["填报单位：高青县人民政府办公室", None, None, "填报日期：", dt.date(2024, 10, 8)])
    sheet.append(["序号", "项目内容", "牵头单位", "完成时限", "完成情况"])
    sheet.append([1, "新建乡村幸福院6处", "县民政局", dt.date(2024, 11, 30), "部分完成"])
    sheet.append([2, "改造农村公路桥梁9座", "县交通运输局", dt.date(2024, 12, 31), "未完成"])
    sheet.append([3, "建成社区食堂4处", "县民政局", dt.date(2024, 9, 30), "完成"])
    notes = book.create_sheet("填报说明")
    notes.append(["完成情况按月更新，次月5日前报县政府办公室。"])
    book.save(path)


def write_legacy_xls(path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Sheet1")
    dated = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    rows = [["沂源县2024年秋冬季森林防火任务分解表"], ["序号", "任务内容", "责任单位", "完成时限"],
            [1, "设立防火检查站25处", "县应急管理局", dt.date(2024, 10, 31)],
            [2, "组建半专业扑火队伍12支", "县林业局", dt.date(2024, 11, 15)]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value, dated if isinstance(value, dt.date) else xlwt.Style.default_style)
    book.save(str(path))


def test_cells_read_as_a_reader_writes_them():
    assert cell_text(12.0) == "12" and cell_text(3.5) == "3.5"
    assert cell_text(dt.date(2024, 10, 8)) == "2024年10月8日"
    assert cell_text(dt.datetime(2024, 10, 8, 0, 0)) == "2024年10月8日"
    assert cell_text(dt.datetime(2024, 10, 8, 9, 30)) == "2024年10月8日 09:30"
    assert cell_text(None) == "" and cell_text("  区 民政局 ") == "区 民政局"


def test_rows_above_the_header_are_text_and_the_rows_under_it_a_table():
    lines = sheet_lines([["某县任务表", None, None, None], [None, None, None, None],
                         ["制表单位：某县政府办", None, "日期：", "2024年1月5日"],
                         ["序号", "任务", "责任单位", "时限"], [1.0, "修路", "县交通局", None],
                         ["备注：按季度更新", None, None, None]])
    assert lines == ["某县任务表", "制表单位：某县政府办 日期： 2024年1月5日", "序号\t任务\t责任单位\t时限",
                     "1\t修路\t县交通局", "备注：按季度更新"]
    assert sheet_lines([[None, None], [None]]) == []


def test_xlsx_xlsm_and_xls_become_titled_dated_tables(tmp_path):
    write_progress_xlsx(tmp_path / "进度.xlsx")
    write_progress_xlsx(tmp_path / "进度.xlsm")
    write_legacy_xls(tmp_path / "防火.xls")
    text = read_document(tmp_path / "进度.xlsx")
    assert text.splitlines()[0] == TITLE
    assert "2024年10月8日" in text and "填报说明" in text  # a later sheet keeps its name as a caption
    assert read_document(tmp_path / "进度.xlsm") == text
    parsed = parse_file(tmp_path / "进度.xlsx", "进度.xlsx", ParseLimits())
    notice = parsed.notices[0]
    assert notice.title == TITLE and notice.date == "2024-10-08" and notice.jurisdiction == "高青县"
    rows = [c.text for c in parsed.chunks if c.kind == "table_row"]
    assert "序号 2｜项目内容：改造农村公路桥梁9座｜牵头单位：县交通运输局｜完成时限：2024年12月31日｜完成情况：未完成" in rows
    legacy = parse_file(tmp_path / "防火.xls", "防火.xls", ParseLimits())
    assert legacy.notices[0].title == "沂源县2024年秋冬季森林防火任务分解表"
    assert any("责任单位：县应急管理局" in c.text and "2024年10月31日" in c.text for c in legacy.chunks)
    # WPS Spreadsheets' .et is a workbook in the .xls format under its own name.
    (tmp_path / "防火.et").write_bytes((tmp_path / "防火.xls").read_bytes())
    assert read_document(tmp_path / "防火.et") == read_document(tmp_path / "防火.xls")


def test_hostile_and_damaged_spreadsheets_are_refused_with_a_reason(tmp_path):
    import openpyxl

    far = openpyxl.Workbook()
    far.active["A1"] = "标题"
    far.active["XFD1048576"] = "远处的一格"  # a dense grid of 17 billion cells if read as is
    far.save(tmp_path / "far.xlsx")
    with pytest.raises(UnreadableFileError, match="区域过大"):
        read_document(tmp_path / "far.xlsx")
    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        read_document(tmp_path / "bomb.xlsx")
    (tmp_path / "random.xlsx").write_bytes(bytes(range(256)) * 40)
    with pytest.raises(UnreadableFileError, match="xlsx"):
        read_document(tmp_path / "random.xlsx")
    (tmp_path / "random.xls").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(range(256)) * 40)
    with pytest.raises(UnreadableFileError, match="损坏"):
        read_document(tmp_path / "random.xls")


@pytest.mark.slow
def test_spreadsheets_in_the_corpus_answer_questions_and_bad_ones_fail_alone(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_progress_xlsx(corpus / "高青县为民办实事进度.xlsx")
    write_legacy_xls(corpus / "沂源县森林防火任务.xls")
    (corpus / "damaged.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 16)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    result = ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    status = {r.file: (r.status, r.reason) for r in result.reports}
    assert status["damaged.xlsx"][0] == "failed" and "damaged.xlsx" in status["damaged.xlsx"][1]
    assert status["高青县为民办实事进度.xlsx"][0] == status["沂源县森林防火任务.xls"][0] == "indexed"
    titles = {n.title for n in open_index(settings.index_dir).notices}
    assert titles == {TITLE, "沂源县2024年秋冬季森林防火任务分解表"}
    assistant = Assistant(settings, embedder=embedder)
    answer = assistant.ask("高青县为民办实事项目里哪些还没完成？")
    assert "改造农村公路桥梁9座" in answer.text and "建成社区食堂4处" not in answer.text
    answer = assistant.ask("沂源县防火检查站由哪个单位负责？")
    assert not answer.abstained and "县应急管理局" in answer.text
