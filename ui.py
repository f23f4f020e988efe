"""Web UI for staff: cited chat (stop, regenerate, edit, feedback), source viewer, notice browser, reply drafting,
and the 管理 page (upload, the corpus files and what became of them, feedback).

python ui.py [--host 127.0.0.1] [--port 7860] [--index DIR] [--corpus DIR] [--llm-base-url URL ...]
Login is optional: ASSISTANT_USERS="name:password,name2:pbkdf2_sha256$…" (hashes from
`python -m assistant hash-password`); a malformed value refuses to start. Without login, uploads are only
allowed when the page listens on this machine alone.
"""
from __future__ import annotations

import argparse
import functools
import logging
import os
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assistant.ingest.uploads import private_folder, sweep_old_files  # noqa: E402

PRIVATE_DIR: Path | None = None  # this process's private folder when run as a program
if __name__ == "__main__":
    # Before Gradio is imported (some of its modules read this once): uploads and generated files live in a
    # folder of this process that no other user or Gradio app on the host can read.
    PRIVATE_DIR = private_folder()
    os.environ["GRADIO_TEMP_DIR"] = str(PRIVATE_DIR / "gradio")
# Gradio's queue rebuilds a pandas summary of its last 10,000 events after every event, for a monitoring page
# this app does not show: under 20 users that was a fifth of the server's time (bench/results.md, Load).
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "100")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000000")


def make_missing_imports_fail_fast(*names: str) -> None:
    """Gradio tries `import matplotlib` before and after every event (to switch its plotting backend); without
    matplotlib installed, each try searches every folder of sys.path again — 4 % of the server's time under
    load. A None entry in sys.modules is Python's way of saying "not importable": the import fails at once."""
    import importlib.util

    for name in names:
        if name not in sys.modules and importlib.util.find_spec(name) is None:
            sys.modules[name] = None


make_missing_imports_fail_fast("matplotlib")

import gradio as gr  # noqa: E402
from gradio.utils import get_upload_folder as gradio_upload_folder  # noqa: E402

from assistant.apps.records import answer_record  # noqa: E402
from assistant.config import Settings, StoreKind, add_common_args, add_llm_args, settings_from_args  # noqa: E402
from assistant.apps.conversations import title_from  # noqa: E402
from assistant.apps.service import Service  # noqa: E402
from assistant.apps.webserver import is_loopback  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from assistant.models import Filters  # noqa: E402
from assistant.ingest.sandbox import FileParser  # noqa: E402

log = logging.getLogger("assistant.ui")

UNEXPECTED = "系统出现了意外错误，已记录日志。请稍后重试；如果反复出现，请联系管理员。"
EXAMPLES = ["张店区2023年充电桩目标是多少？", "淄川区科技型中小企业的目标由哪个部门负责？",
            "What is Zhangdian's 2023 charging-pile target?", "政务公开的工作台账什么时候报送？"]
ALL_DEPARTMENTS = "（全部部门）"
# Events run at once through Gradio's queue (LLM answers, uploads, drafts). Measured when extractive answers
# still went through the queue: 8 gave 47 answers/s at p95 0.76 s under 20 users (4: 39/s, 0.91 s; bench/load.py).
CONCURRENCY = 8
QUEUE_SIZE = 64
LIVE_CHECK_S = 5.0  # how often an open page asks whether the index it shows is still the live one
FILE_TTL_S = 3600  # generated and uploaded files are deleted after an hour (checked every 10 minutes)

CSS = """
.gradio-container {max-width: 1280px !important; font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;}
/* Colours come from the theme's variables, so light and dark mode both keep their contrast. The theme's
   "subdued" grey (2.5:1 on white) is darkened for light mode and lightened for dark mode to pass 4.5:1. */
:root {--body-text-color-subdued: #5b6270 !important;}
.dark {--body-text-color-subdued: #b4bac6 !important;}
#status {font-size: 0.9em; color: var(--body-text-color-subdued);}
.sources-label {font-weight: 600; margin: 8px 0 4px; color: var(--body-text-color);}
.source-card {border: 1px solid var(--border-color-primary); border-left: 4px solid #9aa5b5; border-radius: 6px;
  padding: 8px 12px; margin: 6px 0; background: var(--block-background-fill); color: var(--body-text-color);}
.source-card.used {border-left-color: #b3261e;}
.card-head {font-weight: 600;} .marker {color: #b3261e; margin-right: 4px;}
.card-meta {font-size: 0.85em; color: var(--body-text-color-subdued); margin: 2px 0;} .fact {margin-right: 12px;}
.fact b {color: var(--body-text-color); font-weight: 600;}
.card-path {font-size: 0.85em; color: var(--body-text-color-subdued);}
.card-text {white-space: pre-wrap; margin-top: 4px; line-height: 1.6; max-height: 12em; overflow-y: auto;}
mark {background: #fff1a8; color: #1f1f1f; padding: 0 1px;}
.answer-note {background: #fff4e5; color: #3d2a00; border: 1px solid #f0c36d; border-radius: 4px; padding: 4px 8px; margin: 4px 0;}
.notice-view {max-height: 560px; overflow-y: auto; padding: 4px 12px; border: 1px solid var(--border-color-primary);
  border-radius: 6px; background: var(--block-background-fill); color: var(--body-text-color);}
.notice-view .clause {white-space: pre-wrap; line-height: 1.7; margin: 4px 0;}
.notice-view .clause.focus {background: #fff8d6; color: #1f1f1f; border-left: 4px solid #b3261e; padding: 4px 8px;}
.clause-heading {margin: 10px 0 4px;}
.source-card {cursor: pointer;} .source-card:hover {box-shadow: 0 1px 6px rgba(0,0,0,0.12);}
/* The chosen source in the picker: the theme's selected-label colours (white on orange) are under 3:1. */
#source-pick label.selected, #source-pick label:has(input:checked) {background: #1f4e9c !important; color: #fff !important;}
#source-pick label.selected *, #source-pick label:has(input:checked) * {color: #fff !important;}
.dark .marker {color: #ff9a8f;}
.dark .source-card.used, .dark .notice-view .clause.focus {border-left-color: #ff9a8f;}
"""
# The page's own script (run once on load):
# - clicking a source card, or a [n] marker in the latest answer, opens that source: it picks the same source in
#   the selector under the cards (cards, markers and choices are all in citation order). Markers stay plain
#   text, so the copy button copies "[1]" and the source list, not markup; the click finds the marker under
#   the pointer. Earlier answers' markers do nothing: the cards and the selector are the latest answer's.
# - the theme switch's choice (localStorage) wins over the system's light or dark mode.
PAGE_SCRIPT = """() => {
  const THEME_KEY = 'assistant-theme';
  const saved = localStorage.getItem(THEME_KEY);
  if (saved === 'dark' || saved === 'light') document.body.classList.toggle('dark', saved === 'dark');
  const openSource = (n) => {
    const choice = document.querySelectorAll('#source-pick label')[n - 1];
    if (choice) choice.click();
  };
  const markerAt = (x, y) => {
    const range = document.caretRangeFromPoint ? document.caretRangeFromPoint(x, y) : null;
    if (!range || range.startContainer.nodeType !== Node.TEXT_NODE) return 0;
    const text = range.startContainer.textContent, at = range.startOffset;
    for (const m of text.matchAll(/\\[(\\d+)\\]/g)) {
      if (m.index <= at && at <= m.index + m[0].length) return Number(m[1]);
    }
    return 0;
  };
  document.addEventListener('click', (event) => {
    const card = event.target.closest('#source-cards .source-card');
    if (card) return openSource(Number(card.dataset.marker));
    const reply = event.target.closest('#chatbot [data-testid="bot"]');
    const replies = document.querySelectorAll('#chatbot [data-testid="bot"]');
    if (!reply || reply !== replies[replies.length - 1]) return;
    const n = markerAt(event.clientX, event.clientY);
    if (n) openSource(n);
  });
}"""
# The theme switch: light ↔ dark, remembered by this browser.
TOGGLE_THEME = """() => {
  const dark = !document.body.classList.contains('dark');
  document.body.classList.toggle('dark', dark);
  localStorage.setItem('assistant-theme', dark ? 'dark' : 'light');
}"""
SCROLL_TO_FOCUS = "() => { setTimeout(() => document.getElementById('focus-clause')?.scrollIntoView({block: 'center'}), 300); }"


