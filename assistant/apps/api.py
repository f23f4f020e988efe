"""The HTTP API for other systems: REST under /api/v1 and an OpenAI-compatible /v1/chat/completions.

Served beside the web UI by ui.py (the same process, the same loaded index) or alone by
`python -m assistant serve`. Answers are computed in a bounded pool of worker threads, never on the event
loop and never through Gradio's queue; errors are JSON {"error": {"code", "message"}}.

    app = FastAPI()
    install_api(app, Api(service, users=None))      # then mount the UI at "/" (webserver.build_app)
"""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import secrets
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, File, Query as QueryParam, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import (AssistantError, IndexChangedError, IndexCorruptError, IndexMissingError, QueryError,
                              StoreUnavailableError)
from assistant.models import Answer, Filters, notice_line
from .conversations import Turn
from .records import answer_record, chunk_record, notice_record
from .views import matching_notices
from .service import CorpusChangeError, DocumentNotFoundError, Service

log = logging.getLogger(__name__)

MODEL_NAME = "assistant"  # the one model /v1/models lists
MAX_JSON_BYTES = 1_000_000  # a question is at most 2,000 characters; a chat history of a few hundred turns fits
UNEXPECTED = "系统出现了意外错误，已记录日志。请稍后重试；如果反复出现，请联系管理员。"
UNAVAILABLE = "索引正在更新或暂时不可用，请稍后重试。"


class ApiError(Exception):
    """An error with its HTTP status and a code a program can test; the message is for people."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None,
                   **extra) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}, **extra}, status_code=status, headers=headers)


# --- keys, rate limits, conversations: pure logic --------------------------------------------------------

def parse_api_keys(value: str | None) -> list[str]:
    """ASSISTANT_API_KEYS="key1,key2" → the keys; blanks ignored.

    >>> parse_api_keys(" k-1 , ,k-2")
    ['k-1', 'k-2']
    """
    return [k.strip() for k in (value or "").split(",") if k.strip()]


def key_matching(keys: list[str], given: str) -> str | None:
    """The configured key equal to `given` (compared in constant time), or None."""
    found = None
    for key in keys:
        if hmac.compare_digest(key.encode("utf-8"), given.encode("utf-8")):
            found = key
    return found


class RateLimiter:
    """A token bucket per caller: `per_minute` calls a minute on average, bursts up to a tenth of it (≥ 10).

    >>> limiter = RateLimiter(per_minute=60, clock=lambda: 0.0)
    >>> [limiter.allow("a") for _ in range(11)][-1]     # 10 in a burst, then one a second
    0.95
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic, max_callers: int = 100_000):
        self.rate = per_minute / 60.0
        self.burst = max(10.0, per_minute / 10.0)
        self.clock = clock
        self.max_callers = max_callers
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # caller → (tokens, time)
        self._lock = threading.Lock()

    def allow(self, caller: str) -> float:
        """0.0 when the call may go ahead, else the seconds to wait before the next one will."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(caller, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                tokens -= 1.0
                wait = 0.0
            else:
                wait = round((1.0 - tokens) / self.rate, 2)
            self._buckets[caller] = (tokens, now)
            while len(self._buckets) > self.max_callers:
                self._buckets.popitem(last=False)
            return wait


def standalone_question(user_messages: list[str], tokenize=None) -> str:
    """The last of a chat's user messages as a standalone question, earlier ones read as its context
    (examples in tests/test_api.py)."""
    from assistant.search.conversation import rewrite_follow_up

    previous = None
    for message in user_messages:
        previous = rewrite_follow_up(message, previous, tokenize)
    return previous or ""


def message_text(content: Any) -> str:
    """An OpenAI message's content as text: a string, or the text parts of a list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return ""


def sources_text(answer: Answer) -> str:
    """The citations as lines after the answer, for clients that show only text."""
    if not answer.citations:
        return ""
    head = "最接近的条款：" if answer.abstained else "来源："
    lines = [f"[{c.marker}] {notice_line(c.notice) or c.chunk.notice_title} {c.chunk.clause_path_text}".rstrip()
             for c in answer.citations]
    return "\n\n" + head + "\n" + "\n".join(lines)


