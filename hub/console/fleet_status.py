"""Each terminal's colour and alerts, from its latest heartbeat.

Colour: green while heartbeats arrive; yellow once more than `grace_missed` intervals passed without
one, or when an alert is open; red after more than `red_missed` intervals, when it never reported, or
when its enrolment was revoked. Alerts: paper out, paper low, card reader gone, outbox unreadable,
oldest pending item older than `backlog_alert_s`, and an audit chain problem. The audit chain status
is read from the heartbeat's `audit` part when it carries one (`{"ok": bool}` or `{"status": ..}`);
otherwise it is "unknown".

Service state (contract v1 grows): a heartbeat may carry `service: {"state": "in_service"}` or
`{"state": "out_of_service", "reason": "hardware", "since": ISO}`. A terminal out of service is never
green (it turns residents away): yellow with an `out_of_service` alert naming the reason and since
when. A terminal that sends no `service` (older terminals) is shown as before, its state "unknown".
Missed heartbeats beyond the grace are an alert too (`silent`), so the alerts box says why a
terminal is yellow or red.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from contract.service_state import read_service_part
from hub.console.settings import ConsoleSettings

GOOD_CHAIN = ("ok", "intact", "verified")


@dataclass(frozen=True)
class TerminalStatus:
    terminal_id: str
    colour: str  # green | yellow | red
    heartbeat_at: str | None
    silent_s: float | None  # seconds since the last heartbeat
    queue_depth: Any
    oldest_pending_s: Any
    dead_letters: Any
    devices: dict[str, str]  # device -> state
    app_version: str
    catalogue_version: str
    chain: str  # ok | broken | unknown (or the status the heartbeat names)
    chain_head: str
    alerts: tuple[str, ...] = field(default=())  # alert codes, translated on the page
    revoked: bool = False
    service: str = "unknown"  # in_service | out_of_service | unknown (a terminal that does not say)
    service_reason: str = ""  # out of service: internal | hardware | hours | backend | not_enrolled
    service_since: str | None = None  # ISO 8601 UTC


def service_state(health: dict[str, Any]) -> tuple[str, str, str | None]:
    """(state, reason, since) from the heartbeat's optional `service` part (contract.service_state)."""
    found = read_service_part(health)
    return found.state, found.reason, found.since


def chain_status(health: dict[str, Any]) -> tuple[str, str]:
    """(status, short head) of the audit chain the heartbeat reports; ("unknown", "") without one."""
    audit = health.get("audit")
    if not isinstance(audit, dict):
        return "unknown", ""
    head = str(audit.get("head") or audit.get("head_hash") or "")[:12]
    if "seq" in audit:
        head = f"#{audit['seq']} {head}".strip()
    if isinstance(audit.get("status"), str):
        return audit["status"], head
    if "ok" in audit:
        return ("ok" if audit["ok"] else "broken"), head
    return "ok" if head else "unknown", head


def _alerts(health: dict[str, Any], settings: ConsoleSettings, chain: str) -> list[str]:
    alerts = []
    devices = health.get("devices") or {}
    printer = str((devices.get("printer") or {}).get("state", ""))
    reader = str((devices.get("card_reader") or {}).get("state", ""))
    if printer == "paper_out":
        alerts.append("paper_out")
    elif printer == "paper_low":
        alerts.append("paper_low")
    if reader in ("nodevice", "hwerror"):
        alerts.append("reader_gone")
    queue = health.get("queue") or {}
    if "error" in queue:
        alerts.append("outbox_error")
    oldest = queue.get("oldest_pending_age_s")
    if isinstance(oldest, int | float) and oldest > settings.backlog_alert_s:
        alerts.append("backlog")
    if chain not in (*GOOD_CHAIN, "unknown"):
        alerts.append("chain_problem")
    return alerts


def terminal_status(
    row: dict[str, Any], settings: ConsoleSettings, now: datetime | None = None
) -> TerminalStatus:
    """One row of HubStore.terminals_overview() as the fleet page shows it."""
    now = now or datetime.now(UTC)
    health = row.get("health") or {}
    silent = None
    if row.get("heartbeat_at"):
        silent = max(0.0, (now - datetime.fromisoformat(row["heartbeat_at"])).total_seconds())
    chain, head = chain_status(health)
    alerts = _alerts(health, settings, chain)
    service, reason, since = service_state(health)
    if service == "out_of_service":
        alerts.insert(0, "out_of_service")
    interval = settings.heartbeat_interval_s
    if row.get("revoked"):
        pass
    elif silent is None:
        alerts.append("never_reported")
    elif silent > settings.grace_missed * interval:
        alerts.append("silent")
    if row.get("revoked") or silent is None or silent > settings.red_missed * interval:
        colour = "red"
    elif silent > settings.grace_missed * interval or alerts:
        colour = "yellow"
    else:
        colour = "green"
    queue = health.get("queue") or {}
    versions = health.get("versions") or {}
    devices = {name: str((d or {}).get("state", "?")) for name, d in (health.get("devices") or {}).items()}
    return TerminalStatus(
        terminal_id=row["terminal_id"],
        colour=colour,
        heartbeat_at=row.get("heartbeat_at"),
        silent_s=None if silent is None else round(silent),
        queue_depth=queue.get("depth", "—"),
        oldest_pending_s=queue.get("oldest_pending_age_s"),
        dead_letters=queue.get("dead_letters", "—"),
        devices=devices,
        app_version=str(versions.get("app") or "—"),
        catalogue_version=str(versions.get("catalogue") or "—"),
        chain=chain,
        chain_head=head,
        alerts=tuple(alerts),
        revoked=bool(row.get("revoked")),
        service=service,
        service_reason=reason,
        service_since=since,
    )


def fleet(rows: list[dict[str, Any]], settings: ConsoleSettings) -> list[TerminalStatus]:
    now = datetime.now(UTC)
    return [terminal_status(r, settings, now) for r in rows if r["terminal_id"] != "DEMO"]


def device_errors(health: dict[str, Any]) -> list[dict[str, str]]:
    """Each device's last error as words can name it: the code the driver reports (`PaperOut: ...`
    -> "paper_out"), its time; the raw text stays in the heartbeat for technicians."""
    out = []
    for name, device in sorted((health.get("devices") or {}).items()):
        if not isinstance(device, dict) or not device.get("last_error"):
            continue
        raw = str(device["last_error"])
        kind = raw.split(":", 1)[0].strip()
        out.append({"device": name, "code": ERROR_CODES.get(kind, "other"), "at": device.get("last_error_at") or ""})
    return out


# the driver exceptions a heartbeat names (drivers/), as codes the console has words for
ERROR_CODES = {
    "PaperOut": "paper_out",
    "PrinterOffline": "offline",
    "PrintOutcomeUnknown": "print_unknown",
    "LinkLost": "offline",
    "LinkTimeout": "offline",
    "FontMissing": "printer_error",
    "ReceiptContentError": "printer_error",
    "PrinterError": "printer_error",
    "ReaderGone": "reader_gone",
    "CardUnreadable": "card_unreadable",
    "UnknownCard": "card_unreadable",
    "CardExpired": "card_unreadable",
    "CardRemoved": "card_removed",
    "CardError": "card_unreadable",
}
