"""The reference hub's HTTP API as a specification: every refusal, idempotency, ETag, rating rules,
load shedding and the published OpenAPI description. Raw signed requests over loopback to the hub
running as a real subprocess (one hub per module; hubs with special limits where a test needs them).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from contract import signing
from hub.store import HubStore
from hub.testing import register_at_hub, start_hub
from kiosk.enrolment import new_credentials
from kiosk.secrets import HubCredentials
from tests.support.signed_http import send

MAX_BODY = 64 * 1024


def _item(key: str, **changes) -> dict:
    item = {
        "idempotency_key": key,
        "local_ref": f"T0001-{key}",
        "service_id": "repair.public_area",
        "catalog_version": "2026.11-demo.1",
        "created_at": "2026-11-23T08:00:00+00:00",
        "payload": {"category": "lift", "location": "3号楼"},
    }
    item.update(changes)
    return item


def _refusal(response: requests.Response) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error", "message"}
    return response.status_code, body["error"]


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    running = start_hub(
        tmp_path_factory.mktemp("hub") / "hub.sqlite",
        store_in_keyring=False,
        extra_args=["--max-body-bytes", str(MAX_BODY)],
    )
    yield running
    running.stop()


# --- authentication and replay ------------------------------------------------------------------------


def test_unsigned_request_is_refused_401(hub):
    response = requests.get(hub.url + "/v1/catalog", timeout=10)
    assert _refusal(response) == (401, "unauthenticated")


def test_changed_body_breaks_the_signature_401(hub):
    body = json.dumps({"items": [_item("sig1")]}).encode()
    response = send(hub, "POST", "/v1/submissions:batch", raw=body, sign_body=body.replace(b"lift", b"door"))
    assert _refusal(response) == (401, "bad_signature")


def test_signature_for_another_path_is_refused_401(hub):
    creds = hub.credentials
    headers = signing.sign_headers(creds.terminal_id, creds.token, creds.hmac_key, "GET", "/v1/cases/x", b"")
    response = requests.get(hub.url + "/v1/catalog", headers=headers, timeout=10)
    assert _refusal(response) == (401, "bad_signature")


def test_unknown_terminal_is_refused_401(hub):
    stranger = new_credentials("T0999")
    assert _refusal(send(hub, "GET", "/v1/catalog", creds=stranger)) == (401, "unknown_terminal")


def test_wrong_token_is_refused_403(hub):
    wrong = HubCredentials(hub.terminal_id, "not-the-token", hub.credentials.hmac_key)
    assert _refusal(send(hub, "GET", "/v1/catalog", creds=wrong)) == (403, "bad_token")


def test_revoked_terminal_is_refused_403(hub):
    creds = new_credentials("T0777")
    register_at_hub(hub.db_path, creds)
    assert send(hub, "GET", "/v1/catalog", creds=creds).status_code == 200
    HubStore(hub.db_path).revoke_terminal("T0777")
    assert _refusal(send(hub, "GET", "/v1/catalog", creds=creds)) == (403, "terminal_revoked")


def test_timestamp_outside_the_window_is_a_replay_401(hub):
    response = send(hub, "GET", "/v1/catalog", now=time.time() - signing.MAX_CLOCK_SKEW_S - 60)
    assert _refusal(response) == (401, "replay")
    response = send(hub, "GET", "/v1/catalog", now=time.time() + signing.MAX_CLOCK_SKEW_S + 60)
    assert _refusal(response) == (401, "replay")


def test_the_same_signed_request_twice_is_a_replay_401(hub):
    creds = hub.credentials
    body = json.dumps({"items": [_item("replay1")]}).encode()
    path = "/v1/submissions:batch"
    headers = signing.sign_headers(creds.terminal_id, creds.token, creds.hmac_key, "POST", path, body)
    first = requests.post(hub.url + path, data=body, headers=headers, timeout=10)
    assert first.status_code == 200
    second = requests.post(hub.url + path, data=body, headers=headers, timeout=10)
    assert _refusal(second) == (401, "replay")


def test_heartbeat_for_another_terminal_is_refused_403(hub):
    response = send(hub, "POST", "/v1/terminals/T0002/heartbeat", {"health": {}})
    assert _refusal(response) == (403, "terminal_mismatch")
    assert send(hub, "POST", f"/v1/terminals/{hub.terminal_id}/heartbeat", {"health": {}}).status_code == 200


# --- bodies ---------------------------------------------------------------------------------------------


def test_oversized_body_is_refused_413_by_its_declared_length(hub):
    big = json.dumps({"items": [_item("big", payload={"detail": "x" * MAX_BODY})]}).encode()
    assert _refusal(send(hub, "POST", "/v1/submissions:batch", raw=big)) == (413, "too_large")


def test_oversized_chunked_body_is_refused_413_while_reading(hub):
    creds = hub.credentials
    path = "/v1/submissions:batch"
    headers = signing.sign_headers(creds.terminal_id, creds.token, creds.hmac_key, "POST", path, b"")
    chunks = (b"x" * 8192 for _ in range(MAX_BODY // 8192 + 2))  # a generator: sent chunked, no length
    response = requests.post(hub.url + path, data=chunks, headers=headers, timeout=10)
    assert _refusal(response) == (413, "too_large")


@pytest.mark.parametrize("path", ["/v1/submissions:batch", "/v1/tickets", "/v1/cases/C0000001/rating"])
def test_malformed_json_is_refused_400(hub, path):
    assert _refusal(send(hub, "POST", path, raw=b'{"items": [')) == (400, "malformed_json")


def test_wrong_shape_is_refused_422(hub):
    assert _refusal(send(hub, "POST", "/v1/submissions:batch", {"things": []})) == (422, "invalid_request")
    assert _refusal(send(hub, "POST", "/v1/submissions:batch", {"items": [{"no": "key"}]}))[0] == 422
    assert _refusal(send(hub, "POST", "/v1/tickets", {"service": "x"}))[0] == 422


def test_unknown_path_answers_json_404(hub):
    assert _refusal(send(hub, "GET", "/v1/nothing-here")) == (404, "not_found")
    assert _refusal(send(hub, "GET", "/v1/cases/")) == (
        404,
        "not_found",
    )  # no redirect: it would break signing


# --- submissions and idempotency -------------------------------------------------------------------------


def _results(response: requests.Response) -> dict[str, dict]:
    assert response.status_code == 200, response.text
    return {r["idempotency_key"]: r for r in response.json()["results"]}


def test_same_key_twice_gives_the_same_case_and_never_two(hub):
    first = _results(send(hub, "POST", "/v1/submissions:batch", {"items": [_item("idem1")]}))["idem1"]
    again = _results(send(hub, "POST", "/v1/submissions:batch", {"items": [_item("idem1")]}))["idem1"]
    assert first["status"] == "accepted" and again["status"] == "duplicate"
    assert again["case_id"] == first["case_id"]
    cases = [c for c in HubStore(hub.db_path).list_cases() if c["idempotency_key"] == "idem1"]
    assert len(cases) == 1


def test_same_key_with_a_different_body_is_rejected_and_the_first_case_stands(hub):
    first = _results(send(hub, "POST", "/v1/submissions:batch", {"items": [_item("idem2")]}))["idem2"]
    changed = _item("idem2", payload={"category": "door"})
    refused = _results(send(hub, "POST", "/v1/submissions:batch", {"items": [changed]}))["idem2"]
    assert refused == {"idempotency_key": "idem2", "status": "rejected", "reason": "idempotency_key_reused"}
    again = _results(send(hub, "POST", "/v1/submissions:batch", {"items": [_item("idem2")]}))["idem2"]
    assert again["case_id"] == first["case_id"]


def test_concurrent_batches_with_the_same_key_create_one_case(hub):
    answers: list[dict] = []

    def post() -> None:
        answers.append(
            _results(send(hub, "POST", "/v1/submissions:batch", {"items": [_item("race1")]}))["race1"]
        )

    threads = [threading.Thread(target=post) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(a["status"] for a in answers) == ["accepted"] + ["duplicate"] * 5
    assert len({a["case_id"] for a in answers}) == 1


def test_keys_belong_to_their_terminal(hub):
    other = new_credentials("T0002")
    register_at_hub(hub.db_path, other)
    mine = _results(send(hub, "POST", "/v1/submissions:batch", {"items": [_item("shared")]}))["shared"]
    theirs = _results(send(hub, "POST", "/v1/submissions:batch", {"items": [_item("shared")]}, creds=other))
    assert theirs["shared"]["status"] == "accepted" and theirs["shared"]["case_id"] != mine["case_id"]


def test_bad_items_are_rejected_one_by_one_and_the_good_ones_accepted(hub):
    items = [
        _item("good1"),
        _item("nosvc", service_id="no.such.service"),
        _item("notobj", payload=["not", "an", "object"]),
        _item("notsubmit", service_id="ticket.window"),
        {"idempotency_key": "partial", "payload": {}},
    ]
    results = _results(send(hub, "POST", "/v1/submissions:batch", {"items": items}))
    assert results["good1"]["status"] == "accepted"
    reasons = {k: r.get("reason") for k, r in results.items() if r["status"] == "rejected"}
    assert reasons == {
        "nosvc": "unknown_service",
        "notobj": "payload_not_object",
        "notsubmit": "not_submittable",
        "partial": "invalid_item",
    }


# --- catalogue, cases, rating -------------------------------------------------------------------------------


def test_catalogue_has_an_etag_and_if_none_match_gives_304(hub):
    first = send(hub, "GET", "/v1/catalog")
    assert first.status_code == 200 and first.json()["version"]
    etag = first.headers["ETag"]
    again = send(hub, "GET", "/v1/catalog", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    stale = send(hub, "GET", "/v1/catalog", headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_a_new_catalogue_file_gets_a_new_etag_and_a_missing_one_a_placeholder(tmp_path):
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"schema": 1, "version": "v1", "services": []}))
    running = start_hub(tmp_path / "hub.sqlite", store_in_keyring=False, catalog=catalog)
    try:
        first = send(running, "GET", "/v1/catalog")
        catalog.write_text(json.dumps({"schema": 1, "version": "v2", "services": []}))
        second = send(running, "GET", "/v1/catalog", headers={"If-None-Match": first.headers["ETag"]})
        assert (first.json()["version"], second.status_code, second.json()["version"]) == ("v1", 200, "v2")
        assert second.headers["ETag"] != first.headers["ETag"]
    finally:
        running.stop()
    placeholder = start_hub(
        tmp_path / "hub2.sqlite", store_in_keyring=False, catalog=tmp_path / "absent.json"
    )
    try:
        document = send(placeholder, "GET", "/v1/catalog").json()
        assert document["version"] and document["services"]
    finally:
        placeholder.stop()


def test_a_known_key_keeps_its_answer_after_the_service_left_the_catalogue(tmp_path):
    catalog = tmp_path / "catalog.json"
    demo = json.loads((Path(__file__).resolve().parent.parent / "hub/data/demo_catalog.json").read_text())
    catalog.write_text(json.dumps(demo))
    running = start_hub(
        tmp_path / "hub.sqlite",
        store_in_keyring=False,
        catalog=catalog,
        extra_args=["--max-batch-items", "2"],
    )
    try:
        first = _results(send(running, "POST", "/v1/submissions:batch", {"items": [_item("kept")]}))["kept"]
        demo["services"] = [s for s in demo["services"] if s["id"] != "repair.public_area"]
        demo["version"] = "without-repairs"
        catalog.write_text(json.dumps(demo))
        again = _results(
            send(running, "POST", "/v1/submissions:batch", {"items": [_item("kept"), _item("new")]})
        )
        assert (again["kept"]["status"], again["kept"]["case_id"]) == ("duplicate", first["case_id"])
        assert (again["new"]["status"], again["new"]["reason"]) == ("rejected", "unknown_service")
        three = {"items": [_item("a"), _item("b"), _item("c")]}
        assert _refusal(send(running, "POST", "/v1/submissions:batch", three)) == (413, "too_many_items")
    finally:
        running.stop()


def _advance(hub, ref: str, status: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hub", "advance", ref, status, "--db", str(hub.db_path)],
        capture_output=True,
        text=True,
    )


def test_rating_rules_finished_only_once_and_one_to_five_stars(hub):
    case_id = _results(send(hub, "POST", "/v1/submissions:batch", {"items": [_item("rate1")]}))["rate1"][
        "case_id"
    ]
    path = f"/v1/cases/{case_id}/rating"
    assert _refusal(send(hub, "POST", path, {"stars": 5})) == (409, "not_finished")
    assert _advance(hub, case_id, "in_progress").returncode == 0
    assert _refusal(send(hub, "POST", path, {"stars": 5})) == (409, "not_finished")
    assert _advance(hub, case_id, "closed").returncode == 0
    for stars in (0, 6):
        assert _refusal(send(hub, "POST", path, {"stars": stars})) == (422, "invalid_request")
    rated = send(hub, "POST", path, {"stars": 3, "comment": "ok"})
    assert rated.status_code == 200 and rated.json()["rating"] == 3
    assert _refusal(send(hub, "POST", path, {"stars": 5})) == (409, "already_rated")
    assert _refusal(send(hub, "POST", "/v1/cases/C7777777/rating", {"stars": 5})) == (404, "not_found")


def test_case_timeline_follows_the_status_changes(hub):
    case_id = _results(send(hub, "POST", "/v1/submissions:batch", {"items": [_item("tl1")]}))["tl1"][
        "case_id"
    ]
    for status in ("assigned", "in_progress", "resolved"):
        assert _advance(hub, "T0001-tl1", status).returncode == 0
    case = send(hub, "GET", "/v1/cases/T0001-tl1").json()
    assert case["case_id"] == case_id and case["status"] == "resolved" and case["can_rate"]
    assert [e["status"] for e in case["timeline"]] == ["received", "assigned", "in_progress", "resolved"]
    assert all(e["note"]["zh"] and e["note"]["en"] for e in case["timeline"])
    unknown = _advance(hub, "C7777777", "closed")
    assert unknown.returncode == 1 and "no such case" in unknown.stderr


def test_demo_seed_gives_a_progress_query_something_to_show(hub):
    seeded = subprocess.run(
        [sys.executable, "-m", "hub", "seed", "--db", str(hub.db_path)], capture_output=True, text=True
    )
    assert seeded.returncode == 0
    case = send(hub, "GET", "/v1/cases/T0001-DEMO-000003-95").json()
    assert case["status"] == "resolved" and len(case["timeline"]) == 4


# --- load shedding ---------------------------------------------------------------------------------------------


@pytest.fixture
def limited_hub(tmp_path):
    running = start_hub(
        tmp_path / "hub.sqlite",
        store_in_keyring=False,
        extra_args=["--max-in-flight", "1", "--rate-per-minute", "3", "--retry-after", "4"],
    )
    yield running
    running.stop()


def test_overloaded_hub_answers_503_and_rate_limit_429_with_retry_after(limited_hub):
    # hold one request in flight: headers sent, body still coming
    held = socket.create_connection(("127.0.0.1", limited_hub.port))
    held.sendall(b"POST /v1/submissions:batch HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
    deadline = time.monotonic() + 15
    busy = None
    while time.monotonic() < deadline:
        response = send(limited_hub, "GET", "/v1/catalog")
        if response.status_code == 503:
            busy = response
            break
    held.close()
    assert busy is not None and _refusal(busy) == (503, "overloaded") and busy.headers["Retry-After"] == "4"

    # at most 3 a minute: within two minute-windows at most 6 pass, so 7 requests surely meet a 429
    statuses = []
    for _ in range(7):
        response = send(limited_hub, "GET", "/v1/catalog")
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert _refusal(response) == (429, "rate_limited")
            assert 1 <= int(response.headers["Retry-After"]) <= 60
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) <= {200, 503}


# --- description and command line -------------------------------------------------------------------------------


def test_openapi_lists_every_path_with_meaningful_models(hub):
    document = requests.get(hub.url + "/openapi.json", timeout=10).json()
    assert set(document["paths"]) >= {
        "/v1/submissions:batch",
        "/v1/catalog",
        "/v1/cases",
        "/v1/cases/{ref}",
        "/v1/cases/{ref}/rating",
        "/v1/tickets",
        "/v1/records",
        "/v1/terminals/{terminal_id}/heartbeat",
    }
    schemas = document["components"]["schemas"]
    assert {"BatchRequest", "SubmissionItemIn", "BatchResponse", "CaseOut", "TicketOut", "RecordOut"} <= set(
        schemas
    )
    assert set(schemas["SubmissionItemIn"]["required"]) == {
        "idempotency_key",
        "local_ref",
        "service_id",
        "catalog_version",
        "created_at",
        "payload",
    }
    batch = document["paths"]["/v1/submissions:batch"]["post"]
    assert batch["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/BatchRequest")
    assert {"400", "401", "403", "413", "422", "429", "503"} <= set(batch["responses"])
    assert {p["name"] for p in batch["parameters"]} >= {
        "X-Terminal-Id",
        "X-Timestamp",
        "X-Nonce",
        "X-Signature",
    }
    assert batch["security"] == [{"terminalToken": []}]


def test_cli_enrolment_code_then_kiosk_enrol_writes_the_keyring_and_the_hub_database(tmp_path, file_keyring):
    hub = start_hub(tmp_path / "hub.sqlite", terminal_id="T0001", store_in_keyring=False)
    keyring_file = tmp_path / "terminal-keyring.cfg"
    root = Path(__file__).resolve().parent.parent
    try:
        issued = subprocess.run(
            [
                sys.executable,
                "-m",
                "hub",
                "enrolment-code",
                "--db",
                str(hub.db_path),
                "--terminal",
                "T0042",
                "--group",
                "district-3",
            ],
            capture_output=True,
            text=True,
            cwd=root,
        )
        assert issued.returncode == 0, issued.stderr
        code = issued.stdout.split()[0]
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "kiosk",
                "enrol",
                "--hub",
                hub.url,
                "--code",
                code,
                "--terminal",
                "T0042",
                "--keyring",
                f"file:{keyring_file}",
            ],
            capture_output=True,
            text=True,
            cwd=root,
        )
        assert done.returncode == 0, done.stderr
        assert "district-3" in done.stdout
    finally:
        hub.stop()
    terminal = HubStore(hub.db_path).terminal("T0042")
    assert terminal is not None and not terminal.revoked
    from keyrings.alt.file import PlaintextKeyring

    kiosk_side = PlaintextKeyring()
    kiosk_side.file_path = str(keyring_file)
    token = kiosk_side.get_password("community-kiosk", "hub-token/T0042")
    assert token and terminal.token_matches(token)
    assert token not in done.stdout + done.stderr