def text_pieces(text: str, size: int = 24) -> Iterator[str]:
    """Text in short pieces for a stream (an extractive answer arrives whole; clients expect it in parts)."""
    for start in range(0, len(text), size):
        yield text[start:start + size]


def filters_from(body: "FiltersIn | None") -> Filters | None:
    if body is None:
        return None
    as_list = lambda v: [] if v is None else (list(v) if isinstance(v, list) else [v])  # noqa: E731
    places = [str(p) for p in as_list(body.place)]
    try:
        years = [int(y) for y in as_list(body.year)]
    except (TypeError, ValueError):
        raise ApiError(400, "bad_request", "filters.year 应为年份数字，例如 2023 或 [2023, 2024]") from None
    ids = [str(i) for i in as_list(body.notice_ids)]
    return Filters(places, years, ids, []) if (places or years or ids) else None


# --- request bodies ---------------------------------------------------------------------------------

class FiltersIn(BaseModel):
    place: str | list[str] | None = Field(None, description="地区名称（一个或多个）")
    year: int | str | list[int | str] | None = Field(None, description="年份，如 2023（一个或多个）")
    notice_ids: list[str] | None = Field(None, description="只在这些文件中查找（GET /api/v1/notices 的 id）")


class AskIn(BaseModel):
    question: str = Field(..., description="问题")
    k: int = Field(5, ge=1, le=10, description="引用的条款数")
    filters: FiltersIn | None = None
    conversation_id: str | None = Field(None, max_length=128,
                                        description="同一对话的追问按上文理解；任取一个字符串")
    stream: bool = Field(False, description="以 server-sent events 逐步返回")


class SearchIn(BaseModel):
    question: str
    k: int = Field(5, ge=1, le=50)
    filters: FiltersIn | None = None


class ChatMessage(BaseModel):
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatCompletionIn(BaseModel):
    model: str = MODEL_NAME
    messages: list[ChatMessage] = Field(..., min_length=1)
    stream: bool = False
    model_config = {"extra": "allow"}  # temperature, max_tokens, …: accepted and ignored (answers are quoted)


# --- the worker pool ------------------------------------------------------------------------------------

class WorkerPool:
    """Threads that answer questions off the event loop; more than `max_waiting` queued → 503 (busy)."""

    def __init__(self, workers: int, max_waiting: int):
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="api-worker")
        self.limit = workers + max_waiting
        self.pending = 0
        self._lock = threading.Lock()

    def _enter(self) -> None:
        with self._lock:
            if self.pending >= self.limit:
                raise ApiError(503, "busy", "当前提问过多，请稍后重试。", {"Retry-After": "1"})
            self.pending += 1

    def _leave(self) -> None:
        with self._lock:
            self.pending -= 1

    async def run(self, fn: Callable, *args):
        self._enter()
        try:
            return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)
        finally:
            self._leave()

    async def iterate(self, make_iterator: Callable[[], Iterator]) -> AsyncIterator:
        """The items of a blocking iterator made and consumed in a worker; stops it when the reader leaves."""
        self._enter()
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue()
        stop = threading.Event()

        def put(item) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop is gone (server shutting down)
                stop.set()

        def work() -> None:
            iterator = None
            try:
                iterator = make_iterator()
                for item in iterator:
                    if stop.is_set():
                        break
                    put(("item", item))
            except BaseException as exc:  # handed to the reader, which turns it into an error event
                put(("error", exc))
            finally:
                close = getattr(iterator, "close", None)
                if close:
                    close()  # an LLM stream closes its HTTP connection
                put(("end", None))
                self._leave()

        self.executor.submit(work)
        try:
            while True:
                kind, value = await queue.get()
                if kind == "end":
                    return
                if kind == "error":
                    raise value
                yield value
        finally:
            stop.set()

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


# --- the API ------------------------------------------------------------------------------------------

