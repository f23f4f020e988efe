from assistant.ingest.chunking import chunk_document, windows
from assistant.govdocs.departments import parse_responsibility, parse_unit_cell
from assistant.govdocs.patterns import marker_of, normalize_doc_number
from assistant.govdocs.places import infer_jurisdiction
from assistant.govdocs.tables import parse_table
from assistant.govdocs.cleaning import split_lines


def test_doc_number_brackets_are_normalised_for_search():
    assert normalize_doc_number("淄政办字[2023]33 号") == "淄政办字〔2023〕33号"
    assert normalize_doc_number("张政字〔2023〕68号") == "张政字〔2023〕68号"
    assert normalize_doc_number("鲁政办发（2023）8号") == "鲁政办发〔2023〕8号"


def test_heading_markers_by_kind():
    assert marker_of("一、加快推进国家创新型城市建设")[0] == "cn_num"
    assert marker_of("（三）持续强化政务公开队伍建设")[0] == "cn_paren"
    assert marker_of("(二)继续深化")[0] == "cn_paren"
    assert marker_of("22.大力发展绿色智慧交通")[0] == "arabic"
    assert marker_of("（1）细化任务")[0] == "arabic_paren"
    assert marker_of("第二十六条 建设单位")[0] == "article"
    assert marker_of("第一章 总则")[0] == "chapter"
    assert marker_of("2.9件专利") is None or marker_of("2.9件专利")[0] != "arabic"


def test_departments_from_closing_parenthesis():
    lead, support = parse_responsibility(
        "新增各类充电桩1775个。（区发展改革局、张店交警大队按照分工牵头，区综合行政执法局、区工业和信息化局等部门配合）")
    assert lead == ["区发展改革局", "张店交警大队"]
    assert support == ["区综合行政执法局", "区工业和信息化局"]
    assert parse_responsibility("(责任单位:市交通运输局、市发展改革委)") == (["市交通运输局", "市发展改革委"], [])
    assert parse_responsibility("（区科技局负责）") == (["区科技局"], [])
    assert parse_responsibility("没有括号的句子。") == ([], [])
    assert parse_unit_cell("区行政审批 服务局 (牵头) 区市场监管局") == (["区行政审批服务局"], ["区市场监管局"])


def test_table_rows_are_labelled_and_page_breaks_repaired():
    text = ("序号\t任务\t责任单位\t时限\n1\t新建口袋公园12处\t县住建局\t6月底\n"
            "序号\t任务\t责任单位\t时限\n\t\t县财政局\t\n2\t道路绿化8条\t县执法局\t年底\n2\t（续）\t\t\n")
    headers, rows = parse_table(split_lines(text))
    assert headers == ["序号", "任务", "责任单位", "时限"]
    assert [r.number for r in rows] == ["1", "2"]
    assert rows[0].values["责任单位"] == "县住建局 县财政局"
    assert rows[0].labelled_text("序号") == "序号 1｜任务：新建口袋公园12处｜责任单位：县住建局 县财政局｜时限：6月底"
    assert rows[1].values["任务"] == "道路绿化8条 （续）"


def test_jurisdiction_from_issuer_title_or_content():
    assert infer_jurisdiction("淄博市张店区人民政府", "", "") == "张店区"
    assert infer_jurisdiction("淄博市人民政府办公室", "", "高青县人民政府") == "淄博市"
    assert infer_jurisdiction("", "2023年重点工作通报表", "临淄经济开发区 临淄大道 临淄区第九届") == "临淄区"
    assert infer_jurisdiction("某某县人民政府", "", "") == "某某县"


def test_a_command_post_is_no_ministry():
    body = "某某市疫情防控工作指挥部决定在全市开展扫码通行。某某市各区落实。"
    assert infer_jurisdiction("疫情防控工作指挥部", "关于开展扫码行动的通告", body.replace("某某市", "西安市")) == "西安市"
    assert infer_jurisdiction("人力资源社会保障部", "关于开展扫码行动的通告", "西安市落实。") == "全国"


def test_a_story_about_the_whole_country_or_many_provinces_is_national():
    assert infer_jurisdiction("", "全国城市公交有序恢复运营", "福建省公交已恢复，福建省客运站开放。") == "全国"
    many = "截至2月12日，江苏、浙江、安徽、福建、山东5个省份已恢复省际客运，福建省客运量回升。"
    assert infer_jurisdiction("", "客运有序恢复", many) == "全国"
    few = "福建省客运站开放，福建省客运量回升，江苏也已恢复。"
    assert infer_jurisdiction("", "客运有序恢复", few) == "福建省"


