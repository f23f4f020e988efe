"""The UI's pure parts on tiny fixtures: follow-up rewriting, source cards, notice view, reply draft, uploads."""
from __future__ import annotations

from datetime import date

import pytest

from assistant.models import Answer, Citation
from assistant.search.conversation import rewrite_follow_up
from assistant.models import Chunk, Notice
from assistant.answering.reply import draft_reply, write_docx
from assistant.ingest.uploads import safe_name, save_upload
from assistant.apps.views import highlight, notice_html, notice_rows, ownership_rows, source_cards

PREVIOUS = "张店区2023年充电桩目标是多少？"


@pytest.mark.parametrize("follow_up,expected", [
    ("那淄川区呢？", "淄川区2023年充电桩目标是多少？"),
    ("淄川呢", "淄川区2023年充电桩目标是多少？"),
    ("2022年呢？", "张店区2022年充电桩目标是多少？"),
])
def test_follow_up_swaps_the_place_or_year_of_the_previous_question(follow_up, expected):
    assert rewrite_follow_up(follow_up, PREVIOUS) == expected


def test_follow_up_with_a_new_ask_keeps_the_previous_topic_and_place():
    rewritten = rewrite_follow_up("那谁牵头？", PREVIOUS)
    assert "张店区" in rewritten and "充电桩" in rewritten and "谁牵头" in rewritten


def test_a_standalone_question_is_left_alone():
    assert rewrite_follow_up("临淄区高新技术企业目标是多少家？", PREVIOUS) == "临淄区高新技术企业目标是多少家？"
    assert rewrite_follow_up("那淄川区呢？", None) == "那淄川区呢？"


def test_english_follow_up_names_the_new_place():
    rewritten = rewrite_follow_up("What about Zichuan?", "What is Zhangdian's 2023 charging-pile target?")
    assert "zichuan" in rewritten.lower() and "zhangdian" not in rewritten.lower() and "charging-pile" in rewritten


NOTICE = Notice(title="张店区重点工作任务的通知", doc_number="张政办字〔2023〕20号", issuer="张店区人民政府办公室",
                date="2023-08-26", jurisdiction="张店区", doc_type="通知", id="n1")


def _chunk(i, path, text, **kw):
    return Chunk(id=f"c{i}", notice_id="n1", notice_title=NOTICE.title, clause_path=path, text=text, index_text=text,
                 file="f.txt", line_start=i, line_end=i, jurisdiction="张店区", year=2023, **kw)


PILE = _chunk(1, ["一、任务", "22. 发展绿色交通"], "实施交通运输降碳行动。新增各类充电桩1775个。（区发展改革局牵头，区住建局配合）",
              lead_departments=["区发展改革局"], support_departments=["区住建局"])
ROADS = _chunk(2, ["一、任务", "23. 建设农村公路"], "新改建农村公路3公里<script>alert(1)</script>。",
               lead_departments=["区交通运输局"])


def test_highlight_marks_the_quote_and_escapes_the_rest():
    html = highlight("新增各类充电桩1775个。<b>粗</b>", ["新增各类充电桩1775个。"])
    assert "<mark>新增各类充电桩1775个</mark>" in html and "&lt;b&gt;" in html


def test_source_card_names_the_notice_and_marks_the_quote():
    answer = Answer("q", "…[1]", False, [Citation(1, PILE, NOTICE, 0.9, ["新增各类充电桩1775个。"]),
                                         Citation(2, ROADS, NOTICE, 0.5)])
    html = source_cards(answer)
    for fact in ("[1]", NOTICE.title, "张政办字〔2023〕20号", "张店区人民政府办公室", "2023年8月26日", "22. 发展绿色交通"):
        assert fact in html
    assert "<mark>新增各类充电桩1775个</mark>" in html
    assert "<script>" not in html  # document text is shown, never run


def test_notice_view_follows_the_clause_tree_and_anchors_the_focus():
    html = notice_html(NOTICE, [PILE, ROADS], focus="c2")
    assert html.count("一、任务") == 1 and "22. 发展绿色交通" in html and "23. 建设农村公路" in html
    assert 'id="focus-clause"' in html and html.index('id="focus-clause"') > html.index("23. 建设农村公路")


def test_notice_table_and_ownership_rows():
    rows = notice_rows([NOTICE], [PILE, ROADS])
    assert rows == [[NOTICE.title, "张政办字〔2023〕20号", "张店区人民政府办公室", "2023-08-26", "张店区", "通知", 2]]
    assert notice_rows([NOTICE], [PILE], "黄河") == []
    owners = ownership_rows([PILE, ROADS], {"n1": NOTICE}, "住建")
    assert owners == [["张店区住建局", "配合", "22. 发展绿色交通", NOTICE.title]]


def test_reply_draft_quotes_the_clause_with_its_notice_and_number():
    answer = Answer("q", "…", False, [Citation(1, PILE, NOTICE, 0.9, ["新增各类充电桩1775个。"])])
    text = draft_reply("请问张店今年新增多少充电桩？", answer, today=date(2024, 1, 5))
    assert text.startswith("尊敬的市民朋友：")
    assert "根据《张店区重点工作任务的通知》（张政办字〔2023〕20号）" in text and "“新增各类充电桩1775个。”" in text
    assert "联系电话" in text and "2024年1月5日" in text


