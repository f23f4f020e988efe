"""Build or update the index from the corpus folder: only new or changed files are parsed and embedded."""
from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.errors import AssistantError, IndexCorruptError, IndexMissingError, UnreadableFileError, os_error_reason
from assistant.stores.base import FileRecord, IndexData, sha256_of
from assistant.models import Chunk, FileReport, Notice
from .readers import SUPPORTED_SUFFIXES
from .sandbox import FileParser
from assistant.govdocs.sentences import clause_sentences
from assistant.stores.registry import (describe_location, ingest_lock, keeps_sentence_vectors, read_store_data,
                                      remove_leftovers, write_store_data)
from assistant.stores.tokenizer import user_words


@dataclass
class IngestTimings:
    """Seconds spent in each phase of one ingest (for the benchmark)."""

    parsing: float = 0.0  # scanning, hashing, reading and chunking files
    embedding: float = 0.0  # loading the model and embedding new chunks and their sentences
    indexing: float = 0.0  # writing the store, vectors, FAISS and BM25


@dataclass
class IngestResult:
    reports: list[FileReport] = field(default_factory=list)
    changed: bool = False
    n_notices: int = 0
    n_chunks: int = 0
    location: str = ""  # where the live index is: its folder, or its Milvus collection
    warnings: list[str] = field(default_factory=list)
    n_chars: int = 0  # characters of text parsed in this run
    n_embedded: int = 0  # chunks embedded in this run
    n_sentences_embedded: int = 0  # sentences embedded in this run (for choosing the sentence that answers)
    timings: IngestTimings = field(default_factory=IngestTimings)


def scan_corpus(corpus: Path) -> tuple[list[Path], list[FileReport]]:
    """Supported files under the corpus folder, and reports for the rest.

    Hidden files are skipped silently (an upload in progress is a hidden .part file). Symbolic links are
    skipped with a reason, and so is anything that resolves outside the corpus folder: a link to /etc/passwd
    dropped into the corpus must not be indexed and quoted."""
    if not corpus.is_dir():
        raise AssistantError(f"找不到文件库文件夹：{corpus}")
    root = corpus.resolve()
    files, skipped = [], []
    for folder, dirs, names in os.walk(corpus, followlinks=False):
        base = Path(folder)
        for name in sorted(dirs):
            if not name.startswith(".") and (base / name).is_symlink():
                rel = (base / name).relative_to(corpus).as_posix()
                skipped.append(FileReport(rel, "failed", "这是指向其他位置的文件夹链接，出于安全考虑已跳过"))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not (base / d).is_symlink())
        for name in sorted(names):
            path = base / name
            rel = path.relative_to(corpus).as_posix()
            if name.startswith("."):
                continue
            if path.is_symlink() or not path.resolve().is_relative_to(root):
                skipped.append(FileReport(rel, "failed", "这是指向其他位置的链接（符号链接），出于安全考虑已跳过；"
                                                         "请把文件本身复制到文件库"))
            elif not path.is_file():
                continue
            elif path.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(path)
            else:
                skipped.append(FileReport(rel, "failed", f"不支持的文件类型“{path.suffix or '无扩展名'}”"))
    files.sort()
    return files, skipped


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """A hash of the code and word lists that turn a file into notices and chunks: when they change (an
    upgrade), every file is parsed again on the next ingest; its unchanged chunks keep their vectors."""
    package = Path(__file__).resolve().parent.parent
    parts = sorted([*(package / "govdocs").rglob("*.py"), *(package / "govdocs" / "data").glob("*"),
                    package / "ingest" / "chunking.py", package / "ingest" / "readers.py",
                    package / "ingest" / "encodings.py", package / "ingest" / "spreadsheets.py",
                    package / "ingest" / "ocr.py", package / "ingest" / "office.py",
                    package / "ingest" / "ofd.py", package / "models.py"])
    digest = hashlib.sha256()
    for part in parts:
        if part.is_file():
            digest.update(part.relative_to(package).as_posix().encode() + b"\0" + part.read_bytes())
    return digest.hexdigest()[:16]


def file_digest(path: Path) -> str:
    """The file's SHA-256 under this parser: the same bytes read by other code are another digest."""
    return hashlib.sha256(f"{sha256_of(path)}:{parser_fingerprint()}".encode()).hexdigest()


def _previous(settings: Settings, rebuild: bool, result: IngestResult) -> IndexData | None:
    if rebuild:
        return None
    try:
        return read_store_data(settings)
    except IndexMissingError:
        return None
    except IndexCorruptError as exc:
        result.warnings.append(f"{exc} — building a new index from scratch.")
        return None


