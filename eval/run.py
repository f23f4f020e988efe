#!/usr/bin/env python
"""Run the assistant (and the LangChain baseline) on a question file; write answers, print scores side by side.

    python eval/run.py --questions eval/questions.jsonl --out eval/results.jsonl [--index DIR] [--no-baseline]
    python eval/run.py --store milvus --milvus-uri /tmp/eval.db [--corpus DIR]
    python eval/run.py --both        # the sample and corpus-ncp sets (dev + frozen test of each) in one run

The index is first brought up to date with the corpus (an incremental ingest: nothing is redone for unchanged
files), so the scores are always those of the corpus named; --no-ingest evaluates the index as it is.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.apps.records import answer_record  # noqa: E402
from assistant.config import REPO_ROOT, add_common_args, settings_from_args  # noqa: E402
from assistant.errors import AssistantError  # noqa: E402
from eval.metrics import percentile, score  # noqa: E402

METRICS = ["hit@1", "hit@5", "MRR", "answer_acc", "char_recall", "citation_acc", "abstention", "false_abstention"]


def load_questions(path: Path) -> list[dict]:
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                questions.append(json.loads(line))
            except ValueError as exc:
                raise SystemExit(f"{path}:{number}: not a JSON object ({exc})")
    return questions


def run_assistant(assistant, questions: list[dict], k: int) -> dict[str, dict]:
    assistant.ask("预热", k=k)  # load lazy parts so latencies are warm
    records = {}
    for q in questions:
        started = time.perf_counter()
        try:
            record = answer_record(assistant.ask(q["question"], k=k))
        except AssistantError as exc:
            record = {"answer": f"error: {exc}", "abstained": True, "citations": []}
        record["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
        records[q["id"]] = {"id": q["id"], **record}
    return records


def run_baseline(baseline, questions: list[dict], k: int) -> dict[str, dict]:
    baseline.build()
    baseline.ask("预热", k=k)
    records = {}
    for q in questions:
        started = time.perf_counter()
        record = baseline.ask(q["question"], k=k)
        record["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
        records[q["id"]] = {"id": q["id"], **record}
    return records


def sweep(assistant, questions: list[dict], k: int) -> None:
    """Answer accuracy, abstention and false abstention at each min_coverage: how the threshold was chosen."""

    original = assistant.settings
    print("| min_coverage | answer_acc | abstention | false_abstention |\n|---|---|---|---|")
    try:
        for threshold in (0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8):
            assistant.settings = replace(original, tuning=replace(original.tuning, min_coverage=threshold))
            s = score(questions, run_assistant(assistant, questions, k))["overall"]
            print(f"| {threshold:.2f} | {_fmt(s.get('answer_acc'))} | {_fmt(s.get('abstention'))} | "
                  f"{_fmt(s.get('false_abstention'))} |", flush=True)
    finally:
        assistant.settings = original


def _fmt(value) -> str:
    return "  –  " if value is None else f"{value:.3f}"


def print_report(questions: list[dict], ours: dict, base: dict | None) -> None:
    ours_scores = score(questions, ours)
    base_scores = score(questions, base) if base else {}
    groups = ["overall"] + sorted(g for g in ours_scores if g != "overall")
    header = "| group | n | " + " | ".join(METRICS) + " | p50 ms | p95 ms |"
    print(header)
    print("|" + "---|" * (len(METRICS) + 4))
    for group in groups:
        s = ours_scores[group]
        b = base_scores.get(group)
        cells = []
        for m in METRICS:
            cell = _fmt(s.get(m))
            if b is not None and s.get(m) is not None:
                cell += f" / {_fmt(b.get(m))}"
            cells.append(cell)
        lat = s.values.get("latency_ms", [])
        blat = b.values.get("latency_ms", []) if b else []
        p50 = f"{percentile(lat, 50):.0f}" + (f" / {percentile(blat, 50):.0f}" if blat else "")
        p95 = f"{percentile(lat, 95):.0f}" + (f" / {percentile(blat, 95):.0f}" if blat else "")
        print(f"| {group} | {s.n} | " + " | ".join(cells) + f" | {p50} | {p95} |")
    if base:
        print("\ncells: assistant / LangChain baseline (RecursiveCharacterTextSplitter 250/50, FAISS, same model, "
              "top-5, answer = top chunk, never abstains)")


SHARED = REPO_ROOT.parent / "shared"
# The question sets: per corpus, the dev files (rules and numbers are calibrated on these) and the frozen test
# files (reported, never tuned on). --both scores every file of both corpora in one run; eval/fit_decline.py
# fits the decline model on the dev files.
QUESTION_SETS = [  # (name, corpus, dev files, frozen test files), files in eval/
    ("sample", REPO_ROOT / "corpus",
     ["questions.jsonl", "sample_dev2.jsonl", "sample_citizen_dev.jsonl", "sample_dev3.jsonl", "sample_dev4.jsonl",
      "sample_dev5.jsonl", "sample_dev6.jsonl", "sample_dev7.jsonl",
      "sample_dev8.jsonl", "sample_dev9.jsonl",
      "sample_dev10.jsonl", "sample_dev11.jsonl", "sample_dev12.jsonl",
      "sample_dev13.jsonl", "sample_dev14.jsonl", "sample_dev15.jsonl",
      "sample_dev16.jsonl", "sample_dev17.jsonl", "sample_dev18.jsonl",
      "sample_dev19.jsonl", "sample_dev20.jsonl", "sample_dev21.jsonl",
      "sample_dev22.jsonl", "sample_dev23.jsonl", "sample_dev24.jsonl",
      "sample_dev25.jsonl", "sample_dev26.jsonl", "sample_dev27.jsonl", "sample_dev28.jsonl",
      "sample_dev29.jsonl", "sample_dev30.jsonl", "sample_dev31.jsonl",
      "sample_dev32.jsonl", "sample_dev33.jsonl", "sample_dev34.jsonl",
      "sample_dev35.jsonl", "sample_dev36.jsonl", "sample_dev37.jsonl", "sample_dev38.jsonl"],
     ["sample_test.jsonl"]),
    ("ncp", SHARED / "corpus-ncp",
     ["ncp_dev.jsonl", "ncp_dev2.jsonl", "ncp_dev3.jsonl", "ncp_dev4.jsonl", "ncp_dev5.jsonl", "ncp_dev6.jsonl",
      "ncp_dev7.jsonl", "ncp_dev8.jsonl",
      "ncp_dev9.jsonl", "ncp_dev10.jsonl", "ncp_dev11.jsonl", "ncp_dev12.jsonl", "ncp_dev13.jsonl", "ncp_dev14.jsonl",
      "ncp_dev15.jsonl", "ncp_dev16.jsonl", "ncp_dev17.jsonl", "ncp_dev18.jsonl",
      "ncp_dev19.jsonl", "ncp_dev20.jsonl", "ncp_dev21.jsonl", "ncp_dev22.jsonl", "ncp_dev23.jsonl", "ncp_dev24.jsonl", "ncp_dev25.jsonl",
      "ncp_dev26.jsonl", "ncp_dev27.jsonl", "ncp_dev28.jsonl", "ncp_dev29.jsonl", "ncp_dev30.jsonl",
      "ncp_dev31.jsonl", "ncp_dev32.jsonl", "ncp_dev33.jsonl", "ncp_dev34.jsonl"],
     ["ncp_test.jsonl"]),
]
BOTH = [(name, corpus, [REPO_ROOT / "eval" / f for f in dev + test if (REPO_ROOT / "eval" / f).exists()])
        for name, corpus, dev, test in QUESTION_SETS]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=REPO_ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--both", action="store_true",
                        help="score the sample set (corpus/) and the corpus-ncp sets (../shared/corpus-ncp, "
                             "eval/ncp_dev.jsonl + eval/ncp_test.jsonl) in one run; the ncp index is <index>-ncp")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "eval" / "results.jsonl",
                        help="one JSON line per question: id, answer, abstained, citations, latency_ms")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--no-baseline", action="store_true", help="score the assistant only")
    parser.add_argument("--sweep", action="store_true",
                        help="calibrate: score the assistant at several abstention thresholds and stop")
    parser.add_argument("--fusion", choices=["rrf", "weighted"], help="how BM25 and dense rankings are combined")
    parser.add_argument("--no-ingest", action="store_true",
                        help="evaluate the index as it is, without bringing it up to date with the corpus first")
    add_common_args(parser)
    args = parser.parse_args(argv)
    settings = settings_from_args(args)
    if args.both:
        sets = [(name, replace(settings, corpus_dir=corpus,
                               index_dir=settings.index_dir if name == "sample"
                               else settings.index_dir.with_name(settings.index_dir.name + "-" + name)), files)
                for name, corpus, files in BOTH]
    else:
        sets = [("", settings, [args.questions])]
    try:
        from assistant.embedding import load_embedder

        embedder = load_embedder(settings)
        for name, set_settings, files in sets:
            if name:
                print(f"\n## {name}: {set_settings.corpus_dir} — " + ", ".join(f.name for f in files), flush=True)
            questions = [dict(q, type=q["type"], split=f.stem) for f in files for q in load_questions(f)]
            ids = Counter(q["id"] for q in questions)
            if any(n > 1 for n in ids.values()):
                # Answers are keyed by id: a repeated one would score one file's question with another's answer.
                return f"question ids used twice: {sorted(i for i, n in ids.items() if n > 1)[:10]}"
            out = args.out.with_name(f"{args.out.stem}-{name}{args.out.suffix}") if name else args.out
            code = evaluate(set_settings, embedder, questions, args, out, split_groups=len(files) > 1)
            if code:
                return code
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def evaluate(settings, embedder, questions: list[dict], args, out_path: Path, split_groups: bool) -> int:
    """Bring the index up to date with the corpus, answer every question, print the scores."""
    from assistant.pipeline import Assistant

    if not args.no_ingest:
        from assistant.ingest.build import ingest

        result = ingest(settings, progress=False, embedder_factory=lambda s: embedder)
        failed = [r for r in result.reports if r.status == "failed"]
        print(f"index {'updated' if result.changed else 'up to date'}: {result.n_notices} notices, "
              f"{result.n_chunks} chunks in {result.location}"
              + (f"; {len(failed)} file(s) could not be read" if failed else ""), file=sys.stderr)
    assistant = Assistant(settings, embedder=embedder)
    if args.sweep:
        sweep(assistant, questions, args.k)
        return 0
    ours = run_assistant(assistant, questions, args.k)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as out:
        for q in questions:
            out.write(json.dumps(ours[q["id"]], ensure_ascii=False) + "\n")
    base = None
    if not args.no_baseline:
        from eval.baseline import Baseline

        baseline = Baseline(settings.corpus_dir, assistant.embedder, REPO_ROOT / "eval" / ".cache")
        base = run_baseline(baseline, questions, args.k)
        with open(out_path.with_suffix(".baseline.jsonl"), "w", encoding="utf-8") as out:
            for q in questions:
                out.write(json.dumps(base[q["id"]], ensure_ascii=False) + "\n")
    if split_groups:  # each question file (dev / frozen test) is also a group of its own
        questions = [dict(q, type=q["type"], groups=["split:" + q["split"]]) for q in questions]
    print_report(questions, ours, base)
    print(f"\nanswers written to {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