class InFlight:
    """The answers each page is waiting for, so that 停止 and a finishing answer agree on whether it is kept:
    an answer is stored (and shown) only if it was not stopped, and a stop marks the chat only if an answer
    was still on its way. Gradio's cancel cannot interrupt an answer being computed in a worker thread; the
    thread runs on, and asks here before it stores or shows anything."""

    MAX_AGE_S = 3600.0  # an answer whose page went away is forgotten after this

    def __init__(self):
        self._lock = threading.Lock()
        self._started: dict[str, dict[str, float]] = {}  # page (session) → answer token → when it started

    def start(self, session: str) -> str:
        token = uuid.uuid4().hex
        now = time.monotonic()
        with self._lock:
            for page in list(self._started):
                tokens = self._started[page]
                for old in [t for t, started in tokens.items() if now - started > self.MAX_AGE_S]:
                    del tokens[old]
                if not tokens:
                    del self._started[page]
            self._started.setdefault(session, {})[token] = now
        return token

    def running(self, session: str, token: str) -> bool:
        with self._lock:
            return token in self._started.get(session, {})

    def finish(self, session: str, token: str) -> bool:
        """The answer is done: True if it may be stored and shown (it was not stopped)."""
        with self._lock:
            return self._started.get(session, {}).pop(token, None) is not None

    def stop(self, session: str) -> bool:
        """Stop every answer of the page; whether one was still on its way."""
        with self._lock:
            return bool(self._started.pop(session, None))


class App(Service):
    """The shared service plus the UI's views of its index; generated files go to the private folder."""

    def __init__(self, settings: Settings, uploads_allowed: bool = True):
        super().__init__(settings, uploads_allowed)
        self.files_dir = PRIVATE_DIR or private_folder()  # beside Gradio's cache (see __main__ above)
        self.in_flight = InFlight()

    @property
    def browser_secret(self) -> str:
        """The key that encrypts what a page keeps in its browser (which conversation it shows, whose it is):
        kept beside the index, so the browser's storage still reads after a server restart."""
        path = Path(self.settings.index_dir) / "browser-state.key"
        try:
            return path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            secret = uuid.uuid4().hex + uuid.uuid4().hex
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process wrote it first
                return path.read_text(encoding="ascii").strip()
            with os.fdopen(descriptor, "w", encoding="ascii") as handle:
                handle.write(secret)
            return secret

    # --- views of the index ---------------------------------------------------------------------

    def status(self) -> str:
        a = self.assistant
        llm = f"已配置（{a.llm.label}），回答经来源核对" if a.llm else "未配置：摘录式回答，只引用原文"
        store = " · 索引存于 Milvus" if self.settings.store is StoreKind.MILVUS else ""
        return f"已收录 **{len(a.index.notices)}** 份文件、**{len(a.index.chunks)}** 个条款{store} · 大模型：{llm}"

    def filter_choices(self) -> tuple[list[str], list[str], list[tuple[str, str]]]:
        notices = self.assistant.index.notices
        places = sorted({n.jurisdiction for n in notices if n.jurisdiction})
        years = sorted({str(c.year) for c in self.assistant.index.chunks if c.year}, reverse=True)
        titles = [(f"{n.title}（{n.doc_number}）" if n.doc_number else n.title, n.id) for n in notices]
        return places, years, titles

    def chunks_of(self, notice_id: str):
        return [c for c in self.assistant.index.chunks if c.notice_id == notice_id]


def user_error(message: str, logged: bool = False) -> gr.Error:
    """An error the user can act on: shown in the page, logged as one line (no traceback: it is not a bug)."""
    if not logged:
        log.info("user error: %s", message.splitlines()[0] if message else "")
    return gr.Error(message, print_exception=False)


def final_message(handler):
    """A chat handler that yields its messages, as one that returns the last: for an event Gradio calls
    directly (no queue), which cannot stream. `functools.wraps` keeps the signature Gradio reads (gr.Request,
    gr.RetryData… parameters)."""
    @functools.wraps(handler)
    def last_message(*args, **kwargs):
        message = {}  # nothing yielded: nothing changes
        for message in handler(*args, **kwargs):
            pass
        return message

    return last_message


def _filters(places, years, notice_ids) -> Filters | None:
    if not (places or years or notice_ids):
        return None
    return Filters(list(places or []), [int(y) for y in years or []], list(notice_ids or []), [])


def _with_error(history: list[dict], message: str, error: str) -> list[dict]:
    """The chat with the error as the assistant's reply to this question (asked once, not twice)."""
    asked_already = len(history) >= 2 and history[-2] == {"role": "user", "content": message}
    history = history[:-2] if asked_already else history
    from assistant.apps.views import NOT_ANSWERED

    return history + [{"role": "user", "content": message or "（空）"},
                      {"role": "assistant", "content": f"{NOT_ANSWERED}{error}"}]


def _answer_markdown(answer) -> str:
    return message_markdown(answer.text, answer.note, answer_record(answer)["citations"])


def message_markdown(text: str, note: str, sources: list[dict]) -> str:
    """An answer as the chat shows it: the note, the text with its [n] markers, then its sources (title, 文号,
    date, clause), so the message's copy button copies the answer with where it comes from."""
    from assistant.apps.conversations import source_line

    body = (f"> {note}\n\n" if note else "") + text.replace("\n", "  \n")
    if sources:
        body += "\n\n**来源**  \n" + "  \n".join(source_line(s) for s in sources)
    return body


@dataclass
class ChatTab:
    """问答: the conversation, its sources and the filters beside it."""

    chatbot: gr.Chatbot
    rewritten: gr.Markdown  # how a follow-up was understood
    question: gr.Textbox
    cards: gr.HTML  # one card per source
    source_pick: gr.Radio  # which source to open in the viewer
    viewer: gr.HTML  # the whole notice, scrolled to the clause
    places: gr.Dropdown
    years: gr.Dropdown
    notices: gr.Dropdown
    asked: gr.State  # the standalone questions asked so far, for follow-ups (one per stored turn)
    last_answer: gr.State


