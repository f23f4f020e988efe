"""OFD files written here part by part as GB/T 33190 lays them out, read back in reading order into notices."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import UnreadableFileError
from assistant.ingest.build import ingest
from assistant.ingest.ofd import TextPiece, lines_of
from assistant.ingest.readers import read_document
from assistant.ingest.sandbox import ParseLimits, parse_file
from assistant.pipeline import Assistant

NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def text_object(ident: int, x: float, y: float, text: str, per_character: bool = False, size: float = 5.6) -> str:
    """A TextObject at (x, y) mm; per_character writes one TextCode per character, as many producers do."""
    if per_character:
        codes = "".join(f'<ofd:TextCode X="{i * size:.2f}" Y="{size:.2f}">{ch}</ofd:TextCode>' for i, ch in enumerate(text))
    else:
        codes = f'<ofd:TextCode X="0" Y="{size:.2f}">{text}</ofd:TextCode>'
    width = size * len(text)
    return (f'<ofd:TextObject ID="{ident}" Boundary="{x} {y} {width:.2f} {size * 1.2:.2f}" Font="1" Size="{size}">'
            f'{codes}</ofd:TextObject>')


def page_xml(objects: list[str], template: str = "") -> str:
    use = f'<ofd:Template TemplateID="{template}"/>' if template else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {NS}>{use}<ofd:Content><ofd:Layer ID="2">'
            + "".join(objects) + "</ofd:Layer></ofd:Content></ofd:Page>")


def write_ofd(path: Path) -> None:
    """Two pages; the red header 淄博市人民政府办公室文件 on a template page; page one's objects out of order."""
    header = page_xml([text_object(90, 40, 30, "淄博市人民政府办公室文件", size=8)])
    first = page_xml([
        text_object(12, 25, 80, "一、全市2024年新建城市绿道60公里，由市住房城乡建设局牵头。"),
        text_object(10, 30, 50, "关于加快推进城市绿道建设的通知", per_character=True),
        text_object(11, 70, 60, "淄政办字〔2024〕15号"),
        text_object(13, 25, 90, "二、各区县要在2024年11月底前报送建设进度。"),
    ], template="100")
    second = page_xml([text_object(20, 120, 40, "淄博市人民政府办公室"), text_object(21, 125, 50, "2024年6月3日")])
    document = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {NS}><ofd:CommonData>'
                '<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>'
                '<ofd:TemplatePage ID="100" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData>'
                '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
                '<ofd:Page ID="2" BaseLoc="Pages/Page_1/Content.xml"/></ofd:Pages></ofd:Document>')
    root = (f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {NS} Version="1.1" DocType="OFD"><ofd:DocBody>'
            '<ofd:DocInfo><ofd:DocID>x</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>'
            '</ofd:DocBody></ofd:OFD>')
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", root)
        archive.writestr("Doc_0/Document.xml", document)
        archive.writestr("Doc_0/Tpls/Tpl_0/Content.xml", header)
        archive.writestr("Doc_0/Pages/Page_0/Content.xml", first)
        archive.writestr("Doc_0/Pages/Page_1/Content.xml", second)


def test_pieces_on_one_baseline_make_one_line_read_left_to_right():
    pieces = [TextPiece(40, 50.2, 5, "绿道"), TextPiece(30, 50, 5, "城市"), TextPiece(10, 70, 5, "第二行")]
    assert lines_of(pieces) == ["城市绿道", "第二行"]
    assert lines_of([]) == []


def test_an_ofd_reads_in_reading_order_with_its_template_header(tmp_path):
    write_ofd(tmp_path / "通知.ofd")
    lines = read_document(tmp_path / "通知.ofd").splitlines()
    assert lines == ["淄博市人民政府办公室文件", "关于加快推进城市绿道建设的通知", "淄政办字〔2024〕15号",
                     "一、全市2024年新建城市绿道60公里，由市住房城乡建设局牵头。", "二、各区县要在2024年11月底前报送建设进度。",
                     "淄博市人民政府办公室", "2024年6月3日"]
    parsed = parse_file(tmp_path / "通知.ofd", "通知.ofd", ParseLimits())
    notice = parsed.notices[0]
    assert "关于加快推进城市绿道建设的通知" in notice.title
    assert notice.date == "2024-06-03" and notice.doc_number == "淄政办字〔2024〕15号"


def test_damaged_ofd_files_are_refused_with_a_reason(tmp_path):
    (tmp_path / "random.ofd").write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnreadableFileError, match="ofd"):
        read_document(tmp_path / "random.ofd")
    with zipfile.ZipFile(tmp_path / "nodoc.ofd", "w") as archive:
        archive.writestr("OFD.xml", f'<ofd:OFD {NS}><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
    with pytest.raises(UnreadableFileError, match="缺少 Doc_0/Document.xml"):
        read_document(tmp_path / "nodoc.ofd")
    with zipfile.ZipFile(tmp_path / "bomb.ofd", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", b"<" + b"a" * (300 * 1024 * 1024))
    with pytest.raises(UnreadableFileError, match="zip bomb"):
        read_document(tmp_path / "bomb.ofd")


@pytest.mark.slow
def test_an_ofd_in_the_corpus_is_answered(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_ofd(corpus / "绿道通知.ofd")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    answer = Assistant(settings, embedder=embedder).ask("淄博市2024年要新建多少公里城市绿道？")
    assert not answer.abstained and "60公里" in answer.text
