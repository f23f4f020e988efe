"""The common LangChain recipe (recursive splitter + FAISS + top chunk as answer), scored beside the assistant."""
from __future__ import annotations

import bisect
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from langchain_community.vectorstores import FAISS
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.ingest.chunking import parse_document
from assistant.errors import AssistantError
from assistant.ingest.build import scan_corpus, sha256_of
from assistant.ingest.readers import read_document

CHUNK_SIZE, CHUNK_OVERLAP = 250, 50
SEPARATORS = ["\n\n", "\n", "。", "！", "？", "；", "，", " ", ""]
NOTICE_FIELDS = ("notice_title", "doc_number", "issuer", "date", "jurisdiction")


class EmbedderAdapter(Embeddings):
    """The assistant's already-loaded Embedder behind LangChain's Embeddings interface."""

    def __init__(self, embedder):
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


class Baseline:
    """Recursive 250/50 split, FAISS top-k similarity search; the answer is the top chunk, never abstains."""

    def __init__(self, corpus_dir: Path, embedder, cache_dir: Path, max_mb: float = 50.0):
        self.corpus_dir, self.cache_dir, self.max_mb = Path(corpus_dir), Path(cache_dir), max_mb
        self.embedder = embedder
        self.embeddings = EmbedderAdapter(embedder)
        self.splitter = RecursiveCharacterTextSplitter(
            chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, separators=SEPARATORS, add_start_index=True)
        self.store: FAISS | None = None
        self.files: dict[str, tuple[list[int], list]] = {}  # rel path -> (line start offsets, notices)

    def build(self) -> FAISS:
        """Load the cached store for this corpus and model, or embed and cache it."""
        if self.store is not None:
            return self.store
        # Same file set as the assistant's ingest (sorted, recursive, hidden files skipped).
        paths, _ = scan_corpus(self.corpus_dir)
        texts: dict[str, str] = {}
        digest = hashlib.sha256(json.dumps(
            [self.embedder.name, CHUNK_SIZE, CHUNK_OVERLAP, SEPARATORS], ensure_ascii=False).encode())
        for path in paths:
            rel = path.relative_to(self.corpus_dir).as_posix()
            try:
                texts[rel] = read_document(path, self.max_mb)
            except AssistantError:
                continue
            digest.update(f"\0{rel}\0{sha256_of(path)}".encode())
        if not texts:
            raise AssistantError(f"No readable documents in {self.corpus_dir}")
        # Notices are re-parsed on every load, not cached, so citations follow the assistant's current parser.
        for rel, text in texts.items():
            self.files[rel] = (_line_starts(text), [notice for notice, _ in parse_document(text, rel)])
        folder = self.cache_dir / f"baseline-{digest.hexdigest()[:16]}"
        if folder.is_dir():
            # Pickle is only unsafe for files others wrote; this folder is written by _create below.
            self.store = FAISS.load_local(str(folder), self.embeddings, allow_dangerous_deserialization=True)
        else:
            self.store = self._create(texts, folder)
        return self.store

    def _create(self, texts: dict[str, str], folder: Path) -> FAISS:
        """Split and embed every file, then save under a temp name and rename: no half-written cache."""
        docs = self.splitter.create_documents(list(texts.values()), [{"source": rel} for rel in texts])
        print(f"baseline: embedding {len(docs)} chunks from {len(texts)} files…", file=sys.stderr, flush=True)
        started = time.monotonic()
        store = FAISS.from_documents(docs, self.embeddings)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".tmp-baseline-", dir=self.cache_dir)
        try:
            store.save_local(tmp)
            os.rename(tmp, folder)
        except OSError:
            if not folder.is_dir():  # an existing folder means a parallel build won the race: fine
                raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"baseline: built in {time.monotonic() - started:.0f} s → {folder}", file=sys.stderr, flush=True)
        return store

    def ask(self, question: str, k: int = 5) -> dict:
        """Top-k chunks as citations (rank order); the answer is the first chunk's text."""
        hits = self.build().similarity_search_with_score(question, k=k)
        citations = [
            {"marker": rank, **self._notice_fields(doc.metadata), "clause_path": "",
             "text": doc.page_content, "score": float(score)}
            for rank, (doc, score) in enumerate(hits, start=1)
        ]
        return {"answer": hits[0][0].page_content if hits else "", "abstained": False, "citations": citations}

    def _notice_fields(self, metadata: dict) -> dict:
        """Metadata of the notice whose lines hold the chunk's start (else the nearest one before it)."""
        line_starts, notices = self.files.get(metadata.get("source"), ([0], []))
        # create_documents reports -1 when it cannot locate a chunk; count that as the file's start.
        line = bisect.bisect_right(line_starts, max(0, metadata.get("start_index", 0)))  # 1-based
        containing = [n for n in notices if n.line_start <= line <= n.line_end]
        preceding = [n for n in notices if n.line_start <= line]
        notice = (containing or preceding or [None])[-1]
        if notice is None:
            return dict.fromkeys(NOTICE_FIELDS, "")
        return {"notice_title": notice.title, "doc_number": notice.doc_number, "issuer": notice.issuer,
                "date": notice.date, "jurisdiction": notice.jurisdiction}


def _line_starts(text: str) -> list[int]:
    """Offset where each line begins, numbered as str.splitlines() does (like assistant.govdocs.cleaning.split_lines)."""
    starts, offset = [], 0
    for line in text.splitlines(keepends=True):
        starts.append(offset)
        offset += len(line)
    return starts or [0]
