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


def test_load_report_has_a_row_per_path_and_reads_old_runs():
    from bench.report import _load, load_lines

    run = {"users": 20, "seconds": 30, "requests": 1500, "errors": 1, "error_samples": ["HTTPStatusError: 503"],
           "p50_ms": 120.0, "p95_ms": 310.0, "throughput_rps": 49.9}
    data = {"load": {"ui": {**run, "path": "ui"}, "api_20": {**run, "path": "api"}}}
    lines = load_lines(data)
    assert any(line.startswith("| HTTP API /api/v1/ask | 20 | 30 | 1500 | 1 | 49.9 | 120 | 310 |") for line in lines)
    assert "- error (api): HTTPStatusError: 503" in lines
    assert _load(data, "api_20", "throughput_rps") == 49.9 and _load(data, "api_50", "p95_ms") is None
    old = {"load": {"users": 20, "seconds": 60, "requests": 969, "errors": 0, "p50_ms": 1241.0, "p95_ms": 1531.0,
                    "throughput_rps": 16.1}}
    assert _load(old, "ui", "p95_ms") == 1531.0
    assert [line for line in load_lines(old) if line.startswith("| browser")] == [
        "| browser (the page's chat event, /ask) | 20 | 60 | 969 | 0 | 16.1 | 1,241 | 1,531 |"]
    assert load_lines({}) == []