@dataclass
class BrowseTab:
    """文件: every notice, its clause tree, and who owns which task."""

    table: gr.Dataframe
    notice_ids: gr.State  # the ids of the table's rows, in order
    departments: gr.Dropdown


@dataclass
class ManageControls:
    """The 管理 page's inputs and buttons (ManageTab holds what other pages' changes update)."""

    block: gr.Tab
    upload_files: gr.File
    upload_btn: gr.Button
    upload_result: gr.Markdown
    refresh_files: gr.Button
    download: gr.Button
    reingest: gr.Button
    delete: gr.Button
    confirm_row: gr.Row
    confirm_text: gr.Markdown
    confirm: gr.Button
    cancel: gr.Button
    replacement: gr.File
    replace: gr.Button
    file_result: gr.Markdown
    original: gr.File
    refresh_feedback: gr.Button


@dataclass
class ManageTab:
    """管理: upload, the corpus files (with what to do to one), the feedback on answers."""

    files: gr.Dataframe
    file_names: gr.State  # the names of the table's rows, in order
    chosen: gr.Dropdown  # the file the actions act on
    feedback: gr.Dataframe
    controls: ManageControls


# Refusals of the 管理 page's changes, the same wording as the upload's (and the API's).
CORPUS_LOCKED = "本服务对网络开放但未设置登录账号，已关闭上传；请管理员设置 ASSISTANT_USERS 后重启。"
FEEDBACK_HIDDEN = "本服务对网络开放但未设置登录账号：反馈中有其他人的提问，不在此显示。"


def build(app: App) -> gr.Blocks:
    with gr.Blocks(title="政策文件问答助手", analytics_enabled=False, delete_cache=(600, FILE_TTL_S)) as demo:
        with gr.Row(equal_height=True):
            gr.Markdown("## 政策文件问答助手\n回答均摘自已收录文件的原文并标注来源；文件中没有的内容会如实说明。")
            gr.Button("深色 / 浅色", size="sm", scale=0, min_width=110, elem_id="theme-switch").click(
                None, js=TOGGLE_THEME)
        status = gr.Markdown(app.status(), elem_id="status")
        with gr.Tabs(elem_id="main-tabs"):  # one navigation: 问答 · 文件 · 答复起草 · 管理
            chat = chat_tab(app, demo)
            browse = browse_tab(app)
            reply_tab(app)
            manage = manage_tab(app)
        views = IndexViews(app, status, chat, browse, manage)
        manage_actions(app, manage, views)
        follow_live_index(app, demo, views)
    return demo


@dataclass
class IndexViews:
    """What every page shows of the index: the header, the filters' choices, the notice list, the departments,
    the corpus files; `values()` gives each its value for the live index."""

    app: App
    status: gr.Markdown
    chat: ChatTab
    browse: BrowseTab
    manage: ManageTab

    @property
    def outputs(self) -> list:
        return [self.status, self.browse.table, self.browse.notice_ids, self.chat.places, self.chat.years,
                self.chat.notices, self.browse.departments, self.manage.files, self.manage.file_names,
                self.manage.chosen]

    def values(self) -> dict:
        from assistant.apps.views import departments, file_rows, notice_rows

        app, index = self.app, self.app.assistant.index
        places_, years_, titles_ = app.filter_choices()
        files = app.corpus_files()
        return {self.status: app.status(),
                self.browse.table: notice_rows(index.notices, index.chunks),
                self.browse.notice_ids: [n.id for n in index.notices],
                self.chat.places: gr.update(choices=places_), self.chat.years: gr.update(choices=years_),
                self.chat.notices: gr.update(choices=titles_),
                self.browse.departments: gr.update(choices=[ALL_DEPARTMENTS] + departments(index.chunks)),
                self.manage.files: file_rows(files), self.manage.file_names: [f.name for f in files],
                self.manage.chosen: gr.update(choices=[f.name for f in files])}


def follow_live_index(app: App, demo: gr.Blocks, views: IndexViews) -> None:
    """Every open page follows the live index: on opening (the page was built with the index of server start)
    and every LIVE_CHECK_S while open, whoever changed it (an upload here, `ingest.py` in another process)."""
    shown = gr.State(None)  # the index version this page shows
    outputs = views.outputs + [shown]

    def refresh(version):
        live = app.current()
        if version is not None and version == id(live.index):
            return [gr.skip()] * (len(outputs) - 1) + [version]
        values = views.values()
        return [values[o] for o in outputs[:-1]] + [id(live.index)]

    demo.load(refresh, shown, outputs, api_visibility="private", show_progress="hidden")
    gr.Timer(LIVE_CHECK_S).tick(refresh, shown, outputs, api_visibility="private", show_progress="hidden")


