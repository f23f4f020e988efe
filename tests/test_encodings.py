"""decode_text: every common encoding of a Chinese (or Japanese) document comes back exactly, and
what cannot be read is refused with a reason in Chinese — never indexed as garbage."""
import random
import time
from pathlib import Path

import pytest

from assistant.ingest.encodings import decode_text
from assistant.errors import UnreadableFileError

ROOT = Path(__file__).resolve().parents[1]

NOTICE = (
    "淄博市人民政府办公室关于加快推进城市绿化和新能源汽车充电桩建设的通知\n"
    "淄政办字〔2024〕12号\n"
    "各区县人民政府，高新区、经济开发区、文昌湖区管委会，市政府各部门，各有关单位：\n"
    "为深入贯彻落实绿色发展理念，进一步改善城市人居环境，经市政府同意，现就有关事项通知如下。\n"
    "一、加快城市绿化建设。2024年全市新建、改造口袋公园50处，新增城市绿地120万平方米，"
    "城市建成区绿化覆盖率达到45%以上。各区县要结合老旧小区改造，见缝插绿、拆违建绿，"
    "做到“300米见绿、500米见园”。\n"
    "二、推进充电基础设施建设。年内新建公共充电桩3000个，其中快充桩不少于1200个；"
    "新建住宅小区停车位要全部预留充电设施安装条件。\n"
    "三、强化组织保障。各级各部门要明确责任分工，加强资金保障，每季度末将工作进展情况报送市住房城乡建设局。\n"
    "淄博市人民政府办公室\n"
    "2024年3月15日\n"
)

# The same notice written in traditional characters (Big5 has no simplified ones).
NOTICE_TRADITIONAL = (
    "淄博市人民政府辦公室關於加快推進城市綠化和新能源汽車充電樁建設的通知\n"
    "淄政辦字〔2024〕12號\n"
    "各區縣人民政府，高新區、經濟開發區、文昌湖區管委會，市政府各部門，各有關單位：\n"
    "為深入貫徹落實綠色發展理念，進一步改善城市人居環境，經市政府同意，現就有關事項通知如下。\n"
    "一、加快城市綠化建設。2024年全市新建、改造口袋公園50處，新增城市綠地120萬平方米，"
    "城市建成區綠化覆蓋率達到45%以上。各區縣要結合老舊小區改造，見縫插綠、拆違建綠，"
    "做到「300米見綠、500米見園」。\n"
    "二、推進充電基礎設施建設。年內新建公共充電樁3000個，其中快充樁不少於1200個；"
    "新建住宅小區停車位要全部預留充電設施安裝條件。\n"
    "三、強化組織保障。各級各部門要明確責任分工，加強資金保障，每季度末將工作進展情況報送市住房城鄉建設局。\n"
    "淄博市人民政府辦公室\n"
    "2024年3月15日\n"
)

NOTICE_JAPANESE = (
    "横浜市における電気自動車用充電設備の整備について（令和6年第12号）\n"
    "本市では、脱炭素社会の実現に向けて、公共施設や商業施設の駐車場に急速充電器を設置する取組を進めています。"
    "令和6年度は、区役所や地区センターなど市内30か所に新たに充電器を設置する予定です。"
    "また、マンションの管理組合が充電設備を導入する場合には、費用の一部を補助します。"
    "申請の受付期間は、2024年4月1日から6月28日までです。詳しくは、環境創造局までお問い合わせください。\n"
    "令和6年3月15日　横浜市環境創造局\n"
)

# Kanji-heavy Japanese (almost no kana): must not be mistaken for GB18030 or Big5.
NOTICE_KANJI = (
    "東京都都市整備局告示第十二号\n"
    "都市計画法第二十一条第二項規定基本方針変更。対象区域新宿区西新宿二丁目及渋谷区代々木一丁目。"
    "公園緑地整備面積約三万平方米、電気自動車用急速充電設備設置予定数百基。"
    "本件縦覧期間令和六年四月一日至同月十五日、縦覧場所都庁第二本庁舎九階。\n"
)

SHORT = "市政府关于城市绿化工作的通知"
SHORT_TRADITIONAL = "市政府關於城市綠化工作的通知"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "gb2312"])
def test_simplified_notice_comes_back_exactly(encoding):
    assert decode_text(NOTICE.encode(encoding), "notice.txt") == NOTICE


@pytest.mark.parametrize("encoding", ["big5", "cp950", "utf-8", "utf-16"])
def test_big5_notice_is_not_stored_as_gb18030_garbage(encoding):
    # Big5 bytes also decode as GB18030 without an error: the old code returned that garbage.
    assert decode_text(NOTICE_TRADITIONAL.encode(encoding), "notice.txt") == NOTICE_TRADITIONAL


