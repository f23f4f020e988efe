"""The Milvus store: clauses as rows of a Milvus collection, searched dense and BM25 (jieba) by Milvus.

Works against a Milvus server (`http://host:19530`) or Milvus Lite (a URI ending in `.db`, in-process).
Every build is written to a new collection `<alias>_<stamp>` (with `<alias>_<stamp>_meta` holding notices,
files and settings), checked, and only then made live by pointing the alias at it: an ingest that fails or
is killed never changes what queries see. The replaced build is kept until the next ingest (processes still
using it switch over when they notice); a killed ingest's leftovers are dropped by the next one.
"""
from __future__ import annotations

import json
import logging
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.errors import (IndexChangedError, IndexCorruptError, IndexMissingError, IndexModelMismatchError,
                     IndexWriteError, StoreUnavailableError)
from .facets import Restriction
# Same dense settings as the local store: exact search up to DENSE_EXACT_LIMIT clauses, then HNSW.
from assistant.models import Chunk, Notice
from .base import (DENSE_EXACT_LIMIT, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH, HNSW_NEIGHBOURS, ChunkTable, FileRecord,
                   IndexData, StoreBackend, folder_lock)
from .tokenizer import STOPWORDS

FORMAT_VERSION = 1
BATCH = 1000  # rows per insert
QUERY_WINDOW = 16384  # the most rows one Milvus query may return
MAX_VARCHAR = 65535  # Milvus's limit; a server counts UTF-8 bytes (3 per Chinese character)
META_PIECE_CHARS = 20000  # long meta values (vocabulary, dictionary) are stored in pieces under the limit
MAX_LIST = 64  # departments kept in the array field (the full list is in the clause's JSON)


# ---- pure helpers: filter expressions and field values -------------------------------------------------

def quote(value: str) -> str:
    """A Milvus string literal (the escapes both Milvus and Milvus Lite accept)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def joined(values) -> str:
    """A list as one string field, `|a|b|`, so `like "%|a|%"` tests membership. (Not an ARRAY field: Milvus
    Lite evaluates `like` on a string column about 20 times faster than `array_contains`; a server does both.)"""
    return "|" + "|".join(str(v).replace("|", "/") for v in values) + "|"


def _contains(field: str, value) -> str:
    return f"{field} like {quote('%|' + str(value).replace('|', '/') + '|%')}"


def milvus_filter(restriction: Restriction | None) -> str:
    """The Milvus boolean expression selecting the rows a restriction allows ("" for no restriction)."""
    if restriction is None or restriction.is_empty():
        return ""
    groups = []
    if restriction.notice_ids:
        groups.append(["notice_id in [" + ", ".join(quote(n) for n in sorted(set(restriction.notice_ids))) + "]"])
    if restriction.doc_numbers:
        alternatives = []
        for wanted in sorted(set(restriction.doc_numbers)):
            # Same rule as same_doc_number: either 文号 may be a suffix of the other (政办字〔2023〕5号).
            alternatives.append(f"doc_numbers like {quote('%' + wanted + '|%')}")
            alternatives += [_contains("doc_numbers", wanted[i:]) for i in range(1, len(wanted))]
        groups.append(alternatives)
    for field, values in (("places", restriction.places), ("within", restriction.within)):
        if values:
            groups.append([_contains(field, v) for v in sorted(set(values))]
                          + (['jurisdiction == ""'] if restriction.placeless else []))
    if restriction.years:
        groups.append(['years == "*"'] + [_contains("years", y) for y in sorted(set(restriction.years))])
    return " and ".join("(" + " or ".join(g) + ")" for g in groups)


def chunk_rows(table: ChunkTable, vectors: np.ndarray) -> list[dict]:
    """The collection rows of a build: the clause's JSON plus the scalar fields filters and people use."""
    rows = []
    for row, (chunk, facets) in enumerate(zip(table.chunks, table.facets)):
        departments = list(dict.fromkeys(chunk.lead_departments + chunk.support_departments))[:MAX_LIST]
        record = {
            "id": chunk.id, "row": row, "text": chunk.index_text, "dense": vectors[row].tolist(),
            "notice_id": chunk.notice_id, "file": chunk.file, "kind": chunk.kind,
            "jurisdiction": chunk.jurisdiction, "year": chunk.year, "clause_path": chunk.clause_path_text,
            "departments": departments, "places": joined(facets.places), "within": joined(facets.within),
            "years": "*" if facets.years is None else joined(facets.years),
            "doc_numbers": joined(facets.doc_numbers),
            "data": json.dumps(asdict(chunk), ensure_ascii=False),
        }
        for name in ("text", "data", "clause_path", "places", "doc_numbers"):
            if len(record[name].encode("utf-8")) > MAX_VARCHAR:
                raise IndexWriteError(f"条款 {chunk.id} 超出 Milvus 的长度上限（{name} 超过 {MAX_VARCHAR} 字节）："
                                      "请调小 max_chunk_chars，或把文件拆开。")
        rows.append(record)
    return rows


