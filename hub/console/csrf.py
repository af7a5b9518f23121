"""CSRF protection for the console's forms.

Signed in, every POST must carry the session's token (form field `csrf_token` or header
`X-CSRF-Token`); the token lives in the session row, so it changes with each sign-in. Before sign-in
the sign-in form uses a double-submit token: a random value in a cookie and the same in the form. The
cookies are SameSite=Strict as well, so another site's page cannot post with them at all.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

LOGIN_COOKIE = "hub_console_login"
FIELD = "csrf_token"
HEADER = "x-csrf-token"


class CsrfRefused(Exception):
    """A POST without the right token: answered 403."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def check(expected: str, sent: str | None) -> None:
    """Raises CsrfRefused unless `sent` is `expected` (compared in constant time)."""
    if not expected or not sent or not hmac.compare_digest(expected.encode(), sent.encode()):
        raise CsrfRefused()


async def sent_token(request: Request) -> str | None:
    """The token a POST carries, from its header or its form."""
    if HEADER in request.headers:
        return request.headers[HEADER]
    form = await request.form()
    value = form.get(FIELD)
    return value if isinstance(value, str) else None
