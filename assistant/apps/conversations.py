"""Conversations kept on the server (SQLite beside the index), so they survive a reload, a restart and a move
to another machine; each belongs to one owner (a web login, a browser, or an API key).

    store = ConversationStore(Path("index/conversations.sqlite"))
    c = store.create("alice")
    store.add_turn("alice", c.id, Turn(question, standalone_question, answer.text, sources))
    store.list("alice")[0].title            # the first question, until renamed
    store.keep_turns("alice", c.id, 1)      # to re-ask from the second question (regenerate, edit)
    fid = store.add_feedback("alice", c.id, question, answer.text, sources, rating=-1, standalone=standalone)
    store.update_feedback("alice", fid, comment="数字过时了")
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import AssistantError

TITLE_CHARS = 40  # a conversation is named after its first question, cut to this length
MAX_CONVERSATIONS_LISTED = 200


class ConversationNotFoundError(AssistantError):
    """No such conversation for this owner (never found, deleted, or someone else's)."""


class FeedbackNotFoundError(AssistantError):
    """No such feedback entry of this owner (withdrawn, or someone else's)."""


@dataclass
class Turn:
    question: str  # as asked
    standalone: str  # as understood (a follow-up rewritten against the one before)
    answer: str  # the answer's text, with its [n] markers
    sources: list[dict] = field(default_factory=list)  # the citations' records (records.citation_record)
    created: float = 0.0
    id: int = 0


@dataclass
class Conversation:
    id: str
    owner: str
    title: str
    created: float
    updated: float
    turns: list[Turn] = field(default_factory=list)

    @property
    def last_standalone(self) -> str | None:
        return self.turns[-1].standalone if self.turns else None


SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, title TEXT NOT NULL, created REAL NOT NULL, updated REAL NOT NULL);
CREATE INDEX IF NOT EXISTS conversations_by_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT, conversation TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    question TEXT NOT NULL, standalone TEXT NOT NULL, answer TEXT NOT NULL, sources TEXT NOT NULL,
    created REAL NOT NULL);
CREATE INDEX IF NOT EXISTS turns_by_conversation ON turns (conversation, id);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, conversation TEXT, question TEXT NOT NULL,
    answer TEXT NOT NULL, sources TEXT NOT NULL, rating INTEGER NOT NULL, comment TEXT NOT NULL, created REAL NOT NULL,
    standalone TEXT NOT NULL DEFAULT '');
