"""Status questions over a progress table written here: the question picks the statuses, every matching row is listed."""
from assistant.answering.status import ANY_STATUS, row_status, status_answer, wanted_statuses
from assistant.models import Chunk, Notice

NOTICE = Notice(title="某区重点工作第三季度进展情况通报", id="n#1", file="p.txt")


def row(number: int, task: str, status: str) -> Chunk:
    text = f"序号 {number}｜工作任务：{task}｜进展情况：{status}。相关工作持续推进。｜责任单位：区发改局"
    return Chunk(id=f"n#1.{number}", notice_id="n#1", notice_title=NOTICE.title, clause_path=[f"序号 {number}"],
                 text=text, index_text=text, file="p.txt", line_start=number, line_end=number, kind="table_row")


ROWS = [row(1, "新建公园3处", "已完成"), row(2, "改造老旧小区12个", "部分完成"), row(3, "建成污水处理厂", "未完成"),
        row(4, "新增停车位500个", "完成")]


def test_the_question_words_pick_the_statuses():
    # The table's word picks its rows; the everyday 没完成 means every row not done, the half-done ones too.
    assert wanted_statuses("哪些工作任务未完成？") == {"未完成"}
    assert {"未完成", "部分完成"} <= wanted_statuses("哪些工作任务还没完成？")
    assert {"未完成", "部分完成"} <= wanted_statuses("某某局负责的任务有没有没完成的？")
    assert {"未完成", "部分完成"} <= wanted_statuses("某某局牵头的那几项，哪些没有全部完成？")
    assert {"未完成", "部分完成"} <= wanted_statuses("第三季度哪些任务进度滞后？")
    assert wanted_statuses("已经完成了几项任务？") == {"完成"}
    assert wanted_statuses("Which tasks are behind schedule?") >= {"未完成", "部分完成"}
    assert wanted_statuses("新建公园的目标是多少？") == frozenset()
    assert wanted_statuses("任务完成了多少？") == {"完成"}
    assert wanted_statuses("哪些任务是未完成或部分完成的？") == {"未完成", "部分完成"}
    assert wanted_statuses("未完成的任务有哪些？") == {"未完成"}
    assert {"未完成", "部分完成"} <= wanted_statuses("截至9月有哪几项工作没达到进度？")
    assert {"未完成", "部分完成"} <= wanted_statuses("哪些指标没有达标？")
    assert {"未完成", "部分完成"} <= wanted_statuses("区住建局那几项任务，到6月哪些没按进度干完？")
    assert {"未完成", "部分完成"} <= wanted_statuses("今年的重点项目还有哪些没做完？")
    assert {"未完成", "部分完成"} <= wanted_statuses("区某某局6月份有哪些工作没按计划完成？")
    assert {"未完成", "部分完成"} <= wanted_statuses("区某某局负责的工作，到6月有哪些没能按计划完成？")
    # English: a negated or partial "completed" asks for the rows not (fully) done, not for the done ones.
    assert wanted_statuses("Which tasks were still unfinished in June?") == {"未完成"}
    assert wanted_statuses("Which projects have not yet been completed?") == {"未完成"}
    assert wanted_statuses("Which tasks were only partly completed?") == {"部分完成"}
    assert wanted_statuses("Which tasks has the district completed?") == {"完成"}
    assert {"推进中"} <= wanted_statuses("Which projects are still in progress?")
    # One task the question names: its own row answers, no listing.
    assert wanted_statuses("某某河道清淤为啥没按计划推进？这项任务状态是什么？") == frozenset()
    assert wanted_statuses("How far had the dredging got by June, and has that work been finished?") == frozenset()
    assert wanted_statuses("Has the park project been completed?") == frozenset()
    assert {"未完成"} <= wanted_statuses("这个月哪些任务没完成？")
    # A task's own figure, not a count of tasks by status:
    assert wanted_statuses("老旧小区改造任务累计完成了多少户？") == frozenset()


def test_row_status_reads_the_status_cell_only():
    assert [row_status(r.text) for r in ROWS] == ["完成", "部分完成", "未完成", "完成"]
    assert row_status("序号 5｜工作任务：完成公园建设｜责任单位：区住建局") == ""


