"""The index on disk: SQLite store of notices and chunks, numpy vectors, FAISS and BM25 — no pickle.

Layout: <index>/CURRENT names the live version folder <index>/v-…; a build is written to a hidden
folder, renamed, and CURRENT is replaced atomically, so a killed ingest leaves the old version live.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
from dataclasses import asdict
from pathlib import Path

import bm25s
import faiss
import numpy as np

from assistant.config import Settings
from assistant.errors import IndexCorruptError, IndexMissingError, IndexModelMismatchError, IndexWriteError, os_error_reason
from assistant.models import Chunk, Notice
from .base import (DENSE_EXACT_LIMIT, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_NEIGHBOURS, ChunkTable, FileRecord,
                   IndexData, StoreBackend, folder_lock, sha256_of)
from .facets import Restriction
from .tokenizer import Tokenizer

FORMAT_VERSION = 2  # 2: manifest holds each file's size and sha256; dense index may be HNSW
POINTER = "CURRENT"
def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_index(root: Path, data: IndexData, exact_limit: int = DENSE_EXACT_LIMIT) -> Path:
    """Write a new version beside the live one and switch CURRENT to it atomically.

    Any failure (disk full, a kill) leaves the live version as it was; a failed build is removed."""
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    building = root / f".building-{stamp}"
    try:
        building.mkdir()
        final = _write_version(root, building, stamp, data, exact_limit)
    except Exception as exc:  # disk full, permissions, an I/O error in SQLite, numpy, FAISS or bm25s alike
        shutil.rmtree(building, ignore_errors=True)
        if isinstance(exc, OSError):
            reason = os_error_reason(exc)
        else:  # SQLite, numpy, FAISS and bm25s word a full disk in their own way
            reason = (str(exc).splitlines() or [type(exc).__name__])[0].replace(str(root), root.name)
        raise IndexWriteError(
            f"索引无法写入（{reason}），原有索引未受影响（the previous index is unchanged）。"
            "请释放磁盘空间或检查权限后重新入库。"
        ) from exc
    remove_stale_versions(root)
    return final


def _write_version(root: Path, building: Path, stamp: str, data: IndexData, exact_limit: int) -> Path:
    _write_store(building / "store.sqlite", data)
    np.save(building / "vectors.npy", data.vectors, allow_pickle=False)
    if data.sentence_vectors is not None and data.sentence_starts is not None:
        np.save(building / "sentences.npy", data.sentence_vectors.astype(np.float16), allow_pickle=False)
        np.save(building / "sentence_starts.npy", data.sentence_starts.astype(np.int64), allow_pickle=False)
    faiss.write_index(_dense_index(data.vectors, exact_limit), str(building / "dense.faiss"))
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
        "files": {item.relative_to(building).as_posix(): _fingerprint(item)
                  for item in sorted(building.rglob("*")) if item.is_file()},
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
    return final


def _fingerprint(path: Path) -> dict:
    return {"size": path.stat().st_size, "sha256": sha256_of(path)}


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
    name = pointer.read_bytes().decode("utf-8", errors="replace").strip()
    # A damaged pointer names no version folder: report it as a missing version, not a crash.
    return root / (name if name.startswith("v-") and "/" not in name else "v-unreadable-pointer")


def _dense_index(vectors: np.ndarray, exact_limit: int = DENSE_EXACT_LIMIT) -> faiss.Index:
    """Exact inner-product search up to `exact_limit` vectors, HNSW graph search beyond."""
    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[1] else 1
    if len(vectors) > exact_limit:
        index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(vectors)
    return index


def _write_store(path: Path, data: IndexData) -> None:
    db = sqlite3.connect(path)
    try:
        _fill_store(db, data)
    finally:
        db.close()  # also on failure: an open handle would keep a deleted build's disk space


def _fill_store(db: sqlite3.Connection, data: IndexData) -> None:
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


class LocalIndex(ChunkTable):
    """A loaded index version: data plus the FAISS and BM25 structures to search it."""

    def __init__(self, folder: Path, data: IndexData, dense: faiss.Index, bm25: bm25s.BM25):
        super().__init__(data.chunks, data.notices, data.user_words)
        self.folder = folder
        self.data = data
        self.dense = dense
        self.bm25 = bm25

    def is_current(self) -> bool:
        return current_version(self.folder.parent) == self.folder

    def sentence_similarities(self, row: int, query_vector: np.ndarray) -> tuple[float, ...]:
        if self.data.sentence_vectors is None:
            return ()
        start, end = self.data.sentence_starts[row], self.data.sentence_starts[row + 1]
        block = self.data.sentence_vectors[start:end].astype(np.float32)
        return tuple(float(x) for x in block @ query_vector)

    def search_dense(self, query_vector: np.ndarray, k: int,
                     restriction: Restriction | None = None) -> list[tuple[int, float]]:
        """(row, cosine) of the k nearest chunks; a restriction limits the rows searched."""
        n = len(self.data.chunks)
        if n == 0 or k <= 0:
            return []
        if restriction is not None and not restriction.is_empty():
            # Restricted searches are exact: a few rows are gathered, many are scored in one product.
            rows = np.flatnonzero(self.mask(restriction))
            if len(rows) == 0:
                return []
            if len(rows) < n // 4:
                scores = self.data.vectors[rows] @ query_vector
            else:
                scores = (self.data.vectors @ query_vector)[rows]
            top = _top_k(scores, k)
            return [(int(rows[i]), float(scores[i])) for i in top]
        scores, ids = self.dense.search(query_vector.reshape(1, -1).astype(np.float32), min(k, n))
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def search_bm25(self, text: str, tokens: list[str], k: int,
                    restriction: Restriction | None = None) -> list[tuple[int, float]]:
        """(row, BM25 score) of the k best-matching chunks with a positive score."""
        if not tokens or not self.data.chunks or k <= 0:
            return []
        scores = self.bm25.get_scores(tokens)
        if restriction is not None and not restriction.is_empty():
            scores = np.where(self.mask(restriction), scores, 0.0)
        top = _top_k(scores, k)
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]

    def token_document_counts(self) -> tuple[dict[str, int], int]:
        """From the BM25 matrix: a token's column length is the number of clauses holding it."""
        scores = self.bm25.scores
        df = np.diff(np.asarray(scores["indptr"]))
        n = int(scores.get("num_docs", len(self.chunks)))
        return {tok: int(df[col]) for tok, col in self.bm25.vocab_dict.items() if col < len(df)}, n


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k highest scores, best first: a partial sort, linear in the number of rows."""
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def open_index(root: Path, expected_model: str | None = None) -> LocalIndex:
    """Load the live version, or raise a typed error that says how to fix the index."""
    folder = current_version(root)
    if folder is None:
        raise IndexMissingError(f"{root} 没有索引。请先建立：python ingest.py --index {root}")
    fix = f"请重建：python ingest.py --rebuild --index {root}"
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorruptError(f"{root} 的索引已损坏（manifest 无法读取）；{fix}") from exc
    if manifest.get("format_version") != FORMAT_VERSION:
        raise IndexCorruptError(f"{root} 的索引由其他版本的助手写入；{fix}")
    _verify_files(folder, manifest, fix)
    if expected_model and manifest["model_name"] != expected_model:
        raise IndexModelMismatchError(
            f"{root} 的索引是用向量模型 '{manifest['model_name']}' 建立的，而当前配置的是 "
            f"'{expected_model}'。请使用同一个模型，或{fix}"
        )
    try:
        data = _read_store(folder / "store.sqlite", manifest)
        data.vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        dense = faiss.read_index(str(folder / "dense.faiss"))
        bm25 = bm25s.BM25.load(str(folder / "bm25"), show_progress=False)
        data.user_words = (folder / "userdict.txt").read_text(encoding="utf-8").split("\n")
        if (folder / "sentences.npy").exists():  # an index built before sentence vectors has none
            data.sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False)
            data.sentence_starts = np.load(folder / "sentence_starts.npy", allow_pickle=False)
    except IndexCorruptError:
        raise
    except Exception as exc:
        raise IndexCorruptError(f"{root} 的索引已损坏（{type(exc).__name__}：{exc}）；{fix}") from exc
    n = len(data.chunks)
    if data.vectors.shape != (n, manifest["dim"]) or dense.ntotal != n or n != manifest["n_chunks"]:
        raise IndexCorruptError(f"{root} 的索引前后不一致（条款数与向量数不同）；{fix}")
    starts = data.sentence_starts
    if data.sentence_vectors is not None and (
            starts is None or starts.shape != (n + 1,) or int(starts[-1]) != len(data.sentence_vectors)
            or data.sentence_vectors.shape[1:] != (manifest["dim"],)):
        raise IndexCorruptError(f"{root} 的索引前后不一致（句子向量与条款对不上）；{fix}")
    return LocalIndex(folder, data, dense, bm25)


def _verify_files(folder: Path, manifest: dict, fix: str) -> None:
    """Every file the manifest lists is there with its size and checksum: damage is caught before use."""
    for name, expected in manifest.get("files", {}).items():
        path = folder / name
        if not path.exists():
            raise IndexCorruptError(f"{folder.parent} 的索引已损坏（缺少 {name}）；{fix}")
        if path.stat().st_size != expected["size"]:
            raise IndexCorruptError(f"{folder.parent} 的索引已损坏（{name} 被截断或改动）；{fix}")
        if sha256_of(path) != expected["sha256"]:
            raise IndexCorruptError(f"{folder.parent} 的索引已损坏（{name} 校验和不符）；{fix}")


def _read_store(path: Path, manifest: dict) -> IndexData:
    if not path.exists():
        raise IndexCorruptError(f"{path.parent} 中缺少 store.sqlite")
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        files = [FileRecord(*row) for row in db.execute("SELECT path, sha256, size, status, reason FROM files")]
        notices = [Notice(**json.loads(row[0])) for row in db.execute("SELECT data FROM notices ORDER BY rowid")]
        chunks = [Chunk(**json.loads(row[0])) for row in db.execute("SELECT data FROM chunks ORDER BY row")]
    finally:
        db.close()
    return IndexData(manifest["model_name"], manifest["dim"], files, notices, chunks,
                     np.zeros((0, manifest["dim"]), dtype=np.float32), [])


def _remove_leftovers(settings: Settings) -> None:
    if Path(settings.index_dir).is_dir():
        remove_stale_versions(Path(settings.index_dir))


BACKEND = StoreBackend(
    open=lambda s: open_index(s.index_dir, expected_model=s.model_id),
    read=lambda s: open_index(s.index_dir, expected_model=s.model_id).data,
    write=lambda s, data, progress=False: str(write_index(s.index_dir, data)),
    lock=lambda s: folder_lock(Path(s.index_dir)),
    location=lambda s: str(s.index_dir),
    remove_leftovers=_remove_leftovers,
    keeps_sentence_vectors=True,
)
