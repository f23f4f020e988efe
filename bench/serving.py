"""Where an API answer's time goes: each stage in-process, then one user over HTTP (the serving layer's share).

    python -m bench.serving --index DIR [--questions eval/questions.jsonl]

Stages, per question, warm: parse (question words, places, years), the question's vector (embedded, then
looked up in the cache when asked again), retrieval without the vector (BM25 + dense + fusion + boosts),
the rest of the answer (evidence selection, composing, citing). Then ui.py is started and the same questions
are asked one at a time through POST /api/v1/ask: end-to-end minus the in-process answer is what HTTP,
JSON and the worker hand-off cost.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def stage_timings(index: Path, questions: list[str]) -> dict[str, list[float]]:
    from assistant.config import Settings
    from assistant.pipeline import Assistant

    assistant = Assistant(Settings(index_dir=index))
    for q in questions[:10]:  # warm the model, the tokenizer and the caches of the code paths
        assistant.ask(q)
    assistant.embed_query.cache_clear()
    times: dict[str, list[float]] = {"parse": [], "embed (new question)": [], "embed (asked before)": [],
                                     "retrieve without the vector": [], "select, compose, cite": [],
                                     "whole answer (new question)": [], "whole answer (asked before)": []}
    for q in questions:
        assistant.embed_query.cache_clear()
        t = time.perf_counter()
        assistant.ask(q)
        times["whole answer (new question)"].append(_ms(t))
        t = time.perf_counter()
        assistant.ask(q)
        times["whole answer (asked before)"].append(_ms(t))
        t = time.perf_counter()
        query = assistant.parse(q)
        times["parse"].append(_ms(t))
        t = time.perf_counter()
        assistant.embedder.embed_query(query.search_text)
        times["embed (new question)"].append(_ms(t))
        t = time.perf_counter()
        vector = assistant.embed_query(query.search_text)
        times["embed (asked before)"].append(_ms(t))
        k = max(5, assistant.settings.tuning.evidence_pool)
        t = time.perf_counter()
        assistant.searcher.search(query, k, None, query_vector=vector)
        times["retrieve without the vector"].append(_ms(t))
    for q, whole, parse, cached, retrieve in zip(questions, times["whole answer (asked before)"], times["parse"],
                                                 times["embed (asked before)"], times["retrieve without the vector"]):
        times["select, compose, cite"].append(max(0.0, whole - parse - cached - retrieve))
    return times


def http_timings(index: Path, questions: list[str], work: Path, reuse_answers: bool) -> list[float]:
    """One user asking each question (asked once before) through POST /api/v1/ask of a fresh ui.py."""
    import httpx

    from bench.load import free_port, start_ui

    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    process = start_ui(index, port, work / "serving-ui.log", env=None if reuse_answers else {"ASSISTANT_ANSWER_CACHE": "0"})
    latencies = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60, trust_env=False) as client:
            for q in questions:  # first pass fills the question-vector cache, as a day of questions would
                client.post("/api/v1/ask", json={"question": q}).raise_for_status()
            for q in questions:
                t = time.perf_counter()
                client.post("/api/v1/ask", json={"question": q}).raise_for_status()
                latencies.append(_ms(t))
    finally:
        process.terminate()
        process.wait(timeout=30)
    return latencies


def measure(index: Path, questions_file: Path, work: Path) -> dict:
    from eval.metrics import percentile

    questions = [json.loads(line)["question"] for line in questions_file.read_text(encoding="utf-8").splitlines()
                 if line.strip()]
    stages = stage_timings(index, questions)
    stages["one user over HTTP (asked before, answer computed again)"] = http_timings(index, questions, work, False)
    stages["one user over HTTP (asked before, answer reused)"] = http_timings(index, questions, work, True)
    rows = {name: {"p50": percentile(v, 50), "p95": percentile(v, 95), "mean": sum(v) / len(v)}
            for name, v in stages.items()}
    return {"n_questions": len(questions), "stages": rows}


def serving_lines(data: dict) -> list[str]:
    """The report section (pure: data in, lines out)."""
    serving = data.get("serving")
    if not serving:
        return []
    rows = serving["stages"]
    lines = ["", "## Where an API answer's time goes (warm, in-process, then one user over HTTP)", "",
             f"`python -m bench.serving`, {serving['n_questions']} questions of `eval/questions.jsonl`.", "",
             "| stage | p50 ms | p95 ms | mean ms |", "|---|---|---|---|"]
    for name, r in rows.items():
        lines.append(f"| {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['mean']:.1f} |")
    http = rows.get("one user over HTTP (asked before, answer computed again)")
    whole = rows.get("whole answer (asked before)")
    if http and whole:
        lines += ["", f"Serving (HTTP, JSON, hand-off to a worker thread) adds about "
                      f"{max(0.0, http['p50'] - whole['p50']):.1f} ms at p50 to the answer's own work; a new "
                      "question spends most of its time on its vector (the embedding model), a repeated one on "
                      "retrieval and composing, and a reused answer only on serving."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    args = parser.parse_args()
    data = {"serving": measure(args.index, args.questions, ROOT / "bench" / ".work")}
    print("\n".join(serving_lines(data)))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
