"""Status questions over progress tables: "哪些任务未完成/进度滞后？", "完成了多少项？".

A progress table (进度通报表, 任务分解表) has a status column — 完成情况, 进展情况, 办理情况, 落实情况, 状态 —
whose cells begin with a short status: 完成, 部分完成, 未完成, 滞后, 推进中 …. The question's own words pick
the statuses wanted; every row of the table with one of them is listed, each with its citation.

    wanted_statuses("临淄区9月份哪些任务进度滞后？")   # {'未完成', '部分完成', '滞后', …}
    row_status("序号 3｜完成情况：部分完成。北部污水处理厂…")   # '部分完成'

Pure logic: rows come in as chunks.
"""
from __future__ import annotations

import re

from assistant.govdocs.departments import same_department
from assistant.models import Answer, Chunk, Citation, Notice

MAX_ROWS = 30
# A labelled status cell: '｜完成情况：部分完成。…' (table rows are stored as 'label：value' cells).
_STATUS_CELL = re.compile(r"(?:^|｜)\s*(?:[^｜：]{0,6}(?:完成情况|进展情况|进度情况|办理情况|落实情况|推进情况|状态|进度))\s*[：:]\s*"
                          r"(已完成|基本完成|部分完成|未完成|尚未完成|完成|滞后|进度滞后|推进中|正在推进|进行中|未启动|已启动)")
_CANONICAL = {"已完成": "完成", "基本完成": "完成", "尚未完成": "未完成", "进度滞后": "滞后",
              "正在推进": "推进中", "进行中": "推进中"}
NOT_DONE = frozenset({"未完成", "部分完成", "滞后", "推进中", "未启动", "已启动"})
ANY_STATUS = NOT_DONE | {"完成"}
# What the question asks for.
_INTENTS: list[tuple[re.Pattern, frozenset[str]]] = [
    (re.compile(r"部分完成|完成了一部分|(?:partial(?:ly)?|\bpartly|\bhalf[- ]?)(?:\s+(?:completed|finished|done)\b)?"),
     frozenset({"部分完成"})),
    # The table's own word (未完成) asks for its rows; the everyday 没完成 also means the half-done ones (below).
    (re.compile(r"未完成|尚未完成|不能完成|unfinished|incomplete|uncompleted|"
                r"(?:\bnot|n't)\s+(?:yet\s+)?(?:been\s+)?(?:completed|finished|done)|yet to be (?:completed|finished|done)"),
     frozenset({"未完成"})),
    # in everyday words too: 没按进度干完, 还没做完, 进度没跟上
    (re.compile(r"滞后|落后|拖期|进度慢|未按期|没按期|(?:未|没有?)达(?:到|标)|达不到|"
                # 没完成, 没有全部完成, 还没做完 (not 没完整: "not whole")
                r"(?:没有?|未)(?:全部|完全|全|都)(?:完成|做完|干完|办完)|没(?:有)?(?:按进度|按时|按期|能)?(?:干|做|弄|搞|办)?完(?!整)|"
                r"没按进度|(?:没有?|未)能?按(?:计划|要求|时间|节点)|进度(?:没|未)跟上|拖了后腿|"
                r"behind|lagging|delayed|overdue|off[- ]track|in progress|ongoing|under ?way"),
     NOT_DONE),
    # 完成了多少项 counts tasks; 累计完成了多少户 asks a task's own figure, not a status.
    (re.compile(r"已完成|(?<![未没分])完成了哪些|(?<![未没分])完成的|已经完成|(?:^|[^未没分])完成了?(?:多少|几)(?:项|件|条|个?(?:任务|项目|事项|指标)|[？?]|$)|"
                r"\b(?:completed|finished|done|accomplished)\b"),
     frozenset({"完成"})),
]


# A question about one task it names (这项任务, 该项工作, this task): its row answers, not a listing.
# Asked whether the task is done (…, and was the task marked done?), it is one task too.
_ONE_TASK = re.compile(r"(?:这|该|那|此)一?(?:项|个)(?:任务|项目|工作|事项|指标)|\bth(?:is|at) (?:task|project|item)\b|"
                       r"(?:^|[,;，；?？]\s*|\band\s+)(?:was|is|has|had)\s+(?:the|this|that|it)\s+(?:[a-z-]+\s+){0,3}?"
                       r"(?:been\s+)?(?:marked\s+(?:as\s+)?)?(?:completed|finished|done|met|achieved)\b")


def wanted_statuses(question: str) -> frozenset[str]:
    """The statuses a question asks rows for; empty when it asks no status question."""
    lowered = question.lower()
    if not re.search(r"任务|项目|工作|事项|指标|[几哪各那这]项|tasks?|projects?|items?|targets?|goals?", lowered):
        return frozenset()
    if _ONE_TASK.search(lowered):
        return frozenset()  # 这项任务状态是什么: one task's own row answers, not a list of rows
    # Every status asked (未完成或部分完成的有哪些): the union. Words read for one status are not read again
    # for a later one (not completed, partly finished do not ask for the completed rows).
    wanted: set[str] = set()
    for pattern, statuses in _INTENTS:
        if pattern.search(lowered):
            wanted |= statuses
            lowered = pattern.sub(" ", lowered)
    return frozenset(wanted)


