"""Bytes of a plain-text file to text, or a reason in Chinese why the file cannot be read.

Why this is more than "try UTF-8, then GB18030": GB18030 (and UTF-16 without a BOM) decode
almost any byte string without an error, so a Big5 or Shift-JIS file came out as garbage that
was indexed as if it were fine. Here every guessed encoding is judged by what it produces:
the share of characters a Chinese (or Japanese) document plausibly contains — common CJK
ideographs, CJK punctuation, full-width forms, printable ASCII, whitespace and, for Japanese
encodings, kana. The most plausible decoding wins; when none is plausible enough the file is
refused with a message that says what to do. UTF-32 and the 7-bit ISO-2022/HZ forms are read
too; anything else gets one more try through charset_normalizer, judged by the same score.

Not told apart: EUC-KR Korean and kanji-only EUC-JP, whose bytes are also valid GB2312 level-1
characters (a wrong reading that looks as plausible as a right one: only a language model could
tell).

"Common ideograph" is not a hand-made list: it is every character in level 1 of GB2312
(the 3,755 常用 hanzi, EUC-CN first byte 0xB0–0xD7), of Big5 (the 5,401 常用字, 0xA440–0xC67E)
or of JIS X 0208 (the 2,965 第一水準 kanji, EUC-JP first byte 0xB0–0xCF), read from Python's own
codecs. Real running text of each script is almost all level-1 characters (measured on the
599 files of corpus-ncp: see MIN_PLAUSIBLE), while a wrong decoding scatters over the whole
20,000+ ideograph range, symbol rows and private-use areas.
"""
from __future__ import annotations

import codecs
import re
from functools import lru_cache

from charset_normalizer import from_bytes

from assistant.errors import UnreadableFileError

# Candidates are ranked on the decoding of the first 64 KB only (about 22,000–32,000 CJK
# characters, or 64,000 ASCII ones): far more than needed to tell encodings apart, and it keeps a
# 2 MB file at a few milliseconds per candidate. The winner is then decoded whole, strictly, and
# the whole text is checked again, so garbage after the first 64 KB is not let through.
SAMPLE_BYTES = 64 * 1024

# The share of plausible characters (among the non-ASCII ones, see _plausible_share) that a
# guessed decoding — GB18030, Big5, Shift-JIS, UTF-16 without a BOM — needs. Measured on the 599
# corpus-ncp files: their correct decodings as GB18030 and UTF-16, and of their s2t conversions
# as Big5, score at least 0.987 (what is left is Greek letters, pinyin, rare place-name
# characters); every wrong decoding of them that decodes at all (Big5 read as GB18030, UTF-8 or
# GB18030 read as UTF-16, UTF-16 read with the wrong byte order) scores at most 0.43. 0.8 sits in
# that gap: a real document keeps room for a fifth of unusual characters and a ten-character
# title for one rare one (9/11, see _plausible_share), while a wrong decoding would need about
# twice its typical share of lucky common characters.
MIN_PLAUSIBLE = 0.8

# A file that is valid UTF-8 (or carries a BOM) has its encoding settled by its bytes — random
# bytes almost never form valid UTF-8 — so its text is only checked for not being garbage: at
# most 1% control, unassigned, private-use or U+FFFD characters (a real document has none or
# a few stray ones; a binary file or a control-character dump has far more). This keeps every
# valid UTF-8 text that was accepted before, whatever its language.
MAX_JUNK = 0.01

# Latin-1 letters making up more than 30% of a UTF-8 text mean mojibake ("¹ØÓÚ" = GBK bytes
# read as Latin-1 and saved again): a French or German text has 2–5% accented letters.
MAX_LATIN1 = 0.3

# More than 1% raw control bytes (other than tab, newline, form feed, carriage return, escape)
# means binary data: no text encoding in use here produces them, except UTF-16/32, which is
# tried before this verdict is reached.
MAX_CONTROL_BYTES = 0.01

