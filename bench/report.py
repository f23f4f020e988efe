"""The benchmark's numbers as a markdown report (pure: data in, text out)."""
from __future__ import annotations

TARGETS = [  # (what, target, unit)
    ("warm p50 extractive answer, 1x", 150, "ms"),
    ("warm p50 extractive answer, 100x", 300, "ms"),
    ("warm p50 answer at 100x over 1x", 2, "×"),
    ("cold start (process start to first answer), 1x", 15, "s"),
    ("ingest of the sample corpus, 1x", 60, "s"),
    ("peak RSS at 100x (ingest and query)", 4096, "MB"),
    ("errors under the load tests", 0, ""),
    ("browser path (the page's chat event) p95, 20 users", 800, "ms"),
    ("HTTP API p95, 20 users", 400, "ms"),
    ("HTTP API answers per second, 20 users (at least)", 50, "/s"),
]


def _f(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def _ratio(a, b) -> str:
    return f"{a / b:.1f}×" if a is not None and b else "–"


LOAD_PATHS = {"ui": "browser (the page's chat event, /ask)",
              "ui-queue": "the page's chat event through Gradio's queue (as gradio_client calls it)",
              "api": "HTTP API /api/v1/ask",
              "chat": "OpenAI-compatible /v1/chat/completions"}


def _load_runs(data: dict) -> list[dict]:
    load = data.get("load") or {}
    if "users" in load:  # a run from before the API existed: one browser-path run
        return [{**load, "path": "ui", "throughput_rps": load.get("throughput_rps", 0.0)}]
    return list(load.values())


def _load(data: dict, name: str, key: str):
    load = data.get("load") or {}
    if "users" in load:
        load = {"ui": load}
    return load[name][key] if name in load else None


def load_lines(data: dict) -> list[str]:
    """The load section: one row per run (path, users, answers/s, latencies) and any error samples."""
    runs = _load_runs(data)
    if not runs:
        return []
    lines = ["", "## Load (loopback, ui.py serving page and API in one process)", "",
             "| path | users | seconds | requests | errors | answers/s | p50 ms | p95 ms |",
             "|---|---|---|---|---|---|---|---|"]
    for r in _load_runs(data):
        path, _, note = r["path"].partition(" ")
        lines.append(f"| {LOAD_PATHS.get(path, path)}{' ' + note if note else ''} | {r['users']} | {r['seconds']:.0f} | "
                     f"{r['requests']} | {r['errors']} | {r['throughput_rps']:.1f} | {_f(r['p50_ms'], 0)} | "
                     f"{_f(r['p95_ms'], 0)} |")
        for sample in r.get("error_samples", []):
            lines.append(f"- error ({r['path']}): {sample}")
    lines += ["", "Each user asks the eval questions in turn, without pause, over its own connection: the "
              "browser path through the page's own chat event over plain HTTP, the way the browser calls it (extractive "
              "answers: `POST /gradio_api/run/ask`, one request; an LLM's streamed answer: Gradio's queue, `POST "
              "/gradio_api/call/ask` and its event stream; one session and one growing conversation per user, as "
              "an open page has), the API through `POST /api/v1/ask` and `POST "
              "/v1/chat/completions` (httpx). \"Answers not reused\" runs with `ASSISTANT_ANSWER_CACHE=0`: every "
              "answer computed again, what a day of new questions costs. The load generator runs on the same 2 "
              "cores as the server."]
    return lines


def render(data: dict) -> str:
    scales = {int(k): v for k, v in data["scales"].items()}
    one = scales[1]
    top = scales[max(scales)]
    lines = ["# Benchmark results", "",
             f"Command: `make bench` (= `.venv/bin/python -m bench`). Machine: {data['machine']['cpus']} cores, "
             f"Python {data['machine']['python']}, {data['machine']['platform']}; the whole run took "
             f"{data['machine']['minutes']} min. Embedding backend: the default (onnx) unless a row says otherwise. "
             "Latencies are warm (after one pass over the questions) over 2 rounds of the "
             f"{one['query']['answer_ms']['n'] // 2} questions in `eval/questions.jsonl`.", ""]

    # Targets
    measured = [
        one["query"]["answer_ms"]["p50"],
        scales[100]["query"]["answer_ms"]["p50"] if 100 in scales else None,
        (scales[100]["query"]["answer_ms"]["p50"] / one["query"]["answer_ms"]["p50"]) if 100 in scales else None,
        one["cold_start_s"],
        one["ingest"]["total_s"],
        max(scales[100]["ingest"]["peak_rss_mb"], scales[100]["query"]["peak_rss_mb"]) if 100 in scales else None,
        sum(r["errors"] for r in _load_runs(data)) if _load_runs(data) else None,
        _load(data, "ui", "p95_ms"),
        _load(data, "api_20", "p95_ms"),
        _load(data, "api_20", "throughput_rps"),
    ]
    lines += ["## Targets", "", "| target | limit | measured | met |", "|---|---|---|---|"]
    for (what, limit, unit), value in zip(TARGETS, measured):
        at_least = "at least" in what
        met = "–" if value is None else ("yes" if (value >= limit if at_least else value <= limit) else "**no**")
        shown = f"{value:.2f}" if unit == "×" and value is not None else _f(value)
        lines.append(f"| {what} | {'≥' if at_least else '≤'} {limit} {unit} | {shown} {unit} | {met} |")

    # Ingest
    lines += ["", "## Ingest (full rebuild)", "",
              "| corpus | files | chars | chunks | parsing s (chars/s) | embedding s (chunks/s) | indexing s | "
              "total s | index on disk | dense index | peak RSS |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for scale, row in sorted(scales.items()):
        i = row["ingest"]
        lines.append(
            f"| {scale}× | {i['n_files']} | {_f(i['n_chars'])} | {_f(i['n_chunks'])} | "
            f"{_f(i['parsing_s'])} ({_f(i['n_chars'] / max(i['parsing_s'], 1e-9), 0)}) | "
            f"{_f(i['embedding_s'])} ({_f(i['n_chunks'] / max(i['embedding_s'], 1e-9), 0)}) | {_f(i['indexing_s'])} | "
            f"{_f(i['total_s'])} | {_f(i['index_bytes'] / 2**20)} MB | {i['dense_index']} | "
            f"{_f(i['peak_rss_mb'], 0)} MB |")
    lines += ["", "Embedding includes loading the model (about 1 s for ONNX). Copies of the corpus are moved to "
              "other places and years (bench/scale.py), so no two are identical."]

    # Query
    lines += ["", "## Questions (warm, extractive)", "",
              "| corpus | chunks | cold start s | retrieval p50 / p95 ms | answer p50 / p95 ms | BM25 p50 ms | "
              "dense p50 ms | query embedding p50 ms | hit@5 | peak RSS | answer p50 vs 1× |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for scale, row in sorted(scales.items()):
        q = row["query"]
        lines.append(
            f"| {scale}× | {_f(q['n_chunks'])} | {_f(row['cold_start_s'])} | {_f(q['retrieval_ms']['p50'])} / "
            f"{_f(q['retrieval_ms']['p95'])} | {_f(q['answer_ms']['p50'])} / {_f(q['answer_ms']['p95'])} | "
            f"{_f(q['bm25_ms']['p50'])} | {_f(q['dense_ms']['p50'])} | {_f(q['embed_query_ms']['p50'])} | "
            f"{q['hit@5']:.3f} | {_f(q['peak_rss_mb'], 0)} MB | "
            f"{_ratio(q['answer_ms']['p50'], one['query']['answer_ms']['p50'])} |")
    lines += ["", "hit@5: a gold quote among the cited clauses; at 10× and 100× the copies (other places, other "
              "years) compete with the originals, so it also shows whether place and year filters still hold."]

    # Baseline
    if "baseline" in data:
        b, q = data["baseline"], one["query"]
        lines += ["", "## Against the LangChain baseline (1×, same run, same model)", "",
                  "| | assistant | baseline | assistant / baseline |", "|---|---|---|---|",
                  f"| ingest s | {_f(one['ingest']['total_s'])} | {_f(b['ingest_s'])} | "
                  f"{_ratio(one['ingest']['total_s'], b['ingest_s'])} |",
                  f"| answer p50 ms | {_f(q['answer_ms']['p50'])} | {_f(b['answer_ms']['p50'])} | "
                  f"{_ratio(q['answer_ms']['p50'], b['answer_ms']['p50'])} |",
                  f"| answer p95 ms | {_f(q['answer_ms']['p95'])} | {_f(b['answer_ms']['p95'])} | "
                  f"{_ratio(q['answer_ms']['p95'], b['answer_ms']['p95'])} |",
                  f"| peak RSS MB (query process) | {_f(q['peak_rss_mb'], 0)} | {_f(b['peak_rss_mb'], 0)} | "
                  f"{_ratio(q['peak_rss_mb'], b['peak_rss_mb'])} |",
                  "", "Baseline: RecursiveCharacterTextSplitter 250/50, LangChain FAISS, top chunk as the answer "
                  "(eval/baseline.py). Its quality is in the issue-4 note: hit@5 0.597 against 0.966."]

    # Backends
    if "backends" in data:
        lines += ["", "## Embedding backends", "", "Throughput over the sample corpus's chunks:", "",
                  "| backend | batch | chunks/s | model load s | peak RSS |", "|---|---|---|---|---|"]
        for r in data["backends"]["throughput"]:
            lines.append(f"| {r['backend']} | {r['batch']} | {_f(r['chunks_per_s'])} | {_f(r['load_s'])} | "
                         f"{_f(r['peak_rss_mb'], 0)} MB |")
        lines += ["", "An index built and queried with each backend:", "",
                  "| backend | ingest s | hit@5 | answer p50 ms | cold start s | query RSS |", "|---|---|---|---|---|---|"]
        for r in data["backends"]["quality"]:
            lines.append(f"| {r['backend']} | {_f(r['ingest']['total_s'])} | {r['query']['hit@5']:.3f} | "
                         f"{_f(r['query']['answer_ms']['p50'])} | {_f(r['cold_start_s'])} | "
                         f"{_f(r['query']['peak_rss_mb'], 0)} MB |")

    # Dense index
    if "dense" in data:
        d = data["dense"]
        lines += ["", f"## Dense index: exact against HNSW ({_f(d['n'])} vectors)", "",
                  "| index | ef_search | p50 ms per query | recall@10 vs exact | build s |", "|---|---|---|---|---|",
                  f"| Flat (exact) | – | {_f(d['flat_p50_ms'], 2)} | 1.000 | – |"]
        for h in d["hnsw"]:
            lines.append(f"| HNSW M=32 | {h['ef_search']} | {_f(h['p50_ms'], 2)} | {h['recall@10']:.3f} | "
                         f"{_f(h['build_s'])} |")
        lines += ["", "Exact search as the index grows (the vectors tiled with noise):", "",
                  "| vectors | Flat p50 ms |", "|---|---|"]
        for g in d["flat_growth"]:
            lines.append(f"| {_f(g['n'])} | {_f(g['p50_ms'], 2)} |")

    # Load, and where an API answer's time goes
    lines += load_lines(data)
    from bench.serving import serving_lines

    lines += serving_lines(data)
    if "milvus" in data:
        lines += ["", "## Milvus Lite store beside the local store", "",
                  "Same corpus copies and vectors (`--store milvus` with a Milvus Lite file, in-process). "
                  "Write = putting a built index into a new collection and switching the alias (parsing and "
                  "embedding come before it and are the same for both stores). Latencies are warm.", "",
                  "| corpus | chunks | store | write s | on disk | cold start s | BM25 p50 ms | dense p50 ms | "
                  "answer p50 / p95 ms | hit@5 | peak RSS (query) |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        for scale, row in sorted((int(k), v) for k, v in data["milvus"].items()):
            stores = [("local", row["local"], row["local_cold_start_s"], None),
                      ("Milvus Lite", row["milvus"], row["milvus_cold_start_s"], row["write"])]
            if "server" in row:
                stores.append(("Milvus server¹", row["server"], row["server_cold_start_s"], None))
            for name, q, cold, write in stores:
                lines.append(
                    f"| {scale}× | {_f(q['n_chunks'], 0)} | {name} | {_f(write['write_s']) if write else '–'} | "
                    f"{_mb(write['store_bytes']) if write else '–'} | {_f(cold)} | {_f(q['bm25_ms']['p50'])} | "
                    f"{_f(q['dense_ms']['p50'])} | {_f(q['answer_ms']['p50'])} / {_f(q['answer_ms']['p95'])} | "
                    f"{q['hit@5']:.3f} | {_f(q['peak_rss_mb'], 0)} MB |")
        servers = {k: v["server_peak_rss_mb"] for k, v in data["milvus"].items() if "server_peak_rss_mb" in v}
        if servers:
            lines += ["", "¹ The Milvus Lite engine run as a gRPC server in its own process (`python -m milvus_lite "
                      "server`) and queried over `http://` as Milvus Standalone would be: the memory column is the "
                      "answering process alone; the server process peaked at "
                      + ", ".join(f"{_f(mb, 0)} MB ({k}×)" for k, mb in sorted(servers.items(), key=lambda kv: int(kv[0])))
                      + ". Not a Milvus Standalone measurement (no Docker here): Standalone's engine is C++."]
    return "\n".join(lines) + "\n"


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"
