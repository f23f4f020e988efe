"""Command line: python -m assistant {ask,search,notices,chunks} [--json] [--index DIR], serve, and hash-password."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import asdict

from assistant.config import add_common_args, add_llm_args, settings_from_args
from assistant.errors import AssistantError
from .auth import DEFAULT_ITERATIONS
from .records import answer_record, chunk_record, notice_record


def _print_json_lines(records) -> None:
    for record in records:
        print(json.dumps(record, ensure_ascii=False))


def cmd_notices(index, args) -> None:
    counts: dict[str, int] = {}
    for chunk in index.chunks:
        counts[chunk.notice_id] = counts.get(chunk.notice_id, 0) + 1
    records = [notice_record(n, counts.get(n.id, 0)) for n in index.notices]
    if args.json:
        _print_json_lines(records)
        return
    for r in records:
        print(f"{r['date'] or '----------'}  {r['jurisdiction'] or '?':<4}  {r['doc_number'] or '(无文号)':<16}  "
              f"{r['title']}  [{r['n_chunks']} chunks]")


def cmd_chunks(index, args) -> None:
    chunks = [c for c in index.chunks if not args.notice or c.notice_id == args.notice]
    if args.json:
        _print_json_lines(chunk_record(c) for c in chunks)
        return
    for c in chunks:
        print(f"[{c.id}] {c.notice_title} › {c.clause_path_text}\n    {c.text[:120]}")


def cmd_search(index, args, settings) -> None:
    from assistant.pipeline import Assistant

    assistant = Assistant(settings, index=index)
    query = assistant.parse(args.query)
    hits = assistant.retrieve(query, args.k).hits
    if args.json:
        _print_json_lines({**chunk_record(h.chunk), "score": h.score} for h in hits)
        return
    for rank, hit in enumerate(hits, start=1):
        notice = index.notice_by_id.get(hit.chunk.notice_id)
        meta = " · ".join(x for x in (notice.doc_number, notice.issuer, notice.date) if x) if notice else ""
        print(f"[{rank}] {hit.chunk.notice_title}  ({meta})\n    {hit.chunk.clause_path_text}\n    {hit.chunk.text.strip()[:300]}\n")


def cmd_ask(index, args, settings) -> None:
    from assistant.models import notice_line
    from assistant.pipeline import Assistant

    assistant = Assistant(settings, index=index)
    if args.json:
        answer = assistant.ask(args.query, k=args.k, use_llm=not args.no_llm)
        print(json.dumps(answer_record(answer), ensure_ascii=False, indent=1))
        return
    printed = ""
    answer = None
    for answer in assistant.ask_stream(args.query, k=args.k, use_llm=not args.no_llm):
        if answer.mode == "llm" and not answer.note and answer.text.startswith(printed):
            print(answer.text[len(printed):], end="", flush=True)  # stream the LLM's words as they come
            printed = answer.text
    shown = len(printed)
    if shown:
        print()
    if answer.note:
        print(f"（{answer.note}）")
    if not shown or answer.note:
        print(answer.text)
    print("\n来源：" if not answer.abstained else "\n最接近的条款：")
    for c in answer.citations:
        shown_text = " … ".join(c.quotes) if c.quotes else " ".join(c.chunk.text.split())[:200]
        print(f"[{c.marker}] {notice_line(c.notice) or c.chunk.notice_title}\n    {c.chunk.clause_path_text}"
              f"\n    {shown_text}")


def read_password(stdin=None, prompt=getpass.getpass) -> str:
    """The password from piped stdin (first line), or typed twice at a terminal without echo."""
    stdin = stdin or sys.stdin
    if not stdin.isatty():
        return stdin.readline().rstrip("\r\n")
    password = prompt("密码：")
    if prompt("再输入一次：") != password:
        raise AssistantError("两次输入的密码不一致")
    return password


def cmd_hash_password(args) -> int:
    """Print a pbkdf2_sha256$... string for ASSISTANT_USERS="name:<it>"; the password itself is never printed."""
    from .auth import hash_password

    password = read_password()
    if not password:
        raise AssistantError("密码不能为空")
    if "," in password:
        raise AssistantError("密码不能包含逗号（ASSISTANT_USERS 用逗号分隔账号）")
    try:
        print(hash_password(password, iterations=args.iterations))
    except ValueError as exc:
        raise AssistantError(str(exc)) from None
    return 0


def cmd_serve(args, settings) -> int:
    """The HTTP API alone (no web UI): REST under /api/v1, OpenAI-compatible /v1, docs at /docs."""
    import logging

    from .api import Api
    from .auth import UsersConfigError, users_from_env
    from .service import Service
    from .webserver import is_loopback, make_api_server

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        users = users_from_env()
    except UsersConfigError as exc:
        raise AssistantError(str(exc)) from None
    local_only = is_loopback(args.host)
    api = Api(Service(settings, uploads_allowed=users is not None or local_only), users, local_only=local_only)
    if not local_only and not api.keys:
        print(f"warning: listening on {args.host} without ASSISTANT_API_KEYS: uploads and deletions are switched off",
              file=sys.stderr)
    print(f"API on http://{args.host}:{args.port}/api/v1 (docs at /docs)", flush=True)
    make_api_server(api, args.host, args.port).run()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assistant", description="Q&A over government notices")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("notices", "list the ingested notices"), ("chunks", "list the indexed chunks")):
        p = sub.add_parser(name, help=help_text)
        add_common_args(p)
        p.add_argument("--json", action="store_true", help="one JSON object per line")
        if name == "chunks":
            p.add_argument("--notice", help="only the chunks of this notice id")
    for name, help_text in (("ask", "answer a question with cited sources"),
                            ("search", "the clauses that best match a question")):
        p = sub.add_parser(name, help=help_text)
        add_common_args(p)
        p.add_argument("query")
        p.add_argument("--k", type=int, default=5, help="number of clauses to retrieve and cite")
        p.add_argument("--json", action="store_true")
        if name == "ask":
            p.add_argument("--no-llm", action="store_true", help="extractive answer even if an LLM is configured")
            add_llm_args(p)
    p = sub.add_parser("serve", help="the HTTP API alone, without the web UI (docs at /docs)")
    add_common_args(p)
    add_llm_args(p)
    p.add_argument("--host", default=os.environ.get("ASSISTANT_HOST", "127.0.0.1"),
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=int(os.environ.get("ASSISTANT_PORT", "8000")))
    p = sub.add_parser("hash-password", help="hash a web login password for ASSISTANT_USERS (reads stdin or prompts)")
    p.add_argument("--iterations", type=int, default=DEFAULT_ITERATIONS,
                   help=f"PBKDF2-SHA256 iterations (default {DEFAULT_ITERATIONS})")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "hash-password":
        try:
            return cmd_hash_password(args)
        except AssistantError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except (KeyboardInterrupt, EOFError):
            return 1
    settings = settings_from_args(args)
    try:
        if args.command in ("ask", "search"):
            from assistant.pipeline import check_question

            args.query = check_question(args.query)  # before loading anything: a bad question fails fast
        if args.command == "serve":
            return cmd_serve(args, settings)
        from assistant.stores.registry import open_store

        index = open_store(settings)
        if args.command == "notices":
            cmd_notices(index, args)
        elif args.command == "chunks":
            cmd_chunks(index, args)
        elif args.command == "search":
            cmd_search(index, args, settings)
        elif args.command == "ask":
            cmd_ask(index, args, settings)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    return 0