def analyzer_params(user_words: list[str]) -> dict:
    """jieba in search mode with the corpus's place and department names, and our stop words: the same
    cutting as the local BM25 index, done by Milvus."""
    return {"tokenizer": {"type": "jieba", "mode": "search", "dict": ["_default_"] + list(user_words)},
            "filter": [{"type": "stop", "stop_words": sorted(STOPWORDS)}]}


# ---- connection ------------------------------------------------------------------------------------------

def is_lite(uri: str) -> bool:
    return uri.endswith(".db")


def connect(uri: str, token: str = ""):
    """A MilvusClient, or a StoreUnavailableError that says what to do."""
    from pymilvus import MilvusClient
    from pymilvus.exceptions import MilvusException

    if is_lite(uri):
        Path(uri).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
        uri = str(Path(uri).expanduser().resolve())
    # Their own error logs (with tracebacks) would repeat ours; Milvus Lite's in-process gRPC server also logs
    # an unimplemented timestamp call on every query iterator, which is harmless.
    for name in ("pymilvus", "milvus_lite", "grpc._server"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    try:
        try:
            return MilvusClient(uri=uri, token=token, timeout=10)
        except MilvusException:
            if not is_lite(uri):
                raise
            # This process's Milvus Lite server for the file may have stopped (its thread can die when the
            # process forks); forget it and start a fresh one once.
            from milvus_lite.server_manager import server_manager_instance

            server_manager_instance.release_server(uri)
            return MilvusClient(uri=uri, token=token, timeout=10)
    except MilvusException as exc:
        reason = getattr(exc, "message", "") or str(exc)
        if is_lite(uri):
            raise StoreUnavailableError(
                f"无法打开 Milvus Lite 文件 {uri}（{reason}）。Milvus Lite 同一时间只供一个进程使用："
                "请关闭正在使用它的程序（界面？），或运行 Milvus 服务并传入 --milvus-uri http://HOST:19530。"
            ) from exc
        raise StoreUnavailableError(
            f"连接不上 {uri} 上的 Milvus（{reason}）。请启动它（见 README 的 Milvus 一节），检查 --milvus-uri "
            "和令牌，或改用 --store local。"
        ) from exc
    except ImportError as exc:
        raise StoreUnavailableError(f"未安装 Milvus 支持（{exc}）：请运行 pip install -r requirements.txt") from exc


def _live_collection(client, alias: str) -> str | None:
    """The collection the alias points at, or None when no build was ever made live."""
    if alias not in client.list_aliases().get("aliases", []):
        return None
    return client.describe_alias(alias=alias)["collection_name"]


def _read_rows(client, collection: str, n: int, fields: list[str]) -> list[dict]:
    """All clause rows, read in windows of the `row` field: twice as fast as a query iterator on Milvus Lite."""
    rows: list[dict] = []
    for start in range(0, n, QUERY_WINDOW):
        rows += client.query(collection, filter=f"row >= {start} and row < {start + QUERY_WINDOW}",
                             output_fields=fields, limit=QUERY_WINDOW)
    return rows


def _read_all(client, collection: str, filter_: str, fields: list[str]) -> list[dict]:
    rows = client.query(collection, filter=filter_, output_fields=fields, limit=QUERY_WINDOW)
    if len(rows) < QUERY_WINDOW:
        return rows
    rows = []  # more than one window: page through them
    iterator = client.query_iterator(collection, batch_size=BATCH, filter=filter_, output_fields=fields)
    try:
        while True:
            batch = iterator.next()
            if not batch:
                return rows
            rows.extend(batch)
    finally:
        iterator.close()


# ---- reading -------------------------------------------------------------------------------------------

class _Build:
    """One build read from Milvus: its settings, notices, files and clauses."""

    def __init__(self, client, uri: str, alias: str, expected_model: str | None):
        self.client, self.uri, self.alias = client, uri, alias
        fix = f"请重建：python ingest.py --rebuild --store milvus --milvus-uri {uri}"
        collection = _live_collection(client, alias)
        if collection is None:
            raise IndexMissingError(
                f"{uri} 上的 Milvus 中没有集合 '{alias}'。请先建立：python ingest.py --store milvus "
                f"--milvus-uri {uri}")
        self.collection = collection
        try:
            # A collection is searchable once loaded into memory; after a restart it is not (load is idempotent).
            client.load_collection(collection)
            client.load_collection(collection + "_meta")
            meta = _read_all(client, collection + "_meta", "", ["id", "kind", "data"])
        except Exception as exc:
            raise IndexCorruptError(f"{uri} 上的 Milvus 集合 '{alias}' 已损坏（元数据无法读取：{exc}）；{fix}") from exc
        pieces: dict[str, list[tuple[str, str]]] = {}
        for item in meta:
            pieces.setdefault(item["kind"], []).append((item["id"], item["data"]))
        try:
            self.info = json.loads(pieces["info"][0][1])
            self.notices = [Notice(**json.loads(d)) for _, d in sorted(pieces.get("notice", []))]
            self.files = [json.loads(d) for _, d in sorted(pieces.get("file", []))]
            self.user_words = json.loads("".join(d for _, d in sorted(pieces.get("words", []))) or "[]")
            self.vocabulary = json.loads("".join(d for _, d in sorted(pieces.get("vocabulary", []))) or "{}")
        except (KeyError, ValueError, TypeError) as exc:
            raise IndexCorruptError(f"{uri} 上的 Milvus 集合 '{alias}' 已损坏（元数据不完整）；{fix}") from exc
        if self.info.get("format_version") != FORMAT_VERSION:
            raise IndexCorruptError(f"{uri} 上的 Milvus 集合 '{alias}' 由其他版本的助手写入；{fix}")
        if expected_model and self.info["model_name"] != expected_model:
            raise IndexModelMismatchError(
                f"{uri} 上的 Milvus 集合 '{alias}' 是用向量模型 '{self.info['model_name']}' 建立的，"
                f"而当前配置的是 '{expected_model}'。请使用同一个模型，或{fix}")
        self.fix = fix

    def read_chunks(self, with_vectors: bool = False) -> tuple[list[Chunk], np.ndarray | None]:
        fields = ["row", "data"] + (["dense"] if with_vectors else [])
        rows = _read_rows(self.client, self.collection, self.info["n_chunks"], fields)
        if len(rows) != self.info["n_chunks"]:
            raise IndexCorruptError(f"{self.uri} 上的 Milvus 集合 '{self.alias}' 前后不一致（有 {len(rows)} 个条款，"
                                    f"应为 {self.info['n_chunks']} 个）；{self.fix}")
        rows.sort(key=lambda r: r["row"])
        chunks = [Chunk(**json.loads(r["data"])) for r in rows]
        vectors = None
        if with_vectors:
            vectors = np.asarray([r["dense"] for r in rows], dtype=np.float32).reshape(len(rows), self.info["dim"])
        return chunks, vectors


class MilvusStore(ChunkTable):
    """A live Milvus build: clauses in memory, searches (and their filters) done by Milvus."""

    def __init__(self, build: _Build, chunks: list[Chunk]):
        super().__init__(chunks, build.notices, build.user_words)
        self.client = build.client
        self.uri = build.uri
        self.alias = build.alias
        self.collection = build.collection
        self.model_name = build.info["model_name"]
        self._vocabulary = build.vocabulary
        # What became of every file of the build (status, reason): the 管理 page shows why one was not read.
        self.file_records = [FileRecord(**f) for f in build.files]

    def is_current(self) -> bool:
        try:
            return _live_collection(self.client, self.alias) in (self.collection, None)
        except Exception:  # unreachable now: the next search says so
            return True

    def _search(self, data, field: str, k: int, restriction: Restriction | None, params: dict) -> list[tuple[int, float]]:
        from pymilvus.exceptions import MilvusException

        # The build this process loaded, not the alias: the rows it returns must match the clause table in
        # memory even after another process's ingest has moved the alias on.
        try:
            result = self.client.search(self.collection, data=[data], anns_field=field, limit=min(k, 16384),
                                        filter=milvus_filter(restriction), output_fields=["row"],
                                        search_params=params)
        except MilvusException as exc:
            try:
                gone = not self.client.has_collection(self.collection)
            except MilvusException:
                gone = False
            if gone:
                raise IndexChangedError("回答这个问题时索引刚好重建：请再问一次。") from exc
            raise StoreUnavailableError(f"在 {self.uri} 上检索 Milvus 失败（{getattr(exc, 'message', exc)}）："
                                        "请检查 Milvus 是否在运行。") from exc
        return [(int(hit["entity"]["row"]), float(hit["distance"])) for hit in result[0]]

    def search_dense(self, query_vector: np.ndarray, k: int,
                     restriction: Restriction | None = None) -> list[tuple[int, float]]:
        if not self.chunks or k <= 0:
            return []
        params = {"metric_type": "IP", "params": {"ef": max(HNSW_EF_SEARCH, k)}}
        return self._search(np.asarray(query_vector, dtype=np.float32).tolist(), "dense", k, restriction, params)

    def search_bm25(self, text: str, tokens: list[str], k: int,
                    restriction: Restriction | None = None) -> list[tuple[int, float]]:
        if not tokens or not self.chunks or k <= 0:
            return []
        hits = self._search(text, "sparse", k, restriction, {"metric_type": "BM25"})
        # Milvus Lite reports BM25 distances on its own scale (even negative); the order is what counts,
        # so scores are given as a falling sequence for weighted fusion.
        return [(row, float(len(hits) - i)) for i, (row, _) in enumerate(hits)]

    def token_document_counts(self) -> tuple[dict[str, int], int]:
        return self._vocabulary, len(self.chunks)


def open_milvus(uri: str, alias: str, expected_model: str | None = None, token: str = "") -> MilvusStore:
    """Load the live build behind the alias, or raise a typed error that says how to fix it."""
    build = _Build(connect(uri, token), uri, alias, expected_model)
    chunks, _ = build.read_chunks()
    return MilvusStore(build, chunks)


def read_milvus(uri: str, alias: str, expected_model: str | None = None, token: str = ""):
    """Everything the live build holds, vectors included, as IndexData (for an incremental ingest)."""
    build = _Build(connect(uri, token), uri, alias, expected_model)
    chunks, vectors = build.read_chunks(with_vectors=True)
    files = [FileRecord(**f) for f in build.files]
    return IndexData(build.info["model_name"], build.info["dim"], files, build.notices, chunks, vectors,
                     build.user_words)


# ---- writing -------------------------------------------------------------------------------------------

def _chunk_schema(client, dim: int, user_words: list[str]):
    from pymilvus import DataType, Function, FunctionType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=4096)
    schema.add_field("row", DataType.INT64)  # position in document order
    schema.add_field("text", DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True,
                     analyzer_params=analyzer_params(user_words))
    schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)  # filled by Milvus from text (BM25)
    schema.add_field("dense", DataType.FLOAT_VECTOR, dim=dim)
    for name, length in (("notice_id", 4096), ("file", 4096), ("kind", 64), ("jurisdiction", 512),
                         ("clause_path", MAX_VARCHAR), ("places", 8192), ("within", 2048), ("years", 2048),
                         ("doc_numbers", MAX_VARCHAR), ("data", MAX_VARCHAR)):
        schema.add_field(name, DataType.VARCHAR, max_length=length)
    schema.add_field("year", DataType.INT64, nullable=True)
    schema.add_field("departments", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=MAX_LIST,
                     max_length=1024)
    schema.add_function(Function(name="text_bm25", function_type=FunctionType.BM25,
                                 input_field_names=["text"], output_field_names=["sparse"]))
    return schema


