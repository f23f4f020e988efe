"""Conversations in the web UI, in a real browser: kept on the server, reopened after a reload and a server
restart, started afresh, renamed, exported and deleted; a message carries its sources."""
from __future__ import annotations

import shutil

import pytest

from bench.load import free_port, start_ui
from conftest import CORPUS
from bench.load import stop_ui as stop
from test_ui_browser import BOT, CHROMIUM, ask, browser, last_reply  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def workspace(sample_index_dir, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/setup.sh (apt-get install chromium)")
    work = tmp_path_factory.mktemp("ui-conversations")
    shutil.copytree(CORPUS, work / "corpus")
    shutil.copytree(sample_index_dir, work / "index", symlinks=True)
    return work


def open_page(context, url):
    """A page that has loaded and been given its browser key (by its load event), as a person's page has by
    the time they have typed a question."""
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=30_000)
    page.wait_for_function("() => localStorage.getItem('assistant-browser-key') !== null", timeout=30_000)
    return page


def wait_for_messages(page, count: int) -> None:
    page.wait_for_function(f"() => document.querySelectorAll(\"{BOT}\").length === {count}", timeout=30_000)


def open_tools(page) -> None:
    if not page.locator("#delete-conversation").is_visible():
        page.locator("#conversation-tools").get_by_text("管理此对话").click()
    page.locator("#delete-conversation").wait_for(state="visible", timeout=10_000)


def listed(page) -> list[str]:
    return page.locator("#conversation-list label").all_inner_texts()


def test_a_conversation_survives_reload_and_restart_and_can_be_managed(browser, workspace, tmp_path):  # noqa: F811
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    process = start_ui(workspace / "index", port, tmp_path / "ui-1.log", workspace / "corpus")
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, accept_downloads=True, locale="zh-CN")
    try:
        page = open_page(context, url)
        ask(page, "张店区2023年新增多少个充电桩？")
        ask(page, "那淄川区呢？")
        assert "1220" in last_reply(page)
        assert "来源" in last_reply(page) and "淄川区" in last_reply(page).split("来源")[1]  # copied with its sources
        assert [t.strip() for t in listed(page)] == ["张店区2023年新增多少个充电桩？"]

        page.wait_for_function("() => localStorage.getItem('assistant-conversation') !== null", timeout=10_000)
        page.reload()  # the page forgets everything: the server and the browser's own storage remember
        page.wait_for_selector("#question textarea", timeout=30_000)
        wait_for_messages(page, 2)
        assert "1220" in last_reply(page)

        stop(process)  # a server restart, on the same address (the browser keeps its storage per address)
        process = start_ui(workspace / "index", port, tmp_path / "ui-2.log", workspace / "corpus")
        page = open_page(context, url)
        wait_for_messages(page, 2)
        ask(page, "那张店区呢？")  # the follow-up context came back too
        assert "张店区2023年新增多少个充电桩" in page.locator("#rewritten").inner_text()
        assert "1775" in last_reply(page)

        open_tools(page)
        page.locator("#conversation-title textarea, #conversation-title input").first.fill("充电桩值班记录")
        page.locator("#rename-conversation").click()
        page.wait_for_function("() => document.querySelector('#conversation-list').innerText.includes('充电桩值班记录')",
                               timeout=30_000)

        with page.expect_download(timeout=30_000) as download:
            page.locator("#export-markdown").click()
            page.locator("#conversation-file a").first.click(timeout=30_000)
        exported = download.value.path().read_text(encoding="utf-8")
        assert exported.startswith("# 充电桩值班记录") and "## 问：那淄川区呢？" in exported and "来源：" in exported

        page.locator("#new-conversation").click()  # a new conversation: no messages, no context, no cards
        wait_for_messages(page, 0)
        assert page.locator("#source-cards .source-card").count() == 0
        ask(page, "那淄川区呢？")
        assert page.locator("#rewritten").inner_text().strip() == ""
        page.wait_for_function("() => document.querySelectorAll('#conversation-list label').length === 2",
                               timeout=30_000)

        open_tools(page)
        page.locator("#delete-conversation").click()
        page.wait_for_function("() => document.querySelectorAll('#conversation-list label').length === 1",
                               timeout=30_000)
        wait_for_messages(page, 0)
        page.locator("#conversation-list label").first.click()  # reopen the kept one from the list
        wait_for_messages(page, 3)

        other = browser.new_context(locale="zh-CN")  # another browser without a login sees none of it
        try:
            stranger = open_page(other, url)
            stranger.wait_for_timeout(2000)  # time for the page to ask the server for its conversations
            assert listed(stranger) == []
        finally:
            other.close()
    finally:
        context.close()
        stop(process)
