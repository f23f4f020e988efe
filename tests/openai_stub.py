"""A local HTTP server speaking the OpenAI chat-completions protocol (JSON and SSE streaming), for LLM tests."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubLLM:
    """Replies with `reply(messages)`; records every request body. Use as a context manager."""

    def __init__(self, reply, status: int = 200):
        self.reply = reply
        self.status = status
        self.requests: list[dict] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                stub.requests.append({"path": self.path, "body": body})
                if not self.path.endswith("/chat/completions") or stub.status != 200:
                    self._send_json(stub.status if stub.status != 200 else 404, {"error": {"message": "stub error"}})
                    return
                text = stub.reply(body.get("messages", []))
                if body.get("stream"):
                    self._stream(body, text)
                else:
                    self._send_json(200, {
                        "id": "chatcmpl-stub", "object": "chat.completion", "created": int(time.time()),
                        "model": body.get("model", "stub"),
                        "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                     "finish_reason": "stop"}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    })

            def _send_json(self, status, payload):
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, body, text):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                pieces = [text[i:i + 4] for i in range(0, len(text), 4)]
                for n, piece in enumerate(pieces):
                    delta = {"content": piece} if n else {"role": "assistant", "content": piece}
                    self._event({"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": int(time.time()),
                                 "model": body.get("model", "stub"),
                                 "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
                self._event({"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": int(time.time()),
                             "model": body.get("model", "stub"),
                             "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, payload):
                self.wfile.write(b"data: " + json.dumps(payload, ensure_ascii=False).encode() + b"\n\n")
                self.wfile.flush()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