def _create_chunk_collection(client, name: str, dim: int, n: int, user_words: list[str], info: dict) -> None:
    schema = _chunk_schema(client, dim, user_words)
    index = client.prepare_index_params()
    if n > DENSE_EXACT_LIMIT:
        index.add_index(field_name="dense", index_type="HNSW", metric_type="IP",
                        params={"M": HNSW_NEIGHBOURS, "efConstruction": HNSW_EF_CONSTRUCTION})
    else:
        index.add_index(field_name="dense", index_type="FLAT", metric_type="IP")
    index.add_index(field_name="sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                    params={"bm25_k1": 1.5, "bm25_b": 0.75})  # bm25s's defaults, as the local store
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong",
                             properties={"assistant.model": info["model_name"], "assistant.format": str(FORMAT_VERSION)})


def _create_meta_collection(client, name: str) -> None:
    from pymilvus import DataType

    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.VARCHAR, is_primary=True, max_length=4096)
    schema.add_field("kind", DataType.VARCHAR, max_length=64)
    schema.add_field("data", DataType.VARCHAR, max_length=MAX_VARCHAR)
    schema.add_field("unused", DataType.FLOAT_VECTOR, dim=2)  # Milvus requires a vector field in every collection
    index = client.prepare_index_params()
    index.add_index(field_name="unused", index_type="FLAT", metric_type="L2")
    client.create_collection(name, schema=schema, index_params=index, consistency_level="Strong")


