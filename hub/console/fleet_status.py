"""Each terminal's colour and alerts, from its latest heartbeat.

Colour: green while heartbeats arrive; yellow once more than `grace_missed` intervals passed without
one, or when an alert is open; red after more than `red_missed` intervals, when it never reported, or
when its enrolment was revoked. Alerts: paper out, paper low, card reader gone, outbox unreadable,
oldest pending item older than `backlog_alert_s`, and an audit chain problem. The audit chain status
is read from the heartbeat's `audit` part when it carries one (`{"ok": bool}` or `{"status": ..}`);
otherwise it is "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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
    interval = settings.heartbeat_interval_s
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
    )


def fleet(rows: list[dict[str, Any]], settings: ConsoleSettings) -> list[TerminalStatus]:
    now = datetime.now(UTC)
    return [terminal_status(r, settings, now) for r in rows if r["terminal_id"] != "DEMO"]
