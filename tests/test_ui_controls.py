"""The controls staff use all day, in a real browser (Debian's chromium driven by Playwright) against `python
ui.py` on loopback: stop, regenerate, edit and rate an answer (the rating and its comment listed on 管理), and
the 管理 page's file library (list, download, re-ingest, delete, with the 文件 list following).

The UI talks to a local OpenAI-compatible stub, so that an answer can be kept on its way long enough to stop it;
otherwise the stub declines and the extractive answer (from the real index) is shown."""
from __future__ import annotations

import shutil
import threading

import pytest

from bench.load import free_port, start_ui
from conftest import CORPUS
from openai_stub import StubLLM
from bench.load import stop_ui as stop_server
from test_ui_browser import (ANSWER_TIMEOUT_MS, BOT, CHROMIUM, MADE_UP_NOTICE, ROW, ask, close_page,  # noqa: F401
                             browser, last_reply)  # browser is a fixture

pytestmark = pytest.mark.slow

USER = "#chatbot [data-testid='user']"
PENDING = "检索中"


class SlowWhenHeld:
    """The stub's reply: declines at once ("没有找到答案", so the extractive answer shows), or, while held, waits
    until released — an answer that stays on its way until the test has stopped it."""

    def __init__(self):
        self.held = threading.Event()
        self.released = threading.Event()
        self.waiting = threading.Event()

    def __call__(self, messages):
        if self.held.is_set():
            self.waiting.set()
            self.released.wait(120)
        return "没有找到答案"


