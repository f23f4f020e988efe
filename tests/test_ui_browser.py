"""The web UI in a real browser (Debian's chromium driven by Playwright) against `python ui.py` on loopback.

Slow: starts the UI process on a copy of the sample index. A failing test leaves a screenshot in tests/screenshots/.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bench.load import free_port, start_ui
from conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = ROOT / "tests" / "screenshots"
ANSWER_TIMEOUT_MS = 60_000
BOT = "#chatbot [data-testid='bot']"  # the assistant's messages in the chat
ROW = "[role=row]:has([role=gridcell])"  # a data row of a Gradio dataframe (the header row has columnheaders)

# A made-up notice, saved as GBK: the upload must detect the encoding and make it answerable at once.
MADE_UP_NOTICE = """周村区人民政府办公室
关于印发周村区2024年古商城夜间经济提升方案的通知
周政办字〔2024〕7号
各镇人民政府、街道办事处，区政府各部门：
《周村区2024年古商城夜间经济提升方案》已经区政府同意，现印发给你们，请认真贯彻执行。
周村区人民政府办公室
2024年4月8日
周村区2024年古商城夜间经济提升方案
一、工作目标
1. 打造夜间消费街区。全年新增夜间特色摊位260个，举办夜市主题活动18场。（区商务局牵头，区文化和旅游局配合）
"""


@pytest.fixture(scope="module")
def ui_server(sample_index_dir, tmp_path_factory):
    """`python ui.py` on a copy of the corpus and index (uploads must not touch the repository's files)."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/setup.sh (apt-get install chromium)")
    work = tmp_path_factory.mktemp("ui")
    corpus, index = work / "corpus", work / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(sample_index_dir, index, symlinks=True)
    port = free_port()
    try:
        process = start_ui(index, port, work / "ui.log", corpus)
    except RuntimeError as exc:
        pytest.fail(f"{exc}: {(work / 'ui.log').read_text()[-2000:]}")
    url = f"http://127.0.0.1:{port}/"
    yield url, corpus
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture()
def page(browser, ui_server, request):
    url, _ = ui_server
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=30_000)
    yield page
    close_page(page, request)


def close_page(page, request) -> None:
    """Close the page's browser context, keeping a screenshot in tests/screenshots/ when its test failed."""
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    page.context.close()


def ask(page, question: str) -> None:
    """Ask in the chat and wait until the new answer and its source list are in."""
    before = page.locator(BOT).count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.wait_for_function(
        """([selector, before]) => {
            const bots = document.querySelectorAll(selector);
            return bots.length > before && !bots[bots.length - 1].innerText.includes('检索中')
                && document.querySelectorAll('#source-pick label').length > 0;
        }""", arg=[BOT, before], timeout=ANSWER_TIMEOUT_MS)


def last_reply(page) -> str:
    return page.locator(BOT).last.inner_text()


def test_charging_pile_question_shows_both_zhangdian_figures_with_their_notices(page):
    ask(page, "张店区2023年充电桩目标是多少？")
    reply = last_reply(page)
    assert "1775" in reply and "3000" in reply
    assert "1220" not in reply  # 淄川's figure must not be mixed in
    cards = page.locator("#source-cards .source-card.used")
    titles = " ".join(cards.all_inner_texts())
    assert "重点工作任务" in titles and "政府工作报告" in titles
    assert page.locator("#source-cards mark").count() >= 2  # the quoted sentences are highlighted in their clauses


def test_source_card_opens_the_whole_notice_at_that_clause(page):
    ask(page, "张店区2023年充电桩目标是多少？")
    page.locator("#source-cards .source-card").first.click()
    focus = page.locator("#notice-viewer #focus-clause")
    focus.wait_for(timeout=20_000)
    assert "1775" in focus.inner_text()
    viewer = page.locator("#notice-viewer").inner_text()
    assert "张店区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务" in viewer
    assert len(viewer) > 3000  # the whole notice, not just the clause
    page.locator("#source-pick label").nth(1).click()  # the selector under the cards opens the second source
    page.wait_for_function("() => document.querySelector('#notice-viewer').innerText.includes('政府工作报告')",
                           timeout=20_000)
    assert "3000" in page.locator("#notice-viewer #focus-clause").inner_text()


def test_follow_up_is_rewritten_with_the_conversation(page):
    ask(page, "张店区2023年充电桩目标是多少？")
    ask(page, "那淄川区呢？")
    assert "淄川区" in page.locator("#rewritten").inner_text() and "充电桩" in page.locator("#rewritten").inner_text()
    titles = " ".join(page.locator("#source-cards .source-card.used").all_inner_texts())
    assert "淄川区" in titles and "张店区人民政府办公室" not in titles


