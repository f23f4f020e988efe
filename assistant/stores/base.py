"""The storage interface: what the searcher needs from an index, and what every store shares.

Two stores implement it: `LocalIndex` (local.py: FAISS + BM25 + SQLite in a folder, the default) and
`MilvusStore` (milvus.py: a Milvus server, or a Milvus Lite file). Both keep the clause table —
text and metadata in document order — in memory (coverage, sub-headings, the UI's lists); the dense and
BM25 searches, and their filters, are what a store does its own way. Each store module exports a
`BACKEND` (open, read, write, lock, location); registry.py picks one by `Settings.store`. Stores import this
module, never each other.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ContextManager, Protocol

import numpy as np

from assistant.govdocs.cleaning import clean_text
from assistant.config import Settings
from assistant.errors import IndexWriteError, IngestBusyError, os_error_reason
from .facets import ClauseFacets, Restriction, clause_facets
from assistant.models import Chunk, Notice
from assistant.govdocs.patterns import same_doc_number
from .tokenizer import Tokenizer

MASK_CACHE_LIMIT = 256  # cached masks per kind (one byte per clause each); values come from users
# Past this many chunks the dense index is approximate (HNSW) instead of exact. Measured (bench/results.md):
# exact search takes 11 ms at 64k vectors, 32 ms at 191k, 106 ms at 638k — past ~200k it would cost more
# than the rest of an answer; HNSW answers in under 1 ms.
DENSE_EXACT_LIMIT = 200_000
HNSW_NEIGHBOURS = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 256  # recall@10 0.915 against exact on the 100x vectors at 0.5 ms (128: 0.870 at 0.25 ms)


@dataclass
class FileRecord:
    path: str  # relative to the corpus folder
    sha256: str
    size: int
    status: str  # "indexed", "kept" (unreadable now, previous version kept) or "failed" (never read)
    reason: str = ""


@dataclass
class IndexData:
    """Everything one version of the index holds, in memory."""

    model_name: str
    dim: int
    files: list[FileRecord]
    notices: list[Notice]
    chunks: list[Chunk]
    vectors: np.ndarray  # row i embeds chunks[i]
    user_words: list[str]
    # Sentence vectors (float16), for choosing the sentence that answers: clause i's sentences
    # (govdocs.sentences.clause_sentences) are rows sentence_starts[i]:sentence_starts[i + 1]. None when the
    # store keeps none (Milvus) or the index was built before they existed.
    sentence_vectors: np.ndarray | None = None
    sentence_starts: np.ndarray | None = None




class ChunkTable:
    """The clauses and notices of one index version, with row masks for restrictions."""

    def __init__(self, chunks: list[Chunk], notices: list[Notice], user_words: list[str]):
        self.chunks = chunks
        self.notices = notices
        self.user_words = [w for w in user_words if w]
        self.tokenizer = Tokenizer(self.user_words)
        self.notice_by_id = {n.id: n for n in notices}
        self.rows_of_file: dict[str, list[int]] = {}
        for row, chunk in enumerate(chunks):
            self.rows_of_file.setdefault(chunk.file, []).append(row)
        self._search_texts: list[str] | None = None
        self._facets: list[ClauseFacets] | None = None
        self._masks: dict[tuple[str, object], np.ndarray] = {}

    @property
    def search_texts(self) -> list[str]:
        """Each clause's index text, cleaned and lower-cased: what term matching looks in."""
        if self._search_texts is None:
            self._search_texts = [clean_text(c.index_text).lower() for c in self.chunks]
        return self._search_texts

    @property
    def facets(self) -> list[ClauseFacets]:
        if self._facets is None:
            self._facets = [clause_facets(c, self.notice_by_id.get(c.notice_id), text)
                            for c, text in zip(self.chunks, self.search_texts)]
        return self._facets

    def mask(self, restriction: Restriction) -> np.ndarray:
        """Rows that meet the restriction."""
        mask = np.ones(len(self.chunks), dtype=bool)
        groups = [("notice", restriction.notice_ids), ("doc", restriction.doc_numbers),
                  ("place", restriction.places), ("within", restriction.within), ("year", restriction.years)]
        for kind, values in groups:
            if values:
                alternatives = [self._value_mask(kind, v) for v in sorted(set(values))]
                if kind in ("place", "within") and restriction.placeless:
                    alternatives.append(self._value_mask("placeless", ""))
                mask &= np.logical_or.reduce(alternatives)
        return mask

    def _value_mask(self, kind: str, value) -> np.ndarray:
        key = (kind, value)
        if key not in self._masks:
            if len(self._masks) >= MASK_CACHE_LIMIT:
                self._masks.clear()
            if kind == "notice":
                self._masks[key] = np.array([c.notice_id == value for c in self.chunks], dtype=bool)
            elif kind == "placeless":
                self._masks[key] = np.array([not c.jurisdiction for c in self.chunks], dtype=bool)
            else:
                test = {
                    "doc": lambda f: any(same_doc_number(value, d) for d in f.doc_numbers),
                    "place": lambda f: value in f.places,
                    "within": lambda f: value in f.within,
                    "year": lambda f: f.years is None or value in f.years,
                }[kind]
                self._masks[key] = np.array([test(f) for f in self.facets], dtype=bool)
        return self._masks[key]

    # What each store implements.
    def search_dense(self, query_vector: np.ndarray, k: int,
                     restriction: Restriction | None = None) -> list[tuple[int, float]]:
        """(row, similarity) of the k nearest clauses, best first."""
        raise NotImplementedError

    def search_bm25(self, text: str, tokens: list[str], k: int,
                    restriction: Restriction | None = None) -> list[tuple[int, float]]:
        """(row, score) of the k best BM25 matches, best first; `tokens` is `text` cut by our tokenizer."""
        raise NotImplementedError

    def token_document_counts(self) -> tuple[dict[str, int], int]:
        """How many clauses each BM25 token occurs in, and the number of clauses (for term weights)."""
        raise NotImplementedError

    def is_current(self) -> bool:
        """False once a newer build has gone live (another process ingested); the loaded one stays usable."""
        return True

    def sentence_similarities(self, row: int, query_vector: np.ndarray) -> tuple[float, ...]:
        """Cosine of the question and each sentence of a clause (clause_sentences order); () when the store
        holds no sentence vectors."""
        return ()


