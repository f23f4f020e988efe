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
