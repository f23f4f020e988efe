"""The index on disk: SQLite store of notices and chunks, numpy vectors, FAISS and BM25 — no pickle.

Layout: <index>/CURRENT names the live version folder <index>/v-…; a build is written to a hidden
folder, renamed, and CURRENT is replaced atomically, so a killed ingest leaves the old version live.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np

from .errors import IndexCorruptError, IndexMissingError, IndexModelMismatchError, IngestBusyError
from .models import Chunk, Notice
from .tokenizer import Tokenizer

FORMAT_VERSION = 1
POINTER = "CURRENT"


@dataclass
class FileRecord:
    path: str  # relative to the corpus folder
    sha256: str
    size: int
    status: str  # "indexed" or "kept" (unreadable now, previous version kept)
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


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def ingest_lock(root: Path):
    """Only one ingest may write an index folder at a time."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IngestBusyError(f"Another ingest is writing {root}; wait for it to finish.") from exc
        yield


def write_index(root: Path, data: IndexData) -> Path:
    """Write a new version beside the live one and switch CURRENT to it atomically."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    building = root / f".building-{stamp}"
    building.mkdir()
    _write_store(building / "store.sqlite", data)
    np.save(building / "vectors.npy", data.vectors, allow_pickle=False)
    faiss.write_index(_dense_index(data.vectors), str(building / "dense.faiss"))
    tokenizer = Tokenizer(data.user_words)
    retriever = bm25s.BM25()
    retriever.index([tokenizer.tokenize(c.index_text) or ["∅"] for c in data.chunks] or [["∅"]], show_progress=False)
    retriever.save(str(building / "bm25"), show_progress=False)
    (building / "userdict.txt").write_text("\n".join(data.user_words), encoding="utf-8")
    manifest = {
        "format_version": FORMAT_VERSION,
        "model_name": data.model_name,
        "dim": data.dim,
        "n_chunks": len(data.chunks),
        "n_notices": len(data.notices),
        "n_files": len(data.files),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    (building / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    for item in building.rglob("*"):
        if item.is_file():
            with open(item, "rb") as handle:
                os.fsync(handle.fileno())
    final = root / f"v-{stamp}"
    os.rename(building, final)
    pointer_tmp = root / f".{POINTER}.tmp"
    with open(pointer_tmp, "w") as handle:
        handle.write(final.name)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pointer_tmp, root / POINTER)
    _fsync_dir(root)
    remove_stale_versions(root)
    return final


def remove_stale_versions(root: Path) -> None:
    """Delete versions that are no longer live and builds left by an interrupted ingest."""
    live = current_version(root)
    for item in root.iterdir():
        if item.is_dir() and (item.name.startswith(".building-") or (item.name.startswith("v-") and item != live)):
            shutil.rmtree(item, ignore_errors=True)


def current_version(root: Path) -> Path | None:
    pointer = root / POINTER
    if not pointer.exists():
        return None
    return root / pointer.read_text().strip()


def _dense_index(vectors: np.ndarray) -> faiss.Index:
    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 1
    index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


def _write_store(path: Path, data: IndexData) -> None:
    db = sqlite3.connect(path)
    with db:
        db.executescript(
            """
            CREATE TABLE files (path TEXT PRIMARY KEY, sha256 TEXT, size INTEGER, status TEXT, reason TEXT);
            CREATE TABLE notices (id TEXT PRIMARY KEY, file TEXT, data TEXT);
            CREATE TABLE chunks (row INTEGER PRIMARY KEY, id TEXT UNIQUE, notice_id TEXT, file TEXT,
                                 jurisdiction TEXT, year INTEGER, data TEXT);
            """
        )
        db.executemany("INSERT INTO files VALUES (?,?,?,?,?)",
                       [(f.path, f.sha256, f.size, f.status, f.reason) for f in data.files])
        db.executemany("INSERT INTO notices VALUES (?,?,?)",
                       [(n.id, n.file, json.dumps(asdict(n), ensure_ascii=False)) for n in data.notices])
        db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?)",
            [(row, c.id, c.notice_id, c.file, c.jurisdiction, c.year, json.dumps(asdict(c), ensure_ascii=False))
             for row, c in enumerate(data.chunks)],
        )
    db.close()


class LocalIndex:
    """A loaded index version: data plus the FAISS and BM25 structures to search it."""

    def __init__(self, folder: Path, data: IndexData, dense: faiss.Index, bm25: bm25s.BM25, tokenizer: Tokenizer):
        self.folder = folder
        self.data = data
        self.dense = dense
        self.bm25 = bm25
        self.tokenizer = tokenizer
        self.notice_by_id = {n.id: n for n in data.notices}

    @property
    def chunks(self) -> list[Chunk]:
        return self.data.chunks

    @property
    def notices(self) -> list[Notice]:
        return self.data.notices

    def search_dense(self, query_vector: np.ndarray, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, cosine) of the k nearest chunks; a boolean mask restricts the rows searched."""
        n = len(self.data.chunks)
        if n == 0 or k <= 0:
            return []
        if mask is not None:
            rows = np.flatnonzero(mask)
            if len(rows) == 0:
                return []
            scores = self.data.vectors[rows] @ query_vector
            top = np.argsort(-scores)[:k]
            return [(int(rows[i]), float(scores[i])) for i in top]
        scores, ids = self.dense.search(query_vector.reshape(1, -1).astype(np.float32), min(k, n))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def search_bm25(self, tokens: list[str], k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(row, BM25 score) of the k best-matching chunks with a positive score."""
        if not tokens or not self.data.chunks or k <= 0:
            return []
        scores = self.bm25.get_scores(tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = np.argsort(-scores)[:k]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def open_index(root: Path, expected_model: str | None = None) -> LocalIndex:
    """Load the live version, or raise a typed error that says how to fix the index."""
    folder = current_version(root)
    if folder is None:
        raise IndexMissingError(f"No index at {root}. Build it with: python ingest.py --index {root}")
    fix = f"rebuild it with: python ingest.py --rebuild --index {root}"
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"The index at {root} is damaged (manifest unreadable); {fix}") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexCorruptError(f"The index at {root} was written by another version of the assistant; {fix}")
    if expected_model and manifest["model_name"] != expected_model:
        raise IndexModelMismatchError(
            f"The index at {root} was built with embedding model '{manifest['model_name']}', but "
            f"'{expected_model}' is configured. Use the same model, or {fix}"
        )
    try:
        data = _read_store(folder / "store.sqlite", manifest)
        data.vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        dense = faiss.read_index(str(folder / "dense.faiss"))
        bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
        data.user_words = (folder / "userdict.txt").read_text(encoding="utf-8").split("\n")
    except IndexCorruptError:
        raise
    except Exception as exc:
        raise IndexCorruptError(f"The index at {root} is damaged ({type(exc).__name__}: {exc}); {fix}") from exc
    n = len(data.chunks)
    if data.vectors.shape != (n, manifest["dim"]) or dense.ntotal != n or n != manifest["n_chunks"]:
        raise IndexCorruptError(f"The index at {root} is inconsistent (chunk and vector counts differ); {fix}")
    return LocalIndex(folder, data, dense, bm25, Tokenizer([w for w in data.user_words if w]))


def _read_store(path: Path, manifest: dict) -> IndexData:
    if not path.exists():
        raise IndexCorruptError(f"store.sqlite is missing from {path.parent}")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        files = [FileRecord(*row) for row in db.execute("SELECT path, sha256, size, status, reason FROM files")]
        notices = [Notice(**json.loads(row[0])) for row in db.execute("SELECT data FROM notices ORDER BY rowid")]
        chunks = [Chunk(**json.loads(row[0])) for row in db.execute("SELECT data FROM chunks ORDER BY row")]
    finally:
        db.close()
    return IndexData(manifest["model_name"], manifest["dim"], files, notices, chunks,
                     np.zeros((0, manifest["dim"]), dtype=np.float32), [])
