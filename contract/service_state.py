"""The heartbeat's optional `service` part (contract v1 grows): whether the terminal is serving
residents, and if not, why and since when.

    {"service": {"state": "in_service"}}
    {"service": {"state": "out_of_service", "reason": "hardware", "since": "2026-12-01T14:48:02+00:00"}}

Reasons are the terminal's out-of-service reasons (internal, hardware, hours, backend, not_enrolled).
A heartbeat without it (a terminal older than this part) is valid: the hub shows its service state as
unknown. A malformed part is read as absent, never refused: the heartbeat's other news counts more.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

IN_SERVICE = "in_service"
OUT_OF_SERVICE = "out_of_service"
REASON_MAX = 32


@dataclass(frozen=True)
class ServiceState:
    state: str  # in_service | out_of_service | unknown
    reason: str = ""
    since: str | None = None  # ISO 8601 UTC


UNKNOWN = ServiceState("unknown")


def service_part(reason: str | None, since_epoch: float | None) -> dict[str, Any]:
    """The part a terminal sends: `reason` None means in service."""
    if reason is None:
        return {"state": IN_SERVICE}
    part: dict[str, Any] = {"state": OUT_OF_SERVICE, "reason": reason[:REASON_MAX]}
    if since_epoch is not None:
        part["since"] = datetime.fromtimestamp(since_epoch, UTC).isoformat(timespec="seconds")
    return part


def read_service_part(health: dict[str, Any]) -> ServiceState:
    """What a hub reads from a heartbeat: UNKNOWN when the part is absent or malformed."""
    part = health.get("service")
    if not isinstance(part, dict) or part.get("state") not in (IN_SERVICE, OUT_OF_SERVICE):
        return UNKNOWN
    if part["state"] == IN_SERVICE:
        return ServiceState(IN_SERVICE)
    since = part.get("since")
    if not isinstance(since, str):
        since = None
    else:
        try:
            datetime.fromisoformat(since)
        except ValueError:
            since = None
    reason = part.get("reason")
    return ServiceState(OUT_OF_SERVICE, reason[:REASON_MAX] if isinstance(reason, str) else "", since)
