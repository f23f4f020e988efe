"""Every input type a user brings, made on the spot, and the errors for the ones that cannot be read."""
import zipfile

import pytest

from assistant.errors import UnreadableFileError
from assistant.ingest.readers import read_document

TEXT = "高青县人民政府关于做好春季植树工作的通知\n全县完成植树造林5000亩。"


def test_gbk_and_gb18030_text_is_detected(tmp_path):
    path = tmp_path / "gbk.txt"
    path.write_bytes(TEXT.encode("gbk"))
    assert read_document(path) == TEXT


def test_utf8_with_bom_and_markdown(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"))
    assert read_document(path) == TEXT


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("高青县人民政府关于做好春季植树工作的通知")
    table = document.add_table(rows=2, cols=3)
    for i, value in enumerate(["序号", "任务", "责任单位"]):
        table.rows[0].cells[i].text = value
    for i, value in enumerate(["1", "植树5000亩", "县自然资源局"]):
        table.rows[1].cells[i].text = value
    path = tmp_path / "notice.docx"
    document.save(path)
    text = read_document(path)
    assert "高青县人民政府关于做好春季植树工作的通知" in text
    assert "1\t植树5000亩\t县自然资源局" in text


def test_pdf_text_layer_in_chinese(tmp_path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "notice.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.setFont("STSong-Light", 12)
    pdf.drawString(72, 760, "高青县人民政府关于做好春季植树工作的通知")
    pdf.drawString(72, 740, "全县完成植树造林5000亩。")
    pdf.save()
    text = read_document(path)
    assert "植树造林5000亩" in text.replace(" ", "")


def test_html_tables_become_rows(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>x</title></head><body><p>通知正文</p>"
                    "<table><tr><td>1</td><td>植树</td></tr></table></body></html>", encoding="utf-8")
    text = read_document(path)
    assert "通知正文" in text and "1\t植树" in text


def test_gbk_html_without_declared_charset(tmp_path):
    path = tmp_path / "gbk.html"
    path.write_bytes("<html><body><p>高青县人民政府关于做好春季植树工作的通知</p></body></html>".encode("gbk"))
    assert "植树工作的通知" in read_document(path)


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty"),
    ("binary.txt", b"\x00\x01\x02PNG\x00" * 50, "不是文本文件"),
    ("notes.pages", b"x", "unsupported"),
    ("broken.pdf", b"%PDF-1.4 not really", "damaged"),
    ("broken.docx", b"PK not a zip", "docx"),
])
def test_unreadable_files_say_why(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError, match=reason):
        read_document(path)


def test_docx_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (300 * 1024 * 1024))
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        read_document(path)


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes("字".encode("utf-8") * 400_000)
    with pytest.raises(UnreadableFileError, match="limit"):
        read_document(path, max_mb=1)
