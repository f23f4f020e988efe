"""Text of scans and photos, offline on the CPU: RapidOCR (PP-OCRv4 models shipped in its wheel, run by
onnxruntime), with the page's reading order restored from the boxes it finds.

    text = read_image(Path("通知.jpg"))         # lines in reading order
    lines = reading_order(boxes)                # pure: OcrBox → lines (columns read one after the other)

OCR text may hold misread characters: notices read this way are marked (Notice.ocr) and the UI says
"识别文字，请核对原件".
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.errors import UnreadableFileError

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
# An A4 page scanned at 600 dpi is 35 megapixels; a larger image is not a page (a 40,000 × 40,000 image would
# need 4.8 GB decoded) and is refused before it is decoded.
MAX_IMAGE_PIXELS = 60_000_000
# Pages are read at most this long on their longer side: 300 dpi A4 (3508 px) keeps small print readable,
# and the time per page stays bounded (bench/ocr_bench.py).
MAX_SIDE = 3600
# A PDF page with fewer characters than this in its text layer (a scan with a stamped page number) is read by OCR.
MIN_TEXT_LAYER_CHARS = 20


@dataclass(frozen=True)
class OcrBox:
    left: float
    top: float
    right: float
    bottom: float
    text: str

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def reading_order(boxes: list[OcrBox]) -> list[str]:
    """Lines of text in reading order: boxes at the same height joined left to right; a page in two columns
    (an empty vertical band that no box crosses, with text on both sides) read column after column."""
    if not boxes:
        return []
    columns = _split_columns(boxes)
    if len(columns) > 1:
        return [line for column in columns for line in reading_order(column)]
    height = statistics.median(b.height for b in boxes) or 1.0
    lines: list[list[OcrBox]] = []
    for box in sorted(boxes, key=lambda b: b.middle):
        if lines and abs(box.middle - statistics.fmean(b.middle for b in lines[-1])) <= 0.5 * height:
            lines[-1].append(box)
        else:
            lines.append([box])
    return [_join(sorted(line, key=lambda b: b.left)) for line in lines]


def _join(line: list[OcrBox]) -> str:
    """Boxes of one line: far apart (a table's cells, 签发人 … 日期) they are separated by a tab."""
    parts = [line[0].text]
    for before, box in zip(line, line[1:]):
        gap = box.left - before.right
        parts.append(("\t" if gap > 2 * max(before.height, 1.0) else "") + box.text)
    return "".join(parts)


def _split_columns(boxes: list[OcrBox]) -> list[list[OcrBox]]:
    left = min(b.left for b in boxes)
    right = max(b.right for b in boxes)
    width = right - left
    if width <= 0 or len(boxes) < 6:
        return [boxes]
    # Candidate gutters in the middle of the page: an x no box crosses.
    for fraction in (0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65):
        x = left + fraction * width
        if any(b.left < x < b.right for b in boxes):
            continue
        first = [b for b in boxes if b.right <= x]
        second = [b for b in boxes if b.left >= x]
        # Both sides must hold several lines: a signature block on the right is not a column.
        if len(first) >= 3 and len(second) >= 3 and _overlap(first, second) >= 0.5:
            return [first, second]
    return [boxes]


def _overlap(first: list[OcrBox], second: list[OcrBox]) -> float:
    """How much of the shorter column's vertical span the other column spans too."""
    a = (min(b.top for b in first), max(b.bottom for b in first))
    b = (min(x.top for x in second), max(x.bottom for x in second))
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return max(shared, 0.0) / max(min(a[1] - a[0], b[1] - b[0]), 1.0)


@lru_cache(maxsize=1)
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # a broken install; the package is in requirements.txt
        raise UnreadableFileError("文字识别组件（rapidocr_onnxruntime）未安装，无法读取扫描件或图片；"
                                  "请运行 scripts/setup.sh") from exc
    # One line per recognition batch: lines of a notice differ in length, and a batch pads every line to its
    # longest; on a 30-line A4 page this takes recognition from 7.3 s to 3.7 s (bench/ocr.py).
    return RapidOCR(rec_batch_num=1)


def ocr_picture(picture) -> str:
    """Text of one decoded page image (a PIL image), lines in reading order."""
    import numpy as np

    picture = picture.convert("RGB")
    longest = max(picture.size)
    if longest > MAX_SIDE:
        scale = MAX_SIDE / longest
        picture = picture.resize((max(1, round(picture.width * scale)), max(1, round(picture.height * scale))))
    found, _ = _engine()(np.asarray(picture)[:, :, ::-1])  # RapidOCR takes OpenCV's BGR order
    boxes = []
    for corners, text, _score in found or []:
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        boxes.append(OcrBox(min(xs), min(ys), max(xs), max(ys), text.strip()))
    return "\n".join(reading_order([b for b in boxes if b.text]))


def open_picture(source, name: str):
    """A PIL image, checked for size before it is decoded."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # our own limit below, with our own message
    try:
        picture = Image.open(source)
    except Exception as exc:
        raise UnreadableFileError(f"{name}：图片已损坏或不是真正的图片文件（damaged；{type(exc).__name__}）") from exc
    if picture.width * picture.height > MAX_IMAGE_PIXELS:
        raise UnreadableFileError(
            f"{name}：图片 {picture.width} × {picture.height} 像素，超过 {MAX_IMAGE_PIXELS // 1_000_000} 百万像素的上限，"
            "已拒绝；一页公文扫描（600 dpi）约 3500 万像素，请缩小后再添加")
    try:
        picture.load()
    except Exception as exc:
        raise UnreadableFileError(f"{name}：图片已损坏，无法解码（damaged；{type(exc).__name__}）") from exc
    return picture


def read_image(path: Path) -> str:
    """Text of a photo or a scanned page; a multi-page TIFF page by page."""
    picture = open_picture(path, path.name)
    pages = []
    for index in range(getattr(picture, "n_frames", 1)):
        picture.seek(index)
        pages.append(ocr_picture(picture))
    return "\n".join(pages)
