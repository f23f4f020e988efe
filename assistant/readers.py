"""Read a corpus file into text: .txt/.md (any encoding), .pdf (text layer), .docx, .html."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import UnreadableFileError

SUPPORTED_SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".html", ".htm"}
# A .docx is a zip: refuse archives that would inflate far beyond any real document.
MAX_DOCX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_DOCX_RATIO = 200


def read_document(path: Path, max_mb: float = 50.0) -> str:
    """Text of a supported file, or UnreadableFileError with a reason the user can act on."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UnreadableFileError(
            f"{path.name}: unsupported file type '{suffix}' (supported: {', '.join(sorted(SUPPORTED_SUFFIXES))})"
        )
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UnreadableFileError(f"{path.name}: cannot open ({exc.strerror})") from exc
    if size == 0:
        raise UnreadableFileError(f"{path.name}: the file is empty")
    if size > max_mb * 1024 * 1024:
        raise UnreadableFileError(
            f"{path.name}: {size / 1024 / 1024:.0f} MB is over the {max_mb:.0f} MB limit "
            "(split the file or raise ASSISTANT_MAX_FILE_MB)"
        )
    try:
        if suffix == ".pdf":
            text = _read_pdf(path)
        elif suffix == ".docx":
            text = _read_docx(path)
        elif suffix in (".html", ".htm"):
            text = _read_html(path.read_bytes())
        else:
            text = decode_text(path.read_bytes(), path.name)
    except UnreadableFileError:
        raise
    except OSError as exc:
        raise UnreadableFileError(f"{path.name}: cannot read ({exc.strerror or exc})") from exc
    except Exception as exc:  # a damaged PDF or zip raises library-specific errors
        raise UnreadableFileError(f"{path.name}: damaged or not a real {suffix} file ({type(exc).__name__}: {exc})") from exc
    if not text.strip():
        raise UnreadableFileError(f"{path.name}: no text found (a scanned PDF needs OCR first)")
    return text


def decode_text(data: bytes, name: str = "file") -> str:
    """Decode bytes as UTF-8 when valid, else as the detected Chinese/legacy encoding."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFileError(f"{name}: looks like a binary file, not text")
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # GBK text is the common case; GB18030 is its superset and decodes anything GBK encodes.
    try:
        text = data.decode("gb18030")
        if _looks_like_text(text):
            return text
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or not _looks_like_text(str(best)):
        raise UnreadableFileError(f"{name}: unknown text encoding (save it as UTF-8 or GBK)")
    return str(best)


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    control = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
    return control / len(text) < 0.01


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception as exc:
            raise UnreadableFileError(f"{path.name}: the PDF is password-protected") from exc
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(f"{path.name}: not a valid .docx (the zip container is damaged)") from exc
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_DOCX_UNCOMPRESSED or total / packed > MAX_DOCX_RATIO:
        raise UnreadableFileError(
            f"{path.name}: refused — it would expand to {total / 1024 / 1024:.0f} MB (a zip bomb or a corrupt file)"
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