def chat_tab(app: App, demo: gr.Blocks) -> ChatTab:
    from assistant.apps.conversations import Turn, conversation_markdown
    from assistant.apps.views import (PENDING, STOPPED, answered_turns_before, message_text, notice_html,
                                      source_cards, source_choices)
    from assistant.pipeline import check_question
    from assistant.search.conversation import rewrite_follow_up

    places, years, titles = app.filter_choices()
    store = app.conversations
    with gr.Tab("问答", id="chat") as chat_block:
        with gr.Row():
            with gr.Column(scale=1, min_width=220, elem_id="conversations"):
                new_conversation = gr.Button("＋ 新对话", elem_id="new-conversation")
                conversation_list = gr.Radio(label="对话记录（保存在服务器上，换台电脑登录同一账号也能打开）",
                                             choices=[], elem_id="conversation-list")
                with gr.Accordion("管理此对话", open=False, elem_id="conversation-tools"):
                    title_box = gr.Textbox(label="名称", elem_id="conversation-title", max_lines=1)
                    with gr.Row():
                        rename = gr.Button("重命名", size="sm", elem_id="rename-conversation")
                        delete = gr.Button("删除", size="sm", variant="stop", elem_id="delete-conversation")
                    with gr.Row():
                        export_md = gr.Button("导出 Markdown", size="sm", elem_id="export-markdown")
                        export_word = gr.Button("导出 Word", size="sm", elem_id="export-docx")
                    export_file = gr.File(label="下载", interactive=False, elem_id="conversation-file")
            with gr.Column(scale=3):
                # The chat's own controls: 重试 under the last answer (its retry event), a pencil on each
                # question (edit), thumbs under each answer (like).
                chatbot = gr.Chatbot(label="对话", height=420, elem_id="chatbot", buttons=["copy"], editable="user")
                with gr.Row(visible=False, elem_id="feedback-row") as feedback_row:
                    comment = gr.Textbox(label="补充说明（可选）", scale=5, max_lines=3, elem_id="feedback-comment",
                                         placeholder="例如：数字已过时、来源不对、漏了某份文件")
                    submit_comment = gr.Button("提交", scale=1, elem_id="feedback-submit")
                feedback_note = gr.Markdown(elem_id="feedback-note")
                rewritten = gr.Markdown(elem_id="rewritten")
                with gr.Row():
                    question = gr.Textbox(placeholder="输入问题，例如：张店区2023年充电桩目标是多少？（追问如：那淄川区呢？）",
                                          show_label=False, scale=5, elem_id="question", max_lines=4)
                    send = gr.Button("提问", variant="primary", scale=1, elem_id="send")
                    stop = gr.Button("停止", variant="stop", scale=1, elem_id="stop", visible=False)
                gr.Examples(EXAMPLES, inputs=question, label="示例问题")
                cards = gr.HTML(elem_id="source-cards")
                source_pick = gr.Radio(label="查看来源原文（点击上方来源卡片或在此选择，打开整份文件并定位到该条款）",
                                       choices=[], elem_id="source-pick")
                viewer = gr.HTML(elem_id="notice-viewer")
            with gr.Column(scale=1, min_width=240):
                gr.Markdown("#### 检索范围")
                place_filter = gr.Dropdown(places, multiselect=True, label="地区", elem_id="filter-place")
                year_filter = gr.Dropdown(years, multiselect=True, label="年份", elem_id="filter-year")
                notice_filter = gr.Dropdown(titles, multiselect=True, label="文件", elem_id="filter-notice")
                k_slider = gr.Slider(1, 10, value=app.settings.answer_k, step=1, label="来源条数")
    # Who owns the conversations: the web login, or (without logins) this browser, by a key kept in its
    # localStorage; and which conversation the page shows, so a reload reopens it.
    # (Inside the tab: a component placed in the tab bar itself, even an invisible state, makes Gradio repeat
    # each tab's button when the tab is first opened.)
    with chat_block:
        browser_key = gr.BrowserState("", storage_key="assistant-browser-key", secret=app.browser_secret)
        current = gr.BrowserState("", storage_key="assistant-conversation", secret=app.browser_secret)
        tab = ChatTab(chatbot, rewritten, question, cards, source_pick, viewer, place_filter, year_filter,
                      notice_filter, gr.State([]), gr.State(None))

    def owner_of(request: gr.Request | None, key: str) -> str:
        name = getattr(request, "username", None) if request is not None else None
        if name:
            return f"user:{name}"
        # Before the page has its key (it arrives with the page's first load event) nothing is shared: an
        # owner of its own that no other page can name.
        return f"browser:{key}" if key else f"browser:unsaved-{uuid.uuid4().hex}"

    def listing(owner: str, chosen: str | None):
        choices = [(c.title or "（未命名）", c.id) for c in store.list(owner)]
        return gr.update(choices=choices, value=chosen if chosen in {c for _, c in choices} else None)

    def shown(conversation, owner: str) -> dict:
        """Everything the chat shows of a conversation (None: a new, empty one)."""
        turns = conversation.turns if conversation else []
        history = []
        for t in turns:
            history += [{"role": "user", "content": t.question},
                        {"role": "assistant", "content": message_markdown(t.answer, "", t.sources)}]
        return {chatbot: history, tab.asked: [t.standalone for t in turns], current: conversation.id if conversation else "",
                conversation_list: listing(owner, conversation.id if conversation else None),
                title_box: conversation.title if conversation else "", rewritten: "", cards: "", viewer: "",
                source_pick: gr.update(choices=[], value=None), tab.last_answer: None}

    def restore(key, conversation_id, request: gr.Request):
        """On opening the page: the conversation it showed last, or else the owner's most recent one."""
        key = key or uuid.uuid4().hex
        owner = owner_of(request, key)
        conversation = store.find(owner, conversation_id) if conversation_id else None
        if conversation is None:
            recent = store.list(owner)
            conversation = store.find(owner, recent[0].id) if recent else None
        return {**shown(conversation, owner), browser_key: key}

    restore_outputs = [chatbot, tab.asked, current, conversation_list, title_box, rewritten, cards, viewer, source_pick,
                       tab.last_answer, browser_key]
    demo.load(restore, [browser_key, current], restore_outputs, api_visibility="private", show_progress="hidden")

    answering = {send: gr.update(visible=False), stop: gr.update(visible=True)}
    # An LLM's answer takes seconds and streams through Gradio's queue (停止 cancels it there). An extractive
    # answer is one message computed in tens of milliseconds: its event is called directly (one HTTP request,
    # no queue, no event stream), which halves the page's wait and the server's work (bench/results.md).
    streamed = bool(app.settings.llm_base_url)
    idle = {send: gr.update(visible=True), stop: gr.update(visible=False)}

    def ask(message, history, asked_so_far, places_, years_, notices_, k, key, conversation_id,
            request: gr.Request):
        history = list(history or [])
        message = (message or "").strip()
        session = getattr(request, "session_hash", None) or ""
        token = app.in_flight.start(session)
        try:
            message = check_question(message)
            assistant = app.current()
            standalone = rewrite_follow_up(message, asked_so_far[-1] if asked_so_far else None,
                                           assistant.index.tokenizer.tokenize)
            note = f"按上下文理解为：**{standalone}**" if standalone != message else ""
            filters = _filters(places_, years_, notices_)
            history += [{"role": "user", "content": message}, {"role": "assistant", "content": PENDING}]
            # A streamed answer: the question shows at once, with 停止 in place of 提问 while it is on its way.
            if streamed:
                yield {tab.chatbot: history, tab.rewritten: note, tab.cards: "", tab.viewer: "", tab.question: "",
                       tab.source_pick: gr.update(choices=[], value=None), tab.last_answer: None, **answering}
            answer = None
            for answer in app.answer_stream(standalone, int(k), filters):
                if not app.in_flight.running(session, token):
                    return  # stopped: the page shows that, nothing more is sent
                history[-1] = {"role": "assistant", "content": _answer_markdown(answer)}
                if streamed:  # the LLM's words as they come; extractive answers come at once
                    yield {tab.chatbot: history, tab.cards: source_cards(answer), tab.last_answer: answer}
            if not app.in_flight.finish(session, token):
                return  # stopped while the answer was computed: not kept
            key = key or uuid.uuid4().hex  # asked before the page's load event gave it a key: it gets one now
            owner = owner_of(request, key)
            turn = Turn(message, standalone, answer.text, answer_record(answer)["citations"])
            known = bool(conversation_id) and store.add_turn_if_owned(owner, conversation_id, turn)
            if not known:
                conversation_id = store.create(owner).id
                store.add_turn(owner, conversation_id, turn)
            yield {tab.chatbot: history, tab.rewritten: note, tab.cards: source_cards(answer), tab.viewer: "",
                   tab.question: "", tab.last_answer: answer, tab.asked: asked_so_far + [standalone],
                   tab.source_pick: gr.update(choices=source_choices(answer), value=None),
                   current: conversation_id, browser_key: key,
                   # the list changes only when a conversation begins (named after its first question)
                   conversation_list: gr.skip() if known else listing(owner, conversation_id),
                   title_box: gr.skip() if known else title_from(message), **(idle if streamed else {})}
        except AssistantError as exc:
            log.info("question not answered: %s", exc)
            if app.in_flight.finish(session, token):
                yield {tab.chatbot: _with_error(history, message, str(exc)), tab.rewritten: "", tab.cards: "",
                       tab.viewer: "", tab.last_answer: None, tab.question: message, **idle}
        except Exception:
            log.exception("chat failed")
            if app.in_flight.finish(session, token):
                yield {tab.chatbot: _with_error(history, message, UNEXPECTED), tab.rewritten: "", tab.cards: "",
                       tab.viewer: "", tab.last_answer: None, tab.question: message, **idle}

    def ask_again(index: int, message: str, history, asked_so_far, places_, years_, notices_, k, key,
                  conversation_id, request: gr.Request):
        """Re-ask from the question at message `index` (regenerate or edit): that question and everything
        after it leave the chat, the stored conversation and the follow-up context, then it is asked anew."""
        history = list(history or [])
        kept = answered_turns_before(history, index)
        owner = owner_of(request, key)
        if conversation_id and store.owns(owner, conversation_id):
            store.keep_turns(owner, conversation_id, kept)
        yield from ask(message, history[:index], list(asked_so_far or [])[:kept], places_, years_, notices_, k,
                       key, conversation_id, request)

    def regenerate(history, asked_so_far, places_, years_, notices_, k, key, conversation_id,
                   retried: gr.RetryData, request: gr.Request):
        """重试 under the last answer: the same question asked again, in place of its answer."""
        history = list(history or [])
        message = message_text(history[retried.index]) if retried.index < len(history) else ""
        yield from ask_again(retried.index, message, history, asked_so_far, places_, years_, notices_, k, key,
                             conversation_id, request)

    def edit_question(history, asked_so_far, places_, years_, notices_, k, key, conversation_id,
                      edited: gr.EditData, request: gr.Request):
        """A question edited in the chat: asked anew from there (its answer and later turns are dropped)."""
        yield from ask_again(edited.index, message_text({"content": edited.value}), history, asked_so_far,
                             places_, years_, notices_, k, key, conversation_id, request)

    def stop_answer(history, request: gr.Request):
        """停止: the answer on its way is abandoned (its event is cancelled too) and marked in the chat."""
        was_running = app.in_flight.stop(getattr(request, "session_hash", None) or "")
        history = list(history or [])
        if was_running and history and history[-1].get("role") == "assistant":
            history[-1] = {"role": "assistant", "content": STOPPED}
            return {chatbot: history, **idle}
        return {chatbot: gr.skip(), **idle}  # the answer had already been given: it stays

    inputs = [question, chatbot, tab.asked, place_filter, year_filter, notice_filter, k_slider, browser_key, current]
    # New outputs go last: the load test (bench/load.py) reads the conversation id by its position.
    outputs = [chatbot, rewritten, cards, source_pick, viewer, tab.asked, tab.last_answer, question, current,
               conversation_list, title_box, browser_key, send, stop]
    again_inputs = inputs[1:]
    direct = {} if streamed else {"queue": False}
    handlers = (ask, regenerate, edit_question)
    if not streamed:
        handlers = tuple(map(final_message, handlers))
    answers = [send.click(handlers[0], inputs, outputs, api_name="ask", **direct),
               question.submit(handlers[0], inputs, outputs, api_visibility="undocumented", **direct),
               chatbot.retry(handlers[1], again_inputs, outputs, api_visibility="private", **direct),
               chatbot.edit(handlers[2], again_inputs, outputs, api_visibility="private", **direct)]
    stop.click(stop_answer, chatbot, [chatbot, send, stop], cancels=answers if streamed else None,
               api_visibility="private")
    feedback_events(app, tab, owner_of, browser_key, current, feedback_row, comment, submit_comment, feedback_note)

    def answer_api(question: str, k: int = 5) -> dict:
        """One answer as JSON for other systems (the CLI's `ask --json` shape); errors as a message."""
        try:
            return answer_record(app.answer(check_question(question), max(1, min(int(k), 10))))
        except AssistantError as exc:
            raise user_error(str(exc)) from None

    with chat_block:  # inside the tab: the tab bar takes only tabs
        gr.api(answer_api, api_name="answer")

    shown_outputs = [chatbot, tab.asked, current, conversation_list, title_box, rewritten, cards, viewer, source_pick,
                     tab.last_answer]

    def start_new(key, request: gr.Request):
        """新对话 (and the chat's own clear button): no messages, no follow-up context, no cards."""
        return shown(None, owner_of(request, key))

    new_conversation.click(start_new, browser_key, shown_outputs, api_visibility="private")
    chatbot.clear(start_new, browser_key, shown_outputs, api_visibility="private")

    def open_conversation(conversation_id, key, request: gr.Request):
        owner = owner_of(request, key)
        return shown(store.find(owner, conversation_id) if conversation_id else None, owner)

    conversation_list.input(open_conversation, [conversation_list, browser_key], shown_outputs,
                            api_visibility="private")

    def rename_conversation(title, conversation_id, key, request: gr.Request):
        if not conversation_id:
            raise user_error("请先提问或从对话记录中选择一个对话。")
        owner = owner_of(request, key)
        try:
            store.rename(owner, conversation_id, title or "")
        except AssistantError as exc:
            raise user_error(str(exc)) from None
        return listing(owner, conversation_id)

    rename.click(rename_conversation, [title_box, current, browser_key], conversation_list, api_visibility="private")

    def delete_conversation(conversation_id, key, request: gr.Request):
        owner = owner_of(request, key)
        if conversation_id:
            try:
                store.delete(owner, conversation_id)
            except AssistantError as exc:
                raise user_error(str(exc)) from None
        return shown(None, owner)

    delete.click(delete_conversation, [current, browser_key], shown_outputs, api_visibility="private")

    def export(conversation_id, key, request, as_word: bool):
        conversation = store.find(owner_of(request, key), conversation_id) if conversation_id else None
        if conversation is None or not conversation.turns:
            raise user_error("这个对话还没有内容：请先提问。")
        text = conversation_markdown(conversation)
        sweep_old_files(app.files_dir / "exports", FILE_TTL_S)
        folder = Path(tempfile.mkdtemp(prefix="export-", dir=_made(app.files_dir / "exports")))
        name = f"对话-{datetime.now():%Y%m%d-%H%M%S}"
        if as_word:
            from assistant.answering.reply import write_docx

            return str(write_docx(text.replace("# ", "").replace("## ", ""), folder / f"{name}.docx"))
        path = folder / f"{name}.md"
        path.write_text(text, encoding="utf-8")
        return str(path)

    # Named apart from the reply tab's export_docx: Gradio names endpoints after their functions.
    def export_conversation_markdown(conversation_id, key, request: gr.Request):
        return export(conversation_id, key, request, as_word=False)

    def export_conversation_docx(conversation_id, key, request: gr.Request):
        return export(conversation_id, key, request, as_word=True)

    export_md.click(export_conversation_markdown, [current, browser_key], export_file, api_visibility="private")
    export_word.click(export_conversation_docx, [current, browser_key], export_file, api_visibility="private")

    def open_source(chunk_id, answer):
        if not chunk_id or answer is None:
            return ""
        citation = next((c for c in answer.citations if c.chunk.id == chunk_id), None)
        if citation is None or citation.notice is None:
            return ""
        return notice_html(citation.notice, app.chunks_of(citation.notice.id), focus=chunk_id, quotes=citation.quotes)

    source_pick.change(open_source, [source_pick, tab.last_answer], viewer).then(None, js=SCROLL_TO_FOCUS)
    return tab


