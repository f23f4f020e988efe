"""Bounded load test: N concurrent users ask questions for a fixed time (loopback only), through the web UI's
chat event as a browser calls it, or through the HTTP API (/api/v1/ask or the OpenAI-compatible endpoint).

    python -m bench.load --index DIR [--users 20] [--seconds 60] [--path ui|ui-queue|api|chat]
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class LoadResult:
    users: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + len(self.errors)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_milvus_server(data_dir: Path) -> tuple[subprocess.Popen, str]:
    """Milvus Lite's engine as a gRPC server in its own process (`python -m milvus_lite server`) on loopback,
    returned with its http:// URI once it answers: the way the assistant talks to Milvus Standalone."""
    from pymilvus import MilvusClient

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data_dir),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    uri = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            MilvusClient(uri=uri, timeout=2).list_collections()
            return server, uri
        except Exception:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError(f"the Milvus Lite server on {data_dir} did not start")
            time.sleep(0.5)


def start_ui(index: Path, port: int, log_path: Path, corpus: Path | None = None,
             extra_args: list[str] | None = None, env: dict[str, str] | None = None) -> subprocess.Popen:
    """ui.py on loopback, returned once it answers HTTP; `extra_args` go to ui.py (e.g. --store milvus),
    `env` to its environment (no login unless it sets ASSISTANT_USERS)."""
    import urllib.request

    log = open(log_path, "w")
    command = [sys.executable, str(ROOT / "ui.py"), "--index", str(index), "--host", "127.0.0.1", "--port", str(port)]
    if corpus is not None:
        command += ["--corpus", str(corpus)]
    command += list(extra_args or [])
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                               env={**os.environ, "ASSISTANT_USERS": "", **(env or {})})
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"ui.py exited with {process.returncode}; see {log_path}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"ui.py did not start within 180 s; see {log_path}")


def stop_ui(process: subprocess.Popen) -> None:
    """SIGTERM, and SIGKILL if the server is still shutting down after 30 s (a loaded machine)."""
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=30)


# The position of `current` (the conversation shown) among ui.py's chat event outputs: chatbot, rewritten,
# cards, source_pick, viewer, asked, last_answer, question, current, …
CONVERSATION_OUTPUT = 8


def asked_through_queue(url: str) -> bool:
    """Whether the page's chat event (`ask`) goes through Gradio's queue (an LLM streams its answer) or is
    called directly (extractive answers), read from the page's config as the browser reads it."""
    import httpx

    config = httpx.get(url.rstrip("/") + "/config", timeout=30, trust_env=False).json()
    event = next(d for d in config["dependencies"] if d.get("api_name") == "ask")
    return bool(event.get("queue", True))


def run_load(url: str, questions: list[str], users: int, seconds: float, queued: bool | None = None) -> LoadResult:
    """Each user asks the questions in turn (starting at a different one) until the time is up, through the
    page's own chat event (`ask`) over plain HTTP, the way the browser calls it: directly (POST
    /gradio_api/run/ask) for extractive answers, or through Gradio's queue (POST /gradio_api/call/ask, then its
    event stream read to the end). (gradio_client spent ~100 ms of CPU per question itself, on the same 2 cores
    as the server, so it measured the client more than the server.) `queued=True` goes through the queue
    whatever the page does, as gradio_client and other programs calling the page's API do."""
    conversations: dict[str, str] = {}
    queued = asked_through_queue(url) if queued is None else queued

    def outputs_of(client, data: list, session: str) -> list:
        if not queued:  # a direct call takes every input, the server-side state (follow-up context) as null
            data = data[:2] + [None] + data[2:]
            reply = client.post("/gradio_api/run/ask", json={"data": data, "session_hash": session})
            reply.raise_for_status()
            return reply.json()["data"]
        event = client.post("/gradio_api/call/ask", json={"data": data, "session_hash": session})
        event.raise_for_status()
        stream = client.get(f"/gradio_api/call/ask/{event.json()['event_id']}")
        stream.raise_for_status()
        blocks = [b for b in stream.text.split("\n\n") if b.strip()]
        last = blocks[-1] if blocks else ""
        if not last.startswith("event: complete"):
            raise RuntimeError(f"no answer: {last[:120]!r}")
        return json.loads(last.split("data: ", 1)[1])

    def ask(client, question: str) -> str:
        # The chat event's inputs without its server-side states: question, history, places, years, notices,
        # k, and what the page keeps in its browser (its owner key, its conversation once it has one). One
        # session per user, as one open page has (a new session per question would rebuild its state each time).
        session = client.headers["x-load-session"]
        conversation = conversations.get(session, "")
        outputs = outputs_of(client, [question, [], None, None, None, 5, session, conversation], session)
        # The conversation the page now shows (the event's 9th output; server-side states come back as null):
        # the next question goes on in it. A page whose conversation changed would measure the cost of
        # starting conversations, not of answering in one.
        shown = outputs[CONVERSATION_OUTPUT]
        if not isinstance(shown, str) or not shown or (conversation and shown != conversation):
            raise RuntimeError(f"the conversation was not continued ({conversation!r} → {shown!r})")
        conversations[session] = shown
        reply = outputs[0][-1]["content"]
        text = reply[0]["text"] if isinstance(reply, list) else str(reply)
        if "意外错误" in text:
            raise RuntimeError(f"bad reply to {question!r}: {text[:80]!r}")
        return text

    return _run_users(url, questions, users, seconds, ask, {})