def ingest(settings: Settings, rebuild: bool = False, progress: bool = True,
           embedder_factory: Callable | None = None) -> IngestResult:
    """Bring the index in line with the corpus folder; the previous version stays live until the swap."""
    result = IngestResult()
    clock = time.perf_counter()
    with ingest_lock(settings), FileParser(settings) as parser:
        remove_leftovers(settings)
        previous = _previous(settings, rebuild, result)
        old_files = {f.path: f for f in previous.files} if previous else {}
        rows_of_file: dict[str, list[int]] = {}
        for row, chunk in enumerate(previous.chunks if previous else []):
            rows_of_file.setdefault(chunk.file, []).append(row)
        files, skipped = scan_corpus(settings.corpus_dir)
        result.reports += skipped
        records: list[FileRecord] = []
        notices: list[Notice] = []
        chunks: list[Chunk] = []
        seen: set[str] = set()
        iterator = _progress(files, "读取文件", progress)
        for path in iterator:
            rel = path.relative_to(settings.corpus_dir).as_posix()
            seen.add(rel)
            try:
                digest = file_digest(path)
            except OSError as exc:  # removed or unreadable since the scan
                result.reports.append(FileReport(rel, "failed", f"无法打开文件（{os_error_reason(exc)}）"))
                continue
            old = old_files.get(rel)
            if old and old.sha256 == digest and old.status == "failed" and not rebuild:
                # The same bytes failed last time: do not spend the time limit on them again.
                records.append(old)
                result.reports.append(FileReport(rel, "failed", f"{old.reason}（文件未改动；修改后或用 --rebuild 重试）"))
                continue
            if old and old.sha256 == digest and old.status == "indexed":
                kept_notices, kept_chunks = _carry_over(previous, rows_of_file, rel)
                notices += kept_notices
                chunks += kept_chunks
                records.append(old)
                result.reports.append(FileReport(rel, "unchanged", n_notices=len(kept_notices), n_chunks=len(kept_chunks)))
                continue
            result.changed = True
            try:
                with _PageBar(rel, progress) as bar:
                    parsed = parser.parse(path, rel, on_page=bar.page)
                result.n_chars += parsed.n_chars
                file_notices, file_chunks = parsed.notices, parsed.chunks
            except UnreadableFileError as exc:
                if old:  # keep what was indexed before rather than lose it
                    kept_notices, kept_chunks = _carry_over(previous, rows_of_file, rel)
                    notices += kept_notices
                    chunks += kept_chunks
                    records.append(FileRecord(rel, old.sha256, old.size, "kept", str(exc)))
                    result.reports.append(FileReport(rel, "kept", f"{exc}（保留了之前入库的版本）"))
                else:
                    records.append(FileRecord(rel, digest, _size(path), "failed", str(exc)))
                    result.reports.append(FileReport(rel, "failed", str(exc)))
                continue
            notices += file_notices
            chunks += file_chunks
            records.append(FileRecord(rel, digest, _size(path), "indexed"))
            result.reports.append(FileReport(rel, "indexed", n_notices=len(file_notices), n_chunks=len(file_chunks)))
        for rel in sorted(set(old_files) - seen):
            result.changed = True
            result.reports.append(FileReport(rel, "removed", "文件已不在文件库中"))
        sentences_wanted = keeps_sentence_vectors(settings)
        if previous is None or (sentences_wanted and previous.sentence_vectors is None):
            result.changed = True  # new, or built before sentence vectors: this run adds them
        result.n_notices, result.n_chunks = len(notices), len(chunks)
        if not result.changed:
            result.location = describe_location(settings)
            return result
        result.timings.parsing = time.perf_counter() - clock
        clock = time.perf_counter()
        embedder = (embedder_factory or _default_embedder)(settings)
        all_vectors, result.n_embedded = vectors_by_content(chunks, previous, settings.model_id, embedder, progress)
        sentence_vectors = sentence_starts = None
        if sentences_wanted:
            sentence_vectors, sentence_starts, result.n_sentences_embedded = sentence_vectors_by_content(
                chunks, previous, settings.model_id, embedder, progress)
        result.timings.embedding = time.perf_counter() - clock
        clock = time.perf_counter()
        names = [n.jurisdiction for n in notices] + [n.issuer for n in notices]
        names += [d for c in chunks for d in c.lead_departments + c.support_departments]
        data = IndexData(settings.model_id, embedder.dim, records, notices, chunks, all_vectors,
                         user_words(names), sentence_vectors, sentence_starts)
        result.location = write_store_data(settings, data, progress=progress)
        result.timings.indexing = time.perf_counter() - clock
    return result


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _default_embedder(settings: Settings):
    from assistant.embedding import load_embedder

    return load_embedder(settings)


