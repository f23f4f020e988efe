"""The 管理 page's logic without a browser: the corpus files as rows (status, notices, size, ingest time), the
feedback rows, which chat messages are stored turns, and (with the real model) replacing, re-ingesting and
deleting a corpus file through the service."""
from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.apps.service import CorpusEntry, IngestTimes, corpus_listing
from assistant.apps.views import (NOT_ANSWERED, PENDING, STOPPED, answered_turns_before, feedback_rows, file_rows,
                                  is_answer, message_text, question_before)
from assistant.models import Notice
from assistant.stores.base import FileRecord
from conftest import NOTICE_A, NOTICE_B

GREEN = Notice(title="桓台县2024年城市绿化工作方案", file="a.txt", id="n1")
TREES = Notice(title="高青县春季植树工作的通知", file="b.md", id="n2")


def test_every_file_of_the_folder_and_the_index_is_listed_with_its_status():
    records = [FileRecord("a.txt", "h1", 100, "indexed"), FileRecord("b.md", "h2", 50, "kept", "文件已损坏"),
               FileRecord("c.pdf", "h3", 10, "failed", "没有文字层"), FileRecord("gone.txt", "h4", 5, "indexed")]
    on_disk = {"a.txt": 120, "b.md": 60, "c.pdf": 10, "new.docx": 2048, "notes.pptx": 7}
    skipped = {"notes.pptx": "不支持的文件类型“.pptx”"}
    entries = corpus_listing(on_disk, skipped, records, [GREEN, TREES], {"a.txt": 1_700_000_000.0, "b.md": 1.0})
    by_name = {e.name: e for e in entries}
    assert sorted(by_name) == ["a.txt", "b.md", "c.pdf", "gone.txt", "new.docx", "notes.pptx"]
    assert by_name["a.txt"].status == "indexed" and by_name["a.txt"].size == 120  # the size on disk now
    assert by_name["a.txt"].titles == [GREEN.title] and by_name["a.txt"].ingested_at == 1_700_000_000.0
    assert (by_name["b.md"].status, by_name["b.md"].reason) == ("kept", "文件已损坏")
    assert (by_name["c.pdf"].status, by_name["c.pdf"].reason) == ("failed", "没有文字层")
    assert by_name["gone.txt"].status == "missing"
    assert by_name["new.docx"].status == "not_ingested" and by_name["new.docx"].ingested_at is None
    assert by_name["notes.pptx"].reason.startswith("不支持")


def test_without_file_records_a_file_with_notices_counts_as_indexed():
    entries = corpus_listing({"a.txt": 1, "b.md": 2}, {}, None, [GREEN], {})
    assert [(e.name, e.status) for e in entries] == [("a.txt", "indexed"), ("b.md", "not_ingested")]


def test_file_rows_say_the_status_in_words():
    entries = [CorpusEntry("a.txt", "indexed", size=12_345, titles=["甲", "乙", "丙", "丁"], ingested_at=1_700_000_000.0),
               CorpusEntry("b.md", "kept", "文件已损坏", size=900),
               CorpusEntry("c.pdf", "failed", "没有文字层"),
               CorpusEntry("d.docx", "not_ingested"),
               CorpusEntry("e.pptx", "not_ingested", "不支持的文件类型“.pptx”"),
               CorpusEntry("f.txt", "missing")]
    rows = file_rows(entries)
    assert rows[0][:4] == ["a.txt", "甲；乙；丙 等 4 份", "已收录", "12.1 KB"] and rows[0][4].startswith("2023-11-1")
    assert [r[2] for r in rows[1:]] == ["读取失败：文件已损坏（仍使用之前收录的版本）", "读取失败：没有文字层", "未收录（尚未入库）",
                                        "未收录：不支持的文件类型“.pptx”", "已不在文件库中（重新入库后从索引中移除）"]
    assert rows[1][3] == "900 字节" and rows[2][3] == "" and rows[1][4] == ""


def test_feedback_rows_in_words_with_the_question_as_understood():
    entries = [{"created": 1_700_000_000.0, "rating": -1, "question": "那淄川区呢？", "standalone": "淄川区充电桩目标是多少？",
                "answer": "新增充电桩1220个。" * 20, "comment": "数字过时",
                "sources": [{"notice_title": "淄川区重点工作任务", "doc_number": "淄川政办字〔2023〕5号"}, {"notice_title": "报告"},
                            {"notice_title": "淄川区重点工作任务", "doc_number": "淄川政办字〔2023〕5号"}]},
               {"created": 1_700_000_100.0, "rating": 1, "question": "张店呢", "standalone": "", "answer": "1775个",
                "comment": "", "sources": []}]
    rows = feedback_rows(entries)
    assert rows[0][1:3] == ["没用", "那淄川区呢？（理解为：淄川区充电桩目标是多少？）"]
    assert rows[0][3].endswith("…") and len(rows[0][3]) == 120
    assert rows[0][4] == "《淄川区重点工作任务》（淄川政办字〔2023〕5号）；《报告》" and rows[0][5] == "数字过时"
    assert rows[1][1:4] == ["有用", "张店呢", "1775个"]


def _chat(*replies):
    history = []
    for n, reply in enumerate(replies):
        history += [{"role": "user", "content": [{"type": "text", "text": f"问{n}"}]},
                    {"role": "assistant", "content": reply}]
    return history


