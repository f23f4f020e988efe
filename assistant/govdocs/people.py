"""Whether a text names a person: 孟凡伟同志任办公室主任, 组长：王京文, 确定咸日明等8名入选.

A question asking who holds a post (组长是谁, 谁分管教育) is answered only by a clause that names someone;
a clause that names the body alone (由领导小组统筹推进) says the post exists, not who holds it.
"""
from __future__ import annotations

import re

# '同志' follows a name in every official text (孟凡伟同志), but also a post (报市政府分管负责同志); a post label
# followed by a name: '组长：王京文'.
_NAMED_COMRADE = re.compile(r"([\u4e00-\u9fff]{2,4})同志")
_POST_COMRADE = re.compile(r"(?:负责|领导|有关|相关|分管|其他|全体|广大|各位|主要)$")
_NAMED_HOLDER = re.compile(r"(?:组长|主任|主席|召集人|总指挥|指挥长|负责人|联系人)[：:]\s*[\u4e00-\u9fff]{2,4}")
# A table's cell names the one in charge of its row (分管领导：王京文｜, 责任人：王 勇、李明｜: a two-character name is
# often spaced out to the width of three); a body in that cell (责任领导：区发改委) is no person.
_NAMED_IN_CELL = re.compile(r"(?:领导|责任人)[：:]\s*[\u4e00-\u9fff](?:[ \u3000]?[\u4e00-\u9fff]){1,3}"
                            r"(?<![局委办厅院府室处所站队组会部心司])(?=$|[｜|、，,；;\s（(])")


# A name between a post and what its holder did at a meeting (副省长甄友谅主持会议, 局长甄亮出席并讲话), as news
# reports write it; the tagger does not know every name.
_POST_NAME_ACTS = re.compile(r"(?:[省市区县镇乡]长|局长|厅长|部长|主任|书记|主席|组长|秘书长|总经理|负责人|发言人)"
                             r"[\u4e00-\u9fff]{2,3}(?:在[\u4e00-\u9fff]{1,12}?[上中时])?"  # …于某某在发布会上表示
                             r"(?:主持|参加|出席|讲话|指出|强调|表示|介绍|要求|通报)")
# A news story's byline (（记者杨某 张某）, 通讯员李某): who wrote it, not anyone it names as acting.
_BYLINE = re.compile(r"(?:记者|通讯员|实习生|责任编辑|编辑)[\s:：]*(?:[\u4e00-\u9fff]{2,3}[\s、，,]*){1,4}(?=[）)]|$|\s)")


# The head of the party a notice cites for its guidance (学习贯彻习近平总书记重要指示精神, 以某某同志为核心的党中央),
# in nearly every notice: no one the notice names as doing, chairing or being in charge of anything.
_CITED_LEADER = re.compile(r"[\u4e00-\u9fff]{2,3}(?:总书记|同志为核心)")


def names_a_person(text: str) -> bool:
    """True when the text names a person (by 同志, a post label, or jieba's person-name tag).

    >>> names_a_person("孟凡伟同志任办公室主任。"), names_a_person("由市碳达峰碳中和工作领导小组进行整体部署。")
    (True, False)
    """
    text = _BYLINE.sub("", _CITED_LEADER.sub("", text))
    if (_NAMED_HOLDER.search(text) or _NAMED_IN_CELL.search(text) or _POST_NAME_ACTS.search(text)
            or any(not _POST_COMRADE.search(m.group(1)) for m in _NAMED_COMRADE.finditer(text))):
        return True
    import jieba.posseg  # part-of-speech tagging: 'nr' marks a person's name

    tagged = list(jieba.posseg.cut(text))
    for k, (word, flag) in enumerate(tagged):
        if flag != "nr":
            continue
        after = tagged[k + 1].word if k + 1 < len(tagged) else ""
        # A three-character name (孟凡伟) stands alone; the tagger also marks two-character words as names
        # (达峰 of 碳达峰), so those count only where a name is listed or given a post (邹倩、 邹倩任).
        # A comma after a two-character word is weak evidence: the tagger also marks words (洪水) as names.
        weak = {"，", ","} if len(word) == 2 else set()
        if len(word) == 3 or (len(word) in (2, 4) and after in _AFTER_NAME - weak):
            return True
    return False


# A post given to whoever holds an office: 中心小学校长兼任学区主任, 由分管副区长担任组长.
_HELD_BY_OFFICE = re.compile(r"[\u4e00-\u9fff]{2,}(?:兼任|担任)|由[^，。；]{2,30}(?:兼任|担任|任)")


def names_a_holder(text: str) -> bool:
    """True when the text says who holds a post: a named person, or the office whose holder takes it.

    >>> names_a_holder("镇驻地初中或中心小学校长兼任学区主任。")
    True
    """
    return bool(_HELD_BY_OFFICE.search(text)) or names_a_person(text)


_AFTER_NAME = {"、", "，", ",", "同志", "任", "兼任", "担任", "为", "等", "（", "("}
