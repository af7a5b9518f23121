"""The reference hub's HTTP API (contract v1, see ../shared/DESIGN.md), as a FastAPI application.

`create_app(settings)` builds the app over its own SQLite store. Every /v1 path passes the gate in
hub/auth.py first (load limits, size limit, token, signature, replay); refusals are JSON
`{error, message}` with the status codes listed in the README's "Reference hub" section.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Query, Request
from fastapi import Path as Path_
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from contract.wire import BATCH_PATH
from hub import json_body, models
from hub.auth import NO_BODY, GateSettings, HotPath, SignatureGate
from hub.catalog import CatalogFile
from hub.catalogue_rollout import CatalogueRollout
from hub.console import mount as mount_console
from hub.console.settings import ConsoleSettings
from hub.field_vault import catalogue_classes
from hub.fleet_routes import HeartbeatAnswer, install_fleet_routes
from hub.profiles import ProfileStore, load_addresses, profile_answer
from hub.records import NoRecord, SubjectIncomplete, issue_record
from hub.store import StoreError, Terminal
from hub.store_terminals import NonceNotRecorded, PendingNonce
from hub.stores import is_postgres, open_store

log = logging.getLogger(__name__)

API_VERSION = "1"
# what the gate (hub/auth.py) and the error handlers may answer on any /v1 path
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": models.ErrorBody, "description": text}
    for code, text in {
        400: "Malformed JSON, not UTF-8, NaN/Infinity or a number out of range (malformed_json)",
        401: "Unsigned, badly signed, unknown terminal or replay (unauthenticated, bad_signature, "
        "unknown_terminal, replay)",
        403: "Wrong token, revoked terminal, another terminal's path (bad_token, terminal_revoked, "
        "terminal_mismatch)",
        404: "Not found (not_found)",
        405: "Method not allowed; see Allow (method_not_allowed)",
        413: "Body too large (too_large, too_many_items)",
        415: "The body is not application/json (unsupported_media_type)",
        422: "Valid JSON of the wrong shape (invalid_request), nested deeper than "
        f"{json_body.MAX_BODY_DEPTH} levels (too_deep), or text that is not valid Unicode outside the "
        "batch endpoint (invalid_text)",
        429: "Too many requests from this terminal; see Retry-After (rate_limited)",
        503: "The hub is overloaded or its storage is failing; see Retry-After (overloaded, storage_unavailable)",
    }.items()
}
# the heartbeat route's path, as the router matches "{terminal_id}" (any text but "/")
_HEARTBEAT_PATH = re.compile(r"/v1/terminals/([^/]+)/heartbeat")
SIGNING_HEADERS = {
    "X-Terminal-Id": "the terminal's id, as enrolled",
    "X-Timestamp": "Unix seconds; refused outside the hub's clock window (default ±300 s)",
    "X-Nonce": "random, never reused by this terminal within the window",
    "X-Signature": "hex HMAC-SHA256 over method, path with query, timestamp, nonce, SHA-256 of the body",
}


@dataclass(frozen=True)
class HubSettings:
    db_path: Path | str  # the SQLite file, or a postgresql:// URL (a str, so the "//" survives)
    catalog_path: Path | None = None
    key_path: Path | None = None  # the key file for personal values; default <db>.key (hub/field_vault.py)
    gate: GateSettings = field(default_factory=GateSettings)
    max_batch_items: int = 1000
    console: ConsoleSettings = field(default_factory=ConsoleSettings)
    addresses_path: Path | None = None  # the community's address list (hub/data/demo_addresses.json)
    enrolment_per_minute: int = 10  # POST /v1/enrolment attempts per client address (hub/fleet_routes.py)
    # False: a heartbeat's commit does not wait for the disk (PostgreSQL; README, load section)
    heartbeat_durable: bool = True
    db_pool_size: int = 8  # PostgreSQL connections per hub process


class ApiError(Exception):
    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message


class AsciiJSONResponse(JSONResponse):
    """JSON with non-ASCII escaped: an idempotency key with a lone surrogate (rejected, but answered
    under its own key) can be written back, where UTF-8 output could not encode it."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")


