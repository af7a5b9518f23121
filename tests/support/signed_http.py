"""Raw signed requests to a running hub, for tests that break one part of a request on purpose
(the body, the signature, the clock, the headers) or send bytes no client would."""

from __future__ import annotations

import json

import requests

from contract import signing
from kiosk.secrets import HubCredentials


def send(
    hub,
    method: str,
    path: str,
    body: object = None,
    *,
    creds: HubCredentials | None = None,
    raw: bytes | None = None,
    now: float | None = None,
    headers: dict[str, str] | None = None,
    sign_body: bytes | None = None,
) -> requests.Response:
    """One request signed as the contract says; `raw`/`sign_body`/`now` let a test break one part."""
    creds = creds or hub.credentials
    data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
    signed = signing.sign_headers(
        creds.terminal_id,
        creds.token,
        creds.hmac_key,
        method,
        path,
        sign_body if sign_body is not None else data,
        now,
    )
    if data:
        signed["Content-Type"] = "application/json"
    signed.update(headers or {})
    return requests.request(method, hub.url + path, data=data or None, headers=signed, timeout=10)
