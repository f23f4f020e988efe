"""Secrets in the LLM URL, API key or error texts must not reach the page, logs or error messages."""
from __future__ import annotations

import base64
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from assistant.models import Answer, Citation
from assistant.config import Settings
from assistant.answering.llm import LLMAnswerer, polish_reply
from assistant.models import Chunk, Notice
from assistant.search.query import parse_query
from assistant.redact import redact, redact_url

URL_KEY = "urlkey-Zq81xW"
QUERY_KEY = "querykey-Pp42"
API_KEY = "sk-apikey0123456789abcdef"
ALL = (URL_KEY, QUERY_KEY, API_KEY)

NOTICE = Notice(title="关于充电桩建设的通知", doc_number="张政办字〔2023〕20号", issuer="张店区人民政府办公室",
                date="2023-08-26", jurisdiction="张店区", id="n1")
CLAUSE = Chunk(id="f#1", notice_id="n1", notice_title=NOTICE.title, clause_path=["一、目标"],
               text="新增各类充电桩1775个。", index_text="", file="f.txt", line_start=1, line_end=1,
               jurisdiction="张店区", year=2023)
EXTRACTIVE = Answer("充电桩目标？", "新增各类充电桩1775个[1]", False, [Citation(1, CLAUSE, NOTICE, 0.1, ["新增各类充电桩1775个。"])])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed when the block ends: nothing listens there


def leaky_settings(port: int) -> Settings:
    return Settings(llm_base_url=f"http://alice:{URL_KEY}@127.0.0.1:{port}/v1?api_key={QUERY_KEY}&mode=x",
                    llm_model="qwen", llm_api_key=API_KEY, milvus_token="milvus-tok-777", llm_timeout_s=5)


def assert_clean(text: str) -> None:
    for secret in ALL + ("milvus-tok-777",):
        assert secret not in text, f"{secret} leaked in {text!r}"


def test_the_status_label_shows_the_endpoint_without_its_credentials():
    llm = LLMAnswerer(leaky_settings(free_port()))
    assert_clean(llm.label)
    assert "qwen @ http://***@127.0.0.1:" in llm.label and "/v1?api_key=***&mode=x" in llm.label


def test_repr_of_settings_hides_keys_tokens_and_url_credentials():
    settings = leaky_settings(8000)
    assert_clean(repr(settings))
    assert_clean(str(settings))
    assert "llm_model='qwen'" in repr(settings) and "127.0.0.1:8000" in repr(settings)


def test_an_unreachable_llm_error_does_not_show_the_key():
    llm = LLMAnswerer(leaky_settings(free_port()))
    final = list(llm.answer_stream(parse_query("充电桩目标？"), EXTRACTIVE))[-1]
    assert final.mode == "extractive" and "不可用" in final.note
    assert_clean(final.note)
    assert_clean(repr(llm.chat))  # the client object itself holds no URL credentials in its repr
    draft, note = polish_reply(llm.chat, "答复稿：新增各类充电桩1775个。", EXTRACTIVE.citations)
    assert "不可用" in note
    assert_clean(note)


class LeakyChat:
    """A chat model whose failure message quotes the URL and headers, as some HTTP errors do."""

    def __init__(self, message):
        self.message = message

    def stream(self, messages):
        raise RuntimeError(self.message)
        yield  # pragma: no cover

    def invoke(self, messages):
        raise RuntimeError(self.message)


def test_an_error_quoting_the_url_and_headers_is_redacted():
    settings = leaky_settings(8000)
    message = (f"Connection failed for {settings.llm_base_url}: headers={{'Authorization': 'Bearer {API_KEY}'}} "
               f"basic={base64.b64encode(f'alice:{URL_KEY}'.encode()).decode()}")
    llm = LLMAnswerer(settings, chat_model=LeakyChat(message))
    final = list(llm.answer_stream(parse_query("充电桩目标？"), EXTRACTIVE))[-1]
    assert "不可用" in final.note and "127.0.0.1:8000" in final.note
    assert_clean(final.note)
    assert base64.b64encode(f"alice:{URL_KEY}".encode()).decode() not in final.note
    _, note = polish_reply(llm.chat, "答复稿", EXTRACTIVE.citations)
    assert_clean(note)


def test_credentials_in_the_url_still_reach_the_llm_server_but_only_as_auth():
    """The URL's userinfo is sent as HTTP Basic auth (as the client did before) and the query as query."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            seen.append((self.path, self.headers.get("Authorization")))
            chunk = {"id": "c", "object": "chat.completion.chunk", "created": int(time.time()), "model": "qwen",
                     "choices": [{"index": 0, "delta": {"role": "assistant", "content": "新增各类充电桩1775个[1]。"},
                                  "finish_reason": None}]}
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\ndata: [DONE]\n\n")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        llm = LLMAnswerer(leaky_settings(server.server_address[1]))
        final = list(llm.answer_stream(parse_query("充电桩目标？"), EXTRACTIVE))[-1]
    finally:
        server.shutdown()
        server.server_close()
    assert final.mode == "llm" and "1775" in final.text, final.note
    path, authorization = seen[0]
    assert path.startswith("/v1/chat/completions?") and f"api_key={QUERY_KEY}" in path and "mode=x" in path
    assert authorization == "Basic " + base64.b64encode(f"alice:{URL_KEY}".encode()).decode()


def test_redact_removes_keys_in_every_form():
    text = ("GET http://bob:pa%24%24word@llm.example/v1/chat?api_key=AK1&key=AK2&token=AK3&model=qwen failed; "
            "Authorization: Bearer AK4.part-two; proxy sent Bearer AK5tokenvalue; "
            '{"api_key": "AK6", "access_token": "AK7"} password=AK8 and the literal AK9-literal-secret '
            "and its URL form AK10%2Fslash")
    out = redact(text, ["AK9-literal-secret", "AK10/slash"])
    for secret in ("pa%24%24word", "pa$$word", "AK1", "AK2", "AK3", "AK4", "part-two", "AK5", "AK6", "AK7",
                   "AK8", "AK9", "AK10"):
        assert secret not in out, (secret, out)
    assert "llm.example/v1/chat" in out and "model=qwen" in out and "http://***@llm.example" in out
    assert redact("sk-abcdefghijklmnop123456 rejected") == "sk-*** rejected"
    assert redact("", ["x"]) == "" and redact("无密钥的普通文字 key point", ["abc"]) == "无密钥的普通文字 key point"


def test_redact_url_keeps_where_it_points_and_drops_what_unlocks_it():
    assert redact_url("http://user:pw@host:8000/v1?api_key=a&key=b&token=c&api-version=2024") == \
        "http://***@host:8000/v1?api_key=***&key=***&token=***&api-version=2024"
    assert redact_url("http://127.0.0.1:11434/v1") == "http://127.0.0.1:11434/v1"
    assert redact_url("") == ""
