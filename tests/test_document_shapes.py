"""Notices of every shape an office loads, written here (none is copied from a corpus): one line with spaces
between paragraphs, a news release, a ministry notice with its 文号 at the end, a county notice from
another province, traditional characters, and a PDF extraction whose spaces are wrapped lines."""
from assistant.govdocs.cleaning import split_lines, split_long_line, to_simplified
from assistant.govdocs.departments import group_departments, is_department, same_department, scoped_name
from assistant.govdocs.places import ancestors, find_places, gazetteer, infer_jurisdiction
from assistant.ingest.chunking import chunk_document

ONE_LINE_NOTICE = (
    "临湘市人民政府办公室关于做好春季农业生产服务工作的通知 各乡镇人民政府，市直有关单位： "
    "为做好今年春季农业生产服务工作，保障农资供应，经市人民政府同意，现将有关事项通知如下： "
    "一、保障农资供应 （一）畅通运输渠道。各乡镇要为种子、化肥运输车辆开辟绿色通道，不得设卡拦截。 "
    "（二）稳定农资价格。市市场监管局要加强价格巡查，严厉打击哄抬价格行为。 "
    "二、加强技术指导 市农业农村局要组织农技人员通过电话、网络开展春耕技术指导，每个乡镇不少于2名联络员。 "
    "临湘市人民政府办公室 2021年3月2日 （此件公开发布）"
)


def parse(text: str, name: str = "t.txt"):
    notices, chunks = chunk_document(text, name)
    return notices, chunks


def test_one_line_notice_becomes_paragraphs_with_metadata_and_clause_paths():
    notices, chunks = parse(ONE_LINE_NOTICE)
    assert len(notices) == 1
    n = notices[0]
    assert n.title == "临湘市人民政府办公室关于做好春季农业生产服务工作的通知"
    assert n.issuer == "临湘市人民政府办公室"
    assert n.date == "2021-03-02" and not n.date_inferred
    assert n.jurisdiction == "临湘市" and n.level == "county" and n.public  # a county-level city
    paths = [c.clause_path for c in chunks]
    assert ["一、保障农资供应", "（一）畅通运输渠道"] in paths
    assert ["二、加强技术指导"] in paths
    price = next(c for c in chunks if "哄抬价格" in c.text)
    assert "哄抬价格" in price.index_text and n.title in price.index_text and "（二）稳定农资价格" in price.index_text
    assert "畅通运输渠道" not in price.text  # one clause per chunk, not the whole line


def test_every_notice_of_a_gazette_knows_the_issue_its_cover_names():
    body = ("目 录\n关于做好春耕备耕工作的通知\t(1)\n关于加强河道管理的通知\t(3)\n"
            "临湘市人民政府办公室关于做好春耕备耕工作的通知\n各镇人民政府：\n一、抓好种子供应。\n"
            "临湘市人民政府办公室\n2031年3月2日\n"
            "临湘市人民政府办公室关于加强河道管理的通知\n各镇人民政府：\n一、严禁河道采砂。\n"
            "临湘市人民政府办公室\n2031年3月9日\n")
    notices, _ = parse("临湘市人民政府公报\n\n2031 年第 4 期\n\n（总第 120 期）\n\n" + body)
    assert len(notices) == 2  # the first, short one too: its title is not a headline repeated
    assert {n.gazette_issue for n in notices} == {"临湘市人民政府公报2031年第4期（总第120期）"}
    notices, _ = parse("主管主办：临湘市人民政府\n\n2031 年 03 月 30 日编发\n\n" + body)
    assert {n.gazette_issue for n in notices} == {"临湘市人民政府主管主办、2031年3月30日编发的一期"}
    notices, _ = parse(ONE_LINE_NOTICE)  # a notice of its own is in no gazette
    assert notices[0].gazette_issue == ""


