"""The benchmark's corpus copies: each moved to other places and years, none identical."""
from __future__ import annotations

import re

from bench.scale import replicate_corpus, vary_copy

TEXT = "淄博市张店区人民政府办公室\n张政办字〔2023〕20号\n张店新增充电桩1775个，2023年12月底前完成。"


def test_copy_zero_is_the_text_and_other_copies_move_place_and_year():
    assert vary_copy(TEXT, 0) == TEXT
    first, second = vary_copy(TEXT, 1), vary_copy(TEXT, 2)
    assert len({TEXT, first, second}) == 3
    for copy in (first, second):
        assert "张店" not in copy and "淄博市" not in copy and "2023" not in copy
        assert "1775个" in copy and "12月底前完成" in copy  # figures and the rest of the text stay
        years = {int(y) for y in re.findall(r"20\d\d", copy)}
        assert years and all(2018 <= y < 2023 for y in years)
    assert re.findall(r"20\d\d", first) != re.findall(r"20\d\d", second)


def test_replicated_corpus_has_one_folder_per_copy(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.txt").write_text(TEXT, encoding="utf-8")
    (source / ".hidden.txt").write_text("skip", encoding="utf-8")
    target = replicate_corpus(source, tmp_path / "out", 3)
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*.txt"))
    assert files == ["copy-000/a.txt", "copy-001/a.txt", "copy-002/a.txt"]
    assert (target / "copy-000" / "a.txt").read_text(encoding="utf-8") == TEXT
