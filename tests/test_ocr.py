"""Scans and photos read offline by OCR: pages rendered here with a CJK font, read back into dated notices."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import UnreadableFileError
from assistant.ingest.build import ingest
from assistant.ingest.ocr import OcrBox, reading_order
from assistant.ingest.readers import read_document, read_document_text
from assistant.ingest.sandbox import FileParser, ParseLimits
from assistant.pipeline import Assistant
from assistant.stores.local import open_index

FONTS = sorted(Path("/usr/share/fonts").rglob("NotoSansCJK-Regular.ttc")) + sorted(Path("/usr/share/fonts").rglob("*CJK*.tt*"))
needs_font = pytest.mark.skipif(not FONTS, reason="no CJK font (scripts/setup.sh installs fonts-noto-cjk)")

NOTICE = ["博山区人民政府办公室", "关于做好2024年冬季清洁取暖工作的通知", "博政办字〔2024〕21号",
          "各镇人民政府、街道办事处，区政府有关部门：", "为做好今冬明春清洁取暖工作，现将有关事项通知如下。",
          "一、工作目标", "2024年完成农村清洁取暖改造3200户，新建集中供热管网15公里。", "二、责任分工",
          "区住建局负责城区集中供热管网建设。", "区农业农村局负责农村清洁取暖改造。",
          "博山区人民政府办公室", "2024年10月12日"]


def render_page(lines: list[str], width: int = 1654, height: int = 2339, size: int = 36):
    """An A4 page at 200 dpi with the lines typeset in a CJK font: what a scanner gives."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONTS[0]), size)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((150, 150 + i * 2.2 * size), line, fill=0, font=font)
    return page


def test_boxes_are_read_line_by_line_and_column_after_column():
    # Two boxes on one line (a little out of level) and a far-right date on the same line.
    boxes = [OcrBox(300, 102, 500, 130, "工作目标"), OcrBox(100, 100, 290, 128, "一、"),
             OcrBox(100, 150, 400, 178, "完成改造3200户。"), OcrBox(900, 151, 1100, 179, "2024年")]
    assert reading_order(boxes) == ["一、工作目标", "完成改造3200户。\t2024年"]
    # Two columns of three lines: the left column is read first, whatever the heights.
    left = [OcrBox(100, 100 + 40 * i, 480, 128 + 40 * i, f"左{i}") for i in range(3)]
    right = [OcrBox(560, 102 + 40 * i, 940, 130 + 40 * i, f"右{i}") for i in range(3)]
    assert reading_order(right + left) == ["左0", "左1", "左2", "右0", "右1", "右2"]
    # A signature on the right of two lines is not a column.
    body = [OcrBox(100, 100 + 40 * i, 940, 128 + 40 * i, f"正文{i}") for i in range(4)]
    assert reading_order(body + [OcrBox(700, 300, 940, 328, "某某局")])[-1] == "某某局"
    assert reading_order([]) == []


@needs_font
def test_a_photo_and_a_scanned_pdf_become_dated_notices_marked_as_ocr(tmp_path):
    page = render_page(NOTICE)
    page.convert("RGB").save(tmp_path / "photo.jpg", quality=85)
    page.save(tmp_path / "scan.pdf", resolution=200)
    for name in ("photo.jpg", "scan.pdf"):
        pages = []
        read = read_document_text(tmp_path / name, on_page=lambda i, n: pages.append((i, n)))
        assert read.ocr and pages == [(1, 1)]
        assert "3200户" in read.text and read.text.index("工作目标") < read.text.index("责任分工")
    with FileParser(limits=ParseLimits()) as parser:
        parsed = parser.parse(tmp_path / "scan.pdf", "scan.pdf")
    notice = parsed.notices[0]
    assert notice.title == "博山区人民政府办公室关于做好2024年冬季清洁取暖工作的通知"
    assert notice.date == "2024-10-12" and notice.ocr and notice.jurisdiction == "博山区"


@needs_font
def test_a_pdf_page_with_a_text_layer_is_not_read_by_ocr(tmp_path):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(tmp_path / "text.pdf"), pagesize=A4)
    pdf.setFont("STSong-Light", 14)
    for i, line in enumerate(NOTICE):
        pdf.drawString(60, 780 - 24 * i, line)
    pdf.save()
    pages = []
    read = read_document_text(tmp_path / "text.pdf", on_page=lambda i, n: pages.append(i))
    assert not read.ocr and pages == [] and "3200户" in read.text


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width × height pixels (the pixel data is a stub)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b"")


def test_a_giant_or_damaged_image_is_refused_before_it_is_decoded(tmp_path):
    (tmp_path / "giant.png").write_bytes(_png_header_only(40_000, 40_000))
    with pytest.raises(UnreadableFileError, match="40000 × 40000"):
        read_document(tmp_path / "giant.png")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    with pytest.raises(UnreadableFileError, match="图片已损坏"):
        read_document(tmp_path / "broken.jpg")


@needs_font
def test_an_ocr_page_over_its_time_limit_fails_that_file_with_the_page_named(tmp_path):
    render_page(NOTICE).save(tmp_path / "scan.png")
    with FileParser(limits=ParseLimits(ocr_page_timeout_s=0.05)) as parser:
        with pytest.raises(UnreadableFileError, match="第 1 页（共 1 页）文字识别超时"):
            parser.parse(tmp_path / "scan.png", "scan.png")


@pytest.mark.slow
@needs_font
def test_scans_in_the_corpus_are_answered_with_a_check_the_original_note(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    render_page(NOTICE).save(corpus / "博山清洁取暖.pdf", resolution=200)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    result = ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    assert [r.status for r in result.reports] == ["indexed"]
    [notice] = open_index(settings.index_dir).notices
    assert notice.ocr and notice.date == "2024-10-12"
    answer = Assistant(settings, embedder=embedder).ask("博山区2024年农村清洁取暖改造多少户？")
    assert not answer.abstained and "3200户" in answer.text and "识别文字，请核对原件" in answer.text
    assert answer.citations[0].notice.ocr


def test_parse_limits_follow_the_settings_field_by_field():
    limits = ParseLimits.from_settings(Settings(max_chunk_chars=300, ocr_page_timeout_s=30, parse_memory_mb=1000,
                                                ocr_memory_mb=2500, chunk_overlap_sentences=2))
    assert (limits.max_chunk_chars, limits.overlap_sentences, limits.ocr_page_timeout_s) == (300, 2, 30)
    assert (limits.memory_mb, limits.ocr_memory_mb) == (1000, 2500)