# Encodings tried when the bytes are not valid UTF-8 and carry no BOM, in order of preference
# (a tie goes to the earlier: mainland documents first). Within a group the first codec that
# decodes strictly is used: Big5 before Microsoft's cp950 and Shift-JIS before cp932 because the
# supersets map a few symbols (〜 ‖ − ¥ …) differently; the supersets still read files using the
# Microsoft-only characters (①, €, NEC/IBM kanji). GB18030 decodes all of GBK and GB2312 the same.
# The flag says whether kana are plausible in that decoding.
_CANDIDATES = (
    (("gb18030",), False),
    (("big5", "cp950"), False),
    (("shift_jis", "cp932"), True),
    (("utf-16-le",), True),
    (("utf-16-be",), True),
    (("utf-32-le",), True),
    (("utf-32-be",), True),
)
_JAPANESE = {"shift_jis", "cp932", "euc_jp", "iso2022_jp", "shift_jis_2004", "euc_jis_2004"}

_BOMS = (  # UTF-32-LE first: its BOM begins with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)

_SUPPORTED = "请上传 .txt、.md、.pdf、.docx 或 .html 文档"
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG 图片", _SUPPORTED),
    (b"\xff\xd8\xff", "JPEG 图片", _SUPPORTED),
    (b"GIF87a", "GIF 图片", _SUPPORTED),
    (b"GIF89a", "GIF 图片", _SUPPORTED),
    (b"%PDF-", "PDF 文件", "请把扩展名改为 .pdf 后再上传"),
    (b"PK\x03\x04", "压缩包或 Office 文档（.zip/.docx/.xlsx 等）", "Word 文档请以 .docx 扩展名上传，压缩包请解压后上传其中的文档"),
    (b"PK\x05\x06", "压缩包", "请解压后上传其中的文档"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "旧版 Office 文档（.doc/.xls/.ppt）", "请另存为 .docx 或 UTF-8 文本后再上传"),
    (b"{\\rtf", "RTF 文档", "请另存为 .docx 或 UTF-8 文本后再上传"),
    (b"\x7fELF", "程序文件", _SUPPORTED),
    (b"\x1f\x8b", "gzip 压缩包", "请解压后上传其中的文档"),
    (b"7z\xbc\xaf\x27\x1c", "7z 压缩包", "请解压后上传其中的文档"),
    (b"Rar!\x1a\x07", "RAR 压缩包", "请解压后上传其中的文档"),
)
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\f\r\x1b")


def decode_text(data: bytes, name: str = "file") -> str:
    """The text of a .txt/.md file (or an HTML page without a charset), or UnreadableFileError."""
    if not data:
        return ""
    for magic, kind, advice in _MAGIC:
        if data.startswith(magic):
            raise UnreadableFileError(f"{name}：不是文本文件（看起来是{kind}），{advice}")
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                if encoding == "utf-32":  # FF FE 00 00 may also be UTF-16-LE starting with U+0000
                    continue
                raise UnreadableFileError(
                    f"{name}：文件开头标明是 {label} 编码，但内容无法按 {label} 解码（文件可能已损坏），"
                    "请用原程序重新另存为 UTF-8 后再上传"
                ) from None
            _check_not_garbage(text, name)
            return text
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        utf8_junk = False
    else:
        # Valid UTF-8 that is mostly junk (NUL-rich UTF-16, control characters) goes on to the
        # other candidates and, failing them, is refused below as not text.
        if _junk_share(text) <= MAX_JUNK:
            _check_not_mojibake(text, name)
            return _seven_bit_cjk(data, name) or text
        utf8_junk = True
    text = _best_legacy_decoding(data)
    if text is not None:
        return text
    head = data[:SAMPLE_BYTES]
    if utf8_junk or len(head) - len(head.translate(None, _CONTROL_BYTES)) > MAX_CONTROL_BYTES * len(head):
        raise UnreadableFileError(_binary_message(name))
    text = _charset_normalizer_guess(data)
    if text is not None:
        return text
    raise UnreadableFileError(_unknown_message(name))


