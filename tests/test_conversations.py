"""Conversations kept on the server: SQLite on disk, per owner, surviving a new store on the same file."""
from __future__ import annotations

import pytest

from assistant.apps.conversations import (ConversationNotFoundError, ConversationStore, Turn, conversation_markdown,
                                          title_from)

SOURCE = {"marker": 1, "notice_title": "周村区2024年植树方案", "doc_number": "周政办字〔2024〕3号", "issuer": "周村区人民政府办公室",
          "date": "2024-03-01", "clause_path": "一、工作目标"}


def test_turns_are_kept_in_order_and_survive_reopening_the_file(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    c = store.create("alice")
    store.add_turn("alice", c.id, Turn("周村区2024年植树多少？", "周村区2024年植树多少？", "全年植树2万株。[1]", [SOURCE]))
    store.add_turn("alice", c.id, Turn("那桓台县呢？", "桓台县2024年植树多少？", "全年植树3万株。[1]", []))
    store.close()
    again = ConversationStore(tmp_path / "c.sqlite").get("alice", c.id)
    assert [t.question for t in again.turns] == ["周村区2024年植树多少？", "那桓台县呢？"]
    assert again.turns[0].sources == [SOURCE] and again.last_standalone == "桓台县2024年植树多少？"
    assert again.title == "周村区2024年植树多少？"  # named after the first question


def test_owners_see_only_their_own_conversations(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    mine = store.create("alice")
    store.create("bob")
    assert [c.id for c in store.list("alice")] == [mine.id]
    assert store.owns("alice", mine.id) and not store.owns("bob", mine.id) and not store.owns("alice", "nope")
    with pytest.raises(ConversationNotFoundError):
        store.get("bob", mine.id)
    with pytest.raises(ConversationNotFoundError):
        store.delete("bob", mine.id)
    with pytest.raises(ConversationNotFoundError):
        store.add_turn("bob", mine.id, Turn("q", "q", "a"))


def test_rename_delete_and_the_most_recent_first(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    first, second = store.create("alice"), store.create("alice")
    store.add_turn("alice", first.id, Turn("后问的", "后问的", "答"))
    assert [c.id for c in store.list("alice")] == [first.id, second.id]
    store.rename("alice", second.id, "  值班  记录 ")
    assert store.get("alice", second.id).title == "值班 记录"
    store.delete("alice", first.id)
    assert [c.id for c in store.list("alice")] == [second.id]
    assert store.find("alice", first.id) is None


def test_the_last_turn_can_be_taken_back_for_a_regenerate(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    c = store.create("alice")
    store.add_turn("alice", c.id, Turn("一", "一", "甲"))
    store.add_turn("alice", c.id, Turn("二", "二", "乙"))
    assert store.drop_last_turn("alice", c.id).question == "二"
    assert [t.question for t in store.get("alice", c.id).turns] == ["一"]


def test_feedback_is_stored_with_the_answer_and_its_sources(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    store.add_feedback("alice", None, "周村区植树多少？", "全年植树2万株。[1]", [SOURCE], -1, "  数字过时了 ")
    [entry] = store.feedback()
    assert entry["rating"] == -1 and entry["comment"] == "数字过时了" and entry["sources"] == [SOURCE]
    with pytest.raises(ValueError):
        store.add_feedback("alice", None, "q", "a", [], 5)


def test_markdown_export_holds_questions_answers_and_sources(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    c = store.create("alice", title="植树")
    store.add_turn("alice", c.id, Turn("那桓台县呢？", "桓台县2024年植树多少？", "全年植树3万株。[1]", [SOURCE]))
    text = conversation_markdown(store.get("alice", c.id))
    assert text.startswith("# 植树\n") and "## 问：那桓台县呢？" in text and "按上下文理解为：桓台县2024年植树多少？" in text
    assert "- [1] 《周村区2024年植树方案》（周政办字〔2024〕3号，周村区人民政府办公室，2024-03-01） 一、工作目标" in text


def test_a_long_first_question_is_cut_for_the_title():
    assert len(title_from("字" * 100)) == 40 and title_from("字" * 100).endswith("…")
    assert title_from(" 短 问题 ") == "短 问题"


def test_re_asking_from_a_turn_keeps_the_turns_before_it(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite")
    c = store.create("alice")
    for question in ("一", "二", "三"):
        store.add_turn("alice", c.id, Turn(question, question, "答" + question))
    dropped = store.keep_turns("alice", c.id, 1)  # the second question edited: it and the third go
    assert [t.question for t in dropped] == ["二", "三"]
    assert [t.question for t in store.get("alice", c.id).turns] == ["一"]
    store.add_turn("alice", c.id, Turn("二（改）", "二（改）", "新答"))
    assert [t.question for t in store.get("alice", c.id).turns] == ["一", "二（改）"]
    assert store.keep_turns("alice", c.id, 5) == []  # nothing after the last turn: nothing dropped
    with pytest.raises(ConversationNotFoundError):
        store.keep_turns("bob", c.id, 0)
    assert len(store.get("alice", c.id).turns) == 2


def test_feedback_can_change_its_rating_take_a_comment_and_be_withdrawn_by_its_owner_only(tmp_path):
    from assistant.apps.conversations import FeedbackNotFoundError

    store = ConversationStore(tmp_path / "c.sqlite")
    first = store.add_feedback("alice", "c1", "那桓台县呢？", "全年植树3万株。[1]", [SOURCE], 1,
                               standalone="桓台县2024年植树多少？")
    second = store.add_feedback("alice", "c1", "周村区植树多少？", "2万株", [], 1, standalone="周村区植树多少？")
    store.update_feedback("alice", first, rating=-1)
    store.update_feedback("alice", first, comment=" 数字是2023年的 ")
    with pytest.raises(FeedbackNotFoundError):
        store.update_feedback("bob", first, comment="不是我的")
    with pytest.raises(FeedbackNotFoundError):
        store.remove_feedback("bob", second)
    newest, oldest = store.feedback()
    assert newest["id"] == second and newest["standalone"] == ""  # asked as understood: not repeated
    assert oldest["rating"] == -1 and oldest["comment"] == "数字是2023年的"
    assert oldest["standalone"] == "桓台县2024年植树多少？" and oldest["sources"] == [SOURCE]
    store.remove_feedback("alice", second)
    assert [f["id"] for f in store.feedback()] == [first]


def test_a_database_written_before_feedback_kept_the_understood_question_still_opens(tmp_path):
    import sqlite3

    path = tmp_path / "c.sqlite"
    old = sqlite3.connect(str(path))
    old.executescript("""
        CREATE TABLE conversations (id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, created REAL NOT NULL,
            updated REAL NOT NULL);
        CREATE TABLE turns (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation TEXT NOT NULL, question TEXT NOT NULL,
            standalone TEXT NOT NULL, answer TEXT NOT NULL, sources TEXT NOT NULL, created REAL NOT NULL);
        CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, conversation TEXT,
            question TEXT NOT NULL, answer TEXT NOT NULL, sources TEXT NOT NULL, rating INTEGER NOT NULL,
            comment TEXT NOT NULL, created REAL NOT NULL);
        INSERT INTO feedback (owner, conversation, question, answer, sources, rating, comment, created)
            VALUES ('alice', NULL, '旧问题', '旧回答', '[]', 1, '', 1.0);
    """)
    old.close()
    store = ConversationStore(path)
    [kept] = store.feedback()
    assert kept["question"] == "旧问题" and kept["standalone"] == ""
    store.add_feedback("alice", None, "那淄川区呢？", "答", [], -1, standalone="淄川区充电桩目标？")
    assert store.feedback()[0]["standalone"] == "淄川区充电桩目标？"
    store.close()
    ConversationStore(path).close()  # opening again adds nothing twice