def _error(status: int, error: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return AsciiJSONResponse({"error": error, "message": message}, status_code=status, headers=headers)


def _terminal(request: Request) -> str:
    return request.scope["state"]["terminal_id"]


def _describe_validation(exc: RequestValidationError | ValidationError, within: tuple[str, ...] = ()) -> str:
    # only locations and messages: the inputs may hold personal data
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in (*within, *err.get("loc", ())))
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _storage_unavailable_answer(exc: Exception) -> JSONResponse:
    # disk full, I/O error, a lock held too long, the database gone: the hub's trouble, not the
    # request's; retry later (each store names its kinds of such errors: store.storage_errors)
    log.error("storage failed", extra={"error_type": type(exc).__name__})
    return _error(503, "storage_unavailable", "the hub cannot store right now", {"Retry-After": "5"})


async def _storage_unavailable(_: Request, exc: Exception) -> JSONResponse:
    return _storage_unavailable_answer(exc)


def _store_error_answer(exc: StoreError) -> JSONResponse:
    retry = {"Retry-After": "5"} if exc.status == 503 else None
    return _error(exc.status, exc.error, exc.message, retry)


def _unexpected_answer(exc: Exception) -> JSONResponse:
    # a defect of the hub: logged by type and frames (never the message: it may quote values), and
    # still answered as JSON so a client reads it like any other refusal
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("unexpected error: %s (message withheld)\n%s", type(exc).__name__, frames)
    return _error(500, "internal_error", "the hub failed on this request")


def _answer_for(exc: Exception, storage_errors: tuple[type[Exception], ...]) -> JSONResponse:
    """What the handlers below answer for `exc`, for the hot paths the gate answers itself."""
    if isinstance(exc, ApiError):
        return _error(exc.status, exc.error, exc.message)
    if isinstance(exc, StoreError):
        return _store_error_answer(exc)
    if isinstance(exc, storage_errors):
        return _storage_unavailable_answer(exc)
    return _unexpected_answer(exc)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            return _error(400, "malformed_json", "the body is not valid JSON")
        return _error(422, "invalid_request", _describe_validation(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        codes = {404: "not_found", 405: "method_not_allowed"}
        # keep the exception's headers: a 405 names the allowed methods in Allow
        return _error(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail), exc.headers)

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.error, exc.message)

    @app.exception_handler(StoreError)
    async def _store(_: Request, exc: StoreError) -> JSONResponse:
        return _store_error_answer(exc)

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        return _unexpected_answer(exc)


def _parsed_body(request: Request) -> Any:
    return request.scope.get("state", {}).get("json_body", NO_BODY)


def _json_object(body: Any) -> dict[str, Any]:
    """The body as the gate parsed it (hub/auth.py, hub/json_body.py); a JSON object or ApiError."""
    if body is NO_BODY:
        raise ApiError(400, "malformed_json", "the body is not valid JSON")
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_request", "the body must be a JSON object")
    return body


def _heartbeat_in(body: Any) -> models.HeartbeatIn:
    """The heartbeat's body as the gate parsed it, validated; refused as FastAPI would (422)."""
    if body is NO_BODY:
        raise ApiError(422, "invalid_request", "body: Field required")
    try:
        return models.HeartbeatIn.model_validate(body)
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", _describe_validation(exc, ("body",))) from exc


def _check_item(item: Any, services: dict[str, dict[str, Any]]) -> str | None:
    """The reason an item is rejected, or None when it may become a case."""
    if json_body.unstorable_text(item) is not None:
        return "invalid_text"
    if isinstance(item, dict) and "payload" in item and not isinstance(item["payload"], dict):
        return "payload_not_object"
    if json_body.depth(item.get("payload")) > json_body.MAX_PAYLOAD_DEPTH:
        return "payload_too_deep"
    try:
        valid = models.SubmissionItemIn.model_validate(item)
    except ValidationError:
        return "invalid_item"
    service = services.get(valid.service_id)
    if service is None:
        return "unknown_service"
    if service.get("kind", "submit") != "submit":
        return "not_submittable"
    return None


def _refresh_profiles(
    profiles: ProfileStore,
    services: dict[str, dict[str, Any]],
    checked: list[tuple[dict[str, Any], str | None]],
    answers: list[Any],
) -> None:
    """Accepted submissions flagged `profile_update` refresh the card holder's stored details."""
    for (item, reason), answer in zip(checked, answers, strict=True):
        payload = item.get("payload") if reason is None else None
        if answer.status != "accepted" or not isinstance(payload, dict):
            continue
        card = payload.get("card_hash")
        if not isinstance(card, str) or "profile_update" not in payload:
            continue
        fields = services.get(item.get("service_id"), {}).get("fields", [])
        prefill = {f.get("id"): f.get("prefill") for f in fields if isinstance(f, dict)}
        try:
            refreshed = profiles.update_from_submission(card, payload, prefill)
        except (StoreError, ValueError, sqlite3.Error) as exc:  # the cases are stored: never fail the batch
            log.error("profile not refreshed: %s", type(exc).__name__)
            continue
        if refreshed:
            log.info("profile refreshed from a submission", extra={"keys": ",".join(refreshed)})


