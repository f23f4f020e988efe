from assistant.govdocs.cleaning import (clean_text, drop_noise, is_date_line, is_garbage, is_page_furniture,
                                join_broken_lines, split_lines)


def test_spaces_inside_chinese_are_removed_but_latin_words_keep_theirs():
    assert clean_text("关于印发淄博 12345 政务服务便民热线运行 管理办法") == "关于印发淄博12345政务服务便民热线运行管理办法"
    assert clean_text("第 23 赛季 Robotex 世界机器人大会") == "第23赛季Robotex世界机器人大会"
    assert clean_text("Robotex China Committee") == "Robotex China Committee"
    assert clean_text("2023 年 6 月 13 日") == "2023年6月13日"


def test_line_breaks_inside_a_sentence_are_joined_and_markup_dropped():
    assert clean_text("把培育、发展和提升科技\n\n创新平台作为") == "把培育、发展和提升科技创新平台作为"
    assert clean_text("[bookmark: _GoBack]推动有效投资") == "推动有效投资"
    assert clean_text("- 24.扎实开展绿色低碳转型行动") == "24.扎实开展绿色低碳转型行动"


def test_ocr_garbage_and_page_furniture_are_recognised():
    assert is_garbage("▼ネル☆カハ戸子仏▼")
    assert is_garbage("。")
    assert not is_garbage("新增各类充电桩1775个。")
    assert is_page_furniture("- 12 -")
    assert is_page_furniture("淄博市人民政府公报")
    assert is_page_furniture("市政府办公室文件一")
    assert not is_page_furniture("一、工作目标")


def test_date_line_needs_a_signer_not_a_label():
    assert is_date_line("淄博市人民政府2023年6月13日")
    assert is_date_line("2023年8月2日")
    assert not is_date_line("时间：2023年8月26日")
    assert not is_date_line("——2023年1月7日在张店区")


def test_table_of_contents_is_dropped():
    text = "目 录\n【市政府文件】\t\n关于印发某某方案的通知\t\n(淄政字[2023]57号)\t(1)\n▼ ネル ☆ ▼\t\n" \
           "某某市人民政府 关于印发某某方案的通知\n淄政字[2023]57号\n"
    kept = [line.clean for line in drop_noise(split_lines(text))]
    assert kept == ["某某市人民政府关于印发某某方案的通知", "淄政字[2023]57号"]


def test_broken_sentences_rejoin_but_headings_and_lists_stay_apart():
    text = ("一、工作要求\n全面贯彻落实上级部署的工作任务和要求，进一步提升政务公开\n\n质量。\n组 长：张三\n李 四 区长\n"
            "淄川区深化新旧动能转换推动绿色低碳\n高质量发展2023年重点工作任务\n"
            "张店区人民政府办公室\n关于成立领导小组的通知\n")
    paragraphs = [p.clean for p in join_broken_lines(drop_noise(split_lines(text)))]
    assert paragraphs == [
        "一、工作要求",
        "全面贯彻落实上级部署的工作任务和要求，进一步提升政务公开质量。",
        "组长：张三",
        "李四区长",
        "淄川区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务",
        "张店区人民政府办公室关于成立领导小组的通知",
    ]


def test_a_one_line_document_ending_in_its_print_date_is_not_taken_for_a_footer():
    from assistant.ingest.chunking import chunk_document

    body = ("市商务局关于做好外资企业复工复产服务工作的通知 各区商务主管部门： 为做好稳外资工作，现就有关事项通知如下："
            " 一、建立重点外资企业联系制度。 二、落实减免房租政策。 天津市商务局办公室 2020年2月14日印发")
    notices, chunks = chunk_document(body, "one-line.txt")
    assert chunks and "减免房租" in "".join(c.text for c in chunks)
    footer = "正文第一段。\n天津市商务局办公室 2020年2月14日印发\n"
    assert "印发" not in "".join(c.text for c in chunk_document(footer, "f.txt")[1])