def test_a_tie_between_places_goes_to_the_one_named_first():
    text = "本市研发的平台上线。该平台依托南京市数据系统，在鼓楼区部分社区试运行后推广。"
    assert infer_jurisdiction("", "某某平台正式上线", text) == "南京市"
    assert infer_jurisdiction("", "某某平台正式上线", "在鼓楼区试运行，再依托南京市系统推广。") == "南京市鼓楼区"


def test_a_name_several_places_share_is_made_one_by_the_parent_the_text_names():
    from assistant.govdocs.places import ancestors, bare_name, find_places

    notice = infer_jurisdiction("鼓楼区人力资源和社会保障局", "关于养老待遇核准的通知", "通过福建省福州市系统办理。")
    assert notice == "福州市鼓楼区" and ancestors(notice)[:2] == ["福州市", "福建省"]
    assert infer_jurisdiction("鼓楼区人力资源和社会保障局", "关于养老待遇核准的通知", "各参保单位：") == "鼓楼区"
    assert find_places("我在福州鼓楼上班") == ["福州市鼓楼区"] and find_places("鼓楼区的规定") == ["鼓楼区"]
    assert bare_name("福州市鼓楼区") == "鼓楼区" and bare_name("张店区") == "张店区"


def test_districts_named_alike_inside_a_place_named_as_often_make_it_that_places_notice():
    hospitals = "泰安市定点医院：泰山区医院（泰山区）、岱岳区医院（岱岳区）、宁阳县医院（宁阳县）。泰安市卫健委提醒。"
    assert infer_jurisdiction("", "致全体市民的一封公开信", hospitals) == "泰安市"
    unlike = "泰山区医院（泰山区）、岱岳区医院（岱岳区）由泰安市统一调度。"
    assert infer_jurisdiction("", "致全体市民的一封公开信", unlike) == "泰安市泰山区"  # (泰山区 is a shared name)


def test_a_street_named_after_a_city_and_a_word_that_is_a_district_far_away_are_no_places():
    from assistant.govdocs.places import find_places

    assert find_places("沿洛阳路、开封大街到郑州广场") == []
    assert find_places("我在开封西路的写字楼上班，郑州东路那边也有分店") == []  # a direction before 路 too
    assert find_places("洛阳市交通局") == ["洛阳市"]
    # The street's neighbourhood by the same name elsewhere in the text is no city either; the city in full is.
    assert find_places("洛阳路街道地处三区交界，洛阳12个居民区都设了卡口") == []
    assert find_places("洛阳路街道的居民去洛阳市探亲") == ["洛阳市"]
    assert find_places("洛阳12个居民区都设了卡口") == ["洛阳市"]
    assert "大社区" not in find_places("我们这个大社区有五个出入口")  # a district of Taiwan, and an everyday word
    assert "大社区" in find_places("台湾高雄市大社区的居民")


def test_a_city_governed_as_a_province_ranks_with_the_cities_its_story_names():
    story = "上海市海关保障物资运往武汉市。上海市口岸通关零延时，武汉市收到物资。上海市将继续支援。"
    assert infer_jurisdiction("", "通关零延时", story) == "上海市"
    district = "上海市浦东新区：浦东新区口岸通关零延时，上海市将继续支援。"
    assert infer_jurisdiction("", "通关零延时", district) == "浦东新区"


def test_a_title_speaking_of_its_own_city_is_a_citys_notice():
    body = "浙江省教育厅要求各地做好线上教学。绍兴市各区县教体局落实。"
    assert infer_jurisdiction("", "关于完善全市中小学线上教学工作的通知", body) == "绍兴市"
    assert infer_jurisdiction("", "关于完善中小学线上教学工作的通知", body) == "浙江省"


def test_a_news_dateline_does_not_make_the_story_about_the_place_it_was_filed_in():
    story = "新华社北京2月15日电 记者从某银行获悉，该行向湖北省发放贷款50亿元。"
    assert infer_jurisdiction("", "某银行发放贷款", story) == "湖北省"
    assert infer_jurisdiction("", "某银行发放贷款", "新华社北京2月15日电 某银行发放贷款50亿元。") == ""


