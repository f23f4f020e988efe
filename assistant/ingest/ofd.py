"""OFD (GB/T 33190, the national format of electronic official documents): text in reading order.

Written here, not taken from a package: the one maintained Python OFD package (easyofd 20260427) could not read
back an OFD it had written itself (KeyError on a TextObject without a Size) and pulls PyMuPDF (AGPL) for
rendering we do not need. An OFD is a zip of XML parts: OFD.xml names each document's Document.xml, which lists
its pages (and template pages, where a red header often lives); a page's Content.xml holds TextObjects with a
Boundary (x y w h, mm) and TextCodes (X, Y inside the boundary; the text). Pieces are grouped into lines by
their baseline and read left to right, pages in order.

    text = read_ofd(Path("通知.ofd"))
"""
from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from assistant.errors import UnreadableFileError

DEFAULT_FONT_MM = 3.7  # 五号字 (10.5 pt) when a TextObject does not say its size


@dataclass(frozen=True)
class TextPiece:
    x: float
    baseline: float
    size: float
    text: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]  # namespaces vary between producers: match on the local name


def _children(element, name: str):
    return [child for child in element if _local(child.tag) == name]


def _all(element, name: str):
    return [node for node in element.iter() if _local(node.tag) == name]


def _numbers(value: str | None) -> list[float]:
    try:
        return [float(v) for v in (value or "").split()]
    except ValueError:
        return []


def page_pieces(content) -> list[TextPiece]:
    """The text pieces of one page's Content.xml (an Element), with their position on the page in mm."""
    pieces = []
    for text_object in _all(content, "TextObject"):
        box = _numbers(text_object.get("Boundary")) + [0.0, 0.0]
        size = (_numbers(text_object.get("Size") or text_object.get("size")) or [DEFAULT_FONT_MM])[0]
        x, y = 0.0, 0.0
        for code in _children(text_object, "TextCode"):
            # X and Y carry over from the previous TextCode of the object when a TextCode leaves them out.
            x = (_numbers(code.get("X")) or [x])[0]
            y = (_numbers(code.get("Y")) or [y])[0]
            if code.text and code.text.strip():
                pieces.append(TextPiece(box[0] + x, box[1] + y, size, code.text))
    return pieces


def lines_of(pieces: list[TextPiece]) -> list[str]:
    """Pieces on one baseline (within half a character) joined left to right, lines top to bottom.

    >>> lines_of([TextPiece(30, 20.1, 4, "年度"), TextPiece(20, 20, 4, "2024"), TextPiece(20, 30, 4, "目标")])
    ['2024年度', '目标']
    """
    lines: list[list[TextPiece]] = []
    for piece in sorted(pieces, key=lambda p: (p.baseline, p.x)):
        if lines and abs(piece.baseline - lines[-1][0].baseline) <= 0.5 * max(piece.size, lines[-1][0].size):
            lines[-1].append(piece)
        else:
            lines.append([piece])
    return ["".join(p.text for p in sorted(line, key=lambda p: p.x)) for line in lines]


def read_ofd(path: Path) -> str:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UnreadableFileError(f"{path.name}：不是有效的 .ofd 文件（压缩包已损坏）") from exc
    with archive:
        names = {n.lstrip("/"): n for n in archive.namelist()}

        def xml(location: str, base: str = ""):
            name = location.lstrip("/") if location.startswith("/") else posixpath.normpath(posixpath.join(base, location))
            if name not in names:
                raise UnreadableFileError(f"{path.name}：OFD 文件缺少 {name}（已损坏或不完整）")
            try:
                return ElementTree.fromstring(archive.read(names[name]))
            except ElementTree.ParseError as exc:
                raise UnreadableFileError(f"{path.name}：OFD 文件中的 {name} 已损坏（{exc}）") from exc

        if "OFD.xml" not in names:
            raise UnreadableFileError(f"{path.name}：不是 OFD 文件（缺少 OFD.xml）")
        pages_text = []
        for root in _all(xml("OFD.xml"), "DocRoot"):
            document_name = (root.text or "").strip()
            document = xml(document_name)
            base = posixpath.dirname(document_name.lstrip("/"))
            templates = {t.get("ID"): t.get("BaseLoc", "") for t in _all(document, "TemplatePage")}
            for page in _all(document, "Page"):
                if not page.get("BaseLoc"):
                    continue
                content = xml(page.get("BaseLoc"), base)
                pieces = page_pieces(content)
                for use in _all(content, "Template"):  # a template's text (a red 文件头) belongs to the page
                    if templates.get(use.get("TemplateID")):
                        pieces += page_pieces(xml(templates[use.get("TemplateID")], base))
                pages_text.append("\n".join(lines_of(pieces)))
    return "\n".join(pages_text)
