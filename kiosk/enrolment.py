"""Enrolment of a terminal: new hub credentials, stored in keyring (the kiosk's side) and registered
in the reference hub's database (the hub's side). The hub hands out the fleet-wide card-hash salt
with the enrolment; the terminal keeps it in keyring too (kiosk.secrets.card_hash_salt).

A production hub enrols terminals through its own administration; for the reference hub, the demo
and the tests, this module does both halves on one machine.
"""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from kiosk.secrets import HubCredentials, store_card_hash_salt, store_hub_credentials

log = logging.getLogger(__name__)


def new_credentials(terminal_id: str) -> HubCredentials:
    """Fresh random credentials: a 256-bit bearer token and a 256-bit HMAC key."""
    return HubCredentials(
        terminal_id=terminal_id, token=secrets.token_urlsafe(32), hmac_key=secrets.token_bytes(32)
    )


def register_at_hub(hub_db_path: Path | str, credentials: HubCredentials) -> bytes:
    """Make the reference hub at `hub_db_path` accept these credentials (replacing older ones).

    Returns the fleet's card-hash salt (made by the hub on the first enrolment, the same ever after).
    """
    # imported here: the kiosk core does not depend on the hub package except for this set-up step
    from hub.stores import open_store

    store = open_store(hub_db_path)  # a SQLite file or a postgresql:// URL
    try:
        store.register_terminal(credentials.terminal_id, credentials.token, credentials.hmac_key)
        return store.fleet_card_salt()
    finally:
        store.close()


def enrol_terminal(terminal_id: str, hub_db_path: Path | str) -> HubCredentials:
    """Create credentials, store them in the current keyring backend and register them at the hub;
    the fleet's card-hash salt the hub answers with is stored in keyring as well.

    Raises keyring errors when the keyring cannot be written, sqlite3 errors when the hub DB cannot.
    """
    credentials = new_credentials(terminal_id)
    store_hub_credentials(credentials)
    salt = register_at_hub(hub_db_path, credentials)
    store_card_hash_salt(terminal_id, salt)
    log.info("terminal enrolled", extra={"terminal_id": terminal_id})
    return credentials