def test_a_news_subtitle_above_the_dateline_names_whom_the_story_is_about():
    # The trucks' destination is named more often than the province the story is about.
    story = ("暖心之举\n湖南省为返岗农民工包车\n新华社长沙2月9日电 记者从湖南省交通运输厅获悉，首批大巴驶往深圳市。"
             "深圳市企业接站，深圳市人社局登记，到深圳市后统一安排住宿。")
    assert infer_jurisdiction("", "暖心之举", story) == "湖南省"
    # Without the subtitle the body's count decides, as before.
    assert infer_jurisdiction("", "暖心之举", story.replace("湖南省为返岗农民工包车\n", "")) == "深圳市"


def test_long_clause_splits_at_sentence_ends_with_overlap():
    raw = "第一句很长的话。" * 10 + "最后一句。"
    pieces = windows(raw, max_chars=30, overlap=1)
    assert len(pieces) > 1
    assert all(p.endswith("。") for p in pieces)
    assert pieces[0].split("。")[-2] == pieces[1].split("。")[0]  # one sentence shared


def test_lost_heading_number_still_becomes_a_heading():
    text = ("某区人民政府关于印发某区重点任务的通知\n某政发〔2024〕1号\n"
            "九、繁荣发展文化\n47.推进工业遗产保护利用。适时组织开展工业遗产普查认定。（区发展改革局牵头）\n"
            "扎实推进共同富裕\n48.促进居民就业和增收。年内新增城镇就业1万人。（区人力资源社会保障局负责）\n")
    notices, chunks = chunk_document(text, "x.txt")
    paths = {c.clause_path_text for c in chunks}
    assert "扎实推进共同富裕 › 48. 促进居民就业和增收" in paths
    assert "九、繁荣发展文化 › 47. 推进工业遗产保护利用" in paths


def test_a_person_is_named_by_tongzhi_a_post_label_or_a_full_name_not_by_tagger_noise():
    from assistant.govdocs.people import names_a_person

    assert names_a_person("工作专班下设办公室，邹倩同志兼任办公室主任。")
    assert names_a_person("组长：王京文，区委副书记。")
    assert names_a_person("经评审，确定咸日明等8名入选。")
    assert not names_a_person("由市碳达峰碳中和工作领导小组进行整体部署。")  # 达峰 is tagged a name
    assert not names_a_person("报市政府分管负责同志审定后执行。")  # 同志 after a post, not a name
    assert not names_a_person("请各位领导同志准时参加。")
    assert not names_a_person("市应急局负责统一发布灾情。")
    assert not names_a_person("遇超标准洪水,确保堤防安全。")  # the tagger marks 洪水 a name; a comma is no list
    assert names_a_person("副组长：邹倩、王勇。") and names_a_person("由王勇同志负责。")
    # A table row's cell naming who is in charge, a spaced-out two-character name too; a body there is no person.
    assert names_a_person("序号 7｜完成情况：完成。｜分管区领导：林海闽｜责任单位：区某某局")
    assert names_a_person("序号 8｜完成情况：完成。｜责任人：甄 亮｜")
    assert not names_a_person("序号 9｜完成情况：完成。｜牵头领导：区发改委｜")
    assert names_a_person("会上，副市长林海闽主持会议。")  # a post, a name the tagger misses, what the holder did
    # The party leader a notice cites for its guidance is no one it names as acting.
    assert not names_a_person("某局召开会议，认真学习贯彻王建国总书记关于防控工作的重要讲话精神。")
    assert not names_a_person("以王建国同志为核心的党中央高度重视。")


def test_a_post_is_held_by_a_person_or_by_whoever_holds_an_office():
    from assistant.govdocs.people import names_a_holder

    assert names_a_holder("以镇为单位设立学区，镇驻地初中或中心小学校长兼任学区主任。")
    assert names_a_holder("领导小组组长由分管副区长担任。")
    assert not names_a_holder("由领导小组统筹推进，研究解决重大问题。")


