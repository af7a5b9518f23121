"""Residents' personal values are encrypted at rest at the hub (issue 10, item 7).

The hub runs as a real subprocess and is fed over HTTP as a terminal feeds it: items with their data
classes, items of an older terminal without classes (the catalogue's classes apply), a rating
comment, a record request. Then the raw bytes of the database file, its WAL and the hub's log are
searched for each name, id number and phone, in every spelling JSON or SQLite could give them.
Staff views (HubStore.case_details, `python -m hub show`) still read them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys

import pytest

from contract.wire import SubmissionItem
from hub.schema import SCHEMA_VERSION
from hub.store import HubStore
from hub.testing import ROOT, start_hub

NAME, ID_NUMBER, PHONE = "欧阳娜娜", "110101199003071234", "13812345678"
COMMENT_PHONE = "13987654321"
UNCLASSED = "朝阳区幸福路12号"
SECRETS = (NAME, ID_NUMBER, PHONE, COMMENT_PHONE, UNCLASSED)


def _spellings(value: str) -> list[bytes]:
    """The forms a value could take in the files: UTF-8, JSON's \\u escapes, UTF-16 (SQLite may use it)."""
    escaped = json.dumps(value)[1:-1].encode("ascii")
    forms = [value.encode("utf-8"), escaped, value.encode("utf-16-le")]
    return list(dict.fromkeys(forms))


def _leaks(*paths) -> list[str]:
    found = []
    for path in paths:
        if not path.exists():
            continue
        raw = path.read_bytes()
        found += [
            f"{path.name}: {value[:2]}…" for value in SECRETS if any(f in raw for f in _spellings(value))
        ]
    return found


def _files(hub):
    db = hub.db_path
    return [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), db.with_suffix(".log")]


def _meal_item(key: str, *, with_classes: bool) -> SubmissionItem:
    payload = {
        "name": NAME,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "meals_per_week": 5,
        "start_date": "2026-12-01",
        "diet": "soft",
    }
    classes = {
        "name": "personal",
        "id_number": "sensitive",
        "phone": "personal",
        "meals_per_week": "internal",
        "start_date": "internal",
        "diet": "personal",
    }
    return SubmissionItem(
        idempotency_key=key,
        local_ref=f"T0001-{key}",
        service_id="meal.elder_signup",
        catalog_version="2026.11-demo.1",
        created_at="2026-11-23T08:00:00+00:00",
        payload=payload,
        field_classes=classes if with_classes else None,
    )


@pytest.fixture
def hub(tmp_path):
    running = start_hub(tmp_path / "hub" / "hub.sqlite", store_in_keyring=False)
    yield running
    running.stop()


def test_personal_values_never_reach_the_database_file_its_wal_or_the_log(hub):
    client = hub.client()
    old_terminal = _meal_item("old-terminal", with_classes=False)  # classes from the catalogue
    unclassed = SubmissionItem(
        **{**_meal_item("unclassed", with_classes=False).__dict__, "payload": {"address_note": UNCLASSED}}
    )
    results = client.submit_batch([_meal_item("new-terminal", with_classes=True), old_terminal, unclassed])
    assert [r.status for r in results] == ["accepted"] * 3
    store = HubStore(hub.db_path)
    case_id = store.list_cases()[0]["case_id"]
    store.advance_case(case_id, "resolved")
    store.close()
    client.rate_case(case_id, 5, f"请回电 {COMMENT_PHONE}")
    client.issue_record("record.social_insurance", {"name": NAME, "id_number": ID_NUMBER})
    # with a request id the hub keeps the document as answered (masked) for a retry: masked at rest too
    subject = {"name": NAME, "id_number": ID_NUMBER, "purpose": "school"}
    client.issue_record("certificate.residence", subject, request_id="f" * 32)

    assert _leaks(*_files(hub)) == []  # while running: the WAL holds the recent writes
    hub.stop()
    assert _leaks(*_files(hub)) == []

    # the staff view opens them again; the public (internal) fields stayed readable all along
    store = HubStore(hub.db_path)
    try:
        details = store.case_details(case_id)
        assert details["payload"]["name"] == NAME and details["payload"]["id_number"] == ID_NUMBER
        assert details["rating_comment"] == f"请回电 {COMMENT_PHONE}"
        assert store.case_details("T0001-old-terminal")["payload"]["phone"] == PHONE
        assert store.case_details("T0001-unclassed")["payload"] == {"address_note": UNCLASSED}
        clear = store._db.execute(
            "SELECT payload FROM cases WHERE local_ref = 'T0001-new-terminal'"
        ).fetchone()
        assert json.loads(clear[0]) == {"meals_per_week": 5, "start_date": "2026-12-01"}
    finally:
        store.close()


def test_the_key_file_is_apart_from_the_database_and_readable_by_the_hub_alone(hub):
    hub.client().submit_batch([_meal_item("k1", with_classes=True)])
    key_file = hub.db_path.with_name(hub.db_path.name + ".key")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key_hex = key_file.read_text().strip()
    assert len(bytes.fromhex(key_hex)) == 32
    hub.stop()
    raw = b"".join(p.read_bytes() for p in _files(hub) if p.exists())
    assert key_hex.encode() not in raw and bytes.fromhex(key_hex) not in raw


