"""How soon an answer shows in the browser: the page's 提问 clicked → the answer's text rendered in the chat
(issue 19's target: ≤ 300 ms, extractive), measured with Debian's chromium through Playwright.

    python -m bench.first_answer --index DIR [--rounds 2]

One page asks the questions in turn (one conversation, as a member of staff does), then asks them again
(answers reused). Prints each time in ms; no other load runs meanwhile.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from bench.load import free_port, start_ui, stop_ui

QUESTIONS = ["张店区2023年充电桩目标是多少？", "淄川区新建多少个充电桩？", "12345热线是不是24小时有人接？",
             "临淄区9月份哪些任务还没完成？", "机器人大赛在哪天举行？", "张店英才管理期是几年？",
             "黄河防汛谁负责统一发布灾情？", "乡村教师周转宿舍有什么规定？", "小西湖片区征收决定是哪天作出的？",
             "政银担贷款今年发放多少？"]
# The latest reply is in and is not the placeholder of an answer on its way.
ANSWER_SHOWN = """(before) => { const replies = document.querySelectorAll("#chatbot [data-testid='bot']");
  const last = replies[replies.length - 1];
  return replies.length > before && !last.innerText.includes('检索中') && last.innerText.trim().length > 5; }"""


def first_answer_times(url: str, questions: list[str], chromium: str = "/usr/bin/chromium") -> list[float]:
    """Milliseconds from clicking 提问 to the answer's text on screen, per question, on one page."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        page = browser.new_page()
        page.goto(url)
        page.wait_for_selector("#question textarea", timeout=60_000)
        page.wait_for_timeout(1500)  # the page's load events (restore, live index) are done
        for question in questions:
            before = page.locator("#chatbot [data-testid='bot']").count()
            page.locator("#question textarea").fill(question)
            started = time.perf_counter()
            page.locator("#send").click()
            page.wait_for_function(ANSWER_SHOWN, arg=before, timeout=60_000, polling=10)
            times.append((time.perf_counter() - started) * 1000)
        browser.close()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True,
                        help="a built index (the server stores this page's conversation beside it)")
    parser.add_argument("--rounds", type=int, default=2, help="times the questions are asked (later rounds reuse answers)")
    args = parser.parse_args(argv)
    port = free_port()
    with tempfile.TemporaryDirectory() as work:
        server = start_ui(args.index, port, Path(work) / "ui.log")
        try:
            url = f"http://127.0.0.1:{port}/"
            times = first_answer_times(url, QUESTIONS * args.rounds)
        finally:
            stop_ui(server)
    n = len(QUESTIONS)
    for round_ in range(args.rounds):
        part = times[round_ * n:(round_ + 1) * n]
        print(f"round {round_ + 1}: " + " ".join(f"{t:.0f}" for t in part)
              + f" ms; median {statistics.median(part):.0f}, max {max(part):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