def test_notice_browser_lists_notices_and_shows_a_clause_tree(page):
    page.get_by_role("tab", name="文件", exact=True).click()
    rows = page.locator(f"#notice-table {ROW}")
    rows.first.wait_for(timeout=20_000)
    assert rows.count() == 16
    page.locator("#notice-search input, #notice-search textarea").first.fill("黄河防汛")
    page.wait_for_function(f"() => document.querySelectorAll('#notice-table {ROW}').length === 1", timeout=20_000)
    rows.first.locator("[role=gridcell]").first.click()
    tree = page.locator("#notice-tree")
    tree.locator(".clause-heading").first.wait_for(timeout=20_000)
    assert "淄博市黄河防汛职责" in tree.inner_text()
    assert tree.locator(".clause-heading").count() >= 3
    owners = page.locator(f"#ownership-table {ROW}")
    assert owners.count() > 10
    # 谁负责什么 names departments with their place, never a deadline or a fragment of a sentence.
    names = page.evaluate("""(selector) => [...document.querySelectorAll(selector)]
        .map((row) => (row.querySelector('[role=gridcell]')?.innerText || '').trim())""", f"#ownership-table {ROW}")
    assert names and not [n for n in names if re.search(r"\d+月|\d{4}年|^公室|^政府$|^各", n)], names


def test_reply_draft_quotes_the_policy_and_downloads_as_docx(page, tmp_path):
    page.get_by_role("tab", name="答复起草").click()
    page.locator("#enquiry textarea").fill("我是张店区居民，想了解今年区里计划新增多少充电桩？")
    page.locator("#draft-btn").click()
    page.wait_for_function("() => document.querySelector('#draft textarea').value.includes('根据《')",
                           timeout=ANSWER_TIMEOUT_MS)
    draft = page.locator("#draft textarea").input_value()
    assert "1775" in draft and "联系电话" in draft and draft.startswith("尊敬的")
    page.locator("#draft textarea").fill(draft + "\n（已核对）")
    page.locator("#export-btn").click()
    link = page.locator("#docx-file a").first
    link.wait_for(timeout=20_000)
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "reply.docx"
    download.value.save_as(saved)
    from docx import Document

    text = "\n".join(p.text for p in Document(str(saved)).paragraphs)
    assert "1775" in text and "（已核对）" in text


def test_uploaded_gbk_notice_is_answerable_at_once(page, ui_server, tmp_path):
    _, corpus = ui_server
    upload = tmp_path / "周村区夜间经济方案.txt"
    upload.write_bytes(MADE_UP_NOTICE.encode("gbk"))
    binary = tmp_path / "坏文件.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    page.get_by_role("tab", name="管理", exact=True).click()
    page.locator("#upload-files input[type=file]").set_input_files([str(upload), str(binary)])
    page.locator("#upload-btn").click()
    page.wait_for_function("() => document.querySelector('#upload-result').innerText.includes('已入库')",
                           timeout=120_000)
    result = page.locator("#upload-result").inner_text()
    assert "未保存 坏文件.txt" in result and "无法读取" in result  # rejected, with its reason in words
    assert (corpus / "周村区夜间经济方案.txt").exists() and not (corpus / "坏文件.txt").exists()
    page.get_by_role("tab", name="问答").click()
    ask(page, "周村区古商城今年要新增多少个夜间特色摊位？")
    assert "260" in last_reply(page)
    assert "周村区2024年古商城夜间经济提升方案" in page.locator("#source-cards .source-card.used").first.inner_text()


def test_an_empty_question_gets_a_sentence_not_a_traceback(page):
    page.locator("#send").click()
    page.wait_for_function(f"() => document.querySelectorAll(\"{BOT}\").length > 0", timeout=20_000)
    reply = last_reply(page)
    assert "问题为空" in reply and "Traceback" not in page.content()


def test_an_empty_upload_is_explained_without_marking_the_page_as_failed(page):
    page.get_by_role("tab", name="管理", exact=True).click()
    page.locator("#upload-btn").click()
    page.wait_for_function("() => document.querySelector('#upload-result').innerText.includes('请先选择要上传的文件')",
                           timeout=30_000)
    page.wait_for_timeout(500)
    shown_errors = [e for e in page.get_by_text("Error", exact=True).all() if e.is_visible()]
    assert shown_errors == []  # no red "Error" pill on the header or the filters
    page.get_by_role("tab", name="问答").click()
    assert page.locator("#filter-place").is_visible()


def test_at_390_px_the_page_does_not_scroll_sideways_and_dates_stay_on_one_line(browser, ui_server):
    url, _ = ui_server
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    try:
        phone = context.new_page()
        phone.goto(url)
        phone.wait_for_selector("#question textarea", timeout=30_000)
        ask(phone, "张店区2023年新增多少个充电桩？")
        phone.get_by_role("tab", name="文件", exact=True).click()
        phone.locator(f"#notice-table {ROW}").first.wait_for(timeout=30_000)
        page_width = phone.evaluate("() => document.documentElement.scrollWidth")
        assert page_width <= 392, f"the page scrolls sideways: {page_width} px wide"
        lines = phone.evaluate("""(selector) => {
            const cell = document.querySelectorAll(selector)[0].querySelectorAll('[role=gridcell]')[3];
            const range = document.createRange();
            range.selectNodeContents(cell);
            return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
        }""", f"#notice-table {ROW}")
        assert lines == 1, f"a date is broken over {lines} lines"
    finally:
        context.close()


def test_the_load_test_speaks_the_pages_chat_event_and_goes_on_in_one_conversation(ui_server):
    # bench/load.py's browser path: each user keeps its page's conversation; a changed output order of the
    # chat event (the conversation id read from the wrong place) would start a conversation per question.
    from bench.load import run_load

    result = run_load(ui_server[0], ["张店区2023年充电桩目标是多少？", "那淄川区呢？"], users=2, seconds=4)
    assert result.latencies_ms and not result.errors, result.errors[:3]
