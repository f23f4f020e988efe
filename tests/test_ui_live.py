"""The UI in a real browser: one navigation, readable in light and dark mode, and every page following the live
index when another process ingests (Debian's chromium driven by Playwright, `python ui.py` on loopback)."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

from bench.load import free_port, start_ui
from conftest import CORPUS, ROOT
from test_ui_browser import ANSWER_TIMEOUT_MS, CHROMIUM, ask, browser, close_page  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow

# Every visible element with its own text: its colour against the first opaque background behind it
# (the colour's alpha blended in), as WCAG computes contrast.
LOW_CONTRAST = """(limit) => {
  const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(',').map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c && c[3] > 0.5) return c; }
    return parse(getComputedStyle(document.body).backgroundColor) || [255, 255, 255, 1]; };
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0) continue;
    const fg = parse(s.color); const bg = background(el);
    const mix = [0, 1, 2].map((i) => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
    const [a, b] = [lum(mix), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < limit) bad.push(`${el.textContent.trim().slice(0, 30)} (${ratio.toFixed(2)})`);
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def live_server(sample_index_dir, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run scripts/setup.sh (apt-get install chromium)")
    work = tmp_path_factory.mktemp("ui-live")
    corpus, index = work / "corpus", work / "index"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(sample_index_dir, index, symlinks=True)
    port = free_port()
    try:
        process = start_ui(index, port, work / "ui.log", corpus)
    except RuntimeError as exc:
        pytest.fail(f"{exc}: {(work / 'ui.log').read_text()[-2000:]}")
    yield f"http://127.0.0.1:{port}/", corpus, index
    process.terminate()
    process.wait(timeout=20)


def open_page(browser, url, request, scheme="light"):
    context = browser.new_context(viewport={"width": 1366, "height": 1000}, locale="zh-CN", color_scheme=scheme)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("#question textarea", timeout=30_000)
    request.addfinalizer(lambda: close_page(page, request))
    return page


def test_one_navigation_with_the_chat_first(browser, live_server, request):
    page = open_page(browser, live_server[0], request)
    assert page.locator("[role=tablist]").count() == 1
    names = [t.strip() for t in page.locator("[role=tab]").all_inner_texts()]
    assert names == ["问答", "文件", "答复起草", "管理"]  # the navigation: 问答 · 文件 · 答复起草 · 管理
    # Opening each tab leaves the bar as it was (a component in the bar itself made Gradio repeat the buttons).
    for name in ["文件", "答复起草", "管理", "问答"]:
        page.get_by_role("tab", name=name, exact=True).click()
        page.wait_for_timeout(300)
    tabs = page.locator("[role=tab]")
    shown = [tabs.nth(i).inner_text().strip() for i in range(tabs.count()) if tabs.nth(i).is_visible()]
    assert shown == ["问答", "文件", "答复起草", "管理"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_visible_text_under_3_to_1_contrast(browser, live_server, request, scheme):
    page = open_page(browser, live_server[0], request, scheme)
    if scheme == "dark":
        assert page.evaluate("() => document.body.classList.contains('dark')")  # the page follows the system
    ask(page, "张店区2023年充电桩目标是多少？")
    page.locator("#source-cards .source-card").first.click()
    page.locator("#notice-viewer #focus-clause").wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_timeout(800)  # colour transitions of the picked source settle: measure what the reader sees
    low = page.evaluate(LOW_CONTRAST, 3.0)
    assert not low, "under 3:1: " + " · ".join(low)


def test_a_notice_ingested_by_another_process_shows_in_open_and_new_pages(browser, live_server, request):
    url, corpus, index = live_server
    open_before = open_page(browser, url, request)
    assert "已收录 **16**" not in open_before.locator("#status").inner_text()  # rendered, not Markdown source
    assert "16 份文件" in open_before.locator("#status").inner_text()
    (corpus / "博山区通知.txt").write_text(
        "博山区人民政府办公室\n关于开展2024年秋季爱国卫生运动的通知\n博政办字〔2024〕30号\n各镇人民政府：\n"
        "一、全区开展环境卫生整治行动12次。\n博山区人民政府办公室\n2024年9月5日\n", encoding="utf-8")
    subprocess.run([sys.executable, str(ROOT / "ingest.py"), "--corpus", str(corpus), "--index", str(index)],
                   cwd=ROOT, check=True, capture_output=True, timeout=600)
    ingested = time.monotonic()
    fresh = open_page(browser, url, request)
    for page in (fresh, open_before):
        page.wait_for_function("() => document.querySelector('#status').innerText.includes('17 份文件')",
                               timeout=15_000)
    assert time.monotonic() - ingested <= 20
    box = fresh.locator("#filter-place input").first
    box.click()
    box.fill("博山")
    fresh.wait_for_function("""() => [...document.querySelectorAll('ul.options li, [role=option]')]
                               .some((o) => o.innerText.includes('博山区'))""", timeout=10_000)


def test_the_theme_switch_turns_the_page_dark_and_is_remembered(browser, live_server, request):
    page = open_page(browser, live_server[0], request)  # the system is in light mode
    assert not page.evaluate("() => document.body.classList.contains('dark')")
    page.locator("#theme-switch").click()
    page.wait_for_function("() => document.body.classList.contains('dark')")
    page.reload()
    page.wait_for_selector("#question textarea", timeout=30_000)
    page.wait_for_function("() => document.body.classList.contains('dark')")  # this browser remembers it
    page.wait_for_timeout(800)  # colour transitions settle
    low = page.evaluate(LOW_CONTRAST, 3.0)
    assert not low, "under 3:1: " + " · ".join(low)
    page.locator("#theme-switch").click()
    page.wait_for_function("() => !document.body.classList.contains('dark')")


# Where the n-th marker "[n]" of the latest answer is on screen (scrolled into view first), or null.
MARKER_POSITION = """(n) => {
  const replies = document.querySelectorAll("#chatbot [data-testid='bot']");
  const walker = document.createTreeWalker(replies[replies.length - 1], NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(`[${n}]`);
    if (at < 0) continue;
    node.parentElement.scrollIntoView({block: 'center'});
    const range = document.createRange();
    range.setStart(node, at + 1);
    range.setEnd(node, at + 2);
    const box = range.getBoundingClientRect();
    return [box.x + box.width / 2, box.y + box.height / 2];
  }
  return null;
}"""


def test_a_marker_in_the_answer_opens_its_source(browser, live_server, request):
    page = open_page(browser, live_server[0], request)
    ask(page, "张店区2023年充电桩目标是多少？")
    reply = page.locator("#chatbot [data-testid='bot']").last
    box = reply.bounding_box()
    page.mouse.click(box["x"] + 8, box["y"] + 8)  # the answer's text, not a marker: nothing opens
    page.wait_for_timeout(500)
    assert page.locator("#notice-viewer #focus-clause").count() == 0
    position = page.evaluate(MARKER_POSITION, 1)
    assert position, "the answer has no [1] marker"
    page.mouse.click(*position)
    page.locator("#notice-viewer #focus-clause").wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert page.locator("#source-pick input").first.is_checked()  # the source the marker cites