def feedback_events(app: App, tab: ChatTab, owner_of, browser_key: gr.BrowserState, current: gr.BrowserState,
                    row: gr.Row, comment: gr.Textbox, submit: gr.Button, note: gr.Markdown) -> None:
    """The thumbs under an answer: the rating is stored at once with the question, the answer and its sources
    (from the stored turn, not the page's copy); a comment may follow; the other thumb changes the rating, the
    same one again withdraws it. The 管理 page lists them for whoever curates the corpus."""
    from assistant.apps.conversations import FeedbackNotFoundError
    from assistant.apps.views import answered_turns_before, is_answer, message_text, question_before

    store = app.conversations
    with row:  # in the chat tab, not the tab bar (see chat_tab)
        rated = gr.State({})  # stored turn id → this page's feedback entry on it
        commenting = gr.State(None)  # the entry the comment box adds to

    def stored_turn(history, index, owner: str, conversation_id: str):
        """The stored turn an assistant message shows, or None (an error, a stopped answer, or a page that
        no longer matches the stored conversation)."""
        history = list(history or [])
        if not conversation_id or not 0 <= index < len(history) or not is_answer(history[index]):
            return None
        conversation = store.find(owner, conversation_id)
        number, asked_at = answered_turns_before(history, index), question_before(history, index)
        if conversation is None or asked_at is None or number >= len(conversation.turns):
            return None
        turn = conversation.turns[number]
        return turn if message_text(history[asked_at]).strip() == turn.question else None

    def rate(history, key, conversation_id, given, liked: gr.LikeData, request: gr.Request):
        owner = owner_of(request, key)
        index = liked.index[0] if isinstance(liked.index, (list, tuple)) else liked.index
        turn = stored_turn(history, index, owner, conversation_id)
        if turn is None:
            return {note: "只能评价已保存的回答：出错或已停止的回复不能评价。", row: gr.update(visible=False)}
        given = dict(given or {})
        entry = given.get(turn.id)
        try:
            if liked.liked in ("", None):  # the same thumb clicked again: withdrawn
                if entry is not None:
                    store.remove_feedback(owner, entry)
                given.pop(turn.id, None)
                return {rated: given, commenting: None, row: gr.update(visible=False), note: "已撤回评价。"}
            rating = 1 if liked.liked is True else -1
            if entry is not None:
                store.update_feedback(owner, entry, rating=rating)
            else:
                entry = store.add_feedback(owner, conversation_id, turn.question, turn.answer, turn.sources, rating,
                                           standalone=turn.standalone)
        except FeedbackNotFoundError as exc:
            given.pop(turn.id, None)
            return {rated: given, commenting: None, row: gr.update(visible=False), note: str(exc)}
        given[turn.id] = entry
        word = "有用" if rating > 0 else "没用"
        return {rated: given, commenting: entry, row: gr.update(visible=True), comment: "",
                note: f"已记录评价：{word}。可以补充说明后提交，帮助整理文件库。"}

    tab.chatbot.like(rate, [tab.chatbot, browser_key, current, rated], [rated, commenting, row, comment, note],
                     api_visibility="private", show_progress="hidden")

    def add_comment(text, entry, key, request: gr.Request):
        if entry is None:
            return {row: gr.update(visible=False), note: "请先点击回答下方的赞或踩，再补充说明。"}
        if not (text or "").strip():
            return {note: "补充说明为空：评价已记录，不必提交。"}
        try:
            store.update_feedback(owner_of(request, key), entry, comment=text)
        except FeedbackNotFoundError as exc:
            return {row: gr.update(visible=False), commenting: None, note: str(exc)}
        return {row: gr.update(visible=False), comment: "", commenting: None, note: "已提交补充说明，谢谢。"}

    submit.click(add_comment, [comment, commenting, browser_key], [row, comment, commenting, note],
                 api_visibility="private")