@pytest.mark.parametrize("text", [NOTICE_JAPANESE, NOTICE_KANJI], ids=["kana", "kanji-heavy"])
@pytest.mark.parametrize("encoding", ["shift_jis", "cp932"])
def test_shift_jis_is_not_stored_as_gb18030_garbage(text, encoding):
    assert decode_text(text.encode(encoding), "notice.txt") == text


def test_microsoft_only_characters_use_the_superset_codecs():
    text = NOTICE_JAPANESE + "①申請書\n"  # ① exists in cp932, not in plain Shift-JIS
    assert decode_text(text.encode("cp932"), "notice.txt") == text
    text = NOTICE_TRADITIONAL + "費用：100€\n"  # € exists in cp950, not in plain Big5
    assert decode_text(text.encode("cp950"), "notice.txt") == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [NOTICE, NOTICE_TRADITIONAL, NOTICE_JAPANESE, SHORT, "Notice 2024-12\n"],
                         ids=["simplified", "traditional", "japanese", "short", "ascii"])
def test_utf16_without_bom_is_text_not_binary(encoding, text):
    # The old NUL-byte check called every BOM-less UTF-16 file binary.
    assert decode_text(text.encode(encoding), "notice.txt") == text


@pytest.mark.parametrize("bom,encoding", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                                          (b"\xff\xfe\x00\x00", "utf-32-le")])
def test_utf16_and_utf32_with_bom(bom, encoding):
    assert decode_text(bom + NOTICE.encode(encoding), "notice.txt") == NOTICE


@pytest.mark.parametrize("text,encoding", [(NOTICE_JAPANESE, "iso2022_jp"), (NOTICE, "hz"), (NOTICE, "utf-32-le"),
                                           (NOTICE, "utf-32-be"), (NOTICE_JAPANESE, "euc_jp")])
def test_less_common_encodings_are_read_not_garbled(text, encoding):
    # ISO-2022-JP and HZ are pure ASCII bytes, so "valid UTF-8" used to index their escape codes;
    # EUC-JP with kana is left to charset_normalizer and passes the same plausibility check.
    assert decode_text(text.encode(encoding), "notice.txt") == text


def test_literal_tilde_brace_in_ascii_is_not_taken_for_hz():
    text = "config: a ~{ b } c, see ~{x}\n"
    assert decode_text(text.encode("ascii"), "notes.md") == text


@pytest.mark.parametrize("text,encoding", [(SHORT, "gbk"), (SHORT, "gb2312"), (SHORT_TRADITIONAL, "big5"),
                                           (SHORT, "utf-8")])
def test_a_one_line_title_is_decoded_exactly(text, encoding):
    assert decode_text(text.encode(encoding), "title.txt") == text


def test_mixed_ascii_and_chinese_utf8_passes():
    text = "Report 2024: 新建充电桩3000个 (fast chargers 1200), see https://example.gov.cn/a?id=12\n"
    assert decode_text(text.encode("utf-8"), "mixed.txt") == text
    assert decode_text(b"plain ascii only\n", "a.txt") == "plain ascii only\n"


def test_mostly_ascii_big5_file_still_decodes_as_big5():
    # Lots of ASCII and a few Chinese words: the ASCII is left out of the score, so the wrong GB18030
    # reading of the few words cannot hide behind it.
    text = "id,name,count\n" + "".join(f"{i},site-{i},{i * 7}\n" for i in range(300)) + "備註：充電樁\n"
    assert decode_text(text.encode("big5"), "table.csv") == text


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("size", [64, 4096, 200_000])
def test_random_bytes_are_refused(seed, size):
    data = random.Random(seed * 1000 + size).randbytes(size)
    with pytest.raises(UnreadableFileError, match="不是文本文件|无法识别文本编码"):
        decode_text(data, "random.txt")


def test_random_high_bytes_without_control_bytes_are_refused_as_unknown_encoding():
    # No control bytes, so not "binary" — yet no encoding makes sense of it.
    rng = random.Random(7)
    data = bytes(rng.randrange(0x81, 0xFF) for _ in range(5000))
    with pytest.raises(UnreadableFileError, match="无法识别文本编码.*请另存为 UTF-8 后再上传"):
        decode_text(data, "odd.txt")