def _seven_bit_cjk(data: bytes, name: str) -> str | None:
    """ISO-2022 (Japanese mail, ESC $ B ...) and HZ (~{ ... ~}) text is pure ASCII bytes, so it is
    valid UTF-8 — and garbage read that way. Their markers select the codec; HZ's "~{" can also
    be ordinary text, so an HZ reading is used only when it is valid and plausible."""
    if not data.isascii():
        return None
    if b"\x1b$" in data:  # every ISO-2022 switch to a two-byte set starts with ESC $
        try:
            text = data.decode("iso2022_jp_2")  # covers JIS X 0208/0212, GB2312 and KS C 5601 switches
        except UnicodeDecodeError:
            text = ""
        if text and _plausible_share(text, kana=True) >= MIN_PLAUSIBLE:
            return text
        raise UnreadableFileError(_unknown_message(name))
    if b"~{" in data:
        try:
            text = data.decode("hz")
        except UnicodeDecodeError:
            return None
        if text.isascii() or _plausible_share(text, kana=False) < MIN_PLAUSIBLE:
            return None
        return text
    return None


def _best_legacy_decoding(data: bytes) -> str | None:
    """The most plausible of the candidate decodings, if one is plausible enough; else None."""
    head = data[:SAMPLE_BYTES]
    final = len(data) <= SAMPLE_BYTES
    scored = []
    for order, (group, kana) in enumerate(_CANDIDATES):
        for position, encoding in enumerate(group):
            try:
                # Incremental: a multi-byte character cut at the end of the sample is no error.
                sample = codecs.getincrementaldecoder(encoding)("strict").decode(head, final)
            except UnicodeDecodeError:
                continue
            scored.append((-_plausible_share(sample, kana), order, position))
            break
    for minus_score, order, position in sorted(scored):
        if -minus_score < MIN_PLAUSIBLE:
            break
        group, kana = _CANDIDATES[order]
        for encoding in group[position:]:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if final or _plausible_share(text, kana) >= MIN_PLAUSIBLE:
                return text
            break
    return None


def _charset_normalizer_guess(data: bytes) -> str | None:
    """A last try for encodings outside the candidates (EUC-JP, UTF-32 without a BOM, ...),
    accepted only if our own plausibility check passes on the whole text."""
    best = from_bytes(data[:SAMPLE_BYTES]).best()
    if best is None:
        return None
    encoding = best.encoding
    unicode = encoding.startswith("utf")
    try:
        # Only encodings that keep ASCII as ASCII (or Unicode ones): an EBCDIC guess would turn
        # random high bytes into ASCII letters, which the score leaves out.
        if not unicode and _PRINTABLE_ASCII.decode(encoding) != _PRINTABLE_ASCII.decode("ascii"):
            return None
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    kana = unicode or encoding in _JAPANESE
    return text if _plausible_share(text, kana) >= MIN_PLAUSIBLE else None


def looks_like_text(text: str) -> bool:
    """Whether decoded text reads as a Chinese document: a converter that read a damaged file as UTF-16
    gives hangul, private-use and control characters instead."""
    return _junk_share(text) <= MAX_JUNK and _plausible_share(text, kana=False) >= MIN_PLAUSIBLE


def _check_not_garbage(text: str, name: str) -> None:
    if _junk_share(text) > MAX_JUNK:
        raise UnreadableFileError(_binary_message(name))
    _check_not_mojibake(text, name)


def _check_not_mojibake(text: str, name: str) -> None:
    if len(_LATIN1_LETTERS.findall(text)) > MAX_LATIN1 * len(text):
        raise UnreadableFileError(
            f"{name}：内容是乱码（文字在保存前已被按错误的编码转换过），请用原始文件重新另存为 UTF-8 后再上传"
        )


def _unknown_message(name: str) -> str:
    return f"{name}：无法识别文本编码（不是 UTF-8、GBK、Big5 等常见编码），请另存为 UTF-8 后再上传"


def _binary_message(name: str) -> str:
    return (f"{name}：不是文本文件（内容是二进制数据或大量控制字符），"
            "请确认上传的是文字文档；Word、PDF 等请使用正确的扩展名")


def _junk_share(text: str) -> float:
    return len(_JUNK.findall(text)) / len(text) if text else 0.0


