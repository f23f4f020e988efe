"""Which tasks of a task list a department is given: "区环保局牵头的任务有哪些？", "哪几项是县水利局负责的？".

A plan's tasks end by naming who carries them out — （区环保局负责）, （区发改局牵头，区财政局配合） — which ingest
reads into each clause's lead and supporting departments. Asked for a department's tasks, every clause of the
notice it leads is listed, each cited; asked what it helps with (配合, 参与), the clauses it supports too.

    department_tasks("区环保局负责哪几项任务？", clauses_of_the_notice, notice)

Pure logic: the clauses come in as chunks. (The rows of a progress table are listed by status.py.)
"""
from __future__ import annotations

import re

from assistant.answering.status import departments_named
from assistant.govdocs.cleaning import clean_text
from assistant.govdocs.departments import same_department
from assistant.models import Answer, Chunk, Citation, Notice

MAX_TASKS = 30
TASK_CHARS = 80  # a task is named by its clause's first sentence (12. 推进河道清淤), cut to this
# Asked what a department helps with, not only what it leads.
_SUPPORT_ASKED = re.compile(r"配合|参与|协助|协同|support|assist|help", re.IGNORECASE)


def department_tasks(question: str, clauses: list[Chunk], notice: Notice | None,
                     english: bool = False) -> Answer | None:
    """Every clause of one notice that the department the question names leads (or supports, when asked, or
    when it leads none), in document order, each cited; None when the question names none of its departments."""
    assigned = [c for c in clauses if c.kind != "table_row" and (c.lead_departments or c.support_departments)]
    named = departments_named(question, assigned)
    if not named:
        return None

    def given(c: Chunk, units: list[str]) -> bool:
        return any(same_department(d, u) for d in named for u in units)

    led = {c.id for c in assigned if given(c, c.lead_departments)}
    helped = {c.id for c in assigned if given(c, c.support_departments)} - led
    wanted = led | helped if _SUPPORT_ASKED.search(question) or not led else led
    tasks: list[Chunk] = []
    for c in assigned:  # in document order
        if c.id in wanted and not any(t.clause_path == c.clause_path for t in tasks):
            tasks.append(c)  # (a long clause stored in two chunks is one task)
    if not tasks:
        return None
    title = notice.title if notice else tasks[0].notice_title
    who = "、".join(named)
    lines, citations = [], []
    for marker, chunk in enumerate(tasks[:MAX_TASKS], start=1):
        task = _first_sentence(chunk.text)
        role = ("lead" if english else "牵头/负责") if chunk.id in led else ("support" if english else "配合")
        lines.append(f"{marker}. {task}（{role}）[{marker}]")
        citations.append(Citation(marker, chunk, notice, 1.0, [task]))
    if english:
        head = f"《{title}》 gives {who} {len(tasks)} tasks:"
    else:
        head = f"《{title}》中{who}承担的任务共{len(tasks)}项："
    more = "" if len(tasks) <= MAX_TASKS else f"\n……另有{len(tasks) - MAX_TASKS}项，见原文。"
    return Answer(question, head + "\n" + "\n".join(lines) + more, False, citations, confidence=1.0)


def _first_sentence(text: str) -> str:
    """12. 推进河道清淤。完成主要河道… → 12. 推进河道清淤"""
    first = re.split(r"[。；;]", clean_text(text).strip(), maxsplit=1)[0].strip()
    return first[:TASK_CHARS] + ("…" if len(first) > TASK_CHARS else "")
