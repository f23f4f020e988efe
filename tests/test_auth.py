"""Web login attacks: a typo that silently disables login, and password guessing without slowdown.

The server tests run the real thing: a tiny gr.Blocks mounted by assistant.apps.webserver, served by uvicorn
on 127.0.0.1 (a free port, in a thread), hit over real HTTP with httpx.
"""
from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from assistant.apps.auth import (LoginThrottle, UsersConfigError, hash_password, parse_users, users_from_env)

ROOT = Path(__file__).resolve().parent.parent
FAST = 1000  # PBKDF2 iterations in tests: the format is the same, the hashing quick


# --- A typo in ASSISTANT_USERS must not start the UI without login -------------------------------------

MALFORMED = {
    "equals instead of colon": "alice=secret1",
    "empty password": "alice:",
    "empty name": ":secret1",
    "blank name": "   :secret1",
    "duplicate name": "alice:secret1,alice:secret2",
    "second entry broken": "alice:secret1,bob=secret2",
    "trailing comma": "alice:secret1,",
    "only spaces": "   ",
    "hash with bad iterations": "alice:pbkdf2_sha256$many$salt$" + "A" * 44,
    "hash not base64": "alice:pbkdf2_sha256$1000$salt$not*base64!",
    "hash too short": "alice:pbkdf2_sha256$1000$salt$QUJD",
    "hash missing salt": "alice:pbkdf2_sha256$1000$$" + hash_password("x", FAST).rsplit("$", 1)[1],
    "hash with extra part": "alice:" + hash_password("secret1", FAST) + "$x",
    "other algorithm": "alice:pbkdf2_sha1$1000$salt$QUJD",
}


@pytest.mark.parametrize("value", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_users_refuse_to_start_with_the_expected_format_and_no_password(value):
    with pytest.raises(UsersConfigError) as raised:
        users_from_env({"ASSISTANT_USERS": value})
    message = str(raised.value)
    assert "ASSISTANT_USERS" in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)
    for password in ("secret1", "secret2", "not*base64!", "QUJD"):
        assert password not in message
    if value == "alice=secret1":
        assert "用户名:密码" in message and "=" in message  # says what was wrong and what is expected


def test_the_server_refuses_a_malformed_users_value_before_serving():
    import gradio as gr

    from assistant.apps.webserver import build_app, make_server

    with gr.Blocks() as demo:
        gr.Markdown("hi")
    for value in ("alice=secret1", "alice:", ":pw", "alice:a,alice:b"):
        with pytest.raises(UsersConfigError):
            build_app(demo, value)
        with pytest.raises(UsersConfigError):
            make_server(demo, "127.0.0.1", 0, value)


def test_unset_or_empty_means_no_login_and_good_values_parse():
    assert users_from_env({}) is None and users_from_env({"ASSISTANT_USERS": ""}) is None
    users = parse_users(f"alice:secret1, bob:{hash_password('pw-bob', FAST)},carol:a:b:c")
    assert users.names == ["alice", "bob", "carol"]
    assert users.check("alice", "secret1") and users.check(" alice ", "secret1")
    assert users.check("bob", "pw-bob") and users.check("carol", "a:b:c")
    assert not users.check("alice", "secret2") and not users.check("bob", "pw-bo") and not users.check("eve", "x")
    assert not users.check("bob", hash_password("pw-bob", FAST))  # the hash itself is not a password
    assert "secret1" not in repr(users) and "pbkdf2" not in repr(users)


def test_a_hash_is_pbkdf2_sha256_with_a_random_salt_and_verifies():
    import base64
    import hashlib

    one, two = hash_password("s3cret", FAST), hash_password("s3cret", FAST)
    assert one != two  # salted
    algorithm, iterations, salt, digest = one.split("$")
    assert algorithm == "pbkdf2_sha256" and iterations == str(FAST) and len(salt) >= 16
    assert base64.b64decode(digest) == hashlib.pbkdf2_hmac("sha256", b"s3cret", salt.encode(), FAST)
    assert hash_password("x").split("$")[1] == "600000"  # the default is a modern work factor