def test_a_contact_line_after_the_list_of_attachments_is_no_attachments_title():
    # Made-up one-line notice: 附件： lists two forms, then the cover letter's contacts.
    _, chunks = parse("某某市民政局关于开展冬季送温暖活动的通知 各区民政局：为做好今年冬季送温暖工作，现将有关事项通知如下。"
                      "一、活动时间 2031年12月1日至2032年1月31日。　　二、工作要求 各区于12月5日前报送工作方案。　　"
                      "附件：　　1.送温暖活动申请表　　2.困难群众名单　　联系人：周明　吴芳　　联系电话：0000-12345678　　"
                      "某某市民政局　　2031年11月20日")
    contact = next(c for c in chunks if "吴芳" in c.text)
    assert "联系人：周明" in contact.text and not any("联系人" in p for p in contact.clause_path)


def test_what_people_call_a_document_is_its_name_without_issuer_places_and_year():
    from assistant.govdocs.notices import document_name
    assert document_name("桓台县人民政府办公室关于印发2031年桓台县政务公开工作方案的通知") == "政务公开工作方案"
    assert document_name("某某市人民政府办公室关于印发《某某市热线运行管理办法（试行）》的通知") == "某某市热线运行管理办法"
    assert document_name("政府工作报告") == "政府工作报告"
    assert document_name("山东省淄博市关于公布部分领导同志工作分工的通知") == "部分领导同志工作分工"


def test_a_locality_below_a_county_is_told_by_how_its_name_ends():
    from assistant.govdocs.places import is_locality
    assert all(is_locality(w) for w in ("东风路", "东风路街道", "某某镇", "花园社区", "高新园区"))
    assert not any(is_locality(w) for w in ("充电桩", "高考", "道路", "小区出入口"))


def test_offices_signing_one_under_another_are_all_the_issuer():
    joint, _ = parse("关于做好春耕生产的通知\n各省农业农村厅：\n现就有关事项通知如下。\n一、抓好农资供应。\n"
                     "二、加强技术指导。\n农业农村部\n财政部\n2031年3月1日\n")
    assert joint[0].issuer == "农业农村部、财政部" and joint[0].jurisdiction == "全国"
    # A sentence above the signer is no second issuer.
    single, _ = parse("关于做好春耕生产的通知\n各省农业农村厅：\n一、抓好农资供应。\n请认真落实。\n财政部\n2031年3月1日\n")
    assert single[0].issuer == "财政部"


def test_news_release_headline_reporter_source_and_dateline_year():
    text = ("甘南州开通复工企业用工对接热线 3月5日，记者从州人社局获悉，为帮助企业解决用工难题，"
            "甘南州开通了企业用工对接热线，2021年全州计划组织线上招聘会12场。 "
            "企业可拨打热线登记岗位需求，人社部门将在3个工作日内回复。 （记者 张某）")
    n = parse(text)[0][0]
    assert n.title == "甘南州开通复工企业用工对接热线"
    assert n.issuer == "州人社局"
    assert n.date == "2021-03-05"
    assert n.jurisdiction == "甘南藏族自治州"


def test_ministry_notice_with_doc_number_at_the_end_is_national():
    text = ("民政部 财政部 关于进一步做好困难群众临时救助工作的通知 各省、自治区、直辖市民政厅（局）、财政厅（局）： "
            "为切实保障困难群众基本生活，现就有关事项通知如下： 一、及时给予临时救助 对因突发事件陷入困境的家庭，"
            "由乡镇人民政府直接实施临时救助。 二、加强资金保障 各地财政部门要统筹安排救助资金。 "
            "民政部 财政部 2021年4月8日 民发〔2021〕15号")
    n = parse(text)[0][0]
    assert n.title == "民政部财政部关于进一步做好困难群众临时救助工作的通知"
    assert n.issuer.startswith("民政部") and n.jurisdiction == "全国" and n.level == "country"
    assert n.doc_number == "民发〔2021〕15号" and n.date == "2021-04-08"