def _meta_rows(data, vocabulary: dict[str, int], info: dict) -> list[dict]:
    rows = [("info/0", "info", json.dumps(info, ensure_ascii=False))]
    rows += [(f"notice/{i:08d}", "notice", json.dumps(asdict(n), ensure_ascii=False)) for i, n in enumerate(data.notices)]
    rows += [(f"file/{i:08d}", "file", json.dumps(asdict(f), ensure_ascii=False)) for i, f in enumerate(data.files)]
    for kind, value in (("words", data.user_words), ("vocabulary", vocabulary)):
        text = json.dumps(value, ensure_ascii=False)
        rows += [(f"{kind}/{i:08d}", kind, text[start:start + META_PIECE_CHARS])
                 for i, start in enumerate(range(0, len(text), META_PIECE_CHARS))]
    return [{"id": i, "kind": k, "data": d, "unused": [0.0, 0.0]} for i, k, d in rows]


def _insert(client, collection: str, rows: list[dict], label: str, progress: bool) -> None:
    batches = range(0, len(rows), BATCH)
    if progress:
        from tqdm import tqdm

        batches = tqdm(batches, desc=label, unit="batch")
    for start in batches:
        client.insert(collection, rows[start:start + BATCH])


def _drop_leftovers(client, alias: str, keep: set[str]) -> None:
    """Builds of this alias that are not live: a killed or failed ingest's, or the one just replaced."""
    prefix = alias + "_"
    for name in client.list_collections():
        base = name.removesuffix("_meta")
        if name.startswith(prefix) and base not in keep and base[len(prefix):].isdigit():
            client.drop_collection(name)