def test_hash_password_command_reads_stdin_and_prints_only_the_hash():
    result = subprocess.run([sys.executable, "-m", "assistant", "hash-password", "--iterations", str(FAST)],
                            input="correct horse\n", capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    printed = result.stdout.strip()
    assert printed.startswith("pbkdf2_sha256$1000$") and "correct horse" not in result.stdout + result.stderr
    assert parse_users(f"alice:{printed}").check("alice", "correct horse")
    empty = subprocess.run([sys.executable, "-m", "assistant", "hash-password"], input="",
                           capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert empty.returncode == 1 and "密码" in empty.stderr


# --- Guessing: the bookkeeping, with a fake clock ----------------------------------------------------

class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_each_failure_delays_the_next_attempt_more():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    assert throttle.check("1.2.3.4").delay == 0
    delays = []
    for _ in range(4):
        throttle.failure("1.2.3.4")
        delays.append(throttle.check("1.2.3.4").delay)
    assert delays == [1, 2, 4, 8]
    clock.now += 3  # time already waited counts
    assert throttle.check("1.2.3.4").delay == 5


def test_five_failures_lock_the_address_for_15_minutes_and_success_resets():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for n in range(5):
        assert not throttle.check("1.2.3.4").locked
        throttle.failure("1.2.3.4")
        clock.now += 10
    decision = throttle.check("1.2.3.4")
    assert decision.locked and 800 < decision.retry_after <= 900
    clock.now += 14 * 60
    assert throttle.check("1.2.3.4").locked
    clock.now += 60
    assert throttle.check("1.2.3.4").locked is False and throttle.check("1.2.3.4").delay == 0
    for _ in range(4):
        throttle.failure("1.2.3.4")
    throttle.success("1.2.3.4")
    assert throttle.failures("1.2.3.4") == 0 and throttle.check("1.2.3.4").delay == 0


def test_another_address_is_not_locked_or_slowed():
    throttle = LoginThrottle(clock=Clock())
    for _ in range(5):
        throttle.failure("10.0.0.1")
    assert throttle.check("10.0.0.1").locked
    assert throttle.check("10.0.0.2").locked is False and throttle.check("10.0.0.2").delay == 0


def test_failures_older_than_the_window_are_forgotten():
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(4):
        throttle.failure("1.2.3.4")
        clock.now += 250
    assert throttle.failures("1.2.3.4") == 3  # the first is 1000 s old now
    throttle.failure("1.2.3.4")
    assert not throttle.check("1.2.3.4").locked  # 5 failures, but not within 15 minutes


def test_memory_is_bounded_when_many_addresses_fail():
    throttle = LoginThrottle(clock=Clock(), max_addresses=100)
    for n in range(1000):
        throttle.failure(f"10.0.{n // 256}.{n % 256}")
    assert len(throttle._records) == 100


# --- Guessing and logging in against a real server ---------------------------------------------------

def tiny_blocks():
    import gradio as gr

    with gr.Blocks() as demo:
        question = gr.Textbox(elem_id="q")
        answer = gr.Textbox()
        question.submit(lambda text: text.upper(), question, answer, api_name="shout")
    demo.queue(default_concurrency_limit=2, max_size=8)
    return demo


@contextlib.contextmanager
def running(users, throttle=None, **options):
    """The app served by uvicorn on 127.0.0.1 (a free port) in a thread; yields its base URL."""
    from assistant.apps.webserver import make_server

    from conftest import serving_in_thread

    blocks = tiny_blocks()
    with serving_in_thread(lambda port: make_server(
            blocks, "127.0.0.1", port, users, throttle=throttle, auth_message="请输入账号和密码", footer_links=[],
            show_error=True, max_file_size="1mb", css=".marker-css{color:red}", **options)) as url:
        yield url


USERS = f"alice:secret1,bob:{hash_password('pw-bob', FAST)}"


def login(client: httpx.Client, username: str, password: str, **kwargs) -> httpx.Response:
    return client.post("/login", data={"username": username, "password": password}, **kwargs)


def ask(client: httpx.Client, text: str) -> str:
    """One question through Gradio's queue (the call API), with the client's cookies."""
    event = client.post("/gradio_api/call/shout", json={"data": [text]})
    assert event.status_code == 200, event.text
    stream = client.get(f"/gradio_api/call/shout/{event.json()['event_id']}", timeout=30)
    return stream.text


def test_plain_and_hashed_passwords_log_in_and_get_a_session_that_uses_the_queue():
    with running(USERS) as base:
        with httpx.Client(base_url=base, timeout=30) as anonymous:
            assert anonymous.get("/").status_code == 200  # the login page is served
            assert anonymous.get("/config").status_code == 401
            assert anonymous.post("/gradio_api/call/shout", json={"data": ["x"]}).status_code == 401
        for name, password in (("alice", "secret1"), ("bob", "pw-bob")):
            with httpx.Client(base_url=base, timeout=30) as client:
                response = login(client, name, password)
                assert response.status_code == 200 and response.json() == {"success": True}
                assert any(c.startswith("access-token") for c in response.cookies)
                config = client.get("/config")
                assert config.status_code == 200 and "marker-css" in config.text  # css reached the mounted app
                assert "HELLO" in ask(client, "hello")


def test_wrong_passwords_get_slower_then_the_address_is_locked_with_429():
    throttle = LoginThrottle(base_delay_s=0.2, max_delay_s=0.8)
    with running(USERS, throttle=throttle) as base, httpx.Client(base_url=base, timeout=30) as client:
        took = []
        for attempt in range(5):
            start = time.monotonic()
            response = login(client, "alice", f"guess{attempt}")
            took.append(time.monotonic() - start)
            assert response.status_code == 400
        assert took[1] >= 0.18 and took[2] >= 0.38 and took[3] >= 0.78 and took[4] >= 0.78
        assert took[0] < 0.18  # the first attempt was not slowed
        start = time.monotonic()
        locked = login(client, "alice", "guess6")
        assert locked.status_code == 429 and time.monotonic() - start < 0.5
        assert "锁定" in locked.json()["detail"] and int(locked.headers["retry-after"]) > 800
        # Locked means locked: even the right password is not tried, and other spellings of /login count too.
        assert login(client, "alice", "secret1").status_code == 429
        for path in ("/login/", "/./login", "/%6Cogin"):
            assert client.post(path, data={"username": "alice", "password": "secret1"}).status_code == 429
        # Another address (here: a reverse proxy on this host forwarding for another client) still logs in.
        other = login(client, "alice", "secret1", headers={"X-Forwarded-For": "192.0.2.7"})
        assert other.status_code == 200


def test_parallel_guesses_cannot_skip_the_delays():
    throttle = LoginThrottle(base_delay_s=0.3, max_delay_s=0.3, max_failures=100)
    with running(USERS, throttle=throttle) as base:
        def guess(n):
            with httpx.Client(base_url=base, timeout=30) as client:
                return login(client, "alice", f"wrong{n}").status_code

        start = time.monotonic()
        threads = [threading.Thread(target=guess, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert time.monotonic() - start >= 0.85  # 3 waits of 0.3 s, one after another
        assert throttle.failures("127.0.0.1") == 4


def test_a_success_resets_the_count():
    throttle = LoginThrottle(base_delay_s=0.05, max_delay_s=0.05)
    with running(USERS, throttle=throttle) as base, httpx.Client(base_url=base, timeout=30) as client:
        for _ in range(4):
            assert login(client, "bob", "nope").status_code == 400
        assert login(client, "bob", "pw-bob").status_code == 200
        assert throttle.failures("127.0.0.1") == 0
        for _ in range(4):
            assert login(client, "bob", "nope").status_code == 400  # 4 more allowed: not locked


def test_without_users_the_app_is_open_as_before():
    with running(None) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert client.get("/config").status_code == 200
        assert "HELLO" in ask(client, "hello")


@pytest.fixture(autouse=True)
def _no_proxy_env(monkeypatch):
    # httpx would send 127.0.0.1 requests through a configured proxy otherwise.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
