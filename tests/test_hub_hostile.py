"""Hand-written hostile probes against the reference hub (issue 10, item 6: never a 5xx).

Every probe goes over loopback to the hub running as a real subprocess, signed as a terminal would
sign it (the gate is passed, so the probe reaches the body handling). What is asserted for every
answer: below 500, JSON, and for a refusal exactly `{error, message}`. A bad item inside a batch is
rejected alone: the good items beside it become cases.
"""

from __future__ import annotations

import json
import secrets
import socket
import sqlite3
import time

import pytest
import requests

from contract import signing
from hub.store import HubStore
from hub.testing import start_hub
from kiosk.secrets import HubCredentials
from tests.support.signed_http import send

BATCH = "/v1/submissions:batch"
BODY_PATHS = [
    BATCH,
    "/v1/tickets",
    "/v1/records",
    "/v1/cases/C0000001/rating",
    "/v1/terminals/T0001/heartbeat",
]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    running = start_hub(tmp_path_factory.mktemp("hub") / "hub.sqlite", store_in_keyring=False)
    yield running
    running.stop()


def _item_text(key: str, *, local_ref: str | None = None, payload: str | None = None) -> str:
    """An item as JSON text, so a test can put escapes (\\ud800) where json.dumps never would."""
    return (
        "{"
        f'"idempotency_key": "{key}", "local_ref": "{local_ref or "T0001-" + key}",'
        ' "service_id": "repair.public_area", "catalog_version": "2026.11-demo.1",'
        ' "created_at": "2026-11-23T08:00:00+00:00",'
        f' "payload": {payload or "{" + chr(34) + "category" + chr(34) + ": " + chr(34) + "lift" + chr(34) + "}"}'
        "}"
    )


def _batch(*items: str) -> bytes:
    return ('{"items": [' + ", ".join(items) + "]}").encode("ascii")


def _answered(response: requests.Response) -> requests.Response:
    """The properties every answer has, whatever was sent."""
    assert response.status_code < 500, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"error", "message"}, body
    return response


def _refused(response: requests.Response) -> tuple[int, str]:
    _answered(response)
    return response.status_code, response.json()["error"]


def _results(response: requests.Response) -> dict[str, dict]:
    _answered(response)
    assert response.status_code == 200, response.text
    return {r["idempotency_key"]: r for r in response.json()["results"]}


def _case_keys(hub) -> set[str]:
    store = HubStore(hub.db_path)
    try:
        return {c["idempotency_key"] for c in store.list_cases()}
    finally:
        store.close()


# --- lone surrogates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "where",
    ["payload value", "payload key", "local_ref", "idempotency_key"],
)
def test_a_lone_surrogate_rejects_its_item_alone_and_the_good_items_are_stored(hub, where):
    tag = where.replace(" ", "-")
    bad_key = f"sur-{tag}-bad" + ("\\ud800" if where == "idempotency_key" else "")
    bad = _item_text(
        bad_key,
        local_ref="T0001-\\udfff" if where == "local_ref" else None,
        payload={
            "payload value": '{"category": "lift\\ud800"}',
            "payload key": '{"cat\\udc80": "lift"}',
        }.get(where),
    )
    good = [_item_text(f"sur-{tag}-good-{n}") for n in range(3)]
    results = _results(send(hub, "POST", BATCH, raw=_batch(good[0], bad, good[1], good[2])))
    expected_bad = f"sur-{tag}-bad" + ("\ud800" if where == "idempotency_key" else "")
    assert results[expected_bad]["status"] == "rejected"
    assert results[expected_bad]["reason"] == "invalid_text"
    assert all(results[f"sur-{tag}-good-{n}"]["status"] == "accepted" for n in range(3))
    assert {f"sur-{tag}-good-{n}" for n in range(3)} <= _case_keys(hub)  # nothing rolled back


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (
            "/v1/records",
            '{"service_id": "record.social_insurance", "subject": {"id_number": "11010119900307\\ud800"}}',
        ),
        ("/v1/tickets", '{"service_id": "ticket.window\\ud800"}'),
        ("/v1/cases/C0000001/rating", '{"stars": 5, "comment": "\\udbff"}'),
        ("/v1/terminals/T0001/heartbeat", '{"health": {"\\ud800": 1}}'),
    ],
)
def test_a_lone_surrogate_in_any_other_body_is_refused_422(hub, path, body):
    assert _refused(send(hub, "POST", path, raw=body.encode("ascii"))) == (422, "invalid_text")


# --- nesting, numbers, constants ----------------------------------------------------------------------


@pytest.mark.parametrize("path", BODY_PATHS)
@pytest.mark.parametrize(
    "raw", [b"[" * 100_000, b'{"a":' * 5000 + b"1" + b"}" * 5000], ids=["brackets", "objects"]
)
def test_deep_nesting_is_refused_422_and_never_a_recursion_error(hub, path, raw):
    began = time.monotonic()
    assert _refused(send(hub, "POST", path, raw=raw)) == (422, "too_deep")
    assert time.monotonic() - began < 5