def write_milvus(uri: str, alias: str, data, token: str = "", progress: bool = False) -> str:
    """Write a complete build to a new collection, check it, then switch the alias to it."""
    client = connect(uri, token)
    live = _live_collection(client, alias)
    _drop_leftovers(client, alias, {live} if live else set())
    name = f"{alias}_{time.strftime('%Y%m%d%H%M%S')}{time.monotonic_ns() % 10**6:06d}"
    try:
        # The same clause table a store loads: its facets become the filter fields, its tokenizer the BM25
        # document frequencies used for term weights.
        table = ChunkTable(data.chunks, data.notices, data.user_words)
        vocabulary = Counter(tok for c in data.chunks for tok in set(table.tokenizer.tokenize(c.index_text)))
        info = {"format_version": FORMAT_VERSION, "model_name": data.model_name, "dim": data.dim,
                "n_chunks": len(data.chunks), "n_notices": len(data.notices), "n_files": len(data.files),
                "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
        rows = chunk_rows(table, data.vectors)
        _create_chunk_collection(client, name, data.dim, len(rows), data.user_words, info)
        _create_meta_collection(client, name + "_meta")
        _insert(client, name, rows, "写入 Milvus", progress)
        _insert(client, name + "_meta", _meta_rows(data, dict(vocabulary), info), "Writing metadata", False)
        client.flush(name)
        client.flush(name + "_meta")
        count = client.query(name, filter="", output_fields=["count(*)"])[0]["count(*)"]
        if count != len(rows):
            raise IndexWriteError(f"写入 {len(rows)} 个条款后 Milvus 中只有 {count} 个")
    except Exception as exc:
        for leftover in (name, name + "_meta"):
            try:
                client.drop_collection(leftover)
            except Exception:  # the server may be gone; the next ingest drops leftovers
                pass
        reason = getattr(exc, "message", "") or str(exc) or type(exc).__name__
        raise IndexWriteError(f"无法把索引写入 {uri} 上的 Milvus（{reason}）；正在使用的集合没有改动。"
                              "请排除原因后重新入库。") from exc
    # The switch: one alias update. Before it queries see the old build, after it the new one.
    if live is None:
        client.create_alias(collection_name=name, alias=alias)
    else:
        client.alter_alias(collection_name=name, alias=alias)
    # The build just replaced stays until the next ingest: processes still answering from it (another
    # ui.py) finish consistently and load the new one when they notice the switch.
    _drop_leftovers(client, alias, {name, live} - {None})
    return f"{uri}#{alias}->{name}"


def milvus_uri(settings: Settings) -> str:
    """The configured Milvus URI; by default a Milvus Lite file inside the index folder."""
    return settings.milvus_uri or str(Path(settings.index_dir) / "milvus.db")


def _lock(settings: Settings):
    # A Lite file is locked beside itself; a server's builds are locked in this machine's index folder (one
    # ingest machine; Milvus has no lock of its own to take across machines).
    uri = milvus_uri(settings)
    return folder_lock(Path(uri).parent if is_lite(uri) else Path(settings.index_dir))


BACKEND = StoreBackend(
    open=lambda s: open_milvus(milvus_uri(s), s.milvus_collection, s.model_id, s.milvus_token),
    read=lambda s: read_milvus(milvus_uri(s), s.milvus_collection, s.model_id, s.milvus_token),
    write=lambda s, data, progress=False: write_milvus(milvus_uri(s), s.milvus_collection, data, s.milvus_token,
                                                       progress=progress),
    lock=_lock,
    location=lambda s: f"{milvus_uri(s)}#{s.milvus_collection}",
    remove_leftovers=lambda s: None,  # a killed ingest's collections are dropped by the next write
)
