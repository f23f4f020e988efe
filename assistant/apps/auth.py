"""Web login accounts (ASSISTANT_USERS) and the throttle that slows and locks password guessing.

ASSISTANT_USERS="name:password,name2:pbkdf2_sha256$<iterations>$<salt>$<base64 hash>"
  Plain and hashed passwords may be mixed; `python -m assistant hash-password` prints a hash.
  The hash format is Django's, so its pbkdf2_sha256 hashes work too. A malformed value refuses to
  start (UsersConfigError, in Chinese, never quoting a password) instead of silently serving without login.
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import os
import re
import secrets
import string
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

ENV_VAR = "ASSISTANT_USERS"
HASH_ALGORITHM = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 600_000  # OWASP 2023 for PBKDF2-HMAC-SHA256; about 0.5 s on one core here
MAX_ITERATIONS = 10_000_000
EXPECTED_FORMAT = (f'{ENV_VAR}="用户名:密码,用户名2:密码2"，密码也可写成 '
                   f'{HASH_ALGORITHM}$迭代次数$盐$哈希（用 python -m assistant hash-password 生成）')


class UsersConfigError(ValueError):
    """ASSISTANT_USERS cannot be used as written; the message says which entry and why, without the password."""


def hash_password(password: str, iterations: int = DEFAULT_ITERATIONS, salt: str | None = None) -> str:
    """pbkdf2_sha256$<iterations>$<salt>$<base64 sha256 digest> (Django-compatible)."""
    if not password:
        raise ValueError("密码不能为空")
    if not 1 <= iterations <= MAX_ITERATIONS:
        raise ValueError(f"迭代次数应在 1 到 {MAX_ITERATIONS} 之间")
    salt = salt or "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(22))
    if "$" in salt or "," in salt:
        raise ValueError("盐不能包含 $ 或逗号")
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt.encode("utf-8"), iterations)
    return f"{HASH_ALGORITHM}${iterations}${salt}${base64.b64encode(digest).decode('ascii')}"


@dataclass(frozen=True)
class _Pbkdf2:
    iterations: int
    salt: str
    digest: bytes = field(repr=False)

    def matches(self, password: str) -> bool:
        got = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), self.salt.encode("utf-8"), self.iterations)
        return hmac.compare_digest(got, self.digest)


def _parse_hash(stored: str) -> _Pbkdf2 | None:
    """The parsed hash, or None if `stored` is not a well-formed pbkdf2_sha256 string."""
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != HASH_ALGORITHM or not re.fullmatch(r"[1-9][0-9]{0,8}", parts[1]):
        return None
    iterations, salt = int(parts[1]), parts[2]
    if iterations > MAX_ITERATIONS or not salt:
        return None
    try:
        digest = base64.b64decode(parts[3], validate=True)
    except ValueError:
        return None
    return _Pbkdf2(iterations, salt, digest) if len(digest) == hashlib.sha256().digest_size else None


def _looks_hashed(password: str) -> bool:
    return password.lower().startswith("pbkdf2")


@dataclass(frozen=True)
class _Account:
    name: str
    plain: bytes | None = field(default=None, repr=False)
    hashed: _Pbkdf2 | None = field(default=None, repr=False)

    def matches(self, password: str) -> bool:
        if self.hashed is not None:
            return self.hashed.matches(password)
        return hmac.compare_digest(password.encode("utf-8"), self.plain or b"")


class Users:
    """The configured accounts. check(name, password) is constant-time per account and hides which names exist."""

    def __init__(self, accounts: list[_Account]):
        if not accounts:
            raise UsersConfigError(f"{ENV_VAR} 已设置，但没有任何账号。格式：{EXPECTED_FORMAT}")
        self._accounts = {a.name: a for a in accounts}
        iterations = max((a.hashed.iterations for a in accounts if a.hashed), default=0)
        # An unknown name costs as much as the dearest known one, so timing does not reveal which names exist.
        self._decoy = _Account("", hashed=_parse_hash(hash_password("decoy", iterations))) if iterations else \
            _Account("", plain=secrets.token_bytes(16))

    @property
    def names(self) -> list[str]:
        return list(self._accounts)

    def __len__(self) -> int:
        return len(self._accounts)

    def __repr__(self) -> str:  # names only: never a password or hash
        return f"Users({', '.join(self._accounts)})"

    def check(self, username: str, password: str) -> bool:
        account = self._accounts.get((username or "").strip())
        if account is None:
            self._decoy.matches(password or "")
            return False
        return account.matches(password or "")

    def gradio_auth(self) -> Callable:
        """The auth callable for Gradio: async, so a slow hash runs in a thread and never blocks the event loop."""
        async def check(username: str, password: str) -> bool:
            return await asyncio.to_thread(self.check, username, password)

        return check


def parse_users(value: str | None) -> Users | None:
    """ASSISTANT_USERS → Users; None if unset or empty (no login). Raises UsersConfigError if malformed."""
    if value is None or value == "":
        return None
    accounts: list[_Account] = []
    seen: set[str] = set()
    for n, entry in enumerate(value.split(","), start=1):
        where = f"{ENV_VAR} 第 {n} 项"
        if not entry.strip():
            if value.strip():
                raise UsersConfigError(f"{where}为空（多了一个逗号？）。格式：{EXPECTED_FORMAT}")
            break
        if ":" not in entry:
            hint = "（用了“=”？应写作“用户名:密码”）" if "=" in entry else ""
            raise UsersConfigError(f"{where}缺少“:”，无法分出用户名和密码{hint}。格式：{EXPECTED_FORMAT}")
        name, password = entry.split(":", 1)
        name = name.strip()
        if not name:
            raise UsersConfigError(f"{where}的用户名为空。格式：{EXPECTED_FORMAT}")
        if not password:
            raise UsersConfigError(f"{where}（用户 {name}）的密码为空。格式：{EXPECTED_FORMAT}")
        if name in seen:
            raise UsersConfigError(f"{ENV_VAR} 中用户 {name} 出现了不止一次，请只保留一项。")
        seen.add(name)
        if _looks_hashed(password):
            parsed = _parse_hash(password)
            if parsed is None:
                raise UsersConfigError(
                    f"{where}（用户 {name}）的密码哈希格式不对：应为 {HASH_ALGORITHM}$迭代次数$盐$base64哈希"
                    f"（迭代次数 1–{MAX_ITERATIONS}，SHA-256 哈希 32 字节），请用 python -m assistant hash-password 重新生成。")
            accounts.append(_Account(name, hashed=parsed))
        else:
            accounts.append(_Account(name, plain=password.encode("utf-8")))
    return Users(accounts)


def users_from_env(env: dict[str, str] | None = None) -> Users | None:
    """Users from ASSISTANT_USERS in `env` (default os.environ); None means no login."""
    return parse_users((os.environ if env is None else env).get(ENV_VAR))


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0


@dataclass(frozen=True)
class Decision:
    """What to do with a login attempt: refuse (locked, retry_after seconds) or wait `delay` seconds first."""
    locked: bool
    retry_after: float = 0.0
    delay: float = 0.0


class LoginThrottle:
    """Per-address failed-login bookkeeping, no I/O: delays grow after each failure, N failures lock the address.

    After k failures (within `window_s`) the next attempt may start no earlier than `base_delay_s * 2**(k-1)`
    (at most `max_delay_s`) after the last failure; `max_failures` failures lock the address for `lockout_s`.
    A success clears the address. At most `max_addresses` are remembered (oldest forgotten first).
    """

    def __init__(self, max_failures: int = 5, window_s: float = 900.0, lockout_s: float = 900.0,
                 base_delay_s: float = 1.0, max_delay_s: float = 8.0, max_addresses: int = 10_000,
                 clock: Callable[[], float] = time.monotonic):
        if max_failures < 1:
            raise ValueError("max_failures must be at least 1")
        self.max_failures = max_failures
        self.window_s = window_s
        self.lockout_s = lockout_s
        self.base_delay_s = base_delay_s
        self.max_delay_s = max_delay_s
        self.max_addresses = max_addresses
        self.clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def _record(self, address: str, create: bool = False) -> _Record | None:
        record = self._records.get(address)
        now = self.clock()
        if record is not None:
            record.failures = [t for t in record.failures if now - t < self.window_s]
            if record.locked_until <= now and not record.failures:
                del self._records[address]
                record = None
        if record is None and create:
            record = self._records[address] = _Record()
            while len(self._records) > self.max_addresses:
                self._records.popitem(last=False)
        if record is not None:
            self._records.move_to_end(address)
        return record

    def check(self, address: str) -> Decision:
        """Before an attempt: locked (answer 429 without checking the password) or how long to wait first."""
        record = self._record(address)
        if record is None:
            return Decision(False)
        now = self.clock()
        if record.locked_until > now:
            return Decision(True, retry_after=record.locked_until - now)
        if not record.failures:
            return Decision(False)
        earliest = record.failures[-1] + self.delay_after(len(record.failures))
        return Decision(False, delay=max(0.0, earliest - now))

    def delay_after(self, failures: int) -> float:
        return 0.0 if failures < 1 else min(self.max_delay_s, self.base_delay_s * 2 ** (failures - 1))

    def failure(self, address: str) -> Decision:
        """Record a failed attempt; returns the state it leaves the address in."""
        record = self._record(address, create=True)
        now = self.clock()
        record.failures.append(now)
        if len(record.failures) >= self.max_failures:
            record.locked_until = now + self.lockout_s
            record.failures.clear()
        return self.check(address)

    def success(self, address: str) -> None:
        self._records.pop(address, None)

    def failures(self, address: str) -> int:
        record = self._record(address)
        return len(record.failures) if record else 0