class Api:
    """The routes' shared state: the service, who may call, how often, and the pool that answers."""

    def __init__(self, service: Service, users=None, local_only: bool = True):
        settings = service.settings
        self.local_only = local_only  # listening on loopback: without keys, only this machine can call
        self.service = service
        self.keys = parse_api_keys(settings.api_keys)
        self.users = users  # web login accounts: with them and without keys, the API stays closed
        self.limiter = RateLimiter(settings.api_rate_per_min)
        self.pool = WorkerPool(settings.api_workers, settings.api_max_waiting)

    @property
    def protected(self) -> bool:
        return bool(self.keys or self.users)

    async def caller(self, request: Request) -> str:
        """Who is calling (a key's fingerprint, or the client address when no keys are set), or 401; then the
        caller's rate limit (429)."""
        caller = self._identify(request)
        wait = self.limiter.allow(caller)
        if wait:
            raise ApiError(429, "rate_limited", f"调用过于频繁，请 {wait:g} 秒后再试。",
                           {"Retry-After": str(max(1, int(wait + 0.999)))})
        return caller

    def _identify(self, request: Request) -> str:
        if not self.protected:
            client = request.client
            return "address:" + (client.host if client else "unknown")
        scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
        headers = {"WWW-Authenticate": "Bearer"}
        if not self.keys:
            raise ApiError(401, "unauthorized", "本服务设置了登录账号但没有设置 API 密钥：接口已关闭。"
                                                "请管理员设置 ASSISTANT_API_KEYS 后重启。", headers)
        if scheme.lower() != "bearer" or not given.strip():
            raise ApiError(401, "unauthorized", "需要 API 密钥：请在请求头中加入 Authorization: Bearer <密钥>。",
                           headers)
        key = key_matching(self.keys, given.strip())
        if key is None:
            raise ApiError(401, "unauthorized", "API 密钥无效。", headers)
        return "key:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    def may_change_corpus(self) -> None:
        """Uploads and deletions: with API keys, or without them when only this machine can call."""
        if not (self.keys or self.local_only):
            raise ApiError(403, "uploads_disabled", "本服务对网络开放但未设置 API 密钥或登录账号，已关闭文件上传和删除；"
                                                    "请管理员设置 ASSISTANT_API_KEYS 后重启。")

    # --- work done in the pool ---

    def _assistant(self):
        try:
            return self.service.current()
        except (IndexChangedError, IndexMissingError, IndexCorruptError, StoreUnavailableError) as exc:
            log.warning("index unavailable: %s", exc)
            raise ApiError(503, "index_unavailable", UNAVAILABLE, {"Retry-After": "2"}) from None

    def read_question(self, question: str, caller: str, conversation_id: str | None) -> tuple[str, str]:
        """(the question checked, the standalone question a follow-up stands for in the caller's conversation)."""
        from assistant.pipeline import check_question
        from assistant.search.conversation import rewrite_follow_up

        question = check_question(question)
        previous = None
        if conversation_id:
            found = self.service.conversations.find(caller, _stored_id(caller, conversation_id))
            previous = found.last_standalone if found else None
        return question, rewrite_follow_up(question, previous, self.service.assistant.index.tokenizer.tokenize)

    def remember(self, caller: str, conversation_id: str | None, question: str, standalone: str,
                 answer: Answer) -> None:
        """The turn stored in the caller's conversation (created on first use), kept across restarts."""
        if not conversation_id:
            return
        store, stored_id = self.service.conversations, _stored_id(caller, conversation_id)
        if not store.owns(caller, stored_id):
            store.create(caller, conversation_id=stored_id)
        store.add_turn(caller, stored_id, Turn(question, standalone, answer.text, answer_record(answer)["citations"]))

    def answer(self, question: str, k: int, filters: Filters | None) -> Answer:
        self._assistant()  # 503 when the index cannot be loaded
        return self.service.answer(question, k, filters)

    def answer_stream(self, question: str, k: int, filters: Filters | None) -> Iterator[Answer]:
        self._assistant()
        return self.service.answer_stream(question, k, filters)


def _stored_id(caller: str, conversation_id: str) -> str:
    """The id a caller's conversation is stored under: callers choose their own ids, which may coincide."""
    return hashlib.sha256(f"{caller}\0{conversation_id}".encode("utf-8")).hexdigest()[:32]


def _answer_json(answer: Answer, question: str, standalone: str, conversation_id: str | None) -> dict:
    return {**answer_record(answer), "question": question, "understood_as": standalone,
            "conversation_id": conversation_id}