"""
# Columns added since the first release, with their definitions: a database written before them gets them by
# ALTER TABLE when it is opened (its rows read the default), so an existing index folder keeps working.
ADDED_COLUMNS = {"feedback": {"standalone": "TEXT NOT NULL DEFAULT ''"}}
MAX_COMMENT_CHARS = 2000


def title_from(question: str) -> str:
    """A conversation's default name: its first question on one line, cut at TITLE_CHARS.

    >>> title_from("周村区  2024年\\n植树目标是多少？")
    '周村区 2024年 植树目标是多少？'
    """
    one_line = " ".join(question.split())
    return one_line if len(one_line) <= TITLE_CHARS else one_line[:TITLE_CHARS - 1] + "…"


class ConversationStore:
    """Thread-safe: one connection, one lock (a few writes a second at most; reads are small)."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL never corrupts the file; a power cut may lose the last turns, not the conversation.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)
        self._add_missing_columns()
        self._lock = threading.Lock()

    def _add_missing_columns(self) -> None:
        for table, columns in ADDED_COLUMNS.items():
            present = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, definition in columns.items():
                if name not in present:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {definition}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _owned(self, owner: str, conversation_id: str) -> sqlite3.Row | tuple:
        row = self._db.execute("SELECT id, owner, title, created, updated FROM conversations WHERE id=? AND owner=?",
                               (conversation_id, owner)).fetchone()
        if row is None:
            raise ConversationNotFoundError("找不到这个对话（可能已被删除）")
        return row

    def create(self, owner: str, title: str = "", conversation_id: str | None = None) -> Conversation:
        now = time.time()
        conversation = Conversation(conversation_id or uuid.uuid4().hex, owner, title, now, now)
        with self._lock:
            self._db.execute("INSERT INTO conversations VALUES (?,?,?,?,?)",
                             (conversation.id, owner, title, now, now))
        return conversation

    def get(self, owner: str, conversation_id: str) -> Conversation:
        with self._lock:
            cid, owner_, title, created, updated = self._owned(owner, conversation_id)
            rows = self._db.execute("SELECT id, question, standalone, answer, sources, created FROM turns "
                                    "WHERE conversation=? ORDER BY id", (cid,)).fetchall()
        turns = [Turn(q, s, a, json.loads(src), c, i) for i, q, s, a, src, c in rows]
        return Conversation(cid, owner_, title, created, updated, turns)

    def find(self, owner: str, conversation_id: str) -> Conversation | None:
        try:
            return self.get(owner, conversation_id)
        except ConversationNotFoundError:
            return None

    def owns(self, owner: str, conversation_id: str) -> bool:
        """Whether the conversation exists and is the owner's (without reading its turns)."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM conversations WHERE id=? AND owner=?",
                                    (conversation_id, owner)).fetchone() is not None

    def list(self, owner: str) -> list[Conversation]:
        """The owner's conversations, most recently used first (without their turns)."""
        with self._lock:
            rows = self._db.execute("SELECT id, owner, title, created, updated FROM conversations WHERE owner=? "
                                    "ORDER BY updated DESC LIMIT ?", (owner, MAX_CONVERSATIONS_LISTED)).fetchall()
        return [Conversation(*row) for row in rows]

    def add_turn(self, owner: str, conversation_id: str, turn: Turn) -> Turn:
        if not self.add_turn_if_owned(owner, conversation_id, turn):
            raise ConversationNotFoundError("找不到这个对话（可能已被删除）")
        return turn

    def add_turn_if_owned(self, owner: str, conversation_id: str, turn: Turn) -> bool:
        """Add the turn if the conversation exists and is the owner's (one transaction; False if not)."""
        now = time.time()
        sources = json.dumps(turn.sources, ensure_ascii=False)
        with self._lock:
            self._db.execute("BEGIN")
            try:
                updated = self._db.execute(
                    "UPDATE conversations SET updated=?, title=CASE WHEN title='' THEN ? ELSE title END "
                    "WHERE id=? AND owner=?", (now, title_from(turn.question), conversation_id, owner))
                if updated.rowcount:
                    cursor = self._db.execute(
                        "INSERT INTO turns (conversation, question, standalone, answer, sources, created) "
                        "VALUES (?,?,?,?,?,?)", (conversation_id, turn.question, turn.standalone, turn.answer,
                                                 sources, now))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if not updated.rowcount:
            return False
        turn.id, turn.created = cursor.lastrowid, now
        return True

    def drop_last_turn(self, owner: str, conversation_id: str) -> Turn | None:
        """Remove the conversation's last turn (to regenerate or edit it); the removed turn, or None."""
        conversation = self.get(owner, conversation_id)
        if not conversation.turns:
            return None
        last = conversation.turns[-1]
        with self._lock:
            self._db.execute("DELETE FROM turns WHERE id=?", (last.id,))
        return last

    def keep_turns(self, owner: str, conversation_id: str, keep: int) -> list[Turn]:
        """Keep the conversation's first `keep` turns and remove the later ones (to re-ask from turn `keep`:
        regenerate the last answer, or edit an earlier question); the removed turns, in order."""
        dropped = self.get(owner, conversation_id).turns[max(keep, 0):]
        if dropped:
            with self._lock:
                self._db.execute("DELETE FROM turns WHERE conversation=? AND id>=?", (conversation_id, dropped[0].id))
        return dropped

    def rename(self, owner: str, conversation_id: str, title: str) -> None:
        title = title_from(title)
        if not title:
            raise AssistantError("对话名称不能为空")
        with self._lock:
            self._owned(owner, conversation_id)
            self._db.execute("UPDATE conversations SET title=? WHERE id=?", (title, conversation_id))

    def delete(self, owner: str, conversation_id: str) -> None:
        with self._lock:
            self._owned(owner, conversation_id)
            self._db.execute("DELETE FROM conversations WHERE id=?", (conversation_id,))

    # --- feedback on answers ---

    def add_feedback(self, owner: str, conversation_id: str | None, question: str, answer: str,
                     sources: list[dict], rating: int, comment: str = "", standalone: str = "") -> int:
        """Record a rating (1 useful, -1 not useful) of an answer, with its question (as asked and as
        understood), its text and its sources as they were shown; the entry's id."""
        _check_rating(rating)
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO feedback (owner, conversation, question, answer, sources, rating, comment, created, "
                "standalone) VALUES (?,?,?,?,?,?,?,?,?)",
                (owner, conversation_id, question, answer, json.dumps(sources, ensure_ascii=False), rating,
                 _clean_comment(comment), time.time(), standalone if standalone != question else ""))
        return cursor.lastrowid

    def update_feedback(self, owner: str, feedback_id: int, rating: int | None = None,
                        comment: str | None = None) -> None:
        """Change the rating (the other thumb) or add the comment of one of the owner's entries."""
        if rating is not None:
            _check_rating(rating)
        with self._lock:
            self._owned_feedback(owner, feedback_id)
            if rating is not None:
                self._db.execute("UPDATE feedback SET rating=? WHERE id=?", (rating, feedback_id))
            if comment is not None:
                self._db.execute("UPDATE feedback SET comment=? WHERE id=?", (_clean_comment(comment), feedback_id))

    def remove_feedback(self, owner: str, feedback_id: int) -> None:
        """Withdraw one of the owner's entries (the thumb clicked again)."""
        with self._lock:
            self._owned_feedback(owner, feedback_id)
            self._db.execute("DELETE FROM feedback WHERE id=?", (feedback_id,))

    def _owned_feedback(self, owner: str, feedback_id: int) -> None:
        if self._db.execute("SELECT 1 FROM feedback WHERE id=? AND owner=?", (feedback_id, owner)).fetchone() is None:
            raise FeedbackNotFoundError("找不到这条评价（可能已撤回）")

    def feedback(self, limit: int = 500) -> list[dict]:
        """Every owner's feedback, newest first: for whoever curates the corpus. `standalone` is the question
        as understood when it differs from the question as asked (a follow-up), else ""."""
        keys = ("id", "owner", "conversation", "question", "standalone", "answer", "sources", "rating", "comment",
                "created")
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(keys)} FROM feedback ORDER BY id DESC LIMIT ?",
                                    (limit,)).fetchall()
        return [{**dict(zip(keys, r)), "sources": json.loads(r[6])} for r in rows]


def _check_rating(rating: int) -> None:
    if rating not in (1, -1):
        raise ValueError("rating is 1 (useful) or -1 (not useful)")


def _clean_comment(comment: str) -> str:
    return (comment or "").strip()[:MAX_COMMENT_CHARS]


def conversation_markdown(conversation: Conversation) -> str:
    """A conversation as Markdown: each question, its answer and the answer's sources."""
    lines = [f"# {conversation.title or '对话'}", ""]
    for turn in conversation.turns:
        lines += [f"## 问：{turn.question}", ""]
        if turn.standalone != turn.question:
            lines += [f"（按上下文理解为：{turn.standalone}）", ""]
        lines += [turn.answer, ""]
        if turn.sources:
            lines.append("来源：")
            lines += [f"- {source_line(s)}" for s in turn.sources]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def source_line(source: dict) -> str:
    """[n] 《title》（文号，date）clause path — from a citation record."""
    meta = "，".join(x for x in (source.get("doc_number"), source.get("issuer"), source.get("date")) if x)
    head = f"[{source.get('marker', '')}] 《{source.get('notice_title', '')}》" + (f"（{meta}）" if meta else "")
    path = source.get("clause_path") or ""
    return head + (f" {path}" if path else "")
