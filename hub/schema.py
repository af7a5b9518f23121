"""The reference hub's SQLite schema, versioned with PRAGMA user_version.

v1: terminals, nonces, cases, case events, tickets, records, heartbeats.
v2: fleet (fleet-wide settings made once, e.g. the card-hash salt every terminal shares).
v3: cases.sealed and cases.rating_comment_sealed: personal and sensitive values encrypted at rest
    (hub/field_vault.py). Rows written before v3 are sealed by HubStore.seal_plain_cases.
Every step creates only what is missing, so any older file is brought up to date in one pass.
"""

from __future__ import annotations

import sqlite_utils

SCHEMA_VERSION = 3


def migrate(db: sqlite_utils.Database) -> None:
    """Create or upgrade the tables; the caller holds a write transaction."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version >= SCHEMA_VERSION:
        return
    db["terminals"].create(
        {
            "terminal_id": str,
            "token_sha256": str,
            "hmac_key": str,
            "revoked": int,
            "enrolled_at": str,
        },
        pk="terminal_id",
        if_not_exists=True,
    )
    db["nonces"].create(
        {"terminal_id": str, "nonce": str, "seen_at": float},
        pk=("terminal_id", "nonce"),
        if_not_exists=True,
    )
    db["nonces"].create_index(["seen_at"], if_not_exists=True)
    db["cases"].create(
        {
            "seq": int,
            "case_id": str,
            "terminal_id": str,
            "idempotency_key": str,
            "body_sha256": str,
            "local_ref": str,
            "service_id": str,
            "catalog_version": str,
            "created_at": str,
            "received_at": str,
            "payload": str,
            "card_hash": str,
            "status": str,
            "rating": int,
            "rating_comment": str,
            "sealed": bytes,
            "rating_comment_sealed": bytes,
        },
        pk="seq",
        not_null={"case_id", "service_id", "status"},
        if_not_exists=True,
    )
    db["cases"].create_index(["case_id"], unique=True, if_not_exists=True)
    db["cases"].create_index(["terminal_id", "idempotency_key"], unique=True, if_not_exists=True)
    db["cases"].create_index(["local_ref"], if_not_exists=True)
    db["cases"].create_index(["card_hash"], if_not_exists=True)
    db["case_events"].create(
        {"id": int, "case_id": str, "at": str, "status": str, "note": str},
        pk="id",
        if_not_exists=True,
    )
    db["case_events"].create_index(["case_id"], if_not_exists=True)
    db["tickets"].create(
        {"id": int, "day": str, "prefix": str, "number": int, "service_id": str, "issued_at": str},
        pk="id",
        if_not_exists=True,
    )
    db["tickets"].create_index(["day", "prefix", "number"], unique=True, if_not_exists=True)
    db["records"].create(
        {"record_id": str, "service_id": str, "terminal_id": str, "issued_at": str},
        pk="record_id",
        if_not_exists=True,
    )
    db["heartbeats"].create(
        {"terminal_id": str, "received_at": str, "health": str},
        pk="terminal_id",
        if_not_exists=True,
    )
    db["fleet"].create({"key": str, "value": str, "created_at": str}, pk="key", if_not_exists=True)
    columns = db["cases"].columns_dict
    for column in ("sealed", "rating_comment_sealed"):
        if column not in columns:  # a v1/v2 file: the table exists without them
            db["cases"].add_column(column, bytes)
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