def _made(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def browse_tab(app: App) -> BrowseTab:
    from assistant.apps.views import (NOTICE_COLUMNS, OWNERSHIP_COLUMNS, departments, matching_notices, notice_html,
                                      notice_rows, ownership_rows)

    index = app.assistant.index
    with gr.Tab("文件", id="browse"):
        with gr.Row():
            search = gr.Textbox(label="搜索文件（标题、文号、发文机关、地区，或正文中的词，如“充电桩”）", scale=4,
                                elem_id="notice-search")
        notice_ids = gr.State([n.id for n in index.notices])
        table = gr.Dataframe(notice_rows(index.notices, index.chunks), headers=NOTICE_COLUMNS, interactive=False,
                             wrap=True, elem_id="notice-table",
                             column_widths=["38%", "14%", "16%", "9%", "8%", "6%", "9%"])
        gr.Markdown("点击一行，查看该文件的条款结构。")
        notice_view = gr.HTML(elem_id="notice-tree")
        gr.Markdown("### 谁负责什么\n按部门列出其牵头或配合的任务（取自文件中的“牵头/配合/责任单位”）。")
        with gr.Row():
            dept = gr.Dropdown([ALL_DEPARTMENTS] + departments(index.chunks), value=ALL_DEPARTMENTS,
                               label="部门（可输入关键字）", allow_custom_value=True, filterable=True,
                               elem_id="dept-filter", scale=3)
        owners = gr.Dataframe(ownership_rows(index.chunks, index.notice_by_id), headers=OWNERSHIP_COLUMNS,
                              interactive=False, wrap=True, max_height=420, elem_id="ownership-table")

    def filter_notices(text):
        # Rows and ids from the same list: titles repeat across places (政府工作报告).
        live = app.assistant.index
        shown = matching_notices(live.notices, text or "", live.chunks)
        return notice_rows(shown, live.chunks), [n.id for n in shown]

    def show_notice(ids, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if row is None or row >= len(ids):
            return ""
        notice = app.assistant.index.notice_by_id.get(ids[row])
        return notice_html(notice, app.chunks_of(notice.id)) if notice else ""

    def owned_by(department):
        live = app.assistant.index
        return ownership_rows(live.chunks, live.notice_by_id, "" if department in (None, ALL_DEPARTMENTS) else department)

    search.change(filter_notices, search, [table, notice_ids])
    table.select(show_notice, notice_ids, notice_view)
    dept.change(owned_by, dept, owners)
    return BrowseTab(table, notice_ids, dept)


def reply_tab(app: App) -> None:
    from assistant.answering.reply import draft_reply, write_docx
    from assistant.apps.views import source_cards
    from assistant.pipeline import check_question

    with gr.Tab("答复起草", id="reply"):
        gr.Markdown("粘贴群众诉求（如12345热线工单），生成引用政策原文的答复草稿；可修改后导出 Word 文件。")
        enquiry = gr.Textbox(label="群众诉求", lines=4, elem_id="enquiry",
                             placeholder="例如：我是张店区居民，想问今年区里新建多少充电桩？")
        draft_btn = gr.Button("生成答复草稿", variant="primary", elem_id="draft-btn")
        reply_note = gr.Markdown(elem_id="reply-note")
        draft = gr.Textbox(label="答复草稿（可编辑）", lines=14, interactive=True, elem_id="draft")
        export = gr.Button("导出 .docx", elem_id="export-btn")
        docx_file = gr.File(label="下载答复", interactive=False, elem_id="docx-file")
        reply_sources = gr.HTML()

    def make_draft(text):
        try:
            assistant = app.current()
            answer = assistant.ask(check_question(text), app.settings.answer_k, use_llm=False)
            reply = draft_reply(text, answer)
            note = "已生成摘录式草稿：引用内容均为文件原文。"
            if assistant.llm is not None and not answer.abstained:
                from assistant.answering.llm import polish_reply

                reply, note = polish_reply(assistant.llm.chat, reply, answer.citations)
            if answer.abstained:
                note = "未找到直接对应的政策条款，草稿采用转办口径，请核实后再发出。"
            return {draft: reply, reply_note: note, reply_sources: source_cards(answer)}
        except AssistantError as exc:
            raise user_error(str(exc)) from None
        except Exception:
            log.exception("draft failed")
            raise user_error(UNEXPECTED, logged=True) from None

    def export_docx(text):
        if not (text or "").strip():
            raise user_error("答复草稿为空：请先生成或填写答复。")
        # Written inside this process's private folder (mode 0700, see private_folder); Gradio serves its
        # own copy from the same folder, and both are swept after FILE_TTL_S.
        sweep_old_files(app.files_dir / "replies", FILE_TTL_S)
        folder = Path(tempfile.mkdtemp(prefix="reply-", dir=app.files_dir / "replies"))
        return str(write_docx(text, folder / f"答复-{datetime.now():%Y%m%d-%H%M%S}.docx"))

    draft_btn.click(make_draft, enquiry, [draft, reply_note, reply_sources])
    export.click(export_docx, draft, docx_file)


def manage_tab(app: App) -> ManageTab:
    """管理: upload; every file of the corpus folder with its notices, status, size and ingest time, and what to
    do to one (download, replace, re-ingest, delete); the feedback on answers. The events are wired by
    manage_actions once every page's index views exist (they all follow each change)."""
    from assistant.apps.views import FEEDBACK_COLUMNS, FILE_COLUMNS, feedback_rows, file_rows
    from assistant.ingest.readers import SUPPORTED_SUFFIXES

    files = app.corpus_files()
    with gr.Tab("管理", id="manage") as block:
        gr.Markdown("### 上传文件")
        gr.Markdown(f"上传公文（.txt/.md/.pdf/.docx/.doc/.wps/.rtf/.odt/.ofd/.html）、表格（.xlsx/.xls/.et）或扫描件、照片"
                    f"（.pdf/.jpg/.png/.tif，自动识别文字），单个不超过 {app.settings.max_file_mb:g} MB；"
                    "保存到文件库并立即入库，入库后即可提问。GBK 等编码会自动识别。")
        upload_files = gr.File(file_count="multiple", file_types=sorted(SUPPORTED_SUFFIXES),
                               type="filepath", label="选择文件", elem_id="upload-files")
        upload_btn = gr.Button("上传并入库", variant="primary", elem_id="upload-btn")
        upload_result = gr.Markdown(elem_id="upload-result")

        gr.Markdown("### 文件库\n文件库文件夹中的每个文件：包含哪些公文、是否已收录（读取失败时附原因）、大小和入库时间。"
                    "点击一行选中文件，再对它操作。")
        table = gr.Dataframe(file_rows(files), headers=FILE_COLUMNS, interactive=False, wrap=True,
                             elem_id="corpus-table", column_widths=["22%", "36%", "22%", "8%", "12%"])
        file_names = gr.State([f.name for f in files])
        with gr.Row():
            # Custom values allowed: a file chosen before another page deleted it must not fail the event.
            chosen = gr.Dropdown([f.name for f in files], value=None, label="选中的文件", allow_custom_value=True,
                                 filterable=True, scale=4, elem_id="chosen-file")
            refresh_files = gr.Button("刷新列表", size="sm", scale=1, elem_id="refresh-files")
        with gr.Row():
            download = gr.Button("下载原件", elem_id="download-file")
            reingest = gr.Button("重新入库", elem_id="reingest-file")
            delete = gr.Button("删除", variant="stop", elem_id="delete-file")
        with gr.Row(visible=False, elem_id="confirm-delete-row") as confirm_row:
            confirm_text = gr.Markdown()
            confirm = gr.Button("确认删除", variant="stop", elem_id="confirm-delete")
            cancel = gr.Button("取消", elem_id="cancel-delete")
        with gr.Accordion("替换为新版本（同名、同类型）", open=False, elem_id="replace-tools"):
            replacement = gr.File(file_count="single", file_types=sorted(SUPPORTED_SUFFIXES), type="filepath",
                                  label="新版本", elem_id="replacement-file")
            replace = gr.Button("上传并替换", elem_id="replace-file")
        file_result = gr.Markdown(elem_id="file-result")
        original = gr.File(label="原件", interactive=False, elem_id="original-file")

        gr.Markdown("### 反馈\n用户对回答的评价（最新的在前），供整理文件库时参考。")
        refresh_feedback = gr.Button("刷新反馈", size="sm", elem_id="refresh-feedback")
        feedback = gr.Dataframe(feedback_rows([]), headers=FEEDBACK_COLUMNS, interactive=False, wrap=True,
                                max_height=520, elem_id="feedback-table",
                                column_widths=["12%", "6%", "20%", "30%", "20%", "12%"])
    return ManageTab(table, file_names, chosen, feedback,
                     ManageControls(block, upload_files, upload_btn, upload_result, refresh_files, download, reingest,
                                    delete, confirm_row, confirm_text, confirm, cancel, replacement, replace,
                                    file_result, original, refresh_feedback))


def manage_actions(app: App, manage: ManageTab, views: IndexViews) -> None:
    """The 管理 page's events. A change to the corpus is refused in the result box (an error would mark every
    output, the header and the filters too, as failed) and, when done, every page's index views follow."""
    from assistant.apps.service import DocumentNotFoundError
    from assistant.apps.views import feedback_rows

    c = manage.controls
    index_outputs = views.outputs

    def changed(result_box: gr.Markdown, lines: list[str]) -> dict:
        return {result_box: "\n".join(lines), **views.values()}

    def upload(paths, progress=gr.Progress(track_tqdm=True)):
        if not app.uploads_allowed:
            return {c.upload_result: f"**未上传：**{CORPUS_LOCKED}"}
        if not paths:
            return {c.upload_result: "**未上传：**请先选择要上传的文件。"}
        progress(0, desc="检查并入库")
        try:
            with FileParser(app.settings) as parser:
                refused, saved = app.save_files([(Path(p), Path(p).name) for p in paths], check=parser.parse,
                                                only_from=Path(gradio_upload_folder()))
            change = app.ingest_saved(saved, progress=True)
        except AssistantError as exc:
            log.info("upload not ingested: %s", exc)
            return {c.upload_result: f"**未入库：**{exc}"}
        return changed(c.upload_result, [_outcome_line(o) for o in refused + change.outcomes])

    # Not a Gradio API endpoint: a client library would upload any file its caller names (even one of this
    # server's, when the client runs here). Other systems add documents with POST /api/v1/documents.
    c.upload_btn.click(upload, c.upload_files, [c.upload_result] + index_outputs, concurrency_limit=1,
                       concurrency_id="corpus", api_visibility="private")

    def choose(names, evt: gr.SelectData):
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        return names[row] if row is not None and 0 <= row < len(names) else gr.skip()

    manage.files.select(choose, manage.file_names, manage.chosen, api_visibility="private")
    c.refresh_files.click(lambda: views.values(), None, index_outputs, api_visibility="private")

    def refused_change(name: str, verb: str) -> str:
        """Why the chosen file may not be changed now ("" when it may)."""
        if not app.uploads_allowed:
            return f"**未{verb}：**{CORPUS_LOCKED}"
        if not name:
            return f"**未{verb}：**请先在文件库中选中一个文件。"
        return ""

    def download_original(name):
        try:
            path = app.listed_file(name or "")
        except DocumentNotFoundError as exc:
            return {c.file_result: f"**未下载：**{exc}" if name else "**未下载：**请先在文件库中选中一个文件。",
                    c.original: None}
        # A copy in this process's private folder: Gradio serves only files under its own folders.
        sweep_old_files(app.files_dir / "originals", FILE_TTL_S)
        folder = Path(tempfile.mkdtemp(prefix="original-", dir=_made(app.files_dir / "originals")))
        copy = folder / path.name
        copy.write_bytes(path.read_bytes())
        return {c.file_result: "", c.original: str(copy)}

    c.download.click(download_original, manage.chosen, [c.file_result, c.original], api_visibility="private")

    def ask_to_delete(name):
        refused = refused_change(name, "删除")
        if refused:
            return {c.file_result: refused, c.confirm_row: gr.update(visible=False)}
        return {c.file_result: "", c.confirm_row: gr.update(visible=True),
                c.confirm_text: f"确定从文件库删除“{name}”吗？删除后其中的公文不再用于回答。"}

    c.delete.click(ask_to_delete, manage.chosen, [c.file_result, c.confirm_row, c.confirm_text],
                   api_visibility="private")
    c.cancel.click(lambda: gr.update(visible=False), None, c.confirm_row, api_visibility="private")

    def remove(name, progress=gr.Progress()):
        refused = refused_change(name, "删除")
        if refused:
            return {c.file_result: refused, c.confirm_row: gr.update(visible=False)}
        progress(0, desc="删除并重新入库")
        try:
            app.listed_file(name)
            change = app.remove_file(name)
        except AssistantError as exc:
            log.info("file not removed: %s", exc)
            return {c.file_result: f"**未删除：**{exc}", c.confirm_row: gr.update(visible=False)}
        return {**changed(c.file_result, [f"- **已删除** {name}：现有 {change.n_notices} 份文件、{change.n_chunks} 个条款"]),
                c.confirm_row: gr.update(visible=False), manage.chosen: gr.update(value=None)}

    c.confirm.click(remove, manage.chosen, [c.file_result, c.confirm_row] + index_outputs, concurrency_limit=1,
                    concurrency_id="corpus", api_visibility="private")

    def reingest(name, progress=gr.Progress()):
        refused = refused_change(name, "入库")
        if refused:
            return {c.file_result: refused}
        progress(0, desc="重新入库")
        try:
            change = app.reingest_file(name)
        except AssistantError as exc:
            log.info("file not re-ingested: %s", exc)
            return {c.file_result: f"**未入库：**{exc}"}
        return changed(c.file_result, [_outcome_line(o) for o in change.outcomes])

    c.reingest.click(reingest, manage.chosen, [c.file_result] + index_outputs, concurrency_limit=1,
                     concurrency_id="corpus", api_visibility="private")

    def replace_file(name, path, progress=gr.Progress()):
        refused = refused_change(name, "替换")
        if refused:
            return {c.file_result: refused}
        if not path:
            return {c.file_result: "**未替换：**请先选择新版本文件。"}
        progress(0, desc="检查并替换")
        try:
            with FileParser(app.settings) as parser:
                change = app.replace_file(name, Path(path), Path(path).name, check=parser.parse,
                                          only_from=Path(gradio_upload_folder()))
        except AssistantError as exc:
            log.info("file not replaced: %s", exc)
            return {c.file_result: f"**未替换：**{exc}"}
        return {**changed(c.file_result, [_outcome_line(o) for o in change.outcomes]), c.replacement: None}

    # Like the upload, not an API endpoint (see above).
    c.replace.click(replace_file, [manage.chosen, c.replacement], [c.file_result, c.replacement] + index_outputs,
                    concurrency_limit=1, concurrency_id="corpus", api_visibility="private")

    def feedback_listing():
        if not app.uploads_allowed:
            gr.Info(FEEDBACK_HIDDEN)
            return feedback_rows([])
        return feedback_rows(app.conversations.feedback())

    c.refresh_feedback.click(feedback_listing, None, manage.feedback, api_visibility="private")
    c.block.select(feedback_listing, None, manage.feedback, api_visibility="private", show_progress="hidden")


OUTCOME_WORDS = {"indexed": "已入库", "exists": "已存在", "refused": "未保存", "failed": "未入库", "removed": "已移除"}


def _outcome_line(outcome) -> str:
    """One uploaded file's outcome as a Markdown list line: a word, not an emoji, says what happened."""
    word = OUTCOME_WORDS.get(outcome.status, outcome.status)
    if outcome.status == "indexed":
        unchanged = f"{outcome.reason}，" if outcome.reason else ""  # re-ingested without a change
        return (f"- **{word}** {outcome.saved_as}：{unchanged}{outcome.n_notices} 份文件，{outcome.n_chunks} 个条款，"
                "现在可以提问")
    return f"- **{word}** {outcome.name}：{outcome.reason}"


def main(argv: list[str] | None = None) -> int:
    from assistant.apps.api import Api
    from assistant.apps.auth import UsersConfigError, users_from_env
    from assistant.apps.webserver import serve

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_common_args(parser)
    add_llm_args(parser)
    parser.add_argument("--host", default=os.environ.get("ASSISTANT_HOST", "127.0.0.1"),
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("ASSISTANT_PORT", "7860")))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.setLevel(logging.INFO)
    try:
        users = users_from_env()  # a mistyped ASSISTANT_USERS stops here, before anything is served
    except UsersConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    settings = settings_from_args(args)
    # Anyone who can reach the page can change the corpus through an upload: without accounts, only when the
    # page is reachable from this machine alone (the API has the same rule with its keys).
    uploads_allowed = users is not None or is_loopback(args.host)
    if not uploads_allowed:
        log.warning("listening on %s without ASSISTANT_USERS: uploads are switched off", args.host)
    try:
        app = App(settings, uploads_allowed=uploads_allowed)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    demo = build(app)
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    print(f"Open http://{args.host}:{args.port} in a browser; the HTTP API is described at /docs", flush=True)
    serve(demo, args.host, args.port, users, api=Api(app, users, local_only=is_loopback(args.host)), auth_message="请输入账号和密码（连续输错 5 次将锁定 15 分钟）",
          max_file_size=f"{settings.max_file_mb:g}mb", show_error=True, css=CSS, js=PAGE_SCRIPT,
          theme=gr.themes.Soft(), footer_links=[])
    return 0


if __name__ == "__main__":
    sys.exit(main())