def run_api_load(url: str, questions: list[str], users: int, seconds: float, path: str = "api",
                 key: str | None = None) -> LoadResult:
    """Like run_load, through the HTTP API: path "api" posts to /api/v1/ask, "chat" to /v1/chat/completions."""

    def ask(client, question: str) -> str:
        if path == "chat":
            response = client.post("/v1/chat/completions", json={
                "model": "assistant", "messages": [{"role": "user", "content": question}]})
            response.raise_for_status()
            return response.json()["choices"][0]["message"]["content"]
        response = client.post("/api/v1/ask", json={"question": question})
        response.raise_for_status()
        return response.json()["answer"]

    return _run_users(url, questions, users, seconds, ask, {"Authorization": f"Bearer {key}"} if key else {})


def _run_users(url: str, questions: list[str], users: int, seconds: float, ask, headers: dict) -> LoadResult:
    """`users` threads, each with its own keep-alive connection, call ask(client, question) without pause
    until the time is up; an exception or an empty answer counts as an error, none stops the run."""
    import httpx

    result = LoadResult(users, seconds)
    lock = threading.Lock()
    clients = [httpx.Client(base_url=url.rstrip("/"), timeout=60, trust_env=False,
                            headers={**headers, "x-load-session": f"load-{n}-{os.getpid()}-{time.time_ns()}"})
               for n in range(users)]
    start_line = threading.Barrier(users)
    deadline: list[float] = []

    def user(number: int) -> None:
        client = clients[number]
        start_line.wait()
        if number == 0:
            deadline.append(time.monotonic() + seconds)
        while not deadline:
            time.sleep(0.001)
        i = number
        while time.monotonic() < deadline[0]:
            question = questions[i % len(questions)]
            i += users
            started = time.perf_counter()
            try:
                if not ask(client, question):
                    raise RuntimeError(f"empty answer to {question!r}")
                with lock:
                    result.latencies_ms.append((time.perf_counter() - started) * 1000)
            except Exception as exc:  # every failure is counted and reported, none is fatal to the run
                with lock:
                    result.errors.append(f"{type(exc).__name__}: {exc}"[:200])

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for c in clients:
        c.close()
    return result


def read_questions(questions_file: Path) -> list[str]:
    return [json.loads(line)["question"] for line in questions_file.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def load_test(index: Path, questions_file: Path, users: int, seconds: float, work: Path,
              path: str = "ui", env: dict[str, str] | None = None) -> LoadResult:
    """ui.py started on the index (with `env`), then `users` for `seconds` through `path` (ui, ui-queue, api or
    chat)."""
    questions = read_questions(questions_file)
    port = free_port()
    work.mkdir(parents=True, exist_ok=True)
    process = start_ui(index, port, work / "load-ui.log", env=env)
    try:
        url = f"http://127.0.0.1:{port}/"
        if path in ("ui", "ui-queue"):
            return run_load(url, questions, users, seconds, queued=True if path == "ui-queue" else None)
        return run_api_load(url, questions, users, seconds, path)
    finally:
        stop_ui(process)


def main() -> None:
    from eval.metrics import percentile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=ROOT / "index")
    parser.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.jsonl")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--path", choices=["ui", "ui-queue", "api", "chat"], default="ui",
                        help="ui: the page's chat event, as the browser calls it; ui-queue: the same event through "
                             "Gradio's queue (as gradio_client calls it); api: POST /api/v1/ask; "
                             "chat: /v1/chat/completions")
    args = parser.parse_args()
    result = load_test(args.index, args.questions, args.users, args.seconds, ROOT / "bench" / ".work", args.path)
    print(f"{args.path}: {result.users} users, {result.seconds:.0f} s: {result.requests} requests "
          f"({result.requests / result.seconds:.1f}/s), {len(result.errors)} errors, "
          f"p50 {percentile(result.latencies_ms, 50):.0f} ms, p95 {percentile(result.latencies_ms, 95):.0f} ms")
    for error in result.errors[:10]:
        print("  error:", error)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