def row_status(text: str) -> str:
    """The status a table row's status cell begins with ('' when the row has none)."""
    m = _STATUS_CELL.search(text)
    return _CANONICAL.get(m.group(1), m.group(1)) if m else ""


def status_answer(question: str, statuses: frozenset[str], rows: list[Chunk], notice: Notice | None,
                  english: bool = False, of_department: bool = False) -> Answer | None:
    """Every row of one table whose status is wanted, in table order, each cited; None when the table has
    no status column (another kind of answer is needed). A department the question names (区卫健局牵头的任务)
    keeps the rows it leads or supports; with of_department, None when the question names none of the table's."""
    with_status = [(c, row_status(c.text)) for c in rows if c.kind == "table_row"]
    with_status = [(c, s) for c, s in with_status if s]
    if not with_status:
        return None
    title = notice.title if notice else rows[0].notice_title
    named = departments_named(question, [c for c, _ in with_status])
    if of_department and not named:
        return None
    about = "、".join(named)
    if named:
        with_status = [(c, s) for c, s in with_status
                       if any(same_department(d, u) for d in named for u in c.lead_departments + c.support_departments)]
    matching = [(c, s) for c, s in with_status if s in statuses]
    wanted = "、".join(sorted(statuses))
    n = len(with_status)
    if english:
        scope = f"《{title}》" + (f" (tasks mentioning {about})" if about else "")
    else:
        scope = f"《{title}》中与“{about}”有关的任务共{n}项" if about else f"《{title}》共{n}项任务"
    if not matching:
        text = (f"{scope}，其中没有完成情况为“{wanted}”的任务。" if not english else
                f"None of the {n} tasks in {scope} has the status {wanted}.")
        return Answer(question, text, False, [Citation(1, with_status[0][0], notice, 1.0)], confidence=1.0)
    shown = matching[:MAX_ROWS]
    counts = {}
    for _, s in matching:
        counts[s] = counts.get(s, 0) + 1
    summary = "，".join(f"{s}{n}项" for s, n in counts.items())
    head = (f"{scope}，其中{summary}：" if not english else
            f"{scope} lists {n} tasks; {len(matching)} have the status asked ({summary}):")
    lines, citations = [], []
    for marker, (chunk, status) in enumerate(shown, start=1):
        label = chunk.clause_path[-1] if chunk.clause_path else ""
        task = _task_of(chunk.text)
        # How far an unfinished task got (1-9月实际利用外资4870万美元): what staff are asked next.
        progress = progress_of(chunk.text) if status in NOT_DONE else ""
        lines.append(f"{marker}. {label}（{status}）{task}" + (f"——{progress}" if progress else "") + f"[{marker}]")
        citations.append(Citation(marker, chunk, notice, 1.0, [task] + ([progress] if progress else [])))
    more = "" if len(matching) <= MAX_ROWS else f"\n……另有{len(matching) - MAX_ROWS}项，见原表。"
    return Answer(question, head + "\n" + "\n".join(lines) + more, False, citations, confidence=1.0)


# A unit's name in a question: 区卫健局, 经开区管委会, 市交通运输局.
_UNIT_IN_QUESTION = re.compile(r"[\u4e00-\u9fff]{2,14}?(?:管委会|委员会|办公室|大队|中心|公司|局|委|办)")


def departments_named(question: str, rows: list[Chunk]) -> list[str]:
    """The departments of a table's rows that the question names (区卫健局 for 区卫生健康局 too)."""
    asked = _UNIT_IN_QUESTION.findall(question)
    units = dict.fromkeys(u for c in rows for u in c.lead_departments + c.support_departments)
    named = [u for u in units if u in question or any(same_department(u, a) for a in asked)]
    return [u for u in named if not any(u != v and u in v for v in named)]  # 区卫健局, not also 卫健局


PROGRESS_CHARS = 60


def progress_of(text: str) -> str:
    """What a status cell says after its status word ('部分完成。北部污水处理厂主体完工。' → '北部污水处理厂主体完工').

    >>> progress_of("序号 3｜完成情况：部分完成。北部污水处理厂主体完工。｜责任单位：区住建局")
    '北部污水处理厂主体完工'
    """
    m = _STATUS_CELL.search(text)
    if not m:
        return ""
    rest = text[m.end():].split("｜", 1)[0].strip(" 。，,；;")
    return rest[:PROGRESS_CHARS] + ("…" if len(rest) > PROGRESS_CHARS else "")


def _task_of(text: str) -> str:
    """The task's own words: the first cell after the row number that is not a status or a name list."""
    cells = [c.strip() for c in text.split("｜") if c.strip()]
    for cell in cells[1:] or cells:
        label, _, value = cell.partition("：")
        if value and not _STATUS_CELL.search("｜" + cell) and not re.search(r"单位|领导|责任", label):
            return value[:80] + ("…" if len(value) > 80 else "")
    return cells[0][:80] if cells else ""
