"""Legacy word-processor files made here with LibreOffice (a .docx saved as .doc, .rtf, .odt; a Word-format .wps
as WPS Office writes it), read back into dated notices and answered; damaged ones refused with a reason."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import UnreadableFileError
from assistant.ingest.build import ingest
from assistant.ingest.office import soffice
from assistant.ingest.readers import read_document
from assistant.ingest.sandbox import FileParser, ParseLimits
from assistant.pipeline import Assistant
from assistant.stores.local import open_index

needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice not installed (scripts/setup.sh installs it)")

LINES = ["周村区人民政府办公室", "关于做好2024年秋季校园安全工作的通知", "周政办字〔2024〕9号",
         "各镇人民政府、街道办事处，区政府有关部门：", "一、全区中小学校安装一键报警装置120套，由区教体局负责，2024年10月底前完成。",
         "二、各校每学期至少开展2次应急疏散演练。", "周村区人民政府办公室", "2024年9月2日"]


def saved_as(folder: Path, suffix: str) -> Path:
    """The notice written as .docx with python-docx, then saved by LibreOffice in the legacy format."""
    import docx

    document = docx.Document()
    for line in LINES:
        document.add_paragraph(line)
    source = folder / "notice.docx"
    document.save(source)
    subprocess.run([soffice(), "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--convert-to", suffix.lstrip("."), "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=120)
    return folder / f"notice{suffix}"


@needs_libreoffice
@pytest.mark.parametrize("suffix", [".doc", ".rtf", ".odt"])
def test_legacy_files_read_as_their_docx_would(tmp_path, suffix):
    made = saved_as(tmp_path, suffix)
    assert made.exists() and made.read_bytes()[:4] != b"PK\x03\x04" or suffix == ".odt"
    text = read_document(made)
    assert [line for line in text.splitlines() if line.strip()] == LINES


@needs_libreoffice
def test_a_wps_file_in_word_format_becomes_a_dated_notice_in_the_sandbox(tmp_path):
    wps = tmp_path / "通知.wps"
    shutil.copyfile(saved_as(tmp_path, ".doc"), wps)  # WPS Writer's .wps is the Word 97 binary format
    with FileParser(limits=ParseLimits()) as parser:
        parsed = parser.parse(wps, wps.name)
    notice = parsed.notices[0]
    assert notice.title == "周村区人民政府办公室关于做好2024年秋季校园安全工作的通知"
    assert notice.date == "2024-09-02" and notice.doc_number == "周政办字〔2024〕9号"


@needs_libreoffice
def test_a_damaged_legacy_file_is_refused_with_a_reason(tmp_path):
    (tmp_path / "broken.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 4)
    with pytest.raises(UnreadableFileError, match="LibreOffice 无法读取"):
        read_document(tmp_path / "broken.doc")


def test_without_libreoffice_a_doc_fails_with_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH on which no soffice exists
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 512)
    with pytest.raises(UnreadableFileError, match="需要 LibreOffice.*setup.sh"):
        read_document(tmp_path / "old.doc")


@pytest.mark.slow
@needs_libreoffice
def test_a_doc_in_the_corpus_is_answered(tmp_path, embedder):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copyfile(saved_as(tmp_path, ".doc"), corpus / "周村校园安全.doc")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    result = ingest(settings, progress=False, embedder_factory=lambda s: embedder)
    assert [r.status for r in result.reports] == ["indexed"]
    assert open_index(settings.index_dir).notices[0].date == "2024-09-02"
    answer = Assistant(settings, embedder=embedder).ask("周村区中小学一键报警装置要装多少套？")
    assert not answer.abstained and "120套" in answer.text
