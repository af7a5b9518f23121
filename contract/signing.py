"""Request signatures shared by the hub client and the reference hub (contract v1).

The signature is HMAC-SHA256 over method, path (with query), timestamp, nonce and the SHA-256 of the
body, so a changed body, a replayed request or a request sent to another path is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

HEADER_TERMINAL = "X-Terminal-Id"
HEADER_TIMESTAMP = "X-Timestamp"
HEADER_NONCE = "X-Nonce"
HEADER_SIGNATURE = "X-Signature"
# Authorization: Bearer <token>

MAX_CLOCK_SKEW_S = 300


def canonical(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return "\n".join(
        [method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()]
    ).encode("utf-8")


def signature(key: bytes, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return hmac.new(key, canonical(method, path, timestamp, nonce, body), hashlib.sha256).hexdigest()


def sign_headers(
    terminal_id: str, token: str, key: bytes, method: str, path: str, body: bytes, now: float | None = None
) -> dict[str, str]:
    """Headers for one request. `path` includes the query string, exactly as sent."""
    ts = str(int(now if now is not None else time.time()))
    nonce = secrets.token_hex(16)
    return {
        "Authorization": f"Bearer {token}",
        HEADER_TERMINAL: terminal_id,
        HEADER_TIMESTAMP: ts,
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: signature(key, method, path, ts, nonce, body),
    }


def verify(key: bytes, method: str, path: str, timestamp: str, nonce: str, body: bytes, sig: str) -> bool:
    expected = signature(key, method, path, timestamp, nonce, body)
    return hmac.compare_digest(expected, sig)