def test_an_announcement_numbered_by_year_has_that_number_and_a_compilation_no_cited_one():
    text = ("关于延长某某补贴申报期限的公告\n某某局公告2031年第8号\n为减轻企业负担，现就有关事项公告如下：\n"
            "一、申报期限延长至6月30日。\n二、本公告自发布之日起施行。\n某某局\n2031年2月6日\n")
    n = parse(text)[0][0]
    assert n.doc_number == "某某局公告2031年第8号"
    # A compilation lists earlier announcements after its date: none of them is its own number.
    text = ("某某局关于印发惠企政策汇编的通知\n各有关单位：\n现将惠企政策汇编印发给你们。\n某某局\n2031年2月6日\n"
            "一、申报补贴\n某某局公告2027年第20号\n企业可按季度申报。\n")
    n = parse(text)[0][0]
    assert n.doc_number == ""


def test_county_notice_of_another_province_gets_its_county_and_ancestors():
    text = ("宾川县人民政府关于开展冬春森林防火工作的通告\n为切实做好冬春森林防火工作，现通告如下：\n"
            "一、防火期为每年12月1日至次年5月31日。\n二、防火期内严禁野外用火。\n宾川县人民政府\n2021年11月20日\n")
    n = parse(text)[0][0]
    assert n.issuer == "宾川县人民政府" and n.jurisdiction == "宾川县" and n.date == "2021-11-20"
    assert ancestors("宾川县")[:2] == ["大理白族自治州", "云南省"]
    assert gazetteer()["宾川县"].level == "county"


def test_traditional_characters_are_matched_simplified_and_shown_as_written():
    text = "關於延長復工補貼申請期限的通知 各企業： 疫情結束後，補貼申請期限延長至六月底。 市人力資源局 2021年2月1日"
    notices, chunks = parse(text)
    assert notices[0].title.startswith("關於延長")  # shown as written
    body = next(c for c in chunks if "結束後" in c.text)
    assert "结束后" in body.index_text and "結束後" not in body.index_text
    assert to_simplified("補貼") == "补贴"


def test_pdf_line_with_spaces_for_wrapped_lines_stays_one_paragraph():
    # A two-column gazette extracted with a space where each printed line ended: no piece ends a sentence.
    line = ("3. 推进垃圾分类和资源化 利用。严格落实城市垃圾分类实施 方案,完善垃圾分类标识体系,健全 分类奖励制度。"
            "加快建立覆盖全社会 的收运处置体系,完善分类投放、分类 收集、分类运输、分类处理的处理系 统。推进焚烧处理等设施建设和改造")
    lines = split_lines("关于推进垃圾分类工作的通知\n" + line)
    assert len(lines) == 2 and lines[1].raw == line


def test_one_line_split_keeps_latin_words_markers_and_letter_spacing_together():
    pieces = split_long_line("关于举办Robotex 2023大赛的通知 各单位： 1. 报名时间 报名自即日起开始。 财 政 局 2023年5月7 日")
    assert pieces == ["关于举办Robotex 2023大赛的通知", "各单位：", "1. 报名时间", "报名自即日起开始。", "财 政 局 2023年5月7 日"]


def test_web_page_buttons_after_the_date_do_not_hide_it():
    text = ("某某县交通运输局通告 为做好疫情期间道路运输保障，现将有关事项通告如下： 一、客运班线暂停运营。 "
            "二、货运车辆凭证通行。 某某县交通运输局 2020年2月5日 【打印本页】【关闭窗口】")
    n = parse(text)[0][0]
    assert n.date == "2020-02-05" and n.issuer == "某某县交通运输局"


def test_a_date_only_mentioned_is_marked_inferred():
    text = "本市延长医保报销受理期 记者了解到，对于有效期在2020年6月30日前到期的，一律顺延。受理工作于2020年2月10日起恢复。"
    n = parse(text)[0][0]
    assert n.date and n.date_inferred


def test_headline_repeated_as_the_document_title_is_one_notice():
    text = ("市商务局关于做好外贸企业复工服务的通知 发布时间：2020-02-12 10:30 "
            "市商务局关于做好外贸企业复工服务的通知 各区商务部门： 为支持外贸企业复工，现通知如下： "
            "一、开通网上办理 二、加强政策宣传 市商务局 2020年2月11日")
    notices, _ = parse(text)
    assert len(notices) == 1 and notices[0].date == "2020-02-11"