def _carry_over(previous: IndexData, rows_of_file: dict[str, list[int]], rel: str) -> tuple[list[Notice], list[Chunk]]:
    """An unchanged file's notices and chunks as the previous version holds them (not parsed again)."""
    kept_notices = [n for n in previous.notices if n.file == rel]
    return kept_notices, [previous.chunks[i] for i in rows_of_file.get(rel, [])]


def content_hash(model_id: str, text: str) -> str:
    """What a vector is keyed by: the model and the exact text it embedded (as simonw/llm keys embeddings)."""
    return hashlib.sha256(f"{model_id}\n{text}".encode("utf-8")).hexdigest()


def vectors_by_content(chunks: list[Chunk], previous: IndexData | None, model_id: str, embedder,
                       progress: bool = False) -> tuple[np.ndarray, int]:
    """A vector per chunk: looked up by content hash in the previous version, embedded only when missing
    (an edited file re-embeds only its changed clauses, a renamed file none). Returns (vectors, n embedded)."""
    known: dict[str, np.ndarray] = {}
    if previous is not None and previous.model_name == model_id:
        for chunk, vector in zip(previous.chunks, previous.vectors):
            known[content_hash(model_id, chunk.index_text)] = vector
    keys = [content_hash(model_id, c.index_text) for c in chunks]
    first_row: dict[str, int] = {}  # each text embedded once, however many chunks share it
    for row, key in enumerate(keys):
        if key not in known:
            first_row.setdefault(key, row)
    missing = list(first_row.values())
    if missing:
        fresh = embedder.embed([chunks[i].index_text for i in missing], progress=progress)
        known.update({keys[i]: vector for i, vector in zip(missing, fresh)})
    vectors = np.zeros((len(chunks), embedder.dim), dtype=np.float32)
    for row, key in enumerate(keys):
        vectors[row] = known[key]
    return vectors, len(missing)


def sentence_vectors_by_content(chunks: list[Chunk], previous: IndexData | None, model_id: str, embedder,
                                progress: bool = False) -> tuple[np.ndarray, np.ndarray, int]:
    """A float16 vector per sentence of every clause (clause_sentences order) and each clause's first row;
    sentences the previous version embedded are reused, by text. Returns (vectors, starts, n embedded)."""
    known: dict[str, np.ndarray] = {}
    if previous is not None and previous.model_name == model_id and previous.sentence_vectors is not None:
        for row, chunk in enumerate(previous.chunks):
            start, end = previous.sentence_starts[row], previous.sentence_starts[row + 1]
            sentences = clause_sentences(chunk)
            if len(sentences) == end - start:  # the same splitting made them (else they are embedded again)
                known.update(zip(sentences, previous.sentence_vectors[start:end]))
    per_chunk = [clause_sentences(c) for c in chunks]
    missing = list(dict.fromkeys(s for sentences in per_chunk for s in sentences if s not in known))
    if missing:
        fresh = embedder.embed(missing, progress=progress)
        known.update(zip(missing, fresh.astype(np.float16)))
    starts = np.zeros(len(chunks) + 1, dtype=np.int64)
    starts[1:] = np.cumsum([len(sentences) for sentences in per_chunk])
    vectors = np.zeros((int(starts[-1]), embedder.dim), dtype=np.float16)
    for row, sentences in enumerate(per_chunk):
        for offset, sentence in enumerate(sentences):
            vectors[starts[row] + offset] = known[sentence]
    return vectors, starts, len(missing)


class _PageBar:
    """A progress bar for a scan read page by page by OCR (shown only once a page is read so)."""

    def __init__(self, rel: str, enabled: bool):
        self.rel, self.enabled, self.bar = rel, enabled, None

    def page(self, page: int, pages: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=pages, desc=f"OCR {self.rel}", unit="page", leave=False)
        self.bar.n = page - 1
        self.bar.refresh()

    def __enter__(self) -> "_PageBar":
        return self

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.n = self.bar.total
            self.bar.close()


def _progress(items, label: str, enabled: bool):
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, desc=label, unit="file")
