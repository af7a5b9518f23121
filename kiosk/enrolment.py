"""Enrolment of a terminal by a one-time code, and credential rotation: the terminal's side, over
HTTP(S) only (the terminal never opens the hub's database).

    enrolled = enrol_with_code("https://hub.example:8765", "7KQ2M-XW4PD", "T0002")
    # token, HMAC key and the fleet's card-hash salt are now in keyring (kiosk.secrets)

The hub issues the code (`python -m hub enrolment-code --terminal T0002 --group G`): single use,
expiring, bound to one terminal id. POST /v1/enrolment is the one unsigned /v1 call (the terminal
has nothing to sign with yet); the code is its guard and the hub rate-limits it.

Rotation (remote command "rotate_credentials"): `rotate_credentials(client)` asks the hub for new
credentials, stores them in keyring, and confirms them; the hub then refuses the old ones.
"""

from __future__ import annotations

import base64
import binascii
import logging
import secrets
from dataclasses import dataclass
from typing import Any

import requests

from kiosk.errors import KioskError, WayForward
from kiosk.hub_api import HubError, HubRefused, HubUnavailable
from kiosk.secrets import HubCredentials, store_card_hash_salt, store_hub_credentials

log = logging.getLogger(__name__)

ENROLMENT_PATH = "/v1/enrolment"


class EnrolmentRefused(KioskError):
    """The hub refused the code: `error` is bad_code, code_used, code_expired, terminal_revoked,
    rate_limited or invalid_request."""

    message_key = "enrolment.refused"
    ways_forward = (WayForward.CALL_STAFF,)

    def __init__(self, error: str, message: str = "") -> None:
        super().__init__(message or error)
        self.error = error


class EnrolmentTlsProblem(HubUnavailable):
    """The hub answered, but its certificate is not trusted (self-signed, another CA, expired, a
    name that does not match the URL): fix the URL, the clock or `[hub] ca_bundle`."""


class EnrolmentBadAddress(HubUnavailable):
    """The hub URL cannot be used at all (no http:// or https://, no host)."""


# what went wrong, as the maintenance screen names it (message key "enrol.problem.<name>")
PROBLEMS = (
    "bad_code",
    "code_used",
    "code_expired",
    "terminal_revoked",
    "rate_limited",
    "refused",
    "unreachable",
    "tls",
    "bad_address",
    "keyring",
)


def enrolment_problem(exc: BaseException) -> str:
    """The name in PROBLEMS for what `exc` (raised by enrol_with_code) means to a technician."""
    if isinstance(exc, EnrolmentRefused):
        return exc.error if exc.error in PROBLEMS else "refused"
    if isinstance(exc, EnrolmentTlsProblem):
        return "tls"
    if isinstance(exc, EnrolmentBadAddress):
        return "bad_address"
    if isinstance(exc, HubUnavailable):
        return "unreachable"
    return "keyring"  # the exchange worked; storing the credentials did not (kiosk.secrets)


@dataclass(frozen=True)
class Enrolled:
    terminal_id: str
    group: str
    credentials: HubCredentials
    card_hash_salt: bytes


def new_credentials(terminal_id: str) -> HubCredentials:
    """Fresh random credentials (256-bit token and HMAC key), for tests and benchmarks that need a
    terminal identity without a hub."""
    return HubCredentials(terminal_id, secrets.token_urlsafe(32), secrets.token_bytes(32))


def exchange_code(
    hub_url: str,
    code: str,
    terminal_id: str | None = None,
    *,
    ca_bundle: str | None = None,
    timeout: tuple[float, float] = (5.0, 20.0),
) -> Enrolled:
    """POST the code to the hub; returns what it issued without storing anything.

    Raises EnrolmentRefused (the hub said no) and HubUnavailable (no answer, 5xx).
    """
    body: dict[str, Any] = {"code": code.strip()}
    if terminal_id:
        body["terminal_id"] = terminal_id
    try:
        response = requests.post(
            hub_url.rstrip("/") + ENROLMENT_PATH,
            json=body,
            timeout=timeout,
            verify=ca_bundle or True,
            allow_redirects=False,
        )
    except requests.exceptions.SSLError as exc:
        raise EnrolmentTlsProblem(f"enrolment: {type(exc).__name__}") from exc
    except (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema, requests.exceptions.InvalidURL) as exc:
        raise EnrolmentBadAddress(f"enrolment: {type(exc).__name__}") from exc
    except requests.RequestException as exc:
        raise HubUnavailable(f"enrolment: {type(exc).__name__}") from exc
    try:
        raw = response.json()
    except ValueError:
        raw = {}
    if response.status_code >= 500:
        raise HubUnavailable(f"enrolment: HTTP {response.status_code}", status=response.status_code)
    if response.status_code != 200 or not isinstance(raw, dict):
        error = raw.get("error", "refused") if isinstance(raw, dict) else "refused"
        message = raw.get("message", "") if isinstance(raw, dict) else ""
        raise EnrolmentRefused(str(error), f"HTTP {response.status_code}: {message}")
    try:
        issued_for = raw["terminal_id"]
        credentials = HubCredentials(
            issued_for, raw["token"], base64.b64decode(raw["hmac_key"], validate=True)
        )
        salt = base64.b64decode(raw["card_hash_salt"], validate=True)
    except (KeyError, TypeError, binascii.Error) as exc:
        raise EnrolmentRefused("bad_answer", "the hub's enrolment answer is incomplete") from exc
    if terminal_id and issued_for != terminal_id:
        raise EnrolmentRefused("bad_answer", "the hub answered for another terminal")
    return Enrolled(issued_for, str(raw.get("group", "")), credentials, salt)


def enrol_with_code(
    hub_url: str, code: str, terminal_id: str | None = None, *, ca_bundle: str | None = None
) -> Enrolled:
    """Exchange the code and store the credentials and the card salt in the current keyring backend.

    Raises EnrolmentRefused, HubUnavailable, and keyring errors when keyring cannot be written.
    """
    enrolled = exchange_code(hub_url, code, terminal_id, ca_bundle=ca_bundle)
    store_hub_credentials(enrolled.credentials)
    store_card_hash_salt(enrolled.terminal_id, enrolled.card_hash_salt)
    log.info("terminal enrolled", extra={"terminal_id": enrolled.terminal_id, "group": enrolled.group})
    return enrolled


def rotate_credentials(client: Any) -> dict[str, Any]:
    """Switch `client` (kiosk.hub_client.HubClient) and keyring to new credentials from the hub.

    New credentials are stored in keyring before the hub is asked to switch, so a crash in between
    leaves the terminal with credentials the hub will accept once confirmed. When the confirmation
    gets no answer, one confirmation signed with the new credentials tells whether the hub switched
    (it answers "no_rotation": nothing pending any more); otherwise keyring goes back to the old ones.
    Raises HubError when the rotation did not happen.
    """
    old = client.credentials
    new = client.request_new_credentials()
    store_hub_credentials(new)
    try:
        client.confirm_credentials(new)
    except HubUnavailable:
        if not _switched_already(client, new):
            store_hub_credentials(old)
            raise
    except HubError:
        store_hub_credentials(old)
        raise
    log.info("hub credentials rotated", extra={"terminal_id": new.terminal_id})
    return {"rotated": True}


def _switched_already(client: Any, new: HubCredentials) -> bool:
    old = client.credentials
    client.use_credentials(new)
    try:
        client.confirm_credentials(new)
        return True
    except HubRefused as exc:
        if exc.error == "no_rotation":
            return True
    except HubError:
        pass
    client.use_credentials(old)
    return False