def test_places_are_national_and_short_names_count_only_as_words():
    assert find_places("加强行政和司法衔接") == []  # 政和 is 政和县's short name, not a word here
    assert find_places("今年新建充电桩") == []  # 新建区's short name is an everyday word
    assert find_places("小西湖片区") == [] and gazetteer()["西湖区"].parent == ""  # two 西湖区: no short name
    assert find_places("淄博市张店区和云南大理") == ["淄博市", "张店区", "云南省", "大理白族自治州"]
    # A street's name and a direction (建设路南延, 人民路北行) is no 路南区/路北区; beside its city it is.
    assert find_places("完成建设路南延、文化路东延工程") == [] and find_places("沿人民路北行") == []
    assert find_places("唐山路南区") == ["唐山市", "路南区"]
    assert infer_jurisdiction("国家税务总局", "", "北京市 上海市") == "全国"
    assert infer_jurisdiction("市场监管总局", "", "武汉市武汉市") == "全国"
    assert infer_jurisdiction("市商务局", "", "三明市企业 三明市 福建省") == "三明市"
    assert infer_jurisdiction("", "", "各相关区人民政府") == ""
    # A city's bureau in a city governed as a province, helping another province's firms: the city is its own.
    assert infer_jurisdiction("市市场监管委", "", "天津市企业 湖北省企业 天津市 湖北省") == "天津市"
    # A title about many places (各地) names none of them by a county's bare name, which is also a word (安居, 惠民);
    # named in full, the county is still the subject.
    assert infer_jurisdiction("", "各地推出安居惠民工程", "甲省乙市企业 山东 四川") == "全国"
    assert infer_jurisdiction("", "各地学习惠民县经验", "") == "惠民县"
    # A development zone's department is the zone's city's, though its name ends in 部 as a ministry's does.
    assert infer_jurisdiction("开发区党建工作部", "", "发布机构：西安经济技术开发区") == "西安市"
    assert infer_jurisdiction("财政部", "", "西安市 西安市") == "全国"
    assert infer_jurisdiction("人力资源社会保障部办公厅", "", "西安市") == "全国"


def test_a_city_before_its_development_zone_is_the_city():
    # jieba reads 天津开发区 and 西安经济技术开发区 as one word each; the zone is within the city
    assert find_places("我在天津开发区开了家公司") == ["天津市"]
    assert find_places("发布机构：西安经济技术开发区") == ["西安市"] and find_places("西安高新区") == ["西安市"]
    assert find_places("开发区提出多项减租免税举措") == []


def test_departments_are_one_under_several_names_and_belong_to_their_place():
    assert same_department("区发改局", "区发展改革局") and same_department("区发展和改革局", "区发改局")
    assert same_department("市市场监管局", "市市场监督管理局")
    assert not same_department("市政局", "市财政局") and not same_department("区教育局", "区教育和体育局")
    assert [n for n in ("2023年12月底前完成", "政府", "公室", "区教体局") if is_department(n)] == ["区教体局"]
    assert scoped_name("区教体局", "临淄区") == "临淄区教体局" != scoped_name("区教体局", "张店区")
    assert scoped_name("市教育局", "临淄区") == "淄博市教育局"
    assert scoped_name("各镇办", "张店区") == "张店区各镇办" != scoped_name("各镇办", "淄川区")
    assert scoped_name("各级人民政府", "张店区") == "各级人民政府"  # every level, not the district's own
    shown = group_departments(["区发改局", "区发展改革局", "区发展和改革局", "区财政局"])
    assert len(set(shown.values())) == 2 and shown["区发改局"] == "区发展和改革局"


def test_a_table_cell_ending_in_a_place_name_does_not_join_the_next_cell_into_a_place():
    rows = "\n".join(f"{i}\t任务{i}：新建口袋公园{i}处\t{name}\t区住建局（牵头）\t完成"
                     for i, name in enumerate(["王海南", "李海南", "赵海南", "钱海南"], start=1))
    text = ("重点工作完成情况通报表\n序号\t年度目标任务\t分管领导\t责任单位\t完成情况\n" + rows +
            "\n备注：淄川区各部门于月底前报送。淄川区政府督查室汇总。\n")
    notices, _ = chunk_document(text, "table.txt")
    assert notices[0].jurisdiction == "淄川区"  # not 海南区 (王海南 | 区住建局)