@pytest.mark.parametrize("header,kind", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (b"PK\x03\x04\x14\x00\x06\x00", "压缩包"),
    (b"\x7fELF\x02\x01\x01\x00", "程序"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office"),
    (b"\x1f\x8b\x08\x00", "gzip"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
])
def test_binary_files_renamed_txt_are_refused(header, kind):
    data = header + random.Random(0).randbytes(3000)
    with pytest.raises(UnreadableFileError, match=f"不是文本文件.*{kind}"):
        decode_text(data, "renamed.txt")


def test_binary_without_a_known_header_is_not_text():
    with pytest.raises(UnreadableFileError, match="renamed.txt：不是文本文件"):
        decode_text(bytes(range(256)) * 64, "renamed.txt")
    with pytest.raises(UnreadableFileError, match="不是文本文件"):
        decode_text(b"\x00\x01\x02PNG\x00" * 50, "renamed.txt")


def test_valid_utf8_made_of_control_characters_is_refused():
    rng = random.Random(11)
    for alphabet in ([chr(c) for c in range(1, 32) if c not in (9, 10, 13)],  # C0 controls
                     [chr(c) for c in range(0x80, 0xA0)]):  # C1 controls: two valid UTF-8 bytes each
        data = "".join(rng.choice(alphabet) for _ in range(2000)).encode("utf-8")
        with pytest.raises(UnreadableFileError, match="不是文本文件"):
            decode_text(data, "controls.txt")


def test_a_few_stray_control_characters_in_utf8_are_kept():
    text = NOTICE.replace("二、", "\x0b二、\x07", 1)
    assert decode_text(text.encode("utf-8"), "notice.txt") == text


def test_mojibake_saved_as_utf8_is_refused():
    # GBK bytes read as Latin-1 and saved as UTF-8: valid UTF-8, but garbage.
    data = NOTICE.encode("gbk").decode("latin-1").encode("utf-8")
    with pytest.raises(UnreadableFileError, match="乱码"):
        decode_text(data, "notice.txt")


def test_a_bom_over_garbage_is_refused():
    with pytest.raises(UnreadableFileError, match="UTF-16|不是文本文件"):
        decode_text(b"\xff\xfe" + bytes(range(256)) * 8, "a.txt")
    with pytest.raises(UnreadableFileError, match="UTF-16|不是文本文件"):
        decode_text(b"\xff\xfe\x00\x00" + bytes(range(256)) * 8, "a.txt")


def test_korean_utf16_text_is_refused_not_garbled():
    # Hangul is not an expected script here: without a BOM it must be refused, not guessed.
    data = "충전소 설치 계획에 관한 공고 2024년 3월 15일".encode("utf-16-le")
    with pytest.raises(UnreadableFileError):
        decode_text(data, "korean.txt")


def test_a_file_that_changes_encoding_after_the_sample_is_refused():
    # GBK for the first 64 KB, then Big5: scoring only the sample would index the Big5 half as garbage.
    head = (NOTICE * 120).encode("gbk")
    assert len(head) > 64 * 1024
    data = head + (NOTICE_TRADITIONAL * 800).encode("big5")
    with pytest.raises(UnreadableFileError, match="无法识别文本编码"):
        decode_text(data, "mixed.txt")


def test_messages_are_chinese_and_say_what_to_do():
    rng = random.Random(5)
    with pytest.raises(UnreadableFileError) as info:
        decode_text(bytes(rng.randrange(0x81, 0xFF) for _ in range(300)), "通知.txt")
    assert str(info.value) == "通知.txt：无法识别文本编码（不是 UTF-8、GBK、Big5 等常见编码），请另存为 UTF-8 后再上传"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030", "big5", "utf-16-le", "shift_jis"])
def test_a_2_mb_file_decodes_well_under_a_second(encoding):
    text = {"big5": NOTICE_TRADITIONAL, "shift_jis": NOTICE_JAPANESE}.get(encoding, NOTICE)
    data = (text * (2_000_000 // len(text.encode(encoding)) + 1)).encode(encoding)
    decode_text(data[:1000].decode(encoding, "ignore").encode(encoding), "warm.txt")  # builds the tables
    start = time.perf_counter()
    decoded = decode_text(data, "big.txt")
    elapsed = time.perf_counter() - start
    assert decoded == data.decode(encoding)
    assert elapsed < 0.5, elapsed


def _decode_as_before(data: bytes) -> str:
    """What the previous decode_text returned for UTF-8 (with or without BOM) and GBK files."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data.decode("utf-8-sig")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def test_every_sample_corpus_file_decodes_as_before():
    files = sorted(p for p in (ROOT / "corpus").iterdir() if p.suffix.lower() in (".txt", ".md"))
    assert files
    for path in files:
        data = path.read_bytes()
        assert decode_text(data, path.name) == _decode_as_before(data), path.name