def _catalogue_classes(catalog: CatalogFile) -> dict[str, dict[str, str]]:
    """service id -> field id -> data class, for items that arrive without their own classes."""
    return {sid: catalogue_classes(service) for sid, service in catalog.services().items()}


def _ticket_prefix(services: dict[str, dict[str, Any]], service_id: str) -> tuple[str, str]:
    """(prefix, window) for a service: the catalogue's `ticket_prefix`, else a letter by position
    (ticket services first, so the window-ticket service of the demo catalogue calls A001, A002...)."""
    ids = sorted(services, key=lambda sid: services[sid].get("kind") != "ticket")
    index = ids.index(service_id)
    prefix = services[service_id].get("ticket_prefix")
    if not isinstance(prefix, str) or not prefix:
        prefix = chr(ord("A") + index % 26)
    return prefix, str(index % 6 + 1)


def create_app(settings: HubSettings) -> FastAPI:
    """The hub application over `settings.db_path` (a SQLite file, created if new, or PostgreSQL)."""
    pool = {"pool_size": settings.db_pool_size} if is_postgres(settings.db_path) else {}
    store = open_store(settings.db_path, key_path=settings.key_path, **pool)
    catalog = CatalogFile(settings.catalog_path)
    store.seal_plain_cases(_catalogue_classes(catalog))  # cases stored before encryption at rest
    rollout = CatalogueRollout(store, catalog)
    app = FastAPI(
        title="Community kiosk reference hub",
        version=API_VERSION,
        redirect_slashes=False,  # a redirect would break the signature: answer 404 instead
        default_response_class=AsciiJSONResponse,
        description="Hub contract v1: submissions with idempotency, catalogue, case status, rating, "
        "tickets, records and terminal heartbeats. Every /v1 request is signed (HMAC-SHA256 over method, "
        "path with query, X-Timestamp, X-Nonce and the body's SHA-256) and carries X-Terminal-Id and a "
        "Bearer token.",
    )
    app.state.store = store
    app.state.catalog = catalog
    app.state.rollout = rollout
    profiles = ProfileStore(store)  # sealed with the store's field key (hub/field_vault.py)
    app.state.profiles = profiles
    _install_error_handlers(app)
    for storage_error in store.storage_errors:
        app.add_exception_handler(storage_error, _storage_unavailable)
    mount_console(app, store, rollout, settings.console)
    # audit upload, command results, credential rotation, enrolment by code
    fleet = install_fleet_routes(app, store, settings.enrolment_per_minute)

    @app.get("/healthz", response_model=models.Ack, summary="Liveness probe (not signed)")
    def healthz() -> dict[str, Any]:
        return {"ok": True}

    @app.post(
        BATCH_PATH,
        response_model=models.BatchResponse,
        response_model_exclude_none=True,
        responses=ERRORS,
        summary="Submit a batch of queued submissions; one answer per item",
        description="Each item is judged on its own: an invalid item (wrong shape, unknown service, "
        "text that is not valid Unicode, a payload nested deeper than "
        f"{json_body.MAX_PAYLOAD_DEPTH} levels, a reused key) is answered 200 with status `rejected` "
        "and a `reason`, and the other items of the batch are stored all the same. Only a body that is "
        "not a JSON object with a list of items, each with a string idempotency_key, is refused as a "
        "whole (400/413/415/422).",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchRequest"}}},
            }
        },
    )
    async def submit_batch(request: Request) -> dict[str, Any]:
        # answered by the gate itself (hot_path below); kept for the API's description
        return await run_in_threadpool(batch_answer, _terminal(request), _parsed_body(request))

    def batch_answer(terminal_id: str, parsed: Any) -> dict[str, Any]:
        body = _json_object(parsed)
        items = body.get("items")
        if not isinstance(items, list):
            raise ApiError(422, "invalid_request", "items must be a list")
        if len(items) > settings.max_batch_items:
            raise ApiError(413, "too_many_items", f"at most {settings.max_batch_items} items per batch")
        if not all(isinstance(i, dict) and isinstance(i.get("idempotency_key"), str) for i in items):
            raise ApiError(422, "invalid_request", "every item needs an idempotency_key string")
        services = rollout.services_for(terminal_id)
        checked = [(item, _check_item(item, services)) for item in items]
        answers = store.submit(terminal_id, checked, _catalogue_classes(catalog))
        _refresh_profiles(profiles, services, checked, answers)
        counts: dict[str, int] = {}
        for a in answers:
            counts[a.status] = counts.get(a.status, 0) + 1
        log.info("batch stored", extra={"terminal_id": terminal_id, **counts})
        return {"results": [a.as_json() for a in answers]}

    @app.get(
        "/v1/catalog",
        response_model=models.CatalogDocument,
        responses={**ERRORS, 304: {"description": "Not modified (If-None-Match matched the ETag)"}},
        summary="The current service catalogue, with an ETag",
    )
    def get_catalog(request: Request) -> Response:
        # per terminal: a staged version goes to its group only (hub/catalogue_rollout.py)
        body, etag, _ = rollout.document_for(_terminal(request))
        wanted = [t.strip() for t in request.headers.get("if-none-match", "").split(",")]
        if etag in wanted or "*" in wanted:
            return Response(status_code=304, headers={"ETag": etag})
        return Response(body, media_type="application/json", headers={"ETag": etag})

    @app.get(
        "/v1/residents/{card_hash}/profile",
        response_model=models.ProfileOut,
        responses=ERRORS,
        summary="What the hub holds about a card holder, for prefill (values with their data classes)",
    )
    def resident_profile(card_hash: str = Path_(min_length=16, max_length=128)) -> dict[str, Any]:
        values = profiles.get(card_hash)
        if values is None:
            raise ApiError(404, "no_profile", "the hub holds no details for this card")
        return profile_answer(values)

    @app.get(
        "/v1/community/addresses",
        response_model=models.AddressesOut,
        responses=ERRORS,
        summary="The community's buildings and units, for the terminal's place picker",
    )
    def community_addresses() -> dict[str, Any]:
        return load_addresses(settings.addresses_path) if settings.addresses_path else load_addresses()

    @app.get(
        "/v1/cases", response_model=models.CaseList, responses=ERRORS, summary="Cases submitted with a card"
    )
    def cases_for_card(
        card_hash: str = Query(min_length=16, max_length=128, description="salted hash of the card number"),
    ) -> dict[str, Any]:
        return {"cases": store.cases_for_card(card_hash)}

    @app.get(
        "/v1/cases/{ref}", response_model=models.CaseOut, responses=ERRORS, summary="A case's status timeline"
    )
    def case_status(ref: str) -> dict[str, Any]:
        case = store.case(ref)
        if case is None:
            raise ApiError(404, "not_found", "no case with this id or reference")
        return case

    @app.post(
        "/v1/cases/{ref}/rating",
        response_model=models.CaseOut,
        responses={
            **ERRORS,
            409: {"model": models.ErrorBody, "description": "Not finished or rated already"},
        },
        summary="Rate a resolved or closed case, once",
    )
    def rate_case(ref: str, rating: models.RatingIn) -> dict[str, Any]:
        return store.rate_case(ref, rating.stars, rating.comment)

    @app.post(
        "/v1/tickets", response_model=models.TicketOut, responses=ERRORS, summary="A ticket for a window"
    )
    def take_ticket(request: Request, ticket: models.TicketIn) -> dict[str, Any]:
        services = rollout.services_for(_terminal(request))
        if ticket.service_id not in services:
            raise ApiError(404, "unknown_service", "no such service in the catalogue")
        prefix, window = _ticket_prefix(services, ticket.service_id)
        now = datetime.now(UTC)
        number, ahead = store.issue_ticket(prefix, ticket.service_id, now.date().isoformat())
        return {
            "number": f"{prefix}{number:03d}",
            "window": window,
            "waiting_ahead": ahead,
            "issued_at": now.isoformat(timespec="seconds"),
        }

    @app.post(
        "/v1/records",
        response_model=models.RecordOut,
        responses={
            **ERRORS,
            409: {"model": models.ErrorBody, "description": "The request id was used for another service"},
        },
        summary="Issue a record or certificate for printing (values masked)",
    )
    def records(request: Request, wanted: models.RecordIn) -> dict[str, Any]:
        service = rollout.services_for(_terminal(request)).get(wanted.service_id)
        if service is None:
            raise ApiError(404, "unknown_service", "no such service in the catalogue")
        try:
            # the number is taken in the transaction that keeps the document with the request id
            document = store.issue_record(
                _terminal(request),
                service["id"],
                wanted.request_id,
                lambda number: issue_record(service, wanted.subject, number),
            )
        except NoRecord as exc:
            raise ApiError(404, "no_record", str(exc)) from exc
        except SubjectIncomplete as exc:
            raise ApiError(422, "subject_incomplete", str(exc)) from exc
        return document

    @app.post(
        "/v1/terminals/{terminal_id}/heartbeat",
        response_model=HeartbeatAnswer,
        responses=ERRORS,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HeartbeatIn"}}},
            }
        },
        summary="A terminal's device health, queue depth, oldest pending age, versions and audit head; "
        "answers the held audit head and the pending signed commands",
    )
    async def heartbeat(terminal_id: str, request: Request) -> Response:
        # answered by the gate itself (hot_path below); kept for the API's description
        terminal = request.scope["state"]["terminal"]
        answer = await run_in_threadpool(heartbeat_answer, terminal_id, terminal, _parsed_body(request))
        return AsciiJSONResponse(answer)

    def heartbeat_answer(
        terminal_id: str, terminal: Terminal, parsed: Any, nonce: PendingNonce | None = None
    ) -> dict[str, Any]:
        if terminal_id != terminal.terminal_id:
            raise ApiError(403, "terminal_mismatch", "a terminal may only report its own heartbeat")
        beat = _heartbeat_in(parsed)
        report = {**beat.health, **(beat.model_extra or {})}
        return fleet.beat(terminal, report, settings.heartbeat_durable, nonce)

    def answered(make: Callable[[], dict[str, Any]]) -> Response:
        try:
            return AsciiJSONResponse(make())
        except NonceNotRecorded:
            raise  # the gate's to answer (hub/auth.py HotPath)
        except Exception as exc:  # noqa: BLE001 - answered as the app's exception handlers answer it
            return _answer_for(exc, store.storage_errors)

    def hot_path(scope: dict[str, Any]) -> HotPath | None:
        """The fleet's two hot paths (every terminal, every minute; every batch), answered by the
        gate after its checks, in its thread hop: no routing, no middleware stack, no second hop to
        a thread. The same functions as the routes above, the same answers and refusals; any other
        method on these paths goes on to the routes (405)."""
        if scope["method"] != "POST":
            return None
        if scope["path"] == BATCH_PATH:
            return HotPath(lambda terminal, parsed, _: answered(lambda: batch_answer(terminal.terminal_id, parsed)))
        beat = _HEARTBEAT_PATH.fullmatch(scope["path"])
        if beat is None:
            return None
        path_id = beat.group(1)
        # the nonce goes into the heartbeat's own statement: one round trip for the whole request
        return HotPath(
            lambda terminal, parsed, nonce: answered(lambda: heartbeat_answer(path_id, terminal, parsed, nonce)),
            takes_nonce=True,
        )

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        _, defs = models_json_schema(
            [
                (models.BatchRequest, "validation"),
                (models.SubmissionItemIn, "validation"),
                (models.OtherItemIn, "validation"),
                (models.HeartbeatIn, "validation"),
            ],
            ref_template="#/components/schemas/{model}",
        )
        components = schema.setdefault("components", {})
        components.setdefault("schemas", {}).update(defs.get("$defs", {}))
        components["securitySchemes"] = {"terminalToken": {"type": "http", "scheme": "bearer"}}
        signed = [
            {
                "name": name,
                "in": "header",
                "required": True,
                "schema": {"type": "string"},
                "description": text,
            }
            for name, text in SIGNING_HEADERS.items()
        ]
        for path, operations in schema["paths"].items():
            if not path.startswith("/v1/"):
                continue
            for operation in operations.values():
                operation["security"] = [{"terminalToken": []}]
                operation["parameters"] = operation.get("parameters", []) + signed
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    # every request is matched against the routes in order, and the heartbeat (every terminal, every
    # minute) came last, behind the console's routers: the fleet's two hot paths first (no other
    # route matches their paths, so the order changes nothing else)
    hot = {"/v1/terminals/{terminal_id}/heartbeat", BATCH_PATH}
    app.router.routes.sort(key=lambda route: getattr(route, "path", None) not in hot)
    gate = settings.gate
    app.add_middleware(
        SignatureGate, store=store, settings=gate, per_item_paths=frozenset({BATCH_PATH}), hot=hot_path
    )
    return app
