"""The hub's gate: every /v1 request is checked here before any endpoint sees it.

In order: load shedding (503 when too many requests are in flight, 429 when a terminal exceeds its
rate), body size (413, from Content-Length and while reading), the terminal's token, the timestamp
window, the HMAC signature over method, raw path with query, timestamp, nonce and body, and finally
the nonce (seen before -> replay). Then the body is read as JSON once, safely (hub/json_body.py:
415 for another content type, 400 malformed, 422 too deep or, outside the batch endpoint, text that
is not valid Unicode). The verified body is handed on to the endpoint unchanged; the terminal id it
was signed for and the parsed body are put into the request scope (`scope["state"]["terminal_id"]`,
`scope["state"]["json_body"]`).

A pure ASGI middleware, so refusals never read more of the body than the limit allows.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool

from contract import signing
from hub import json_body
from hub.store import HubStore, Terminal
from hub.store_terminals import NonceNotRecorded, PendingNonce

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


@dataclass(frozen=True)
class HotPath:
    """A request the gate answers itself, after its checks and in the same thread hop (the fleet's
    hot paths, hub/app.py). `answer(terminal, parsed body, nonce)` makes the answer; with
    `takes_nonce` and a store that can (`nonce_with_writes`), the nonce is not recorded by the gate
    but handed to `answer` as a PendingNonce for its own transaction (one round trip for the
    request), and `answer` raises NonceNotRecorded when it was not (then nothing was stored)."""

    answer: Callable[[Terminal, Any, PendingNonce | None], ASGIApp]
    takes_nonce: bool = False

# /v1/enrolment: a terminal has no credentials before it enrols (hub/fleet_routes.py guards it);
# the staff console (/console) has its own sign-in: hub/console/sessions.py
PUBLIC_PREFIXES = ("/openapi.json", "/docs", "/redoc", "/healthz", "/v1/enrolment", "/console", "/favicon.ico")
BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
NO_BODY = None  # scope["state"]["json_body"] when the request has no body


@dataclass(frozen=True)
class GateSettings:
    max_body_bytes: int = 4 * 1024 * 1024
    clock_window_s: float = signing.MAX_CLOCK_SKEW_S
    max_in_flight: int = 0  # 0 = unlimited; above it the hub answers 503
    rate_per_minute: int = 0  # per terminal, 0 = unlimited; above it the hub answers 429
    retry_after_s: int = 2  # what a 503 asks the client to wait


class Refusal(Exception):
    def __init__(self, status: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.headers = headers or {}


async def send_error(
    send: Send, status: int, error: str, message: str, headers: dict[str, str] | None = None
) -> None:
    body = json.dumps({"error": error, "message": message}).encode("utf-8")
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class _RateWindow:
    """Fixed one-minute windows per terminal: simple, and the Retry-After is exact."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}

    def check(self, terminal_id: str, now: float) -> int | None:
        """None when allowed; otherwise the seconds until the next window."""
        if self.per_minute <= 0:
            return None
        minute = int(now // 60)
        with self._lock:
            window, count = self._counts.get(terminal_id, (minute, 0))
            if window != minute:
                window, count = minute, 0
            if count >= self.per_minute:
                return max(1, math.ceil((minute + 1) * 60 - now))
            self._counts[terminal_id] = (window, count + 1)
        return None


TERMINAL_CACHE_SIZE = 200_000  # terminal rows kept per hub process (a city's fleet fits)


class _RowChanged(Exception):
    """The cached terminal row no longer matches the database."""


class SignatureGate:
    """ASGI middleware enforcing load limits, size limit, authentication and replay protection."""

    def __init__(
        self,
        app: ASGIApp,
        store: HubStore,
        settings: GateSettings,
        per_item_paths: frozenset[str] = frozenset(),
        hot: Callable[[Scope], HotPath | None] | None = None,
    ) -> None:
        """`per_item_paths`: endpoints that judge the text of each item themselves (the batch), so one
        item with invalid text is rejected alone instead of the whole body. `hot`: the answer of a
        request the gate makes itself, after its checks and in the same thread hop, instead of handing
        the request on (the fleet's hot paths, hub/app.py); None for every other request."""
        self.app = app
        self.hot = hot
        self.store = store
        self.settings = settings
        self.per_item_paths = per_item_paths
        self._in_flight = 0
        self._rate = _RateWindow(settings.rate_per_minute)
        self._terminals: dict[str, Terminal] = {}  # terminal id -> row; see _authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        limit = self.settings.max_in_flight
        if limit and self._in_flight >= limit:
            retry = str(self.settings.retry_after_s)
            await send_error(send, 503, "overloaded", "the hub is busy, try later", {"Retry-After": retry})
            return
        self._in_flight += 1
        try:
            await self._guarded(scope, receive, send)
        finally:
            self._in_flight -= 1

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        hot = self.hot(scope) if self.hot is not None else None
        try:
            body = await self._read_body(scope, receive)
            # one hop to a thread: the checks, and for a hot path its answer too
            terminal, parsed, answer = await run_in_threadpool(self._check, scope, body, hot)
        except Refusal as refusal:
            log.info("request refused", extra={"status": refusal.status, "error": refusal.error})
            await send_error(send, refusal.status, refusal.error, refusal.message, refusal.headers)
            return
        except self.store.storage_errors as exc:
            # the nonce could not be written (disk full, I/O error): the hub's trouble, retry later
            log.error("storage failed in the gate", extra={"error_type": type(exc).__name__})
            await send_error(
                send, 503, "storage_unavailable", "the hub cannot store right now", {"Retry-After": "5"}
            )
            return
        if answer is not None:
            await answer(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["terminal_id"] = terminal.terminal_id
        state["terminal"] = terminal  # its HMAC key signs the heartbeat's commands (hub/fleet_routes.py)
        state["json_body"] = parsed
        delivered = False

        async def replay_body() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay_body, send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes:
        limit = self.settings.max_body_bytes
        for name, value in scope["headers"]:
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError as exc:
                    raise Refusal(400, "bad_request", "Content-Length is not a number") from exc
                if declared > limit:
                    raise Refusal(413, "too_large", f"the body is larger than {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Refusal(400, "bad_request", "the client went away")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise Refusal(413, "too_large", f"the body is larger than {limit} bytes")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _check(self, scope: Scope, body: bytes, hot: HotPath | None) -> tuple[Terminal, Any, ASGIApp | None]:
        if hot is not None and hot.takes_nonce and self.store.nonce_with_writes:
            try:
                terminal = self._authenticate(scope, body, record_nonce=False)
                parsed = self._read_json(scope, body)
                nonce = PendingNonce(
                    terminal, self._header(scope, b"x-nonce"), time.time(), self.settings.clock_window_s
                )
                return terminal, parsed, hot.answer(terminal, parsed, nonce)
            except NonceNotRecorded:
                # nothing was stored: a replay, or the terminal's row changed meanwhile (revoked,
                # rotated): checked again as any request is, which tells which and answers it
                pass
        terminal, parsed = self._authenticate(scope, body), self._read_json(scope, body)
        return terminal, parsed, None if hot is None else hot.answer(terminal, parsed, None)

    def _read_json(self, scope: Scope, body: bytes) -> Any:
        if not body or scope["method"] not in BODY_METHODS:
            return NO_BODY
        content_type = ""
        for name, value in scope["headers"]:
            if name == b"content-type":
                content_type = value.decode("latin-1").split(";")[0].strip().lower()
        if content_type not in ("", "application/json"):  # none declared: read as JSON all the same
            raise Refusal(415, "unsupported_media_type", "the body must be application/json")
        try:
            parsed = json_body.parse(body)
        except json_body.BodyRefused as refused:
            raise Refusal(refused.status, refused.error, refused.message) from refused
        if scope["path"] not in self.per_item_paths:
            where = json_body.unstorable_text(parsed)
            if where is not None:
                raise Refusal(422, "invalid_text", f"{where}: text that is not valid Unicode")
        return parsed

    def _authenticate(self, scope: Scope, body: bytes, record_nonce: bool = True) -> Terminal:
        """The terminal the request is signed by, its nonce recorded; Refusal otherwise.

        The terminal's row comes from a small cache (a lookup less per request); the nonce is then
        recorded only while the row in the database still holds the cached credentials, in the same
        statement, so a revocation or a rotation by any hub process or the CLI counts at once: when
        the row changed, the request is checked again against the row as it is now. `record_nonce=False`:
        everything but the nonce (the caller records it: HotPath.takes_nonce)."""
        terminal_id = self._terminal_id(scope)
        cached = self._terminals.get(terminal_id)
        if cached is not None:
            try:
                self._verify(scope, body, cached, current=cached, record_nonce=record_nonce)
                return cached
            except _RowChanged:
                self._terminals.pop(terminal_id, None)
            except Refusal as refusal:
                if refusal.error not in ("bad_token", "bad_signature"):
                    raise
                # perhaps signed with credentials rotated at another process: the row as it is now
                self._terminals.pop(terminal_id, None)
        terminal = self.store.terminal(terminal_id) if terminal_id else None  # none named: refused below
        self._verify(scope, body, terminal, record_nonce=record_nonce)
        assert terminal is not None
        if len(self._terminals) >= TERMINAL_CACHE_SIZE:
            self._terminals.clear()  # rare (a fleet larger than the cache): start over, no bookkeeping
        self._terminals[terminal_id] = terminal
        return terminal

    @staticmethod
    def _header(scope: Scope, wanted: bytes) -> str:
        for name, value in scope["headers"]:
            if name == wanted:
                return value.decode("latin-1")
        return ""

    def _terminal_id(self, scope: Scope) -> str:
        return self._header(scope, b"x-terminal-id")

    def _verify(
        self,
        scope: Scope,
        body: bytes,
        terminal: Terminal | None,
        current: Terminal | None = None,
        record_nonce: bool = True,
    ) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        terminal_id = headers.get(signing.HEADER_TERMINAL.lower(), "")
        auth = headers.get("authorization", "")
        ts = headers.get(signing.HEADER_TIMESTAMP.lower(), "")
        nonce = headers.get(signing.HEADER_NONCE.lower(), "")
        sig = headers.get(signing.HEADER_SIGNATURE.lower(), "")
        if not (terminal_id and auth and ts and nonce and sig):
            raise Refusal(
                401, "unauthenticated", "terminal id, token, timestamp, nonce and signature are required"
            )
        if not auth.startswith("Bearer "):
            raise Refusal(401, "unauthenticated", "the token must be sent as a Bearer token")
        if terminal is None:
            raise Refusal(401, "unknown_terminal", "this terminal is not enrolled")
        if terminal.revoked:
            raise Refusal(403, "terminal_revoked", "this terminal's enrolment was revoked")
        if not terminal.token_matches(auth[len("Bearer ") :]):
            raise Refusal(403, "bad_token", "the token does not belong to this terminal")
        now = time.time()
        try:
            sent_at = int(ts)
        except ValueError as exc:
            raise Refusal(401, "bad_signature", "the timestamp is not a number") from exc
        if abs(now - sent_at) > self.settings.clock_window_s:
            raise Refusal(401, "replay", "the request's timestamp is outside the accepted window")
        path = scope.get("raw_path") or scope["path"].encode("utf-8")
        full_path = path.decode("latin-1")
        if scope.get("query_string"):
            full_path += "?" + scope["query_string"].decode("latin-1")
        if not signing.verify(terminal.hmac_key, scope["method"], full_path, ts, nonce, body, sig):
            raise Refusal(401, "bad_signature", "the signature does not match the request")
        if record_nonce and not self.store.remember_nonce(
            terminal_id, nonce, self.settings.clock_window_s, current=current
        ):
            if current is not None and self.store.terminal(terminal_id) != current:
                raise _RowChanged  # revoked or rotated meanwhile: check again against the row as it is
            raise Refusal(401, "replay", "this request was seen before")
        wait = self._rate.check(terminal_id, now)
        if wait is not None:
            raise Refusal(
                429, "rate_limited", "too many requests from this terminal", {"Retry-After": str(wait)}
            )
