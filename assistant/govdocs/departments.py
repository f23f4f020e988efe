"""Lead and supporting departments from the parenthesis that closes a task, or a 责任单位 table cell."""
from __future__ import annotations

import re

_UNIT_END = re.compile(
    r"(?:局|委|办|中心|部|院|队|公司|会|处|所|站|室|厅|政府|街道|办事处|管委会|分局|大队|支队|团|联|镇|镇办|部门|单位|"
    r"工委|银行|集团|团区委|团市委|法院|检察院)$"
)
# The closing parenthesis of a task: （区科技局牵头，…配合） / (责任单位:市交通运输局、…) / [市教育局牵头,…配合]
_TRAILING_PAREN = re.compile(r"[（(\[［【]([^（()）\[\]［］【】]{2,300})[）)\]］】]\s*[。；;]?\s*$")
_ROLE_WORDS = re.compile(r"牵头|负责|配合|责任单位|参与|协助|落实|承办")
_LEAD_PART = re.compile(r"(.*?)(?:按照(?:分工|职责|职能)(?:分别)?|分别|共同|具体)?(?:牵头|负责)(?:落实)?$")
_SUPPORT_PART = re.compile(r"(.*?)(?:等(?:有关|相关)?(?:部门|单位)(?:单位)?)?(?:按职责)?(?:配合|参与|协助)$")
_TRIM = re.compile(r"^(?:由|和|及)|(?:等(?:有关|相关)?(?:部门|单位)(?:单位)?|等)$")


def split_units(text: str) -> list[str]:
    """Split '区发展改革局、区工业和信息化局等部门' into unit names; re-join names broken by spaces."""
    pieces = [p.strip() for p in re.split(r"[、，,；;／/\s]+", text) if p.strip()]
    units: list[str] = []
    pending = ""
    for piece in pieces:
        piece = _TRIM.sub("", pending + piece)
        pending = ""
        if not piece:
            continue
        if not _UNIT_END.search(piece) and len(piece) < 8:
            pending = piece  # a name broken across a line or cell: '区行政审批 服务局'
            continue
        units.append(piece)
    if pending:
        units.append(pending)
    return units


def parse_responsibility(text: str) -> tuple[list[str], list[str]]:
    """(lead, support) departments from the parenthesis that ends a clause; ([], []) when there is none."""
    compact = re.sub(r"\s+", "", text)
    m = _TRAILING_PAREN.search(compact)
    if not m or not _ROLE_WORDS.search(m.group(1)):
        return [], []
    return parse_role_text(m.group(1))


def parse_role_text(inner: str) -> tuple[list[str], list[str]]:
    """Roles inside the parenthesis: 'A、B按照分工牵头，C、D等部门配合' or '责任单位：A、B'."""
    inner = inner.strip()
    lead: list[str] = []
    support: list[str] = []
    m = re.match(r"^(?:主要)?责任单位[：:]\s*(.*)$", inner)
    if m:
        return split_units(m.group(1)), []
    for part in re.split(r"[，,；;]", inner):
        part = part.strip()
        if not part:
            continue
        if re.search(r"(?:配合|参与|协助)$", part):
            support += split_units(_SUPPORT_PART.match(part).group(1))
        elif re.search(r"(?:牵头|负责)(?:落实)?$", part):
            lead += split_units(_LEAD_PART.match(part).group(1))
        elif not lead:
            lead += split_units(part)
        else:
            support += split_units(part)
    return lead, support


def parse_unit_cell(cell: str) -> tuple[list[str], list[str]]:
    """A 责任单位 table cell: units marked (牵头) lead, the rest support; unmarked cells all lead."""
    if re.search(r"[（(]\s*牵头\s*[）)]", cell):
        lead, support = [], []
        for segment in re.split(r"(?<=[）)])", cell):
            is_lead = re.search(r"[（(]\s*牵头\s*[）)]", segment)
            names = split_units(re.sub(r"[（(]\s*牵头\s*[）)]", "", segment))
            (lead if is_lead else support).extend(names)
        return lead, support
    if _ROLE_WORDS.search(cell):
        return parse_role_text(cell)
    return split_units(cell), []