def test_lagging_tasks_are_every_row_not_done_each_cited():
    answer = status_answer("哪些任务进度滞后？", wanted_statuses("哪些任务进度滞后？"), ROWS, NOTICE)
    assert "共4项任务" in answer.text and "部分完成1项" in answer.text and "未完成1项" in answer.text
    assert "改造老旧小区12个" in answer.text and "建成污水处理厂" in answer.text and "新建公园" not in answer.text
    assert [c.chunk.id for c in answer.citations] == ["n#1.2", "n#1.3"] and not answer.abstained


def test_no_matching_row_is_said_and_a_table_without_status_gives_no_status_answer():
    done = [row(1, "新建公园3处", "完成")]
    answer = status_answer("哪些任务未完成？", frozenset({"未完成"}), done, NOTICE)
    assert "没有完成情况为“未完成”的任务" in answer.text
    plain = Chunk(id="x", notice_id="n#1", notice_title="t", clause_path=[], text="序号 1｜任务：甲｜单位：乙",
                  index_text="", file="p.txt", line_start=1, line_end=1, kind="table_row")
    assert status_answer("哪些任务未完成？", frozenset({"未完成"}), [plain], NOTICE) is None


def _dept_row(number: int, task: str, status: str, dept: str) -> Chunk:
    text = f"序号 {number}｜工作任务：{task}｜进展情况：{status}。｜责任单位：{dept}"
    return Chunk(id=f"n#1.{number}", notice_id="n#1", notice_title=NOTICE.title, clause_path=[f"序号 {number}"],
                 text=text, index_text=text, file="p.txt", line_start=number, line_end=number, kind="table_row",
                 lead_departments=[dept])


def test_a_department_the_question_names_keeps_the_rows_it_is_responsible_for():
    rows = [_dept_row(1, "新建公园3处", "未完成", "区住房和城乡建设局"), _dept_row(2, "改造老旧小区12个", "部分完成", "区住房和城乡建设局"),
            _dept_row(3, "新建社区医院2处", "未完成", "区卫生健康局"), _dept_row(4, "建成污水处理厂", "完成", "区卫生健康局")]
    question = "区卫健局负责的任务有哪些未完成？"
    answer = status_answer(question, wanted_statuses(question), rows, NOTICE)
    assert "区卫生健康局" in answer.text and "新建社区医院2处" in answer.text and "新建公园" not in answer.text
    assert [c.chunk.id for c in answer.citations] == ["n#1.3"]
    everyone = "哪些工作任务未完成？"
    answer = status_answer(everyone, wanted_statuses(everyone), rows, NOTICE)
    assert [c.chunk.id for c in answer.citations] == ["n#1.1", "n#1.3"]
    not_done = "哪些工作任务还没完成？"
    answer = status_answer(not_done, wanted_statuses(not_done), rows, NOTICE)
    assert [c.chunk.id for c in answer.citations] == ["n#1.1", "n#1.2", "n#1.3"]
    # Asked which tasks a department has, whatever their status: all of its rows.
    all_of = status_answer("区卫健局负责的任务有哪些？", ANY_STATUS, rows, NOTICE, of_department=True)
    assert [c.chunk.id for c in all_of.citations] == ["n#1.3", "n#1.4"]
    # A department the table does not name: no listing (another kind of answer is needed), not every row.
    assert status_answer("区教体局负责的任务有哪些？", ANY_STATUS, rows, NOTICE, of_department=True) is None


def test_an_unfinished_task_is_listed_with_how_far_it_got():
    rows = ROWS + [Chunk(id="n#1.5", notice_id="n#1", notice_title=NOTICE.title, clause_path=["序号 5"],
                         text="序号 5｜工作任务：引进外资8000万美元｜进展情况：未完成。1-9月实际利用外资4870万美元。｜责任单位：区商务局",
                         index_text="", file="p.txt", line_start=5, line_end=5, kind="table_row")]
    answer = status_answer("哪些任务未完成？", wanted_statuses("哪些任务未完成？"), rows, NOTICE)
    assert "引进外资8000万美元——1-9月实际利用外资4870万美元" in answer.text
    done = status_answer("已经完成了哪些任务？", wanted_statuses("已经完成了哪些任务？"), rows, NOTICE)
    assert "相关工作持续推进" not in done.text  # a finished task needs no progress note
