"""One measurement in a fresh process (so peak memory and cold start are its own); prints one JSON line.

    python -m bench.worker ingest   --corpus C --index I [--embedding-backend B]
    python -m bench.worker query    --index I --questions Q      (prints READY after the first answer)
    python -m bench.worker baseline --corpus C --questions Q
    python -m bench.worker embed    --corpus C --embedding-backend B --batch N
    python -m bench.worker dense    --index I --questions Q
    python -m bench.worker milvus-write --index I --milvus-uri M.db   (a local index copied into Milvus Lite)
    python -m bench.worker query    --store milvus --milvus-uri M.db --questions Q
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import add_common_args, settings_from_args  # noqa: E402


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def percentiles(values: list[float]) -> dict:
    from eval.metrics import percentile

    return {"p50": round(percentile(values, 50), 2), "p95": round(percentile(values, 95), 2), "n": len(values)}


def load_questions(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_ingest(settings) -> dict:
    from assistant.ingest.build import ingest

    result = ingest(settings, rebuild=True, progress=False)
    t = result.timings
    return {"n_files": len([r for r in result.reports if r.status == "indexed"]), "n_chars": result.n_chars,
            "n_chunks": result.n_chunks, "parsing_s": t.parsing, "embedding_s": t.embedding,
            "indexing_s": t.indexing, "total_s": t.parsing + t.embedding + t.indexing,
            "index_bytes": folder_bytes(Path(result.location)), "dense_index": _dense_kind(Path(result.location)),
            "peak_rss_mb": peak_rss_mb()}


def _dense_kind(folder: Path) -> str:
    import faiss

    return type(faiss.read_index(str(folder / "dense.faiss"))).__name__


def run_query(settings, questions: list[dict], rounds: int) -> dict:
    """Cold start to the first answer, then warm latencies: retrieval alone, parts of it, the whole answer."""
    from assistant.apps.records import answer_record
    from assistant.pipeline import Assistant
    from eval.metrics import gold_rank

    assistant = Assistant(settings)
    assistant.ask(questions[0]["question"])
    print("READY", flush=True)  # the parent times process start → this line
    for q in questions:  # first pass warms the lazily built filter masks, as a running server would be
        assistant.ask(q["question"])
    retrieval, answer, bm25, dense, embed = [], [], [], [], []
    hits = []
    for round_ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            query = assistant.parse(q["question"])
            before_embed = time.perf_counter()
            vector = assistant.embedder.embed_query(query.search_text)
            after_embed = time.perf_counter()
            assistant.searcher.search(query, 10, query_vector=vector)
            retrieval.append((time.perf_counter() - started) * 1000)  # parse + embed + hybrid search
            embed.append((after_embed - before_embed) * 1000)
            tokens = assistant.index.tokenizer.tokenize(query.search_text)
            restriction, _, _ = assistant.searcher.restrict(_filters(query))
            t0 = time.perf_counter()
            assistant.index.search_bm25(query.search_text, tokens, 60, restriction)
            t1 = time.perf_counter()
            assistant.index.search_dense(vector, 60, restriction)
            t2 = time.perf_counter()
            bm25.append((t1 - t0) * 1000)
            dense.append((t2 - t1) * 1000)
            started = time.perf_counter()
            result = assistant.ask(q["question"], use_llm=False)
            answer.append((time.perf_counter() - started) * 1000)
            if round_ == 0 and q.get("gold") and q["type"] != "unanswerable":
                hits.append(gold_rank(q, answer_record(result)) is not None)
    return {"n_chunks": len(assistant.index.chunks), "retrieval_ms": percentiles(retrieval),
            "answer_ms": percentiles(answer), "bm25_ms": percentiles(bm25), "dense_ms": percentiles(dense),
            "embed_query_ms": percentiles(embed), "hit@5": round(sum(hits) / max(len(hits), 1), 3),
            "peak_rss_mb": peak_rss_mb()}


def run_milvus_write(settings, uri: str) -> dict:
    """Write a built local index into a Milvus Lite file: the Milvus store's share of an ingest (the
    parsing and embedding before it are the same for both stores)."""
    from assistant.stores.local import open_index
    from assistant.stores.milvus import write_milvus

    data = open_index(settings.index_dir).data
    started = time.perf_counter()
    write_milvus(uri, settings.milvus_collection, data)
    return {"n_chunks": len(data.chunks), "write_s": time.perf_counter() - started,
            "store_bytes": folder_bytes(Path(uri)), "peak_rss_mb": peak_rss_mb()}


def _filters(query):
    from assistant.models import Filters

    return Filters(list(query.jurisdictions), list(query.years), [], list(query.doc_numbers))


def run_baseline(settings, questions: list[dict], cache: Path) -> dict:
    from assistant.embedding import load_embedder
    from eval.baseline import Baseline

    started = time.perf_counter()
    baseline = Baseline(settings.corpus_dir, load_embedder(settings), cache)
    baseline.build()
    build_s = time.perf_counter() - started
    baseline.ask(questions[0]["question"])
    latencies = []
    for q in questions:
        started = time.perf_counter()
        baseline.ask(q["question"])
        latencies.append((time.perf_counter() - started) * 1000)
    return {"ingest_s": build_s, "answer_ms": percentiles(latencies), "peak_rss_mb": peak_rss_mb()}


def run_embed(settings) -> dict:
    """Embedding throughput of one backend and batch size over the corpus's chunks."""
    from assistant.ingest.chunking import chunk_document
    from assistant.embedding import load_embedder
    from assistant.ingest.build import scan_corpus
    from assistant.ingest.readers import read_document

    files, _ = scan_corpus(settings.corpus_dir)
    texts = []
    for path in files:
        _, chunks = chunk_document(read_document(path, settings.max_file_mb), path.name,
                                   settings.max_chunk_chars, settings.chunk_overlap_sentences)
        texts += [c.index_text for c in chunks]
    started = time.perf_counter()
    embedder = load_embedder(settings)
    load_s = time.perf_counter() - started
    embedder.embed(texts[:16])  # warm-up
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - started
    return {"n_chunks": len(texts), "load_s": load_s, "embed_s": seconds, "chunks_per_s": len(texts) / seconds,
            "peak_rss_mb": peak_rss_mb()}


