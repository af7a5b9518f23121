"""The hub client: contract v1 over HTTPS with `requests` (see ../shared/DESIGN.md).

One `requests.Session` per thread (keep-alive; requests does not promise that a Session is safe to
share between threads), (connect, read) timeouts, TLS verification on (with the
configured CA bundle when there is one), every request signed with the terminal's credentials from
keyring. Callers never see `requests` exceptions or raw JSON: failures are the typed errors of
kiosk.hub_api:

- transport failure, timeout, 5xx, 429, 503 -> HubUnavailable (with Retry-After, in seconds, when
  the hub sent one either as seconds or as an HTTP date)
- 404 -> HubNotFound; any other 4xx -> HubRefused
- an answer that does not follow the contract (not JSON, wrong shape, a batch answer that misses an
  item, a redirect) -> HubProtocolError

Nothing is retried here, POST least of all: the sync worker owns retries and their pacing.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests

from contract import signing
from contract.wire import BATCH_PATH, batch_body
from kiosk.config import HubConfig
from kiosk.hub_api import (
    CaseEvent,
    CaseStatus,
    CatalogFetch,
    HubError,
    HubNotFound,
    HubProtocolError,
    HubRefused,
    HubUnavailable,
    RecordDocument,
    SubmissionItem,
    SubmissionResult,
    Ticket,
)
from kiosk.secrets import HubCredentials

log = logging.getLogger(__name__)

_STATUSES = ("accepted", "duplicate", "rejected")


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds to wait: a number of seconds or an HTTP date. None when absent or unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _require(cond: bool, what: str) -> None:
    if not cond:
        raise HubProtocolError(f"hub answer does not follow the contract: {what}")


def _text_map(value: Any, what: str) -> dict[str, str]:
    _require(isinstance(value, dict) and all(isinstance(v, str) for v in value.values()), what)
    return {str(k): v for k, v in value.items()}


def _case(raw: Any) -> CaseStatus:
    _require(isinstance(raw, dict), "case is not an object")
    for key in ("case_id", "local_ref", "service_id", "status"):
        _require(isinstance(raw.get(key), str), f"case.{key} missing")
    timeline = raw.get("timeline")
    _require(isinstance(timeline, list), "case.timeline is not a list")
    events = []
    for event in timeline:
        _require(isinstance(event, dict), "timeline event is not an object")
        _require(isinstance(event.get("at"), str) and isinstance(event.get("status"), str), "timeline event")
        events.append(CaseEvent(event["at"], event["status"], _text_map(event.get("note", {}), "event note")))
    rating = raw.get("rating")
    _require(rating is None or (isinstance(rating, int) and not isinstance(rating, bool)), "case.rating")
    return CaseStatus(
        case_id=raw["case_id"],
        local_ref=raw["local_ref"],
        service_id=raw["service_id"],
        status=raw["status"],
        timeline=tuple(events),
        rating=rating,
        can_rate=bool(raw.get("can_rate", False)),
    )


class _ThreadSession:
    """Holds one thread's Session in a threading.local; when the thread ends, the holder is collected
    and a finalizer closes the Session (its pooled connections) and forgets it."""

    __slots__ = ("session", "generation", "__weakref__")

    def __init__(self, session: requests.Session, generation: int) -> None:
        self.session = session
        self.generation = generation  # the client's close() count when it was made


def _forget_session(
    open_sessions: set[requests.Session], lock: threading.Lock, session: requests.Session
) -> None:
    with lock:
        open_sessions.discard(session)
    session.close()


class HubClient:
    """Implements kiosk.hub_api.Hub with one keep-alive `requests.Session` per calling thread.

    Calls may come from several threads at once (sync worker, heartbeat, the UI's workers): each
    call signs its own request and goes through its own thread's Session, so no Session or
    connection is ever used by two threads at a time, and a long-lived thread keeps its connection
    alive between calls. A Session passed in (tests) is used by every thread as it is.
    """

    def __init__(
        self, hub_config: HubConfig, credentials: HubCredentials, session: requests.Session | None = None
    ) -> None:
        self._config = hub_config
        self._credentials = credentials
        self._injected = session
        self._local = threading.local()
        self._sessions_lock = threading.Lock()
        self._open_sessions: set[requests.Session] = set()  # every live thread's Session, for close()
        self._generation = 0  # bumped by close(): holders of an older generation make a new Session
        self._base = hub_config.url.rstrip("/")
        self._base_path = urlsplit(self._base).path
        self._timeout = (hub_config.connect_timeout_s, hub_config.read_timeout_s)
        self._verify: bool | str = hub_config.ca_bundle or hub_config.verify_tls

    def _session(self) -> requests.Session:
        """The calling thread's Session (made on its first call), or the injected one."""
        if self._injected is not None:
            return self._injected
        holder: _ThreadSession | None = getattr(self._local, "holder", None)
        if holder is None or holder.generation != self._generation:
            session = requests.Session()
            with self._sessions_lock:
                holder = _ThreadSession(session, self._generation)
                self._open_sessions.add(session)
            weakref.finalize(holder, _forget_session, self._open_sessions, self._sessions_lock, session)
            self._local.holder = holder
        return holder.session

    @property
    def open_sessions(self) -> int:
        """How many per-thread Sessions are open (diagnostics and tests)."""
        with self._sessions_lock:
            return len(self._open_sessions)

    def close(self) -> None:
        """Close every thread's Session (and an injected one). A later call opens a new Session."""
        with self._sessions_lock:
            self._generation += 1
            sessions = list(self._open_sessions)
            self._open_sessions.clear()
        for session in sessions:
            session.close()
        if self._injected is not None:
            self._injected.close()

    # --- transport ------------------------------------------------------------------------------------

    def _request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> requests.Response:
        """Send one signed request; returns a 2xx/304 response, raises the typed errors otherwise."""
        data = b""
        if body is not None:
            try:
                data = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
            except (TypeError, ValueError) as exc:
                # refused before it leaves: resending the same body would fail the same way
                raise HubRefused(
                    f"request body is not JSON-serialisable: {type(exc).__name__}",
                    status=400,
                    error="not_serialisable",
                ) from exc
        signed_path = self._base_path + path
        all_headers = signing.sign_headers(
            self._credentials.terminal_id,
            self._credentials.token,
            self._credentials.hmac_key,
            method,
            signed_path,
            data,
        )
        all_headers["Accept"] = "application/json"
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        try:
            response = self._session().request(
                method,
                self._base + path,
                data=data if body is not None else None,
                headers=all_headers,
                timeout=self._timeout,
                verify=self._verify,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            # connection refused/reset, timeout, TLS failure, a response cut off half-way
            raise HubUnavailable(f"{method} {path}: {type(exc).__name__}") from exc
        self._raise_for_status(method, path, response)
        return response

    @staticmethod
    def _raise_for_status(method: str, path: str, response: requests.Response) -> None:
        status = response.status_code
        if 200 <= status < 300 or status == 304:
            return
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        error, message = "", ""
        try:
            raw = response.json()
            if isinstance(raw, dict):
                error, message = str(raw.get("error", "")), str(raw.get("message", ""))
        except ValueError:
            pass  # an error page that is not JSON still has a status that says enough
        detail = f"{method} {path}: HTTP {status} {error} {message}".strip()
        if status in (429, 503) or status >= 500:
            raise HubUnavailable(detail, retry_after_s=retry_after, status=status)
        if status == 404:
            raise HubNotFound(detail, error=error or "not_found")
        if 400 <= status < 500:
            raise HubRefused(detail, status=status, error=error)
        raise HubProtocolError(detail)  # 1xx leftovers, 3xx: not part of the contract

    @staticmethod
    def _json(response: requests.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise HubProtocolError(f"hub answer is not JSON (HTTP {response.status_code})") from exc

    # --- contract v1 -----------------------------------------------------------------------------------

    def submit_batch(self, items: list[SubmissionItem]) -> list[SubmissionResult]:
        """One result per item (in the items' order). A missing, unknown or malformed result raises
        HubProtocolError; the whole batch then counts as unanswered."""
        if not items:
            return []
        keys = [item.idempotency_key for item in items]
        response = self._request("POST", BATCH_PATH, batch_body(items))
        raw = self._json(response)
        _require(isinstance(raw, dict) and isinstance(raw.get("results"), list), "results is not a list")
        by_key: dict[str, SubmissionResult] = {}
        for entry in raw["results"]:
            _require(isinstance(entry, dict), "result is not an object")
            key, status = entry.get("idempotency_key"), entry.get("status")
            _require(isinstance(key, str) and key in keys, "result for a key that was not sent")
            _require(status in _STATUSES, f"unknown result status {status!r}")
            case_id, reason = entry.get("case_id"), entry.get("reason")
            if status in ("accepted", "duplicate"):
                _require(isinstance(case_id, str) and bool(case_id), f"{status} result without case_id")
            _require(reason is None or isinstance(reason, str), "reason is not text")
            by_key[key] = SubmissionResult(key, status, case_id, reason)
        missing = [k for k in keys if k not in by_key]
        _require(not missing, f"{len(missing)} item(s) without a result")
        return [by_key[k] for k in keys]

    def hub_is_up(self) -> bool:
        """True when the hub answers its liveness probe (GET /healthz). The sync worker asks when an
        item fails alone and nothing else is left to send (offline_queue.delivery.BatchSender)."""
        try:
            self._request("GET", "/healthz")
        except HubError:
            return False
        return True

    def fetch_catalog(self, etag: str | None = None) -> CatalogFetch:
        headers = {"If-None-Match": etag} if etag else None
        response = self._request("GET", "/v1/catalog", headers=headers)
        new_etag = response.headers.get("ETag")
        if response.status_code == 304:
            return CatalogFetch(etag=new_etag or etag, document=None)
        document = self._json(response)
        _require(isinstance(document, dict), "catalogue is not an object")
        return CatalogFetch(etag=new_etag, document=document)

    def case_status(self, ref: str) -> CaseStatus:
        """A case by case id or local reference; HubNotFound when the hub knows neither."""
        if not ref.strip():
            raise HubNotFound("empty reference")
        return _case(self._json(self._request("GET", "/v1/cases/" + quote(ref, safe=""))))

    def cases_for_card(self, card_hash: str) -> list[CaseStatus]:
        raw = self._json(self._request("GET", "/v1/cases?" + urlencode({"card_hash": card_hash})))
        _require(isinstance(raw, dict) and isinstance(raw.get("cases"), list), "cases is not a list")
        return [_case(c) for c in raw["cases"]]

    def rate_case(self, case_id: str, stars: int, comment: str = "") -> None:
        """Raises HubRefused (409 'not_finished' or 'already_rated', 422 stars out of range), HubNotFound."""
        path = "/v1/cases/" + quote(case_id, safe="") + "/rating"
        self._request("POST", path, {"stars": stars, "comment": comment})

    def take_ticket(self, service_id: str) -> Ticket:
        raw = self._json(self._request("POST", "/v1/tickets", {"service_id": service_id}))
        _require(isinstance(raw, dict), "ticket is not an object")
        for key in ("number", "window", "issued_at"):
            _require(isinstance(raw.get(key), str), f"ticket.{key}")
        _require(isinstance(raw.get("waiting_ahead"), int), "ticket.waiting_ahead")
        return Ticket(raw["number"], raw["window"], raw["waiting_ahead"], raw["issued_at"])

    def issue_record(
        self, service_id: str, subject: dict[str, Any], request_id: str | None = None
    ) -> RecordDocument:
        """`request_id` (kiosk/record_requests.py) is sent when given: the same id again gives the
        document the hub issued for it (its answer lost on the way), not a second number."""
        body: dict[str, Any] = {"service_id": service_id, "subject": subject}
        try:
            sent = {**body, "request_id": request_id} if request_id is not None else body
            raw = self._json(self._request("POST", "/v1/records", sent))
        except HubRefused as exc:
            # a hub from before request ids refuses a field it does not know (422, "body.request_id:
            # Extra inputs are not permitted"): asked as before, no worse than before
            if request_id is None or exc.status != 422 or "request_id: Extra inputs" not in str(exc):
                raise
            log.warning("the hub takes no request id for records: asked without one")
            raw = self._json(self._request("POST", "/v1/records", body))
        _require(isinstance(raw, dict), "record is not an object")
        for key in ("record_id", "service_id", "issued_at", "verify_url"):
            _require(isinstance(raw.get(key), str), f"record.{key}")
        _require(isinstance(raw.get("rows"), list), "record.rows")
        rows, value_texts = [], []
        for row in raw["rows"]:
            _require(isinstance(row, dict) and isinstance(row.get("value"), str), "record row")
            rows.append((_text_map(row.get("label"), "record row label"), row["value"]))
            words = row.get("value_text")  # optional: a hub before it sends none (or null)
            value_texts.append({} if words is None else _text_map(words, "record row value_text"))
        return RecordDocument(
            record_id=raw["record_id"],
            service_id=raw["service_id"],
            title=_text_map(raw.get("title"), "record.title"),
            rows=tuple(rows),
            issued_at=raw["issued_at"],
            verify_url=raw["verify_url"],
            value_texts=tuple(value_texts),
        )

    def resident_profile(self, card_hash: str) -> dict[str, str]:
        """The card holder's details on file ("hub.phone" -> value). {} when the hub holds none
        (404 no_profile); raises HubUnavailable and the other HubErrors like every call."""
        try:
            raw = self._json(self._request("GET", "/v1/residents/" + quote(card_hash, safe="") + "/profile"))
        except HubNotFound:
            return {}
        _require(isinstance(raw, dict) and isinstance(raw.get("values"), list), "profile.values")
        known: dict[str, str] = {}
        for item in raw["values"]:
            _require(isinstance(item, dict), "profile value is not an object")
            key, value = item.get("key"), item.get("value")
            _require(isinstance(key, str) and isinstance(value, str), "profile value")
            if key.startswith("hub."):
                known[key] = value
        return known

    def community_addresses(self) -> dict[str, Any]:
        """The community's buildings and units (GET /v1/community/addresses), as the hub sends it."""
        raw = self._json(self._request("GET", "/v1/community/addresses"))
        _require(isinstance(raw, dict) and isinstance(raw.get("buildings"), list), "addresses.buildings")
        return raw

    def heartbeat(self, health: dict[str, Any]) -> dict[str, Any]:
        """The hub's answer: `audit` (the head it holds) and `commands` (signed, pending) when the hub
        has them; an older hub's bare `{ok}` is fine."""
        raw = self._json(self._request("POST", self._terminal_path("/heartbeat"), {"health": health}))
        _require(isinstance(raw, dict), "heartbeat answer is not an object")
        return raw

    # --- fleet operations (kiosk.fleet_link) ----------------------------------------------------------

    @property
    def credentials(self) -> HubCredentials:
        return self._credentials

    def use_credentials(self, credentials: HubCredentials) -> None:
        """Sign from now on with `credentials` (after a rotation)."""
        self._credentials = credentials

    def _terminal_path(self, tail: str) -> str:
        return "/v1/terminals/" + quote(self._credentials.terminal_id, safe="") + tail

    def upload_audit(self, entries: list[dict[str, Any]]) -> dict[str, Any]:
        """Send audit entries {seq, h, entry}; returns the head the hub holds afterwards {seq, h}."""
        raw = self._json(self._request("POST", self._terminal_path("/audit"), {"entries": entries}))
        _require(isinstance(raw, dict) and isinstance(raw.get("seq"), int), "audit answer has no seq")
        return raw

    def report_command_result(self, command_id: str, result: str, detail: dict[str, Any]) -> None:
        path = self._terminal_path("/commands/" + quote(command_id, safe="") + "/result")
        self._request("POST", path, {"result": result, "detail": detail})

    def request_new_credentials(self) -> HubCredentials:
        """New credentials from the hub, pending there until confirm_credentials()."""
        import base64

        raw = self._json(self._request("POST", self._terminal_path("/credentials"), {}))
        _require(isinstance(raw, dict) and isinstance(raw.get("token"), str), "credentials answer")
        try:
            key = base64.b64decode(raw["hmac_key"], validate=True)
        except (KeyError, TypeError, ValueError) as exc:
            raise HubProtocolError("credentials answer has no usable hmac_key") from exc
        return HubCredentials(self._credentials.terminal_id, raw["token"], key)

    def confirm_credentials(self, new: HubCredentials) -> None:
        """Ask the hub to switch to `new` (signed with the current credentials); from then on this
        client signs with `new`, and the hub refuses the old ones."""
        from contract.command_signing import rotation_proof

        proof = rotation_proof(new.hmac_key, new.terminal_id, new.token)
        self._request(
            "POST", self._terminal_path("/credentials:confirm"), {"token": new.token, "proof": proof}
        )
        self._credentials = new
