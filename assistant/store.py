"""The storage interface: what the searcher needs from an index, and how to pick one by configuration.

Two stores implement it: `LocalIndex` (index.py: FAISS + BM25 + SQLite in a folder, the default) and
`MilvusStore` (milvus_store.py: a Milvus server, or a Milvus Lite file). Both keep the clause table —
text and metadata in document order — in memory (coverage, sub-headings, the UI's lists); the dense and
BM25 searches, and their filters, are what a store does its own way.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from .cleaning import clean_text
from .config import Settings
from .facets import ClauseFacets, Restriction, clause_facets
from .models import Chunk, Notice
from .patterns import same_doc_number
from .tokenizer import Tokenizer

MASK_CACHE_LIMIT = 256  # cached masks per kind (one byte per clause each); values come from users


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
                mask &= np.logical_or.reduce([self._value_mask(kind, v) for v in sorted(set(values))])
        return mask

    def _value_mask(self, kind: str, value) -> np.ndarray:
        key = (kind, value)
        if key not in self._masks:
            if len(self._masks) >= MASK_CACHE_LIMIT:
                self._masks.clear()
            if kind == "notice":
                self._masks[key] = np.array([c.notice_id == value for c in self.chunks], dtype=bool)
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


def milvus_uri(settings: Settings) -> str:
    """The configured Milvus URI; by default a Milvus Lite file inside the index folder."""
    return settings.milvus_uri or str(Path(settings.index_dir) / "milvus.db")


def open_store(settings: Settings) -> ChunkTable:
    """The live index of the configured store, or a typed error saying how to build or fix it."""
    if settings.store == "milvus":
        from .milvus_store import open_milvus

        return open_milvus(milvus_uri(settings), settings.milvus_collection, settings.model_id,
                           settings.milvus_token)
    from .index import open_index

    return open_index(settings.index_dir, expected_model=settings.model_id)


def read_store_data(settings: Settings):
    """Everything the live index holds, vectors included (an incremental ingest carries unchanged files over)."""
    if settings.store == "milvus":
        from .milvus_store import read_milvus

        return read_milvus(milvus_uri(settings), settings.milvus_collection, settings.model_id, settings.milvus_token)
    from .index import open_index

    return open_index(settings.index_dir, expected_model=settings.model_id).data


def write_store_data(settings: Settings, data, progress: bool = False) -> str:
    """Write a complete new version and make it live in one step; returns where it lives."""
    if settings.store == "milvus":
        from .milvus_store import write_milvus

        return write_milvus(milvus_uri(settings), settings.milvus_collection, data, settings.milvus_token,
                            progress=progress)
    from .index import write_index

    return str(write_index(settings.index_dir, data))


@contextlib.contextmanager
def ingest_lock(settings: Settings):
    """One ingest at a time per index folder (Milvus Lite also refuses a second process on its own)."""
    from .index import ingest_lock as folder_lock

    with folder_lock(Path(settings.index_dir)):
        yield


def remove_leftovers(settings: Settings) -> None:
    """Remove what an interrupted ingest left behind (a local .building-* folder), even when nothing changes.
    A Milvus build left by a killed ingest is dropped by the next write (milvus_store.write_milvus)."""
    if settings.store == "local" and Path(settings.index_dir).is_dir():
        from .index import remove_stale_versions

        remove_stale_versions(Path(settings.index_dir))
