"""The benchmark: ingest, query, scale, baseline, embedding backends, dense index and load, in one run.

    python -m bench [--scales 1,10,100] [--users 20] [--seconds 60] [--out bench/results.md]

Each measurement runs in its own process (bench/worker.py) so its peak memory and cold start are its own.
Prints a markdown report and writes it to bench/results.md.
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / ".work"


def worker(job: str, *args: str, timeout: float = 7200) -> tuple[dict, float | None]:
    """Run one worker job; its result, and seconds from process start to its READY line (if it prints one)."""
    command = [sys.executable, "-m", "bench.worker", job, *args]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = None
    result = None
    for line in process.stdout:
        if line.startswith("READY") and ready is None:
            ready = time.perf_counter() - started
        elif line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
    stderr = process.stderr.read()
    process.wait(timeout=timeout)
    if process.returncode != 0 or result is None:
        raise RuntimeError(f"bench worker {job} failed ({process.returncode}):\n{stderr[-2000:]}")
    return result, ready


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def corpus_for(scale: int) -> Path:
    from bench.scale import replicate_corpus

    if scale == 1:
        return ROOT / "corpus"
    return replicate_corpus(ROOT / "corpus", WORK / f"corpus-{scale}x", scale)


def measure_scales(scales: list[int], questions: Path) -> dict[int, dict]:
    out = {}
    for scale in scales:
        corpus = corpus_for(scale)
        index = WORK / f"index-{scale}x"
        shutil.rmtree(index, ignore_errors=True)
        log(f"{scale}x: ingest")
        ingest, _ = worker("ingest", "--corpus", str(corpus), "--index", str(index))
        log(f"{scale}x: {ingest['n_chunks']} chunks in {ingest['total_s']:.0f} s; queries")
        query, cold = worker("query", "--index", str(index), "--questions", str(questions))
        out[scale] = {"ingest": ingest, "query": query, "cold_start_s": cold}
    return out


def measure_baseline(questions: Path) -> dict:
    cache = WORK / "baseline-cache"
    shutil.rmtree(cache, ignore_errors=True)
    log("baseline (LangChain recipe) at 1x")
    result, _ = worker("baseline", "--corpus", str(ROOT / "corpus"), "--questions", str(questions),
                       "--cache", str(cache))
    return result


def measure_backends(questions: Path) -> dict:
    """Throughput per backend and batch size, and retrieval quality of an index built with each backend."""
    out: dict = {"throughput": [], "quality": []}
    runs = [("torch", 8), ("torch", 32), ("onnx", 4), ("onnx", 8), ("onnx", 16), ("onnx", 32), ("onnx-int8", 8),
            ("onnx-int8", 32)]
    for backend, batch in runs:
        log(f"embedding throughput: {backend}, batch {batch}")
        result, _ = worker("embed", "--corpus", str(ROOT / "corpus"), "--embedding-backend", backend,
                           "--batch", str(batch))
        out["throughput"].append({"backend": backend, "batch": batch, **result})
    for backend in ("torch", "onnx", "onnx-int8"):
        index = WORK / f"index-1x-{backend}"
        shutil.rmtree(index, ignore_errors=True)
        log(f"quality: index built and queried with {backend}")
        ingest, _ = worker("ingest", "--corpus", str(ROOT / "corpus"), "--index", str(index),
                           "--embedding-backend", backend)
        query, cold = worker("query", "--index", str(index), "--questions", str(questions), "--rounds", "1",
                             "--embedding-backend", backend)
        out["quality"].append({"backend": backend, "ingest": ingest, "query": query, "cold_start_s": cold})
    return out


def measure_dense(index: Path, questions: Path) -> dict:
    log(f"dense index: exact vs HNSW on {index.name}")
    result, _ = worker("dense", "--index", str(index), "--questions", str(questions))
    return result


def measure_milvus(scales: list[int], questions: Path) -> dict[int, dict]:
    """The Milvus Lite store beside the local one on the same corpus copies: writing, cold start, latency,
    hit@5 and memory. The clauses and vectors come from the local index of that scale (built if missing)."""
    from assistant.stores.local import current_version

    out = {}
    for scale in scales:
        index = WORK / f"index-{scale}x"
        if current_version(index) is None:
            log(f"{scale}x: local index missing; ingest")
            worker("ingest", "--corpus", str(corpus_for(scale)), "--index", str(index))
        rounds = "2" if scale == 1 else "1"
        log(f"{scale}x: local store queries")
        local, local_cold = worker("query", "--index", str(index), "--questions", str(questions), "--rounds", rounds)
        store = WORK / f"milvus-{scale}x"
        shutil.rmtree(store, ignore_errors=True)
        store.mkdir(parents=True)
        uri = str(store / "milvus.db")
        log(f"{scale}x: writing {local['n_chunks']} clauses to Milvus Lite")
        write, _ = worker("milvus-write", "--index", str(index), "--milvus-uri", uri)
        log(f"{scale}x: Milvus Lite store queries")
        milvus, milvus_cold = worker("query", "--store", "milvus", "--milvus-uri", uri, "--index", str(store),
                                     "--questions", str(questions), "--rounds", rounds)
        log(f"{scale}x: the same data behind a Milvus-protocol server in its own process")
        server, server_cold, server_rss = _query_through_server(Path(uri), questions, rounds)
        out[scale] = {"local": local, "local_cold_start_s": local_cold, "write": write, "milvus": milvus,
                      "milvus_cold_start_s": milvus_cold, "server": server, "server_cold_start_s": server_cold,
                      "server_peak_rss_mb": server_rss}
    return out


def _query_through_server(data_dir: Path, questions: Path, rounds: str) -> tuple[dict, float | None, float]:
    """Milvus Lite's engine run as a gRPC server (`python -m milvus_lite server`), queried over http:// as a
    Milvus server would be: what the answering process holds and waits for when the index is elsewhere."""
    from bench.load import start_milvus_server

    server, uri = start_milvus_server(data_dir)
    try:
        result, cold = worker("query", "--store", "milvus", "--milvus-uri", uri, "--index", str(data_dir.parent),
                              "--questions", str(questions), "--rounds", rounds)
        status = Path(f"/proc/{server.pid}/status").read_text()
        peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:"))
        return result, cold, peak_kb / 1024
    finally:
        server.terminate()
        server.wait(timeout=60)


def measure_load(users: int, seconds: float, questions: Path) -> dict:
    """The browser's path (Gradio queue) with `users`, then the HTTP API with `users` and 50 users, and the
    OpenAI-compatible endpoint with `users`: each run against a freshly started ui.py."""
    from bench.load import load_test
    from eval.metrics import percentile

    index = WORK / "index-1x"
    runs = {}
    no_reuse = {"ASSISTANT_ANSWER_CACHE": "0"}  # every answer computed again: what new questions cost
    for name, path, n, env in (("ui", "ui", users, None), ("ui_queue", "ui-queue", users, None),
                               (f"api_{users}", "api", users, None),
                               ("api_50", "api", 50, None), (f"chat_{users}", "chat", users, None),
                               (f"api_{users}_no_reuse", "api", users, no_reuse)):
        log(f"load: {n} users for {seconds:.0f} s through {path}" + (" without reusing answers" if env else ""))
        result = load_test(index, questions, n, seconds, WORK, path, env)
        runs[name] = {"path": path + (" (answers not reused)" if env else ""), "users": n, "seconds": seconds,
                      "requests": result.requests,
                      "errors": len(result.errors), "error_samples": result.errors[:5],
                      "p50_ms": percentile(result.latencies_ms, 50), "p95_ms": percentile(result.latencies_ms, 95),
                      "throughput_rps": len(result.latencies_ms) / seconds}
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="1,10,100", help="corpus sizes as multiples of the sample corpus")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--skip", default="",
                        help="comma-separated parts to leave out: baseline,backends,dense,load,serving,milvus")
    parser.add_argument("--only", default="",
                        help="run only these parts (scales,baseline,backends,dense,load,serving,milvus) and keep the "
                             "other figures of the last run (bench/.work/results.json)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.md")
    args = parser.parse_args(argv)
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()} | {1})
    parts = ["scales", "baseline", "backends", "dense", "load", "serving", "milvus"]
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    skip = {s.strip() for s in args.skip.split(",") if s.strip()} | ({p for p in parts if p not in only} if only else set())
    WORK.mkdir(parents=True, exist_ok=True)
    started = time.time()
    data: dict = {}
    if only and (WORK / "results.json").exists():
        data = json.loads((WORK / "results.json").read_text(encoding="utf-8"))
        data["scales"] = {int(k): v for k, v in data.get("scales", {}).items()}
    if "scales" not in skip:
        data["scales"] = measure_scales(scales, args.questions)
    if "baseline" not in skip:
        data["baseline"] = measure_baseline(args.questions)
    if "backends" not in skip:
        data["backends"] = measure_backends(args.questions)
    if "dense" not in skip:
        data["dense"] = measure_dense(WORK / f"index-{max(scales)}x", args.questions)
    if "load" not in skip:
        data["load"] = measure_load(args.users, args.seconds, args.questions)
    if "serving" not in skip:
        from bench.serving import measure as measure_serving

        log("serving: where an API answer's time goes")
        data["serving"] = measure_serving(WORK / "index-1x", args.questions, WORK)
    if "milvus" not in skip:
        data["milvus"] = measure_milvus(scales, args.questions)
    data["machine"] = {"python": platform.python_version(), "cpus": _cpus(), "platform": platform.platform(),
                       "minutes": round((time.time() - started) / 60, 1)}
    (WORK / "results.json").write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    from bench.report import render

    report = render(data)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    log(f"written to {args.out}")
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