def test_reply_when_nothing_answers_says_so_without_figures():
    text = draft_reply("周村区的补贴标准是多少？", Answer("q", "没有", True, [Citation(1, PILE, NOTICE, 0.1)]))
    assert "暂未找到" in text and "1775" not in text
    assert "转交" not in text.replace("请填写后续办理情况，如转办", "") and "已将" not in text  # no action nobody took
    assert "【请填写后续办理情况" in text


def test_reply_docx_holds_the_text(tmp_path):
    from docx import Document

    path = write_docx("尊敬的市民朋友：\n根据《通知》……", tmp_path / "r.docx")
    assert [p.text for p in Document(str(path)).paragraphs][1:] == ["尊敬的市民朋友：", "根据《通知》……"]


def test_upload_is_checked_then_saved_under_a_safe_name(tmp_path):
    corpus = tmp_path / "corpus"
    good = tmp_path / "通知.txt"
    good.write_bytes("周村区人民政府关于做好春季植树工作的通知\n全年植树2万株。".encode("gbk"))
    assert save_upload(good, "通知.txt", corpus, 5).saved_as == "通知.txt"
    assert save_upload(good, "通知.txt", corpus, 5).reason.startswith("与已有文件内容相同")
    other = tmp_path / "other.txt"
    other.write_text("另一份通知：全年植树3万株。", encoding="utf-8")
    assert save_upload(other, "通知.txt", corpus, 5).saved_as == "通知-2.txt"  # never overwrites


@pytest.mark.parametrize("name,content,reason", [
    ("../../etc/evil.txt", "正文内容足够长的一段文字。", "路径"),
    ("演示.pptx", "x", "不支持"),
    ("照片.png", "x", "图片已损坏"),
    ("空.txt", "", "无法读取"),
    ("二进制.txt", bytes(range(256)) * 20, "无法读取"),
    ("大.txt", "字" * 2_000_000, "太大"),
])
def test_bad_uploads_are_rejected_with_a_reason_and_nothing_saved(tmp_path, name, content, reason):
    source = tmp_path / "upload.bin"
    source.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text("已有文件，不能被覆盖。", encoding="utf-8")
    result = save_upload(source, name, corpus, max_mb=5)
    assert not result.saved_as and reason in result.reason
    assert [p.name for p in corpus.iterdir()] == ["evil.txt"]
    assert (corpus / "evil.txt").read_text(encoding="utf-8") == "已有文件，不能被覆盖。"


def test_a_docx_zip_bomb_and_a_200_mb_upload_are_rejected(tmp_path):
    import zipfile

    corpus = tmp_path / "corpus"
    bomb = tmp_path / "bomb.bin"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (300 * 1024 * 1024))
    result = save_upload(bomb, "通知.docx", corpus, max_mb=50)
    assert not result.saved_as and "zip bomb" in result.reason
    huge = tmp_path / "huge.bin"
    with open(huge, "wb") as handle:  # sparse: 200 MB on paper, refused by its size before any read
        handle.truncate(200 * 1024 * 1024)
    result = save_upload(huge, "大文件.txt", corpus, max_mb=50)
    assert not result.saved_as and "太大" in result.reason and "209.7 MB" in result.reason
    assert not corpus.exists()


def test_safe_name_drops_folders_and_dots():
    assert safe_name("..\\..\\a.txt") == "a.txt" and safe_name(".hidden.md") == "hidden.md"


def test_notice_search_reads_doc_numbers_with_any_brackets_and_finds_words_of_the_text():
    from assistant.apps.views import matching_notices

    other = Notice(title="周村区植树方案", doc_number="周政办字〔2024〕3号", issuer="周村区人民政府办公室", date="2024-03-01",
                   jurisdiction="周村区", doc_type="方案", id="n2")
    notices, chunks = [NOTICE, other], [PILE, ROADS]
    for typed in ("张政办字[2023]20号", "张政办字（2023）20号", "张政办字 【2023】 20号", "张政办字〔2023〕20号"):
        assert [n.id for n in matching_notices(notices, typed, chunks)] == ["n1"]
    assert [n.id for n in matching_notices(notices, "充电桩", chunks)] == ["n1"]  # only in the clause text
    assert matching_notices(notices, "充电桩") == []  # without the clauses: title, 文号, issuer only
    assert [n.id for n in matching_notices(notices, "周村", chunks)] == ["n2"]
    assert matching_notices(notices, "  ", chunks) == notices


def test_a_module_that_is_not_installed_fails_to_import_at_once_and_an_installed_one_still_imports():
    import sys

    import ui

    missing = "assistant_no_such_module_xyz"
    ui.make_missing_imports_fail_fast(missing, "json")
    try:
        assert sys.modules[missing] is None  # the import fails without searching sys.path
        with pytest.raises(ImportError):
            __import__(missing)
        import json  # noqa: F401 - installed modules are left alone
        assert sys.modules["json"] is not None
    finally:
        sys.modules.pop(missing, None)
