"""Keep secrets (API keys, passwords, URL credentials, bearer tokens) out of the page, logs and error messages.

redact_url(url)        the URL with its userinfo and secret-looking query values replaced by ***
redact(text, secrets)  any text with the given secrets, URL credentials, key=/token= values and
                       Authorization/Bearer values replaced by ***; secrets registered with
                       register_secret() are always removed too.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

MASK = "***"
# A secret shorter than this is not replaced literally (it would mangle ordinary text); the
# patterns below still catch it where it appears as a key=value, in a URL or after Bearer.
MIN_SECRET_CHARS = 3

# Query/form/JSON field names whose values are secret: api_key, apikey, access_token, key, token, sig, ...
_SECRET_NAME = r"[A-Za-z0-9_.\-]*(?:key|token|secret|passw(?:or)?d|pwd|signature|sig|credentials?|auth(?!or))[A-Za-z0-9_.\-]*"
_SECRET_NAME_RE = re.compile(rf"^{_SECRET_NAME}$", re.IGNORECASE)

_USERINFO_RE = re.compile(r"(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<userinfo>[^/?#\s@]+)@")
_KEY_VALUE_RE = re.compile(
    rf"""(?P<name>\b{_SECRET_NAME})(?P<sep>["']?\s*[=:]\s*["']?)(?P<value>[^\s&"'<>,;)}}\]]+)""",
    re.IGNORECASE,
)
_AUTH_HEADER_RE = re.compile(r"(?P<name>\b(?:proxy-)?authorization\s*[:=]\s*[\"']?)(?P<value>(?:[A-Za-z]+\s+)?[^\s\"',;]+)",
                             re.IGNORECASE)
_BEARER_RE = re.compile(r"(?P<name>\bBearer\s+)(?P<value>[A-Za-z0-9._~+/\-]+=*)", re.IGNORECASE)
_OPENAI_KEY_RE = re.compile(r"\bsk-[A-Za-z0-9_\-]{12,}")

_registered: set[str] = set()


def register_secret(*secrets: str | None) -> None:
    """Remember secrets for the life of the process: every later redact() removes them too."""
    for secret in secrets:
        if secret and len(secret) >= MIN_SECRET_CHARS:
            _registered.add(secret)


def is_secret_name(name: str) -> bool:
    """True for query/form field names such as api_key, key, token, access_token, password, sig."""
    return bool(_SECRET_NAME_RE.match(name))


def redact_url(url: str) -> str:
    """The URL as safe to show: userinfo becomes ***@ and secret query values become ***."""
    if not url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # not parseable as a URL: fall back to the text patterns
        return redact(url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = MASK + "@" + netloc.rsplit("@", 1)[1]
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, MASK if is_secret_name(k) else v) for k, v in pairs], safe="*")
    fragment = redact(parts.fragment) if parts.fragment else parts.fragment
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def _variants(secret: str) -> set[str]:
    """The secret as written, and as it appears percent-encoded in URLs and forms."""
    return {secret, quote(secret, safe=""), quote_plus(secret, safe="")}


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """text with every known secret and every credential-looking fragment replaced by ***."""
    if not text:
        return text
    text = str(text)
    known = {s for s in list(secrets) + list(_registered) if s and len(s) >= MIN_SECRET_CHARS}
    for secret in sorted({v for s in known for v in _variants(s)}, key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _USERINFO_RE.sub(lambda m: m.group("scheme") + MASK + "@", text)
    text = _AUTH_HEADER_RE.sub(lambda m: m.group("name") + MASK, text)
    text = _BEARER_RE.sub(lambda m: m.group("name") + MASK, text)
    text = _KEY_VALUE_RE.sub(
        lambda m: m.group(0) if m.group("value") == MASK else m.group("name") + m.group("sep") + MASK, text)
    text = _OPENAI_KEY_RE.sub("sk-" + MASK, text)
    return text