def test_a_field_of_a_contact_block_is_no_heading():
    text = ("某某局关于开放线上培训平台的通知\n为做好培训工作，现将有关事项通知如下，请各地认真落实并及时反馈遇到的问题。\n"
            "（一）技术咨询\n1.某某部某某中心某某出版集团有限公司“某某职业技能培训在线”学习服务平台\n联系人：张小明\n"
            "联系电话：010-12345678，13800000000，工作日9时至17时均可咨询，节假日请发送电子邮件说明问题。\n")
    notices, chunks = chunk_document(text, "contacts.txt")
    phone = next(c for c in chunks if "010-12345678" in c.text)
    assert "联系人：张小明" in phone.text and "张小明" not in phone.clause_path_text


def test_a_reports_subtitle_lines_stay_in_its_header():
    text = ("政府工作报告\n——2024年1月9日在某县\n第五届人民代表大会第三次会议上\n某县人民政府县长　李明\n各位代表：\n"
            "现在我代表县人民政府，向大会报告工作，请予审议。\n一、过去一年工作回顾\n全县新建道路30公里。\n")
    notices, chunks = chunk_document(text, "report.txt")
    header = next(c for c in chunks if c.kind == "header")
    assert "第五届人民代表大会第三次会议上" in header.text and "李明" in header.text
    assert not any("李明" in c.text for c in chunks if c.kind != "header")
    assert any("新建道路30公里" in c.text for c in chunks if c.kind != "header")  # the body is no subtitle


def test_a_reports_first_numbered_heading_after_the_salutation_is_a_heading_not_subtitle():
    # "各位代表：" opens the speech: the short numbered line after it heads the review, it is no subtitle line.
    text = ("政府工作报告\n——2024年1月9日在某县第五届人民代表大会第三次会议上\n县长 李明\n各位代表：\n"
            "现在我代表县人民政府，向大会报告工作，请予审议。\n一、2023年工作回顾\n全县新建道路30公里。\n"
            "二、2024年主要任务\n新建道路50公里。\n")
    notices, chunks = chunk_document(text, "report.txt")
    header = next(c for c in chunks if c.kind == "header")
    assert "工作回顾" not in header.text
    review = next(c for c in chunks if "新建道路30公里" in c.text)
    assert review.clause_path == ["一、2023年工作回顾"]


def test_a_report_part_looking_back_is_told_from_one_looking_ahead():
    from assistant.govdocs.clauses import looks_back

    assert looks_back(["一、2023年工作回顾", "（一）经济运行"], 2024)
    assert looks_back(["过去五年工作总结"], None)
    assert looks_back(["2023年主要工作"], 2024)  # only years before the report's own
    assert not looks_back(["二、2024年主要目标和重点任务"], 2024)
    assert not looks_back(["二、2023—2024年主要任务"], 2024)
    assert not looks_back([], 2024)


def test_a_notice_published_as_one_line_is_answered_from_its_text_not_kept_as_header():
    # A made-up one-line notice: headline, a space, the text, then the signature after a run of spaces.
    text = ("某区档案馆关于暂停现场查档服务的通知 为做好疫情防控工作，减少人员聚集，即日起暂停现场查档服务，"
            "恢复时间另行通知。暂停期间，查档人可通过邮寄方式提出申请，我馆将在收到申请后及时办理并寄回查档结果。"
            "来信地址：某区长安路8号；邮政编码：100001。" + " " * 40 + "某区档案馆" + " " * 30 + "2020年2月3日\n")
    notices, chunks = chunk_document(text, "notice.txt")
    assert notices[0].title == "某区档案馆关于暂停现场查档服务的通知"
    header = next(c for c in chunks if c.kind == "header")
    assert "长安路8号" not in header.text
    assert any("长安路8号" in c.text and "邮政编码" in c.text for c in chunks if c.kind != "header")


def test_a_dash_paragraph_with_sentences_is_text_not_a_subtitle():
    text = ("抗疫税收政策解读\n——减税降费要落地。税务部门对防疫物资生产企业全额退还增值税增量留抵税额。\n"
            "——服务要贴心。推行非接触式办税。\n")
    notices, chunks = chunk_document(text, "news.txt")
    header = next(c for c in chunks if c.kind == "header")
    assert "留抵税额" not in header.text
    assert any("留抵税额" in c.text for c in chunks if c.kind != "header")


def test_asking_what_a_thing_is_for_leaves_the_thing_as_the_topic():
    from assistant.search.query import parse_query

    terms = [t.source for t in parse_query("社区给居民发的出入证是干什么用的？").terms]
    assert "干什么" not in terms and "出入证" in terms