def test_brackets_inside_strings_do_not_count_as_nesting(hub):
    payload = json.dumps({"note": "[" * 10_000 + "{" * 10_000})
    results = _results(send(hub, "POST", BATCH, raw=_batch(_item_text("brackets-in-text", payload=payload))))
    assert results["brackets-in-text"]["status"] == "accepted"


def test_a_payload_nested_too_deep_is_rejected_alone(hub):
    deep = '{"category": ' + '{"x": ' * 100 + "1" + "}" * 100 + "}"
    results = _results(
        send(hub, "POST", BATCH, raw=_batch(_item_text("deep-bad", payload=deep), _item_text("deep-good")))
    )
    assert results["deep-bad"] == {
        "idempotency_key": "deep-bad",
        "status": "rejected",
        "reason": "payload_too_deep",
    }
    assert results["deep-good"]["status"] == "accepted"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity", "1e400", "-1e999", "1" * 5000])
@pytest.mark.parametrize("path", [BATCH, "/v1/terminals/T0001/heartbeat", "/v1/cases/C0000001/rating"])
def test_nan_infinity_and_numbers_out_of_range_are_refused_400(hub, constant, path):
    raw = {
        BATCH: _batch(_item_text("nan", payload='{"n": ' + constant + "}")),
        "/v1/terminals/T0001/heartbeat": ('{"health": {"n": ' + constant + "}}").encode(),
        "/v1/cases/C0000001/rating": ('{"stars": ' + constant + "}").encode(),
    }[path]
    assert _refused(send(hub, "POST", path, raw=raw)) == (400, "malformed_json")


def test_large_but_finite_numbers_are_values_like_any_other(hub):
    payload = '{"n": ' + "9" * 300 + ', "f": 1.7976931348623157e308, "neg": -' + "1" * 400 + "}"
    results = _results(send(hub, "POST", BATCH, raw=_batch(_item_text("big-number", payload=payload))))
    assert results["big-number"]["status"] == "accepted"


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe{", b'{"items": "\xc3\x28"}', b"\x00" * 64, b"{} {}", b"", b"null", b"[]", b'"text"', b"12"],
)
def test_bytes_that_are_not_a_json_object_are_refused_as_a_whole(hub, raw):
    status, error = _refused(send(hub, "POST", BATCH, raw=raw, headers={"Content-Type": "application/json"}))
    assert (status, error) in {(400, "malformed_json"), (422, "invalid_request")}


# --- content types, headers, paths, methods --------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/json-seq"],
)
def test_a_body_of_another_content_type_is_refused_415(hub, content_type):
    response = send(hub, "POST", BATCH, raw=_batch(_item_text("ct")), headers={"Content-Type": content_type})
    assert _refused(response) == (415, "unsupported_media_type")


