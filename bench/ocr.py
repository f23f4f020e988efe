"""OCR cost of one A4 page on this machine: `python -m bench.ocr` → bench/ocr_results.md.

A notice is typeset on an A4 page at 200 and 300 dpi with a CJK font (as a scanner gives it), then read the
way ingest reads a scanned page (assistant/ingest/ocr.py): model load, first page, and warm pages timed apart.
Target (issue 18): one A4 page ≤ 10 s on 2 cores.
"""
from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LINES = ["淄博市某区人民政府办公室", "关于印发2024年重点民生实事项目实施方案的通知", "某政办发〔2024〕7号",
         "各镇人民政府、街道办事处，区政府各部门，各有关单位："] + [
    f"{i}. 新建或改造城市口袋公园{i + 3}处，完成老旧小区改造{i * 7}个，新增普惠托育位{i * 40}个，牵头单位：区住建局。"
    for i in range(1, 25)] + ["某区人民政府办公室", "2024年3月8日"]


def page(dpi: int):
    from PIL import Image, ImageDraw, ImageFont

    font_file = next(iter(sorted(Path("/usr/share/fonts").rglob("NotoSansCJK-Regular.ttc"))), None)
    if font_file is None:
        raise SystemExit("no CJK font: run scripts/setup.sh")
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    size = round(10.5 / 72 * dpi)  # 五号字 (10.5 pt), as notices are printed
    font = ImageFont.truetype(str(font_file), size)
    picture = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(picture)
    for i, line in enumerate(LINES):
        draw.text((round(dpi * 0.9), round(dpi * 1.0) + round(i * 2.0 * size)), line, fill=0, font=font)
    return picture


def main() -> int:
    from assistant.ingest import ocr

    rows = []
    started = time.perf_counter()
    ocr._engine()
    load = time.perf_counter() - started
    for dpi in (200, 300):
        picture = page(dpi)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            text = ocr.ocr_picture(picture)
            times.append(time.perf_counter() - started)
        squashed = "".join(text.split())
        found = sum("".join(line.split())[:12] in squashed for line in LINES) / len(LINES)
        rows.append((dpi, picture.size, times[0], statistics.median(times[1:]), found))
    out = ["# OCR of one A4 page", "",
           f"Command: `python -m bench.ocr`. Machine: {os.cpu_count()} cores, Python {platform.python_version()}; "
           "RapidOCR (PP-OCRv4, onnxruntime) as ingest runs it. Target: one A4 page ≤ 10 s on 2 cores.", "",
           f"Loading the OCR models: {load:.1f} s (once per parsing process).", "",
           "| scan | pixels | first page s | next pages s (median of 2) | lines found | ≤ 10 s |", "|---|---|---|---|---|---|"]
    for dpi, (w, h), first, warm, found in rows:
        out.append(f"| A4 at {dpi} dpi, {len(LINES)} lines | {w} × {h} | {first:.1f} | {warm:.1f} | {found:.0%} | "
                   f"{'yes' if max(first, warm) <= 10 else 'no'} |")
    (ROOT / "bench" / "ocr_results.md").write_text("\n".join(out) + "\n", encoding="utf-8")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
