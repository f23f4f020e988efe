"""The store named by `Settings.store`, through the backend its module exports (no `if store == ...` anywhere).

    table = open_store(settings)                 # a ChunkTable: LocalIndex or MilvusStore
    with ingest_lock(settings): write_store_data(settings, data)
"""
from __future__ import annotations

import importlib

from assistant.config import Settings, StoreKind
from .base import ChunkTable, IndexData, StoreBackend

# Modules are imported when first used: pymilvus is not loaded for a local index.
BACKEND_MODULES = {StoreKind.LOCAL: "assistant.stores.local", StoreKind.MILVUS: "assistant.stores.milvus"}


def backend(settings: Settings) -> StoreBackend:
    return importlib.import_module(BACKEND_MODULES[StoreKind(settings.store)]).BACKEND


def open_store(settings: Settings) -> ChunkTable:
    """The live index of the configured store, or a typed error saying how to build or fix it."""
    return backend(settings).open(settings)


def read_store_data(settings: Settings) -> IndexData:
    """Everything the live index holds, vectors included (an incremental ingest carries unchanged files over)."""
    return backend(settings).read(settings)


def write_store_data(settings: Settings, data: IndexData, progress: bool = False) -> str:
    """Write a complete new version and make it live in one step; returns where it lives."""
    return backend(settings).write(settings, data, progress)


def ingest_lock(settings: Settings):
    """One ingest at a time per index (Milvus Lite also refuses a second process on its own)."""
    return backend(settings).lock(settings)


def remove_leftovers(settings: Settings) -> None:
    """Remove what an interrupted ingest left behind, even when nothing changes."""
    backend(settings).remove_leftovers(settings)


def keeps_sentence_vectors(settings: Settings) -> bool:
    return backend(settings).keeps_sentence_vectors


def describe_location(settings: Settings) -> str:
    return backend(settings).location(settings)