def test_errors_and_stopped_questions_are_not_counted_as_stored_turns():
    history = _chat("答0", NOT_ANSWERED + "问题为空", "答2", STOPPED, "答4")
    assert message_text(history[0]) == "问0" and is_answer(history[1]) and not is_answer(history[3])
    assert not is_answer({"role": "assistant", "content": PENDING}) and not is_answer(history[7])
    # user messages at 0, 2, 4, 6, 8: stored turns before each
    assert [answered_turns_before(history, i) for i in (0, 2, 4, 6, 8)] == [0, 1, 1, 2, 2]
    assert answered_turns_before(history, 9) == 2  # the reply at 9 is turn number 2 (0-based)
    assert question_before(history, 9) == 8 and question_before(history, 0) is None


def test_ingest_times_keep_the_first_time_a_content_went_live(tmp_path):
    times = IngestTimes(tmp_path / "t.sqlite")
    times.note([("a.txt", "h1"), ("b.md", "h2")], 100.0)
    times.note([("a.txt", "h1"), ("b.md", "h3")], 200.0)  # b.md changed, a.txt did not
    assert times.of([("a.txt", "h1"), ("b.md", "h3")]) == {"a.txt": 100.0, "b.md": 200.0}
    assert times.of([("a.txt", "other")]) == {}
    times.close()


def test_the_in_flight_answers_of_a_page_are_kept_or_stopped_once():
    import ui

    flight = ui.InFlight()
    first = flight.start("page")
    assert flight.running("page", first) and flight.finish("page", first)
    assert not flight.finish("page", first)  # finished once
    second = flight.start("page")
    assert flight.stop("page") and not flight.running("page", second) and not flight.finish("page", second)
    assert not flight.stop("page")  # nothing on its way: a stop changes nothing


# --- the service, with the real model -------------------------------------------------------------------


@pytest.fixture()
def service(small_corpus, tmp_path, embedder):
    from assistant.apps.service import Service
    from assistant.config import Settings
    from assistant.ingest.build import ingest

    (small_corpus / "c.txt").write_text("博山区人民政府关于开展秋季爱国卫生运动的通知\n全区开展环境卫生整治行动12次。\n",
                                        encoding="utf-8")
    settings = Settings(corpus_dir=small_corpus, index_dir=tmp_path / "index", max_file_mb=0.0004)  # 400 bytes
    ingest(settings, progress=False, embedder_factory=lambda s: embedder)  # a.txt (656 bytes) fails: too big
    return Service(replace(settings, max_file_mb=5.0), embedder=embedder)


@pytest.mark.slow
def test_a_file_is_re_ingested_replaced_and_deleted_with_the_index_following(service, small_corpus, tmp_path):
    from assistant.apps.service import CorpusChangeError, DocumentNotFoundError

    status = {e.name: e for e in service.corpus_files()}
    assert status["a.txt"].status == "failed" and "上限" in status["a.txt"].reason
    assert status["b.md"].status == "indexed" and status["b.md"].titles and status["b.md"].ingested_at
    assert service.ingest_and_reload().reports  # an ordinary ingest leaves the same bytes failed
    assert {e.name: e.status for e in service.corpus_files()}["a.txt"] == "failed"

    [outcome] = service.reingest_file("a.txt").outcomes  # read again: now within the limit
    assert outcome.status == "indexed" and outcome.n_notices == 1
    assert any("绿化" in n.title for n in service.current().index.notices)
    assert {e.name: e.status for e in service.corpus_files()}["a.txt"] == "indexed"
    [outcome] = service.reingest_file("b.md").outcomes
    assert (outcome.status, outcome.reason) == ("indexed", "文件未改动")

    new_version = tmp_path / "upload" / "b-new.md"
    new_version.parent.mkdir()
    new_version.write_text(NOTICE_B.replace("5000亩", "8000亩"), encoding="utf-8")
    [outcome] = service.replace_file("b.md", new_version, "高青植树.md", check=None).outcomes
    assert outcome.status == "indexed"
    assert "8000亩" in (small_corpus / "b.md").read_text(encoding="utf-8")
    assert any("8000亩" in c.text for c in service.current().index.chunks)
    assert not any("5000亩" in c.text for c in service.current().index.chunks)
    [same] = service.replace_file("b.md", new_version, "b.md", check=None).outcomes
    assert same.status == "exists"
    other_type = tmp_path / "upload" / "b.txt"
    other_type.write_text(NOTICE_A, encoding="utf-8")
    [refused] = service.replace_file("b.md", other_type, "b.txt", check=None).outcomes
    assert refused.status == "refused" and "文件类型" in refused.reason
    [outside] = service.replace_file("b.md", new_version, "b.md", check=None, only_from=tmp_path / "cache").outcomes
    assert outside.status == "refused" and "本机上传" in outside.reason

    service.remove_file("c.txt")
    assert not any("博山区" in n.title for n in service.current().index.notices)
    assert "c.txt" not in {e.name for e in service.corpus_files()}
    for bad in ("../index/conversations.sqlite", ".a.txt.part", "", "c.txt"):
        with pytest.raises(DocumentNotFoundError):
            service.listed_file(bad)
    with pytest.raises((DocumentNotFoundError, CorpusChangeError)):
        service.replace_file("../outside.md", new_version, "outside.md", check=None)