def test_place_scan_finds_long_and_short_names_at_the_ends_of_the_text():
    # The scan tries, at each character, only the name lengths that start with it: the ends must still count.
    assert find_places("桓台县") == ["桓台县"]
    assert find_places("关于周村区") == ["周村区"]
    assert find_places("内蒙古自治区呼和浩特市回民区") == ["内蒙古自治区", "呼和浩特市", "回民区"]
    assert find_places("区") == [] and find_places("") == []


def test_english_place_names_are_read_in_english_and_mixed_questions_only():
    from assistant.search.query import detect_jurisdictions

    assert detect_jurisdictions("What is Huantai's 2024 afforestation target?") == ["桓台县"]
    assert detect_jurisdictions("Zhoucun 2024年植树目标") == ["周村区"]
    assert detect_jurisdictions("桓台县2024年植树目标是多少？") == ["桓台县"]


def test_a_space_inside_a_reporters_byline_ends_no_paragraph():
    # The long list of hotlines ends in '（记者 王某）': cut at that space, it looked like no paragraph end, and
    # the whole article stayed one block (its headline's header, never quoted).
    text = ("某省公布儿童救助热线 为做好疫情期间儿童救助工作，日前，省民政厅公布各地热线。 "
            "据介绍，发现无人照料的儿童可致电当地热线。 " + "各地受理电话分别是：" +
            "；".join(f"第{i}市救助保护中心0311-96600{i}" for i in range(1, 10)) + "。（记者 王某）")
    notices, chunks = parse(text)
    assert any("0311-966005" in c.text for c in chunks if c.kind != "header")
    assert split_long_line("热线已开通。（记者 王某）")[-1] == "热线已开通。（记者 王某）"


def test_a_window_keeps_the_department_its_first_duty_belongs_to():
    from assistant.ingest.chunking import windows

    duties = ("市水利局负责雨水情监测工作。", "市交通局负责防汛运输保障，协调落实防汛物资运输车辆的储备和调集。"
              "负责加强对渡口的行业管理。配合河务部门督促渡口经营企业按要求停航。",
              "市农业局负责沿河农业防灾减灾工作，监测、发布农业灾情，指导农业紧急救灾和灾后生产恢复。")
    pieces = windows("\n".join(duties), 120, 1)
    starting_with_duty = [p for p in pieces if p.startswith("配合")]
    assert not starting_with_duty and any(p.startswith("市交通局") and "督促渡口" in p for p in pieces[1:])
    # A window whose first sentence names its own subject is cut as before (one sentence of overlap).
    plain = windows("甲局负责一一一一一一一一一一。乙局负责二二二二二二二二二二。丙局负责三三三三三三三三三三。", 30, 1)
    assert plain[1].startswith("乙局")


def test_a_headline_then_the_title_with_its_issuer_before_it_names_the_issuer():
    # A web page's headline (the title alone), the issuer printed over the document's own title, and a
    # signature run into an attachment line: the issuer is read off the title's second printing.
    text = ("关于做好春季道路养护工作的紧急通知 宜宾市交通运输局 　　关于做好春季道路养护工作的紧急通知 　　 "
            "各县（区）交通运输局： 为做好春季道路养护工作，现通知如下： 一、即日起至3月31日完成桥梁排查。 "
            "二、各县（区）于每月5日前报送养护进度，未按时报送的将予以通报。 "
            "　　附：《四川省交通运输厅关于切实做好春季农村公路桥梁安全排查和道路养护工作的紧急通知》 　　 "
            "宜宾市交通运输局 　　2021年3月2日")
    notices, _ = parse(text)
    assert len(notices) == 1
    assert notices[0].issuer == "宜宾市交通运输局" and notices[0].jurisdiction == "宜宾市"
