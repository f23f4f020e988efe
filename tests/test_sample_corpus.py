"""The sample corpus parsed without any model: every notice's metadata against a hand-written table,
and clause paths, departments and table rows where a reader would look for them."""
from pathlib import Path

import pytest

from assistant.ingest.chunking import chunk_document

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ZD = "zhangdian-gazette-2023-08-30.txt"
ZB = "zibo-gazette-2023-issue-07.txt"

# (file, title, 文号, date, jurisdiction) — written by reading the documents.
EXPECTED = [
    (ZD, "张店区人民政府办公室关于公布2022年度“淄博英才计划—张店英才”入选名单的通知", "", "2023-08-02", "张店区"),
    (ZD, "张店区人民政府办公室关于成立张店区配套教育设施建设领导小组的通知", "", "2023-08-21", "张店区"),
    (ZD, "张店区人民政府办公室关于印发《2023赛季Robotex世界机器人大会山东省选拔赛实施方案》的通知", "", "2023-08-22", "张店区"),
    (ZD, "张店区人民政府办公室关于印发2023年张店区政务公开工作方案的通知", "", "2023-08-22", "张店区"),
    (ZD, "张店区人民政府办公室关于印发《张店区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务》的通知", "", "2023-08-26", "张店区"),
    (ZD, "淄博市张店区人民政府房屋征收决定", "张政字〔2023〕68号", "2023-08-02", "张店区"),
    (ZD, "张店区人民政府关于公布部分领导同志工作分工的通知", "张政发〔2023〕4号", "2023-08-14", "张店区"),
    ("zhangdian-government-work-report-2023.txt", "政府工作报告", "", "2023-01-07", "张店区"),
    ("zichuan-2023-key-tasks-green-low-carbon.txt",
     "淄川区人民政府办公室关于印发淄川区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务的通知",
     "川政办字〔2023〕22号", "2023-07-03", "淄川区"),
    ("linzi-2023-work-report-tasks-september-progress.txt", "2023年《政府工作报告》重点工作9月份完成情况通报表", "", "", "临淄区"),
    (ZB, "淄博市人民政府关于印发淄博市碳达峰工作方案的通知", "淄政字〔2023〕57号", "2023-06-13", "淄博市"),
    (ZB, "淄博市人民政府办公室关于印发淄博市市级国有投资城市建设项目管理办法的通知", "淄政办字〔2023〕33号", "2023-06-13", "淄博市"),
    (ZB, "淄博市人民政府办公室关于印发淄博市黄河防汛职责的通知", "淄政办字〔2023〕35号", "2023-06-22", "淄博市"),
    (ZB, "淄博市人民政府办公室关于印发淄博市推进乡村教育振兴工作方案的通知", "淄政办字〔2023〕36号", "2023-06-27", "淄博市"),
    (ZB, "淄博市人民政府办公室关于印发淄博12345政务服务便民热线运行管理办法(试行)的通知", "淄政办字〔2023〕37号", "2023-06-28", "淄博市"),
    (ZB, "淄博市人民政府办公室关于印发2023年淄博市政务公开工作方案的通知", "淄政办字〔2023〕38号", "2023-06-30", "淄博市"),
]


@pytest.fixture(scope="module")
def parsed():
    notices, chunks = [], []
    for path in sorted(CORPUS.iterdir()):
        n, c = chunk_document(path.read_text(encoding="utf-8"), path.name)
        notices += n
        chunks += c
    return notices, chunks


def test_sixteen_notices_with_the_right_metadata(parsed):
    notices, _ = parsed
    got = sorted((n.file, n.title, n.doc_number_norm, n.date, n.jurisdiction) for n in notices)
    assert got == sorted(EXPECTED)


def test_doc_numbers_keep_their_original_brackets_for_display(parsed):
    notices, _ = parsed
    by_title = {n.title: n for n in notices}
    assert by_title["淄博市人民政府关于印发淄博市碳达峰工作方案的通知"].doc_number == "淄政字[2023]57号"
    assert by_title["淄博市张店区人民政府房屋征收决定"].doc_number == "张政字〔2023〕68号"


def test_issuer_type_and_public_flag(parsed):
    notices, _ = parsed
    by_title = {n.title: n for n in notices}
    decision = by_title["淄博市张店区人民政府房屋征收决定"]
    assert (decision.issuer, decision.doc_type, decision.public) == ("淄博市张店区人民政府", "决定", True)
    carbon = by_title["淄博市人民政府关于印发淄博市碳达峰工作方案的通知"]
    assert (carbon.issuer, carbon.doc_type, carbon.public) == ("淄博市人民政府", "通知", False)
    report = by_title["政府工作报告"]
    assert (report.issuer, report.doc_type) == ("张店区人民政府", "报告")


def _find(chunks, needle):
    found = [c for c in chunks if needle in c.text]
    assert found, needle
    return found[0]


def test_clause_paths_name_the_heading_tree(parsed):
    _, chunks = parsed
    assert _find(chunks, "新增各类充电桩1775个").clause_path == ["三、坚定不移扩大内需", "22. 大力发展绿色智慧交通"]
    assert _find(chunks, "确保离校未就业高校毕业生毕业去向落实率").clause_path[0] == "扎实推进共同富裕"
    assert _find(chunks, "充电桩保有量达到3000个以上").clause_path[-1] == "积极扩大有效投资"
    assert _find(chunks, "完成充电设施1220个").clause_path[-1] == "21. 大力发展绿色智慧交通"
    assert _find(chunks, "热线实行").clause_path[:2] == ["第三章运转流程", "第九条"]


def test_cover_letter_and_the_document_it_issues_are_one_notice(parsed):
    _, chunks = parsed
    cover = _find(chunks, "现将《淄博市碳达峰工作方案》印发给你们")
    body = _find(chunks, "完善充换电基础设施建设")
    assert cover.notice_id == body.notice_id


def test_departments_are_fields_of_the_clause(parsed):
    _, chunks = parsed
    chunk = _find(chunks, "新增各类充电桩1775个")
    assert chunk.lead_departments == ["区发展改革局", "张店交警大队"]
    assert "区住房城乡建设局" in chunk.support_departments


def test_table_rows_are_single_labelled_chunks(parsed):
    _, chunks = parsed
    row = _find(chunks, "新建200处5G基站")
    assert row.kind == "table_row"
    assert row.text.startswith("序号 51｜年度目标任务：新建200处5G基站")
    assert "｜责任单位：" in row.text and "区工信局" in row.lead_departments
    rows = [c for c in chunks if c.kind == "table_row" and c.file.startswith("linzi")]
    assert len(rows) == 124  # one per row, repeated header rows dropped
    assert not any("序号 序号" in c.text or "年度目标任务：年度目标任务" in c.text for c in rows)


def test_garbage_and_table_of_contents_are_not_indexed(parsed):
    _, chunks = parsed
    assert not any("ネル" in c.text for c in chunks)
    assert not any("\t(14)" in c.text or "目 录" in c.text for c in chunks)


def test_indexed_text_carries_title_and_path_while_shown_text_is_original(parsed):
    _, chunks = parsed
    chunk = _find(chunks, "2. 提升建筑能效水平")
    assert chunk.index_text.startswith("淄博市人民政府关于印发淄博市碳达峰工作方案的通知")
    assert "提升建筑能效水平" in chunk.index_text.split("\n")[0]
    assert " " in chunk.text  # original extraction, spaces and all
