"""Staff sessions: a random token in a cookie, its SHA-256 in the store, ended after idle time.

The cookie is HttpOnly (no script reads it), SameSite=Strict (no other site sends it), limited to
/console, and Secure whenever the console is served over TLS. The store keeps only a digest, so a
copy of the database does not hand out sessions.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from fastapi import Request, Response

from hub.console import csrf
from hub.staff import StaffMember
from hub.store import HubStore

COOKIE = "hub_console_session"
PATH = "/console"


@dataclass(frozen=True)
class StaffSession:
    member: StaffMember
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_tls(request: Request) -> bool:
    return request.url.scheme == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=PATH, httponly=True, samesite="strict", secure=is_tls(request)
    )


def start(store: HubStore, member: StaffMember) -> tuple[str, str]:
    """A new session for `member`: (cookie token, CSRF token)."""
    token, csrf_token = secrets.token_urlsafe(32), csrf.new_token()
    now = time.time()
    with store.transaction() as db:
        db["staff_sessions"].insert(
            {
                "token_sha256": _digest(token),
                "username": member.username,
                "csrf_token": csrf_token,
                "created_at": now,
                "last_seen": now,
            }
        )
    return token, csrf_token


def current(store: HubStore, request: Request, idle_s: float) -> StaffSession | None:
    """The session the request's cookie names, if live (and its member still active); touched."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    digest, now = _digest(token), time.time()
    with store.transaction() as db:
        db.execute("DELETE FROM staff_sessions WHERE last_seen < ?", [now - idle_s])
        row = db.execute(
            "SELECT s.csrf_token, m.username, m.role FROM staff_sessions s"
            " JOIN staff m ON m.username = s.username AND m.disabled = 0 WHERE s.token_sha256 = ?",
            [digest],
        ).fetchone()
        if row is None:
            return None
        db.execute("UPDATE staff_sessions SET last_seen = ? WHERE token_sha256 = ?", [now, digest])
    return StaffSession(StaffMember(row[1], row[2]), row[0])


def end(store: HubStore, request: Request) -> None:
    token = request.cookies.get(COOKIE)
    if token:
        with store.transaction() as db:
            db.execute("DELETE FROM staff_sessions WHERE token_sha256 = ?", [_digest(token)])