class Store(Protocol):
    """What retrieval and answering use of a loaded index (ChunkTable gives all but the searches)."""

    chunks: list[Chunk]
    notices: list[Notice]
    notice_by_id: dict[str, Notice]
    tokenizer: Tokenizer
    search_texts: list[str]

    def mask(self, restriction: Restriction) -> np.ndarray: ...

    def search_dense(self, query_vector: np.ndarray, k: int,
                     restriction: Restriction | None = None) -> list[tuple[int, float]]: ...

    def search_bm25(self, text: str, tokens: list[str], k: int,
                    restriction: Restriction | None = None) -> list[tuple[int, float]]: ...

    def token_document_counts(self) -> tuple[dict[str, int], int]: ...

    def is_current(self) -> bool: ...

    def sentence_similarities(self, row: int, query_vector: np.ndarray) -> tuple[float, ...]: ...


@dataclass(frozen=True)
class StoreBackend:
    """How one kind of store opens, reads, writes and locks an index, given the settings."""

    open: Callable[[Settings], ChunkTable]  # the live index for answering
    read: Callable[[Settings], IndexData]  # everything, vectors included (an ingest carries unchanged files over)
    write: Callable[[Settings, IndexData, bool], str]  # a complete new version made live in one step; where
    lock: Callable[[Settings], ContextManager]  # one ingest at a time
    location: Callable[[Settings], str]  # where the live index is, for messages
    remove_leftovers: Callable[[Settings], None]  # what a killed ingest left behind
    keeps_sentence_vectors: bool = False  # whether ingest should embed each sentence for this store


@contextlib.contextmanager
def folder_lock(root: Path):
    """Only one ingest may write an index folder (or a Milvus Lite file beside it) at a time."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        handle = open(root / ".lock", "w")
    except OSError as exc:
        raise IndexWriteError(f"索引文件夹无法写入（{os_error_reason(exc)}），没有开始入库，原有索引未受影响。"
                              f"请检查索引文件夹 {root.name}/ 的权限和磁盘空间。") from exc
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IngestBusyError(f"另一个入库任务正在写入 {root}：请等它完成后再试。") from exc
        yield


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
