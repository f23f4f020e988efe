"""A department's tasks in a task list written here: every clause it leads is listed, each cited."""
from assistant.answering.assigned import department_tasks
from assistant.models import Chunk, Notice

NOTICE = Notice(title="某某县2024年重点工作任务", id="n#1", file="t.txt")


def clause(number: int, task: str, lead: list[str], support: list[str] = ()) -> Chunk:
    text = f"{number}.{task}。年内完成相关工作。（{'、'.join(lead)}负责）"
    return Chunk(id=f"n#1.{number}", notice_id="n#1", notice_title=NOTICE.title,
                 clause_path=["二、重点任务", f"{number}. {task}"], text=text, index_text=text, file="t.txt",
                 line_start=number, line_end=number, kind="clause", lead_departments=list(lead),
                 support_departments=list(support))


CLAUSES = [clause(1, "推进河道清淤", ["县水利局"]), clause(2, "建设智慧农场", ["县农业农村局"], ["县水利局"]),
           clause(3, "实施农田灌溉改造", ["县水利局"], ["县财政局"]), clause(4, "开展全民健身活动", ["县体育局"])]


def test_every_task_a_department_leads_is_listed_in_order_each_cited():
    answer = department_tasks("某某县重点工作任务里，县水利局负责的是哪几项？", CLAUSES, NOTICE)
    assert answer is not None and not answer.abstained
    assert "共2项" in answer.text
    assert answer.text.index("推进河道清淤") < answer.text.index("实施农田灌溉改造")
    assert "建设智慧农场" not in answer.text  # it only supports that one: not asked
    assert [c.chunk.id for c in answer.citations] == ["n#1.1", "n#1.3"]
    assert answer.citations[0].quotes == ["1.推进河道清淤"]


def test_asked_what_a_department_helps_with_the_tasks_it_supports_are_listed_too():
    answer = department_tasks("县水利局配合哪些工作？", CLAUSES, NOTICE)
    assert "建设智慧农场（配合）" in answer.text and "推进河道清淤" in answer.text
    # Leading none, what it supports is what it is given.
    only_support = department_tasks("县财政局有哪些任务？", CLAUSES, NOTICE)
    assert "实施农田灌溉改造（配合）" in only_support.text and "共1项" in only_support.text


def test_a_question_naming_none_of_the_notices_departments_gets_no_task_list():
    assert department_tasks("县教育局负责哪些任务？", CLAUSES, NOTICE) is None
    assert department_tasks("重点任务有哪些？", CLAUSES, NOTICE) is None