def _raw_exchange(hub, head: bytes, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 exchange from bytes no client library would send: (status, headers, body)."""
    with socket.create_connection(("127.0.0.1", hub.port), timeout=10) as conn:
        conn.sendall(head + b"\r\nConnection: close\r\n\r\n" + body)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    header_block, _, content = answer.partition(b"\r\n\r\n")
    lines = header_block.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, content


def _signed_head(hub, method: str, path: str, body: bytes, replace: dict[bytes, bytes]) -> bytes:
    creds = hub.credentials
    signed = signing.sign_headers(creds.terminal_id, creds.token, creds.hmac_key, method, path, body)
    headers = {k.encode(): v.encode() for k, v in signed.items()}
    headers[b"Host"] = b"127.0.0.1"
    if body:
        headers[b"Content-Type"] = b"application/json"
        headers[b"Content-Length"] = str(len(body)).encode()
    headers.update(replace)
    lines = [f"{method} {path} HTTP/1.1".encode()] + [k + b": " + v for k, v in headers.items()]
    return b"\r\n".join(lines)


@pytest.mark.parametrize(
    "replace",
    [
        {signing.HEADER_TIMESTAMP.encode(): b"9" * 5000},
        {signing.HEADER_TIMESTAMP.encode(): b"-1e9"},
        {signing.HEADER_TIMESTAMP.encode(): b"nan"},
        {signing.HEADER_TIMESTAMP.encode(): "\u0661\u0662".encode()},  # Arabic-Indic digits
        {signing.HEADER_NONCE.encode(): b"\xff" * 300},
        {signing.HEADER_TERMINAL.encode(): b"\xed\xa0\x80\xff\xfe"},
        {signing.HEADER_SIGNATURE.encode(): b"zz" * 5000},
        {b"Authorization": b"Bearer " + b"\xff" * 100},
        {b"Authorization": b"Basic Zm9vOmJhcg=="},
        {b"Content-Length": b"abc"},
        {b"Content-Length": b"-5"},
    ],
    ids=lambda r: next(iter(r)).decode() + ":" + repr(next(iter(r.values())))[:12],
)
def test_header_garbage_is_refused_with_a_4xx(hub, replace):
    body = b'{"health": {}}'
    head = _signed_head(hub, "POST", "/v1/terminals/T0001/heartbeat", body, replace)
    status, headers, content = _raw_exchange(hub, head, body)
    assert 400 <= status < 500, (status, content[:200])
    if headers.get("content-type", "").startswith("application/json"):
        assert set(json.loads(content)) == {"error", "message"}
    else:  # refused by the HTTP parser before the application: still a 400, never a 5xx
        assert status == 400


@pytest.mark.parametrize(
    "replace",
    [{b"Content-Type": b"application/json; charset=\xff"}, {b"X-Forwarded-For": b"\xff\xfe"}],
)
def test_garbage_in_headers_the_hub_does_not_read_changes_nothing(hub, replace):
    body = b'{"health": {}}'
    head = _signed_head(hub, "POST", "/v1/terminals/T0001/heartbeat", body, replace)
    assert _raw_exchange(hub, head, body)[:1] == (200,)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/cases/%ED%A0%80",
        "/v1/cases/%ff%fe%00",
        "/v1/cases/" + "x" * 6000,
        "/v1/cases/..%2F..%2Fetc%2Fpasswd",
        "/v1/cases?card_hash=%ED%A0%80%ED%A0%80%ED%A0%80%ED%A0%80%ED%A0%80%ED%A0%80",
        "/v1/cases?card_hash=" + "%00" * 20,
        "/v1/terminals/%ED%A0%80/heartbeat",
        "/v1/%00",
        "/v1//cases",
    ],
)
def test_path_garbage_is_answered_json_below_500(hub, path):
    method = "POST" if path.endswith("heartbeat") else "GET"
    body = {"health": {}} if method == "POST" else None
    _answered(send(hub, method, path, body))


def test_a_wrong_method_is_405_with_allow(hub):
    response = send(hub, "GET", BATCH)
    assert _refused(response) == (405, "method_not_allowed")
    assert response.headers["Allow"] == "POST"
    response = send(hub, "DELETE", "/v1/catalog")
    assert _refused(response) == (405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_an_unknown_path_is_json_404(hub):
    assert _refused(send(hub, "GET", "/v1/no/such/thing")) == (404, "not_found")
    assert _refused(send(hub, "POST", "/v1/no-such-endpoint", {"a": 1})) == (404, "not_found")


def test_the_openapi_says_invalid_items_get_200_with_per_item_rejected(hub):
    spec = requests.get(hub.url + "/openapi.json", timeout=10).json()
    batch = spec["paths"][BATCH]["post"]
    assert "answered 200 with status `rejected`" in batch["description"]
    reasons = spec["components"]["schemas"]["ItemResult"]["properties"]["reason"]["description"]
    for reason in ("invalid_text", "payload_too_deep", "invalid_item", "idempotency_key_reused"):
        assert reason in reasons
    assert {"400", "405", "413", "415", "422"} <= set(batch["responses"])


# --- the hub's own trouble -------------------------------------------------------------------------------


def test_storage_trouble_is_503_with_retry_after_not_500(tmp_path, monkeypatch):
    # disk full cannot be arranged for a subprocess on a shared machine: the app runs in-process and
    # its store fails as SQLite does when the disk is full, at the gate (nonce) and at the batch
    from fastapi.testclient import TestClient

    from hub.app import HubSettings, create_app

    app = create_app(HubSettings(db_path=tmp_path / "hub.sqlite"))
    store = app.state.store
    creds = HubCredentials("T0001", secrets.token_urlsafe(32), secrets.token_bytes(32))
    store.register_terminal(creds.terminal_id, creds.token, creds.hmac_key)
    client = TestClient(app, raise_server_exceptions=False)

    def full(*_args, **_kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    def post_batch():
        body = _batch(_item_text("disk-full"))
        headers = signing.sign_headers(creds.terminal_id, creds.token, creds.hmac_key, "POST", BATCH, body)
        return client.post(BATCH, content=body, headers={**headers, "Content-Type": "application/json"})

    monkeypatch.setattr(store, "submit", full)
    response = post_batch()
    assert (response.status_code, response.json()["error"]) == (503, "storage_unavailable")
    assert response.headers["Retry-After"]
    monkeypatch.setattr(store, "remember_nonce", full)
    response = post_batch()
    assert (response.status_code, response.json()["error"]) == (503, "storage_unavailable")
    assert response.headers["Retry-After"]
