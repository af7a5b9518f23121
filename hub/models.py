"""The wire shapes of contract v1 as Pydantic models, so /openapi.json describes them.

Request bodies of the batch endpoint are validated item by item in hub/app.py (one bad item is
rejected on its own, it does not sink the batch); these models still document what is expected.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ErrorBody(BaseModel):
    error: str = Field(description="machine-readable code, e.g. bad_signature, replay, too_large")
    message: str = Field(description="what went wrong, for technicians (never personal data)")


class SubmissionItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    idempotency_key: str = Field(min_length=1, max_length=128, description="same key = same case, never two")
    local_ref: str = Field(min_length=1, max_length=64, description="the reference the resident holds")
    service_id: str = Field(min_length=1, max_length=128, description="a service of the current catalogue")
    catalog_version: str = Field(max_length=64)
    created_at: str = Field(description="ISO 8601, UTC, when the resident submitted")
    payload: dict[str, Any] = Field(description="the form values (a JSON object)")
    field_classes: dict[str, Literal["public", "internal", "personal", "sensitive"]] | None = Field(
        default=None,
        description="field name -> data class; personal and sensitive values are encrypted at rest. "
        "Optional: without it (older terminals) the hub takes the classes from the catalogue",
    )


class OtherItemIn(BaseModel):
    """An item that is not a valid SubmissionItemIn but has its key: answered 200 `rejected` on its own."""

    model_config = ConfigDict(extra="allow")

    idempotency_key: str


class BatchRequest(BaseModel):
    # both kinds are valid requests: the hub judges each item by itself (hub/app.py, _check_item)
    items: list[SubmissionItemIn | OtherItemIn]


class ItemResult(BaseModel):
    idempotency_key: str
    status: Literal["accepted", "duplicate", "rejected"]
    case_id: str | None = Field(default=None, description="for accepted and duplicate")
    reason: str | None = Field(
        default=None,
        description="for rejected: invalid_item, invalid_text, payload_not_object, payload_too_deep, "
        "unknown_service, not_submittable, idempotency_key_reused, unstorable",
    )


class BatchResponse(BaseModel):
    results: list[ItemResult]


class CaseEventOut(BaseModel):
    at: str
    status: str
    note: dict[str, str] = Field(description="language code -> text")


class CaseOut(BaseModel):
    case_id: str
    local_ref: str
    service_id: str
    status: Literal["received", "assigned", "in_progress", "resolved", "closed", "rejected"]
    timeline: list[CaseEventOut]
    rating: int | None = None
    can_rate: bool = False


class CaseList(BaseModel):
    cases: list[CaseOut]


class RatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)


class TicketIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_id: str = Field(min_length=1, max_length=128)


class TicketOut(BaseModel):
    number: str = Field(description="what the staffed window calls, e.g. A023")
    window: str
    waiting_ahead: int
    issued_at: str


class RecordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_id: str = Field(min_length=1, max_length=128)
    subject: dict[str, Any] = Field(description="who the record is about: id_number and form values")
    request_id: str | None = Field(
        default=None,
        min_length=8,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="optional, the terminal's for one resident's request (e.g. a uuid4 hex), sent again "
        "when the answer was lost: the same terminal and id give the same document and number, once "
        "issued; the id with another service is refused (409 request_id_reused). Without it every "
        "request issues a new document",
    )


class RecordRow(BaseModel):
    label: dict[str, str]
    value: str = Field(description="already masked by the hub")
    value_text: dict[str, str] | None = Field(
        default=None,
        description="where the value is words (a choice's label): the value by language, so that a terminal "
        "shows the resident's; `value` then holds every language, for terminals that read only it",
    )


class RecordOut(BaseModel):
    record_id: str
    service_id: str
    title: dict[str, str]
    rows: list[RecordRow]
    issued_at: str
    verify_url: str


class HeartbeatIn(BaseModel):
    model_config = ConfigDict(extra="allow")

    health: dict[str, Any] = Field(
        default_factory=dict, description="device health, queue depth, oldest pending age, versions"
    )


class Ack(BaseModel):
    ok: bool = True


class CatalogDocument(BaseModel):
    model_config = ConfigDict(extra="allow")

    version: str
    services: list[dict[str, Any]]


class ProfileValue(BaseModel):
    key: Literal["hub.phone", "hub.address", "hub.household_id", "hub.community"]
    value: str
    data_class: Literal["public", "internal", "personal", "sensitive"]


class ProfileOut(BaseModel):
    values: list[ProfileValue] = Field(description="what the hub holds for the card; 404 no_profile when nothing")


class LocalTextOut(BaseModel):
    zh: str
    en: str


class BuildingOut(BaseModel):
    id: str
    label: LocalTextOut
    units: list[LocalTextOut]


class AddressesOut(BaseModel):
    community: LocalTextOut
    buildings: list[BuildingOut]
