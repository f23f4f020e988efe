"""Read a corpus file into text: .txt/.md (any encoding), .pdf (text layer; scanned pages by OCR), .docx, .html,
spreadsheets, scans and photos (OCR)."""
from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from .encodings import decode_text, looks_like_text
from .office import LEGACY_WORD_SUFFIXES, convert_to_docx
from .ofd import read_ofd
from .ocr import IMAGE_SUFFIXES, MIN_TEXT_LAYER_CHARS, ocr_picture, open_picture, read_image
from .spreadsheets import SPREADSHEET_SUFFIXES, read_spreadsheet
from assistant.errors import UnreadableFileError, os_error_reason

SUPPORTED_SUFFIXES = ({".txt", ".md", ".pdf", ".docx", ".html", ".htm"} | SPREADSHEET_SUFFIXES | IMAGE_SUFFIXES
                      | LEGACY_WORD_SUFFIXES | {".ofd"})
# A .docx is a zip: refuse archives that would inflate far beyond any real document. Pictures are stored
# compressed already, so a real .docx inflates little; its text lives in XML parts, and a 500-page notice has
# under 20 MB of XML. A part of 152 MB packed 90:1 (under the ratio check) took 36 s and 3 GB to read.
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_XML = 40 * 1024 * 1024  # all .xml/.rels parts together, uncompressed


@dataclass
class DocumentText:
    text: str
    ocr: bool = False  # some of the text was read by OCR from a picture of the page


# Told before each page is read by OCR: (page number from 1, pages to read). The ingest shows it as a progress
# bar and gives each page its own time limit.
PageReport = Callable[[int, int], None]


def read_document(path: Path, max_mb: float = 50.0) -> str:
    """Text of a supported file, or UnreadableFileError with a reason the user can act on."""
    return read_document_text(path, max_mb).text


def read_document_text(path: Path, max_mb: float = 50.0, on_page: PageReport | None = None) -> DocumentText:
    """read_document, saying whether OCR read some of it."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFileError(
            f"{path.name}：不支持的文件类型“{suffix or '无扩展名'}”（unsupported；支持 {'、'.join(sorted(SUPPORTED_SUFFIXES))}）"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFileError(f"{path.name}：无法打开（{os_error_reason(exc)}）") from exc
    if size == 0:
        raise UnreadableFileError(f"{path.name}：文件是空的（empty）")
    if size > max_mb * 1024 * 1024:
        raise UnreadableFileError(
            f"{path.name}：{size / 1024 / 1024:.0f} MB，超过 {max_mb:g} MB 的上限（limit）；"
            "请拆分文件，或调大 ASSISTANT_MAX_FILE_MB"
        )
    ocr = False
    try:
        if suffix == ".pdf":
            text, ocr = _read_pdf(path, on_page)
        elif suffix in IMAGE_SUFFIXES:
            if on_page:
                on_page(1, 1)
            text, ocr = read_image(path), True
        elif suffix == ".docx":
            text = _read_docx(path)
        elif suffix == ".ofd":
            _check_zip(path)
            text = read_ofd(path)
        elif suffix in LEGACY_WORD_SUFFIXES:
            with tempfile.TemporaryDirectory(prefix="convert-") as folder:
                text = _read_docx(convert_to_docx(path, Path(folder)))
            if not looks_like_text(text):  # LibreOffice opens what it cannot parse as plain text
                raise UnreadableFileError(
                    f"{path.name}：LibreOffice 无法读取该文件（已损坏，或不是真正的 {suffix} 文件；damaged）")
        elif suffix in SPREADSHEET_SUFFIXES:
            if suffix in (".xlsx", ".xlsm"):  # zips: refuse a zip bomb before the reader inflates it
                _check_zip(path)
            text = read_spreadsheet(path)
        elif suffix in (".html", ".htm"):
            text = _read_html(path.read_bytes())
        else:
            text = decode_text(path.read_bytes(), path.name)
    except UnreadableFileError:
        raise
    except OSError as exc:
        raise UnreadableFileError(f"{path.name}：无法读取（{os_error_reason(exc)}）") from exc
    except Exception as exc:  # a damaged PDF or zip raises library-specific errors
        raise UnreadableFileError(
            f"{path.name}：文件已损坏，或不是真正的 {suffix} 文件（damaged；{type(exc).__name__}: {str(exc)[:120]}）") from exc
    if not text.strip():
        raise UnreadableFileError(f"{path.name}：没有找到文字" + ("（文字识别也没有读出文字，请检查图片是否清晰）" if ocr else ""))
    return DocumentText(text, ocr)


def _read_pdf(path: Path, on_page: PageReport | None = None) -> tuple[str, bool]:
    """The text layer of each page; a page without one (a scan) read by OCR from its largest picture."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception as exc:
            raise UnreadableFileError(f"{path.name}：PDF 设有密码，无法读取；请提供未加密的版本") from exc
    texts = [page.extract_text() or "" for page in reader.pages]
    scanned = [i for i, text in enumerate(texts) if len(re.sub(r"\s+", "", text)) < MIN_TEXT_LAYER_CHARS]
    read_by_ocr = False
    for done, i in enumerate(scanned, start=1):
        pictures = list(reader.pages[i].images)
        if not pictures:
            continue  # an empty page
        if on_page:
            on_page(done, len(scanned))
        largest = max(pictures, key=lambda p: len(p.data))
        texts[i] = ocr_picture(open_picture(BytesIO(largest.data), f"{path.name} 第{i + 1}页"))
        read_by_ocr = True
    return "\n".join(texts), read_by_ocr


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(f"{path.name}：不是有效的 {path.suffix.lower()} 文件（压缩包已损坏）") from exc
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    xml = sum(info.file_size for info in infos if info.filename.lower().endswith((".xml", ".rels")))
    if total > MAX_ZIP_UNCOMPRESSED or total / packed > MAX_ZIP_RATIO or xml > MAX_ZIP_XML:
        raise UnreadableFileError(
            f"{path.name}：已拒绝——解压后约 {max(total, xml) / 1024 / 1024:.0f} MB，文字部分远超正常公文"
            "（疑似压缩炸弹或文件损坏，zip bomb）"
        )


def _read_docx(path: Path) -> str:
    """Paragraphs and tables in document order; table rows become tab-separated lines."""
    _check_zip(path)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            lines.append("")
            for row in block.rows:
                cells = [cell.text.replace("\n", " ").strip() for cell in row.cells]
                lines.append("\t".join(cells))
            lines.append("")
    return "\n".join(lines)


def _read_html(data: bytes) -> str:
    from bs4 import BeautifulSoup

    # A page that declares its charset is decoded by BeautifulSoup; otherwise our own detection
    # decides (BeautifulSoup's guess misreads short GBK pages).
    declared = re.search(rb"charset\s*=", data[:4096], re.I)
    soup = BeautifulSoup(data if declared else decode_text(data, "html page"), "html.parser")
    for tag in soup(["script", "style", "noscript", "head"]):
        tag.decompose()
    for table in soup.find_all("table"):
        rows = []
        for tr in table.find_all("tr"):
            cells = [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
            rows.append("\t".join(cells))
        table.replace_with(soup.new_string("\n" + "\n".join(rows) + "\n"))
    for br in soup.find_all("br"):
        br.replace_with("\n")
    return soup.get_text("\n")