@pytest.fixture(scope="module")
def server(sample_index_dir, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/setup.sh (apt-get install chromium)")
    work = tmp_path_factory.mktemp("ui-controls")
    corpus, index = work / "corpus", work / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(sample_index_dir, index, symlinks=True)
    llm = SlowWhenHeld()
    with StubLLM(llm) as stub:
        port = free_port()
        try:
            process = start_ui(index, port, work / "ui.log", corpus,
                               extra_args=["--llm-base-url", stub.base_url, "--llm-model", "stub"])
        except RuntimeError as exc:
            pytest.fail(f"{exc}: {(work / 'ui.log').read_text()[-2000:]}")
        try:
            yield f"http://127.0.0.1:{port}/", corpus, llm
        finally:
            llm.released.set()
            stop_server(process)


@pytest.fixture()
def page(browser, server, request):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.goto(server[0])
    page.wait_for_selector("#question textarea", timeout=30_000)
    # The page's browser key (its conversations' owner) arrives with its load event.
    page.wait_for_function("() => localStorage.getItem('assistant-browser-key') !== null", timeout=30_000)
    yield page
    close_page(page, request)


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()


def wait_for_answer(page, bots: int, containing: str) -> None:
    """Until the chat shows `bots` replies, the last one finished and holding `containing`."""
    page.wait_for_function(
        """([selector, bots, text, pending]) => {
            const replies = document.querySelectorAll(selector);
            const last = replies[replies.length - 1];
            return replies.length === bots && last && !last.innerText.includes(pending) && last.innerText.includes(text);
        }""", arg=[BOT, bots, containing, PENDING], timeout=ANSWER_TIMEOUT_MS)


def wait_for_text(page, selector: str, text: str, timeout: int = 30_000) -> None:
    page.wait_for_function("([s, t]) => (document.querySelector(s)?.innerText || '').includes(t)",
                           arg=[selector, text], timeout=timeout)


def reopened(page) -> list[str]:
    """The chat's replies as the server has kept them: after a reload."""
    page.reload()
    page.wait_for_selector("#question textarea", timeout=30_000)
    page.wait_for_function(f"() => document.querySelectorAll(\"{BOT}\").length > 0", timeout=30_000)
    return page.locator(BOT).all_inner_texts()


def test_stop_regenerate_edit_and_rate_an_answer(page, server):
    from bench.load import asked_through_queue

    assert asked_through_queue(server[0])  # an LLM streams its answer: through the queue, where 停止 cancels it
    _, _, llm = server
    ask(page, "张店区2023年新增多少个充电桩？")
    ask(page, "淄川区科技型中小企业的目标由哪个部门负责？")
    assert "1775" in page.locator(BOT).first.inner_text()

    page.locator(BOT).last.hover()
    page.get_by_role("button", name="重试").click()  # regenerate: the same question, in place of its answer
    wait_for_answer(page, 2, "科技")
    assert page.locator(USER).count() == 2

    # Edit the second question into a follow-up: it is read against the first question alone (the answer it
    # replaces and its own reading are gone from the context), so it asks for 淄川's charging piles.
    page.locator(USER).last.hover()
    page.locator("#chatbot").get_by_role("button", name="编辑").last.click()
    editor = page.locator("#chatbot textarea").last
    editor.fill("那淄川区呢？")
    page.locator("#chatbot").get_by_role("button", name="发送").click()
    wait_for_answer(page, 2, "1220")
    assert "淄川区2023年新增多少个充电桩" in page.locator("#rewritten").inner_text()

    kept = reopened(page)  # the stored conversation: two turns, the regenerated and edited ones in place
    assert len(kept) == 2 and "1775" in kept[0] and "1220" in kept[1]

    page.locator(BOT).last.hover()
    page.locator("#chatbot").get_by_role("button", name="踩").last.click()
    page.locator("#feedback-row").wait_for(state="visible", timeout=30_000)
    page.locator("#feedback-comment textarea").fill("淄川的数字需要核对")
    page.locator("#feedback-submit").click()
    wait_for_text(page, "#feedback-note", "已提交补充说明")

    open_tab(page, "管理")  # opening the page lists the feedback
    wait_for_text(page, "#feedback-table", "淄川的数字需要核对")
    row = page.locator(f"#feedback-table {ROW}").first.inner_text()
    assert "没用" in row and "那淄川区呢？" in row and "淄川区2023年新增多少个充电桩" in row
    assert row.count("川政办字〔2023〕22号") == 1  # its source, once however many of its clauses were cited

    open_tab(page, "问答")
    llm.held.set()  # the next answer stays on its way until released
    page.locator("#question textarea").fill("张店区2023年充电桩目标是多少？")
    page.locator("#send").click()
    page.locator("#stop").wait_for(state="visible", timeout=30_000)
    assert llm.waiting.wait(60), "the answer never reached the language model"
    assert PENDING in last_reply(page)
    page.locator("#stop").click()
    page.wait_for_function("""(selector) => {
        const replies = document.querySelectorAll(selector);
        return replies[replies.length - 1].innerText.startsWith('已停止：');  // bold rendered, no asterisks
    }""", arg=BOT, timeout=30_000)
    page.locator("#send").wait_for(state="visible", timeout=30_000)
    assert not page.locator("#stop").is_visible()
    llm.held.clear()
    llm.released.set()
    assert len(reopened(page)) == 2  # the stopped question was not kept


def choose_file(page, name: str) -> None:
    page.locator(f"#corpus-table {ROW}", has_text=name).first.locator("[role=gridcell]").first.click()
    page.wait_for_function("(n) => document.querySelector('#chosen-file input').value === n", arg=name,
                           timeout=30_000)


def test_the_file_library_lists_downloads_re_ingests_replaces_and_deletes(page, server, tmp_path):
    _, corpus, _ = server
    open_tab(page, "管理")
    rows = page.locator(f"#corpus-table {ROW}")
    rows.first.wait_for(timeout=30_000)
    assert rows.count() == len([p for p in CORPUS.iterdir() if not p.name.startswith(".")])
    report = rows.filter(has_text="zhangdian-government-work-report-2023.txt").first.inner_text()
    assert "政府工作报告" in report and "已收录" in report and "KB" in report

    choose_file(page, "zhangdian-government-work-report-2023.txt")
    page.locator("#download-file").click()
    link = page.locator("#original-file a").first
    link.wait_for(timeout=30_000)
    with page.expect_download(timeout=30_000) as download:
        link.click()
    assert download.value.path().read_bytes() == (corpus / "zhangdian-government-work-report-2023.txt").read_bytes()

    # A file put into the folder by hand is listed as not ingested until 重新入库 reads it.
    (corpus / "周村区夜间经济方案.txt").write_text(MADE_UP_NOTICE, encoding="utf-8")
    page.locator("#refresh-files").click()
    wait_for_text(page, "#corpus-table", "周村区夜间经济方案.txt")
    assert "未收录" in rows.filter(has_text="周村区夜间经济方案.txt").first.inner_text()
    choose_file(page, "周村区夜间经济方案.txt")
    page.locator("#reingest-file").click()
    wait_for_text(page, "#file-result", "已入库", timeout=120_000)
    page.wait_for_function(
        """(row) => [...document.querySelectorAll('#corpus-table ' + row)].some((r) =>
               r.innerText.includes('周村区夜间经济方案.txt') && r.innerText.includes('已收录')
               && r.innerText.includes('古商城夜间经济提升方案'))""", arg=ROW, timeout=30_000)

    # 替换: a new version of the file (same name and type) takes the old one's place, in the folder and the index.
    new_version = tmp_path / "周村区夜间经济方案.txt"
    new_version.write_text(MADE_UP_NOTICE.replace("古商城夜间经济提升方案", "古商城夜市提升方案"), encoding="utf-8")
    page.locator("#replace-tools").get_by_text("替换为新版本").click()
    page.locator("#replacement-file input[type=file]").set_input_files(str(new_version))
    page.locator("#replace-file").click()
    page.wait_for_function(
        """(row) => [...document.querySelectorAll('#corpus-table ' + row)].some((r) =>
               r.innerText.includes('周村区夜间经济方案.txt') && r.innerText.includes('古商城夜市提升方案'))""",
        arg=ROW, timeout=120_000)
    assert "已入库" in page.locator("#file-result").inner_text()
    assert "古商城夜市提升方案" in (corpus / "周村区夜间经济方案.txt").read_text(encoding="utf-8")

    open_tab(page, "文件")
    search = page.locator("#notice-search input, #notice-search textarea").first
    # One search at a time, each from the table the last one settled on (fill replaces the box's text in one
    # change: an emptied box in between would send a second search while the first is pending).
    search.fill("古商城夜市")
    page.wait_for_function(f"() => document.querySelectorAll('#notice-table {ROW}').length === 1", timeout=30_000)
    search.fill("古商城夜间经济")  # the old version's title is gone from the index
    page.wait_for_function(f"() => document.querySelectorAll('#notice-table {ROW}').length === 0", timeout=30_000)
    search.fill("古商城")
    page.wait_for_function(f"() => document.querySelectorAll('#notice-table {ROW}').length === 1", timeout=30_000)

    open_tab(page, "管理")
    page.locator("#delete-file").click()
    page.locator("#confirm-delete").click()
    wait_for_text(page, "#file-result", "已删除", timeout=120_000)
    assert not (corpus / "周村区夜间经济方案.txt").exists()
    page.wait_for_function(
        "(row) => ![...document.querySelectorAll('#corpus-table ' + row)].some((r) => r.innerText.includes('周村区夜间'))",
        arg=ROW, timeout=30_000)
    open_tab(page, "文件")
    search.fill("古商城夜")
    page.wait_for_function(f"() => document.querySelectorAll('#notice-table {ROW}').length === 0", timeout=30_000)
    search.fill("古商城")  # the same search, against the index without it
    page.wait_for_function(f"() => document.querySelectorAll('#notice-table {ROW}').length === 0", timeout=30_000)