def _plausible_share(text: str, kana: bool) -> float:
    """Share of plausible characters among those that tell encodings apart.

    Printable ASCII and ASCII whitespace are left out of the count: every candidate but UTF-16
    decodes them the same, so they say nothing about which candidate is right, and a mostly
    ASCII file would otherwise let a wrong decoding of its few Chinese words pass. ASCII control
    characters do count, as implausible.
    """
    bad = len(_implausible(kana).findall(text))
    judged = len(text) - len(text.encode("ascii", "ignore")) + len(_ASCII_CONTROL.findall(text))
    if not judged:
        return 1.0  # pure ASCII (reachable only through UTF-16/32): plain text
    # One imaginary implausible character is added to the count, so that a handful of lucky
    # characters is not enough: 10 random high bytes passed as some candidate 156 times in 2,000
    # tries without it, 16 times with it; a text needs 4 characters to pass at all (4/5 = 0.8),
    # and a long text's share is unchanged.
    return (judged - bad) / (judged + 1)


_ASCII_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
# Junk: C0 controls other than whitespace and ESC, DEL and C1 controls, surrogates (only from
# lone-surrogate-tolerant decoders), private use, U+FFFD and the noncharacters U+FFFE/U+FFFF.
_JUNK = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f\ud800-\uf8ff\ufffd\ufffe\uffff]")
# Latin-1 letters and the symbols mojibake is made of; not · × ÷ ° ± §, which Chinese text uses.
_LATIN1_LETTERS = re.compile("[\xa1-\xa6\xa8-\xaf\xb2-\xb6\xb8-\xd6\xd8-\xf6\xf8-\xff]")

# Characters plausible in a Chinese government document whatever the encoding. Each range is a
# Unicode block such documents use: CJK punctuation (、。〔〕【】《》), full-width ASCII and signs
# (，：；（）０-９￥) but not half-width katakana/hangul (what GB or Big5 bytes read as Shift-JIS
# turn into), general punctuation (—…“”‘’‰※), letterlike (℃№), Roman numerals, circled and
# parenthesised numbers (①⑴⒈㈠), arrows, maths (≤≥∶), box drawing (tables), shapes (■□●○◆),
# ★☆ and the square units (㎡㎞㎏).
_SYMBOL_RANGES = (
    "\t\n\x0b\x0c\r\x20-\x7e\xa0\xa7\xb0\xb1\xb7\xd7\xf7\u2000-\u200f\ufeff"
    "\u3000-\u303f\uff01-\uff5e\uffe0-\uffe6"
    "\u2010-\u2027\u2030-\u205e\u2100-\u218f\u2190-\u21ff\u2200-\u22ff"
    "\u2460-\u24ff\u2500-\u257f\u25a0-\u25ff\u2605\u2606\u3200-\u32ff\u3300-\u33ff"
)
_KANA_RANGE = "\u3040-\u30ff"  # hiragana, katakana, ー and ・


def _level1(encoding: str, first: range, last_byte: tuple[int, int] | None = None) -> set[str]:
    """Characters of the level-1 rows of a two-byte encoding, read from Python's own codec."""
    chars = set()
    for lead in first:
        for trail in range(0x40, 0xFF):
            if last_byte and lead == first[-1] and not last_byte[0] <= trail <= last_byte[1]:
                continue
            try:
                chars.add(bytes((lead, trail)).decode(encoding))
            except UnicodeDecodeError:
                pass
    return {c for c in chars if "\u4e00" <= c <= "\u9fff"}


@lru_cache(maxsize=None)
def common_ideographs() -> frozenset[str]:
    """GB2312 level 1 ∪ Big5 level 1 (常用字, up to 0xC67E) ∪ JIS X 0208 level 1."""
    return frozenset(
        _level1("gb2312", range(0xB0, 0xD8))
        | _level1("big5", range(0xA4, 0xC7), last_byte=(0x40, 0x7E))
        | _level1("euc_jp", range(0xB0, 0xD0))
    )


@lru_cache(maxsize=2)
def _implausible(kana: bool) -> re.Pattern[str]:
    """A pattern matching one implausible character: any not in the plausible sets."""
    ideographs = "".join(sorted(common_ideographs()))
    return re.compile(f"[^{_SYMBOL_RANGES}{_KANA_RANGE if kana else ''}{re.escape(ideographs)}]")