def run_dense(settings, questions: list[dict]) -> dict:
    """Exact (Flat) against HNSW on the index's vectors: build time, latency, recall@10; and how exact search
    grows past the corpus (the vectors tiled with noise up to 10 times)."""
    import faiss
    import numpy as np

    from assistant.embedding import load_embedder
    from assistant.stores.local import HNSW_EF_CONSTRUCTION, HNSW_NEIGHBOURS, current_version

    vectors = np.load(current_version(settings.index_dir) / "vectors.npy")
    embedder = load_embedder(settings)
    queries = np.stack([embedder.embed_query(q["question"]) for q in questions]).astype(np.float32)
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    truth = exact.search(queries, 10)[1]

    def timed(index, params=None) -> tuple[float, np.ndarray]:
        times, found = [], []
        for q in queries:
            started = time.perf_counter()
            ids = index.search(q.reshape(1, -1), 10, params=params)[1] if params else index.search(q.reshape(1, -1), 10)[1]
            times.append((time.perf_counter() - started) * 1000)
            found.append(ids[0])
        return percentiles(times)["p50"], np.stack(found)

    def recall(found: np.ndarray) -> float:
        return float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)]))

    flat_p50, _ = timed(exact)
    out = {"n": len(vectors), "flat_p50_ms": flat_p50, "hnsw": []}
    started = time.perf_counter()
    hnsw = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
    hnsw.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    hnsw.add(vectors)
    build_s = time.perf_counter() - started
    for ef in (32, 64, 128, 256):
        p50, found = timed(hnsw, faiss.SearchParametersHNSW(efSearch=ef))
        out["hnsw"].append({"ef_search": ef, "p50_ms": p50, "recall@10": recall(found), "build_s": build_s})
    rng = np.random.default_rng(0)
    out["flat_growth"] = []
    for times in (1, 3, 10):
        tiled = np.concatenate([vectors + (rng.normal(0, 0.02, vectors.shape).astype(np.float32) if t else 0)
                                for t in range(times)])
        tiled /= np.linalg.norm(tiled, axis=1, keepdims=True)
        big = faiss.IndexFlatIP(vectors.shape[1])
        big.add(tiled)
        out["flat_growth"].append({"n": len(tiled), "p50_ms": timed(big)[0]})
        del big, tiled
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("job", choices=["ingest", "query", "baseline", "embed", "dense", "milvus-write"])
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--batch", type=int)
    parser.add_argument("--cache", type=Path, default=ROOT / "bench" / ".work" / "baseline-cache")
    add_common_args(parser)
    args = parser.parse_args()
    settings = settings_from_args(args)
    if args.batch:
        from dataclasses import replace

        settings = replace(settings, embed_batch_size=args.batch)
    if args.job == "ingest":
        out = run_ingest(settings)
    elif args.job == "query":
        out = run_query(settings, load_questions(args.questions), args.rounds)
    elif args.job == "baseline":
        out = run_baseline(settings, load_questions(args.questions), args.cache)
    elif args.job == "milvus-write":
        out = run_milvus_write(settings, args.milvus_uri)
    elif args.job == "dense":
        out = run_dense(settings, load_questions(args.questions))
    else:
        out = run_embed(settings)
    print("RESULT " + json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
