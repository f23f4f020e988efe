"""Serve a Gradio Blocks behind a login guard: failed logins are slowed, then the address is locked.

Gradio's auth callable sees only (username, password), not who is asking, so the guard sits in front of
Gradio as pure ASGI middleware watching POST /login: per client address, each attempt after a failure
waits (1 s, 2 s, 4 s, ...), and after 5 failures in 15 minutes the address gets 429 for 15 minutes
without Gradio being asked. A success clears the address.

    demo.queue(...)                       # as before: the mounted app keeps the queue
    serve(demo, host, port, users_from_env(), api=Api(service, users), auth_message=..., css=..., ...)
"""
from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from .auth import LoginThrottle, Users, parse_users

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]

# On SIGTERM, requests in flight get this long to finish; a client holding a stream open cannot keep the
# server from stopping.
GRACEFUL_SHUTDOWN_S = 10

LOCKED_MESSAGE = "登录失败次数过多，此地址已被暂时锁定，请 {minutes} 分钟后再试。"
BUSY_MESSAGE = "登录请求过于频繁，请稍后再试。"


def _is_login(scope: Scope) -> bool:
    if scope.get("type") != "http" or scope.get("method") != "POST":
        return False
    path = scope.get("path") or ""
    root = (scope.get("root_path") or "").rstrip("/")
    if root and path.startswith(root):
        path = path[len(root):]
    # Whatever spelling the router might still accept (//login, /login/, /./login) counts as a login.
    parts = [p for p in path.split("/") if p not in ("", ".")]
    return parts == ["login"]


class LoginGuard:
    """Pure ASGI middleware: throttles POST /login per client address using a LoginThrottle."""

    def __init__(self, app: ASGIApp, throttle: LoginThrottle | None = None, max_waiting: int = 8):
        self.app = app
        self.throttle = throttle or LoginThrottle()
        self.max_waiting = max_waiting  # attempts from one address queued behind each other; more get 429
        self._locks: dict[str, asyncio.Lock] = {}
        self._waiting: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive, send) -> None:
        if not _is_login(scope):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        if self._waiting.get(address, 0) >= self.max_waiting:
            await _refuse(send, BUSY_MESSAGE, retry_after=self.throttle.delay_after(self.throttle.max_failures))
            return
        # One attempt at a time per address, so parallel guesses cannot skip the delays.
        lock = self._locks.setdefault(address, asyncio.Lock())
        self._waiting[address] = self._waiting.get(address, 0) + 1
        try:
            async with lock:
                await self._attempt(address, scope, receive, send)
        finally:
            self._waiting[address] -= 1
            if not self._waiting[address]:
                del self._waiting[address]
                self._locks.pop(address, None)

    async def _attempt(self, address: str, scope: Scope, receive, send) -> None:
        decision = self.throttle.check(address)
        if not decision.locked and decision.delay > 0:
            await asyncio.sleep(decision.delay)
            decision = self.throttle.check(address)
        if decision.locked:
            minutes = max(1, math.ceil(decision.retry_after / 60))
            await _refuse(send, LOCKED_MESSAGE.format(minutes=minutes), retry_after=decision.retry_after)
            return
        status: list[int] = []

        async def watch(message: dict) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        await self.app(scope, receive, watch)
        if not status:
            return
        if status[0] == 400:  # Gradio: 400 "Incorrect credentials."
            after = self.throttle.failure(address)
            if after.locked:
                log.warning("login locked for %s after %d failed attempts", address, self.throttle.max_failures)
        elif 200 <= status[0] < 300:
            self.throttle.success(address)


async def _refuse(send, detail: str, retry_after: float) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": 429, "headers": [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(max(1, math.ceil(retry_after))).encode()),
    ]})
    await send({"type": "http.response.body", "body": body})


def is_loopback(host: str) -> bool:
    """True when `host` only accepts connections from this machine."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _users(auth_users: Users | str | None) -> Users | None:
    return parse_users(auth_users) if isinstance(auth_users, str) else auth_users


def build_app(blocks, auth_users: Users | str | None, *, throttle: LoginThrottle | None = None,
              api=None, **mount_options) -> LoginGuard:
    """The ASGI app: the HTTP API (if `api`, an api.Api) with its docs at /docs, and Gradio mounted at /
    (login required if auth_users), wrapped in the login guard and the API's body limit.

    auth_users: a Users (auth.users_from_env()), an ASSISTANT_USERS string, or None for no login.
    mount_options go to gr.mount_gradio_app: auth_message, max_file_size, css, js, theme, footer_links,
    show_error, ... Call blocks.queue(...) first, as before launch().
    """
    import gradio as gr

    users = _users(auth_users)
    mount_options.pop("quiet", None)  # a launch() option with no meaning here
    for option in ("auth", "server_name", "server_port"):
        if option in mount_options:
            raise TypeError(f"build_app/serve take {option} from their own arguments")
    app = api_app(api)
    app = gr.mount_gradio_app(app, blocks, path="/", auth=users.gradio_auth() if users else None, **mount_options)
    # Gradio checks that every file a request names lies in its upload cache (so a client cannot make the
    # server read /etc/passwd by sending that path) only for Blocks that "have launched"; a mounted Blocks
    # never launches, and without this the check is silently skipped (tests/test_attacks.py).
    blocks.has_launched = True
    return LoginGuard(_limited(app, api), throttle)


def api_app(api=None):
    """A FastAPI app holding the HTTP API's routes and docs (/docs), or nothing at all when api is None."""
    from fastapi import FastAPI

    if api is None:  # no /docs or /openapi.json: everything is Gradio's, behind its login
        return FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    from .api import install_api

    app = FastAPI(title="政策文件问答助手 API", version="1",
                  description="带引用的政策文件问答。REST 接口在 /api/v1 下；/v1/chat/completions 兼容 OpenAI。"
                              "设置了 ASSISTANT_API_KEYS 时，请求头须带 Authorization: Bearer <密钥>。",
                  redoc_url=None)
    install_api(app, api)
    return app


def _limited(app, api):
    if api is None:
        return app
    from .api import BodyLimit

    return BodyLimit(app, int(api.service.settings.max_file_mb * 1_000_000))


def make_api_server(api, host: str, port: int, log_level: str = "warning"):
    """A uvicorn.Server for the HTTP API alone (python -m assistant serve), without the web UI; not started."""
    import uvicorn

    return uvicorn.Server(uvicorn.Config(_limited(api_app(api), api), host=host, port=port, log_level=log_level,
                                         timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S))


def make_server(blocks, host: str, port: int, auth_users: Users | str | None, *,
                throttle: LoginThrottle | None = None, log_level: str = "warning", api=None, **launch_options):
    """A uvicorn.Server for build_app(...) (not started): .run() blocks; tests run it in a thread."""
    import uvicorn

    app = build_app(blocks, auth_users, throttle=throttle, api=api, **launch_options)
    # Access logs stay off (warning level) as with launch(); nothing secret is printed either way.
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=log_level,
                                         timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S))


def serve(blocks, host: str, port: int, auth_users: Users | str | None, *,
          throttle: LoginThrottle | None = None, api=None, **launch_options) -> None:
    """Run the guarded app with uvicorn until interrupted (instead of blocks.launch(...)). Returns nothing."""
    make_server(blocks, host, port, auth_users, throttle=throttle, api=api, **launch_options).run()