def test_a_missing_or_different_key_file_is_reported_and_nothing_is_sealed_with_a_new_key(hub):
    client = hub.client()
    client.submit_batch([_meal_item("before", with_classes=True)])
    key_file = hub.db_path.with_name(hub.db_path.name + ".key")
    original = key_file.read_bytes()
    hub.stop()
    key_file.unlink()
    hub.start()
    response_error = _submit_status(hub, "after-loss")
    assert response_error == (503, "key_unavailable")
    assert not key_file.exists()  # no new key made behind the operator's back
    hub.stop()

    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, os.urandom(32).hex().encode())
    os.close(fd)
    hub.start()
    assert _submit_status(hub, "other-key") == (503, "key_unavailable")
    hub.stop()

    key_file.write_bytes(original)
    os.chmod(key_file, 0o644)
    hub.start()
    assert _submit_status(hub, "exposed") == (503, "key_unavailable")  # refused while others may read it
    hub.stop()
    os.chmod(key_file, 0o600)
    hub.start()
    assert _submit_status(hub, "restored") == (200, "accepted")
    store = HubStore(hub.db_path)
    try:
        assert store.case_details("T0001-before")["payload"]["name"] == NAME
    finally:
        store.close()


def _submit_status(hub, key: str) -> tuple[int, str]:
    from tests.support.signed_http import send

    item = _meal_item(key, with_classes=True)
    response = send(hub, "POST", "/v1/submissions:batch", {"items": [item.as_json()]})
    body = response.json()
    if response.status_code == 200:
        return 200, body["results"][0]["status"]
    return response.status_code, body["error"]


def test_cases_stored_in_plain_text_before_are_sealed_when_the_hub_starts(tmp_path):
    db_path = tmp_path / "hub.sqlite"
    HubStore(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    # back to schema v2, as an older hub left it, with rows in plain text
    conn.execute("ALTER TABLE cases DROP COLUMN sealed")
    conn.execute("ALTER TABLE cases DROP COLUMN rating_comment_sealed")
    conn.execute("PRAGMA user_version=2")
    for n, value in enumerate((f"{NAME} {PHONE}", f"{NAME} {ID_NUMBER}")):
        conn.execute(
            "INSERT INTO cases (case_id, terminal_id, idempotency_key, body_sha256, local_ref, service_id,"
            " catalog_version, created_at, received_at, payload, card_hash, status, rating_comment)"
            " VALUES (?, 'T0001', ?, '', ?, 'meal.elder_signup', 'v', 'now', 'now', ?, NULL, 'closed', ?)",
            [
                f"C000000{n}",
                f"legacy-{n}",
                f"T0001-legacy-{n}",
                json.dumps({"name": NAME, "note": value}),
                COMMENT_PHONE,
            ],
        )
    conn.execute("UPDATE cases SET payload = ? WHERE seq = 1", [json.dumps({"name": NAME, "phone": PHONE})])
    conn.commit()
    conn.close()
    assert _leaks(db_path, db_path.with_name("hub.sqlite-wal"))  # the test's premise: plain text on disk

    hub = start_hub(db_path, store_in_keyring=False)  # the app seals them as it starts
    hub.stop()
    assert _leaks(db_path, db_path.with_name("hub.sqlite-wal")) == []
    store = HubStore(db_path)
    try:
        assert store._db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION  # brought up to date
        assert store.case_details("C0000000")["payload"] == {"name": NAME, "phone": PHONE}
        assert store.case_details("C0000001")["payload"] == {"name": NAME, "note": f"{NAME} {ID_NUMBER}"}
        assert store.case_details("C0000001")["rating_comment"] == COMMENT_PHONE
    finally:
        store.close()


def test_the_cli_shows_a_case_with_its_values_to_staff(hub):
    hub.client().submit_batch([_meal_item("cli", with_classes=True)])
    out = subprocess.run(
        [sys.executable, "-m", "hub", "show", "T0001-cli", "--db", str(hub.db_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(out.stdout)["payload"]["id_number"] == ID_NUMBER


def test_the_key_file_goes_where_key_file_says(tmp_path):
    key_file = tmp_path / "secrets" / "hub-field.key"
    running = start_hub(
        tmp_path / "data" / "hub.sqlite", store_in_keyring=False, extra_args=["--key-file", str(key_file)]
    )
    try:
        running.client().submit_batch([_meal_item("elsewhere", with_classes=True)])
    finally:
        running.stop()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not (tmp_path / "data" / "hub.sqlite.key").exists()
    assert _leaks(*_files(running)) == []
    show = [sys.executable, "-m", "hub", "show", "T0001-elsewhere", "--db", str(running.db_path)]
    without_key = subprocess.run(show, cwd=ROOT, capture_output=True, text=True)
    assert without_key.returncode == 1 and "cannot open personal data" in without_key.stderr
    with_key = subprocess.run(
        [*show, "--key-file", str(key_file)], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(with_key.stdout)["payload"]["name"] == NAME