def _sse(event: str, data: Any) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _error_of(exc: BaseException) -> tuple[int, str, str]:
    if isinstance(exc, ApiError):
        return exc.status, exc.code, exc.message
    if isinstance(exc, QueryError):
        return 400, "bad_question", str(exc)
    if isinstance(exc, (IndexChangedError, IndexMissingError, IndexCorruptError, StoreUnavailableError)):
        return 503, "index_unavailable", UNAVAILABLE
    if isinstance(exc, AssistantError):
        return 500, "failed", str(exc)
    log.error("API request failed", exc_info=exc)
    return 500, "internal", UNEXPECTED


SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def install_api(app: FastAPI, api: Api) -> None:
    """Add the API's routes, error handlers and body limit to `app` (before anything is mounted at "/")."""
    service = api.service
    caller = Depends(api.caller)

    @app.exception_handler(ApiError)
    async def on_api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(AssistantError)
    async def on_assistant_error(request: Request, exc: AssistantError):
        status, code, message = _error_of(exc)
        return error_response(status, code, message)

    @app.exception_handler(RequestValidationError)
    async def on_bad_body(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors()[:5]:
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body")
            problems.append(f"{where or '请求体'}：{e.get('msg', '')}")
        return error_response(400, "bad_request", "请求格式有误：" + "；".join(problems))

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(request: Request, exc: StarletteHTTPException):
        codes = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        return error_response(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, exc: Exception):
        log.exception("API request failed")
        return error_response(500, "internal", UNEXPECTED)

    @app.get("/api/v1/health", tags=["service"], summary="服务状态：索引版本、文件数、条款数、存储、模型")
    def health():
        return service.health()

    @app.post("/api/v1/ask", tags=["questions"], summary="提问：带引用的回答（stream=true 时以 SSE 返回）")
    async def ask(body: AskIn, who: str = caller):
        filters = filters_from(body.filters)
        if body.stream:
            question, standalone = await api.pool.run(api.read_question, body.question, who, body.conversation_id)
            return StreamingResponse(_ask_events(api, who, question, standalone, body.k, filters,
                                                 body.conversation_id),
                                     media_type="text/event-stream", headers=SSE_HEADERS)

        def work() -> dict:  # one hand-off to a worker: read, answer, remember
            question, standalone = api.read_question(body.question, who, body.conversation_id)
            answer = api.answer(standalone, body.k, filters)
            api.remember(who, body.conversation_id, question, standalone, answer)
            return _answer_json(answer, question, standalone, body.conversation_id)
        # A JSONResponse as it is: FastAPI would otherwise walk the whole record in Python first.
        return JSONResponse(await api.pool.run(work))

    @app.post("/api/v1/search", tags=["questions"], summary="检索：与问题最相关的条款（不组织回答）")
    async def search(body: SearchIn, who: str = caller):
        def work():
            assistant = api._assistant()
            result = assistant.retrieve(assistant.parse(body.question), body.k, filters_from(body.filters))
            return [{**chunk_record(h.chunk), "score": round(h.score, 6),
                     "notice": _notice_brief(assistant.index.notice_by_id.get(h.chunk.notice_id))}
                    for h in result.hits[:body.k]]
        return JSONResponse({"hits": await api.pool.run(work)})

    @app.get("/api/v1/notices", tags=["documents"], summary="已收录的文件（可按地区、年份、标题或文号筛选）")
    def notices(place: str | None = None, year: int | None = None,
                q: str | None = QueryParam(None, description="标题、文号、发文机关中的文字，或正文中的词；文号的〔〕、[]、() 写法均可"),
                who: str = caller):
        index = service.current().index
        counts: dict[str, int] = {}
        for c in index.chunks:
            counts[c.notice_id] = counts.get(c.notice_id, 0) + 1
        rows = [notice_record(n, counts.get(n.id, 0)) for n in matching_notices(index.notices, q or "", index.chunks)
                if (not place or n.jurisdiction == place) and (not year or (n.date or "")[:4] == str(year))]
        return {"notices": rows, "total": len(rows)}

    @app.get("/api/v1/notices/{notice_id:path}", tags=["documents"],
             summary="一份文件：发文信息和全部条款（id 含 # 和 /，须按 URL 编码）")
    def notice(notice_id: str, who: str = caller):
        index = service.current().index
        found = index.notice_by_id.get(notice_id)
        if found is None:
            raise ApiError(404, "not_found", f"没有 id 为“{notice_id}”的文件（见 GET /api/v1/notices）")
        clauses = [chunk_record(c) for c in index.chunks if c.notice_id == notice_id]
        return {**notice_record(found, len(clauses)), "clauses": clauses}

    @app.post("/api/v1/documents", tags=["documents"], summary="上传文件并立即入库（multipart，字段名 files）")
    async def add_documents(files: list[UploadFile] = File(..., description="一个或多个文件"), who: str = caller):
        api.may_change_corpus()
        change = await asyncio.to_thread(_save_and_ingest, service, files)
        body = {"files": [vars(o) for o in change.outcomes], "notices": change.n_notices, "chunks": change.n_chunks}
        if change.outcomes and all(o.status in ("refused", "failed") for o in change.outcomes):
            reasons = "；".join(f"{o.name}：{o.reason}" for o in change.outcomes)
            return error_response(400, "bad_document", f"没有文件入库。{reasons}", **body)
        return body

    @app.delete("/api/v1/documents/{name:path}", tags=["documents"],
                summary="从文件库删除一个文件并重新入库（name 为文件列表中的 file）")
    async def remove_document(name: str, who: str = caller):
        api.may_change_corpus()
        try:
            change = await asyncio.to_thread(service.remove_file, name)
        except DocumentNotFoundError as exc:
            raise ApiError(404, "not_found", str(exc)) from None
        except CorpusChangeError as exc:
            raise ApiError(500, "ingest_failed", str(exc)) from None
        return {"removed": name, "notices": change.n_notices, "chunks": change.n_chunks}

    @app.api_route("/api/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def unknown_api_route(rest: str):
        raise ApiError(404, "not_found", "没有这个接口：见 /docs")

    @app.get("/v1/models", tags=["openai"], summary="OpenAI 兼容：模型列表")
    def models(who: str = caller):
        return {"object": "list", "data": [{"id": MODEL_NAME, "object": "model", "created": 0,
                                            "owned_by": "assistant"}]}

    @app.post("/v1/chat/completions", tags=["openai"], summary="OpenAI 兼容：对话（最后一条用户消息为问题）")
    async def chat_completions(body: ChatCompletionIn, who: str = caller):
        if body.model not in (MODEL_NAME, ""):
            raise ApiError(404, "model_not_found", f"没有模型“{body.model}”：请使用 {MODEL_NAME}（见 GET /v1/models）")
        users = [message_text(m.content) for m in body.messages if m.role == "user"]
        if not users or not users[-1].strip():
            raise ApiError(400, "bad_question", "messages 中没有用户的问题（role 为 user 的消息）。")
        from assistant.pipeline import check_question

        checked = [check_question(u) if i == len(users) - 1 else u for i, u in enumerate(users)]
        standalone = standalone_question(checked, service.assistant.index.tokenizer.tokenize)
        completion_id = "chatcmpl-" + uuid.uuid4().hex[:24]
        if body.stream:
            return StreamingResponse(_chat_events(api, standalone, completion_id), media_type="text/event-stream",
                                     headers=SSE_HEADERS)
        answer = await api.pool.run(api.answer, standalone, service.settings.answer_k, None)
        return JSONResponse({
            "id": completion_id, "object": "chat.completion", "created": int(time.time()), "model": MODEL_NAME,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": answer.text + sources_text(answer)}}],
            "citations": answer_record(answer)["citations"]})

    @app.api_route("/v1/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
    async def unknown_openai_route(rest: str):
        raise ApiError(404, "not_found", "没有这个接口：OpenAI 兼容接口为 /v1/models 和 /v1/chat/completions")


def _notice_brief(notice) -> dict | None:
    if notice is None:
        return None
    return {"id": notice.id, "title": notice.title, "doc_number": notice.doc_number, "issuer": notice.issuer,
            "date": notice.date, "jurisdiction": notice.jurisdiction}


def _save_and_ingest(service: Service, files: list[UploadFile]):
    """Uploaded files written to a private temporary folder, checked by the sandboxed parser, saved, ingested."""
    from assistant.ingest.sandbox import FileParser
    from assistant.ingest.uploads import safe_name

    with tempfile.TemporaryDirectory(prefix="assistant-api-") as folder:
        staged = []
        for number, upload in enumerate(files):
            name = upload.filename or f"upload-{number}"
            path = Path(folder) / f"{number}-{secrets.token_hex(4)}{Path(safe_name(name)).suffix}"
            with open(path, "wb") as out:
                while chunk := upload.file.read(1 << 20):
                    out.write(chunk)
            staged.append((path, name))
        with FileParser(service.settings) as parser:
            refused, saved = service.save_files(staged, check=parser.parse)
    try:
        change = service.ingest_saved(saved)
    except CorpusChangeError as exc:
        raise ApiError(500, "ingest_failed", str(exc)) from None
    change.outcomes[:0] = refused
    return change


async def _ask_events(api: Api, caller: str, question: str, standalone: str, k: int, filters: Filters | None,
                      conversation_id: str | None) -> AsyncIterator[str]:
    """SSE for /api/v1/ask: `delta` events as the answer grows, then `answer` (the whole record) or `error`."""
    sent = ""
    answer = None
    try:
        async for answer in api.pool.iterate(lambda: api.answer_stream(standalone, k, filters)):
            if answer.text.startswith(sent) and len(answer.text) > len(sent):
                yield _sse("delta", {"text": answer.text[len(sent):]})
                sent = answer.text
        if answer is not None:
            if conversation_id:
                await api.pool.run(api.remember, caller, conversation_id, question, standalone, answer)
            yield _sse("answer", _answer_json(answer, question, standalone, conversation_id))
    except Exception as exc:  # after the 200 header: the error is the stream's last event
        status, code, message = _error_of(exc)
        yield _sse("error", {"error": {"code": code, "message": message, "status": status}})


async def _chat_events(api: Api, standalone: str, completion_id: str) -> AsyncIterator[str]:
    """SSE for /v1/chat/completions in OpenAI's chunk format, ending with `data: [DONE]`."""
    created = int(time.time())

    def chunk(delta: dict, finish: str | None = None) -> str:
        body = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_NAME,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    sent = ""
    answer = None
    try:
        async for answer in api.pool.iterate(
                lambda: api.answer_stream(standalone, api.service.settings.answer_k, None)):
            if answer.mode == "llm" and not answer.note and answer.text.startswith(sent):
                if len(answer.text) > len(sent):
                    yield chunk({"content": answer.text[len(sent):]})
                    sent = answer.text
        if answer is not None:
            if sent and answer.text.startswith(sent):
                rest = answer.text[len(sent):]
            elif sent:  # the streamed LLM text was replaced after checking: say so, then the checked answer
                rest = f"\n\n（{answer.note}）\n\n{answer.text}" if answer.note else "\n\n" + answer.text
            else:
                rest = answer.text
            for piece in text_pieces(rest + sources_text(answer)):
                yield chunk({"content": piece})
        yield chunk({}, "stop")
    except Exception as exc:
        status, code, message = _error_of(exc)
        yield f"data: {json.dumps({'error': {'code': code, 'message': message, 'status': status}}, ensure_ascii=False)}\n\n"
    yield "data: [DONE]\n\n"


class BodyLimit:
    """Pure ASGI middleware: API requests larger than their limit get 413 before the body is read.

    Uploads may be max_file_mb (plus the multipart framing); JSON bodies MAX_JSON_BYTES. A body sent
    without Content-Length is counted as it arrives and cut off at the limit."""

    def __init__(self, app, max_upload_bytes: int):
        self.app = app
        self.max_upload_bytes = max_upload_bytes

    def _limit(self, path: str) -> int | None:
        if path.startswith("/api/v1/documents"):
            return self.max_upload_bytes + 64 * 1024
        if path.startswith(("/api/", "/v1/")):
            return MAX_JSON_BYTES
        return None

    async def __call__(self, scope, receive, send):
        limit = self._limit(scope.get("path") or "") if scope.get("type") == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        mb = limit / 1_000_000
        message = f"请求太大（上限约 {mb:.1f} MB）" if limit == MAX_JSON_BYTES else f"文件太大：单次上传不超过 {mb:.0f} MB"
        if length is not None and length.isdigit() and int(length) > limit:
            await error_response(413, "too_large", message)(scope, receive, send)
            return
        received = 0

        async def counted():
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > limit:
                    raise ApiError(413, "too_large", message)
            return event

        await self.app(scope, counted, send)
